package io.jmux;

import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * Plain file-descriptor syscalls — {@code pipe2}, {@code read}, {@code write},
 * {@code close}, {@code fcntl} — so the readiness APIs can be driven without java.nio,
 * plus the fd number behind java.nio channels and {@link FileDescriptor}s.
 *
 * <p>fds are plain ints, owned by the caller exactly as in C: jmux never closes an fd it
 * did not create for itself.
 *
 * <p><b>Would-block is a result, not an error.</b> {@code read} and {@code write} on a
 * non-blocking fd that is not ready return {@code -EAGAIN} (test with
 * {@link Errno#isWouldBlock}); every other failure throws {@link ErrnoException}.
 */
public final class Fd {
    /** {@code O_NONBLOCK}, for {@link #pipe2} and {@link #setFl}. */
    public static final int O_NONBLOCK = Native.constant("O_NONBLOCK");
    /** {@code O_CLOEXEC}, for {@link #pipe2}. */
    public static final int O_CLOEXEC = Native.constant("O_CLOEXEC");
    /** {@code O_DIRECT}, for {@link #pipe2} (packet mode). */
    public static final int O_DIRECT = Native.constant("O_DIRECT");
    /** {@link #fcntl} command: get the file status flags. */
    public static final int F_GETFL = Native.constant("F_GETFL");
    /** {@link #fcntl} command: set the file status flags ({@code O_NONBLOCK}, ...). */
    public static final int F_SETFL = Native.constant("F_SETFL");
    /** {@link #fcntl} command: get the fd flags ({@code FD_CLOEXEC}). */
    public static final int F_GETFD = Native.constant("F_GETFD");
    /** {@link #fcntl} command: set the fd flags. */
    public static final int F_SETFD = Native.constant("F_SETFD");
    /** {@link #fcntl} command: duplicate to the lowest free fd {@code >= arg}, close-on-exec. */
    public static final int F_DUPFD_CLOEXEC = Native.constant("F_DUPFD_CLOEXEC");
    /** The close-on-exec bit of {@link #F_GETFD}/{@link #F_SETFD}. */
    public static final int FD_CLOEXEC = Native.constant("FD_CLOEXEC");

    /**
     * The most bytes one {@code read}/{@code write} on a heap buffer or array moves: such
     * transfers are staged through native memory, and a short transfer is a result the
     * kernel may give anyway. Direct buffers are passed to the kernel whole.
     */
    public static final int HEAP_TRANSFER_MAX = 128 * 1024;

    private Fd() {}

    /**
     * {@code pipe2(fds, flags)}.
     *
     * @param flags 0 or any of {@link #O_NONBLOCK}, {@link #O_CLOEXEC}, {@link #O_DIRECT}
     * @return {@code {readEnd, writeEnd}}
     * @throws ErrnoException {@code EMFILE}, {@code ENFILE}, {@code EINVAL}
     */
    public static int[] pipe2(int flags) throws ErrnoException {
        long t0 = Trace.ON ? System.nanoTime() : 0;
        long r = pipe20(flags);
        if (Trace.ON) {
            Trace.pipe2(flags, r, t0);
        }
        if (r < 0) {
            throw new ErrnoException("pipe2", Trace.openFlags(flags), (int) -r);
        }
        return new int[] {(int) r, (int) (r >>> 32)};
    }

    /**
     * {@code read(fd, dst + position, remaining)}: reads into the buffer's remaining
     * space and advances its position by the count read. A heap buffer reads at most
     * {@link #HEAP_TRANSFER_MAX} bytes per call.
     *
     * @return bytes read; 0 at end of file (peer closed); {@code -EAGAIN} if a
     *     non-blocking fd has nothing to read
     * @throws ErrnoException any other error, e.g. {@code EBADF}, {@code ECONNRESET}
     * @throws ReadOnlyBufferException if dst is read-only
     * @throws IllegalStateException if dst's memory was freed (a segment of a closed Arena)
     */
    public static int read(int fd, ByteBuffer dst) throws ErrnoException {
        checkFd(fd);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int len = checkedRemaining(dst, pos);
        int n;
        int count = dst.isDirect() ? len : Math.min(len, HEAP_TRANSFER_MAX);
        long t0 = Trace.ON ? System.nanoTime() : 0;
        if (dst.isDirect()) {
            checkMemoryAlive(dst, pos, len);
            n = readBuffer(fd, dst, pos, count);
        } else {
            n = readArray(fd, dst.array(), dst.arrayOffset() + pos, count);
        }
        if (Trace.ON) {
            Trace.read(fd, count, n, t0);
        }
        if (n > 0) {
            dst.position(pos + n);
        }
        return checkTransfer(n, "read", fd, len);
    }

    /**
     * {@code read(fd, b + off, len)} into a byte array, at most {@link #HEAP_TRANSFER_MAX}
     * bytes per call.
     *
     * @return bytes read; 0 at end of file; {@code -EAGAIN} if a non-blocking fd has
     *     nothing to read
     */
    public static int read(int fd, byte[] b, int off, int len) throws ErrnoException {
        checkFd(fd);
        Objects.checkFromIndexSize(off, len, b.length);
        int count = Math.min(len, HEAP_TRANSFER_MAX);
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int n = readArray(fd, b, off, count);
        if (Trace.ON) {
            Trace.read(fd, count, n, t0);
        }
        return checkTransfer(n, "read", fd, len);
    }

    /**
     * {@code write(fd, src + position, remaining)}: writes from the buffer's remaining
     * bytes and advances its position by the count written. A heap buffer writes at
     * most {@link #HEAP_TRANSFER_MAX} bytes per call.
     *
     * @return bytes written (possibly fewer than remaining); {@code -EAGAIN} if a
     *     non-blocking fd has no room
     * @throws ErrnoException any other error, e.g. {@code EPIPE} (reader gone; the JVM
     *     ignores {@code SIGPIPE}), {@code EBADF}
     * @throws IllegalStateException if src's memory was freed (a segment of a closed Arena)
     */
    public static int write(int fd, ByteBuffer src) throws ErrnoException {
        checkFd(fd);
        int pos = src.position();
        int len = checkedRemaining(src, pos);
        int n;
        int count = src.isDirect() ? len : Math.min(len, HEAP_TRANSFER_MAX);
        long t0;
        if (src.isDirect()) {
            checkMemoryAlive(src, pos, len);
            t0 = Trace.ON ? System.nanoTime() : 0;
            n = writeBuffer(fd, src, pos, count);
        } else if (src.hasArray()) {
            t0 = Trace.ON ? System.nanoTime() : 0;
            n = writeArray(fd, src.array(), src.arrayOffset() + pos, count);
        } else {
            // A read-only heap buffer hides its array: copy (this path allocates).
            byte[] copy = new byte[count];
            src.duplicate().get(copy);
            t0 = Trace.ON ? System.nanoTime() : 0;
            n = writeArray(fd, copy, 0, copy.length);
        }
        if (Trace.ON) {
            Trace.write(fd, count, n, t0);
        }
        if (n > 0) {
            src.position(pos + n);
        }
        return checkTransfer(n, "write", fd, len);
    }

    /**
     * {@code write(fd, b + off, len)} from a byte array, at most {@link #HEAP_TRANSFER_MAX}
     * bytes per call.
     *
     * @return bytes written; {@code -EAGAIN} if a non-blocking fd has no room
     */
    public static int write(int fd, byte[] b, int off, int len) throws ErrnoException {
        checkFd(fd);
        Objects.checkFromIndexSize(off, len, b.length);
        int count = Math.min(len, HEAP_TRANSFER_MAX);
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int n = writeArray(fd, b, off, count);
        if (Trace.ON) {
            Trace.write(fd, count, n, t0);
        }
        return checkTransfer(n, "write", fd, len);
    }

    /**
     * {@code close(fd)}. Linux frees the fd number even when close reports an error
     * ({@code EINTR}, {@code EIO}), so a failed close must not be retried.
     *
     * @throws ErrnoException {@code EBADF} if fd is not open; {@code EIO}
     */
    public static void close(int fd) throws ErrnoException {
        checkFd(fd);
        int r = closeQuietly(fd);
        if (r < 0) {
            throw new ErrnoException("close", "fd=" + fd, -r);
        }
    }

    /** {@code close(fd)} returning 0 or -errno: for jmux's own fds, closed where nobody can be told. */
    static int closeQuietly(int fd) {
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = close0(fd);
        if (Trace.ON) {
            Trace.close(fd, r, t0);
        }
        return r;
    }

    /**
     * {@code fcntl(fd, cmd, arg)} for the commands whose argument is an int:
     * {@link #F_GETFL}, {@link #F_SETFL}, {@link #F_GETFD}, {@link #F_SETFD},
     * {@link #F_DUPFD_CLOEXEC}. (Commands that take a pointer are refused: an int from
     * Java is no valid pointer.)
     *
     * @return the command's result (flags, or the new fd)
     * @throws IllegalArgumentException for any other command
     */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        checkFd(fd);
        if (cmd != F_GETFL && cmd != F_SETFL && cmd != F_GETFD && cmd != F_SETFD
                && cmd != F_DUPFD_CLOEXEC) {
            throw new IllegalArgumentException("fcntl command " + cmd + " is not supported;"
                    + " only F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC take an int");
        }
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = fcntl0(fd, cmd, arg);
        if (Trace.ON) {
            Trace.fcntl(fd, cmd, arg, r, t0);
        }
        if (r < 0) {
            throw new ErrnoException("fcntl", "fd=" + fd + ", " + cmdName(cmd) + ", " + arg, -r);
        }
        return r;
    }

    /** {@code fcntl(fd, F_GETFL)}: the file status flags. */
    public static int getFl(int fd) throws ErrnoException {
        return fcntl(fd, F_GETFL, 0);
    }

    /** {@code fcntl(fd, F_SETFL, flags)}. */
    public static void setFl(int fd, int flags) throws ErrnoException {
        fcntl(fd, F_SETFL, flags);
    }

    /** True if {@link #O_NONBLOCK} is set on fd ({@code F_GETFL}). */
    public static boolean isNonBlocking(int fd) throws ErrnoException {
        return (getFl(fd) & O_NONBLOCK) != 0;
    }

    /** Sets or clears {@link #O_NONBLOCK} ({@code F_GETFL}, then {@code F_SETFL}). */
    public static void setNonBlocking(int fd, boolean nonBlocking) throws ErrnoException {
        int flags = getFl(fd);
        int wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        if (wanted != flags) {
            setFl(fd, wanted);
        }
    }

    /**
     * The fd number of a java.nio channel ({@code SocketChannel}, {@code
     * ServerSocketChannel}, {@code DatagramChannel}, {@code Pipe} ends), so jmux can watch
     * it while Java code reads and writes it. The channel keeps owning the fd: do not
     * close it, and stop watching it before the channel is closed (after which the
     * number can be reused). Read from the JDK's internals via JNI, once per call.
     *
     * @throws IllegalArgumentException if the channel is closed, or its provider is not
     *     the JDK's own
     */
    public static int fdOf(SelectableChannel channel) {
        Native.ensureLoaded();
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("channel is closed: " + channel);
        }
        int fd = channelFd(channel);
        if (fd < 0) {
            throw new IllegalArgumentException("no fd for " + channel.getClass().getName()
                    + ": only the JDK's own channel implementations are supported");
        }
        return fd;
    }

    /**
     * The fd number inside a {@link FileDescriptor} (e.g. {@link FileDescriptor#in}, or
     * {@code FileInputStream.getFD()}). The owner of the descriptor keeps owning the fd.
     *
     * @throws IllegalArgumentException if the descriptor is not valid (closed)
     */
    public static int fdOf(FileDescriptor descriptor) {
        Native.ensureLoaded();
        if (!descriptor.valid()) {
            throw new IllegalArgumentException("FileDescriptor is not valid (closed?)");
        }
        int fd = fileDescriptorFd(descriptor);
        if (fd < 0) {
            throw new IllegalArgumentException("FileDescriptor holds no fd");
        }
        return fd;
    }

    // ---- shared checks ----

    static void checkFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative fd: " + fd);
        }
    }

    static int dupCloexec(int fd) throws ErrnoException {
        return fcntl(fd, F_DUPFD_CLOEXEC, 0);
    }

    /** Remaining bytes, from a snapshot checked against the capacity (another thread may move position/limit). */
    private static int checkedRemaining(ByteBuffer b, int pos) {
        int lim = b.limit();
        if (pos < 0 || pos > lim || lim > b.capacity()) {
            throw new IllegalStateException("buffer position/limit changed during the call");
        }
        return lim - pos;
    }

    /**
     * A direct buffer can outlive its memory: one made by {@code MemorySegment.asByteBuffer()}
     * (Java 22+) points into freed memory once its {@code Arena} is closed, and the kernel
     * would write there. Reading one byte makes the buffer check that its memory is alive
     * (it throws {@link IllegalStateException} if not). A shared Arena closed by another
     * thread during the syscall is not caught: the JDK's channels guard that with an
     * internal API that Java 17 code cannot use.
     */
    private static void checkMemoryAlive(ByteBuffer b, int pos, int len) {
        if (len > 0) {
            try {
                b.get(pos);
            } catch (IndexOutOfBoundsException raced) { // another thread lowered the limit
                throw new IllegalStateException("buffer position/limit changed during the call", raced);
            }
        }
    }

    private static int checkTransfer(int n, String syscall, int fd, int len) throws ErrnoException {
        if (n < 0 && !Errno.isWouldBlock(n)) {
            throw new ErrnoException(syscall, "fd=" + fd + ", count=" + len, -n);
        }
        return n;
    }

    private static String cmdName(int cmd) {
        return cmd == F_GETFL ? "F_GETFL" : cmd == F_SETFL ? "F_SETFL" : cmd == F_GETFD ? "F_GETFD"
                : cmd == F_SETFD ? "F_SETFD" : cmd == F_DUPFD_CLOEXEC ? "F_DUPFD_CLOEXEC" : "cmd=" + cmd;
    }

    private static native long pipe20(int flags);

    private static native int readBuffer(int fd, ByteBuffer buffer, int position, int length);

    private static native int writeBuffer(int fd, ByteBuffer buffer, int position, int length);

    private static native int readArray(int fd, byte[] array, int offset, int length);

    private static native int writeArray(int fd, byte[] array, int offset, int length);

    static native int close0(int fd);

    private static native int fcntl0(int fd, int cmd, int arg);

    private static native int fileDescriptorFd(FileDescriptor descriptor);

    private static native int channelFd(SelectableChannel channel);
}
