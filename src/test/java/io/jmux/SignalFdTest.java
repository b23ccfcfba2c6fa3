package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * signalfd, the thread signal mask and signal-driven I/O against the real kernel. Each
 * test that blocks signals does it in a thread of its own, so the test JVM's threads keep
 * their masks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalFdTest {
    private final Fds fds = new Fds();

    @AfterEach
    void closeFds() {
        fds.close();
    }

    interface Body {
        void run() throws Exception;
    }

    /** Runs body in a new platform thread and rethrows what it threw. */
    static void inThread(Body body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "signalfd-test");
        t.start();
        t.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        } else if (failure.get() instanceof Error e) {
            throw e;
        }
    }

    @Test
    void sigsetOperationsAreGlibcs() throws Exception {
        try (SigSet s = new SigSet()) {
            assertFalse(s.contains(SignalFd.SIGIO));
            assertTrue(s.add(SignalFd.SIGIO).add(SignalFd.sigrtmax()).contains(SignalFd.SIGIO));
            assertTrue(s.contains(SignalFd.sigrtmax()));
            assertEquals("SigSet[SIGIO 64]", s.toString());
            assertFalse(s.remove(SignalFd.SIGIO).contains(SignalFd.SIGIO));
            s.fill();
            for (int sig = 1; sig <= SignalFd.sigrtmax(); sig++) {
                if (sig == 32 || sig == 33) { // glibc's own (SIGCANCEL, SIGSETXID): left out, refused
                    int signo = sig;
                    assertFalse(s.contains(sig), "fill() leaves out " + sig);
                    assertEquals(Errno.EINVAL, org.junit.jupiter.api.Assertions.assertThrows(
                            ErrnoException.class, () -> s.add(signo)).errno());
                } else {
                    assertTrue(s.contains(sig), "fill() holds " + sig);
                }
            }
            assertFalse(s.empty().contains(SignalFd.sigrtmin()));
        }
    }

    @Test
    void pthreadSigmaskChangesOnlyTheCallingThread() throws Exception {
        try (SigSet before = new SigSet()) {
            SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, null, before); // a read only
            inThread(() -> {
                try (SigSet set = new SigSet().add(SignalFd.sigrtmin() + 3); SigSet old = new SigSet();
                     SigSet now = new SigSet()) {
                    SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, old);
                    assertFalse(old.contains(SignalFd.sigrtmin() + 3));
                    SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, null, now);
                    assertTrue(now.contains(SignalFd.sigrtmin() + 3));
                    assertTrue(blockedInTask(Fd.gettid(), SignalFd.sigrtmin() + 3), "/proc shows it blocked");
                    SignalFd.pthreadSigmask(SignalFd.SIG_UNBLOCK, set, null);
                    SignalFd.pthreadSigmask(SignalFd.SIG_SETMASK, null, now);
                    assertFalse(now.contains(SignalFd.sigrtmin() + 3));
                }
            });
            try (SigSet after = new SigSet()) {
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, null, after);
                assertEquals(before.toString(), after.toString(), "this thread's mask is untouched");
            }
        }
    }

    /**
     * The readiness test of signal-driven I/O: a socket pair is written to, and the
     * signalfd of the thread named by F_SETOWN_EX reports that fd, its band and POLL_IN,
     * with no handler installed.
     */
    @Test
    void socketWrittenToIsReportedWithItsFdAndPollinBand() throws Exception {
        int sig = SignalFd.sigrtmin() + 1;
        assertEquals(SignalFd.SIG_DFL, SignalFd.sigaction(sig), "the signal is free");
        int[] sp = fds.socketpair(true);
        inThread(() -> {
            try (SigSet set = new SigSet().add(sig).add(SignalFd.SIGIO); SignalFdInfos infos = new SignalFdInfos(8)) {
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);
                try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_NONBLOCK | SignalFd.SFD_CLOEXEC)) {
                    int tid = Fd.gettid();
                    Fd.setOwnEx(sp[0], Fd.F_OWNER_TID, tid);
                    long own = Fd.getOwnEx(sp[0]);
                    assertEquals(Fd.F_OWNER_TID, Fd.ownExType(own));
                    assertEquals(tid, Fd.ownExPid(own));
                    Fd.fcntl(sp[0], Fd.F_SETSIG, sig);
                    assertEquals(sig, Fd.fcntl(sp[0], Fd.F_GETSIG, 0));
                    Fd.setFl(sp[0], Fd.getFl(sp[0]) | Fd.O_ASYNC);
                    assertEquals(-Errno.EAGAIN, sfd.read(infos), "nothing yet");

                    Fds.write(sp[1], "hello");
                    assertEquals(1, sfd.read(infos));
                    assertEquals(sig, infos.ssi_signo(0));
                    assertEquals(SignalFd.POLL_IN, infos.ssi_code(0));
                    assertEquals(sp[0], infos.ssi_fd(0));
                    assertTrue((infos.ssi_band(0) & Poll.POLLIN) != 0, "band has POLLIN: " + infos.ssi_band(0));
                    assertEquals(-Errno.EAGAIN, sfd.read(infos), "one write, one signal");

                    Fd.setFl(sp[0], Fd.getFl(sp[0]) & ~Fd.O_ASYNC); // off again before the thread ends
                    Fds.write(sp[1], "more");
                    assertEquals(-Errno.EAGAIN, sfd.read(infos), "O_ASYNC cleared: no signal");
                }
            }
        });
    }

    @Test
    void setMaskChangesWhatTheSignalfdReads() throws Exception {
        int sig = SignalFd.sigrtmin() + 2;
        int[] sp = fds.socketpair(true);
        inThread(() -> {
            try (SigSet none = new SigSet(); SigSet set = new SigSet().add(sig); SignalFdInfos infos = new SignalFdInfos(2)) {
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);
                try (SignalFd sfd = SignalFd.create(none, SignalFd.SFD_NONBLOCK)) {
                    Fd.setOwnEx(sp[0], Fd.F_OWNER_TID, Fd.gettid());
                    Fd.fcntl(sp[0], Fd.F_SETSIG, sig);
                    Fd.setFl(sp[0], Fd.getFl(sp[0]) | Fd.O_ASYNC);
                    Fds.write(sp[1], "x");
                    assertEquals(-Errno.EAGAIN, sfd.read(infos), "not in the signalfd's mask: stays pending");
                    sfd.setMask(set);
                    assertEquals(1, sfd.read(infos), "now it is");
                    assertEquals(sp[0], infos.ssi_fd(0));
                    Fd.setFl(sp[0], Fd.getFl(sp[0]) & ~Fd.O_ASYNC);
                }
            }
        });
    }

    @Test
    void closeWakesAThreadBlockedInRead() throws Exception {
        try (SigSet set = new SigSet().add(SignalFd.sigrtmin() + 4); SignalFdInfos infos = new SignalFdInfos(1)) {
            CloseWakes.check(() -> SignalFd.create(set, SignalFd.SFD_CLOEXEC), sfd -> { // blocking
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null); // the reader's own thread
                return sfd.read(infos);
            }, 0);
        }
    }

    /**
     * fcntl(2): when the real-time signal cannot be queued (RLIMIT_SIGPENDING), the kernel
     * sends SIGIO instead, to the same owner: with F_OWNER_TID, that thread. A thread that
     * blocks SIGIO and reads it from the signalfd survives and learns that events were
     * lost (one SIGIO with si_code SI_KERNEL, no fd); one that does not block SIGIO takes
     * its default action, and the whole JVM dies ("I/O possible", exit 128 + SIGIO).
     */
    @Test
    void fullSignalQueueFallsBackToSigio() throws Exception {
        int limit = 16;
        List<String> ulimit = List.of("bash", "-c", "ulimit -i " + limit + " && exec \"$0\" \"$@\"");
        ChildJvm safe = ChildJvm.runWrapped(ulimit, null, List.of(), SigioOverflow.class, "block-sigio", "50", "4");
        assertEquals(0, safe.exitCode, safe.toString());
        String line = safe.output.lines().filter(l -> l.startsWith("rt=")).findFirst().orElseThrow(
                () -> new AssertionError(safe.toString()));
        System.out.println("SIGIO fallback, SIGIO blocked: " + line);
        int rt = Integer.parseInt(line.replaceAll(".*rt=(\\d+).*", "$1"));
        assertTrue(rt >= 1 && rt <= limit, "at most RLIMIT_SIGPENDING queued: " + line);
        assertTrue(line.contains(" sigio=1 "), "one SIGIO for the overflow: " + line);
        assertTrue(line.contains("sigio_code=" + SignalFd.SI_KERNEL + " "), line);

        ChildJvm killed = ChildJvm.runWrapped(ulimit, null, List.of(), SigioOverflow.class, "leave-sigio", "50", "4");
        System.out.println("SIGIO fallback, SIGIO not blocked: exit " + killed.exitCode);
        assertEquals(128 + SignalFd.SIGIO, killed.exitCode, "SIGIO's default action ends the JVM: " + killed);
        assertTrue(killed.output.contains("armed"), killed.toString());
        assertFalse(killed.output.contains("rt="), killed.toString());
    }

    @Test
    void withRoomInTheQueueEveryWriteIsOneSiginfo() throws Exception {
        ChildJvm run = ChildJvm.run(List.of(), SigioOverflow.class, "block-sigio", "10", "3");
        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.output.contains("rt=30 sigio=0 "), run.toString());
    }

    /**
     * Which signals does the JVM use? {@link SignalProbe} runs in a fresh JVM of this JDK
     * (so no thread of these tests is in the picture) and reports, for every signal, the
     * installed action and how many threads block it. The real-time signals that jmux
     * documents as free (SIGRTMIN .. SIGRTMAX except __SIGRTMAX - 2) must have the
     * default action and be blocked by no thread; __SIGRTMAX - 2 has the JDK's (or
     * jmux's) wake-up handler once NIO or jmux has run.
     */
    @Test
    void realTimeSignalsTheJvmLeavesFree() throws Exception {
        ChildJvm probe = ChildJvm.run(List.of(), SignalProbe.class);
        assertEquals(0, probe.exitCode, probe.toString());
        System.out.println("signals in a JVM: " + probe.output.trim());
        String table = probe.output.substring(probe.output.indexOf(": ") + 2).trim();
        List<Integer> free = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)=([\\w-]+(\\(blocked in [^)]*\\))?)")
                .matcher(table);
        while (m.find()) {
            int sig = Integer.parseInt(m.group(1));
            String kind = m.group(2);
            if (sig < SignalFd.sigrtmin()) {
                continue;
            }
            if (sig == SignalFd.WAKE_SIGNAL) {
                assertEquals("handler", kind, "the wake-up signal has its no-op handler");
            } else {
                assertEquals("DFL", kind, "real-time signal " + sig + " is untouched and blocked nowhere");
                free.add(sig);
            }
        }
        System.out.println("free real-time signals: " + free);
        assertEquals(SignalFd.sigrtmax() - SignalFd.sigrtmin(), free.size(), table);
    }

    static long sigBlk(Path task) throws java.io.IOException {
        for (String l : Files.readAllLines(task.resolve("status"))) {
            if (l.startsWith("SigBlk:")) {
                return Long.parseUnsignedLong(l.substring(7).trim(), 16);
            }
        }
        return 0;
    }

    static boolean blockedInTask(int tid, int sig) throws java.io.IOException {
        return (sigBlk(Path.of("/proc/self/task/" + tid)) & (1L << (sig - 1))) != 0;
    }
}
