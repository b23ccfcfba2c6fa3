package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full fd table must not stop a server for good. Each model runs in a child JVM under
 * {@code ulimit -n} {@value #FD_LIMIT}; clients connect one by one until the server's
 * accept fails with EMFILE and a connection is left waiting in the listen queue, then
 * {@value #QUEUED} more wait behind it. Closing the served clients frees the server's
 * fds: every waiting connection must then be accepted and echoed. (An edge-triggered
 * listener reports no new edge for connections already queued, so a server that just
 * gave up on EMFILE never accepted them.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmfileTest {
    /** Low enough to reach with a few dozen clients, above what a JVM opens on its own (~15-25). */
    static final int FD_LIMIT = 64;
    static final int QUEUED = 10;
    private static final int MAX_CLIENTS = 3 * FD_LIMIT;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"blocking", "nonblocking", "select", "poll", "epoll-lt", "epoll-et", "sigio",
        "reactor --backend select", "reactor --backend poll", "reactor --backend epoll",
        "io_uring-poll", "reactor --backend io_uring", "proactor"})
    void acceptsTheQueuedConnectionsOnceFdsAreFree(String model) throws Exception {
        List<Peer> served = new ArrayList<>();
        List<Peer> waiting = new ArrayList<>();
        try (Jvm server = startUnderFdLimit(model)) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.listeningPort());
            try {
                fillFdTable(server, at, served, waiting);
                for (Peer p : served) {
                    p.socket.close(); // the server reads end of stream and closes its fds
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (Peer p : waiting) {
                    assertEchoed(p, deadline, server);
                }
                Peer late = Peer.connect(at, -1);
                waiting.add(late);
                assertEchoed(late, deadline, server); // and new connections are served too
            } catch (IOException e) {
                throw new AssertionError(e + "; server stderr:\n" + tail(server), e);
            } finally {
                closeAll(served);
                closeAll(waiting);
            }
            assertTrue(server.isAlive(), "server died:\n" + server.stderr());
        }
    }

    /** bash lowers RLIMIT_NOFILE, then execs the server's JVM (which inherits the limit). */
    private static Jvm startUnderFdLimit(String model) throws IOException {
        List<String> args = new ArrayList<>(List.of("echo", "--model"));
        args.addAll(List.of(model.split(" ")));
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$@\"", "bash"));
        cmd.addAll(Jvm.javaCommand(List.of(), Main.class.getName(), args.toArray(new String[0])));
        return Jvm.startCommand(cmd, Map.of());
    }

    /**
     * Connects clients one at a time, each sending one message, until one gets no echo
     * and the server has logged EMFILE: from then on connections wait in the listen
     * queue. Then {@value #QUEUED} more join them.
     */
    private static void fillFdTable(Jvm server, InetSocketAddress at, List<Peer> served, List<Peer> waiting)
            throws Exception {
        while (waiting.isEmpty()) {
            assertTrue(served.size() < MAX_CLIENTS, "no EMFILE after " + served.size() + " clients:\n"
                    + server.stderr());
            Peer p = Peer.connect(at, served.size());
            if (p.echoWithin(1000)) {
                served.add(p);
            } else if (server.stderr().contains("EMFILE")) {
                waiting.add(p);
            } else if (p.echoWithin(20_000)) {
                served.add(p); // a busy machine: accepted, only late
            } else {
                throw new AssertionError("no echo in 21 s, and no EMFILE logged:\n" + server.stderr());
            }
        }
        for (int i = 1; i <= QUEUED; i++) {
            waiting.add(Peer.connect(at, served.size() + i));
        }
    }

    private static void assertEchoed(Peer p, long deadline, Jvm server) throws IOException {
        int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        assertTrue(p.echoWithin(left), "connection " + p.number + " was never echoed:\n" + tail(server));
    }

    private static String tail(Jvm server) {
        String log = server.stderr();
        return log.length() > 4000 ? "..." + log.substring(log.length() - 4000) : log;
    }

    private static void closeAll(List<Peer> peers) {
        for (Peer p : peers) {
            try {
                p.socket.close();
            } catch (IOException e) {
                // closing a test's client: nothing to do
            }
        }
    }

    /** A client that sent one numbered message and expects it back. */
    private static final class Peer {
        final Socket socket;
        final int number;

        private Peer(Socket socket, int number) {
            this.socket = socket;
            this.number = number;
        }

        /** Connects (the kernel completes it even while the server cannot accept) and sends. */
        static Peer connect(InetSocketAddress at, int number) throws IOException {
            Socket s = new Socket();
            s.connect(at, 5000);
            s.getOutputStream().write(message(number));
            s.getOutputStream().flush();
            return new Peer(s, number);
        }

        private static byte[] message(int number) {
            return ("message " + number + "\n").getBytes(StandardCharsets.US_ASCII);
        }

        /** True if the message comes back within millis. */
        boolean echoWithin(int millis) throws IOException {
            byte[] want = message(number);
            socket.setSoTimeout(millis);
            try {
                assertArrayEquals(want, socket.getInputStream().readNBytes(want.length));
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }
}
