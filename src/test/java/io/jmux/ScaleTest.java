package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 19,000 fds watched at once by epoll, poll and select (an FdSet of ~19,000 bits, far past
 * FD_SETSIZE), with exactly one of them ready: each call must find that one and no other.
 *
 * <p>HotSpot raises the soft RLIMIT_NOFILE to the hard limit at start-up (-XX:+MaxFDLimit,
 * the default), 20,000 on these machines; with less, the test is skipped and says so.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ScaleTest {
    static final int WATCHED = 19_000;

    @Test
    void oneReadyFdAmongNineteenThousandIsFoundByEpollPollAndSelect() throws Exception {
        long soft = BadInputTest.softFdLimit();
        long inUse = Fds.openFdCount();
        Assumptions.assumeTrue(soft >= WATCHED + inUse + 16, "needs " + (WATCHED + inUse + 16)
                + " fds but the soft RLIMIT_NOFILE is " + soft + ": raise the hard limit (ulimit -Hn), which"
                + " the JVM raises the soft limit to");
        int[] fds = new int[WATCHED];
        int made = 0;
        try {
            for (; made < WATCHED; made++) {
                fds[made] = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            }
            int ready = fds[ThreadLocalRandom.current().nextInt(WATCHED)];
            EventFd.write(ready, 1);
            epoll(fds, ready);
            poll(fds, ready);
            select(fds, ready);
            System.out.printf("ScaleTest: %d fds watched by each of epoll, poll and select (FdSet of %d bits);"
                    + " the one ready fd (%d) found by each%n", WATCHED, maxOf(fds) + 1, ready);
        } finally {
            for (int i = 0; i < made; i++) {
                FdSys.close(fds[i]);
            }
        }
    }

    private static void epoll(int[] fds, int ready) throws ErrnoException {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(64)) {
            for (int fd : fds) {
                ep.add(fd, Epoll.EPOLLIN);
            }
            assertEquals(1, ep.wait(ev, 10_000), "epoll: exactly one ready");
            assertEquals(ready, ev.fd(0));
            assertEquals(Epoll.EPOLLIN, ev.events(0));
        }
    }

    private static void poll(int[] fds, int ready) throws ErrnoException {
        try (PollFds p = new PollFds(fds.length)) {
            for (int fd : fds) {
                p.add(fd, Poll.POLLIN);
            }
            assertEquals(1, Poll.poll(p, 10_000), "poll: exactly one ready");
            int found = -1;
            for (int i = 0; i < p.size(); i++) {
                if (p.revents(i) != 0) {
                    assertEquals(-1, found, "a second entry with revents");
                    found = i;
                    assertEquals(Poll.POLLIN, p.revents(i));
                }
            }
            assertEquals(ready, p.fd(found));
        }
    }

    private static void select(int[] fds, int ready) throws ErrnoException {
        int nfds = maxOf(fds) + 1;
        assertTrue(nfds > FdSet.FD_SETSIZE * 16, "the set reaches far past FD_SETSIZE: " + nfds);
        try (FdSet readable = new FdSet(nfds)) {
            for (int fd : fds) {
                readable.set(fd);
            }
            assertEquals(WATCHED, readable.count());
            assertEquals(1, Select.select(nfds, readable, null, null, 10_000_000), "select: exactly one ready");
            assertEquals(1, readable.count());
            assertEquals(ready, readable.nextSetBit(0));
        }
    }

    private static int maxOf(int[] fds) {
        int max = -1;
        for (int fd : fds) {
            max = Math.max(max, fd);
        }
        return max;
    }
}
