package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import io.jmux.FdSet;
import io.jmux.Select;
import java.io.IOException;
import java.util.Arrays;

/**
 * Model 3, I/O multiplexing with {@code select(2)}: one thread sleeps in the kernel
 * until any of its fds is ready, then handles exactly the ready ones.
 *
 * <p>Two "master" fd_sets say what we want to know — every connection in the read set
 * (while its output queue has room), and a connection in the write set <em>only while
 * it has output pending</em>: a socket is writable nearly always, and asking anyway
 * would make select return at once, every time. select overwrites the sets it is given
 * with the answer, so each round copies the masters first.
 *
 * <p>The cost is in the shape of the call: each select passes the whole set in, the
 * kernel checks every fd up to {@code nfds} and writes the whole set back, and the
 * program scans it for the ready bits — O(highest fd) per call, however few are ready.
 * glibc's {@code fd_set} holds fds below {@code FD_SETSIZE} (1024); jmux's
 * {@link FdSet} can be larger, and this server grows its sets when an fd needs it (see
 * {@code lesson fd-setsize}).
 *
 * <pre>java -jar target/jmux-examples.jar echo --model select</pre>
 */
final class SelectEcho {
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
    private FdSet readMaster = new FdSet(); // what we want to know: FD_SETSIZE bits to start
    private FdSet writeMaster = new FdSet();
    private FdSet readReady = new FdSet(); // what select answered
    private FdSet writeReady = new FdSet();
    private Conn[] byFd = new Conn[FdSet.FD_SETSIZE];
    private int maxFd;

    private SelectEcho(ConnLog log) {
        this.log = log;
    }

    static void run(String host, int port, ConnLog log) throws IOException {
        new SelectEcho(log).serve(Net.listen(host, port, true));
    }

    private void serve(int listener) throws IOException {
        Net.announce(listener);
        Acceptor acceptor = new Acceptor(listener, log);
        watch(listener);
        readMaster.set(listener);
        byte[] buf = new byte[16384];
        while (true) {
            readReady.copyFrom(readMaster); // select overwrites its arguments: restore them
            writeReady.copyFrom(writeMaster);
            int waitMillis = acceptor.waitMillis();
            long timeoutMicros = waitMillis < 0 ? -1 : waitMillis * 1000L; // -1: no timeout
            Select.select(maxFd + 1, readReady, writeReady, null, timeoutMicros); // sleeps until one is ready
            if (readReady.isSet(listener) || acceptor.retryDue()) {
                acceptAll(acceptor);
            }
            for (int fd = readReady.nextSetBit(0); fd >= 0; fd = readReady.nextSetBit(fd + 1)) {
                if (fd != listener && byFd[fd] != null) {
                    onReadable(byFd[fd], buf);
                }
            }
            for (int fd = writeReady.nextSetBit(0); fd >= 0; fd = writeReady.nextSetBit(fd + 1)) {
                if (byFd[fd] != null) { // null: closed while reading above
                    onWritable(byFd[fd]);
                }
            }
        }
    }

    /** The listener's bit is cleared while backing off: a readable listener would end every select at once. */
    private void acceptAll(Acceptor acceptor) {
        // accept until EAGAIN: one readiness report can stand for several connections
        for (int fd = acceptor.next(); fd >= 0; fd = acceptor.next()) {
            watch(fd);
            byFd[fd] = new Conn(fd);
            readMaster.set(fd);
            log.opened(fd);
        }
        if (acceptor.backingOff()) {
            readMaster.clear(acceptor.fd());
        } else {
            watch(acceptor.fd()); // close() may have lowered maxFd below it while its bit was clear
            readMaster.set(acceptor.fd());
        }
    }

    /** Readable: one read (select will say again if more is there), echoed straight back. */
    private void onReadable(Conn c, byte[] buf) {
        try {
            int n = Fd.read(c.fd, buf, 0, buf.length);
            if (Errno.isWouldBlock(n)) {
                return; // rare, but select's answer is a hint, not a promise
            }
            if (n == 0) {
                c.eof = true; // the peer is done sending; finish writing back, then close
            } else {
                c.echoed += n;
                c.out.send(c.fd, buf, 0, n);
            }
            updateInterest(c);
        } catch (ErrnoException e) {
            close(c, e.getMessage());
        }
    }

    private void onWritable(Conn c) {
        try {
            c.out.flush(c.fd);
            updateInterest(c);
        } catch (ErrnoException e) {
            close(c, e.getMessage());
        }
    }

    /** Read interest while the queue has room; write interest only while output is pending. */
    private void updateInterest(Conn c) {
        if (c.eof && c.out.isEmpty()) {
            close(c, "peer closed");
            return;
        }
        if (!c.eof && !c.out.isFull()) {
            readMaster.set(c.fd);
        } else {
            readMaster.clear(c.fd);
        }
        if (c.out.isEmpty()) {
            writeMaster.clear(c.fd);
        } else {
            writeMaster.set(c.fd);
        }
    }

    private void close(Conn c, String why) {
        readMaster.clear(c.fd);
        writeMaster.clear(c.fd);
        byFd[c.fd] = null;
        c.out.clear(); // give its share of the budget back
        Net.closeQuietly(c.fd);
        log.closed(c.fd, c.echoed, why);
        while (maxFd > 0 && byFd[maxFd] == null && !readMaster.isSet(maxFd)) {
            maxFd--; // keep nfds = highest fd in use + 1: the kernel scans up to it
        }
    }

    /** Makes room for fd in every set (glibc's fd_set could not grow past 1024). */
    private void watch(int fd) {
        maxFd = Math.max(maxFd, fd);
        if (fd < readMaster.capacity()) {
            return;
        }
        int capacity = Math.max(fd + 1, 2 * readMaster.capacity());
        log.note("fd " + fd + " >= " + readMaster.capacity() + ": growing the fd_sets to "
                + capacity + " bits (the kernel reads as many bits as nfds says)");
        readMaster = grown(readMaster, capacity);
        writeMaster = grown(writeMaster, capacity);
        readReady = new FdSet(capacity);
        writeReady = new FdSet(capacity);
        byFd = Arrays.copyOf(byFd, readMaster.capacity());
    }

    private static FdSet grown(FdSet old, int capacity) {
        FdSet bigger = new FdSet(capacity);
        bigger.copyFrom(old);
        old.close();
        return bigger;
    }
}
