package io.jmux.examples;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.FdSet;
import io.jmux.IoUring;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;
import java.io.IOException;
import java.util.Arrays;

/**
 * A small reactor in the style of Python's {@code selectors} module: register an fd
 * with an interest ({@link #READ}, {@link #WRITE}) and a {@link Handler}, then
 * {@link #run()} waits for readiness and calls the handlers of the ready fds.
 * Four back-ends implement the wait — {@code select}, {@code poll}, level-triggered
 * {@code epoll} and {@code io_uring} one-shot polls — chosen by name, or the best this
 * kernel offers (epoll, then poll) when no name is given. io_uring is never the
 * default: it is the one most often refused (container seccomp profiles, the
 * {@code kernel.io_uring_disabled} sysctl), and for readiness it saves no syscall over
 * epoll (one {@code io_uring_enter} per wait, where epoll makes one {@code epoll_wait})
 * while it costs an SQE per report to re-arm.
 *
 * <p>The point of the facade: the echo logic ({@link ReactorEcho}) is written once and
 * runs on all four, which is how event loops such as Python's asyncio, libevent or
 * Netty sit on these syscalls. The back-ends are level-triggered, because a generic
 * handler may leave data unread; EPOLLHUP/EPOLLERR (POLLHUP/POLLERR) are reported as
 * both READ and WRITE, masked by the interest, so the handler's next read or write
 * meets the error, as {@code selectors} does.
 *
 * <p>Not thread-safe: register, modify and unregister from the loop's own thread
 * (handlers) only.
 */
final class Reactor implements AutoCloseable {
    /** Interest/readiness bit: the fd can be read (or accepted) without blocking. */
    static final int READ = 1;
    /** Interest/readiness bit: the fd can be written without blocking. */
    static final int WRITE = 2;

    /** Called with the ready subset of the fd's interest. */
    interface Handler {
        void ready(int fd, int ops) throws IOException;
    }

    private final Backend backend;
    private Handler[] handlers = new Handler[64];
    private int[] interests = new int[64];
    private final ReadyList ready = new ReadyList();
    private volatile boolean stopped;

    private Reactor(Backend backend) {
        this.backend = backend;
    }

    /**
     * @param backendName {@code "select"}, {@code "poll"}, {@code "epoll"},
     *     {@code "io_uring"}, or null for the best available
     * @throws IllegalArgumentException for any other name
     */
    static Reactor open(String backendName) throws IOException {
        if (backendName == null) {
            return new Reactor(best());
        }
        switch (backendName) {
            case "select":
                return new Reactor(new SelectBackend());
            case "poll":
                return new Reactor(new PollBackend());
            case "epoll":
                return new Reactor(new EpollBackend());
            case "io_uring":
                return new Reactor(new IoUringBackend());
            default:
                throw new IllegalArgumentException("unknown backend " + backendName
                        + " (select, poll, epoll or io_uring)");
        }
    }

    /** epoll if this kernel lets us create an instance (a sandbox may forbid it), else poll. */
    private static Backend best() {
        try {
            return new EpollBackend();
        } catch (ErrnoException e) {
            return new PollBackend();
        }
    }

    /** The back-end in use: "select", "poll", "epoll" or "io_uring". */
    String backendName() {
        return backend.name();
    }

    void register(int fd, int interest, Handler handler) throws IOException {
        if (fd >= handlers.length) {
            int n = Math.max(fd + 1, handlers.length * 2);
            handlers = Arrays.copyOf(handlers, n);
            interests = Arrays.copyOf(interests, n);
        }
        if (handlers[fd] != null) {
            throw new IllegalStateException("fd " + fd + " is already registered");
        }
        backend.add(fd, interest);
        handlers[fd] = handler;
        interests[fd] = interest;
    }

    /** Changes the interest; a no-op (no syscall) if it is unchanged. */
    void modify(int fd, int interest) throws IOException {
        checkRegistered(fd);
        if (interests[fd] != interest) {
            backend.modify(fd, interest);
            interests[fd] = interest;
        }
    }

    /** Stops watching fd; call before closing it. */
    void unregister(int fd) throws IOException {
        checkRegistered(fd);
        handlers[fd] = null;
        interests[fd] = 0;
        backend.remove(fd);
    }

    /** Waits for ready fds and dispatches them, until {@link #stop()}. */
    void run() throws IOException {
        while (!stopped) {
            runOnce(-1);
        }
    }

    /**
     * One wait (timeout in ms, -1 for none) and one round of dispatch.
     *
     * @return the number of handlers called
     */
    int runOnce(int timeoutMillis) throws IOException {
        ready.clear();
        backend.wait(timeoutMillis, ready);
        int called = 0;
        for (int i = 0; i < ready.size; i++) {
            int fd = ready.fds[i];
            // null: unregistered by an earlier handler of this round. (If that fd number
            // was already reused, the new owner sees a stale READ/WRITE and its
            // non-blocking read or write answers EAGAIN: harmless.)
            Handler h = fd < handlers.length ? handlers[fd] : null;
            int ops = h == null ? 0 : ready.ops[i] & interests[fd];
            if (ops != 0) {
                h.ready(fd, ops);
                called++;
            }
        }
        return called;
    }

    /** Makes {@link #run()} return after the current round. */
    void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        backend.close();
    }

    private void checkRegistered(int fd) {
        if (fd < 0 || fd >= handlers.length || handlers[fd] == null) {
            throw new IllegalStateException("fd " + fd + " is not registered");
        }
    }

    /** The (fd, ops) pairs one wait found ready. */
    static final class ReadyList {
        int[] fds = new int[64];
        int[] ops = new int[64];
        int size;

        void add(int fd, int readyOps) {
            if (size == fds.length) {
                fds = Arrays.copyOf(fds, size * 2);
                ops = Arrays.copyOf(ops, size * 2);
            }
            fds[size] = fd;
            ops[size++] = readyOps;
        }

        void clear() {
            size = 0;
        }
    }

    /** One readiness syscall behind the facade. */
    private interface Backend {
        String name();

        void add(int fd, int interest) throws IOException;

        void modify(int fd, int interest) throws IOException;

        void remove(int fd) throws IOException;

        void wait(int timeoutMillis, ReadyList out) throws IOException;

        void close();
    }

    /** select(2): interest in two master fd_sets, copied before each call. */
    private static final class SelectBackend implements Backend {
        private FdSet readMaster = new FdSet();
        private FdSet writeMaster = new FdSet();
        private FdSet readReady = new FdSet();
        private FdSet writeReady = new FdSet();
        private int maxFd = -1;

        @Override
        public String name() {
            return "select";
        }

        @Override
        public void add(int fd, int interest) {
            if (fd >= readMaster.capacity()) {
                grow(Math.max(fd + 1, readMaster.capacity() * 2));
            }
            maxFd = Math.max(maxFd, fd);
            modify(fd, interest);
        }

        @Override
        public void modify(int fd, int interest) {
            if ((interest & READ) != 0) {
                readMaster.set(fd);
            } else {
                readMaster.clear(fd);
            }
            if ((interest & WRITE) != 0) {
                writeMaster.set(fd);
            } else {
                writeMaster.clear(fd);
            }
        }

        @Override
        public void remove(int fd) {
            readMaster.clear(fd);
            writeMaster.clear(fd);
            // nfds stays at the high-water mark: a few bits too many cost the kernel
            // little, and a closed fd with no bit set is not checked.
        }

        @Override
        public void wait(int timeoutMillis, ReadyList out) throws IOException {
            readReady.copyFrom(readMaster);
            writeReady.copyFrom(writeMaster);
            long timeoutMicros = timeoutMillis < 0 ? -1 : timeoutMillis * 1000L;
            if (Select.select(maxFd + 1, readReady, writeReady, null, timeoutMicros) == 0) {
                return;
            }
            int r = readReady.nextSetBit(0);
            int w = writeReady.nextSetBit(0);
            while (r >= 0 || w >= 0) { // merge the two ascending fd lists
                int fd = r < 0 ? w : w < 0 ? r : Math.min(r, w);
                int ops = (fd == r ? READ : 0) | (fd == w ? WRITE : 0);
                out.add(fd, ops);
                if (fd == r) {
                    r = readReady.nextSetBit(r + 1);
                }
                if (fd == w) {
                    w = writeReady.nextSetBit(w + 1);
                }
            }
        }

        private void grow(int capacity) {
            readMaster = copy(readMaster, capacity);
            writeMaster = copy(writeMaster, capacity);
            readReady = new FdSet(capacity);
            writeReady = new FdSet(capacity);
        }

        private static FdSet copy(FdSet old, int capacity) {
            FdSet set = new FdSet(capacity);
            set.copyFrom(old);
            return set;
        }

        @Override
        public void close() {
            readMaster.close();
            writeMaster.close();
            readReady.close();
            writeReady.close();
        }
    }

    /** poll(2): a struct pollfd[] and an fd → index map kept in step with it. */
    private static final class PollBackend implements Backend {
        private PollFds fds = new PollFds(64);
        private int[] indexOf = new int[64];

        @Override
        public String name() {
            return "poll";
        }

        @Override
        public void add(int fd, int interest) {
            if (fds.size() == fds.capacity()) {
                PollFds bigger = new PollFds(fds.capacity() * 2);
                for (int i = 0; i < fds.size(); i++) {
                    bigger.add(fds.fd(i), fds.events(i));
                }
                fds.close();
                fds = bigger;
            }
            if (fd >= indexOf.length) {
                indexOf = Arrays.copyOf(indexOf, Math.max(fd + 1, indexOf.length * 2));
            }
            indexOf[fd] = fds.add(fd, events(interest));
        }

        @Override
        public void modify(int fd, int interest) {
            fds.setEvents(indexOf[fd], events(interest)); // a write to our array: no syscall
        }

        @Override
        public void remove(int fd) {
            int i = indexOf[fd];
            int last = fds.size() - 1;
            int moved = fds.fd(last);
            fds.remove(i); // the last entry moves into slot i
            indexOf[moved] = i;
        }

        @Override
        public void wait(int timeoutMillis, ReadyList out) throws IOException {
            if (Poll.poll(fds, timeoutMillis) == 0) {
                return;
            }
            for (int i = 0; i < fds.size(); i++) {
                int revents = fds.revents(i);
                if (revents != 0) {
                    int ops = ((revents & ~Poll.POLLOUT) != 0 ? READ : 0)   // IN, HUP, ERR
                            | ((revents & ~Poll.POLLIN) != 0 ? WRITE : 0); // OUT, HUP, ERR
                    out.add(fds.fd(i), ops);
                }
            }
        }

        private static int events(int interest) {
            return ((interest & READ) != 0 ? Poll.POLLIN : 0) | ((interest & WRITE) != 0 ? Poll.POLLOUT : 0);
        }

        @Override
        public void close() {
            fds.close();
        }
    }

    /** epoll(7), level-triggered: the interest list lives in the kernel. */
    private static final class EpollBackend implements Backend {
        private final Epoll epoll = Epoll.create();
        private final EpollEvents events = new EpollEvents(256);

        EpollBackend() throws ErrnoException {}

        @Override
        public String name() {
            return "epoll";
        }

        @Override
        public void add(int fd, int interest) throws IOException {
            epoll.add(fd, events(interest));
        }

        @Override
        public void modify(int fd, int interest) throws IOException {
            epoll.modify(fd, events(interest)); // one epoll_ctl syscall per change
        }

        @Override
        public void remove(int fd) throws IOException {
            epoll.delete(fd);
        }

        @Override
        public void wait(int timeoutMillis, ReadyList out) throws IOException {
            int n = epoll.wait(events, timeoutMillis);
            for (int i = 0; i < n; i++) {
                int ev = events.events(i);
                int ops = ((ev & ~Epoll.EPOLLOUT) != 0 ? READ : 0) | ((ev & ~Epoll.EPOLLIN) != 0 ? WRITE : 0);
                out.add(events.fd(i), ops);
            }
        }

        private static int events(int interest) {
            return ((interest & READ) != 0 ? Epoll.EPOLLIN : 0) | ((interest & WRITE) != 0 ? Epoll.EPOLLOUT : 0);
        }

        @Override
        public void close() {
            epoll.close();
            events.close();
        }
    }

    /**
     * io_uring(7), level-triggered by one-shot {@code IORING_OP_POLL_ADD}s: one poll per
     * fd with a non-empty interest, for that interest; after its CQE the fd is reported
     * and, at the next wait, polled again. A poll checks the fd when it is armed, so an fd
     * still ready completes again at once: a level, as the facade promises.
     *
     * <p>Not multishot: a multishot poll is edge-like (a CQE per wake-up, none while the
     * fd stays ready), so a handler that reads once and leaves data would never hear of
     * it again, and a generic handler may do exactly that. An interest change is a
     * {@code POLL_REMOVE} of the armed poll and a new one; completions of removed polls,
     * and of polls on a number closed and reused since, are told apart by a generation
     * in the {@code user_data}.
     */
    private static final class IoUringBackend implements Backend {
        private final IoUring ring;
        private int[] generation = new int[64];
        private int[] interest = new int[64];
        private boolean[] armed = new boolean[64];
        private int[] toArm = new int[64]; // fds to poll again at the next wait
        private int toArmCount;
        /** The user_data of POLL_REMOVE requests: fd -1, which no poll has. */
        private static final long REMOVAL = -1L;

        IoUringBackend() throws ErrnoException {
            // A CQ with room for a report per fd of thousands (CQSIZE: Linux 5.5); should it
            // overflow anyway, the kernel holds the CQEs (IORING_FEAT_NODROP) until the next wait.
            ring = IoUring.setup(1024, IoUring.IORING_SETUP_CQSIZE, 16384, 0, 0, 0);
        }

        @Override
        public String name() {
            return "io_uring";
        }

        private static long userData(int fd, int generation) {
            return (long) generation << 32 | Integer.toUnsignedLong(fd);
        }

        @Override
        public void add(int fd, int interest) {
            if (fd >= generation.length) {
                int n = Math.max(fd + 1, generation.length * 2);
                generation = Arrays.copyOf(generation, n);
                this.interest = Arrays.copyOf(this.interest, n);
                armed = Arrays.copyOf(armed, n);
            }
            generation[fd]++;
            this.interest[fd] = interest;
            scheduleArm(fd);
        }

        @Override
        public void modify(int fd, int interest) throws IOException {
            disarm(fd);
            this.interest[fd] = interest;
            scheduleArm(fd);
        }

        /** Removed at once, not at the next wait: an armed poll keeps the socket open after close(). */
        @Override
        public void remove(int fd) throws IOException {
            disarm(fd);
            interest[fd] = 0;
            ring.submit();
        }

        private void disarm(int fd) throws IOException {
            if (armed[fd]) {
                long old = userData(fd, generation[fd]);
                while (!ring.prepPollRemove(old, REMOVAL)) { // its CQE, and the poll's -ECANCELED, are dropped
                    ring.submit();
                }
                armed[fd] = false;
            }
            generation[fd]++;
        }

        private void scheduleArm(int fd) {
            if (toArmCount == toArm.length) {
                toArm = Arrays.copyOf(toArm, toArmCount * 2);
            }
            toArm[toArmCount++] = fd;
        }

        @Override
        public void wait(int timeoutMillis, ReadyList out) throws IOException {
            for (int i = 0; i < toArmCount; i++) {
                int fd = toArm[i];
                if (!armed[fd] && interest[fd] != 0) {
                    while (!ring.prepPollAdd(fd, events(interest[fd]), false, userData(fd, generation[fd]))) {
                        ring.submit();
                    }
                    armed[fd] = true;
                }
            }
            toArmCount = 0;
            ring.submitAndWait(1, timeoutMillis < 0 ? -1 : timeoutMillis * 1_000_000L);
            int n = ring.cqReady();
            for (int i = 0; i < n; i++) {
                long ud = ring.cqeUserData(i);
                int fd = (int) ud;
                if (fd < 0 || fd >= generation.length || generation[fd] != (int) (ud >>> 32) || !armed[fd]) {
                    continue; // a POLL_REMOVE's answer, or a poll given up on
                }
                armed[fd] = false;
                scheduleArm(fd); // level-triggered: ask again next time
                int res = ring.cqeRes(i);
                int ev = res < 0 ? Poll.POLLERR : res; // an error: let the handler's next call meet it
                int ops = ((ev & ~Poll.POLLOUT) != 0 ? READ : 0) | ((ev & ~(Poll.POLLIN | Poll.POLLRDHUP)) != 0
                        ? WRITE : 0);
                out.add(fd, ops);
            }
            ring.cqAdvance(n);
        }

        private static int events(int interest) {
            return ((interest & READ) != 0 ? Poll.POLLIN : 0) | ((interest & WRITE) != 0 ? Poll.POLLOUT : 0);
        }

        @Override
        public void close() {
            ring.close();
        }
    }
}
