package io.jmux;

import java.lang.ref.Reference;

/**
 * The syscall layer under {@link Epoll}: its natives, one traced wrapper per syscall,
 * and the {@code struct epoll_event} layout. Wrappers return the kernel's raw result
 * (n or -errno, or {@link Owner#ECLOSED}); the public class applies the rules.
 */
final class EpollSys {
    static final int SIZEOF_EVENT = Native.constant("sizeof.epoll_event");
    static final int OFF_EVENTS = Native.constant("offsetof.epoll_event.events");
    static final int OFF_DATA = Native.constant("offsetof.epoll_event.data");

    static final CNames EVENT_NAMES = CNames.of("EPOLL", "EPOLL_");
    static final CNames OP_NAMES = CNames.of("EPOLL_CTL_");
    private static final CNames CREATE_FLAGS = CNames.of("EPOLL_CLOEXEC");

    private EpollSys() {}

    static int create1(int flags) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = epollCreate1(flags);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "epoll_create1(" + CREATE_FLAGS.flags(flags) + ")");
        }
        return r;
    }

    static int ctl(Owner o, int op, int fd, int events, long data) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = epollCtl(o.address, o.gen, op, fd, events, data);
        Reference.reachabilityFence(o);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "epoll_ctl(" + o.fd + ", " + OP_NAMES.value(op) + ", " + fd
                    + ", {" + EVENT_NAMES.flags(events) + ", data=" + Trace.data(data) + "})");
        }
        return r;
    }

    static int wait(Owner o, NativeArray events, int maxEvents, int timeoutMillis) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = epollWait(o.address, o.gen, events.address, maxEvents, timeoutMillis);
        Reference.reachabilityFence(o);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "epoll_wait(" + o.fd + ", " + events(events, r) + ", "
                    + maxEvents + ", " + timeoutMillis + ")");
        }
        return r;
    }

    static int pwait2(Owner o, NativeArray events, int maxEvents, long timeoutNanos) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = epollPwait2(o.address, o.gen, events.address, maxEvents, timeoutNanos);
        Reference.reachabilityFence(o);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "epoll_pwait2(" + o.fd + ", " + events(events, r) + ", "
                    + maxEvents + ", " + Trace.timespec(timeoutNanos) + ", NULL)");
        }
        return r;
    }

    /** {@code epoll_pwait2(-1, ...)}: a kernel that has the syscall answers EBADF at once. */
    static int probePwait2(NativeArray scratch) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = epollPwait2Fd(-1, scratch.address, 1, 0);
        Reference.reachabilityFence(scratch);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "epoll_pwait2(-1, [], 1, {tv_sec=0, tv_nsec=0}, NULL)");
        }
        return r;
    }

    private static String events(NativeArray events, int n) {
        StringBuilder sb = new StringBuilder("[");
        java.nio.ByteBuffer b = events.buffer();
        for (int i = 0; i < n; i++) {
            if (i == Trace.MAX_ITEMS) {
                sb.append(", ...");
                break;
            }
            int at = i * SIZEOF_EVENT;
            sb.append(i > 0 ? ", {" : "{").append(EVENT_NAMES.flags(b.getInt(at + OFF_EVENTS)))
                    .append(", data=").append(Trace.data(b.getLong(at + OFF_DATA))).append('}');
        }
        return sb.append(']').toString();
    }

    private static native int epollCreate1(int flags);

    private static native int epollCtl(long owner, int gen, int op, int fd, int events, long data);

    private static native int epollWait(long owner, int gen, long events, int maxevents, int timeoutMillis);

    private static native int epollPwait2(long owner, int gen, long events, int maxevents, long timeoutNanos);

    private static native int epollPwait2Fd(int epfd, long events, int maxevents, long timeoutNanos);
}
