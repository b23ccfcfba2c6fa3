package io.jmux.bench;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;
import io.jmux.IoUring;
import io.jmux.Poll;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * jmux's {@link IoUring} in the wait and registration scenarios, beside the epoll ones of
 * {@link JmuxWait} and {@link JmuxRegistration}. The rings are mapped by C once; from
 * then on these ops read CQEs and write SQEs from Java (VarHandle acquire/release), and
 * only a submit crosses JNI. The C twin's ops of the same names do the same over rings it
 * mapped itself (raw syscalls, no liburing).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Bench.NATIVE_ACCESS)
public class JmuxIoUring {

    /**
     * The empty completion check: CQ tail (acquire load) == our head, a memory read and no
     * syscall. Its epoll counterpart is {@link JmuxWait#epoll_wait_empty}, a syscall.
     */
    @Benchmark
    public int io_uring_cq_empty(Empty s) {
        int ready = s.ring.cqReady();
        if (ready != 0) {
            throw new IllegalStateException("io_uring_cq_empty: " + ready + " CQEs on a ring nothing was submitted to");
        }
        return ready;
    }

    /**
     * The event round trip with multishot POLL_ADD, the twin of {@link JmuxWait#epoll_wait_et}:
     * one eventfd write per ready fd (a wake-up: multishot poll, like EPOLLET, posts a CQE
     * per wake-up, not while an fd stays ready), then reap every CQE. The CQEs are posted
     * by task work that runs as the write returns to user space, so no io_uring_enter is
     * needed to see them: with ready=0 this is the empty check with n polls armed.
     */
    @Benchmark
    public long io_uring_poll_multishot(Armed s) throws ErrnoException {
        for (int i = 0; i < s.fds.ready; i++) {
            EventFd.write(s.fds.fds[i], 1);
        }
        IoUring ring = s.ring;
        int count = ring.cqReady();
        long sum = 0;
        for (int i = 0; i < count; i++) {
            if ((ring.cqeRes(i) & Poll.POLLIN) == 0 || (ring.cqeFlags(i) & IoUring.IORING_CQE_F_MORE) == 0) {
                throw new IllegalStateException("io_uring_poll_multishot: CQE res " + ring.cqeRes(i) + " flags "
                        + ring.cqeFlags(i) + ": not POLLIN, or the multishot poll ended");
            }
            sum += ring.cqeUserData(i);
        }
        ring.cqAdvance(count);
        return WaitFixture.check("io_uring_poll_multishot", count, sum, s.fds.ready, s.fds.readySum);
    }

    /**
     * Registration, the twin of {@link JmuxRegistration#epoll_ctl_add_del}: a multishot
     * POLL_ADD of one more fd and a POLL_REMOVE of it, submitted together in one
     * {@code io_uring_enter} that waits for both CQEs (the poll's {@code -ECANCELED}, the
     * remove's 0), which are then reaped; n polls armed meanwhile.
     */
    @Benchmark
    public long io_uring_poll_add_remove(Registered s) throws ErrnoException {
        IoUring ring = s.ring;
        if (!ring.prepPollAdd(s.extra, Poll.POLLIN, true, s.extra) || !ring.prepPollRemove(s.extra, Registered.REMOVE)) {
            throw new IllegalStateException("io_uring_poll_add_remove: the SQ is full");
        }
        ring.submitAndWait(2);
        int count = ring.cqReady();
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += ring.cqeUserData(i) + ring.cqeRes(i);
        }
        ring.cqAdvance(count);
        return checkAddRemove(count, sum, s.extra);
    }

    /**
     * Throws unless POLL_ADD + POLL_REMOVE of {@code extra} posted two CQEs whose user_data
     * plus res add up to {@code sum}: the poll's (user_data extra, res -ECANCELED) and the
     * remove's (user_data {@link Registered#REMOVE}, res 0). Returns the sum.
     */
    static long checkAddRemove(int count, long sum, int extra) {
        long expected = extra - Errno.ECANCELED + Registered.REMOVE;
        if (count != 2 || sum != expected) {
            throw new IllegalStateException("io_uring_poll_add_remove: " + count + " CQEs summing to " + sum
                    + ", expected 2 summing to " + expected);
        }
        return sum;
    }

    /** The SQ of a ring arming n polls: up to 4096 (larger n is submitted in batches), at least 2. */
    static int sqEntries(int n) {
        return Math.max(2, Integer.highestOneBit(Math.min(n, 4096) * 2 - 1));
    }

    /** Its CQ: 2n at least, so even ready=all never overflows it (an overflow ends multishot polls). */
    static int cqEntries(int n) {
        return Math.max(2 * sqEntries(n), 2 * Integer.highestOneBit(2 * n - 1));
    }

    /** A ring nothing is ever submitted to. */
    @State(Scope.Thread)
    public static class Empty {
        IoUring ring;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            ring = IoUring.setup(1, 0);
        }

        @TearDown(Level.Trial)
        public void close() {
            ring.close();
        }
    }

    /** n eventfds, {@code ready} of them readable, watched by n multishot polls on a ring. */
    static final class ArmedRing implements AutoCloseable {
        final EventFds fds;
        final IoUring ring;

        /**
         * Arms a multishot POLL_ADD (POLLIN, user_data = the fd) on each of the n eventfds
         * and reaps the CQEs of the ready ones' first readiness. The SQ has up to 4096
         * entries (submitted in batches when n is larger; at least 2, for POLL_ADD + POLL_REMOVE); the CQ holds 2n at least, so
         * even ready=all never overflows it (an overflow would end the multishot polls).
         */
        ArmedRing(int n, int ready) throws ErrnoException {
            fds = EventFds.open(n, ready);
            ring = IoUring.setup(sqEntries(n), IoUring.IORING_SETUP_CQSIZE, cqEntries(n), 0, 0, 0);
            for (int fd : fds.fds) {
                if (!ring.prepPollAdd(fd, Poll.POLLIN, true, fd)) {
                    ring.submit();
                    ring.prepPollAdd(fd, Poll.POLLIN, true, fd);
                }
            }
            ring.submitAndWait(ready);
            int count = ring.cqReady();
            if (count != ready) {
                throw new IllegalStateException("arming " + n + " multishot polls posted " + count
                        + " CQEs, expected " + ready);
            }
            ring.cqAdvance(count);
        }

        @Override
        public void close() throws ErrnoException {
            ring.close();
            fds.close();
        }
    }

    @State(Scope.Thread)
    public static class Armed extends WaitFixture {
        ArmedRing armed;
        EventFds fds;
        IoUring ring;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            armed = new ArmedRing(n, readyCount());
            fds = armed.fds;
            ring = armed.ring;
        }

        @TearDown(Level.Trial)
        public void close() throws ErrnoException {
            armed.close();
        }
    }

    /** n armed polls, none ready, and the fd that POLL_ADD + POLL_REMOVE adds and removes. */
    @State(Scope.Thread)
    public static class Registered extends RegistrationFixture {
        /** The POLL_REMOVE's user_data (the fds are all positive). */
        static final long REMOVE = -1;
        ArmedRing armed;
        IoUring ring;
        int extra;

        @Setup(Level.Trial)
        public void setup() throws ErrnoException {
            armed = new ArmedRing(n, 0);
            ring = armed.ring;
            extra = EventFds.eventfdAtBase();
        }

        @TearDown(Level.Trial)
        public void close() throws ErrnoException {
            armed.close();
            Fd.close(extra);
        }
    }
}
