package io.jmux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test helper: real fds that are closed after the test, and fd counting. */
final class Fds implements AutoCloseable {
    private final List<Integer> open = new ArrayList<>();

    /** A pipe {read, write}, both ends non-blocking if asked. */
    int[] pipe(boolean nonBlocking) throws ErrnoException {
        int[] p = Fd.pipe2(Fd.O_CLOEXEC | (nonBlocking ? Fd.O_NONBLOCK : 0));
        track(p[0]);
        track(p[1]);
        return p;
    }

    /** A connected AF_UNIX stream socketpair. */
    int[] socketpair(boolean nonBlocking) throws ErrnoException {
        int[] s = Sockets.socketpair(Sockets.AF_UNIX,
                Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC | (nonBlocking ? Sockets.SOCK_NONBLOCK : 0), 0);
        track(s[0]);
        track(s[1]);
        return s;
    }

    /** A TCP socket listening on 127.0.0.1 at a free port (see {@link Sockets#getsockname}). */
    int tcpListener() throws ErrnoException {
        int listener = track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        Sockets.bind(listener, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        Sockets.listen(listener, 1);
        return listener;
    }

    int eventfd(long initval) throws ErrnoException {
        return track(EventFd.eventfd(initval, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK));
    }

    /**
     * An fd number that is closed and stays closed: a pipe's read end moved to 4096 or
     * above, then closed. Linux hands out the lowest free number, so a file the JVM opens
     * meanwhile on another thread cannot take it, as it could a just-closed low number
     * (and a test's close of that number would then close the JVM's file).
     */
    static int closedFd() throws ErrnoException {
        int[] p = Fd.pipe2(Fd.O_CLOEXEC);
        int high = Fd.fcntl(p[0], Fd.F_DUPFD_CLOEXEC, 4096);
        Fd.close(p[0]);
        Fd.close(p[1]);
        Fd.close(high);
        return high;
    }

    int track(int fd) {
        open.add(fd);
        return fd;
    }

    /** Forgets fd without closing it (something else closed it). */
    void forget(int fd) {
        open.remove(Integer.valueOf(fd));
    }

    /** Closes fd now and forgets it. */
    void close(int fd) throws ErrnoException {
        open.remove(Integer.valueOf(fd));
        Fd.close(fd);
    }

    static void write(int fd, String s) throws ErrnoException {
        byte[] b = s.getBytes();
        int n = Fd.write(fd, b, 0, b.length);
        if (n != b.length) {
            throw new AssertionError("short write " + n);
        }
    }

    @Override
    public void close() {
        for (int fd : open) {
            FdSys.close(fd);
        }
        open.clear();
    }

    /**
     * The number of epoll and eventfd fds of this process: the kinds jmux makes for itself
     * (an Epoll's fd; the eventfd close() uses to wake waiters). Unlike the total, the
     * JVM never opens these on its own.
     */
    static long epollAndEventFdCount() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(f -> {
                try {
                    String target = Files.readSymbolicLink(f).toString();
                    return target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    /** The number of open fds of this process. */
    static long openFdCount() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
