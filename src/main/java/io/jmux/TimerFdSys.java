package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * The syscall layer under {@code TimerFd} and {@code ItimerSpec}: {@code timerfd_create},
 * {@code timerfd_settime}, {@code timerfd_gettime}, the 8-byte expiration read, and the
 * {@code struct itimerspec} layout. Wrappers return the raw result (n or -errno, or
 * {@link Owner#ECLOSED}); the public classes apply the rules.
 */
final class TimerFdSys {
    static final int SIZEOF_ITIMERSPEC = Native.constant("sizeof.itimerspec");
    static final int OFF_INTERVAL_SEC = Native.constant("offsetof.itimerspec.it_interval.tv_sec");
    static final int OFF_INTERVAL_NSEC = Native.constant("offsetof.itimerspec.it_interval.tv_nsec");
    static final int OFF_VALUE_SEC = Native.constant("offsetof.itimerspec.it_value.tv_sec");
    static final int OFF_VALUE_NSEC = Native.constant("offsetof.itimerspec.it_value.tv_nsec");

    static final CNames CLOCKS = CNames.of("CLOCK_");
    static final CNames CREATE_FLAGS = CNames.of("TFD_", "TFD_TIMER_");
    static final CNames SETTIME_FLAGS = CNames.of("TFD_TIMER_");

    static {
        // The accessors read time_t and long as 64 bits: true on every 64-bit Linux ABI.
        if (Native.constant("sizeof.time_t") != 8 || Native.constant("sizeof.long") != 8) {
            throw new UnsatisfiedLinkError("jmux: struct itimerspec with a 32-bit time_t or long is not supported");
        }
    }

    private TimerFdSys() {}

    static int create(int clockid, int flags) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = create0(clockid, flags);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "timerfd_create(" + CLOCKS.value(clockid) + ", " + CREATE_FLAGS.flags(flags) + ")");
        }
        return r;
    }

    /** {@code timerfd_settime(fd, flags, &new, old)}; old may be null (NULL). 0 or -errno. */
    static int settime(Owner o, int flags, long valueSec, long valueNsec, long intervalSec, long intervalNsec,
                       NativeArray old) {
        Native.ensureLoaded();
        ByteBuffer keep = old == null ? null : old.buffer();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = settime0(o.address, o.gen, flags, valueSec, valueNsec, intervalSec, intervalNsec,
                old == null ? 0 : old.address);
        Reference.reachabilityFence(o);
        Reference.reachabilityFence(keep);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "timerfd_settime(" + o.fd + ", " + SETTIME_FLAGS.flags(flags) + ", "
                    + spec(valueSec, valueNsec, intervalSec, intervalNsec) + ", "
                    + (old == null ? "NULL" : r == 0 ? spec(old) : "?") + ")");
        }
        return r;
    }

    static int gettime(Owner o, NativeArray curr) {
        Native.ensureLoaded();
        ByteBuffer keep = curr.buffer();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = gettime0(o.address, o.gen, curr.address);
        Reference.reachabilityFence(o);
        Reference.reachabilityFence(keep);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "timerfd_gettime(" + o.fd + ", " + (r == 0 ? spec(curr) : "?") + ")");
        }
        return r;
    }

    /** {@code read(fd, &count, 8)}: the expirations, or -errno (or {@link Owner#ECLOSED}). */
    static long read(Owner o) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        long r = read0(o.address, o.gen);
        Reference.reachabilityFence(o);
        if (Trace.ON) {
            Trace.emit(t0, r < 0 ? (int) r : 8, () -> "read(" + o.fd + ", " + (r < 0 ? "?" : "[" + r + "]") + ", 8)");
        }
        return r;
    }

    private static String spec(long vs, long vns, long is, long ins) {
        return "{it_interval={tv_sec=" + is + ", tv_nsec=" + ins + "}, it_value={tv_sec=" + vs
                + ", tv_nsec=" + vns + "}}";
    }

    /** A {@code struct itimerspec} array as strace prints it. */
    private static String spec(NativeArray s) {
        ByteBuffer b = s.buffer();
        return spec(b.getLong(OFF_VALUE_SEC), b.getLong(OFF_VALUE_NSEC), b.getLong(OFF_INTERVAL_SEC),
                b.getLong(OFF_INTERVAL_NSEC));
    }

    private static native int create0(int clockid, int flags);

    private static native int settime0(long owner, int gen, int flags, long valueSec, long valueNsec,
                                       long intervalSec, long intervalNsec, long old);

    private static native int gettime0(long owner, int gen, long curr);

    private static native long read0(long owner, int gen);
}
