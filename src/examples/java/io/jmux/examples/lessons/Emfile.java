package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Sockets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a full fd table does to a listening socket, and how servers survive it. The
 * experiment runs in a child JVM started under {@code ulimit -n} {@value #FD_LIMIT}:
 * it fills its own fd table, so the JVM running the lesson never meets EMFILE.
 *
 * <p>In the child, once the table is full, nothing may need a new fd - not even a class
 * file: a class loaded from a directory (as the tests run it) is opened first. So the
 * child is this one class, with no lambdas and no nested classes of its own, and it
 * makes every jmux call once (errors included) before it fills the table. Nor may the
 * JVM's own threads open files: see {@link #run}'s -XX:-UseContainerSupport.
 */
final class Emfile implements Lesson {
    /** The child's RLIMIT_NOFILE: a JVM opens ~15-30 fds on its own, so the table fills after a few dozen dups. */
    static final int FD_LIMIT = 64;
    /** How long each accept loop runs. */
    static final long LOOP_MILLIS = 1000;
    /** The back-off after EMFILE, as in the servers' Acceptor. */
    static final long BACKOFF_MILLIS = 100;
    /** ET: how long the lesson waits for an edge that does not come: 5 waits of 100 ms. */
    static final int QUIET_WAITS = 5;

    @Override
    public String name() {
        return "emfile";
    }

    @Override
    public String summary() {
        return "a full fd table: accept4 fails with EMFILE; LT spins, ET stalls; the reserved fd and backing off";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== emfile: accept4 when the fd table is full ==");
        out.printf("setup: a child JVM under 'ulimit -n %d' (RLIMIT_NOFILE soft = hard = %d) fills its own fd%n",
                FD_LIMIT, FD_LIMIT);
        out.println("       table and runs the experiment; this JVM only prints what the child says. The child");
        out.println("       runs with -XX:-UseContainerSupport: else the JVM re-reads its cgroup limits from");
        out.println("       /sys/fs/cgroup as it runs, and those opens would fail, or take the fds the lesson frees");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$@\"", "sh"));
        // HotSpot reads cgroup files (memory.limit_in_bytes, cpu.cfs_quota_us, ...) at run
        // time, from its own threads; seen with strace -f. With the table full they fail,
        // and a read that lands between the lesson's close and its next accept or dup
        // takes the freed number (1 run in a few under load).
        List<String> jvmArgs = new ArrayList<>(List.of("-XX:-UseContainerSupport"));
        boolean trace = Boolean.getBoolean("jmux.trace");
        if (trace) {
            jvmArgs.add("-Djmux.trace=true");
        }
        cmd.addAll(ChildJvm.command(Child.class, jvmArgs.toArray(new String[0])));
        Path err = Files.createTempFile("jmux-emfile", ".stderr");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            // --trace: the child's syscalls go to this terminal; otherwise keep its stderr for a failure.
            pb.redirectError(trace ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(err.toFile()));
            Process p = pb.start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.println(line);
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the emfile child JVM did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("the emfile child JVM exited with " + p.exitValue() + ":\n" + Files.readString(err));
            }
        } finally {
            Files.delete(err);
        }
    }

    /**
     * Runs in the child JVM. Everything is static and in this one class; see the class
     * comment of {@link Emfile} for why.
     */
    public static final class Child {
        private static final PrintStream OUT = System.out;
        private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
        private static final byte[] BUF = new byte[64];

        private static int listener;
        private static Epoll lt;
        private static Epoll et;
        private static EpollEvents events;
        private static PollFds pollListener;
        /** The fds that fill the table: dups of one eventfd. */
        private static int filler;
        private static int[] held;
        private static int nheld;
        /** The message of the last EMFILE (or warm-up error). */
        private static String lastError = "";

        private Child() {}

        public static void main(String[] args) throws Exception {
            long limit = Fds.softLimit(); // /proc: read it while an fd can still be opened
            listener = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK
                    | Sockets.SOCK_CLOEXEC, 0);
            Sockets.setReuseAddress(listener, true);
            Sockets.bind(listener, new InetSocketAddress("127.0.0.1", 0));
            Sockets.listen(listener, 16);
            InetSocketAddress at = Sockets.getsockname(listener);
            lt = Epoll.create();
            lt.add(listener, Epoll.EPOLLIN);
            et = Epoll.create();
            et.add(listener, Epoll.EPOLLIN | Epoll.EPOLLET);
            events = new EpollEvents(4);
            pollListener = new PollFds(1);
            pollListener.add(listener, Poll.POLLIN);
            filler = EventFd.eventfd(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
            held = new int[(int) Math.min(limit, 1 << 16)];
            // A full table cannot make a socket: the clients are made now, connected later.
            int[] client = new int[4];
            for (int i = 0; i < client.length; i++) {
                client[i] = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK
                        | Sockets.SOCK_CLOEXEC, 0);
            }
            warmUp();
            OUT.printf("child: RLIMIT_NOFILE = %d; non-blocking listener fd %d on 127.0.0.1:%d, watched by%n", limit,
                    listener, at.getPort());
            OUT.printf("       epoll fd %d (EPOLLIN, level-triggered) and epoll fd %d (EPOLLIN|EPOLLET);%n", lt.fd(),
                    et.fd());
            OUT.printf("       client sockets A-D made in advance (fds %d-%d): a full table cannot make one%n%n",
                    client[0], client[3]);

            Sockets.connect(client[0], at);
            awaitQueued();
            int more = fill();
            OUT.printf("step 1: client A connects; then dup(%d) until the kernel refuses: %d more fds, then%n", filler,
                    more);
            OUT.printf("        %s - every number 0-%d is taken%n%n", lastError, limit - 1);

            levelTriggered();
            edgeTriggered(client[1], at);
            reservedFd(client[0], client[1]);
            backOff(client[2], client[3], at);

            OUT.println();
            OUT.println("remember: EMFILE leaves the connection in the listen queue. Level-triggered (select,");
            OUT.println("  poll, epoll without EPOLLET), the listener stays readable: every wait returns at once,");
            OUT.println("  every accept fails, a CPU burns. Edge-triggered, the edge was spent on the failed");
            OUT.println("  accept: the queued connections wake nobody, not even once fds are free - only a new");
            OUT.println("  connection does. The kernel will not solve it; the program must. Keep a reserved fd");
            OUT.println("  to turn clients away cleanly, or stop watching the listener, wait ~100 ms and accept");
            OUT.println("  until EAGAIN unasked (Acceptor.java). A higher RLIMIT_NOFILE only moves the wall.");

            for (int fd : client) {
                Fd.close(fd);
            }
            release(nheld);
            Fd.close(filler);
            lt.close();
            et.close();
            events.close();
            pollListener.close();
            Fd.close(listener);
        }

        /**
         * Makes once every call the full-table part makes, errors included, so that no
         * class is loaded (no class file opened) once the table is full.
         */
        private static void warmUp() throws Exception {
            Errno.isWouldBlock(Sockets.accept4(listener, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC)); // -EAGAIN
            lt.wait(events, 0);
            et.wait(events, 0);
            lt.modify(listener, 0);
            lt.modify(listener, Epoll.EPOLLIN);
            Poll.poll(pollListener, 0);
            pollListener.revents(0);
            Poll.eventNames(Poll.POLLIN);
            Fd.read(filler, BUF, 0, 8); // -EAGAIN: the counter is 0
            Fd.close(Fd.dup(filler));
            try {
                Fd.fcntl(filler, Fd.F_DUPFD_CLOEXEC, Integer.MAX_VALUE); // EINVAL: the exception's path
            } catch (ErrnoException e) {
                lastError = e.getMessage() + e.errnoName() + e.errno();
            }
            cpuMillis();
            String.format(Locale.ROOT, "%d %s %.1f", 1, "x", 1.0);
        }

        /** dup(filler) until EMFILE; the number of new fds. */
        private static int fill() {
            int n = 0;
            while (true) {
                try {
                    held[nheld] = Fd.dup(filler);
                    nheld++;
                    n++;
                } catch (ErrnoException e) {
                    lastError = e.getMessage();
                    return n;
                }
            }
        }

        /** Closes the last n fds of the filler: fds free again, as when connections end. */
        private static void release(int n) throws ErrnoException {
            for (int i = 0; i < n; i++) {
                Fd.close(held[--nheld]);
            }
        }

        /** accept4 on the listener: the fd, -EAGAIN, or -EMFILE (the exception's errno, negated). */
        private static int accept() throws ErrnoException {
            try {
                return Sockets.accept4(listener, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EMFILE) {
                    throw e;
                }
                lastError = e.getMessage();
                return -Errno.EMFILE;
            }
        }

        private static String name(int r) {
            return r >= 0 ? Integer.toString(r) : r == -Errno.EMFILE ? "EMFILE" : Errno.isWouldBlock(r) ? "-EAGAIN"
                    : Integer.toString(r);
        }

        /** Waits (up to 1 s) until the listener is readable: a connection is in its queue. */
        private static void awaitQueued() throws ErrnoException {
            Poll.poll(pollListener, 1000);
        }

        private static boolean listenerReadable() throws ErrnoException {
            return Poll.poll(pollListener, 0) == 1 && (pollListener.revents(0) & Poll.POLLIN) != 0;
        }

        private static long cpuMillis() {
            return CPU.getCurrentThreadCpuTime() / 1_000_000;
        }

        // ---- part 1 ----

        private static void levelTriggered() throws ErrnoException {
            OUT.println("part 1: level-triggered");
            int n = lt.wait(events, 0);
            OUT.printf("step 2: epoll_wait(LT) = %d (%s): a connection is queued; accept4 = EMFILE:%n", n,
                    n > 0 ? Epoll.eventNames(events.events(0)) : "-");
            accept();
            OUT.printf("        %s%n", lastError);
            long t0 = System.nanoTime();
            long cpu0 = cpuMillis();
            long waits = 0;
            long emfiles = 0;
            long accepted = 0;
            while (System.nanoTime() - t0 < LOOP_MILLIS * 1_000_000L) {
                if (lt.wait(events, (int) LOOP_MILLIS) > 0) {
                    waits++;
                }
                int c = accept();
                if (c == -Errno.EMFILE) {
                    emfiles++;
                } else if (c >= 0) {
                    accepted++;
                    Fd.close(c);
                }
            }
            long cpu = cpuMillis() - cpu0;
            double secs = (System.nanoTime() - t0) / 1e9;
            OUT.printf(Locale.ROOT, "step 3: the usual loop - epoll_wait, then accept4 - for %.1f s:%n", secs);
            OUT.printf(Locale.ROOT, "        epoll_wait returned at once %d times, accept4 = EMFILE %d times, %d accepted%n",
                    waits, emfiles, accepted);
            OUT.printf(Locale.ROOT, "        LT busy loop: %d wake-ups per second, %d ms of CPU in %d ms%n%n",
                    Math.round(waits / secs), cpu, Math.round(secs * 1000));
        }

        // ---- part 2 ----

        private static void edgeTriggered(int clientB, InetSocketAddress at) throws ErrnoException {
            OUT.println("part 2: edge-triggered, the same listener and the same queued connection");
            int n = et.wait(events, 0);
            int a = accept();
            OUT.printf("step 4: epoll_wait(ET) = %d: the edge client A's arrival made; accept4 = %s%n", n, name(a));
            OUT.printf("step 5: %d waits of %d ms: reported %d times; poll says the listener is readable: %s%n",
                    QUIET_WAITS, BACKOFF_MILLIS, quietWaits(), listenerReadable() ? "yes" : "no");
            OUT.println("        the edge was spent on the failed accept; A waits, and nothing will say so");
            Sockets.connect(clientB, at);
            n = et.wait(events, 1000);
            a = accept();
            OUT.printf("step 6: client B connects: epoll_wait(ET) = %d - a new connection is a new edge;%n", n);
            OUT.printf("        accept4 = %s again (the table is still full): A and B queued%n", name(a));
            release(4);
            OUT.printf("step 7: close 4 of the dups, as when 4 connections end: %d waits of %d ms: reported %d times%n",
                    QUIET_WAITS, BACKOFF_MILLIS, quietWaits());
            OUT.println("        free fds are no edge: a server that accepts only when told leaves A and B");
            OUT.println("        queued until a third client comes (and then takes all three only if it");
            OUT.println("        accepts until EAGAIN)");
            int more = fill();
            OUT.printf("        (dup until EMFILE again: %d more fds, the table is full)%n%n", more);
        }

        /** QUIET_WAITS waits of BACKOFF_MILLIS on the ET epoll: how many reported the listener. */
        private static int quietWaits() throws ErrnoException {
            int reported = 0;
            for (int i = 0; i < QUIET_WAITS; i++) {
                reported += et.wait(events, (int) BACKOFF_MILLIS);
            }
            return reported;
        }

        // ---- part 3 ----

        private static void reservedFd(int clientA, int clientB) throws ErrnoException {
            OUT.println("part 3: surviving it");
            int reserved = held[nheld - 1]; // any fd kept open for this moment (libev and libuv open /dev/null)
            OUT.printf("step 8: the reserved fd: fd %d was kept for this moment. On EMFILE: close it, accept,%n",
                    reserved);
            OUT.println("        close the connection at once, take the reserved fd back - until EAGAIN:");
            int refused = 0;
            while (true) {
                int c = accept();
                StringBuilder line = new StringBuilder("accept4 = ").append(name(c));
                if (c != -Errno.EMFILE) {
                    OUT.printf("        %s%n", line);
                    break;
                }
                Fd.close(reserved);
                c = accept();
                line.append("; close(").append(reserved).append("); accept4 = ").append(name(c));
                if (c >= 0) {
                    Fd.close(c);
                    refused++;
                    line.append("; close(").append(c).append(")");
                }
                reserved = Fd.dup(filler);
                held[nheld - 1] = reserved;
                OUT.printf("        %s; dup = %d%n", line.append(c < 0 ? " - nobody was waiting" : ""), reserved);
                if (c < 0) {
                    break;
                }
            }
            OUT.println("        (a full table makes accept4 fail with EMFILE even when no one waits: the kernel");
            OUT.println("        takes a free fd number before it looks at the queue)");
            OUT.printf("        %d connections turned away; client A reads %s, client B reads %s (end of stream)%n",
                    refused, name(readWhenReady(clientA)), name(readWhenReady(clientB)));
            OUT.printf("        the queue is empty: epoll_wait(LT, 0) = %d, no busy loop - but A and B were refused%n%n",
                    lt.wait(events, 0));
        }

        /** read(fd) once it is readable (up to 1 s). */
        private static int readWhenReady(int fd) throws ErrnoException {
            try (PollFds p = new PollFds(1)) {
                p.add(fd, Poll.POLLIN);
                Poll.poll(p, 1000);
            }
            return Fd.read(fd, BUF, 0, BUF.length);
        }

        private static void backOff(int clientC, int clientD, InetSocketAddress at) throws ErrnoException {
            OUT.println("step 9: backing off (what the servers here do, Acceptor.java): on EMFILE stop watching");
            OUT.printf("        the listener (epoll_ctl MOD, events 0), wait at most %d ms, then watch it again and%n",
                    BACKOFF_MILLIS);
            OUT.println("        accept until EAGAIN, reported or not. Clients C and D connect; the table stays full:");
            Sockets.connect(clientC, at);
            Sockets.connect(clientD, at);
            awaitQueued();
            long t0 = System.nanoTime();
            long cpu0 = cpuMillis();
            long retryAt = 0; // back-off ends; 0: not backing off
            int wakeups = 0;
            int emfiles = 0;
            while (System.nanoTime() - t0 < LOOP_MILLIS * 1_000_000L) {
                int timeout = retryAt == 0 ? (int) LOOP_MILLIS : millisUntil(retryAt);
                lt.wait(events, timeout);
                wakeups++;
                if (retryAt != 0 && System.nanoTime() - retryAt < 0) {
                    continue;
                }
                if (retryAt != 0) {
                    lt.modify(listener, Epoll.EPOLLIN); // watch it again
                }
                if (accept() == -Errno.EMFILE) {
                    emfiles++;
                    lt.modify(listener, 0); // a readable listener would end every wait at once
                    retryAt = System.nanoTime() + BACKOFF_MILLIS * 1_000_000L;
                }
            }
            lt.modify(listener, Epoll.EPOLLIN);
            long cpu = cpuMillis() - cpu0;
            double secs = (System.nanoTime() - t0) / 1e9;
            OUT.printf(Locale.ROOT, "        LT with back-off, %.1f s: epoll_wait returned %d times, accept4 = EMFILE %d times,%n",
                    secs, wakeups, emfiles);
            OUT.printf(Locale.ROOT, "        %d wake-ups per second, %d ms of CPU; C and D still queued: %s%n", Math.round(
                    wakeups / secs), cpu, listenerReadable() ? "yes" : "no");

            // ET: the back-off is what takes the queued connections once fds are free.
            t0 = System.nanoTime();
            retryAt = 0;
            int edges = 0;
            int timeouts = 0;
            emfiles = 0;
            boolean freed = false;
            int[] got = new int[2];
            int ngot = 0;
            StringBuilder retries = new StringBuilder();
            while (ngot < got.length && System.nanoTime() - t0 < 5 * LOOP_MILLIS * 1_000_000L) {
                int n = et.wait(events, retryAt == 0 ? (int) LOOP_MILLIS : millisUntil(retryAt));
                if (n > 0) {
                    edges++;
                } else {
                    timeouts++;
                }
                if (!freed && System.nanoTime() - t0 >= 3 * BACKOFF_MILLIS * 1_000_000L) {
                    release(4); // connections end meanwhile
                    freed = true;
                    retries.append("[4 fds freed] ");
                }
                if (n == 0 && retryAt != 0 && System.nanoTime() - retryAt < 0) {
                    continue;
                }
                retryAt = 0;
                for (int c = accept(); ; c = accept()) {
                    retries.append(name(c));
                    if (c >= 0 && ngot < got.length) {
                        got[ngot++] = c;
                        retries.append(", ");
                        continue;
                    }
                    if (c == -Errno.EMFILE) {
                        emfiles++;
                        retryAt = System.nanoTime() + BACKOFF_MILLIS * 1_000_000L;
                    }
                    retries.append("; ");
                    break;
                }
            }
            OUT.printf("        ET with back-off; 4 fds are freed after %d ms: epoll_wait reported %d edge, then%n",
                    3 * BACKOFF_MILLIS, edges);
            String tries = retries.toString().strip();
            OUT.printf("        timed out %d times; accept4 at each retry: %s%n", timeouts,
                    tries.endsWith(";") ? tries.substring(0, tries.length() - 1) : tries);
            OUT.printf("        C and D accepted as fds %d and %d with no new edge: %s%n", got[0], got[1],
                    ngot == 2 ? "both served" : "only " + ngot);
            for (int i = 0; i < ngot; i++) {
                Fd.close(got[i]);
            }
        }

        /** The timeout until deadline, rounded up (a wait rounded down would wake too early). */
        private static int millisUntil(long deadline) {
            long left = deadline - System.nanoTime();
            return left <= 0 ? 0 : (int) ((left + 999_999) / 1_000_000);
        }
    }
}
