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
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** The echo-throughput section of the report, from the echo.json that {@link EchoSuite} writes. */
final class EchoReport {
    private EchoReport() {}

    static void render(JsonObject echo, StringBuilder md, Path dir, List<Path> charts) throws IOException {
        md.append("## Echo throughput over loopback\n\n");
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
        Path chart = chart(runs, dir);
        if (chart != null) {
            charts.add(chart);
            md.append("![echo](").append(chart.getFileName()).append(")\n\n");
        }
    }

    private static Path chart(List<JsonObject> runs, Path dir) throws IOException {
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
                lines++;
            }
        }
        if (lines == 0) {
            return null;
        }
        Path file = dir.resolve("echo.png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
