package io.jmux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code eventfd(2)}: a kernel-held 64-bit counter behind an fd, readable while the
 * counter is non-zero — the cheapest fd to make ready on purpose.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class EventFd {
    /** Close-on-exec. */
    public static final int EFD_CLOEXEC = Native.constant("EFD_CLOEXEC");
    /** Non-blocking: read of a zero counter and overflowing writes fail with EAGAIN. */
    public static final int EFD_NONBLOCK = Native.constant("EFD_NONBLOCK");
    /** Each read returns 1 and decrements the counter by 1, instead of reading and zeroing it. */
    public static final int EFD_SEMAPHORE = Native.constant("EFD_SEMAPHORE");

    /** Per-thread 8 bytes the kernel writes the counter into, so read allocates nothing. */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()));

    private EventFd() {}

    /**
     * {@code eventfd(initval, flags)}.
     *
     * @param initval the counter's start value, 0 .. 2^32-1 (an unsigned int in C; pass it
     *     as a long)
     * @param flags {@link #EFD_CLOEXEC}, {@link #EFD_NONBLOCK}, {@link #EFD_SEMAPHORE};
     *     other bits reach the kernel, which answers {@code EINVAL}
     * @return the new fd, owned by the caller
     * @throws ErrnoException {@code EINVAL}, {@code EMFILE}, {@code ENFILE}, {@code ENOMEM}
     * @throws IllegalArgumentException if initval does not fit the C unsigned int
     */
    public static int eventfd(long initval, int flags) throws ErrnoException {
        if (initval < 0 || initval > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("initval must be 0..2^32-1 (a C unsigned int), got " + initval);
        }
        int r = EventFdSys.eventfd(initval, flags);
        if (r < 0) {
            throw Sys.error(r, "eventfd", initval + ", " + EventFdSys.FLAGS.flags(flags));
        }
        return r;
    }

    /**
     * {@code read(fd, &value, 8)}: takes the counter (or 1 of it, with
     * {@link #EFD_SEMAPHORE}). {@code EINTR} is retried.
     *
     * @param fd an eventfd
     * @return the value read, an unsigned 64-bit number (use {@link Long#toUnsignedString}
     *     for values past 2^63); <b>0 means EAGAIN</b>: a non-blocking eventfd whose counter
     *     is zero. A successful read never returns 0, so no other marker is needed.
     * @throws ErrnoException {@code EBADF}, {@code EINVAL} (fd is not an eventfd of 8 bytes)
     * @throws IllegalArgumentException if fd is not an eventfd and read(2) returned fewer
     *     than 8 bytes (those bytes are consumed)
     */
    public static long read(int fd) throws ErrnoException {
        Check.fd(fd);
        ByteBuffer scratch = SCRATCH.get();
        int r;
        do {
            r = EventFdSys.read(fd, scratch);
        } while (r == -Sys.EINTR);
        if (r == 8) {
            return scratch.getLong(0);
        }
        if (Errno.isWouldBlock(r)) {
            return 0;
        }
        if (r >= 0) { // an eventfd always transfers 8 bytes: this fd is something else
            throw new IllegalArgumentException("fd " + fd + " is not an eventfd: read(2) returned "
                    + r + " bytes, not 8");
        }
        throw Sys.error(r, "read", "eventfd=" + fd);
    }

    /**
     * {@code write(fd, &value, 8)}: adds value to the counter. {@code EINTR} is retried.
     *
     * @param fd an eventfd
     * @param value 1 .. 0xfffffffffffffffe as an unsigned 64-bit number; 0 is legal and
     *     does nothing
     * @return 8; or {@code -EAGAIN} if the counter would overflow on a non-blocking eventfd
     * @throws ErrnoException {@code EINVAL} for 0xffffffffffffffff (-1L), {@code EBADF}
     */
    public static int write(int fd, long value) throws ErrnoException {
        Check.fd(fd);
        int r;
        do {
            r = EventFdSys.write(fd, value);
        } while (r == -Sys.EINTR);
        if (r < 0 && !Errno.isWouldBlock(r)) {
            throw Sys.error(r, "write", "eventfd=" + fd + ", value=" + Long.toUnsignedString(value));
        }
        return r;
    }
}
