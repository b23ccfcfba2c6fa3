package io.jmux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * An epoll instance ({@code epoll(7)}): {@code epoll_create1}, {@code epoll_ctl},
 * {@code epoll_wait} and {@code epoll_pwait2}, level-triggered by default and
 * edge-triggered with {@link #EPOLLET}.
 *
 * <pre>{@code
 * try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(64)) {
 *     ep.add(fd, Epoll.EPOLLIN | Epoll.EPOLLET);        // data word = fd
 *     int n = ep.wait(ev, -1);
 *     for (int i = 0; i < n; i++) handle(ev.fd(i), ev.events(i));
 * }
 * }</pre>
 *
 * <h2>Ownership and closing</h2>
 * An Epoll made by {@link #create()} or {@link #dupOf(int)} owns its fd and closes it
 * exactly once: on the first {@link #close()}, or by a {@link Cleaner} if it is dropped
 * unclosed. {@link #viewOf(int)} wraps an fd someone else owns and never closes it.
 *
 * <p>All methods are thread-safe, as the syscalls are: one thread may wait while others
 * {@code ctl}. Calls in flight hold the fd open, so a concurrent {@link #close()} never
 * lets a call reach a reused fd number: the fd is closed when the last call returns.
 * A thread blocked in {@link #wait} when an owning Epoll is closed is woken and returns
 * 0; every later call throws {@link IllegalStateException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/epoll.7.html">epoll(7)</a>
 */
public final class Epoll implements AutoCloseable {
    /** {@link #create(int)} flag: set close-on-exec on the new fd. */
    public static final int EPOLL_CLOEXEC = Native.constant("EPOLL_CLOEXEC");
    /** {@link #ctl} op: register an fd. */
    public static final int EPOLL_CTL_ADD = Native.constant("EPOLL_CTL_ADD");
    /** {@link #ctl} op: change an fd's events and data. */
    public static final int EPOLL_CTL_MOD = Native.constant("EPOLL_CTL_MOD");
    /** {@link #ctl} op: deregister an fd. */
    public static final int EPOLL_CTL_DEL = Native.constant("EPOLL_CTL_DEL");

    /** The fd is readable. */
    public static final int EPOLLIN = Native.constant("EPOLLIN");
    /** Exceptional condition (TCP urgent data, ...). */
    public static final int EPOLLPRI = Native.constant("EPOLLPRI");
    /** The fd is writable. */
    public static final int EPOLLOUT = Native.constant("EPOLLOUT");
    /** Error condition; always reported, need not be requested. */
    public static final int EPOLLERR = Native.constant("EPOLLERR");
    /** Hang up; always reported, need not be requested. Data may still be readable. */
    public static final int EPOLLHUP = Native.constant("EPOLLHUP");
    /** Same as {@link #EPOLLIN} for sockets and pipes. */
    public static final int EPOLLRDNORM = Native.constant("EPOLLRDNORM");
    /** Priority band data can be read. */
    public static final int EPOLLRDBAND = Native.constant("EPOLLRDBAND");
    /** Same as {@link #EPOLLOUT}. */
    public static final int EPOLLWRNORM = Native.constant("EPOLLWRNORM");
    /** Priority data may be written. */
    public static final int EPOLLWRBAND = Native.constant("EPOLLWRBAND");
    /** Unused by Linux. */
    public static final int EPOLLMSG = Native.constant("EPOLLMSG");
    /** Stream socket peer closed its end or shut down writing (Linux 2.6.17). */
    public static final int EPOLLRDHUP = Native.constant("EPOLLRDHUP");
    /**
     * Add only: wake one of several epoll instances waiting on the same fd, not all
     * (Linux 4.5). Not allowed with {@link #EPOLL_CTL_MOD} ({@code EINVAL}).
     */
    public static final int EPOLLEXCLUSIVE = Native.constant("EPOLLEXCLUSIVE");
    /** Hold a wakeup source while the event is pending (needs {@code CAP_BLOCK_SUSPEND}; silently ignored without it). */
    public static final int EPOLLWAKEUP = Native.constant("EPOLLWAKEUP");
    /** Report the fd once, then disable it until {@link #EPOLL_CTL_MOD} re-arms it. */
    public static final int EPOLLONESHOT = Native.constant("EPOLLONESHOT");
    /** Edge-triggered: report a change of state once, not the state on every wait. */
    public static final int EPOLLET = Native.constant("EPOLLET");

    /** Every EPOLL* event and input flag the headers define: other bits are rejected. */
    static final int ALL_EVENTS = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP
            | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP
            | EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET;

    private static final int EINTR = Errno.EINTR;
    private static final int ENOSYS = Errno.ENOSYS;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Epoll.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int epfd;
    /** Closes an owned fd exactly once (explicitly or when unreachable); null for a view. */
    private final Cleaner.Cleanable closer;
    /** Bit 0: closed. Bits 1..31: calls in flight. The fd is closed when both say done. */
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** The eventfd close() registers to wake blocked waiters; -1 if none. */
    private int wakeFd = -1;

    private Epoll(int epfd, boolean owned) {
        this.epfd = epfd;
        this.closer = owned ? CLEANER.register(this, new CloseFd(epfd)) : null;
    }

    /** {@code epoll_create1(EPOLL_CLOEXEC)}: a new epoll instance that owns its fd. */
    public static Epoll create() throws ErrnoException {
        return create(EPOLL_CLOEXEC);
    }

    /**
     * {@code epoll_create1(flags)}.
     *
     * @param flags 0 or {@link #EPOLL_CLOEXEC}
     * @throws ErrnoException {@code EMFILE}, {@code ENFILE}, {@code ENOMEM}
     * @throws IllegalArgumentException for any other flag bit
     */
    public static Epoll create(int flags) throws ErrnoException {
        if ((flags & ~EPOLL_CLOEXEC) != 0) {
            throw new IllegalArgumentException("epoll_create1 accepts only EPOLL_CLOEXEC, got 0x"
                    + Integer.toHexString(flags));
        }
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int fd = epollCreate1(flags);
        if (Trace.ON) {
            Trace.epollCreate1(flags, fd, t0);
        }
        if (fd < 0) {
            throw new ErrnoException("epoll_create1", flags == 0 ? "0" : "EPOLL_CLOEXEC", -fd);
        }
        return new Epoll(fd, true);
    }

    /**
     * Wraps a duplicate of an existing epoll fd ({@code fcntl(epfd, F_DUPFD_CLOEXEC, 0)}).
     * The duplicate refers to the same epoll instance; this object owns and closes the
     * duplicate, and the caller keeps owning {@code epfd}.
     */
    public static Epoll dupOf(int epfd) throws ErrnoException {
        Fd.checkFd(epfd);
        return new Epoll(Fd.dupCloexec(epfd), true);
    }

    /**
     * A non-owning view of an epoll fd someone else closes: {@link #close()} only stops
     * this object from being used, and never closes {@code epfd}. The caller must keep
     * {@code epfd} open until the view is closed and no call on it is in flight.
     */
    public static Epoll viewOf(int epfd) {
        Fd.checkFd(epfd);
        return new Epoll(epfd, false);
    }

    /** The epoll fd. @throws IllegalStateException if closed */
    public int fd() {
        if (!isOpen()) {
            throw closed();
        }
        return epfd;
    }

    /** True if this object closes its fd (made by {@link #create} or {@link #dupOf}). */
    public boolean ownsFd() {
        return closer != null;
    }

    /** False once {@link #close()} has been called. */
    public boolean isOpen() {
        return ((int) STATE.getVolatile(this) & 1) == 0;
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, &(struct epoll_event){events, .data.u64 = data})}.
     *
     * @param op {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL};
     *     other values reach the kernel, which answers {@code EINVAL}
     * @param fd the fd to watch
     * @param events {@code EPOLL*} bits (ignored for DEL)
     * @param data the 64-bit word returned with each event, all 64 bits kept
     * @throws ErrnoException {@code EEXIST} (ADD of a registered fd), {@code ENOENT} (MOD
     *     or DEL of an unregistered fd), {@code EPERM} (fd does not support epoll, e.g. a
     *     regular file), {@code EINVAL} (fd is this epoll fd, or EPOLLEXCLUSIVE misuse),
     *     {@code EBADF}, {@code ELOOP}, {@code ENOMEM}, {@code ENOSPC}
     * @throws IllegalArgumentException if fd is negative or events has unknown bits
     * @throws IllegalStateException if this Epoll is closed
     */
    public void ctl(int op, int fd, int events, long data) throws ErrnoException {
        Fd.checkFd(fd);
        checkEvents(events);
        int r;
        int ep = acquire();
        try {
            long t0 = Trace.ON ? System.nanoTime() : 0;
            r = epollCtl(ep, op, fd, events, data);
            if (Trace.ON) {
                Trace.epollCtl(ep, op, fd, events, data, r, t0);
            }
        } finally {
            release();
        }
        if (r < 0) {
            throw new ErrnoException("epoll_ctl", opName(op) + ", fd=" + fd, -r);
        }
    }

    /** {@code ctl(EPOLL_CTL_ADD, fd, events, fd)}: the data word is the fd. */
    public void add(int fd, int events) throws ErrnoException {
        ctl(EPOLL_CTL_ADD, fd, events, fd);
    }

    /** {@code ctl(EPOLL_CTL_ADD, fd, events, data)}. */
    public void add(int fd, int events, long data) throws ErrnoException {
        ctl(EPOLL_CTL_ADD, fd, events, data);
    }

    /** {@code ctl(EPOLL_CTL_MOD, fd, events, fd)}: also re-arms an {@link #EPOLLONESHOT} fd. */
    public void modify(int fd, int events) throws ErrnoException {
        ctl(EPOLL_CTL_MOD, fd, events, fd);
    }

    /** {@code ctl(EPOLL_CTL_MOD, fd, events, data)}. */
    public void modify(int fd, int events, long data) throws ErrnoException {
        ctl(EPOLL_CTL_MOD, fd, events, data);
    }

    /** {@code ctl(EPOLL_CTL_DEL, fd, 0, 0)}. */
    public void delete(int fd) throws ErrnoException {
        ctl(EPOLL_CTL_DEL, fd, 0, 0);
    }

    /** {@code epoll_wait(epfd, events, events.capacity(), timeoutMillis)}. */
    public int wait(EpollEvents events, int timeoutMillis) throws ErrnoException {
        return wait(events, events.capacity(), timeoutMillis);
    }

    /**
     * {@code epoll_wait(epfd, events, maxEvents, timeoutMillis)}: waits for ready fds and
     * fills {@code events[0 .. n-1]}. Ready fds beyond {@code maxEvents} stay queued and
     * come back from the next wait. A signal ({@code EINTR}) restarts the wait with the
     * remaining timeout. Allocates nothing.
     *
     * @param maxEvents 1 .. {@code events.capacity()}
     * @param timeoutMillis 0 returns at once, -1 waits until an event
     * @return the number of events filled in; 0 on timeout, or if this Epoll was closed
     *     during the wait
     * @throws ErrnoException {@code EBADF}, {@code EINVAL} (the fd is not an epoll fd)
     * @throws IllegalArgumentException if maxEvents or timeoutMillis is out of range
     * @throws IllegalStateException if this Epoll or events is closed
     */
    public int wait(EpollEvents events, int maxEvents, int timeoutMillis) throws ErrnoException {
        ByteBuffer keepAlive = events.buffer(); // pins the memory the kernel writes
        checkMaxEvents(events, maxEvents);
        if (timeoutMillis < -1) {
            throw new IllegalArgumentException("timeoutMillis must be >= -1 (-1 waits for ever), got "
                    + timeoutMillis);
        }
        int n;
        int ep = acquire();
        try {
            long start = timeoutMillis > 0 ? System.nanoTime() : 0;
            int timeout = timeoutMillis;
            while (true) {
                long t0 = Trace.ON ? System.nanoTime() : 0;
                n = epollWait(ep, events.address, maxEvents, timeout);
                if (Trace.ON) {
                    Trace.epollWait(ep, events, maxEvents, timeout, n, t0);
                }
                if (n != -EINTR || !isOpen()) {
                    break;
                }
                timeout = Timeouts.remainingMillis(timeoutMillis, start); // restart after a signal
            }
            if (!isOpen()) {
                n = 0; // woken by close(): drop whatever came back, incl. the wake-up event
            }
        } finally {
            release();
            Reference.reachabilityFence(keepAlive);
        }
        if (n < 0) {
            throw new ErrnoException("epoll_wait", "epfd=" + ep + ", maxevents=" + maxEvents
                    + ", timeout=" + timeoutMillis, -n);
        }
        return n;
    }

    /** {@code epoll_pwait2(epfd, events, events.capacity(), &timeout, NULL)}. */
    public int pwait2(EpollEvents events, long timeoutNanos) throws ErrnoException {
        return pwait2(events, events.capacity(), timeoutNanos);
    }

    /**
     * {@code epoll_pwait2(epfd, events, maxEvents, &timeout, NULL)} (Linux 5.11): as
     * {@link #wait(EpollEvents, int, int)} with a nanosecond timeout.
     *
     * <p>Where the kernel lacks {@code epoll_pwait2} (probed once: {@code ENOSYS}, or
     * {@code EPERM} from a seccomp filter; see {@link #hasPwait2()}), this falls back to
     * {@code epoll_wait} with the timeout rounded <em>up</em> to whole milliseconds, so
     * a positive timeout never becomes a non-blocking poll.
     *
     * @param timeoutNanos 0 returns at once, -1 waits until an event
     */
    public int pwait2(EpollEvents events, int maxEvents, long timeoutNanos) throws ErrnoException {
        ByteBuffer keepAlive = events.buffer();
        checkMaxEvents(events, maxEvents);
        if (timeoutNanos < -1) {
            throw new IllegalArgumentException("timeoutNanos must be >= -1 (-1 waits for ever), got "
                    + timeoutNanos);
        }
        int n;
        int ep = acquire();
        try {
            long start = timeoutNanos > 0 ? System.nanoTime() : 0;
            long remaining = timeoutNanos;
            while (true) {
                n = pwait2Once(ep, events, maxEvents, remaining);
                if (!isOpen()) {
                    n = 0;
                    break;
                }
                remaining = Timeouts.remainingNanos(timeoutNanos, start);
                // Restart after a signal; and after a fallback epoll_wait whose int
                // milliseconds could not hold the whole timeout.
                boolean cut = n == 0 && remaining > 0 && timeoutNanos > Integer.MAX_VALUE * 1_000_000L;
                if (n != -EINTR && !cut) {
                    break;
                }
            }
        } finally {
            release();
            Reference.reachabilityFence(keepAlive);
        }
        if (n < 0) {
            throw new ErrnoException(Pwait2.available ? "epoll_pwait2" : "epoll_wait",
                    "epfd=" + ep + ", maxevents=" + maxEvents + ", timeout=" + timeoutNanos + "ns", -n);
        }
        return n;
    }

    private static int pwait2Once(int ep, EpollEvents events, int maxEvents, long timeoutNanos) {
        if (Pwait2.available) {
            long t0 = Trace.ON ? System.nanoTime() : 0;
            int n = epollPwait2(ep, events.address, maxEvents, timeoutNanos);
            if (Trace.ON) {
                Trace.epollPwait2(ep, events, maxEvents, timeoutNanos, n, t0);
            }
            if (n != -ENOSYS) {
                return n;
            }
            Pwait2.available = false; // a seccomp policy changed under us: fall back for good
        }
        int millis = timeoutNanos < 0 ? -1 : Timeouts.nanosToMillisCeil(timeoutNanos);
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int n = epollWait(ep, events.address, maxEvents, millis);
        if (Trace.ON) {
            Trace.epollWait(ep, events, maxEvents, millis, n, t0);
        }
        return n;
    }

    /**
     * True if this kernel has {@code epoll_pwait2} (Linux 5.11+) and it is not disabled:
     * probed once, with an invalid fd, on first use. The system property
     * {@code jmux.epoll_pwait2=false} forces the {@code epoll_wait} fallback.
     */
    public static boolean hasPwait2() {
        return Pwait2.available;
    }

    /**
     * Marks this Epoll closed and closes an owned fd — now if no call is in flight,
     * otherwise when the last one returns (a blocked {@link #wait} is woken first). Later
     * calls throw {@link IllegalStateException}. Idempotent and thread-safe: the fd is
     * closed exactly once. A view ({@link #viewOf}) never closes its fd or wakes waiters.
     */
    @Override
    public void close() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & 1) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, (s | 1) + 2)); // close, holding a reference
        if (s != 0 && closer != null) {
            wakeWaiters();
        }
        release();
    }

    @Override
    public String toString() {
        return "Epoll[fd=" + epfd + (isOpen() ? "" : ", closed") + (closer == null ? ", view]" : "]");
    }

    /** Names the set bits, e.g. {@code "EPOLLIN|EPOLLET"}; unknown bits as hex. */
    public static String eventNames(int events) {
        return Flags.names(events, EVENT_NAMES, EVENT_BITS);
    }

    private static final String[] EVENT_NAMES = {"EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR",
        "EPOLLHUP", "EPOLLRDNORM", "EPOLLRDBAND", "EPOLLWRNORM", "EPOLLWRBAND", "EPOLLMSG",
        "EPOLLRDHUP", "EPOLLEXCLUSIVE", "EPOLLWAKEUP", "EPOLLONESHOT", "EPOLLET"};
    private static final int[] EVENT_BITS = {EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP,
        EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP,
        EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET};

    /** {@code "EPOLL_CTL_ADD"} etc., or {@code "op=N"}. */
    static String opName(int op) {
        return op == EPOLL_CTL_ADD ? "EPOLL_CTL_ADD" : op == EPOLL_CTL_MOD ? "EPOLL_CTL_MOD"
                : op == EPOLL_CTL_DEL ? "EPOLL_CTL_DEL" : "op=" + op;
    }

    private int acquire() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & 1) != 0) {
                throw closed();
            }
        } while (!STATE.weakCompareAndSet(this, s, s + 2));
        return epfd;
    }

    private void release() {
        int s = (int) STATE.getAndAdd(this, -2) - 2;
        if (s == 1) { // closed, and this was the last call in flight
            if (closer != null) {
                closer.clean();
            }
            if (wakeFd >= 0) {
                Fd.closeQuietly(wakeFd);
            }
        }
    }

    /**
     * Registers a readable eventfd so every thread blocked in epoll_wait on this instance
     * returns. If that fails (no fds left) the waiters return at their timeout instead.
     */
    private void wakeWaiters() {
        int flags = EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK;
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int efd = EventFd.eventfd0(1, flags);
        if (Trace.ON) {
            Trace.eventfd(1, flags, efd, t0);
        }
        if (efd >= 0) {
            wakeFd = efd;
            t0 = Trace.ON ? System.nanoTime() : 0;
            int r = epollCtl(epfd, EPOLL_CTL_ADD, efd, EPOLLIN, -1L);
            if (Trace.ON) {
                Trace.epollCtl(epfd, EPOLL_CTL_ADD, efd, EPOLLIN, -1L, r, t0);
            }
        }
    }

    private static void checkEvents(int events) {
        if ((events & ~ALL_EVENTS) != 0) {
            throw new IllegalArgumentException("unknown epoll event bits 0x"
                    + Integer.toHexString(events & ~ALL_EVENTS) + " in " + eventNames(events));
        }
    }

    private static void checkMaxEvents(EpollEvents events, int maxEvents) {
        if (maxEvents < 1 || maxEvents > events.capacity()) {
            throw new IllegalArgumentException("maxEvents must be 1.." + events.capacity()
                    + " (the EpollEvents capacity), got " + maxEvents);
        }
    }

    private static IllegalStateException closed() {
        return new IllegalStateException("Epoll is closed");
    }

    /** The Cleaner's action: must not refer to the Epoll, or it would never be unreachable. */
    private static final class CloseFd implements Runnable {
        private final int fd;

        CloseFd(int fd) {
            this.fd = fd;
        }

        @Override
        public void run() {
            Fd.closeQuietly(fd);
        }
    }

    /** Lazily probed: does this kernel (and its seccomp policy) allow epoll_pwait2? */
    private static final class Pwait2 {
        static volatile boolean available = probe();

        private static boolean probe() {
            if ("false".equalsIgnoreCase(System.getProperty("jmux.epoll_pwait2"))) {
                return false;
            }
            try (EpollEvents scratch = new EpollEvents(1)) {
                // fd -1: a kernel that has the syscall answers EBADF without waiting.
                long t0 = Trace.ON ? System.nanoTime() : 0;
                int r = epollPwait2(-1, scratch.address, 1, 0);
                if (Trace.ON) {
                    Trace.epollPwait2(-1, scratch, 1, 0, r, t0);
                }
                Reference.reachabilityFence(scratch);
                return r != -Errno.ENOSYS && r != -Errno.EPERM;
            }
        }
    }

    private static native int epollCreate1(int flags);

    private static native int epollCtl(int epfd, int op, int fd, int events, long data);

    private static native int epollWait(int epfd, long events, int maxevents, int timeoutMillis);

    private static native int epollPwait2(int epfd, long events, int maxevents, long timeoutNanos);
}
