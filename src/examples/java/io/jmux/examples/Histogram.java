package io.jmux.examples;

/**
 * Counts of non-negative longs in log-linear buckets: exact below 64, then 64 buckets
 * per power of two, so a percentile read back is at most 1/64 (1.6%) below the true
 * value. Fixed size (3,712 longs) however many values are recorded.
 */
final class Histogram {
    private static final int SUB = 64;
    private final long[] counts = new long[SUB + 57 * SUB];
    private long total;

    void record(long value) {
        counts[index(Math.max(0, value))]++;
        total++;
    }

    void add(Histogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    long count() {
        return total;
    }

    /**
     * The smallest recorded value (to bucket precision) such that at least
     * {@code percent}% of the values are at or below it; 0 when empty.
     */
    long percentile(double percent) {
        if (total == 0) {
            return 0;
        }
        long target = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= target) {
                return lowerBound(i);
            }
        }
        throw new AssertionError("counts do not add up to " + total);
    }

    /** Values below 64 have their own bucket; above, the top 7 bits select one. */
    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - 6; // keep 7 significant bits
        return SUB + shift * SUB + (int) ((v >>> shift) - SUB);
    }

    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        long top = (index - SUB) % SUB + SUB;
        return top << shift;
    }
}
