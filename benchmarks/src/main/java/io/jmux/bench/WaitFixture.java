package io.jmux.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The parameters every wait scenario shares: {@code n} registered fds, of which
 * {@code ready} (0, 1 or all) are readable; timeout 0. Subclasses are the {@code @State}
 * of one syscall and one binding; each op checks what it found with {@link #check}, so a
 * benchmark that stops measuring what it says fails instead of reporting a number.
 */
@State(Scope.Thread)
public abstract class WaitFixture {
    @Param({"1", "10", "100", "1000", "10000"})
    public int n;

    @Param({"0", "1", "all"})
    public String ready;

    /** The number of readable fds this trial has. */
    public final int readyCount() {
        switch (ready) {
            case "all":
                return n;
            case "0":
            case "1":
                return Math.min(n, Integer.parseInt(ready));
            default:
                throw new IllegalArgumentException("ready must be 0, 1 or all, got " + ready);
        }
    }

    /**
     * Throws unless a wait reported {@code expectedCount} fds adding up to
     * {@code expectedSum}; returns the sum for JMH to consume.
     */
    static long check(String scenario, int count, long sum, int expectedCount, long expectedSum) {
        if (count != expectedCount || sum != expectedSum) {
            throw new IllegalStateException(scenario + ": found " + count + " ready fds summing to "
                    + sum + ", expected " + expectedCount + " summing to " + expectedSum);
        }
        return sum;
    }
}
