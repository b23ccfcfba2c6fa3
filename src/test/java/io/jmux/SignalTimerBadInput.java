package io.jmux;

import static io.jmux.BadInputTest.FDS;
import static io.jmux.BadInputTest.NEVER_OPEN;
import static io.jmux.BadInputTest.api;
import static io.jmux.BadInputTest.errno;
import static io.jmux.BadInputTest.iae;
import static io.jmux.BadInputTest.ioobe;
import static io.jmux.BadInputTest.ise;
import static io.jmux.BadInputTest.legal;
import static io.jmux.BadInputTest.npe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmux.BadInputTest.Case;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link BadInputTest}'s hostile cases for the signal and timer classes ({@link SigSet},
 * {@link SignalFdInfos}, {@link SignalFd}, {@link ItimerSpec}, {@link TimerFd}) and the
 * signal-driven I/O calls of {@link Fd}. Cases that call {@code pthread_sigmask} on the
 * test thread leave its mask as it was.
 */
final class SignalTimerBadInput {
    private SignalTimerBadInput() {}

    static final int[] BAD_SIGNALS = {0, -1, 65, Integer.MIN_VALUE, Integer.MAX_VALUE};

    static void define() {
        sigSet();
        signalFdInfos();
        signalFd();
        itimerSpec();
        timerFd();
        fdOwner();
    }

    static SigSet closedSet() {
        SigSet s = new SigSet();
        s.close();
        return s;
    }

    static SignalFd closedSignalFd() throws ErrnoException {
        try (SigSet s = new SigSet()) {
            SignalFd sfd = SignalFd.create(s, SignalFd.SFD_CLOEXEC);
            sfd.close();
            return sfd;
        }
    }

    static SignalFd openSignalFd() throws ErrnoException {
        try (SigSet s = new SigSet()) {
            SignalFd sfd = SignalFd.create(s, SignalFd.SFD_CLOEXEC | SignalFd.SFD_NONBLOCK);
            BadInputTest.CLOSE_LATER.add(sfd);
            return sfd;
        }
    }

    static TimerFd openTimer() throws ErrnoException {
        TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC | TimerFd.TFD_NONBLOCK);
        BadInputTest.CLOSE_LATER.add(t);
        return t;
    }

    static TimerFd closedTimer() throws ErrnoException {
        TimerFd t = TimerFd.create(TimerFd.CLOCK_MONOTONIC, TimerFd.TFD_CLOEXEC);
        t.close();
        return t;
    }

    static ItimerSpec closedSpec() {
        ItimerSpec s = new ItimerSpec();
        s.close();
        return s;
    }

    static SignalFdInfos closedInfos() {
        SignalFdInfos i = new SignalFdInfos(4);
        i.close();
        return i;
    }

    static void sigSet() {
        api("SigSet()", legal("starts empty", () -> {
            try (SigSet s = new SigSet()) {
                for (int sig = 1; sig <= SignalFd.sigrtmax(); sig++) {
                    assertFalse(s.contains(sig));
                }
            }
        }));
        api("SigSet.empty()", ise("after close", () -> closedSet().empty()),
                legal("empties a full set", () -> assertFalse(new SigSet().fill().empty().contains(SignalFd.SIGIO))));
        api("SigSet.fill()", ise("after close", () -> closedSet().fill()),
                legal("all but glibc's 32 and 33", () -> {
                    SigSet s = new SigSet().fill();
                    assertTrue(s.contains(1) && s.contains(31) && s.contains(34) && s.contains(64));
                    assertFalse(s.contains(32) || s.contains(33));
                }));
        for (String op : List.of("add", "remove")) {
            String c = op.equals("add") ? "sigaddset" : "sigdelset";
            List<Case> cases = new ArrayList<>();
            for (int sig : BAD_SIGNALS) {
                cases.add(errno("EINVAL", c, "signo " + sig, () -> change(new SigSet(), op, sig)));
            }
            cases.add(errno("EINVAL", c, "signo 32 (glibc's SIGCANCEL)", () -> change(new SigSet(), op, 32)));
            cases.add(errno("EINVAL", c, "signo 33 (glibc's SIGSETXID)", () -> change(new SigSet(), op, 33)));
            cases.add(ise("after close", () -> change(closedSet(), op, SignalFd.SIGIO)));
            cases.add(legal("SIGKILL and SIGSTOP are signals like others here", () -> {
                SigSet s = change(change(new SigSet(), op, SignalFd.SIGKILL), op, SignalFd.SIGSTOP);
                assertEquals(op.equals("add"), s.contains(SignalFd.SIGKILL));
            }));
            api("SigSet." + op + "(int)", cases.toArray(new Case[0]));
        }
        List<Case> contains = new ArrayList<>();
        for (int sig : BAD_SIGNALS) {
            contains.add(errno("EINVAL", "sigismember", "signo " + sig, () -> new SigSet().contains(sig)));
        }
        contains.add(legal("signo 32: glibc answers false, not EINVAL", () -> assertFalse(new SigSet().fill().contains(32))));
        contains.add(ise("after close", () -> closedSet().contains(1)));
        api("SigSet.contains(int)", contains.toArray(new Case[0]));
        api("SigSet.toString()", legal("names members; says closed", () -> {
            assertEquals("SigSet[SIGHUP 40]", new SigSet().add(SignalFd.SIGHUP).add(40).toString());
            assertEquals("SigSet[closed]", closedSet().toString());
        }));
        api("SigSet.isOpen()", legal("false after close", () -> assertFalse(closedSet().isOpen())));
        api("SigSet.close()", legal("idempotent", () -> {
            SigSet s = closedSet();
            s.close();
            assertFalse(s.isOpen());
        }));
    }

    static SigSet change(SigSet s, String op, int sig) throws ErrnoException {
        return op.equals("add") ? s.add(sig) : s.remove(sig);
    }

    static final List<String> SSI_INT = List.of("ssi_signo", "ssi_errno", "ssi_code", "ssi_pid", "ssi_uid",
            "ssi_fd", "ssi_tid", "ssi_band", "ssi_overrun", "ssi_trapno", "ssi_status", "ssi_int");
    static final List<String> SSI_LONG = List.of("ssi_ptr", "ssi_utime", "ssi_stime", "ssi_addr");

    static void signalFdInfos() {
        List<Case> ctor = new ArrayList<>();
        for (int cap : new int[] {0, -1, Integer.MIN_VALUE, SignalFdInfos.MAX_CAPACITY + 1, Integer.MAX_VALUE}) {
            ctor.add(iae("capacity " + cap, () -> new SignalFdInfos(cap)));
        }
        api("SignalFdInfos(int)", ctor.toArray(new Case[0]));
        api("SignalFdInfos.capacity()", legal("still answers after close", () -> assertEquals(4, closedInfos().capacity())));
        List<String> all = new ArrayList<>(SSI_INT);
        all.addAll(SSI_LONG);
        for (String m : all) {
            List<Case> cases = new ArrayList<>();
            for (int i : new int[] {-1, 4, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                cases.add(ioobe("index " + i, () -> access(new SignalFdInfos(4), m, i)));
            }
            cases.add(ise("after close", () -> access(closedInfos(), m, 0)));
            cases.add(legal("a fresh entry reads 0", () -> assertEquals(0L, access(new SignalFdInfos(4), m, 3))));
            api("SignalFdInfos." + m + "(int)", cases.toArray(new Case[0]));
        }
        api("SignalFdInfos.isOpen()", legal("false after close", () -> assertFalse(closedInfos().isOpen())));
        api("SignalFdInfos.close()", legal("idempotent", () -> {
            SignalFdInfos i = closedInfos();
            i.close();
            assertFalse(i.isOpen());
        }));
    }

    static long access(SignalFdInfos infos, String method, int index) throws Throwable {
        return invoke(infos, SignalFdInfos.class.getMethod(method, int.class), index);
    }

    /** A reflective call that throws what the method threw. */
    static long invoke(Object target, java.lang.reflect.Method m, Object... args) throws Throwable {
        try {
            return ((Number) m.invoke(target, args)).longValue();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static void signalFd() {
        api("SignalFd.create(SigSet,int)",
                npe("mask null", () -> SignalFd.create(null, 0)),
                ise("mask closed", () -> SignalFd.create(closedSet(), 0)),
                errno("EINVAL", "signalfd", "flags -1", () -> SignalFd.create(new SigSet(), -1)),
                errno("EINVAL", "signalfd", "flags 1 (unknown)", () -> SignalFd.create(new SigSet(), 1)),
                legal("a full mask (SIGKILL, SIGSTOP silently ignored)", () -> {
                    try (SignalFd sfd = SignalFd.create(new SigSet().fill(), SignalFd.SFD_CLOEXEC)) {
                        assertTrue(sfd.fd() >= 0);
                    }
                }));
        api("SignalFd.setMask(SigSet)",
                npe("mask null", () -> openSignalFd().setMask(null)),
                ise("mask closed", () -> openSignalFd().setMask(closedSet())),
                ise("SignalFd closed", () -> closedSignalFd().setMask(new SigSet())),
                legal("a full mask", () -> openSignalFd().setMask(new SigSet().fill())));
        api("SignalFd.read(SignalFdInfos)",
                npe("infos null", () -> openSignalFd().read(null)),
                ise("infos closed", () -> openSignalFd().read(closedInfos())),
                ise("SignalFd closed", () -> closedSignalFd().read(new SignalFdInfos(1))),
                legal("nothing pending, non-blocking: -EAGAIN", () ->
                        assertEquals(-Errno.EAGAIN, openSignalFd().read(new SignalFdInfos(1)))));
        List<Case> mask = new ArrayList<>();
        for (int how : new int[] {-1, 3, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            mask.add(errno("EINVAL", "pthread_sigmask", "how " + how,
                    () -> SignalFd.pthreadSigmask(how, new SigSet(), null)));
        }
        mask.add(ise("set closed", () -> SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, closedSet(), null)));
        mask.add(ise("oldset closed", () -> SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, null, closedSet())));
        mask.add(legal("NULL, NULL: nothing", () -> SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, null, null)));
        mask.add(legal("how 99 with a NULL set: only reads the mask", () -> {
            try (SigSet old = new SigSet()) {
                SignalFd.pthreadSigmask(99, null, old);
            }
        }));
        mask.add(legal("SIG_SETMASK of the mask it read: unchanged", () -> {
            try (SigSet old = new SigSet(); SigSet again = new SigSet()) {
                SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, null, old);
                SignalFd.pthreadSigmask(SignalFd.SIG_SETMASK, old, again);
                assertEquals(old.toString(), again.toString());
            }
        }));
        api("SignalFd.pthreadSigmask(int,SigSet,SigSet)", mask.toArray(new Case[0]));
        List<Case> action = new ArrayList<>();
        for (int sig : BAD_SIGNALS) {
            action.add(errno("EINVAL", "sigaction", "signo " + sig, () -> SignalFd.sigaction(sig)));
        }
        action.add(errno("EINVAL", "sigaction", "signo 32 (glibc's)", () -> SignalFd.sigaction(32)));
        action.add(legal("SIGSEGV: HotSpot's SA_SIGINFO handler", () ->
                assertEquals(SignalFd.SIGINFO_HANDLER, SignalFd.sigaction(SignalFd.SIGSEGV))));
        action.add(legal("SIGKILL: SIG_DFL", () -> assertEquals(SignalFd.SIG_DFL, SignalFd.sigaction(SignalFd.SIGKILL))));
        api("SignalFd.sigaction(int)", action.toArray(new Case[0]));
        api("SignalFd.sigrtmin()", legal("glibc's: two past the kernel's first", () ->
                assertEquals(SignalFd.__SIGRTMIN + 2, SignalFd.sigrtmin())));
        api("SignalFd.sigrtmax()", legal("the kernel's last", () -> assertEquals(SignalFd.__SIGRTMAX, SignalFd.sigrtmax())));
        api("SignalFd.fd()", ise("after close", () -> closedSignalFd().fd()));
        api("SignalFd.isOpen()", legal("false after close", () -> assertFalse(closedSignalFd().isOpen())));
        api("SignalFd.close()", legal("idempotent", () -> {
            SignalFd sfd = closedSignalFd();
            sfd.close();
            assertFalse(sfd.isOpen());
        }));
        api("SignalFd.toString()", legal("says closed", () -> assertTrue(closedSignalFd().toString().endsWith(", closed]"))));
    }

    static final List<String> SPEC_GETTERS = List.of("valueSec", "valueNsec", "intervalSec", "intervalNsec",
            "valueNanos", "intervalNanos");

    static void itimerSpec() {
        api("ItimerSpec()", legal("zeroed: a disarmed timer", () -> {
            try (ItimerSpec s = new ItimerSpec()) {
                assertEquals(0, s.valueNanos() + s.intervalNanos());
            }
        }));
        for (String m : SPEC_GETTERS) {
            api("ItimerSpec." + m + "()", ise("after close", () -> invoke(closedSpec(), ItimerSpec.class.getMethod(m))),
                    legal("the kernel's answer for a huge setting", () -> {
                        try (ItimerSpec s = new ItimerSpec()) {
                            TimerFd t = openTimer();
                            t.settime(0, Long.MAX_VALUE, 999_999_999L, Long.MAX_VALUE, 999_999_999L, null);
                            t.gettime(s);
                            assertTrue(invoke(s, ItimerSpec.class.getMethod(m)) > 0, s.toString());
                        }
                    }));
        }
        api("ItimerSpec.toString()", legal("says closed", () -> assertEquals("ItimerSpec[closed]", closedSpec().toString())));
        api("ItimerSpec.isOpen()", legal("false after close", () -> assertFalse(closedSpec().isOpen())));
        api("ItimerSpec.close()", legal("idempotent", () -> {
            ItimerSpec s = closedSpec();
            s.close();
            assertFalse(s.isOpen());
        }));
    }

    static void timerFd() {
        List<Case> create = new ArrayList<>();
        for (int clock : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 2 /* CLOCK_PROCESS_CPUTIME_ID */}) {
            create.add(errno("EINVAL", "timerfd_create", "clock " + clock, () -> TimerFd.create(clock, 0)));
        }
        create.add(errno("EINVAL", "timerfd_create", "flags -1", () -> TimerFd.create(TimerFd.CLOCK_MONOTONIC, -1)));
        create.add(errno("EINVAL", "timerfd_create", "flags 1 (unknown)", () -> TimerFd.create(TimerFd.CLOCK_MONOTONIC, 1)));
        create.add(legal("the three clocks", () -> {
            for (int clock : new int[] {TimerFd.CLOCK_MONOTONIC, TimerFd.CLOCK_REALTIME, TimerFd.CLOCK_BOOTTIME}) {
                try (TimerFd t = TimerFd.create(clock, TimerFd.TFD_CLOEXEC | TimerFd.TFD_NONBLOCK)) {
                    assertEquals(0, t.read());
                }
            }
        }));
        api("TimerFd.create(int,int)", create.toArray(new Case[0]));
        List<Case> settime = new ArrayList<>();
        for (long nsec : new long[] {-1, 1_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            settime.add(errno("EINVAL", "timerfd_settime", "value nsec " + nsec,
                    () -> openTimer().settime(0, 1, nsec, 0, 0, null)));
            settime.add(errno("EINVAL", "timerfd_settime", "interval nsec " + nsec,
                    () -> openTimer().settime(0, 1, 0, 0, nsec, null)));
        }
        settime.add(errno("EINVAL", "timerfd_settime", "value sec -1", () -> openTimer().settime(0, -1, 0, 0, 0, null)));
        settime.add(errno("EINVAL", "timerfd_settime", "flags -1", () -> openTimer().settime(-1, 1, 0, 0, 0, null)));
        settime.add(errno("EINVAL", "timerfd_settime", "flags 4 (unknown)", () -> openTimer().settime(4, 1, 0, 0, 0, null)));
        settime.add(ise("old closed", () -> openTimer().settime(0, 1, 0, 0, 0, closedSpec())));
        settime.add(ise("TimerFd closed", () -> closedTimer().settime(0, 1, 0, 0, 0, null)));
        settime.add(legal("sec Long.MAX_VALUE: the kernel saturates, never fires", () -> {
            TimerFd t = openTimer();
            t.settime(0, Long.MAX_VALUE, 0, 0, 0, null);
            assertEquals(0, t.read());
        }));
        settime.add(legal("CANCEL_ON_SET without ABSTIME on a monotonic clock: accepted, no effect", () ->
                openTimer().settime(TimerFd.TFD_TIMER_CANCEL_ON_SET, 1, 0, 0, 0, null)));
        api("TimerFd.settime(int,long,long,long,long,ItimerSpec)", settime.toArray(new Case[0]));
        api("TimerFd.settime(int,long,long)",
                errno("EINVAL", "timerfd_settime", "value -1 ns", () -> openTimer().settime(0, -1, 0)),
                errno("EINVAL", "timerfd_settime", "interval Long.MIN_VALUE", () -> openTimer().settime(0, 1, Long.MIN_VALUE)),
                ise("TimerFd closed", () -> closedTimer().settime(0, 1, 0)),
                legal("Long.MAX_VALUE ns (292 years)", () -> openTimer().settime(0, Long.MAX_VALUE, Long.MAX_VALUE)),
                legal("0: disarms", () -> {
                    TimerFd t = openTimer();
                    t.settime(0, 0, 0);
                    assertEquals(0, t.read());
                }));
        api("TimerFd.gettime(ItimerSpec)",
                npe("curr null", () -> openTimer().gettime(null)),
                ise("curr closed", () -> openTimer().gettime(closedSpec())),
                ise("TimerFd closed", () -> closedTimer().gettime(new ItimerSpec())));
        api("TimerFd.read()", ise("after close", () -> closedTimer().read()),
                legal("disarmed, non-blocking: 0", () -> assertEquals(0, openTimer().read())));
        api("TimerFd.fd()", ise("after close", () -> closedTimer().fd()));
        api("TimerFd.isOpen()", legal("false after close", () -> assertFalse(closedTimer().isOpen())));
        api("TimerFd.close()", legal("idempotent", () -> {
            TimerFd t = closedTimer();
            t.close();
            assertFalse(t.isOpen());
        }));
        api("TimerFd.toString()", legal("says closed", () -> assertTrue(closedTimer().toString().endsWith(", closed]"))));
    }

    static void fdOwner() {
        api("Fd.setOwnEx(int,int,int)",
                iae("fd -1", () -> Fd.setOwnEx(-1, Fd.F_OWNER_TID, Fd.gettid())),
                iae("fd MIN_VALUE", () -> Fd.setOwnEx(Integer.MIN_VALUE, Fd.F_OWNER_TID, Fd.gettid())),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.setOwnEx(NEVER_OPEN, Fd.F_OWNER_TID, Fd.gettid())),
                errno("EINVAL", "fcntl", "type 99", () -> Fd.setOwnEx(FDS.socketpair(true)[0], 99, Fd.gettid())),
                errno("EINVAL", "fcntl", "type -1", () -> Fd.setOwnEx(FDS.socketpair(true)[0], -1, Fd.gettid())),
                errno("ESRCH", "fcntl", "no such thread", () -> Fd.setOwnEx(FDS.socketpair(true)[0], Fd.F_OWNER_TID, NEVER_OPEN)),
                errno("ESRCH", "fcntl", "pid -5", () -> Fd.setOwnEx(FDS.socketpair(true)[0], Fd.F_OWNER_PID, -5)),
                legal("pid 0 clears the owner", () -> {
                    int fd = FDS.socketpair(true)[0];
                    Fd.setOwnEx(fd, Fd.F_OWNER_TID, Fd.gettid());
                    Fd.setOwnEx(fd, Fd.F_OWNER_TID, 0);
                    assertEquals(0, Fd.ownExPid(Fd.getOwnEx(fd)));
                }));
        api("Fd.getOwnEx(int)",
                iae("fd -1", () -> Fd.getOwnEx(-1)),
                errno("EBADF", "fcntl", "fd never open", () -> Fd.getOwnEx(NEVER_OPEN)),
                legal("no owner set: pid 0", () -> assertEquals(0, Fd.ownExPid(Fd.getOwnEx(FDS.socketpair(true)[0])))),
                legal("F_SETOWN's process reads back as F_OWNER_PID", () -> {
                    int fd = FDS.socketpair(true)[0];
                    int pid = (int) ProcessHandle.current().pid();
                    Fd.fcntl(fd, Fd.F_SETOWN, pid);
                    long own = Fd.getOwnEx(fd);
                    assertEquals(Fd.F_OWNER_PID, Fd.ownExType(own));
                    assertEquals(pid, Fd.ownExPid(own));
                }));
        api("Fd.ownExType(long)", legal("the high 32 bits of any long", () -> assertEquals(-1, Fd.ownExType(-1L))));
        api("Fd.ownExPid(long)", legal("the low 32 bits of any long", () -> assertEquals(-1, Fd.ownExPid(0xFFFF_FFFFL))));
        api("Fd.gettid()", legal("this thread's id, as /proc/thread-self names it", () -> {
            String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            assertEquals(Integer.parseInt(self), Fd.gettid());
        }));
    }
}
