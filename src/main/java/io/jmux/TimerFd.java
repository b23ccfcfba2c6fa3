package io.jmux;

/**
 * A timerfd ({@code timerfd_create(2)}): a kernel timer behind an fd, readable once it
 * has expired, so select, poll and epoll wait for timers and I/O in one call. The read
 * takes the number of expirations since the last read.
 *
 * <pre>{@code
 * try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK | TimerFd.TFD_CLOEXEC);
 *      Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
 *     t.settime(0, 10_000_000L, 10_000_000L);   // every 10 ms, from 10 ms on
 *     ep.add(t.fd(), Epoll.EPOLLIN);
 *     ep.wait(ev, -1);
 *     long ticks = t.read();                    // expirations since the last read; 0 = EAGAIN
 * }
 * }</pre>
 *
 * <h2>ECANCELED</h2>
 * With {@link #TFD_TIMER_CANCEL_ON_SET} on an absolute {@link #CLOCK_REALTIME} timer, a
 * discontinuous change of the clock ({@code clock_settime}, {@code settimeofday}, NTP
 * stepping it) makes the fd readable and the next {@link #read} fail with
 * {@code ECANCELED}; the timer stays armed at its absolute time. Following the package
 * rule for transfers (only would-block is a value), {@link #read} throws that as an
 * {@link ErrnoException} whose {@link ErrnoException#errno()} is {@code ECANCELED}:
 * it comes once per clock change, so an exception there costs nothing that matters,
 * and it cannot be mistaken for a count.
 *
 * <h2>Ownership and closing</h2>
 * A TimerFd owns its fd and closes it exactly once: on the first {@link #close()} or by a
 * {@link java.lang.ref.Cleaner}. A thread blocked in {@link #read} is woken by close and
 * returns 0. All methods are thread-safe, as the syscalls are.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_create.2.html">timerfd_create(2)</a>
 */
public final class TimerFd implements AutoCloseable {
    /** Settable wall-clock time; an absolute timer on it follows clock changes. */
    public static final int CLOCK_REALTIME = Native.constant("CLOCK_REALTIME");
    /** Monotonic time, not counting suspend. */
    public static final int CLOCK_MONOTONIC = Native.constant("CLOCK_MONOTONIC");
    /** Monotonic time, counting time suspended (Linux 3.15). */
    public static final int CLOCK_BOOTTIME = Native.constant("CLOCK_BOOTTIME");
    /** As CLOCK_REALTIME, and wakes a suspended system (needs {@code CAP_WAKE_ALARM}). */
    public static final int CLOCK_REALTIME_ALARM = Native.constant("CLOCK_REALTIME_ALARM");
    /** As CLOCK_BOOTTIME, and wakes a suspended system (needs {@code CAP_WAKE_ALARM}). */
    public static final int CLOCK_BOOTTIME_ALARM = Native.constant("CLOCK_BOOTTIME_ALARM");
    /** {@link #create} flag: close-on-exec. */
    public static final int TFD_CLOEXEC = Native.constant("TFD_CLOEXEC");
    /** {@link #create} flag: {@link #read} of an unexpired timer returns 0 (EAGAIN). */
    public static final int TFD_NONBLOCK = Native.constant("TFD_NONBLOCK");
    /** {@link #settime} flag: the value is an absolute time on the timer's clock. */
    public static final int TFD_TIMER_ABSTIME = Native.constant("TFD_TIMER_ABSTIME");
    /**
     * {@link #settime} flag, with {@link #TFD_TIMER_ABSTIME} on a realtime clock: a
     * discontinuous clock change makes {@link #read} fail with {@code ECANCELED}.
     */
    public static final int TFD_TIMER_CANCEL_ON_SET = Native.constant("TFD_TIMER_CANCEL_ON_SET");

    private static final int EINTR = Errno.EINTR;

    private final Owner owner;

    private TimerFd(int fd) {
        this.owner = Owner.of(fd, true);
    }

    /**
     * {@code timerfd_create(clockid, flags)}: a new, disarmed timer.
     *
     * @param clockid {@link #CLOCK_MONOTONIC}, {@link #CLOCK_REALTIME},
     *     {@link #CLOCK_BOOTTIME}, or an alarm clock; other values reach the kernel
     *     ({@code EINVAL})
     * @param flags {@link #TFD_NONBLOCK}, {@link #TFD_CLOEXEC}; other bits reach the kernel
     *     ({@code EINVAL})
     * @return a new TimerFd that owns its fd
     * @throws ErrnoException {@code EINVAL}, {@code EPERM} (an alarm clock without
     *     {@code CAP_WAKE_ALARM}), {@code EMFILE}, {@code ENFILE}, {@code ENOMEM}
     */
    public static TimerFd create(int clockid, int flags) throws ErrnoException {
        int fd = TimerFdSys.create(clockid, flags);
        if (fd < 0) {
            throw Sys.error(fd, "timerfd_create", TimerFdSys.CLOCKS.value(clockid) + ", "
                    + TimerFdSys.CREATE_FLAGS.flags(flags));
        }
        return new TimerFd(fd);
    }

    /**
     * {@code timerfd_settime(fd, flags, &(struct itimerspec){{intervalSec, intervalNsec},
     * {valueSec, valueNsec}}, old)}: arms the timer to expire at {@code value} (relative
     * to now, or absolute with {@link #TFD_TIMER_ABSTIME}), then every {@code interval};
     * a zero value disarms it. Setting the timer zeroes the expiration count.
     *
     * @param flags 0, {@link #TFD_TIMER_ABSTIME}, {@link #TFD_TIMER_CANCEL_ON_SET}; other
     *     bits reach the kernel ({@code EINVAL})
     * @param valueSec seconds of the first expiration
     * @param valueNsec nanoseconds, 0 .. 999,999,999 (others: {@code EINVAL} from the kernel)
     * @param intervalSec seconds of the period; 0 with intervalNsec 0: one-shot
     * @param intervalNsec nanoseconds of the period, 0 .. 999,999,999
     * @param old receives the previous setting, as {@link #gettime} would have read it; or
     *     null ({@code NULL})
     * @throws ErrnoException {@code EINVAL} (a field out of range, unknown flags),
     *     {@code ECANCELED} (see the class documentation)
     * @throws IllegalStateException if this TimerFd or old is closed
     */
    public void settime(int flags, long valueSec, long valueNsec, long intervalSec, long intervalNsec,
                        ItimerSpec old) throws ErrnoException {
        owner.checkOpen("TimerFd");
        int r = Sys.owned(TimerFdSys.settime(owner, flags, valueSec, valueNsec, intervalSec, intervalNsec,
                old), "TimerFd");
        if (r < 0) {
            throw Sys.error(r, "timerfd_settime", owner.fd + ", " + TimerFdSys.SETTIME_FLAGS.flags(flags)
                    + ", value=" + valueSec + "s+" + valueNsec + "ns, interval=" + intervalSec + "s+"
                    + intervalNsec + "ns");
        }
    }

    /**
     * {@link #settime(int, long, long, long, long, ItimerSpec)} with nanosecond times,
     * split into seconds and nanoseconds ({@code floorDiv}/{@code floorMod}, so a negative
     * time reaches the kernel as a negative {@code tv_sec}, which it refuses), and no old
     * value.
     *
     * @param flags 0, {@link #TFD_TIMER_ABSTIME}, {@link #TFD_TIMER_CANCEL_ON_SET}
     * @param valueNanos the first expiration (relative, or absolute on the clock); 0 disarms
     * @param intervalNanos the period; 0 for a one-shot timer
     * @throws ErrnoException as the six-argument form
     * @throws IllegalStateException if closed
     */
    public void settime(int flags, long valueNanos, long intervalNanos) throws ErrnoException {
        settime(flags, Math.floorDiv(valueNanos, 1_000_000_000L), Math.floorMod(valueNanos, 1_000_000_000L),
                Math.floorDiv(intervalNanos, 1_000_000_000L), Math.floorMod(intervalNanos, 1_000_000_000L), null);
    }

    /**
     * {@code timerfd_gettime(fd, curr)}: the time to the next expiration (always relative,
     * also for an absolute timer) and the period.
     *
     * @param curr receives the setting
     * @throws ErrnoException {@code EBADF}
     * @throws IllegalStateException if this TimerFd or curr is closed
     */
    public void gettime(ItimerSpec curr) throws ErrnoException {
        owner.checkOpen("TimerFd");
        int r = Sys.owned(TimerFdSys.gettime(owner, curr), "TimerFd");
        if (r < 0) {
            throw Sys.error(r, "timerfd_gettime", "fd=" + owner.fd);
        }
    }

    /**
     * {@code read(fd, &count, 8)}: the number of expirations since the last read (or
     * {@link #settime}), which zeroes it. Blocks until the timer expires, unless
     * {@link #TFD_NONBLOCK}. {@code EINTR} is retried. Allocates nothing. Pins a virtual
     * thread's carrier while it blocks.
     *
     * @return the expirations, at least 1; <b>0 means EAGAIN</b> (a non-blocking timer that
     *     has not expired; a count is never 0), or that this TimerFd was closed during the
     *     read ({@link #isOpen()} tells which)
     * @throws ErrnoException {@code ECANCELED}: the realtime clock changed under a
     *     {@link #TFD_TIMER_CANCEL_ON_SET} timer (see the class documentation)
     * @throws IllegalStateException if closed before the call
     */
    public long read() throws ErrnoException {
        owner.checkOpen("TimerFd");
        long r;
        do {
            r = TimerFdSys.read(owner);
        } while (r == -EINTR && owner.isOpen());
        if (r > 0) {
            return r;
        }
        if (r == Owner.ECLOSED || r == -EINTR || Errno.isWouldBlock((int) r)) {
            return 0; // closed during the read, or nothing expired on a non-blocking timer
        }
        throw Sys.error((int) r, "read", "timerfd=" + owner.fd);
    }

    /**
     * The timerfd.
     *
     * @return the fd number
     * @throws IllegalStateException if closed
     */
    public int fd() {
        owner.checkOpen("TimerFd");
        return owner.fd;
    }

    /**
     * Whether this TimerFd can still be used.
     *
     * @return false once {@link #close()} has been called
     */
    public boolean isOpen() {
        return owner.isOpen();
    }

    /**
     * Marks this TimerFd closed, wakes every thread blocked in {@link #read} on it, and
     * closes the fd once no call is in flight. Idempotent and thread-safe.
     */
    @Override
    public void close() {
        owner.close();
    }

    @Override
    public String toString() {
        return "TimerFd[fd=" + owner.fd + (isOpen() ? "]" : ", closed]");
    }
}
