package io.jmux.bench;

import static io.jmux.bench.Scenarios.C;
import static io.jmux.bench.Scenarios.IMPLS;
import static io.jmux.bench.Scenarios.SCENARIOS;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts (xchart, headless), written into the run directory: each
 * binding's ns/op against n per scenario, and the ratio panels (binding ÷ C against n,
 * one panel per syscall), which answer the question the benchmark asks. Every binding
 * has one colour in every chart ({@link Palette}); the y axis is linear unless the
 * figures span more than {@link #LOG_ABOVE}×; every image carries the run's context
 * (machine, JDK, profile, bare syscall cost) in a footer, so a chart copied out of its
 * report still says where it was measured. {@link #made()} lists every file in the order
 * drawn.
 */
final class Charts {
    /** Above this max ÷ min a y axis is logarithmic; at or below it, linear. */
    static final double LOG_ABOVE = 10;
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 640;
    private static final int PANEL_WIDTH = 560;
    private static final int FOOTER_LINE = 17;

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
        boolean logY = spans(rows.stream().mapToDouble(Figure::score).toArray());
        XYChart chart = newChart(SCENARIOS.get(scenario)[0] + (ready.equals("-") ? "" : ", ready=" + ready),
                WIDTH, "ns per op" + (logY ? " (log scale)" : ""), logY);
        for (String impl : IMPLS) {
            List<Figure> line = rows.stream().filter(f -> f.impl().equals(impl)).collect(Collectors.toList());
            // An io_uring chart also draws its epoll counterpart's rows: name their scenario.
            String name = line.isEmpty() || line.get(0).scenario().equals(scenario) ? impl
                    : impl + ", " + line.get(0).scenario();
            addLine(chart, name, line, Figure::score, Figure::error, impl.startsWith(C), logY, Palette.of(impl));
        }
        return save(List.of(chart), scenario + (ready.equals("-") ? "" : "-ready-" + ready));
    }

    /**
     * One image, one panel per scenario: each binding's ns/op divided by the C twin's at
     * the same n, ± the propagated error, on a linear axis, with C itself as the line at
     * 1. Bindings listed in {@code skip} are left out (the JDK Selector, an order of
     * magnitude above C, would flatten every other line). Null if nothing was measured.
     */
    Path ratioPanel(String name, List<String> scenarios, String ready, List<String> skip) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        for (String scenario : scenarios) {
            String ref = Scenarios.referenceFor(scenario);
            List<Figure> cs = results.select(ref, scenario, ready);
            if (cs.isEmpty()) {
                continue;
            }
            XYChart chart = newChart(SCENARIOS.get(scenario)[0] + (ready.equals("-") ? "" : ", ready=" + ready)
                    + ": ÷ " + ref, PANEL_WIDTH, "binding ns/op ÷ " + ref + " ns/op (linear)", false);
            boolean any = false;
            for (String impl : IMPLS) {
                if (impl.equals(ref) || skip.contains(impl)) {
                    continue;
                }
                List<Figure> ratios = new ArrayList<>();
                for (Figure f : results.select(impl, scenario, ready)) {
                    Figure c = results.find(ref, f.key());
                    if (c != null) {
                        double[] r = Verdicts.ratio(f, c);
                        ratios.add(new Figure(impl, scenario, f.n(), ready, r[0], r[1], Double.NaN));
                    }
                }
                any |= addLine(chart, impl + " ÷ " + ref, ratios, Figure::score, Figure::error, false, false,
                        Palette.of(impl));
            }
            if (!any) {
                continue;
            }
            // The axis follows the ratios, not their error bars: on a noisy machine one
            // wide bar would squeeze every line into a sliver around 1. Bars beyond it are cut.
            double lo = 1;
            double hi = 1;
            for (XYSeries series : chart.getSeriesMap().values()) {
                for (double v : series.getYData()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            double pad = Math.max(0.05, 0.1 * (hi - lo));
            chart.getStyler().setYAxisMin(Math.max(0, lo - pad));
            chart.getStyler().setYAxisMax(hi + pad);
            double[] xs = cs.stream().filter(f -> f.n() > 0).mapToDouble(Figure::n).toArray();
            if (xs.length > 0) {
                double[] ones = new double[xs.length];
                java.util.Arrays.fill(ones, 1.0);
                XYSeries one = chart.addSeries(ref + " = 1", xs, ones);
                one.setLineColor(Palette.of(ref));
                one.setMarker(SeriesMarkers.NONE);
                one.setLineStyle(SeriesLines.DASH_DASH);
            }
            panels.add(chart);
        }
        return panels.isEmpty() ? null : save(panels, name);
    }

    /** A ratio panel's or chart's y-axis choice: true if the values span more than LOG_ABOVE×. */
    static boolean spans(double[] values) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double v : values) {
            if (v > 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return max > 0 && max / min > LOG_ABOVE;
    }

    private XYChart newChart(String title, int width, String yTitle, boolean logY) {
        XYChart chart = new XYChartBuilder().width(width).height(HEIGHT).title(title)
                .xAxisTitle("n: registered fds (log scale)").yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        if (logY) {
            // n runs over decades; ns/op may not span many, so label between decades too.
            chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
            chart.getStyler().setYAxisDecimalPattern("#,##0");
        } else {
            chart.getStyler().setYAxisDecimalPattern(yTitle.startsWith("ns") ? "#,##0" : "0.00");
            if (yTitle.startsWith("ns")) {
                chart.getStyler().setYAxisMin(0.0); // a time axis starts at 0, error bars or not
            }
        }
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        return chart;
    }

    private interface Value {
        double of(Figure f);
    }

    private static boolean addLine(XYChart chart, String name, List<Figure> line, Value y, Value err,
                                   boolean dashed, boolean logY) {
        return addLine(chart, name, line, y, err, dashed, logY, Palette.of(name));
    }

    private static boolean addLine(XYChart chart, String name, List<Figure> line, Value y, Value err,
                                   boolean dashed, boolean logY, Color color) {
        List<Figure> points = line.stream().filter(f -> f.n() > 0)
                .sorted(Comparator.comparingInt(Figure::n)).collect(Collectors.toList());
        if (points.isEmpty()) {
            return false;
        }
        double[] xs = points.stream().mapToDouble(Figure::n).toArray();
        double[] ys = points.stream().mapToDouble(y::of).toArray();
        // An error bar reaching 0 cannot be drawn on a log axis: clip it just above.
        double[] es = points.stream().mapToDouble(f -> {
            double e = err.of(f);
            return Double.isNaN(e) ? 0 : logY ? Math.min(e, 0.9 * y.of(f)) : e;
        }).toArray();
        XYSeries s = chart.addSeries(name, xs, ys, es);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(dashed ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        // C dashed, C io_uring dash-dot: the two references stay apart in one chart.
        s.setLineStyle(!dashed ? new BasicStroke(2f) : name.startsWith(Scenarios.C_URING) ? SeriesLines.DASH_DOT
                : SeriesLines.DASH_DASH);
        return true;
    }

    /** The run's context as one line: machine, kernel, JDK, profile, date and a bare syscall's cost. */
    String context() {
        return context(results);
    }

    static String context(Results results) {
        return context(results.machine());
    }

    /** The context line of a machine description (machine.json's shape). */
    static String context(com.google.gson.JsonObject machine) {
        java.util.function.BiFunction<String, String, String> str =
                (k, fallback) -> machine.has(k) ? machine.get(k).getAsString() : fallback;
        StringBuilder s = new StringBuilder();
        s.append(str.apply("cpu", "CPU ?")).append(" (").append(str.apply("cpus", "?")).append(" CPUs)");
        s.append(" · ").append(str.apply("kernel", "kernel ?"));
        s.append(" · ").append(str.apply("jdk", "JDK ?"));
        s.append(" · profile ").append(str.apply("profile", "?"));
        String syscall = Results.bareSyscall(machine);
        if (syscall != null) {
            s.append(" · ").append(syscall);
        }
        s.append(" · ").append(str.apply("date", "?").replace('T', ' ').replaceAll("\\.\\d+$", ""));
        return s.toString();
    }

    private Path save(List<XYChart> panels, String name) throws IOException {
        Path file = dir.resolve(name + ".png");
        List<BufferedImage> images = new ArrayList<>();
        for (XYChart chart : panels) {
            images.add(BitmapEncoder.getBufferedImage(chart));
        }
        write(images, context(), file);
        charts.add(file);
        return file;
    }

    /** Draws the panels side by side with the context beneath them (wrapped at " · "), into file. */
    static void write(List<BufferedImage> panels, String context, Path file) throws IOException {
        int w = panels.stream().mapToInt(BufferedImage::getWidth).sum();
        int top = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(0);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        List<String> lines = new ArrayList<>();
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            probe.setFont(font);
            StringBuilder line = new StringBuilder();
            for (String part : context.split(" · ")) {
                String next = line.length() == 0 ? part : line + " · " + part;
                if (line.length() > 0 && probe.getFontMetrics().stringWidth(next) > w - 16) {
                    lines.add(line.toString());
                    line = new StringBuilder(part);
                } else {
                    line = new StringBuilder(next);
                }
            }
            lines.add(line.toString());
        } finally {
            probe.dispose();
        }
        int h = top + FOOTER_LINE * lines.size() + 8;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            int x = 0;
            for (BufferedImage p : panels) {
                g.drawImage(p, x, 0, null);
                x += p.getWidth();
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(font);
            for (int i = 0; i < lines.size(); i++) {
                g.drawString(lines.get(i), 8, top + FOOTER_LINE * (i + 1));
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(out, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }
}
