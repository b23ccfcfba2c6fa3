package io.jmux;

/**
 * An off-heap {@code struct epoll_event[]} that {@link Epoll#wait} fills.
 *
 * <pre>{@code
 * typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;
 * struct epoll_event {
 *     uint32_t     events;  // EPOLLIN, EPOLLOUT, ... that are ready
 *     epoll_data_t data;    // the 64-bit word given to epoll_ctl
 * } __EPOLL_PACKED;         // packed (12 bytes) on x86-64 only; 16 bytes elsewhere
 * }</pre>
 * The size and offsets are read from the C headers at load time. Reading a result is a
 * bounds-checked buffer read: no allocation.
 *
 * <p>{@link #close()} makes every later use throw {@link IllegalStateException}; the
 * memory is released by the garbage collector once no wait in flight can still write
 * it. Not thread-safe: one thread waits into one EpollEvents at a time.
 */
public final class EpollEvents extends NativeArray {
    static final int SIZEOF = EpollSys.SIZEOF_EVENT;
    private static final int EVENTS = EpollSys.OFF_EVENTS;
    private static final int DATA = EpollSys.OFF_DATA;

    /** The kernel's limit on {@code maxevents}: {@code INT_MAX / sizeof(struct epoll_event)}. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZEOF;

    /**
     * Room for {@code capacity} events: the {@code maxevents} of a wait.
     *
     * @param capacity 1 .. {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is not in {@code 1 ..} {@link #MAX_CAPACITY}
     */
    public EpollEvents(int capacity) {
        super(checkCapacity(capacity), capacity * SIZEOF);
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("EpollEvents capacity must be 1.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        return capacity;
    }

    @Override
    String kind() {
        return "EpollEvents";
    }

    /**
     * The number of events this array holds.
     *
     * @return the largest {@code maxevents}
     */
    public int capacity() {
        return capacity;
    }

    /**
     * {@code events[index].events}: the ready {@code EPOLL*} bits.
     *
     * @param index 0 .. capacity-1
     * @return the event bits
     */
    public int events(int index) {
        return buffer(index, capacity).getInt(index * SIZEOF + EVENTS);
    }

    /**
     * {@code events[index].data.u64}: the 64-bit word given to {@link Epoll#ctl}.
     *
     * @param index 0 .. capacity-1
     * @return the data word
     */
    public long data(int index) {
        return buffer(index, capacity).getLong(index * SIZEOF + DATA);
    }

    /**
     * {@code events[index].data.fd}: the low 32 bits of the data word, which
     * {@link Epoll#add(int, int)} sets to the fd.
     *
     * @param index 0 .. capacity-1
     * @return the fd
     */
    public int fd(int index) {
        return (int) data(index);
    }
}
