package io.jmux.bench;

import io.jmux.Epoll;
import io.jmux.ErrnoException;
import io.jmux.Poll;
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

/**
 * The {@link JmuxWait} scenarios as FFM downcalls ({@link FfmLibC}), with the kernel
 * structs in arena-allocated {@link MemorySegment}s. Fds and registrations are set up
 * with jmux. Compiled only by a JDK 22+ build (the {@code ffm} profile of the pom).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class FfmWait {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    @Benchmark
    public long select(SelectState s) {
        MemorySegment.copy(s.interest, 0, s.work, 0, s.interest.byteSize());
        s.timeout.fill((byte) 0); // struct timeval {0, 0}: Linux writes back the time left
        int count = FfmLibC.select(s.callState, s.nfds, s.work, s.timeout);
        long sum = 0;
        long words = s.work.byteSize() / 8;
        for (long w = 0; w < words; w++) {
            for (long bits = s.work.get(LONG, w * 8); bits != 0; bits &= bits - 1) {
                sum += w * 64 + Long.numberOfTrailingZeros(bits);
            }
        }
        return WaitFixture.check("select", count, sum, s.fds.ready, s.fds.readySum);
    }

    @Benchmark
    public long poll(PollState s) {
        int count = FfmLibC.poll(s.callState, s.pfds, s.n, 0);
        long sum = 0;
        for (int i = 0; i < s.n; i++) {
            long at = (long) i * FfmLibC.POLLFD_SIZE;
            if ((s.pfds.get(SHORT, at + FfmLibC.POLLFD_REVENTS) & Poll.POLLIN) != 0) {
                sum += s.pfds.get(INT, at);
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
            FfmLibC.eventfdWrite(s.callState, s.fds.fds[i], 1);
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
            s.ev.set(INT, 0, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
            s.ev.set(LONG, FfmLibC.EPOLL_EVENT_DATA, fd);
            FfmLibC.epollCtl(s.callState, s.epfd, Epoll.EPOLL_CTL_MOD, fd, s.ev);
        }
        return WaitFixture.check("epoll_wait_oneshot", count, sum, s.fds.ready, s.fds.readySum);
    }

    /** The n eventfds and a confined arena for the trial's native memory. */
    public abstract static class Fds extends WaitFixture {
        EventFds fds;
        Arena arena;
        MemorySegment callState;

        void open() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
            arena = Arena.ofConfined();
            callState = FfmLibC.newCallState(arena);
        }

        @TearDown(Level.Trial)
        public void closeFds() throws ErrnoException {
            arena.close();
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class SelectState extends Fds {
        MemorySegment interest;
        MemorySegment work;
        MemorySegment timeout;
        int nfds;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            open();
            nfds = fds.maxFd() + 1;
            long bytes = (nfds + 63) / 64 * 8L;
            interest = arena.allocate(bytes, 8);
            work = arena.allocate(bytes, 8);
            timeout = arena.allocate(16, 8);
            for (int fd : fds.fds) {
                long at = fd / 64 * 8L;
                interest.set(LONG, at, interest.get(LONG, at) | 1L << fd);
            }
        }
    }

    @State(Scope.Thread)
    public static class PollState extends Fds {
        MemorySegment pfds;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            open();
            pfds = arena.allocate((long) n * FfmLibC.POLLFD_SIZE, 8);
            for (int i = 0; i < n; i++) {
                pfds.set(INT, (long) i * FfmLibC.POLLFD_SIZE, fds.fds[i]);
                pfds.set(SHORT, (long) i * FfmLibC.POLLFD_SIZE + 4, (short) Poll.POLLIN);
            }
        }
    }

    /** The n fds registered (by jmux) with EPOLLIN plus {@link #flags}, waited on by FFM. */
    public abstract static class EpollState extends Fds {
        Epoll ep;
        int epfd;
        MemorySegment events;
        MemorySegment ev;

        abstract int flags();

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            open();
            ep = Epoll.create();
            epfd = ep.fd();
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN | flags());
            }
            events = arena.allocate((long) n * FfmLibC.EPOLL_EVENT_SIZE, 8);
            ev = arena.allocate(FfmLibC.EPOLL_EVENT_SIZE, 8);
        }

        int waitNow() {
            return FfmLibC.epollWait(callState, epfd, events, n, 0);
        }

        int fd(int i) {
            return events.get(INT, (long) i * FfmLibC.EPOLL_EVENT_SIZE + FfmLibC.EPOLL_EVENT_DATA);
        }

        long sum(int count) {
            long sum = 0;
            for (int i = 0; i < count; i++) {
                sum += fd(i);
            }
            return sum;
        }

        @TearDown(Level.Trial)
        public void closeEpoll() {
            ep.close();
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
