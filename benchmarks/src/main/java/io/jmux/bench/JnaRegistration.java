package io.jmux.bench;

import com.sun.jna.Memory;
import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.jmux.Fd;
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

/** {@link JmuxRegistration}'s epoll_ctl scenarios through JNA direct mapping. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class JnaRegistration {

    @Benchmark
    public int epoll_ctl_add_del(EpollState s) {
        s.ev.setInt(0, Epoll.EPOLLIN);
        s.ev.setLong(JnaLibC.EPOLL_EVENT_DATA, s.extra);
        JnaLibC.checked("epoll_ctl", JnaLibC.epoll_ctl(s.epfd, Epoll.EPOLL_CTL_ADD, s.extra, s.ev));
        JnaLibC.checked("epoll_ctl", JnaLibC.epoll_ctl(s.epfd, Epoll.EPOLL_CTL_DEL, s.extra, s.ev));
        return s.extra;
    }

    @Benchmark
    public int epoll_ctl_mod(EpollState s) {
        int fd = s.fds.fds[0];
        s.ev.setInt(0, Epoll.EPOLLIN);
        s.ev.setLong(JnaLibC.EPOLL_EVENT_DATA, fd);
        JnaLibC.checked("epoll_ctl", JnaLibC.epoll_ctl(s.epfd, Epoll.EPOLL_CTL_MOD, fd, s.ev));
        return fd;
    }

    @State(Scope.Thread)
    public static class EpollState extends RegistrationFixture {
        EventFds fds;
        Epoll ep;
        int epfd;
        int extra;
        Memory ev;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, 0);
            ep = Epoll.create();
            epfd = ep.fd();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN);
            }
            extra = EventFds.eventfdAtBase();
            ev = new Memory(JnaLibC.EPOLL_EVENT_SIZE);
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
            ep.close();
            Fd.close(extra);
            fds.close();
        }
    }
}
