package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The owner lifecycle: a close that wakes blocked waiters is invisible to every other
 * holder of the same kernel object, needs no free fd, and closes the fd exactly once.
 * The first two tests (the other holder waits during the close) and the fd-table-full
 * and view tests failed with the eventfd wake-up that close used to register in the epoll
 * instance (issue 10, failures 1 and 2); the racing test guards against regressions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleTest {
    static final int ROUNDS = 50;

    /** Starts a thread blocked in {@code ep.wait(-1)}; the latch opens just before the call. */
    private static ConcurrencyTest.Worker blockedWaiter(Epoll ep, int[] result) throws InterruptedException {
        return blockedWaiter(ep, result, -1);
    }

    private static ConcurrencyTest.Worker blockedWaiter(Epoll ep, int[] result, int timeoutMillis)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        ConcurrencyTest.Worker w = new ConcurrencyTest.Worker("waiter", () -> {
            try (EpollEvents ev = new EpollEvents(4)) {
                started.countDown();
                result[0] = ep.wait(ev, timeoutMillis);
            }
        });
        started.await();
        Thread.sleep(5); // most rounds: in the kernel; some: just before it (the signal race)
        return w;
    }

    /** Two Epolls on one instance (dupOf): closing one during a wait shows the other nothing. */
    @Test
    void closingADupDuringAWaitShowsTheOtherHolderNothing() throws Throwable {
        for (int round = 0; round < ROUNDS; round++) {
            try (Epoll kept = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
                Epoll closed = Epoll.dupOf(kept.fd());
                int[] result = {-2};
                int[] keptResult = {-2};
                ConcurrencyTest.Worker w = blockedWaiter(closed, result);
                ConcurrencyTest.Worker other = blockedWaiter(kept, keptResult, 200); // waits through the close
                closed.close();
                w.join();
                other.join();
                assertEquals(0, result[0], "the woken waiter reports nothing");
                assertEquals(0, keptResult[0], "round " + round + ": the other holder, waiting, saw an event it never registered");
                assertEquals(0, kept.wait(ev, 0), "round " + round + ": the open holder saw an event it never registered");
            }
        }
    }

    /** An outer epoll watching an inner one: closing the inner during a wait makes it not readable. */
    @Test
    void closingAnInnerEpollDuringAWaitShowsTheOuterNothing() throws Throwable {
        for (int round = 0; round < ROUNDS; round++) {
            try (Epoll outer = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
                Epoll inner = Epoll.create();
                // A second reference to the inner instance keeps it alive in the outer set
                // after inner.close(): what another holder would see.
                int innerDup = Fd.dup(inner.fd());
                outer.add(innerDup, Epoll.EPOLLIN);
                int[] result = {-2};
                int[] outerResult = {-2};
                ConcurrencyTest.Worker w = blockedWaiter(inner, result);
                ConcurrencyTest.Worker other = blockedWaiter(outer, outerResult, 200); // waits through the close
                inner.close();
                w.join();
                other.join();
                assertEquals(0, result[0]);
                assertEquals(0, outerResult[0], "round " + round + ": the outer epoll, waiting, saw the inner one readable");
                assertEquals(0, outer.wait(ev, 0), "round " + round + ": the outer epoll saw the inner one readable");
                Fd.close(innerDup);
            }
        }
    }

    /** A view closed during a wait wakes its waiter and leaves the fd open. */
    @Test
    void closingAViewWakesItsWaiterAndKeepsTheFd() throws Throwable {
        try (Epoll owner = Epoll.create()) {
            Epoll view = Epoll.viewOf(owner.fd());
            int[] result = {-2};
            ConcurrencyTest.Worker w = blockedWaiter(view, result);
            view.close();
            w.join();
            assertEquals(0, result[0]);
            assertTrue(Fd.fcntl(owner.fd(), Fd.F_GETFD, 0) >= 0, "the view must not close the fd");
        }
    }

    /**
     * With the fd table full and a waiter at -1, close() wakes the waiter and closes the
     * fd: it needs no new fd. (It used to need an eventfd: EMFILE left the waiter blocked
     * for ever and the epoll fd open.)
     */
    @Test
    void closeWithTheFdTableFullWakesTheWaiterAndClosesTheFd() throws Throwable {
        long before = Fds.epollAndEventFdCount();
        Epoll ep = Epoll.create();
        int[] result = {-2};
        ConcurrencyTest.Worker w = blockedWaiter(ep, result);
        List<Integer> filler = fillFdTable();
        try {
            assertTrue(filler.size() > 0);
            ep.close();
            w.thread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(w.thread.isAlive(), "the waiter was not woken with the fd table full");
        } finally {
            for (int fd : filler) {
                FdSys.close(fd);
            }
        }
        w.join();
        assertEquals(0, result[0]);
        assertEquals(before, Fds.epollAndEventFdCount(), "the epoll fd was not closed");
    }

    /** Dups one fd until EMFILE; the caller closes them. */
    static List<Integer> fillFdTable() throws ErrnoException {
        int base = EventFd.eventfd(0, EventFd.EFD_CLOEXEC);
        List<Integer> fds = new ArrayList<>();
        fds.add(base);
        while (true) {
            int r = FdSys.fcntl(base, FdSys.F_DUPFD_CLOEXEC, 0);
            if (r < 0) {
                assertEquals(-Errno.EMFILE, r, "filling the fd table ended in " + Errno.name(-r));
                return fds;
            }
            fds.add(r);
        }
    }

    /** Many racing closes and calls: the fd is closed once, every waiter returns, nothing crashes. */
    @Test
    void racingClosesAndWaitsEndCleanly() throws Throwable {
        long before = Fds.epollAndEventFdCount();
        for (int round = 0; round < 200; round++) {
            Epoll ep = Epoll.create();
            List<ConcurrencyTest.Worker> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(new ConcurrencyTest.Worker("w" + i, () -> {
                    try (EpollEvents ev = new EpollEvents(2)) {
                        while (ep.isOpen()) {
                            try {
                                ep.wait(ev, -1);
                            } catch (IllegalStateException closed) {
                                return;
                            }
                        }
                    }
                }));
            }
            if (round % 2 == 0) {
                Thread.sleep(1);
            }
            ConcurrencyTest.Worker closer = new ConcurrencyTest.Worker("closer", ep::close);
            ep.close();
            closer.join();
            for (ConcurrencyTest.Worker w : workers) {
                w.join();
            }
        }
        assertEquals(before, Fds.epollAndEventFdCount());
    }

    /** The fenced fallback (no membarrier) gives the same lifecycle. */
    @Test
    void theFallbackWithoutMembarrierWakesAndCloses() throws Exception {
        ChildJvm child = ChildJvm.run(List.of("-Djmux.membarrier=false"), FallbackMain.class);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("membarrier=false woken=0"), child.toString());
    }

    /** Child: with membarrier off, a waiter at -1 is woken by close. */
    public static final class FallbackMain {
        public static void main(String[] args) throws Exception {
            Epoll ep = Epoll.create();
            int[] result = {-2};
            Thread t = new Thread(() -> {
                try (EpollEvents ev = new EpollEvents(1)) {
                    result[0] = ep.wait(ev, -1);
                } catch (ErrnoException e) {
                    result[0] = -3;
                }
            });
            t.start();
            Thread.sleep(100);
            ep.close();
            t.join(10_000);
            System.out.println("membarrier=" + Owner.membarrier() + " woken=" + (t.isAlive() ? "no" : result[0]));
            System.exit(t.isAlive() ? 1 : 0);
        }
    }
}
