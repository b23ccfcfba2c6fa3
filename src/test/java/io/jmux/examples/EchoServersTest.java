package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every echo model, started on port 0 in a child JVM exactly as a learner starts it,
 * driven by the load client with 50 concurrent connections and message sizes from 1 B to
 * 256 KiB, every echoed byte checked. Then peers that vanish mid-message (a close with
 * unread echo pending, a reset, a connect-and-close), after which the server must still
 * be alive and serve a second client run; and one open and one close log line per
 * connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoServersTest {
    private static final int CONNECTIONS = 50;
    private static final int MESSAGES = 8;
    private static final int MAX = 256 * 1024;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"blocking", "nonblocking", "nonblocking --idle sleep", "select", "poll", "epoll-lt",
        "epoll-et", "sigio", "reactor", "reactor --backend select", "reactor --backend poll", "reactor --backend epoll",
        "io_uring-poll", "reactor --backend io_uring", "proactor"})
    void echoesEveryByteAndSurvivesPeersThatVanish(String model) throws Exception {
        List<String> args = new ArrayList<>(List.of("echo", "--model"));
        args.addAll(List.of(model.split(" ")));
        try (Jvm server = Jvm.start(List.of(), Main.class.getName(), args.toArray(new String[0]))) {
            int port = server.listeningPort();

            Client.Result first = runClient(port, CONNECTIONS, MESSAGES, 1, MAX, 1);
            assertEquals(0, first.errors, "errors: " + first.errorMessages);
            assertEquals((long) CONNECTIONS * MESSAGES, first.messages);
            assertTrue(first.bytes > (long) MAX, "the 256 KiB message was echoed: " + first.bytes);

            int vanished = vanishMidMessage(port);
            Client.Result second = runClient(port, 10, 4, 1, MAX, 2);
            assertEquals(0, second.errors, "after peers vanished: " + second.errorMessages + "\n" + server.stderr());
            assertTrue(server.isAlive(), "server died:\n" + server.stderr());

            int total = CONNECTIONS + vanished + 10;
            awaitLogLines(server, total);
            assertEquals(List.of(), server.remainingStdout(), "stdout holds only the listening line");
        }
    }

    /** One load-client run (60 s timeout); its result line must come last. */
    static Client.Result runClient(int port, int connections, int messages, int min, int max, long seed)
            throws Exception {
        Client.Options o = new Client.Options();
        o.port = port;
        o.connections = connections;
        o.messages = messages;
        o.minSize = min;
        o.maxSize = max;
        o.seed = seed;
        o.timeoutSeconds = 60;
        ByteArrayOutputStream human = new ByteArrayOutputStream();
        Client.Result r = Client.run(o, new PrintStream(human, true, StandardCharsets.UTF_8));
        String text = human.toString(StandardCharsets.UTF_8);
        assertTrue(text.strip().endsWith(r.line()), "the result line comes last:\n" + text);
        return r;
    }

    /**
     * Three peers that leave mid-message: one sends 200 KiB and closes without reading
     * the echo (the server's writes then meet EPIPE or ECONNRESET), one resets the
     * connection (SO_LINGER 0) with data in flight, one connects and closes at once.
     *
     * @return the number of connections made
     */
    private static int vanishMidMessage(int port) throws IOException {
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
        byte[] data = new byte[200 * 1024];
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
            OutputStream out = s.getOutputStream();
            out.write(data, 0, data.length / 2); // half of a message, then gone
            out.flush();
        }
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
            s.getOutputStream().write(data, 0, 64 * 1024);
            InputStream in = s.getInputStream();
            in.readNBytes(1000); // the echo has started
            s.setSoLinger(true, 0); // close sends RST
        }
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
        }
        return 3;
    }

    /** One "open fd=" and one "close fd=" line per connection, within a few seconds. */
    private static void awaitLogLines(Jvm server, int connections) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int opens = 0;
        int closes = 0;
        while (System.nanoTime() < end) {
            String log = server.stderr();
            opens = count(log, "open fd=");
            closes = count(log, "close fd=");
            if (opens == connections && closes == connections) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + connections + " open and close lines, got " + opens + " and "
                + closes + ":\n" + server.stderr());
    }

    /** The lines of text that start with prefix. */
    static int count(String text, String prefix) {
        int n = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }
}
