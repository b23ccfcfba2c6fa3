package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SelectTest {
    private final Fds fds = new Fds();

    @AfterEach
    void closeFds() {
        fds.close();
    }

    @Test
    void readableAfterWriteOnPipe() throws Exception {
        int[] p = fds.pipe(false);
        try (FdSet r = new FdSet()) {
            r.set(p[0]);
            assertEquals(0, Select.select(p[0] + 1, r, null, null, 0));
            assertFalse(r.isSet(p[0]), "select clears bits of fds that are not ready");

            Fds.write(p[1], "x");
            r.set(p[0]);
            assertEquals(1, Select.select(p[0] + 1, r, null, null, 0));
            assertTrue(r.isSet(p[0]));
        }
    }

    @Test
    void writableSocketpairAndCountAcrossSets() throws Exception {
        int[] s = fds.socketpair(false);
        Fds.write(s[1], "hello");
        int nfds = Math.max(s[0], s[1]) + 1;
        try (FdSet r = new FdSet(); FdSet w = new FdSet()) {
            r.set(s[0]);
            r.set(s[1]);
            w.set(s[0]);
            w.set(s[1]);
            // s[0] readable + both writable = 3 bits; s[1] has nothing to read.
            assertEquals(3, Select.select(nfds, r, w, null, 0));
            assertTrue(r.isSet(s[0]));
            assertFalse(r.isSet(s[1]));
            assertTrue(w.isSet(s[0]));
            assertTrue(w.isSet(s[1]));
        }
    }

    @Test
    void exceptSetReportsTcpUrgentData() throws Exception {
        // Out-of-band data is the classic exceptional condition: send(MSG_OOB) needs a TCP
        // socket, so use java.net for the sender and jmux for the receiver.
        int listener = fds.tcpListener();
        int port = Sockets.getsockname(listener).getPort();
        try (java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            int conn = fds.track(Sockets.accept4(listener, Sockets.SOCK_CLOEXEC));
            try (FdSet x = new FdSet()) {
                x.set(conn);
                assertEquals(0, Select.select(conn + 1, null, null, x, 0));
                client.sendUrgentData(0x21);
                x.set(conn);
                assertEquals(1, Select.select(conn + 1, null, null, x, 5_000_000));
                assertTrue(x.isSet(conn));
            }
        }
    }

    @Test
    void timeoutIsHonoured() throws Exception {
        int[] p = fds.pipe(false);
        try (FdSet r = new FdSet()) {
            r.set(p[0]);
            long t0 = System.nanoTime();
            assertEquals(0, Select.select(p[0] + 1, r, null, null, 200_000));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 199 && ms < 2_000, "waited " + ms + " ms for a 200 ms timeout");
        }
    }

    @Test
    void blockForeverReturnsWhenReady() throws Exception {
        int[] p = fds.pipe(false);
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(100);
                Fds.write(p[1], "x");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        try (FdSet r = new FdSet()) {
            r.set(p[0]);
            assertEquals(1, Select.select(p[0] + 1, r, null, null, -1));
        }
        writer.join();
    }

    @Test
    void fdAtOrPastCapacityIsRejected() {
        try (FdSet set = new FdSet()) {
            assertEquals(1024, set.capacity());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.set(1024));
            assertTrue(e.getMessage().contains("1024"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> set.isSet(5000));
            assertThrows(IllegalArgumentException.class, () -> set.set(-1));
            assertThrows(IllegalArgumentException.class,
                    () -> Select.select(1025, set, null, null, 0), "nfds past the set's capacity");
            assertThrows(ErrnoException.class, () -> Select.select(-1, set, null, null, 0)); // EINVAL
            assertThrows(ErrnoException.class, () -> Select.select(1, set, null, null, -2)); // EINVAL
        }
    }

    @Test
    void capacityRoundsUpToWholeLongs() {
        try (FdSet set = new FdSet(1500)) {
            assertEquals(1536, set.capacity());
            set.set(1535);
            assertTrue(set.isSet(1535));
        }
    }

    /** Linux select accepts sets past FD_SETSIZE; only glibc's FD_* macros stop at 1024. */
    @Test
    void fifteenHundredFdSetWorksPastFdSetsize() throws Exception {
        int[] p = fds.pipe(false);
        // Move the read end past 1024 with F_DUPFD_CLOEXEC (needs RLIMIT_NOFILE > 1500).
        int high = fds.track(Fd.fcntl(p[0], Fd.F_DUPFD_CLOEXEC, 1400));
        assertTrue(high >= 1400);
        try (FdSet r = new FdSet(1500)) {
            r.set(high);
            assertEquals(0, Select.select(1500, r, null, null, 0));
            Fds.write(p[1], "x");
            r.set(high);
            assertEquals(1, Select.select(1500, r, null, null, 0));
            assertTrue(r.isSet(high));
            assertEquals(high, r.nextSetBit(0));
        }
    }

    /** Scanning the kernel's answer a long at a time finds the same fds as nextSetBit. */
    @Test
    void fdsBitsWordScanMatchesNextSetBit() throws Exception {
        int[] ready = new int[3];
        int[] idle = new int[3];
        int nfds = 0;
        for (int i = 0; i < 3; i++) {
            int[] p = fds.pipe(false);
            // Spread the fds over three longs of the bitmap: fds near 100, 200 and 300.
            ready[i] = fds.track(Fd.fcntl(p[0], Fd.F_DUPFD_CLOEXEC, 100 * (i + 1)));
            idle[i] = fds.track(Fd.fcntl(p[0], Fd.F_DUPFD_CLOEXEC, 100 * (i + 1) + 10));
            Fds.write(p[1], "x");
            nfds = Math.max(nfds, idle[i] + 1);
        }
        try (FdSet r = new FdSet(nfds)) {
            for (int i = 0; i < 3; i++) {
                r.set(ready[i]);
                r.set(idle[i]);
            }
            // idle[i] reads the same pipe as ready[i], so all six are readable.
            assertEquals(6, Select.select(nfds, r, null, null, 0));
            java.util.List<Integer> byWords = new java.util.ArrayList<>();
            for (int w = 0; w < r.capacity() / 64; w++) {
                for (long bits = r.fdsBits(w); bits != 0; bits &= bits - 1) {
                    byWords.add(w * 64 + Long.numberOfTrailingZeros(bits));
                }
            }
            java.util.List<Integer> byBit = new java.util.ArrayList<>();
            for (int fd = r.nextSetBit(0); fd >= 0; fd = r.nextSetBit(fd + 1)) {
                byBit.add(fd);
            }
            assertEquals(6, byWords.size());
            assertEquals(byBit, byWords);
            for (int i = 0; i < 3; i++) {
                assertTrue(byWords.contains(ready[i]) && byWords.contains(idle[i]));
            }
        }
    }

    /**
     * The kernel clamps nfds to its fd table and leaves higher bits as they were: a C
     * program sees such a (closed) fd as ready. jmux must not report what the kernel
     * did not.
     */
    @Test
    void closedFdPastTheFdTableIsNotReported() throws Exception {
        int[] p = fds.pipe(false);
        Fds.write(p[1], "x");
        int beyond = 1 << 19; // never open, and past any fd table this test process grows
        try (FdSet r = new FdSet(beyond + 64)) {
            r.set(p[0]);
            r.set(beyond);
            assertEquals(1, Select.select(beyond + 1, r, null, null, 0));
            assertTrue(r.isSet(p[0]));
            assertFalse(r.isSet(beyond), "fd " + beyond + " was never reported by the kernel");
            assertEquals(1, r.count());
        }
    }

    @Test
    void closedFdInsideTheTableIsEbadf() throws Exception {
        int closed = Fds.closedFd();
        try (FdSet r = new FdSet(closed + 1)) {
            r.set(closed);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Select.select(closed + 1, r, null, null, 0));
            assertEquals(Errno.EBADF, e.errno());
            assertTrue(e.getMessage().startsWith("select("), e.getMessage());
            assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
        }
    }

    @Test
    void closedSetIsRejected() throws Exception {
        FdSet set = new FdSet();
        set.close();
        set.close();
        assertFalse(set.isOpen());
        assertThrows(IllegalStateException.class, () -> set.set(1));
        assertThrows(IllegalStateException.class, () -> Select.select(1, set, null, null, 0));
    }

    @Test
    void copyFromAndNextSetBit() {
        try (FdSet a = new FdSet(200); FdSet b = new FdSet()) {
            a.set(3);
            a.set(70);
            a.set(199);
            b.set(5);
            b.copyFrom(a);
            assertFalse(b.isSet(5));
            assertTrue(b.isSet(3) && b.isSet(70));
            assertEquals(3, b.nextSetBit(0));
            assertEquals(70, b.nextSetBit(4));
            assertEquals(199, b.nextSetBit(71));
            assertEquals(-1, b.nextSetBit(200));
            b.zero();
            assertEquals(0, b.count());
        }
    }

    /** One set passed as readfds and writefds: C allows it; no reported bit may be lost. */
    @Test
    void sameSetForReadAndWriteKeepsEveryReportedBit() throws Exception {
        int[] a = fds.pipe(false);
        int far = fds.track(Fd.fcntl(a[1], Fd.F_DUPFD_CLOEXEC, 100)); // a write end in word 1
        try (FdSet set = new FdSet(256)) {
            set.set(a[1]);
            set.set(far);
            // Both write ends are writable, neither is readable: the kernel writes the
            // (empty) read results, then the write results {a[1], far}, into the one set.
            int n = Select.select(far + 1, set, set, null, 0);
            assertEquals(2, n);
            assertTrue(set.isSet(a[1]));
            assertTrue(set.isSet(far), "fd " + far + " in the second word survives");
        }
    }
}
