package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Model 2, non-blocking I/O without a readiness API: one thread, every fd
 * {@code O_NONBLOCK}, and a loop that simply tries everything — {@code accept4} on the
 * listener, {@code read} and {@code write} on each connection — and meets EAGAIN
 * ("nothing now") most of the time.
 *
 * <p>It works, and it shows why select/poll/epoll exist: the loop never sleeps in the
 * kernel, so it burns a CPU even with no traffic at all (watch it in {@code top}), and
 * each pass costs one syscall per connection whether or not anything happened. The
 * {@code --idle} option chooses what a pass that found nothing does next:
 * <ul>
 *   <li>{@code spin}: loop again at once (100% of a CPU, lowest latency);
 *   <li>{@code yield}: {@code Thread.yield()} — still about 100% of a CPU when the
 *       machine is otherwise idle, but gives way to other runnable threads (default);
 *   <li>{@code sleep}: sleep 1 ms — little CPU, but up to a millisecond added to
 *       every answer.
 * </ul>
 * The close log counts the reads that answered EAGAIN: the wasted syscalls.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model nonblocking --idle yield</pre>
 */
final class NonBlockingEcho {
    private NonBlockingEcho() {}

    enum Idle { SPIN, YIELD, SLEEP }

    /** One connection: its fd, what it still has to write back, and its counters. */
    private static final class Conn {
        final int fd;
        final OutputQueue out = new OutputQueue();
        boolean eof; // the peer sent its last byte (read returned 0)
        boolean moved; // the last pass read or wrote something
        long echoed;
        long eagainReads;

        Conn(int fd) {
            this.fd = fd;
        }
    }

    static void run(String host, int port, ConnLog log, Idle idle) throws IOException {
        int listener = Net.listen(host, port, true); // SOCK_NONBLOCK: accept4 answers EAGAIN
        Net.announce(listener);
        Acceptor acceptor = new Acceptor(listener, log);
        List<Conn> conns = new ArrayList<>();
        byte[] buf = new byte[16384];
        while (true) {
            acceptor.retryDue(); // after EMFILE, accept nothing until the back-off ends
            boolean progress = acceptAll(acceptor, conns, log);
            for (int i = conns.size() - 1; i >= 0; i--) { // backwards: closing removes entries
                Conn c = conns.get(i);
                try {
                    if (!serviceOnce(c, buf)) {
                        close(conns, i, log, "peer closed");
                        progress = true;
                        continue;
                    }
                } catch (ErrnoException e) {
                    close(conns, i, log, e.getMessage()); // ECONNRESET, EPIPE: the peer is gone
                    continue;
                }
                progress |= c.moved;
            }
            if (!progress) {
                pause(idle);
            }
        }
    }

    /** {@code accept4} until EAGAIN: every pending connection, made non-blocking too. */
    private static boolean acceptAll(Acceptor acceptor, List<Conn> conns, ConnLog log) {
        boolean any = false;
        // accept until EAGAIN - no connection pending, the usual answer in this loop
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            log.opened(fd);
            conns.add(new Conn(fd));
            any = true;
        }
        return any;
    }

    /**
     * One try at each direction: write what is pending, then, if the queue has room,
     * read once and echo the bytes straight back.
     *
     * @return false when the connection is finished: the peer closed and every byte
     *     it sent has been written back
     */
    private static boolean serviceOnce(Conn c, byte[] buf) throws ErrnoException {
        c.moved = c.out.flush(c.fd) > 0;
        if (c.eof || c.out.isFull()) {
            // At end of stream only the echo is left; with a full queue the peer is not
            // reading, so stop reading it until the queue drains.
            return !(c.eof && c.out.isEmpty());
        }
        int n = Fd.read(c.fd, buf, 0, buf.length);
        if (Errno.isWouldBlock(n)) {
            c.eagainReads++; // a syscall that found nothing to do
            return true;
        }
        if (n == 0) {
            c.eof = true;
            return !c.out.isEmpty();
        }
        c.moved = true;
        c.echoed += n;
        c.out.send(c.fd, buf, 0, n);
        return true;
    }

    private static void close(List<Conn> conns, int i, ConnLog log, String why) {
        Conn c = conns.remove(i);
        c.out.clear(); // give its share of the budget back
        Net.closeQuietly(c.fd);
        log.closed(c.fd, c.echoed, why + "; " + c.eagainReads + " reads met EAGAIN");
    }

    /**
     * An if chain, not a switch: a switch on an enum compiles to a synthetic class
     * ({@code NonBlockingEcho$1}) loaded the first time the switch runs, and when that is
     * the first idle turn after EMFILE the JVM has no fd to open the class file with
     * (see {@link Acceptor}).
     */
    private static void pause(Idle idle) {
        if (idle == Idle.SPIN) {
            Thread.onSpinWait();
        } else if (idle == Idle.YIELD) {
            Thread.yield();
        } else {
            Net.sleep(1);
        }
    }
}
