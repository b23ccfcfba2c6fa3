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
 * thread-safe; but no sequence of calls, from any number of threads, can make
 * {@link Poll#poll} pass the kernel more entries than the array holds: the count it
 * passes is read once and bounded by the fixed capacity.
 */
public final class PollFds extends NativeArray {
    static final int SIZEOF = PollSys.SIZEOF;
    private static final int FD = PollSys.OFF_FD;
    private static final int EVENTS = PollSys.OFF_EVENTS;
    private static final int REVENTS = PollSys.OFF_REVENTS;
    /** revents is the top 16 bits of an entry's first long on x86-64 and aarch64 (little-endian). */
    private static final boolean LONG_SCAN = SIZEOF == 8 && REVENTS == 6
            && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The largest capacity accepted (the array stays under 2 GiB). */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE / SIZEOF;

    private int size;

    /**
     * An empty array with room for {@code capacity} entries.
     *
     * @param capacity 0 .. {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is negative or above {@link #MAX_CAPACITY}
     */
    public PollFds(int capacity) {
        super(checkCapacity(capacity), capacity * SIZEOF);
    }

    /**
     * An array of {@code n} entries, all {@code {fd=-1, events=0}} (skipped by the kernel),
     * ready for {@link #set}.
     *
     * @param n the size and the capacity
     * @return the array
     * @throws IllegalArgumentException if n is negative or above {@link #MAX_CAPACITY}
     */
    public static PollFds ofSize(int n) {
        PollFds fds = new PollFds(n);
        fds.setSize(n);
        return fds;
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("PollFds capacity must be 0.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        return capacity;
    }

    @Override
    String kind() {
        return "PollFds";
    }

    /**
     * The number of entries the array can hold.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The number of entries in use: {@link Poll#poll} passes this as {@code nfds}.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /**
     * Sets the size; entries past the old size become {@code {fd=-1, events=0}}, which
     * the kernel skips.
     *
     * @param newSize 0 .. capacity
     * @throws IllegalArgumentException if newSize is outside 0 .. capacity
     * @throws IllegalStateException if closed
     */
    public void setSize(int newSize) {
        ByteBuffer b = buffer();
        if (newSize < 0 || newSize > capacity) {
            throw new IllegalArgumentException("size must be 0.." + capacity + ", got " + newSize);
        }
        for (int i = size; i < newSize; i++) {
            write(b, i, -1, (short) 0);
        }
        size = newSize;
    }

    /**
     * Appends {@code {fd, events, 0}}.
     *
     * @param fd the fd; negative fds are legal and ignored by the kernel (revents 0)
     * @param events {@code POLL*} bits, any that fit the C {@code short}; bits
     *     {@code <poll.h>} does not name go to the kernel, which ignores them
     * @return the entry's index
     * @throws IllegalStateException if the array is full or closed
     * @throws IllegalArgumentException if events does not fit 16 bits
     */
    public int add(int fd, int events) {
        ByteBuffer b = buffer();
        short e = Check.u16(events, "poll events");
        int at = size; // read once: a racing add may move it, never past the capacity
        if (at < 0 || at >= capacity) {
            throw new IllegalStateException("PollFds is full (capacity " + capacity + ")");
        }
        write(b, at, fd, e);
        size = at + 1;
        return at;
    }

    /**
     * Rewrites entry {@code index} to {@code {fd, events, 0}}.
     *
     * @param index 0 .. size-1
     * @param fd the fd (negative: skipped)
     * @param events {@code POLL*} bits, any that fit the C {@code short}
     */
    public void set(int index, int fd, int events) {
        short e = Check.u16(events, "poll events");
        write(entry(index), index, fd, e);
    }

    /**
     * Changes only the requested events of entry {@code index}.
     *
     * @param index 0 .. size-1
     * @param events {@code POLL*} bits, any that fit the C {@code short}
     */
    public void setEvents(int index, int events) {
        short e = Check.u16(events, "poll events");
        entry(index).putShort(index * SIZEOF + EVENTS, e);
    }

    /**
     * The fd of entry {@code index}.
     *
     * @param index 0 .. size-1
     * @return the fd
     */
    public int fd(int index) {
        return entry(index).getInt(index * SIZEOF + FD);
    }

    /**
     * The requested events of entry {@code index}.
     *
     * @param index 0 .. size-1
     * @return the 16 event bits, unsigned
     */
    public int events(int index) {
        return entry(index).getShort(index * SIZEOF + EVENTS) & 0xFFFF;
    }

    /**
     * The events the last {@link Poll#poll} returned for entry {@code index}.
     *
     * @param index 0 .. size-1
     * @return the 16 revents bits, unsigned
     */
    public int revents(int index) {
        return entry(index).getShort(index * SIZEOF + REVENTS) & 0xFFFF;
    }

    /**
     * The first index {@code >= from} whose revents is non-zero, or -1: the scan a
     * caller makes after {@link Poll#poll}, one 64-bit read per entry where the layout
     * allows (x86-64, aarch64), as C compilers do.
     *
     * <pre>{@code
     * for (int i = fds.nextReady(0); i >= 0; i = fds.nextReady(i + 1)) handle(fds.fd(i), fds.revents(i));
     * }</pre>
     *
     * @param from the index to start at (0 or more)
     * @return an index below {@link #size()}, or -1
     * @throws IllegalArgumentException if from is negative
     */
    public int nextReady(int from) {
        ByteBuffer b = buffer();
        if (from < 0) {
            throw new IllegalArgumentException("from < 0: " + from);
        }
        int n = Math.min(size, capacity);
        if (LONG_SCAN) {
            for (int i = from; i < n; i++) {
                if (b.getLong(i << 3) >>> 48 != 0) {
                    return i;
                }
            }
            return -1;
        }
        for (int i = from; i < n; i++) {
            if (b.getShort(i * SIZEOF + REVENTS) != 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Removes entry {@code index} by moving the last entry into its place (O(1); the
     * order of entries changes).
     *
     * @param index 0 .. size-1
     */
    public void remove(int index) {
        ByteBuffer b = entry(index);
        int last = Math.min(size, capacity) - 1;
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

    /** The number of entries poll may read: size as read now, bounded by the capacity. */
    int nfds() {
        int n = size;
        return n < 0 ? 0 : Math.min(n, capacity);
    }

    private ByteBuffer entry(int index) {
        return buffer(index, Math.min(size, capacity));
    }

    private static void write(ByteBuffer b, int index, int fd, short events) {
        int at = index * SIZEOF;
        b.putInt(at + FD, fd);
        b.putShort(at + EVENTS, events);
        b.putShort(at + REVENTS, (short) 0);
    }
}
