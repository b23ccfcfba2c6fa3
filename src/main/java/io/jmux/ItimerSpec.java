package io.jmux;

/**
 * An off-heap {@code struct itimerspec}, the timer setting {@link TimerFd#gettime} and
 * {@link TimerFd#settime} write into, so reading it allocates nothing.
 *
 * <pre>{@code
 * struct timespec { time_t tv_sec; long tv_nsec; };
 * struct itimerspec {
 *     struct timespec it_interval;  // period; 0: one-shot
 *     struct timespec it_value;     // time to the next expiration; 0: disarmed
 * };
 * }</pre>
 * The size and offsets are read from the C headers at load time.
 *
 * <p>{@link #close()} makes every later use throw {@link IllegalStateException}. Not
 * thread-safe.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_create.2.html">timerfd_create(2)</a>
 */
public final class ItimerSpec extends NativeArray {
    /** A zeroed struct (a disarmed timer). */
    public ItimerSpec() {
        super(1, TimerFdSys.SIZEOF_ITIMERSPEC);
    }

    @Override
    String kind() {
        return "ItimerSpec";
    }

    /**
     * {@code it_value.tv_sec}.
     *
     * @return seconds to the next expiration (0 with {@link #valueNsec()} 0: disarmed)
     * @throws IllegalStateException if closed
     */
    public long valueSec() {
        return buffer().getLong(TimerFdSys.OFF_VALUE_SEC);
    }

    /**
     * {@code it_value.tv_nsec}.
     *
     * @return nanoseconds part, 0 .. 999,999,999
     * @throws IllegalStateException if closed
     */
    public long valueNsec() {
        return buffer().getLong(TimerFdSys.OFF_VALUE_NSEC);
    }

    /**
     * {@code it_interval.tv_sec}.
     *
     * @return the period's seconds (0 with {@link #intervalNsec()} 0: one-shot)
     * @throws IllegalStateException if closed
     */
    public long intervalSec() {
        return buffer().getLong(TimerFdSys.OFF_INTERVAL_SEC);
    }

    /**
     * {@code it_interval.tv_nsec}.
     *
     * @return the period's nanoseconds part
     * @throws IllegalStateException if closed
     */
    public long intervalNsec() {
        return buffer().getLong(TimerFdSys.OFF_INTERVAL_NSEC);
    }

    /**
     * {@code it_value} in nanoseconds, saturated at {@link Long#MAX_VALUE}.
     *
     * @return nanoseconds to the next expiration; 0: disarmed
     * @throws IllegalStateException if closed
     */
    public long valueNanos() {
        return nanos(valueSec(), valueNsec());
    }

    /**
     * {@code it_interval} in nanoseconds, saturated at {@link Long#MAX_VALUE}.
     *
     * @return the period in nanoseconds; 0: one-shot
     * @throws IllegalStateException if closed
     */
    public long intervalNanos() {
        return nanos(intervalSec(), intervalNsec());
    }

    private static long nanos(long sec, long nsec) {
        try {
            return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec);
        } catch (ArithmeticException e) { // past 292 years: not a value the kernel reports
            return sec < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return isOpen() ? "ItimerSpec[value=" + valueSec() + "s+" + valueNsec() + "ns, interval="
                + intervalSec() + "s+" + intervalNsec() + "ns]" : "ItimerSpec[closed]";
    }
}
