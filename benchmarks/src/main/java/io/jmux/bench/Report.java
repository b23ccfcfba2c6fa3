package io.jmux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Turns one run directory (ctwin-*.json, jmh-*.json, machine.json, optionally echo.json)
 * into report.md — a Markdown table per scenario with ns/op, its 99.9% error, the ratio
 * to C and B/op — and PNG charts: ns/op against n, and binding ÷ C panels.
 *
 * <p>The work is split four ways: {@link Results} parses the JSON, {@link Verdicts}
 * judges ratios against the targets, {@link Charts} draws, and {@link ReportMarkdown}
 * writes the text.
 *
 * <pre>java -cp target/benchmarks.jar io.jmux.bench.Report results/RUN</pre>
 */
public final class Report {
    /** What {@link #write} produced: report.md, the charts, and the targets table alone. */
    public record Output(Path markdown, List<Path> charts, String summary) {
        /** Prints where the files are (absolute paths, openable from any directory), then the summary. */
        public void print() {
            System.out.println("Report: " + markdown.toAbsolutePath().normalize());
            charts.forEach(c -> System.out.println("Chart:  " + c.toAbsolutePath().normalize()));
            System.out.println();
            System.out.print(summary);
        }
    }

    private Report() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report RUN_DIRECTORY");
            System.exit(2);
        }
        write(Paths.get(args[0])).print();
    }


    /** Reads the run in {@code dir} and writes report.md and the charts beside it. */
    public static Output write(Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Results results = Results.load(dir);
        Charts charts = new Charts(dir, results);
        ReportMarkdown markdown = new ReportMarkdown(dir, results, charts);
        String text = markdown.render();
        Path md = dir.resolve("report.md");
        Files.writeString(md, text);
        return new Output(md, charts.made(), markdown.summary());
    }
}
