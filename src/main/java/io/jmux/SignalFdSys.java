package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * The syscall layer under {@code SignalFd}, {@code SigSet} and {@code SignalFdInfos}:
 * {@code signalfd}, the owned read, {@code pthread_sigmask}, a read-only
 * {@code sigaction}, glibc's sigset operations, and the {@code struct signalfd_siginfo}
 * layout. Wrappers return the raw result (n or -errno, or {@link Owner#ECLOSED}); the
 * public classes apply the rules.
 */
final class SignalFdSys {
    /** glibc's {@code sigset_t} (1024 bits): what sigsetops and pthread_sigmask take. */
    static final int SIZEOF_SIGSET_T = Native.constant("sizeof.sigset_t");
    /** The kernel's sigset, {@code _NSIG / 8} bytes: what signalfd4 and rt_sigprocmask read. */
    static final int KERNEL_SIGSET = Native.constant("sizeof.kernel_sigset");
    /** {@code _NSIG}: one more than the highest signal number. */
    static final int NSIG = Native.constant("_NSIG");

    static final int SIZEOF_INFO = Native.constant("sizeof.signalfd_siginfo");
    static final int OFF_SIGNO = offset("ssi_signo");
    static final int OFF_ERRNO = offset("ssi_errno");
    static final int OFF_CODE = offset("ssi_code");
    static final int OFF_PID = offset("ssi_pid");
    static final int OFF_UID = offset("ssi_uid");
    static final int OFF_FD = offset("ssi_fd");
    static final int OFF_TID = offset("ssi_tid");
    static final int OFF_BAND = offset("ssi_band");
    static final int OFF_OVERRUN = offset("ssi_overrun");
    static final int OFF_TRAPNO = offset("ssi_trapno");
    static final int OFF_STATUS = offset("ssi_status");
    static final int OFF_INT = offset("ssi_int");
    static final int OFF_PTR = offset("ssi_ptr");
    static final int OFF_UTIME = offset("ssi_utime");
    static final int OFF_STIME = offset("ssi_stime");
    static final int OFF_ADDR = offset("ssi_addr");

    static final int SIG_BLOCK = Native.constant("SIG_BLOCK");
    static final int SIG_UNBLOCK = Native.constant("SIG_UNBLOCK");
    static final int SIG_SETMASK = Native.constant("SIG_SETMASK");
    static final int SIG_DFL = Native.constant("JMUX_SIG_DFL");
    static final int SIG_IGN = Native.constant("JMUX_SIG_IGN");
    static final int HANDLER = Native.constant("JMUX_SIG_HANDLER");
    static final int SIGINFO_HANDLER = Native.constant("JMUX_SIG_SIGINFO");

    /** SIGHUP .. SIGSYS (real-time signals print as numbers); not SIG_BLOCK and friends. */
    static final CNames SIGNALS = CNames.of("SIG", "SIG_");
    static final CNames FLAGS = CNames.of("SFD_");
    static final CNames CODES = CNames.of("SI_");
    static final CNames BAND_CODES = CNames.of("POLL_");
    private static final CNames BAND_BITS = CNames.of("POLL", "POLL_");
    private static final int SIGIO = Native.constant("SIGIO");
    /** The kernel's first real-time signal (32): siginfos from F_SETSIG carry a band from here up. */
    private static final int KERNEL_SIGRTMIN = Native.constant("__SIGRTMIN");

    private SignalFdSys() {}

    private static int offset(String field) {
        return Native.constant("offsetof.signalfd_siginfo." + field);
    }

    // ---- glibc's sigset operations (no syscall, so not traced) ----

    static int sigemptyset(NativeArray set) {
        Native.ensureLoaded();
        ByteBuffer keep = set.buffer(); // the memory stays alive across the call
        int r = sigemptyset0(set.address);
        Reference.reachabilityFence(keep);
        return r;
    }

    static int sigfillset(NativeArray set) {
        Native.ensureLoaded();
        ByteBuffer keep = set.buffer(); // the memory stays alive across the call
        int r = sigfillset0(set.address);
        Reference.reachabilityFence(keep);
        return r;
    }

    static int sigaddset(NativeArray set, int signo) {
        Native.ensureLoaded();
        ByteBuffer keep = set.buffer();
        int r = sigaddset0(set.address, signo);
        Reference.reachabilityFence(keep);
        return r;
    }

    static int sigdelset(NativeArray set, int signo) {
        Native.ensureLoaded();
        ByteBuffer keep = set.buffer();
        int r = sigdelset0(set.address, signo);
        Reference.reachabilityFence(keep);
        return r;
    }

    static int sigismember(NativeArray set, int signo) {
        Native.ensureLoaded();
        ByteBuffer keep = set.buffer();
        int r = sigismember0(set.address, signo);
        Reference.reachabilityFence(keep);
        return r;
    }

    // ---- syscalls ----

    /** {@code pthread_sigmask(how, set, oldset)} on the calling thread; null is NULL. 0 or -errno. */
    static int pthreadSigmask(int how, NativeArray set, NativeArray oldset) {
        Native.ensureLoaded();
        ByteBuffer keepSet = set == null ? null : set.buffer();
        ByteBuffer keepOld = oldset == null ? null : oldset.buffer();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = pthreadSigmask0(how, set == null ? 0 : set.address, oldset == null ? 0 : oldset.address);
        Reference.reachabilityFence(keepSet);
        Reference.reachabilityFence(keepOld);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "pthread_sigmask(" + howName(how) + ", " + setText(set) + ", "
                    + (oldset == null ? "NULL" : r == 0 ? setText(oldset) : "?") + ")");
        }
        return r;
    }

    /** {@code sigaction(signo, NULL, &old)}: SIG_DFL, SIG_IGN, HANDLER, SIGINFO_HANDLER, or -errno. */
    static int sigactionKind(int signo) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = sigactionKind0(signo);
        if (Trace.ON) {
            Trace.emit(t0, r < 0 ? r : 0, () -> "sigaction(" + SIGNALS.value(signo) + ", NULL, "
                    + (r < 0 ? "?" : "{" + kindName(r) + "}") + ")");
        }
        return r;
    }

    /** glibc's {@code SIGRTMIN}, a call ({@code __libc_current_sigrtmin()}), not a constant. */
    static int sigrtmin() {
        Native.ensureLoaded();
        return sigrtmin0();
    }

    /** glibc's {@code SIGRTMAX} ({@code __libc_current_sigrtmax()}). */
    static int sigrtmax() {
        Native.ensureLoaded();
        return sigrtmax0();
    }

    /** {@code signalfd(-1, mask, flags)}: a new fd, or -errno. */
    static int signalfd(NativeArray mask, int flags) {
        Native.ensureLoaded();
        ByteBuffer keep = mask.buffer();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = signalfd0(mask.address, flags);
        Reference.reachabilityFence(keep);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "signalfd(-1, " + setText(mask) + ", " + FLAGS.flags(flags) + ")");
        }
        return r;
    }

    /** {@code signalfd(fd, mask, flags)} on an owned signalfd: 0 (its fd) or -errno. */
    static int setmask(Owner o, NativeArray mask, int flags) {
        Native.ensureLoaded();
        ByteBuffer keep = mask.buffer();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = setmask0(o.address, o.gen, mask.address, flags);
        Reference.reachabilityFence(o);
        Reference.reachabilityFence(keep);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "signalfd(" + o.fd + ", " + setText(mask) + ", " + FLAGS.flags(flags) + ")");
        }
        return r;
    }

    /**
     * {@code read(fd, infos, count * sizeof(struct signalfd_siginfo))}: bytes, or -errno.
     * The caller keeps {@code infos.buffer()} in a local across the call.
     */
    static int read(Owner o, NativeArray infos, int count) {
        Native.ensureLoaded();
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int bytes = count * SIZEOF_INFO;
        int r = read0(o.address, o.gen, infos.address, bytes);
        Reference.reachabilityFence(o);
        if (Trace.ON) {
            Trace.emit(t0, r, () -> "read(" + o.fd + ", " + infos(infos, r) + ", " + bytes + ")");
        }
        return r;
    }

    // ---- trace formatting ----

    static String howName(int how) {
        return how == SIG_BLOCK ? "SIG_BLOCK" : how == SIG_UNBLOCK ? "SIG_UNBLOCK"
                : how == SIG_SETMASK ? "SIG_SETMASK" : Integer.toString(how);
    }

    static String kindName(int kind) {
        return kind == SIG_DFL ? "SIG_DFL" : kind == SIG_IGN ? "SIG_IGN"
                : kind == SIGINFO_HANDLER ? "SA_SIGINFO handler" : "handler";
    }

    /** A set as strace prints it: {@code [SIGIO 40]}; NULL for null. */
    static String setText(NativeArray set) {
        if (set == null) {
            return "NULL";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int signo = 1; signo < NSIG; signo++) {
            if (sigismember0(set.address, signo) == 1) {
                sb.append(sb.length() > 1 ? " " : "").append(SIGNALS.value(signo));
            }
        }
        Reference.reachabilityFence(set);
        return sb.append(']').toString();
    }

    private static String infos(NativeArray infos, int bytes) {
        if (bytes <= 0) {
            return "?";
        }
        ByteBuffer b = infos.buffer();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < bytes / SIZEOF_INFO; i++) {
            if (i == Trace.MAX_ITEMS) {
                sb.append(", ...");
                break;
            }
            int at = i * SIZEOF_INFO;
            int signo = b.getInt(at + OFF_SIGNO);
            int code = b.getInt(at + OFF_CODE);
            sb.append(i > 0 ? ", {" : "{").append("ssi_signo=").append(SIGNALS.value(signo))
                    .append(", ssi_code=").append(codeName(signo, code));
            if (isBandCode(signo, code)) {
                sb.append(", ssi_fd=").append(b.getInt(at + OFF_FD)).append(", ssi_band=")
                        .append(BAND_BITS.flags(b.getInt(at + OFF_BAND)));
            } else {
                sb.append(", ssi_pid=").append(b.getInt(at + OFF_PID));
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    /** POLL_IN etc. for a band code of SIGIO or a real-time signal, SI_* otherwise. */
    static String codeName(int signo, int code) {
        return isBandCode(signo, code) ? BAND_CODES.value(code) : CODES.value(code);
    }

    /** True if the siginfo came from F_SETSIG/SIGIO with an fd and band (si_code POLL_*). */
    private static boolean isBandCode(int signo, int code) {
        return (signo == SIGIO || signo >= KERNEL_SIGRTMIN) && BAND_CODES.value(code).startsWith("POLL_");
    }

    private static native int sigemptyset0(long set);

    private static native int sigfillset0(long set);

    private static native int sigaddset0(long set, int signo);

    private static native int sigdelset0(long set, int signo);

    private static native int sigismember0(long set, int signo);

    private static native int pthreadSigmask0(int how, long set, long oldset);

    private static native int sigactionKind0(int signo);

    private static native int sigrtmin0();

    private static native int sigrtmax0();

    private static native int signalfd0(long mask, int flags);

    private static native int setmask0(long owner, int gen, long mask, int flags);

    private static native int read0(long owner, int gen, long infos, int bytes);
}
