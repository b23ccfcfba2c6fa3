package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Peers that send and never read must not exhaust the server's memory. Each model runs
 * in a child JVM with a {@value #HEAP} heap; {@value #HOGS} clients each push up to
 * {@value #PUSH_MIB} MiB without reading a byte of the echo, until the server stops
 * taking their data (no progress for a while). Without backpressure the server queues
 * each hog's echo (a 1 MiB cap per connection is {@value #HOGS} MiB in all) and dies
 * with OutOfMemoryError. The server must then still be alive and echo every byte to an
 * ordinary client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackpressureTest {
    static final String HEAP = "-Xmx64m";
    static final int HOGS = 100;
    static final int PUSH_MIB = 8;
    /** The hogs stop once no write has made progress for this long: the server stopped reading. */
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final long PUSH_MAX_NANOS = TimeUnit.SECONDS.toNanos(40);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"blocking", "nonblocking", "select", "poll", "epoll-lt", "epoll-et", "sigio",
        "reactor --backend select", "reactor --backend poll", "reactor --backend epoll",
        "io_uring-poll", "reactor --backend io_uring", "proactor"})
    void survivesPeersThatNeverRead(String model) throws Exception {
        List<String> args = new ArrayList<>(List.of("echo", "--quiet", "--model"));
        args.addAll(List.of(model.split(" ")));
        try (Jvm server = Jvm.start(List.of(HEAP), Main.class.getName(), args.toArray(new String[0]))) {
            int port = server.listeningPort();
            List<SocketChannel> hogs = new ArrayList<>();
            try {
                long pushed = pushWithoutReading(new InetSocketAddress("127.0.0.1", port), hogs, server);
                assertTrue(server.isAlive(), "server died after the hogs pushed " + (pushed >> 20) + " MiB:\n"
                        + server.stderr());
                Client.Result r = runClient(port);
                assertEquals(0, r.errors, "an ordinary client, with the hogs still connected: " + r.errorMessages
                        + "\n" + server.stderr());
                assertEquals(5L * 4, r.messages);
            } finally {
                for (SocketChannel c : hogs) {
                    c.close();
                }
            }
            assertFalse(server.stderr().contains("OutOfMemoryError"), server.stderr());
            assertTrue(server.isAlive(), "server died:\n" + server.stderr());
        }
    }

    /**
     * Connects the hogs (a small receive buffer, so the server's echo backs up soon) and
     * writes to them round-robin, non-blocking, until each has pushed {@value #PUSH_MIB}
     * MiB or no write has made progress for a while.
     *
     * @return bytes pushed in all
     */
    private static long pushWithoutReading(InetSocketAddress at, List<SocketChannel> hogs, Jvm server)
            throws IOException {
        for (int i = 0; i < HOGS; i++) {
            SocketChannel c = SocketChannel.open();
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            c.connect(at);
            c.configureBlocking(false);
            hogs.add(c);
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        long[] sent = new long[HOGS];
        long total = 0;
        long start = System.nanoTime();
        long lastProgress = start;
        while (System.nanoTime() - lastProgress < STALL_NANOS && System.nanoTime() - start < PUSH_MAX_NANOS) {
            boolean progress = false;
            for (int i = 0; i < HOGS; i++) {
                if (sent[i] >= (long) PUSH_MIB << 20) {
                    continue;
                }
                chunk.clear();
                int n;
                try {
                    n = hogs.get(i).write(chunk);
                } catch (IOException e) {
                    throw new AssertionError("hog " + i + " after " + sent[i] + " bytes: " + e + "; server:\n"
                            + server.stderr(), e);
                }
                sent[i] += n;
                total += n;
                progress |= n > 0;
            }
            if (progress) {
                lastProgress = System.nanoTime();
            } else {
                Net.sleep(10);
            }
        }
        return total;
    }

    private static Client.Result runClient(int port) throws Exception {
        Client.Options o = new Client.Options();
        o.port = port;
        o.connections = 5;
        o.messages = 4;
        o.minSize = 1;
        o.maxSize = 256 * 1024;
        o.seed = 3;
        o.timeoutSeconds = 30;
        ByteArrayOutputStream human = new ByteArrayOutputStream();
        return Client.run(o, new PrintStream(human, true, StandardCharsets.UTF_8));
    }
}
