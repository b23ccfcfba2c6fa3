package io.jmux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The shared base of jmux's off-heap kernel arrays ({@link EpollEvents},
 * {@link PollFds}, {@link FdSet}): one direct buffer in native order, its address, a
 * fixed capacity, bounds checks and close.
 *
 * <p>The capacity and the address are final, so a length handed to the kernel can
 * always be bounded by state no race can corrupt. {@link #close()} only drops the
 * buffer; the memory is freed by the garbage collector once no call still holds it,
 * which a call ensures by keeping {@link #buffer()} in a local across the syscall.
 */
abstract class NativeArray implements AutoCloseable {
    /** Entries the array holds (bits, for an fd_set). */
    final int capacity;
    /** Start of the memory, for the kernel. */
    final long address;
    private ByteBuffer buffer; // null once closed; a racing reader keeps its own reference

    /** {@code capacity} entries in {@code bytes} bytes of zeroed native memory. */
    NativeArray(int capacity, int bytes) {
        this.capacity = capacity;
        // One spare byte keeps allocateDirect from handing out a zero-length buffer.
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, bytes)).order(ByteOrder.nativeOrder());
        this.address = Native.addressOf(b);
        this.buffer = b;
    }

    /** The class name used in messages. */
    abstract String kind();

    /** The buffer, or {@link IllegalStateException} if closed; keep it in a local across a call. */
    final ByteBuffer buffer() {
        ByteBuffer b = buffer;
        if (b == null) {
            throw Owner.closedException(kind());
        }
        return b;
    }

    /** The buffer, after checking {@code 0 <= index < limit} (limit at most the capacity). */
    final ByteBuffer buffer(int index, int limit) {
        ByteBuffer b = buffer();
        if (index < 0 || index >= limit) {
            throw new IndexOutOfBoundsException("index " + index + " out of range [0, " + limit + ")");
        }
        return b;
    }

    /**
     * Whether this array can still be used.
     *
     * @return false once {@link #close()} has been called
     */
    public final boolean isOpen() {
        return buffer != null;
    }

    /** Releases the array; later use throws {@link IllegalStateException}. Idempotent. */
    @Override
    public final void close() {
        buffer = null;
    }
}
