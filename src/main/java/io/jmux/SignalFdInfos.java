package io.jmux;

/**
 * An off-heap {@code struct signalfd_siginfo[]} that {@link SignalFd#read} fills, one
 * entry per signal taken.
 *
 * <pre>{@code
 * struct signalfd_siginfo {        // 128 bytes
 *     uint32_t ssi_signo;   int32_t  ssi_errno;  int32_t  ssi_code;
 *     uint32_t ssi_pid;     uint32_t ssi_uid;    int32_t  ssi_fd;     // fd: SIGIO / F_SETSIG
 *     uint32_t ssi_tid;     uint32_t ssi_band;                        // band: POLLIN, ...
 *     uint32_t ssi_overrun; uint32_t ssi_trapno; int32_t  ssi_status; int32_t ssi_int;
 *     uint64_t ssi_ptr;     uint64_t ssi_utime;  uint64_t ssi_stime;  uint64_t ssi_addr;
 *     ...                                                            // padding to 128
 * };
 * }</pre>
 * The size and offsets are read from the C headers at load time. Each accessor is a
 * bounds-checked read of the entry: no allocation. Unsigned fields come back with their
 * bits in a Java int or long ({@link Integer#toUnsignedLong} for a uid past 2^31).
 *
 * <p>{@link #close()} makes every later use throw {@link IllegalStateException}. Not
 * thread-safe: one thread reads into one SignalFdInfos at a time.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/signalfd.2.html">signalfd(2)</a>
 */
public final class SignalFdInfos extends NativeArray {
    static final int SIZEOF = SignalFdSys.SIZEOF_INFO;

    /** The most entries one array holds: {@code INT_MAX / sizeof(struct signalfd_siginfo)}. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZEOF;

    /**
     * Room for {@code capacity} siginfos.
     *
     * @param capacity 1 .. {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is out of range
     */
    public SignalFdInfos(int capacity) {
        super(checkCapacity(capacity), capacity * SIZEOF);
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("SignalFdInfos capacity must be 1.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        return capacity;
    }

    @Override
    String kind() {
        return "SignalFdInfos";
    }

    /**
     * The number of siginfos this array holds.
     *
     * @return the most one read takes
     */
    public int capacity() {
        return capacity;
    }

    private int i32(int index, int offset) {
        return buffer(index, capacity).getInt(index * SIZEOF + offset);
    }

    private long u64(int index, int offset) {
        return buffer(index, capacity).getLong(index * SIZEOF + offset);
    }

    /**
     * {@code infos[index].ssi_signo}: the signal number.
     *
     * @param index 0 .. capacity-1
     * @return the signal
     */
    public int ssi_signo(int index) {
        return i32(index, SignalFdSys.OFF_SIGNO);
    }

    /**
     * {@code infos[index].ssi_errno}: an error number (unused by Linux for most signals).
     *
     * @param index 0 .. capacity-1
     * @return the errno field
     */
    public int ssi_errno(int index) {
        return i32(index, SignalFdSys.OFF_ERRNO);
    }

    /**
     * {@code infos[index].ssi_code}: who sent it or why ({@link SignalFd#SI_USER},
     * {@link SignalFd#SI_KERNEL}, ...); for signal-driven I/O the band's code
     * ({@link SignalFd#POLL_IN}, {@link SignalFd#POLL_OUT}, ...).
     *
     * @param index 0 .. capacity-1
     * @return the si_code
     */
    public int ssi_code(int index) {
        return i32(index, SignalFdSys.OFF_CODE);
    }

    /**
     * {@code infos[index].ssi_pid}: the sender's process id ({@code kill}, {@code sigqueue}).
     *
     * @param index 0 .. capacity-1
     * @return the pid
     */
    public int ssi_pid(int index) {
        return i32(index, SignalFdSys.OFF_PID);
    }

    /**
     * {@code infos[index].ssi_uid}: the sender's real user id (unsigned).
     *
     * @param index 0 .. capacity-1
     * @return the uid's 32 bits
     */
    public int ssi_uid(int index) {
        return i32(index, SignalFdSys.OFF_UID);
    }

    /**
     * {@code infos[index].ssi_fd}: the fd that became ready, for a signal sent by
     * signal-driven I/O ({@code F_SETSIG}).
     *
     * @param index 0 .. capacity-1
     * @return the fd
     */
    public int ssi_fd(int index) {
        return i32(index, SignalFdSys.OFF_FD);
    }

    /**
     * {@code infos[index].ssi_tid}: the kernel timer id, for a POSIX timer's signal.
     *
     * @param index 0 .. capacity-1
     * @return the timer id
     */
    public int ssi_tid(int index) {
        return i32(index, SignalFdSys.OFF_TID);
    }

    /**
     * {@code infos[index].ssi_band}: the poll bits ({@code POLLIN}, {@code POLLOUT}, ...)
     * of the fd that became ready, for signal-driven I/O.
     *
     * @param index 0 .. capacity-1
     * @return the band
     */
    public int ssi_band(int index) {
        return i32(index, SignalFdSys.OFF_BAND);
    }

    /**
     * {@code infos[index].ssi_overrun}: a POSIX timer's overrun count.
     *
     * @param index 0 .. capacity-1
     * @return the overrun count
     */
    public int ssi_overrun(int index) {
        return i32(index, SignalFdSys.OFF_OVERRUN);
    }

    /**
     * {@code infos[index].ssi_trapno}: the trap number of a hardware-generated signal.
     *
     * @param index 0 .. capacity-1
     * @return the trap number
     */
    public int ssi_trapno(int index) {
        return i32(index, SignalFdSys.OFF_TRAPNO);
    }

    /**
     * {@code infos[index].ssi_status}: the exit status or signal, for SIGCHLD.
     *
     * @param index 0 .. capacity-1
     * @return the status
     */
    public int ssi_status(int index) {
        return i32(index, SignalFdSys.OFF_STATUS);
    }

    /**
     * {@code infos[index].ssi_int}: the int sent with {@code sigqueue(3)}.
     *
     * @param index 0 .. capacity-1
     * @return the value
     */
    public int ssi_int(int index) {
        return i32(index, SignalFdSys.OFF_INT);
    }

    /**
     * {@code infos[index].ssi_ptr}: the pointer sent with {@code sigqueue(3)}, as bits.
     *
     * @param index 0 .. capacity-1
     * @return the value
     */
    public long ssi_ptr(int index) {
        return u64(index, SignalFdSys.OFF_PTR);
    }

    /**
     * {@code infos[index].ssi_utime}: user CPU time consumed, for SIGCHLD.
     *
     * @param index 0 .. capacity-1
     * @return the time, in clock ticks
     */
    public long ssi_utime(int index) {
        return u64(index, SignalFdSys.OFF_UTIME);
    }

    /**
     * {@code infos[index].ssi_stime}: system CPU time consumed, for SIGCHLD.
     *
     * @param index 0 .. capacity-1
     * @return the time, in clock ticks
     */
    public long ssi_stime(int index) {
        return u64(index, SignalFdSys.OFF_STIME);
    }

    /**
     * {@code infos[index].ssi_addr}: the faulting address, for hardware-generated signals.
     *
     * @param index 0 .. capacity-1
     * @return the address
     */
    public long ssi_addr(int index) {
        return u64(index, SignalFdSys.OFF_ADDR);
    }
}
