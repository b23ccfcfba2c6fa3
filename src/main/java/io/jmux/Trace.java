package io.jmux;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Trace mode: with {@code -Djmux.trace=true} every syscall jmux makes is printed to
 * stderr as one strace-like line — name, decoded arguments, result or errno, duration:
 *
 * <pre>
 * epoll_ctl(5, EPOLL_CTL_ADD, 7, {EPOLLIN|EPOLLET, data=7}) = 0 &lt;0.000004&gt;
 * read(7, 16384) = -1 EAGAIN (Resource temporarily unavailable) &lt;0.000002&gt;
 * </pre>
 *
 * <p>{@link #ON} is a {@code static final} read once from the property, so when it is
 * false the JIT folds every {@code if (Trace.ON)} in the callers away: tracing off costs
 * nothing. Callers take {@code t0 = Trace.ON ? System.nanoTime() : 0} just before the
 * native call and pass the kernel's raw result (n or -errno) just after; every string is
 * built here, never on the caller's path.
 *
 * <p>A trace line never changes what the call returns or throws: the hooks only read,
 * and a failure while formatting (another thread closing an event array, say) prints a
 * placeholder instead of propagating.
 *
 * <p>Names are those of the C functions jmux calls; the kernel entry point may differ
 * (glibc's {@code select} and {@code eventfd} enter the kernel as {@code pselect6} and
 * {@code eventfd2} on x86-64, which is what strace shows).
 */
final class Trace {
    /** True if {@code -Djmux.trace=true}: read once, when a traced call first runs. */
    static final boolean ON = Boolean.getBoolean("jmux.trace");

    /** At most this many events, pollfds or set bits are printed per call. */
    private static final int MAX_ITEMS = 16;

    private Trace() {}

    // ---- epoll ----

    static void epollCreate1(int flags, int r, long t0) {
        emit(t0, r, () -> "epoll_create1(" + (flags == 0 ? "0" : names(flags,
                new String[] {"EPOLL_CLOEXEC"}, new int[] {Epoll.EPOLL_CLOEXEC})) + ")");
    }

    static void epollCtl(int epfd, int op, int fd, int events, long data, int r, long t0) {
        emit(t0, r, () -> "epoll_ctl(" + epfd + ", " + Epoll.opName(op) + ", " + fd + ", {"
                + Epoll.eventNames(events) + ", data=" + data(data) + "})");
    }

    static void epollWait(int epfd, EpollEvents events, int maxEvents, int timeoutMillis, int r,
                          long t0) {
        emit(t0, r, () -> "epoll_wait(" + epfd + ", " + epollEvents(events, r) + ", " + maxEvents
                + ", " + timeoutMillis + ")");
    }

    static void epollPwait2(int epfd, EpollEvents events, int maxEvents, long timeoutNanos, int r,
                            long t0) {
        emit(t0, r, () -> "epoll_pwait2(" + epfd + ", " + epollEvents(events, r) + ", " + maxEvents
                + ", " + timespec(timeoutNanos) + ", NULL)");
    }

    private static String epollEvents(EpollEvents events, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i == MAX_ITEMS) {
                sb.append(", ...");
                break;
            }
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('{').append(Epoll.eventNames(events.events(i))).append(", data=")
                    .append(data(events.data(i))).append('}');
        }
        return sb.append(']').toString();
    }

    private static String data(long data) {
        return data >= 0 && data <= Integer.MAX_VALUE ? Long.toString(data)
                : "0x" + Long.toHexString(data);
    }

    // ---- poll ----

    static void poll(PollFds fds, int nfds, int timeoutMillis, int r, long t0) {
        emit(t0, r, () -> {
            StringBuilder sb = new StringBuilder("poll([");
            for (int i = 0; i < nfds; i++) {
                if (i == MAX_ITEMS) {
                    sb.append(", ...");
                    break;
                }
                sb.append(i > 0 ? ", " : "").append("{fd=").append(fds.fd(i)).append(", events=")
                        .append(Poll.eventNames(fds.events(i))).append('}');
            }
            sb.append("], ").append(nfds).append(", ").append(timeoutMillis).append(')');
            return sb.toString();
        }, () -> {
            if (r == 0) {
                return "0";
            }
            StringBuilder sb = new StringBuilder(r + " ([");
            int shown = 0;
            for (int i = 0; i < nfds && shown <= MAX_ITEMS; i++) {
                int revents = fds.revents(i);
                if (revents != 0) {
                    sb.append(shown > 0 ? ", " : "");
                    if (shown++ == MAX_ITEMS) {
                        sb.append("...");
                        break;
                    }
                    sb.append("{fd=").append(fds.fd(i)).append(", revents=")
                            .append(Poll.eventNames(revents)).append('}');
                }
            }
            return sb.append("])").toString();
        });
    }

    // ---- select ----

    /** The three sets before the call (select overwrites them), e.g. {@code [3 7], NULL, NULL}. */
    static String fdSets(int nfds, FdSet readfds, FdSet writefds, FdSet exceptfds) {
        try {
            return fdSet(nfds, readfds) + ", " + fdSet(nfds, writefds) + ", " + fdSet(nfds, exceptfds);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    static void select(int nfds, String setsBefore, FdSet readfds, FdSet writefds, FdSet exceptfds,
                       long timeoutMicros, int r, long t0) {
        emit(t0, r, () -> "select(" + nfds + ", " + setsBefore + ", " + timeval(timeoutMicros) + ")",
            () -> {
                if (r == 0) {
                    return "0";
                }
                // Only the words the kernel wrote: Select clears stale bits past them next.
                int limit = reportedLimit(nfds, r, readfds, writefds, exceptfds);
                StringBuilder sb = new StringBuilder();
                ready(sb, "in", limit, readfds);
                ready(sb, "out", limit, writefds);
                ready(sb, "except", limit, exceptfds);
                return r + " (" + sb + ")";
            });
    }

    /**
     * The kernel writes whole 64-bit words from fd 0 up and sets {@code ready} bits in
     * all: the fds it reported lie below the end of the word where that count is reached.
     */
    private static int reportedLimit(int nfds, int ready, FdSet r, FdSet w, FdSet x) {
        int seen = 0;
        for (int fd = 0; fd < nfds; fd++) {
            seen += isSet(r, fd) + isSet(w, fd) + isSet(x, fd);
            if (seen >= ready) {
                return Math.min(nfds, ((fd >>> 6) + 1) << 6);
            }
        }
        return nfds;
    }

    private static int isSet(FdSet set, int fd) {
        return set != null && set.isSet(fd) ? 1 : 0;
    }

    /** strace's {@code (in [7], out [7])}: the sets that came back non-empty. */
    private static void ready(StringBuilder sb, String label, int nfds, FdSet set) {
        int first = set == null ? -1 : set.nextSetBit(0);
        if (first >= 0 && first < nfds) {
            sb.append(sb.length() > 0 ? ", " : "").append(label).append(' ').append(fdSet(nfds, set));
        }
    }

    private static String fdSet(int nfds, FdSet set) {
        if (set == null) {
            return "NULL";
        }
        StringBuilder sb = new StringBuilder("[");
        int shown = 0;
        for (int fd = set.nextSetBit(0); fd >= 0 && fd < nfds; fd = set.nextSetBit(fd + 1)) {
            if (shown++ == MAX_ITEMS) {
                sb.append(" ...");
                break;
            }
            sb.append(shown > 1 ? " " : "").append(fd);
        }
        return sb.append(']').toString();
    }

    private static String timeval(long micros) {
        return micros < 0 ? "NULL" : "{tv_sec=" + micros / 1_000_000 + ", tv_usec=" + micros % 1_000_000 + "}";
    }

    private static String timespec(long nanos) {
        return nanos < 0 ? "NULL"
                : "{tv_sec=" + nanos / 1_000_000_000 + ", tv_nsec=" + nanos % 1_000_000_000 + "}";
    }

    // ---- fd ----

    /** {@code r} is {@link Fd}'s packed result: both fds, or -errno. */
    static void pipe2(int flags, long r, long t0) {
        emit(t0, r < 0 ? (int) r : 0, () -> "pipe2("
                + (r < 0 ? "?" : "[" + (int) r + ", " + (int) (r >>> 32) + "]") + ", " + openFlags(flags) + ")");
    }

    static void read(int fd, int count, int r, long t0) {
        emit(t0, r, () -> "read(" + fd + ", " + count + ")");
    }

    static void write(int fd, int count, int r, long t0) {
        emit(t0, r, () -> "write(" + fd + ", " + count + ")");
    }

    static void close(int fd, int r, long t0) {
        emit(t0, r, () -> "close(" + fd + ")");
    }

    static void fcntl(int fd, int cmd, int arg, int r, long t0) {
        boolean noArg = cmd == Fd.F_GETFL || cmd == Fd.F_GETFD;
        String argText = cmd == Fd.F_SETFL ? openFlags(arg) : cmd == Fd.F_SETFD ? fdFlags(arg)
                : Integer.toString(arg);
        // Flag words come back in hex, as strace shows them: = 0x802 (flags O_NONBLOCK|0x2)
        emit(t0, r, () -> "fcntl(" + fd + ", " + fcntlCmd(cmd) + (noArg ? "" : ", " + argText) + ")",
            () -> cmd == Fd.F_GETFL ? "0x" + Integer.toHexString(r) + " (flags " + openFlags(r) + ")"
                    : cmd == Fd.F_GETFD ? "0x" + Integer.toHexString(r) + " (flags " + fdFlags(r) + ")"
                    : Integer.toString(r));
    }

    private static String fcntlCmd(int cmd) {
        return cmd == Fd.F_GETFL ? "F_GETFL" : cmd == Fd.F_SETFL ? "F_SETFL" : cmd == Fd.F_GETFD
                ? "F_GETFD" : cmd == Fd.F_SETFD ? "F_SETFD" : cmd == Fd.F_DUPFD_CLOEXEC
                ? "F_DUPFD_CLOEXEC" : Integer.toString(cmd);
    }

    static String openFlags(int flags) {
        return names(flags, new String[] {"O_NONBLOCK", "O_CLOEXEC", "O_DIRECT"},
                new int[] {Fd.O_NONBLOCK, Fd.O_CLOEXEC, Fd.O_DIRECT});
    }

    private static String fdFlags(int flags) {
        return names(flags, new String[] {"FD_CLOEXEC"}, new int[] {Fd.FD_CLOEXEC});
    }

    // ---- eventfd ----

    static void eventfd(long initval, int flags, int r, long t0) {
        emit(t0, r, () -> "eventfd(" + initval + ", " + efdFlags(flags) + ")");
    }

    static String efdFlags(int flags) {
        return names(flags, new String[] {"EFD_CLOEXEC", "EFD_NONBLOCK", "EFD_SEMAPHORE"},
                new int[] {EventFd.EFD_CLOEXEC, EventFd.EFD_NONBLOCK, EventFd.EFD_SEMAPHORE});
    }

    /** An eventfd counter read: {@code read(9, [1], 8) = 8}. */
    static void eventfdRead(int fd, int r, long value, long t0) {
        emit(t0, r, () -> "read(" + fd + ", " + (r == 8 ? "[" + Long.toUnsignedString(value) + "]" : "?")
                + ", 8)");
    }

    static void eventfdWrite(int fd, long value, int r, long t0) {
        emit(t0, r, () -> "write(" + fd + ", [" + Long.toUnsignedString(value) + "], 8)");
    }

    // ---- sockets ----

    static void socket(int domain, int type, int protocol, int r, long t0) {
        emit(t0, r, () -> "socket(" + domain(domain) + ", " + sockType(type) + ", " + protocol + ")");
    }

    /** {@code r} is {@link Sockets}'s packed result: both fds, or -errno. */
    static void socketpair(int domain, int type, int protocol, long r, long t0) {
        emit(t0, r < 0 ? (int) r : 0, () -> "socketpair(" + domain(domain) + ", " + sockType(type)
                + ", " + protocol + ", " + (r < 0 ? "?" : "[" + (int) r + ", " + (int) (r >>> 32) + "]") + ")");
    }

    static void setsockopt(int fd, int level, int name, int value, int r, long t0) {
        emit(t0, r, () -> "setsockopt(" + fd + ", " + level(level) + ", " + option(level, name)
                + ", [" + value + "], 4)");
    }

    static void getsockopt(int fd, int level, int name, int value, int r, long t0) {
        emit(t0, r, () -> "getsockopt(" + fd + ", " + level(level) + ", " + option(level, name)
                + ", " + (r < 0 ? "?" : "[" + value + "]") + ", [4])");
    }

    static void bind(int fd, InetSocketAddress address, int r, long t0) {
        emit(t0, r, () -> "bind(" + fd + ", " + sockaddr(address) + ")");
    }

    static void connect(int fd, InetSocketAddress address, int r, long t0) {
        emit(t0, r, () -> "connect(" + fd + ", " + sockaddr(address) + ")");
    }

    static void listen(int fd, int backlog, int r, long t0) {
        emit(t0, r, () -> "listen(" + fd + ", " + backlog + ")");
    }

    static void accept4(int fd, int flags, int r, long t0) {
        emit(t0, r, () -> "accept4(" + fd + ", NULL, NULL, " + sockFlags(flags) + ")");
    }

    static void shutdown(int fd, int how, int r, long t0) {
        emit(t0, r, () -> "shutdown(" + fd + ", " + shutHow(how) + ")");
    }

    static String shutHow(int how) {
        return how == Sockets.SHUT_RD ? "SHUT_RD" : how == Sockets.SHUT_WR ? "SHUT_WR"
                : how == Sockets.SHUT_RDWR ? "SHUT_RDWR" : Integer.toString(how);
    }

    /**
     * {@code getsockname}/{@code getpeername}: {@code family} is the native result (the
     * address family, or -errno) and {@code ip}/{@code portScope} what it wrote.
     */
    static void sockname(String syscall, int fd, int family, byte[] ip, int[] portScope, long t0) {
        emit(t0, family < 0 ? family : 0, () -> syscall + "(" + fd + ", "
                + (family < 0 ? "?" : rawSockaddr(family, ip, portScope[0])) + ")");
    }

    private static String sockaddr(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        boolean v6 = ip instanceof java.net.Inet6Address;
        return "{" + (v6 ? "AF_INET6, [" : "AF_INET, ") + ip.getHostAddress() + (v6 ? "]:" : ":")
                + a.getPort() + "}";
    }

    private static String rawSockaddr(int family, byte[] ip, int port) {
        if (family != Sockets.AF_INET && family != Sockets.AF_INET6) {
            return "{" + domain(family) + "}";
        }
        try {
            byte[] bytes = family == Sockets.AF_INET ? Arrays.copyOf(ip, 4) : ip;
            return sockaddr(new InetSocketAddress(InetAddress.getByAddress(bytes), port));
        } catch (UnknownHostException e) {
            return "{" + domain(family) + ", ?}";
        }
    }

    static String domain(int domain) {
        return domain == Sockets.AF_INET ? "AF_INET" : domain == Sockets.AF_INET6 ? "AF_INET6"
                : domain == Sockets.AF_UNIX ? "AF_UNIX" : Integer.toString(domain);
    }

    static String sockType(int type) {
        int flags = Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC;
        int base = type & ~flags;
        String name = base == Sockets.SOCK_STREAM ? "SOCK_STREAM" : base == Sockets.SOCK_DGRAM
                ? "SOCK_DGRAM" : base == Sockets.SOCK_SEQPACKET ? "SOCK_SEQPACKET" : Integer.toString(base);
        return (type & flags) == 0 ? name : name + "|" + sockFlags(type & flags);
    }

    private static String sockFlags(int flags) {
        return names(flags, new String[] {"SOCK_NONBLOCK", "SOCK_CLOEXEC"},
                new int[] {Sockets.SOCK_NONBLOCK, Sockets.SOCK_CLOEXEC});
    }

    static String level(int level) {
        return level == Sockets.SOL_SOCKET ? "SOL_SOCKET" : level == Sockets.IPPROTO_TCP ? "IPPROTO_TCP"
                : level == Sockets.IPPROTO_IPV6 ? "IPPROTO_IPV6" : Integer.toString(level);
    }

    static String option(int level, int name) {
        if (level == Sockets.SOL_SOCKET) {
            return exact(name, new String[] {"SO_REUSEADDR", "SO_REUSEPORT", "SO_ERROR", "SO_RCVBUF",
                "SO_SNDBUF", "SO_KEEPALIVE"}, new int[] {Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT,
                Sockets.SO_ERROR, Sockets.SO_RCVBUF, Sockets.SO_SNDBUF, Sockets.SO_KEEPALIVE});
        }
        if (level == Sockets.IPPROTO_TCP && name == Sockets.TCP_NODELAY) {
            return "TCP_NODELAY";
        }
        if (level == Sockets.IPPROTO_IPV6 && name == Sockets.IPV6_V6ONLY) {
            return "IPV6_V6ONLY";
        }
        return Integer.toString(name);
    }

    // ---- formatting ----

    private static String names(int value, String[] names, int[] bits) {
        return Flags.names(value, names, bits);
    }

    /** An option number is a value, not a bit set: match it exactly. */
    private static String exact(int value, String[] names, int[] values) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] == value) {
                return names[i];
            }
        }
        return Integer.toString(value);
    }

    private static void emit(long t0, int r, Supplier<String> call) {
        emit(t0, r, call, () -> Integer.toString(r));
    }

    /**
     * Prints {@code call = result <seconds>}, the result as {@code success} formats it or,
     * for -errno, as {@code -1 EAGAIN (Resource temporarily unavailable)}. The duration is
     * taken first, so formatting is not counted; a formatting failure prints a placeholder.
     */
    private static void emit(long t0, int r, Supplier<String> call, Supplier<String> success) {
        long nanos = System.nanoTime() - t0;
        String line;
        try {
            String result = r >= 0 ? success.get()
                    : "-1 " + Errno.name(r) + " (" + Errno.description(r) + ")";
            line = call.get() + " = " + result;
        } catch (RuntimeException e) {
            line = "<jmux trace: cannot format a call returning " + r + ": " + e + ">";
        }
        System.err.println(line + String.format(Locale.ROOT, " <%d.%06d>",
                nanos / 1_000_000_000, nanos / 1_000 % 1_000_000));
    }
}
