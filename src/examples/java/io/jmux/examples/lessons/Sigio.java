package io.jmux.examples.lessons;

import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.SigSet;
import io.jmux.SignalFd;
import io.jmux.SignalFdInfos;
import io.jmux.Sockets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signal-driven I/O, seen from the signalfd: what siginfo each readiness change of a
 * loopback TCP connection queues ({@code si_fd}, {@code si_band}), and what happens when
 * the queue of real-time signals is full. Part 1 runs in a platform thread of its own,
 * which blocks the signals (the caller's mask is left alone); part 2 runs in child JVMs
 * under {@code ulimit -i} {@value #SIGPENDING} (RLIMIT_SIGPENDING), one of which dies
 * of SIGIO on purpose.
 */
final class Sigio implements Lesson {
    /** The children's RLIMIT_SIGPENDING: how many signals the user may have queued. */
    static final int SIGPENDING = 8;
    /** Socket pairs the children signal on: more than the queue holds. */
    static final int PAIRS = 20;
    /** How long the lesson waits for a signal it expects; and, after it, for any more. */
    static final int WAIT_MILLIS = 1000;
    static final int SETTLE_MILLIS = 100;

    @Override
    public String name() {
        return "sigio";
    }

    @Override
    public String summary() {
        return "signal-driven I/O: a queued siginfo (fd, band) per readiness change; a full queue falls back to SIGIO";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== sigio: readiness as queued real-time signals (O_ASYNC, F_SETSIG, signalfd) ==");
        Exception[] failed = new Exception[1];
        // Part 1 blocks signals and owns fds by thread id: a thread of its own, a platform one.
        Thread t = new Thread(() -> {
            try {
                events(out);
            } catch (Exception e) {
                failed[0] = e;
            }
        }, "sigio-lesson");
        t.start();
        t.join();
        if (failed[0] != null) {
            throw failed[0];
        }
        overflow(out);
        out.println();
        out.println("remember: with O_ASYNC and F_SETSIG the kernel queues one siginfo per readiness change,");
        out.println("  naming the fd and the band - edge-like, as EPOLLET: a second arrival is a second signal,");
        out.println("  bytes left unread are never signalled again, so drain until EAGAIN. Direct the signals to");
        out.println("  one thread (F_SETOWN_EX, F_OWNER_TID), block them there and read them from a signalfd: no");
        out.println("  handler, and no other JVM thread ever sees one. The queue is bounded (ulimit -i, per user):");
        out.println("  when it is full the kernel sends plain SIGIO, which names no fd - the program must try");
        out.println("  every fd anyway - and whose default action kills the process, so block it in the owner");
        out.println("  thread too (with a process owner, F_SETOWN pid, any JVM thread may get it, and dies).");
        out.println("  That is why almost no server is built this way: a per-user limit shared with every other");
        out.println("  program, an overflow that means 'rescan everything', a signal (and a siginfo to copy) per");
        out.println("  change rather than per wait, signal masks and thread ids to manage in a JVM that starts");
        out.println("  threads of its own. epoll gives the same edges with an interest set the kernel keeps,");
        out.println("  EPOLLET, no queue to overflow and one epoll_wait for many fds.");
    }

    /** The first real-time signal of SIGRTMIN..SIGRTMAX-3 still at SIG_DFL (docs/signals.md). */
    static int freeSignal() throws ErrnoException {
        for (int s = SignalFd.sigrtmin(); s <= SignalFd.sigrtmax() - 3; s++) {
            if (s != SignalFd.WAKE_SIGNAL && SignalFd.sigaction(s) == SignalFd.SIG_DFL) {
                return s;
            }
        }
        throw new IllegalStateException("no free real-time signal in SIGRTMIN..SIGRTMAX-3");
    }

    /** F_SETOWN_EX (to {@code type}/{@code pid}), F_SETSIG, O_ASYNC|O_NONBLOCK. */
    static void arm(int fd, int type, int pid, int sig) throws ErrnoException {
        Fd.setOwnEx(fd, type, pid);
        Fd.fcntl(fd, Fd.F_SETSIG, sig);
        Fd.setFl(fd, Fd.getFl(fd) | Fd.O_ASYNC | Fd.O_NONBLOCK);
    }

    static String codeName(int code) {
        if (code == SignalFd.POLL_IN) {
            return "POLL_IN";
        } else if (code == SignalFd.POLL_OUT) {
            return "POLL_OUT";
        } else if (code == SignalFd.POLL_ERR) {
            return "POLL_ERR";
        } else if (code == SignalFd.POLL_HUP) {
            return "POLL_HUP";
        } else if (code == SignalFd.POLL_PRI) {
            return "POLL_PRI";
        } else if (code == SignalFd.POLL_MSG) {
            return "POLL_MSG";
        } else if (code == SignalFd.SI_KERNEL) {
            return "SI_KERNEL";
        }
        return Integer.toString(code);
    }

    /** One siginfo as a line: signo, code, fd, band decoded. */
    static String describe(SignalFdInfos infos, int i) {
        int signo = infos.ssi_signo(i);
        return String.format("signo=%d%s code=%s fd=%d band=%s", signo, signo == SignalFd.SIGIO ? " (SIGIO)" : "",
                codeName(infos.ssi_code(i)), infos.ssi_fd(i),
                infos.ssi_band(i) == 0 ? "0" : Poll.eventNames(infos.ssi_band(i)));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- part 1 ----

    /** The connection whose server end S is armed, its client end C, and the signalfd. */
    private static final class Conn {
        final SignalFd sfd;
        final SignalFdInfos infos = new SignalFdInfos(16);
        final PollFds wait = new PollFds(1);
        int s;
        int c;

        Conn(SignalFd sfd) throws ErrnoException {
            this.sfd = sfd;
            wait.add(sfd.fd(), Poll.POLLIN);
        }

        /**
         * The siginfos queued in the next {@code millis} ms (up to the first), then in
         * {@value #SETTLE_MILLIS} more: one line each.
         */
        List<String> take(int millis) throws ErrnoException {
            List<String> lines = new ArrayList<>();
            if (Poll.poll(wait, millis) == 0) {
                return lines;
            }
            sleep(SETTLE_MILLIS); // a pause: anything else the change queued
            for (int n = sfd.read(infos); n > 0; n = sfd.read(infos)) {
                for (int i = 0; i < n; i++) {
                    lines.add(describe(infos, i));
                }
            }
            return lines;
        }
    }

    private static void print(PrintStream out, String step, List<String> siginfos) {
        out.println(step);
        if (siginfos.size() < 2) {
            out.printf("        %d siginfo%s%n", siginfos.size(), siginfos.isEmpty() ? "s" : ": " + siginfos.get(0));
            return;
        }
        out.printf("        %d siginfos:%n", siginfos.size());
        for (String line : siginfos) {
            out.println("          " + line);
        }
    }

    private static void events(PrintStream out) throws Exception {
        int sig = freeSignal();
        int tid = Fd.gettid();
        try (SigSet set = new SigSet().add(sig).add(SignalFd.SIGIO); SigSet old = new SigSet()) {
            SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, old);
            try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_NONBLOCK | SignalFd.SFD_CLOEXEC)) {
                Conn k = new Conn(sfd);
                Fds fds = new Fds();
                try {
                    steps(out, fds, k, sig, tid);
                } finally {
                    fds.close(); // no fd signals any more: drain what is queued, then unblock
                    while (sfd.read(k.infos) > 0) {
                        // dropped: a pending real-time signal unblocked would run its default action
                    }
                    k.infos.close();
                    k.wait.close();
                    SignalFd.pthreadSigmask(SignalFd.SIG_SETMASK, old, null);
                }
            }
        }
    }

    private static void steps(PrintStream out, Fds fds, Conn k, int sig, int tid) throws Exception {
        int listener = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        Sockets.bind(listener, new InetSocketAddress("127.0.0.1", 0));
        Sockets.listen(listener, 4);
        k.c = fds.track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        // A small receive buffer on C and send buffer on S: a few KiB fill the path (step 5).
        Sockets.setsockopt(k.c, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 4096);
        Sockets.connect(k.c, Sockets.getsockname(listener));
        k.s = fds.track(Sockets.accept4(listener, Sockets.SOCK_CLOEXEC));
        Sockets.setsockopt(k.s, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 4096);
        Fd.setNonBlocking(k.c, true);
        arm(k.s, Fd.F_OWNER_TID, tid, sig);
        long own = Fd.getOwnEx(k.s);
        out.printf("part 1: one loopback TCP connection; this thread (tid %d) blocks signal %d and SIGIO%n", tid, sig);
        out.printf("        (pthread_sigmask) and reads them from signalfd %d. sigaction(%d) was SIG_DFL: free.%n",
                k.sfd.fd(), sig);
        out.printf("setup:  server end S = fd %d: F_SETOWN_EX {%s, %d}, F_SETSIG %d, O_ASYNC|O_NONBLOCK;%n", k.s,
                Fd.ownExType(own) == Fd.F_OWNER_TID ? "F_OWNER_TID" : Integer.toString(Fd.ownExType(own)),
                Fd.ownExPid(own), Fd.fcntl(k.s, Fd.F_GETSIG, 0));
        out.printf("        client end C = fd %d, not armed%n%n", k.c);

        byte[] buf = new byte[65536];
        Fd.write(k.c, buf, 0, 10);
        print(out, "step 1: C writes 10 bytes (data arrives at S)", k.take(WAIT_MILLIS));
        print(out, "step 2: nothing read for " + WAIT_MILLIS / 2 + " ms", k.take(WAIT_MILLIS / 2));
        Fd.write(k.c, buf, 0, 10);
        print(out, "step 3: C writes 10 more (S still holds the first 10)", k.take(WAIT_MILLIS));
        int got = drain(k.s, buf);
        print(out, "step 4: S reads until EAGAIN: " + got + " bytes", k.take(WAIT_MILLIS / 2));
        // ACKs still in flight may free room after the first EAGAIN (a POLL_OUT): fill it again.
        int taken = 0;
        int rounds = 0;
        List<String> quiet;
        do {
            taken += fill(k.s, buf);
            rounds++;
            quiet = k.take(WAIT_MILLIS / 2);
        } while (!quiet.isEmpty() && rounds < 10);
        print(out, "step 5: S writes until EAGAIN (C reads nothing): the kernel took " + taken + " bytes"
                + (rounds > 1 ? " in " + rounds + " rounds (room freed by late ACKs was signalled)" : ""), quiet);
        int read = readAll(k.c, buf, taken);
        print(out, "step 6: C reads them all (" + read + " bytes): S's send buffer empties, the window opens",
                k.take(WAIT_MILLIS));
        Fd.write(k.c, buf, 0, 5);
        print(out, "step 7: C writes 5 bytes; S reads nothing", k.take(WAIT_MILLIS));
        fds.close(k.c);
        List<String> fin = k.take(WAIT_MILLIS);
        int first = drain(k.s, buf);
        print(out, "step 8: C closes (a FIN); S then reads " + first + " bytes, and read = "
                + Fd.read(k.s, buf, 0, buf.length) + " (end of stream)", fin);
        out.println("        (this kernel's TCP signals a FIN twice, from tcp_fin() and from the data-ready");
        out.println("        wake-up after it: count changes by reading, never by counting signals)");
        out.println();
    }

    /** Writes to fd until EAGAIN; the bytes the kernel took. */
    private static int fill(int fd, byte[] buf) throws ErrnoException {
        int taken = 0;
        for (int n = Fd.write(fd, buf, 0, buf.length); !Errno.isWouldBlock(n); n = Fd.write(fd, buf, 0, buf.length)) {
            taken += n;
        }
        return taken;
    }

    /** Reads fd until EAGAIN or end of stream; the bytes read. */
    private static int drain(int fd, byte[] buf) throws ErrnoException {
        int got = 0;
        for (int n = Fd.read(fd, buf, 0, buf.length); n > 0; n = Fd.read(fd, buf, 0, buf.length)) {
            got += n;
        }
        return got;
    }

    /** Reads {@code want} bytes from the non-blocking fd, waiting for each (up to a few seconds in all). */
    private static int readAll(int fd, byte[] buf, int want) throws ErrnoException {
        int got = 0;
        try (PollFds p = new PollFds(1)) {
            p.add(fd, Poll.POLLIN);
            while (got < want && Poll.poll(p, 5000) > 0) {
                int n = Fd.read(fd, buf, 0, Math.min(buf.length, want - got));
                if (n == 0) {
                    break;
                }
                got += Errno.isWouldBlock(n) ? 0 : n;
            }
        }
        return got;
    }

    // ---- part 2 ----

    private static void overflow(PrintStream out) throws Exception {
        out.printf("part 2: a full queue. Two child JVMs run under 'ulimit -i %d' (RLIMIT_SIGPENDING: the user may%n",
                SIGPENDING);
        out.printf("        have %d signals queued, in all its processes) and write once to each of %d armed%n",
                SIGPENDING, PAIRS);
        out.println("        socket pairs: more changes than the queue holds");
        String bash = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash"
                : Files.isExecutable(Path.of("/usr/bin/bash")) ? "/usr/bin/bash" : null;
        if (bash == null) {
            out.println("        skipped: no bash here to run 'ulimit -i' (dash has no -i)");
            return;
        }
        out.println("child A: every pair owned by the main thread (F_OWNER_TID), which blocks the signal and SIGIO");
        int a = child(out, bash, "thread");
        out.printf("        exit status %d%n", a);
        out.println("child B: the same, then one more pair owned by the process (F_OWNER_PID, as F_SETOWN pid)");
        int b = child(out, bash, "process");
        out.printf("        exit status %d%s%n", b, b == 128 + SignalFd.SIGIO
                ? " = 128 + " + SignalFd.SIGIO + ": killed by SIGIO (\"I/O possible\"), its default action" : "");
    }

    /** Runs Child under ulimit -i, copies its output indented; its exit status. */
    private static int child(PrintStream out, String bash, String mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bash, "-c", "ulimit -i " + SIGPENDING + " && exec \"$0\" \"$@\""));
        List<String> java = ChildJvm.command(Child.class, Boolean.getBoolean("jmux.trace") ? "-Djmux.trace=true"
                : "-Djmux.trace=false");
        cmd.addAll(java);
        cmd.add(mode);
        Path err = Files.createTempFile("jmux-sigio", ".stderr");
        try {
            // --trace: the child's syscalls go to this terminal; otherwise keep its stderr for a failure.
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(Boolean.getBoolean("jmux.trace")
                    ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(err.toFile()));
            Process p = pb.start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.println("        " + line);
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the sigio child JVM did not finish in 60 s");
            }
            int status = p.exitValue();
            if (status != 0 && status != 128 + SignalFd.SIGIO) {
                throw new IOException("the sigio child JVM exited with " + status + ":\n" + Files.readString(err));
            }
            return status;
        } finally {
            Files.delete(err);
        }
    }

    /** Runs in a child JVM under ulimit -i: fills the signal queue; see {@link #overflow}. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            boolean processOwner = args[0].equals("process");
            String who = processOwner ? "B" : "A";
            int sig = freeSignal();
            int tid = Fd.gettid();
            PrintStream out = System.out;
            try (Fds fds = new Fds(); SigSet set = new SigSet().add(sig).add(SignalFd.SIGIO);
                    SignalFdInfos infos = new SignalFdInfos(64); PollFds ends = new PollFds(PAIRS)) {
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);
                try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_NONBLOCK | SignalFd.SFD_CLOEXEC)) {
                    int[][] pairs = new int[PAIRS][];
                    for (int i = 0; i < PAIRS; i++) {
                        pairs[i] = fds.socketpair();
                        arm(pairs[i][0], Fd.F_OWNER_TID, tid, sig);
                        ends.add(pairs[i][0], Poll.POLLIN);
                    }
                    out.printf("%s: RLIMIT_SIGPENDING %s; signal %d and SIGIO blocked in thread %d; %d fds armed%n",
                            who, limit(), sig, tid, PAIRS);
                    for (int[] p : pairs) {
                        Fd.write(p[1], new byte[1], 0, 1);
                    }
                    out.printf("%s: %d writes; pending for thread %d (SigPnd): %s; for the process (ShdPnd): %s%n",
                            who, PAIRS, tid, pending("/proc/self/task/" + tid + "/status",
                                    "SigPnd:"), pending("/proc/self/status", "ShdPnd:"));
                    if (processOwner) {
                        processOwned(out, fds, sig);
                    }
                    int rt = 0;
                    StringBuilder sigio = new StringBuilder();
                    for (int n = sfd.read(infos); n > 0; n = sfd.read(infos)) {
                        for (int i = 0; i < n; i++) {
                            if (infos.ssi_signo(i) == sig) {
                                rt++;
                            } else {
                                sigio.append(describe(infos, i));
                            }
                        }
                    }
                    out.printf("%s: signalfd read: %d siginfos for signal %d, one per fd, and %s%n", who, rt, sig,
                            sigio.length() == 0 ? "no SIGIO" : sigio);
                    int ready = Poll.poll(ends, 0);
                    out.printf("%s: %d changes were lost, and SIGIO does not say where: poll all %d fds: %d readable%n",
                            who, PAIRS - rt, PAIRS, ready);
                }
            }
        }

        /** Child B: one more pair, owned by the process: its fallback SIGIO goes to any thread. */
        private static void processOwned(PrintStream out, Fds fds, int sig) throws ErrnoException {
            int[] p = fds.socketpair();
            int pid = (int) ProcessHandle.current().pid();
            arm(p[0], Fd.F_OWNER_PID, pid, sig);
            out.printf("B: fd %d: F_SETOWN_EX {F_OWNER_PID, %d}; a write to it now...%n", p[0], pid);
            out.flush();
            Fd.write(p[1], new byte[1], 0, 1);
            sleep(2000); // the SIGIO is delivered meanwhile, to a thread that does not block it
            out.println("B: still alive after 2 s (not expected)");
        }

        /** "Max pending signals" from /proc/self/limits: soft limit. */
        private static String limit() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max pending signals")) {
                    return line.substring("Max pending signals".length()).trim().split("\\s+")[0];
                }
            }
            return "?";
        }

        /** The signals of a SigPnd/ShdPnd hex mask, e.g. "29 34", or "none". */
        private static String pending(String file, String key) throws IOException {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    long mask = Long.parseUnsignedLong(line.substring(key.length()).trim(), 16);
                    StringBuilder s = new StringBuilder();
                    for (int sig = 1; sig <= 64; sig++) {
                        if ((mask & (1L << (sig - 1))) != 0) {
                            s.append(s.length() == 0 ? "" : " ").append(sig);
                        }
                    }
                    return s.length() == 0 ? "none" : s.toString();
                }
            }
            return "?";
        }
    }
}
