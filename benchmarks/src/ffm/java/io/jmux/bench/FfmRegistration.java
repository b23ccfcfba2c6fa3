package io.jmux.bench;

import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

/** {@link JmuxRegistration}'s epoll_ctl scenarios as FFM downcalls (JDK 22+ builds only). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class FfmRegistration {

    @Benchmark
    public int epoll_ctl_add_del(EpollState s) {
        s.ev.set(ValueLayout.JAVA_INT_UNALIGNED, 0, Epoll.EPOLLIN);
        s.ev.set(ValueLayout.JAVA_LONG_UNALIGNED, FfmLibC.EPOLL_EVENT_DATA, s.extra);
        FfmLibC.epollCtl(s.callState, s.epfd, Epoll.EPOLL_CTL_ADD, s.extra, s.ev);
        FfmLibC.epollCtl(s.callState, s.epfd, Epoll.EPOLL_CTL_DEL, s.extra, s.ev);
        return s.extra;
    }

    @Benchmark
    public int epoll_ctl_mod(EpollState s) {
        int fd = s.fds.fds[0];
        s.ev.set(ValueLayout.JAVA_INT_UNALIGNED, 0, Epoll.EPOLLIN);
        s.ev.set(ValueLayout.JAVA_LONG_UNALIGNED, FfmLibC.EPOLL_EVENT_DATA, fd);
        FfmLibC.epollCtl(s.callState, s.epfd, Epoll.EPOLL_CTL_MOD, fd, s.ev);
        return fd;
    }

    @State(Scope.Thread)
    public static class EpollState extends RegistrationFixture {
        EventFds fds;
        Epoll ep;
        int epfd;
        int extra;
        Arena arena;
        MemorySegment callState;
        MemorySegment ev;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, 0);
            ep = Epoll.create();
            epfd = ep.fd();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN);
            }
            extra = EventFds.eventfdAtBase();
            arena = Arena.ofConfined();
            callState = FfmLibC.newCallState(arena);
            ev = arena.allocate(FfmLibC.EPOLL_EVENT_SIZE, 8);
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
            arena.close();
            ep.close();
            Fd.close(extra);
            fds.close();
        }
    }
}
