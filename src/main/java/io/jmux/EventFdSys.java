package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/** The syscall layer under {@link EventFd}: {@code eventfd} and the 8-byte counter transfers. */
final class EventFdSys {
    static final CNames FLAGS = CNames.of("EFD_");

    private EventFdSys() {}

    static int eventfd(long initval, int flags) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = eventfd0((int) initval, flags);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "eventfd(" + initval + ", " + FLAGS.flags(flags) + ")");
        }
        return r;
    }

    /** {@code read(fd, &value, 8)} into {@code valueOut}: 8, or -errno. */
    static int read(int fd, ByteBuffer valueOut) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = read0(fd, valueOut);
        Reference.reachabilityFence(valueOut);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "read(" + fd + ", " + (r == 8 ? "["
                    + Long.toUnsignedString(valueOut.getLong(0)) + "]" : "?") + ", 8)");
        }
        return r;
    }

    static int write(int fd, long value) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = write0(fd, value);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "write(" + fd + ", [" + Long.toUnsignedString(value) + "], 8)");
        }
        return r;
    }

    private static native int eventfd0(int initval, int flags);

    private static native int read0(int fd, ByteBuffer valueOut);

    private static native int write0(int fd, long value);
}
