package io.jmux.bench;

import io.jmux.ErrnoException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HOOK(trace): does jmux's trace mode cost anything when it is off?
 *
 * <p>The same level-triggered epoll_wait as {@link JmuxWait#epoll_wait}, in two forks:
 * one with no trace property (the default, off) and one with {@code -Djmux.trace=false}
 * set explicitly. {@code io.jmux.Trace} reads the property into a static final flag, so
 * the JIT folds the off branch away and the two must match each other and
 * {@link JmuxWait#epoll_wait} within error. The report's "Trace mode" section prints
 * their ratio and says whether {@code io.jmux.Trace} was in the jmux jar measured: until
 * it lands, both forks run identical code and the ratio only shows the noise floor.
 *
 * <p>To wire once the trace lands: nothing here needs to change; run
 * {@code benchmarks/run-full} (the {@code trace} group), or alone:
 * {@code java -jar target/benchmarks.jar JmuxTraceOff -p n=1,1000 -p ready=1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JmuxTraceOff {
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
    public long epoll_wait_default(JmuxWait.EpollLt s) throws ErrnoException {
        return epollWait(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, "-Djmux.trace=false"})
    public long epoll_wait_trace_false(JmuxWait.EpollLt s) throws ErrnoException {
        return epollWait(s);
    }

    private static long epollWait(JmuxWait.EpollLt s) throws ErrnoException {
        int count = s.ep.wait(s.events, 0);
        return WaitFixture.check("epoll_wait", count, JmuxWait.sumEvents(s.events, count),
                s.fds.ready, s.fds.readySum);
    }
}
