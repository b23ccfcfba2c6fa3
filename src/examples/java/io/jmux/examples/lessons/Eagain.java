package io.jmux.examples.lessons;

import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import io.jmux.Sockets;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EAGAIN: what a non-blocking fd answers instead of sleeping. Drains a socket until
 * EAGAIN, shows that a blocking read on the same socket sleeps instead, then meets the
 * same answer from write (buffer full), accept4 (nothing pending) and connect
 * (EINPROGRESS).
 */
final class Eagain implements Lesson {
    @Override
    public String name() {
        return "eagain";
    }

    @Override
    public String summary() {
        return "drain a non-blocking socket until EAGAIN; what a blocking read would have done";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== eagain: non-blocking fds answer EAGAIN instead of sleeping ==");
        try (Fds fds = new Fds()) {
            int[] s = fds.socketpair();
            int a = s[0];
            int b = s[1];
            out.printf("setup: socketpair(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK) = [%d, %d]: two connected sockets%n%n", a, b);
            drain(out, a, b);
            blockingRead(out, a, b);
            fillSendBuffer(out, a, b);
            acceptAndConnect(out, fds);
        }
        out.println();
        out.println("remember: EAGAIN (= EWOULDBLOCK) is not an error but \"not now\": the call would have");
        out.println("  slept. jmux returns it as -EAGAIN (Errno.isWouldBlock), never as an exception, because");
        out.println("  an edge-triggered loop meets it on every drain. Wait for readiness, then try again.");
    }

    private static void drain(PrintStream out, int a, int b) throws ErrnoException {
        byte[] msg = new byte[1000];
        out.printf("step 1: fd %d writes three messages of 1000 bytes%n", b);
        for (int i = 0; i < 3; i++) {
            out.printf("        write(%d, 1000) = %d%n", b, Fd.write(b, msg, 0, msg.length));
        }
        out.printf("step 2: fd %d reads 512 bytes at a time until the kernel says EAGAIN%n", a);
        byte[] buf = new byte[512];
        int total = 0;
        int reads = 0;
        while (true) {
            int n = Fd.read(a, buf, 0, buf.length);
            reads++;
            if (Errno.isWouldBlock(n)) {
                out.printf("        read(%d, 512) = -EAGAIN  <- nothing left, and the call did not wait%n", a);
                break;
            }
            out.printf("        read(%d, 512) = %d%n", a, n);
            total += n;
        }
        out.printf("        drained %d bytes in %d reads, then EAGAIN%n", total, reads - 1);
        long t0 = System.nanoTime();
        int again = Fd.read(a, buf, 0, buf.length);
        long micros = (System.nanoTime() - t0) / 1000;
        out.printf("step 3: read again: %s after %d us - a non-blocking read never sleeps%n%n",
                Errno.isWouldBlock(again) ? "-EAGAIN" : Integer.toString(again), micros);
    }

    /** The same read on a blocking fd: the thread sleeps in the kernel until data arrives. */
    private static void blockingRead(PrintStream out, int a, int b) throws Exception {
        Fd.setNonBlocking(a, false);
        out.printf("step 4: clear O_NONBLOCK on fd %d (fcntl F_SETFL) and read from another thread%n", a);
        AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);
        Thread reader = new Thread(() -> {
            try {
                result.set(Fd.read(a, new byte[512], 0, 512));
            } catch (ErrnoException e) {
                result.set(-e.errno());
            }
        }, "eagain-reader");
        long t0 = System.nanoTime();
        reader.start();
        int tid = Threads.awaitTid("eagain-reader", 1000);
        boolean asleep = tid > 0 && Threads.awaitSleeping(tid, 1000);
        Thread.sleep(200);
        boolean stillBlocked = result.get() == Integer.MIN_VALUE;
        out.printf("        after 200 ms: still blocked in read: %s (kernel thread state %s)%n",
                stillBlocked ? "yes" : "no", asleep ? "S = sleeping" : "unknown");
        out.printf("        fd %d writes 5 bytes%n", b);
        Fd.write(b, new byte[5], 0, 5);
        reader.join(5000);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        out.printf("        the blocked read returned %d after %d ms: it slept until data came%n%n",
                result.get(), millis);
        Fd.setNonBlocking(a, true);
    }

    /** Writing into a peer that does not read: the send buffer fills, then EAGAIN. */
    private static void fillSendBuffer(PrintStream out, int a, int b) throws ErrnoException {
        out.printf("step 5: fd %d writes 64 KiB chunks while fd %d reads nothing%n", a, b);
        byte[] chunk = new byte[64 * 1024];
        long taken = 0;
        int writes = 0;
        int n;
        while (!Errno.isWouldBlock(n = Fd.write(a, chunk, 0, chunk.length))) {
            taken += n;
            writes++;
        }
        out.printf("        the kernel took %d bytes in %d writes, then write returned EAGAIN (buffer full)%n",
                taken, writes);
        byte[] sink = new byte[64 * 1024];
        long drained = 0;
        int r;
        while (drained < taken && !Errno.isWouldBlock(r = Fd.read(b, sink, 0, sink.length))) {
            drained += r;
        }
        out.printf("        fd %d reads them all; now write(%d, 65536) = %d: room again%n%n", b, a,
                Fd.write(a, chunk, 0, chunk.length));
    }

    /** The same answer from the calls that make and take connections. */
    private static void acceptAndConnect(PrintStream out, Fds fds) throws Exception {
        int listener = fds.track(Sockets.socket(Sockets.AF_INET,
                Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0));
        Sockets.bind(listener, new InetSocketAddress("127.0.0.1", 0));
        Sockets.listen(listener, 8);
        InetSocketAddress at = Sockets.getsockname(listener);
        out.printf("step 6: a non-blocking TCP listener (fd %d) on 127.0.0.1:%d%n", listener, at.getPort());
        int r = Sockets.accept4(listener, Sockets.SOCK_NONBLOCK);
        out.printf("        accept4(%d) with no connection pending = %s%n", listener, name(r));
        int c = fds.track(Sockets.socket(Sockets.AF_INET,
                Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0));
        int cr = Sockets.connect(c, at);
        out.printf("        connect(%d) from a non-blocking socket = %s  <- the handshake goes on without us;%n",
                c, name(cr));
        out.println("          the socket turns writable when it is done, and SO_ERROR says how it went");
        int accepted = -1;
        for (int i = 0; i < 100 && accepted < 0; i++) {
            accepted = Sockets.accept4(listener, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
            if (accepted < 0) {
                Thread.sleep(1);
            }
        }
        if (accepted >= 0) {
            fds.track(accepted);
            out.printf("        accept4(%d) once it arrived = %d; getsockopt(%d, SO_ERROR) = %d%n", listener,
                    accepted, c, Sockets.getsockopt(c, Sockets.SOL_SOCKET, Sockets.SO_ERROR));
        }
    }

    private static String name(int r) {
        return r >= 0 ? Integer.toString(r) : "-" + Errno.name(r);
    }
}
