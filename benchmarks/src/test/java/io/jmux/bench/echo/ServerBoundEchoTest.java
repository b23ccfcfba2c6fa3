package io.jmux.bench.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server-bound echo harness's own parts: the C load generator against the C echo server, and the parsers. */
class ServerBoundEchoTest {
    @Test
    @Timeout(30)
    void theLoadGeneratorDrivesTheCServerAndReportsTheClientsKeys() throws Exception {
        Process server = new ProcessBuilder("target/c/jmux-echoserver", "--port", "0", "--quiet").start();
        try {
            int port = EchoSuite.awaitListening(server, "jmux-echoserver");
            Process gen = new ProcessBuilder("target/c/jmux-echoload", "--port", String.valueOf(port),
                    "--connections", "10", "--size", "64", "--depth", "4", "--seconds", "0.3", "--warmup-s", "0.1")
                    .redirectErrorStream(true).start();
            String output = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(gen.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, gen.exitValue(), output);
            String line = output.lines().filter(l -> l.startsWith("result ")).findFirst().orElseThrow();
            Map<String, String> r = EchoSuite.parseResult(line);
            assertEquals("4", r.get("depth"));
            assertEquals("0", r.get("errors"));
            assertTrue(Long.parseLong(r.get("messages")) > 0, line);
            assertTrue(Long.parseLong(r.get("all_messages")) >= Long.parseLong(r.get("messages")), line);
            assertTrue(Double.parseDouble(r.get("window_median_msgs_per_sec")) > 0, line);
            assertTrue(Double.parseDouble(r.get("window_p90_msgs_per_sec"))
                    >= Double.parseDouble(r.get("window_median_msgs_per_sec")), line);
            double p50 = Double.parseDouble(r.get("p50_us"));
            assertTrue(p50 > 0 && p50 <= Double.parseDouble(r.get("p99_us")), line);
        } finally {
            EchoSuite.stop(server);
        }
    }

    /** Both Netty transports echo the generator's load: the io_uring one is measured beside the epoll one. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    @Timeout(60)
    void nettyServesOnEachTransport(String transport) throws Exception {
        List<String> cmd = EchoSuite.javaCommand("-cp", System.getProperty("java.class.path"),
                NettyEchoServer.class.getName(), "--transport", transport, "--port", "0", "--quiet");
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            int port = EchoSuite.awaitListening(server, "NettyEchoServer --transport " + transport);
            Process gen = new ProcessBuilder("target/c/jmux-echoload", "--port", String.valueOf(port),
                    "--connections", "10", "--size", "64", "--depth", "4", "--seconds", "0.3", "--warmup-s", "0.1")
                    .redirectErrorStream(true).start();
            String output = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(gen.waitFor(20, TimeUnit.SECONDS));
            Map<String, String> r = EchoSuite.parseResult(output.lines().filter(l -> l.startsWith("result "))
                    .findFirst().orElseThrow(() -> new AssertionError(output)));
            assertEquals("0", r.get("errors"), output);
            assertTrue(Long.parseLong(r.get("messages")) > 0, output);
        } finally {
            EchoSuite.stop(server);
        }
    }

    @Test
    void picksServersByShortName() {
        for (String server : ServerBoundEcho.SERVERS) {
            assertEquals(List.of(server), ServerBoundEcho.pick(ServerBoundEcho.shortName(server)));
        }
        assertEquals(List.of("Netty io_uring", "jmux proactor", "C epoll"),
                ServerBoundEcho.pick("netty-io_uring, proactor,c"));
        assertThrows(IllegalArgumentException.class, () -> ServerBoundEcho.pick("uring"));
    }

    @Test
    void readsStraceTablesAndPerfCounts(@TempDir Path dir) throws Exception {
        List<String> table = List.of(
                "% time     seconds  usecs/call     calls    errors syscall",
                "------ ----------- ----------- --------- --------- ----------------",
                " 60.00    0.600000           3    200000     50000 read",
                " 40.00    0.400000           4    100000           write",
                "  0.10    0.001000          10       100           epoll_wait",
                "------ ----------- ----------- --------- --------- ----------------",
                "100.00    1.001000           3    300100     50000 total");
        assertEquals("read 2.00, write 1.00, epoll_wait 0.00", ServerBoundEcho.topSyscalls(table, 100000));

        Path csv = dir.resolve("perf.csv");
        Files.writeString(csv, "# started on Tue Dec  1\n\n123456,,raw_syscalls:sys_enter,1000,100.00,,\n");
        assertEquals(123456, ServerBoundEcho.perfCount(csv));
        Files.writeString(csv, "<not supported>,,context-switches,0,100.00,,\n");
        assertTrue(Double.isNaN(ServerBoundEcho.perfCount(csv)));
    }
}
