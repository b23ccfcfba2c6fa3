package io.jmux.bench;

import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;

/**
 * N non-blocking eventfds, numbered from {@link #FD_BASE} up, the first {@code ready}
 * of them readable (counter 1, never read, so they stay readable). The fds every wait
 * scenario watches, made with jmux in every benchmark so only the measured call differs
 * between bindings. The C twin (c/ctwin.c) makes the same fds the same way.
 */
final class EventFds implements AutoCloseable {
    /**
     * The lowest fd number used. A JVM has a few dozen fds open, the C twin three: from
     * a common base, select gets the same {@code nfds} in both processes.
     */
    static final int FD_BASE = 256;

    final int[] fds;
    final int ready;
    /** The sum of the ready fds: what each wait's walk over its result must add up to. */
    final long readySum;

    private EventFds(int[] fds, int ready, long readySum) {
        this.fds = fds;
        this.ready = ready;
        this.readySum = readySum;
    }

    static EventFds open(int n, int ready) throws ErrnoException {
        int[] fds = new int[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            fds[i] = eventfdAtBase();
            if (i < ready) {
                EventFd.write(fds[i], 1);
                sum += fds[i];
            }
        }
        return new EventFds(fds, ready, sum);
    }

    /** A non-blocking eventfd moved to the lowest free number {@code >= FD_BASE}. */
    static int eventfdAtBase() throws ErrnoException {
        int fd = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        int moved = Fd.fcntl(fd, Fd.F_DUPFD_CLOEXEC, FD_BASE);
        Fd.close(fd);
        return moved;
    }

    int maxFd() {
        int max = -1;
        for (int fd : fds) {
            max = Math.max(max, fd);
        }
        return max;
    }

    @Override
    public void close() throws ErrnoException {
        for (int fd : fds) {
            Fd.close(fd);
        }
    }
}
