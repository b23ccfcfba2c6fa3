package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * timerfd against the real kernel: one-shot, interval, absolute, the old value, gettime,
 * CANCEL_ON_SET, and readiness through select, poll and epoll. No test asserts how long
 * anything took (the machine is shared); a blocking read waits for the kernel to say.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerFdTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** io_uring watches a timerfd like any fd: a POLL_ADD completes with POLLIN when it expires. */
    @Test
    void ioUringPollAddCompletesWhenTheTimerExpires() throws Exception {
        Assumptions.assumeTrue(IoUring.isSupported(), IoUring::unavailabilityCause);
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK | TimerFd.TFD_CLOEXEC);
             IoUring ring = IoUring.setup(4, 0)) {
            assertTrue(ring.prepPollAdd(t.fd(), Poll.POLLIN, false, 42));
            ring.submitAndWait(1, 20_000_000L); // submits the poll; waits 20 ms for a CQE (ETIME: none)
            assertEquals(0, ring.cqReady(), "not expired yet, so the poll is still armed");
            t.settime(0, 1_000_000L, 0); // 1 ms
            ring.submitAndWait(1, 5_000_000_000L);
            assertEquals(1, ring.cqReady());
            assertEquals(42, ring.cqeUserData(0));
            assertTrue((ring.cqeRes(0) & Poll.POLLIN) != 0, "res " + ring.cqeRes(0));
            ring.cqAdvance(1);
            assertEquals(1, t.read());
        }
    }

    @Test
    void oneShotExpiresOnceThenIsDisarmed() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC); ItimerSpec cur = new ItimerSpec()) {
            t.gettime(cur);
            assertEquals(0, cur.valueNanos(), "a new timer is disarmed");
            t.settime(0, 5 * MS, 0);
            assertEquals(1, t.read(), "blocking read: one expiration");
            t.gettime(cur);
            assertEquals(0, cur.valueNanos(), "one-shot: disarmed after it fired");
            assertEquals(0, cur.intervalNanos());
        }
    }

    @Test
    void nonBlockingReadOfAnUnexpiredTimerIsZero() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_BOOTTIME, TimerFd.TFD_NONBLOCK)) {
            assertEquals(0, t.read(), "disarmed: EAGAIN as 0");
            t.settime(0, 3600 * S, 0);
            assertEquals(0, t.read(), "armed, not expired: EAGAIN as 0");
        }
    }

    @Test
    void intervalCountsEveryExpirationSinceTheLastRead() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, 0); ItimerSpec cur = new ItimerSpec()) {
            t.settime(0, 0, 1000, 0, 1000, null); // every microsecond
            Thread.sleep(20);
            long n = t.read();
            assertTrue(n > 1, "many expirations in one read: " + n);
            t.gettime(cur);
            assertEquals(0, cur.intervalSec());
            assertEquals(1000, cur.intervalNsec(), "the period comes back as set");
            assertTrue(t.read() >= 1, "still running");
        }
    }

    @Test
    void settimeReturnsTheOldSettingWithoutAllocating() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK); ItimerSpec old = new ItimerSpec()) {
            t.settime(0, 3600, 0, 7, 500, old);
            assertEquals(0, old.valueNanos(), "was disarmed");
            t.settime(0, 0, 0, 0, 0, old); // disarm, read back the previous setting
            assertTrue(old.valueSec() > 3500 && old.valueSec() <= 3600, old.toString());
            assertEquals(7, old.intervalSec());
            assertEquals(500, old.intervalNsec());
            assertEquals(7 * S + 500, old.intervalNanos());
        }
    }

    @Test
    void absoluteTimeInThePastFiresAtOnceAndGettimeIsRelative() throws Exception {
        // Blocking: a time already past fires from the timer interrupt, a moment after settime.
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, 0); ItimerSpec cur = new ItimerSpec()) {
            t.settime(TimerFd.TFD_TIMER_ABSTIME, 1, 0);  // 1 ns after boot: long past
            assertEquals(1, t.read(), "an absolute time already past expires at once");
            long wall = System.currentTimeMillis() * MS;
            try (TimerFd rt = TimerFd.create(TimerFd.CLOCK_REALTIME, TimerFd.TFD_NONBLOCK)) {
                rt.settime(TimerFd.TFD_TIMER_ABSTIME, wall + 3600 * S, 0);
                rt.gettime(cur);
                assertTrue(cur.valueSec() <= 3600 && cur.valueSec() > 3500, "gettime is relative: " + cur);
                assertEquals(0, rt.read());
            }
        }
    }

    @Test
    void outOfRangeFieldsAreTheKernelsEinval() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, 0)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> t.settime(0, 0, S, 0, 0, null));
            assertEquals(Errno.EINVAL, e.errno());
            e = assertThrows(ErrnoException.class, () -> t.settime(0, -1, 0));
            assertEquals(Errno.EINVAL, e.errno(), "a negative time: tv_sec -1");
        }
    }

    /**
     * TFD_TIMER_CANCEL_ON_SET: a discontinuous change of the realtime clock makes the
     * next read fail with ECANCELED (thrown, see TimerFd's documentation). The change is
     * {@code date -s now}: the clock is set to its own value, a step of microseconds,
     * so nothing needs restoring; without CAP_SYS_TIME the test is skipped.
     */
    @Test
    void clockChangeCancelsACancelOnSetTimer() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_REALTIME, TimerFd.TFD_NONBLOCK); ItimerSpec cur = new ItimerSpec()) {
            long wall = System.currentTimeMillis() * MS;
            t.settime(TimerFd.TFD_TIMER_ABSTIME | TimerFd.TFD_TIMER_CANCEL_ON_SET, wall + 3600 * S, 0);
            assertEquals(0, t.read(), "armed, not expired, clock unchanged");
            Process p = new ProcessBuilder("date", "-s", "now").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            Assumptions.assumeTrue(p.waitFor() == 0, "cannot set the realtime clock (needs CAP_SYS_TIME): " + out);
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
                ep.add(t.fd(), Epoll.EPOLLIN);
                assertEquals(1, ep.wait(ev, 10_000), "the cancel makes the fd readable");
            }
            ErrnoException e = assertThrows(ErrnoException.class, t::read);
            assertEquals(Errno.ECANCELED, e.errno(), e.getMessage());
            assertEquals("read", e.syscall());
            assertEquals(0, t.read(), "reported once; then EAGAIN");
            t.gettime(cur);
            assertTrue(cur.valueSec() > 3500, "still armed at its absolute time: " + cur);
        }
    }

    @Test
    void selectPollAndEpollSeeAnExpiredTimer() throws Exception {
        try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_NONBLOCK);
             FdSet r = new FdSet(); PollFds pfds = new PollFds(1); Epoll ep = Epoll.create();
             EpollEvents ev = new EpollEvents(1)) {
            int fd = t.fd();
            pfds.add(fd, Poll.POLLIN);
            ep.add(fd, Epoll.EPOLLIN);
            r.set(fd);
            assertEquals(0, Select.select(fd + 1, r, null, null, 0), "select: not yet");
            assertEquals(0, Poll.poll(pfds, 0), "poll: not yet");
            assertEquals(0, ep.wait(ev, 0), "epoll: not yet");

            t.settime(0, 2 * MS, 0);
            r.set(fd);
            assertEquals(1, Select.select(fd + 1, r, null, null, -1), "select waits for it");
            assertTrue(r.isSet(fd));
            assertEquals(1, Poll.poll(pfds, 0));
            assertEquals(Poll.POLLIN, pfds.revents(0));
            assertEquals(1, ep.wait(ev, 0));
            assertEquals(Epoll.EPOLLIN, ev.events(0));
            assertEquals(fd, ev.fd(0));

            assertEquals(1, t.read());
            r.set(fd);
            assertEquals(0, Select.select(fd + 1, r, null, null, 0), "read: not ready again");
            assertEquals(0, Poll.poll(pfds, 0));
            assertEquals(0, ep.wait(ev, 0));
        }
    }

    @Test
    void closeWakesAThreadBlockedInRead() throws Exception {
        // Disarmed and blocking: read waits for ever unless close wakes it.
        CloseWakes.check(() -> TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC), TimerFd::read, 0L);
        TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC);
        t.close();
        assertThrows(IllegalStateException.class, t::read, "closed before the call");
    }
}
