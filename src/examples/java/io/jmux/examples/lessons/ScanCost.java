package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * What one wait costs as the number of watched fds grows, with exactly one of them
 * ready: select and poll hand the kernel every fd on every call and the kernel checks
 * each (O(n)); epoll_wait reads a ready list its callbacks filled (O(ready)).
 *
 * <p>The fds are eventfds with counter 0 (idle) except the highest-numbered, with
 * counter 1 (ready), so select and poll must look at all of them. Times are the median
 * of many single calls, measured here with System.nanoTime: an illustration of the
 * shape, not a benchmark (the JMH benchmarks give numbers with error bars).
 */
final class ScanCost implements Lesson {
    static final int[] SIZES = {10, 100, 1000, 10_000};
    private static final long BUDGET_NANOS = 40_000_000L; // per measurement
    private static final int MAX_CALLS = 5000;

    @Override
    public String name() {
        return "scan-cost";
    }

    @Override
    public String summary() {
        return "time one select/poll/epoll_wait over 10..10000 idle fds with one ready: O(n) vs O(ready)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== scan-cost: one wait over n fds, one of them ready ==");
        out.println("median time of one call, microseconds (timeout 0, nothing else changes between calls)");
        out.println();
        out.println("      fds    select      poll  epoll_wait   ready per call (select/poll/epoll)");
        for (int n : SIZES) {
            long free = Fds.softLimit() - Fds.openCount();
            if (Fds.softLimit() >= 0 && free < n + 64) {
                out.printf(Locale.ROOT, "%9d   skipped: needs %d fds, only %d free under RLIMIT_NOFILE=%d%n", n, n,
                        free, Fds.softLimit());
                continue;
            }
            row(out, n);
        }
        out.println();
        out.println("remember: select and poll cost grows with every fd watched, ready or not - the whole");
        out.println("  set is copied in, each fd's poll callback runs, the result is copied out and then");
        out.println("  scanned by the program. epoll_wait's cost follows the ready fds; its interest list");
        out.println("  lives in the kernel and was paid for once, by epoll_ctl. With a few fds the");
        out.println("  differences are small and noisy; with thousands of mostly idle connections they are");
        out.println("  orders of magnitude.");
    }

    private static void row(PrintStream out, int n) throws Exception {
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(64);
             PollFds pfds = new PollFds(n)) {
            int[] fd = new int[n];
            for (int i = 0; i < n; i++) {
                fd[i] = fds.eventfd(i == n - 1 ? 1 : 0); // the last (highest) one is ready
            }
            int maxFd = Arrays.stream(fd).max().getAsInt();
            try (FdSet master = new FdSet(maxFd + 1); FdSet set = new FdSet(maxFd + 1)) {
                for (int f : fd) {
                    master.set(f);
                    pfds.add(f, Poll.POLLIN);
                    ep.add(f, Epoll.EPOLLIN);
                }
                int[] ready = new int[3];
                double sel = median(() -> {
                    set.copyFrom(master); // select overwrote it: restore (not timed)
                    long t0 = System.nanoTime();
                    ready[0] = Select.select(maxFd + 1, set, null, null, 0);
                    return System.nanoTime() - t0;
                });
                double pol = median(() -> {
                    long t0 = System.nanoTime();
                    ready[1] = Poll.poll(pfds, 0);
                    return System.nanoTime() - t0;
                });
                double epo = median(() -> {
                    long t0 = System.nanoTime();
                    ready[2] = ep.wait(events, 0);
                    return System.nanoTime() - t0;
                });
                out.printf(Locale.ROOT, "%9d %9.2f %9.2f %11.2f   %d/%d/%d%n", n, sel / 1000, pol / 1000, epo / 1000,
                        ready[0], ready[1], ready[2]);
            }
        }
    }

    interface Call {
        long timeNanos() throws ErrnoException;
    }

    /**
     * Warms up (enough calls for the JIT to compile the path, or 20 ms), then times
     * single calls until the budget is spent; the median, in ns.
     */
    private static double median(Call call) throws ErrnoException {
        long warm = 0;
        for (int i = 0; i < 5000 && warm < BUDGET_NANOS / 2; i++) {
            warm += call.timeNanos();
        }
        long[] times = new long[MAX_CALLS];
        int count = 0;
        long spent = 0;
        while (count < MAX_CALLS && (spent < BUDGET_NANOS || count < 30)) {
            long t = call.timeNanos();
            times[count++] = t;
            spent += t;
        }
        long[] used = Arrays.copyOf(times, count);
        Arrays.sort(used);
        return used[count / 2];
    }
}
