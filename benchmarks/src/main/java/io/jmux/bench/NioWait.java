package io.jmux.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDK's own way: {@code Selector.selectNow()} (level-triggered epoll underneath on
 * Linux) over n {@link Pipe} source channels registered for OP_READ, the first
 * {@code ready} of them holding a byte. Each op is the selector's canonical loop: select,
 * walk the selected-key set, clear it. Reported beside jmux's level-triggered epoll_wait.
 *
 * <p>A pipe is two fds, so n pipes need 2n: where that exceeds the open-file limit the
 * trial fails in setup saying so (the suite runs this class only for the n that fit).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class NioWait {
    /** Fds a JVM running JMH keeps for itself (jars, selector's own fds), with room to spare. */
    static final int RESERVED_FDS = 512;

    @Benchmark
    public long epoll_wait(SelectorState s) throws IOException {
        int updated = s.selector.selectNow();
        Set<SelectionKey> selected = s.selector.selectedKeys();
        long sum = 0;
        int count = 0;
        for (SelectionKey key : selected) {
            if (key.isReadable()) {
                sum += (Integer) key.attachment();
                count++;
            }
        }
        selected.clear();
        if (updated != count) {
            throw new IllegalStateException("selectNow returned " + updated + " but " + count
                    + " keys are selected and readable");
        }
        return WaitFixture.check("selectNow", count, sum, s.readyCount, s.readySum);
    }

    /** The largest n whose pipes fit this process's open-file limit. */
    static long maxPipes() {
        Object os = ManagementFactory.getOperatingSystemMXBean();
        long limit = os instanceof com.sun.management.UnixOperatingSystemMXBean
                ? ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount()
                : Long.MAX_VALUE;
        return (limit - RESERVED_FDS) / 2;
    }

    @State(Scope.Thread)
    public static class SelectorState extends WaitFixture {
        Pipe[] pipes;
        Selector selector;
        int readyCount;
        /** Keys are attached their pipe's index; the ready pipes are indexes 0 .. ready-1. */
        long readySum;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            if (n > maxPipes()) {
                throw new IllegalStateException("skipped: " + n + " pipes need " + 2 * n
                        + " fds, over this process's open-file limit (RLIMIT_NOFILE) less "
                        + RESERVED_FDS + " for the JVM; raise `ulimit -n` to run it");
            }
            readyCount = readyCount();
            selector = Selector.open();
            pipes = new Pipe[n];
            for (int i = 0; i < n; i++) {
                pipes[i] = Pipe.open();
                pipes[i].source().configureBlocking(false);
                pipes[i].source().register(selector, SelectionKey.OP_READ, i);
                if (i < readyCount) {
                    pipes[i].sink().write(ByteBuffer.wrap(new byte[] {1}));
                    readySum += i;
                }
            }
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            selector.close();
            for (Pipe p : pipes) {
                p.source().close();
                p.sink().close();
            }
        }
    }
}
