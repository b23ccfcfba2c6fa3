package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.SigSet;
import io.jmux.SignalFd;
import io.jmux.SignalFdInfos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Model 3 with signal-driven I/O ({@code O_ASYNC}): the kernel queues a real-time signal
 * each time an fd's readiness changes, carrying the fd ({@code si_fd}) and what changed
 * ({@code si_band}: {@code POLLIN|POLLRDNORM}, {@code POLLOUT|POLLWRNORM|POLLWRBAND}, ...).
 * No signal handler is installed: the loop thread blocks the signal and reads the
 * siginfos from a signalfd, many per {@code read}.
 *
 * <p>The set-up, per fd ({@link #arm}): {@code F_SETOWN_EX} with {@code F_OWNER_TID} to
 * the loop thread, {@code F_SETSIG} with a free real-time signal (one of
 * {@code SIGRTMIN .. SIGRTMAX-3} that {@code sigaction} shows at {@code SIG_DFL}; see
 * docs/signals.md), then {@code O_ASYNC|O_NONBLOCK}. Thread-directed, the signals reach
 * only the loop thread, which blocks them; no other JVM thread ever sees one (a
 * process-directed signal would go to any thread that does not block it, and its default
 * action ends the process).
 *
 * <p>The rules are those of edge-triggered epoll ({@link EpollEtEcho}), because a signal
 * is queued per change of state, not while the state lasts:
 * <ol>
 *   <li>A signal means "drain it": read, accept and write until EAGAIN. Several signals
 *       for one fd in one batch are handled once.
 *   <li>An fd armed after its data arrived got no signal for it: each accepted fd is
 *       tried once as soon as it is armed.
 *   <li>Backpressure: the server stops reading a peer whose output queue is full, and
 *       resumes the read loop itself once the queue drains (the signal that brought the
 *       data was spent).
 *   <li>EMFILE: connections left in the listen queue bring no new signal, so after the
 *       {@link Acceptor}'s back-off the server accepts again unasked; the bounded wait is
 *       {@code poll} on the signalfd, which is an fd like any other.
 *   <li>The queue of real-time signals is bounded ({@code RLIMIT_SIGPENDING},
 *       {@code ulimit -i}). When it is full the kernel sends plain SIGIO instead, to the
 *       same owner (fs/fcntl.c, {@code send_sigio_to_task}: both sends use the owner's
 *       pid type, a thread for {@code F_OWNER_TID}). SIGIO's default action also ends
 *       the process, so the loop thread blocks it and reads it from the same signalfd.
 *       It says nothing about which fd: events were lost, so every fd is tried.
 *   <li>A closed fd's number is reused by the next accept, and siginfos for the old one
 *       may still be queued. They are harmless: they make a non-blocking read or write
 *       on whatever now has that number, which at worst answers EAGAIN.
 * </ol>
 *
 * <pre>java -jar target/jmux-examples.jar echo --model sigio</pre>
 */
final class SigioEcho {
    /** Rules 1 and 3 live in {@link EdgeConn#readUntilEagain}. */
    private static final class Conn extends EdgeConn {
        int band; // what the signals of this batch reported; 0: not in the batch

        Conn(int fd) {
            super(fd);
        }
    }

    /** What a rescan assumes of every fd: it may be readable, writable, or in error. */
    private static final int ANY = Poll.POLLIN | Poll.POLLOUT | Poll.POLLERR | Poll.POLLHUP;

    private final ConnLog log;
    private final int sig;
    private final int tid;
    private Conn[] byFd = new Conn[1024];
    private Conn[] batch = new Conn[256]; // the connections a batch of siginfos named, each once
    private int batched;
    private long overflows;

    private SigioEcho(ConnLog log, int sig, int tid) {
        this.log = log;
        this.sig = sig;
        this.tid = tid;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        int sig = freeSignal();
        try (SigSet set = new SigSet().add(sig).add(SignalFd.SIGIO);
                SignalFdInfos infos = new SignalFdInfos(256);
                PollFds wait = new PollFds(1)) {
            // This thread only: the other JVM threads keep their masks, and get no signal.
            SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);
            try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_CLOEXEC)) {
                int listener = Net.listen(host, port, true);
                wait.add(sfd.fd(), Poll.POLLIN);
                Poll.poll(wait, 0); // loads Poll now: under EMFILE no class file can be opened
                new SigioEcho(log, sig, Fd.gettid()).serve(listener, sfd, infos, wait);
            }
        }
    }

    /**
     * The first real-time signal from {@code SIGRTMIN .. SIGRTMAX-3} that nobody in the
     * process has claimed ({@code sigaction} answers {@code SIG_DFL}); {@code SIGRTMAX-2}
     * is the JDK's wake-up signal, and the last two are left to others.
     */
    private static int freeSignal() throws IOException {
        for (int s = SignalFd.sigrtmin(); s <= SignalFd.sigrtmax() - 3; s++) {
            if (s != SignalFd.WAKE_SIGNAL && SignalFd.sigaction(s) == SignalFd.SIG_DFL) {
                return s;
            }
        }
        throw new IOException("no free real-time signal in SIGRTMIN..SIGRTMAX-3");
    }

    /** F_SETOWN_EX to the loop thread, F_SETSIG, then O_ASYNC: from now on changes are signalled. */
    private void arm(int fd) throws ErrnoException {
        Fd.setOwnEx(fd, Fd.F_OWNER_TID, tid);
        Fd.fcntl(fd, Fd.F_SETSIG, sig);
        Fd.setFl(fd, Fd.getFl(fd) | Fd.O_ASYNC | Fd.O_NONBLOCK);
    }

    private void serve(int listener, SignalFd sfd, SignalFdInfos infos, PollFds wait) throws IOException {
        arm(listener);
        Net.announce(listener);
        log.note("signal-driven I/O: signal " + sig + " and SIGIO blocked in thread " + tid
                + ", read from signalfd " + sfd.fd());
        Acceptor acceptor = new Acceptor(listener, log);
        acceptAll(acceptor); // rule 2 for the listener: a client may have come before O_ASYNC
        while (true) {
            // Rule 4: while backing off, wait at most until the retry is due.
            int n = acceptor.backingOff() && Poll.poll(wait, acceptor.waitMillis()) == 0 ? 0 : sfd.read(infos);
            boolean overflow = false;
            boolean listenerReady = false;
            for (int i = 0; i < n; i++) {
                if (infos.ssi_signo(i) != sig) {
                    overflow = true; // SIGIO: the queue was full, and the signals it refused are gone
                } else if (infos.ssi_fd(i) == listener) {
                    listenerReady = true;
                } else {
                    note(infos.ssi_fd(i), infos.ssi_band(i));
                }
            }
            if (overflow) {
                rescan();
            }
            serveBatch();
            if (listenerReady || overflow || acceptor.retryDue()) {
                acceptAll(acceptor);
            }
        }
    }

    /** Adds the reported fd's band to its connection, and the connection to the batch once. */
    private void note(int fd, int band) {
        Conn c = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
        if (c == null) {
            return; // a stale siginfo for an fd already closed, and not reused yet
        }
        if (c.band == 0) {
            if (batched == batch.length) {
                batch = Arrays.copyOf(batch, batched * 2);
            }
            batch[batched++] = c;
        }
        c.band |= band | Poll.POLLNVAL; // POLLNVAL: "in the batch", even if the band were 0
    }

    /** Rule 5: SIGIO says only that signals were lost: every connection may be ready. */
    private void rescan() {
        overflows++;
        int conns = 0;
        for (Conn c : byFd) {
            if (c != null) {
                note(c.fd, ANY);
                conns++;
            }
        }
        log.note("SIGIO #" + overflows + ": the real-time signal queue was full; accepting, and trying all "
                + conns + " connections");
    }

    private void serveBatch() {
        for (int i = 0; i < batched; i++) {
            Conn c = batch[i];
            batch[i] = null;
            int band = c.band;
            c.band = 0;
            if (byFd[c.fd] == c) { // not closed earlier in this batch
                onSignal(c, band);
            }
        }
        batched = 0;
    }

    /** Rule 1 for the listener: one signal may stand for many pending connections. */
    private void acceptAll(Acceptor acceptor) {
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            try {
                arm(fd);
            } catch (ErrnoException e) {
                log.note("cannot arm fd " + fd + " for signals: " + e.getMessage());
                Net.closeQuietly(fd);
                continue;
            }
            if (fd >= byFd.length) {
                byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
            }
            Conn c = new Conn(fd);
            byFd[fd] = c;
            log.opened(fd);
            onSignal(c, Poll.POLLIN); // rule 2: bytes (or a FIN) that came before O_ASYNC sent no signal
        }
    }

    private void onSignal(Conn c, int band) {
        try {
            if ((band & (Poll.POLLOUT | Poll.POLLERR | Poll.POLLHUP)) != 0) {
                c.out.flush(c.fd); // room again: write until EAGAIN
            }
            if ((band & (Poll.POLLIN | Poll.POLLERR | Poll.POLLHUP)) != 0 || (c.unread && !c.out.isFull())) {
                c.readUntilEagain(buf); // rule 1, and rule 3 once the queue has drained
            }
            if (c.eof && c.out.isEmpty()) {
                close(c, "peer closed");
            }
        } catch (ErrnoException e) {
            close(c, e.getMessage());
        }
    }

    private final ByteBuffer buf = ByteBuffer.allocateDirect(16384); // see EdgeConn#readUntilEagain

    /** close() also ends the fd's O_ASYNC registration; queued siginfos for it stay (rule 6). */
    private void close(Conn c, String why) {
        byFd[c.fd] = null;
        c.out.clear(); // give its share of the budget back
        Net.closeQuietly(c.fd);
        log.closed(c.fd, c.echoed, why);
    }
}
