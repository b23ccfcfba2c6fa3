package io.jmux.examples;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import java.io.IOException;
import java.util.Arrays;

/**
 * Model 3 with {@code epoll(7)}, level-triggered (the default): the poll loop with the
 * interest list moved into the kernel. {@code epoll_ctl} registers an fd once;
 * {@code epoll_wait} returns only the ready fds, so a wait costs O(ready), not
 * O(watched) — the kernel keeps a ready list that callbacks on each socket fill.
 *
 * <p>Level-triggered means "report while true": an fd with unread data is reported by
 * every {@code epoll_wait} until it is drained, exactly like poll. So one read per event
 * is enough — if more is there, the next wait says so — and forgetting to drain loses
 * nothing. The price of keeping the interest list in the kernel: changing it (adding
 * EPOLLOUT while output is pending, removing it after) is an {@code epoll_ctl} syscall,
 * where poll just wrote a field in the array.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model epoll-lt</pre>
 */
final class EpollLtEcho {
    private static final class Conn {
        final int fd;
        final OutputQueue out = new OutputQueue();
        int interest; // what epoll_ctl last registered
        boolean eof;
        long echoed;

        Conn(int fd) {
            this.fd = fd;
        }
    }

    private final ConnLog log;
    private final Epoll epoll;
    private Conn[] byFd = new Conn[1024];

    private EpollLtEcho(ConnLog log, Epoll epoll) {
        this.log = log;
        this.epoll = epoll;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        int listener = Net.listen(host, port, true);
        try (Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(256)) {
            new EpollLtEcho(log, ep).serve(listener, events);
        }
    }

    private void serve(int listener, EpollEvents events) throws IOException {
        Net.announce(listener);
        Acceptor acceptor = new Acceptor(listener, log);
        epoll.add(listener, Epoll.EPOLLIN); // data word = the fd
        byte[] buf = new byte[16384];
        while (true) {
            int n = epoll.wait(events, acceptor.waitMillis()); // sleeps until something is ready; returns only those
            for (int i = 0; i < n; i++) {
                int fd = events.fd(i);
                if (fd == listener) {
                    acceptAll(acceptor);
                } else if (fd < byFd.length && byFd[fd] != null) {
                    onReady(byFd[fd], events.events(i), buf);
                }
            }
            if (acceptor.retryDue()) {
                epoll.modify(listener, Epoll.EPOLLIN); // watch it again, and take what queued meanwhile
                acceptAll(acceptor);
            }
        }
    }

    private void acceptAll(Acceptor acceptor) throws ErrnoException {
        // accept until EAGAIN: one readiness report can stand for several connections
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            Conn c = new Conn(fd);
            try {
                c.interest = Epoll.EPOLLIN;
                epoll.add(fd, c.interest);
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
        if (acceptor.backingOff()) {
            epoll.modify(acceptor.fd(), 0); // out of fds: a readable listener would end every wait at once
        }
    }

    /**
     * EPOLLIN: one read, echoed straight back (level-triggered: more data is reported
     * again). EPOLLOUT: write what is pending. EPOLLHUP/EPOLLERR are reported unasked;
     * the read or write that follows surfaces the error.
     */
    private void onReady(Conn c, int events, byte[] buf) {
        try {
            if ((events & (Epoll.EPOLLIN | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 && !c.eof) {
                int n = Fd.read(c.fd, buf, 0, buf.length);
                if (n == 0) {
                    c.eof = true;
                } else if (n > 0) {
                    c.echoed += n;
                    c.out.send(c.fd, buf, 0, n);
                }
            }
            if ((events & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 && !c.out.isEmpty()) {
                c.out.flush(c.fd);
            }
            if (c.eof && c.out.isEmpty()) {
                close(c, "peer closed");
                return;
            }
            updateInterest(c);
        } catch (ErrnoException e) {
            close(c, e.getMessage());
        }
    }

    /** One epoll_ctl(MOD) per change, none when nothing changed. */
    private void updateInterest(Conn c) throws ErrnoException {
        int wanted = (c.eof || c.out.isFull() ? 0 : Epoll.EPOLLIN) | (c.out.isEmpty() ? 0 : Epoll.EPOLLOUT);
        if (wanted != c.interest) {
            epoll.modify(c.fd, wanted);
            c.interest = wanted;
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
