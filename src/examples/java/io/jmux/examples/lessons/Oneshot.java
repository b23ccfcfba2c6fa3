package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import java.io.PrintStream;

/**
 * {@code EPOLLONESHOT}: after one report the fd is disabled — still registered, but
 * silent whatever happens to it — until {@code EPOLL_CTL_MOD} re-arms it. The tool for
 * several threads sharing one epoll instance: the thread that got the event owns the fd
 * until it re-arms it, so no second thread is woken for the same fd meanwhile.
 */
final class Oneshot implements Lesson {
    @Override
    public String name() {
        return "oneshot";
    }

    @Override
    public String summary() {
        return "EPOLLONESHOT silences an fd after one report until EPOLL_CTL_MOD re-arms it";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== oneshot: EPOLLONESHOT reports once, then waits to be re-armed ==");
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(4)) {
            int efd = fds.eventfd(1); // counter 1: readable, and nobody reads it in this lesson
            out.printf("setup: eventfd(1) = %d, readable for as long as its counter is not 0%n", efd);
            ep.add(efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
            out.printf("       epoll_ctl(EPOLL_CTL_ADD, %d, EPOLLIN|EPOLLONESHOT) (level-triggered otherwise)%n%n", efd);

            out.printf("step 1: epoll_wait = %d  <- the one report%n", ep.wait(events, 0));
            out.printf("step 2: 3 more waits, fd still readable: reported %d times%n", waits(ep, events, 3));
            EventFd.write(efd, 5);
            out.printf("step 3: write 5 to the eventfd (a new event), 3 waits: reported %d times%n", waits(ep, events, 3));
            try {
                ep.add(efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
                out.println("step 4: EPOLL_CTL_ADD again succeeded (unexpected)");
            } catch (ErrnoException e) {
                out.printf("step 4: EPOLL_CTL_ADD again: %s - disabled, not removed%n", e.errnoName());
            }
            ep.modify(efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
            out.printf("step 5: EPOLL_CTL_MOD re-arms it; 3 waits: reported %d times (once again)%n", waits(ep, events, 3));
            ep.modify(efd, Epoll.EPOLLIN);
            out.printf("step 6: EPOLL_CTL_MOD to plain EPOLLIN (level-triggered); 3 waits: reported %d times%n",
                    waits(ep, events, 3));
        }
        out.println();
        out.println("remember: a oneshot fd stays in the interest list but is disarmed after each report,");
        out.println("  whatever happens to it; EPOLL_CTL_MOD (not ADD) arms it again. Worker threads sharing");
        out.println("  one epoll use it so that an fd is handled by one thread at a time.");
    }

    private static int waits(Epoll ep, EpollEvents events, int times) throws ErrnoException {
        int reported = 0;
        for (int i = 0; i < times; i++) {
            reported += ep.wait(events, 0);
        }
        return reported;
    }
}
