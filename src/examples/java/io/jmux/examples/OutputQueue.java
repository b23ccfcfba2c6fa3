package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import java.util.ArrayDeque;

/**
 * One connection's bytes read but not yet written back: what a non-blocking server
 * must keep when {@code write} takes less than it was given, or answers EAGAIN.
 *
 * <p>The servers stop reading a connection while its queue holds {@link #HIGH_WATER}
 * bytes or more, so a peer that sends without reading cannot make the server buffer
 * without bound: the kernel's socket buffers then fill and TCP slows the sender down.
 */
final class OutputQueue {
    /** Stop reading from a connection while this many bytes wait to be written back. */
    static final int HIGH_WATER = 1 << 20;

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset; // bytes of the first chunk already written
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    /** Bytes waiting to be written. */
    int size() {
        return size;
    }

    /** True if the server should stop reading this connection for now. */
    boolean isFull() {
        return size >= HIGH_WATER;
    }

    /** Queues a copy of {@code b[off .. off+len)}. */
    void add(byte[] b, int off, int len) {
        if (len > 0) {
            byte[] chunk = new byte[len];
            System.arraycopy(b, off, chunk, 0, len);
            chunks.addLast(chunk);
            size += len;
        }
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
            headOffset += n;
            if (headOffset == head.length) {
                chunks.removeFirst();
                headOffset = 0;
            }
        }
        return written;
    }
}
