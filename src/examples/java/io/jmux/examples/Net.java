package io.jmux.examples;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.Sockets;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The socket set-up every echo server shares: a listening socket and its announcement. */
final class Net {
    private Net() {}

    /**
     * {@code socket} + {@code SO_REUSEADDR} + {@code bind} + {@code listen}: a TCP
     * listening socket on host:port (port 0: the kernel picks a free one).
     *
     * @param nonBlocking create it {@code SOCK_NONBLOCK}, so {@code accept4} answers
     *     EAGAIN instead of sleeping when no connection is pending
     */
    static int listen(String host, int port, boolean nonBlocking) throws IOException {
        InetAddress ip = InetAddress.getByName(host);
        int domain = ip instanceof Inet6Address ? Sockets.AF_INET6 : Sockets.AF_INET;
        int type = Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC | (nonBlocking ? Sockets.SOCK_NONBLOCK : 0);
        int fd = Sockets.socket(domain, type, 0);
        // A restarted server can bind its port again while old connections sit in TIME_WAIT.
        Sockets.setReuseAddress(fd, true);
        Sockets.bind(fd, new InetSocketAddress(ip, port));
        Sockets.listen(fd, Sockets.SOMAXCONN);
        return fd;
    }

    /**
     * Prints {@code listening on <host>:<port>} — the one line on stdout, which scripts
     * wait for — once the socket is listening: the kernel queues connections from now on.
     */
    static void announce(int listenFd) throws ErrnoException {
        System.out.println("listening on " + format(Sockets.getsockname(listenFd)));
        System.out.flush();
    }

    /** {@code host:port}, with an IPv6 host in brackets. */
    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * The next connection waiting on a non-blocking listener:
     * {@code accept4(listener, SOCK_NONBLOCK | SOCK_CLOEXEC)}, then TCP_NODELAY on it.
     * Returns the new fd, or -1 once the backlog is drained (the kernel's EAGAIN) or
     * accept failed (logged; EMFILE backs off briefly). A connection that gave up while
     * queued (ECONNABORTED) is skipped and the next one taken: stopping there would leave
     * those behind it waiting - for good under edge-triggered epoll, where no new edge
     * comes for them.
     */
    static int acceptNext(int listener, ConnLog log) {
        while (true) {
            int fd;
            try {
                fd = Sockets.accept4(listener, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
            } catch (ErrnoException e) {
                BlockingEcho.acceptFailed(log, e);
                if (e.errno() == Errno.ECONNABORTED) {
                    continue;
                }
                return -1;
            }
            if (Errno.isWouldBlock(fd)) {
                return -1;
            }
            try {
                noDelay(fd);
            } catch (ErrnoException e) {
                log.note("setsockopt(TCP_NODELAY) on fd " + fd + ": " + e.getMessage());
            }
            return fd;
        }
    }

    /**
     * {@code setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)} on an accepted connection: an
     * echo is a small write answering a small read, which Nagle's algorithm would hold
     * back until the previous segment is acknowledged.
     */
    static void noDelay(int fd) throws ErrnoException {
        Sockets.setsockopt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
    }
}
