package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Fd;
import java.io.IOException;

/**
 * The echo server once more, written against the {@link Reactor} facade instead of a
 * syscall: an accept handler for the listener and one {@link Echo} handler per
 * connection. {@code --backend select|poll|epoll|io_uring} picks the syscall
 * underneath; without it the reactor takes the best available. The handler code does not
 * change.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model reactor --backend poll</pre>
 */
final class ReactorEcho {
    private ReactorEcho() {}

    static void run(String host, int port, ConnLog log, String backendName) throws IOException {
        int listener = Net.listen(host, port, true);
        try (Reactor reactor = Reactor.open(backendName)) {
            log.note("reactor backend: " + reactor.backendName());
            Acceptor acceptor = new Acceptor(listener, log);
            reactor.register(listener, Reactor.READ, (fd, ops) -> acceptAll(reactor, acceptor, log));
            Net.announce(listener);
            while (true) {
                reactor.runOnce(acceptor.waitMillis()); // bounded only while accept is backing off
                if (acceptor.retryDue()) {
                    acceptAll(reactor, acceptor, log);
                }
            }
        }
    }

    /** READ interest on the listener is dropped while backing off: it would end every wait at once. */
    private static void acceptAll(Reactor reactor, Acceptor acceptor, ConnLog log) throws IOException {
        // accept until EAGAIN: one readiness report can stand for several connections
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            reactor.register(fd, Reactor.READ, new Echo(reactor, fd, log));
            log.opened(fd);
        }
        reactor.modify(acceptor.fd(), acceptor.backingOff() ? 0 : Reactor.READ);
    }

    /** One connection: read once when readable, write back, want WRITE only while output is pending. */
    private static final class Echo implements Reactor.Handler {
        private final Reactor reactor;
        private final int fd;
        private final ConnLog log;
        private final OutputQueue out = new OutputQueue();
        private final byte[] buf = new byte[16384];
        private boolean eof;
        private long echoed;

        Echo(Reactor reactor, int fd, ConnLog log) {
            this.reactor = reactor;
            this.fd = fd;
            this.log = log;
        }

        @Override
        public void ready(int fd, int ops) throws IOException {
            try {
                if ((ops & Reactor.READ) != 0 && !eof) {
                    int n = Fd.read(fd, buf, 0, buf.length);
                    if (n == 0) {
                        eof = true;
                    } else if (n > 0) {
                        echoed += n;
                        out.send(fd, buf, 0, n);
                    }
                }
                if ((ops & Reactor.WRITE) != 0) {
                    out.flush(fd);
                }
                if (eof && out.isEmpty()) {
                    close("peer closed");
                    return;
                }
                reactor.modify(fd, (eof || out.isFull() ? 0 : Reactor.READ) | (out.isEmpty() ? 0 : Reactor.WRITE));
            } catch (ErrnoException e) {
                close(e.getMessage());
            }
        }

        private void close(String why) throws IOException {
            reactor.unregister(fd);
            out.clear(); // give its share of the budget back
            Net.closeQuietly(fd);
            log.closed(fd, echoed, why);
        }
    }
}
