package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Steady-state waits allocate nothing on the Java heap. Counted with the JVM's per-thread
 * allocation counter (exact bytes, not time), so this is not a timing test; the JMH
 * benchmarks report B/op as well.
 */
class AllocationTest {
    private final Fds fds = new Fds();

    @AfterEach
    void closeFds() {
        fds.close();
    }

    interface Body {
        void run() throws Exception;
    }

    private static long allocatedBy(Body body, int iterations) throws Exception {
        var bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        var mx = (com.sun.management.ThreadMXBean) bean;
        for (int i = 0; i < iterations; i++) {
            body.run(); // warm up: class init, JIT
        }
        // One-off allocations happen whenever the background compiler finishes: installing
        // a new compiled method makes the calling thread allocate a few hundred bytes once
        // (re-resolving the call), and a deoptimisation re-makes in the interpreter an
        // object the JIT had scalar-replaced (56 bytes seen under -Xcheck:jni and ASan).
        // Steady state is a round with nothing allocated; a per-call allocation would show
        // in every round.
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5 && least != 0; round++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < iterations; i++) {
                body.run();
            }
            long after = mx.getThreadAllocatedBytes(tid);
            long empty = mx.getThreadAllocatedBytes(tid) - after; // the counter's own cost
            least = Math.min(least, after - before - empty);
        }
        return least;
    }

    @Test
    void waitsAllocateNothing() throws Exception {
        int[] p = fds.pipe(true);
        Fds.write(p[1], "x"); // one fd ready, so results are filled in too
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(4);
             PollFds pfds = new PollFds(1); FdSet master = new FdSet(); FdSet r = new FdSet()) {
            ep.add(p[0], Epoll.EPOLLIN);
            pfds.add(p[0], Poll.POLLIN);
            master.set(p[0]);
            int nfds = p[0] + 1;
            int n = 20_000;
            assertEquals(0, allocatedBy(() -> ep.wait(ev, 0), n), "epoll_wait");
            assertEquals(0, allocatedBy(() -> ep.pwait2(ev, 0), n), "epoll_pwait2");
            assertEquals(0, allocatedBy(() -> ev.data(0), n), "reading an event");
            assertEquals(0, allocatedBy(() -> Poll.poll(pfds, 0), n), "poll");
            assertEquals(0, allocatedBy(() -> {
                r.copyFrom(master);
                Select.select(nfds, r, null, null, 0);
            }, n), "select");
        }
    }

    @Test
    void nonBlockingReadsAndWritesAllocateNothing() throws Exception {
        int[] p = fds.pipe(true);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(64);
        byte[] array = new byte[64];
        int efd = fds.eventfd(0);
        assertEquals(0, allocatedBy(() -> {
            Fd.write(p[1], direct.clear().limit(8));
            Fd.read(p[0], direct.clear());
            Fd.write(p[1], array, 0, 8);
            Fd.read(p[0], array, 0, 64);
            Fd.read(p[0], array, 0, 64); // -EAGAIN: a return value, no exception object
            EventFd.write(efd, 1);
            EventFd.read(efd);
        }, 20_000));
    }

    @Test
    void timerfdReadsAndSettimeAllocateNothing() throws Exception {
        // t blocks: a time already past fires from the timer interrupt, a moment after settime.
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC);
             TimerFd idle = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK | TimerFd.TFD_CLOEXEC);
             ItimerSpec spec = new ItimerSpec()) {
            assertEquals(0, allocatedBy(() -> {
                t.settime(TimerFd.TFD_TIMER_ABSTIME, 1, 0); // long past: expires at once
                t.read();                                   // 1
                idle.read();                                // 0: EAGAIN, no exception object
                t.settime(0, 0, 0, 0, 0, spec);             // disarm, old value into spec
                t.gettime(spec);
                spec.valueNanos();
            }, 20_000));
        }
    }

    /** Signal-driven I/O on this thread: a write, its siginfo read from the signalfd, an EAGAIN. */
    @Test
    void signalfdReadsAllocateNothing() throws Exception {
        int sig = SignalFd.sigrtmin() + 5;
        int[] sp = fds.socketpair(true);
        byte[] buf = new byte[8];
        try (SigSet set = new SigSet().add(sig).add(SignalFd.SIGIO); SigSet old = new SigSet();
             SignalFdInfos infos = new SignalFdInfos(4);
             SignalFd sfd = SignalFd.create(set, SignalFd.SFD_NONBLOCK | SignalFd.SFD_CLOEXEC)) {
            SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, old);
            try {
                Fd.setOwnEx(sp[0], Fd.F_OWNER_TID, Fd.gettid());
                Fd.fcntl(sp[0], Fd.F_SETSIG, sig);
                Fd.setFl(sp[0], Fd.getFl(sp[0]) | Fd.O_ASYNC);
                assertEquals(0, allocatedBy(() -> {
                    Fd.write(sp[1], buf, 0, 1);
                    if (sfd.read(infos) != 1 || infos.ssi_fd(0) != sp[0] || infos.ssi_signo(0) != sig) {
                        throw new AssertionError("expected one siginfo for fd " + sp[0]);
                    }
                    Fd.read(sp[0], buf, 0, 8);
                    sfd.read(infos); // -EAGAIN
                }, 20_000));
            } finally {
                Fd.setFl(sp[0], Fd.getFl(sp[0]) & ~Fd.O_ASYNC);
                SignalFd.pthreadSigmask(SignalFd.SIG_SETMASK, old, null);
            }
        }
    }

    /**
     * io_uring: preparing SQEs, submitting, peeking and reaping CQEs allocate nothing;
     * neither do buffer transfers through the ring once the buffer's address is cached.
     */
    @Test
    void ioUringSubmitAndReapAllocateNothing() throws Exception {
        Assumptions.assumeTrue(IoUring.isSupported(), IoUring::unavailabilityCause);
        int[] p = fds.pipe(true);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocateDirect(8);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocateDirect(8);
        try (IoUring ring = IoUring.setup(8, 0)) {
            int n = 20_000;
            assertEquals(0, allocatedBy(() -> {
                ring.prepNop(1);
                ring.prepNop(2);
                ring.submitAndWait(2);
                int ready = ring.cqReady();
                for (int i = 0; i < ready; i++) {
                    ring.cqeUserData(i);
                    ring.cqeRes(i);
                    ring.cqeFlags(i);
                }
                ring.cqAdvance(ready);
            }, n), "NOP submit/reap");
            assertEquals(0, allocatedBy(ring::cqReady, n), "empty CQ check");
            assertEquals(0, allocatedBy(() -> {
                ring.prepWrite(p[1], out.clear(), -1, 3);
                ring.prepRead(p[0], in.clear(), -1, 4);
                ring.submitAndWait(2);
                ring.cqAdvance(ring.cqReady());
            }, n), "write/read through the ring");
        }
    }
}
