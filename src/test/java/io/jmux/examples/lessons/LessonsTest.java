package io.jmux.examples.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every lesson runs against the real kernel, and the facts it prints — the kernel's
 * answers the lesson is about — are asserted. Timings are printed by some lessons but
 * never asserted (JMH measures performance).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LessonsTest {
    /**
     * The first use of jmux and of java.net opens fds the JDK keeps (the library's temp
     * file's random source, a socket): open them before the lessons count fds.
     */
    @BeforeAll
    static void warmUp() throws Exception {
        io.jmux.Jmux.ensureAvailable();
        java.net.InetAddress.getByName("127.0.0.1");
    }

    private static String run(String name) throws Exception {
        Lesson lesson = Lessons.find(name);
        assertNotNull(lesson, name);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<Integer, String> before = lessonKindFds();
        lesson.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        Map<Integer, String> left = lessonKindFds();
        left.entrySet().removeAll(before.entrySet());
        assertTrue(left.isEmpty(), "the lesson left open " + left + ":\n" + out);
        return out;
    }

    /**
     * fd number -> link target, for the kinds of file lessons make (pipes, sockets,
     * epoll and eventfd inodes). A leak is such an fd that is open after the lesson and
     * was not before. Comparing counts is not enough: the JVM opens and closes files on
     * other threads (class files, and Cleaners closing what earlier tests dropped).
     */
    private static Map<Integer, String> lessonKindFds() throws IOException {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path link : dir) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith("pipe:") || target.startsWith("socket:")
                            || target.startsWith("anon_inode:")) {
                        fds.put(Integer.parseInt(link.getFileName().toString()), target);
                    }
                } catch (IOException closedMeanwhile) {
                    // closed between the listing and the read: not open after all
                }
            }
        }
        return fds;
    }

    private static void has(String out, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(out).find(),
                "missing /" + regex + "/ in:\n" + out);
    }

    private static Matcher find(String out, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(out);
        assertTrue(m.find(), "missing /" + regex + "/ in:\n" + out);
        return m;
    }

    @Test
    void everyLessonIsListedOnce() {
        List<String> names = Lessons.ALL.stream().map(Lesson::name).collect(Collectors.toList());
        assertEquals(List.of("eagain", "lt-vs-et", "oneshot", "fd-setsize", "scan-cost", "thundering-herd", "emfile",
                "myths", "sigio", "io_uring", "reactor-vs-proactor"),
                names);
    }

    @Test
    void ltVsEt() throws Exception {
        String out = run("lt-vs-et");
        String lt3et1 = "\\n\\s+LT: reported 3 of 3 waits\\s+ET: reported 1 of 3 waits";
        has(out, "^step 1: write 10 bytes.*" + lt3et1);
        has(out, "^step 2: write 10 more.*" + lt3et1); // a new write is a new edge
        has(out, "^step 3: read 5 of the 20 bytes.*\\n\\s+LT: reported 3 of 3 waits\\s+ET: reported 0 of 3 waits");
        has(out, "^step 4: read the other 15 bytes.*\\n\\s+LT: reported 0 of 3 waits\\s+ET: reported 0 of 3 waits");
        has(out, "^step 5: write 1 byte" + lt3et1);
    }

    @Test
    void eagain() throws Exception {
        String out = run("eagain");
        has(out, "read\\(\\d+, 512\\) = 440\\n.*read\\(\\d+, 512\\) = -EAGAIN");
        has(out, "drained 3000 bytes in 6 reads, then EAGAIN");
        has(out, "step 3: read again: -EAGAIN after");
        has(out, "after 200 ms: still blocked in read: yes");
        has(out, "the blocked read returned 5 after");
        long taken = Long.parseLong(find(out, "the kernel took (\\d+) bytes in \\d+ writes, then write returned EAGAIN")
                .group(1));
        assertTrue(taken > 0, "the send buffer held something");
        has(out, "now write\\(\\d+, 65536\\) = 65536: room again");
        has(out, "accept4\\(\\d+\\) with no connection pending = -EAGAIN");
        has(out, "connect\\(\\d+\\) from a non-blocking socket = -EINPROGRESS");
        has(out, "getsockopt\\(\\d+, SO_ERROR\\) = 0");
    }

    @Test
    void oneshot() throws Exception {
        String out = run("oneshot");
        has(out, "step 1: epoll_wait = 1 ");
        has(out, "step 2: 3 more waits, fd still readable: reported 0 times");
        has(out, "step 3: write 5 to the eventfd \\(a new event\\), 3 waits: reported 0 times");
        has(out, "step 4: EPOLL_CTL_ADD again: EEXIST");
        has(out, "step 5: EPOLL_CTL_MOD re-arms it; 3 waits: reported 1 times");
        has(out, "step 6: .*3 waits: reported 3 times");
    }

    @Test
    void fdSetsize() throws Exception {
        String out = run("fd-setsize");
        has(out, "FD_SETSIZE = 1024 ");
        Assumptions.assumeFalse(out.contains("skipped:"), "RLIMIT_NOFILE too low here:\n" + out);
        String big = find(out, "F_DUPFD_CLOEXEC, 1500\\) = (\\d+)").group(1);
        assertTrue(Integer.parseInt(big) >= 1500);
        has(out, "jmux refuses: fd " + big + " is beyond this FdSet's capacity 1024");
        has(out, "step 2: .*select\\(nfds=" + (Integer.parseInt(big) + 1) + "\\) = 1, fd " + big + " ready: yes");
        has(out, "step 3: select\\(nfds=100000\\).* = 1, fd " + big + " ready: yes");
        has(out, "step 4: poll on fd " + big + " = 1 \\(POLLIN\\); epoll_wait with fd " + big
                + " registered = 1 \\(data=" + big + "\\)");
    }

    @Test
    void scanCost() throws Exception {
        String out = run("scan-cost");
        for (int n : ScanCost.SIZES) {
            Matcher row = find(out, "^\\s+" + n + "\\s+(.*)$");
            if (row.group(1).startsWith("skipped:")) {
                assertTrue(Fds.softLimit() < n + 200, "skipped only for want of fds: " + row.group());
                continue;
            }
            assertTrue(row.group(1).matches("\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+1/1/1"),
                    "one timed call each, exactly one fd ready: " + row.group());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS) // each of its rounds waits for every worker to sleep: slow under ASan on a busy machine
    void thunderingHerd() throws Exception {
        String out = run("thundering-herd");
        String all = (" " + ThunderingHerd.WORKERS).repeat(ThunderingHerd.CONNECTIONS).strip();
        String one = " 1".repeat(ThunderingHerd.CONNECTIONS).strip();
        has(out, "EPOLLIN\\|EPOLLET: +wake-ups per connection: " + all + " ");
        has(out, "EPOLLIN\\|EPOLLET\\|EPOLLEXCLUSIVE: +wake-ups per connection: " + one + " ");
        Matcher herd = find(out, "EPOLLIN: +epoll_wait returned \\d+ times, (\\d+) accepts, (\\d+) met EAGAIN;"
                + " kernel: (\\d+) context switches");
        Matcher exclusive = find(out, "EPOLLIN\\|EPOLLEXCLUSIVE: +epoll_wait returned \\d+ times, (\\d+) accepts,"
                + " (\\d+) met EAGAIN; kernel: (\\d+) context switches");
        assertEquals(ThunderingHerd.CONNECTIONS, Integer.parseInt(herd.group(1)));
        assertEquals(ThunderingHerd.CONNECTIONS, Integer.parseInt(exclusive.group(1)));
        assertTrue(Long.parseLong(herd.group(3)) > Long.parseLong(exclusive.group(3)),
                "the kernel woke more threads without EPOLLEXCLUSIVE:\n" + out);
        int eagainHerd = Integer.parseInt(herd.group(2));
        int eagainExclusive = Integer.parseInt(exclusive.group(2));
        assertTrue(out.contains(ThunderingHerd.part2Verdict(eagainHerd, eagainExclusive)),
                "the verdict follows the counts printed above it:\n" + out);
    }

    /**
     * The child JVM fills its fd table; the kernel's answers are asserted, the rates only
     * against bounds no busy machine gets near: a level-triggered loop on a listener it
     * cannot accept from wakes tens of thousands of times a second, the back-off ~10.
     */
    @Test
    void emfile() throws Exception {
        String out = run("emfile");
        has(out, "RLIMIT_NOFILE = " + Emfile.FD_LIMIT + ";");
        has(out, "dup\\(fd=\\d+\\): EMFILE \\(Too many open files\\) - every number 0-" + (Emfile.FD_LIMIT - 1)
                + " is taken");
        has(out, "step 2: epoll_wait\\(LT\\) = 1 \\(EPOLLIN\\).*\\n\\s+accept4\\(fd=\\d+\\): EMFILE \\(Too many open files\\)");
        Matcher busy = find(out, "epoll_wait returned at once (\\d+) times, accept4 = EMFILE (\\d+) times, 0 accepted\\n"
                + "\\s+LT busy loop: (\\d+) wake-ups per second");
        assertEquals(busy.group(1), busy.group(2), "every wake-up met EMFILE");
        long busyRate = Long.parseLong(busy.group(3));
        assertTrue(busyRate >= 1000, "a busy loop: " + busy.group());

        has(out, "step 4: epoll_wait\\(ET\\) = 1: .*; accept4 = EMFILE$");
        has(out, "step 5: 5 waits of 100 ms: reported 0 times; poll says the listener is readable: yes");
        has(out, "step 6: client B connects: epoll_wait\\(ET\\) = 1 .*\\n\\s+accept4 = EMFILE again");
        has(out, "step 7: close 4 of the dups.*: 5 waits of 100 ms: reported 0 times");

        has(out, "(accept4 = EMFILE; close\\((\\d+)\\); accept4 = \\2; close\\(\\2\\); dup = \\2\\n\\s+){2}"
                + "accept4 = EMFILE; close\\(\\d+\\); accept4 = -EAGAIN - nobody was waiting");
        has(out, "2 connections turned away; client A reads 0, client B reads 0 \\(end of stream\\)");
        has(out, "the queue is empty: epoll_wait\\(LT, 0\\) = 0");

        Matcher calm = find(out, "LT with back-off, .*: epoll_wait returned (\\d+) times, accept4 = EMFILE (\\d+) times,\\n"
                + "\\s+(\\d+) wake-ups per second, \\d+ ms of CPU; C and D still queued: yes");
        long calmRate = Long.parseLong(calm.group(3));
        assertTrue(calmRate >= 1 && calmRate <= 1 + 2 * 1000 / Emfile.BACKOFF_MILLIS, "one retry per back-off: "
                + calm.group());
        assertTrue(Long.parseLong(calm.group(2)) >= 1, calm.group());
        assertTrue(busyRate > 10 * calmRate, busyRate + " vs " + calmRate);
        has(out, "epoll_wait reported 1 edge, then\\n\\s+timed out \\d+ times; accept4 at each retry: (EMFILE; )+"
                + "\\[4 fds freed\\] (\\d+), (\\d+), -EAGAIN$");
        has(out, "C and D accepted as fds \\d+ and \\d+ with no new edge: both served");
    }

    /**
     * One siginfo per readiness change of the armed socket (a second arrival is a second
     * signal; unread data is not signalled again), POLL_OUT once the peer drains it; and
     * under ulimit -i the fallback SIGIO: thread-directed with F_OWNER_TID (the child
     * lives), fatal with a process owner.
     */
    @Test
    void sigio() throws Exception {
        String out = run("sigio");
        String s = find(out, "server end S = fd (\\d+): F_SETOWN_EX \\{F_OWNER_TID, (\\d+)\\}").group(1);
        String in = "signo=\\d+ code=POLL_IN fd=" + s + " band=POLLIN\\|POLLRDNORM";
        has(out, "^step 1: C writes 10 bytes.*\\n\\s+1 siginfo: " + in + "$");
        has(out, "^step 2: nothing read.*\\n\\s+0 siginfos$");
        has(out, "^step 3: C writes 10 more.*\\n\\s+1 siginfo: " + in + "$");
        has(out, "^step 4: S reads until EAGAIN: 20 bytes\\n\\s+0 siginfos$");
        has(out, "^step 5: S writes until EAGAIN .*\\n\\s+0 siginfos$");
        has(out, "^step 6: C reads them all.*\\n\\s+\\d+ siginfos?:\\s+signo=\\d+ code=POLL_OUT fd=" + s
                + " band=POLLOUT\\|POLLWRNORM\\|POLLWRBAND");
        has(out, "^step 7: C writes 5 bytes.*\\n\\s+1 siginfo: " + in + "$");
        has(out, "^step 8: C closes.*S then reads 5 bytes, and read = 0 .*\\n\\s+\\d+ siginfos?:\\s+" + in);

        has(out, "A: RLIMIT_SIGPENDING " + Sigio.SIGPENDING + ";");
        has(out, "A: 20 writes; pending for thread \\d+ \\(SigPnd\\): 29 \\d+; for the process \\(ShdPnd\\): none");
        Matcher a = find(out, "A: signalfd read: (\\d+) siginfos for signal \\d+, one per fd, and "
                + "signo=29 \\(SIGIO\\) code=SI_KERNEL fd=0 band=0$");
        int queued = Integer.parseInt(a.group(1));
        assertTrue(queued >= 1 && queued <= Sigio.SIGPENDING, "at most RLIMIT_SIGPENDING queued: " + a.group());
        has(out, "A: " + (Sigio.PAIRS - queued) + " changes were lost.*: poll all 20 fds: 20 readable\\n\\s+exit status 0$");
        has(out, "B: fd \\d+: F_SETOWN_EX \\{F_OWNER_PID, \\d+\\}; a write to it now\\.\\.\\.\\n"
                + "\\s+exit status 157 = 128 \\+ 29: killed by SIGIO");
        has(out, "^remember: .*one siginfo per readiness change");
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** The verdict names what the EAGAIN counts show, whichever way a run went. */
    @Test
    void thunderingHerdVerdictFollowsTheEagainCounts() {
        String none = oneLine(ThunderingHerd.part2Verdict(0, 0));
        assertTrue(none.contains("saw no herd"), none);
        String some = oneLine(ThunderingHerd.part2Verdict(1, 0));
        assertTrue(some.contains("saw some of the herd: 1 accept met EAGAIN without EPOLLEXCLUSIVE, 0 with"),
                some);
        assertTrue(!some.contains("no herd"), some);
        String three = oneLine(ThunderingHerd.part2Verdict(3, 1));
        assertTrue(three.contains("3 accepts met EAGAIN without EPOLLEXCLUSIVE, 1 with"), three);
    }

    @Test
    void myths() throws Exception {
        String out = run("myths");
        has(out, "/proc/self/fd/\\d+ -> anon_inode:\\[eventpoll\\]");
        has(out, "lines naming eventpoll: 0 before, 0 with an epoll set");
        if (!out.contains("evidence c: skipped")) { // strace missing or not permitted: nothing to assert
            has(out, "^\\s+epoll_wait\\((\\d+), \\[\\{events=EPOLLIN, data=\\{u32=\\d+, u64=\\d+\\}\\}\\], 16, 1000\\) = 1");
            has(out, "mmap calls in the whole JVM: [1-9]\\d*; of the epoll fd: 0");
        }
        has(out, "myth 2:.*\\n.*select\\(nfds=\\d+\\) with a \\d+-bit set = 1, fd \\d+ ready: yes");
        has(out, "a\\) 1000 fds, all ready: poll returned 1000 in .* epoll_wait returned 1000 in");
        has(out, "b\\) .*: poll 1 syscall, .*; epoll 101 syscalls");
        Matcher closed = find(out, "epoll_ctl\\(ADD, eventfd (\\d+)\\)");
        String fd = closed.group(1);
        has(out, "epoll_wait = 1, data=" + fd + " - fd " + fd + ", which is closed");
        has(out, "epoll_ctl\\(DEL, " + fd + "\\) = EBADF");
        has(out, "close\\(\\d+\\) too: epoll_wait = 0");
    }

    /**
     * Who copies: epoll reports readiness and the read copies; the RECV's CQE arrives with
     * the bytes already in a ring buffer and the socket empty. The traced servers: the
     * reactor reads and writes itself (one write per 64-byte echo), the proactor makes no
     * read, write or epoll call, only io_uring_enter, and one SEND request per echo.
     */
    @Test
    void reactorVsProactor() throws Exception {
        String out = run("reactor-vs-proactor");
        Assumptions.assumeFalse(out.contains("skipped:"), out);
        has(out, "my buffer before I read: 00 00 00 00 00\n.*read\\(\\d+, buf, 64\\) = 5 -> \"hello\": the copy"
                + " happened in my read");
        has(out, "CQE res=5, IORING_CQE_F_BUFFER, buffer id \\d+ -> \"hello\"");
        has(out, "read\\(\\d+\\) now = -EAGAIN: the socket is already empty");
        String epoll = find(out, "(?s)^  epoll-et\n(.*?)^  proactor\n").group(1);
        String proactor = find(out, "(?s)^  proactor\n(.*?)^\n").group(1);
        has(epoll, "^    write +1\\.00 +1\\.00$");
        has(epoll, "^    read +[1-9]\\.\\d\\d +[1-9]\\.\\d\\d$");
        has(proactor, "^    io_uring_enter +\\d+\\.\\d\\d +\\d+\\.\\d\\d$");
        has(proactor, "^      SQE IORING_OP_SEND +1\\.00 +1\\.00$");
        for (String call : List.of("read", "write", "recv", "send", "epoll_wait")) {
            assertFalse(proactor.contains("    " + call + " "), call + " in the proactor's rows:\n" + out);
        }
        has(out, "POLL_ADD\\(POLLIN\\) completes with res=POLLIN .*\n.*the 5 bytes were still in the socket");
        has(out, "IORING_OP_RECV completes with res=5 \\(bytes transferred\\); read after it = -EAGAIN");
        has(out, "made 0\\.00 read/write/recv/send/epoll_wait calls");
        has(out, "io_uring worker threads \\(iou-wrk-\\*\\): (\\d+), \\1$"); // none started for them
    }

    /**
     * The interleaving that made myth 1's evidence c intermittent: another thread's
     * close of the number epoll_create1 is about to return entered after epoll_create1
     * did (the kernel freed the number before allocating it again). Merged by entry
     * time, that close seemed to end the epoll fd, and its epoll_ctl and epoll_wait
     * went missing. The thread that owns the fd tells its story in order.
     */
    @Test
    void mythsStraceEvidenceFollowsTheThreadThatOwnsTheEpollFd(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("trace.100"), List.of(
                "1000.000100 epoll_create1(EPOLL_CLOEXEC) = 10",
                "1000.000300 epoll_ctl(10, EPOLL_CTL_ADD, 8, {events=EPOLLIN, data={u32=8, u64=8}}) = 0",
                "1000.000400 epoll_wait(10, [{events=EPOLLIN, data={u32=8, u64=8}}], 16, 1000) = 1",
                "1000.000500 close(10) = 0"));
        Files.write(dir.resolve("trace.101"), List.of(
                "1000.000050 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 10, 0) = 0x7f0000000000",
                "1000.000200 close(10) = 0",
                "1000.000600 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000"));
        Myths.StraceEvidence ev = Myths.StraceEvidence.read(dir, "10");
        assertEquals(List.of("epoll_create1(EPOLL_CLOEXEC) = 10",
                "epoll_ctl(10, EPOLL_CTL_ADD, 8, {events=EPOLLIN, data={u32=8, u64=8}}) = 0",
                "epoll_wait(10, [{events=EPOLLIN, data={u32=8, u64=8}}], 16, 1000) = 1"), ev.epollCalls);
        assertEquals(2, ev.mmaps);
        assertEquals(0, ev.mmapsOfEpfd, "the mmap of the file that had number 10 before is not the epoll fd's");
    }

    @Test
    void ioUring() throws Exception {
        String out = run("io_uring");
        Assumptions.assumeFalse(out.contains("\nskipped: io_uring"), out);
        if (!out.contains("    skipped - strace")) { // strace missing or not permitted: nothing to count
            has(out, "^    epoll\\s+\\d+ syscalls in the looping thread = 1\\.\\d\\d per iteration \\{.*epoll_wait=10000\\b");
            String ring = find(out, "^    io_uring\\s+(\\d+) syscalls in the looping thread = 0\\.\\d\\d per iteration(.*)$").group(2);
            assertTrue(!ring.contains("io_uring_enter") && !ring.contains("epoll"), "reading the CQ made no syscall: " + ring);
        }
        has(out, "step 1: armed on an empty socket\\s+multishot CQEs: 0 \\(F_MORE: 0\\)\\s+EPOLLET reports: 0");
        has(out, "step 2: write 10 bytes\\s+multishot CQEs: 1 \\(F_MORE: 1\\)\\s+EPOLLET reports: 1");
        has(out, "step 3: write 10 more \\(20 unread\\)\\s+multishot CQEs: 1 \\(F_MORE: 1\\)\\s+EPOLLET reports: 1");
        has(out, "step 4: read 5 \\(15 stay unread\\)\\s+multishot CQEs: 0 \\(F_MORE: 0\\)\\s+EPOLLET reports: 0");
        has(out, "step 5: read until EAGAIN, then write 1\\s+multishot CQEs: 1 \\(F_MORE: 1\\)\\s+EPOLLET reports: 1");
        if (out.contains("IORING_FEAT_NODROP set")) {
            has(out, "8 NOPs submitted: CQ ready = 4, IORING_SQ_CQ_OVERFLOW set, cqOverflow\\(\\) = 0");
            has(out, "reaped 4 and advanced the head: CQ ready = 0");
            has(out, "io_uring_enter\\(GETEVENTS\\): CQ ready = 4, flag clear; 8 of 8 completions seen, 0 lost");
        }
        has(out, "CQ ready = 4 \\(full\\), IORING_SQ_CQ_OVERFLOW set");
        has(out, "the poll's CQE: user_data=77 res=POLLIN no F_MORE$");
        has(out, "write 10 more: 0 CQEs - that poll has ended");
        has(out, "20 bytes still unread: user_data=78 res=POLLIN F_MORE$");
        has(out, "POLL_REMOVE of it: .*user_data=79 res=0 no F_MORE");
        has(out, "POLL_REMOVE of it: .*user_data=78 res=-ECANCELED no F_MORE");
    }

    @Test
    void ioUringCountsOnlyTheLoopBetweenTheMarkers() {
        Map<String, Integer> calls = IoUringLesson.between(List.of(
                "epoll_wait(5, [], 16, 0) = 0",
                "eventfd2(1000001, EFD_CLOEXEC) = 9",
                "close(9) = 0",
                "epoll_wait(5, [], 16, 0) = 0",
                "epoll_wait(5, [], 16, 0) = 0",
                "eventfd2(1000002, EFD_CLOEXEC) = 9",
                "epoll_wait(5, [], 16, 0) = 0"));
        assertEquals(Map.of("close", 1, "epoll_wait", 2), calls);
        assertEquals(null, IoUringLesson.between(List.of("epoll_wait(5, [], 16, 0) = 0")), "another thread");
    }
}
