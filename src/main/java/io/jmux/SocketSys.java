package io.jmux;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The syscall layer under {@link Sockets}: the socket syscalls with their traced
 * wrappers and the C spellings of families, types, levels and options.
 */
final class SocketSys {
    static final int AF_INET = Native.constant("AF_INET");
    static final int AF_INET6 = Native.constant("AF_INET6");
    static final int SOCK_NONBLOCK = Native.constant("SOCK_NONBLOCK");
    static final int SOCK_CLOEXEC = Native.constant("SOCK_CLOEXEC");
    private static final int SOL_SOCKET = Native.constant("SOL_SOCKET");
    private static final int IPPROTO_TCP = Native.constant("IPPROTO_TCP");
    private static final int IPPROTO_IPV6 = Native.constant("IPPROTO_IPV6");

    private static final CNames FAMILIES = CNames.of("AF_");
    private static final CNames TYPES = CNames.of("SOCK_", "SOCK_NONBLOCK");
    private static final CNames TYPE_FLAGS = CNames.of("SOCK_NONBLOCK");
    private static final CNames CLOEXEC_FLAG = CNames.of("SOCK_CLOEXEC");
    private static final CNames SHUT = CNames.of("SHUT_");
    private static final CNames SO = CNames.of("SO_", "SO_MAX");
    private static final CNames TCP = CNames.of("TCP_");
    private static final CNames IPV6 = CNames.of("IPV6_");

    private SocketSys() {}

    static int socket(int domain, int type, int protocol) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = socket0(domain, type, protocol);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "socket(" + domain(domain) + ", " + sockType(type) + ", " + protocol + ")");
        }
        return r;
    }

    /** Both fds packed (first low), or -errno. */
    static long socketpair(int domain, int type, int protocol) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        long r = socketpair0(domain, type, protocol);
        if (Trace.ON) {
            Trace.emit(t0, r < 0 ? (int) r : 0, () -> "socketpair(" + domain(domain) + ", "
                    + sockType(type) + ", " + protocol + ", " + Trace.fdPair(r) + ")");
        }
        return r;
    }

    static int setsockopt(int fd, int level, int name, int value) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = setsockopt0(fd, level, name, value);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "setsockopt(" + fd + ", " + level(level) + ", " + option(level, name)
                    + ", [" + value + "], 4)");
        }
        return r;
    }

    static int getsockopt(int fd, int level, int name, int[] valueOut) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = getsockopt0(fd, level, name, valueOut);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "getsockopt(" + fd + ", " + level(level) + ", " + option(level, name)
                    + ", " + (r < 0 ? "?" : "[" + valueOut[0] + "]") + ", [4])");
        }
        return r;
    }

    static int bind(int fd, InetSocketAddress a, byte[] ip, int scope) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = bind0(fd, ip, a.getPort(), scope);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "bind(" + fd + ", " + sockaddr(a) + ")");
        }
        return r;
    }

    static int connect(int fd, InetSocketAddress a, byte[] ip, int scope) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = connect0(fd, ip, a.getPort(), scope);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "connect(" + fd + ", " + sockaddr(a) + ")");
        }
        return r;
    }

    static int listen(int fd, int backlog) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = listen0(fd, backlog);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "listen(" + fd + ", " + backlog + ")");
        }
        return r;
    }

    static int accept4(int fd, int flags) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = accept40(fd, flags);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "accept4(" + fd + ", NULL, NULL, " + sockFlags(flags) + ")");
        }
        return r;
    }

    static int shutdown(int fd, int how) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = shutdown0(fd, how);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "shutdown(" + fd + ", " + shutHow(how) + ")");
        }
        return r;
    }

    /** getsockname/getpeername: the family (or -errno), and what it wrote into ip/portScope. */
    static int sockname(boolean peer, int fd, byte[] ip, int[] portScope) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int family = peer ? getpeername0(fd, ip, portScope) : getsockname0(fd, ip, portScope);
        if (Trace.ON) {
            Trace.emit(t0, family < 0 ? family : 0, () -> (peer ? "getpeername(" : "getsockname(") + fd
                    + ", " + (family < 0 ? "?" : rawSockaddr(family, ip, portScope[0])) + ")");
        }
        return family;
    }

    static String domain(int domain) {
        return FAMILIES.value(domain);
    }

    static String sockType(int type) {
        int flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
        String name = TYPES.value(type & ~flags);
        return (type & flags) == 0 ? name : name + "|" + sockFlags(type & flags);
    }

    static String sockFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        int rest = flags;
        if ((flags & SOCK_NONBLOCK) != 0) {
            sb.append(TYPE_FLAGS.flags(SOCK_NONBLOCK));
            rest &= ~SOCK_NONBLOCK;
        }
        if ((flags & SOCK_CLOEXEC) != 0) {
            sb.append(sb.length() > 0 ? "|" : "").append(CLOEXEC_FLAG.flags(SOCK_CLOEXEC));
            rest &= ~SOCK_CLOEXEC;
        }
        if (rest != 0 || sb.length() == 0) {
            sb.append(sb.length() > 0 ? "|" : "").append(rest == 0 ? "0" : "0x" + Integer.toHexString(rest));
        }
        return sb.toString();
    }

    static String level(int level) {
        return level == SOL_SOCKET ? "SOL_SOCKET" : level == IPPROTO_TCP ? "IPPROTO_TCP"
                : level == IPPROTO_IPV6 ? "IPPROTO_IPV6" : Integer.toString(level);
    }

    static String option(int level, int name) {
        return level == SOL_SOCKET ? SO.value(name) : level == IPPROTO_TCP ? TCP.value(name)
                : level == IPPROTO_IPV6 ? IPV6.value(name) : Integer.toString(name);
    }

    static String shutHow(int how) {
        return SHUT.value(how);
    }

    static String sockaddr(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        boolean v6 = ip instanceof java.net.Inet6Address;
        return "{" + (v6 ? "AF_INET6, [" : "AF_INET, ") + ip.getHostAddress() + (v6 ? "]:" : ":")
                + a.getPort() + "}";
    }

    private static String rawSockaddr(int family, byte[] ip, int port) {
        if (family != AF_INET && family != AF_INET6) {
            return "{" + domain(family) + "}";
        }
        try {
            byte[] bytes = family == AF_INET ? Arrays.copyOf(ip, 4) : ip;
            return sockaddr(new InetSocketAddress(InetAddress.getByAddress(bytes), port));
        } catch (UnknownHostException e) {
            return "{" + domain(family) + ", ?}";
        }
    }

    private static native int socket0(int domain, int type, int protocol);

    private static native long socketpair0(int domain, int type, int protocol);

    private static native int setsockopt0(int fd, int level, int name, int value);

    private static native int getsockopt0(int fd, int level, int name, int[] valueOut);

    private static native int bind0(int fd, byte[] address, int port, int scopeId);

    private static native int connect0(int fd, byte[] address, int port, int scopeId);

    private static native int listen0(int fd, int backlog);

    private static native int accept40(int fd, int flags);

    private static native int shutdown0(int fd, int how);

    private static native int getsockname0(int fd, byte[] addressOut, int[] portScopeOut);

    private static native int getpeername0(int fd, byte[] addressOut, int[] portScopeOut);
}
