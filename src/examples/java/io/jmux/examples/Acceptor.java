package io.jmux.examples;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.Sockets;

/**
 * A non-blocking listener, and what the servers do when {@code accept4} fails because
 * the process is out of fds (EMFILE, or ENFILE for the whole system).
 *
 * <p>The connections behind the failure stay in the kernel's listen queue. A server
 * that simply tries again at its next readiness report gets one of two wrong answers:
 * <ul>
 *   <li>level-triggered (select, poll, epoll): the listener stays readable, so every
 *       wait returns at once and the loop spins on EMFILE;
 *   <li>edge-triggered (EPOLLET): the edge was spent on the failed accept, and no new
 *       edge comes for connections already queued: they wait for good, or until some
 *       new connection happens to arrive.
 * </ul>
 * So on EMFILE the acceptor <em>backs off</em>: {@link #next()} answers -1 for
 * {@value #BACKOFF_MILLIS} ms, the server stops watching the listener (level-triggered)
 * and bounds its wait by {@link #waitMillis()}, and when {@link #retryDue()} it
 * watches again and accepts until EAGAIN, edge or no edge. Meanwhile the connections
 * it serves close and give their fds back.
 *
 * <p>The other well-known answer, the reserved fd (keep a spare fd open; on EMFILE
 * close it, accept the connection, close that at once, reopen the spare), empties the
 * queue by turning those clients away. That suits a server that would rather refuse
 * than keep clients waiting; these servers keep them queued and serve them once they
 * can.
 *
 * <p>Under EMFILE the JVM cannot open a class file either: a class first needed on the
 * failure path (and loaded from a directory, as the tests run it) ends the server with
 * NoClassDefFoundError. That is how the servers died when their accept and close
 * helpers lived in {@code BlockingEcho}, a class the other models load only when they
 * first need it. Everything the failure path touches ({@link ConnLog}, {@link Net}, this
 * class, jmux's exception, which jmux loads up front) is loaded before the first
 * accept: keep it so.
 */
final class Acceptor {
    /** How long to stop accepting after EMFILE: long enough not to spin, short enough not to matter. */
    static final long BACKOFF_MILLIS = 100;

    private final int fd;
    private final ConnLog log;
    private boolean backingOff;
    private long retryAt; // System.nanoTime() at which the back-off ends

    Acceptor(int listenerFd, ConnLog log) {
        this.fd = listenerFd;
        this.log = log;
    }

    /** The listening socket. */
    int fd() {
        return fd;
    }

    /**
     * The next connection waiting on the listener:
     * {@code accept4(listener, SOCK_NONBLOCK | SOCK_CLOEXEC)}, then TCP_NODELAY on it.
     * Returns the new fd, or -1 once the backlog is drained (the kernel's EAGAIN), while
     * backing off, or when accept failed (logged; EMFILE starts a back-off). A connection
     * that gave up while queued (ECONNABORTED) is skipped and the next one taken:
     * stopping there would strand those behind it under edge-triggered epoll.
     */
    int next() {
        while (!backingOff) {
            int conn;
            try {
                conn = Sockets.accept4(fd, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ECONNABORTED) {
                    log.note("accept failed: " + e.getMessage());
                    continue;
                }
                // Out of fds, or something unexpected: retry later, neither spin nor give up.
                log.note("accept failed: " + e.getMessage() + "; retrying in " + BACKOFF_MILLIS + " ms");
                backOff();
                return -1;
            }
            if (Errno.isWouldBlock(conn)) {
                return -1;
            }
            try {
                Net.noDelay(conn);
            } catch (ErrnoException e) {
                log.note("setsockopt(TCP_NODELAY) on fd " + conn + ": " + e.getMessage());
            }
            return conn;
        }
        return -1;
    }

    private void backOff() {
        backingOff = true;
        retryAt = System.nanoTime() + BACKOFF_MILLIS * 1_000_000L;
    }

    /** True after accept failed, until {@link #retryDue()} ends the back-off. */
    boolean backingOff() {
        return backingOff;
    }

    /** The timeout for the next readiness wait: -1 (none) unless a retry is pending. */
    int waitMillis() {
        if (!backingOff) {
            return -1;
        }
        long left = retryAt - System.nanoTime();
        return left <= 0 ? 0 : (int) Math.max(1, left / 1_000_000L); // at least 1: no spin on a rounded 0
    }

    /**
     * True (once) when the back-off has run out: the caller watches the listener again
     * and calls {@link #next()} until -1, without waiting for a readiness report.
     */
    boolean retryDue() {
        if (backingOff && System.nanoTime() - retryAt >= 0) {
            backingOff = false;
            return true;
        }
        return false;
    }
}
