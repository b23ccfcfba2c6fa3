package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;
import java.io.PrintStream;

/**
 * FD_SETSIZE = 1024 is the size of glibc's {@code fd_set} type, not a limit of the
 * kernel's {@code select}: given a bigger bitmap, the kernel reads as many bits as
 * {@code nfds} says. Shown with an fd numbered past 1500.
 */
final class FdSetsize implements Lesson {
    static final int BIG = 1500;

    @Override
    public String name() {
        return "fd-setsize";
    }

    @Override
    public String summary() {
        return "glibc's FD_SETSIZE=1024 vs the kernel's select, with fd numbers past 1024";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== fd-setsize: 1024 is glibc's fd_set, not the kernel's select ==");
        out.printf("FD_SETSIZE = %d (from <sys/select.h>): a C fd_set is %d bits = %d bytes%n", FdSet.FD_SETSIZE,
                FdSet.FD_SETSIZE, FdSet.FD_SETSIZE / 8);
        long limit = Fds.softLimit();
        if (limit >= 0 && limit <= BIG) {
            out.printf("skipped: RLIMIT_NOFILE is %d here, so no fd can be numbered %d (raise it: ulimit -n)%n",
                    limit, BIG);
            return;
        }
        try (Fds fds = new Fds()) {
            int efd = fds.eventfd(1);
            int big = fds.track(Fd.fcntl(efd, Fd.F_DUPFD_CLOEXEC, BIG));
            out.printf("setup: eventfd(1) = %d (readable); fcntl(%d, F_DUPFD_CLOEXEC, %d) = %d: the same eventfd%n",
                    efd, efd, BIG, big);
            out.printf("       as fd %d (RLIMIT_NOFILE here: %s)%n%n", big, limit < 0 ? "?" : Long.toString(limit));

            out.printf("step 1: a 1024-bit set, like C's fd_set: FD_SET(%d)%n", big);
            try (FdSet small = new FdSet()) {
                small.set(big);
                out.println("        accepted (unexpected)");
            } catch (IllegalArgumentException e) {
                out.println("        jmux refuses: " + e.getMessage());
            }
            out.println("        in C, FD_SET(" + big + ", &set) would write past the end of the 128-byte struct;");
            out.println("        built with -D_FORTIFY_SOURCE, glibc aborts instead (2.36 prints:");
            out.println("        '*** bit out of range 0 - FD_SETSIZE on fd_set ***: terminated')");

            try (FdSet set = new FdSet(big + 1)) {
                set.set(big);
                int n = Select.select(big + 1, set, null, null, 0);
                out.printf("step 2: a %d-bit set (%d bytes) with bit %d: select(nfds=%d) = %d, fd %d ready: %s%n",
                        set.capacity(), set.capacity() / 8, big, big + 1, n, big, set.isSet(big) ? "yes" : "no");
                out.println("        the kernel read " + (big + 1) + " bits: it takes any nfds, because it never knew");
                out.println("        the size of the C type");
            }

            int huge = 100_000;
            try (FdSet set = new FdSet(huge)) {
                set.set(big);
                String answer;
                try {
                    int n = Select.select(huge, set, null, null, 0);
                    answer = n + ", fd " + big + " ready: " + (set.isSet(big) ? "yes" : "no");
                } catch (ErrnoException e) {
                    answer = e.getMessage();
                }
                out.printf("step 3: select(nfds=%d), beyond RLIMIT_NOFILE and the fd table = %s%n", huge, answer);
                out.println("        (select(2) lists EINVAL for nfds over RLIMIT_NOFILE; this kernel clamps nfds");
                out.println("        to the size of the process's fd table instead)");
            }

            try (PollFds pfds = new PollFds(1); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(1)) {
                pfds.add(big, Poll.POLLIN);
                int pn = Poll.poll(pfds, 0);
                ep.add(big, Epoll.EPOLLIN);
                int en = ep.wait(events, 0);
                out.printf("step 4: poll on fd %d = %d (%s); epoll_wait with fd %d registered = %d (data=%d)%n", big, pn,
                        Poll.eventNames(pfds.revents(0)), big, en, en > 0 ? events.fd(0) : -1);
                out.println("        poll and epoll never had a bitmap: an fd is an int in a struct");
            }
        }
        out.println();
        out.println("remember: \"select cannot watch more than 1024 fds\" is true of glibc's fd_set and its");
        out.println("  macros; the kernel's limits are the process's fd limit (RLIMIT_NOFILE). Portable C");
        out.println("  code still must not pass fds >= FD_SETSIZE to FD_SET - use poll or epoll instead.");
    }
}
