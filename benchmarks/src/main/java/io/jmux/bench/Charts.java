package io.jmux.bench;

import static io.jmux.bench.Scenarios.C;
import static io.jmux.bench.Scenarios.IMPLS;
import static io.jmux.bench.Scenarios.JMUX;
import static io.jmux.bench.Scenarios.REGISTRATIONS;
import static io.jmux.bench.Scenarios.SCENARIOS;
import static io.jmux.bench.Scenarios.WAITS;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts (xchart, headless): ns/op against n on log scales, written
 * into the run directory. Each method returns what it drew, for the Markdown to link;
 * {@link #made()} lists every file in the order drawn.
 */
final class Charts {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xd62728),
        new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    private final Path dir;
    private final Results results;
    private final List<Path> charts = new ArrayList<>();

    Charts(Path dir, Results results) {
        this.dir = dir;
        this.results = results;
    }

    /** Every chart file written so far (EchoReport adds its own). */
    List<Path> made() {
        return charts;
    }

    /** Every binding's ns/op against n for one scenario; null if fewer than two n. */
    Path bindingChart(String scenario, String ready, List<Figure> rows) throws IOException {
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

    /** The syscalls side by side, one chart per ready value: jmux solid, the C twin dashed in the same colour. */
    List<Path> syscallCharts() throws IOException {
        List<Path> made = new ArrayList<>();
        for (String ready : results.readies("epoll_wait")) {
            XYChart chart = newChart("jmux (solid) and C (dashed): one call's cost, ready=" + ready);
            int lines = 0;
            for (int i = 0; i < WAITS.size(); i++) {
                String scenario = WAITS.get(i);
                List<Figure> j = results.select(JMUX, scenario, ready);
                if (j.stream().map(Figure::n).distinct().count() < 2) {
                    continue;
                }
                addLine(chart, "jmux " + scenario, j, PALETTE[i], false);
                addLine(chart, "C " + scenario, results.select(C, scenario, ready), PALETTE[i], true);
                lines++;
            }
            if (lines > 0) {
                made.add(save(chart, "syscalls-ready-" + ready));
            }
        }
        return made;
    }

    /** The interest-set changes, jmux solid and C dashed; null if none has two n. */
    Path registrationChart() throws IOException {
        XYChart chart = newChart("Changing the interest set: jmux (solid) and C (dashed)");
        int lines = 0;
        for (int i = 0; i < REGISTRATIONS.size(); i++) {
            String scenario = REGISTRATIONS.get(i);
            List<Figure> j = results.select(JMUX, scenario, "-");
            if (j.stream().map(Figure::n).distinct().count() >= 2) {
                addLine(chart, "jmux " + scenario, j, PALETTE[i], false);
                addLine(chart, "C " + scenario, results.select(C, scenario, "-"), PALETTE[i], true);
                lines++;
            }
        }
        return lines > 0 ? save(chart, "registration") : null;
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
}
