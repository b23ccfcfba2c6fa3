package io.jmux.bench;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;
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
 * jmux's select, poll and epoll_wait over {@code n} eventfds, {@code ready} of them
 * readable, timeout 0. Each op is what a caller does to learn which fds are ready: the
 * call, then a walk over its result. The C twin's op of the same name does exactly the
 * same, so the ratio between the two is jmux's cost over C.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class JmuxWait {

    /** select(2): the interest set is copied into the set the kernel overwrites, every call. */
    @Benchmark
    public long select(SelectState s) throws ErrnoException {
        s.work.copyFrom(s.interest);
        int count = Select.select(s.nfds, s.work, null, null, 0);
        long sum = 0;
        // A long at a time, as the C twin, JNA and FFM scan: nextSetBit costs about 3 ns
        // per set fd more (a call and a bounds-checked read per bit).
        for (int w = 0; w < s.words; w++) {
            for (long bits = s.work.fdsBits(w); bits != 0; bits &= bits - 1) {
                sum += w * 64L + Long.numberOfTrailingZeros(bits);
            }
        }
        return WaitFixture.check("select", count, sum, s.fds.ready, s.fds.readySum);
    }

    /**
     * poll(2): the kernel fills every entry's revents; the caller scans all n with
     * {@link PollFds#nextReady}, which reads one long per entry as the C twin's loop
     * compiles to, and looks at the entries it stops on.
     */
    @Benchmark
    public long poll(PollState s) throws ErrnoException {
        int count = Poll.poll(s.pfds, 0);
        long sum = 0;
        for (int i = s.pfds.nextReady(0); i >= 0; i = s.pfds.nextReady(i + 1)) {
            if ((s.pfds.revents(i) & Poll.POLLIN) != 0) {
                sum += s.pfds.fd(i);
            }
        }
        return WaitFixture.check("poll", count, sum, s.fds.ready, s.fds.readySum);
    }

    /**
     * poll as this benchmark scanned before {@link PollFds#nextReady}: one bounds-checked
     * {@code revents(i)} per entry. Kept, jmux only, so every run shows what the bulk scan
     * saves (the report's "revents scan" table); it has no C twin of its own.
     */
    @Benchmark
    public long poll_indexed(PollState s) throws ErrnoException {
        int count = Poll.poll(s.pfds, 0);
        long sum = 0;
        for (int i = 0; i < s.n; i++) {
            if ((s.pfds.revents(i) & Poll.POLLIN) != 0) {
                sum += s.pfds.fd(i);
            }
        }
        return WaitFixture.check("poll_indexed", count, sum, s.fds.ready, s.fds.readySum);
    }

    /**
     * poll's revents scan alone, without the syscall: the entries hold what one poll
     * returned in setup, and each op finds the ready ones with {@link PollFds#nextReady}.
     * On a VM whose syscalls are cheap this is the part of {@link #poll} that jmux adds
     * over C; apart from the syscall's noise it is measurable to the nanosecond. The C
     * twin's {@code poll_scan} is the same loop over its struct pollfd[].
     */
    @Benchmark
    public long poll_scan(PollState s) {
        long sum = 0;
        int count = 0;
        for (int i = s.pfds.nextReady(0); i >= 0; i = s.pfds.nextReady(i + 1)) {
            if ((s.pfds.revents(i) & Poll.POLLIN) != 0) {
                sum += s.pfds.fd(i);
                count++;
            }
        }
        return WaitFixture.check("poll_scan", count, sum, s.fds.ready, s.fds.readySum);
    }

    /** {@link #poll_scan} with the {@code revents(i)} loop of {@link #poll_indexed}: the scan before nextReady. */
    @Benchmark
    public long poll_scan_indexed(PollState s) {
        long sum = 0;
        int count = 0;
        for (int i = 0; i < s.n; i++) {
            if ((s.pfds.revents(i) & Poll.POLLIN) != 0) {
                sum += s.pfds.fd(i);
                count++;
            }
        }
        return WaitFixture.check("poll_scan_indexed", count, sum, s.fds.ready, s.fds.readySum);
    }

    /** epoll_wait(2), level-triggered: the ready fds come back on every call. */
    @Benchmark
    public long epoll_wait(EpollLt s) throws ErrnoException {
        int count = s.ep.wait(s.events, 0);
        return WaitFixture.check("epoll_wait", count, sumEvents(s.events, count), s.fds.ready,
                s.fds.readySum);
    }

    /**
     * Edge-triggered: a ready fd is reported once per edge, so each op makes a new edge on
     * every ready fd (an eventfd write) and then waits.
     */
    @Benchmark
    public long epoll_wait_et(EpollEt s) throws ErrnoException {
        for (int i = 0; i < s.fds.ready; i++) {
            EventFd.write(s.fds.fds[i], 1);
        }
        int count = s.ep.wait(s.events, 0);
        return WaitFixture.check("epoll_wait_et", count, sumEvents(s.events, count), s.fds.ready,
                s.fds.readySum);
    }

    /** One-shot: every reported fd is disabled until EPOLL_CTL_MOD re-arms it. */
    @Benchmark
    public long epoll_wait_oneshot(EpollOneshot s) throws ErrnoException {
        int count = s.ep.wait(s.events, 0);
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int fd = s.events.fd(i);
            sum += fd;
            s.ep.modify(fd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
        }
        return WaitFixture.check("epoll_wait_oneshot", count, sum, s.fds.ready, s.fds.readySum);
    }

    /**
     * An empty {@code epoll_wait(0)}: an epoll instance with nothing registered, so the
     * syscall's entry and exit alone. What an event loop pays to learn nothing is ready,
     * beside io_uring's empty completion check ({@link JmuxIoUring#io_uring_cq_empty}, a
     * memory read); the C twin's {@code epoll_wait_empty} is the same call.
     */
    @Benchmark
    public int epoll_wait_empty(EmptyEpoll s) throws ErrnoException {
        int count = s.ep.wait(s.events, 0);
        if (count != 0) {
            throw new IllegalStateException("epoll_wait_empty: " + count + " events from an empty epoll instance");
        }
        return count;
    }

    static long sumEvents(EpollEvents events, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += events.fd(i);
        }
        return sum;
    }

    /** The n eventfds of one trial; subclasses add the syscall's own structures. */
    public abstract static class Fds extends WaitFixture {
        EventFds fds;

        void openFds() throws ErrnoException {
            fds = EventFds.open(n, readyCount());
        }

        @TearDown(Level.Trial)
        public void closeFds() throws ErrnoException {
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class SelectState extends Fds {
        FdSet interest;
        FdSet work;
        int nfds;
        int words;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            openFds();
            nfds = fds.maxFd() + 1;
            interest = new FdSet(nfds);
            work = new FdSet(nfds);
            words = work.capacity() / 64;
            for (int fd : fds.fds) {
                interest.set(fd);
            }
        }
    }

    @State(Scope.Thread)
    public static class PollState extends Fds {
        PollFds pfds;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            openFds();
            pfds = new PollFds(n);
            for (int fd : fds.fds) {
                pfds.add(fd, Poll.POLLIN);
            }
            Poll.poll(pfds, 0); // fills revents for the scan-only benchmarks; poll itself refills them
        }
    }

    /** An epoll instance watching the n fds for EPOLLIN plus {@link #flags}. */
    public abstract static class EpollState extends Fds {
        Epoll ep;
        EpollEvents events;

        abstract int flags();

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            openFds();
            ep = Epoll.create();
            events = new EpollEvents(n);
            for (int fd : fds.fds) {
                ep.add(fd, Epoll.EPOLLIN | flags());
            }
        }

        @TearDown(Level.Trial)
        public void closeEpoll() {
            ep.close();
        }
    }

    /** An epoll instance with nothing registered. */
    @State(Scope.Thread)
    public static class EmptyEpoll {
        Epoll ep;
        EpollEvents events;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            ep = Epoll.create();
            events = new EpollEvents(1);
        }

        @TearDown(Level.Trial)
        public void close() {
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
