package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import io.jmux.Sockets;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thundering herd: {@value #WORKERS} threads, each with its own epoll instance, all
 * watching one listening socket. Without {@code EPOLLEXCLUSIVE} one new connection
 * wakes every thread; with it (Linux 4.5+) the kernel wakes one.
 *
 * <p>Part 1 counts wake-ups exactly: the workers register the listener edge-triggered
 * so each counts each wake-up once, and only the main thread accepts, after the
 * wake-ups have settled. Part 2 is a real server's loop — level-triggered, each woken
 * worker calls accept4. There user space may see little of the herd: epoll_wait
 * re-checks readiness before returning, and a worker that lost the race goes back to
 * sleep without returning. The kernel's own count tells: each worker's voluntary
 * context switches (/proc/self/task/TID/status), one per wake-up. Loopback only,
 * {@value #CONNECTIONS} connections per round.
 */
final class ThunderingHerd implements Lesson {
    static final int WORKERS = 4;
    static final int CONNECTIONS = 6;
    private static final long QUIET_NANOS = 100_000_000L; // no new wake-up for this long: settled
    private static final long SETTLE_MAX_NANOS = 3_000_000_000L;

    @Override
    public String name() {
        return "thundering-herd";
    }

    @Override
    public String summary() {
        return "threads with their own epoll on one listener: wake-ups per connection, with and without EPOLLEXCLUSIVE";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== thundering-herd: " + WORKERS + " threads, " + WORKERS
                + " epoll instances, one listening socket ==");
        try (Fds fds = new Fds()) {
            int listener = fds.track(Sockets.socket(Sockets.AF_INET,
                    Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0));
            Sockets.bind(listener, new InetSocketAddress("127.0.0.1", 0));
            Sockets.listen(listener, 64);
            InetSocketAddress at = Sockets.getsockname(listener);
            out.printf("setup: non-blocking listener fd %d on 127.0.0.1:%d; each worker thread: its own%n", listener,
                    at.getPort());
            out.println("       epoll instance, the listener registered in it, epoll_wait(-1) in a loop");
            out.println();
            out.println("part 1: exact wake-up counts (workers use EPOLLET and only count; the main thread");
            out.println("        connects, waits until no worker wakes for 100 ms, then accepts)");
            double herd = countWakeups(out, listener, at, 0);
            double exclusive = countWakeups(out, listener, at, Epoll.EPOLLEXCLUSIVE);
            out.println();
            out.println("part 2: a real accept loop (level-triggered; every woken worker calls accept4)");
            int eagainHerd = acceptRace(out, listener, at, 0);
            int eagainExclusive = acceptRace(out, listener, at, Epoll.EPOLLEXCLUSIVE);
            out.println();
            out.printf(Locale.ROOT, "remember: one connection woke %.1f threads without EPOLLEXCLUSIVE and %.1f with it.%n",
                    herd, exclusive);
            out.println("  Each needless wake-up costs a context switch, and a failed accept when the thread");
            out.println("  returns in time. In part 2 most losers did not return - epoll_wait re-checks");
            out.println(part2Verdict(eagainHerd, eagainExclusive));
            out.println("  EPOLLEXCLUSIVE (add only; with EPOLLIN, EPOLLOUT, EPOLLET, EPOLLWAKEUP) wakes \"one or");
            out.println("  more\" waiters; the other common fix is SO_REUSEPORT, one listening socket per thread.");
        }
    }

    /**
     * The end of part 2's summary: what the program itself saw of the herd, which is
     * the accepts that met EAGAIN. How many losers return in time to fail an accept
     * depends on scheduling, so the sentence follows the counts of this run.
     */
    static String part2Verdict(int eagainHerd, int eagainExclusive) {
        if (eagainHerd == 0) {
            return "  readiness and sleeps again - so the program saw no herd (no accept met EAGAIN); the\n"
                    + "  kernel's context-switch count still shows it.";
        }
        return String.format(Locale.ROOT, "  readiness and sleeps again - yet the program saw some of the herd: %d %s met EAGAIN%n"
                + "  without EPOLLEXCLUSIVE, %d with it; the kernel's context-switch count shows all of it.",
                eagainHerd, eagainHerd == 1 ? "accept" : "accepts", eagainExclusive);
    }

    /** Part 1: each worker counts its wake-ups; the main thread accepts. @return wake-ups per connection */
    private static double countWakeups(PrintStream out, int listener, InetSocketAddress at, int exclusive)
            throws Exception {
        AtomicInteger wakeups = new AtomicInteger();
        List<Worker> workers = startWorkers(listener, Epoll.EPOLLIN | Epoll.EPOLLET | exclusive, wakeups, false);
        int[] perConnection = new int[CONNECTIONS];
        long switches;
        try {
            awaitAllWaiting(workers);
            long switchesBefore = switches(workers);
            for (int i = 0; i < CONNECTIONS; i++) {
                awaitAllWaiting(workers);
                int before = wakeups.get();
                int client = connect(at);
                awaitQuiet(wakeups);
                perConnection[i] = wakeups.get() - before;
                int accepted = acceptOne(listener);
                Fd.close(accepted);
                Fd.close(client);
            }
            awaitAllWaiting(workers);
            switches = switches(workers) - switchesBefore;
        } finally {
            stop(workers);
        }
        int total = 0;
        StringBuilder each = new StringBuilder();
        for (int w : perConnection) {
            total += w;
            each.append(each.length() > 0 ? " " : "").append(w);
        }
        out.printf(Locale.ROOT, "        %-32s wake-ups per connection: %s  (total %d; kernel: %d context switches)%n",
                exclusive == 0 ? "EPOLLIN|EPOLLET:" : "EPOLLIN|EPOLLET|EPOLLEXCLUSIVE:", each, total, switches);
        return (double) total / CONNECTIONS;
    }

    /** Part 2: workers accept; count the wake-ups that found nothing to accept. @return those */
    private static int acceptRace(PrintStream out, int listener, InetSocketAddress at, int exclusive) throws Exception {
        AtomicInteger wakeups = new AtomicInteger();
        List<Worker> workers = startWorkers(listener, Epoll.EPOLLIN | exclusive, wakeups, true);
        List<Integer> clients = new ArrayList<>();
        long switches;
        try {
            awaitAllWaiting(workers);
            long before = switches(workers);
            for (int i = 0; i < CONNECTIONS; i++) {
                awaitAllWaiting(workers);
                clients.add(connect(at));
                long end = System.nanoTime() + SETTLE_MAX_NANOS;
                while (accepted(workers) < i + 1 && System.nanoTime() < end) {
                    Thread.sleep(1);
                }
                awaitQuiet(wakeups);
            }
            awaitAllWaiting(workers);
            switches = switches(workers) - before;
        } finally {
            stop(workers);
            for (int c : clients) {
                Fd.close(c);
            }
        }
        int eagain = 0;
        for (Worker w : workers) {
            eagain += w.eagain;
        }
        out.printf("        %-32s epoll_wait returned %d times, %d accepts, %d met EAGAIN; kernel: %d context"
                + " switches%n", exclusive == 0 ? "EPOLLIN:" : "EPOLLIN|EPOLLEXCLUSIVE:", wakeups.get(),
                accepted(workers), eagain, switches);
        return eagain;
    }

    private static List<Worker> startWorkers(int listener, int events, AtomicInteger wakeups, boolean accept)
            throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Epoll ep = Epoll.create();
            ep.add(listener, events);
            Worker w = new Worker("herd-" + i, ep, listener, wakeups, accept);
            workers.add(w);
            w.start();
        }
        for (Worker w : workers) {
            w.tid = Threads.awaitTid(w.getName(), 2000);
        }
        return workers;
    }

    /** Every worker is asleep in the kernel (in epoll_wait: it does nothing else). */
    private static void awaitAllWaiting(List<Worker> workers) throws InterruptedException {
        for (Worker w : workers) {
            if (w.tid > 0) {
                Threads.awaitSleeping(w.tid, 2000);
            }
        }
    }

    /** The workers' voluntary context switches, summed: the kernel's count of their wake-ups. */
    private static long switches(List<Worker> workers) {
        long sum = 0;
        for (Worker w : workers) {
            sum += Threads.voluntarySwitches(w.tid);
        }
        return sum;
    }

    private static void awaitQuiet(AtomicInteger wakeups) throws InterruptedException {
        long start = System.nanoTime();
        int last = wakeups.get();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < QUIET_NANOS && System.nanoTime() - start < SETTLE_MAX_NANOS) {
            Thread.sleep(5);
            int now = wakeups.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
    }

    private static int connect(InetSocketAddress at) throws ErrnoException {
        int c = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        Sockets.connect(c, at); // blocking: returns once the connection sits in the accept queue
        return c;
    }

    private static int acceptOne(int listener) throws Exception {
        for (int i = 0; i < 1000; i++) {
            int fd = Sockets.accept4(listener, Sockets.SOCK_CLOEXEC);
            if (!Errno.isWouldBlock(fd)) {
                return fd;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the connection never reached the accept queue");
    }

    private static int accepted(List<Worker> workers) {
        int n = 0;
        for (Worker w : workers) {
            n += w.accepted;
        }
        return n;
    }

    private static void stop(List<Worker> workers) throws InterruptedException {
        for (Worker w : workers) {
            w.stopping = true;
            w.epoll.close(); // wakes its epoll_wait, which returns 0
        }
        for (Worker w : workers) {
            w.join(5000);
        }
    }

    private static final class Worker extends Thread {
        final Epoll epoll;
        private final int listener;
        private final AtomicInteger wakeups;
        private final boolean accept;
        volatile boolean stopping;
        volatile int accepted;
        volatile int eagain;
        int tid;

        Worker(String name, Epoll epoll, int listener, AtomicInteger wakeups, boolean accept) {
            super(name);
            setDaemon(true);
            this.epoll = epoll;
            this.listener = listener;
            this.wakeups = wakeups;
            this.accept = accept;
        }

        @Override
        public void run() {
            try (EpollEvents events = new EpollEvents(1)) {
                while (!stopping) {
                    int n = epoll.wait(events, -1);
                    if (n == 0 || stopping) {
                        continue; // woken by close()
                    }
                    wakeups.incrementAndGet();
                    if (accept) {
                        int fd = Sockets.accept4(listener, Sockets.SOCK_CLOEXEC);
                        if (Errno.isWouldBlock(fd)) {
                            eagain++; // another worker took it: this wake-up was for nothing
                        } else {
                            accepted++;
                            Fd.close(fd);
                        }
                    }
                }
            } catch (ErrnoException | IllegalStateException e) {
                if (!stopping) {
                    System.err.println(getName() + ": " + e);
                }
            }
        }
    }
}
