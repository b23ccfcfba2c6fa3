package io.jmux.examples;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import java.nio.ByteBuffer;

/**
 * A connection of a server told of readiness <em>changes</em> (epoll-et, sigio,
 * io_uring-poll): a report means new bytes arrived, not that bytes are there, so each
 * report is answered by reading until EAGAIN. A server that stops early on purpose (its
 * output queue is full) must remember it, since no report will come for the bytes it left:
 * {@link #unread} says so, and the server reads again, unasked, once the queue has drained.
 */
class EdgeConn {
    final int fd;
    final OutputQueue out = new OutputQueue();
    boolean eof;
    /** Stopped reading with the queue full: data may be waiting, and no report will say so. */
    boolean unread;
    long echoed;

    EdgeConn(int fd) {
        this.fd = fd;
    }

    /**
     * Reads and echoes until EAGAIN, end of stream, or a full output queue; what
     * {@code write} does not take stays queued for the next report of room. {@code buf} is
     * a direct buffer, shared by all connections: the kernel reads into it and writes from
     * it with no copy through the Java heap (a heap array would be staged through native
     * memory on every call, the EAGAIN read included).
     */
    final void readUntilEagain(ByteBuffer buf) throws ErrnoException {
        unread = false;
        while (!eof) {
            if (out.isFull()) {
                unread = true; // remember: nothing will remind us
                return;
            }
            buf.clear();
            int n = Fd.read(fd, buf);
            if (Errno.isWouldBlock(n)) {
                return; // drained: the next arrival is a new report
            }
            if (n == 0) {
                eof = true; // after RDHUP, the bytes before the FIN were read first
                return;
            }
            echoed += n;
            buf.flip();
            out.send(fd, buf);
        }
    }
}
