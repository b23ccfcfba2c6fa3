package io.jmux;

import java.io.FileDescriptor;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;

/**
 * The syscall layer under {@link Fd}: {@code pipe2}, {@code read}, {@code write},
 * {@code close}, {@code fcntl}, {@code dup}, {@code dup3}. Also used by other facilities'
 * public classes for their own fds (an Epoll's {@code dup}), which is why it sits below
 * them. Wrappers return the kernel's raw result; {@link Fd} applies the rules.
 */
final class FdSys {
    static final int F_DUPFD = Native.constant("F_DUPFD");
    static final int F_DUPFD_CLOEXEC = Native.constant("F_DUPFD_CLOEXEC");
    static final int F_GETFL = Native.constant("F_GETFL");
    static final int F_SETFL = Native.constant("F_SETFL");
    static final int F_GETFD = Native.constant("F_GETFD");
    static final int F_SETFD = Native.constant("F_SETFD");

    static final CNames OPEN_FLAGS = CNames.of("O_");
    static final CNames FD_FLAGS = CNames.of("FD_CLOEXEC");
    static final CNames COMMANDS = CNames.of("F_");

    private FdSys() {}

    /** Both fds packed (read end low), or -errno. */
    static long pipe2(int flags) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        long r = pipe20(flags);
        if (Trace.ON) {
            Trace.emit(t0, r < 0 ? (int) r : 0, () -> "pipe2(" + Trace.fdPair(r) + ", "
                    + OPEN_FLAGS.flags(flags) + ")");
        }
        return r;
    }

    static int readBuffer(int fd, ByteBuffer b, int position, int count) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = readBuffer0(fd, b, position, count);
        Reference.reachabilityFence(b);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "read(" + fd + ", " + count + ")");
        }
        return r;
    }

    static int readArray(int fd, byte[] b, int offset, int count) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = readArray0(fd, b, offset, count);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "read(" + fd + ", " + count + ")");
        }
        return r;
    }

    static int writeBuffer(int fd, ByteBuffer b, int position, int count) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = writeBuffer0(fd, b, position, count);
        Reference.reachabilityFence(b);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "write(" + fd + ", " + count + ")");
        }
        return r;
    }

    static int writeArray(int fd, byte[] b, int offset, int count) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = writeArray0(fd, b, offset, count);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "write(" + fd + ", " + count + ")");
        }
        return r;
    }

    /** {@code close(fd)}: 0 or -errno. Never retried: Linux frees the number even on EINTR. */
    static int close(int fd) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = close0(fd);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "close(" + fd + ")");
        }
        return r;
    }

    static int fcntl(int fd, int cmd, int arg) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = fcntl0(fd, cmd, arg);
        if (Trace.ON) {
            boolean getter = cmd == F_GETFL || cmd == F_GETFD;
            String argText = cmd == F_SETFL ? OPEN_FLAGS.flags(arg) : cmd == F_SETFD
                    ? FD_FLAGS.flags(arg) : Integer.toString(arg);
            // Flag words come back in hex, as strace shows them: = 0x802 (flags O_NONBLOCK|0x2)
            Trace.emit(t0, r, () -> "fcntl(" + fd + ", " + COMMANDS.value(cmd)
                    + (getter ? "" : ", " + argText) + ")",
                () -> cmd == F_GETFL ? "0x" + Integer.toHexString(r) + " (flags " + OPEN_FLAGS.flags(r) + ")"
                        : cmd == F_GETFD ? "0x" + Integer.toHexString(r) + " (flags " + FD_FLAGS.flags(r) + ")"
                        : Integer.toString(r));
        }
        return r;
    }

    static int dup(int fd) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = dup0(fd);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "dup(" + fd + ")");
        }
        return r;
    }

    static int dup3(int oldfd, int newfd, int flags) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = dup30(oldfd, newfd, flags);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "dup3(" + oldfd + ", " + newfd + ", " + OPEN_FLAGS.flags(flags) + ")");
        }
        return r;
    }

    static int fileDescriptorFd(FileDescriptor descriptor) {
        Native.ensureLoaded();
        return fileDescriptorFd0(descriptor);
    }

    static int channelFd(SelectableChannel channel) {
        Native.ensureLoaded();
        return channelFd0(channel);
    }

    private static native long pipe20(int flags);

    private static native int readBuffer0(int fd, ByteBuffer buffer, int position, int length);

    private static native int writeBuffer0(int fd, ByteBuffer buffer, int position, int length);

    private static native int readArray0(int fd, byte[] array, int offset, int length);

    private static native int writeArray0(int fd, byte[] array, int offset, int length);

    private static native int close0(int fd);

    private static native int fcntl0(int fd, int cmd, int arg);

    private static native int dup0(int fd);

    private static native int dup30(int oldfd, int newfd, int flags);

    private static native int fileDescriptorFd0(FileDescriptor descriptor);

    private static native int channelFd0(SelectableChannel channel);
}
