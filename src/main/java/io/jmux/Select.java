package io.jmux;

import java.nio.ByteBuffer;

/**
 * {@code select(2)}: wait until fds in up to three {@link FdSet}s are ready.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/select.2.html">select(2)</a>
 */
public final class Select {
    private static final int EINTR = Errno.EINTR;

    private Select() {}

    /**
     * {@code select(nfds, readfds, writefds, exceptfds, timeout)}: waits until one of the
     * fds {@code 0 .. nfds-1} set in the given sets is ready, then leaves set only the
     * ready ones, exactly as the kernel answered.
     *
     * <p>Only fds the kernel reported come back set. The kernel examines fds below
     * {@code nfds} and below the size of the process's fd table, and leaves the bits of
     * higher numbers as they were; C callers then see a closed fd number there as
     * "ready". jmux clears every bit the kernel did not write: those of fds past the fd
     * table, and those of fds at or above {@code nfds}. An fd that is closed but inside
     * the table gives {@code EBADF}, as in C.
     *
     * <p>If a signal interrupts the wait ({@code EINTR}) it is restarted with the
     * remaining timeout; the sets are unchanged on {@code EINTR}, so the retry is exact.
     * Pins a virtual thread's carrier while it blocks.
     *
     * @param nfds highest fd to check plus one; at most the capacity of every non-null
     *     set (the kernel would read past it); a negative value goes to the kernel, which
     *     answers {@code EINVAL}
     * @param readfds fds to check for reading, or null
     * @param writefds fds to check for writing, or null
     * @param exceptfds fds to check for exceptional conditions (TCP urgent data,
     *     {@code POLLPRI}), or null
     * @param timeoutMicros the longest wait in microseconds; 0 returns at once; -1 waits
     *     until an fd is ready (a NULL timeout); other negative values reach the kernel as
     *     a {@code struct timeval}, which it refuses with {@code EINVAL}
     * @return the number of bits left set across the three sets (an fd in two sets counts
     *     twice); 0 if the timeout expired
     * @throws ErrnoException {@code EBADF} if a set holds a closed fd, {@code EINVAL},
     *     {@code ENOMEM}
     * @throws IllegalArgumentException if nfds is past a set's capacity
     * @throws IllegalStateException if a set is closed
     */
    public static int select(int nfds, FdSet readfds, FdSet writefds, FdSet exceptfds,
                             long timeoutMicros) throws ErrnoException {
        // Locals keep each buffer, and with it the memory the kernel writes, alive until
        // the call is over even if another thread closes a set meanwhile.
        ByteBuffer r = checked(readfds, nfds, "readfds");
        ByteBuffer w = checked(writefds, nfds, "writefds");
        ByteBuffer x = checked(exceptfds, nfds, "exceptfds");
        // The clock is read only for a finite, non-zero timeout: the case EINTR can shorten.
        long start = timeoutMicros > 0 ? System.nanoTime() : 0;
        String setsBefore = Trace.ON ? SelectSys.fdSets(nfds, readfds, writefds, exceptfds) : null;
        long timeout = timeoutMicros;
        int n;
        while (true) {
            n = SelectSys.select(nfds, readfds, writefds, exceptfds, timeout, setsBefore);
            if (n != -EINTR) {
                break;
            }
            if (timeoutMicros > 0) { // restart after a signal with what is left
                timeout = Math.max(0, timeoutMicros - (System.nanoTime() - start) / 1000);
            }
        }
        if (n < 0) {
            throw Sys.error(n, "select", "nfds=" + nfds);
        }
        FdSet.clearUnreported(n, nfds, readfds, r, writefds, w, exceptfds, x);
        java.lang.ref.Reference.reachabilityFence(r);
        java.lang.ref.Reference.reachabilityFence(w);
        java.lang.ref.Reference.reachabilityFence(x);
        return n;
    }

    private static ByteBuffer checked(FdSet set, int nfds, String name) {
        if (set == null) {
            return null;
        }
        ByteBuffer b = set.buffer();
        if (nfds > set.capacity()) {
            throw new IllegalArgumentException("nfds " + nfds + " exceeds " + name
                    + " capacity " + set.capacity() + ": the kernel would read past the set");
        }
        return b;
    }
}
