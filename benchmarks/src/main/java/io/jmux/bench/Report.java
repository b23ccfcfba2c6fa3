package io.jmux.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Turns one run directory (ctwin-*.json, jmh-*.json, machine.json, optionally echo.json)
 * into report.md — a Markdown table per scenario with ns/op, its 99.9% error, the ratio
 * to C and B/op — and PNG charts of ns/op against n on log scales.
 *
 * <pre>java -cp target/benchmarks.jar io.jmux.bench.Report results/RUN</pre>
 */
public final class Report {
    /** Bindings in table order; the C twin is the reference every ratio divides by. */
    static final List<String> IMPLS = List.of("C", "C, single-threaded", "jmux", "Netty epoll", "JNA", "FFM",
            "JDK Selector");
    static final String C = "C";
    /** The C twin without its idle thread: the kernel's cheaper fd lookups of a single-threaded process. */
    static final String C_SINGLE = "C, single-threaded";
    static final String JMUX = "jmux";

    /** Scenario key (the benchmark method and C twin name) to its title and what one op does. */
    static final Map<String, String[]> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("epoll_wait", new String[] {"epoll_wait, level-triggered",
            "epoll_wait(timeout 0), then walk the returned events. The JDK Selector row is"
                + " selectNow() + walk and clear the selected-key set, over pipes."});
        SCENARIOS.put("poll", new String[] {"poll",
            "poll(timeout 0), then scan the revents of all n entries."});
        SCENARIOS.put("select", new String[] {"select",
            "copy the interest fd_set (select overwrites it), select(timeout 0), then scan the set"
                + " a long at a time (FdSet.fdsBits, as C scans fds_bits)."});
        SCENARIOS.put("epoll_wait_et", new String[] {"epoll_wait, edge-triggered (EPOLLET)",
            "one eventfd write per ready fd (a new edge, else ET reports nothing), then epoll_wait"
                + " and walk the events."});
        SCENARIOS.put("epoll_wait_oneshot", new String[] {"epoll_wait, EPOLLONESHOT",
            "epoll_wait, walk the events, and re-arm each reported fd with EPOLL_CTL_MOD."});
        SCENARIOS.put("epoll_ctl_add_del", new String[] {"epoll_ctl ADD + DEL",
            "register one more fd and remove it (two epoll_ctl calls) with n fds registered."});
        SCENARIOS.put("epoll_ctl_mod", new String[] {"epoll_ctl MOD",
            "change the events of one fd (one epoll_ctl call) with n fds registered."});
        SCENARIOS.put("fd_set_rebuild", new String[] {"fd_set rebuild (select's change of interest)",
            "FD_ZERO, then FD_SET for each of the n fds: no syscall, but select then hands the"
                + " whole set to the kernel on every call."});
        SCENARIOS.put("pollfd_rebuild", new String[] {"pollfd array rebuild (poll's change of interest)",
            "rewrite the n struct pollfd entries: no syscall, but poll then hands the whole"
                + " array to the kernel on every call."});
        SCENARIOS.put("noop", new String[] {"Call floor: one native call that makes no syscall",
            "jmux: Jmux.noop (a JNI native returning its argument); JNA and FFM: libc abs(3);"
                + " C: a call through a function pointer."});
    }

    static final List<String> WAITS = List.of("epoll_wait", "poll", "select", "epoll_wait_et", "epoll_wait_oneshot");
    static final List<String> REGISTRATIONS = List.of("epoll_ctl_add_del", "epoll_ctl_mod", "fd_set_rebuild",
            "pollfd_rebuild");

    /** One measured figure: ns/op with its error, and B/op where JMH measured it (NaN for C). */
    record Figure(String impl, String scenario, int n, String ready, double score, double error,
                  double bytesPerOp) {
        Key key() {
            return new Key(scenario, n, ready);
        }
    }

    /** A scenario at one parameter point: what the bindings are compared on. */
    record Key(String scenario, int n, String ready) {}

    /** What {@link #write} produced. */
    public record Output(Path markdown, List<Path> charts) {}

    private final Path dir;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Figure> traceFigures = new ArrayList<>();
    private final List<Path> charts = new ArrayList<>();
    private JsonObject machine = new JsonObject();
    private final StringBuilder md = new StringBuilder();

    private Report(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report RUN_DIRECTORY");
            System.exit(2);
        }
        Output out = write(Paths.get(args[0]));
        System.out.println(Files.readString(out.markdown()));
        System.out.println("Report: " + out.markdown());
        out.charts().forEach(c -> System.out.println("Chart:  " + c));
    }

    /** Reads the run in {@code dir} and writes report.md and the charts beside it. */
    public static Output write(Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Report r = new Report(dir);
        r.load();
        r.render();
        Path md = dir.resolve("report.md");
        Files.writeString(md, r.md.toString());
        return new Output(md, r.charts);
    }

    // ---- loading ----

    private void load() throws IOException {
        Path m = dir.resolve("machine.json");
        if (Files.exists(m)) {
            machine = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
        }
        loadCTwin();
        try (DirectoryStream<Path> jmh = Files.newDirectoryStream(dir, "jmh*.json")) {
            for (Path p : jmh) {
                loadJmh(p);
            }
        }
    }

    /**
     * The C twin writes raw per-iteration ns/op, once before and once after JMH; the
     * iterations of both runs are pooled per scenario point, and mean and error computed
     * with JMH's own statistics.
     */
    private void loadCTwin() throws IOException {
        Map<Key, ListStatistics> pooled = new LinkedHashMap<>();
        Map<Key, ListStatistics> single = new LinkedHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "ctwin*.json")) {
            for (Path file : files) {
                JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                // Twins without idle threads are a separate row, never the reference.
                boolean singleThreaded = root.has("idleThreads") && root.get("idleThreads").getAsInt() == 0;
                Map<Key, ListStatistics> into = singleThreaded ? single : pooled;
                for (JsonElement e : root.getAsJsonArray("results")) {
                    JsonObject r = e.getAsJsonObject();
                    JsonObject params = r.getAsJsonObject("params");
                    Key key = new Key(r.get("scenario").getAsString(), intParam(params, "n"),
                            stringParam(params, "ready"));
                    ListStatistics stats = into.computeIfAbsent(key, k -> new ListStatistics());
                    r.getAsJsonArray("nsPerOp").forEach(v -> stats.addValue(v.getAsDouble()));
                }
            }
        }
        pooled.forEach((k, stats) -> figures.add(new Figure(C, k.scenario(), k.n(), k.ready(),
                stats.getMean(), stats.getMeanErrorAt(0.999), Double.NaN)));
        single.forEach((k, stats) -> figures.add(new Figure(C_SINGLE, k.scenario(), k.n(), k.ready(),
                stats.getMean(), stats.getMeanErrorAt(0.999), Double.NaN)));
    }

    private void loadJmh(Path file) throws IOException {
        for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
            JsonObject b = e.getAsJsonObject();
            String benchmark = b.get("benchmark").getAsString();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            JsonObject params = b.has("params") ? b.getAsJsonObject("params") : new JsonObject();
            JsonObject primary = b.getAsJsonObject("primaryMetric");
            Figure f = new Figure(implOf(cls), method, intParam(params, "n"), stringParam(params, "ready"),
                    primary.get("score").getAsDouble(), primary.get("scoreError").getAsDouble(),
                    allocation(b));
            (cls.equals("JmuxTraceOff") ? traceFigures : figures).add(f);
        }
    }

    private static double allocation(JsonObject benchmark) {
        JsonObject secondary = benchmark.getAsJsonObject("secondaryMetrics");
        if (secondary != null) {
            for (Map.Entry<String, JsonElement> m : secondary.entrySet()) {
                if (m.getKey().endsWith("gc.alloc.rate.norm")) {
                    return m.getValue().getAsJsonObject().get("score").getAsDouble();
                }
            }
        }
        return Double.NaN;
    }

    static String implOf(String benchmarkClass) {
        if (benchmarkClass.startsWith("Jmux")) {
            return JMUX;
        } else if (benchmarkClass.startsWith("Netty")) {
            return "Netty epoll";
        } else if (benchmarkClass.startsWith("Jna")) {
            return "JNA";
        } else if (benchmarkClass.startsWith("Ffm")) {
            return "FFM";
        } else if (benchmarkClass.startsWith("Nio")) {
            return "JDK Selector";
        }
        return benchmarkClass;
    }

    private static int intParam(JsonObject params, String name) {
        return params.has(name) ? Integer.parseInt(params.get(name).getAsString()) : -1;
    }

    private static String stringParam(JsonObject params, String name) {
        return params.has(name) ? params.get(name).getAsString() : "-";
    }

    // ---- rendering ----

    private void render() throws IOException {
        header();
        targets();
        floor();
        for (String scenario : SCENARIOS.keySet()) {
            if (!scenario.equals("noop")) {
                scenarioSections(scenario);
            }
        }
        syscallCharts();
        registrationChart();
        trace();
        echo();
        files();
    }

    private void header() {
        md.append("# jmux benchmarks: ").append(str("profile", "?")).append(" run\n\n");
        md.append("| | |\n|---|---|\n");
        row("Date", str("date", "?"));
        row("CPU", str("cpu", "?") + " (" + str("cpus", "?") + " CPUs seen by the JVM)");
        row("Kernel", str("kernel", "?"));
        row("JDK", str("jdk", "?"));
        row("Load average (1, 5, 15 min) at start / end",
                str("loadAverageAtStart", "?") + " / " + str("loadAverageAtEnd", "?"));
        row("JMH settings", str("warmupIterations", "?") + " warm-up + " + str("iterations", "?")
                + " measured iterations of " + str("iterationMillis", "?") + " ms, 1 fork, -prof gc");
        row("C twin settings", "1 warm-up + " + str("iterations", "?") + " measured iterations of "
                + str("iterationMillis", "?") + " ms, run before and after JMH");
        row("FFM", str("ffm", "not recorded"));
        md.append('\n');
        if (machine.has("notes")) {
            for (JsonElement note : machine.getAsJsonArray("notes")) {
                md.append("- ").append(note.getAsString()).append('\n');
            }
            md.append('\n');
        }
        md.append("The C twin runs with one idle thread besides the measuring one, because a JVM is"
                + " multi-threaded and Linux looks fds up more expensively in a process whose fd table"
                + " is shared (fdget takes a file reference): poll and select pay that per fd, so a"
                + " single-threaded C reference would charge jmux for the JVM's threads. Where the"
                + " suite also ran it single-threaded, that row is `C, single-threaded`.\n\n");
        md.append("ns/op is JMH's average time per op (the C twin's: the mean of its iterations,"
                + " run once before and once after JMH and pooled),"
                + " ± the 99.9% confidence half-width JMH computes (the C twin's with the same"
                + " statistics). × C is ns/op divided by the C twin's at the same point, ± the"
                + " propagated error; + ns is the difference. B/op is JMH's `gc.alloc.rate.norm`:"
                + " bytes allocated by all threads during an iteration divided by its ops, so the"
                + " harness's own few kB per iteration show up as a few B/op when an op takes"
                + " milliseconds; an allocation by the op itself would be 16 B/op or more at every n.\n\n");
    }

    private void row(String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private String str(String key, String fallback) {
        return machine.has(key) ? machine.get(key).getAsString() : fallback;
    }

    // ---- targets ----

    private void targets() {
        md.append("## Against the targets\n\n");
        md.append("A target is *met* when the ratio plus its error is within it, *missed* when the"
                + " ratio minus its error is beyond it, else *within error*.\n\n");
        md.append("| call | ready | jmux ÷ C at n=1 (≤ 1.10) | worst jmux ÷ C at n ≥ 100 (≤ 1.02)"
                + " | worst jmux ÷ Netty (≤ 1) | worst jmux ÷ JNA (< 1) | FFM ÷ jmux (n=1) | worst jmux B/op (0) |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (String scenario : List.of("epoll_wait", "poll", "select")) {
            for (String ready : readies(scenario)) {
                md.append("| ").append(scenario).append(" | ").append(ready).append(" | ")
                        .append(judgeAt(scenario, ready, 1, C, 1.10)).append(" | ")
                        .append(judgeWorst(scenario, ready, n -> n >= 100, C, 1.02, false)).append(" | ")
                        .append(judgeWorst(scenario, ready, n -> true, "Netty epoll", 1.0, false)).append(" | ")
                        .append(judgeWorst(scenario, ready, n -> true, "JNA", 1.0, true)).append(" | ")
                        .append(ffmRatio(scenario, ready)).append(" | ")
                        .append(worstAllocation(scenario, ready)).append(" |\n");
            }
        }
        md.append('\n');
    }

    private String judgeAt(String scenario, String ready, int n, String other, double target) {
        Figure j = find(JMUX, new Key(scenario, n, ready));
        Figure o = find(other, new Key(scenario, n, ready));
        if (j == null || o == null) {
            return "not run";
        }
        double[] r = ratio(j, o);
        return fmtRatio(r) + " " + verdict(r, target, false);
    }

    private String judgeWorst(String scenario, String ready, java.util.function.IntPredicate ns, String other,
                              double target, boolean strict) {
        double[] worst = null;
        int worstN = -1;
        for (Figure j : select(JMUX, scenario, ready)) {
            Figure o = find(other, j.key());
            if (o != null && ns.test(j.n())) {
                double[] r = ratio(j, o);
                if (worst == null || r[0] > worst[0]) {
                    worst = r;
                    worstN = j.n();
                }
            }
        }
        if (worst == null) {
            return "not run";
        }
        return fmtRatio(worst) + " at n=" + worstN + " " + verdict(worst, target, strict);
    }

    private String ffmRatio(String scenario, String ready) {
        Figure f = find("FFM", new Key(scenario, 1, ready));
        Figure j = find(JMUX, new Key(scenario, 1, ready));
        return f == null || j == null ? "not run" : fmtRatio(ratio(f, j));
    }

    private String worstAllocation(String scenario, String ready) {
        Figure worst = null;
        for (Figure f : select(JMUX, scenario, ready)) {
            if (!Double.isNaN(f.bytesPerOp()) && (worst == null || f.bytesPerOp() > worst.bytesPerOp())) {
                worst = f;
            }
        }
        return worst == null ? "not run" : fmtBytes(worst.bytesPerOp()) + " at n=" + worst.n();
    }

    static String verdict(double[] ratio, double target, boolean strict) {
        if (Double.isNaN(ratio[0])) {
            return "";
        }
        double err = Double.isNaN(ratio[1]) ? 0 : ratio[1];
        boolean met = strict ? ratio[0] + err < target : ratio[0] + err <= target;
        boolean missed = strict ? ratio[0] - err >= target : ratio[0] - err > target;
        return met ? "**met**" : missed ? "**missed**" : "*within error*";
    }

    /** a ÷ b with the propagated error: {ratio, error}. */
    static double[] ratio(Figure a, Figure b) {
        double r = a.score() / b.score();
        double e = r * Math.hypot(a.error() / a.score(), b.error() / b.score());
        return new double[] {r, e};
    }

    // ---- the call floor ----

    private void floor() {
        Figure c = find(C, new Key("noop", -1, "-"));
        List<Figure> rows = figures.stream().filter(f -> f.scenario().startsWith("noop"))
                .sorted(Comparator.comparingInt((Figure f) -> IMPLS.indexOf(f.impl()))
                        .thenComparing(Figure::scenario))
                .collect(Collectors.toList());
        if (rows.isEmpty()) {
            return;
        }
        md.append("## ").append(SCENARIOS.get("noop")[0]).append("\n\n");
        md.append(SCENARIOS.get("noop")[1]).append(" The jmux − C difference is the JNI transition"
                + " that every jmux call pays on top of its syscall. `noop_refcount` (a proxy, not jmux"
                + " code) wraps the same JNI call in the in-flight count io.jmux.Epoll keeps around each"
                + " call; its difference to `noop` is what that count costs per epoll call.\n\n");
        md.append("| binding | call | ns/op | ± | + ns vs C | B/op |\n|---|---|---:|---:|---:|---:|\n");
        for (Figure f : rows) {
            String plus = c == null || f.impl().equals(C) ? ""
                    : String.format(Locale.ROOT, "%+.1f", f.score() - c.score());
            md.append("| ").append(f.impl()).append(" | `").append(f.scenario()).append("` | ")
                    .append(fmtNs(f.score())).append(" | ").append(fmtNs(f.error())).append(" | ")
                    .append(plus).append(" | ").append(fmtBytes(f.bytesPerOp())).append(" |\n");
        }
        md.append('\n');
    }

    // ---- one section per scenario and ready value ----

    private void scenarioSections(String scenario) throws IOException {
        for (String ready : readies(scenario)) {
            List<Figure> rows = figures.stream()
                    .filter(f -> f.scenario().equals(scenario) && f.ready().equals(ready))
                    .sorted(Comparator.comparingInt(Figure::n).thenComparingInt(f -> IMPLS.indexOf(f.impl())))
                    .collect(Collectors.toList());
            md.append("## ").append(SCENARIOS.get(scenario)[0]);
            if (!ready.equals("-")) {
                md.append(", ready=").append(ready);
            }
            md.append("\n\nOne op: ").append(SCENARIOS.get(scenario)[1]).append("\n\n");
            table(rows);
            Path chart = bindingChart(scenario, ready, rows);
            if (chart != null) {
                md.append("![").append(scenario).append("](").append(chart.getFileName()).append(")\n\n");
            }
        }
    }

    private void table(List<Figure> rows) {
        md.append("| n | binding | ns/op | ± | × C | + ns vs C | B/op |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|\n");
        for (Figure f : rows) {
            Figure c = find(C, f.key());
            String times = "";
            String plus = "";
            if (c != null && !f.impl().equals(C)) {
                times = fmtRatio(ratio(f, c));
                plus = String.format(Locale.ROOT, "%+.1f", f.score() - c.score());
            }
            md.append("| ").append(f.n() < 0 ? "" : String.valueOf(f.n())).append(" | ").append(f.impl())
                    .append(" | ").append(fmtNs(f.score())).append(" | ").append(fmtNs(f.error()))
                    .append(" | ").append(times).append(" | ").append(plus)
                    .append(" | ").append(fmtBytes(f.bytesPerOp())).append(" |\n");
        }
        md.append('\n');
    }

    // ---- charts ----

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xd62728),
        new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    /** Every binding's ns/op against n for one scenario; null if fewer than two n. */
    private Path bindingChart(String scenario, String ready, List<Figure> rows) throws IOException {
        if (rows.stream().map(Figure::n).distinct().count() < 2) {
            return null;
        }
        XYChart chart = newChart(SCENARIOS.get(scenario)[0] + (ready.equals("-") ? "" : ", ready=" + ready));
        for (String impl : IMPLS) {
            List<Figure> line = rows.stream().filter(f -> f.impl().equals(impl)).collect(Collectors.toList());
            addLine(chart, impl, line, PALETTE[IMPLS.indexOf(impl) % PALETTE.length], impl.startsWith(C));
        }
        return save(chart, scenario + (ready.equals("-") ? "" : "-ready-" + ready));
    }

    /** The syscalls side by side: jmux solid, the C twin dashed in the same colour. */
    private void syscallCharts() throws IOException {
        List<Path> made = new ArrayList<>();
        for (String ready : readies("epoll_wait")) {
            XYChart chart = newChart("jmux (solid) and C (dashed): one call's cost, ready=" + ready);
            int lines = 0;
            for (int i = 0; i < WAITS.size(); i++) {
                String scenario = WAITS.get(i);
                List<Figure> j = select(JMUX, scenario, ready);
                if (j.stream().map(Figure::n).distinct().count() < 2) {
                    continue;
                }
                addLine(chart, "jmux " + scenario, j, PALETTE[i], false);
                addLine(chart, "C " + scenario, select(C, scenario, ready), PALETTE[i], true);
                lines++;
            }
            if (lines > 0) {
                made.add(save(chart, "syscalls-ready-" + ready));
            }
        }
        if (!made.isEmpty()) {
            md.append("## Charts: the syscalls side by side\n\n");
            for (Path p : made) {
                md.append("![").append(p.getFileName()).append("](").append(p.getFileName()).append(")\n\n");
            }
        }
    }

    private void registrationChart() throws IOException {
        XYChart chart = newChart("Changing the interest set: jmux (solid) and C (dashed)");
        int lines = 0;
        for (int i = 0; i < REGISTRATIONS.size(); i++) {
            String scenario = REGISTRATIONS.get(i);
            List<Figure> j = select(JMUX, scenario, "-");
            if (j.stream().map(Figure::n).distinct().count() >= 2) {
                addLine(chart, "jmux " + scenario, j, PALETTE[i], false);
                addLine(chart, "C " + scenario, select(C, scenario, "-"), PALETTE[i], true);
                lines++;
            }
        }
        if (lines > 0) {
            Path p = save(chart, "registration");
            md.append("![registration](").append(p.getFileName()).append(")\n\n");
        }
    }

    private static XYChart newChart(String title) {
        XYChart chart = new XYChartBuilder().width(1000).height(640).title(title)
                .xAxisTitle("n: registered fds (log scale)").yAxisTitle("ns per op (log scale)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        // n runs over decades; ns/op may not span one, so label between decades too.
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        return chart;
    }

    private static void addLine(XYChart chart, String name, List<Figure> line, Color color, boolean dashed) {
        List<Figure> points = line.stream().filter(f -> f.n() > 0)
                .sorted(Comparator.comparingInt(Figure::n)).collect(Collectors.toList());
        if (points.isEmpty()) {
            return;
        }
        double[] x = points.stream().mapToDouble(Figure::n).toArray();
        double[] y = points.stream().mapToDouble(Figure::score).toArray();
        // An error bar reaching 0 cannot be drawn on a log axis: clip it just above.
        double[] err = points.stream().mapToDouble(f -> Double.isNaN(f.error()) ? 0
                : Math.min(f.error(), 0.9 * f.score())).toArray();
        XYSeries s = chart.addSeries(name, x, y, err);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(dashed ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        s.setLineStyle(dashed ? SeriesLines.DASH_DASH : new BasicStroke(2f));
    }

    private Path save(XYChart chart, String name) throws IOException {
        Path file = dir.resolve(name + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        charts.add(file);
        return file;
    }

    // ---- trace hook ----

    private void trace() {
        if (traceFigures.isEmpty()) {
            return;
        }
        md.append("## Trace mode off: default fork ÷ `-Djmux.trace=false` fork\n\n");
        boolean present = machine.has("jmuxTrace") && machine.get("jmuxTrace").getAsBoolean();
        md.append(present ? "io.jmux.Trace is in the jmux jar measured: both forks run with tracing off,"
                + " one by default, one by the explicit property; they should match within error.\n\n"
                : "io.jmux.Trace is **not** in the jmux jar measured: both forks run identical code, so"
                + " this only shows the noise floor of the comparison (hook waiting for the trace mode).\n\n");
        md.append("| n | ready | default ns/op | ± | trace=false ns/op | ± | default ÷ trace=false |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|\n");
        for (Figure d : traceFigures) {
            if (!d.scenario().equals("epoll_wait_default")) {
                continue;
            }
            Figure f = traceFigures.stream().filter(t -> t.scenario().equals("epoll_wait_trace_false")
                    && t.n() == d.n() && t.ready().equals(d.ready())).findFirst().orElse(null);
            if (f != null) {
                md.append("| ").append(d.n()).append(" | ").append(d.ready()).append(" | ")
                        .append(fmtNs(d.score())).append(" | ").append(fmtNs(d.error())).append(" | ")
                        .append(fmtNs(f.score())).append(" | ").append(fmtNs(f.error())).append(" | ")
                        .append(fmtRatio(ratio(d, f))).append(" |\n");
            }
        }
        md.append('\n');
    }

    // ---- echo throughput (written by EchoSuite) ----

    private void echo() throws IOException {
        Path file = dir.resolve("echo.json");
        if (!Files.exists(file)) {
            return;
        }
        EchoReport.render(JsonParser.parseString(Files.readString(file)).getAsJsonObject(), md, dir, charts);
    }

    private void files() throws IOException {
        md.append("## Files\n\n");
        try (var list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString()).sorted()
                    .forEach(name -> md.append("- `").append(name).append("`\n"));
        }
        md.append('\n');
    }

    // ---- helpers ----

    private Figure find(String impl, Key key) {
        for (Figure f : figures) {
            if (f.impl().equals(impl) && f.key().equals(key)) {
                return f;
            }
        }
        return null;
    }

    private List<Figure> select(String impl, String scenario, String ready) {
        return figures.stream().filter(f -> f.impl().equals(impl) && f.scenario().equals(scenario)
                && f.ready().equals(ready)).sorted(Comparator.comparingInt(Figure::n)).collect(Collectors.toList());
    }

    /** The ready values measured for a scenario, in the order 0, 1, all. */
    private List<String> readies(String scenario) {
        TreeSet<String> set = figures.stream().filter(f -> f.scenario().equals(scenario)).map(Figure::ready)
                .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparingInt(Report::readyOrder))));
        return new ArrayList<>(set);
    }

    private static int readyOrder(String ready) {
        return ready.equals("all") ? Integer.MAX_VALUE : ready.equals("-") ? -1 : Integer.parseInt(ready);
    }

    static String fmtNs(double ns) {
        if (Double.isNaN(ns)) {
            return "—";
        }
        return String.format(Locale.ROOT, ns < 10 ? "%.2f" : ns < 100_000 ? "%.1f" : "%.0f", ns);
    }

    static String fmtRatio(double[] r) {
        if (Double.isNaN(r[0])) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.3f", r[0])
                + (Double.isNaN(r[1]) ? "" : String.format(Locale.ROOT, " ± %.3f", r[1]));
    }

    static String fmtBytes(double b) {
        return Double.isNaN(b) ? "—" : String.format(Locale.ROOT, "%.2f", Math.max(0, b));
    }
}
