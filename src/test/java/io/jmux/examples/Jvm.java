package io.jmux.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM running {@link Main} (or any main class) on the test classpath, with its
 * stdout lines queued and its stderr collected, so a test can wait for a line and read
 * the logs while the child runs.
 */
final class Jvm implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread[] pumps;

    private Jvm(List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        process = pb.start();
        process.getOutputStream().close(); // nothing is typed into the child
        pumps = new Thread[] {
            pump(process.getInputStream(), stdout::add, "stdout"),
            pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), "stderr")};
    }

    /** java [jvmArgs] -cp <test classpath> mainClass args. */
    static Jvm start(List<String> jvmArgs, String mainClass, String... args) throws IOException {
        return new Jvm(javaCommand(jvmArgs, mainClass, args), Map.of());
    }

    /** Any command (e.g. a shell that lowers a limit, then execs {@link #javaCommand}), with extra environment. */
    static Jvm startCommand(List<String> cmd, Map<String, String> env) throws IOException {
        return new Jvm(cmd, env);
    }

    /** The words of {@code java [jvmArgs] -cp <test classpath> mainClass args}. */
    static List<String> javaCommand(List<String> jvmArgs, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        String lib = System.getProperty("jmux.library.path", "");
        if (!lib.isEmpty()) {
            cmd.add("-Djmux.library.path=" + lib); // the sanitizer build's library, if any
        }
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** java -jar jar args (the way learners run it). */
    static Jvm startJar(Path jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        return new Jvm(cmd, Map.of());
    }

    private interface Sink {
        void line(String line);
    }

    private static Thread pump(InputStream in, Sink sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.line(line);
                }
            } catch (IOException e) {
                sink.line("<" + name + " read failed: " + e + ">");
            }
        }, "jvm-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The next stdout line, waiting up to {@code seconds}; fails with the child's stderr if none. */
    String nextLine(long seconds) throws InterruptedException {
        String line = stdout.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no stdout line from the child within " + seconds + " s (alive: "
                    + process.isAlive() + "); stderr:\n" + stderr);
        }
        return line;
    }

    /**
     * The port of an echo server's first stdout line, {@code listening on 127.0.0.1:<port>},
     * waiting up to 30 s; fails (with the line) if the first line says anything else.
     */
    int listeningPort() throws InterruptedException {
        String line = nextLine(30);
        Matcher m = LISTENING.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("first stdout line: " + line + "; stderr:\n" + stderr);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Waits for the child to exit; its exit code. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM still running after " + seconds + " s; stderr:\n" + stderr);
        }
        for (Thread t : pumps) {
            t.join(5000);
        }
        return process.exitValue();
    }

    /** Every stdout line not yet taken by {@link #nextLine}. */
    List<String> remainingStdout() {
        List<String> lines = new ArrayList<>();
        stdout.drainTo(lines);
        return lines;
    }

    String stderr() {
        return stderr.toString();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the child (SIGTERM, then SIGKILL after 10 s) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
