package io.jmux.examples;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.IoUring;
import io.jmux.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Model 3 once more, with readiness from {@code io_uring(7)}: {@code IORING_OP_POLL_ADD}
 * in its multishot form (Linux 5.13) takes the place of {@code epoll_ctl} + {@code EPOLLET},
 * and the ring's completion queue the place of {@code epoll_wait}'s events array. The I/O
 * itself stays what it is in {@link EpollEtEcho}: non-blocking {@code accept4},
 * {@code read} and {@code write}. (The proactor model hands the I/O itself to the ring.)
 *
 * <p>What carries over from edge-triggered epoll, and what is new:
 * <ol>
 *   <li>A multishot poll is edge-like: after its first CQE it posts one per wake-up
 *       (new data), not while the fd stays ready. So each CQE means "drain it": read
 *       and accept until EAGAIN.
 *   <li>It can end: a CQE without {@code IORING_CQE_F_MORE} is its last (an error, a
 *       cancel, or a CQE that met a full CQ). Then arm a new one. A fresh poll checks
 *       the fd at once, so data that came meanwhile is reported, not lost.
 *   <li>POLLOUT only while output is pending: a one-shot POLLOUT poll, armed when a
 *       write leaves bytes queued and gone after its one CQE. The multishot POLLIN poll
 *       is never touched. (The alternative, removing the multishot poll and adding one
 *       for POLLIN|POLLOUT, costs two SQEs and a cancel CQE at each change, and would
 *       report POLLOUT on every wake-up while the queue is non-empty.)
 *   <li>The kernel answers later: a completion can arrive for a request we have given
 *       up on, and by then its fd number may name a new connection. So every
 *       {@code user_data} carries the fd, a generation and what the request was for;
 *       a CQE whose generation is not the connection's current one is dropped.
 *   <li>Before closing, remove the polls ({@code IORING_OP_POLL_REMOVE}, submitted at
 *       once): an armed poll holds a reference to the socket, which would otherwise
 *       stay open (no FIN to the peer) until the poll ends. Their last CQEs
 *       ({@code -ECANCELED}) come later and are dropped by rule 4.
 *   <li>Backpressure and EMFILE as in {@link EpollEtEcho}: stop reading a peer whose
 *       queue is full and resume by ourselves once it drains (no new CQE will come for
 *       data already there); after EMFILE, wait at most until the back-off ends
 *       (a bounded {@code io_uring_enter}) and accept unasked.
 * </ol>
 * The CQ is sized for thousands of connections ({@code IORING_SETUP_CQSIZE}); should it
 * overflow anyway, the kernel ({@code IORING_FEAT_NODROP}) holds the CQEs until the next
 * {@code io_uring_enter}, and the multishot polls that lost their {@code F_MORE} are
 * re-armed by rule 2.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model io_uring-poll</pre>
 */
final class IoUringPollEcho {
    /** SQEs per submit: a flood of connections fills it, and {@link #sqe} then submits. */
    private static final int SQ_ENTRIES = 1024;
    /** Room for a few CQEs for each of thousands of connections before the CQ overflows. */
    private static final int CQ_ENTRIES = 16384;

    // user_data: kind (4 bits) | generation (28 bits) | fd (32 bits)
    private static final long LISTEN = 1;
    private static final long READ = 2;
    private static final long WRITE = 3;
    private static final long REMOVE = 4; // the POLL_REMOVE requests' own CQEs: nothing to do

    private static final int READ_MASK = Poll.POLLIN; // POLLRDHUP, POLLERR, POLLHUP come unasked
    private static final int WRITE_MASK = Poll.POLLOUT;

    /** Rules 1 and 6 (reading) live in {@link EdgeConn#readUntilEagain}. */
    private static final class Conn extends EdgeConn {
        final int generation;
        boolean writeArmed; // a one-shot POLLOUT poll is in flight

        Conn(int fd, int generation) {
            super(fd);
            this.generation = generation;
        }
    }

    private final ConnLog log;
    private final IoUring ring;
    private final Acceptor acceptor;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(16384); // see EdgeConn#readUntilEagain
    private Conn[] byFd = new Conn[1024];
    private int generations;

    private IoUringPollEcho(ConnLog log, IoUring ring, Acceptor acceptor) {
        this.log = log;
        this.ring = ring;
        this.acceptor = acceptor;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        int listener = Net.listen(host, port, true);
        try (IoUring ring = Rings.setup(SQ_ENTRIES, CQ_ENTRIES)) {
            new IoUringPollEcho(log, ring, new Acceptor(listener, log)).serve(listener);
        }
    }

    private static long userData(long kind, int generation, int fd) {
        return kind << 60 | (long) (generation & 0x0FFF_FFFF) << 32 | Integer.toUnsignedLong(fd);
    }

    private void serve(int listener) throws IOException {
        Net.announce(listener);
        armListener(listener);
        while (true) {
            // Rule 6: after EMFILE no CQE will come for the connections already queued,
            // so the wait ends when the back-off does.
            int wait = acceptor.waitMillis();
            ring.submitAndWait(1, wait < 0 ? -1 : wait * 1_000_000L); // also flushes held overflow CQEs
            int n = ring.cqReady();
            for (int i = 0; i < n; i++) {
                complete(ring.cqeUserData(i), ring.cqeRes(i), ring.cqeFlags(i));
            }
            ring.cqAdvance(n);
            if (acceptor.retryDue()) {
                acceptAll();
            }
        }
    }

    private void complete(long userData, int res, int flags) throws IOException {
        long kind = userData >>> 60;
        int fd = (int) userData;
        boolean more = (flags & IoUring.IORING_CQE_F_MORE) != 0;
        if (kind == LISTEN) {
            if (!more) {
                armListener(fd); // rule 2
            }
            acceptAll();
            return;
        }
        Conn c = fd < byFd.length ? byFd[fd] : null;
        int generation = (int) (userData >>> 32) & 0x0FFF_FFFF;
        if ((kind != READ && kind != WRITE) || c == null || c.generation != generation) {
            return; // rule 4: a POLL_REMOVE's answer, or a closed connection's last word
        }
        if (res < 0) {
            close(c, "poll: " + Errno.name(-res));
            return;
        }
        if (kind == READ && !more) {
            armRead(c); // rule 2: e.g. this CQE met a full CQ
        }
        if (kind == WRITE) {
            c.writeArmed = false;
        }
        onReady(c, res);
    }

    private void onReady(Conn c, int revents) throws IOException {
        try {
            if ((revents & (Poll.POLLOUT | Poll.POLLHUP | Poll.POLLERR)) != 0) {
                c.out.flush(c.fd);
            }
            if ((revents & (Poll.POLLIN | Poll.POLLRDHUP | Poll.POLLHUP | Poll.POLLERR)) != 0
                    || (c.unread && !c.out.isFull())) {
                c.readUntilEagain(buf); // rule 1, and rule 6 once the queue has drained
            }
            if (c.eof && c.out.isEmpty()) {
                close(c, "peer closed");
            } else if (!c.out.isEmpty() && !c.writeArmed) {
                sqe(() -> ring.prepPollAdd(c.fd, WRITE_MASK, false, userData(WRITE, c.generation, c.fd)));
                c.writeArmed = true; // rule 3
            }
        } catch (ErrnoException e) {
            close(c, e.getMessage());
        }
    }

    /** Rule 1 for the listener: one CQE may stand for many pending connections. */
    private void acceptAll() throws IOException {
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            if (fd >= byFd.length) {
                byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
            }
            generations = (generations + 1) & 0x0FFF_FFFF; // what user_data has room for
            Conn c = new Conn(fd, generations);
            byFd[fd] = c;
            armRead(c); // a new poll checks at once: bytes that came with the connection are reported
            log.opened(fd);
        }
    }

    private void armListener(int listener) throws IOException {
        sqe(() -> ring.prepPollAdd(listener, Poll.POLLIN, true, userData(LISTEN, 0, listener)));
    }

    private void armRead(Conn c) throws IOException {
        sqe(() -> ring.prepPollAdd(c.fd, READ_MASK, true, userData(READ, c.generation, c.fd)));
    }

    /** Rule 5: remove the polls, submit that now, then close; their CQEs are dropped later. */
    private void close(Conn c, String why) throws IOException {
        byFd[c.fd] = null;
        c.out.clear(); // give its share of the budget back
        sqe(() -> ring.prepPollRemove(userData(READ, c.generation, c.fd), userData(REMOVE, c.generation, c.fd)));
        if (c.writeArmed) {
            sqe(() -> ring.prepPollRemove(userData(WRITE, c.generation, c.fd), userData(REMOVE, c.generation, c.fd)));
        }
        ring.submit();
        Net.closeQuietly(c.fd);
        log.closed(c.fd, c.echoed, why);
    }

    /** Prepares an SQE; if the SQ is full, submits what it holds and prepares again. */
    private void sqe(Prep prep) throws IOException {
        while (!prep.prep()) {
            ring.submit();
        }
    }

    private interface Prep {
        boolean prep();
    }
}
