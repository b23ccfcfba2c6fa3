package io.jmux.bench.echo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jmux.bench.Report;
import io.jmux.bench.Suite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Echo at the server's limit: the C load generator (target/c/jmux-echoload) pinned to
 * CPU 0 with {@code taskset}, each server pinned to CPU 1, loopback only. The servers are
 * the C twin of the examples' epoll-et server (target/c/jmux-echoserver, the limit), the
 * examples' jmux {@code epoll-lt}, {@code epoll-et}, {@code io_uring-poll} and
 * {@code proactor}, {@link NettyEchoServer} on its epoll and its io_uring transport, and
 * {@link NioEchoServer}. A server that exits before it listens (an examples jar without
 * that model yet, a kernel without io_uring) is skipped, with a note in the report.
 * Every server runs once per round (3 rounds by default); each time, one unrecorded
 * warm-up load (a fresh JVM's JIT), then per pipelining depth
 * <ol>
 *   <li>the measured run: msgs/s, p50, p99 from the load generator, and the server's
 *       context switches from {@code perf stat -e context-switches -p PID} over the
 *       generator's whole run (a software event: it works without hardware counters);
 *   <li>in the first round only, a separate short run under {@code perf stat -e raw_syscalls:sys_enter -p PID}:
 *       the server's syscalls per echoed message;
 *   <li>in the first round only, a short run under {@code strace -c -f -p PID}: which syscalls those are
 *       (strace slows the server several-fold, so its batching, and so its counts per
 *       message, differ from the unslowed run's; the perf count is the figure, strace's
 *       the breakdown).
 * </ol>
 * Everything is bounded: each generator run has a fixed duration and a timeout, and every
 * process started is stopped by its own handle.
 *
 * <pre>
 * java -cp target/benchmarks.jar io.jmux.bench.echo.ServerBoundEcho [--out DIR]
 *      [--connections 100] [--size 64] [--depths 1,4] [--seconds 3] [--rounds 3]
 *      [--servers c,epoll-lt,epoll-et,io_uring-poll,proactor,netty,netty-io_uring,nio]
 * </pre>
 * Writes echo-bound.json (and machine.json if the directory has none) and re-renders
 * report.md. Run from the benchmarks directory.
 */
public final class ServerBoundEcho {
    /**
     * The servers, in table order: "jmux M" is the examples' {@code echo --model M},
     * "Netty T" is {@link NettyEchoServer} on transport T.
     */
    static final List<String> SERVERS = List.of("C epoll", "jmux epoll-lt", "jmux epoll-et", "jmux io_uring-poll",
            "jmux proactor", "Netty epoll", "Netty io_uring", "JDK NIO Selector");
    static final String LOAD_CPU = "0";
    static final String SERVER_CPU = "1";

    private Path out;
    private Path examplesJar = Paths.get("../target/jmux-examples.jar");
    private int connections = 100;
    private int size = 64;
    private List<Integer> depths = List.of(1, 4);
    private double seconds = 3;
    private double warmupSeconds = 3;
    private double counterSeconds = 1;
    private int rounds = 3;
    private List<String> servers = SERVERS;

    private final List<Map<String, Object>> runs = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        ServerBoundEcho e = new ServerBoundEcho();
        e.parse(args);
        e.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--out": out = Paths.get(v); break;
                case "--examples-jar": examplesJar = Paths.get(v); break;
                case "--connections": connections = Integer.parseInt(v); break;
                case "--size": size = Integer.parseInt(v); break;
                case "--depths": depths = parseInts(v); break;
                case "--seconds": seconds = Double.parseDouble(v); break;
                case "--warmup-s": warmupSeconds = Double.parseDouble(v); break;
                case "--counter-s": counterSeconds = Double.parseDouble(v); break;
                case "--rounds": rounds = Integer.parseInt(v); break;
                case "--servers": servers = pick(v); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            out = Paths.get("results", "echo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
    }

    private static List<Integer> parseInts(String csv) {
        List<Integer> list = new ArrayList<>();
        for (String s : csv.split(",")) {
            list.add(Integer.parseInt(s.trim()));
        }
        return list;
    }

    /** Servers by short name ({@link #shortName}), in the order given. */
    static List<String> pick(String csv) {
        List<String> list = new ArrayList<>();
        List<String> known = new ArrayList<>();
        SERVERS.forEach(server -> known.add(shortName(server)));
        for (String s : csv.split(",")) {
            int i = known.indexOf(s.trim());
            if (i < 0) {
                throw new IllegalArgumentException("unknown server " + s + " (" + String.join(", ", known) + ")");
            }
            list.add(SERVERS.get(i));
        }
        return list;
    }

    /** c, the jmux model's name (epoll-lt, proactor, ...), netty (epoll), netty-io_uring, nio. */
    static String shortName(String server) {
        if (server.equals("C epoll")) {
            return "c";
        }
        if (server.equals("JDK NIO Selector")) {
            return "nio";
        }
        if (server.startsWith("jmux ")) {
            return server.substring("jmux ".length());
        }
        String transport = server.substring("Netty ".length());
        return transport.equals("epoll") ? "netty" : "netty-" + transport;
    }

    private List<String> serverCommand(String server) {
        if (server.equals("C epoll")) {
            return List.of(tool("jmux-echoserver"), "--port", "0", "--quiet");
        }
        if (server.equals("JDK NIO Selector")) {
            return EchoSuite.javaCommand("-cp", EchoSuite.ownJar(), NioEchoServer.class.getName(),
                    "--port", "0", "--quiet");
        }
        if (server.startsWith("jmux ")) {
            return EchoSuite.javaCommand("-jar", examplesJar.toString(), "echo", "--model",
                    server.substring("jmux ".length()), "--port", "0", "--quiet");
        }
        if (server.startsWith("Netty ")) {
            return EchoSuite.javaCommand("-cp", EchoSuite.ownJar(), NettyEchoServer.class.getName(),
                    "--transport", server.substring("Netty ".length()), "--port", "0", "--quiet");
        }
        throw new IllegalArgumentException(server);
    }

    private static String tool(String name) {
        Path p = Paths.get("target/c", name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p.toAbsolutePath() + " not found: build it with"
                    + " `mvn -f benchmarks/pom.xml package`");
        }
        return p.toString();
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out);
        System.out.println("== results: " + out.toAbsolutePath().normalize()
                + " (servers' stderr and the counters' raw output: echo-bound-*.log)");
        describeMachine();
        if (Runtime.getRuntime().availableProcessors() < 2) {
            notes.add("fewer than 2 CPUs: the load generator and the server share one; the figures are not"
                    + " the server's limit");
        }
        boolean haveExamples = Files.isRegularFile(examplesJar);
        Set<String> skipped = new HashSet<>(); // exited before listening: not tried again
        // Rounds, every server once per round: on a shared machine a neighbour's burst then
        // hits one round of each server rather than all of one server's runs, and the
        // report gives each server's median with its range (the C twin's range is the
        // noise floor of every ratio to it). The counters run in the first round only.
        for (int round = 1; round <= rounds; round++) {
            for (String server : servers) {
                if (server.startsWith("jmux") && !haveExamples) {
                    if (round == 1) {
                        String note = server + ": skipped, " + examplesJar.toAbsolutePath().normalize()
                                + " not found (`mvn -B package` at the repository root builds it)";
                        System.out.println("echo: " + note);
                        notes.add(note);
                    }
                    continue;
                }
                if (!skipped.contains(server) && !serve(server, round)) {
                    skipped.add(server);
                }
            }
        }
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("loadGenerator", "target/c/jmux-echoload, taskset -c " + LOAD_CPU);
        echo.put("serverCpu", SERVER_CPU);
        echo.put("connections", connections);
        echo.put("size", size);
        echo.put("depths", depths);
        echo.put("seconds", seconds);
        echo.put("warmupSeconds", warmupSeconds);
        echo.put("counterSeconds", counterSeconds);
        echo.put("rounds", rounds);
        echo.put("notes", notes);
        echo.put("runs", runs);
        Files.writeString(out.resolve("echo-bound.json"), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(echo));
        Report.Output report = Report.write(out);
        System.out.printf("echo at the server's limit took %d s%n%n", (System.nanoTime() - start) / 1_000_000_000L);
        report.print();
    }

    private void describeMachine() throws IOException, InterruptedException {
        Path m = out.resolve("machine.json");
        if (Files.exists(m)) {
            return; // a suite run owns it (run-full): keep its description
        }
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("profile", "echo");
        machine.put("date", LocalDateTime.now().toString());
        machine.put("cpu", Suite.cpuModel());
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("loadAverageAtStart", Suite.loadAverage());
        machine.put("bareSyscallNs", Suite.bareSyscall(out));
        System.out.println("Machine: " + machine);
        Files.writeString(m, new GsonBuilder().setPrettyPrinting().create().toJson(machine));
    }

    /**
     * Starts the server, measures it at every depth, stops it.
     *
     * @return false if it exited before listening (the note says why): skip it from now on
     */
    private boolean serve(String server, int round) throws Exception {
        String file = server.replace(' ', '-') + "-r" + round;
        Path log = out.resolve("echo-bound-" + file + ".log");
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", SERVER_CPU));
        cmd.addAll(serverCommand(server));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try {
            int port;
            try {
                port = EchoSuite.awaitListening(p, server); // taskset execs: p is the server itself
            } catch (Exception e) { // exited before `listening on` (as the cause), or silent for 30 s
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    throw e; // alive but silent: a fault of the server, not a missing one
                }
                String note = server + ": skipped, it exited (status " + p.exitValue() + ") before listening: "
                        + firstLine(log);
                System.out.println("echo: " + note);
                notes.add(note);
                return false;
            }
            long pid = p.pid();
            System.out.println("echo: " + server + " listening on port " + port + " (pid " + pid + ", CPU "
                    + SERVER_CPU + ")");
            load(port, 1, warmupSeconds, 0, List.of(), log); // JIT warm-up, not recorded
            for (int depth : depths) {
                Path cs = out.resolve("echo-bound-" + file + "-d" + depth + "-cs.csv");
                Map<String, String> r = load(port, depth, seconds, 1, perf("context-switches", pid, cs), log);
                if (r == null) {
                    notes.add(server + " depth " + depth + ": no result line; no figure recorded");
                    continue;
                }
                Map<String, Object> run = record(server, depth, r);
                run.put("round", round);
                double all = Double.parseDouble(r.get("all_messages"));
                double allSeconds = Double.parseDouble(r.get("all_seconds"));
                double switches = perfCount(cs);
                run.put("ctxSwitchesPerSec", switches / allSeconds);
                run.put("ctxSwitchesPerMsg", switches / all);

                if (round == 1) {
                    Path sc = out.resolve("echo-bound-" + file + "-d" + depth + "-syscalls.csv");
                    Map<String, String> s = load(port, depth, counterSeconds, 0,
                            perf("raw_syscalls:sys_enter", pid, sc), log);
                    if (s != null) {
                        run.put("syscallsPerMsg", perfCount(sc) / Double.parseDouble(s.get("all_messages")));
                    }
                    run.put("straceTop", strace(pid, port, depth, out.resolve("echo-bound-" + file + "-d" + depth
                            + "-strace.txt"), log));
                }
                runs.add(run);
                System.out.printf(Locale.ROOT, "echo: round %d, %s depth %d: %.0f msgs/s (10 ms windows: median %.0f, p90 %.0f),"
                                + " p50 %.1f µs, p99 %.1f µs, %.2f syscalls/msg, %.0f context switches/s (%s)%n",
                        round, server, depth, (Double) run.get("msgsPerSec"), (Double) run.get("windowMedianMsgsPerSec"),
                        (Double) run.get("windowP90MsgsPerSec"), (Double) run.get("p50us"), (Double) run.get("p99us"),
                        (Double) run.getOrDefault("syscallsPerMsg", Double.NaN),
                        (Double) run.get("ctxSwitchesPerSec"), run.getOrDefault("straceTop", "-"));
            }
        } finally {
            EchoSuite.stop(p);
        }
        return true;
    }

    /** The first line of the server's stderr, e.g. "error: unknown model proactor". */
    private static String firstLine(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).findFirst().orElse("no stderr");
    }

    private static List<String> perf(String event, long pid, Path csv) {
        return List.of("perf", "stat", "-x", ",", "-e", event, "-p", String.valueOf(pid), "-o", csv.toString(), "--");
    }

    /** The count in a `perf stat -x ,` file (its first numeric field); NaN if perf could not count. */
    static double perfCount(Path csv) throws IOException {
        if (!Files.exists(csv)) {
            return Double.NaN;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String first = line.split(",")[0].trim();
            try {
                return Double.parseDouble(first);
            } catch (NumberFormatException e) {
                return Double.NaN; // "<not supported>" or "<not counted>"
            }
        }
        return Double.NaN;
    }

    /**
     * Runs the load generator pinned to LOAD_CPU for `seconds` after `warmup` unrecorded
     * seconds, under the `prefix` command (perf stat), and returns its result line's fields.
     */
    private Map<String, String> load(int port, int depth, double secs, double warmup, List<String> prefix,
                                     Path log) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("taskset", "-c", LOAD_CPU, tool("jmux-echoload"), "--port", String.valueOf(port),
                "--connections", String.valueOf(connections), "--size", String.valueOf(size),
                "--depth", String.valueOf(depth), "--seconds", String.valueOf(secs),
                "--warmup-s", String.valueOf(warmup)));
        Process gen = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> resultLine(gen));
        long limit = (long) Math.ceil(secs + warmup) + 30;
        if (!gen.waitFor(limit, TimeUnit.SECONDS)) {
            EchoSuite.stop(gen);
            notes.add("load generator at depth " + depth + " did not finish within " + limit + " s");
            return null;
        }
        String result = line.get(5, TimeUnit.SECONDS);
        return result == null ? null : EchoSuite.parseResult(result);
    }

    private static String resultLine(Process p) {
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("result ")) {
                    result = line;
                }
            }
        } catch (IOException e) {
            return result;
        }
        return result;
    }

    /**
     * strace -c -f attached to the server for one short load run: the syscalls per echoed
     * message, the most frequent first, e.g. "read 2.00, write 1.00, epoll_wait 0.31".
     */
    private String strace(long pid, int port, int depth, Path file, Path log) throws Exception {
        Process st = new ProcessBuilder("strace", "-c", "-f", "-p", String.valueOf(pid), "-o", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            Thread.sleep(500); // attach to every thread before the load starts
            Map<String, String> r = load(port, depth, counterSeconds, 0, List.of(), log);
            // SIGINT: strace detaches and writes its summary.
            new ProcessBuilder("kill", "-INT", String.valueOf(st.pid())).start().waitFor();
            if (!st.waitFor(10, TimeUnit.SECONDS)) {
                EchoSuite.stop(st);
            }
            if (r == null || !Files.exists(file)) {
                return "strace: no figure";
            }
            return topSyscalls(Files.readAllLines(file), Double.parseDouble(r.get("all_messages")));
        } finally {
            if (st.isAlive()) {
                EchoSuite.stop(st);
            }
        }
    }

    /** The four most frequent syscalls of an `strace -c` table, per message. */
    static String topSyscalls(List<String> table, double messages) {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : table) {
            String[] f = line.trim().split("\\s+");
            // % time, seconds, usecs/call, calls, [errors,] syscall
            if (f.length >= 5 && f[0].matches("[0-9.]+") && !f[f.length - 1].equals("total")) {
                calls.put(f[f.length - 1], Long.parseLong(f[3]));
            }
        }
        return calls.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / messages))
                .reduce((a, b) -> a + ", " + b).orElse("strace: no calls");
    }

    private Map<String, Object> record(String server, int depth, Map<String, String> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", server);
        m.put("connections", Integer.parseInt(r.get("connections")));
        m.put("size", size);
        m.put("depth", depth);
        m.put("messages", Long.parseLong(r.get("messages")));
        m.put("seconds", Double.parseDouble(r.get("seconds")));
        m.put("msgsPerSec", Double.parseDouble(r.get("msgs_per_sec")));
        m.put("windowMedianMsgsPerSec", Double.parseDouble(r.getOrDefault("window_median_msgs_per_sec", "NaN")));
        m.put("windowP90MsgsPerSec", Double.parseDouble(r.getOrDefault("window_p90_msgs_per_sec", "NaN")));
        m.put("p50us", Double.parseDouble(r.get("p50_us")));
        m.put("p99us", Double.parseDouble(r.get("p99_us")));
        m.put("errors", Long.parseLong(r.get("errors")));
        return m;
    }

    /** echo-bound.json of a directory, or null. */
    static JsonObject read(Path dir) throws IOException {
        Path f = dir.resolve("echo-bound.json");
        return Files.exists(f) ? JsonParser.parseString(Files.readString(f)).getAsJsonObject() : null;
    }
}
