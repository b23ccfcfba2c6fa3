package io.jmux.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic and layout, on a small hand-made run (test input, not results). */
class ReportTest {
    private static final String CTWIN = "{\"tool\": \"jmux-ctwin\", \"results\": ["
            + "{\"scenario\": \"epoll_wait\", \"params\": {\"n\": \"1\", \"ready\": \"1\"},"
            + " \"nsPerOp\": [1000, 1000, 1000]},"
            + "{\"scenario\": \"epoll_wait\", \"params\": {\"n\": \"100\", \"ready\": \"1\"},"
            + " \"nsPerOp\": [1000, 1000, 1000]}]}";

    private static String jmh(String cls, String n, double score, double bytes) {
        return "{\"benchmark\": \"io.jmux.bench." + cls + ".epoll_wait\", \"params\": {\"n\": \"" + n
                + "\", \"ready\": \"1\"}, \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": 0},"
                + " \"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": " + bytes + "}}}";
    }

    @Test
    void dividesEveryFigureByTheCTwinsAndJudgesTheTargets(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ctwin.json"), CTWIN);
        Files.writeString(dir.resolve("jmh-wait.json"), "[" + jmh("JmuxWait", "1", 1050, 0.01) + ","
                + jmh("JmuxWait", "100", 1030, 0.02) + "," + jmh("NettyWait", "1", 1100, 0) + ","
                + jmh("NettyWait", "100", 1100, 0) + "]");

        Report.Output out = Report.write(dir);
        String md = Files.readString(out.markdown());

        assertTrue(md.contains("| 1 | jmux | 1050.0 | 0.00 | 1.050 ± 0.000 | +50.0 | 0.01 |"), md);
        assertTrue(md.contains("| 1 | Netty epoll | 1100.0 | 0.00 | 1.100 ± 0.000 | +100.0 | 0.00 |"), md);
        // n=1: 1.05 <= 1.05 met; n >= 100: 1.03 > 1.02 missed; jmux under Netty: met.
        assertTrue(md.contains("| epoll_wait | 1 | 1.050 ± 0.000 **met** | 1.030 ± 0.000 at n=100 **missed**"
                + " | 0.955 ± 0.000 at n=1 **met** | not run |"), md);
        assertEquals(2, out.charts().size(), "one chart for the bindings, one ratio panel");
        assertTrue(out.summary().contains("| epoll_wait | 1 | 1.050 ± 0.000 **met** |"), out.summary());
        assertTrue(md.contains("![ratio-ready-1.png](ratio-ready-1.png)"), md);
        for (Path chart : out.charts()) {
            assertTrue(Files.size(chart) > 1000, chart + " is not a drawn PNG");
        }
    }

    @Test
    void judgesTheIoUringTargetsAgainstEpollAndCIoUring(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ctwin.json"), "{\"tool\": \"jmux-ctwin\", \"results\": ["
                + "{\"scenario\": \"io_uring_cq_empty\", \"params\": {}, \"nsPerOp\": [2, 2, 2]},"
                + "{\"scenario\": \"epoll_wait_empty\", \"params\": {}, \"nsPerOp\": [100, 100, 100]},"
                + "{\"scenario\": \"io_uring_poll_multishot\", \"params\": {\"n\": \"1\", \"ready\": \"1\"},"
                + " \"nsPerOp\": [800, 800, 800]}]}");
        String uring = "{\"benchmark\": \"io.jmux.bench.JmuxIoUring.io_uring_cq_empty\", \"params\": {},"
                + " \"primaryMetric\": {\"score\": 3, \"scoreError\": 0}, \"secondaryMetrics\": {}}";
        String empty = "{\"benchmark\": \"io.jmux.bench.JmuxWait.epoll_wait_empty\", \"params\": {},"
                + " \"primaryMetric\": {\"score\": 120, \"scoreError\": 0}, \"secondaryMetrics\": {}}";
        String trip = jmh("JmuxIoUring", "1", 900, 0).replace(".epoll_wait\"", ".io_uring_poll_multishot\"");
        String et = jmh("JmuxWait", "1", 1000, 0).replace(".epoll_wait\"", ".epoll_wait_et\"");
        Files.writeString(dir.resolve("jmh-io_uring.json"), "[" + uring + "," + empty + "," + trip + "," + et + "]");

        String md = Files.readString(Report.write(dir).markdown());

        assertTrue(md.contains("| empty completion check from Java, jmux io_uring ns/op (≤ 15 ns) | 3.00 ± 0.00 ns **met** |"), md);
        assertTrue(md.contains("÷ jmux `epoll_wait(0)` on an empty epoll (≤ 0.2) | 0.025 ± 0.000 **met** |"), md);
        assertTrue(md.contains("worst jmux io_uring ÷ jmux `epoll_wait_et` (≤ 1.0) | 0.900 ± 0.000 at n=1 **met** |"), md);
        // 900 ÷ 800: the io_uring rows are divided by C io_uring, not by C.
        assertTrue(md.contains("at n=1, round trip ready=1 (≤ 1.10) | 1.125 ± 0.000 **missed** |"), md);
        assertTrue(md.contains("| 1 | jmux io_uring | 900.0 | 0.00 | 1.125 ± 0.000 | +100.0 | 0.00 |"), md);
    }

    @Test
    void verdictHonoursTheErrorBar() {
        assertEquals("**met**", Verdicts.verdict(new double[] {1.00, 0.01}, 1.02, false));
        assertEquals("*within error*", Verdicts.verdict(new double[] {1.01, 0.02}, 1.02, false));
        assertEquals("**missed**", Verdicts.verdict(new double[] {1.05, 0.02}, 1.02, false));
        assertEquals("*within error*", Verdicts.verdict(new double[] {0.99, 0.02}, 1.0, true));
    }
}
