package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.Poll;
import io.jmux.PollFds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Model 3 again, with {@code poll(2)}: the same loop as {@link SelectEcho} over a
 * {@code struct pollfd[]} — one entry per fd, {@code events} saying what we want to
 * know, {@code revents} written by the kernel with what is true.
 *
 * <p>What poll fixes: no fd-number limit and no bitmap to rebuild (the kernel writes
 * only {@code revents}, so the requests survive the call). What it keeps: the whole
 * array crosses into the kernel on every call and is checked entry by entry, so each
 * poll still costs O(watched fds), and finding the ready ones costs a scan.
 *
 * <p>Entry i of the array and entry i of {@code conns} describe the same connection;
 * entry 0 is the listener. A closed connection's entry is filled by the last one
 * ({@link PollFds#remove}), which is why the scan runs backwards.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model poll</pre>
 */
final class PollEcho {
    private static final class Conn {
        final int fd;
        final OutputQueue out = new OutputQueue();
        boolean eof;
        long echoed;

        Conn(int fd) {
            this.fd = fd;
        }
    }

    private final ConnLog log;
    private PollFds fds = new PollFds(64);
    private final List<Conn> conns = new ArrayList<>(); // conns.get(i) is entry i; null for the listener

    private PollEcho(ConnLog log) {
        this.log = log;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        new PollEcho(log).serve(Net.listen(host, port, true));
    }

    private void serve(int listener) throws IOException {
        Net.announce(listener);
        Acceptor acceptor = new Acceptor(listener, log);
        fds.add(listener, Poll.POLLIN);
        conns.add(null);
        byte[] buf = new byte[16384];
        while (true) {
            Poll.poll(fds, acceptor.waitMillis()); // sleeps until an entry has revents
            int listenerReady = fds.revents(0);
            for (int i = fds.size() - 1; i >= 1; i--) {
                int revents = fds.revents(i);
                if (revents != 0) {
                    onReady(i, revents, buf);
                }
            }
            if (listenerReady != 0 || acceptor.retryDue()) {
                acceptAll(acceptor); // after the scan: new entries have no revents yet
            }
        }
    }

    /** Entry 0 asks for POLLIN except while backing off: a readable listener would end every poll at once. */
    private void acceptAll(Acceptor acceptor) {
        // accept until EAGAIN: one readiness report can stand for several connections
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            if (fds.size() == fds.capacity()) {
                fds = grown(fds);
            }
            fds.add(fd, Poll.POLLIN);
            conns.add(new Conn(fd));
            log.opened(fd);
        }
        fds.setEvents(0, acceptor.backingOff() ? 0 : Poll.POLLIN);
    }

    /**
     * POLLIN: one read, echoed straight back. POLLOUT: write what is pending.
     * POLLHUP/POLLERR come whether asked or not: a read then tells what happened
     * (end of stream, or the error as ErrnoException).
     */
    private void onReady(int i, int revents, byte[] buf) {
        Conn c = conns.get(i);
        try {
            if ((revents & (Poll.POLLIN | Poll.POLLHUP | Poll.POLLERR)) != 0 && !c.eof) {
                int n = Fd.read(c.fd, buf, 0, buf.length);
                if (n == 0) {
                    c.eof = true;
                } else if (n > 0) {
                    c.echoed += n;
                    c.out.send(c.fd, buf, 0, n);
                }
            }
            if ((revents & (Poll.POLLOUT | Poll.POLLHUP | Poll.POLLERR)) != 0 && !c.out.isEmpty()) {
                c.out.flush(c.fd); // after POLLHUP/POLLERR the write reports the error
            }
            if (c.eof && c.out.isEmpty()) {
                close(i, "peer closed");
                return;
            }
            // Read while the queue has room; POLLOUT only while output is pending.
            fds.setEvents(i, (c.eof || c.out.isFull() ? 0 : Poll.POLLIN)
                    | (c.out.isEmpty() ? 0 : Poll.POLLOUT));
        } catch (ErrnoException e) {
            close(i, e.getMessage());
        }
    }

    private void close(int i, String why) {
        Conn c = conns.get(i);
        fds.remove(i); // the last entry moves into slot i ...
        int last = conns.size() - 1;
        conns.set(i, conns.get(last)); // ... and so does its connection
        conns.remove(last);
        c.out.clear(); // give its share of the budget back
        Net.closeQuietly(c.fd);
        log.closed(c.fd, c.echoed, why);
    }

    private static PollFds grown(PollFds old) {
        PollFds bigger = new PollFds(old.capacity() * 2);
        for (int i = 0; i < old.size(); i++) {
            bigger.add(old.fd(i), old.events(i));
        }
        old.close();
        return bigger;
    }
}
