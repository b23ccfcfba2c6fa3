package io.jmux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An off-heap {@code struct pollfd[]} for {@link Poll#poll}. The first {@link #size()}
 * entries are polled; {@link #add} appends, {@link #set} rewrites an entry in place.
 *
 * <pre>{@code
 * struct pollfd {
 *     int   fd;       // a negative fd is skipped by the kernel: revents = 0
 *     short events;   // requested events (Poll.POLLIN, ...)
 *     short revents;  // returned events, written by poll()
 * };
 * }</pre>
 * Size and field offsets come from the C headers at load time.
 *
 * <p>{@link #close()} makes every later use throw {@link IllegalStateException}; the
 * memory is released by the garbage collector once no call in flight can use it. Not
 * thread-safe.
 */
public final class PollFds implements AutoCloseable {
    static final int SIZEOF = Native.constant("sizeof.pollfd");
    private static final int FD = Native.constant("offsetof.pollfd.fd");
    private static final int EVENTS = Native.constant("offsetof.pollfd.events");
    private static final int REVENTS = Native.constant("offsetof.pollfd.revents");

    /** The largest capacity accepted (the array stays under 2 GiB). */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZEOF;

    private final int capacity;
    final long address;
    private ByteBuffer buffer; // null once closed
    private int size;

    /**
     * An empty array with room for {@code capacity} entries.
     *
     * @throws IllegalArgumentException if capacity is negative or above {@link #MAX_CAPACITY}
     */
    public PollFds(int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("PollFds capacity must be 0.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        this.capacity = capacity;
        // One spare byte keeps allocateDirect from handing out a zero-length buffer.
        this.buffer = ByteBuffer.allocateDirect(Math.max(1, capacity * SIZEOF))
                .order(ByteOrder.nativeOrder());
        this.address = Native.addressOf(buffer);
    }

    /** The number of entries the array can hold. */
    public int capacity() {
        return capacity;
    }

    /** The number of entries in use: {@link Poll#poll} passes this as {@code nfds}. */
    public int size() {
        return size;
    }

    /**
     * Appends {@code {fd, events, 0}}.
     *
     * @param fd the fd; negative fds are legal and ignored by the kernel (revents 0)
     * @param events {@code POLL*} bits; must fit the C {@code short}
     * @return the entry's index
     * @throws IllegalStateException if the array is full or closed
     */
    public int add(int fd, int events) {
        ByteBuffer b = buffer();
        if (size == capacity) {
            throw new IllegalStateException("PollFds is full (capacity " + capacity + ")");
        }
        write(b, size, fd, events);
        return size++;
    }

    /** Rewrites entry {@code index} to {@code {fd, events, 0}}. */
    public void set(int index, int fd, int events) {
        write(buffer(index), index, fd, events);
    }

    /** Changes only the requested events of entry {@code index}. */
    public void setEvents(int index, int events) {
        ByteBuffer b = buffer(index);
        b.putShort(index * SIZEOF + EVENTS, Poll.checkEvents(events));
    }

    /** The fd of entry {@code index}. */
    public int fd(int index) {
        return buffer(index).getInt(index * SIZEOF + FD);
    }

    /** The requested events of entry {@code index}. */
    public int events(int index) {
        return buffer(index).getShort(index * SIZEOF + EVENTS) & 0xFFFF;
    }

    /** The events the last {@link Poll#poll} returned for entry {@code index}. */
    public int revents(int index) {
        return buffer(index).getShort(index * SIZEOF + REVENTS) & 0xFFFF;
    }

    /**
     * Removes entry {@code index} by moving the last entry into its place (O(1); the
     * order of entries changes).
     */
    public void remove(int index) {
        ByteBuffer b = buffer(index);
        int last = size - 1;
        if (index != last) {
            int from = last * SIZEOF;
            int to = index * SIZEOF;
            b.putInt(to + FD, b.getInt(from + FD));
            b.putShort(to + EVENTS, b.getShort(from + EVENTS));
            b.putShort(to + REVENTS, b.getShort(from + REVENTS));
        }
        size = last;
    }

    /** Empties the array (size 0). */
    public void clear() {
        buffer();
        size = 0;
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
            throw new IllegalStateException("PollFds is closed");
        }
        return b;
    }

    private ByteBuffer buffer(int index) {
        ByteBuffer b = buffer();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " out of range [0, " + size + ")");
        }
        return b;
    }

    private static void write(ByteBuffer b, int index, int fd, int events) {
        short e = Poll.checkEvents(events);
        int at = index * SIZEOF;
        b.putInt(at + FD, fd);
        b.putShort(at + EVENTS, e);
        b.putShort(at + REVENTS, (short) 0);
    }
}
