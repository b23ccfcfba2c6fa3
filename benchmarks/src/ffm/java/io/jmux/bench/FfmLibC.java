package io.jmux.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * libc's readiness calls as Foreign Function & Memory API downcalls (JDK 22+). Each
 * syscall handle captures errno ({@code Linker.Option.captureCallState}), as a binding
 * must to report failures; the handles are static finals so the JIT inlines them.
 */
final class FfmLibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    /** {@code struct epoll_event} is packed (12 bytes) on x86-64 only. */
    static final int EPOLL_EVENT_SIZE = "amd64".equals(System.getProperty("os.arch")) ? 12 : 16;
    static final int EPOLL_EVENT_DATA = EPOLL_EVENT_SIZE == 12 ? 4 : 8;
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_REVENTS = 6;

    private static final MethodHandle EPOLL_WAIT = syscall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = syscall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle POLL = syscall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SELECT = syscall("select",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle EVENTFD_WRITE = syscall("eventfd_write",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    /** abs(3) makes no syscall and sets no errno: the FFM call floor, nothing captured. */
    private static final MethodHandle ABS = LINKER.downcallHandle(
            LINKER.defaultLookup().find("abs").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private FfmLibC() {}

    private static MethodHandle syscall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }

    /** Per-caller memory the downcalls write errno into. */
    static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max, int timeout) {
        try {
            return checked("epoll_wait", state, (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeout));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
        try {
            return checked("epoll_ctl", state, (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int poll(MemorySegment state, MemorySegment fds, long nfds, int timeout) {
        try {
            return checked("poll", state, (int) POLL.invokeExact(state, fds, nfds, timeout));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int select(MemorySegment state, int nfds, MemorySegment readfds, MemorySegment timeout) {
        try {
            return checked("select", state, (int) SELECT.invokeExact(state, nfds, readfds,
                    MemorySegment.NULL, MemorySegment.NULL, timeout));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfdWrite(MemorySegment state, int fd, long value) {
        try {
            return checked("eventfd_write", state, (int) EVENTFD_WRITE.invokeExact(state, fd, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int abs(int value) {
        try {
            return (int) ABS.invokeExact(value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int checked(String call, MemorySegment state, int r) {
        if (r < 0) {
            throw new IllegalStateException(call + " failed: errno " + (int) ERRNO.get(state, 0L));
        }
        return r;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
