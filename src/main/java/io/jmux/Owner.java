package io.jmux;

import java.lang.ref.Cleaner;

/**
 * The one lifecycle of every jmux object that owns a kernel fd ({@link Epoll} now, the
 * io_uring ring next): exactly-once close, a {@link Cleaner} for dropped objects, no call
 * in flight ever reaching a reused fd number, and a close that wakes blocked waiters
 * without a new fd and without anything another holder of the kernel object could see.
 *
 * <p>The state lives in a small C struct (native/owner.c) because the ordering it needs
 * costs a full fence in Java: an owned native call announces itself in a per-thread slot
 * with a plain store and checks the closed flag with a plain load; {@link #close()}
 * pairs that with {@code membarrier(2)}. The cost per call is a few ns at most (the
 * {@code noop_owned} floor benchmark), against 11-17 ns for the atomic in-flight count
 * it replaced.
 *
 * <p>Waking: close signals each thread that is in a call on this owner with
 * {@code __SIGRTMAX - 2}, the signal the JDK itself sends to wake threads blocked in
 * NIO, through a handler that does nothing (the JDK's, or an identical one jmux
 * installs if none is). The syscall returns {@code EINTR}; the caller's retry loop then
 * sees {@link #isOpen()} false. The kernel object is not touched, so a {@code dup} of
 * the fd, an outer epoll watching it, or a child after {@code fork} sees nothing.
 * A thread that blocks that signal cannot be woken; it returns at its timeout, and
 * the fd is closed when the last call leaves.
 *
 * <p>Every owned native takes {@link #address} and {@link #gen}. The C struct is recycled
 * for a new owner as soon as this one is closed and idle (so closing many owners holds
 * no memory until a GC); its generation tells a late call on this owner, which then
 * answers {@link #ECLOSED}, from a call on the new one. The layer also keeps this object
 * reachable across each call ({@code Reference.reachabilityFence}).
 */
final class Owner {
    private static final Cleaner CLEANER = Cleaner.create();

    /** What an owned native returns when it found the owner closed: not an errno. */
    static final int ECLOSED = Native.constant("JMUX_ECLOSED");

    /** 0: not initialised; 1: close pairs with membarrier(2); 2: the fenced fallback. */
    private static volatile int mode;

    /** The C struct: state word, fd, whether the fd is owned. Recycled after close. */
    final long address;
    /** The struct's generation for this owner: every owned native takes it with the address. */
    final int gen;
    /** The fd, for messages and traces; calls read it from the struct. */
    final int fd;
    final boolean ownsFd;
    private volatile boolean closed;

    private Owner(long address, int fd, boolean ownsFd) {
        this.address = address;
        this.gen = gen0(address);
        this.fd = fd;
        this.ownsFd = ownsFd;
        CLEANER.register(this, new Free(address, gen));
    }

    /**
     * An owner of {@code fd}; if {@code ownsFd}, it closes the fd exactly once. If the
     * struct cannot be allocated, an owned fd is closed before the error is thrown.
     */
    static Owner of(int fd, boolean ownsFd) {
        if (mode == 0) {
            init();
        }
        long address = create0(fd, ownsFd);
        if (address == 0) {
            if (ownsFd) {
                FdSys.close(fd);
            }
            throw new OutOfMemoryError("jmux: no native memory for an owner of fd " + fd);
        }
        return new Owner(address, fd, ownsFd);
    }

    boolean isOpen() {
        return !closed;
    }

    /** Throws {@link IllegalStateException} naming {@code what} if closed. */
    void checkOpen(String what) {
        if (closed) {
            throw closedException(what);
        }
    }

    static IllegalStateException closedException(String what) {
        return new IllegalStateException(what + " is closed");
    }

    /**
     * Marks this owner closed, wakes every thread in a call on it, and closes an owned
     * fd once those calls have left (within ~100 ms normally; else when the last one
     * leaves). Idempotent and thread-safe.
     *
     * @return true if this call was the one that closed it
     */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true; // before the wake-up: a woken thread's retry loop must see it
        long t0 = Trace.ON ? System.nanoTime() : 0;
        int r = close0(address, gen);
        if (Trace.ON) {
            trace(r, t0);
        }
        return r != ALREADY_CLOSED;
    }

    /** close0's answers besides close(2)'s own 0 or -errno. */
    private static final int IN_FLIGHT = 1;
    private static final int VIEW = 2;
    private static final int ALREADY_CLOSED = 3;

    private void trace(int r, long t0) {
        if (r <= 0) {
            Trace.emit(t0, r, () -> "close(" + fd + ")");
        } else if (r == IN_FLIGHT) {
            Trace.line("<jmux: close(" + fd + ") deferred: the last call in flight closes it>");
        } else if (r == VIEW) {
            Trace.line("<jmux: view of fd " + fd + " closed; the fd stays open>");
        }
    }

    /** Enter and leave around no syscall: the floor of every owned call. */
    int noop(int value) {
        int r = noop0(address, gen, value);
        java.lang.ref.Reference.reachabilityFence(this);
        return r;
    }

    /** True if close pairs with membarrier(2); false: the fenced fallback. */
    static boolean membarrier() {
        if (mode == 0) {
            init();
        }
        return mode == 1;
    }

    /**
     * Once, on first use (not in a static initialiser, whose failure the JVM keeps for
     * good: the library may not be loadable yet): membarrier registration and the
     * wake-up signal's handler.
     */
    private static synchronized void init() {
        if (mode != 0) {
            return;
        }
        Native.ensureLoaded();
        boolean want = !"false".equalsIgnoreCase(System.getProperty("jmux.membarrier"));
        int r = init0(want);
        if (r < 0) {
            throw new UnsatisfiedLinkError("jmux: cannot install the wake-up signal handler: "
                    + Errno.name(-r));
        }
        mode = r == 1 ? 1 : 2;
    }

    /** The Cleaner's action; must not refer to the Owner, or it would never be unreachable. */
    private static final class Free implements Runnable {
        private final long address;
        private final int gen;

        Free(long address, int gen) {
            this.address = address;
            this.gen = gen;
        }

        @Override
        public void run() {
            free0(address, gen);
        }
    }

    private static native int init0(boolean useMembarrier);

    private static native long create0(int fd, boolean ownsFd);

    private static native int gen0(long address);

    private static native int close0(long address, int gen);

    private static native void free0(long address, int gen);

    private static native int noop0(long address, int gen, int value);
}
