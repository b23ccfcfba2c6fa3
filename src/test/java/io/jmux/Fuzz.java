package io.jmux;

import static org.quicktheories.QuickTheory.qt;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * What the property-based tests ({@link ReadinessFuzzTest}, {@link HostileArgumentsFuzzTest})
 * share: how many tries, which seed, generators biased towards hostile values, and a runner
 * that makes a failure reproducible. The properties run on QuickTheories inside plain
 * JUnit 5 {@code @Test} methods.
 *
 * <ul>
 * <li>{@code -Djmux.fuzz.tries=N}: tries per property. The pom passes its
 *     {@code jmux.fuzz.tries} (2000; 50,000 under {@code -Pfuzz-long}); 2000 without Maven.
 * <li>{@code -Djmux.fuzz.seed=N}: the seed of every property in the run. Without it each
 *     JVM takes a fresh one, so runs keep exploring new inputs; it is printed when the class
 *     loads (before any try, so even a JVM crash leaves it in the log) and in every failure,
 *     with the command that replays it. The same seed gives the same cases in the same
 *     order, and the kernel answers a given case the same way, so it replays the failure.
 * </ul>
 */
final class Fuzz {
    static final int TRIES = (int) longProperty("jmux.fuzz.tries", 2000);
    static final long SEED = seed();
    /**
     * QuickTheories' shrink attempts after a failure (its default, 100 per try, would replay
     * 200,000 real sequences). Each attempt re-runs the property once.
     */
    static final int SHRINK_CYCLES = 2000;
    /** Budget of {@link #checkSequences}' step removal after QuickTheories' shrinking. */
    static final int MINIMIZE_RUNS = 3000;
    static final long MINIMIZE_NANOS = 60_000_000_000L;

    static {
        System.out.printf("jmux fuzz: seed %d, %d tries per property (-Djmux.fuzz.seed=%d -Djmux.fuzz.tries=%d repeat this)%n",
                SEED, TRIES, SEED, TRIES);
    }

    private Fuzz() {
    }

    private static long seed() {
        long fresh = ThreadLocalRandom.current().nextLong();
        long seed = longProperty("jmux.fuzz.seed", fresh);
        return seed == 0 ? 1 : seed; // QuickTheories' xorshift turns seed 0 into 1
    }

    /** A typo in a value must fail, not quietly become the default. */
    private static long longProperty(String name, long otherwise) {
        String s = System.getProperty(name, "").trim();
        return s.isEmpty() ? otherwise : Long.parseLong(s);
    }

    /** A property body; may throw anything, which falsifies the property. */
    interface Body<T> {
        void run(T value) throws Exception;
    }

    /**
     * Runs body for {@link #TRIES} values of gen; on failure throws an AssertionError with
     * the smallest failing value QuickTheories found, the failure, and how to replay it.
     */
    static <T> void check(Gen<T> gen, Body<T> body) {
        String test = caller();
        try {
            qt().withFixedSeed(SEED).withExamples(TRIES).withShrinkCycles(SHRINK_CYCLES)
                    .forAll(gen)
                    .checkAssert(value -> {
                        try {
                            body.run(value);
                        } catch (Exception e) {
                            throw Fuzz.<RuntimeException>sneaky(e); // reported as thrown
                        }
                    });
        } catch (AssertionError e) {
            throw new AssertionError(replay(test) + "\n" + e.getMessage());
        }
    }

    /**
     * {@link #check} for properties over sequences of steps. QuickTheories shrinks a list
     * by its length (keeping a prefix) and by each element's values, but never drops a
     * step from the middle; after it, the shortest failing sequence seen is cut down further
     * by removing runs of steps (delta debugging) while it still fails, and the failure
     * message shows the result and its failure before QuickTheories' report.
     */
    static <T> void checkSequences(Gen<List<T>> gen, Body<List<T>> body) {
        String test = caller();
        List<List<T>> shortest = new ArrayList<>(List.of(List.of()));
        try {
            qt().withFixedSeed(SEED).withExamples(TRIES).withShrinkCycles(SHRINK_CYCLES)
                    .forAll(gen)
                    .checkAssert(steps -> {
                        try {
                            body.run(steps);
                        } catch (Throwable t) {
                            if (shortest.get(0).isEmpty() || steps.size() < shortest.get(0).size()) {
                                shortest.set(0, List.copyOf(steps));
                            }
                            throw Fuzz.<RuntimeException>sneaky(t);
                        }
                    });
        } catch (AssertionError e) {
            List<T> failing = shortest.get(0);
            String minimized = failing.isEmpty() ? "" : minimize(failing, body);
            throw new AssertionError(replay(test) + "\n" + minimized + "\nQuickTheories' report:\n" + e.getMessage());
        }
    }

    /** The failure of steps, or null if they pass. */
    private static <T> Throwable failure(Body<List<T>> body, List<T> steps) {
        try {
            body.run(steps);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Removes runs of steps, halving the run length down to single steps, while it fails. */
    private static <T> String minimize(List<T> failing, Body<List<T>> body) {
        List<T> current = new ArrayList<>(failing);
        Throwable why = failure(body, current);
        if (why == null) {
            return "The shortest failing sequence (" + failing.size() + " steps) passed when run again: "
                    + "the failure depends on more than the steps. " + failing;
        }
        long deadline = System.nanoTime() + MINIMIZE_NANOS;
        int runs = 0;
        int parts = 2;
        while (current.size() >= 2 && runs < MINIMIZE_RUNS && System.nanoTime() < deadline) {
            int chunk = (current.size() + parts - 1) / parts;
            boolean removed = false;
            for (int from = 0; from < current.size() && runs < MINIMIZE_RUNS; from += chunk) {
                List<T> candidate = new ArrayList<>(current.subList(0, from));
                candidate.addAll(current.subList(Math.min(current.size(), from + chunk), current.size()));
                runs++;
                Throwable t = failure(body, candidate);
                if (t != null) {
                    current = candidate;
                    why = t;
                    removed = true;
                    break;
                }
            }
            if (removed) {
                parts = Math.max(parts - 1, 2);
            } else if (chunk == 1) {
                break; // no single step can go: 1-minimal
            } else {
                parts = Math.min(parts * 2, current.size());
            }
        }
        StringWriter trace = new StringWriter();
        why.printStackTrace(new PrintWriter(trace));
        return "Failing sequence cut from " + failing.size() + " to " + current.size() + " steps (" + runs
                + " runs): " + current + "\nIts failure:\n" + trace;
    }

    private static String caller() {
        StackWalker.StackFrame f = StackWalker.getInstance()
                .walk(s -> s.filter(x -> !x.getClassName().equals(Fuzz.class.getName())).findFirst()).orElseThrow();
        String cls = f.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "#" + f.getMethodName();
    }

    private static String replay(String test) {
        return test + " failed with seed " + SEED + " and " + TRIES + " tries; replay: mvn -B verify -DskipITs"
                + " -Dtest='" + test + "' -Djmux.fuzz.seed=" + SEED + " -Djmux.fuzz.tries=" + TRIES;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    // ---- generators ----

    /** The int edge cases hostile input is made of. */
    static final List<Integer> INT_EDGES = List.of(0, 1, -1, 2, -2,
            Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MAX_VALUE - 1);
    static final List<Long> LONG_EDGES = List.of(0L, 1L, -1L, 2L, -2L,
            Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1);

    /**
     * Any int, biased as hostile input is (QuickTheories' own integers().all() is uniform,
     * so it would almost never give 0, ±1, MIN or MAX, nor a valid fd or count): in equal
     * parts an edge case ({@link #INT_EDGES}), a small value in [-8, 64] (the JVM's own
     * fd numbers, ctl ops, maxevents, offsets and lengths that are in bounds), a value of
     * random magnitude (|n| below 2^k, k uniform in 0..31) and a uniform one. Shrinks
     * towards 0.
     */
    static Gen<Integer> ints() {
        return Generate.frequency(
                Pair.of(1, Generate.pick(INT_EDGES)),
                Pair.of(1, Generate.range(-8, 64)),
                Pair.of(1, magnitudes(31).map(Long::intValue)),
                Pair.of(1, Generate.range(Integer.MIN_VALUE, Integer.MAX_VALUE)));
    }

    /** Any long, biased as {@link #ints()} is. */
    static Gen<Long> longs() {
        return Generate.frequency(
                Pair.of(1, Generate.pick(LONG_EDGES)),
                Pair.of(1, Generate.longRange(-8, 64)),
                Pair.of(1, magnitudes(63)),
                Pair.of(1, Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    /** A value in [-2^k, 2^k - 1], k uniform in 0..maxBits. */
    private static Gen<Long> magnitudes(int maxBits) {
        return Generate.range(0, maxBits).flatMap(k -> Generate.longRange(-(1L << k), (1L << k) - 1));
    }

    /** An int in [min, max]: one time in four its edges (min, min+1, max-1, max, 0), else uniform. */
    static Gen<Integer> between(int min, int max) {
        List<Integer> edges = new ArrayList<>();
        for (int v : new int[] {min, min + 1, 0, max - 1, max}) {
            if (v >= min && v <= max && !edges.contains(v)) {
                edges.add(v);
            }
        }
        return Generate.frequency(Pair.of(1, Generate.pick(edges)), Pair.of(3, Generate.range(min, max)));
    }

    /** value, with weight for {@link Generate#frequency}. */
    static <T> Pair<Integer, Gen<T>> weight(int weight, T value) {
        return Pair.of(weight, Generate.constant(value));
    }

    static Gen<Boolean> booleans() {
        return Generate.booleans();
    }
}
