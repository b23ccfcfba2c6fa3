package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Trace mode ({@code -Djmux.trace=true}): a known sequence of calls, run in a child JVM
 * (the switch is read once, when Trace initialises), prints exactly these lines on
 * stderr. Durations are masked as {@code <T>} and fd numbers, which the kernel picks,
 * are filled in from what the script printed. Without the property the same script
 * prints nothing on stderr and the same results on stdout: tracing changes no result
 * and no exception.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceTest {
    private static final String EAGAIN = "-1 EAGAIN (Resource temporarily unavailable)";

    private static final List<String> EXPECTED = List.of(
            "pipe2([R, W], O_NONBLOCK|O_CLOEXEC) = 0",
            "epoll_create1(EPOLL_CLOEXEC) = E",
            "epoll_ctl(E, EPOLL_CTL_ADD, R, {EPOLLIN|EPOLLET, data=R}) = 0",
            "epoll_wait(E, [], 4, 0) = 0",
            "write(W, 5) = 5",
            "epoll_wait(E, [{EPOLLIN, data=R}], 4, 0) = 1",
            "read(R, 16384) = 5",
            "read(R, 100) = " + EAGAIN,
            "epoll_ctl(E, EPOLL_CTL_ADD, R, {EPOLLIN, data=R}) = -1 EEXIST (File exists)",
            "epoll_ctl(E, EPOLL_CTL_MOD, W, {EPOLLOUT, data=0x123456789}) = -1 ENOENT (No such file or directory)",
            "epoll_ctl(E, EPOLL_CTL_DEL, R, {0, data=0}) = 0",
            "PWAIT2",
            "close(E) = 0",
            "poll([{fd=R, events=POLLIN}, {fd=W, events=POLLOUT}], 2, 0) = 1 ([{fd=W, revents=POLLOUT}])",
            "select(NFDS, [R], [W], NULL, {tv_sec=0, tv_usec=1500}) = 1 (out [W])",
            "eventfd(3, EFD_NONBLOCK|EFD_CLOEXEC) = V",
            "read(V, [3], 8) = 8",
            "read(V, ?, 8) = " + EAGAIN,
            "write(V, [2], 8) = 8",
            "fcntl(V, F_GETFL) = 0x802 (flags O_NONBLOCK|0x2)",
            "fcntl(V, F_SETFL, 0x2) = 0",
            "socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0) = L",
            "setsockopt(L, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
            "bind(L, {AF_INET, 127.0.0.1:0}) = 0",
            "listen(L, 16) = 0",
            "getsockname(L, {AF_INET, 127.0.0.1:PORT}) = 0",
            "accept4(L, NULL, NULL, SOCK_NONBLOCK) = " + EAGAIN,
            "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = C",
            "connect(C, {AF_INET, 127.0.0.1:PORT}) = 0",
            "accept4(L, NULL, NULL, 0) = A",
            "getpeername(A, {AF_INET, 127.0.0.1:CPORT}) = 0",
            "getsockopt(C, SOL_SOCKET, SO_ERROR, [0], [4]) = 0",
            "shutdown(C, SHUT_WR) = 0",
            "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [S0, S1]) = 0",
            "timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC) = T",
            "timerfd_settime(T, TFD_TIMER_ABSTIME, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=1}}, NULL) = 0",
            "read(T, [1], 8) = 8",
            "timerfd_settime(T, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}, "
                    + "{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0",
            "timerfd_gettime(T, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0",
            "close(T) = 0",
            "sigaction(64, NULL, {SIG_DFL}) = 0",
            "pthread_sigmask(SIG_BLOCK, [RT], NULL) = 0",
            "signalfd(-1, [RT], SFD_NONBLOCK|SFD_CLOEXEC) = G",
            "gettid() = TID",
            "fcntl(S0, F_SETOWN_EX, {type=F_OWNER_TID, pid=TID}) = 0",
            "fcntl(S0, F_GETOWN_EX, {type=F_OWNER_TID, pid=TID}) = 0",
            "fcntl(S0, F_SETSIG, RT) = 0",
            "fcntl(S0, F_SETFL, O_NONBLOCK|O_ASYNC) = 0",
            "write(S1, 3) = 3",
            "read(G, [{ssi_signo=RT, ssi_code=POLL_IN, ssi_fd=S0, ssi_band=POLLIN|POLLRDNORM}], 128) = 128",
            "read(G, ?, 128) = " + EAGAIN,
            "signalfd(G, [RT], 0) = G",
            "fcntl(S0, F_SETFL, O_NONBLOCK) = 0",
            "pthread_sigmask(SIG_UNBLOCK, [RT], NULL) = 0",
            "close(G) = 0",
            "close(V) = 0",
            "close(V) = -1 EBADF (Bad file descriptor)");

    @Test
    void knownSequencePrintsTheseLines() throws Exception {
        Run traced = run(Script.class, true);
        Run plain = run(Script.class, false);
        assertEquals("", plain.stderr, "no trace without the property");
        assertEquals(plain.stdout.replaceAll("\\d+", "N"), traced.stdout.replaceAll("\\d+", "N"),
                "same results and exceptions with and without trace");

        Map<String, String> fds = parseNames(traced.stdout);
        List<String> expected = new ArrayList<>();
        for (String line : EXPECTED) {
            if (line.equals("PWAIT2")) {
                for (String l : pwait2Lines(fds.get("PWAIT2"))) {
                    expected.add(substitute(l, fds));
                }
                continue;
            }
            expected.add(substitute(line, fds));
        }
        List<String> actual = new ArrayList<>();
        for (String line : traced.stderr.split("\n")) {
            if (fds.get("PWAIT2").equals("false") && line.startsWith("epoll_pwait2(-1, ")) {
                continue; // the probe's answer (ENOSYS, EPERM) depends on why the kernel lacks it
            }
            Matcher m = Pattern.compile("^(.*) <\\d+\\.\\d{6}>$").matcher(line);
            actual.add(m.matches() ? m.group(1) : "UNTIMED: " + line); // every line ends with its duration
        }
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            assertEquals(i < expected.size() ? expected.get(i) : "<none>", i < actual.size() ? actual.get(i) : "<none>",
                    "trace line " + (i + 1) + "; whole trace:\n" + traced.stderr);
        }
    }

    /** The first pwait2 probes the syscall with fd -1; without it the call falls back to epoll_wait. */
    private static List<String> pwait2Lines(String available) {
        if (available.equals("true")) {
            return List.of("epoll_pwait2(-1, [], 1, {tv_sec=0, tv_nsec=0}, NULL) = -1 EBADF (Bad file descriptor)",
                    "epoll_pwait2(E, [], 4, {tv_sec=0, tv_nsec=2500000}, NULL) = 0");
        }
        return List.of("epoll_wait(E, [], 4, 3) = 0"); // the fallback: 2.5 ms rounded up
    }

    private static String substitute(String line, Map<String, String> names) {
        String out = line;
        // Longest names first, so that CPORT is not read as C + PORT.
        List<String> keys = new ArrayList<>(names.keySet());
        keys.sort((a, b) -> b.length() - a.length());
        for (String k : keys) {
            out = out.replaceAll("\\b" + k + "\\b", names.get(k));
        }
        return out;
    }

    private static Map<String, String> parseNames(String stdout) {
        Map<String, String> names = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(stdout.lines().filter(l -> l.startsWith("names:"))
                .findFirst().orElseThrow(() -> new AssertionError("no names line in:\n" + stdout)));
        while (m.find()) {
            names.put(m.group(1), m.group(2));
        }
        return names;
    }

    static final class Run {
        final String stdout;
        final String stderr;

        Run(String stdout, String stderr) {
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    /** Runs {@code script}'s main in a child JVM, traced or not; its stdout and stderr. */
    static Run run(Class<?> script, boolean trace) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        String lib = System.getProperty("jmux.library.path", "");
        if (!lib.isEmpty()) {
            cmd.add("-Djmux.library.path=" + lib);
        }
        if (trace) {
            cmd.add("-Djmux.trace=true");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), script.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        // stderr is small (one line per call); read it after stdout is at its end.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("script did not end");
        }
        assertEquals(0, p.exitValue(), "script failed:\n" + out + err);
        return new Run(out, err);
    }

    /** The known sequence; runs in the child JVM. Prints results and, last, the fd numbers. */
    public static final class Script {
        private Script() {}

        public static void main(String[] args) throws Exception {
            Map<String, Object> n = new java.util.LinkedHashMap<>();
            int[] p = Fd.pipe2(Fd.O_NONBLOCK | Fd.O_CLOEXEC);
            n.put("R", p[0]);
            n.put("W", p[1]);
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(4)) {
                n.put("E", ep.fd());
                ep.add(p[0], Epoll.EPOLLIN | Epoll.EPOLLET);
                System.out.println("wait " + ep.wait(ev, 0));
                System.out.println("write " + Fd.write(p[1], new byte[5], 0, 5));
                System.out.println("wait " + ep.wait(ev, 0));
                System.out.println("read " + Fd.read(p[0], ByteBuffer.allocateDirect(16384)));
                System.out.println("read " + Fd.read(p[0], new byte[100], 0, 100));
                expectFailure(() -> ep.add(p[0], Epoll.EPOLLIN));
                expectFailure(() -> ep.ctl(Epoll.EPOLL_CTL_MOD, p[1], Epoll.EPOLLOUT, 0x123456789L));
                ep.delete(p[0]);
                System.out.println("pwait2 " + ep.pwait2(ev, 2_500_000L));
                n.put("PWAIT2", Epoll.hasPwait2());
            }
            try (PollFds pfds = new PollFds(2); FdSet r = new FdSet(); FdSet w = new FdSet()) {
                pfds.add(p[0], Poll.POLLIN);
                pfds.add(p[1], Poll.POLLOUT);
                System.out.println("poll " + Poll.poll(pfds, 0));
                r.set(p[0]);
                w.set(p[1]);
                int nfds = Math.max(p[0], p[1]) + 1;
                n.put("NFDS", nfds);
                System.out.println("select " + Select.select(nfds, r, w, null, 1500));
            }
            int v = EventFd.eventfd(3, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
            n.put("V", v);
            System.out.println("eventfd read " + EventFd.read(v) + " " + EventFd.read(v) + " write "
                    + EventFd.write(v, 2));
            Fd.setNonBlocking(v, false);
            int l = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
            n.put("L", l);
            Sockets.setReuseAddress(l, true);
            Sockets.bind(l, new InetSocketAddress("127.0.0.1", 0));
            Sockets.listen(l, 16);
            InetSocketAddress at = Sockets.getsockname(l);
            n.put("PORT", at.getPort());
            System.out.println("accept " + Sockets.accept4(l, Sockets.SOCK_NONBLOCK));
            int c = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
            n.put("C", c);
            System.out.println("connect " + Sockets.connect(c, at)); // blocking: 0 once connected
            int a = Sockets.accept4(l, 0);
            n.put("A", a);
            n.put("CPORT", Sockets.getpeername(a).getPort());
            System.out.println("so_error " + Sockets.getsockopt(c, Sockets.SOL_SOCKET, Sockets.SO_ERROR));
            Sockets.shutdown(c, Sockets.SHUT_WR);
            int[] sp = Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
            n.put("S0", sp[0]);
            n.put("S1", sp[1]);
            // Blocking: a time already past fires from the timer interrupt, not inside settime.
            try (TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC);
                 ItimerSpec old = new ItimerSpec()) {
                n.put("T", t.fd());
                t.settime(TimerFd.TFD_TIMER_ABSTIME, 1, 0);
                System.out.println("timerfd read " + t.read());
                t.settime(0, 0, 0, 0, 0, old);
                t.gettime(old);
            }
            int rt = SignalFd.sigrtmin() + 1;
            n.put("RT", rt);
            System.out.println("sigaction " + SignalFd.sigaction(SignalFd.sigrtmax()));
            try (SigSet set = new SigSet().add(rt); SignalFdInfos infos = new SignalFdInfos(1)) {
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);
                try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_NONBLOCK | SignalFd.SFD_CLOEXEC)) {
                    n.put("G", sfd.fd());
                    int tid = Fd.gettid();
                    n.put("TID", tid);
                    Fd.setOwnEx(sp[0], Fd.F_OWNER_TID, tid);
                    Fd.getOwnEx(sp[0]);
                    Fd.fcntl(sp[0], Fd.F_SETSIG, rt);
                    Fd.setFl(sp[0], Fd.O_NONBLOCK | Fd.O_ASYNC);
                    Fd.write(sp[1], new byte[3], 0, 3);
                    System.out.println("signalfd read " + sfd.read(infos) + " " + sfd.read(infos));
                    sfd.setMask(set);
                    Fd.setFl(sp[0], Fd.O_NONBLOCK);
                    SignalFd.pthreadSigmask(SignalFd.SIG_UNBLOCK, set, null);
                }
            }
            Fd.close(v);
            expectFailure(() -> Fd.close(v));
            StringBuilder names = new StringBuilder("names:");
            n.forEach((k, val) -> names.append(' ').append(k).append('=').append(val));
            System.out.println(names);
        }

        interface Call {
            void run() throws Exception;
        }

        private static void expectFailure(Call call) throws Exception {
            try {
                call.run();
                System.out.println("no exception");
            } catch (ErrnoException e) {
                System.out.println("exception " + e.getMessage());
            }
        }
    }
}
