package io.jmux.bench;

import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.netty.channel.epoll.Native;
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

/** {@link JmuxRegistration}'s epoll_ctl scenarios through Netty's public epollCtl* natives. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class NettyRegistration {

    @Benchmark
    public int epoll_ctl_add_del(EpollState s) throws IOException {
        Native.epollCtlAdd(s.epfd, s.extra, Native.EPOLLIN);
        Native.epollCtlDel(s.epfd, s.extra);
        return s.extra;
    }

    @Benchmark
    public int epoll_ctl_mod(EpollState s) throws IOException {
        int fd = s.fds.fds[0];
        Native.epollCtlMod(s.epfd, fd, Native.EPOLLIN);
        return fd;
    }

    @State(Scope.Thread)
    public static class EpollState extends RegistrationFixture {
        EventFds fds;
        Epoll ep;
        int epfd;
        int extra;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            io.netty.channel.epoll.Epoll.ensureAvailability();
            fds = EventFds.open(n, 0);
            ep = Epoll.create();
            epfd = ep.fd();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN);
            }
            extra = EventFds.eventfdAtBase();
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
            ep.close();
            Fd.close(extra);
            fds.close();
        }
    }
}
