import io.jmux.Epoll;
import io.jmux.Errno;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;
import io.jmux.Sockets;

/**
 * A smoke test of a jmux jar on a foreign architecture (src/test/sh/aarch64-smoke runs it in
 * an aarch64 JVM under qemu-user): loads libjmux.so from the jar as a user would, then one
 * eventfd through epoll, poll and select, then would-block and a round trip on a pipe and a
 * socketpair, edge-triggered. It uses only the public API, so renaming natives
 * does not touch it. Exit status 0 and a last line "jmux smoke: ok ..." mean it passed.
 */
public final class JmuxSmoke {
    private JmuxSmoke() {}

    public static void main(String[] args) throws Exception {
        String expectArch = args.length > 0 ? args[0] : null;
        String arch = System.getProperty("os.arch");
        check(expectArch == null || expectArch.equals(arch), "os.arch is " + arch + ", expected " + expectArch);

        int efd = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        int efd2 = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        try (Epoll ep = Epoll.create(Epoll.EPOLL_CLOEXEC); EpollEvents ev = new EpollEvents(4)) {
            ep.add(efd, Epoll.EPOLLIN);
            // The 64-bit data word checks struct epoll_event's layout (packed on x86-64 only).
            long data = 0x1122_3344_5566_7788L;
            ep.add(efd2, Epoll.EPOLLIN, data);
            check(ep.wait(ev, 0) == 0, "epoll_wait saw an event before any write");
            EventFd.write(efd, 1);
            EventFd.write(efd2, 2);
            int n = ep.wait(ev, 1000);
            check(n == 2, "epoll_wait returned " + n + ", expected 2");
            boolean sawData = false;
            for (int i = 0; i < n; i++) {
                check((ev.events(i) & Epoll.EPOLLIN) != 0, "no EPOLLIN in " + Epoll.eventNames(ev.events(i)));
                sawData |= ev.data(i) == data;
            }
            check(sawData, "epoll_event.data did not come back intact");
            try {
                ep.add(efd, Epoll.EPOLLIN);
                check(false, "a second epoll_ctl(ADD) did not fail");
            } catch (ErrnoException e) {
                check(String.valueOf(e.getMessage()).contains("EEXIST"), "unexpected error: " + e.getMessage());
            }
        }

        try (PollFds fds = new PollFds(2)) {
            fds.add(efd, Poll.POLLIN);
            int n = Poll.poll(fds, 1000);
            check(n == 1 && (fds.revents(0) & Poll.POLLIN) != 0, "poll returned " + n + " revents " + fds.revents(0));
        }

        try (FdSet read = new FdSet()) {
            read.set(efd);
            int n = Select.select(efd + 1, read, null, null, 1_000_000);
            check(n == 1 && read.isSet(efd), "select returned " + n);
        }

        long value = EventFd.read(efd);
        check(value == 1, "eventfd read " + value + ", expected 1");
        try (PollFds fds = new PollFds(1)) {
            fds.add(efd, Poll.POLLIN);
            check(Poll.poll(fds, 0) == 0, "poll saw a drained eventfd as ready");
        }
        Fd.close(efd);
        Fd.close(efd2);

        // Would-block is a return value (-EAGAIN), and bytes cross a pipe and a socketpair.
        byte[] buf = new byte[16];
        int[] pipe = Fd.pipe2(Fd.O_NONBLOCK);
        int[] pair = Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK, 0);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
            check(Fd.read(pipe[0], buf, 0, buf.length) == -Errno.EAGAIN, "empty pipe read did not return -EAGAIN");
            ep.add(pair[1], Epoll.EPOLLIN | Epoll.EPOLLET);
            check(Fd.write(pipe[1], new byte[] {1, 2, 3}, 0, 3) == 3, "pipe write");
            check(Fd.read(pipe[0], buf, 0, buf.length) == 3 && buf[2] == 3, "pipe read");
            check(Fd.write(pair[0], new byte[] {4, 5}, 0, 2) == 2, "socketpair write");
            check(ep.wait(ev, 1000) == 1 && ev.fd(0) == pair[1], "edge-triggered epoll missed the socket");
            check(Fd.read(pair[1], buf, 0, buf.length) == 2 && buf[1] == 5, "socketpair read");
            check(Fd.read(pair[1], buf, 0, buf.length) == -Errno.EAGAIN, "drained socket did not return -EAGAIN");
            check(ep.wait(ev, 0) == 0, "edge-triggered epoll reported a drained socket again");
        } finally {
            for (int fd : new int[] {pipe[0], pipe[1], pair[0], pair[1]}) {
                Fd.close(fd);
            }
        }
        System.out.println("jmux smoke: ok on " + arch + " (" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + "): epoll, poll, select on an eventfd;"
                + " EAGAIN and data on a pipe and a socketpair, edge-triggered");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("jmux smoke: " + what);
        }
    }
}
