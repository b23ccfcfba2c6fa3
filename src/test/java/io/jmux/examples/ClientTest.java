package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load client is the judge of every echo test, so it must fail when a server gets
 * a byte wrong or drops the connection: checked here against deliberately broken
 * servers (plain java.net, one thread per connection).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientTest {
    interface Echo {
        void serve(InputStream in, OutputStream out) throws IOException;
    }

    /** A loopback server applying {@code echo} to every connection until closed. */
    private static ServerSocket server(Echo echo) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            echo.serve(s.getInputStream(), s.getOutputStream());
                        } catch (IOException e) {
                            // the client went away; fine for these servers
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return ss;
    }

    private static Client.Result run(ServerSocket ss, int connections, int messages, String size, PrintStream out)
            throws Exception {
        Client.Options o = new Client.Options();
        o.port = ss.getLocalPort();
        o.connections = connections;
        o.messages = messages;
        int[] s = Client.parseSize(size);
        o.minSize = s[0];
        o.maxSize = s[1];
        o.timeoutSeconds = 20;
        return Client.run(o, out);
    }

    @Test
    void correctEchoPassesWithExactTotals() throws Exception {
        try (ServerSocket ss = server((in, out) -> in.transferTo(out))) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            Client.Result r = run(ss, 4, 5, "1000", new PrintStream(text, true, StandardCharsets.UTF_8));
            assertEquals(0, r.errors, r.errorMessages.toString());
            assertEquals(20, r.messages);
            assertEquals(20_000, r.bytes);
            String last = text.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.matches("result connections=4 messages=20 bytes=20000 seconds=\\d+\\.\\d{3}"
                    + " msgs_per_sec=\\d+\\.\\d p50_us=\\d+ p99_us=\\d+ errors=0"), last);
        }
    }

    @Test
    void aFlippedByteIsCaught() throws Exception {
        try (ServerSocket ss = server((in, out) -> {
            byte[] buf = new byte[4096];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (total + i == 3000) {
                        buf[i] ^= 1; // one bit of one byte, once
                    }
                }
                total += n;
                out.write(buf, 0, n);
            }
        })) {
            Client.Result r = run(ss, 1, 3, "4000", new PrintStream(new ByteArrayOutputStream()));
            assertEquals(1, r.errors);
            assertTrue(r.errorMessages.get(0).contains("echoed byte 3000 differs"), r.errorMessages.toString());
        }
    }

    @Test
    void aDroppedByteIsCaught() throws Exception {
        try (ServerSocket ss = server((in, out) -> {
            byte[] buf = new byte[1];
            long total = 0;
            while (in.read(buf) > 0) {
                if (total++ != 10) {
                    out.write(buf); // byte 10 never comes back
                }
            }
        })) {
            Client.Result r = run(ss, 1, 3, "100", new PrintStream(new ByteArrayOutputStream()));
            assertEquals(1, r.errors, "a dropped byte shifts the stream: " + r.errorMessages);
        }
    }

    @Test
    void aServerClosingMidMessageIsAnError() throws Exception {
        try (ServerSocket ss = server((in, out) -> {
            byte[] message = in.readNBytes(1000); // all of it, so the close is a FIN, not a reset
            out.write(message, 0, 500);
        })) {
            Client.Result r = run(ss, 2, 2, "1000", new PrintStream(new ByteArrayOutputStream()));
            assertEquals(2, r.errors);
            assertTrue(r.errorMessages.get(0).contains("closed the connection after echoing 500"),
                    r.errorMessages.toString());
        }
    }

    @Test
    void sizesParse() throws Exception {
        assertArrayEquals(new int[] {1, 262_144}, Client.parseSize("1-256K"));
        assertArrayEquals(new int[] {16_384, 16_384}, Client.parseSize("16K"));
        assertArrayEquals(new int[] {1_048_576, 1_048_576}, Client.parseSize("1m"));
        assertThrows(Args.UsageException.class, () -> Client.parseSize("0"));
        assertThrows(Args.UsageException.class, () -> Client.parseSize("10-5"));
        assertThrows(Args.UsageException.class, () -> Client.parseSize("x"));
    }

    @Test
    void histogramPercentilesAreWithinOneBucket() {
        Histogram h = new Histogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 1000); // 1 us .. 100 ms in ns
        }
        assertEquals(100_000, h.count());
        assertWithin(50_000_000, h.percentile(50));
        assertWithin(99_000_000, h.percentile(99));
        assertEquals(0, new Histogram().percentile(99));
        for (long v : new long[] {0, 1, 63, 64, 65, 127, 128, 1000, 1L << 40, Long.MAX_VALUE}) {
            long low = Histogram.lowerBound(Histogram.index(v));
            assertTrue(low <= v && v - low <= v / 64, v + " -> bucket from " + low);
        }
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(actual <= expected && expected - actual <= expected / 64, expected + " vs " + actual);
    }
}
