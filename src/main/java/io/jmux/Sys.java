package io.jmux;

/**
 * The one place where a kernel result becomes an exception, and the rules for
 * {@code EINTR} and would-block, one per kind of call (see the package documentation):
 *
 * <ul>
 *   <li><b>waits</b> ({@code select}, {@code poll}, {@code epoll_wait},
 *       {@code epoll_pwait2}): {@code EINTR} restarts the wait with the remaining
 *       timeout; a wait on an owner closed meanwhile returns 0;</li>
 *   <li><b>transfers</b> ({@code read}, {@code write}, {@code accept4}, eventfd reads
 *       and writes): {@code EAGAIN}/{@code EWOULDBLOCK} is returned as
 *       {@code -EAGAIN}; {@code EINTR} is retried;</li>
 *   <li><b>{@code connect}</b>: {@code EINPROGRESS}, {@code EAGAIN} and {@code EINTR} are
 *       returned (the connection goes on in the background after each, so a retry
 *       would answer {@code EALREADY});</li>
 *   <li><b>{@code close}</b>: never retried, since Linux frees the number even when it
 *       reports {@code EINTR};</li>
 *   <li><b>everything else</b> throws {@link ErrnoException} for every errno,
 *       {@code EINTR} included: those calls do not block.</li>
 * </ul>
 */
final class Sys {
    static final int EINTR = Errno.EINTR;
    private static final int EAGAIN = Errno.EAGAIN;
    private static final int EWOULDBLOCK = Native.constant("errno.EWOULDBLOCK");
    private static final int EINPROGRESS = Errno.EINPROGRESS;

    private Sys() {}

    /** The exception for a negative kernel result {@code r = -errno}. */
    static ErrnoException error(int r, String syscall, String arguments) {
        return new ErrnoException(syscall, arguments, -r);
    }

    /**
     * True if connect's result {@code r} is an error to throw: not 0, {@code -EINPROGRESS},
     * {@code -EAGAIN} or {@code -EINTR}. A predicate, so the caller builds the message only
     * on the failure path.
     */
    static boolean connectFailed(int r) {
        return r < 0 && r != -EINPROGRESS && r != -EAGAIN && r != -EWOULDBLOCK && r != -EINTR;
    }

    /** Closed-owner results of a non-wait call become the closed exception. */
    static int owned(int r, String what) {
        if (r == Owner.ECLOSED) {
            throw Owner.closedException(what);
        }
        return r;
    }
}
