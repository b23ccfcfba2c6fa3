package io.jmux;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Trace mode: with {@code -Djmux.trace=true} every syscall jmux makes is printed to
 * stderr as one strace-like line — name, decoded arguments, result or errno, duration:
 *
 * <pre>
 * epoll_ctl(5, EPOLL_CTL_ADD, 7, {EPOLLIN|EPOLLET, data=7}) = 0 &lt;0.000004&gt;
 * read(7, 16384) = -1 EAGAIN (Resource temporarily unavailable) &lt;0.000002&gt;
 * </pre>
 *
 * <p>{@link #ON} is a {@code static final} read once from the property, so when it is
 * false the JIT folds every {@code if (Trace.ON)} in the callers away: tracing off costs
 * nothing. The syscall layer (the {@code *Sys} classes) takes
 * {@code t0 = Trace.ON ? System.nanoTime() : 0} just before each native call and passes
 * the kernel's raw result (n or -errno) here just after, with a supplier that formats the
 * call; this class knows no facility, only how a line is laid out.
 *
 * <p>A trace line never changes what the call returns or throws: the hooks only read,
 * and a failure while formatting (another thread closing an event array, say) prints a
 * placeholder instead of propagating.
 *
 * <p>Names are those of the C functions each call stands for; the kernel entry point,
 * which is what strace shows, may differ: {@code select} enters the kernel as
 * {@code pselect6} (jmux makes that syscall itself, as glibc does), {@code eventfd} as
 * {@code eventfd2}, and on aarch64 {@code poll} and {@code epoll_wait} as {@code ppoll}
 * and {@code epoll_pwait}.
 */
final class Trace {
    /** True if {@code -Djmux.trace=true}: read once, when a traced call first runs. */
    static final boolean ON = Boolean.getBoolean("jmux.trace");

    /** At most this many events, pollfds or set bits are printed per call. */
    static final int MAX_ITEMS = 16;

    private Trace() {}

    // ---- formatting ----

    /** A data word as strace prints it: small values in decimal, others in hex. */
    static String data(long data) {
        return data >= 0 && data <= Integer.MAX_VALUE ? Long.toString(data)
                : "0x" + Long.toHexString(data);
    }

    static String timeval(long micros) {
        return micros == -1 ? "NULL" : "{tv_sec=" + micros / 1_000_000 + ", tv_usec=" + micros % 1_000_000 + "}";
    }

    static String timespec(long nanos) {
        return nanos < 0 ? "NULL"
                : "{tv_sec=" + nanos / 1_000_000_000 + ", tv_nsec=" + nanos % 1_000_000_000 + "}";
    }

    /** A packed pair of fds ({@code pipe2}, {@code socketpair}) as strace shows it. */
    static String fdPair(long r) {
        return r < 0 ? "?" : "[" + (int) r + ", " + (int) (r >>> 32) + "]";
    }

    /** A line of jmux's own, not a syscall. */
    static void line(String text) {
        System.err.println(text);
    }

    static void emit(long t0, int r, Supplier<String> call) {
        emit(t0, r, call, () -> Integer.toString(r));
    }

    /**
     * Prints {@code call = result <seconds>}, the result as {@code success} formats it or,
     * for -errno, as {@code -1 EAGAIN (Resource temporarily unavailable)}. The duration is
     * taken first, so formatting is not counted; a formatting failure prints a placeholder.
     */
    static void emit(long t0, int r, Supplier<String> call, Supplier<String> success) {
        long nanos = System.nanoTime() - t0;
        String line;
        try {
            String result = r >= 0 ? success.get()
                    : "-1 " + Errno.name(r) + " (" + Errno.description(r) + ")";
            line = call.get() + " = " + result;
        } catch (RuntimeException e) {
            line = "<jmux trace: cannot format a call returning " + r + ": " + e + ">";
        }
        System.err.println(line + String.format(Locale.ROOT, " <%d.%06d>",
                nanos / 1_000_000_000, nanos / 1_000 % 1_000_000));
    }
}
