package io.jmux.bench;

import com.sun.jna.Memory;
import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.jmux.Poll;
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
 * The {@link JmuxWait} scenarios through JNA direct mapping ({@link JnaLibC}), with the
 * kernel structs in JNA {@link Memory}. Fds and registrations are set up with jmux.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class JnaWait {

    @Benchmark
    public long select(SelectState s) {
        s.work.write(0, s.interest, 0, s.interest.length);
        s.timeout.setLong(0, 0); // struct timeval {0, 0}: Linux writes back the time left
        s.timeout.setLong(8, 0);
        int count = JnaLibC.checked("select", JnaLibC.select(s.nfds, s.work, null, null, s.timeout));
        long sum = 0;
        for (int w = 0; w < s.interest.length; w++) {
            for (long bits = s.work.getLong(w * 8L); bits != 0; bits &= bits - 1) {
                sum += w * 64L + Long.numberOfTrailingZeros(bits);
            }
        }
        return WaitFixture.check("select", count, sum, s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long poll(PollState s) {
        int count = JnaLibC.checked("poll", JnaLibC.poll(s.pfds, s.n, 0));
        long sum = 0;
        for (int i = 0; i < s.n; i++) {
            long at = (long) i * JnaLibC.POLLFD_SIZE;
            if ((s.pfds.getShort(at + JnaLibC.POLLFD_REVENTS) & Poll.POLLIN) != 0) {
                sum += s.pfds.getInt(at);
            }
        }
        return WaitFixture.check("poll", count, sum, s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long epoll_wait(EpollLt s) {
        int count = s.waitNow();
        return WaitFixture.check("epoll_wait", count, s.sum(count), s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long epoll_wait_et(EpollEt s) {
        for (int i = 0; i < s.fds.ready; i++) {
            JnaLibC.checked("eventfd_write", JnaLibC.eventfd_write(s.fds.fds[i], 1));
        }
        int count = s.waitNow();
        return WaitFixture.check("epoll_wait_et", count, s.sum(count), s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long epoll_wait_oneshot(EpollOneshot s) {
        int count = s.waitNow();
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int fd = s.fd(i);
            sum += fd;
            s.ev.setInt(0, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
            s.ev.setLong(JnaLibC.EPOLL_EVENT_DATA, fd);
            JnaLibC.checked("epoll_ctl", JnaLibC.epoll_ctl(s.epfd, Epoll.EPOLL_CTL_MOD, fd, s.ev));
        }
        return WaitFixture.check("epoll_wait_oneshot", count, sum, s.fds.ready, s.fds.readySum);
    }

    @State(Scope.Thread)
    public static class SelectState extends WaitFixture {
        EventFds fds;
        long[] interest;
        Memory work;
        Memory timeout;
        int nfds;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
            nfds = fds.maxFd() + 1;
            interest = new long[(nfds + 63) / 64];
            for (int fd : fds.fds) {
                interest[fd / 64] |= 1L << fd;
            }
            work = new Memory(interest.length * 8L);
            timeout = new Memory(16);
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class PollState extends WaitFixture {
        EventFds fds;
        Memory pfds;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
            pfds = new Memory((long) n * JnaLibC.POLLFD_SIZE);
            pfds.clear();
            for (int i = 0; i < n; i++) {
                pfds.setInt((long) i * JnaLibC.POLLFD_SIZE, fds.fds[i]);
                pfds.setShort((long) i * JnaLibC.POLLFD_SIZE + 4, (short) Poll.POLLIN);
            }
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
            fds.close();
        }
    }

    /** The n fds registered (by jmux) with EPOLLIN plus {@link #flags}, waited on by JNA. */
    public abstract static class EpollState extends WaitFixture {
        EventFds fds;
        Epoll ep;
        int epfd;
        Memory events;
        /** One struct epoll_event for epoll_ctl. */
        Memory ev;

        abstract int flags();

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
            ep = Epoll.create();
            epfd = ep.fd();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN | flags());
            }
            events = new Memory((long) n * JnaLibC.EPOLL_EVENT_SIZE);
            ev = new Memory(JnaLibC.EPOLL_EVENT_SIZE);
        }

        int waitNow() {
            return JnaLibC.checked("epoll_wait", JnaLibC.epoll_wait(epfd, events, n, 0));
        }

        /** The low 32 bits of event i's data word: the fd jmux registered it with. */
        int fd(int i) {
            return events.getInt((long) i * JnaLibC.EPOLL_EVENT_SIZE + JnaLibC.EPOLL_EVENT_DATA);
        }

        long sum(int count) {
            long sum = 0;
            for (int i = 0; i < count; i++) {
                sum += fd(i);
            }
            return sum;
        }

        @TearDown(Level.Trial)
        public void teardown() throws ErrnoException {
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
