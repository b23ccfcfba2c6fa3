package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rest of the echo contract (issue 14), for every model, each started on port 0 in a
 * child JVM exactly as a learner starts it ({@link EchoServersTest} covers 1 B-256 KiB
 * messages and vanishing peers; {@link EmfileTest} and {@link BackpressureTest} a full fd
 * table and peers that never read):
 * <ul>
 *   <li><b>a slow reader of 8 MiB</b>: one connection sends 8 MiB while reading its echo
 *       in small reads with pauses, and stops reading altogether for a while; meanwhile
 *       ordinary clients on other connections must be served, and the slow one gets
 *       every byte, in order, then end of stream;
 *   <li><b>2,000 simultaneous connections</b>: all 2,000 connected before any message is
 *       sent, each echoes one message (every byte checked) and none closes until all
 *       2,000 have their echo. The server therefore held 2,000 connections at once,
 *       which its fd numbers show: its log must name an fd of at least 2,000. Then all
 *       close, and the server logs every close.
 * </ul>
 *
 * <p>select's 1024 is glibc's {@code FD_SETSIZE}, not the kernel's (tutorial, section 3):
 * {@code select} and {@code reactor --backend select} grow their jmux {@code FdSet}s
 * past it, so their contract is the same as every other model's: all 2,000 complete.
 *
 * <p>The fds this needs: 2,000 sockets in this JVM and 2,000 in the server, plus each
 * JVM's own. HotSpot raises its soft RLIMIT_NOFILE to the hard limit at start, and the
 * child inherits the hard limit, so the test needs a hard limit of at least
 * {@value #FDS_NEEDED} (checked up front: {@code ulimit -Hn}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoContractTest {
    /** Every model on the command line, after {@code --model}; extend it as models are added. */
    static final List<String> MODELS = List.of("blocking", "nonblocking", "select", "poll", "epoll-lt", "epoll-et",
            "sigio", "reactor", "reactor --backend select", "reactor --backend poll", "reactor --backend epoll",
            "io_uring-poll", "reactor --backend io_uring", "proactor");

    static final int SIMULTANEOUS = 2000;
    static final int FDS_NEEDED = SIMULTANEOUS + 200;
    private static final int SLOW_TOTAL = 8 << 20;
    /** The slow reader reads this much, then stops reading while the ordinary client runs. */
    private static final int SLOW_STALL_AT = 1 << 20;
    private static final int SLOW_READ = 16 * 1024;
    private static final long SLOW_PAUSE_MILLIS = 2;
    private static final Pattern OPEN_FD = Pattern.compile("^open fd=(\\d+) ", Pattern.MULTILINE);

    static List<String> models() {
        return MODELS;
    }

    @BeforeAll
    static void enoughFds() throws IOException {
        long soft = openFilesLimit();
        assertTrue(soft >= FDS_NEEDED, "this test needs RLIMIT_NOFILE >= " + FDS_NEEDED + " (2,000 sockets here and"
                + " 2,000 in the server); the test JVM's limit is " + soft + ": raise the hard limit (ulimit -Hn)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void servesASlowReaderAndTwoThousandSimultaneousConnections(String model) throws Exception {
        List<String> args = new ArrayList<>(List.of("echo", "--model"));
        args.addAll(List.of(model.split(" ")));
        try (Jvm server = Jvm.start(List.of(), Main.class.getName(), args.toArray(new String[0]))) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.listeningPort());
            slowReader(at, server);
            simultaneous(at, server);
            assertTrue(server.isAlive(), "server died:\n" + tail(server.stderr()));
        }
    }

    /**
     * One connection, receive buffer 16 KiB so the server's writes soon meet a full socket:
     * a writer thread sends 8 MiB (then shuts down its side) while this thread reads
     * the echo slowly. At 1 MiB it stops reading until the writer has stalled (or
     * finished) and an ordinary client has been served on other connections; then it
     * reads the rest slowly, with a second ordinary client running beside it.
     */
    private static void slowReader(InetSocketAddress at, Jvm server) throws Exception {
        byte[] data = new byte[SLOW_TOTAL];
        new Random(14).nextBytes(data);
        // Two threads of our own: the common pool may have only one on a 2-core machine.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (SocketChannel slow = SocketChannel.open()) {
            slow.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            slow.connect(at);
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAll(slow, data, written), threads);
            ByteBuffer in = ByteBuffer.allocate(SLOW_READ);
            int received = readSlowly(slow, data, 0, SLOW_STALL_AT, in, server);

            awaitStall(written, writer);
            Client.Result beside = runClient(at.getPort(), 21);
            assertEquals(0, beside.errors, "an ordinary client while the slow reader reads nothing (" + received
                    + " of " + SLOW_TOTAL + " bytes read, " + written.get() + " written): " + beside.errorMessages
                    + "\n" + tail(server.stderr()));

            CompletableFuture<Client.Result> during = CompletableFuture.supplyAsync(() -> runClientUnchecked(
                    at.getPort(), 22), threads);
            received = readSlowly(slow, data, received, SLOW_TOTAL, in, server);
            writer.get(30, TimeUnit.SECONDS);
            in.clear();
            assertEquals(-1, slow.read(in), "end of stream after exactly " + SLOW_TOTAL + " bytes");
            Client.Result r = during.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.errors, "an ordinary client while the slow reader reads: " + r.errorMessages
                    + "\n" + tail(server.stderr()));
        } finally {
            threads.shutdownNow();
        }
    }

    /** Blocking writes of 64 KiB, counting what the kernel took; then shutdown(SHUT_WR). */
    private static void writeAll(SocketChannel c, byte[] data, AtomicLong written) {
        try {
            for (int off = 0; off < data.length; ) {
                int n = c.write(ByteBuffer.wrap(data, off, Math.min(64 * 1024, data.length - off)));
                off += n;
                written.addAndGet(n);
            }
            c.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the 8 MiB after " + written.get() + " bytes", e);
        }
    }

    /**
     * Reads from {@code from} to {@code to} in reads of at most {@value #SLOW_READ}
     * bytes with a {@value #SLOW_PAUSE_MILLIS} ms pause after each, checking every byte
     * against what was sent.
     *
     * @return {@code to}
     */
    private static int readSlowly(SocketChannel c, byte[] data, int from, int to, ByteBuffer in, Jvm server)
            throws IOException {
        int at = from;
        while (at < to) {
            in.clear().limit(Math.min(SLOW_READ, to - at));
            int n = c.read(in);
            if (n < 0) {
                throw new AssertionError("the server closed the slow reader's connection after " + at + " of "
                        + SLOW_TOTAL + " bytes:\n" + tail(server.stderr()));
            }
            int bad = Arrays.mismatch(in.array(), 0, n, data, at, at + n);
            if (bad >= 0) {
                throw new AssertionError("slow reader: echoed byte " + (at + bad) + " differs from the byte sent");
            }
            at += n;
            Net.sleep(SLOW_PAUSE_MILLIS);
        }
        return at;
    }

    /**
     * Waits until the writer has finished or made no progress for 500 ms (bounded by
     * 20 s): the server then holds, or has stopped taking, what the slow reader does not
     * read. Nothing is asserted on the timing; it only makes the next step meaningful.
     */
    private static void awaitStall(AtomicLong written, CompletableFuture<Void> writer) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        long since = System.nanoTime();
        while (!writer.isDone() && System.nanoTime() < end) {
            long now = written.get();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(500)) {
                return;
            }
            Net.sleep(20);
        }
    }

    /** 4 connections x 8 messages of 1 B-64 KiB, every byte checked. */
    private static Client.Result runClient(int port, long seed) throws Exception {
        Client.Result r = EchoServersTest.runClient(port, 4, 8, 1, 64 * 1024, seed);
        if (r.errors == 0) {
            assertEquals(4L * 8, r.messages);
        }
        return r;
    }

    private static Client.Result runClientUnchecked(int port, long seed) {
        try {
            return runClient(port, seed);
        } catch (Exception e) {
            throw new IllegalStateException("the ordinary client beside the slow reader", e);
        }
    }

    /** One connection of the 2,000 and its message. */
    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer send;
        final ByteBuffer expect;
        boolean connected;
        int received;

        Conn(int id, SocketChannel channel, ByteBuffer pattern) {
            this.id = id;
            this.channel = channel;
            int size = 1 + (int) ((id * 2654435761L) % (16 * 1024)); // 1 B-16 KiB, spread over the ids
            int offset = (id * 7919) % (pattern.capacity() - size);
            this.send = pattern.duplicate().limit(offset + size).position(offset).slice();
            this.expect = send.duplicate();
        }
    }

    /**
     * 2,000 non-blocking connections from one thread and one Selector: every connect
     * completes first, then every connection sends its message and reads the echo, and
     * only when all 2,000 have theirs do they close.
     */
    private static void simultaneous(InetSocketAddress at, Jvm server) throws Exception {
        int logStart = awaitAllClosed(server);
        ByteBuffer pattern = ByteBuffer.allocate(1 << 20);
        new Random(2000).nextBytes(pattern.array());
        List<Conn> conns = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            try {
                for (int i = 0; i < SIMULTANEOUS; i++) {
                    SocketChannel c = SocketChannel.open();
                    Conn conn = new Conn(i, c, pattern);
                    conns.add(conn);
                    c.configureBlocking(false);
                    conn.connected = c.connect(at);
                    c.register(selector, conn.connected ? 0 : SelectionKey.OP_CONNECT, conn);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                drive(selector, conns, deadline, true, server);
                for (Conn c : conns) {
                    c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
                drive(selector, conns, deadline, false, server);
                awaitOpenLines(server, logStart);
            } finally {
                for (Conn c : conns) {
                    c.channel.close();
                }
            }
        }
        awaitCloseLines(server, logStart);
    }

    /**
     * Runs the selector until every connection is connected ({@code connecting}) or has
     * its whole echo back, failing with the first errors on the deadline.
     */
    private static void drive(Selector selector, List<Conn> conns, long deadline, boolean connecting, Jvm server)
            throws IOException {
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        int left = 0;
        for (Conn c : conns) {
            left += (connecting ? c.connected : c.received == c.expect.capacity()) ? 0 : 1;
        }
        while (left > 0) {
            long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (millis <= 0) {
                throw new AssertionError(left + " of " + SIMULTANEOUS + " connections " + (connecting
                        ? "not connected" : "without their whole echo") + " after 60 s; first: " + pending(conns,
                        connecting) + "\n" + tail(server.stderr()));
            }
            selector.select(millis);
            for (SelectionKey key : selector.selectedKeys()) {
                Conn c = (Conn) key.attachment();
                try {
                    left -= connecting ? finishConnect(c, key) : echo(c, key, in);
                } catch (IOException e) {
                    throw new AssertionError("connection " + c.id + " (" + c.received + " of " + c.expect.capacity()
                            + " bytes back): " + e + "\n" + tail(server.stderr()), e);
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private static int finishConnect(Conn c, SelectionKey key) throws IOException {
        if (!key.isConnectable() || !c.channel.finishConnect()) {
            return 0;
        }
        c.connected = true;
        key.interestOps(0); // nothing is sent until all 2,000 are connected
        return 1;
    }

    /** Writes what is left of the message, reads and checks what came back; 1 once it is all back. */
    private static int echo(Conn c, SelectionKey key, ByteBuffer in) throws IOException {
        if (key.isWritable()) {
            c.channel.write(c.send);
            if (!c.send.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }
        if (!key.isReadable()) {
            return 0;
        }
        in.clear();
        int n = c.channel.read(in);
        if (n < 0) {
            throw new IOException("the server closed the connection");
        }
        if (c.received + n > c.send.position()) {
            throw new IOException((c.received + n) + " bytes came back but only " + c.send.position() + " were sent");
        }
        in.flip();
        c.expect.limit(c.received + n).position(c.received);
        int bad = in.mismatch(c.expect);
        if (bad >= 0) {
            throw new IOException("echoed byte " + (c.received + bad) + " differs from the byte sent");
        }
        c.received += n;
        if (c.received < c.expect.capacity()) {
            return 0;
        }
        key.interestOps(0); // done, but kept open until all 2,000 are
        return 1;
    }

    private static String pending(List<Conn> conns, boolean connecting) {
        List<String> out = new ArrayList<>();
        for (Conn c : conns) {
            if (out.size() < 5 && (connecting ? !c.connected : c.received < c.expect.capacity())) {
                out.add("#" + c.id + " " + c.send.position() + " sent, " + c.received + " of "
                        + c.expect.capacity() + " back");
            }
        }
        return out.toString();
    }

    /**
     * 2,000 "open fd=" lines since the phase began, the highest fd at least 2,000: the
     * server held them all at once (a closed fd's number is reused by the next accept).
     */
    private static void awaitOpenLines(Jvm server, int logStart) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int opens = 0;
        int highest = -1;
        while (System.nanoTime() < end) {
            Matcher m = OPEN_FD.matcher(server.stderr().substring(logStart));
            opens = 0;
            highest = -1;
            while (m.find()) {
                opens++;
                highest = Math.max(highest, Integer.parseInt(m.group(1)));
            }
            if (opens >= SIMULTANEOUS) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(SIMULTANEOUS, opens, "open lines for the simultaneous connections");
        assertTrue(highest >= SIMULTANEOUS, "2,000 connections at once need an fd >= 2,000; the highest logged was "
                + highest);
    }

    /**
     * Waits until the log has as many close lines as open lines (the connections before
     * this phase are gone, their lines written), bounded by 15 s.
     *
     * @return the length of the log then: later lines belong to the next phase
     */
    private static int awaitAllClosed(Jvm server) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            String log = server.stderr();
            int opens = EchoServersTest.count(log, "open fd=");
            int closes = EchoServersTest.count(log, "close fd=");
            if (opens == closes) {
                return log.length();
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(opens + " open lines but " + closes + " close lines after the slow reader"
                        + " and its neighbours left:\n" + tail(log));
            }
            Thread.sleep(20);
        }
    }

    private static void awaitCloseLines(Jvm server, int logStart) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int closes = 0;
        while (System.nanoTime() < end) {
            closes = EchoServersTest.count(server.stderr().substring(logStart), "close fd=");
            if (closes >= SIMULTANEOUS) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(SIMULTANEOUS, closes, "close lines once the 2,000 closed:\n" + tail(server.stderr()));
    }

    /** The last 40 lines: the server logs two lines per connection, thousands here. */
    private static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    /** The soft "Max open files" of this JVM, from /proc/self/limits. */
    private static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new AssertionError("no Max open files line in /proc/self/limits");
    }
}
