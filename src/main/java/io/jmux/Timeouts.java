package io.jmux;

/** Remaining-timeout arithmetic for restarting a wait after EINTR. */
final class Timeouts {
    private Timeouts() {}

    /**
     * What is left of a millisecond timeout that started at {@code start}
     * ({@link System#nanoTime()}), rounded up so a wait never ends early; -1 and 0
     * stay as they are.
     */
    static int remainingMillis(int timeoutMillis, long start) {
        if (timeoutMillis <= 0) {
            return timeoutMillis;
        }
        long elapsed = System.nanoTime() - start;
        long left = timeoutMillis * 1_000_000L - elapsed;
        return left <= 0 ? 0 : (int) ceilDiv(left, 1_000_000L);
    }

    /** What is left of a nanosecond timeout; negative (infinite) and 0 stay as they are. */
    static long remainingNanos(long timeoutNanos, long start) {
        if (timeoutNanos <= 0) {
            return timeoutNanos;
        }
        long left = timeoutNanos - (System.nanoTime() - start);
        return Math.max(0, left);
    }

    /** Milliseconds for epoll_wait from nanoseconds, rounded up and capped at int. */
    static int nanosToMillisCeil(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, ceilDiv(nanos, 1_000_000L));
    }

    static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }
}
