package io.jmux;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * A signalfd ({@code signalfd(2)}): signals taken as data from an fd, with no handler, plus
 * the calling thread's signal mask ({@code pthread_sigmask}), which must block those
 * signals, and a read-only look at {@code sigaction}.
 *
 * <pre>{@code
 * // Signal-driven I/O: "fd N is readable, band B", to this thread, with no handler.
 * int sig = SignalFd.sigrtmin();                      // see "Signals a JVM leaves free"
 * try (SigSet set = new SigSet().add(sig).add(SignalFd.SIGIO);
 *      SignalFdInfos infos = new SignalFdInfos(16)) {
 *     SignalFd.pthreadSigmask(SignalFd.SIG_BLOCK, set, null);  // this thread only
 *     try (SignalFd sfd = SignalFd.create(set, SignalFd.SFD_CLOEXEC)) {
 *         Fd.setOwnEx(fd, Fd.F_OWNER_TID, Fd.gettid());       // to this thread
 *         Fd.fcntl(fd, Fd.F_SETSIG, sig);
 *         Fd.setFl(fd, Fd.getFl(fd) | Fd.O_ASYNC | Fd.O_NONBLOCK);
 *         int n = sfd.read(infos);                            // blocks; this thread
 *         for (int i = 0; i < n; i++) {
 *             if (infos.ssi_signo(i) == SignalFd.SIGIO) rescanEveryFd(); // queue overflowed
 *             else handle(infos.ssi_fd(i), infos.ssi_band(i));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <h2>Which thread</h2>
 * A signal mask belongs to one thread, and {@link #pthreadSigmask} changes the calling
 * thread's. A signalfd reads the signals pending for the <em>calling</em> thread and for
 * the process: a signal sent to one thread ({@code F_OWNER_TID}) is read only by that
 * thread. So the thread that blocks the signal, names itself with {@code gettid()} and
 * reads the signalfd is one and the same. A virtual thread changes its carrier's mask,
 * and may move to another carrier at any blocking point: use a platform thread.
 *
 * <h2>Signals a JVM leaves free</h2>
 * Probed with {@code sigaction(sig, NULL, &old)} ({@link #sigaction}) for every signal 1 ..
 * {@code SIGRTMAX}, and each thread's blocked mask from {@code /proc/self/task/N/status},
 * in a fresh JVM after NIO and jmux have been used, on JDK 17.0.15 and 25.0.3 on Linux
 * 6.18 ({@code SignalProbe} and {@code SignalFdTest} in the tests; docs/signals.md has
 * the table):
 * <ul>
 *   <li>HotSpot installs {@code SA_SIGINFO} handlers for SIGHUP, SIGINT, SIGQUIT,
 *       SIGILL, SIGBUS, SIGFPE, SIGSEGV, SIGUSR2 (thread suspend/resume), SIGPIPE,
 *       SIGTERM and SIGXFSZ; SIGQUIT (thread dumps) is blocked in every thread but the
 *       signal dispatcher.</li>
 *   <li>glibc keeps 32 and 33 for itself ({@code sigaction} answers {@code EINVAL}).</li>
 *   <li>{@code __SIGRTMAX - 2} (62) has the JDK's NIO wake-up handler (or jmux's
 *       identical one): {@link #WAKE_SIGNAL}, reserved.</li>
 *   <li>Every other real-time signal, {@link #sigrtmin()} (34) .. {@code SIGRTMAX - 3} (61)
 *       and 63, 64, has the default action and is blocked by no thread.</li>
 * </ul>
 * So pick {@code F_SETSIG} signals from {@code SIGRTMIN .. SIGRTMAX - 3}; check with
 * {@link #sigaction} that yours is still {@link #SIG_DFL}, since any native library in
 * the process (a profiler, another binding) may claim one. No handler is needed, and no
 * default action may ever run: a real-time signal's default action, like SIGIO's, ends
 * the process, and a process-directed signal goes to any thread that does not block it,
 * and no JVM thread blocks these. So direct each signal to the one thread that blocks it
 * ({@code F_OWNER_TID}), and block SIGIO there too: when the real-time queue
 * is full ({@code RLIMIT_SIGPENDING}, {@code ulimit -i}) the kernel sends SIGIO to the
 * same thread instead (with {@code ssi_code} {@link #SI_KERNEL} and no fd): events were
 * lost, so poll every fd once.
 *
 * <h2>Ownership and closing</h2>
 * A SignalFd owns its fd and closes it exactly once: on the first {@link #close()} or by a
 * {@link java.lang.ref.Cleaner}. A thread blocked in {@link #read} is woken by close (with
 * the JDK's wake-up signal, {@code __SIGRTMAX - 2}, which it must not block) and returns 0.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/signalfd.2.html">signalfd(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/signal.7.html">signal(7)</a>
 */
public final class SignalFd implements AutoCloseable {
    /** {@link #create} flag: close-on-exec. */
    public static final int SFD_CLOEXEC = Native.constant("SFD_CLOEXEC");
    /** {@link #create} flag: {@link #read} with nothing pending returns {@code -EAGAIN}. */
    public static final int SFD_NONBLOCK = Native.constant("SFD_NONBLOCK");

    /** {@link #pthreadSigmask}: add the set to the thread's mask. */
    public static final int SIG_BLOCK = SignalFdSys.SIG_BLOCK;
    /** {@link #pthreadSigmask}: remove the set from the thread's mask. */
    public static final int SIG_UNBLOCK = SignalFdSys.SIG_UNBLOCK;
    /** {@link #pthreadSigmask}: the thread's mask becomes the set. */
    public static final int SIG_SETMASK = SignalFdSys.SIG_SETMASK;

    /** {@link #sigaction} answer: the default action ({@code SIG_DFL}). */
    public static final int SIG_DFL = SignalFdSys.SIG_DFL;
    /** {@link #sigaction} answer: ignored ({@code SIG_IGN}). */
    public static final int SIG_IGN = SignalFdSys.SIG_IGN;
    /** {@link #sigaction} answer: a handler function ({@code sa_handler}) is installed. */
    public static final int HANDLER = SignalFdSys.HANDLER;
    /** {@link #sigaction} answer: an {@code SA_SIGINFO} handler ({@code sa_sigaction}) is installed. */
    public static final int SIGINFO_HANDLER = SignalFdSys.SIGINFO_HANDLER;

    /** Hangup. */
    public static final int SIGHUP = Native.constant("SIGHUP");
    /** Interrupt from the keyboard. */
    public static final int SIGINT = Native.constant("SIGINT");
    /** Quit from the keyboard; HotSpot prints a thread dump. */
    public static final int SIGQUIT = Native.constant("SIGQUIT");
    /** Illegal instruction. */
    public static final int SIGILL = Native.constant("SIGILL");
    /** Trace/breakpoint trap. */
    public static final int SIGTRAP = Native.constant("SIGTRAP");
    /** Abort. */
    public static final int SIGABRT = Native.constant("SIGABRT");
    /** Bus error. */
    public static final int SIGBUS = Native.constant("SIGBUS");
    /** Floating-point exception. */
    public static final int SIGFPE = Native.constant("SIGFPE");
    /** Kill (cannot be caught, blocked or read from a signalfd). */
    public static final int SIGKILL = Native.constant("SIGKILL");
    /** User-defined signal 1. */
    public static final int SIGUSR1 = Native.constant("SIGUSR1");
    /** Invalid memory reference. */
    public static final int SIGSEGV = Native.constant("SIGSEGV");
    /** User-defined signal 2. */
    public static final int SIGUSR2 = Native.constant("SIGUSR2");
    /** Broken pipe (the JVM ignores it). */
    public static final int SIGPIPE = Native.constant("SIGPIPE");
    /** Timer signal from {@code alarm(2)}. */
    public static final int SIGALRM = Native.constant("SIGALRM");
    /** Termination. */
    public static final int SIGTERM = Native.constant("SIGTERM");
    /** Stack fault on a coprocessor (unused). */
    public static final int SIGSTKFLT = Native.constant("SIGSTKFLT");
    /** Child stopped or terminated. */
    public static final int SIGCHLD = Native.constant("SIGCHLD");
    /** Continue if stopped. */
    public static final int SIGCONT = Native.constant("SIGCONT");
    /** Stop (cannot be caught or blocked). */
    public static final int SIGSTOP = Native.constant("SIGSTOP");
    /** Stop typed at the terminal. */
    public static final int SIGTSTP = Native.constant("SIGTSTP");
    /** Terminal input for a background process. */
    public static final int SIGTTIN = Native.constant("SIGTTIN");
    /** Terminal output for a background process. */
    public static final int SIGTTOU = Native.constant("SIGTTOU");
    /** Urgent condition on a socket. */
    public static final int SIGURG = Native.constant("SIGURG");
    /** CPU time limit exceeded. */
    public static final int SIGXCPU = Native.constant("SIGXCPU");
    /** File size limit exceeded. */
    public static final int SIGXFSZ = Native.constant("SIGXFSZ");
    /** Virtual alarm clock. */
    public static final int SIGVTALRM = Native.constant("SIGVTALRM");
    /** Profiling timer expired. */
    public static final int SIGPROF = Native.constant("SIGPROF");
    /** Window resize. */
    public static final int SIGWINCH = Native.constant("SIGWINCH");
    /**
     * I/O possible ({@code SIGPOLL}): signal-driven I/O's signal when {@code F_SETSIG} is 0,
     * and the fallback when a real-time signal cannot be queued. Its default action ends
     * the process.
     */
    public static final int SIGIO = Native.constant("SIGIO");
    /** Power failure. */
    public static final int SIGPWR = Native.constant("SIGPWR");
    /** Bad system call. */
    public static final int SIGSYS = Native.constant("SIGSYS");
    /** The kernel's first real-time signal (32); glibc keeps it and the next for itself. */
    public static final int __SIGRTMIN = Native.constant("__SIGRTMIN");
    /** The kernel's last real-time signal (64). */
    public static final int __SIGRTMAX = Native.constant("__SIGRTMAX");
    /**
     * {@code __SIGRTMAX - 2}: the signal the JDK sends to wake threads blocked in NIO, and
     * jmux sends to wake threads in a call on an object being closed. Do not block it, or
     * use it for {@code F_SETSIG}.
     */
    public static final int WAKE_SIGNAL = Native.constant("JMUX_WAKE_SIGNAL");

    /** si_code: sent by {@code kill(2)}. */
    public static final int SI_USER = Native.constant("SI_USER");
    /** si_code: sent by the kernel (also SIGIO's fallback when the queue is full). */
    public static final int SI_KERNEL = Native.constant("SI_KERNEL");
    /** si_code: sent by {@code sigqueue(3)}. */
    public static final int SI_QUEUE = Native.constant("SI_QUEUE");
    /** si_code: a POSIX timer expired. */
    public static final int SI_TIMER = Native.constant("SI_TIMER");
    /** si_code: a POSIX message queue changed state. */
    public static final int SI_MESGQ = Native.constant("SI_MESGQ");
    /** si_code: asynchronous I/O completed. */
    public static final int SI_ASYNCIO = Native.constant("SI_ASYNCIO");
    /** si_code: queued SIGIO (not used by Linux for F_SETSIG, which sends the POLL_ codes). */
    public static final int SI_SIGIO = Native.constant("SI_SIGIO");
    /** si_code: sent by {@code tkill(2)} or {@code tgkill(2)}. */
    public static final int SI_TKILL = Native.constant("SI_TKILL");
    /** si_code of signal-driven I/O: data input available ({@code ssi_band} has POLLIN). */
    public static final int POLL_IN = Native.constant("POLL_IN");
    /** si_code of signal-driven I/O: output buffers available. */
    public static final int POLL_OUT = Native.constant("POLL_OUT");
    /** si_code of signal-driven I/O: input message available. */
    public static final int POLL_MSG = Native.constant("POLL_MSG");
    /** si_code of signal-driven I/O: I/O error. */
    public static final int POLL_ERR = Native.constant("POLL_ERR");
    /** si_code of signal-driven I/O: high-priority input available. */
    public static final int POLL_PRI = Native.constant("POLL_PRI");
    /** si_code of signal-driven I/O: device disconnected. */
    public static final int POLL_HUP = Native.constant("POLL_HUP");

    private static final int EINTR = Errno.EINTR;

    private static volatile int sigrtmin;
    private static volatile int sigrtmax;

    private final Owner owner;

    private SignalFd(int fd) {
        this.owner = Owner.of(fd, true);
    }

    /**
     * {@code signalfd(-1, &mask, flags)}: a new signalfd that reads the signals in
     * {@code mask}. The signals must also be blocked (see {@link #pthreadSigmask}) in the
     * thread that reads, or they are delivered the usual way first.
     * {@code SIGKILL} and {@code SIGSTOP} in the mask are silently ignored by the kernel.
     *
     * @param mask the signals to read
     * @param flags {@link #SFD_CLOEXEC}, {@link #SFD_NONBLOCK}; other bits reach the
     *     kernel, which answers {@code EINVAL}
     * @return a new SignalFd that owns its fd
     * @throws ErrnoException {@code EINVAL}, {@code EMFILE}, {@code ENFILE}, {@code ENOMEM}
     * @throws IllegalStateException if mask is closed
     */
    public static SignalFd create(SigSet mask, int flags) throws ErrnoException {
        int fd = SignalFdSys.signalfd(mask, flags);
        if (fd < 0) {
            throw Sys.error(fd, "signalfd", "-1, " + SignalFdSys.setText(mask) + ", "
                    + SignalFdSys.FLAGS.flags(flags));
        }
        return new SignalFd(fd);
    }

    /**
     * {@code signalfd(fd, &mask, 0)}: replaces the set of signals this signalfd reads.
     *
     * @param mask the new set
     * @throws ErrnoException {@code EINVAL}
     * @throws IllegalStateException if this SignalFd or mask is closed
     */
    public void setMask(SigSet mask) throws ErrnoException {
        owner.checkOpen("SignalFd");
        int r = Sys.owned(SignalFdSys.setmask(owner, mask, 0), "SignalFd");
        if (r < 0) {
            throw Sys.error(r, "signalfd", owner.fd + ", " + SignalFdSys.setText(mask) + ", 0");
        }
    }

    /**
     * {@code read(fd, infos, capacity * sizeof(struct signalfd_siginfo))}: takes up to
     * {@code infos.capacity()} pending signals of the mask, the calling thread's first,
     * then the process's. Blocks until one is pending, unless {@link #SFD_NONBLOCK}.
     * {@code EINTR} is retried. Allocates nothing. Pins a virtual thread's carrier while it
     * blocks.
     *
     * @param infos the array the kernel fills
     * @return the number of siginfos filled in (at least 1); {@code -EAGAIN} if none is
     *     pending on a non-blocking signalfd; 0 if this SignalFd was closed during the read
     * @throws ErrnoException {@code EBADF}
     * @throws IllegalStateException if this SignalFd or infos is closed
     */
    public int read(SignalFdInfos infos) throws ErrnoException {
        ByteBuffer keepAlive = infos.buffer(); // pins the memory the kernel writes
        owner.checkOpen("SignalFd");
        int r;
        do {
            r = SignalFdSys.read(owner, infos, infos.capacity);
        } while (r == -EINTR && owner.isOpen());
        Reference.reachabilityFence(keepAlive);
        if (r == Owner.ECLOSED || (r == -EINTR && !owner.isOpen())) {
            return 0;
        }
        if (r >= 0) {
            return r / SignalFdInfos.SIZEOF;
        }
        if (Errno.isWouldBlock(r)) {
            return r; // before the message below is built: would-block allocates nothing
        }
        throw Sys.error(r, "read", "signalfd=" + owner.fd + ", count=" + infos.capacity);
    }

    /**
     * {@code pthread_sigmask(how, set, oldset)}: changes the signal mask of the
     * <em>calling thread</em> only. Either set may be null ({@code NULL}): a null
     * {@code set} only reads the mask into {@code oldset}. glibc silently keeps its two
     * internal signals (32, 33) unblocked; {@code SIGKILL} and {@code SIGSTOP} cannot be
     * blocked. Do not block {@link #WAKE_SIGNAL}, or close cannot wake this thread.
     *
     * @param how {@link #SIG_BLOCK}, {@link #SIG_UNBLOCK} or {@link #SIG_SETMASK}; other
     *     values reach glibc, which answers {@code EINVAL} (when set is not null)
     * @param set the signals, or null
     * @param oldset receives the previous mask, or null
     * @throws ErrnoException {@code EINVAL}
     * @throws IllegalStateException if a set is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_sigmask.3.html">pthread_sigmask(3)</a>
     */
    public static void pthreadSigmask(int how, SigSet set, SigSet oldset) throws ErrnoException {
        Native.ensureLoaded();
        int r = SignalFdSys.pthreadSigmask(how, set, oldset);
        if (r < 0) {
            throw Sys.error(r, "pthread_sigmask", SignalFdSys.howName(how) + ", "
                    + SignalFdSys.setText(set));
        }
    }

    /**
     * {@code SIGRTMIN}: the first real-time signal glibc leaves to applications (34; glibc
     * keeps 32 and 33). In glibc this is a call, {@code __libc_current_sigrtmin()}, not a
     * constant, so it is a method here; asked once.
     *
     * @return the signal number
     */
    public static int sigrtmin() {
        int s = sigrtmin;
        if (s == 0) {
            sigrtmin = s = SignalFdSys.sigrtmin();
        }
        return s;
    }

    /**
     * {@code SIGRTMAX}: the last real-time signal (64), {@code __libc_current_sigrtmax()}.
     *
     * @return the signal number
     */
    public static int sigrtmax() {
        int s = sigrtmax;
        if (s == 0) {
            sigrtmax = s = SignalFdSys.sigrtmax();
        }
        return s;
    }

    /**
     * {@code sigaction(signo, NULL, &old)}: what the process does with a signal now,
     * without changing it. Used to check that a signal is free before choosing it for
     * {@code F_SETSIG} (see the class documentation).
     *
     * @param signo a signal number
     * @return {@link #SIG_DFL}, {@link #SIG_IGN}, {@link #HANDLER} or {@link #SIGINFO_HANDLER}
     * @throws ErrnoException {@code EINVAL} for a number that is not a signal, or one glibc
     *     keeps for itself (32, 33)
     * @see <a href="https://man7.org/linux/man-pages/man2/sigaction.2.html">sigaction(2)</a>
     */
    public static int sigaction(int signo) throws ErrnoException {
        Native.ensureLoaded();
        int r = SignalFdSys.sigactionKind(signo);
        if (r < 0) {
            throw Sys.error(r, "sigaction", "signo=" + signo + ", NULL");
        }
        return r;
    }

    /**
     * The signalfd.
     *
     * @return the fd number
     * @throws IllegalStateException if closed
     */
    public int fd() {
        owner.checkOpen("SignalFd");
        return owner.fd;
    }

    /**
     * Whether this SignalFd can still be used.
     *
     * @return false once {@link #close()} has been called
     */
    public boolean isOpen() {
        return owner.isOpen();
    }

    /**
     * Marks this SignalFd closed, wakes every thread blocked in {@link #read} on it, and
     * closes the fd once no call is in flight. Idempotent and thread-safe.
     */
    @Override
    public void close() {
        owner.close();
    }

    @Override
    public String toString() {
        return "SignalFd[fd=" + owner.fd + (isOpen() ? "]" : ", closed]");
    }
}
