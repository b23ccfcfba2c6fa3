package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leaks: fds, native memory, and the Cleaner's close-exactly-once.
 *
 * <p>Memory design being measured: an Epoll owns an fd, closed by {@link Epoll#close()}
 * or by a Cleaner. FdSet, PollFds and EpollEvents own a direct ByteBuffer that only the
 * garbage collector frees; their close() only makes further use throw. So dropped
 * buffers hold native memory until a GC runs — bounded, and returned by the GC.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ResourceTest {
    static final int MIB = 1024 * 1024;
    /**
     * Growth of RSS allowed over the million cycles: 16 MiB, 16 bytes a cycle. The smallest
     * malloc chunk is 32 bytes, so leaking any allocation per cycle would exceed it; GC
     * and allocator noise measured here stays under 5 MiB.
     */
    static final long RSS_BOUND_KB = 16 * 1024;

    @Test
    void tenThousandCreateCloseCyclesLeakNoFd() throws Exception {
        // Only the kinds jmux makes: the JVM opens and closes other files on other threads.
        long before = Fds.epollAndEventFdCount();
        for (int i = 0; i < 10_000; i++) {
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(16);
                 PollFds pfds = new PollFds(16); FdSet set = new FdSet()) {
                pfds.add(ep.fd(), Poll.POLLIN);
                set.set(ep.fd());
                ep.wait(ev, 0);
            }
        }
        assertEquals(before, Fds.epollAndEventFdCount());
    }

    /**
     * The figure: 1,000,000 epoll_create1 / epoll_ctl / epoll_wait / close cycles
     * leave the fd count unchanged and RSS within {@link #RSS_BOUND_KB} of where it was
     * after a 200,000-cycle warm-up (JIT). The event array is reused, as a server would;
     * the next test covers arrays made and dropped per cycle. Run in a child JVM with a
     * fixed, pre-touched heap: the test JVM's heap grows and shrinks with what the other
     * tests did, which swamps the native memory this is about (seen: +20 to +44 MB of heap).
     */
    @Test
    void millionCreateCtlWaitCloseCyclesLeakNothing() throws Exception {
        ChildJvm child = ChildJvm.run(List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "-Djmux.rssBoundKb=" + RSS_BOUND_KB), MillionCycles.class);
        System.out.print(child.output);
        assertEquals(0, child.exitCode, child.toString());
    }

    /** Child: the cycles; exit 0 if nothing leaked. */
    public static final class MillionCycles {
        public static void main(String[] args) throws Exception {
            long bound = Long.getLong("jmux.rssBoundKb");
            try (Fds fds = new Fds(); EpollEvents ev = new EpollEvents(16)) {
                int[] p = fds.pipe(true);
                Fds.write(p[1], "x"); // one ready fd, so every wait fills in an event
                cycles(200_000, p[0], ev);
                long fdsBefore = Fds.openFdCount();
                long epollBefore = Fds.epollAndEventFdCount();
                long rssBefore = settledRssKb();
                cycles(1_000_000, p[0], ev);
                long fdsAfter = Fds.openFdCount();
                long rssAfter = settledRssKb();
                System.out.printf("ResourceTest: 1,000,000 create/ctl/wait/close cycles: fds %d -> %d,"
                        + " RSS %d kB -> %d kB (%+d kB)%n", fdsBefore, fdsAfter, rssBefore, rssAfter, rssAfter - rssBefore);
                boolean ok = epollBefore == Fds.epollAndEventFdCount() && fdsAfter <= fdsBefore;
                if (Sanitizer.active()) {
                    System.out.println("ResourceTest: RSS bound not checked: ASan's quarantine holds freed memory");
                } else if (rssAfter - rssBefore > bound) {
                    System.out.println("RSS grew by " + (rssAfter - rssBefore) + " kB (bound " + bound + " kB)");
                    ok = false;
                }
                System.exit(ok ? 0 : 1);
            }
        }
    }

    private static void cycles(int n, int readyFd, EpollEvents ev) throws ErrnoException {
        for (int i = 0; i < n; i++) {
            try (Epoll ep = Epoll.create()) {
                ep.add(readyFd, Epoll.EPOLLIN);
                if (ep.wait(ev, 0) != 1) {
                    throw new AssertionError("cycle " + i + ": the ready pipe was not reported");
                }
            }
        }
    }

    /**
     * Arrays made and dropped every cycle (closed or not): their direct memory is freed
     * by the garbage collector, and after a GC the direct pool is back where it started.
     * close() alone frees nothing — by design, so a racing call never sees freed memory.
     */
    @Test
    void droppedArraysAreReturnedByTheGarbageCollector() throws Exception {
        gc();
        long directBefore = directMemoryUsed();
        long fdsBefore = Fds.epollAndEventFdCount(); // the JVM opens /dev/random etc. at its own pace
        long peak = 0;
        for (int i = 0; i < 200_000; i++) {
            EpollEvents ev = new EpollEvents(64);
            PollFds pfds = new PollFds(64);
            FdSet set = new FdSet(4096);
            try (Epoll ep = Epoll.create()) {
                pfds.add(ep.fd(), Poll.POLLIN);
                set.set(ep.fd());
                ep.wait(ev, 0);
            }
            if (i % 2 == 0) { // half closed, half just dropped: the same for memory
                ev.close();
                pfds.close();
                set.close();
            }
            peak = Math.max(peak, directMemoryUsed());
        }
        long closedNotCollected = directMemoryUsed() - directBefore;
        assertTrue(waitFor(() -> directMemoryUsed() <= directBefore + 64 * 1024),
                "direct memory still " + (directMemoryUsed() - directBefore) + " bytes above the start after GC");
        assertEquals(fdsBefore, Fds.epollAndEventFdCount());
        System.out.printf("ResourceTest: 200,000 x (EpollEvents(64) + PollFds(64) + FdSet(4096)) dropped:"
                + " up to %d kB of direct memory awaited GC; %d kB at the end before GC; after GC %+d bytes%n",
                (peak - directBefore) / 1024, closedNotCollected / 1024, directMemoryUsed() - directBefore);
    }

    @Test
    void droppedEpollIsClosedByTheCleaner() throws Exception {
        long before = openFds();
        for (int i = 0; i < 1000; i++) {
            Epoll.create(); // never closed
        }
        assertTrue(waitFor(() -> openFds() <= before), "fds left: " + (openFds() - before));
    }

    /**
     * The Cleaner closes a dropped Epoll's fd once: after it has run, the numbers are
     * reused by new eventfds, and more GC cycles must leave those open. Also for Epolls
     * closed explicitly before being dropped: close() ran the cleanup, the Cleaner must not.
     */
    @Test
    void cleanerClosesEachFdExactlyOnce() throws Exception {
        long before = openFds();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            numbers.add(Epoll.create().fd()); // dropped unclosed
            Epoll closed = Epoll.create();
            numbers.add(closed.fd());
            closed.close(); // closed, then dropped
        }
        assertTrue(waitFor(() -> openFds() <= before), "the Cleaner did not close every dropped Epoll");
        try (Fds fds = new Fds()) {
            List<Integer> reused = new ArrayList<>();
            for (int i = 0; i < numbers.size(); i++) {
                reused.add(fds.eventfd(0));
            }
            // Each closed Epoll's number is reused by the next create, so numbers holds
            // repeats: count distinct numbers, of which about half are the dropped ones.
            java.util.Set<Integer> distinct = new java.util.HashSet<>(numbers);
            long overlap = reused.stream().distinct().filter(distinct::contains).count();
            assertTrue(overlap > distinct.size() / 2, "fd numbers were not reused: " + overlap + " of "
                    + distinct.size());
            for (int i = 0; i < 5; i++) {
                gc(); // any Cleaner still pending would close a reused number now
            }
            for (int fd : reused) {
                Fd.fcntl(fd, Fd.F_GETFD, 0); // EBADF here would be a second close
            }
        }
    }

    // ---- measuring ----

    /** epoll and eventfd fds: the kinds an Epoll holds, and none the JVM opens itself. */
    static long openFds() {
        try {
            return Fds.epollAndEventFdCount();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static long directMemoryUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool");
    }

    static long rssKb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    /** RSS after the collector has run and the Cleaners have had time to free. */
    static long settledRssKb() throws Exception {
        gc();
        gc();
        return rssKb();
    }

    static void gc() throws InterruptedException {
        System.gc();
        Thread.sleep(100); // the Reference Handler and Cleaner threads free asynchronously
    }

    /** Polls the condition with GCs in between, for up to 30 s. */
    static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            gc();
        }
        return true;
    }
}
