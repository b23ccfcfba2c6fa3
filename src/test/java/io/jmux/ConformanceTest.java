package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jmux accepts what the kernel accepts and hands it on unchanged (issue 11): unknown
 * event bits, the bits select never examined, and a length for the kernel that no race
 * can push past the memory it describes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConformanceTest {

    /** poll({fd, 0xFFFF}) returns normally in C: bits <poll.h> does not name are ignored. */
    @Test
    void pollPassesUnknownEventBits() throws Exception {
        try (Fds fds = new Fds(); PollFds p = new PollFds(1)) {
            int efd = fds.eventfd(1);
            p.add(efd, 0xFFFF);
            assertEquals(1, Poll.poll(p, 0));
            assertTrue((p.revents(0) & Poll.POLLIN) != 0);
            for (int bit : new int[] {0x800, 0x1000, 0x4000, 0x8000}) {
                p.setEvents(0, Poll.POLLIN | bit);
                assertEquals(1, Poll.poll(p, 0), "bit 0x" + Integer.toHexString(bit));
            }
        }
    }

    /** epoll_ctl with bits <sys/epoll.h> does not name: the kernel takes them and reports as usual. */
    @Test
    void epollPassesUnknownEventBits() throws Exception {
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            int efd = fds.eventfd(1);
            ep.add(efd, Epoll.EPOLLIN | (1 << 20));
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(efd, ev.fd(0));
        }
    }

    /** A bit at or above nfds, in a word wholly above it, no longer survives select. */
    @Test
    void selectLeavesNoBitAtOrAboveNfds() throws Exception {
        try (Fds fds = new Fds(); FdSet r = new FdSet(512)) {
            int efd = fds.eventfd(1);
            assertTrue(efd < 190, "test needs a low fd, got " + efd);
            r.set(efd);
            r.set(200); // word 3, wholly above nfds
            r.set(efd + 1); // same word as nfds-1: the kernel clears this one itself
            r.set(511);
            assertEquals(1, Select.select(efd + 1, r, null, null, 0));
            assertTrue(r.isSet(efd));
            assertFalse(r.isSet(200), "fd 200 was never examined by select");
            assertFalse(r.isSet(511));
            assertFalse(r.isSet(efd + 1));
            assertEquals(1, r.count());
            assertEquals(-1, r.nextSetBit(efd + 1));
        }
    }

    /**
     * Two threads add to a PollFds with one free slot while a third polls it. PollFds is
     * not thread-safe, so entries may be lost; but the count handed to poll must never
     * exceed the capacity (it crashed the JVM when it did).
     */
    @Test
    void racingAddsNeverLetPollReadPastTheArray() throws Throwable {
        try (Fds fds = new Fds()) {
            int efd = fds.eventfd(1);
            AtomicInteger overSize = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            for (int round = 0; round < 2000; round++) {
                PollFds p = new PollFds(2);
                p.add(efd, Poll.POLLIN);
                CyclicBarrier start = new CyclicBarrier(3);
                ConcurrencyTest.Worker a = adder(p, efd, start);
                ConcurrencyTest.Worker b = adder(p, efd, start);
                ConcurrencyTest.Worker poller = new ConcurrencyTest.Worker("poller", () -> {
                    start.await();
                    for (int i = 0; i < 20; i++) {
                        int n = Poll.poll(p, 0);
                        assertTrue(n >= 0 && n <= p.capacity(), "poll reported " + n);
                        if (p.size() > p.capacity()) {
                            overSize.incrementAndGet();
                        }
                    }
                });
                a.join();
                b.join();
                poller.join();
                assertTrue(p.size() <= p.capacity(), "size " + p.size() + " > capacity");
            }
            stop.set(true);
            assertEquals(0, overSize.get());
        }
    }

    private static ConcurrencyTest.Worker adder(PollFds p, int fd, CyclicBarrier start) {
        return new ConcurrencyTest.Worker("adder", () -> {
            start.await();
            try {
                p.add(fd, Poll.POLLIN);
            } catch (IllegalStateException full) {
                // the other adder won the slot
            }
        });
    }

    /**
     * A segment of a shared Arena, closed by another thread while a blocking read waits
     * to write into it: the close must fail (the session is held across the syscall),
     * so the kernel never writes into freed memory. JDK 22+ (MemorySegment.asByteBuffer).
     */
    @Test
    void aSharedArenaCannotBeClosedUnderABlockingRead() throws Throwable {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22,
                "MemorySegment.asByteBuffer is Java 22+");
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        AutoCloseable arena = (AutoCloseable) arenaClass.getMethod("ofShared").invoke(null);
        Object segment = arenaClass.getMethod("allocate", long.class).invoke(arena, 64L);
        java.nio.ByteBuffer buffer = (java.nio.ByteBuffer) segmentClass.getMethod("asByteBuffer").invoke(segment);
        int[] p = Fd.pipe2(Fd.O_CLOEXEC); // blocking read end
        try {
            int[] read = {-2};
            ConcurrencyTest.Worker reader = new ConcurrencyTest.Worker("reader",
                    () -> read[0] = Fd.read(p[0], buffer));
            Thread.sleep(200); // the reader is blocked in read(2)
            assertEquals(-2, read[0]);
            IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class, arena::close, "closed under a read in flight");
            assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("acquired"), refused.toString());
            Fds.write(p[1], "hello");
            reader.join();
            assertEquals(5, read[0]);
            arena.close(); // nobody holds it now
        } finally {
            Fd.close(p[0]);
            Fd.close(p[1]);
        }
    }
}
