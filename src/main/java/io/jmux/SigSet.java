package io.jmux;

/**
 * An off-heap {@code sigset_t}: the signal set that {@link SignalFd#create},
 * {@link SignalFd#setMask} and {@link SignalFd#pthreadSigmask} take, changed with glibc's
 * own {@code sigemptyset}, {@code sigfillset}, {@code sigaddset}, {@code sigdelset} and
 * {@code sigismember}.
 *
 * <p>The memory is {@code sizeof(sigset_t)} bytes (glibc's 1024 bits, read from C); the
 * kernel reads the first {@code _NSIG / 8} of them (8 bytes: signals 1 .. 64), which is
 * the size glibc's {@code signalfd} and {@code pthread_sigmask} pass it. glibc refuses,
 * with {@code EINVAL}, signal numbers outside {@code 1 .. _NSIG-1}; {@link #add} and
 * {@link #remove} also refuse the two it keeps for itself ({@code __SIGRTMIN} and
 * {@code __SIGRTMIN+1}, 32 and 33), which {@link #fill()} leaves out and
 * {@link #contains} reports absent.
 *
 * <p>{@link #close()} makes every later use throw {@link IllegalStateException}. Not
 * thread-safe, as a {@code sigset_t} is not.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/sigsetops.3.html">sigsetops(3)</a>
 */
public final class SigSet extends NativeArray {
    /** An empty set ({@code sigemptyset}). */
    public SigSet() {
        super(SignalFdSys.NSIG - 1, SignalFdSys.SIZEOF_SIGSET_T);
        SignalFdSys.sigemptyset(this);
    }

    @Override
    String kind() {
        return "SigSet";
    }

    /**
     * {@code sigemptyset(&set)}.
     *
     * @return this set
     * @throws IllegalStateException if closed
     */
    public SigSet empty() {
        SignalFdSys.sigemptyset(this);
        return this;
    }

    /**
     * {@code sigfillset(&set)}: every signal but the two glibc keeps for itself.
     *
     * @return this set
     * @throws IllegalStateException if closed
     */
    public SigSet fill() {
        SignalFdSys.sigfillset(this);
        return this;
    }

    /**
     * {@code sigaddset(&set, signo)}.
     *
     * @param signo a signal number, 1 .. {@code _NSIG-1}
     * @return this set
     * @throws ErrnoException {@code EINVAL} for a number glibc refuses (see the class
     *     documentation)
     * @throws IllegalStateException if closed
     */
    public SigSet add(int signo) throws ErrnoException {
        int r = SignalFdSys.sigaddset(this, signo);
        if (r < 0) {
            throw Sys.error(r, "sigaddset", "signo=" + signo);
        }
        return this;
    }

    /**
     * {@code sigdelset(&set, signo)}.
     *
     * @param signo a signal number, 1 .. {@code _NSIG-1}
     * @return this set
     * @throws ErrnoException {@code EINVAL} for a number glibc refuses
     * @throws IllegalStateException if closed
     */
    public SigSet remove(int signo) throws ErrnoException {
        int r = SignalFdSys.sigdelset(this, signo);
        if (r < 0) {
            throw Sys.error(r, "sigdelset", "signo=" + signo);
        }
        return this;
    }

    /**
     * {@code sigismember(&set, signo)}.
     *
     * @param signo a signal number, 1 .. {@code _NSIG-1}
     * @return true if signo is in the set
     * @throws ErrnoException {@code EINVAL} for a number outside {@code 1 .. _NSIG-1}
     * @throws IllegalStateException if closed
     */
    public boolean contains(int signo) throws ErrnoException {
        int r = SignalFdSys.sigismember(this, signo);
        if (r < 0) {
            throw Sys.error(r, "sigismember", "signo=" + signo);
        }
        return r == 1;
    }

    /** The members as strace prints them, e.g. {@code SigSet[SIGIO 40]}. */
    @Override
    public String toString() {
        return isOpen() ? "SigSet" + SignalFdSys.setText(this) : "SigSet[closed]";
    }
}
