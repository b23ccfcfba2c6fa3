package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random sequences of real calls — create pipes, socketpairs, eventfds and timerfds, write, read,
 * shutdown, close (and so reuse fd numbers), epoll_ctl, epoll_wait, poll and select —
 * checked step by step against a small model of readiness: what each fd must report as
 * readable, writable, hung up or in error.
 *
 * <p>After every step, a level-triggered epoll instance, a {@code struct pollfd[]} and a
 * pair of fd_sets are asked, and each must agree with the model exactly. An
 * edge-triggered instance is asked only on explicit wait steps, and must report exactly
 * the fds that had an edge (a wake-up from the kernel) since its last wait and are still
 * ready. The model encodes the kernel's rules as read from {@code fs/pipe.c},
 * {@code fs/eventfd.c}, {@code fs/timerfd.c} and {@code net/unix/af_unix.c} (e.g. closing a socket with unread
 * data gives its peer {@code ECONNRESET}); where it is silent the test cannot pass.
 *
 * <p>The number of sequences is {@link Fuzz#TRIES} ({@code -Djmux.fuzz.tries}; the pom's
 * {@code jmux.fuzz.tries}, raised by {@code -Pfuzz-long}); a failure prints the seed that
 * replays it and the failing sequence cut down to the steps it needs (see {@link Fuzz}).
 */
class ReadinessFuzzTest {
    static final int IN = Epoll.EPOLLIN;
    static final int OUT = Epoll.EPOLLOUT;
    static final int ERR = Epoll.EPOLLERR;
    static final int HUP = Epoll.EPOLLHUP;
    static final int RDHUP = Epoll.EPOLLRDHUP;
    /** Interest of every fd in the edge-triggered instance. */
    static final int ET_INTEREST = IN | RDHUP;

    /** Writes are bounded so pipes and sockets never fill up: then "writable" is exact. */
    static final int MAX_QUEUED = 2048;
    static final int MAX_SKBS = 16;
    static final int MAX_OPEN_FDS = 8;
    /**
     * Every fd of a sequence is moved to the lowest free number from here up. The JVM
     * keeps opening and closing files of its own (cgroup memory files, tzdb.dat, jars) and
     * would take a low number the sequence just closed, so "closed" would not stay closed;
     * from 2048 up, numbers are reused by the sequence itself only, as the test wants.
     */
    static final int FD_BASE = 2048;
    static final int POLL_CAPACITY = 16;
    static final long[] EVENTFD_VALUES = {0, 1, 2, 7, 1L << 32, Long.MAX_VALUE, -3L, -2L, -1L};

    static final AtomicLong SEQUENCES = new AtomicLong();
    static final AtomicLong STEPS = new AtomicLong();
    static final AtomicLong CALLS = new AtomicLong();
    static final AtomicLong FDS = new AtomicLong();

    enum Kind { NEW, WRITE, READ, CLOSE, SHUTDOWN, LT_CTL, ET_CTL, ET_WAIT, POLL_SET, SELECT_CLOSED, CLOSE_DUP_IN_WAIT }

    /** One step; a, b, c choose among what exists when the step runs. */
    record Op(Kind kind, int a, int b, int c) {
        @Override
        public String toString() {
            return kind + "(" + a + "," + b + "," + c + ")";
        }
    }

    /** Sequences of 10 to 150 steps, the kinds weighted as below. */
    static Gen<List<Op>> sequences() {
        Gen<Kind> kind = Generate.frequency(
                Fuzz.weight(5, Kind.NEW),
                Fuzz.weight(12, Kind.WRITE),
                Fuzz.weight(7, Kind.READ),
                Fuzz.weight(3, Kind.CLOSE),
                Fuzz.weight(2, Kind.SHUTDOWN),
                Fuzz.weight(5, Kind.LT_CTL),
                Fuzz.weight(6, Kind.ET_CTL),
                Fuzz.weight(8, Kind.ET_WAIT),
                Fuzz.weight(3, Kind.POLL_SET),
                Fuzz.weight(1, Kind.SELECT_CLOSED),
                Fuzz.weight(1, Kind.CLOSE_DUP_IN_WAIT));
        Gen<Integer> small = Generate.range(0, 1000);
        Gen<Op> op = kind.zip(small, small, small, Op::new);
        return SourceDSL.lists().of(op).ofSizeBetween(10, 150);
    }

    @Test
    void selectPollAndEpollAgreeWithTheModel() {
        Fuzz.checkSequences(sequences(), ReadinessFuzzTest::run);
    }

    static void run(List<Op> ops) throws Exception {
        SEQUENCES.incrementAndGet();
        try (World w = new World()) {
            for (Op op : ops) {
                w.step(op);
                w.checkLevelTriggered(op);
                STEPS.incrementAndGet();
            }
        }
    }

    @AfterAll
    static void summary() {
        System.out.printf("ReadinessFuzzTest: seed %d, %d sequences, %d steps, %d jmux calls, %d fds created%n",
                Fuzz.SEED, SEQUENCES.get(), STEPS.get(), CALLS.get(), FDS.get());
    }

    // ---- the model ----

    /** One open fd of the model. */
    abstract static class End {
        final int fd;

        End(int fd) {
            this.fd = fd;
        }

        /** Expected readiness among IN, OUT, ERR, HUP, RDHUP. */
        abstract int mask();

        /** Whether the edge-triggered instance may watch it (an input side). */
        abstract boolean input();

        abstract void write(World w, int n, boolean direct) throws ErrnoException;

        abstract void read(World w, int n, boolean direct) throws ErrnoException;

        /** Model effects of closing this fd (the real close is done by the World). */
        abstract void closed(World w);

        @Override
        public String toString() {
            return getClass().getSimpleName() + "[fd=" + fd + ", mask=" + Epoll.eventNames(mask()) + "]";
        }
    }

    static final class Pipe {
        int bytes;
        PipeRead reader;
        PipeWrite writer;
    }

    static final class PipeRead extends End {
        final Pipe p;

        PipeRead(int fd, Pipe p) {
            super(fd);
            this.p = p;
        }

        @Override
        int mask() {
            return (p.bytes > 0 ? IN : 0) | (p.writer == null ? HUP : 0);
        }

        @Override
        boolean input() {
            return true;
        }

        @Override
        void write(World w, int n, boolean direct) {
            w.expectErrno(Errno.EBADF, "write to a pipe's read end", () -> w.write(fd, n, direct));
        }

        @Override
        void read(World w, int n, boolean direct) throws ErrnoException {
            int expected = n == 0 ? 0 : p.bytes > 0 ? Math.min(n, p.bytes)
                    : p.writer == null ? 0 : -Errno.EAGAIN;
            assertEquals(expected, w.read(fd, n, direct), "read(pipe " + fd + ", " + n + ")");
            if (expected > 0) {
                p.bytes -= expected; // a non-blocking pipe read wakes no reader: no new edge
            }
        }

        @Override
        void closed(World w) {
            p.reader = null;
        }
    }

    static final class PipeWrite extends End {
        final Pipe p;

        PipeWrite(int fd, Pipe p) {
            super(fd);
            this.p = p;
        }

        @Override
        int mask() {
            return OUT | (p.reader == null ? ERR : 0); // never full: writes are bounded
        }

        @Override
        boolean input() {
            return false;
        }

        @Override
        void write(World w, int n, boolean direct) throws ErrnoException {
            if (n == 0) {
                assertEquals(0, w.write(fd, 0, direct), "empty write succeeds before any check");
            } else if (p.reader == null) {
                w.expectErrno(Errno.EPIPE, "write with no reader", () -> w.write(fd, n, direct));
            } else if (p.bytes + n <= MAX_QUEUED * 2) {
                assertEquals(n, w.write(fd, n, direct), "write(pipe " + fd + ")");
                p.bytes += n;
                w.edge(p.reader); // every write wakes an epoll-watched reader
            }
        }

        @Override
        void read(World w, int n, boolean direct) {
            w.expectErrno(Errno.EBADF, "read from a pipe's write end", () -> w.read(fd, Math.max(1, n), direct));
        }

        @Override
        void closed(World w) {
            p.writer = null;
            if (p.reader != null) {
                w.edge(p.reader);
            }
        }
    }

    /** An AF_UNIX stream socketpair; shutdown bits as the kernel's RCV_SHUTDOWN=1, SEND_SHUTDOWN=2. */
    static final class Pair {
        final Sock[] ends = new Sock[2];
        final int[] queued = new int[2];
        final int[] skbs = new int[2];
        final int[] shutdown = new int[2];
        final boolean[] reset = new boolean[2];
    }

    static final class Sock extends End {
        final Pair s;
        final int side;

        Sock(int fd, Pair s, int side) {
            super(fd);
            this.s = s;
            this.side = side;
        }

        Sock peer() {
            return s.ends[1 - side];
        }

        @Override
        int mask() {
            int m = OUT; // writable while little is queued (bounded writes)
            if (s.queued[side] > 0 || (s.shutdown[side] & 1) != 0) {
                m |= IN;
            }
            if ((s.shutdown[side] & 1) != 0) {
                m |= RDHUP;
            }
            if (s.shutdown[side] == 3) {
                m |= HUP;
            }
            if (s.reset[side]) {
                m |= ERR;
            }
            return m;
        }

        @Override
        boolean input() {
            return true;
        }

        @Override
        void write(World w, int n, boolean direct) throws ErrnoException {
            Sock peer = peer();
            if ((s.shutdown[side] & 2) != 0) {
                w.expectErrno(Errno.EPIPE, "write after shutdown or peer close", () -> w.write(fd, n, direct));
            } else if (n == 0) {
                assertEquals(0, w.write(fd, 0, direct), "empty send");
            } else if (s.queued[1 - side] + n <= MAX_QUEUED && s.skbs[1 - side] < MAX_SKBS) {
                assertEquals(n, w.write(fd, n, direct), "write(socket " + fd + ")");
                s.queued[1 - side] += n;
                s.skbs[1 - side]++;
                w.edge(peer);
            }
        }

        @Override
        void read(World w, int n, boolean direct) throws ErrnoException {
            int len = Math.max(1, n);
            if (s.queued[side] > 0) {
                int expected = Math.min(len, s.queued[side]);
                assertEquals(expected, w.read(fd, len, direct), "read(socket " + fd + ")");
                s.queued[side] -= expected;
                if (s.queued[side] == 0) {
                    s.skbs[side] = 0;
                }
            } else if (s.reset[side]) {
                // POSIX order: a pending error is reported before end-of-file, then cleared.
                w.expectErrno(Errno.ECONNRESET, "read after the peer closed with unread data",
                        () -> w.read(fd, len, direct));
                s.reset[side] = false;
            } else {
                int expected = (s.shutdown[side] & 1) != 0 ? 0 : -Errno.EAGAIN;
                assertEquals(expected, w.read(fd, len, direct), "read(socket " + fd + ")");
            }
        }

        void shutdown(World w, int how) throws ErrnoException {
            w.call();
            Sockets.shutdown(fd, how);
            int mode = how + 1; // SHUT_RD=0 -> RCV, SHUT_WR=1 -> SEND, SHUT_RDWR=2 -> both
            s.shutdown[side] |= mode;
            w.edge(this);
            Sock peer = peer();
            if (peer != null) {
                s.shutdown[1 - side] |= ((mode & 1) << 1) | ((mode & 2) >> 1);
                w.edge(peer);
            }
        }

        @Override
        void closed(World w) {
            s.ends[side] = null;
            Sock peer = peer();
            if (peer != null) {
                s.shutdown[1 - side] = 3;
                s.reset[1 - side] = s.queued[side] > 0; // unread data: the peer sees ECONNRESET
                w.edge(peer);
            }
            s.queued[side] = 0;
            s.skbs[side] = 0;
        }
    }

    static final class Efd extends End {
        long count;

        Efd(int fd) {
            super(fd);
        }

        @Override
        int mask() {
            return (count != 0 ? IN : 0) | (Long.compareUnsigned(count, -2L) < 0 ? OUT : 0);
        }

        @Override
        boolean input() {
            return true;
        }

        @Override
        void write(World w, int n, boolean direct) throws ErrnoException {
            long v = EVENTFD_VALUES[n % EVENTFD_VALUES.length];
            w.call();
            if (v == -1L) {
                w.expectErrno(Errno.EINVAL, "eventfd write of 2^64-1", () -> EventFd.write(fd, v));
            } else if (Long.compareUnsigned(-1L - count, v) > 0) {
                assertEquals(8, EventFd.write(fd, v));
                count += v;
                w.edge(this); // even a write of 0 wakes the watchers
            } else {
                assertEquals(-Errno.EAGAIN, EventFd.write(fd, v), "counter would pass 2^64-2");
            }
        }

        @Override
        void read(World w, int n, boolean direct) throws ErrnoException {
            w.call();
            assertEquals(count, EventFd.read(fd), "eventfd read takes the counter (0 = EAGAIN)");
            count = 0;
        }

        @Override
        void closed(World w) {
        }
    }

    /**
     * A timerfd, readable while its expiration count is non-zero. Only settings whose
     * outcome is certain are made: a time already past (the model waits, with a poll of
     * its own, until the timer interrupt has fired it, which is an edge), an hour ahead,
     * or disarmed; setting the timer zeroes the count and wakes nobody. A "write" step
     * makes one of those settings, or a real write, which a timerfd refuses (EINVAL).
     * The model's fd is a dup of the TimerFd's own, closed together with it.
     */
    static final class Tfd extends End {
        final TimerFd timer;
        long ticks;

        Tfd(int fd, TimerFd timer) {
            super(fd);
            this.timer = timer;
        }

        @Override
        int mask() {
            return ticks != 0 ? IN : 0;
        }

        @Override
        boolean input() {
            return true;
        }

        @Override
        void write(World w, int n, boolean direct) throws ErrnoException {
            w.call();
            switch (n % 4) {
                case 0 -> {
                    timer.settime(TimerFd.TFD_TIMER_ABSTIME, 1, 0); // 1 ns after boot
                    w.awaitReadable(fd);
                    ticks = 1;
                    w.edge(this);
                }
                case 1 -> {
                    timer.settime(0, 3600_000_000_000L, 0);
                    ticks = 0;
                }
                case 2 -> {
                    timer.settime(0, 0, 0);
                    ticks = 0;
                }
                default -> w.expectErrno(Errno.EINVAL, "write to a timerfd", () -> w.write(fd, n, direct));
            }
        }

        @Override
        void read(World w, int n, boolean direct) throws ErrnoException {
            if (n % 5 == 0) { // through TimerFd.read: the count, 0 for EAGAIN
                w.call();
                assertEquals(ticks, timer.read(), "TimerFd.read takes the count (0 = EAGAIN)");
                ticks = 0;
            } else if (n < 8) { // refused before the count is looked at: nothing taken
                w.expectErrno(Errno.EINVAL, "read of fewer than 8 bytes from a timerfd", () -> w.read(fd, n, direct));
            } else {
                assertEquals(ticks != 0 ? 8 : -Errno.EAGAIN, w.read(fd, n, direct), "read(timerfd " + fd + ")");
                ticks = 0;
            }
        }

        @Override
        void closed(World w) {
            timer.close();
        }
    }

    /** The real fds and watchers of one sequence, and the model of them. */
    static final class World implements AutoCloseable {
        final Map<Integer, End> open = new LinkedHashMap<>();
        final List<Integer> numbers = new ArrayList<>(); // every fd number this sequence made
        final Epoll lt = Epoll.create();
        final Epoll et = Epoll.create();
        final EpollEvents events = new EpollEvents(64);
        final Map<Integer, Integer> ltInterest = new HashMap<>();
        final Set<Integer> etWatched = new HashSet<>();
        final Set<Integer> etEdges = new HashSet<>();
        final PollFds pollFds = new PollFds(POLL_CAPACITY);
        /** One-shot POLL_ADDs over the poll entries: io_uring's readiness beside epoll's. */
        final IoUring ring = IoUring.isSupported() ? setupRing() : null;
        final PollFds awaitOne = new PollFds(1);
        final List<TimerFd> timers = new ArrayList<>();
        final byte[] heap = new byte[4096];
        final ByteBuffer direct = ByteBuffer.allocateDirect(4096);

        World() throws ErrnoException {
        }

        void call() {
            CALLS.incrementAndGet();
        }

        /** Blocks until fd is readable (a timer fired), with a pollfd of its own. */
        void awaitReadable(int fd) throws ErrnoException {
            awaitOne.clear();
            awaitOne.add(fd, Poll.POLLIN);
            call();
            assertEquals(1, Poll.poll(awaitOne, 10_000), "timerfd " + fd + " set to a past time fires");
        }

        int write(int fd, int n, boolean viaDirect) throws ErrnoException {
            call();
            return viaDirect ? Fd.write(fd, direct.clear().limit(n)) : Fd.write(fd, heap, 0, n);
        }

        int read(int fd, int n, boolean viaDirect) throws ErrnoException {
            call();
            return viaDirect ? Fd.read(fd, direct.clear().limit(n)) : Fd.read(fd, heap, 0, n);
        }

        interface Call {
            int run() throws ErrnoException;
        }

        void expectErrno(int errno, String why, Call c) {
            try {
                int r = c.run();
                fail(why + ": expected " + Errno.name(errno) + ", got " + r);
            } catch (ErrnoException e) {
                assertEquals(Errno.name(errno), e.errnoName(), why + ": " + e.getMessage());
            }
        }

        /** The kernel woke the watchers of e: an edge for the edge-triggered instance. */
        void edge(End e) {
            if (e != null && etWatched.contains(e.fd)) {
                etEdges.add(e.fd);
            }
        }

        void step(Op op) throws ErrnoException {
            List<End> ends = new ArrayList<>(open.values());
            End pick = ends.isEmpty() ? null : ends.get(op.a() % ends.size());
            switch (op.kind()) {
                case NEW -> create(op.a() % 4);
                case WRITE -> {
                    if (pick != null) {
                        pick.write(this, op.b() % 600, op.c() % 2 == 0);
                    }
                }
                case READ -> {
                    if (pick != null) {
                        pick.read(this, op.b() % 600, op.c() % 2 == 0);
                    }
                }
                case CLOSE -> {
                    if (pick != null) {
                        close(pick);
                    }
                }
                case SHUTDOWN -> {
                    if (pick instanceof Sock sock) {
                        sock.shutdown(this, op.b() % 3);
                    } else if (pick != null) {
                        call();
                        expectErrno(Errno.ENOTSOCK, "shutdown of a non-socket", () -> {
                            Sockets.shutdown(pick.fd, Sockets.SHUT_WR);
                            return 0;
                        });
                    }
                }
                case LT_CTL -> ltCtl(op);
                case ET_CTL -> etCtl(op);
                case ET_WAIT -> checkEdgeTriggered(op);
                case POLL_SET -> pollSet(op);
                case SELECT_CLOSED -> selectClosed(op);
                case CLOSE_DUP_IN_WAIT -> closeDupInWait(op.b() % 2 == 0);
                default -> throw new AssertionError(op);
            }
        }

        void create(int what) throws ErrnoException {
            if (open.size() + 2 > MAX_OPEN_FDS) {
                return;
            }
            call();
            if (what == 0) {
                int[] p = Fd.pipe2(Fd.O_NONBLOCK | Fd.O_CLOEXEC);
                Pipe pipe = new Pipe();
                pipe.reader = add(new PipeRead(high(p[0]), pipe));
                pipe.writer = add(new PipeWrite(high(p[1]), pipe));
            } else if (what == 1) {
                int[] sv = Sockets.socketpair(Sockets.AF_UNIX,
                        Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
                Pair pair = new Pair();
                pair.ends[0] = add(new Sock(high(sv[0]), pair, 0));
                pair.ends[1] = add(new Sock(high(sv[1]), pair, 1));
            } else if (what == 2) {
                add(new Efd(high(EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC))));
            } else {
                TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK | TimerFd.TFD_CLOEXEC);
                timers.add(t);
                call();
                add(new Tfd(Fd.fcntl(t.fd(), Fd.F_DUPFD_CLOEXEC, FD_BASE), t));
            }
        }

        /** The file of fd under the lowest free number >= FD_BASE (see there). */
        int high(int fd) throws ErrnoException {
            call();
            int moved = Fd.fcntl(fd, Fd.F_DUPFD_CLOEXEC, FD_BASE);
            Fd.close(fd);
            return moved;
        }

        <E extends End> E add(E e) {
            FDS.incrementAndGet();
            if (open.containsKey(e.fd)) {
                throw new AssertionError("kernel returned fd " + e.fd + ", which the model thinks is open");
            }
            open.put(e.fd, e);
            if (!numbers.contains(e.fd)) {
                numbers.add(e.fd);
            }
            return e;
        }

        void close(End e) throws ErrnoException {
            call();
            Fd.close(e.fd);
            open.remove(e.fd);
            // The last close of a file removes it from every epoll instance.
            ltInterest.remove(e.fd);
            etWatched.remove(e.fd);
            etEdges.remove(e.fd);
            e.closed(this);
        }

        /** A number this sequence made, open or closed (so calls on closed fds are tried too). */
        int number(int choice) {
            return numbers.get(choice % numbers.size());
        }

        void ltCtl(Op op) throws ErrnoException {
            if (numbers.isEmpty()) {
                return;
            }
            int fd = number(op.a());
            int bits = (op.c() % 7) + 1; // a non-empty subset of {IN, OUT, RDHUP}
            int interest = ((bits & 1) != 0 ? IN : 0) | ((bits & 2) != 0 ? OUT : 0) | ((bits & 4) != 0 ? RDHUP : 0);
            ctl(lt, op.b() % 3, fd, interest, ltInterest.containsKey(fd), () -> {
                if (op.b() % 3 == 2) {
                    ltInterest.remove(fd);
                } else {
                    ltInterest.put(fd, interest);
                }
            });
        }

        void etCtl(Op op) throws ErrnoException {
            if (numbers.isEmpty()) {
                return;
            }
            int fd = number(op.a());
            End e = open.get(fd);
            if (e != null && !e.input()) {
                return; // output sides wake on reads elsewhere: no clean edge model
            }
            ctl(et, op.b() % 3, fd, ET_INTEREST | Epoll.EPOLLET, etWatched.contains(fd), () -> {
                if (op.b() % 3 == 2) {
                    etWatched.remove(fd);
                    etEdges.remove(fd);
                } else {
                    etWatched.add(fd);
                    // ADD and MOD poll the fd once and queue it if it is ready now.
                    if ((e.mask() & (ET_INTEREST | ERR | HUP)) != 0) {
                        etEdges.add(fd);
                    }
                }
            });
        }

        /** op 0 ADD, 1 MOD, 2 DEL, with the errno the kernel must give. */
        void ctl(Epoll ep, int op, int fd, int interest, boolean registered, Runnable onSuccess)
                throws ErrnoException {
            int expected = !open.containsKey(fd) ? Errno.EBADF
                    : op == 0 && registered ? Errno.EEXIST
                    : op != 0 && !registered ? Errno.ENOENT : 0;
            int ctlOp = op == 0 ? Epoll.EPOLL_CTL_ADD : op == 1 ? Epoll.EPOLL_CTL_MOD : Epoll.EPOLL_CTL_DEL;
            int got = ctlErrno(ep, ctlOp, fd, interest);
            assertEquals(Errno.name(expected), Errno.name(got), "epoll_ctl(" + Epoll.opName(ctlOp) + ", fd="
                    + fd + ") with the fd " + (open.containsKey(fd) ? (registered ? "" : "not ") + "registered" : "closed"));
            if (got == 0) {
                onSuccess.run();
            }
        }

        /** 0, or the errno epoll_ctl failed with. */
        int ctlErrno(Epoll ep, int ctlOp, int fd, int interest) {
            call();
            try {
                ep.ctl(ctlOp, fd, interest, fd);
                return 0;
            } catch (ErrnoException e) {
                return e.errno();
            }
        }

        void pollSet(Op op) {
            if (numbers.isEmpty()) {
                return;
            }
            int fd = number(op.b());
            int bits = (op.c() % 7) + 1;
            int interest = ((bits & 1) != 0 ? Poll.POLLIN : 0) | ((bits & 2) != 0 ? Poll.POLLOUT : 0)
                    | ((bits & 4) != 0 ? Poll.POLLRDHUP : 0);
            int size = pollFds.size();
            if (size < POLL_CAPACITY && (size == 0 || op.a() % 3 == 0)) {
                pollFds.add(fd, interest);
            } else if (op.a() % 3 == 1) {
                pollFds.remove(op.a() % size);
            } else {
                pollFds.set(op.a() % size, fd, interest);
            }
        }

        void selectClosed(Op op) throws ErrnoException {
            List<Integer> closed = new ArrayList<>(numbers);
            closed.removeAll(open.keySet());
            if (closed.isEmpty()) {
                return;
            }
            int fd = closed.get(op.a() % closed.size());
            if (!selectGivesEbadf(fd)) {
                fail("select on closed fd " + fd + " did not fail with EBADF");
            }
        }

        boolean selectGivesEbadf(int fd) throws ErrnoException {
            try (FdSet r = new FdSet(fd + 1)) {
                r.set(fd);
                call();
                Select.select(fd + 1, r, null, null, 0);
                return false;
            } catch (ErrnoException e) {
                assertEquals("EBADF", e.errnoName(), e.getMessage());
                return true;
            }
        }

        /**
         * A second holder of the level- or edge-triggered instance ({@code Epoll.dupOf}) is
         * closed while a thread waits on it. The waiter returns 0, and the instance must show
         * nothing of the close: the checks after this step, and the next edge-triggered wait,
         * compare it with the model as always (the close used to register a wake-up eventfd in
         * the shared instance). Only when the instance has nothing to report, so that the
         * waiter really blocks and takes no event the model expects.
         */
        void closeDupInWait(boolean levelTriggered) throws ErrnoException {
            boolean idle = levelTriggered
                    ? ltInterest.entrySet().stream().noneMatch(e -> (open.get(e.getKey()).mask()
                            & (e.getValue() | ERR | HUP)) != 0)
                    : etEdges.isEmpty();
            if (!idle) {
                return;
            }
            call();
            Epoll dup = Epoll.dupOf((levelTriggered ? lt : et).fd());
            int[] got = {-2};
            Thread waiter = new Thread(() -> {
                try (EpollEvents ev = new EpollEvents(4)) {
                    got[0] = dup.wait(ev, -1);
                } catch (IllegalStateException closedFirst) {
                    got[0] = 0; // the close came before the wait started: as documented
                } catch (ErrnoException e) {
                    got[0] = -3;
                }
            }, "fuzz-dup-waiter");
            waiter.setDaemon(true);
            waiter.start();
            try {
                Thread.sleep(1);
                dup.close();
                waiter.join(10_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertFalse(waiter.isAlive(), "closing a dup of the " + (levelTriggered ? "LT" : "ET")
                    + " instance did not wake its waiter");
            assertEquals(0, got[0], "a waiter woken by close reports nothing");
        }

        static IoUring setupRing() {
            try {
                return IoUring.setup(2 * POLL_CAPACITY, 0);
            } catch (ErrnoException e) {
                throw new AssertionError(e);
            }
        }

        /**
         * io_uring POLL_ADD (one-shot) on every open entry of the poll array: an fd that is
         * ready completes at submit with the mask poll gives, plus POLLRDHUP, which io_uring
         * always reports; the others stay armed and are cancelled. io_uring must agree with
         * the model, as poll and epoll do.
         */
        void checkIoUring(Op after) throws ErrnoException {
            if (ring == null) {
                return;
            }
            int armed = 0;
            for (int i = 0; i < pollFds.size(); i++) {
                if (open.containsKey(pollFds.fd(i))) {
                    call();
                    ring.prepPollAdd(pollFds.fd(i), pollFds.events(i), false, i + 1);
                    armed++;
                }
            }
            if (armed == 0) {
                return;
            }
            ring.submit();
            int[] got = new int[POLL_CAPACITY + 1];
            java.util.Arrays.fill(got, -1);
            reap(got); // what completed at once: the ready fds
            for (int i = 0; i < pollFds.size(); i++) {
                int fd = pollFds.fd(i);
                End e = open.get(fd);
                if (e == null) {
                    continue;
                }
                // io_uring adds EPOLLRDHUP to every poll, as it does ERR and HUP
                // (IO_POLL_UNMASK in io_uring/poll.c): poll(2) would report it only if asked.
                int want = e.mask() & (pollFds.events(i) | ERR | HUP | Poll.POLLRDHUP);
                int res = got[i + 1];
                int have = res < 0 ? 0 : res;
                assertEquals(Poll.eventNames(want), Poll.eventNames(have), "io_uring POLL_ADD of fd " + fd + " ("
                        + e + ") after " + after);
            }
            call();
            ring.prepCancel(0, IoUring.IORING_ASYNC_CANCEL_ANY | IoUring.IORING_ASYNC_CANCEL_ALL, 1000);
            ring.submit();
            long end = System.nanoTime() + 5_000_000_000L;
            int[] done = new int[1];
            while (!cancelled(done) && System.nanoTime() < end) {
                ring.submitAndWait(1, 10_000_000L);
                reapCancelled(done);
            }
            assertTrue(cancelled(done), "io_uring: the armed polls were not all cancelled");
        }

        private void reap(int[] got) {
            int n = ring.cqReady();
            for (int i = 0; i < n; i++) {
                long ud = ring.cqeUserData(i);
                if (ud >= 1 && ud <= POLL_CAPACITY) {
                    got[(int) ud] = ring.cqeRes(i);
                }
            }
            ring.cqAdvance(n);
        }

        /** done[0]: 1 once the cancel request's own CQE came; the armed polls end before it. */
        private boolean cancelled(int[] done) {
            return done[0] == 1 && ring.cqReady() == 0;
        }

        private void reapCancelled(int[] done) {
            int n = ring.cqReady();
            for (int i = 0; i < n; i++) {
                if (ring.cqeUserData(i) == 1000) {
                    done[0] = 1;
                }
            }
            ring.cqAdvance(n);
        }

        void checkLevelTriggered(Op after) throws ErrnoException {
            checkEpoll(after);
            checkPoll(after);
            checkIoUring(after);
            checkSelect(after);
        }

        void checkEpoll(Op after) throws ErrnoException {
            Map<Integer, Integer> expected = new TreeMap<>();
            ltInterest.forEach((fd, interest) -> {
                int m = open.get(fd).mask() & (interest | ERR | HUP);
                if (m != 0) {
                    expected.put(fd, m);
                }
            });
            assertEquals(names(expected), names(waitAll(lt)), "level-triggered epoll after " + after + " in " + open.values());
        }

        void checkEdgeTriggered(Op op) throws ErrnoException {
            Map<Integer, Integer> expected = new TreeMap<>();
            for (int fd : etEdges) {
                int m = open.get(fd).mask() & (ET_INTEREST | ERR | HUP);
                if (m != 0) {
                    expected.put(fd, m);
                }
            }
            etEdges.clear(); // every queued fd was looked at: reported or dropped
            assertEquals(names(expected), names(waitAll(et)), "edge-triggered epoll at " + op + " in " + open.values()
                    + ", watching " + etWatched);
        }

        Map<Integer, Integer> waitAll(Epoll ep) throws ErrnoException {
            call();
            int n = ep.wait(events, 0);
            Map<Integer, Integer> got = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                if (got.put(events.fd(i), events.events(i)) != null) {
                    fail("fd " + events.fd(i) + " reported twice by one wait");
                }
                assertEquals(events.fd(i), events.data(i), "the data word is the fd");
            }
            return got;
        }

        static Map<Integer, String> names(Map<Integer, Integer> m) {
            Map<Integer, String> out = new TreeMap<>();
            m.forEach((fd, ev) -> out.put(fd, Epoll.eventNames(ev)));
            return out;
        }

        void checkPoll(Op after) throws ErrnoException {
            String mismatch = pollMismatch(after);
            if (mismatch != null) {
                fail(mismatch);
            }
        }

        /** What poll got wrong, or null. */
        String pollMismatch(Op after) throws ErrnoException {
            call();
            int n = Poll.poll(pollFds, 0);
            int nonZero = 0;
            for (int i = 0; i < pollFds.size(); i++) {
                int fd = pollFds.fd(i);
                End e = open.get(fd);
                int revents = pollFds.revents(i);
                nonZero += revents != 0 ? 1 : 0;
                int want = e == null ? Poll.POLLNVAL : e.mask() & (pollFds.events(i) | ERR | HUP);
                if (revents != want) {
                    return "poll revents of fd " + fd + " (" + (e == null ? "closed" : e) + ") after " + after
                            + ": expected " + Poll.eventNames(want) + ", got " + Poll.eventNames(revents);
                }
            }
            return nonZero == n ? null : "poll counted " + n + " entries with revents, not " + nonZero;
        }

        void checkSelect(Op after) throws ErrnoException {
            if (open.isEmpty()) {
                return;
            }
            int nfds = 1 + open.keySet().stream().mapToInt(Integer::intValue).max().getAsInt();
            try (FdSet r = new FdSet(nfds); FdSet wr = new FdSet(nfds)) {
                open.keySet().forEach(fd -> {
                    r.set(fd);
                    wr.set(fd);
                });
                call();
                int n = Select.select(nfds, r, wr, null, 0);
                int bits = 0;
                for (End e : open.values()) {
                    int m = e.mask();
                    // The kernel's POLLIN_SET and POLLOUT_SET (fs/select.c).
                    boolean readable = (m & (IN | HUP | ERR)) != 0;
                    boolean writable = (m & (OUT | ERR)) != 0;
                    assertEquals(readable, r.isSet(e.fd), "select readable: " + e + " after " + after);
                    assertEquals(writable, wr.isSet(e.fd), "select writable: " + e + " after " + after);
                    bits += (readable ? 1 : 0) + (writable ? 1 : 0);
                }
                assertEquals(bits, n, "select's count");
                assertEquals(bits, r.count() + wr.count(), "no bit set beyond the open fds");
            }
        }

        @Override
        public void close() {
            for (int fd : open.keySet()) {
                FdSys.close(fd);
            }
            open.clear();
            timers.forEach(TimerFd::close);
            awaitOne.close();
            lt.close();
            et.close();
            events.close();
            pollFds.close();
            if (ring != null) {
                ring.close();
            }
        }
    }
}
