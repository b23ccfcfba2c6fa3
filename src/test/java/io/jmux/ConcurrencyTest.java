package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads against one Epoll, and against the buffers of a call in flight: what Linux
 * allows (wait while others ctl and write) works; close() racing calls never crashes,
 * never closes twice, and never lets a call reach a reused fd number.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {

    /** Runs body on a new thread; its failure is rethrown by {@link Worker#join()}. */
    static final class Worker {
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Worker(String name, ThrowingRunnable body) {
            thread = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        void join() throws Throwable {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive(), thread.getName() + " did not finish");
            if (failure.get() != null) {
                throw failure.get();
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Throwable;
    }

    /**
     * One thread waits while two others add eventfds with a token as data word, make them
     * readable, and delete and close them once the waiter has reported the token. Every
     * token must be reported exactly once (EPOLLONESHOT), with no error anywhere.
     */
    @Test
    void waitInOneThreadWhileOthersCtlAndWrite() throws Throwable {
        int perThread = 2000;
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        try (Epoll ep = Epoll.create()) {
            Worker waiter = new Worker("waiter", () -> {
                try (EpollEvents ev = new EpollEvents(64)) {
                    while (!done.get()) {
                        int n = ep.wait(ev, 50);
                        for (int i = 0; i < n; i++) {
                            if (!seen.add(ev.data(i))) {
                                duplicates.incrementAndGet();
                            }
                        }
                    }
                }
            });
            List<Worker> mutators = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long thread = t;
                mutators.add(new Worker("mutator-" + t, () -> {
                    for (int i = 0; i < perThread; i++) {
                        long token = (thread << 32) | i;
                        int efd = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
                        try {
                            ep.add(efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, token);
                            if (i % 2 == 0) {
                                ep.modify(efd, Epoll.EPOLLIN | Epoll.EPOLLONESHOT, token);
                            }
                            EventFd.write(efd, 1);
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (!seen.contains(token)) {
                                assertTrue(System.nanoTime() < deadline, "token " + token + " never reported");
                                Thread.onSpinWait();
                            }
                            ep.delete(efd);
                        } finally {
                            Fd.close(efd);
                        }
                    }
                }));
            }
            for (Worker m : mutators) {
                m.join();
            }
            done.set(true);
            waiter.join();
        }
        assertEquals(2 * perThread, seen.size());
        assertEquals(0, duplicates.get(), "a ONESHOT registration was reported twice");
    }

    /** close() wakes every thread blocked in wait or pwait2; then the fds are gone. */
    @Test
    void closeWakesAllBlockedWaitersAndClosesEverything() throws Throwable {
        long before = Fds.epollAndEventFdCount();
        Epoll ep = Epoll.create();
        List<Worker> waiters = new ArrayList<>();
        AtomicInteger returned = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            boolean pwait2 = i % 2 == 0;
            waiters.add(new Worker("waiter-" + i, () -> {
                try (EpollEvents ev = new EpollEvents(4)) {
                    started.countDown();
                    int n = pwait2 ? ep.pwait2(ev, -1) : ep.wait(ev, -1);
                    assertEquals(0, n, "a waiter woken by close() reports nothing");
                    returned.incrementAndGet();
                }
            }));
        }
        started.await();
        Thread.sleep(200); // let them block in the kernel
        assertEquals(0, returned.get(), "nothing was ready: every waiter is still blocked");
        ep.close();
        for (Worker w : waiters) {
            w.join();
        }
        assertEquals(4, returned.get());
        assertEquals(before, Fds.epollAndEventFdCount(), "the epoll fd or the wake-up eventfd leaked");
        assertThrows(IllegalStateException.class, () -> ep.add(0, Epoll.EPOLLIN));
        assertThrows(IllegalStateException.class, () -> ep.wait(new EpollEvents(1), 0));
    }

    /**
     * A thread keeps adding a readable eventfd to an Epoll while the main thread closes
     * that Epoll and at once creates a new one — which often gets the same fd number.
     * A call that reached the kernel after the close would register the eventfd in the
     * new instance; its waits must stay empty. Repeated, with the close at varying points.
     */
    @Test
    void noCallReachesAReusedFdNumberAfterClose() throws Throwable {
        int rounds = 2000;
        int reused = 0;
        try (Fds fds = new Fds(); EpollEvents ev = new EpollEvents(4)) {
            int ready = fds.eventfd(1);
            for (int r = 0; r < rounds; r++) {
                Epoll old = Epoll.create();
                int oldFd = old.fd();
                CountDownLatch going = new CountDownLatch(1);
                Worker ctl = new Worker("ctl", () -> {
                    going.countDown();
                    try {
                        while (true) {
                            old.add(ready, Epoll.EPOLLIN);
                            old.delete(ready);
                        }
                    } catch (IllegalStateException closed) {
                        // the documented end: every call after close() throws
                    }
                });
                going.await();
                spin(ThreadLocalRandom.current().nextInt(2000));
                old.close();
                try (Epoll neu = Epoll.create()) {
                    reused += neu.fd() == oldFd ? 1 : 0;
                    ctl.join();
                    assertEquals(0, neu.wait(ev, 0), "round " + r + ": a call on the closed Epoll reached fd "
                            + neu.fd() + ", now another instance");
                }
            }
        }
        System.out.printf("ConcurrencyTest: %d close/ctl races, %d with the fd number reused at once%n", rounds, reused);
        assertTrue(reused > 0, "the fd number was never reused: the race was not exercised");
    }

    private static void spin(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Thread.onSpinWait();
        }
    }

    /**
     * Eight threads close one Epoll at once while a canary thread opens eventfds, which
     * take the freed number: a second close(2) of that number would close a canary.
     */
    @Test
    void concurrentCloseClosesOnce() throws Throwable {
        long before = Fds.epollAndEventFdCount();
        int closers = 8;
        for (int round = 0; round < 1000; round++) {
            Epoll ep = Epoll.create();
            CyclicBarrier start = new CyclicBarrier(closers + 1);
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < closers; i++) {
                workers.add(new Worker("closer-" + i, () -> {
                    start.await();
                    ep.close();
                }));
            }
            List<Integer> canaries = new ArrayList<>();
            Worker canary = new Worker("canary", () -> {
                start.await();
                for (int i = 0; i < 4; i++) {
                    canaries.add(EventFd.eventfd(0, EventFd.EFD_CLOEXEC));
                }
            });
            for (Worker w : workers) {
                w.join();
            }
            canary.join();
            for (int fd : canaries) {
                Fd.fcntl(fd, Fd.F_GETFD, 0); // EBADF: the Epoll's fd was closed twice
                Fd.close(fd);
            }
            assertFalse(ep.isOpen());
        }
        assertEquals(before, Fds.epollAndEventFdCount());
    }

    /**
     * A call keeps the memory it passes to the kernel alive: closing and dropping the
     * PollFds / EpollEvents / FdSet of a blocked wait, with GCs, must not free it under
     * the kernel (ASan would report the write). The wait then returns normally.
     */
    @Test
    void closingTheArrayOfABlockedWaitIsSafe() throws Throwable {
        try (Fds fds = new Fds()) {
            int[] p = fds.pipe(true);
            PollFds[] pollFds = {new PollFds(1)};
            pollFds[0].add(p[0], Poll.POLLIN);
            EpollEvents[] events = {new EpollEvents(4)};
            FdSet[] set = {new FdSet(p[0] + 1)};
            set[0].set(p[0]);
            try (Epoll ep = Epoll.create()) {
                ep.add(p[0], Epoll.EPOLLIN);
                CountDownLatch started = new CountDownLatch(3);
                Worker poller = new Worker("poll", () -> {
                    PollFds mine = pollFds[0];
                    started.countDown();
                    assertEquals(1, Poll.poll(mine, -1));
                });
                Worker epoller = new Worker("epoll", () -> {
                    EpollEvents mine = events[0];
                    started.countDown();
                    assertEquals(1, ep.wait(mine, -1));
                });
                Worker selector = new Worker("select", () -> {
                    FdSet mine = set[0];
                    started.countDown();
                    assertEquals(1, Select.select(p[0] + 1, mine, null, null, -1));
                });
                started.await();
                Thread.sleep(200);
                pollFds[0].close();
                events[0].close();
                set[0].close();
                pollFds[0] = null;
                events[0] = null;
                set[0] = null;
                for (int i = 0; i < 3; i++) {
                    ResourceTest.gc();
                }
                Fds.write(p[1], "x");
                poller.join();
                epoller.join();
                selector.join();
            }
        }
    }

    /**
     * Another thread moves position and limit of the buffer a read or write is using.
     * jmux snapshots them once and checks the snapshot against the capacity, so the
     * transfer stays inside the buffer (canaries around it stay intact); a torn snapshot
     * is an IllegalStateException, a limit moved below the new position an
     * IllegalArgumentException from Buffer.position — never memory outside the buffer.
     */
    @Test
    void positionAndLimitRacingATransferStayInBounds() throws Throwable {
        for (boolean direct : new boolean[] {true, false}) {
            race(direct);
        }
    }

    private static void race(boolean direct) throws Throwable {
        int capacity = 256;
        ByteBuffer base = direct ? ByteBuffer.allocateDirect(capacity + 64) : ByteBuffer.allocate(capacity + 64);
        for (int i = 0; i < base.capacity(); i++) {
            base.put(i, (byte) 0x11);
        }
        ByteBuffer view = base.position(32).limit(32 + capacity).slice();
        base.clear();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger transfers = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (Fds fds = new Fds()) {
            int[] p = fds.pipe(true);
            Worker racer = new Worker("racer", () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop.get()) {
                    int a = rnd.nextInt(capacity + 1);
                    int b = rnd.nextInt(capacity + 1);
                    try {
                        view.limit(Math.max(a, b)).position(Math.min(a, b));
                    } catch (IllegalArgumentException torn) {
                        // the other thread moved them meanwhile
                    }
                }
            });
            byte[] fill = new byte[capacity];
            java.util.Arrays.fill(fill, (byte) 0x5A);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (System.nanoTime() < deadline) {
                Fd.write(p[1], fill, 0, capacity);
                try {
                    int n = Fd.read(p[0], view);
                    if (n > 0) {
                        transfers.incrementAndGet();
                    }
                    Fd.write(p[1], view); // and back out of it
                } catch (IllegalStateException | IllegalArgumentException racedWith) {
                    refused.incrementAndGet();
                }
                while (Fd.read(p[0], fill, 0, capacity) > 0) {
                    // drain
                }
            }
            stop.set(true);
            racer.join();
        }
        for (int i = 0; i < base.capacity(); i++) {
            if (i < 32 || i >= 32 + capacity) {
                assertEquals(0x11, base.get(i), (direct ? "direct" : "heap") + " canary byte " + i + " overwritten");
            }
        }
        System.out.printf("ConcurrencyTest: %s buffer, racing position/limit: %d transfers, %d refused%n",
                direct ? "direct" : "heap", transfers.get(), refused.get());
        assertTrue(transfers.get() > 0);
    }
}
