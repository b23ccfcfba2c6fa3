package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.Fd;
import io.jmux.FdSet;
import io.jmux.Poll;
import io.jmux.PollFds;
import io.jmux.Select;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Claims often repeated about these APIs, each tested against this kernel: the evidence
 * is printed, and the verdict follows from it.
 */
final class Myths implements Lesson {
    static final int BUSY_FDS = 1000;
    static final int CHURN_FDS = 100;

    @Override
    public String name() {
        return "myths";
    }

    @Override
    public String summary() {
        return "test common claims (epoll mmap's its ready list, select's 1024 limit, epoll always wins...)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== myths: claims about select, poll and epoll, tested ==");
        out.println();
        mmapMyth(out);
        out.println();
        selectLimitMyth(out);
        out.println();
        epollAlwaysWinsMyth(out);
        out.println();
        closeRemovesMyth(out);
    }

    // ---- myth 1 ----

    private static void mmapMyth(PrintStream out) throws Exception {
        out.println("myth 1: \"epoll shares its ready list with user space through mmap, so epoll_wait");
        out.println("        copies nothing\"");
        int mapsBefore = eventpollMappings();
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(16)) {
            int efd = fds.eventfd(1);
            ep.add(efd, Epoll.EPOLLIN);
            int n = ep.wait(events, 0);
            out.printf("  evidence a: /proc/self/fd/%d -> %s: an fd, whose file is an anonymous inode%n", ep.fd(),
                    Fds.describe(ep.fd()));
            out.printf("  evidence b: /proc/self/maps lines naming eventpoll: %d before, %d with an epoll set%n",
                    mapsBefore, eventpollMappings());
            out.printf("              that reported %d event (data=%d) into memory this program allocated%n", n,
                    n > 0 ? events.fd(0) : -1);
        }
        straceEvidence(out);
        out.println("  verdict: false. epoll_wait(epfd, events, maxevents, timeout) takes the caller's array");
        out.println("  and the kernel copies each ready event into it; nothing is mapped. (Shared-ring");
        out.println("  designs exist - io_uring is one - but epoll is not one of them.)");
    }

    /** Mappings in /proc/self/maps that mention eventpoll (an mmap'ed epoll fd would). */
    private static int eventpollMappings() throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("eventpoll")) {
                n++;
            }
        }
        return n;
    }

    /**
     * Runs {@link Child} in a fresh JVM under strace and shows every epoll call and any
     * mmap of the epoll fd. Skipped, saying why, when strace is missing or cannot trace.
     */
    private static void straceEvidence(PrintStream out) throws Exception {
        Path strace = onPath("strace");
        if (strace == null) {
            out.println("  evidence c: skipped - strace is not installed (apt-get install strace to see the");
            out.println("              syscalls of a child JVM doing one epoll_wait)");
            return;
        }
        // -ff: one file per thread, so no call is split by another thread's line.
        Path dir = Files.createTempDirectory("jmux-myths-strace");
        try {
            // -ttt: a timestamp per line, for a reader comparing threads; the lesson reads one thread.
            List<String> cmd = new ArrayList<>(List.of(strace.toString(), "-ff", "-qq", "-ttt", "-o",
                    dir.resolve("trace").toString(),
                    "-e", "trace=epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2,mmap,close"));
            cmd.addAll(ChildJvm.command(Child.class));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close(); // the child reads nothing; do not keep the pipe open
            String childOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Matcher m = Pattern.compile("epfd=(\\d+)").matcher(childOut);
            if (p.exitValue() != 0 || !m.find()) {
                out.println("  evidence c: skipped - strace could not trace a child JVM here (exit " + p.exitValue()
                        + "): " + firstLine(childOut));
                return;
            }
            String epfd = m.group(1);
            StraceEvidence ev = StraceEvidence.read(dir, epfd);
            out.printf("  evidence c: strace of a child JVM that waits once on epoll fd %s:%n", epfd);
            for (String call : ev.epollCalls) {
                out.println("              " + call);
            }
            out.printf("              mmap calls in the whole JVM: %d; of the epoll fd: %d%n", ev.mmaps, ev.mmapsOfEpfd);
            out.println("              (strace shows the events array epoll_wait filled - a copy into user memory)");
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * What the per-thread strace files ({@code strace -ff}) say about one epoll fd.
     *
     * <p>The story of the fd is read from the one thread that created it, in that
     * thread's own order. Merging the threads' lines by time does not work: strace
     * stamps a call when it enters, and another thread's {@code close} of the number
     * epoll_create1 is about to return can enter after epoll_create1 did (the kernel
     * frees the number before it hands it out again), so the merged story would end
     * the epoll fd right after creating it (about 1 run in 15 lost the epoll_wait line).
     */
    static final class StraceEvidence {
        /** The owner thread's epoll_create1 returning the fd, then its epoll_* calls on it, up to its close. */
        final List<String> epollCalls = new ArrayList<>();
        /** mmap calls in every thread. */
        int mmaps;
        /** mmap calls of the epoll fd by its thread while it named the epoll instance. */
        int mmapsOfEpfd;

        static StraceEvidence read(Path dir, String epfd) throws IOException {
            StraceEvidence ev = new StraceEvidence();
            for (List<String> thread : threads(dir)) {
                for (String call : thread) {
                    ev.mmaps += call.startsWith("mmap(") ? 1 : 0;
                }
                if (ev.epollCalls.isEmpty()) {
                    ev.follow(thread, epfd);
                }
            }
            return ev;
        }

        /** If this thread created the epoll fd and waited on it, records its calls on it. */
        private void follow(List<String> thread, String epfd) {
            int created = creationBeforeWait(thread, epfd);
            if (created < 0) {
                return; // another thread, or another file that had this number
            }
            Pattern mmapOfEpfd = Pattern.compile("mmap\\(.*, " + epfd + ", 0x?[0-9a-f]*\\)");
            epollCalls.add(thread.get(created));
            for (String call : thread.subList(created + 1, thread.size())) {
                if (call.startsWith("close(" + epfd + ")")) {
                    return;
                } else if (call.matches("epoll_\\w+\\(" + epfd + "\\b.*")) {
                    epollCalls.add(call);
                } else if (mmapOfEpfd.matcher(call).find()) {
                    mmapsOfEpfd++;
                }
            }
        }
    }

    /** Index of the epoll_create1 returning epfd that an epoll_wait on it follows, or -1. */
    private static int creationBeforeWait(List<String> thread, String epfd) {
        int created = -1;
        for (int i = 0; i < thread.size(); i++) {
            String call = thread.get(i);
            if (call.startsWith("epoll_create1") && call.endsWith("= " + epfd)) {
                created = i; // the latest one: the number may have named an earlier epoll fd
            } else if (created >= 0 && call.startsWith("epoll_wait(" + epfd + ",")) {
                return created;
            }
        }
        return -1;
    }

    /** Each per-thread strace file's calls, in that thread's order, timestamps removed. */
    private static List<List<String>> threads(Path dir) throws IOException {
        List<List<String>> threads = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir).sorted()) {
            for (Path f : (Iterable<Path>) files::iterator) {
                List<String> calls = new ArrayList<>();
                for (String line : Files.readAllLines(f)) {
                    calls.add(line.substring(line.indexOf(' ') + 1)); // -ttt: "1764630000.123456 call"
                }
                threads.add(calls);
            }
        }
        return threads;
    }

    static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Runs in the child JVM: one epoll set, one ready eventfd, one wait. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            int efd = io.jmux.EventFd.eventfd(1, io.jmux.EventFd.EFD_CLOEXEC);
            try (Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(16)) {
                ep.add(efd, Epoll.EPOLLIN);
                int n = ep.wait(events, 1000);
                System.out.println("epfd=" + ep.fd() + " efd=" + efd + " events=" + n);
            }
            Fd.close(efd);
        }
    }

    // ---- myth 2 ----

    private static void selectLimitMyth(PrintStream out) throws Exception {
        out.println("myth 2: \"select cannot watch fds above 1024: the kernel limits it\"");
        if (Fds.softLimit() >= 0 && Fds.softLimit() <= FdSetsize.BIG) {
            out.println("  skipped: RLIMIT_NOFILE is " + Fds.softLimit() + ", too low for an fd above "
                    + FdSetsize.BIG);
            return;
        }
        try (Fds fds = new Fds()) {
            int big = fds.track(Fd.fcntl(fds.eventfd(1), Fd.F_DUPFD_CLOEXEC, FdSetsize.BIG));
            try (FdSet set = new FdSet(big + 1)) {
                set.set(big);
                int n = Select.select(big + 1, set, null, null, 0);
                out.printf("  evidence: select(nfds=%d) with a %d-bit set = %d, fd %d ready: %s%n", big + 1,
                        set.capacity(), n, big, set.isSet(big) ? "yes" : "no");
            }
        }
        out.println("  verdict: false for the kernel, true for glibc: FD_SETSIZE (1024) sizes the C type");
        out.println("  fd_set and bounds its macros. See: lesson fd-setsize.");
    }

    // ---- myth 3 ----

    private static void epollAlwaysWinsMyth(PrintStream out) throws Exception {
        out.println("myth 3: \"epoll always beats poll\"");
        allBusy(out);
        churn(out);
        oneShortWait(out);
        out.println("  verdict: false. epoll's win is O(ready) instead of O(watched): many fds, few ready");
        out.println("  (lesson scan-cost). With every fd ready (a) that advantage is gone - both do O(n)");
        out.println("  work. Interest changes cost epoll a syscall each where poll writes memory (b), and");
        out.println("  a one-off wait pays epoll's set-up syscalls (c). (Times: medians of single calls on");
        out.println("  this machine, an illustration; the JMH benchmarks measure with error bars.)");
    }

    /** "close (within 1.5x)" or "poll 2.3x faster": the comparison the numbers support. */
    private static String compare(double poll, double epoll) {
        double ratio = epoll / poll;
        if (ratio <= 1.5 && ratio >= 1 / 1.5) {
            return String.format(Locale.ROOT, "close: epoll/poll = %.2f", ratio);
        }
        return ratio > 1 ? String.format(Locale.ROOT, "poll %.1fx faster", ratio)
                : String.format(Locale.ROOT, "epoll %.1fx faster", 1 / ratio);
    }

    /** c) One wait on one fd from scratch: poll is 1 syscall, epoll 4. */
    private static void oneShortWait(PrintStream out) throws Exception {
        try (Fds fds = new Fds(); PollFds pfds = new PollFds(1); EpollEvents events = new EpollEvents(1)) {
            int efd = fds.eventfd(1);
            pfds.add(efd, Poll.POLLIN);
            double poll = median(() -> Poll.poll(pfds, 0));
            double epoll = median(() -> {
                try (Epoll ep = Epoll.create()) {
                    ep.add(efd, Epoll.EPOLLIN);
                    return ep.wait(events, 0);
                }
            });
            out.printf(Locale.ROOT, "  c) one wait on one fd, from scratch: poll 1 syscall, %.1f us; epoll 4 syscalls"
                    + " (epoll_create1, epoll_ctl, epoll_wait, close), %.1f us - %s%n", poll / 1000, epoll / 1000,
                    compare(poll, epoll));
        }
    }

    /** a) Every fd ready: both return n; time one call of each. */
    private static void allBusy(PrintStream out) throws Exception {
        if (Fds.softLimit() >= 0 && Fds.softLimit() - Fds.openCount() < BUSY_FDS + 64) {
            out.println("  a) skipped: fewer than " + BUSY_FDS + " fds free under RLIMIT_NOFILE");
            return;
        }
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(BUSY_FDS);
             PollFds pfds = new PollFds(BUSY_FDS)) {
            for (int i = 0; i < BUSY_FDS; i++) {
                int efd = fds.eventfd(1); // every one readable
                pfds.add(efd, Poll.POLLIN);
                ep.add(efd, Epoll.EPOLLIN);
            }
            int[] ready = new int[2];
            double poll = median(() -> ready[0] = Poll.poll(pfds, 0));
            double epoll = median(() -> ready[1] = ep.wait(events, 0));
            out.printf(Locale.ROOT, "  a) %d fds, all ready: poll returned %d in %.1f us; epoll_wait returned %d in %.1f us"
                    + " - %s%n", BUSY_FDS, ready[0], poll / 1000, ready[1], epoll / 1000, compare(poll, epoll));
        }
    }

    /** b) Flip write interest on 100 fds between waits: poll writes memory, epoll makes syscalls. */
    private static void churn(PrintStream out) throws Exception {
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(CHURN_FDS);
             PollFds pfds = new PollFds(CHURN_FDS)) {
            int[] efd = new int[CHURN_FDS];
            for (int i = 0; i < CHURN_FDS; i++) {
                efd[i] = fds.eventfd(0); // idle for reading; always writable
                pfds.add(efd[i], Poll.POLLIN);
                ep.add(efd[i], Epoll.EPOLLIN);
            }
            boolean[] out2 = {false};
            int[] syscalls = new int[2];
            double poll = median(() -> {
                out2[0] = !out2[0];
                for (int i = 0; i < CHURN_FDS; i++) {
                    pfds.setEvents(i, out2[0] ? Poll.POLLIN | Poll.POLLOUT : Poll.POLLIN); // plain memory writes
                }
                syscalls[0] = 1;
                return Poll.poll(pfds, 0);
            });
            double epoll = median(() -> {
                out2[0] = !out2[0];
                for (int i = 0; i < CHURN_FDS; i++) {
                    ep.modify(efd[i], out2[0] ? Epoll.EPOLLIN | Epoll.EPOLLOUT : Epoll.EPOLLIN); // one syscall each
                }
                syscalls[1] = CHURN_FDS + 1;
                return ep.wait(events, 0);
            });
            out.printf(Locale.ROOT, "  b) flip EPOLLOUT/POLLOUT on %d fds before each wait: poll %d syscall, %.1f us;"
                    + " epoll %d syscalls, %.1f us - %s%n", CHURN_FDS, syscalls[0], poll / 1000, syscalls[1],
                    epoll / 1000, compare(poll, epoll));
        }
    }

    interface Body {
        int run() throws ErrnoException;
    }

    /** Median time of one run of body, in ns, after a warm-up (5000 runs or 20 ms, for the JIT). */
    private static double median(Body body) throws ErrnoException {
        long end = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < 5000 && System.nanoTime() < end; i++) {
            body.run();
        }
        long[] t = new long[801];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            body.run();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    // ---- myth 4 ----

    private static void closeRemovesMyth(PrintStream out) throws Exception {
        out.println("myth 4: \"close(fd) removes fd from every epoll set\"");
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(4)) {
            // Linux gives each new fd the lowest free number, and a JVM opens files on
            // other threads at any time: one of them could be handed a just-closed low
            // number before the epoll_ctl(DEL) below. A number far above the JVM's own
            // fds stays closed.
            int efd = highNumbered(fds, fds.eventfd(0));
            ep.add(efd, Epoll.EPOLLIN); // data word = efd
            int dup = fds.track(Fd.fcntl(efd, Fd.F_DUPFD_CLOEXEC, 0));
            fds.close(efd);
            out.printf("  evidence: epoll_ctl(ADD, eventfd %d); fcntl(%d, F_DUPFD_CLOEXEC) = %d; close(%d)%n", efd, efd,
                    dup, efd);
            io.jmux.EventFd.write(dup, 1);
            int n = ep.wait(events, 0);
            out.printf("            make it readable through fd %d: epoll_wait = %d, data=%d - fd %d, which is closed%n",
                    dup, n, n > 0 ? events.fd(0) : -1, efd);
            String del;
            try {
                ep.delete(efd);
                del = "0";
            } catch (ErrnoException e) {
                del = e.errnoName();
            }
            out.printf("            epoll_ctl(DEL, %d) = %s: the closed number cannot even remove it%n", efd, del);
            fds.close(dup);
            out.printf("            close(%d) too: epoll_wait = %d%n", dup, ep.wait(events, 0));
        }
        out.println("  verdict: false. epoll watches the open file, not the fd number: it forgets it only when");
        out.println("  every fd referring to that file is closed (dup, fork, SCM_RIGHTS make more). Call");
        out.println("  epoll_ctl(DEL) before close.");
    }

    /** fd moved to a number at least 512 (or half the fd limit if that is lower); fd closed. */
    private static int highNumbered(Fds fds, int fd) throws ErrnoException {
        long limit = Fds.softLimit();
        int floor = (int) Math.min(512, limit > 0 ? limit / 2 : 512);
        int high = fds.track(Fd.fcntl(fd, Fd.F_DUPFD_CLOEXEC, floor));
        fds.close(fd);
        return high;
    }
}
