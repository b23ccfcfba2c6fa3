package io.jmux.bench;

import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.netty.channel.uring.NettyIoUringAccess;
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
 * {@link JmuxIoUring}'s scenarios through Netty's io_uring transport
 * (netty-transport-native-io_uring, linux-x86_64): the ring calls its
 * {@code IoUringIoHandler} makes, reached through {@link NettyIoUringAccess}. The fds are
 * made with jmux; the ring, its SQEs, the submit and the reap are Netty's. One difference
 * to jmux and C: Netty's event loop submits and waits with {@code submitAndGet}
 * ({@code min_complete} 1, not 2), so POLL_ADD + POLL_REMOVE checks that both CQEs are
 * there when it returns (the cancelled poll's is posted by task work before the return).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class NettyIoUring {

    @Benchmark
    public boolean io_uring_cq_empty(Empty s) {
        if (s.ring.hasCompletions()) {
            throw new IllegalStateException("io_uring_cq_empty: CQEs on a ring nothing was submitted to");
        }
        return false;
    }

    @Benchmark
    public long io_uring_poll_multishot(Armed s) {
        for (int i = 0; i < s.fds.ready; i++) {
            NettyIoUringAccess.eventFdWrite(s.fds.fds[i], 1);
        }
        NettyIoUringAccess ring = s.ring;
        int count = ring.reap();
        if ((ring.resAnd & NettyIoUringAccess.POLLIN) == 0 || (ring.flagsAnd & NettyIoUringAccess.IORING_CQE_F_MORE) == 0) {
            throw new IllegalStateException("io_uring_poll_multishot: a CQE without POLLIN, or the multishot poll ended");
        }
        return WaitFixture.check("io_uring_poll_multishot", count, ring.userDataSum, s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long io_uring_poll_add_remove(Registered s) {
        NettyIoUringAccess ring = s.ring;
        ring.pollAdd(s.extra, NettyIoUringAccess.POLLIN, true, s.extra);
        ring.pollRemove(s.extra, JmuxIoUring.Registered.REMOVE);
        ring.submitAndGet();
        int count = ring.reap();
        return JmuxIoUring.checkAddRemove(count, ring.userDataSum + ring.resSum, s.extra);
    }

    @State(Scope.Thread)
    public static class Empty {
        NettyIoUringAccess ring;

        @Setup(Level.Trial)
        public void setup() {
            ring = new NettyIoUringAccess(1, 2);
        }

        @TearDown(Level.Trial)
        public void close() {
            ring.close();
        }
    }

    /** n multishot polls armed with Netty's SQ (sizes as JmuxIoUring.ArmedRing's), the first CQEs reaped. */
    static NettyIoUringAccess arm(EventFds fds, int n, int ready) {
        NettyIoUringAccess ring = new NettyIoUringAccess(JmuxIoUring.sqEntries(n), JmuxIoUring.cqEntries(n));
        for (int fd : fds.fds) {
            ring.pollAdd(fd, NettyIoUringAccess.POLLIN, true, fd);
        }
        ring.submit();
        if (ring.reap() != ready) {
            throw new IllegalStateException("arming " + n + " multishot polls posted " + ring.count
                    + " CQEs, expected " + ready);
        }
        return ring;
    }

    @State(Scope.Thread)
    public static class Armed extends WaitFixture {
        EventFds fds;
        NettyIoUringAccess ring;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
            ring = arm(fds, n, readyCount());
        }

        @TearDown(Level.Trial)
        public void close() throws ErrnoException {
            ring.close();
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class Registered extends RegistrationFixture {
        EventFds fds;
        NettyIoUringAccess ring;
        int extra;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, 0);
            ring = arm(fds, n, 0);
            extra = EventFds.eventfdAtBase();
        }

        @TearDown(Level.Trial)
        public void close() throws ErrnoException {
            ring.close();
            fds.close();
            Fd.close(extra);
        }
    }
}
