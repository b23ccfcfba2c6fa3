package io.jmux.examples.lessons;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An echo server model in a child JVM with jmux's trace mode on, its trace lines counted
 * by syscall name as they arrive, and a small blocking client to drive it. Submission
 * queue entries ({@code io_uring_sqe[..] = {opcode=...}} lines) are requests, not
 * syscalls: they are counted apart, by opcode.
 */
final class TracedEcho implements AutoCloseable {
    private static final Pattern SYSCALL = Pattern.compile("^([a-z_0-9]+)\\(");
    private static final Pattern SQE = Pattern.compile("^io_uring_sqe\\[\\d+\\] = \\{opcode=(\\w+)");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Thread pump;
    private final Map<String, Long> counts = new TreeMap<>();
    private long lines;
    private long closes;
    private final int port;

    /** What a stretch of the trace held: syscalls and SQEs by name. */
    static final class Counts {
        final Map<String, Long> syscalls = new TreeMap<>();
        final Map<String, Long> sqes = new TreeMap<>();

        long totalSyscalls() {
            return syscalls.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private TracedEcho(String model) throws IOException {
        List<String> cmd = new ArrayList<>(ChildJvm.command(io.jmux.examples.Main.class, "-Djmux.trace=true"));
        cmd.addAll(List.of("echo", "--model", model, "--port", "0"));
        process = new ProcessBuilder(cmd).start();
        process.getOutputStream().close();
        pump = new Thread(this::pumpStderr, "trace-pump");
        pump.setDaemon(true);
        pump.start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = stdout.readLine();
        Matcher m = line == null ? null : LISTENING.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new IOException("the " + model + " server did not start: " + line);
        }
        port = Integer.parseInt(m.group(1));
        try {
            awaitQuiet(0); // what the server does after its listening line belongs to start-up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the " + model + " server started", e);
        }
    }

    /** Starts {@code echo --model <model>} with trace mode on and waits for its listening line. */
    static TracedEcho start(String model) throws IOException {
        return new TracedEcho(model);
    }

    private void pumpStderr() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                count(line);
            }
        } catch (IOException e) {
            // the child ended: nothing more to count
        }
    }

    private synchronized void count(String line) {
        lines++;
        if (line.startsWith("close fd=")) {
            closes++;
            notifyAll();
            return;
        }
        Matcher sqe = SQE.matcher(line);
        if (sqe.find()) {
            counts.merge("sqe " + sqe.group(1), 1L, Long::sum);
            return;
        }
        Matcher call = SYSCALL.matcher(line);
        if (call.find()) {
            counts.merge(call.group(1), 1L, Long::sum);
        }
    }

    /**
     * Echoes {@code messages} messages of {@code size} bytes over {@code connections}
     * connections, in rounds (one message sent on every connection, then every echo read
     * back and checked), then closes them, and waits until the server has logged their
     * closes and its trace has been quiet for a moment.
     *
     * @return the syscalls the server traced while doing it
     */
    Counts session(int connections, int messages, int size) throws IOException, InterruptedException {
        Map<String, Long> before = snapshot();
        long closesBefore;
        synchronized (this) {
            closesBefore = closes;
        }
        byte[] msg = new byte[size];
        byte[] got = new byte[size];
        List<Socket> socks = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(10_000);
                socks.add(s);
            }
            for (int m = 0; m < messages; m++) {
                for (int c = 0; c < connections; c++) {
                    Arrays.fill(msg, (byte) (m + c));
                    OutputStream out = socks.get(c).getOutputStream();
                    out.write(msg);
                    out.flush();
                }
                for (int c = 0; c < connections; c++) {
                    Arrays.fill(msg, (byte) (m + c));
                    InputStream in = socks.get(c).getInputStream();
                    if (in.readNBytes(got, 0, size) != size || !Arrays.equals(msg, got)) {
                        throw new IOException("connection " + c + ": message " + m + " was not echoed intact");
                    }
                }
            }
        } finally {
            for (Socket s : socks) {
                s.close();
            }
        }
        awaitQuiet(closesBefore + connections);
        Map<String, Long> after = snapshot();
        Counts d = new Counts();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (n == 0) {
                continue;
            }
            if (e.getKey().startsWith("sqe ")) {
                d.sqes.put(e.getKey().substring(4), n);
            } else {
                d.syscalls.put(e.getKey(), n);
            }
        }
        return d;
    }

    /** Waits for the close lines, then until no trace line has come for 300 ms. */
    private synchronized void awaitQuiet(long closesWanted) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (closes < closesWanted) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || !process.isAlive()) {
                throw new IOException("the server logged " + closes + " closes, expected " + closesWanted);
            }
            wait(Math.min(left, 100));
        }
        long seen;
        do {
            seen = lines;
            wait(300);
        } while (lines != seen);
    }

    private synchronized Map<String, Long> snapshot() {
        return new TreeMap<>(counts);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            pump.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
