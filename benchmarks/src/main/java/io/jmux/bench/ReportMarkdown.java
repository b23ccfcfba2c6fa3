package io.jmux.bench;

import static io.jmux.bench.Format.fmtBytes;
import static io.jmux.bench.Format.fmtNs;
import static io.jmux.bench.Format.fmtRatio;
import static io.jmux.bench.Scenarios.C;
import static io.jmux.bench.Scenarios.C_URING;
import static io.jmux.bench.Scenarios.JMUX;
import static io.jmux.bench.Scenarios.JMUX_URING;
import static io.jmux.bench.Scenarios.IMPLS;
import static io.jmux.bench.Scenarios.SCENARIOS;
import static io.jmux.bench.Verdicts.ratio;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.jmux.bench.Figure.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * report.md for one run: the machine, the targets table, the call floor, a table (and
 * a chart) per scenario and ready value, the charts across scenarios, the trace-mode
 * comparison, the echo runs and the list of files. Numbers come from {@link Results},
 * judgements from {@link Verdicts}, pictures from {@link Charts}.
 */
final class ReportMarkdown {
    /** Issue 16's target for jmux ÷ C at n=1 (≤ 1.02 at n ≥ 100 is unchanged). */
    static final double N1_TARGET = 1.05;

    private final Path dir;
    private final Results results;
    private final Verdicts verdicts;
    private final Charts charts;
    private final StringBuilder md = new StringBuilder();
    private String summary = "";

    ReportMarkdown(Path dir, Results results, Charts charts) {
        this.dir = dir;
        this.results = results;
        this.verdicts = new Verdicts(results);
        this.charts = charts;
    }

    /** The whole report, in its order; the charts are drawn on the way. */
    String render() throws IOException {
        header();
        if (!results.figures().isEmpty()) {
            int from = md.length();
            targets();
            summary = "Run: " + Charts.context(results) + "\n\n" + md.substring(from);
            ratioPanels();
        }
        floor();
        pollScan();
        ioUringAgainstEpoll();
        for (String scenario : SCENARIOS.keySet()) {
            // epoll_wait_empty is shown in the empty completion check's section, beside io_uring.
            if (!scenario.equals("noop") && !scenario.equals("epoll_wait_empty")) {
                scenarioSections(scenario);
            }
        }
        trace();
        echoBound();
        echo();
        files();
        return md.toString();
    }

    private void header() {
        md.append("# jmux benchmarks: ").append(results.str("profile", "?")).append(" run\n\n");
        md.append("| | |\n|---|---|\n");
        row("Date", results.str("date", "?"));
        row("CPU", results.str("cpu", "?") + " (" + results.str("cpus", "?") + " CPUs seen by the JVM)");
        String syscall = results.bareSyscall();
        row("Bare syscall (C twin, at start, fastest of 10 × 50 ms)", syscall == null ? "not measured" : syscall
                + " — the kind of VM: syscall entry and exit cost ~13× more on some VMs than on others,"
                + " and cheap syscalls leave jmux's fixed costs exposed");
        row("Kernel", results.str("kernel", "?"));
        row("JDK", results.str("jdk", "?"));
        row("Load average (1, 5, 15 min) at start / end",
                results.str("loadAverageAtStart", "?") + " / " + results.str("loadAverageAtEnd", "?"));
        if (!results.figures().isEmpty()) {
            row("JMH settings", results.str("warmupIterations", "?") + " warm-up + " + results.str("iterations", "?")
                    + " measured iterations of " + results.str("iterationMillis", "?") + " ms, 1 fork, -prof gc");
            row("C twin settings", "1 warm-up + " + results.str("iterations", "?") + " measured iterations of "
                    + results.str("cIterationMillis", results.str("iterationMillis", "?")) + " ms, run before and after JMH");
            row("FFM", results.str("ffm", "not recorded"));
        }
        md.append('\n');
        if (results.machine().has("notes")) {
            for (JsonElement note : results.machine().getAsJsonArray("notes")) {
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

    /** The targets table alone (after {@link #render}): what the suite prints last on the terminal. */
    String summary() {
        return summary;
    }

    private void row(String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }



    private void targets() {
        md.append("## Against the targets\n\n");
        md.append("A target is *met* when the ratio plus its error is within it, *missed* when the"
                + " ratio minus its error is beyond it, else *within error*.\n\n");
        md.append("| call | ready | jmux ÷ C at n=1 (≤ " + N1_TARGET + ") | worst jmux ÷ C at n ≥ 100 (≤ 1.02)"
                + " | worst jmux ÷ Netty (≤ 1) | worst jmux ÷ JNA (< 1) | FFM ÷ jmux (n=1) | worst jmux B/op (0) |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (String scenario : Scenarios.TARGETED) {
            for (String ready : results.readies(scenario)) {
                md.append("| ").append(scenario).append(" | ").append(ready).append(" | ")
                        .append(verdicts.judgeAt(scenario, ready, 1, C, N1_TARGET)).append(" | ")
                        .append(verdicts.judgeWorst(scenario, ready, n -> n >= 100, C, 1.02, false)).append(" | ")
                        .append(verdicts.judgeWorst(scenario, ready, n -> true, "Netty epoll", 1.0, false)).append(" | ")
                        .append(verdicts.judgeWorst(scenario, ready, n -> true, "JNA", 1.0, true)).append(" | ")
                        .append(verdicts.ffmRatio(scenario, ready)).append(" | ")
                        .append(verdicts.worstAllocation(scenario, ready)).append(" |\n");
            }
        }
        md.append('\n');
        ioUringTargets();
    }

    /** Issue 16's io_uring targets: the empty check, the event round trip against epoll ET, jmux ÷ C, B/op. */
    private void ioUringTargets() {
        if (results.figures().stream().noneMatch(f -> f.scenario().startsWith("io_uring"))) {
            return;
        }
        String empty = "io_uring_cq_empty";
        String trip = "io_uring_poll_multishot";
        String reg = "io_uring_poll_add_remove";
        md.append("| io_uring target | figure |\n|---|---|\n");
        row("empty completion check from Java, jmux io_uring ns/op (≤ 15 ns)",
                verdicts.judgeNs(JMUX_URING, empty, -1, "-", 15));
        row("empty completion check ÷ jmux `epoll_wait(0)` on an empty epoll (≤ 0.2)",
                verdicts.judgePair(JMUX_URING, empty, JMUX, "epoll_wait_empty", -1, "-", 0.2));
        if (results.find(C, new Key("epoll_wait_empty", -1, "-")) != null) { // run-short leaves it out
            row("the same in C: C io_uring check ÷ C `epoll_wait(0)` (no target)",
                    verdicts.judgePair(C_URING, empty, C, "epoll_wait_empty", -1, "-", Double.NaN));
        }
        for (String ready : results.readies(trip)) {
            row("event round trip, ready=" + ready + ": worst jmux io_uring ÷ jmux `epoll_wait_et` (≤ 1.0)",
                    verdicts.judgeWorst(JMUX_URING, trip, JMUX, "epoll_wait_et", ready, n -> true, 1.0, false));
            row("event round trip, ready=" + ready + ": worst C io_uring ÷ C `epoll_wait_et` (the kernel's share; no target)",
                    verdicts.judgeWorst(C_URING, trip, C, "epoll_wait_et", ready, n -> true, Double.NaN, false));
        }
        row("jmux io_uring ÷ C io_uring, empty check (≤ 1.10)",
                verdicts.judgePair(JMUX_URING, empty, C_URING, empty, -1, "-", 1.10));
        for (String ready : results.readies(trip)) {
            row("jmux io_uring ÷ C io_uring at n=1, round trip ready=" + ready + " (≤ 1.10)",
                    verdicts.judgePair(JMUX_URING, trip, C_URING, trip, 1, ready, 1.10));
        }
        row("jmux io_uring ÷ C io_uring at n=1, POLL_ADD + POLL_REMOVE (≤ 1.10)",
                verdicts.judgePair(JMUX_URING, reg, C_URING, reg, 1, "-", 1.10));
        if (results.figures().stream().anyMatch(f -> f.impl().equals(Scenarios.NETTY_URING))) {
            for (String ready : results.readies(trip)) {
                row("worst jmux io_uring ÷ Netty io_uring, round trip ready=" + ready + " (≤ 1)",
                        verdicts.judgeWorst(JMUX_URING, trip, Scenarios.NETTY_URING, trip, ready, n -> true, 1.0, false));
            }
            row("jmux io_uring ÷ Netty io_uring, empty check (≤ 1)",
                    verdicts.judgePair(JMUX_URING, empty, Scenarios.NETTY_URING, empty, -1, "-", 1.0));
        }
        for (String scenario : List.of(empty, trip, reg)) {
            row("worst jmux io_uring B/op, `" + scenario + "` (0)", verdicts.worstAllocationOf(JMUX_URING, scenario));
        }
        md.append('\n');
    }

    /** Each io_uring figure ÷ its epoll counterpart's, per n: the two designs side by side. */
    private void ioUringAgainstEpoll() {
        List<String[]> pairs = List.of(new String[] {JMUX_URING, JMUX}, new String[] {C_URING, C},
                new String[] {Scenarios.NETTY_URING, "Netty epoll"});
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(Scenarios.EPOLL_COUNTERPART).entrySet()) {
            for (String ready : results.readies(e.getKey())) {
                for (Figure u : results.select(JMUX_URING, e.getKey(), ready)) {
                    rows.append("| `").append(e.getKey()).append("` ÷ `").append(e.getValue()).append("` | ")
                            .append(u.n() < 0 ? "" : String.valueOf(u.n())).append(" | ").append(ready);
                    for (String[] pair : pairs) {
                        Figure a = results.find(pair[0], u.key());
                        Figure b = results.find(pair[1], new Key(e.getValue(), u.n(), ready));
                        rows.append(" | ").append(a == null || b == null ? "—" : fmtRatio(ratio(a, b)));
                    }
                    rows.append(" |\n");
                }
            }
        }
        if (rows.length() == 0) {
            return;
        }
        md.append("## io_uring ÷ epoll, per n\n\n");
        md.append("Each io_uring op's ns/op divided by its epoll counterpart's in the same binding: the empty"
                + " completion check against `epoll_wait(0)` on an empty instance, the multishot POLL_ADD round"
                + " trip against `epoll_wait_et` (the same trigger: an eventfd write per ready fd), POLL_ADD +"
                + " POLL_REMOVE against `epoll_ctl` ADD + DEL. Below 1, io_uring is cheaper.\n\n");
        md.append("| ops | n | ready | jmux | C | Netty |\n|---|---:|---|---:|---:|---:|\n").append(rows).append('\n');
    }


    private void floor() {
        Figure c = results.find(C, new Key("noop", -1, "-"));
        List<Figure> rows = results.figures().stream().filter(f -> f.scenario().startsWith("noop"))
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
        for (String ready : results.readies(scenario)) {
            String counterpart = Scenarios.EPOLL_COUNTERPART.get(scenario);
            List<Figure> rows = results.figures().stream()
                    .filter(f -> (f.scenario().equals(scenario) || f.scenario().equals(counterpart))
                            && f.ready().equals(ready))
                    .sorted(Comparator.comparingInt(Figure::n).thenComparingInt(f -> IMPLS.indexOf(f.impl())))
                    .collect(Collectors.toList());
            md.append("## ").append(SCENARIOS.get(scenario)[0]);
            if (!ready.equals("-")) {
                md.append(", ready=").append(ready);
            }
            md.append("\n\nOne op: ").append(SCENARIOS.get(scenario)[1]).append("\n\n");
            table(rows, scenario);
            Path chart = charts.bindingChart(scenario, ready, rows);
            if (chart != null) {
                md.append("![").append(scenario).append("](").append(chart.getFileName()).append(")\n\n");
            }
        }
    }

    /** One scenario's table; rows of another scenario (an io_uring section's epoll counterpart) name it. */
    private void table(List<Figure> rows, String scenario) {
        md.append("| n | binding | ns/op | ± | × C | + ns vs C | B/op |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|\n");
        for (Figure f : rows) {
            // The io_uring rows are divided by C io_uring, the others by C.
            String ref = Scenarios.referenceOf(f.impl());
            Figure c = results.find(ref, f.key());
            String times = "";
            String plus = "";
            if (c != null && !f.impl().equals(ref)) {
                times = fmtRatio(ratio(f, c));
                plus = String.format(Locale.ROOT, "%+.1f", f.score() - c.score());
            }
            md.append("| ").append(f.n() < 0 ? "" : String.valueOf(f.n())).append(" | ").append(f.impl())
                    .append(f.scenario().equals(scenario) ? "" : ", `" + f.scenario() + "`")
                    .append(" | ").append(fmtNs(f.score())).append(" | ").append(fmtNs(f.error()))
                    .append(" | ").append(times).append(" | ").append(plus)
                    .append(" | ").append(fmtBytes(f.bytesPerOp())).append(" |\n");
        }
        md.append('\n');
    }

    // ---- the ratio panels: binding ÷ C against n ----

    private void ratioPanels() throws IOException {
        boolean header = false;
        for (String ready : results.readies("epoll_wait")) {
            Path p = charts.ratioPanel("ratio-ready-" + ready, Scenarios.RATIO_PANELS, ready, List.of("JDK Selector"));
            if (p != null) {
                if (!header) {
                    md.append("## jmux ÷ C, and every binding ÷ C\n\n");
                    md.append("Each binding's ns/op divided by the C twin's at the same n (linear axis; the"
                            + " dashed line is C itself; the io_uring panel divides by C io_uring, dash-dot). The JDK Selector, many times C, is in the tables only.\n\n");
                    header = true;
                }
                md.append("![").append(p.getFileName()).append("](").append(p.getFileName()).append(")\n\n");
            }
        }
        Path reg = charts.ratioPanel("ratio-registration", Scenarios.REGISTRATIONS, "-", List.of());
        if (reg != null) {
            md.append("![").append(reg.getFileName()).append("](").append(reg.getFileName()).append(")\n\n");
        }
    }

    // ---- poll's revents scan: PollFds.nextReady against a revents(i) loop ----

    private void pollScan() {
        boolean any = results.figures().stream().anyMatch(f -> f.scenario().endsWith("_indexed"));
        if (!any) {
            return;
        }
        md.append("## poll: the revents scan, `PollFds.nextReady` against a `revents(i)` loop\n\n");
        md.append("`poll` scans with `nextReady(from)` (one long read per entry); `poll_indexed` is the loop"
                + " jmux's benchmark used before, `revents(i)` for each of the n entries. `poll_scan` and"
                + " `poll_scan_indexed` are the two scans alone, without the syscall, over the revents one poll"
                + " left in setup: what jmux adds to poll over C, free of the syscall's noise (the C twin's"
                + " `poll_scan` is its own loop over `struct pollfd[]`). Same fork, same run.\n\n");
        md.append("| op | n | ready | nextReady ns/op | ± | revents(i) loop ns/op | ± | nextReady ÷ loop"
                + " | nextReady ÷ C | C ns/op |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String op : List.of("poll", "poll_scan")) {
            List<Figure> olds = results.figures().stream().filter(f -> f.scenario().equals(op + "_indexed"))
                    .sorted(Comparator.comparing(Figure::ready).thenComparingInt(Figure::n))
                    .collect(Collectors.toList());
            for (Figure old : olds) {
                Key key = new Key(op, old.n(), old.ready());
                Figure now = results.find(Scenarios.JMUX, key);
                Figure c = results.find(C, key);
                if (now == null) {
                    continue;
                }
                md.append("| `").append(op).append("` | ").append(old.n()).append(" | ").append(old.ready())
                        .append(" | ").append(fmtNs(now.score())).append(" | ").append(fmtNs(now.error()))
                        .append(" | ").append(fmtNs(old.score())).append(" | ").append(fmtNs(old.error()))
                        .append(" | ").append(fmtRatio(ratio(now, old))).append(" | ")
                        .append(c == null ? "—" : fmtRatio(ratio(now, c))).append(" | ")
                        .append(c == null ? "—" : fmtNs(c.score())).append(" |\n");
            }
        }
        md.append('\n');
    }

    // ---- trace hook ----

    private void trace() {
        if (results.traceFigures().isEmpty()) {
            return;
        }
        md.append("## Trace mode off: default fork ÷ `-Djmux.trace=false` fork\n\n");
        boolean present = results.machine().has("jmuxTrace") && results.machine().get("jmuxTrace").getAsBoolean();
        md.append(present ? "io.jmux.Trace is in the jmux jar measured: both forks run with tracing off,"
                + " one by default, one by the explicit property; they should match within error.\n\n"
                : "io.jmux.Trace is **not** in the jmux jar measured: both forks run identical code, so"
                + " this only shows the noise floor of the comparison (hook waiting for the trace mode).\n\n");
        md.append("| n | ready | default ns/op | ± | trace=false ns/op | ± | default ÷ trace=false |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|\n");
        for (Figure d : results.traceFigures()) {
            if (!d.scenario().equals("epoll_wait_default")) {
                continue;
            }
            Figure f = results.traceFigures().stream().filter(t -> t.scenario().equals("epoll_wait_trace_false")
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

    private void echoBound() throws IOException {
        Path file = dir.resolve("echo-bound.json");
        if (!Files.exists(file)) {
            return;
        }
        String table = EchoReport.renderBound(JsonParser.parseString(Files.readString(file)).getAsJsonObject(),
                results.machine(), md, dir, charts.made());
        if (results.figures().isEmpty()) {
            summary = "Run: " + Charts.context(results) + "\n\n" + table; // an echo-only run: its table is the summary
        }
    }

    private void echo() throws IOException {
        Path file = dir.resolve("echo.json");
        if (!Files.exists(file)) {
            return;
        }
        EchoReport.render(JsonParser.parseString(Files.readString(file)).getAsJsonObject(), results.machine(), md, dir,
                charts.made());
    }

    private void files() throws IOException {
        md.append("## Files\n\n");
        try (var list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString()).sorted()
                    .forEach(name -> md.append("- `").append(name).append("`\n"));
        }
        md.append('\n');
    }
}
