package io.jmux.examples.lessons;

import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;
import io.jmux.Sockets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fds a lesson makes, all closed when it ends; and what /proc says about fds. */
final class Fds implements AutoCloseable {
    private final List<Integer> open = new ArrayList<>();

    int track(int fd) {
        open.add(fd);
        return fd;
    }

    /** {@code pipe2(O_NONBLOCK | O_CLOEXEC)}: {read end, write end}. */
    int[] pipe() throws ErrnoException {
        int[] p = Fd.pipe2(Fd.O_NONBLOCK | Fd.O_CLOEXEC);
        track(p[0]);
        track(p[1]);
        return p;
    }

    /** A connected AF_UNIX stream socketpair, both ends non-blocking. */
    int[] socketpair() throws ErrnoException {
        int[] s = Sockets.socketpair(Sockets.AF_UNIX,
                Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        track(s[0]);
        track(s[1]);
        return s;
    }

    /** A non-blocking eventfd with the given counter (readable while it is non-zero). */
    int eventfd(long initval) throws ErrnoException {
        return track(EventFd.eventfd(initval, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC));
    }

    /** Closes fd now (it is no longer closed at the end). */
    void close(int fd) throws ErrnoException {
        open.remove(Integer.valueOf(fd));
        Fd.close(fd);
    }

    @Override
    public void close() {
        for (int fd : open) {
            try {
                Fd.close(fd);
            } catch (ErrnoException e) {
                System.err.println("close(" + fd + "): " + e.getMessage());
            }
        }
        open.clear();
    }

    /** How many fds this process has open now (/proc/self/fd). */
    static int openCount() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /**
     * The soft RLIMIT_NOFILE, from /proc/self/limits (HotSpot raises it to the hard limit
     * when it starts); -1 if unreadable.
     */
    static long softLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** What /proc/self/fd/N points at, e.g. {@code anon_inode:[eventpoll]}. */
    static String describe(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
