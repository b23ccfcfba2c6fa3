package io.jmux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * TCP/IP and Unix socket syscalls on plain fds — {@code socket}, {@code socketpair},
 * {@code setsockopt}, {@code bind}, {@code listen}, {@code accept4}, {@code connect},
 * {@code getsockname}, {@code getpeername}, {@code shutdown} — for driving the readiness
 * APIs without java.nio. IPv4 and IPv6.
 *
 * <p><b>Would-block is a result.</b> {@link #accept4} returns {@code -EAGAIN} when no
 * connection is pending on a non-blocking socket, and {@link #connect} returns
 * {@code -EINPROGRESS} while a non-blocking connect is under way (wait for
 * {@code EPOLLOUT}, then read {@link #SO_ERROR}). Other failures throw
 * {@link ErrnoException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
 */
public final class Sockets {
    /** Unix-domain sockets (for {@link #socketpair}). */
    public static final int AF_UNIX = Native.constant("AF_UNIX");
    /** IPv4. */
    public static final int AF_INET = Native.constant("AF_INET");
    /** IPv6. */
    public static final int AF_INET6 = Native.constant("AF_INET6");
    /** Byte stream (TCP for AF_INET/AF_INET6). */
    public static final int SOCK_STREAM = Native.constant("SOCK_STREAM");
    /** Datagrams (UDP for AF_INET/AF_INET6). */
    public static final int SOCK_DGRAM = Native.constant("SOCK_DGRAM");
    /** Sequenced packets (AF_UNIX). */
    public static final int SOCK_SEQPACKET = Native.constant("SOCK_SEQPACKET");
    /** Type flag: create the socket non-blocking. Also an {@link #accept4} flag. */
    public static final int SOCK_NONBLOCK = Native.constant("SOCK_NONBLOCK");
    /** Type flag: close-on-exec. Also an {@link #accept4} flag. */
    public static final int SOCK_CLOEXEC = Native.constant("SOCK_CLOEXEC");
    /** Socket-level option level. */
    public static final int SOL_SOCKET = Native.constant("SOL_SOCKET");
    /** Allow bind to a local address in TIME_WAIT. */
    public static final int SO_REUSEADDR = Native.constant("SO_REUSEADDR");
    /** Let several sockets bind the same address and port; the kernel spreads connections. */
    public static final int SO_REUSEPORT = Native.constant("SO_REUSEPORT");
    /** Read (and clear) the pending error, e.g. the outcome of a non-blocking connect. */
    public static final int SO_ERROR = Native.constant("SO_ERROR");
    /** Receive buffer size. */
    public static final int SO_RCVBUF = Native.constant("SO_RCVBUF");
    /** Send buffer size. */
    public static final int SO_SNDBUF = Native.constant("SO_SNDBUF");
    /** TCP keep-alive probes. */
    public static final int SO_KEEPALIVE = Native.constant("SO_KEEPALIVE");
    /** TCP protocol number and option level. */
    public static final int IPPROTO_TCP = Native.constant("IPPROTO_TCP");
    /** IPv6 option level. */
    public static final int IPPROTO_IPV6 = Native.constant("IPPROTO_IPV6");
    /** Disable Nagle's algorithm. */
    public static final int TCP_NODELAY = Native.constant("TCP_NODELAY");
    /** Restrict an AF_INET6 socket to IPv6 only. */
    public static final int IPV6_V6ONLY = Native.constant("IPV6_V6ONLY");
    /** {@link #shutdown}: no more receptions. */
    public static final int SHUT_RD = Native.constant("SHUT_RD");
    /** {@link #shutdown}: no more transmissions (the peer reads EOF; EPOLLRDHUP there). */
    public static final int SHUT_WR = Native.constant("SHUT_WR");
    /** {@link #shutdown}: both. */
    public static final int SHUT_RDWR = Native.constant("SHUT_RDWR");
    /** The default {@link #listen} backlog ({@code SOMAXCONN}). */
    public static final int SOMAXCONN = Native.constant("SOMAXCONN");

    private Sockets() {}

    /**
     * {@code socket(domain, type, protocol)}.
     *
     * @param domain {@link #AF_INET}, {@link #AF_INET6}, {@link #AF_UNIX}
     * @param type {@link #SOCK_STREAM} etc., optionally | {@link #SOCK_NONBLOCK} |
     *     {@link #SOCK_CLOEXEC}
     * @param protocol 0 for the default protocol of the domain and type (TCP for an
     *     AF_INET/AF_INET6 stream), or e.g. {@link #IPPROTO_TCP}
     * @return the new fd, owned by the caller
     * @throws ErrnoException {@code EAFNOSUPPORT}, {@code EPROTONOSUPPORT}, {@code EINVAL},
     *     {@code EMFILE}
     */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        int r = SocketSys.socket(domain, type, protocol);
        if (r < 0) {
            throw Sys.error(r, "socket", SocketSys.domain(domain) + ", " + SocketSys.sockType(type) + ", " + protocol);
        }
        return r;
    }

    /**
     * {@code socketpair(domain, type, protocol, sv)}: two connected sockets.
     *
     * @param domain {@link #AF_UNIX} (the only family Linux supports here)
     * @param type {@link #SOCK_STREAM}, {@link #SOCK_DGRAM} or {@link #SOCK_SEQPACKET},
     *     optionally | {@link #SOCK_NONBLOCK} | {@link #SOCK_CLOEXEC}
     * @param protocol 0
     * @return {@code {sv[0], sv[1]}}, owned by the caller
     * @throws ErrnoException {@code EAFNOSUPPORT} (a family other than AF_UNIX),
     *     {@code EOPNOTSUPP}, {@code EPROTONOSUPPORT}, {@code EMFILE}, {@code ENFILE}
     */
    public static int[] socketpair(int domain, int type, int protocol) throws ErrnoException {
        long r = SocketSys.socketpair(domain, type, protocol);
        if (r < 0) {
            throw Sys.error((int) r, "socketpair", SocketSys.domain(domain) + ", "
                    + SocketSys.sockType(type) + ", " + protocol);
        }
        return new int[] {(int) r, (int) (r >>> 32)};
    }

    /**
     * {@code setsockopt(fd, level, name, &value, sizeof(int))} for an int option.
     *
     * @param fd a socket
     * @param level {@link #SOL_SOCKET}, {@link #IPPROTO_TCP}, {@link #IPPROTO_IPV6}, ...
     * @param name an option of that level, e.g. {@link #SO_REUSEADDR}, {@link #TCP_NODELAY}
     * @param value the option's value (0 or 1 for an on/off option)
     * @throws ErrnoException {@code ENOPROTOOPT} (no such option at that level),
     *     {@code EINVAL}, {@code ENOTSOCK}, {@code EBADF}
     * @throws IllegalArgumentException if fd is negative
     */
    public static void setsockopt(int fd, int level, int name, int value) throws ErrnoException {
        Check.fd(fd);
        int r = SocketSys.setsockopt(fd, level, name, value);
        if (r < 0) {
            throw Sys.error(r, "setsockopt", "fd=" + fd + ", " + SocketSys.level(level) + ", " + SocketSys.option(level, name) + ", " + value);
        }
    }

    /**
     * {@code getsockopt(fd, level, name, &value, &len)} for an int option.
     *
     * @param fd a socket
     * @param level {@link #SOL_SOCKET}, {@link #IPPROTO_TCP}, {@link #IPPROTO_IPV6}, ...
     * @param name an option of that level, e.g. {@link #SO_ERROR}, {@link #SO_RCVBUF}
     * @return the option's value
     * @throws ErrnoException {@code ENOPROTOOPT} (no such option at that level),
     *     {@code ENOTSOCK}, {@code EBADF}
     * @throws IllegalArgumentException if fd is negative
     */
    public static int getsockopt(int fd, int level, int name) throws ErrnoException {
        Check.fd(fd);
        int[] value = new int[1];
        int r = SocketSys.getsockopt(fd, level, name, value);
        if (r < 0) {
            throw Sys.error(r, "getsockopt", "fd=" + fd + ", " + SocketSys.level(level) + ", " + SocketSys.option(level, name));
        }
        return value[0];
    }

    /**
     * {@code setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, on)}.
     *
     * @param fd a socket, before {@link #bind}
     * @param on true to allow the reuse
     * @throws ErrnoException as {@link #setsockopt}
     * @throws IllegalArgumentException if fd is negative
     */
    public static void setReuseAddress(int fd, boolean on) throws ErrnoException {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0);
    }

    /**
     * {@code bind(fd, &sockaddr, len)}: an {@link Inet4Address} becomes a
     * {@code sockaddr_in}, an {@link Inet6Address} a {@code sockaddr_in6} (with its scope
     * id). Port 0 lets the kernel pick; read it back with {@link #getsockname}.
     *
     * @param fd a socket
     * @param address the local address and port
     * @throws ErrnoException {@code EADDRINUSE}, {@code EACCES}, {@code EINVAL} (already
     *     bound), {@code EAFNOSUPPORT} (family differs from the socket's)
     * @throws IllegalArgumentException if fd is negative or the address is unresolved
     */
    public static void bind(int fd, InetSocketAddress address) throws ErrnoException {
        Check.fd(fd);
        InetAddress ip = resolved(address);
        byte[] ipBytes = ip.getAddress();
        int scope = scopeId(ip);
        int r = SocketSys.bind(fd, address, ipBytes, scope);
        if (r < 0) {
            throw Sys.error(r, "bind", "fd=" + fd + ", " + format(address));
        }
    }

    /**
     * {@code listen(fd, backlog)}: marks the socket as accepting connections.
     *
     * @param fd a stream socket, usually bound
     * @param backlog the queue length for connections not yet accepted, e.g.
     *     {@link #SOMAXCONN}; the kernel caps larger values at its {@code somaxconn}
     * @throws ErrnoException {@code EADDRINUSE}, {@code EOPNOTSUPP} (not a stream socket),
     *     {@code ENOTSOCK}, {@code EBADF}
     * @throws IllegalArgumentException if fd is negative
     */
    public static void listen(int fd, int backlog) throws ErrnoException {
        Check.fd(fd);
        int r = SocketSys.listen(fd, backlog);
        if (r < 0) {
            throw Sys.error(r, "listen", "fd=" + fd + ", backlog=" + backlog);
        }
    }

    /**
     * {@code accept4(fd, NULL, NULL, flags)}: takes a pending connection.
     * {@code EINTR} is retried.
     *
     * @param fd a listening socket
     * @param flags 0, {@link #SOCK_NONBLOCK}, {@link #SOCK_CLOEXEC}: applied to the new fd
     * @return the connected fd (owned by the caller); {@code -EAGAIN} if fd is non-blocking
     *     and no connection is pending
     * @throws ErrnoException {@code EINVAL} (not listening), {@code EMFILE},
     *     {@code ECONNABORTED}, {@code ENOTSOCK}, ...
     * @throws IllegalArgumentException if fd is negative
     */
    public static int accept4(int fd, int flags) throws ErrnoException {
        Check.fd(fd);
        int r;
        do {
            r = SocketSys.accept4(fd, flags);
        } while (r == -Sys.EINTR);
        if (r < 0 && !Errno.isWouldBlock(r)) {
            throw Sys.error(r, "accept4", "fd=" + fd);
        }
        return r;
    }

    /**
     * {@code connect(fd, &sockaddr, len)}, with the address built as {@link #bind} builds
     * it. {@code EINTR} is returned, not retried: the connection goes on, and a second
     * {@code connect} would answer {@code EALREADY}.
     *
     * @param fd a socket
     * @param address the peer's address and port
     * @return 0 when connected; {@code -EINPROGRESS} on a non-blocking socket whose
     *     connection is under way (the fd turns writable when it completes; then read
     *     {@link #SO_ERROR}); {@code -EINTR} if a signal interrupted a blocking connect,
     *     which then completes in the background like {@code -EINPROGRESS};
     *     {@code -EAGAIN} where the kernel says so
     * @throws ErrnoException {@code ECONNREFUSED}, {@code ETIMEDOUT}, {@code EISCONN},
     *     {@code EALREADY}, ...
     * @throws IllegalArgumentException if fd is negative or the address is unresolved
     */
    public static int connect(int fd, InetSocketAddress address) throws ErrnoException {
        Check.fd(fd);
        InetAddress ip = resolved(address);
        byte[] ipBytes = ip.getAddress();
        int scope = scopeId(ip);
        int r = SocketSys.connect(fd, address, ipBytes, scope);
        if (Sys.connectFailed(r)) {
            throw Sys.error(r, "connect", "fd=" + fd + ", " + format(address));
        }
        return r;
    }

    /**
     * {@code getsockname(fd, ...)}: the local address, e.g. the port the kernel chose.
     *
     * @param fd a socket
     * @return the local address and port (the wildcard address and port 0 if unbound)
     * @throws ErrnoException {@code EBADF}, {@code ENOTSOCK}
     * @throws UnsupportedOperationException for a family other than AF_INET/AF_INET6
     * @throws IllegalArgumentException if fd is negative
     */
    public static InetSocketAddress getsockname(int fd) throws ErrnoException {
        Check.fd(fd);
        byte[] ip = new byte[16];
        int[] portScope = new int[2];
        int family = SocketSys.sockname(false, fd, ip, portScope);
        return toAddress(family, ip, portScope, "getsockname", fd);
    }

    /**
     * {@code getpeername(fd, ...)}: the connected peer's address.
     *
     * @param fd a connected socket
     * @return the peer's address and port
     * @throws ErrnoException {@code ENOTCONN}, {@code EBADF}, {@code ENOTSOCK}
     * @throws UnsupportedOperationException for a family other than AF_INET/AF_INET6
     * @throws IllegalArgumentException if fd is negative
     */
    public static InetSocketAddress getpeername(int fd) throws ErrnoException {
        Check.fd(fd);
        byte[] ip = new byte[16];
        int[] portScope = new int[2];
        int family = SocketSys.sockname(true, fd, ip, portScope);
        return toAddress(family, ip, portScope, "getpeername", fd);
    }

    /**
     * {@code shutdown(fd, how)}.
     *
     * @param fd a connected socket
     * @param how {@link #SHUT_RD}, {@link #SHUT_WR}, {@link #SHUT_RDWR}
     * @throws ErrnoException {@code ENOTCONN}, {@code ENOTSOCK}, {@code EINVAL}
     * @throws IllegalArgumentException if fd is negative
     */
    public static void shutdown(int fd, int how) throws ErrnoException {
        Check.fd(fd);
        int r = SocketSys.shutdown(fd, how);
        if (r < 0) {
            throw Sys.error(r, "shutdown", "fd=" + fd + ", " + SocketSys.shutHow(how));
        }
    }

    private static InetAddress resolved(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        return address.getAddress();
    }

    private static int scopeId(InetAddress ip) {
        return ip instanceof Inet6Address ? ((Inet6Address) ip).getScopeId() : 0;
    }

    private static String format(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static InetSocketAddress toAddress(int family, byte[] ip, int[] portScope,
                                               String syscall, int fd) throws ErrnoException {
        if (family < 0) {
            throw Sys.error(family, syscall, "fd=" + fd);
        }
        try {
            InetAddress address;
            if (family == AF_INET) {
                address = InetAddress.getByAddress(java.util.Arrays.copyOf(ip, 4));
            } else if (family == AF_INET6) {
                // As the JDK does: an IPv4-mapped address (::ffff:a.b.c.d, what a dual-stack
                // socket reports for IPv4 peers) becomes an Inet4Address.
                address = portScope[1] == 0 ? InetAddress.getByAddress(ip)
                        : Inet6Address.getByAddress(null, ip, portScope[1]);
            } else {
                throw new UnsupportedOperationException(syscall + "(fd=" + fd + "): address family "
                        + family + " is not AF_INET or AF_INET6");
            }
            return new InetSocketAddress(address, portScope[0]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
    }
}
