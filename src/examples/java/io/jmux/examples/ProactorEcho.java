package io.jmux.examples;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.IoUring;
import io.jmux.IoUringBufRing;
import io.jmux.Sockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Model 5, the proactor, on {@code io_uring(7)}: the server asks the kernel to <em>do</em>
 * the I/O and is told when it is done. It never calls {@code read}, {@code write},
 * {@code recv} or {@code send}; it puts requests in the submission queue and reaps their
 * completions:
 * <ul>
 *   <li>one <b>multishot ACCEPT</b> on the listener: every connection is one CQE whose res
 *       is the new fd;
 *   <li>one <b>multishot RECV</b> per connection with {@code IOSQE_BUFFER_SELECT}: when
 *       bytes arrive, the kernel takes a buffer from the provided buffer ring, copies the
 *       bytes into it, and posts a CQE naming the buffer ({@code flags >> 16});
 *   <li>a <b>SEND</b> of that very buffer back (no copy in Java); the buffer goes back to
 *       the ring ({@link IoUringBufRing#provide}) only once its send has completed, since
 *       until then the kernel reads it;
 *   <li>{@code ASYNC_CANCEL}, {@code CLOSE} and a {@code TIMEOUT} (the EMFILE back-off).
 * </ul>
 *
 * <p><b>Order.</b> Each connection has at most one SEND in flight: its received buffers
 * wait in a queue and the next goes out when the previous has completed. A short send
 * (res smaller than asked) sends the rest of the same buffer first. Two sends in flight on
 * one socket could be executed out of order by the kernel.
 *
 * <p><b>Who holds memory.</b> Every byte the server holds is in the buffer ring:
 * {@value #BUFFERS} buffers of {@value #BUFFER_SIZE} bytes, allocated once. When every
 * buffer is out, the kernel cannot receive for us: the multishot recv ends with
 * {@code -ENOBUFS} and the bytes stay in the socket, where TCP's window slows the peer down.
 * So the ring <em>is</em> the global memory bound: 32 MiB off the heap, allocated at start,
 * that no number of peers makes grow (the heap holds one small {@code Conn} per
 * connection). The rules below decide who gets it:
 * <ul>
 *   <li>a connection holding {@value #MAX_HELD} buffers (bytes received and not yet sent
 *       back: its peer reads slowly or not at all) stops receiving: its multishot recv is
 *       cancelled, and armed again once it holds no more than {@value #RESUME_HELD};
 *   <li>while fewer than {@value #RESERVE} buffers are free, a connection that holds any
 *       stops receiving too, so the last buffers go to connections whose echoes flow;
 *   <li>a connection whose recv ended with ENOBUFS waits in a queue, and is armed again
 *       when buffers come back (at most one connection per free buffer).
 * </ul>
 * A cancel is not instant: buffers the kernel filled before it took effect still arrive,
 * up to what the socket held, which a fixed {@code SO_RCVBUF} of {@value #RCVBUF} bytes
 * bounds (autotuned, it grows to megabytes: one wake-up of a peer that pushed 8 MiB took
 * hundreds of buffers, and 100 such peers left none for anyone else)
 * (with {@code IORING_SETUP_DEFER_TASKRUN} the kernel receives only while this thread is
 * in {@code io_uring_enter}, and the cancel is submitted before that work runs, so the
 * overshoot is what one wait delivered). It takes nothing beyond the ring.
 *
 * <p><b>Completions that outlive a connection.</b> Every request's user_data encodes the
 * kind of request, the connection's slot and the slot's generation. On close, the server
 * cancels what is in flight on the fd, waits until every request of the connection has
 * posted its last CQE (one without {@code IORING_CQE_F_MORE}), then closes the fd with a
 * CLOSE request; only then are its buffers given back and the slot reused, under a new
 * generation. A CQE whose generation does not match is stale and ignored (its buffer, if
 * any, is given back): the fd number may already be someone else's.
 *
 * <p><b>EMFILE.</b> A multishot accept that fails for want of fds posts {@code -EMFILE}
 * (and ends, or is cancelled so it does not repeat the failure); the connections stay in
 * the listen queue. As in {@link Acceptor}, the server backs off {@value #BACKOFF_MILLIS}
 * ms — an {@code IORING_OP_TIMEOUT}, so the wait for completions needs no timeout — and
 * then arms the accept again, which takes every queued connection.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model proactor</pre>
 */
final class ProactorEcho {
    static final int SQ_ENTRIES = 1024;
    /** Room for a burst of completions from thousands of connections; an overflow is held, not lost. */
    static final int CQ_ENTRIES = 16384;
    static final int BUFFERS = 2048;
    static final int BUFFER_SIZE = 16384;
    static final int MAX_HELD = 8;
    static final int RESUME_HELD = 2;
    static final int RESERVE = BUFFERS / 4;
    /** SO_RCVBUF of each connection (the kernel doubles it): a few buffers per wake-up at most. */
    static final int RCVBUF = 32 * 1024;
    static final long BACKOFF_MILLIS = Acceptor.BACKOFF_MILLIS;
    private static final int BGID = 1;

    // user_data = kind << 56 | slot << 32 | generation
    private static final int ACCEPT = 1;
    private static final int RECV = 2;
    private static final int SEND = 3;
    private static final int CANCEL = 4;
    private static final int CLOSE = 5;
    private static final int BACKOFF = 6;
    private static final int CANCEL_ACCEPT = 7;

    /** One connection's state; a slot is reused (next generation) only when all its requests are done. */
    private static final class Conn {
        final int slot;
        int generation;
        int fd = -1;
        int inFlight; // requests of this connection that have not posted their last CQE
        boolean recvArmed;
        boolean recvCancelling;
        boolean sendInFlight;
        boolean starved; // recv ended with ENOBUFS: waits for buffers
        boolean paused; // over MAX_HELD, not yet back to RESUME_HELD
        boolean eof;
        boolean closing;
        boolean closeSubmitted;
        String why;
        long echoed;
        // buffers received and not yet sent back, oldest first: ids and byte counts
        int[] bids = new int[MAX_HELD * 4];
        int[] lens = new int[MAX_HELD * 4];
        int head;
        int held;
        int sentOfHead; // bytes of the oldest buffer already sent (short sends)

        Conn(int slot) {
            this.slot = slot;
        }

        void add(int bid, int len) {
            if (held == bids.length) {
                int[] b = new int[held * 2];
                int[] l = new int[held * 2];
                for (int i = 0; i < held; i++) {
                    b[i] = bids[(head + i) % held];
                    l[i] = lens[(head + i) % held];
                }
                bids = b;
                lens = l;
                head = 0;
            }
            int at = (head + held) % bids.length;
            bids[at] = bid;
            lens[at] = len;
            held++;
        }

        int headBid() {
            return bids[head];
        }

        int headLen() {
            return lens[head];
        }

        void removeHead() {
            head = (head + 1) % bids.length;
            held--;
            sentOfHead = 0;
        }
    }

    private final IoUring ring;
    private final IoUringBufRing buffers;
    private final ConnLog log;
    private final int listener;
    private Conn[] slots = new Conn[64];
    private final ArrayDeque<Conn> freeSlots = new ArrayDeque<>();
    private final ArrayDeque<Conn> starved = new ArrayDeque<>();
    private int free = BUFFERS; // buffers the kernel may fill
    private boolean acceptArmed;
    private boolean acceptCancelling;
    private boolean backingOff;
    private long lost; // the kernel's count of CQEs it dropped
    private int nextSlot; // slots below it have been used; free ones wait in freeSlots

    private ProactorEcho(IoUring ring, IoUringBufRing buffers, int listener, ConnLog log) {
        this.ring = ring;
        this.buffers = buffers;
        this.listener = listener;
        this.log = log;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        if (!IoUring.isSupported()) {
            throw new IOException("the proactor needs io_uring: " + IoUring.unavailabilityCause());
        }
        int listener = Net.listen(host, port, true);
        try (IoUring ring = Rings.setup(SQ_ENTRIES, CQ_ENTRIES)) {
            IoUringBufRing buffers = ring.registerBufRing(BUFFERS, BUFFER_SIZE, BGID);
            new ProactorEcho(ring, buffers, listener, log).serve();
        }
    }

    private void serve() throws IOException {
        Net.announce(listener);
        new Conn(-1); // load Conn now: under EMFILE no class file can be opened
        armAccept();
        while (true) {
            try {
                ring.submitAndWait(1);
            } catch (ErrnoException e) {
                // EBUSY/EAGAIN: too much in flight or an overflow to flush; reaping makes room
                if (e.errno() != Errno.EBUSY && e.errno() != Errno.EAGAIN) {
                    throw e;
                }
            }
            int n = ring.cqReady();
            for (int i = 0; i < n; i++) {
                complete(ring.cqeUserData(i), ring.cqeRes(i), ring.cqeFlags(i));
            }
            ring.cqAdvance(n);
            armStarved();
            // With FEAT_NODROP a full CQ loses nothing: the kernel holds the CQEs and the
            // next GETEVENTS enter posts them. This counter counts those it could not hold.
            if (ring.cqOverflow() != lost) {
                lost = ring.cqOverflow();
                log.note("io_uring: " + lost + " completions lost (CQ overflow)");
            }
        }
    }

    // ---- submitting ----

    private static long userData(int kind, Conn c) {
        return (long) kind << 56 | (c == null ? 0 : (long) c.slot << 32 | (c.generation & 0xFFFFFFFFL));
    }

    /** A free SQE for the next prep: when the SQ is full, submit what is in it first. */
    private void sqe() throws ErrnoException {
        while (ring.sqSpace() == 0) {
            ring.submit();
        }
    }

    private void armAccept() throws ErrnoException {
        sqe();
        ring.prepAccept(listener, io.jmux.Sockets.SOCK_CLOEXEC, true, userData(ACCEPT, null));
        acceptArmed = true;
    }

    private void armRecv(Conn c) throws ErrnoException {
        sqe();
        ring.prepRecv(c.fd, buffers, 0, true, userData(RECV, c));
        c.recvArmed = true;
        c.inFlight++;
    }

    /** Sends (the rest of) the oldest buffer, if no send is in flight. */
    private void sendNext(Conn c) throws ErrnoException {
        if (c.sendInFlight || c.held == 0 || c.closing) {
            return;
        }
        ByteBuffer b = buffers.buffer(c.headBid()); // read at prep time: position and limit
        b.limit(c.headLen()).position(c.sentOfHead);
        sqe();
        // IORING_OP_SEND adds MSG_NOSIGNAL itself: a vanished peer is -EPIPE, not SIGPIPE.
        ring.prepSend(c.fd, b, 0, userData(SEND, c));
        c.sendInFlight = true;
        c.inFlight++;
    }

    private void cancel(long target, Conn c) throws ErrnoException {
        sqe();
        ring.prepCancel(target, 0, userData(CANCEL, c));
        c.inFlight++;
    }

    // ---- completions ----

    private void complete(long userData, int res, int flags) throws ErrnoException {
        int kind = (int) (userData >>> 56);
        if (kind == ACCEPT) {
            onAccept(res, flags);
            return;
        }
        if (kind == CANCEL_ACCEPT) {
            return; // the accept's own last CQE (-ECANCELED) is what counts
        }
        if (kind == BACKOFF) {
            backingOff = false;
            if (!acceptArmed) {
                armAccept();
            }
            return;
        }
        int slot = (int) (userData >>> 32) & 0xFFFFFF;
        Conn c = slot < slots.length ? slots[slot] : null;
        if (c == null || c.generation != (int) userData) {
            stale(flags); // a request of a connection that is gone: nothing to do
            return;
        }
        boolean last = (flags & IoUring.IORING_CQE_F_MORE) == 0;
        if (last) {
            c.inFlight--;
        }
        switch (kind) {
            case RECV:
                onRecv(c, res, flags, last);
                break;
            case SEND:
                onSend(c, res);
                break;
            case CLOSE:
                onClosed(c);
                return;
            default: // CANCEL: its result (0, -ENOENT, -EALREADY) matters less than its CQE
                break;
        }
        if (c.closing) {
            closeWhenIdle(c);
        } else if (c.eof && c.held == 0) {
            close(c, "peer closed");
        }
    }

    private void stale(int flags) {
        if ((flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            buffers.provide(flags >>> IoUring.IORING_CQE_BUFFER_SHIFT); // never counted as taken
        }
    }

    private void onAccept(int res, int flags) throws ErrnoException {
        if (res >= 0) {
            opened(res);
        } else if (res != -Errno.ECANCELED && res != -Errno.ECONNABORTED) {
            // EMFILE/ENFILE: the connection stays queued. Stop the accept (it would fail
            // again at once) and arm it again after a pause, when fds may be free.
            log.note("accept failed: " + errno(res) + "; retrying in " + BACKOFF_MILLIS + " ms");
            if (acceptArmed && !acceptCancelling && (flags & IoUring.IORING_CQE_F_MORE) != 0) {
                sqe();
                ring.prepCancel(userData(ACCEPT, null), 0, userData(CANCEL_ACCEPT, null));
                acceptCancelling = true;
            }
            if (!backingOff) {
                backingOff = true;
                sqe();
                ring.prepTimeout(BACKOFF_MILLIS * 1_000_000L, 0, 0, userData(BACKOFF, null));
            }
        } else if (res == -Errno.ECONNABORTED) {
            log.note("accept failed: " + errno(res));
        }
        if ((flags & IoUring.IORING_CQE_F_MORE) == 0) {
            acceptArmed = false;
            acceptCancelling = false;
            if (!backingOff) {
                armAccept(); // ended by the kernel's choice, or an error not worth a pause
            }
        }
    }

    private void opened(int fd) throws ErrnoException {
        try {
            Net.noDelay(fd);
        } catch (ErrnoException e) {
            log.note("setsockopt(TCP_NODELAY) on fd " + fd + ": " + e.getMessage());
        }
        try {
            // One wake-up of a multishot recv takes all the socket holds, a buffer per 16 KiB,
            // before a cancel can land: a fixed receive buffer (no autotuning to megabytes)
            // bounds that burst, so peers that push and never read cannot drain the ring.
            Sockets.setsockopt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, RCVBUF);
        } catch (ErrnoException e) {
            log.note("setsockopt(SO_RCVBUF) on fd " + fd + ": " + e.getMessage());
        }
        Conn c = newSlot();
        c.fd = fd;
        log.opened(fd);
        armRecv(c);
    }

    private void onRecv(Conn c, int res, int flags, boolean last) throws ErrnoException {
        if (last) {
            c.recvArmed = false;
            c.recvCancelling = false;
        }
        if (res > 0 && (flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            free--;
            if (c.closing) {
                giveBack(bid);
            } else {
                c.add(bid, res);
                sendNext(c);
            }
        } else if ((flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            buffers.provide(flags >>> IoUring.IORING_CQE_BUFFER_SHIFT); // not ours to keep
        }
        if (res == 0) {
            c.eof = true; // the bytes before the FIN have all been received
        } else if (res == -Errno.ENOBUFS) {
            if (!c.starved && !c.closing) {
                c.starved = true; // the data waits in the socket; armStarved re-arms
                starved.add(c);
            }
        } else if (res < 0 && res != -Errno.ECANCELED) {
            close(c, "recv: " + errno(res));
        }
        if (c.closing || c.eof) {
            return;
        }
        if (c.recvArmed) {
            if (!c.recvCancelling && !mayReceive(c)) {
                c.recvCancelling = true; // backpressure: stop taking buffers for it
                cancel(userData(RECV, c), c);
            }
        } else if (!c.starved && mayReceive(c)) {
            armRecv(c); // ended by a cancel we no longer need, or by the kernel's choice
        }
    }

    private void onSend(Conn c, int res) throws ErrnoException {
        c.sendInFlight = false;
        if (c.closing) {
            return;
        }
        if (res < 0) {
            close(c, "send: " + errno(res)); // EPIPE, ECONNRESET: the peer is gone
            return;
        }
        c.echoed += res;
        c.sentOfHead += res;
        if (c.sentOfHead == c.headLen()) {
            giveBack(c.headBid()); // its send has completed: the kernel no longer reads it
            c.removeHead();
        }
        sendNext(c); // a short send sends the rest of the same buffer
        if (!c.recvArmed && !c.starved && !c.eof && mayReceive(c)) {
            armRecv(c); // drained enough: receive again
        }
    }

    /** Backpressure: see the class comment. */
    private boolean mayReceive(Conn c) {
        c.paused = c.paused ? c.held > RESUME_HELD : c.held >= MAX_HELD;
        return !c.paused && !(c.held > 0 && free < RESERVE);
    }

    private void giveBack(int bid) {
        buffers.provide(bid);
        free++;
    }

    /** Re-arms connections whose recv ran out of buffers, one per free buffer. */
    private void armStarved() throws ErrnoException {
        int budget = free;
        while (budget > 0 && !starved.isEmpty()) {
            Conn c = starved.poll();
            c.starved = false;
            if (!c.closing && !c.eof && !c.recvArmed && mayReceive(c)) {
                armRecv(c);
                budget--;
            }
            // else: it holds buffers, so a send is in flight, and its completion re-arms it
        }
    }

    // ---- closing ----

    private void close(Conn c, String why) throws ErrnoException {
        if (c.closing) {
            return;
        }
        c.closing = true;
        c.why = why;
        if (c.recvArmed || c.sendInFlight) {
            sqe();
            ring.prepCancelFd(c.fd, IoUring.IORING_ASYNC_CANCEL_ALL, userData(CANCEL, c));
            c.inFlight++;
        }
        closeWhenIdle(c);
    }

    /** Once every request of the connection has ended, close its fd (a CLOSE request). */
    private void closeWhenIdle(Conn c) throws ErrnoException {
        if (c.inFlight == 0 && !c.closeSubmitted) {
            c.closeSubmitted = true;
            sqe();
            ring.prepClose(c.fd, userData(CLOSE, c));
            c.inFlight++;
        }
    }

    /** The fd is closed and no request refers to the connection: give back its buffers, free the slot. */
    private void onClosed(Conn c) {
        while (c.held > 0) {
            giveBack(c.headBid());
            c.removeHead();
        }
        log.closed(c.fd, c.echoed, c.why);
        slots[c.slot] = null;
        Conn next = new Conn(c.slot);
        next.generation = c.generation + 1;
        freeSlots.add(next);
    }

    private Conn newSlot() {
        Conn c = freeSlots.poll();
        if (c == null) {
            if (nextSlot == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            c = new Conn(nextSlot++);
        }
        slots[c.slot] = c;
        return c;
    }

    private static String errno(int res) {
        return Errno.name(-res) + " (" + Errno.description(-res) + ")";
    }
}
