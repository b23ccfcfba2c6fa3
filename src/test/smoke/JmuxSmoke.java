import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;

/**
 * A smoke test of a jmux jar on a foreign architecture (src/test/sh/aarch64-smoke runs it in
 * an aarch64 JVM under qemu-user): loads libjmux.so from the jar as a user would, then one
 * eventfd through epoll, poll and select. It uses only the public API, so renaming natives
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
        System.out.println("jmux smoke: ok on " + arch + " (" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + "): epoll, poll, select on an eventfd");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("jmux smoke: " + what);
        }
    }
}
