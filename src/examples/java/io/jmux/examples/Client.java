package io.jmux.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load client for the echo servers: C connections, each sending M messages one at a
 * time (send one, read its echo back completely, send the next), every echoed byte
 * checked. Written with java.nio, not jmux, so it is an independent judge of the servers.
 *
 * <p>Message bytes are slices of one seeded random pattern at random offsets, so a
 * dropped, duplicated or reordered byte shows as a mismatch (and costs no per-byte
 * generation: the check is a vectorised {@link ByteBuffer#mismatch}). With a size range
 * {@code MIN-MAX}, sizes are drawn log-uniformly (as many 1-10 B messages as 10-100 KiB
 * ones); connection 0 always starts with MIN bytes and connection 1 with MAX, so both
 * ends of the range are exercised.
 *
 * <p>Output: human-readable lines, then one machine-readable line,
 * {@code result connections=C messages=M bytes=B seconds=T msgs_per_sec=X p50_us=Y
 * p99_us=Z errors=E}, where M and B are the totals echoed and checked over all
 * connections, T the wall time from the first connect to the last echo, p50/p99 the
 * per-message round trip (first byte sent to last byte back, to 1.6%), and E the number
 * of connections that failed (mismatch, early close, error, or timeout).
 */
final class Client {
    /** Offsets into the pattern are drawn from [0, SPAN). */
    private static final int SPAN = 1 << 20;
    private static final int MAX_REPORTED_ERRORS = 10;

    static final class Options {
        String host = "127.0.0.1";
        int port;
        int connections;
        int messages;
        int minSize;
        int maxSize;
        long seed = 1;
        int threads;
        int timeoutSeconds = 120;
    }

    static final class Result {
        int connections;
        long messages;
        long bytes;
        double seconds;
        long p50Micros;
        long p99Micros;
        int errors;
        final List<String> errorMessages = new ArrayList<>();

        double msgsPerSec() {
            return seconds > 0 ? messages / seconds : 0;
        }

        String line() {
            return String.format(Locale.ROOT, "result connections=%d messages=%d bytes=%d seconds=%.3f"
                    + " msgs_per_sec=%.1f p50_us=%d p99_us=%d errors=%d", connections, messages, bytes,
                    seconds, msgsPerSec(), p50Micros, p99Micros, errors);
        }
    }

    private Client() {}

    /** Parses {@code 1024}, {@code 16K}, {@code 1M}, or a range {@code 1-256K}; returns {min, max}. */
    static int[] parseSize(String s) throws Args.UsageException {
        int dash = s.indexOf('-');
        int min = bytes(dash < 0 ? s : s.substring(0, dash));
        int max = dash < 0 ? min : bytes(s.substring(dash + 1));
        if (min < 1 || max < min) {
            throw new Args.UsageException("--size must be N or MIN-MAX with 1 <= MIN <= MAX, got " + s);
        }
        return new int[] {min, max};
    }

    private static int bytes(String s) throws Args.UsageException {
        String t = s.trim().toUpperCase(Locale.ROOT);
        int unit = t.endsWith("K") ? 1024 : t.endsWith("M") ? 1024 * 1024 : 1;
        if (unit > 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t) * unit;
            if (v > 64L * 1024 * 1024) {
                throw new Args.UsageException("message size " + s + " is above 64M");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new Args.UsageException("not a size: " + s);
        }
    }

    static Result run(Options o, PrintStream out) throws IOException, InterruptedException {
        ByteBuffer pattern = pattern(o.seed, SPAN + o.maxSize);
        InetSocketAddress server = new InetSocketAddress(o.host, o.port);
        int threads = Math.max(1, Math.min(o.connections, o.threads > 0 ? o.threads
                : Runtime.getRuntime().availableProcessors()));
        out.printf(Locale.ROOT, "client: %d connections x %d messages of %s bytes to %s, seed %d, %d threads%n",
                o.connections, o.messages, o.minSize == o.maxSize ? Integer.toString(o.minSize)
                : o.minSize + "-" + o.maxSize + " (log-uniform)", Net.format(server), o.seed, threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds);
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(o, server, pattern, t, threads, deadline));
        }
        long start = System.nanoTime();
        for (Worker w : workers) {
            w.start();
        }
        for (Worker w : workers) {
            w.join();
        }
        long end = System.nanoTime();
        return summarize(o, workers, (end - start) / 1e9, out);
    }

    private static Result summarize(Options o, List<Worker> workers, double seconds, PrintStream out) {
        Result r = new Result();
        Histogram latency = new Histogram();
        r.connections = o.connections;
        r.seconds = seconds;
        for (Worker w : workers) {
            latency.add(w.latency);
            r.messages += w.messages;
            r.bytes += w.bytes;
            r.errors += w.errors.size();
            r.errorMessages.addAll(w.errors);
        }
        r.p50Micros = Math.round(latency.percentile(50) / 1000.0);
        r.p99Micros = Math.round(latency.percentile(99) / 1000.0);
        for (int i = 0; i < Math.min(MAX_REPORTED_ERRORS, r.errorMessages.size()); i++) {
            out.println("error: " + r.errorMessages.get(i));
        }
        if (r.errorMessages.size() > MAX_REPORTED_ERRORS) {
            out.println("... and " + (r.errorMessages.size() - MAX_REPORTED_ERRORS) + " more errors");
        }
        out.printf(Locale.ROOT, "echoed %d messages (%d bytes, every byte checked) in %.3f s: %.0f msgs/s,"
                + " %.1f MiB/s each way; round trip p50 %d us, p99 %d us; %d failed connections%n",
                r.messages, r.bytes, seconds, r.msgsPerSec(), r.bytes / seconds / (1 << 20), r.p50Micros,
                r.p99Micros, r.errors);
        out.println(r.line());
        return r;
    }

    private static ByteBuffer pattern(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.allocateDirect(size).put(bytes).flip();
    }

    /** One connection's progress through its messages. */
    private static final class Conn {
        final int id;
        final SplittableRandom random;
        final ByteBuffer send; // views of the shared pattern
        final ByteBuffer expect;
        SocketChannel channel;
        SelectionKey key;
        int message; // index of the message in flight
        int size;
        int offset;
        int sent;
        int received;
        long started;
        boolean finished;

        Conn(int id, long seed, ByteBuffer pattern) {
            this.id = id;
            this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
            this.send = pattern.duplicate();
            this.expect = pattern.duplicate();
        }
    }

    /** One thread with its own Selector driving every T-th connection. */
    private static final class Worker extends Thread {
        private final Options o;
        private final InetSocketAddress server;
        private final List<Conn> conns = new ArrayList<>();
        private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        private final long deadline;
        final Histogram latency = new Histogram();
        final List<String> errors = new ArrayList<>();
        long messages;
        long bytes;
        private int open;

        Worker(Options o, InetSocketAddress server, ByteBuffer pattern, int index, int count, long deadline) {
            super("client-" + index);
            this.o = o;
            this.server = server;
            this.deadline = deadline;
            for (int id = index; id < o.connections; id += count) {
                conns.add(new Conn(id, o.seed, pattern.duplicate()));
            }
        }

        @Override
        public void run() {
            try (Selector selector = Selector.open()) {
                for (Conn c : conns) {
                    connect(c, selector);
                }
                while (open > 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        timeOut();
                        break;
                    }
                    selector.select(left);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Conn c = (Conn) key.attachment();
                        if (!c.finished) {
                            handle(c, key);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                errors.add("selector: " + e);
            }
        }

        private void connect(Conn c, Selector selector) {
            open++;
            try {
                c.channel = SocketChannel.open();
                c.channel.configureBlocking(false);
                c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.key = c.channel.register(selector, 0, c);
                if (c.channel.connect(server)) {
                    startMessage(c);
                } else {
                    c.key.interestOps(SelectionKey.OP_CONNECT);
                }
            } catch (IOException e) {
                fail(c, "connect: " + e);
            }
        }

        private void handle(Conn c, SelectionKey key) {
            if (key.isConnectable()) {
                try {
                    c.channel.finishConnect();
                } catch (IOException e) {
                    fail(c, "connect: " + e);
                    return;
                }
            }
            try {
                if (key.isConnectable()) {
                    startMessage(c);
                    return;
                }
                if (key.isWritable()) {
                    write(c);
                }
                if (key.isReadable()) {
                    read(c);
                }
            } catch (IOException e) {
                fail(c, "message " + c.message + " (" + c.size + " bytes, " + c.sent + " sent, "
                        + c.received + " back): " + e);
            }
        }

        private void startMessage(Conn c) throws IOException {
            if (c.message == o.messages) {
                finish(c);
                return;
            }
            c.size = sizeOf(c);
            c.offset = c.random.nextInt(SPAN);
            c.sent = 0;
            c.received = 0;
            c.started = System.nanoTime();
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            write(c);
        }

        /** Log-uniform in [min, max]; connection 0 opens with min and connection 1 with max. */
        private int sizeOf(Conn c) {
            if (c.message == 0 && c.id < 2) {
                return c.id == 0 ? o.minSize : o.maxSize;
            }
            double lo = Math.log(o.minSize);
            double hi = Math.log(o.maxSize + 1.0);
            int size = (int) Math.exp(lo + c.random.nextDouble() * (hi - lo));
            return Math.max(o.minSize, Math.min(o.maxSize, size));
        }

        private void write(Conn c) throws IOException {
            c.send.limit(c.offset + c.size).position(c.offset + c.sent);
            c.sent += c.channel.write(c.send);
            if (c.sent == c.size) {
                c.key.interestOps(SelectionKey.OP_READ);
            }
        }

        private void read(Conn c) throws IOException {
            in.clear();
            int n = c.channel.read(in);
            if (n < 0) {
                fail(c, "message " + c.message + " (" + c.size + " bytes): the server closed the"
                        + " connection after echoing " + c.received);
                return;
            }
            if (n == 0) {
                return;
            }
            if (c.received + n > c.sent) {
                fail(c, "message " + c.message + ": " + (c.received + n) + " bytes came back but only "
                        + c.sent + " were sent");
                return;
            }
            in.flip();
            c.expect.limit(c.offset + c.received + n).position(c.offset + c.received);
            int at = in.mismatch(c.expect);
            if (at >= 0) {
                fail(c, "message " + c.message + " (" + c.size + " bytes): echoed byte " + (c.received + at)
                        + " differs from the byte sent");
                return;
            }
            c.received += n;
            bytes += n;
            if (c.received == c.size) {
                latency.record(System.nanoTime() - c.started);
                messages++;
                c.message++;
                startMessage(c);
            }
        }

        private void finish(Conn c) throws IOException {
            c.finished = true;
            open--;
            c.key.cancel();
            c.channel.close();
        }

        private void fail(Conn c, String why) {
            errors.add("connection " + c.id + ": " + why);
            c.finished = true;
            open--;
            try {
                if (c.channel != null) {
                    c.channel.close();
                }
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }

        private void timeOut() {
            for (Conn c : conns) {
                if (!c.finished) {
                    fail(c, "timed out after " + o.timeoutSeconds + " s in message " + c.message + " ("
                            + c.size + " bytes, " + c.sent + " sent, " + c.received + " back)");
                }
            }
        }
    }
}
