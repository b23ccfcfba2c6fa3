package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EpollTest {
    private final Fds fds = new Fds();

    @AfterEach
    void closeFds() {
        fds.close();
    }

    @Test
    void levelTriggeredReportsUnreadDataOnEveryWait() throws Exception {
        int[] p = fds.pipe(true);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(p[0], Epoll.EPOLLIN);
            assertEquals(0, ep.wait(ev, 0));
            Fds.write(p[1], "abc");
            for (int i = 0; i < 5; i++) {
                assertEquals(1, ep.wait(ev, 0), "wait " + i);
                assertEquals(p[0], ev.fd(0));
                assertEquals(Epoll.EPOLLIN, ev.events(0));
            }
            byte[] b = new byte[16];
            assertEquals(3, Fd.read(p[0], b, 0, b.length));
            assertEquals(0, ep.wait(ev, 0), "nothing left to read");
        }
    }

    @Test
    void edgeTriggeredReportsOncePerEdge() throws Exception {
        int[] p = fds.pipe(true);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(p[0], Epoll.EPOLLIN | Epoll.EPOLLET);
            Fds.write(p[1], "abc");
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(0, ep.wait(ev, 0), "no new edge: unread data is not re-reported");
            assertEquals(0, ep.wait(ev, 0));
            Fds.write(p[1], "d");
            assertEquals(1, ep.wait(ev, 0), "new data is a new edge");
            assertEquals(0, ep.wait(ev, 0));
        }
    }

    @Test
    void edgeTriggeredDrainEndsOnEagain() throws Exception {
        int[] s = fds.socketpair(true);
        byte[] payload = new byte[100_000];
        int sent = 0;
        while (sent < payload.length) {
            int n = Fd.write(s[1], payload, sent, payload.length - sent);
            if (Errno.isWouldBlock(n)) {
                break; // socket buffer full: enough for the test
            }
            sent += n;
        }
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(s[0], Epoll.EPOLLIN | Epoll.EPOLLET);
            assertEquals(1, ep.wait(ev, 1000));
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            int total = 0;
            int n;
            int reads = 0;
            while ((n = Fd.read(s[0], buf.clear())) > 0) {
                total += n;
                reads++;
            }
            assertEquals(-Errno.EAGAIN, n, "the drain loop ends on EAGAIN, returned not thrown");
            assertTrue(Errno.isWouldBlock(n));
            assertEquals(sent, total);
            assertTrue(reads > 1);
            assertEquals(0, ep.wait(ev, 0));
        }
    }

    @Test
    void oneshotIsSilentUntilModRearms() throws Exception {
        int[] p = fds.pipe(true);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(p[0], Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
            Fds.write(p[1], "a");
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(0, ep.wait(ev, 0), "disabled after one report");
            Fds.write(p[1], "b");
            assertEquals(0, ep.wait(ev, 0), "still disabled: new data does not re-arm");
            ep.modify(p[0], Epoll.EPOLLIN | Epoll.EPOLLONESHOT);
            assertEquals(1, ep.wait(ev, 0), "MOD re-arms");
            assertEquals(0, ep.wait(ev, 0));
        }
    }

    @Test
    void rdhupOnPeerShutdown() throws Exception {
        int[] s = fds.socketpair(true);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(s[0], Epoll.EPOLLIN | Epoll.EPOLLRDHUP);
            assertEquals(0, ep.wait(ev, 0));
            Sockets.shutdown(s[1], Sockets.SHUT_WR);
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(Epoll.EPOLLIN | Epoll.EPOLLRDHUP, ev.events(0), Epoll.eventNames(ev.events(0)));
            byte[] b = new byte[1];
            assertEquals(0, Fd.read(s[0], b, 0, 1), "EOF after the peer's shutdown");
            fds.close(s[1]);
            assertEquals(1, ep.wait(ev, 0));
            assertTrue((ev.events(0) & Epoll.EPOLLHUP) != 0, Epoll.eventNames(ev.events(0)));
        }
    }

    /** TCP urgent data is the condition EPOLLPRI (and POLLPRI, select's exceptfds) report. */
    @Test
    void epollpriOnTcpUrgentData() throws Exception {
        int listener = fds.tcpListener();
        int port = Sockets.getsockname(listener).getPort();
        try (java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), port);
             Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            int conn = fds.track(Sockets.accept4(listener, Sockets.SOCK_CLOEXEC));
            ep.add(conn, Epoll.EPOLLPRI);
            assertEquals(0, ep.wait(ev, 0));
            client.sendUrgentData(0x21); // send(MSG_OOB): one urgent byte
            assertEquals(1, ep.wait(ev, 5_000));
            // Only the urgent mark is asked for; the byte also makes the socket readable,
            // which epoll does not report because EPOLLIN was not requested.
            assertEquals(Epoll.EPOLLPRI, ev.events(0), Epoll.eventNames(ev.events(0)));
        }
    }

    /**
     * Pipes report readable as EPOLLIN|EPOLLRDNORM and writable as EPOLLOUT|EPOLLWRNORM
     * (fs/pipe.c); AF_UNIX stream sockets add EPOLLWRBAND (net/unix/af_unix.c). epoll
     * returns those bits only when they are asked for.
     */
    @Test
    void normAndBandBitsAsTheKernelSetsThem() throws Exception {
        int all = Epoll.EPOLLIN | Epoll.EPOLLRDNORM | Epoll.EPOLLRDBAND | Epoll.EPOLLOUT
                | Epoll.EPOLLWRNORM | Epoll.EPOLLWRBAND | Epoll.EPOLLMSG;
        int[] p = fds.pipe(true);
        int[] s = fds.socketpair(true);
        Fds.write(p[1], "x");
        Fds.write(s[1], "x");
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(p[0], all, 0);
            ep.add(p[1], all, 1);
            ep.add(s[0], all, 2);
            assertEquals(3, ep.wait(ev, 0));
            int[] got = new int[3];
            for (int i = 0; i < 3; i++) {
                got[(int) ev.data(i)] = ev.events(i);
            }
            assertEquals(Epoll.EPOLLIN | Epoll.EPOLLRDNORM, got[0], Epoll.eventNames(got[0]));
            assertEquals(Epoll.EPOLLOUT | Epoll.EPOLLWRNORM, got[1], Epoll.eventNames(got[1]));
            assertEquals(Epoll.EPOLLIN | Epoll.EPOLLRDNORM | Epoll.EPOLLOUT | Epoll.EPOLLWRNORM
                    | Epoll.EPOLLWRBAND, got[2], Epoll.eventNames(got[2]));
        }
    }

    /**
     * EPOLLWAKEUP is an input flag (hold a wakeup source while the event is pending): the
     * kernel accepts it (and drops it silently without CAP_BLOCK_SUSPEND) and never
     * returns it as an event.
     */
    @Test
    void epollwakeupIsAcceptedAndNeverReported() throws Exception {
        int efd = fds.eventfd(1);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(8)) {
            ep.add(efd, Epoll.EPOLLIN | Epoll.EPOLLWAKEUP);
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(Epoll.EPOLLIN, ev.events(0), Epoll.eventNames(ev.events(0)));
            ep.modify(efd, Epoll.EPOLLIN | Epoll.EPOLLWAKEUP | Epoll.EPOLLET);
            assertEquals(1, ep.wait(ev, 0), "MOD re-checks readiness");
            assertEquals(0, ep.wait(ev, 0), "edge-triggered: no new edge");
        }
    }

    @Test
    void ctlErrorsCarryTheKernelsErrno() throws Exception {
        int[] p = fds.pipe(true);
        try (Epoll ep = Epoll.create()) {
            ep.add(p[0], Epoll.EPOLLIN);
            ErrnoException e = assertThrows(ErrnoException.class, () -> ep.add(p[0], Epoll.EPOLLIN));
            assertEquals(Errno.EEXIST, e.errno());
            assertEquals("EEXIST", e.errnoName());
            assertEquals("epoll_ctl", e.syscall());
            assertEquals("epoll_ctl(EPOLL_CTL_ADD, fd=" + p[0] + "): EEXIST (File exists)", e.getMessage());

            e = assertThrows(ErrnoException.class, () -> ep.modify(p[1], Epoll.EPOLLOUT));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().startsWith("epoll_ctl(EPOLL_CTL_MOD, fd=" + p[1] + "): ENOENT"));
            e = assertThrows(ErrnoException.class, () -> ep.delete(p[1]));
            assertEquals(Errno.ENOENT, e.errno());

            e = assertThrows(ErrnoException.class, () -> ep.add(ep.fd(), Epoll.EPOLLIN));
            assertEquals(Errno.EINVAL, e.errno(), "an epoll fd cannot watch itself");

            ep.delete(p[0]);
            ep.add(p[0], Epoll.EPOLLIN); // DEL really removed it
        }
    }

    @Test
    void regularFileIsEperm(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "data");
        try (var in = new java.io.FileInputStream(file.toFile()); Epoll ep = Epoll.create()) {
            int fd = Fd.fdOf(in.getFD());
            ErrnoException e = assertThrows(ErrnoException.class, () -> ep.add(fd, Epoll.EPOLLIN));
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("EPERM (Operation not permitted)"), e.getMessage());
        }
    }

    @Test
    void sixtyFourBitDataRoundTrips() throws Exception {
        int[] p = fds.pipe(true);
        long[] words = {0xDEADBEEF_CAFEBABEL, -1L, Long.MIN_VALUE, 1L << 32, 0L};
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            Fds.write(p[1], "x");
            ep.add(p[0], Epoll.EPOLLIN, words[0]);
            for (long word : words) {
                ep.modify(p[0], Epoll.EPOLLIN, word);
                assertEquals(1, ep.wait(ev, 0));
                assertEquals(word, ev.data(0));
                assertEquals((int) word, ev.fd(0));
            }
        }
    }

    @Test
    void maxEventsSmallerThanReadyReturnsTheRestNextTime() throws Exception {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(10)) {
            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                int efd = fds.eventfd(1); // readable from the start
                ep.add(efd, Epoll.EPOLLIN | Epoll.EPOLLET);
                expected.add(efd);
            }
            Set<Integer> seen = new HashSet<>();
            assertEquals(2, ep.wait(ev, 2, 0));
            seen.add(ev.fd(0));
            seen.add(ev.fd(1));
            assertEquals(2, ep.wait(ev, 2, 0));
            seen.add(ev.fd(0));
            seen.add(ev.fd(1));
            assertEquals(1, ep.wait(ev, 2, 0));
            seen.add(ev.fd(0));
            assertEquals(expected, seen, "every ready fd is reported exactly once across the waits");
            assertEquals(0, ep.wait(ev, 0));
        }
    }

    @Test
    void timeoutIsHonoured() throws Exception {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            long t0 = System.nanoTime();
            assertEquals(0, ep.wait(ev, 150));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 149 && ms < 2_000, "waited " + ms + " ms");
        }
    }

    @Test
    void subMillisecondTimeoutStillWaits() throws Exception {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                assertEquals(0, ep.pwait2(ev, 100_000));
                long waited = System.nanoTime() - t0;
                assertTrue(waited >= 100_000, "a 0.1 ms wait returned after " + waited + " ns");
            }
        }
    }

    @Test
    void pwait2ReturnsReadyEvents() throws Exception {
        int efd = fds.eventfd(1);
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
            ep.add(efd, Epoll.EPOLLIN);
            assertEquals(1, ep.pwait2(ev, 0));
            assertEquals(1, ep.pwait2(ev, -1));
            assertEquals(efd, ev.fd(0));
        }
    }

    @Test
    void pwait2IsPresentOnThisKernel() {
        // Linux 5.11+; the kernels these tests target have it. The fallback is tested
        // separately in a JVM with -Djmux.epoll_pwait2=false.
        String release = System.getProperty("os.version");
        String[] v = release.split("[.-]");
        boolean newKernel = Integer.parseInt(v[0]) > 5 || (Integer.parseInt(v[0]) == 5 && Integer.parseInt(v[1]) >= 11);
        if (!"false".equals(System.getProperty("jmux.epoll_pwait2"))) {
            assertEquals(newKernel, Epoll.hasPwait2(), "kernel " + release);
        } else {
            assertFalse(Epoll.hasPwait2());
        }
    }

    @Test
    void ownershipDupAndView() throws Exception {
        try (Epoll owner = Epoll.create()) {
            Epoll view = Epoll.viewOf(owner.fd());
            assertFalse(view.ownsFd());
            view.close();
            assertThrows(IllegalStateException.class, view::fd);
            int[] p = fds.pipe(true);
            owner.add(p[0], Epoll.EPOLLIN); // view.close() did not close the owner's fd

            Epoll dup = Epoll.dupOf(owner.fd());
            assertTrue(dup.ownsFd());
            int dupFd = dup.fd();
            assertTrue(dupFd != owner.fd());
            Fds.write(p[1], "x");
            try (EpollEvents ev = new EpollEvents(1)) {
                assertEquals(1, dup.wait(ev, 0), "the dup shares the epoll instance");
            }
            dup.close();
            ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.fcntl(dupFd, Fd.F_GETFD, 0));
            assertEquals(Errno.EBADF, e.errno(), "closing the dup closed its own fd");
            owner.add(p[1], Epoll.EPOLLOUT); // and not the owner's
        }
    }

    @Test
    void useAfterCloseIsIllegalState() throws Exception {
        Epoll ep = Epoll.create();
        int fd = ep.fd();
        EpollEvents ev = new EpollEvents(1);
        ep.close();
        ep.close();
        assertFalse(ep.isOpen());
        assertThrows(IllegalStateException.class, () -> ep.wait(ev, 0));
        assertThrows(IllegalStateException.class, () -> ep.add(0, Epoll.EPOLLIN));
        assertThrows(IllegalStateException.class, ep::fd);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.fcntl(fd, Fd.F_GETFD, 0));
        assertEquals(Errno.EBADF, e.errno());

        ev.close();
        try (Epoll ep2 = Epoll.create()) {
            assertThrows(IllegalStateException.class, () -> ep2.wait(ev, 0));
            assertThrows(IllegalStateException.class, () -> ev.events(0));
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeTheKernel() throws Exception {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(2)) {
            assertThrows(IllegalArgumentException.class, () -> ep.add(-1, Epoll.EPOLLIN));
            assertThrows(ErrnoException.class, () -> ep.wait(ev, 0, 0)); // the kernel's EINVAL
            assertThrows(IllegalArgumentException.class, () -> ep.wait(ev, 3, 0)); // past the array
            // Unknown event bits and negative timeouts are the kernel's: see ConformanceTest, BadInputTest.
            assertThrows(IndexOutOfBoundsException.class, () -> ev.events(2));
            assertThrows(IndexOutOfBoundsException.class, () -> ev.data(-1));
            assertThrows(IllegalArgumentException.class, () -> new EpollEvents(0));
            assertThrows(ErrnoException.class, () -> Epoll.create(0x1234)); // the kernel judges flags: EINVAL
            ErrnoException e = assertThrows(ErrnoException.class, () -> ep.ctl(99, 0, Epoll.EPOLLIN, 0));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().startsWith("epoll_ctl(op=99, fd=0)"), e.getMessage());
        }
    }

    @Test
    void closeWakesABlockedWaiter() throws Exception {
        Epoll ep = Epoll.create();
        int epfd = ep.fd();
        EpollEvents ev = new EpollEvents(4);
        int[] result = {-1};
        Thread waiter = new Thread(() -> {
            try {
                result[0] = ep.wait(ev, -1);
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        });
        waiter.start();
        Thread.sleep(200); // let it block in epoll_wait
        ep.close();
        waiter.join(5_000);
        assertFalse(waiter.isAlive(), "close() woke the waiter");
        assertEquals(0, result[0]);
        // The fd was closed once the waiter returned.
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.fcntl(epfd, Fd.F_GETFD, 0));
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void flagNames() {
        assertEquals("EPOLLIN|EPOLLET", Epoll.eventNames(Epoll.EPOLLIN | Epoll.EPOLLET));
        assertEquals("0", Epoll.eventNames(0));
        assertTrue(Epoll.eventNames(Epoll.EPOLLOUT | (1 << 20)).startsWith("EPOLLOUT|0x"));
    }
}
