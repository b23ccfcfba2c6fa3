package io.jmux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FdTest {
    private final Fds fds = new Fds();

    @AfterEach
    void closeFds() {
        fds.close();
    }

    @Test
    void eagainIsAReturnValueOnAnEmptyNonBlockingPipe() throws Exception {
        int[] p = fds.pipe(true);
        byte[] b = new byte[8];
        int n = Fd.read(p[0], b, 0, b.length);
        assertEquals(-Errno.EAGAIN, n);
        assertTrue(Errno.isWouldBlock(n));
        assertEquals(-Errno.EAGAIN, Fd.read(p[0], ByteBuffer.allocate(8)));
        assertEquals(-Errno.EAGAIN, Fd.read(p[0], ByteBuffer.allocateDirect(8)));
        assertEquals(Errno.EAGAIN, Errno.EWOULDBLOCK, "one value on Linux");
    }

    @Test
    void eagainOnAFullNonBlockingSocket() throws Exception {
        int[] s = fds.socketpair(true);
        ByteBuffer chunk = ByteBuffer.allocateDirect(65536);
        int n;
        long total = 0;
        while ((n = Fd.write(s[0], chunk.clear())) > 0) {
            total += n;
        }
        assertEquals(-Errno.EAGAIN, n);
        assertTrue(total > 0);
    }

    @Test
    void readAndWriteEveryBufferKind() throws Exception {
        int[] p = fds.pipe(false);
        byte[] msg = "hello, kernel".getBytes(StandardCharsets.US_ASCII);

        ByteBuffer heap = ByteBuffer.wrap(msg);
        assertEquals(msg.length, Fd.write(p[1], heap));
        assertEquals(msg.length, heap.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.position(3);
        assertEquals(msg.length, Fd.read(p[0], direct));
        assertEquals(3 + msg.length, direct.position());
        byte[] got = new byte[msg.length];
        direct.flip().position(3);
        direct.get(got);
        assertArrayEquals(msg, got);

        ByteBuffer ro = ByteBuffer.wrap(msg).asReadOnlyBuffer();
        assertEquals(msg.length, Fd.write(p[1], ro));
        ByteBuffer sliced = ByteBuffer.allocate(100).position(10).slice();
        assertEquals(msg.length, Fd.read(p[0], sliced));
        assertArrayEquals(msg, java.util.Arrays.copyOf(sliced.array(), 10 + msg.length)
                .length == 10 + msg.length ? java.util.Arrays.copyOfRange(sliced.array(), 10, 10 + msg.length) : null);

        ByteBuffer directSrc = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
        assertEquals(msg.length, Fd.write(p[1], directSrc));
        byte[] arr = new byte[msg.length + 4];
        assertEquals(msg.length, Fd.read(p[0], arr, 4, msg.length));
        assertArrayEquals(msg, java.util.Arrays.copyOfRange(arr, 4, arr.length));

        assertThrows(ReadOnlyBufferException.class, () -> Fd.read(p[0], ByteBuffer.allocate(4).asReadOnlyBuffer()));
        assertThrows(IndexOutOfBoundsException.class, () -> Fd.read(p[0], arr, 10, 100));
        assertThrows(IndexOutOfBoundsException.class, () -> Fd.write(p[1], arr, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Fd.read(-1, arr, 0, 1));
    }

    @Test
    void largeHeapTransfersAreCappedNotTruncatedSilently() throws Exception {
        int[] s = fds.socketpair(true);
        Sockets.setsockopt(s[0], Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 1 << 20);
        byte[] big = new byte[Fd.HEAP_TRANSFER_MAX * 2];
        int n = Fd.write(s[0], big, 0, big.length);
        assertTrue(n > 0 && n <= Fd.HEAP_TRANSFER_MAX, "wrote " + n);
    }

    @Test
    void endOfFileReadsZero() throws Exception {
        int[] p = fds.pipe(false);
        fds.close(p[1]);
        assertEquals(0, Fd.read(p[0], new byte[4], 0, 4));
    }

    @Test
    void writeToAPipeWithoutReaderIsEpipe() throws Exception {
        int[] p = fds.pipe(false);
        fds.close(p[0]);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.write(p[1], new byte[1], 0, 1));
        assertEquals(Errno.EPIPE, e.errno());
        assertEquals("write", e.syscall());
    }

    @Test
    void badFdIsEbadfWithSyscallAndSymbol() throws Exception {
        int closed = Fds.closedFd();
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.read(closed, new byte[1], 0, 1));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("read(fd=" + closed + ", count=1): EBADF (Bad file descriptor)", e.getMessage());
        e = assertThrows(ErrnoException.class, () -> Fd.close(closed));
        assertEquals("close", e.syscall());
        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void fcntlNonBlocking() throws Exception {
        int[] p = fds.pipe(false);
        assertFalse(Fd.isNonBlocking(p[0]));
        Fd.setNonBlocking(p[0], true);
        assertTrue(Fd.isNonBlocking(p[0]));
        assertEquals(-Errno.EAGAIN, Fd.read(p[0], new byte[1], 0, 1));
        Fd.setNonBlocking(p[0], false);
        assertFalse(Fd.isNonBlocking(p[0]));
        assertEquals(Fd.FD_CLOEXEC, Fd.fcntl(p[0], Fd.F_GETFD, 0) & Fd.FD_CLOEXEC);
        assertThrows(IllegalArgumentException.class, () -> Fd.fcntl(p[0], 5 /* F_GETLK */, 0));
    }

    @Test
    void eventfdCounter() throws Exception {
        int efd = fds.eventfd(0);
        assertEquals(0, EventFd.read(efd), "0 = EAGAIN: the counter is zero");
        assertEquals(8, EventFd.write(efd, 3));
        assertEquals(8, EventFd.write(efd, 4));
        assertEquals(7, EventFd.read(efd));
        assertEquals(0, EventFd.read(efd));
        ErrnoException e = assertThrows(ErrnoException.class, () -> EventFd.write(efd, -1L));
        assertEquals(Errno.EINVAL, e.errno(), "0xffffffffffffffff is not a valid increment");
        assertEquals(8, EventFd.write(efd, 0xFFFF_FFFF_FFFF_FFFEL));
        assertEquals(-Errno.EAGAIN, EventFd.write(efd, 1), "the counter would overflow");
        assertEquals(0xFFFF_FFFF_FFFF_FFFEL, EventFd.read(efd));

        int sem = fds.track(EventFd.eventfd(2, EventFd.EFD_SEMAPHORE | EventFd.EFD_NONBLOCK));
        assertEquals(1, EventFd.read(sem));
        assertEquals(1, EventFd.read(sem));
        assertEquals(0, EventFd.read(sem));
        assertThrows(IllegalArgumentException.class, () -> EventFd.eventfd(-1, 0));
        assertThrows(ErrnoException.class, () -> EventFd.eventfd(0, 1 << 30)); // the kernel's EINVAL
    }

    @Test
    void errnoNamesAndAliases() {
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("EAGAIN", Errno.name(-Errno.EAGAIN));
        assertEquals("EINPROGRESS", Errno.name(Errno.EINPROGRESS));
        assertEquals("errno 4000", Errno.name(4000));
        assertEquals("Bad file descriptor", Errno.description(Errno.EBADF));
        assertTrue(Errno.isInProgress(-Errno.EINPROGRESS));
        assertFalse(Errno.isWouldBlock(0));
    }
}
