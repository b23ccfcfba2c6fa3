package io.jmux;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An off-heap {@code fd_set}: a bitmap of fd numbers, as {@code select(2)} reads and
 * writes it. Bit {@code fd} lives in native-endian long {@code fd / 64}, bit
 * {@code fd % 64} — the layout of glibc's {@code __fds_bits}.
 *
 * <pre>{@code
 * typedef struct { long fds_bits[FD_SETSIZE / (8 * sizeof(long))]; } fd_set;
 * }</pre>
 *
 * <p>{@link #FD_SETSIZE} (1024) is glibc's size for a stack {@code fd_set}; the kernel
 * itself reads as many bits as {@code nfds} asks for. An FdSet may therefore be created
 * with any capacity (rounded up to a multiple of 64), and fds past 1024 work.
 *
 * <p>The memory belongs to this object. {@link #close()} makes every later use throw
 * {@link IllegalStateException}; the memory itself is released by the garbage collector
 * once no call in flight can still be using it, so a racing {@code select} never
 * touches freed memory. Not thread-safe: guard concurrent modification yourself (a race
 * can lose a bit, never reach past the set).
 */
public final class FdSet extends NativeArray {
    /** glibc's {@code FD_SETSIZE}: the capacity of {@link #FdSet()}. */
    public static final int FD_SETSIZE = Native.constant("FD_SETSIZE");

    /** The largest capacity accepted: the largest int that is a multiple of 64. */
    public static final int MAX_CAPACITY = Integer.MAX_VALUE & ~63;

    private final int words;
    /** Highest word that may hold a bit (a hint that bounds the after-select clear); racy, never trusted for memory. */
    private int topWord = -1;

    /** An empty set of {@link #FD_SETSIZE} bits, like {@code fd_set} in C. */
    public FdSet() {
        this(FD_SETSIZE);
    }

    /**
     * An empty set that can hold fds {@code 0 .. capacity-1}, capacity rounded up to a
     * multiple of 64 bits.
     *
     * @param capacity the number of fds to hold, {@code 1 ..} {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is not in {@code 1 ..} {@link #MAX_CAPACITY}
     */
    public FdSet(int capacity) {
        super(words(capacity) << 6, words(capacity) << 3);
        this.words = words(capacity);
    }

    /** The capacity in 64-bit words, rounded up. */
    private static int words(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("FdSet capacity must be 1.." + MAX_CAPACITY
                    + ", got " + capacity);
        }
        return (capacity + 63) >>> 6;
    }

    @Override
    String kind() {
        return "FdSet";
    }

    /**
     * How many fds this set can hold: fds {@code 0 .. capacity()-1}.
     *
     * @return the capacity, a multiple of 64
     */
    public int capacity() {
        return capacity;
    }

    /**
     * {@code FD_SET(fd, set)}.
     *
     * @param fd the fd to add, {@code 0 .. capacity()-1}
     * @throws IllegalArgumentException if fd is negative or not below {@link #capacity()}
     * @throws IllegalStateException if the set is closed
     */
    public void set(int fd) {
        ByteBuffer b = buffer(fd);
        int w = fd >>> 6;
        b.putLong(w << 3, b.getLong(w << 3) | (1L << fd));
        if (w > topWord) {
            topWord = w;
        }
    }

    /**
     * {@code FD_CLR(fd, set)}.
     *
     * @param fd the fd to remove, {@code 0 .. capacity()-1}
     * @throws IllegalArgumentException if fd is negative or not below {@link #capacity()}
     * @throws IllegalStateException if the set is closed
     */
    public void clear(int fd) {
        ByteBuffer b = buffer(fd);
        int i = (fd >>> 6) << 3;
        b.putLong(i, b.getLong(i) & ~(1L << fd));
    }

    /**
     * {@code FD_ISSET(fd, set)}.
     *
     * @param fd the fd to test, {@code 0 .. capacity()-1}
     * @return whether fd's bit is set
     * @throws IllegalArgumentException if fd is negative or not below {@link #capacity()}
     * @throws IllegalStateException if the set is closed
     */
    public boolean isSet(int fd) {
        ByteBuffer b = buffer(fd);
        return (b.getLong((fd >>> 6) << 3) & (1L << fd)) != 0;
    }

    /**
     * {@code FD_ZERO(set)}: clears every bit.
     *
     * @throws IllegalStateException if the set is closed
     */
    public void zero() {
        ByteBuffer b = buffer();
        for (int i = 0; i < words; i++) {
            b.putLong(i << 3, 0L);
        }
        topWord = -1;
    }

    /**
     * Makes this set equal to {@code source} (bits past {@code source}'s capacity are
     * cleared). The allocation-free way to restore an interest set before each
     * {@code select}, which overwrites its arguments.
     *
     * @param source the set to copy; its capacity may differ from this one's
     * @throws IllegalStateException if either set is closed
     */
    public void copyFrom(FdSet source) {
        ByteBuffer dst = buffer();
        ByteBuffer src = source.buffer();
        int n = Math.min(words, source.words);
        for (int i = 0; i < n; i++) {
            dst.putLong(i << 3, src.getLong(i << 3));
        }
        for (int i = n; i < words; i++) {
            dst.putLong(i << 3, 0L);
        }
        topWord = Math.min(source.topWord, words - 1);
    }

    /**
     * The lowest fd {@code >= fromFd} whose bit is set, or -1 if none: scans 64 fds per
     * step, so iterating the ready fds of a large set costs O(capacity / 64).
     *
     * @param fromFd the first fd to look at, {@code >= 0}; at or past {@link #capacity()}
     *     the answer is -1
     * @return the lowest set fd {@code >= fromFd}, or -1 if there is none
     * @throws IllegalArgumentException if fromFd is negative
     * @throws IllegalStateException if the set is closed
     */
    public int nextSetBit(int fromFd) {
        ByteBuffer b = buffer();
        if (fromFd < 0) {
            throw new IllegalArgumentException("fromFd < 0: " + fromFd);
        }
        if (fromFd >= capacity) {
            return -1;
        }
        int w = fromFd >>> 6;
        long word = b.getLong(w << 3) & (-1L << fromFd);
        while (true) {
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w == words) {
                return -1;
            }
            word = b.getLong(w << 3);
        }
    }

    /**
     * Long {@code index} of the bitmap, as C reads {@code set->fds_bits[index]}: bit
     * {@code b} stands for fd {@code index * 64 + b}. Scanning a large set a word at a
     * time skips 64 clear fds per read, the way C loops over {@code fds_bits} with
     * {@code __builtin_ctzll}:
     *
     * <pre>{@code
     * for (int i = 0; i < set.capacity() / 64; i++) {
     *     for (long bits = set.fdsBits(i); bits != 0; bits &= bits - 1) {
     *         int fd = i * 64 + Long.numberOfTrailingZeros(bits);
     *     }
     * }
     * }</pre>
     *
     * @param index {@code 0 .. capacity()/64 - 1}
     * @return the 64 bits of fds {@code index * 64 .. index * 64 + 63}, fd
     *     {@code index * 64} in the lowest bit
     * @throws IndexOutOfBoundsException if index is outside the set
     * @throws IllegalStateException if the set is closed
     */
    public long fdsBits(int index) {
        ByteBuffer b = buffer();
        return b.getLong(Objects.checkIndex(index, words) << 3);
    }

    /**
     * The number of fds set.
     *
     * @return how many bits are set
     * @throws IllegalStateException if the set is closed
     */
    public int count() {
        ByteBuffer b = buffer();
        int n = 0;
        for (int i = 0; i < words; i++) {
            n += Long.bitCount(b.getLong(i << 3));
        }
        return n;
    }

    private ByteBuffer buffer(int fd) {
        ByteBuffer b = buffer();
        if (fd < 0 || fd >= capacity) {
            throw new IllegalArgumentException(fd < 0 ? "negative fd: " + fd
                    : "fd " + fd + " is beyond this FdSet's capacity " + capacity
                    + (capacity == FD_SETSIZE ? " (FD_SETSIZE)" : "")
                    + "; create it with new FdSet(" + (fd + 1) + ") or larger");
        }
        return b;
    }

    /**
     * After {@code select} returned {@code ready >= 0}: clears every bit the kernel did
     * not write, so only reported fds stay set.
     *
     * <ul>
     *   <li>Words at or above {@code ceil(nfds / 64)}: the kernel reads and writes only
     *       the words that hold fds below nfds, so these keep whatever the caller set.</li>
     *   <li>Words below that, past the fd table: the kernel clamps nfds to the size of the
     *       process's fd table and leaves the bits of higher fd numbers as they were, so a
     *       closed fd number there would look ready. It writes whole longs from fd 0
     *       upward and sets exactly {@code ready} bits in total, so every word after the
     *       one where the running count reaches {@code ready} holds only stale bits.</li>
     * </ul>
     */
    static void clearUnreported(int ready, int nfds, FdSet r, ByteBuffer rb, FdSet w, ByteBuffer wb,
                                FdSet x, ByteBuffer xb) {
        if (w == null && x == null) {
            if (r != null) {
                clearUnreported(ready, nfds, r, rb);
            }
            return;
        }
        // One set passed twice holds only the results written last, fewer bits than
        // `ready` counts: count it once, so the running count never overshoots and no
        // reported bit is cleared.
        // The buffers are those the call used, kept by the caller: a set closed meanwhile
        // by another thread is still cleared, as the memory is still alive.
        if (w == r) {
            w = null;
            wb = null;
        }
        if (x == r || x == w) {
            x = null;
            xb = null;
        }
        int examined = (nfds + 63) >>> 6;
        int seen = 0;
        int i = 0;
        while (seen < ready && i < examined) {
            seen += bits(rb, i) + bits(wb, i) + bits(xb, i);
            i++;
        }
        for (; i < examined; i++) {
            zeroWord(rb, i);
            zeroWord(wb, i);
            zeroWord(xb, i);
        }
        clearAbove(r, rb, examined);
        clearAbove(w, wb, examined);
        clearAbove(x, xb, examined);
    }

    /**
     * The same for a read set alone, the common call: small enough for the JIT to inline
     * into {@code select} (the three-set method is not), and past the examined words it
     * touches nothing unless the set's highest word says a bit may be there.
     */
    private static void clearUnreported(int ready, int nfds, FdSet set, ByteBuffer b) {
        int examined = (nfds + 63) >>> 6;
        int i = 0;
        for (int seen = 0; seen < ready && i < examined; i++) {
            seen += Long.bitCount(b.getLong(i << 3));
        }
        for (; i < examined; i++) {
            zeroWord(b, i);
        }
        if (set.topWord >= examined) {
            clearAbove(set, b, examined);
        }
    }

    /** Zeroes the words from {@code from} up to the highest one set (a racy hint, bounded by words). */
    private static void clearAbove(FdSet set, ByteBuffer b, int from) {
        if (b == null) {
            return;
        }
        int top = Math.min(set.topWord, set.words - 1);
        for (int i = from; i <= top; i++) {
            zeroWord(b, i);
        }
        set.topWord = Math.min(top, from - 1);
    }

    private static int bits(ByteBuffer b, int word) {
        return b == null ? 0 : Long.bitCount(b.getLong(word << 3));
    }

    private static void zeroWord(ByteBuffer b, int word) {
        if (b != null && b.getLong(word << 3) != 0) {
            b.putLong(word << 3, 0L);
        }
    }
}
