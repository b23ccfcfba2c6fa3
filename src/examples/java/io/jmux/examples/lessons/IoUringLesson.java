package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.Errno;
import io.jmux.ErrnoException;
import io.jmux.EventFd;
import io.jmux.Fd;
import io.jmux.IoUring;
import io.jmux.Poll;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * io_uring as a readiness API, in four experiments: (a) an idle check of the completion
 * queue is a memory read, where epoll needs a syscall (counted by strace in a child JVM);
 * (b) a multishot {@code POLL_ADD} is edge-like, as {@code EPOLLET} is; (c) a CQ that
 * overflows loses nothing with {@code IORING_FEAT_NODROP}, but ends a multishot poll;
 * (d) a re-armed poll reports at once what is still there.
 */
final class IoUringLesson implements Lesson {
    /** Idle iterations per loop in part (a). */
    static final int ITERATIONS = 10_000;
    /** eventfd initial values that mark the start and the end of the loop in the strace. */
    private static final int START_MARK = 1_000_001;
    private static final int END_MARK = 1_000_002;

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public String summary() {
        return "io_uring readiness: an empty CQ check costs no syscall; multishot poll is edge-like; CQ overflow";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== io_uring: readiness through a ring ==");
        if (!IoUring.isSupported()) {
            out.println("skipped: " + IoUring.unavailabilityCause());
            return;
        }
        idleCost(out);
        edgeLike(out);
        overflow(out);
        out.println("remember: an empty completion check is a load of the CQ tail - no syscall, where");
        out.println("  epoll_wait(timeout 0) is one each time; waiting still takes io_uring_enter. A multishot");
        out.println("  poll posts one CQE per wake-up, like EPOLLET: drain until EAGAIN. A CQE without");
        out.println("  IORING_CQE_F_MORE ends it (an overflow, an error, a cancel): re-arm, and the new poll");
        out.println("  reports at once what is still unread. With IORING_FEAT_NODROP an overflowing CQ loses");
        out.println("  nothing: the kernel holds the CQEs (IORING_SQ_CQ_OVERFLOW) until the next enter.");
    }

    // ---- (a) ----

    private static void idleCost(PrintStream out) throws Exception {
        out.printf("(a) syscalls per idle loop iteration (nothing ready), %d iterations each:%n", ITERATIONS);
        Path strace = Myths.onPath("strace");
        if (strace == null) {
            out.println("    skipped - strace is not installed (apt-get install strace to count the syscalls");
            out.println("    of a child JVM's epoll_wait loop and io_uring CQ-reading loop)");
            out.println();
            return;
        }
        for (String mode : new String[] {"epoll", "io_uring"}) {
            Map<String, Integer> calls = straceLoop(strace, mode);
            if (calls == null) {
                out.println("    skipped - strace could not trace a child JVM here");
                out.println();
                return;
            }
            int total = calls.values().stream().mapToInt(Integer::intValue).sum();
            out.printf("    %-8s %6d syscalls in the looping thread = %.2f per iteration %s%n", mode, total,
                    (double) total / ITERATIONS, calls.isEmpty() ? "" : calls);
        }
        out.println("    (strace -ff of a child JVM, the loop's thread, between two marker eventfd2 calls:");
        out.println("     epoll_wait(epfd, events, 16, 0) against an acquire load of the CQ tail; a close");
        out.println("     is the start marker's own, anything else the JVM's)");
        out.println();
    }

    /** The loop's thread's syscalls between the markers, by name; null if strace failed. */
    private static Map<String, Integer> straceLoop(Path strace, String mode) throws Exception {
        Path dir = Files.createTempDirectory("jmux-io_uring-strace");
        try {
            List<String> cmd = new ArrayList<>(List.of(strace.toString(), "-ff", "-qq", "-o",
                    dir.resolve("trace").toString()));
            cmd.addAll(ChildJvm.command(Child.class));
            cmd.add(mode);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String childOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0 || !childOut.contains("looped")) {
                return null;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Map<String, Integer> calls = between(Files.readAllLines(f));
                    if (calls != null) {
                        return calls;
                    }
                }
            }
            return null;
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** Syscall name → count between the start and end markers of one thread; null if no markers. */
    static Map<String, Integer> between(List<String> lines) {
        Map<String, Integer> calls = null;
        for (String line : lines) {
            if (line.startsWith("eventfd2(" + START_MARK + ",")) {
                calls = new TreeMap<>();
            } else if (line.startsWith("eventfd2(" + END_MARK + ",")) {
                return calls;
            } else if (calls != null && line.indexOf('(') > 0 && !line.startsWith("+++") && !line.startsWith("---")) {
                calls.merge(line.substring(0, line.indexOf('(')), 1, Integer::sum);
            }
        }
        return null;
    }

    // ---- (b) ----

    private static void edgeLike(PrintStream out) throws Exception {
        out.println("(b) multishot POLL_ADD vs EPOLLET, the same socket, the same writes; after each step");
        out.println("    3 checks each (io_uring_enter(GETEVENTS, no wait) + CQ read; epoll_wait(0)), no read:");
        try (Fds fds = new Fds(); IoUring ring = IoUring.setup(8, 0); Epoll et = Epoll.create();
             EpollEvents events = new EpollEvents(4)) {
            int[] s = fds.socketpair();
            et.add(s[0], Epoll.EPOLLIN | Epoll.EPOLLET);
            ring.prepPollAdd(s[0], Poll.POLLIN, true, 1);
            ring.submit();
            compare(out, "step 1: armed on an empty socket", ring, et, events);
            write(s[1], 10);
            compare(out, "step 2: write 10 bytes", ring, et, events);
            write(s[1], 10);
            compare(out, "step 3: write 10 more (20 unread)", ring, et, events);
            Fd.read(s[0], new byte[5], 0, 5);
            compare(out, "step 4: read 5 (15 stay unread)", ring, et, events);
            drain(s[0]);
            write(s[1], 1);
            compare(out, "step 5: read until EAGAIN, then write 1", ring, et, events);
        }
        out.println();
    }

    private static void compare(PrintStream out, String step, IoUring ring, Epoll et, EpollEvents events)
            throws ErrnoException {
        int cqes = 0;
        int more = 0;
        int etReports = 0;
        for (int i = 0; i < 3; i++) {
            ring.submitAndWait(0, 0);
            int n = ring.cqReady();
            for (int j = 0; j < n; j++) {
                more += (ring.cqeFlags(j) & IoUring.IORING_CQE_F_MORE) != 0 ? 1 : 0;
            }
            ring.cqAdvance(n);
            cqes += n;
            etReports += et.wait(events, 0);
        }
        out.printf("    %-40s multishot CQEs: %d (F_MORE: %d)   EPOLLET reports: %d%n", step, cqes, more,
                etReports);
    }

    // ---- (c) and (d) ----

    private static void overflow(PrintStream out) throws Exception {
        try (Fds fds = new Fds(); IoUring ring = IoUring.setup(4, IoUring.IORING_SETUP_CQSIZE, 4, 0, 0, 0)) {
            boolean nodrop = (ring.features() & IoUring.IORING_FEAT_NODROP) != 0;
            out.printf("(c) CQ overflow: io_uring_setup(4, CQSIZE, cq_entries=4): sq=%d cq=%d, IORING_FEAT_NODROP %s%n",
                    ring.sqEntries(), ring.cqEntries(), nodrop ? "set" : "NOT set");
            nops(ring, 4);
            nops(ring, 4);
            out.printf("    8 NOPs submitted: CQ ready = %d, IORING_SQ_CQ_OVERFLOW %s, cqOverflow() = %d (lost)%n",
                    ring.cqReady(), overflowFlag(ring), ring.cqOverflow());
            int reaped = reap(ring, null);
            out.printf("    reaped %d and advanced the head: CQ ready = %d (the rest wait in the kernel)%n", reaped,
                    ring.cqReady());
            ring.submitAndWait(0, 0);
            int again = ring.cqReady();
            reaped += reap(ring, null);
            out.printf("    io_uring_enter(GETEVENTS): CQ ready = %d, flag %s; %d of 8 completions seen, %d lost%n",
                    again, overflowFlag(ring), reaped, ring.cqOverflow());
            out.println();

            int[] s = fds.socketpair();
            out.println("    a multishot POLLIN poll on a socket, then the CQ filled with 4 NOPs, then a write:");
            ring.prepPollAdd(s[0], Poll.POLLIN, true, 77);
            ring.submit();
            nops(ring, 4);
            write(s[1], 10);
            ring.submitAndWait(0, 0); // task work: the poll's wake-up tries to post its CQE
            out.printf("    CQ ready = %d (full), IORING_SQ_CQ_OVERFLOW %s%n", ring.cqReady(), overflowFlag(ring));
            reap(ring, null);
            ring.submitAndWait(0, 0);
            List<String> polls = new ArrayList<>();
            reap(ring, polls);
            out.printf("    after reaping and an enter, the poll's CQE: %s%n", String.join(", ", polls));
            write(s[1], 10);
            ring.submitAndWait(0, 0);
            polls.clear();
            reap(ring, polls);
            out.printf("    write 10 more: %d CQEs - that poll has ended (no F_MORE: it will not post again)%n",
                    polls.size());
            out.println();

            out.println("(d) re-arm:");
            ring.prepPollAdd(s[0], Poll.POLLIN, true, 78);
            ring.submitAndWait(0, 0);
            polls.clear();
            reap(ring, polls);
            out.printf("    a new multishot POLL_ADD, 20 bytes still unread: %s%n", String.join(", ", polls));
            out.println("    at once: a new poll checks the fd when it is armed, so nothing that came while");
            out.println("    no poll was armed is missed (the one CQE that is level-like)");
            ring.prepPollRemove(78, 79);
            ring.submitAndWait(0, 0);
            polls.clear();
            reap(ring, polls);
            out.printf("    POLL_REMOVE of it: %s%n", String.join(", ", polls));
            out.println();
        }
    }

    private static String overflowFlag(IoUring ring) {
        return (ring.sqFlags() & IoUring.IORING_SQ_CQ_OVERFLOW) != 0 ? "set" : "clear";
    }

    private static void nops(IoUring ring, int n) throws ErrnoException {
        for (int i = 0; i < n; i++) {
            ring.prepNop(0);
        }
        ring.submit();
    }

    /** Passes every ready CQE; describes those that are not NOPs (user_data 0) into {@code polls}. */
    private static int reap(IoUring ring, List<String> polls) {
        int n = ring.cqReady();
        for (int i = 0; i < n; i++) {
            long ud = ring.cqeUserData(i);
            if (ud != 0 && polls != null) {
                int res = ring.cqeRes(i);
                int flags = ring.cqeFlags(i);
                polls.add("user_data=" + ud + " res=" + (res < 0 ? "-" + Errno.name(-res) : Poll.eventNames(res))
                        + ((flags & IoUring.IORING_CQE_F_MORE) != 0 ? " F_MORE" : " no F_MORE"));
            }
        }
        ring.cqAdvance(n);
        return n;
    }

    private static void write(int fd, int len) throws ErrnoException {
        Fd.write(fd, new byte[len], 0, len);
    }

    private static void drain(int fd) throws ErrnoException {
        byte[] buf = new byte[64];
        while (!Errno.isWouldBlock(Fd.read(fd, buf, 0, buf.length))) {
            // until EAGAIN
        }
    }

    /** Runs in the child JVM: {@value #ITERATIONS} idle checks of epoll or of a ring, between markers. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            int efd = EventFd.eventfd(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK); // never ready
            long found = 0;
            try (Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(16); IoUring ring = IoUring.setup(8, 0)) {
                ep.add(efd, Epoll.EPOLLIN);
                ring.prepPollAdd(efd, Poll.POLLIN, true, 1);
                ring.submit();
                boolean epoll = args[0].equals("epoll");
                for (int warm = 0; warm < 2; warm++) { // compile the loops before the counted one
                    found += epoll ? epollLoop(ep, events) : ringLoop(ring);
                }
                Fd.close(EventFd.eventfd(0, EventFd.EFD_CLOEXEC)); // what the markers load, loaded now
                Fd.close(EventFd.eventfd(START_MARK, EventFd.EFD_CLOEXEC));
                found += epoll ? epollLoop(ep, events) : ringLoop(ring);
                Fd.close(EventFd.eventfd(END_MARK, EventFd.EFD_CLOEXEC));
            }
            Fd.close(efd);
            System.out.println("looped, found " + found);
        }

        private static long epollLoop(Epoll ep, EpollEvents events) throws ErrnoException {
            long found = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                found += ep.wait(events, 0);
            }
            return found;
        }

        private static long ringLoop(IoUring ring) {
            long found = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                found += ring.cqReady();
            }
            return found;
        }
    }
}
