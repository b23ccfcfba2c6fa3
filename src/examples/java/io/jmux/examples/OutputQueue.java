package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's bytes read but not yet written back: what a non-blocking server
 * must keep when {@code write} takes less than it was given, or answers EAGAIN.
 *
 * <p>Readiness APIs leave flow control to the program: epoll says a socket is
 * readable, never that the program can afford to read it. A peer that sends and does
 * not read makes every byte read from it a byte queued here, so the servers apply
 * backpressure in two ways, both through {@link #isFull()}, which they check before
 * reading and use to drop read interest:
 * <ul>
 *   <li>per connection, with hysteresis: stop reading at {@link #HIGH_WATER} queued
 *       bytes, start again only below {@link #LOW_WATER} (no on-off flapping, one
 *       {@code epoll_ctl} per swing);
 *   <li>across connections, a budget: while all queues together hold
 *       {@link #BUDGET} bytes or more, a connection that has bytes queued reads no
 *       more. One with an empty queue still reads (its echo usually goes straight
 *       out), so a peer that reads its echo is served while the hogs wait; each can
 *       overshoot by at most one read.
 * </ul>
 * When the server stops reading, the kernel's socket buffers fill and TCP's window
 * slows the sender down: the memory a hog can cost is bounded by the budget, not by
 * the number of hogs times a per-connection cap.
 */
final class OutputQueue {
    /** Stop reading from a connection once this many bytes wait to be written back. */
    static final int HIGH_WATER = 1 << 20;
    /** ... and read it again only once fewer than this many do. */
    static final int LOW_WATER = HIGH_WATER / 4;
    /** All queues of the process together: a fraction of a small heap (the tests run with 64 MiB). */
    static final long BUDGET = 16L << 20;

    /** Bytes queued by every OutputQueue in this JVM (servers in tests may share one). */
    private static final AtomicLong QUEUED = new AtomicLong();

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset; // bytes of the first chunk already written
    private int size;
    private boolean paused; // over the high-water mark, not yet back below the low one

    boolean isEmpty() {
        return size == 0;
    }

    /** Bytes waiting to be written. */
    int size() {
        return size;
    }

    /**
     * True if the server should not read this connection now: its queue went over the
     * high-water mark and has not yet drained below the low one, or it holds bytes
     * while the queues together are over the budget.
     */
    boolean isFull() {
        paused = paused ? size >= LOW_WATER : size >= HIGH_WATER;
        return paused || (size > 0 && QUEUED.get() >= BUDGET);
    }

    /** Queues a copy of {@code b[off .. off+len)}. */
    void add(byte[] b, int off, int len) {
        if (len > 0) {
            byte[] chunk = new byte[len];
            System.arraycopy(b, off, chunk, 0, len);
            enqueue(chunk);
        }
    }

    /** Queues a copy of {@code b}'s remaining bytes and consumes them. */
    void add(ByteBuffer b) {
        if (b.hasRemaining()) {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            enqueue(chunk);
        }
    }

    private void enqueue(byte[] chunk) {
        chunks.addLast(chunk);
        size += chunk.length;
        QUEUED.addAndGet(chunk.length);
    }

    /**
     * Echoes {@code b[off .. off+len)}: written straight away if nothing is queued ahead
     * of it, and whatever the kernel does not take (a partial write, or EAGAIN) queued.
     *
     * @return bytes written by this call
     */
    int send(int fd, byte[] b, int off, int len) throws ErrnoException {
        if (!isEmpty()) {
            add(b, off, len); // keep the order: older bytes go first
            return flush(fd);
        }
        int n = Fd.write(fd, b, off, len);
        int written = Errno.isWouldBlock(n) ? 0 : n;
        add(b, off + written, len - written);
        return written;
    }

    /**
     * {@link #send(int, byte[], int, int)} from {@code b}'s remaining bytes (a direct buffer
     * goes to the kernel with no copy), consuming them all: written or queued.
     *
     * @return bytes written by this call
     */
    int send(int fd, ByteBuffer b) throws ErrnoException {
        if (!isEmpty()) {
            add(b); // keep the order: older bytes go first
            return flush(fd);
        }
        int n = Fd.write(fd, b); // advances the position past what the kernel took
        add(b);
        return Errno.isWouldBlock(n) ? 0 : n;
    }

    /**
     * Writes queued bytes until the queue is empty or the kernel answers EAGAIN (the
     * socket's send buffer is full). Each {@code write} may take only part of a chunk.
     *
     * @return bytes written by this call
     * @throws ErrnoException e.g. {@code EPIPE} or {@code ECONNRESET}: the peer is gone
     */
    int flush(int fd) throws ErrnoException {
        int written = 0;
        while (!chunks.isEmpty()) {
            byte[] head = chunks.peekFirst();
            int n = Fd.write(fd, head, headOffset, head.length - headOffset);
            if (Errno.isWouldBlock(n)) {
                break; // no room: wait until the fd is writable again
            }
            written += n;
            size -= n;
            QUEUED.addAndGet(-n);
            headOffset += n;
            if (headOffset == head.length) {
                chunks.removeFirst();
                headOffset = 0;
            }
        }
        return written;
    }

    /** Drops what is queued (the connection is closing) and gives it back to the budget. */
    void clear() {
        QUEUED.addAndGet(-size);
        chunks.clear();
        headOffset = 0;
        size = 0;
    }
}
