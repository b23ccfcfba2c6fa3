package io.jmux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
public final class EpollEvents implements AutoCloseable {
    static final int SIZEOF = Native.constant("sizeof.epoll_event");
    private static final int EVENTS = Native.constant("offsetof.epoll_event.events");
    private static final int DATA = Native.constant("offsetof.epoll_event.data");

    /** The kernel's limit on {@code maxevents}: {@code INT_MAX / sizeof(struct epoll_event)}. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZEOF;

    private final int capacity;
    final long address;
    private ByteBuffer buffer; // null once closed

    /**
     * Room for {@code capacity} events: the {@code maxevents} of a wait.
     *
     * @throws IllegalArgumentException if capacity is not in {@code 1 ..} {@link #MAX_CAPACITY}
     */
    public EpollEvents(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("EpollEvents capacity must be 1.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        this.capacity = capacity;
        this.buffer = ByteBuffer.allocateDirect(capacity * SIZEOF).order(ByteOrder.nativeOrder());
        this.address = Native.addressOf(buffer);
    }

    /** The number of events this array holds: the largest {@code maxevents}. */
    public int capacity() {
        return capacity;
    }

    /** {@code events[index].events}: the ready {@code EPOLL*} bits. */
    public int events(int index) {
        return buffer(index).getInt(index * SIZEOF + EVENTS);
    }

    /** {@code events[index].data.u64}: the 64-bit word given to {@link Epoll#ctl}. */
    public long data(int index) {
        return buffer(index).getLong(index * SIZEOF + DATA);
    }

    /**
     * {@code events[index].data.fd}: the low 32 bits of the data word, which
     * {@link Epoll#add(int, int)} sets to the fd.
     */
    public int fd(int index) {
        return (int) data(index);
    }

    /** False once {@link #close()} has been called. */
    public boolean isOpen() {
        return buffer != null;
    }

    /** Releases the array; later use throws {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        buffer = null;
    }

    ByteBuffer buffer() {
        ByteBuffer b = buffer;
        if (b == null) {
            throw new IllegalStateException("EpollEvents is closed");
        }
        return b;
    }

    private ByteBuffer buffer(int index) {
        ByteBuffer b = buffer();
        if (index < 0 || index >= capacity) {
            throw new IndexOutOfBoundsException("index " + index + " out of range [0, " + capacity + ")");
        }
        return b;
    }
}
