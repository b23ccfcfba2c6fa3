package io.jmux.examples;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Model 3 with {@code epoll(7)}, edge-triggered ({@code EPOLLET}): an fd is reported
 * when its state <em>changes</em> — new data arrived, buffer space freed — not while it
 * stays ready. Each connection is registered once for
 * {@code EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET} and never modified: no
 * {@code epoll_ctl} per interest change, and no wake-ups for a writable socket with
 * nothing to write.
 *
 * <p>The rules that come with edges (break one and a connection stalls for ever):
 * <ol>
 *   <li>Every fd is non-blocking, and an event means "drain it": read until EAGAIN,
 *       accept until EAGAIN. Bytes left behind are never reported again until more
 *       arrive.
 *   <li>Write until EAGAIN, then wait for the EPOLLOUT edge that comes when the peer
 *       has taken some.
 *   <li>If we stop reading on purpose (the output queue is full), nobody will tell us
 *       to start again: after the queue drains, resume the read loop ourselves.
 *   <li>The same for accept: if it fails for want of fds, connections stay queued
 *       with their edge spent, so retry after a pause without waiting for an edge
 *       ({@link Acceptor}).
 * </ol>
 * {@code EPOLLRDHUP} reports the peer's FIN (it closed or shut down writing) without a
 * read returning 0; the bytes sent before the FIN are still read and echoed.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model epoll-et</pre>
 */
final class EpollEtEcho {
    /** Rules 1 and 3 live in {@link EdgeConn#readUntilEagain}. */
    private static final class Conn extends EdgeConn {
        Conn(int fd) {
            super(fd);
        }
    }

    private static final int CONN_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET;

    private final ConnLog log;
    private final Epoll epoll;
    private Conn[] byFd = new Conn[1024];

    private EpollEtEcho(ConnLog log, Epoll epoll) {
        this.log = log;
        this.epoll = epoll;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        int listener = Net.listen(host, port, true);
        try (Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(256)) {
            new EpollEtEcho(log, ep).serve(listener, events);
        }
    }

    private void serve(int listener, EpollEvents events) throws IOException {
        Net.announce(listener);
        Acceptor acceptor = new Acceptor(listener, log);
        epoll.add(listener, Epoll.EPOLLIN | Epoll.EPOLLET); // an edge per new connection: accept them all
        ByteBuffer buf = ByteBuffer.allocateDirect(16384); // see EdgeConn#readUntilEagain
        while (true) {
            // Rule 4: after EMFILE no edge will come for the connections already queued,
            // so the wait ends when the back-off does, and we accept again unasked.
            int n = epoll.wait(events, acceptor.waitMillis());
            for (int i = 0; i < n; i++) {
                int fd = events.fd(i);
                if (fd == listener) {
                    acceptAll(acceptor);
                } else if (fd < byFd.length && byFd[fd] != null) {
                    onEdge(byFd[fd], events.events(i), buf);
                }
            }
            if (acceptor.retryDue()) {
                acceptAll(acceptor);
            }
        }
    }

    /** Rule 1 for the listener: one edge may stand for many pending connections. */
    private void acceptAll(Acceptor acceptor) {
        // accept until EAGAIN: one readiness report can stand for several connections
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            Conn c = new Conn(fd);
            try {
                epoll.add(fd, CONN_EVENTS); // once; never modified
            } catch (ErrnoException e) {
                log.note("cannot watch fd " + fd + ": " + e.getMessage());
                Net.closeQuietly(fd);
                continue;
            }
            if (fd >= byFd.length) {
                byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
            }
            byFd[fd] = c;
            log.opened(fd);
        }
    }

    private void onEdge(Conn c, int events, ByteBuffer buf) {
        try {
            if ((events & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
                c.out.flush(c.fd); // rule 2: room again, write until EAGAIN
            }
            if ((events & (Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0
                    || (c.unread && !c.out.isFull())) {
                c.readUntilEagain(buf); // rule 1, and rule 3 once the queue has drained
            }
            if (c.eof && c.out.isEmpty()) {
                close(c, "peer closed");
            }
        } catch (ErrnoException e) {
            close(c, e.getMessage());
        }
    }

    /** close() also removes the fd from the epoll set (no other fd shares its file). */
    private void close(Conn c, String why) {
        byFd[c.fd] = null;
        c.out.clear(); // give its share of the budget back
        Net.closeQuietly(c.fd);
        log.closed(c.fd, c.echoed, why);
    }
}
