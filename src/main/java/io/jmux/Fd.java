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
    /** {@link #fcntl} command: duplicate to the lowest free fd {@code >= arg}. */
    public static final int F_DUPFD = Native.constant("F_DUPFD");
    /** {@link #fcntl} command: the process (or negated group) that gets SIGIO/SIGURG. */
    public static final int F_GETOWN = Native.constant("F_GETOWN");
    /** {@link #fcntl} command: set the process (or negated group) that gets SIGIO/SIGURG. */
    public static final int F_SETOWN = Native.constant("F_SETOWN");
    /** {@link #fcntl} command: the signal sent when I/O is possible (0: SIGIO). */
    public static final int F_GETSIG = Native.constant("F_GETSIG");
    /** {@link #fcntl} command: set the signal sent when I/O is possible; a real-time one queues siginfo. */
    public static final int F_SETSIG = Native.constant("F_SETSIG");
    /** {@link #fcntl} command: a pipe's capacity in bytes. */
    public static final int F_GETPIPE_SZ = Native.constant("F_GETPIPE_SZ");
    /** {@link #fcntl} command: set a pipe's capacity (rounded up by the kernel). */
    public static final int F_SETPIPE_SZ = Native.constant("F_SETPIPE_SZ");
    /** {@code O_ASYNC} for {@link #setFl}: signal-driven I/O (see {@link #F_SETSIG}). */
    public static final int O_ASYNC = Native.constant("O_ASYNC");
    /**
     * The {@code fcntl} command behind {@link #setOwnEx}; it takes a
     * {@code struct f_owner_ex *}, so {@link #fcntl} refuses it.
     */
    public static final int F_SETOWN_EX = Native.constant("F_SETOWN_EX");
    /** The {@code fcntl} command behind {@link #getOwnEx}; {@link #fcntl} refuses it. */
    public static final int F_GETOWN_EX = Native.constant("F_GETOWN_EX");
    /** {@link #setOwnEx} type: the signal goes to one thread, named by its {@link #gettid()} id. */
    public static final int F_OWNER_TID = Native.constant("F_OWNER_TID");
    /** {@link #setOwnEx} type: the signal goes to a process (any thread that does not block it). */
    public static final int F_OWNER_PID = Native.constant("F_OWNER_PID");
    /** {@link #setOwnEx} type: the signal goes to a process group. */
    public static final int F_OWNER_PGRP = Native.constant("F_OWNER_PGRP");

    /**
     * The {@code fcntl} commands whose third argument is an int. Every other command
     * takes a pointer (or is unknown, and may be one), which no int from Java can be.
     */
    private static final int[] INT_COMMANDS = {F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD,
        F_GETFL, F_SETFL, F_GETOWN, F_SETOWN, F_GETSIG, F_SETSIG, F_GETPIPE_SZ, F_SETPIPE_SZ,
        Native.constant("F_GETLEASE"), Native.constant("F_SETLEASE"), Native.constant("F_NOTIFY"),
        Native.constant("F_GET_SEALS"), Native.constant("F_ADD_SEALS")};

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
     * @param flags 0 or any of {@link #O_NONBLOCK}, {@link #O_CLOEXEC}, {@link #O_DIRECT};
     *     other bits reach the kernel, which answers {@code EINVAL}
     * @return {@code {readEnd, writeEnd}}
     * @throws ErrnoException {@code EMFILE}, {@code ENFILE}, {@code EINVAL}
     */
    public static int[] pipe2(int flags) throws ErrnoException {
        long r = FdSys.pipe2(flags);
        if (r < 0) {
            throw Sys.error((int) r, "pipe2", FdSys.OPEN_FLAGS.flags(flags));
        }
        return new int[] {(int) r, (int) (r >>> 32)};
    }

    /**
     * {@code read(fd, dst + position, remaining)}: reads into the buffer's remaining
     * space and advances its position by the count read. A heap buffer reads at most
     * {@link #HEAP_TRANSFER_MAX} bytes per call. {@code EINTR} is retried. On a blocking
     * fd this pins a virtual thread's carrier while it waits.
     *
     * @param fd the fd to read
     * @param dst the buffer to fill
     * @return bytes read; 0 at end of file (peer closed); {@code -EAGAIN} if a
     *     non-blocking fd has nothing to read
     * @throws ErrnoException any other error, e.g. {@code EBADF}, {@code ECONNRESET}
     * @throws ReadOnlyBufferException if dst is read-only
     * @throws IllegalStateException if dst's memory was freed (a segment of a closed Arena)
     */
    public static int read(int fd, ByteBuffer dst) throws ErrnoException {
        Check.fd(fd);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position();
        int len = checkedRemaining(dst, pos);
        int count = dst.isDirect() ? len : Math.min(len, HEAP_TRANSFER_MAX);
        int n;
        if (dst.isDirect()) {
            checkMemoryAlive(dst, pos, len);
            do {
                n = FdSys.readBuffer(fd, dst, pos, count);
            } while (n == -Sys.EINTR);
        } else {
            do {
                n = FdSys.readArray(fd, dst.array(), dst.arrayOffset() + pos, count);
            } while (n == -Sys.EINTR);
        }
        if (n > 0) {
            dst.position(pos + n);
        }
        int r = n;
        if (r < 0 && !Errno.isWouldBlock(r)) {
            throw Sys.error(r, "read", "fd=" + fd + ", count=" + len);
        }
        return r;
    }

    /**
     * {@code read(fd, b + off, len)} into a byte array, at most {@link #HEAP_TRANSFER_MAX}
     * bytes per call. {@code EINTR} is retried.
     *
     * @param fd the fd to read
     * @param b the array to fill
     * @param off where in b
     * @param len the most bytes to read
     * @return bytes read; 0 at end of file; {@code -EAGAIN} if a non-blocking fd has
     *     nothing to read
     * @throws ErrnoException any other error
     */
    public static int read(int fd, byte[] b, int off, int len) throws ErrnoException {
        Check.fd(fd);
        Objects.checkFromIndexSize(off, len, b.length);
        int count = Math.min(len, HEAP_TRANSFER_MAX);
        int n;
        do {
            n = FdSys.readArray(fd, b, off, count);
        } while (n == -Sys.EINTR);
        int r = n;
        if (r < 0 && !Errno.isWouldBlock(r)) {
            throw Sys.error(r, "read", "fd=" + fd + ", count=" + len);
        }
        return r;
    }

    /**
     * {@code write(fd, src + position, remaining)}: writes from the buffer's remaining
     * bytes and advances its position by the count written. A heap buffer writes at
     * most {@link #HEAP_TRANSFER_MAX} bytes per call. {@code EINTR} is retried.
     *
     * @param fd the fd to write
     * @param src the bytes to write
     * @return bytes written (possibly fewer than remaining); {@code -EAGAIN} if a
     *     non-blocking fd has no room
     * @throws ErrnoException any other error, e.g. {@code EPIPE} (reader gone; the JVM
     *     ignores {@code SIGPIPE}), {@code EBADF}
     * @throws IllegalStateException if src's memory was freed (a segment of a closed Arena)
     */
    public static int write(int fd, ByteBuffer src) throws ErrnoException {
        Check.fd(fd);
        int pos = src.position();
        int len = checkedRemaining(src, pos);
        int count = src.isDirect() ? len : Math.min(len, HEAP_TRANSFER_MAX);
        int n;
        if (src.isDirect()) {
            checkMemoryAlive(src, pos, len);
            do {
                n = FdSys.writeBuffer(fd, src, pos, count);
            } while (n == -Sys.EINTR);
        } else if (src.hasArray()) {
            do {
                n = FdSys.writeArray(fd, src.array(), src.arrayOffset() + pos, count);
            } while (n == -Sys.EINTR);
        } else {
            // A read-only heap buffer hides its array: copy (this path allocates).
            byte[] copy = new byte[count];
            src.duplicate().get(copy);
            do {
                n = FdSys.writeArray(fd, copy, 0, copy.length);
            } while (n == -Sys.EINTR);
        }
        if (n > 0) {
            src.position(pos + n);
        }
        int r = n;
        if (r < 0 && !Errno.isWouldBlock(r)) {
            throw Sys.error(r, "write", "fd=" + fd + ", count=" + len);
        }
        return r;
    }

    /**
     * {@code write(fd, b + off, len)} from a byte array, at most {@link #HEAP_TRANSFER_MAX}
     * bytes per call. {@code EINTR} is retried.
     *
     * @param fd the fd to write
     * @param b the bytes
     * @param off where in b
     * @param len how many
     * @return bytes written; {@code -EAGAIN} if a non-blocking fd has no room
     * @throws ErrnoException any other error
     */
    public static int write(int fd, byte[] b, int off, int len) throws ErrnoException {
        Check.fd(fd);
        Objects.checkFromIndexSize(off, len, b.length);
        int count = Math.min(len, HEAP_TRANSFER_MAX);
        int n;
        do {
            n = FdSys.writeArray(fd, b, off, count);
        } while (n == -Sys.EINTR);
        int r = n;
        if (r < 0 && !Errno.isWouldBlock(r)) {
            throw Sys.error(r, "write", "fd=" + fd + ", count=" + len);
        }
        return r;
    }

    /**
     * {@code close(fd)}. Linux frees the fd number even when close reports an error
     * ({@code EINTR}, {@code EIO}), so a failed close is not retried.
     *
     * @param fd the fd to close
     * @throws ErrnoException {@code EBADF} if fd is not open; {@code EIO}
     */
    public static void close(int fd) throws ErrnoException {
        Check.fd(fd);
        int r = FdSys.close(fd);
        if (r < 0) {
            throw Sys.error(r, "close", "fd=" + fd);
        }
    }

    /**
     * {@code fcntl(fd, cmd, arg)} for the commands whose argument is an int:
     * {@link #F_DUPFD}, {@link #F_DUPFD_CLOEXEC}, {@link #F_GETFD}, {@link #F_SETFD},
     * {@link #F_GETFL}, {@link #F_SETFL}, {@link #F_GETOWN}, {@link #F_SETOWN},
     * {@link #F_GETSIG}, {@link #F_SETSIG}, {@link #F_GETPIPE_SZ}, {@link #F_SETPIPE_SZ},
     * {@code F_GETLEASE}, {@code F_SETLEASE}, {@code F_NOTIFY}, {@code F_GET_SEALS},
     * {@code F_ADD_SEALS}. Flag bits the kernel ignores go through as they are.
     *
     * @param fd the fd
     * @param cmd one of the commands above
     * @param arg the command's argument (ignored by the getters)
     * @return the command's result (flags, an owner, a signal, or the new fd)
     * @throws ErrnoException as the kernel answers, e.g. {@code EBADF}, {@code EINVAL}
     * @throws IllegalArgumentException for a command that takes a pointer, or one this
     *     build does not know (it might take one)
     */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        Check.fd(fd);
        if (!isIntCommand(cmd)) {
            throw new IllegalArgumentException("fcntl command " + FdSys.COMMANDS.value(cmd)
                    + " does not take an int argument (or is unknown here); only the commands"
                    + " listed in Fd.fcntl's documentation are passed to the kernel");
        }
        int r = FdSys.fcntl(fd, cmd, arg);
        if (r < 0) {
            throw Sys.error(r, "fcntl", "fd=" + fd + ", " + cmdName(cmd) + ", " + arg);
        }
        return r;
    }

    private static boolean isIntCommand(int cmd) {
        for (int c : INT_COMMANDS) {
            if (c == cmd) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code fcntl(fd, F_GETFL)}: the file status flags.
     *
     * @param fd the fd
     * @return the flags
     * @throws ErrnoException {@code EBADF}
     */
    public static int getFl(int fd) throws ErrnoException {
        return fcntl(fd, F_GETFL, 0);
    }

    /**
     * {@code fcntl(fd, F_SETFL, flags)}.
     *
     * @param fd the fd
     * @param flags the new status flags ({@link #O_NONBLOCK}, {@link #O_ASYNC}, ...)
     * @throws ErrnoException {@code EBADF}, {@code EPERM}
     */
    public static void setFl(int fd, int flags) throws ErrnoException {
        fcntl(fd, F_SETFL, flags);
    }

    /**
     * Whether {@link #O_NONBLOCK} is set on fd ({@code F_GETFL}).
     *
     * @param fd the fd
     * @return true if non-blocking
     * @throws ErrnoException {@code EBADF}
     */
    public static boolean isNonBlocking(int fd) throws ErrnoException {
        return (getFl(fd) & O_NONBLOCK) != 0;
    }

    /**
     * Sets or clears {@link #O_NONBLOCK} ({@code F_GETFL}, then {@code F_SETFL}).
     *
     * @param fd the fd
     * @param nonBlocking the wanted state
     * @throws ErrnoException {@code EBADF}
     */
    public static void setNonBlocking(int fd, boolean nonBlocking) throws ErrnoException {
        int flags = getFl(fd);
        int wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        if (wanted != flags) {
            setFl(fd, wanted);
        }
    }

    /**
     * Whether {@link #FD_CLOEXEC} is set on fd ({@code F_GETFD}).
     *
     * @param fd the fd
     * @return true if the fd is closed on {@code execve}
     * @throws ErrnoException {@code EBADF}
     */
    public static boolean isCloexec(int fd) throws ErrnoException {
        return (fcntl(fd, F_GETFD, 0) & FD_CLOEXEC) != 0;
    }

    /**
     * Sets or clears {@link #FD_CLOEXEC} ({@code F_GETFD}, then {@code F_SETFD}).
     *
     * @param fd the fd
     * @param cloexec the wanted state
     * @throws ErrnoException {@code EBADF}
     */
    public static void setCloexec(int fd, boolean cloexec) throws ErrnoException {
        int flags = fcntl(fd, F_GETFD, 0);
        int wanted = cloexec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (wanted != flags) {
            fcntl(fd, F_SETFD, wanted);
        }
    }

    /**
     * {@code dup(oldfd)}: a new fd, the lowest free number, for the same open file.
     * The new fd does not have close-on-exec set.
     *
     * @param oldfd the fd to duplicate
     * @return the new fd, owned by the caller
     * @throws ErrnoException {@code EBADF}, {@code EMFILE}
     */
    public static int dup(int oldfd) throws ErrnoException {
        Check.fd(oldfd);
        int r = FdSys.dup(oldfd);
        if (r < 0) {
            throw Sys.error(r, "dup", "fd=" + oldfd);
        }
        return r;
    }

    /**
     * {@code dup3(oldfd, newfd, flags)}: makes {@code newfd} refer to oldfd's open file,
     * closing what newfd referred to first (atomically).
     *
     * @param oldfd the fd to duplicate
     * @param newfd the number to use
     * @param flags 0 or {@link #O_CLOEXEC}; other bits reach the kernel ({@code EINVAL})
     * @return newfd
     * @throws ErrnoException {@code EBADF}, {@code EINVAL} (oldfd equals newfd, or flags),
     *     {@code EBUSY}, {@code EMFILE}
     */
    public static int dup3(int oldfd, int newfd, int flags) throws ErrnoException {
        Check.fd(oldfd);
        Check.fd(newfd);
        int r = FdSys.dup3(oldfd, newfd, flags);
        if (r < 0) {
            throw Sys.error(r, "dup3", "oldfd=" + oldfd + ", newfd=" + newfd + ", " + FdSys.OPEN_FLAGS.flags(flags));
        }
        return r;
    }

    /**
     * {@code fcntl(fd, F_SETOWN_EX, &(struct f_owner_ex){type, pid})}: who gets the signal
     * when I/O is possible on an {@link #O_ASYNC} fd ({@link #F_SETSIG} chooses the signal).
     *
     * <p>For signal-driven I/O in a JVM use {@link #F_OWNER_TID} with the {@link #gettid()}
     * of the thread that blocks the signal and reads it from a signalfd: a signal sent to
     * the process ({@link #F_OWNER_PID}, or {@code F_SETOWN}) goes to any thread that does
     * not block it, and the JVM's threads do not block a real-time signal, whose default
     * action ends the process. When the real-time signal cannot be queued
     * ({@code RLIMIT_SIGPENDING}), the kernel sends {@code SIGIO} to the same owner
     * instead (a thread, for {@link #F_OWNER_TID}); that thread must block SIGIO too. A
     * signal to a thread that has ended is dropped. See {@code SignalFd} for the signals
     * a JVM leaves free.
     *
     * @param fd the fd
     * @param type {@link #F_OWNER_TID}, {@link #F_OWNER_PID} or {@link #F_OWNER_PGRP};
     *     other values reach the kernel ({@code EINVAL})
     * @param pid the thread, process or group id; 0 clears the owner
     * @throws ErrnoException {@code EBADF}, {@code EINVAL}, {@code ESRCH} (no such
     *     thread, process or group), {@code EPERM}
     * @throws IllegalArgumentException if fd is negative
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public static void setOwnEx(int fd, int type, int pid) throws ErrnoException {
        Check.fd(fd);
        int r = FdSys.setOwnEx(fd, type, pid);
        if (r < 0) {
            throw Sys.error(r, "fcntl", "fd=" + fd + ", F_SETOWN_EX, {type="
                    + FdSys.OWNER_TYPES.value(type) + ", pid=" + pid + "}");
        }
    }

    /**
     * {@code fcntl(fd, F_GETOWN_EX, &owner)}: the owner {@link #setOwnEx} (or
     * {@code F_SETOWN}) set, as one long so no object is made: read it with
     * {@link #ownExType(long)} and {@link #ownExPid(long)}.
     *
     * @param fd the fd
     * @return {@code (long) type << 32 | pid} ({@code pid} 0 if no owner is set)
     * @throws ErrnoException {@code EBADF}
     * @throws IllegalArgumentException if fd is negative
     */
    public static long getOwnEx(int fd) throws ErrnoException {
        Check.fd(fd);
        long r = FdSys.getOwnEx(fd);
        if (r < 0) {
            throw Sys.error((int) r, "fcntl", "fd=" + fd + ", F_GETOWN_EX");
        }
        return r;
    }

    /**
     * The {@code type} field of a {@link #getOwnEx} result.
     *
     * @param ownEx what {@link #getOwnEx} returned
     * @return {@link #F_OWNER_TID}, {@link #F_OWNER_PID} or {@link #F_OWNER_PGRP}
     */
    public static int ownExType(long ownEx) {
        return (int) (ownEx >>> 32);
    }

    /**
     * The {@code pid} field of a {@link #getOwnEx} result.
     *
     * @param ownEx what {@link #getOwnEx} returned
     * @return the thread, process or group id; 0 if none is set
     */
    public static int ownExPid(long ownEx) {
        return (int) ownEx;
    }

    /**
     * {@code gettid()}: the calling thread's kernel thread id, for {@link #F_OWNER_TID}.
     * Not {@link Thread#getId()}. A virtual thread answers with its carrier's id, which
     * can change at any blocking point.
     *
     * @return the thread id
     * @see <a href="https://man7.org/linux/man-pages/man2/gettid.2.html">gettid(2)</a>
     */
    public static int gettid() {
        Native.ensureLoaded();
        return FdSys.gettid();
    }

    /**
     * The fd number of a java.nio channel ({@code SocketChannel}, {@code
     * ServerSocketChannel}, {@code DatagramChannel}, {@code Pipe} ends), so jmux can watch
     * it while Java code reads and writes it. The channel keeps owning the fd: do not
     * close it, and stop watching it before the channel is closed (after which the
     * number can be reused). Read from the JDK's internals via JNI, once per call.
     *
     * @param channel an open channel of the JDK's own provider
     * @return its fd number
     * @throws IllegalArgumentException if the channel is closed, or its provider is not
     *     the JDK's own
     */
    public static int fdOf(SelectableChannel channel) {
        Native.ensureLoaded();
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("channel is closed: " + channel);
        }
        int fd = FdSys.channelFd(channel);
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
     * @param descriptor a valid descriptor
     * @return its fd number
     * @throws IllegalArgumentException if the descriptor is not valid (closed)
     */
    public static int fdOf(FileDescriptor descriptor) {
        Native.ensureLoaded();
        if (!descriptor.valid()) {
            throw new IllegalArgumentException("FileDescriptor is not valid (closed?)");
        }
        int fd = FdSys.fileDescriptorFd(descriptor);
        if (fd < 0) {
            throw new IllegalArgumentException("FileDescriptor holds no fd");
        }
        return fd;
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
     * (it throws {@link IllegalStateException} if not).
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

    private static String cmdName(int cmd) {
        String name = FdSys.COMMANDS.value(cmd);
        return name.startsWith("F_") ? name : "cmd=" + cmd;
    }
}
