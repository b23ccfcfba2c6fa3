package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SocketsTest {
    private final Fds fds = new Fds();

    @AfterEach
    void closeFds() {
        fds.close();
    }

    private int listener(InetAddress ip) throws ErrnoException {
        int domain = ip instanceof Inet6Address ? Sockets.AF_INET6 : Sockets.AF_INET;
        int fd = fds.track(Sockets.socket(domain, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK
                | Sockets.SOCK_CLOEXEC, 0));
        Sockets.setReuseAddress(fd, true);
        assertEquals(1, Sockets.getsockopt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR));
        Sockets.bind(fd, new InetSocketAddress(ip, 0));
        Sockets.listen(fd, Sockets.SOMAXCONN);
        return fd;
    }

    private void roundTrip(InetAddress ip) throws Exception {
        int listener = listener(ip);
        InetSocketAddress local = Sockets.getsockname(listener);
        assertEquals(ip, local.getAddress());
        assertTrue(local.getPort() > 0);
        assertEquals(-Errno.EAGAIN, Sockets.accept4(listener, 0), "nothing pending yet");

        int domain = ip instanceof Inet6Address ? Sockets.AF_INET6 : Sockets.AF_INET;
        int client = fds.track(Sockets.socket(domain, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK, 0));
        int r = Sockets.connect(client, local);
        assertTrue(r == 0 || r == -Errno.EINPROGRESS, "connect returned " + r);

        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
            ep.add(client, Epoll.EPOLLOUT);
            assertEquals(1, ep.wait(ev, 5000), "non-blocking connect completes: writable");
            assertEquals(0, Sockets.getsockopt(client, Sockets.SOL_SOCKET, Sockets.SO_ERROR));
            ep.add(listener, Epoll.EPOLLIN);
            ep.delete(client);
            assertEquals(1, ep.wait(ev, 5000));
            assertEquals(listener, ev.fd(0));
        }
        int conn = fds.track(Sockets.accept4(listener, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC));
        assertTrue(conn >= 0);
        assertTrue(Fd.isNonBlocking(conn), "accept4 applied SOCK_NONBLOCK");
        assertEquals(Sockets.getsockname(client), Sockets.getpeername(conn));
        Sockets.setsockopt(conn, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);

        Fds.write(client, "ping");
        ByteBuffer in = ByteBuffer.allocateDirect(16);
        int n;
        while ((n = Fd.read(conn, in)) == -Errno.EAGAIN) {
            Thread.onSpinWait();
        }
        assertEquals(4, n);
        Sockets.shutdown(client, Sockets.SHUT_WR);
        in.clear();
        while ((n = Fd.read(conn, in)) == -Errno.EAGAIN) {
            Thread.onSpinWait();
        }
        assertEquals(0, n, "EOF after SHUT_WR");
    }

    @Test
    void tcpOverIpv4Loopback() throws Exception {
        roundTrip(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void tcpOverIpv6Loopback() throws Exception {
        boolean hasV6 = NetworkInterface.getByInetAddress(InetAddress.getByName("::1")) != null;
        Assumptions.assumeTrue(hasV6, "no ::1 on this machine");
        roundTrip(InetAddress.getByName("::1"));
    }

    @Test
    void connectRefusedIsThrownWithSymbol() throws Exception {
        int listener = listener(InetAddress.getLoopbackAddress());
        InetSocketAddress addr = Sockets.getsockname(listener);
        fds.close(listener); // nobody listens on that port now
        int client = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM, 0));
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sockets.connect(client, addr));
        assertEquals(Errno.ECONNREFUSED, e.errno());
        assertTrue(e.getMessage().startsWith("connect(fd=" + client + ", 127.0.0.1:" + addr.getPort() + "): ECONNREFUSED"),
                e.getMessage());
    }

    @Test
    void bindInUseIsEaddrinuse() throws Exception {
        int a = listener(InetAddress.getLoopbackAddress());
        int b = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM, 0));
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sockets.bind(b, Sockets.getsockname(a)));
        assertEquals(Errno.EADDRINUSE, e.errno());
        assertThrows(IllegalArgumentException.class,
                () -> Sockets.bind(b, InetSocketAddress.createUnresolved("localhost", 1)));
    }

    /** A java.nio SocketChannel's fd watched by jmux, the data then read with the channel. */
    @Test
    void socketChannelInterop() throws Exception {
        int listener = listener(InetAddress.getLoopbackAddress());
        try (SocketChannel ch = SocketChannel.open(Sockets.getsockname(listener));
             Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            int conn;
            while ((conn = Sockets.accept4(listener, Sockets.SOCK_CLOEXEC)) == -Errno.EAGAIN) {
                Thread.onSpinWait();
            }
            fds.track(conn);
            int chFd = Fd.fdOf(ch);
            assertTrue(chFd >= 0);
            assertEquals(Sockets.getsockname(chFd), ch.getLocalAddress());

            ep.add(chFd, Epoll.EPOLLIN);
            assertEquals(0, ep.wait(ev, 0));
            Fds.write(conn, "from jmux");
            assertEquals(1, ep.wait(ev, 5000));
            assertEquals(chFd, ev.fd(0));
            ByteBuffer got = ByteBuffer.allocate(32);
            assertEquals(9, ch.read(got));
            assertEquals("from jmux", new String(got.array(), 0, 9));
            ep.delete(chFd);
        }
        SocketChannel closed = SocketChannel.open();
        closed.close();
        assertThrows(IllegalArgumentException.class, () -> Fd.fdOf(closed));
        assertEquals(0, Fd.fdOf(java.io.FileDescriptor.in));
    }
}
