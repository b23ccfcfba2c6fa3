package io.jmux.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.jmux.bench.echo.EchoSuite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The echo sections of the report: the server-bound runs from echo-bound.json
 * ({@link io.jmux.bench.echo.ServerBoundEcho}: the C load generator pinned to one core,
 * the server to the other) and the Java-client runs from echo.json ({@link EchoSuite}).
 */
final class EchoReport {
    private EchoReport() {}

    /** The C twin's name in echo-bound.json: every server is divided by it. */
    static final String C_SERVER = "C epoll";

    /**
     * The server-bound section; returns its table alone (the echo run's terminal summary).
     * Each msgs/s is divided by the C twin server's at the same depth (the mean of its runs,
     * which are measured first and last so a machine that got busier shows as their spread).
     */
    static String renderBound(JsonObject echo, JsonObject machine, StringBuilder md, Path dir, List<Path> charts)
            throws IOException {
        md.append("## Echo at the server's limit\n\n");
        md.append(String.format(Locale.ROOT, "The C load generator (`jmux-echoload`, `taskset -c 0`) keeps %d connections"
                + " busy with %d-byte messages, `depth` in flight on each, for %s s after a %s s warm-up; the"
                + " server runs alone on CPU 1 (`taskset -c 1`), one thread serving every connection. `÷ C` is"
                + " msgs/s divided by the C twin of the epoll-et server (`jmux-echoserver`) at the same depth."
                + " Syscalls per message: `perf stat -e raw_syscalls:sys_enter -p <server>` over a separate"
                + " %s s run, divided by the messages echoed in it; the breakdown is `strace -c -f` on another"
                + " such run (strace slows the server, so its batching differs: read its proportions, not its"
                + " totals). Context switches: `perf stat -e context-switches -p <server>` over the measured run."
                + " The p90 of 10 ms windows is the 90th percentile of the rates of the measured run's 10 ms"
                + " windows (then the median over rounds): a neighbour that takes a pinned core stalls the"
                + " loop for a time slice, so on a shared machine the whole run's rate measures the"
                + " neighbours, and the p90 window is the rate while both processes ran; on a quiet machine"
                + " the two agree. Ratios ÷ C divide medians over rounds.\n\n",
                echo.get("connections").getAsInt(), echo.get("size").getAsInt(), num(echo, "seconds"),
                num(echo, "warmupSeconds"), num(echo, "counterSeconds")));
        if (echo.has("notes")) {
            for (JsonElement note : echo.getAsJsonArray("notes")) {
                md.append("- ").append(note.getAsString()).append('\n');
            }
            md.append('\n');
        }
        List<JsonObject> runs = new ArrayList<>();
        echo.getAsJsonArray("runs").forEach(e -> runs.add(e.getAsJsonObject()));
        if (runs.isEmpty()) {
            md.append("No server-bound echo run was measured.\n\n");
            return "";
        }
        // (server, depth) -> its runs, one per round, in table order.
        Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
        for (JsonObject r : runs) {
            groups.computeIfAbsent(r.get("server").getAsString() + "\u0000" + r.get("depth").getAsInt(),
                    k -> new ArrayList<>()).add(r);
        }
        Map<Integer, Double> cMedian = new LinkedHashMap<>();
        Map<Integer, Double> cWindow = new LinkedHashMap<>();
        for (List<JsonObject> g : groups.values()) {
            if (g.get(0).get("server").getAsString().equals(C_SERVER)) {
                cMedian.put(g.get(0).get("depth").getAsInt(), median(g, "msgsPerSec"));
                cWindow.put(g.get(0).get("depth").getAsInt(), median(g, "windowP90MsgsPerSec"));
            }
        }
        StringBuilder t = new StringBuilder();
        t.append("| server | depth | msgs/s, p90 of 10 ms windows | ÷ C | msgs/s, whole run | range over rounds | ÷ C"
                + " | p50 µs | p99 µs | syscalls/msg | ctx switches/s | ctx switches/msg | strace: calls/msg | errors |\n");
        t.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (List<JsonObject> g : groups.values()) {
            JsonObject first = g.stream().filter(r -> r.has("syscallsPerMsg") || r.has("straceTop")).findFirst()
                    .orElse(g.get(0));
            int depth = first.get("depth").getAsInt();
            double m = median(g, "msgsPerSec");
            double lo = g.stream().mapToDouble(r -> r.get("msgsPerSec").getAsDouble()).min().orElse(Double.NaN);
            double hi = g.stream().mapToDouble(r -> r.get("msgsPerSec").getAsDouble()).max().orElse(Double.NaN);
            Double c = cMedian.get(depth);
            String ratio = c == null ? "—" : String.format(Locale.ROOT, "%.3f", m / c);
            double w = median(g, "windowP90MsgsPerSec");
            Double cw = cWindow.get(depth);
            String wratio = cw == null || Double.isNaN(w) ? "—" : String.format(Locale.ROOT, "%.3f", w / cw);
            t.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.0f | %.0f–%.0f (%d) | %s | %.1f | %.1f | %s | %.0f | %s | %s | %d |%n",
                    first.get("server").getAsString(), depth, Double.isNaN(w) ? "—" : String.format(Locale.ROOT, "%.0f", w),
                    wratio, m, lo, hi, g.size(), ratio, median(g, "p50us"),
                    median(g, "p99us"), num2(first, "syscallsPerMsg"), median(g, "ctxSwitchesPerSec"),
                    num3(first, "ctxSwitchesPerMsg"),
                    first.has("straceTop") ? first.get("straceTop").getAsString() : "—",
                    g.stream().mapToLong(r -> r.get("errors").getAsLong()).sum()));
        }
        t.append('\n');
        for (List<JsonObject> g : groups.values()) {
            if (g.get(0).get("server").getAsString().equals(C_SERVER) && g.size() > 1) {
                double lo = g.stream().mapToDouble(r -> r.get("msgsPerSec").getAsDouble()).min().orElse(0);
                double hi = g.stream().mapToDouble(r -> r.get("msgsPerSec").getAsDouble()).max().orElse(0);
                double med = median(g, "msgsPerSec");
                double[] ws = g.stream().filter(r -> r.has("windowP90MsgsPerSec"))
                        .mapToDouble(r -> r.get("windowP90MsgsPerSec").getAsDouble()).toArray();
                double wlo = java.util.Arrays.stream(ws).min().orElse(Double.NaN);
                double whi = java.util.Arrays.stream(ws).max().orElse(Double.NaN);
                t.append(String.format(Locale.ROOT, "- The C twin at depth %d, over %d rounds: %.0f–%.0f msgs/s by p90 10 ms"
                        + " window (±%.1f%% around the median), %.0f–%.0f over whole runs (±%.1f%%): the noise"
                        + " floor of every ÷ C at that depth.%n", g.get(0).get("depth").getAsInt(), g.size(), wlo, whi,
                        50 * (whi - wlo) / median(g, "windowP90MsgsPerSec"), lo, hi, 50 * (hi - lo) / med));
            }
        }
        t.append('\n');
        md.append(t);
        Path chart = boundChart(runs, machine, dir);
        if (chart != null) {
            charts.add(chart);
            md.append("![echo-bound](").append(chart.getFileName()).append(")\n\n");
        }
        return t.toString();
    }

    private static double median(List<JsonObject> runs, String key) {
        double[] v = runs.stream().filter(r -> r.has(key)).mapToDouble(r -> r.get(key).getAsDouble()).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String num(JsonObject o, String k) {
        return o.has(k) ? o.get(k).getAsString() : "?";
    }

    private static String num0(JsonObject o, String k) {
        return fmt(o, k, "%.0f");
    }

    private static String num2(JsonObject o, String k) {
        return fmt(o, k, "%.2f");
    }

    private static String num3(JsonObject o, String k) {
        return fmt(o, k, "%.4f");
    }

    private static String fmt(JsonObject o, String k, String pattern) {
        if (!o.has(k) || o.get(k).isJsonNull()) {
            return "—";
        }
        double v = o.get(k).getAsDouble();
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, pattern, v);
    }

    /** msgs/s per server, grouped by depth, one colour per server (Palette); linear axis. */
    private static Path boundChart(List<JsonObject> runs, JsonObject machine, Path dir) throws IOException {
        List<String> depths = new ArrayList<>();
        Map<String, Map<String, List<JsonObject>>> byServer = new LinkedHashMap<>(); // server -> depth -> runs
        for (JsonObject r : runs) {
            String d = "depth " + r.get("depth").getAsInt();
            if (!depths.contains(d)) {
                depths.add(d);
            }
            byServer.computeIfAbsent(r.get("server").getAsString(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(d, k -> new ArrayList<>()).add(r);
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(640)
                .title("Echo at the server's limit: msgs/s, p90 of 10 ms windows, load on CPU 0, server on CPU 1")
                .xAxisTitle("pipelining depth").yAxisTitle("messages per second (linear)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisMin(0.0);
        for (Map.Entry<String, Map<String, List<JsonObject>>> e : byServer.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String d : depths) {
                List<JsonObject> g = e.getValue().get(d);
                ys.add(g == null ? 0.0 : median(g, "windowP90MsgsPerSec"));
            }
            CategorySeries s = chart.addSeries(e.getKey(), depths, ys);
            s.setFillColor(Palette.of(e.getKey()));
        }
        Path file = dir.resolve("echo-bound.png");
        Charts.write(List.of(BitmapEncoder.getBufferedImage(chart)), Charts.context(machine), file);
        return file;
    }

    static void render(JsonObject echo, JsonObject machine, StringBuilder md, Path dir, List<Path> charts)
            throws IOException {
        md.append("## Echo throughput over loopback, Java client (client-bound)\n\n");
        md.append("The client is a JVM sharing the 2 cores with the server: these figures show the client's limit"
                + " as much as the server's. The server-bound figures are in \"Echo at the server's limit\".\n\n");
        if (echo.has("notes")) {
            for (JsonElement note : echo.getAsJsonArray("notes")) {
                md.append("- ").append(note.getAsString()).append('\n');
            }
            md.append('\n');
        }
        List<JsonObject> runs = new ArrayList<>();
        echo.getAsJsonArray("runs").forEach(e -> runs.add(e.getAsJsonObject()));
        if (runs.isEmpty()) {
            md.append("No echo run was measured.\n\n");
            return;
        }
        md.append("One client (`jmux-examples.jar client`) drives every server: `connections`"
                + " connections, each sending `messages` messages of `size` bytes and waiting for each"
                + " echo.\n\n");
        md.append("| server | connections | messages | size | msgs/s | p50 µs | p99 µs | errors | seconds |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonObject r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f | %.1f | %.1f | %d | %.2f |%n",
                    r.get("server").getAsString(), r.get("connections").getAsInt(), r.get("messages").getAsLong(),
                    r.get("size").getAsInt(), r.get("msgsPerSec").getAsDouble(), r.get("p50us").getAsDouble(),
                    r.get("p99us").getAsDouble(), r.get("errors").getAsLong(), r.get("seconds").getAsDouble()));
        }
        md.append('\n');
        Path chart = chart(runs, machine, dir);
        if (chart != null) {
            charts.add(chart);
            md.append("![echo](").append(chart.getFileName()).append(")\n\n");
        }
    }

    private static Path chart(List<JsonObject> runs, JsonObject machine, Path dir) throws IOException {
        Map<String, List<JsonObject>> byServer = new LinkedHashMap<>();
        for (JsonObject r : runs) {
            byServer.computeIfAbsent(r.get("server").getAsString(), k -> new ArrayList<>()).add(r);
        }
        XYChart chart = new XYChartBuilder().width(1000).height(640).title("Echo throughput over loopback")
                .xAxisTitle("connections (log scale)").yAxisTitle("messages per second").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        int lines = 0;
        for (Map.Entry<String, List<JsonObject>> e : byServer.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(r -> r.get("connections").getAsDouble()).toArray();
            double[] y = e.getValue().stream().mapToDouble(r -> r.get("msgsPerSec").getAsDouble()).toArray();
            if (x.length >= 2) {
                XYSeries s = chart.addSeries(e.getKey(), x, y);
                s.setLineStyle(new BasicStroke(2f));
                s.setLineColor(Palette.of(e.getKey()));
                s.setMarkerColor(Palette.of(e.getKey()));
                lines++;
            }
        }
        if (lines == 0) {
            return null;
        }
        Path file = dir.resolve("echo.png");
        Charts.write(List.of(BitmapEncoder.getBufferedImage(chart)), Charts.context(machine), file);
        return file;
    }
}
