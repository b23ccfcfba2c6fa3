package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random arguments — {@link Fuzz#ints()} and {@link Fuzz#longs()}, which favour 0, ±1,
 * MIN_VALUE, MAX_VALUE and small numbers — for the calls that take numbers from the
 * caller. A small oracle written from the Javadoc says which specific exception each must
 * throw; everything else must reach the kernel and come back as a result or an
 * {@link ErrnoException} with an errno the man page lists for that syscall. Nothing else
 * (no other exception, no crash) may happen.
 *
 * <p>Only calls that cannot harm the JVM take random fds (epoll_ctl into our own epoll,
 * poll, select); read, write and close only ever get our own fds.
 *
 * <p>Each property runs {@link Fuzz#TRIES} cases; a failure prints the seed that replays it
 * (see {@link Fuzz}). A property's arguments are a record, so a failure names each one.
 */
class HostileArgumentsFuzzTest {
    static final AtomicLong CASES = new AtomicLong();
    static final AtomicLong CALLS = new AtomicLong();

    private final Fds fds = new Fds();
    private int ready; // an eventfd whose counter is 1: readable, so long waits return at once
    private Epoll epoll;

    @BeforeEach
    void setUp() throws ErrnoException {
        ready = fds.eventfd(1);
        epoll = Epoll.create();
        epoll.add(ready, Epoll.EPOLLIN);
    }

    @AfterEach
    void tearDown() {
        epoll.close();
        fds.close();
    }

    @AfterAll
    static void summary() {
        System.out.printf("HostileArgumentsFuzzTest: seed %d, %d cases, %d jmux calls%n", Fuzz.SEED, CASES.get(), CALLS.get());
    }

    /** Fails unless e is an ErrnoException from syscall with one of the allowed errnos. */
    static void expectErrno(ErrnoException e, String syscall, Set<String> allowed) {
        assertEquals(syscall, e.syscall(), e.getMessage());
        assertTrue(allowed.contains(e.errnoName()), e.getMessage() + " is not one of " + allowed);
        assertTrue(e.getMessage().startsWith(syscall + "(") && e.getMessage().contains(e.errnoName()), e.getMessage());
    }

    /** Timeouts at the extremes; the blocking ones only where something is ready. */
    static Gen<Integer> millis() {
        return Generate.pick(List.of(Integer.MIN_VALUE, -1000, -2, -1, 0, 1, Integer.MAX_VALUE));
    }

    record CtlWait(int op, int fd, int events, long data, int maxEvents, int timeout) {
    }

    @Test
    void epollCtlThenWait() {
        Gen<Integer> i = Fuzz.ints();
        Gen<Integer> ms = millis();
        Gen<Long> l = Fuzz.longs();
        Gen<CtlWait> args = in -> new CtlWait(i.generate(in), i.generate(in), i.generate(in), l.generate(in),
                i.generate(in), ms.generate(in));
        Fuzz.check(args, this::epollCtlThenWait);
    }

    void epollCtlThenWait(CtlWait c) throws Exception {
        int op = c.op();
        int fd = c.fd();
        int events = c.events();
        long data = c.data();
        int maxEvents = c.maxEvents();
        int timeout = c.timeout();
        CASES.incrementAndGet();
        boolean rejected = fd < 0; // unknown event bits are the kernel's to judge
        try {
            CALLS.incrementAndGet();
            epoll.ctl(op, fd, events, data);
            assertTrue(!rejected, "accepted a bad argument");
            if (op == Epoll.EPOLL_CTL_ADD && fd != ready) {
                epoll.delete(fd); // someone else's fd, or an fd number of the JVM: not ours to watch
            }
        } catch (IllegalArgumentException e) {
            assertTrue(rejected, e.toString());
        } catch (ErrnoException e) {
            assertTrue(!rejected, e.toString());
            expectErrno(e, "epoll_ctl", Set.of("EBADF", "EEXIST", "ENOENT", "EPERM", "EINVAL", "ELOOP"));
        }
        rearm(); // the fd may have been our eventfd: make it readable and level-triggered again
        try (EpollEvents ev = new EpollEvents(4)) {
            CALLS.incrementAndGet();
            int n = epoll.wait(ev, maxEvents, timeout); // any negative timeout is infinite; one fd is ready
            assertTrue(maxEvents >= 1 && maxEvents <= 4, "accepted a bad argument");
            assertTrue(n == 1 && ev.fd(0) == ready, "the ready eventfd, once: " + n);
        } catch (IllegalArgumentException e) {
            assertTrue(maxEvents > 4, "only a maxEvents past the array is Java's to refuse: " + e);
        } catch (ErrnoException e) {
            assertTrue(maxEvents < 1, e.toString());
            expectErrno(e, "epoll_wait", Set.of("EINVAL"));
        }
    }

    private void rearm() throws ErrnoException {
        try {
            epoll.modify(ready, Epoll.EPOLLIN);
        } catch (ErrnoException e) {
            epoll.add(ready, Epoll.EPOLLIN);
        }
    }

    record Pwait2(long timeoutNanos, int maxEvents) {
    }

    @Test
    void pwait2Timeouts() {
        Fuzz.check(Fuzz.longs().zip(Fuzz.between(-2, 6), Pwait2::new), this::pwait2Timeouts);
    }

    void pwait2Timeouts(Pwait2 c) throws Exception {
        long timeoutNanos = c.timeoutNanos();
        int maxEvents = c.maxEvents();
        CASES.incrementAndGet();
        try (EpollEvents ev = new EpollEvents(4)) {
            CALLS.incrementAndGet();
            assertEquals(1, epoll.pwait2(ev, maxEvents, timeoutNanos));
            assertTrue(maxEvents >= 1 && maxEvents <= 4, "accepted a bad argument");
        } catch (IllegalArgumentException e) {
            assertTrue(maxEvents > 4, e.toString());
        } catch (ErrnoException e) {
            assertTrue(maxEvents < 1, e.toString());
            expectErrno(e, Epoll.hasPwait2() ? "epoll_pwait2" : "epoll_wait", Set.of("EINVAL"));
        }
    }

    /** Half any long, half timeouts at and around the edges of select's µs. */
    static Gen<Long> micros() {
        return Generate.oneOf(Fuzz.longs(),
                Generate.pick(List.of(Long.MIN_VALUE, -2L, -1L, 0L, 1L, 999_999L, 1_000_000L, Long.MAX_VALUE)));
    }

    record SelectArgs(int nfds, int readCap, int writeCap, int exceptCap, long timeout) {
    }

    @Test
    void selectArguments() {
        Gen<Integer> cap = Fuzz.between(-1, 4096);
        Fuzz.check(Fuzz.ints().zip(cap, cap, cap, micros(), SelectArgs::new), this::selectArguments);
    }

    void selectArguments(SelectArgs c) throws Exception {
        int nfds = c.nfds();
        int readCap = c.readCap();
        int writeCap = c.writeCap();
        int exceptCap = c.exceptCap();
        long timeout = c.timeout();
        CASES.incrementAndGet();
        FdSet r = readCap <= 0 ? null : new FdSet(readCap);
        FdSet w = writeCap <= 0 ? null : new FdSet(writeCap);
        FdSet x = exceptCap <= 0 ? null : new FdSet(exceptCap);
        boolean readyCovered = r != null && ready < r.capacity() && nfds > ready;
        if (readyCovered) {
            r.set(ready);
        } else if (timeout != 0 && timeout >= -1) {
            timeout = 0; // nothing ready would be watched: a real wait would block the test
        }
        // Java refuses only an nfds past a set (memory); the kernel refuses a negative nfds
        // or a negative timeval other than -1 (NULL).
        boolean bad = (r != null && nfds > r.capacity())
                || (w != null && nfds > w.capacity()) || (x != null && nfds > x.capacity());
        boolean kernelRefuses = !bad && (nfds < 0 || timeout < -1);
        try {
            CALLS.incrementAndGet();
            int n = Select.select(nfds, r, w, x, timeout);
            assertTrue(!bad && !kernelRefuses, "accepted a bad argument");
            assertEquals(readyCovered ? 1 : 0, n);
            assertEquals(readyCovered, r != null && r.count() == 1 && r.isSet(ready));
        } catch (IllegalArgumentException e) {
            assertTrue(bad, e.toString());
        } catch (ErrnoException e) {
            assertTrue(kernelRefuses, e.toString());
            expectErrno(e, "select", Set.of("EINVAL"));
        }
    }

    record PollEntry(int fd, int events, int timeout) {
    }

    @Test
    void pollEntries() {
        Fuzz.check(Fuzz.ints().zip(Fuzz.ints(), millis(), PollEntry::new), this::pollEntries);
    }

    void pollEntries(PollEntry c) throws Exception {
        int fd = c.fd();
        int events = c.events();
        int timeout = c.timeout();
        CASES.incrementAndGet();
        boolean badEvents = events < Short.MIN_VALUE || events > 0xFFFF; // must fit the C short
        // A random fd may be one of the JVM's; numbers past RLIMIT_NOFILE are surely closed.
        int target = fd >= 0 && fd < BadInputTest.NEVER_OPEN ? fd + BadInputTest.NEVER_OPEN : fd;
        try (PollFds p = new PollFds(2)) {
            p.add(ready, Poll.POLLIN);
            try {
                p.add(target, events);
                assertTrue(!badEvents, "accepted unknown event bits");
            } catch (IllegalArgumentException e) {
                assertTrue(badEvents, e.toString());
                return;
            }
            try {
                CALLS.incrementAndGet();
                int n = Poll.poll(p, timeout); // a negative timeout is infinite; entry 0 is ready
                assertEquals(Poll.POLLIN, p.revents(0));
                int expected = target < 0 ? 0 : Poll.POLLNVAL;
                assertEquals(Poll.eventNames(expected), Poll.eventNames(p.revents(1)), "fd " + target);
                assertEquals(target < 0 ? 1 : 2, n);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("poll refused timeout " + timeout, e);
            }
        }
    }

    record ArrayBounds(int length, int off, int len) {
    }

    @Test
    void arrayReadWriteBounds() {
        Fuzz.check(Fuzz.between(0, 64).zip(Fuzz.ints(), Fuzz.ints(), ArrayBounds::new), this::arrayReadWriteBounds);
    }

    void arrayReadWriteBounds(ArrayBounds c) throws Exception {
        int length = c.length();
        int off = c.off();
        int len = c.len();
        CASES.incrementAndGet();
        int[] p = fds.pipe(true);
        byte[] b = new byte[length];
        boolean inBounds = off >= 0 && len >= 0 && off <= length - len;
        try {
            CALLS.incrementAndGet();
            int w = Fd.write(p[1], b, off, len);
            assertTrue(inBounds, "accepted off=" + off + " len=" + len + " for " + length + " bytes");
            assertEquals(len, w);
            CALLS.incrementAndGet();
            assertEquals(len, Fd.read(p[0], b, off, len));
        } catch (IndexOutOfBoundsException e) {
            assertTrue(!inBounds, e.toString());
        } finally {
            fds.close(p[0]);
            fds.close(p[1]);
        }
    }

    record BufferArgs(int capacity, int position, int limit, boolean direct, boolean readOnly) {
    }

    @Test
    void bufferReadWrite() {
        Gen<Integer> size = Fuzz.between(0, 64);
        Fuzz.check(size.zip(size, size, Fuzz.booleans(), Fuzz.booleans(), BufferArgs::new), this::bufferReadWrite);
    }

    void bufferReadWrite(BufferArgs c) throws Exception {
        int capacity = c.capacity();
        int position = c.position();
        int limit = c.limit();
        boolean direct = c.direct();
        boolean readOnly = c.readOnly();
        CASES.incrementAndGet();
        if (position > limit || limit > capacity) {
            return; // the buffer itself refuses such bounds
        }
        // A view 8 bytes into a larger buffer: canaries on both sides catch a transfer that
        // strays outside [position, limit) of the view.
        ByteBuffer base = direct ? ByteBuffer.allocateDirect(capacity + 16) : ByteBuffer.allocate(capacity + 16);
        for (int i = 0; i < base.capacity(); i++) {
            base.put(i, (byte) 0x11);
        }
        ByteBuffer view = base.position(8).limit(8 + capacity).slice();
        base.clear();
        view.limit(limit).position(position);
        ByteBuffer b = readOnly ? view.asReadOnlyBuffer() : view;
        int[] p = fds.pipe(true);
        try {
            byte[] payload = new byte[64];
            java.util.Arrays.fill(payload, (byte) 0x5A);
            Fd.write(p[1], payload, 0, 64);
            CALLS.incrementAndGet();
            int n = Fd.read(p[0], b);
            assertTrue(!readOnly, "read into a read-only buffer");
            assertEquals(limit - position, n);
            assertEquals(limit, b.position());
            for (int i = 0; i < base.capacity(); i++) {
                boolean inside = i >= 8 + position && i < 8 + limit;
                assertEquals(inside ? 0x5A : 0x11, base.get(i), "byte " + i);
            }
            CALLS.incrementAndGet();
            assertEquals(limit - position, Fd.write(p[1], b.flip().position(position)));
        } catch (ReadOnlyBufferException e) {
            assertTrue(readOnly, e.toString());
        } finally {
            fds.close(p[0]);
            fds.close(p[1]);
        }
    }

    record SizeIndex(int capacity, int index) {
    }

    @Test
    void sizesAndIndices() {
        Fuzz.check(Fuzz.ints().zip(Fuzz.ints(), SizeIndex::new), this::sizesAndIndices);
    }

    void sizesAndIndices(SizeIndex c) {
        int capacity = c.capacity();
        int index = c.index();
        CASES.incrementAndGet();
        int cap = capacity;
        boolean small = cap >= 0 && cap <= 4096; // larger legal capacities would allocate up to 2 GiB
        // FdSet: capacity 1..MAX_CAPACITY; index an fd
        if (cap >= 1 && cap <= 4096) {
            try (FdSet s = new FdSet(cap)) {
                boolean inSet = index >= 0 && index < s.capacity();
                try {
                    s.set(index);
                    assertTrue(inSet, "set(" + index + ") of " + s.capacity());
                    assertTrue(s.isSet(index) && s.nextSetBit(0) == index && s.count() == 1);
                } catch (IllegalArgumentException e) {
                    assertTrue(!inSet, e.toString());
                }
            }
        } else if (cap < 1 || cap > FdSet.MAX_CAPACITY) {
            expectIae(() -> new FdSet(cap));
        }
        // PollFds: capacity 0..MAX_CAPACITY; index of an entry
        if (small) {
            try (PollFds p = new PollFds(cap)) {
                if (cap > 0) {
                    p.add(-1, Poll.POLLIN);
                }
                boolean valid = index >= 0 && index < p.size();
                try {
                    p.set(index, -1, Poll.POLLOUT);
                    assertTrue(valid, "set(" + index + ") of size " + p.size());
                } catch (IndexOutOfBoundsException e) {
                    assertTrue(!valid, e.toString());
                }
            }
        } else if (cap < 0 || cap > PollFds.MAX_CAPACITY) {
            expectIae(() -> new PollFds(cap));
        }
        // EpollEvents: capacity 1..MAX_CAPACITY; index of an event
        if (cap >= 1 && cap <= 4096) {
            try (EpollEvents ev = new EpollEvents(cap)) {
                boolean valid = index >= 0 && index < cap;
                try {
                    ev.events(index);
                    assertTrue(valid, "events(" + index + ") of " + cap);
                } catch (IndexOutOfBoundsException e) {
                    assertTrue(!valid, e.toString());
                }
            }
        } else if (cap < 1 || cap > EpollEvents.MAX_CAPACITY) {
            expectIae(() -> new EpollEvents(cap));
        }
    }

    private static void expectIae(Runnable r) {
        try {
            r.run();
            fail("no IllegalArgumentException");
        } catch (IllegalArgumentException expected) {
            // the documented answer
        }
    }

    record Flags(int flags, long initval) {
    }

    @Test
    void flagArguments() {
        Fuzz.check(Fuzz.ints().zip(Fuzz.longs(), Flags::new), this::flagArguments);
    }

    void flagArguments(Flags c) throws Exception {
        int flags = c.flags();
        long initval = c.initval();
        CASES.incrementAndGet();
        try {
            Epoll.create(flags).close();
            assertTrue(flags == 0 || flags == Epoll.EPOLL_CLOEXEC, "epoll_create1 flags 0x" + Integer.toHexString(flags));
        } catch (ErrnoException e) { // the kernel judges the flags
            assertTrue(flags != 0 && flags != Epoll.EPOLL_CLOEXEC, e.toString());
            expectErrno(e, "epoll_create1", Set.of("EINVAL"));
        }
        int efdFlags = flags & ~EventFd.EFD_NONBLOCK; // keep blocking reads out of reach
        boolean representable = initval >= 0 && initval <= 0xFFFF_FFFFL;
        boolean kernelAccepts = (efdFlags & ~(EventFd.EFD_CLOEXEC | EventFd.EFD_SEMAPHORE)) == 0;
        try {
            CALLS.incrementAndGet();
            Fd.close(EventFd.eventfd(initval, efdFlags | EventFd.EFD_NONBLOCK));
            assertTrue(representable && kernelAccepts, "eventfd(" + initval + ", 0x" + Integer.toHexString(efdFlags) + ")");
        } catch (IllegalArgumentException e) {
            assertTrue(!representable, e.toString());
        } catch (ErrnoException e) {
            assertTrue(representable && !kernelAccepts, e.toString());
            expectErrno(e, "eventfd", Set.of("EINVAL"));
        }
        try {
            CALLS.incrementAndGet();
            int[] p = Fd.pipe2(flags);
            Fd.close(p[0]);
            Fd.close(p[1]);
        } catch (ErrnoException e) {
            expectErrno(e, "pipe2", Set.of("EINVAL", "ENOPKG")); // ENOPKG: O_NOTIFICATION_PIPE without CONFIG_WATCH_QUEUE
        }
    }

    record TimerArgs(int flags, long valueSec, long valueNsec, long intervalSec, long intervalNsec) {
    }

    /**
     * timerfd_settime with random fields and flags on a non-blocking CLOCK_MONOTONIC timer.
     * Oracle (timerfd_create(2)): unknown flag bits, a negative tv_sec or a tv_nsec outside
     * 0..999,999,999 is EINVAL; anything else succeeds, and gettime gives back the interval
     * (where it fits the kernel's 64-bit nanoseconds).
     */
    @Test
    void timerfdSettime() {
        Gen<Integer> i = Fuzz.ints();
        Gen<Long> l = Fuzz.longs();
        Gen<TimerArgs> args = in -> new TimerArgs(i.generate(in), l.generate(in), l.generate(in), l.generate(in),
                l.generate(in));
        Fuzz.check(args, this::timerfdSettime);
    }

    void timerfdSettime(TimerArgs c) throws Exception {
        CASES.incrementAndGet();
        int known = TimerFd.TFD_TIMER_ABSTIME | TimerFd.TFD_TIMER_CANCEL_ON_SET;
        boolean valid = (c.flags() & ~known) == 0 && c.valueSec() >= 0 && c.intervalSec() >= 0
                && c.valueNsec() >= 0 && c.valueNsec() < 1_000_000_000L
                && c.intervalNsec() >= 0 && c.intervalNsec() < 1_000_000_000L;
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK | TimerFd.TFD_CLOEXEC);
             ItimerSpec old = new ItimerSpec(); ItimerSpec cur = new ItimerSpec()) {
            CALLS.incrementAndGet();
            try {
                t.settime(c.flags(), c.valueSec(), c.valueNsec(), c.intervalSec(), c.intervalNsec(), old);
                assertTrue(valid, "the kernel accepted " + c);
            } catch (ErrnoException e) {
                assertTrue(!valid, e.getMessage());
                expectErrno(e, "timerfd_settime", Set.of("EINVAL"));
                return;
            }
            assertEquals(0, old.valueNanos() + old.intervalNanos(), "a new timer was disarmed");
            CALLS.incrementAndGet();
            t.gettime(cur);
            boolean armed = c.valueSec() != 0 || c.valueNsec() != 0;
            if (armed && c.intervalSec() < 9_000_000_000L) { // below KTIME_MAX: kept exactly
                assertEquals(c.intervalSec(), cur.intervalSec(), c.toString());
                assertEquals(c.intervalNsec(), cur.intervalNsec(), c.toString());
            }
            if (!armed) {
                assertEquals(0, cur.valueNanos(), "a zero value disarms");
            }
            CALLS.incrementAndGet();
            assertTrue(t.read() >= 0);
        }
    }

    /** Random signal numbers: glibc's answer is EINVAL outside 1..64 and for its own 32, 33. */
    @Test
    void signalNumbers() {
        Fuzz.check(Fuzz.ints(), this::signalNumbers);
    }

    void signalNumbers(Integer sig) throws Exception {
        CASES.incrementAndGet();
        boolean inRange = sig >= 1 && sig < 65;
        boolean usable = inRange && sig != 32 && sig != 33;
        try (SigSet set = new SigSet()) {
            try {
                set.add(sig);
                assertTrue(usable, "sigaddset accepted " + sig);
                assertTrue(set.contains(sig));
            } catch (ErrnoException e) {
                assertTrue(!usable, e.getMessage());
                expectErrno(e, "sigaddset", Set.of("EINVAL"));
            }
            try {
                assertEquals(false, set.remove(sig).contains(sig));
                assertTrue(usable, "sigdelset accepted " + sig);
            } catch (ErrnoException e) {
                assertTrue(!usable || e.syscall().equals("sigismember"), e.getMessage());
                expectErrno(e, e.syscall(), Set.of("EINVAL"));
            }
        }
        CALLS.incrementAndGet();
        try {
            int kind = SignalFd.sigaction(sig);
            assertTrue(usable, "sigaction accepted " + sig);
            assertTrue(Set.of(SignalFd.SIG_DFL, SignalFd.SIG_IGN, SignalFd.HANDLER, SignalFd.SIGINFO_HANDLER)
                    .contains(kind), "kind " + kind);
        } catch (ErrnoException e) {
            assertTrue(!usable, e.getMessage());
            expectErrno(e, "sigaction", Set.of("EINVAL"));
        }
    }
}
