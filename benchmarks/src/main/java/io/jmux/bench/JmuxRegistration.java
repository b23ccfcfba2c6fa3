package io.jmux.bench;

import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
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
 * What a change of interest costs with n fds already watched: one epoll_ctl (ADD+DEL, or
 * MOD) against rebuilding select's fd_set or poll's pollfd array, which those two then
 * hand to the kernel whole on every call (see {@link JmuxWait}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class JmuxRegistration {

    /** Registers one more fd and removes it again: two epoll_ctl calls. */
    @Benchmark
    public int epoll_ctl_add_del(EpollState s) throws ErrnoException {
        s.ep.add(s.extra, Epoll.EPOLLIN);
        s.ep.delete(s.extra);
        return s.extra;
    }

    /** Changes the events of a registered fd: one epoll_ctl call. */
    @Benchmark
    public int epoll_ctl_mod(EpollState s) throws ErrnoException {
        int fd = s.fds.fds[0];
        s.ep.modify(fd, Epoll.EPOLLIN);
        return fd;
    }

    /** FD_ZERO, then FD_SET for each of the n fds. */
    @Benchmark
    public void fd_set_rebuild(SelectState s) {
        s.set.zero();
        for (int fd : s.fds.fds) {
            s.set.set(fd);
        }
    }

    /** Rewrites the n pollfd entries. */
    @Benchmark
    public void pollfd_rebuild(PollState s) {
        s.pfds.clear();
        for (int fd : s.fds.fds) {
            s.pfds.add(fd, Poll.POLLIN);
        }
    }

    /** n eventfds, none ready. */
    public abstract static class Fds extends RegistrationFixture {
        EventFds fds;

        void openFds() throws ErrnoException {
            fds = EventFds.open(n, 0);
        }

        @TearDown(Level.Trial)
        public void closeFds() throws ErrnoException {
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class EpollState extends Fds {
        Epoll ep;
        /** The fd added and deleted by {@link #epoll_ctl_add_del}. */
        int extra;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            openFds();
            ep = Epoll.create();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN);
            }
            extra = EventFds.eventfdAtBase();
        }

        @TearDown(Level.Trial)
        public void closeEpoll() throws ErrnoException {
            ep.close();
            Fd.close(extra);
        }
    }

    @State(Scope.Thread)
    public static class SelectState extends Fds {
        FdSet set;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            openFds();
            set = new FdSet(fds.maxFd() + 1);
        }
    }

    @State(Scope.Thread)
    public static class PollState extends Fds {
        PollFds pfds;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            openFds();
            pfds = new PollFds(n);
        }
    }
}
