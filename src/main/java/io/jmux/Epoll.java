package io.jmux;

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
 * exactly once: on the first {@link #close()}, or by a {@link java.lang.ref.Cleaner} if
 * it is dropped unclosed. {@link #viewOf(int)} wraps an fd someone else owns and never
 * closes it.
 *
 * <p>All methods are thread-safe, as the syscalls are: one thread may wait while others
 * {@code ctl}. A concurrent {@link #close()} never lets a call reach a reused fd number:
 * the fd is closed when the last call in flight has left. A thread blocked in
 * {@link #wait} when the Epoll (or view) is closed is woken and returns 0; every later
 * call throws {@link IllegalStateException}. The wake-up is a signal to the waiting
 * thread (the one the JDK sends to threads blocked in NIO), not an event: another
 * holder of the same epoll instance (a {@code dup}, an outer epoll watching this fd, a
 * child after {@code fork}) sees nothing of it, and close needs no free fd.
 *
 * <p><b>Virtual threads:</b> a blocking wait is a native call, so it pins the carrier
 * thread for its duration.
 *
 * <p><b>{@code wait} and {@code Object.wait}:</b> {@code ep.wait(100, 0)} compiles to
 * {@link Object#wait(long, int)} and throws {@link IllegalMonitorStateException}. The
 * {@link #epollWait} methods are the same calls under a name that cannot clash.
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

    private static final int EINTR = Errno.EINTR;

    private final Owner owner;

    private Epoll(int epfd, boolean owned) {
        this.owner = Owner.of(epfd, owned);
    }

    /**
     * {@code epoll_create1(EPOLL_CLOEXEC)}: a new epoll instance that owns its fd.
     *
     * @return a new Epoll that owns its fd
     * @throws ErrnoException {@code EMFILE}, {@code ENFILE}, {@code ENOMEM}
     */
    public static Epoll create() throws ErrnoException {
        return create(EPOLL_CLOEXEC);
    }

    /**
     * {@code epoll_create1(flags)}.
     *
     * @param flags 0 or {@link #EPOLL_CLOEXEC}; other bits reach the kernel, which
     *     answers {@code EINVAL}
     * @return a new Epoll that owns its fd
     * @throws ErrnoException {@code EINVAL}, {@code EMFILE}, {@code ENFILE}, {@code ENOMEM}
     */
    public static Epoll create(int flags) throws ErrnoException {
        int fd = EpollSys.create1(flags);
        if (fd < 0) {
            throw Sys.error(fd, "epoll_create1", CREATE_FLAGS.flags(flags));
        }
        return new Epoll(fd, true);
    }

    private static final CNames CREATE_FLAGS = CNames.of("EPOLL_CLOEXEC");

    /**
     * Wraps a duplicate of an existing epoll fd ({@code fcntl(epfd, F_DUPFD_CLOEXEC, 0)}).
     * The duplicate refers to the same epoll instance; this object owns and closes the
     * duplicate, and the caller keeps owning {@code epfd}.
     *
     * @param epfd an epoll fd
     * @return a new Epoll owning the duplicate
     * @throws ErrnoException {@code EBADF}, {@code EMFILE}
     */
    public static Epoll dupOf(int epfd) throws ErrnoException {
        Check.fd(epfd);
        int dup = FdSys.fcntl(epfd, FdSys.F_DUPFD_CLOEXEC, 0);
        if (dup < 0) {
            throw Sys.error(dup, "fcntl", epfd + ", F_DUPFD_CLOEXEC, 0");
        }
        return new Epoll(dup, true);
    }

    /**
     * A non-owning view of an epoll fd someone else closes: {@link #close()} stops this
     * object from being used and wakes the threads waiting through it, but never closes
     * {@code epfd}. The caller must keep {@code epfd} open until the view is closed and
     * no call on it is in flight.
     *
     * @param epfd an epoll fd, owned by the caller
     * @return the view
     */
    public static Epoll viewOf(int epfd) {
        Check.fd(epfd);
        return new Epoll(epfd, false);
    }

    /**
     * The epoll fd.
     *
     * @return the fd number
     * @throws IllegalStateException if closed
     */
    public int fd() {
        owner.checkOpen("Epoll");
        return owner.fd;
    }

    /**
     * Whether this object closes its fd.
     *
     * @return true if made by {@link #create} or {@link #dupOf}, false for a view
     */
    public boolean ownsFd() {
        return owner.ownsFd;
    }

    /**
     * Whether this Epoll can still be used.
     *
     * @return false once {@link #close()} has been called
     */
    public boolean isOpen() {
        return owner.isOpen();
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, &(struct epoll_event){events, .data.u64 = data})}.
     *
     * @param op {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL};
     *     other values reach the kernel, which answers {@code EINVAL}
     * @param fd the fd to watch
     * @param events {@code EPOLL*} bits (ignored for DEL); bits the headers do not name
     *     go to the kernel as they are, which ignores them
     * @param data the 64-bit word returned with each event, all 64 bits kept
     * @throws ErrnoException {@code EEXIST} (ADD of a registered fd), {@code ENOENT} (MOD
     *     or DEL of an unregistered fd), {@code EPERM} (fd does not support epoll, e.g. a
     *     regular file), {@code EINVAL} (fd is this epoll fd, or EPOLLEXCLUSIVE misuse),
     *     {@code EBADF}, {@code ELOOP}, {@code ENOMEM}, {@code ENOSPC}
     * @throws IllegalArgumentException if fd is negative
     * @throws IllegalStateException if this Epoll is closed
     */
    public void ctl(int op, int fd, int events, long data) throws ErrnoException {
        Check.fd(fd);
        owner.checkOpen("Epoll");
        int r = Sys.owned(EpollSys.ctl(owner, op, fd, events, data), "Epoll");
        if (r < 0) {
            throw Sys.error(r, "epoll_ctl", opName(op) + ", fd=" + fd);
        }
    }

    /**
     * {@code ctl(EPOLL_CTL_ADD, fd, events, fd)}: the data word is the fd.
     *
     * @param fd the fd to watch
     * @param events {@code EPOLL*} bits
     * @throws ErrnoException as {@link #ctl}
     */
    public void add(int fd, int events) throws ErrnoException {
        ctl(EPOLL_CTL_ADD, fd, events, fd);
    }

    /**
     * {@code ctl(EPOLL_CTL_ADD, fd, events, data)}.
     *
     * @param fd the fd to watch
     * @param events {@code EPOLL*} bits
     * @param data the word returned with each event
     * @throws ErrnoException as {@link #ctl}
     */
    public void add(int fd, int events, long data) throws ErrnoException {
        ctl(EPOLL_CTL_ADD, fd, events, data);
    }

    /**
     * {@code ctl(EPOLL_CTL_MOD, fd, events, fd)}: also re-arms an {@link #EPOLLONESHOT} fd.
     *
     * @param fd a watched fd
     * @param events the new {@code EPOLL*} bits
     * @throws ErrnoException as {@link #ctl}
     */
    public void modify(int fd, int events) throws ErrnoException {
        ctl(EPOLL_CTL_MOD, fd, events, fd);
    }

    /**
     * {@code ctl(EPOLL_CTL_MOD, fd, events, data)}.
     *
     * @param fd a watched fd
     * @param events the new {@code EPOLL*} bits
     * @param data the new data word
     * @throws ErrnoException as {@link #ctl}
     */
    public void modify(int fd, int events, long data) throws ErrnoException {
        ctl(EPOLL_CTL_MOD, fd, events, data);
    }

    /**
     * {@code ctl(EPOLL_CTL_DEL, fd, 0, 0)}.
     *
     * @param fd a watched fd
     * @throws ErrnoException as {@link #ctl}
     */
    public void delete(int fd) throws ErrnoException {
        ctl(EPOLL_CTL_DEL, fd, 0, 0);
    }

    /**
     * {@code epoll_wait(epfd, events, events.capacity(), timeoutMillis)}.
     *
     * @param events the array the kernel fills
     * @param timeoutMillis 0 returns at once; any negative value waits until an event
     * @return the number of events filled in
     * @throws ErrnoException as {@link #wait(EpollEvents, int, int)}
     */
    public int wait(EpollEvents events, int timeoutMillis) throws ErrnoException {
        return wait(events, events.capacity(), timeoutMillis);
    }

    /**
     * {@code epoll_wait(epfd, events, maxEvents, timeoutMillis)}: waits for ready fds and
     * fills {@code events[0 .. n-1]}. Ready fds beyond {@code maxEvents} stay queued and
     * come back from the next wait. A signal ({@code EINTR}) restarts the wait with the
     * remaining timeout. Allocates nothing. Pins a virtual thread's carrier while it
     * blocks.
     *
     * @param events the array the kernel fills
     * @param maxEvents 1 .. {@code events.capacity()}; values the kernel refuses
     *     ({@code <= 0}: {@code EINVAL}) go through, values past the capacity are refused
     *     here because the kernel would write past the array
     * @param timeoutMillis 0 returns at once; any negative value waits until an event,
     *     as the kernel treats it
     * @return the number of events filled in; 0 on timeout, or if this Epoll was closed
     *     during the wait
     * @throws ErrnoException {@code EBADF}, {@code EINVAL} (maxEvents {@code <= 0}, or the
     *     fd is not an epoll fd)
     * @throws IllegalArgumentException if maxEvents is past the capacity
     * @throws IllegalStateException if this Epoll or events is closed
     */
    public int wait(EpollEvents events, int maxEvents, int timeoutMillis) throws ErrnoException {
        ByteBuffer keepAlive = events.buffer(); // pins the memory the kernel writes
        checkMaxEvents(events, maxEvents);
        owner.checkOpen("Epoll");
        long start = timeoutMillis > 0 ? System.nanoTime() : 0;
        int timeout = timeoutMillis;
        int n;
        while (true) {
            n = EpollSys.wait(owner, events, maxEvents, timeout);
            if (n != -EINTR || !owner.isOpen()) {
                break;
            }
            timeout = Timeouts.remainingMillis(timeoutMillis, start); // restart after a signal
        }
        Reference.reachabilityFence(keepAlive);
        if (n == Owner.ECLOSED || (n == -EINTR && !owner.isOpen())) {
            return 0; // closed before or during the wait
        }
        if (n < 0) {
            throw Sys.error(n, "epoll_wait", "epfd=" + owner.fd + ", maxevents=" + maxEvents
                    + ", timeout=" + timeoutMillis);
        }
        return n;
    }

    /**
     * {@code epoll_wait(epfd, events, events.capacity(), timeoutMillis)}: the same as
     * {@link #wait(EpollEvents, int)}, under a name that cannot be confused with
     * {@link Object#wait(long, int)}.
     *
     * @param events the array the kernel fills
     * @param timeoutMillis 0 returns at once; any negative value waits until an event
     * @return the number of events filled in
     * @throws ErrnoException as {@link #wait(EpollEvents, int, int)}
     */
    public int epollWait(EpollEvents events, int timeoutMillis) throws ErrnoException {
        return wait(events, events.capacity(), timeoutMillis);
    }

    /**
     * {@code epoll_wait(epfd, events, maxEvents, timeoutMillis)}: the same as
     * {@link #wait(EpollEvents, int, int)}.
     *
     * @param events the array the kernel fills
     * @param maxEvents 1 .. {@code events.capacity()}
     * @param timeoutMillis 0 returns at once; any negative value waits until an event
     * @return the number of events filled in
     * @throws ErrnoException as {@link #wait(EpollEvents, int, int)}
     */
    public int epollWait(EpollEvents events, int maxEvents, int timeoutMillis) throws ErrnoException {
        return wait(events, maxEvents, timeoutMillis);
    }

    /**
     * {@code epoll_pwait2(epfd, events, events.capacity(), &timeout, NULL)}.
     *
     * @param events the array the kernel fills
     * @param timeoutNanos 0 returns at once; any negative value waits until an event
     * @return the number of events filled in
     * @throws ErrnoException as {@link #pwait2(EpollEvents, int, long)}
     */
    public int pwait2(EpollEvents events, long timeoutNanos) throws ErrnoException {
        return pwait2(events, events.capacity(), timeoutNanos);
    }

    /**
     * {@code epoll_pwait2(epfd, events, maxEvents, &timeout, NULL)} (Linux 5.11): as
     * {@link #wait(EpollEvents, int, int)} with a nanosecond timeout.
     *
     * <p>Where the kernel lacks {@code epoll_pwait2} ({@code ENOSYS}, or {@code EPERM}
     * from a seccomp filter, probed once and rechecked on each answer; see
     * {@link #hasPwait2()}), this falls back to {@code epoll_wait} with the timeout
     * rounded <em>up</em> to whole milliseconds, so a positive timeout never becomes a
     * non-blocking poll.
     *
     * @param events the array the kernel fills
     * @param maxEvents 1 .. {@code events.capacity()}
     * @param timeoutNanos 0 returns at once; any negative value waits until an event
     *     (a NULL timeout)
     * @return the number of events filled in; 0 on timeout or if closed during the wait
     * @throws ErrnoException {@code EBADF}, {@code EINVAL}
     * @throws IllegalArgumentException if maxEvents is past the capacity
     * @throws IllegalStateException if this Epoll or events is closed
     */
    public int pwait2(EpollEvents events, int maxEvents, long timeoutNanos) throws ErrnoException {
        ByteBuffer keepAlive = events.buffer();
        checkMaxEvents(events, maxEvents);
        owner.checkOpen("Epoll");
        long start = timeoutNanos > 0 ? System.nanoTime() : 0;
        long remaining = timeoutNanos;
        int n;
        while (true) {
            n = pwait2Once(events, maxEvents, remaining);
            if (n == Owner.ECLOSED || !owner.isOpen()) {
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
        Reference.reachabilityFence(keepAlive);
        if (n < 0) {
            throw Sys.error(n, Pwait2.available ? "epoll_pwait2" : "epoll_wait", "epfd=" + owner.fd
                    + ", maxevents=" + maxEvents + ", timeout=" + timeoutNanos + "ns");
        }
        return n;
    }

    private int pwait2Once(EpollEvents events, int maxEvents, long timeoutNanos) {
        if (Pwait2.available()) {
            int n = EpollSys.pwait2(owner, events, maxEvents, timeoutNanos);
            if (!Pwait2.missing(n)) {
                return n;
            }
            Pwait2.available = false; // a seccomp policy changed under us: fall back for good
        }
        int millis = timeoutNanos < 0 ? -1 : Timeouts.nanosToMillisCeil(timeoutNanos);
        return EpollSys.wait(owner, events, maxEvents, millis);
    }

    /**
     * True if this kernel has {@code epoll_pwait2} (Linux 5.11+) and it is not disabled:
     * probed once, with an invalid fd, on first use. The system property
     * {@code jmux.epoll_pwait2=false} forces the {@code epoll_wait} fallback.
     *
     * @return whether {@link #pwait2} calls {@code epoll_pwait2}
     */
    public static boolean hasPwait2() {
        return Pwait2.available();
    }

    /**
     * Marks this Epoll closed, wakes every thread blocked in {@link #wait} or
     * {@link #pwait2} on it, and closes an owned fd once no call is in flight (at once
     * if none is). Later calls throw {@link IllegalStateException}. Idempotent and
     * thread-safe: the fd is closed exactly once. Needs no free fd. A view
     * ({@link #viewOf}) wakes its waiters but never closes its fd.
     */
    @Override
    public void close() {
        owner.close();
    }

    @Override
    public String toString() {
        return "Epoll[fd=" + owner.fd + (isOpen() ? "" : ", closed") + (owner.ownsFd ? "]" : ", view]");
    }

    /**
     * Names the set bits, e.g. {@code "EPOLLIN|EPOLLET"}; unknown bits as hex.
     *
     * @param events an {@code EPOLL*} bit set
     * @return the C spelling
     */
    public static String eventNames(int events) {
        return EpollSys.EVENT_NAMES.flags(events);
    }

    /** maxEvents past the capacity would let the kernel write past the array. */
    private static void checkMaxEvents(EpollEvents events, int maxEvents) {
        if (maxEvents > events.capacity()) {
            throw new IllegalArgumentException("maxEvents " + maxEvents + " exceeds the EpollEvents"
                    + " capacity " + events.capacity() + ": the kernel would write past the array");
        }
    }

    /** {@code "EPOLL_CTL_ADD"} etc., or {@code "op=N"}. */
    static String opName(int op) {
        String name = EpollSys.OP_NAMES.value(op);
        return name.startsWith("EPOLL_CTL_") ? name : "op=" + op;
    }

    /**
     * Lazily probed: does this kernel (and its seccomp policy) allow epoll_pwait2? Not a
     * holder class: a probe that failed because the library could not load yet must be
     * retried, and the JVM never re-runs a failed static initialiser.
     */
    private static final class Pwait2 {
        static volatile boolean available;
        private static volatile boolean probed;

        /** ENOSYS: an old kernel; EPERM: a seccomp filter that refuses the syscall. */
        static boolean missing(int r) {
            return r == -Errno.ENOSYS || r == -Errno.EPERM;
        }

        static boolean available() {
            if (!probed) {
                probe();
            }
            return available;
        }

        private static synchronized void probe() {
            if (probed) {
                return;
            }
            if ("false".equalsIgnoreCase(System.getProperty("jmux.epoll_pwait2"))) {
                available = false;
            } else {
                try (EpollEvents scratch = new EpollEvents(1)) {
                    available = !missing(EpollSys.probePwait2(scratch));
                }
            }
            probed = true;
        }
    }
}
