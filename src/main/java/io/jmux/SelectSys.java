package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/** The syscall layer under {@link Select}: {@code select} over off-heap {@code fd_set}s. */
final class SelectSys {
    private SelectSys() {}

    /**
     * {@code select(nfds, r, w, x, timeout)}; a null set is NULL. {@code timeoutMicros}
     * -1 is a NULL timeout; any other value becomes a {@code struct timeval}, which the
     * kernel refuses ({@code EINVAL}) when negative.
     */
    static int select(int nfds, NativeArray r, NativeArray w, NativeArray x, long timeoutMicros,
                      String setsBefore) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int n = select0(nfds, address(r), address(w), address(x), timeoutMicros);
        Reference.reachabilityFence(r);
        Reference.reachabilityFence(w);
        Reference.reachabilityFence(x);
        if (Trace.ON) {
            Trace.emit(t0, n, () -> "select(" + nfds + ", " + setsBefore + ", "
                    + Trace.timeval(timeoutMicros) + ")", () -> n == 0 ? "0" : n + " (" + ready(nfds, r, w, x) + ")");
        }
        return n;
    }

    /** The three sets before the call (select overwrites them), e.g. {@code [3 7], NULL, NULL}. */
    static String fdSets(int nfds, NativeArray r, NativeArray w, NativeArray x) {
        try {
            return fdSet(nfds, r) + ", " + fdSet(nfds, w) + ", " + fdSet(nfds, x);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** strace's {@code in [7], out [7]}: the sets that came back non-empty, below nfds. */
    private static String ready(int nfds, NativeArray r, NativeArray w, NativeArray x) {
        StringBuilder sb = new StringBuilder();
        String[] labels = {"in", "out", "except"};
        NativeArray[] sets = {r, w, x};
        for (int i = 0; i < 3; i++) {
            String bits = sets[i] == null ? "[]" : fdSet(nfds, sets[i]);
            if (!bits.equals("[]")) {
                sb.append(sb.length() > 0 ? ", " : "").append(labels[i]).append(' ').append(bits);
            }
        }
        return sb.toString();
    }

    private static String fdSet(int nfds, NativeArray set) {
        if (set == null) {
            return "NULL";
        }
        ByteBuffer b = set.buffer();
        StringBuilder sb = new StringBuilder("[");
        int shown = 0;
        for (int fd = 0; fd < nfds; fd++) {
            if ((b.getLong((fd >>> 6) << 3) & (1L << fd)) != 0) {
                if (shown++ == Trace.MAX_ITEMS) {
                    sb.append(" ...");
                    break;
                }
                sb.append(shown > 1 ? " " : "").append(fd);
            }
        }
        return sb.append(']').toString();
    }

    private static long address(NativeArray set) {
        return set == null ? 0 : set.address;
    }

    private static native int select0(int nfds, long readfds, long writefds, long exceptfds,
                                      long timeoutMicros);
}
