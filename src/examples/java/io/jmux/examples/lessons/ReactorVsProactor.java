package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.Errno;
import io.jmux.Fd;
import io.jmux.IoUring;
import io.jmux.IoUringBufRing;
import io.jmux.Poll;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The reactor is told that a socket is <em>ready</em> and then copies the bytes itself,
 * in its read; the proactor is told that the work is <em>done</em>: the kernel copied the
 * bytes into a buffer it took from the provided ring before the completion was posted.
 * Part 1 shows who copies, and when; part 2 counts, with jmux's trace mode, the syscalls
 * per echoed message of the epoll-et and proactor servers; part 3 tests four claims the
 * classic tutorials make about asynchronous I/O.
 */
final class ReactorVsProactor implements Lesson {
    static final String HELLO = "hello";
    static final int SIZE = 64;
    static final int PENDING = 128; // a power of two: the buffer ring's size

    @Override
    public String name() {
        return "reactor-vs-proactor";
    }

    @Override
    public String summary() {
        return "readiness then your read, or the kernel's copy then a completion; syscalls per echo";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== reactor-vs-proactor: who copies the data, and when ==");
        if (!IoUring.isSupported()) {
            out.println("skipped: " + IoUring.unavailabilityCause());
            return;
        }
        out.println();
        whoCopies(out);
        out.println();
        Map<String, Map<String, double[]>> table = syscallsPerMessage(out);
        out.println();
        claims(out, table);
        out.println();
        out.println("remember: a reactor (select, poll, epoll) hears \"ready\" and then makes the copy");
        out.println("  itself, in read: a syscall per read and per write, plus the wait. A proactor");
        out.println("  (io_uring) asks for the work and hears \"done\": the kernel copied into a buffer it");
        out.println("  took from the ring, and many requests and completions share one io_uring_enter.");
        out.println("  The price: the buffer belongs to the kernel until the completion says otherwise -");
        out.println("  give a ring buffer back only after the send that uses it has completed.");
    }

    // ---- part 1 ----

    private static void whoCopies(PrintStream out) throws Exception {
        out.println("part 1: who copies, and when (a socketpair; the peer writes \"" + HELLO + "\")");
        byte[] mine = new byte[SIZE];
        try (Fds fds = new Fds(); Epoll ep = Epoll.create(); EpollEvents events = new EpollEvents(4)) {
            int[] s = fds.socketpair();
            ep.add(s[0], Epoll.EPOLLIN);
            write(s[1], HELLO);
            int n = ep.wait(events, 1000);
            out.printf("  reactor:  epoll_wait = %d (%s): ready - the bytes are still in the socket%n", n,
                    (events.events(0) & Epoll.EPOLLIN) != 0 ? "EPOLLIN" : "?");
            out.printf("            my buffer before I read: %s%n", show(mine, HELLO.length()));
            int r = Fd.read(s[0], mine, 0, mine.length);
            out.printf("            read(%d, buf, %d) = %d -> %s: the copy happened in my read%n", s[0], SIZE, r,
                    show(mine, r));
        }
        try (Fds fds = new Fds(); IoUring ring = IoUring.setup(8, 0)) {
            IoUringBufRing ringBufs = ring.registerBufRing(4, SIZE, 1);
            int[] s = fds.socketpair();
            ring.prepRecv(s[0], ringBufs, 0, false, 1);
            ring.submit();
            out.printf("  proactor: IORING_OP_RECV with IOSQE_BUFFER_SELECT submitted before the data came%n");
            write(s[1], HELLO);
            int[] cqe = reapOne(ring);
            int res = cqe[0];
            int flags = cqe[1];
            int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            byte[] got = new byte[Math.max(0, res)];
            ringBufs.buffer(bid).get(0, got);
            out.printf("            CQE res=%d, %s, buffer id %d -> %s: the kernel picked a ring buffer and%n",
                    res, (flags & IoUring.IORING_CQE_F_BUFFER) != 0 ? "IORING_CQE_F_BUFFER" : "no buffer", bid,
                    show(got, got.length));
            out.println("            copied into it before telling me; I made no read");
            int after = Fd.read(s[0], mine, 0, mine.length);
            out.printf("            read(%d) now = %s: the socket is already empty%n", s[0], result(after));
            ringBufs.provide(bid);
            ringBufs.close();
        }
    }

    /** Submits, waits (at most 5 s) for one CQE and reaps it: {res, flags}. */
    private static int[] reapOne(IoUring ring) throws Exception {
        ring.submitAndWait(1, TimeUnit.SECONDS.toNanos(5));
        if (ring.cqReady() == 0) {
            throw new IOException("no completion within 5 s");
        }
        int[] cqe = {ring.cqeRes(0), ring.cqeFlags(0)};
        ring.cqAdvance(1);
        return cqe;
    }

    private static void write(int fd, String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        Fd.write(fd, b, 0, b.length);
    }

    /** The first n bytes: as a quoted string if printable, else as hex (zeros: nothing copied yet). */
    private static String show(byte[] b, int n) {
        StringBuilder hex = new StringBuilder();
        boolean printable = n > 0;
        for (int i = 0; i < n; i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
            printable &= b[i] >= 0x20 && b[i] < 0x7f;
        }
        return printable ? "\"" + new String(b, 0, n, StandardCharsets.US_ASCII) + "\"" : hex.toString();
    }

    private static String result(int r) {
        return r < 0 ? "-" + Errno.name(-r) : Integer.toString(r);
    }

    // ---- part 2 ----

    /** Rows: model -> name -> per-message counts for each scenario. */
    private static Map<String, Map<String, double[]>> syscallsPerMessage(PrintStream out) throws Exception {
        int[][] scenarios = {{1, 20, 220}, {50, 4, 24}}; // connections, short session, long session
        out.println("part 2: syscalls per echoed message, counted by jmux's trace mode");
        out.println("  each server runs in a child JVM with -Djmux.trace=true; a client echoes " + SIZE + "-byte");
        out.println("  messages in rounds (one on every connection, then every echo read back). A long");
        out.println("  session minus a short one over the same connections: accept and close cancel out.");
        out.println("  io_uring_sqe lines are requests put in the ring (no syscall), counted apart.");
        out.println();
        Map<String, Map<String, double[]>> table = new TreeMap<>();
        for (String model : List.of("epoll-et", "proactor")) {
            Map<String, double[]> rows = new TreeMap<>();
            try (TracedEcho server = TracedEcho.start(model)) {
                for (int k = 0; k < scenarios.length; k++) {
                    int[] sc = scenarios[k];
                    TracedEcho.Counts shortRun = server.session(sc[0], sc[1], SIZE);
                    TracedEcho.Counts longRun = server.session(sc[0], sc[2], SIZE);
                    double messages = messages(sc);
                    perMessage(rows, "", longRun.syscalls, shortRun.syscalls, messages, k, scenarios.length);
                    perMessage(rows, "sqe ", longRun.sqes, shortRun.sqes, messages, k, scenarios.length);
                    rows.computeIfAbsent("total syscalls", x -> new double[scenarios.length])[k] =
                            (longRun.totalSyscalls() - shortRun.totalSyscalls()) / messages;
                }
            }
            table.put(model, rows);
        }
        out.printf("  %-34s %16s %16s%n", "per echoed message", scenarios[0][0] + " connection",
                scenarios[1][0] + " connections");
        out.printf("  %-34s %16s %16s%n", "", messages(scenarios[0]) + " messages", messages(scenarios[1]) + " messages");
        for (Map.Entry<String, Map<String, double[]>> model : table.entrySet()) {
            out.println("  " + model.getKey());
            for (String name : order(model.getValue())) {
                double[] v = model.getValue().get(name);
                String label = name.startsWith("sqe ") ? "  SQE " + name.substring(4) : name;
                out.printf(Locale.ROOT, "    %-32s %16.2f %16.2f%n", label, v[0], v[1]);
            }
        }
        return table;
    }

    private static int messages(int[] scenario) {
        return scenario[0] * (scenario[2] - scenario[1]);
    }

    private static void perMessage(Map<String, double[]> rows, String prefix, Map<String, Long> longRun,
                                   Map<String, Long> shortRun, double messages, int k, int n) {
        Set<String> names = new LinkedHashSet<>(longRun.keySet());
        names.addAll(shortRun.keySet());
        for (String name : names) {
            double v = (longRun.getOrDefault(name, 0L) - shortRun.getOrDefault(name, 0L)) / messages;
            if (Math.abs(v) >= 0.005) {
                rows.computeIfAbsent(prefix + name, x -> new double[n])[k] = v;
            }
        }
    }

    /** Syscalls first, then their total, then SQEs. */
    private static List<String> order(Map<String, double[]> rows) {
        List<String> names = new ArrayList<>();
        for (String name : rows.keySet()) {
            if (!name.startsWith("sqe ") && !name.equals("total syscalls")) {
                names.add(name);
            }
        }
        names.add("total syscalls");
        for (String name : rows.keySet()) {
            if (name.startsWith("sqe ")) {
                names.add(name);
            }
        }
        return names;
    }

    // ---- part 3 ----

    private static void claims(PrintStream out, Map<String, Map<String, double[]>> table) throws Exception {
        out.println("part 3: claims about asynchronous I/O, tested on this kernel");
        readinessOrCompletion(out);
        out.println();
        out.println("claim 2: \"in asynchronous I/O the kernel copies the data into the user buffer and");
        out.println("         then notifies you\"");
        out.println("  evidence: part 1 - the CQE arrived with \"" + HELLO + "\" already in a ring buffer and the");
        out.println("            socket empty, and no read was made");
        out.println("  verdict: true for io_uring. One refinement: with a provided buffer ring the kernel");
        out.println("  also chooses the buffer, when the data arrives; no buffer is tied up while a");
        out.println("  connection is idle.");
        out.println();
        emulatedClaim(out, table);
        out.println();
        threadsClaim(out);
    }

    /** Claim 1: readiness (what SIGIO and POLL_ADD report) vs completion (what RECV reports). */
    private static void readinessOrCompletion(PrintStream out) throws Exception {
        out.println("claim 1: \"signal-driven I/O tells you when an operation can start, asynchronous I/O");
        out.println("         when it has completed\"");
        try (Fds fds = new Fds(); IoUring ring = IoUring.setup(8, 0)) {
            int[] s = fds.socketpair();
            byte[] buf = new byte[SIZE];
            ring.prepPollAdd(s[0], Poll.POLLIN, false, 1);
            write(s[1], HELLO);
            int pollRes = reapOne(ring)[0];
            int left = Fd.read(s[0], buf, 0, buf.length);
            out.printf("  evidence: IORING_OP_POLL_ADD(POLLIN) completes with res=%s (readiness, like SIGIO's%n",
                    (pollRes & Poll.POLLIN) != 0 ? "POLLIN" : Integer.toString(pollRes));
            out.printf("            POLL_IN): the %d bytes were still in the socket for my read%n", left);
            IoUringBufRing ringBufs = ring.registerBufRing(2, SIZE, 2);
            ring.prepRecv(s[0], ringBufs, 0, false, 2);
            write(s[1], HELLO);
            int recvRes = reapOne(ring)[0];
            int after = Fd.read(s[0], buf, 0, buf.length);
            out.printf("            IORING_OP_RECV completes with res=%d (bytes transferred); read after it = %s%n",
                    recvRes, result(after));
            ringBufs.close();
        }
        out.println("  verdict: true. Readiness says an operation would not block now (you still make");
        out.println("  it); completion says it has been made. io_uring offers both: POLL_ADD is the");
        out.println("  reactor's question (section 12), RECV the proactor's.");
    }

    /** Claim 3, from part 2's counts and the ring's probe. */
    private static void emulatedClaim(PrintStream out, Map<String, Map<String, double[]>> table) throws Exception {
        out.println("claim 3: \"Linux's asynchronous I/O is immature; frameworks emulate it with epoll\"");
        Map<String, double[]> proactor = table.get("proactor");
        double io = 0;
        for (String call : List.of("read", "write", "recv", "send", "epoll_wait")) {
            for (double v : proactor.getOrDefault(call, new double[2])) {
                io += v;
            }
        }
        try (IoUring ring = IoUring.setup(1, 0)) {
            out.printf("  evidence: kernel %s; io_uring supports ACCEPT %s, RECV %s, SEND %s, CLOSE %s;%n",
                    release(), yes(ring.supports(IoUring.IORING_OP_ACCEPT)), yes(ring.supports(IoUring.IORING_OP_RECV)),
                    yes(ring.supports(IoUring.IORING_OP_SEND)), yes(ring.supports(IoUring.IORING_OP_CLOSE)));
            out.printf(Locale.ROOT, "            the proactor of part 2 made %.2f read/write/recv/send/epoll_wait calls per%n",
                    io);
            out.printf("            echoed message (both sessions); IORING_FEAT_FAST_POLL: %s%n",
                    (ring.features() & IoUring.IORING_FEAT_FAST_POLL) != 0 ? "yes" : "no");
        }
        out.println("  verdict: outdated. It describes POSIX aio, which glibc runs on threads making");
        out.println("  blocking calls, and Linux's io_submit (libaio), asynchronous only for O_DIRECT files.");
        out.println("  io_uring (Linux 5.1, 2019) completes socket I/O in the kernel. Readiness has not");
        out.println("  vanished: with FAST_POLL, a recv on an empty socket arms a poll inside the kernel");
        out.println("  and the kernel retries it - the emulation moved from the framework into the kernel.");
    }

    /** Claim 4: pending recvs on idle sockets, and the threads of this process. */
    private static void threadsClaim(PrintStream out) throws Exception {
        out.println("claim 4: \"asynchronous I/O needs no thread blocked per operation\"");
        int threadsBefore = threads(null);
        int workersBefore = threads("iou-wrk");
        try (Fds fds = new Fds(); IoUring ring = IoUring.setup(PENDING * 2, 0)) {
            IoUringBufRing ringBufs = ring.registerBufRing(PENDING, SIZE, 3);
            for (int i = 0; i < PENDING; i++) {
                int[] s = fds.socketpair();
                ring.prepRecv(s[0], ringBufs, 0, true, 10 + i);
            }
            ring.submit();
            Thread.sleep(100); // a worker thread, were one started, would show by now
            int threadsWith = threads(null);
            int workersWith = threads("iou-wrk");
            out.printf("  evidence: %d multishot recvs pending on %d idle sockets; threads of this process:%n",
                    PENDING, PENDING);
            out.printf("            %d before, %d while they wait; io_uring worker threads (iou-wrk-*): %d, %d%n",
                    threadsBefore, threadsWith, workersBefore, workersWith);
            int[] forced = fds.socketpair();
            ring.prepRecv(forced[0], ringBufs, 0, false, 9);
            ring.setSqeFlags(IoUring.IOSQE_ASYNC);
            ring.submit();
            Thread.sleep(100);
            out.printf("            one more recv with IOSQE_ASYNC (always hand it to a worker): iou-wrk-*: %d%n",
                    threads("iou-wrk"));
            ring.prepCancel(0, IoUring.IORING_ASYNC_CANCEL_ANY | IoUring.IORING_ASYNC_CANCEL_ALL, 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (int reaped = 0; reaped < PENDING + 2 && System.nanoTime() < deadline; ) {
                ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(100));
                int n = ring.cqReady();
                ring.cqAdvance(n);
                reaped += n;
            }
            ringBufs.close();
        }
        out.println("  verdict: true for sockets on io_uring: a pending recv is a poll entry in the");
        out.println("  kernel, not a thread. A request the kernel cannot (or is told not to) poll goes");
        out.println("  to an iou-wrk thread of the process; glibc's POSIX aio always uses threads.");
    }

    /** Threads of this process, or those whose name starts with prefix. */
    private static int threads(String prefix) throws IOException {
        int n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (prefix == null || Files.readString(t.resolve("comm")).startsWith(prefix)) {
                        n++;
                    }
                } catch (IOException exited) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return n;
    }

    private static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
