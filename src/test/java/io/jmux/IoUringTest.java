package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * io_uring against the real kernel: real pipes and loopback sockets, every wait bounded by
 * a timeout. Skipped, with {@link IoUring#unavailabilityCause()} as the reason, where
 * io_uring is unavailable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringTest {
    private final Fds fds = new Fds();

    @BeforeEach
    void needIoUring() {
        Assumptions.assumeTrue(IoUring.isSupported(), IoUring::unavailabilityCause);
    }

    @AfterEach
    void closeFds() {
        fds.close();
    }

    /** One CQE: user_data, res, flags. */
    record Cqe(long userData, int res, int flags) {
        boolean more() {
            return (flags & IoUring.IORING_CQE_F_MORE) != 0;
        }
    }

    /** Waits (at most 5 s) for at least {@code n} CQEs and reaps all that are ready. */
    static List<Cqe> reap(IoUring ring, int n) throws ErrnoException {
        List<Cqe> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (out.size() < n && System.nanoTime() < deadline) {
            ring.submitAndWait(n - out.size(), TimeUnit.MILLISECONDS.toNanos(100));
            out.addAll(drain(ring));
        }
        return out;
    }

    /** Every CQE ready now, after a GETEVENTS enter that does not block. */
    static List<Cqe> drain(IoUring ring) throws ErrnoException {
        ring.submitAndWait(0, 0);
        List<Cqe> out = new ArrayList<>();
        int n = ring.cqReady();
        for (int i = 0; i < n; i++) {
            out.add(new Cqe(ring.cqeUserData(i), ring.cqeRes(i), ring.cqeFlags(i)));
        }
        ring.cqAdvance(n);
        return out;
    }

    @Test
    void nopRoundTrip() throws Exception {
        try (IoUring ring = IoUring.setup(8, 0)) {
            assertEquals(8, ring.sqEntries());
            assertEquals(16, ring.cqEntries());
            assertTrue((ring.features() & IoUring.IORING_FEAT_NODROP) != 0);
            assertEquals(8, ring.sqSpace());
            assertTrue(ring.prepNop(42));
            assertTrue(ring.prepNop(-1L));
            assertEquals(6, ring.sqSpace());
            assertEquals(0, ring.cqReady(), "nothing completes before a submit");
            assertEquals(2, ring.submitAndWait(2));
            assertEquals(2, ring.cqReady());
            assertEquals(42, ring.cqeUserData(0));
            assertEquals(0, ring.cqeRes(0));
            assertEquals(0, ring.cqeFlags(0));
            assertEquals(-1L, ring.cqeUserData(1));
            assertEquals(-1, ring.cqeBufferId(1));
            ring.cqAdvance(2);
            assertEquals(0, ring.cqReady());
            assertEquals(8, ring.sqSpace());
            assertEquals(0, ring.submit(), "nothing pending: no syscall, 0");
            assertEquals(0, ring.inFlightCount());
        }
    }

    @Test
    void fullSqSaysFalseAndSubmitFreesIt() throws Exception {
        try (IoUring ring = IoUring.setup(4, 0)) {
            for (int i = 0; i < 4; i++) {
                assertTrue(ring.prepNop(i));
            }
            assertFalse(ring.prepNop(4), "SQ full");
            assertEquals(4, ring.submit());
            assertTrue(ring.prepNop(4), "the kernel consumed the SQEs: room again");
            assertEquals(1, ring.submit());
            assertEquals(5, reap(ring, 5).size());
        }
    }

    /**
     * Multishot POLL_ADD after its first CQE behaves as EPOLLET on the same pipe: a second
     * write, with the first byte still unread, wakes both again; no write, no CQE and no
     * event, even though the pipe stays readable. A one-shot poll ends with its CQE.
     */
    @Test
    void multishotPollIsEdgeLikeBesideEpollEt() throws Exception {
        int[] p = fds.pipe(true);
        try (IoUring ring = IoUring.setup(8, 0); Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
            ep.add(p[0], Epoll.EPOLLIN | Epoll.EPOLLET);
            assertTrue(ring.prepPollAdd(p[0], Poll.POLLIN, true, 7));
            ring.submit();
            assertEquals(List.of(), drain(ring));
            assertEquals(0, ep.wait(ev, 0));

            Fds.write(p[1], "a");
            List<Cqe> first = reap(ring, 1);
            assertEquals(1, first.size());
            assertEquals(7, first.get(0).userData());
            assertTrue((first.get(0).res() & Poll.POLLIN) != 0);
            assertTrue(first.get(0).more(), "multishot stays armed: F_MORE");
            assertEquals(1, ep.wait(ev, 0));

            // Still readable (nothing read): level-triggered would report again; neither does.
            assertEquals(List.of(), drain(ring));
            assertEquals(0, ep.wait(ev, 0));

            Fds.write(p[1], "b"); // a new wake-up: both report once more
            List<Cqe> second = reap(ring, 1);
            assertEquals(1, second.size());
            assertTrue(second.get(0).more());
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(List.of(), drain(ring));
            assertEquals(0, ep.wait(ev, 0));

            // One-shot: one CQE without F_MORE, then nothing on new writes.
            assertTrue(ring.prepPollAdd(p[0], Poll.POLLIN, false, 8));
            List<Cqe> once = reap(ring, 1);
            assertEquals(1, once.size());
            assertEquals(8, once.get(0).userData());
            assertFalse(once.get(0).more());
            Fds.write(p[1], "c");
            List<Cqe> after = reap(ring, 1);
            assertEquals(1, after.size(), "only the multishot poll reports the third write");
            assertEquals(7, after.get(0).userData());
        }
    }

    /**
     * POLL_REMOVE ends a multishot poll: its last CQE has no F_MORE (res -ECANCELED), the
     * user's cue that the request is gone; a re-armed poll works again.
     */
    @Test
    void cqeWithoutMoreEndsMultishotAndReArmWorks() throws Exception {
        int[] p = fds.pipe(true);
        try (IoUring ring = IoUring.setup(8, 0)) {
            ring.prepPollAdd(p[0], Poll.POLLIN, true, 1);
            ring.submit();
            ring.prepPollRemove(1, 2);
            Map<Long, Cqe> got = byUserData(reap(ring, 2));
            assertEquals(0, got.get(2L).res(), "POLL_REMOVE found it");
            assertEquals(-Errno.ECANCELED, got.get(1L).res());
            assertFalse(got.get(1L).more(), "the removed request's last CQE: no F_MORE");
            Fds.write(p[1], "x");
            assertEquals(List.of(), reap(ring, 1), "the ended request reports nothing");

            ring.prepPollAdd(p[0], Poll.POLLIN, true, 3); // re-arm
            List<Cqe> re = reap(ring, 1);
            assertEquals(3, re.get(0).userData());
            assertTrue(re.get(0).more());

            ring.prepPollRemove(99, 4);
            assertEquals(-Errno.ENOENT, reap(ring, 1).get(0).res(), "nothing with that user_data");
        }
    }

    @Test
    void cancelByUserDataByFdAndAny() throws Exception {
        int[] p = fds.pipe(true);
        ByteBuffer buf = ByteBuffer.allocateDirect(16);
        try (IoUring ring = IoUring.setup(8, 0)) {
            ring.prepRead(p[0], buf, -1, 10);
            ring.submit();
            ring.prepCancel(10, 0, 11);
            Map<Long, Cqe> got = byUserData(reap(ring, 2));
            assertEquals(0, got.get(11L).res());
            assertEquals(-Errno.ECANCELED, got.get(10L).res());

            ring.prepPollAdd(p[0], Poll.POLLIN, false, 20);
            ring.prepPollAdd(p[0], Poll.POLLIN, false, 21);
            ring.submit();
            ring.prepCancelFd(p[0], IoUring.IORING_ASYNC_CANCEL_ALL, 22);
            got = byUserData(reap(ring, 3));
            assertEquals(2, got.get(22L).res(), "ASYNC_CANCEL_ALL answers the count");
            assertEquals(-Errno.ECANCELED, got.get(20L).res());
            assertEquals(-Errno.ECANCELED, got.get(21L).res());

            ring.prepPollAdd(p[0], Poll.POLLIN, true, 30);
            ring.submit();
            ring.prepCancel(0, IoUring.IORING_ASYNC_CANCEL_ANY, 31);
            got = byUserData(reap(ring, 2));
            assertEquals(-Errno.ECANCELED, got.get(30L).res());
            ring.prepCancel(12345, 0, 32);
            assertEquals(-Errno.ENOENT, reap(ring, 1).get(0).res());
            assertEquals(0, ring.inFlightCount(), "every buffer let go");
        }
    }

    static Map<Long, Cqe> byUserData(List<Cqe> cqes) {
        Map<Long, Cqe> m = new HashMap<>();
        for (Cqe c : cqes) {
            assertEquals(null, m.put(c.userData(), c), "one CQE per user_data here: " + cqes);
        }
        return m;
    }

    /** Multishot accept, connect, send and recv on loopback, all through the ring. */
    @Test
    void acceptConnectSendRecvOnLoopback() throws Exception {
        int listener = fds.tcpListener();
        InetSocketAddress at = Sockets.getsockname(listener);
        try (IoUring ring = IoUring.setup(16, 0)) {
            assertTrue(ring.supports(IoUring.IORING_OP_ACCEPT) && ring.supports(IoUring.IORING_OP_RECV));
            ring.prepAccept(listener, Sockets.SOCK_CLOEXEC, true, 1);
            int c1 = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
            int c2 = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
            ring.prepConnect(c1, at, 2);
            ring.prepConnect(c2, at, 3);
            List<Cqe> cqes = reap(ring, 4);
            List<Integer> accepted = new ArrayList<>();
            for (Cqe c : cqes) {
                if (c.userData() == 1) {
                    assertTrue(c.res() >= 0, "accepted fd: " + c);
                    assertTrue(c.more(), "multishot accept stays armed");
                    accepted.add(fds.track(c.res()));
                } else {
                    assertEquals(0, c.res(), "connect: " + c);
                }
            }
            assertEquals(2, accepted.size(), cqes.toString());

            ByteBuffer out = ByteBuffer.allocateDirect(64);
            out.put("hello, ring".getBytes(StandardCharsets.US_ASCII)).flip();
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            ring.prepSend(c1, out, 0, 10);
            ring.prepRecv(accepted.get(0), in, 0, 11);
            Map<Long, Cqe> got = byUserData(reap(ring, 2));
            assertEquals(11, got.get(10L).res());
            assertEquals(11, got.get(11L).res());
            assertEquals(0, in.position(), "the buffer's position is not moved");
            byte[] b = new byte[11];
            in.get(0, b);
            assertEquals("hello, ring", new String(b, StandardCharsets.US_ASCII));

            ring.prepCancel(1, 0, 12); // end the multishot accept
            got = byUserData(reap(ring, 2));
            assertEquals(-Errno.ECANCELED, got.get(1L).res());
            assertFalse(got.get(1L).more());
            ring.prepConnect(c1, at, 13);
            assertEquals(-Errno.EISCONN, reap(ring, 1).get(0).res(), "a kernel error comes back in res");
            assertEquals(0, ring.inFlightCount());
        }
    }

    /** A short recv on TCP with more queued says so: IORING_CQE_F_SOCK_NONEMPTY; the last one does not. */
    @Test
    void recvFlagsSockNonemptyWhileDataIsQueued() throws Exception {
        int listener = fds.tcpListener();
        int c = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        Sockets.connect(c, Sockets.getsockname(listener));
        int a = fds.track(Sockets.accept4(listener, 0));
        Fds.write(c, "0123456789");
        try (IoUring ring = IoUring.setup(8, 0)) {
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            ring.prepRecv(a, in, 0, 1);
            Cqe first = reap(ring, 1).get(0);
            assertEquals(4, first.res());
            assertTrue((first.flags() & IoUring.IORING_CQE_F_SOCK_NONEMPTY) != 0, "6 bytes still queued");
            ByteBuffer rest = ByteBuffer.allocateDirect(64);
            ring.prepRecv(a, rest, 0, 2);
            Cqe last = reap(ring, 1).get(0);
            assertEquals(6, last.res());
            assertEquals(0, last.flags() & IoUring.IORING_CQE_F_SOCK_NONEMPTY, "drained");
        }
    }

    /**
     * A multishot recv over a two-buffer ring: two messages take both buffers, the third
     * finds none (-ENOBUFS, no F_MORE: the request ended); after provide() and a re-arm
     * the waiting data arrives in a recycled buffer.
     */
    @Test
    void bufRingExhaustionAndRefill() throws Exception {
        int[] s = fds.socketpair(true);
        try (IoUring ring = IoUring.setup(8, 0)) {
            IoUringBufRing br = ring.registerBufRing(2, 16, 5);
            assertEquals(2, br.entries());
            ring.prepRecv(s[0], br, 0, true, 1);
            ring.submit();
            List<Cqe> got = new ArrayList<>();
            for (String m : List.of("one", "two")) {
                Fds.write(s[1], m);
                got.addAll(reap(ring, 1));
            }
            assertEquals(2, got.size(), got.toString());
            List<Integer> bids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Cqe c = got.get(i);
                assertEquals(3, c.res());
                assertTrue((c.flags() & IoUring.IORING_CQE_F_BUFFER) != 0);
                assertTrue(c.more());
                int bid = c.flags() >>> IoUring.IORING_CQE_BUFFER_SHIFT;
                bids.add(bid);
                byte[] b = new byte[3];
                br.buffer(bid).get(0, b);
                assertEquals(i == 0 ? "one" : "two", new String(b, StandardCharsets.US_ASCII));
            }
            assertNotEquals(bids.get(0), bids.get(1));

            Fds.write(s[1], "three");
            List<Cqe> none = reap(ring, 1);
            assertEquals(1, none.size());
            assertEquals(-Errno.ENOBUFS, none.get(0).res(), "every buffer is out");
            assertFalse(none.get(0).more(), "ENOBUFS ends the multishot recv: re-arm");

            br.provide(bids.get(0));
            ring.prepRecv(s[0], br, 0, true, 2);
            List<Cqe> again = reap(ring, 1);
            assertEquals(5, again.get(0).res());
            int bid = again.get(0).flags() >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            assertEquals((int) bids.get(0), bid);
            byte[] b = new byte[5];
            br.buffer(bid).get(0, b);
            assertEquals("three", new String(b, StandardCharsets.US_ASCII));
            ring.prepCancel(2, 0, 3);
            reap(ring, 2);
            br.close();
            assertFalse(br.isOpen());
            assertEquals(0, ring.inFlightCount());
        }
    }

    /**
     * 64 NOPs into a CQ of 4 without reaping: the CQ overflows, the kernel holds the rest
     * (FEAT_NODROP) and flags IORING_SQ_CQ_OVERFLOW; enters with GETEVENTS flush them as
     * the CQ drains. Every one arrives, in order, and the lost-CQE counter stays 0.
     */
    @Test
    void overflowASmallCqAndLoseNothing() throws Exception {
        try (IoUring ring = IoUring.setup(4, IoUring.IORING_SETUP_CQSIZE, 4, 0, 0, 0)) {
            assertEquals(4, ring.cqEntries());
            int total = 64;
            for (int i = 0; i < total; i++) {
                while (!ring.prepNop(i)) {
                    ring.submit();
                }
            }
            ring.submit();
            assertEquals(4, ring.cqReady(), "the CQ is full");
            assertTrue((ring.sqFlags() & IoUring.IORING_SQ_CQ_OVERFLOW) != 0, "overflow flagged");
            List<Long> seen = new ArrayList<>();
            while (seen.size() < total) {
                List<Cqe> batch = drain(ring);
                assertFalse(batch.isEmpty(), "held CQEs are flushed by GETEVENTS: " + seen.size());
                for (Cqe c : batch) {
                    seen.add(c.userData());
                }
            }
            for (int i = 0; i < total; i++) {
                assertEquals(i, (long) seen.get(i), "in order, none lost");
            }
            assertEquals(0, ring.cqOverflow(), "nothing dropped");
            assertEquals(0, ring.sqFlags() & IoUring.IORING_SQ_CQ_OVERFLOW);
            assertEquals(0, ring.inFlightCount());
        }
    }

    @Test
    void closeWakesAThreadBlockedInEnter() throws Exception {
        IoUring ring = IoUring.setup(4, 0);
        int fd = ring.fd();
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return ring.submitAndWait(1); // nothing will complete
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200); // let it block (the test holds either way)
        assertFalse(waiter.isDone());
        ring.close();
        assertEquals(0, waiter.get(10, TimeUnit.SECONDS));
        assertFalse(ring.isOpen());
        assertThrows(IllegalStateException.class, ring::cqReady);
        assertThrows(IllegalStateException.class, () -> ring.prepNop(1));
        assertFalse(Files.exists(Path.of("/proc/self/fd/" + fd))
                && Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().contains("io_uring"),
                "the ring fd is closed");
    }

    /**
     * 200 rounds of a thread driving NOPs (prep, submitAndWait, reap) while another closes
     * the ring at a random moment: the driver ends with IllegalStateException or a normal
     * return, never a crash or a hang, every ring fd is closed, and the owner structs
     * recycled meanwhile are each handed out once.
     */
    @Test
    void closeRacingASubmitReapLoop() throws Exception {
        long before = ringFds();
        java.util.Random random = new java.util.Random();
        for (int round = 0; round < 200; round++) {
            IoUring ring = IoUring.setup(8, 0);
            CompletableFuture<Long> driver = CompletableFuture.supplyAsync(() -> {
                long reaped = 0;
                try {
                    while (true) {
                        ring.prepNop(reaped);
                        ring.submitAndWait(1);
                        int n = ring.cqReady();
                        ring.cqAdvance(n);
                        reaped += n;
                    }
                } catch (IllegalStateException closed) {
                    return reaped;
                } catch (ErrnoException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(0, random.nextInt(200_000));
            ring.close();
            assertTrue(driver.get(10, TimeUnit.SECONDS) >= 0);
        }
        assertEquals(before, ringFds(), "ring fds left open");
        // A late call on a recycled owner struct once took the pooled struct for one still
        // to be finished, closed its fd again and pooled it twice: later owners then
        // shared one struct, and their fds leaked. Twenty live rings: twenty structs.
        List<IoUring> live = new ArrayList<>();
        java.util.Set<Long> structs = new java.util.HashSet<>();
        try {
            for (int i = 0; i < 20; i++) {
                live.add(IoUring.setup(2, 0));
                structs.add(live.get(i).owner().address);
            }
            assertEquals(20, structs.size(), "owner structs shared");
        } finally {
            live.forEach(IoUring::close);
        }
        assertEquals(before, ringFds());
    }

    @Test
    void singleIssuerIsCheckedInJava() throws Exception {
        Assumptions.assumeTrue((IoUring.supportedSetupFlags() & IoUring.IORING_SETUP_DEFER_TASKRUN) != 0);
        try (IoUring ring = IoUring.setup(4, IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN)) {
            ring.prepNop(1);
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    ring.submit();
                } catch (Throwable e) {
                    other.set(e);
                }
            }, "not-the-issuer");
            t.start();
            t.join();
            assertTrue(other.get() instanceof IllegalStateException, String.valueOf(other.get()));
            assertTrue(other.get().getMessage().contains("IORING_SETUP_SINGLE_ISSUER")
                    && other.get().getMessage().contains("not-the-issuer"), other.get().getMessage());
            assertEquals(1, reap(ring, 1).size(), "the issuer itself submits; DEFER_TASKRUN posts in the wait");
        }
    }

    /**
     * SQPOLL: a kernel thread consumes the SQ; submit makes no syscall while it is awake,
     * and after sq_thread_idle it sleeps and sets IORING_SQ_NEED_WAKEUP, which submit reads
     * (after a full fence) and answers with IORING_ENTER_SQ_WAKEUP. Either way every NOP
     * completes.
     */
    @Test
    void sqPollSubmitsWithAndWithoutAWakeup() throws Exception {
        IoUring ring;
        try {
            ring = IoUring.setup(8, IoUring.IORING_SETUP_SQPOLL, 0, 0, 5, 0); // idle after 5 ms
        } catch (ErrnoException e) {
            Assumptions.abort("SQPOLL refused here: " + e.getMessage());
            return;
        }
        try (ring) {
            for (int round = 0; round < 3; round++) {
                ring.prepNop(round);
                assertEquals(1, ring.submit(), "published");
                assertEquals(round, reap(ring, 1).get(0).userData());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while ((ring.sqFlags() & IoUring.IORING_SQ_NEED_WAKEUP) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5); // let the poll thread go to sleep
                }
                assertTrue((ring.sqFlags() & IoUring.IORING_SQ_NEED_WAKEUP) != 0, "the poll thread sleeps");
            }
        }
    }

    @Test
    void disabledRingStartsWithEnableRings() throws Exception {
        try (IoUring ring = IoUring.setup(4, IoUring.IORING_SETUP_R_DISABLED)) {
            ring.prepNop(1);
            ErrnoException e = assertThrows(ErrnoException.class, ring::submit);
            assertEquals("EBADFD", e.errnoName());
            ring.enableRings();
            assertEquals(1, ring.submit(), "the SQE stayed queued");
            assertEquals(1, reap(ring, 1).size());
        }
    }

    @Test
    void probeAndSetupFlags() throws Exception {
        int flags = IoUring.supportedSetupFlags();
        assertTrue((flags & IoUring.IORING_SETUP_CQSIZE) != 0 && (flags & IoUring.IORING_SETUP_CLAMP) != 0,
                Integer.toHexString(flags));
        try (IoUring ring = IoUring.setup(1 << 20, IoUring.IORING_SETUP_CLAMP)) {
            assertEquals(32768, ring.sqEntries(), "CLAMP caps entries");
            for (int op : new int[] {IoUring.IORING_OP_NOP, IoUring.IORING_OP_POLL_ADD, IoUring.IORING_OP_POLL_REMOVE,
                IoUring.IORING_OP_ASYNC_CANCEL, IoUring.IORING_OP_ACCEPT, IoUring.IORING_OP_CONNECT,
                IoUring.IORING_OP_RECV, IoUring.IORING_OP_SEND, IoUring.IORING_OP_READ, IoUring.IORING_OP_WRITE,
                IoUring.IORING_OP_TIMEOUT, IoUring.IORING_OP_CLOSE}) {
                assertTrue(ring.supports(op), "opcode " + op);
            }
            assertFalse(ring.supports(255), "no opcode 255");
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> IoUring.setup(0, 0));
        assertEquals("EINVAL", e.errnoName());
        assertEquals("io_uring_setup", e.syscall());
    }

    @Test
    void timeoutsReadWriteAndClose() throws Exception {
        int[] p = fds.pipe(true);
        try (IoUring ring = IoUring.setup(8, 0)) {
            long t0 = System.nanoTime();
            ring.prepTimeout(TimeUnit.MILLISECONDS.toNanos(20), 0, 0, 1);
            List<Cqe> t = reap(ring, 1);
            assertEquals(-Errno.ETIME, t.get(0).res());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(20), "not before its time");

            ring.prepTimeout(TimeUnit.SECONDS.toNanos(30), 1, 0, 2); // count 1: ends on the next completion
            ring.prepNop(3);
            Map<Long, Cqe> got = byUserData(reap(ring, 2));
            assertEquals(0, got.get(2L).res());

            ring.prepTimeout(-1, 0, 0, 4);
            assertEquals(-Errno.EINVAL, reap(ring, 1).get(0).res(), "a negative timespec: the kernel's EINVAL");

            // A timed wait with nothing to complete returns at its timeout, with nothing ready.
            assertEquals(0, ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(10)));
            assertEquals(0, ring.cqReady());

            ByteBuffer out = ByteBuffer.allocateDirect(8).put("abc".getBytes(StandardCharsets.US_ASCII)).flip();
            ByteBuffer in = ByteBuffer.allocateDirect(8);
            ring.prepWrite(p[1], out.asReadOnlyBuffer(), -1, 5);
            ring.setSqeFlags(IoUring.IOSQE_IO_LINK); // the read starts after the write
            ring.prepRead(p[0], in, -1, 6);
            got = byUserData(reap(ring, 2));
            assertEquals(3, got.get(5L).res());
            assertEquals(3, got.get(6L).res());

            int closing = p[1];
            ring.prepClose(closing, 7);
            assertEquals(0, reap(ring, 1).get(0).res());
            fds.forget(closing);
        }
    }

    /** 10^6 NOP submit/reap cycles: no fd leaked, no direct memory gained, every NOP reaped. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void millionNopCyclesLeakNothing() throws Exception {
        long fdsBefore = ringFds();
        long directBefore = directMemory();
        try (IoUring ring = IoUring.setup(64, 0)) {
            long reaped = 0;
            int batch = 32;
            for (int round = 0; round < 1_000_000 / batch; round++) {
                for (int i = 0; i < batch; i++) {
                    ring.prepNop(round * (long) batch + i);
                }
                ring.submitAndWait(batch);
                int n = ring.cqReady();
                for (int i = 0; i < n; i++) {
                    if (ring.cqeRes(i) != 0) {
                        throw new AssertionError("NOP res " + ring.cqeRes(i));
                    }
                }
                ring.cqAdvance(n);
                reaped += n;
            }
            assertEquals(1_000_000, reaped);
            assertEquals(0, ring.inFlightCount());
        }
        assertEquals(fdsBefore, ringFds(), "io_uring fds");
        assertTrue(directMemory() - directBefore < 1 << 20, "direct memory grew by "
                + (directMemory() - directBefore) + " bytes");
    }

    /** Rings dropped without close: the Cleaners close the fds and unmap. */
    @Test
    void droppedRingsAreCleanedUp() throws Exception {
        long before = ringFds();
        for (int i = 0; i < 200; i++) {
            IoUring.setup(4, 0).prepNop(i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ringFds() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(before, ringFds());
    }

    static long ringFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().contains("io_uring");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    static long directMemory() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool");
    }
}
