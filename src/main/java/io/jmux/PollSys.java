package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/** The syscall layer under {@link Poll}: {@code poll} and the {@code struct pollfd} layout. */
final class PollSys {
    static final int SIZEOF = Native.constant("sizeof.pollfd");
    static final int OFF_FD = Native.constant("offsetof.pollfd.fd");
    static final int OFF_EVENTS = Native.constant("offsetof.pollfd.events");
    static final int OFF_REVENTS = Native.constant("offsetof.pollfd.revents");

    static final CNames EVENT_NAMES = CNames.of("POLL");

    private PollSys() {}

    /** {@code poll(fds, nfds, timeout)}; nfds was bounded by the array's final capacity. */
    static int poll(NativeArray fds, int nfds, int timeoutMillis) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = poll0(fds.address, nfds, timeoutMillis);
        Reference.reachabilityFence(fds);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "poll(" + entries(fds, nfds, false) + ", " + nfds + ", "
                    + timeoutMillis + ")", () -> r == 0 ? "0" : r + " (" + entries(fds, nfds, true) + ")");
        }
        return r;
    }

    /** {@code [{fd=3, events=POLLIN}, ...]}, or with {@code ready} only the entries with revents. */
    private static String entries(NativeArray fds, int nfds, boolean ready) {
        ByteBuffer b = fds.buffer();
        StringBuilder sb = new StringBuilder("[");
        int shown = 0;
        for (int i = 0; i < nfds; i++) {
            int at = i * SIZEOF;
            int bits = b.getShort(at + (ready ? OFF_REVENTS : OFF_EVENTS)) & 0xFFFF;
            if (ready && bits == 0) {
                continue;
            }
            if (shown++ == Trace.MAX_ITEMS) {
                sb.append(", ...");
                break;
            }
            sb.append(shown > 1 ? ", " : "").append("{fd=").append(b.getInt(at + OFF_FD))
                    .append(ready ? ", revents=" : ", events=").append(EVENT_NAMES.flags(bits)).append('}');
        }
        return sb.append(']').toString();
    }

    private static native int poll0(long fds, int nfds, int timeoutMillis);
}
