package io.jmux.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One benchmark run: the C twin, then JMH over jmux and its peers with the same
 * parameters and iteration times, the C twin again, then the report. Everything lands in
 * one directory ({@code results/<profile>-<time>/}): ctwin-*.json, jmh-*.json,
 * machine.json, report.md and the charts.
 *
 * <pre>
 * java -cp target/benchmarks.jar io.jmux.bench.Suite short|full [--out DIR]
 *      [--n 1,100] [--ready 0,1,all] [--warmup W] [--iterations I] [--time-ms T]
 * </pre>
 * Run from the benchmarks directory (the C twin is {@code target/c/jmux-ctwin}; the
 * system property {@code jmux.ctwin} names another path).
 */
public final class Suite {
    // The scenario lists (JMH method names, also the C twin's).
    private static final String WAITS = "select|poll|epoll_wait|epoll_wait_et|epoll_wait_oneshot";
    private static final String REGISTRATIONS = "epoll_ctl_add_del|epoll_ctl_mod|fd_set_rebuild|pollfd_rebuild";
    /**
     * io_uring (JMH group {@code io_uring}): the empty completion check, the multishot
     * POLL_ADD round trip and POLL_ADD + POLL_REMOVE, with jmux's empty {@code epoll_wait(0)}
     * beside the check. The C twin's scenarios of the same names are its "C io_uring" rows.
     */
    private static final String URING = "io_uring_cq_empty|io_uring_poll_multishot|io_uring_poll_add_remove";
    /** jmux-only companions measured in the same JMH group: poll's old revents(i) scan. */
    private static final String JMUX_EXTRAS = "poll_indexed|poll_scan|poll_scan_indexed";

    /** Which scenarios, over which parameters, for how long. */
    static final class Profile {
        final String name;
        String waits;
        String registrations; // null: none
        List<String> n;
        List<String> ready;
        int warmupIterations;
        int iterations;
        long iterationMillis;
        boolean trace;
        /** Also run the C twin single-threaded, to show what a shared fd table costs. */
        boolean singleThreadedC;
        /** The io_uring group's JMH include pattern (after {@code io.jmux.bench.}); null: none. */
        String uringJmh;
        /** The C twin scenarios the io_uring group needs besides waits and registrations. */
        String uringC = "";
        /** The C twin's iteration time (its count is always JMH's, so its error bars use the same t). */
        long cIterationMillis;
        /** Warm-up and measured iterations of the rows no target judges (JMH groups scan, floor, nio). */
        int minorWarmup;
        int minorIterations;
        /** The n of the JDK Selector row (nio) and of poll's scan comparison (scan, and the C twin's poll_scan). */
        List<String> nioN;
        List<String> scanN;

        Profile(String name, String waits, String registrations, List<String> n, List<String> ready,
                int warmupIterations, int iterations, long iterationMillis, boolean trace) {
            this.name = name;
            this.waits = waits;
            this.registrations = registrations;
            this.n = n;
            this.ready = ready;
            this.warmupIterations = warmupIterations;
            this.iterations = iterations;
            this.iterationMillis = iterationMillis;
            this.trace = trace;
            this.cIterationMillis = iterationMillis;
            this.minorWarmup = warmupIterations;
            this.minorIterations = iterations;
        }

        /** The largest n: where poll's scan matters most. */
        String largestN() {
            return n.stream().max(java.util.Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        }
    }

    /** The main job: the three syscalls at 3 sizes, one fd ready, every binding; minutes. */
    static Profile shortProfile() {
        Profile p = new Profile("short", "select|poll|epoll_wait", null, List.of("1", "100", "1000"),
                List.of("1"), 2, 5, 400, false);
        // io_uring's empty check and round trip, jmux and C, each beside its epoll twin:
        // epoll_wait_et is run by jmux (and C) only here, not by every binding.
        p.uringJmh = "(JmuxIoUring\\.(io_uring_cq_empty|io_uring_poll_multishot)|JmuxWait\\.(epoll_wait_empty|epoll_wait_et))";
        p.uringC = "io_uring_cq_empty,io_uring_poll_multishot,epoll_wait_et";
        // To stay at about 3 minutes with io_uring in: the rows no target judges get 1 + 3
        // iterations, the JDK Selector row (many times C) runs at the smallest and largest n,
        // poll's scan at the largest n only (JMH and C alike), and the C twin's iterations
        // are 250 ms (compiled C needs no JIT; the number of iterations, which sets the
        // error bar's t, stays JMH's).
        p.minorWarmup = 1;
        p.minorIterations = 3;
        p.cIterationMillis = 250;
        p.nioN = List.of("1", "1000");
        p.scanN = List.of("1000");
        return p;
    }

    /** Every scenario and parameter of issue 4. */
    static Profile fullProfile() {
        Profile p = new Profile("full", WAITS, REGISTRATIONS, List.of("1", "10", "100", "1000", "10000"),
                List.of("0", "1", "all"), 3, 5, 1000, true);
        p.singleThreadedC = true;
        p.uringJmh = "((Jmux|Netty)IoUring\\.(" + URING + ")|JmuxWait\\.epoll_wait_empty)";
        p.uringC = URING.replace('|', ',') + ",epoll_wait_empty";
        return p;
    }

    private final Profile profile;
    private final Path out;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private Suite(Profile profile, Path out) {
        this.profile = profile;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !(args[0].equals("short") || args[0].equals("full"))) {
            System.err.println("usage: Suite short|full [--out DIR] [--n 1,100] [--ready 0,1,all]"
                    + " [--warmup W] [--iterations I] [--time-ms T]");
            System.exit(2);
        }
        Profile p = args[0].equals("short") ? shortProfile() : fullProfile();
        Path out = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--out": out = Paths.get(v); break;
                case "--n": p.n = List.of(v.split(",")); break;
                case "--ready": p.ready = List.of(v.split(",")); break;
                // Asked for explicitly, an iteration setting holds for every group and the C twin.
                case "--warmup": p.warmupIterations = p.minorWarmup = Integer.parseInt(v); break;
                case "--iterations": p.iterations = p.minorIterations = Integer.parseInt(v); break;
                case "--time-ms": p.iterationMillis = p.cIterationMillis = Long.parseLong(v); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            out = Paths.get("results", p.name + "-" + stamp);
        }
        Files.createDirectories(out);
        new Suite(p, out).run();
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        System.out.println("== results: " + out.toAbsolutePath().normalize()
                + " (JMH's and the C twin's iteration logs: jmh-*.log, ctwin.log)");
        describeMachine();
        step("bare syscall cost (C twin)", this::measureBareSyscall);
        // C twin before and after JMH: the report pools both, so a machine that got busier
        // or quieter during the run widens C's error bar instead of skewing every ratio.
        step("C twin (before JMH)", () -> runCTwin("ctwin-before.json", 1));
        step("JMH", this::runJmh);
        step("C twin (after JMH)", () -> runCTwin("ctwin-after.json", 1));
        if (profile.singleThreadedC) {
            step("C twin, single-threaded", () -> runCTwin("ctwin-single-threaded.json", 0));
        }
        machine.put("loadAverageAtEnd", loadAverage());
        machine.put("notes", notes);
        machine.put("elapsedSeconds", (System.nanoTime() - start) / 1_000_000_000L);
        Files.writeString(out.resolve("machine.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(machine));
        Report.Output report = Report.write(out);
        System.out.printf("Suite '%s' took %d s%s%n%n", profile.name, (System.nanoTime() - start) / 1_000_000_000L,
                sinceScriptStart());
        // The paths, then the targets table: the last thing on the terminal.
        report.print();
    }

    /** ", N s since the run script started (build included)" when the script exported JMUX_BENCH_START. */
    static String sinceScriptStart() {
        String t = System.getenv("JMUX_BENCH_START");
        if (t == null || !t.matches("\\d+")) {
            return "";
        }
        return ", " + (System.currentTimeMillis() / 1000 - Long.parseLong(t)) + " s since the script started (build included)";
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) throws Exception {
        long t0 = System.nanoTime();
        System.out.println("== " + name);
        step.run();
        System.out.printf("== %s done in %d s%n", name, (System.nanoTime() - t0) / 1_000_000_000L);
    }

    // ---- the C twin ----

    /**
     * Runs the C twin with {@code idleThreads} idle threads besides its measuring one: 1
     * for the reference every ratio divides by (a JVM is multi-threaded, and the kernel's
     * fd lookups cost more in a multi-threaded process), 0 to show what that costs.
     */
    private void runCTwin(String file, int idleThreads) throws IOException, InterruptedException {
        Path ctwin = ctwin();
        // Single-threaded, only the calls that look fds up per call: that is where it differs.
        String scenarios = idleThreads == 0 ? "noop,select,poll,epoll_wait"
                : "noop," + profile.waits.replace('|', ',')
                        + (profile.registrations == null ? "" : "," + profile.registrations.replace('|', ','))
                        + (profile.uringC.isEmpty() ? "" : "," + profile.uringC);
        runCTwin(file, idleThreads, scenarios, profile.n);
        if (idleThreads != 0) {
            // poll_scan at the n of JMH's scan group, into its own file (the report pools every ctwin*.json).
            runCTwin(file.replace(".json", "-scan.json"), idleThreads, "poll_scan", scanN());
        }
    }

    private void runCTwin(String file, int idleThreads, String scenarios, List<String> n)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(ctwin().toString(), "--scenarios", scenarios,
                "--n", String.join(",", n), "--ready", String.join(",", profile.ready),
                // Compiled C needs no JIT warm-up: one iteration warms caches and branch predictors.
                "--warmup", String.valueOf(Math.min(1, profile.warmupIterations)),
                "--iterations", String.valueOf(profile.iterations),
                "--time-ms", String.valueOf(profile.cIterationMillis),
                "--idle-threads", String.valueOf(idleThreads),
                "--out", out.resolve(file).toString());
        runLogged(cmd, out.resolve("ctwin.log"));
    }

    /** The n of poll's scan comparison: the profile's own, or all of its n. */
    private List<String> scanN() {
        return profile.scanN != null ? profile.scanN : profile.n;
    }

    /** The C twin: target/c/jmux-ctwin, or the path in the system property jmux.ctwin. */
    public static Path ctwin() {
        Path ctwin = Paths.get(System.getProperty("jmux.ctwin", "target/c/jmux-ctwin"));
        if (!Files.isExecutable(ctwin)) {
            throw new IllegalStateException("C twin not found at " + ctwin.toAbsolutePath()
                    + ": build it with `mvn -f benchmarks/pom.xml package`");
        }
        return ctwin;
    }

    /** Runs a C twin command with its per-scenario lines appended to log. */
    private static void runLogged(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("C twin failed (exit " + p.exitValue() + "): " + cmd
                    + "; see " + log.toAbsolutePath().normalize());
        }
    }

    /**
     * A bare syscall's cost on this machine, before anything else runs: getppid(2) and an
     * empty epoll_wait(0), timed by the C twin (10 iterations of 50 ms, one idle thread as
     * always), and the fastest iteration kept: on a shared machine a neighbour's burst only
     * ever adds time, and the question is the kind of VM, not its load. Syscall entry and
     * exit differ ~13× between kinds of VM, and that decides how much of jmux's fixed cost
     * a ratio to C exposes; the report names it beside the CPU.
     */
    private void measureBareSyscall() throws IOException, InterruptedException {
        Map<String, Double> ns = bareSyscall(out);
        machine.put("bareSyscallNs", ns);
        System.out.printf("   getppid() %.1f ns, empty epoll_wait(0) %.1f ns per call (fastest of 10 iterations)%n",
                ns.getOrDefault("getppid", Double.NaN), ns.getOrDefault("epoll_wait_empty", Double.NaN));
    }

    /** Measures the bare syscall cost into dir/syscall-cost.json (log: dir/ctwin.log); ns per call by name. */
    public static Map<String, Double> bareSyscall(Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("syscall-cost.json");
        runLogged(List.of(ctwin().toString(), "--scenarios", "getppid,epoll_wait_empty", "--n", "1",
                "--ready", "0", "--warmup", "1", "--iterations", "10", "--time-ms", "50",
                "--idle-threads", "1", "--out", file.toString()), dir.resolve("ctwin.log"));
        Map<String, Double> ns = new LinkedHashMap<>();
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(file))
                .getAsJsonObject();
        for (com.google.gson.JsonElement e : root.getAsJsonArray("results")) {
            com.google.gson.JsonObject r = e.getAsJsonObject();
            double min = Double.MAX_VALUE;
            for (com.google.gson.JsonElement v : r.getAsJsonArray("nsPerOp")) {
                min = Math.min(min, v.getAsDouble());
            }
            ns.put(r.get("scenario").getAsString(), min);
        }
        return ns;
    }

    // ---- JMH ----

    private void runJmh() throws RunnerException {
        String bindings = "(Jmux|Netty|Jna" + (ffmAvailable() ? "|Ffm" : "") + ")";
        jmh("wait", "io\\.jmux\\.bench\\." + bindings + "Wait\\.(" + profile.waits + ")$", profile.n, profile.ready);
        // poll's scan before and after nextReady: every n in the full suite, the largest
        // (where the scan matters most) in the short one, to keep it at about 3 minutes.
        jmhMinor("scan", "io\\.jmux\\.bench\\.JmuxWait\\.(" + JMUX_EXTRAS + ")$", scanN(), profile.ready);
        if (profile.registrations != null) {
            jmh("registration", "io\\.jmux\\.bench\\." + bindings + "Registration\\.(" + profile.registrations + ")$",
                    profile.n, profile.ready);
        }
        if (profile.uringJmh != null) {
            jmh("io_uring", "io\\.jmux\\.bench\\." + profile.uringJmh + "$", profile.n, profile.ready);
        }
        jmhMinor("floor", "io\\.jmux\\.bench\\." + bindings + "Floor\\.noop", profile.n, profile.ready);
        List<String> nioN = nioSizes();
        if (!nioN.isEmpty()) {
            jmhMinor("nio", "io\\.jmux\\.bench\\.NioWait\\.epoll_wait$", nioN, profile.ready);
        }
        if (profile.trace) {
            jmh("trace", "io\\.jmux\\.bench\\.JmuxTraceOff\\.", List.of("1", "1000"), List.of("1"));
        }
    }

    private void jmh(String group, String include, List<String> n, List<String> ready) throws RunnerException {
        jmh(group, include, n, ready, profile.warmupIterations, profile.iterations);
    }

    /** A group no target judges: the profile's minor iteration counts. */
    private void jmhMinor(String group, String include, List<String> n, List<String> ready) throws RunnerException {
        jmh(group, include, n, ready, profile.minorWarmup, profile.minorIterations);
    }

    private void jmh(String group, String include, List<String> n, List<String> ready, int warmup, int iterations)
            throws RunnerException {
        Path log = out.resolve("jmh-" + group + ".log");
        System.out.println("== JMH group '" + group + "': " + include + " n=" + n + " ready=" + ready
                + "; iterations in " + log.toAbsolutePath().normalize());
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(include)
                .param("n", n.toArray(new String[0]))
                .param("ready", ready.toArray(new String[0]))
                .warmupIterations(warmup)
                .warmupTime(TimeValue.milliseconds(profile.iterationMillis))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(profile.iterationMillis))
                .forks(1)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                // JMH's iteration lines go to a file: the terminal keeps one line per step
                // and ends with the summary table.
                .output(log.toString())
                .resultFormat(ResultFormatType.JSON)
                .result(out.resolve("jmh-" + group + ".json").toString());
        new Runner(opts.build()).run();
    }

    /** True if this JVM and benchmarks.jar can run the FFM benchmarks; says why not otherwise. */
    private boolean ffmAvailable() {
        int feature = Runtime.version().feature();
        String status;
        if (feature < 22) {
            status = "skipped: FFM needs JDK 22+ (this run uses JDK " + Runtime.version() + ")";
        } else if (getClass().getClassLoader().getResource("io/jmux/bench/FfmWait.class") == null) {
            status = "skipped: benchmarks.jar was built by a JDK older than 22; rebuild it with JDK "
                    + feature + " to include the FFM benchmarks";
        } else {
            status = "ran";
        }
        machine.put("ffm", status);
        if (!status.equals("ran")) {
            System.out.println("FFM: " + status);
            notes.add("FFM: " + status);
        }
        return status.equals("ran");
    }

    /** The n values whose pipes fit the open-file limit (two fds per pipe). */
    private List<String> nioSizes() {
        long max = NioWait.maxPipes();
        List<String> fit = new ArrayList<>();
        for (String n : profile.nioN != null ? profile.nioN : profile.n) {
            if (Integer.parseInt(n) <= max) {
                fit.add(n);
            } else {
                String note = "JDK Selector: skipped n=" + n + ": " + n + " pipes need " + 2 * Long.parseLong(n)
                        + " fds, over the open-file limit less " + NioWait.RESERVED_FDS + " for the JVM"
                        + " (at most " + max + " pipes here; raise `ulimit -n` to run it)";
                System.out.println(note);
                notes.add(note);
            }
        }
        return fit;
    }

    // ---- the machine ----

    private void describeMachine() {
        machine.put("profile", profile.name);
        machine.put("date", LocalDateTime.now().toString());
        machine.put("cpu", cpuModel());
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("loadAverageAtStart", loadAverage());
        machine.put("n", profile.n);
        machine.put("ready", profile.ready);
        machine.put("warmupIterations", profile.warmupIterations);
        machine.put("iterations", profile.iterations);
        machine.put("iterationMillis", profile.iterationMillis);
        machine.put("forks", 1);
        machine.put("cIterationMillis", profile.cIterationMillis);
        if (profile.minorIterations != profile.iterations || profile.minorWarmup != profile.warmupIterations) {
            notes.add("JMH groups scan, floor and nio (rows no target judges): " + profile.minorWarmup + " warm-up + "
                    + profile.minorIterations + " measured iterations, to keep the run short");
        }
        machine.put("openFileLimit", openFileLimit());
        machine.put("jmuxTrace", getClass().getClassLoader().getResource("io/jmux/Trace.class") != null);
        System.out.println("Machine: " + machine.get("cpu") + ", " + machine.get("cpus") + " CPUs, "
                + machine.get("kernel") + ", " + machine.get("jdk") + ", load " + machine.get("loadAverageAtStart"));
    }

    /** The CPU model as /proc/cpuinfo names it. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    /** /proc/loadavg. */
    public static String loadAverage() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long openFileLimit() {
        Object os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean
                ? ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount() : -1;
    }
}
