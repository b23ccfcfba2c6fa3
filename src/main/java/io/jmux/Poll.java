package io.jmux;

import java.nio.ByteBuffer;

/**
 * {@code poll(2)}: wait for events on the fds of a {@link PollFds} array.
 *
 * <p>The {@code POLL*} constants are read from {@code <poll.h>} at load time.
 * {@link #POLLERR}, {@link #POLLHUP} and {@link #POLLNVAL} are always reported when they
 * hold, whether requested or not.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/poll.2.html">poll(2)</a>
 */
public final class Poll {
    /** There is data to read. */
    public static final int POLLIN = Native.constant("POLLIN");
    /** Exceptional condition: TCP out-of-band data, a pty state change, a cgroup event. */
    public static final int POLLPRI = Native.constant("POLLPRI");
    /** Writing is possible now (without blocking, for at least some bytes). */
    public static final int POLLOUT = Native.constant("POLLOUT");
    /** Error condition (returned only): e.g. the read end of a pipe closed under a writer. */
    public static final int POLLERR = Native.constant("POLLERR");
    /** Hang up (returned only): the peer closed; data may still be readable. */
    public static final int POLLHUP = Native.constant("POLLHUP");
    /** Invalid request (returned only): the fd is not open. */
    public static final int POLLNVAL = Native.constant("POLLNVAL");
    /** Same as {@link #POLLIN} on Linux sockets and pipes. */
    public static final int POLLRDNORM = Native.constant("POLLRDNORM");
    /** Priority band data can be read (rarely used on Linux). */
    public static final int POLLRDBAND = Native.constant("POLLRDBAND");
    /** Same as {@link #POLLOUT}. */
    public static final int POLLWRNORM = Native.constant("POLLWRNORM");
    /** Priority data may be written. */
    public static final int POLLWRBAND = Native.constant("POLLWRBAND");
    /** Unused on Linux; accepted for completeness. */
    public static final int POLLMSG = Native.constant("POLLMSG");
    /** Stream socket peer closed its connection or shut down writing (Linux 2.6.17). */
    public static final int POLLRDHUP = Native.constant("POLLRDHUP");

    private static final int EINTR = Errno.EINTR;

    private Poll() {}

    /**
     * {@code poll(fds, fds.size(), timeout)}: waits until an fd in the first
     * {@code fds.size()} entries has a requested event (or {@code POLLERR},
     * {@code POLLHUP}, {@code POLLNVAL}), then sets every entry's {@code revents}.
     *
     * <p>An entry with a negative fd is skipped (revents 0), as the kernel does. A closed
     * fd is not an error: its entry reports {@link #POLLNVAL}. A signal ({@code EINTR})
     * restarts the wait with the remaining timeout. Pins a virtual thread's carrier
     * while it blocks.
     *
     * @param fds the entries to poll
     * @param timeoutMillis the longest wait in milliseconds; 0 returns at once; any
     *     negative value waits until an event (poll(2): "a negative value in timeout
     *     means an infinite timeout")
     * @return the number of entries with non-zero revents; 0 if the timeout expired
     * @throws ErrnoException {@code EINVAL} if size exceeds {@code RLIMIT_NOFILE},
     *     {@code ENOMEM}
     * @throws IllegalStateException if fds is closed
     */
    public static int poll(PollFds fds, int timeoutMillis) throws ErrnoException {
        ByteBuffer keepAlive = fds.buffer(); // pins the memory the kernel writes
        int nfds = fds.nfds(); // read once, bounded by the final capacity
        long start = timeoutMillis > 0 ? System.nanoTime() : 0;
        int timeout = timeoutMillis;
        int n;
        while (true) {
            n = PollSys.poll(fds, nfds, timeout);
            if (n != -EINTR) {
                break;
            }
            timeout = Timeouts.remainingMillis(timeoutMillis, start); // restart after a signal
        }
        java.lang.ref.Reference.reachabilityFence(keepAlive);
        if (n < 0) {
            throw Sys.error(n, "poll", "nfds=" + nfds + ", timeout=" + timeoutMillis);
        }
        return n;
    }

    /**
     * Names the set bits, e.g. {@code "POLLIN|POLLHUP"}; unknown bits as hex.
     *
     * @param events a {@code POLL*} bit set
     * @return the C spelling
     */
    public static String eventNames(int events) {
        return PollSys.EVENT_NAMES.flags(events);
    }
}
