package io.jmux.bench;

import io.jmux.Jmux;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bare cost of one call into native code and back, no syscall: jmux's no-op JNI
 * native against the C twin's call through a function pointer. The difference is the
 * JNI transition every jmux call pays on top of its syscall.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
@State(Scope.Thread)
public class JmuxFloor {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(JmuxFloor.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int value;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    @Benchmark
    public int noop() {
        return Jmux.noop(value++);
    }

    /**
     * The no-op JNI call through jmux's owner lifecycle ({@code native/owner.c}): the
     * per-thread slot store, the closed-flag load and the slot clear that every call on
     * an {@code Epoll} makes around its syscall. {@code noop_owned - noop} is what
     * close-safety costs per call (target: at most 2 ns).
     */
    @Benchmark
    public int noop_owned() {
        return Jmux.noopOwned(value++);
    }

    /**
     * A proxy, not jmux code: the no-op JNI call wrapped in the atomic in-flight count
     * that {@code io.jmux.Epoll} kept around every call before the owner lifecycle (a compare-and-set before, a
     * get-and-add after, and the closed-bit reads), written here the same way, so the
     * difference to {@link #noop} is what that guarantee (close never lets a call reach a
     * reused fd number) costs per epoll call.
     */
    @Benchmark
    public int noop_refcount() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & 1) != 0) {
                throw new IllegalStateException("closed");
            }
        } while (!STATE.weakCompareAndSet(this, s, s + 2));
        int r;
        try {
            r = Jmux.noop(value++);
            if (((int) STATE.getVolatile(this) & 1) != 0) {
                r = 0;
            }
        } finally {
            if ((int) STATE.getAndAdd(this, -2) - 2 == 1) {
                throw new IllegalStateException("closed during the call");
            }
        }
        return r;
    }
}
