package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.Sockets;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What every echo server shares: the listening socket and its announcement, and the
 * small helpers (a quiet close, a sleep). Every server loads this class before its
 * first accept, which matters when the fd table fills (see {@link Acceptor}).
 */
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
     * {@code setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)} on an accepted connection: an
     * echo is a small write answering a small read, which Nagle's algorithm would hold
     * back until the previous segment is acknowledged.
     */
    static void noDelay(int fd) throws ErrnoException {
        Sockets.setsockopt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
    }

    /** {@code close(fd)}, with a failure only logged: for cleanup paths that cannot do better. */
    static void closeQuietly(int fd) {
        try {
            Fd.close(fd);
        } catch (ErrnoException e) {
            System.err.println("close(" + fd + "): " + e.getMessage());
        }
    }

    /** {@code Thread.sleep}, keeping the interrupt status instead of throwing. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
