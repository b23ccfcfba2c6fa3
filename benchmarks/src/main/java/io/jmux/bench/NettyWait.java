package io.jmux.bench;

import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.netty.channel.epoll.Native;
import io.netty.channel.epoll.NettyEpollAccess;
import java.io.IOException;
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
 * The {@link JmuxWait} epoll scenarios through Netty's native epoll transport
 * (netty-transport-native-epoll, linux-x86_64): Netty's JNI epoll_wait, epoll_ctl and
 * eventfd write. The fds and the epoll instance are set up with jmux; only the measured
 * calls are Netty's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class NettyWait {

    @Benchmark
    public long epoll_wait(EpollLt s) throws IOException {
        int count = s.netty.epollWaitNow();
        return WaitFixture.check("epoll_wait", count, s.sum(count), s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long epoll_wait_et(EpollEt s) throws IOException {
        for (int i = 0; i < s.fds.ready; i++) {
            Native.eventFdWrite(s.fds.fds[i], 1);
        }
        int count = s.netty.epollWaitNow();
        return WaitFixture.check("epoll_wait_et", count, s.sum(count), s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long epoll_wait_oneshot(EpollOneshot s) throws IOException {
        int count = s.netty.epollWaitNow();
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int fd = s.netty.fd(i);
            sum += fd;
            Native.epollCtlMod(s.epfd, fd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
        }
        return WaitFixture.check("epoll_wait_oneshot", count, sum, s.fds.ready, s.fds.readySum);
    }

    /** The n fds registered (by jmux) with EPOLLIN plus {@link #flags}, waited on by Netty. */
    public abstract static class EpollState extends WaitFixture {
        EventFds fds;
        Epoll ep;
        int epfd;
        NettyEpollAccess netty;

        abstract int flags();

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
            ep = Epoll.create();
            epfd = ep.fd();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN | flags());
            }
            netty = new NettyEpollAccess(epfd, n);
        }

        long sum(int count) {
            long sum = 0;
            for (int i = 0; i < count; i++) {
                sum += netty.fd(i);
            }
            return sum;
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
            netty.free();
            ep.close();
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class EpollLt extends EpollState {
        @Override
        int flags() {
            return 0;
        }
    }

    @State(Scope.Thread)
    public static class EpollEt extends EpollState {
        @Override
        int flags() {
            return Epoll.EPOLLET;
        }
    }

    @State(Scope.Thread)
    public static class EpollOneshot extends EpollState {
        @Override
        int flags() {
            return Epoll.EPOLLONESHOT;
        }
    }
}
