package io.jmux;

import static io.jmux.BadInputTest.CLOSE_LATER;
import static io.jmux.BadInputTest.NEVER_OPEN;
import static io.jmux.BadInputTest.api;
import static io.jmux.BadInputTest.errno;
import static io.jmux.BadInputTest.iae;
import static io.jmux.BadInputTest.ioobe;
import static io.jmux.BadInputTest.ise;
import static io.jmux.BadInputTest.legal;
import static io.jmux.BadInputTest.npe;
import static io.jmux.BadInputTest.pipe;
import static io.jmux.BadInputTest.robe;
import static io.jmux.BadInputTest.socketpair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * {@link BadInputTest}'s cases for {@link IoUring} and {@link IoUringBufRing}. Where
 * io_uring is unavailable every case is skipped with the reason, except those of the
 * availability probe itself.
 */
final class BadInputIoUring {
    private BadInputIoUring() {}

    static void need() {
        Assumptions.assumeTrue(IoUring.isSupported(), IoUring::unavailabilityCause);
    }

    /** A ring closed after the suite. */
    static IoUring ring() throws ErrnoException {
        need();
        IoUring r = IoUring.setup(4, 0);
        CLOSE_LATER.add(r);
        return r;
    }

    static IoUring closedRing() throws ErrnoException {
        need();
        IoUring r = IoUring.setup(4, 0);
        r.close();
        return r;
    }

    /** A ring whose SQ is full: every prep answers false. */
    static IoUring fullRing() throws ErrnoException {
        IoUring r = ring();
        while (r.prepNop(0)) {
            // fill it
        }
        return r;
    }

    /** One CQE of a request on ring r, reaped. */
    static int res(IoUring r) throws ErrnoException {
        r.submitAndWait(1, 5_000_000_000L);
        assertEquals(1, r.cqReady());
        int res = r.cqeRes(0);
        r.cqAdvance(1);
        return res;
    }

    interface Prep {
        boolean prep(IoUring r) throws Exception;
    }

    /** The cases every prep method has: closed ring, full SQ. */
    static List<BadInputTest.Case> prepCases(Prep p) {
        List<BadInputTest.Case> c = new ArrayList<>();
        c.add(ise("closed ring", () -> p.prep(closedRing())));
        c.add(legal("full SQ answers false, nothing queued", () -> {
            IoUring r = fullRing();
            assertFalse(p.prep(r));
            assertEquals(0, r.sqSpace());
        }));
        return c;
    }

    static void fdCases(List<BadInputTest.Case> c, FdPrep p) {
        for (int fd : BadInputTest.NEGATIVE_FDS) {
            c.add(iae("fd " + fd, () -> p.prep(ring(), fd)));
        }
    }

    interface FdPrep {
        boolean prep(IoUring r, int fd) throws Exception;
    }

    static BadInputTest.Case[] array(List<BadInputTest.Case> c) {
        return c.toArray(new BadInputTest.Case[0]);
    }

    static void define() {
        availability();
        setup();
        properties();
        preps();
        submitAndReap();
        register();
        bufRing();
    }

    static void availability() {
        api("IoUring.isSupported()", legal("agrees with unavailabilityCause", () ->
                assertEquals(IoUring.unavailabilityCause() == null, IoUring.isSupported())));
        api("IoUring.unavailabilityCause()", legal("null, or a sentence naming the errno", () -> {
            String cause = IoUring.unavailabilityCause();
            assertTrue(cause == null || cause.startsWith("io_uring is") || cause.startsWith("jmux native"), cause);
        }));
        api("IoUring.supportedSetupFlags()", legal("0 if unavailable, else includes CQSIZE", () -> {
            int f = IoUring.supportedSetupFlags();
            assertTrue(IoUring.isSupported() ? (f & IoUring.IORING_SETUP_CQSIZE) != 0 : f == 0, Integer.toHexString(f));
        }));
    }

    static void setup() {
        List<BadInputTest.Case> two = new ArrayList<>();
        for (int entries : new int[] {0, -1, Integer.MIN_VALUE, 32769 * 2}) {
            two.add(errno("EINVAL", "io_uring_setup", "entries " + entries + " (unsigned; the kernel judges)", () -> {
                need();
                IoUring.setup(entries, 0);
            }));
        }
        two.add(legal("entries -1 with CLAMP: capped at 32768", () -> {
            need();
            try (IoUring r = IoUring.setup(-1, IoUring.IORING_SETUP_CLAMP)) {
                assertEquals(32768, r.sqEntries());
            }
        }));
        two.add(legal("entries 3: rounded up to 4", () -> {
            need();
            try (IoUring r = IoUring.setup(3, 0)) {
                assertEquals(4, r.sqEntries());
            }
        }));
        for (int flags : new int[] {1 << 31, 1 << 20, -1}) {
            two.add(iae("flag bits 0x" + Integer.toHexString(flags) + " the headers do not name (layout unknown)",
                    () -> IoUring.setup(4, flags)));
        }
        two.add(errno("EINVAL", "io_uring_setup", "DEFER_TASKRUN without SINGLE_ISSUER", () -> {
            need();
            IoUring.setup(4, IoUring.IORING_SETUP_DEFER_TASKRUN);
        }));
        two.add(errno("EINVAL", "io_uring_setup", "SQ_AFF without SQPOLL", () -> {
            need();
            IoUring.setup(4, IoUring.IORING_SETUP_SQ_AFF);
        }));
        api("IoUring.setup(int,int)", array(two));
        api("IoUring.setup(int,int,int,int,int,int)",
                errno("EINVAL", "io_uring_setup", "CQSIZE with cqEntries 0", () -> {
                    need();
                    IoUring.setup(4, IoUring.IORING_SETUP_CQSIZE, 0, 0, 0, 0);
                }),
                errno("EINVAL", "io_uring_setup", "CQSIZE with cqEntries -1 (unsigned: past the maximum)", () -> {
                    need();
                    IoUring.setup(4, IoUring.IORING_SETUP_CQSIZE, -1, 0, 0, 0);
                }),
                errno("EINVAL", "io_uring_setup", "CQSIZE with cqEntries below entries", () -> {
                    need();
                    IoUring.setup(8, IoUring.IORING_SETUP_CQSIZE, 4, 0, 0, 0);
                }),
                legal("CQSIZE|CLAMP with cqEntries -1: capped", () -> {
                    need();
                    try (IoUring r = IoUring.setup(4, IoUring.IORING_SETUP_CQSIZE | IoUring.IORING_SETUP_CLAMP, -1,
                            0, 0, 0)) {
                        assertEquals(65536, r.cqEntries());
                    }
                }),
                errno("ENXIO", "io_uring_setup", "ATTACH_WQ to a never-open fd (the kernel says ENXIO)", () -> {
                    need();
                    IoUring.setup(4, IoUring.IORING_SETUP_ATTACH_WQ, 0, 0, 0, NEVER_OPEN);
                }),
                errno("EINVAL", "io_uring_setup", "ATTACH_WQ to a pipe", () -> {
                    need();
                    IoUring.setup(4, IoUring.IORING_SETUP_ATTACH_WQ, 0, 0, 0, pipe()[0]);
                }),
                legal("sq_thread_cpu, sq_thread_idle and wq_fd are ignored without their flags", () -> {
                    need();
                    IoUring.setup(4, 0, -1, Integer.MIN_VALUE, -1, -1).close();
                }),
                iae("unknown flag bits", () -> IoUring.setup(4, 1 << 30, 0, 0, 0, 0)));
    }

    static void properties() {
        api("IoUring.fd()", ise("after close", () -> closedRing().fd()),
                legal("an fd while open", () -> assertTrue(ring().fd() >= 0)));
        api("IoUring.isOpen()", legal("false after close", () -> assertFalse(closedRing().isOpen())));
        api("IoUring.flags()", legal("still answers after close (fixed at setup)", () -> assertEquals(0,
                closedRing().flags())));
        api("IoUring.features()", legal("still answers after close", () -> assertTrue(
                (closedRing().features() & IoUring.IORING_FEAT_SINGLE_MMAP) != 0)));
        api("IoUring.sqEntries()", legal("still answers after close", () -> assertEquals(4, closedRing().sqEntries())));
        api("IoUring.cqEntries()", legal("still answers after close", () -> assertEquals(8, closedRing().cqEntries())));
        api("IoUring.sqSpace()", ise("after close", () -> closedRing().sqSpace()),
                legal("0 when full", () -> assertEquals(0, fullRing().sqSpace())));
        api("IoUring.sqFlags()", ise("after close", () -> closedRing().sqFlags()),
                legal("0 on an idle ring", () -> assertEquals(0, ring().sqFlags())));
        api("IoUring.cqOverflow()", ise("after close", () -> closedRing().cqOverflow()),
                legal("0 on an idle ring", () -> assertEquals(0, ring().cqOverflow())));
        api("IoUring.close()", legal("idempotent", () -> {
            IoUring r = closedRing();
            r.close();
            assertFalse(r.isOpen());
        }));
        api("IoUring.toString()", legal("names the fd and says closed", () -> assertTrue(
                closedRing().toString().contains("closed"))));
    }

    static void preps() {
        List<BadInputTest.Case> nop = prepCases(r -> r.prepNop(Long.MIN_VALUE));
        nop.add(legal("any 64-bit user_data comes back", () -> {
            IoUring r = ring();
            r.prepNop(Long.MIN_VALUE);
            r.submitAndWait(1);
            r.cqReady();
            assertEquals(Long.MIN_VALUE, r.cqeUserData(0));
            r.cqAdvance(1);
        }));
        api("IoUring.prepNop(long)", array(nop));

        List<BadInputTest.Case> poll = prepCases(r -> r.prepPollAdd(0, Poll.POLLIN, false, 1));
        fdCases(poll, (r, fd) -> r.prepPollAdd(fd, Poll.POLLIN, true, 1));
        poll.add(legal("a never-open fd: -EBADF in the CQE", () -> {
            IoUring r = ring();
            r.prepPollAdd(NEVER_OPEN, Poll.POLLIN, false, 1);
            assertEquals(-Errno.EBADF, res(r));
        }));
        poll.add(legal("mask -1 (every bit) on a writable pipe end: the kernel's answer", () -> {
            IoUring r = ring();
            r.prepPollAdd(pipe()[1], -1, false, 1);
            assertTrue((res(r) & Poll.POLLOUT) != 0);
        }));
        api("IoUring.prepPollAdd(int,int,boolean,long)", array(poll));

        List<BadInputTest.Case> remove = prepCases(r -> r.prepPollRemove(1, 2));
        remove.add(legal("unknown target: -ENOENT", () -> {
            IoUring r = ring();
            r.prepPollRemove(Long.MAX_VALUE, 1);
            assertEquals(-Errno.ENOENT, res(r));
        }));
        api("IoUring.prepPollRemove(long,long)", array(remove));

        List<BadInputTest.Case> cancel = prepCases(r -> r.prepCancel(1, 0, 2));
        cancel.add(legal("unknown target: -ENOENT", () -> {
            IoUring r = ring();
            r.prepCancel(-1, 0, 1);
            assertEquals(-Errno.ENOENT, res(r));
        }));
        cancel.add(legal("unknown flag bits: the kernel's -EINVAL", () -> {
            IoUring r = ring();
            r.prepCancel(1, 1 << 30, 1);
            assertEquals(-Errno.EINVAL, res(r));
        }));
        api("IoUring.prepCancel(long,int,long)", array(cancel));

        List<BadInputTest.Case> cancelFd = prepCases(r -> r.prepCancelFd(0, 0, 2));
        fdCases(cancelFd, (r, fd) -> r.prepCancelFd(fd, 0, 1));
        cancelFd.add(legal("an fd with no requests: -ENOENT", () -> {
            IoUring r = ring();
            r.prepCancelFd(NEVER_OPEN, 0, 1);
            int res = res(r);
            assertTrue(res == -Errno.ENOENT || res == -Errno.EBADF, "res " + res);
        }));
        api("IoUring.prepCancelFd(int,int,long)", array(cancelFd));

        List<BadInputTest.Case> accept = prepCases(r -> r.prepAccept(0, 0, false, 1));
        fdCases(accept, (r, fd) -> r.prepAccept(fd, 0, false, 1));
        accept.add(legal("a pipe: -ENOTSOCK in the CQE", () -> {
            IoUring r = ring();
            r.prepAccept(pipe()[0], 0, false, 1);
            assertEquals(-Errno.ENOTSOCK, res(r));
        }));
        accept.add(legal("unknown accept4 flags: -EINVAL", () -> {
            IoUring r = ring();
            int l = BadInputTest.FDS.tcpListener();
            r.prepAccept(l, 1 << 30, false, 1);
            assertEquals(-Errno.EINVAL, res(r));
        }));
        api("IoUring.prepAccept(int,int,boolean,long)", array(accept));

        InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", 1);
        List<BadInputTest.Case> connect = prepCases(r -> r.prepConnect(0, nowhere, 1));
        fdCases(connect, (r, fd) -> r.prepConnect(fd, nowhere, 1));
        connect.add(npe("null address", () -> ring().prepConnect(0, null, 1)));
        connect.add(iae("unresolved address", () -> ring().prepConnect(0,
                InetSocketAddress.createUnresolved("example.invalid", 80), 1)));
        connect.add(legal("a pipe: -ENOTSOCK in the CQE", () -> {
            IoUring r = ring();
            r.prepConnect(pipe()[0], nowhere, 1);
            assertEquals(-Errno.ENOTSOCK, res(r));
        }));
        connect.add(legal("port 1 on loopback: -ECONNREFUSED", () -> {
            IoUring r = ring();
            r.prepConnect(BadInputTest.tcp(), nowhere, 1);
            assertEquals(-Errno.ECONNREFUSED, res(r));
        }));
        api("IoUring.prepConnect(int,InetSocketAddress,long)", array(connect));

        bufferPrep("IoUring.prepRecv(int,ByteBuffer,int,long)", true, (r, fd, b) -> r.prepRecv(fd, b, 0, 1));
        bufferPrep("IoUring.prepSend(int,ByteBuffer,int,long)", false, (r, fd, b) -> r.prepSend(fd, b, 0, 1));
        bufferPrep("IoUring.prepRead(int,ByteBuffer,long,long)", true, (r, fd, b) -> r.prepRead(fd, b, -1, 1));
        bufferPrep("IoUring.prepWrite(int,ByteBuffer,long,long)", false, (r, fd, b) -> r.prepWrite(fd, b, -1, 1));

        List<BadInputTest.Case> recvRing = prepCases(r -> r.prepRecv(0, bufRingOf(r), 0, false, 1));
        fdCases(recvRing, (r, fd) -> r.prepRecv(fd, bufRingOf(r), 0, false, 1));
        recvRing.add(npe("null buffer ring", () -> ring().prepRecv(0, (IoUringBufRing) null, 0, false, 1)));
        recvRing.add(iae("another ring's buffer ring", () -> ring().prepRecv(0, bufRingOf(ring()), 0, true, 1)));
        recvRing.add(ise("a closed buffer ring", () -> {
            IoUring r = ring();
            IoUringBufRing b = bufRingOf(r);
            b.close();
            r.prepRecv(0, b, 0, true, 1);
        }));
        recvRing.add(legal("a pipe: the kernel's -ENOTSOCK", () -> {
            IoUring r = ring();
            r.prepRecv(pipe()[0], bufRingOf(r), 0, true, 1);
            assertEquals(-Errno.ENOTSOCK, res(r));
        }));
        api("IoUring.prepRecv(int,IoUringBufRing,int,boolean,long)", array(recvRing));

        List<BadInputTest.Case> timeout = prepCases(r -> r.prepTimeout(1, 0, 0, 1));
        for (long t : new long[] {-1, Long.MIN_VALUE}) {
            timeout.add(legal("timeout " + t + ": a negative tv_sec, the kernel's -EINVAL", () -> {
                IoUring r = ring();
                r.prepTimeout(t, 0, 0, 1);
                assertEquals(-Errno.EINVAL, res(r));
            }));
        }
        timeout.add(legal("unknown flag bits: -EINVAL", () -> {
            IoUring r = ring();
            r.prepTimeout(1, 0, 1 << 30, 1);
            assertEquals(-Errno.EINVAL, res(r));
        }));
        timeout.add(legal("Long.MAX_VALUE with count 1 ends on the next completion", () -> {
            IoUring r = ring();
            r.prepTimeout(Long.MAX_VALUE, 1, 0, 1);
            r.prepNop(2);
            r.submitAndWait(2, 5_000_000_000L);
            assertEquals(2, r.cqReady());
            r.cqAdvance(2);
        }));
        api("IoUring.prepTimeout(long,int,int,long)", array(timeout));

        List<BadInputTest.Case> close = prepCases(r -> r.prepClose(NEVER_OPEN, 1));
        fdCases(close, (r, fd) -> r.prepClose(fd, 1));
        close.add(legal("a never-open fd: -EBADF", () -> {
            IoUring r = ring();
            r.prepClose(NEVER_OPEN, 1);
            assertEquals(-Errno.EBADF, res(r));
        }));
        api("IoUring.prepClose(int,long)", array(close));

        api("IoUring.setSqeFlags(int)",
                iae("bits past 8", () -> ring().setSqeFlags(0x100)),
                iae("-1", () -> ring().setSqeFlags(-1)),
                iae("IOSQE_CQE_SKIP_SUCCESS (jmux needs every last CQE)", () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    r.setSqeFlags(IoUring.IOSQE_CQE_SKIP_SUCCESS);
                }),
                iae("IOSQE_BUFFER_SELECT", () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    r.setSqeFlags(IoUring.IOSQE_BUFFER_SELECT);
                }),
                ise("no SQE prepared", () -> ring().setSqeFlags(IoUring.IOSQE_IO_LINK)),
                ise("after submit", () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    r.submit();
                    r.setSqeFlags(IoUring.IOSQE_IO_LINK);
                }),
                ise("closed ring", () -> closedRing().setSqeFlags(0)),
                legal("unknown bit 0x80: the kernel's -EINVAL in the CQE", () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    r.setSqeFlags(0x80);
                    assertEquals(-Errno.EINVAL, res(r));
                }));
    }

    interface BufferPrep {
        boolean prep(IoUring r, int fd, ByteBuffer b) throws Exception;
    }

    static void bufferPrep(String method, boolean writes, BufferPrep p) {
        List<BadInputTest.Case> c = prepCases(r -> p.prep(r, 0, ByteBuffer.allocateDirect(4)));
        fdCases(c, (r, fd) -> p.prep(r, fd, ByteBuffer.allocateDirect(4)));
        c.add(npe("null buffer", () -> p.prep(ring(), 0, null)));
        c.add(iae("heap buffer", () -> p.prep(ring(), 0, ByteBuffer.allocate(4))));
        if (writes) {
            c.add(robe("read-only buffer", () -> p.prep(ring(), 0, ByteBuffer.allocateDirect(4).asReadOnlyBuffer())));
        } else {
            c.add(legal("read-only buffer: the kernel only reads it", () -> {
                IoUring r = ring();
                int[] s = socketpair();
                assertTrue(p.prep(r, s[0], ByteBuffer.allocateDirect(4).asReadOnlyBuffer()));
                assertEquals(4, res(r));
            }));
        }
        c.add(legal("a never-open fd: -EBADF in the CQE", () -> {
            IoUring r = ring();
            p.prep(r, NEVER_OPEN, ByteBuffer.allocateDirect(4));
            assertEquals(-Errno.EBADF, res(r));
        }));
        c.add(legal("an empty buffer (position = limit): a 0-byte transfer", () -> {
            IoUring r = ring();
            int[] s = socketpair();
            if (writes) {
                Fds.write(s[1], "x");
            }
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.position(4);
            p.prep(r, s[0], b);
            assertEquals(0, res(r));
        }));
        api(method, array(c));
    }

    static IoUringBufRing bufRingOf(IoUring r) throws ErrnoException {
        return r.registerBufRing(2, 8, 1);
    }

    static void submitAndReap() {
        api("IoUring.submit()", ise("closed ring", () -> closedRing().submit()),
                legal("nothing prepared: 0, no syscall", () -> assertEquals(0, ring().submit())),
                legal("a full SQ goes in one call", () -> assertEquals(4, fullRing().submit())));
        api("IoUring.submitAndWait(int)", ise("closed ring", () -> closedRing().submitAndWait(0)),
                legal("0: flushes, does not wait", () -> assertEquals(0, ring().submitAndWait(0))),
                legal("-1 (unsigned: capped at the CQ size) with the CQ already full", () -> {
                    IoUring r = ring();
                    for (int i = 0; i < 2; i++) {
                        while (r.prepNop(i)) {
                            // fill
                        }
                        r.submit();
                    }
                    r.submitAndWait(-1);
                    assertEquals(8, r.cqReady());
                }));
        api("IoUring.submitAndWait(int,long)", ise("closed ring", () -> closedRing().submitAndWait(1, 0)),
                legal("timeout 0 with nothing to complete: returns at once", () -> {
                    assertEquals(0, ring().submitAndWait(1, 0));
                }),
                legal("timeout Long.MIN_VALUE is no timeout: min 0 returns at once", () -> {
                    assertEquals(0, ring().submitAndWait(0, Long.MIN_VALUE));
                }),
                legal("timeout Long.MAX_VALUE with a NOP: returns with it", () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    assertEquals(1, r.submitAndWait(1, Long.MAX_VALUE));
                    assertEquals(1, r.cqReady());
                }),
                legal("minComplete MIN_VALUE, timeout 1 ms: the timeout ends it", () -> {
                    assertEquals(0, ring().submitAndWait(Integer.MIN_VALUE, 1_000_000));
                }));
        api("IoUring.cqReady()", ise("closed ring", () -> closedRing().cqReady()),
                legal("0 on an idle ring", () -> assertEquals(0, ring().cqReady())));
        for (String m : List.of("cqeUserData", "cqeRes", "cqeFlags", "cqeBufferId")) {
            List<BadInputTest.Case> c = new ArrayList<>();
            for (int i : new int[] {-1, 0, 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                c.add(ioobe("index " + i + " with one CQE seen" + (i == 0 ? " (0 is fine; 1 is not)" : ""), () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    r.submitAndWait(1);
                    assertEquals(1, r.cqReady());
                    cqe(r, m, 0);
                    cqe(r, m, i == 0 ? 1 : i);
                }));
            }
            c.add(ioobe("index 0 before cqReady", () -> {
                IoUring r = ring();
                r.prepNop(1);
                r.submitAndWait(1);
                cqe(r, m, 0);
            }));
            c.add(ise("closed ring", () -> cqe(closedRing(), m, 0)));
            api("IoUring." + m + "(int)", array(c));
        }
        api("IoUring.cqAdvance(int)", iae("-1", () -> ring().cqAdvance(-1)),
                iae("1 with none seen", () -> ring().cqAdvance(1)),
                iae("past the CQEs seen", () -> {
                    IoUring r = ring();
                    r.prepNop(1);
                    r.submitAndWait(1);
                    r.cqReady();
                    r.cqAdvance(2);
                }),
                iae("MIN_VALUE", () -> ring().cqAdvance(Integer.MIN_VALUE)),
                ise("closed ring", () -> closedRing().cqAdvance(0)),
                legal("0 is a no-op", () -> ring().cqAdvance(0)));
    }

    static long cqe(IoUring r, String m, int i) {
        switch (m) {
            case "cqeUserData":
                return r.cqeUserData(i);
            case "cqeRes":
                return r.cqeRes(i);
            case "cqeFlags":
                return r.cqeFlags(i);
            default:
                return r.cqeBufferId(i);
        }
    }

    static void register() {
        api("IoUring.enableRings()", errno("EBADFD", "io_uring_register", "a ring that is not disabled",
                () -> ring().enableRings()), ise("closed ring", () -> closedRing().enableRings()));
        List<BadInputTest.Case> supports = new ArrayList<>();
        for (int op : new int[] {-1, 256, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            supports.add(iae("opcode " + op, () -> ring().supports(op)));
        }
        supports.add(legal("255 and IORING_OP_LAST: false; NOP: true", () -> {
            IoUring r = ring();
            assertFalse(r.supports(255));
            assertTrue(r.supports(IoUring.IORING_OP_NOP));
        }));
        supports.add(ise("closed ring", () -> closedRing().supports(0)));
        api("IoUring.supports(int)", array(supports));
        List<BadInputTest.Case> reg = new ArrayList<>();
        for (int entries : new int[] {0, -1, 32769, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            reg.add(iae("entries " + entries, () -> ring().registerBufRing(entries, 8, 1)));
        }
        for (int size : new int[] {0, -1, Integer.MIN_VALUE}) {
            reg.add(iae("buffer size " + size, () -> ring().registerBufRing(2, size, 1)));
        }
        reg.add(iae("entries x size past 2^31", () -> ring().registerBufRing(32768, 1 << 17, 1)));
        for (int bgid : new int[] {-1, 65536, Integer.MIN_VALUE}) {
            reg.add(iae("bgid " + bgid, () -> ring().registerBufRing(2, 8, bgid)));
        }
        reg.add(errno("EINVAL", "io_uring_register", "entries 3 (not a power of two)",
                () -> ring().registerBufRing(3, 8, 1)));
        reg.add(errno("EEXIST", "io_uring_register", "a bgid already registered", () -> {
            IoUring r = ring();
            r.registerBufRing(2, 8, 7);
            r.registerBufRing(2, 8, 7);
        }));
        reg.add(ise("closed ring", () -> closedRing().registerBufRing(2, 8, 1)));
        reg.add(legal("bgid 65535 and one entry", () -> assertEquals(65535, ring().registerBufRing(1, 1, 65535).bgid())));
        api("IoUring.registerBufRing(int,int,int)", array(reg));
    }

    static void bufRing() {
        api("IoUringBufRing.provide(int)",
                ioobe("bid -1", () -> bufRingOf(ring()).provide(-1)),
                ioobe("bid = entries", () -> bufRingOf(ring()).provide(2)),
                ioobe("bid MIN_VALUE", () -> bufRingOf(ring()).provide(Integer.MIN_VALUE)),
                ise("closed buffer ring", () -> {
                    IoUringBufRing b = bufRingOf(ring());
                    b.close();
                    b.provide(0);
                }),
                ise("closed IoUring", () -> {
                    IoUring r = ring();
                    IoUringBufRing b = bufRingOf(r);
                    r.close();
                    b.provide(0);
                }),
                legal("providing a buffer the kernel holds: memory stays inside the ring", () -> {
                    IoUringBufRing b = bufRingOf(ring());
                    for (int i = 0; i < 10; i++) {
                        b.provide(i % 2);
                    }
                }));
        api("IoUringBufRing.buffer(int)",
                ioobe("bid -1", () -> bufRingOf(ring()).buffer(-1)),
                ioobe("bid = entries", () -> bufRingOf(ring()).buffer(2)),
                ise("closed", () -> {
                    IoUringBufRing b = bufRingOf(ring());
                    b.close();
                    b.buffer(0);
                }),
                legal("the same view each call, bufferSize bytes", () -> {
                    IoUringBufRing b = bufRingOf(ring());
                    assertTrue(b.buffer(1) == b.buffer(1));
                    assertEquals(8, b.buffer(1).capacity());
                }));
        api("IoUringBufRing.bgid()", legal("after close", () -> {
            IoUringBufRing b = bufRingOf(ring());
            b.close();
            assertEquals(1, b.bgid());
        }));
        api("IoUringBufRing.entries()", legal("after close", () -> {
            IoUringBufRing b = bufRingOf(ring());
            b.close();
            assertEquals(2, b.entries());
        }));
        api("IoUringBufRing.bufferSize()", legal("after close", () -> {
            IoUringBufRing b = bufRingOf(ring());
            b.close();
            assertEquals(8, b.bufferSize());
        }));
        api("IoUringBufRing.isOpen()", legal("false after close, and after the IoUring's close", () -> {
            IoUringBufRing b = bufRingOf(ring());
            b.close();
            assertFalse(b.isOpen());
            IoUring r = ring();
            IoUringBufRing c = bufRingOf(r);
            r.close();
            assertFalse(c.isOpen());
        }));
        api("IoUringBufRing.close()", legal("idempotent; the bgid is free again", () -> {
            IoUring r = ring();
            IoUringBufRing b = bufRingOf(r);
            b.close();
            b.close();
            bufRingOf(r).close();
        }), legal("after the IoUring's close: only marks it closed", () -> {
            IoUring r = ring();
            IoUringBufRing b = bufRingOf(r);
            r.close();
            b.close();
            assertFalse(b.isOpen());
        }));
        api("IoUringBufRing.toString()", legal("names the group and says closed", () -> {
            IoUringBufRing b = bufRingOf(ring());
            b.close();
            assertTrue(b.toString().contains("bgid=1") && b.toString().contains("closed"), b.toString());
        }));
    }
}
