package io.jmux.bench;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * libc's readiness calls through JNA direct mapping ({@code Native.register}): JNA's
 * fastest mode, native methods bound straight to the C symbols. The struct layouts are
 * written here by hand, as a JNA user writes them; the benchmarks' result checks catch a
 * wrong one.
 */
final class JnaLibC {
    static {
        Native.register(JnaLibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /** {@code struct epoll_event} is packed (12 bytes) on x86-64 only. */
    static final int EPOLL_EVENT_SIZE = Platform.isIntel() && Platform.is64Bit() ? 12 : 16;
    static final int EPOLL_EVENT_DATA = EPOLL_EVENT_SIZE == 12 ? 4 : 8;
    /** {@code struct pollfd { int fd; short events; short revents; }}. */
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_REVENTS = 6;

    private JnaLibC() {}

    static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    /** {@code nfds_t} is an unsigned long. */
    static native int poll(Pointer fds, long nfds, int timeout);

    static native int select(int nfds, Pointer readfds, Pointer writefds, Pointer exceptfds,
                             Pointer timeout);

    static native int eventfd_write(int fd, long value);

    /** A libc function that makes no syscall: JNA's call floor. */
    static native int abs(int value);

    /** Throws with errno if a call failed. */
    static int checked(String call, int r) {
        if (r < 0) {
            throw new IllegalStateException(call + " failed: errno " + Native.getLastError());
        }
        return r;
    }
}
