package io.jmux.bench;

import static io.jmux.bench.Scenarios.C;
import static io.jmux.bench.Scenarios.C_SINGLE;
import static io.jmux.bench.Scenarios.JMUX;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jmux.bench.Figure.Key;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.openjdk.jmh.util.ListStatistics;

/**
 * One run directory parsed: the C twin's ctwin-*.json, JMH's jmh-*.json and
 * machine.json become {@link Figure}s and the machine's description, with the look-ups
 * the report's tables, verdicts and charts share.
 */
final class Results {
    private final Path dir;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Figure> traceFigures = new ArrayList<>();
    private JsonObject machine = new JsonObject();

    private Results(Path dir) {
        this.dir = dir;
    }

    /** Reads every result file in {@code dir}. */
    static Results load(Path dir) throws IOException {
        Results r = new Results(dir);
        r.load();
        return r;
    }

    /** Every figure but the trace-mode comparison's. */
    List<Figure> figures() {
        return figures;
    }

    /** JmuxTraceOff's figures: the default fork against the -Djmux.trace=false fork. */
    List<Figure> traceFigures() {
        return traceFigures;
    }

    /** machine.json (empty if the run has none). */
    JsonObject machine() {
        return machine;
    }

    /** A machine.json entry as text, or fallback. */
    String str(String key, String fallback) {
        return machine.has(key) ? machine.get(key).getAsString() : fallback;
    }

    /**
     * The bare syscall cost the suite measured at start (machine.json's {@code
     * bareSyscallNs}, from the C twin), as one phrase, or null if the run has none.
     */
    String bareSyscall() {
        return bareSyscall(machine);
    }

    /** The bare syscall phrase of a machine description (machine.json's shape), or null. */
    static String bareSyscall(JsonObject machine) {
        if (!machine.has("bareSyscallNs")) {
            return null;
        }
        JsonObject b = machine.getAsJsonObject("bareSyscallNs");
        List<String> parts = new ArrayList<>();
        if (b.has("getppid")) {
            parts.add("getppid() " + Format.fmtNs(b.get("getppid").getAsDouble()) + " ns");
        }
        if (b.has("epoll_wait_empty")) {
            parts.add("empty epoll_wait(0) " + Format.fmtNs(b.get("epoll_wait_empty").getAsDouble()) + " ns");
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

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
        pooled.forEach((k, stats) -> figures.add(new Figure(Scenarios.referenceFor(k.scenario()), k.scenario(), k.n(), k.ready(),
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
        if (benchmarkClass.equals("JmuxIoUring")) {
            return Scenarios.JMUX_URING;
        } else if (benchmarkClass.equals("NettyIoUring")) {
            return Scenarios.NETTY_URING;
        } else if (benchmarkClass.startsWith("Jmux")) {
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

    // ---- look-ups ----

    /** impl's figure at key, or null if it was not measured there. */
    Figure find(String impl, Key key) {
        for (Figure f : figures) {
            if (f.impl().equals(impl) && f.key().equals(key)) {
                return f;
            }
        }
        return null;
    }

    /** impl's figures for one scenario and ready value, by n. */
    List<Figure> select(String impl, String scenario, String ready) {
        return figures.stream().filter(f -> f.impl().equals(impl) && f.scenario().equals(scenario)
                && f.ready().equals(ready)).sorted(Comparator.comparingInt(Figure::n)).collect(Collectors.toList());
    }

    /** The ready values measured for a scenario, in the order 0, 1, all. */
    List<String> readies(String scenario) {
        TreeSet<String> set = figures.stream().filter(f -> f.scenario().equals(scenario)).map(Figure::ready)
                .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparingInt(Results::readyOrder))));
        return new ArrayList<>(set);
    }

    private static int readyOrder(String ready) {
        return ready.equals("all") ? Integer.MAX_VALUE : ready.equals("-") ? -1 : Integer.parseInt(ready);
    }
}
