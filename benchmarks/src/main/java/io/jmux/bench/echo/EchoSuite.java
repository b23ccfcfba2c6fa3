package io.jmux.bench.echo;

import com.google.gson.GsonBuilder;
import io.jmux.bench.Report;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Echo throughput over loopback: the teaching examples' jmux echo servers (blocking,
 * select, poll, epoll-lt, epoll-et) against {@link NettyEchoServer} and
 * {@link NioEchoServer}, all driven by the one load client of the examples jar at 10, 100
 * and 1000 connections, after one unrecorded warm-up run per server (each server is a
 * fresh JVM). Writes echo.json into the run directory and re-renders its report.md.
 *
 * <pre>
 * java -cp target/benchmarks.jar io.jmux.bench.echo.EchoSuite --out DIR
 *      [--examples-jar ../target/jmux-examples.jar] [--connections 10,100,1000]
 *      [--total-messages 100000] [--size 128] [--timeout-s 180] [--warmup-messages 20000]
 * </pre>
 *
 * The contract with the examples jar: {@code echo --model M --port 0 --quiet} prints
 * {@code listening on <host>:<port>} when ready and serves until killed; {@code client
 * --port N --connections C --messages M --size S} (M per connection) ends with the line
 * {@code result connections=C messages=M bytes=B seconds=T msgs_per_sec=X p50_us=Y
 * p99_us=Z errors=E}. Without the examples jar there is no load client: the suite says
 * so, checks only that the peer servers start, and measures nothing.
 */
public final class EchoSuite {
    static final List<String> JMUX_MODELS = List.of("blocking", "select", "poll", "epoll-lt", "epoll-et");

    private Path out;
    private Path examplesJar = Paths.get("../target/jmux-examples.jar");
    private List<Integer> connections = List.of(10, 100, 1000);
    private long totalMessages = 100_000;
    private int size = 128;
    private long timeoutSeconds = 180;
    private long warmupMessages = 20_000;

    private final List<Map<String, Object>> runs = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** How to start one echo server. */
    record Server(String name, List<String> command) {}

    public static void main(String[] args) throws Exception {
        EchoSuite s = new EchoSuite();
        s.parse(args);
        s.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--out": out = Paths.get(v); break;
                case "--examples-jar": examplesJar = Paths.get(v); break;
                case "--connections": connections = parseInts(v); break;
                case "--total-messages": totalMessages = Long.parseLong(v); break;
                case "--size": size = Integer.parseInt(v); break;
                case "--timeout-s": timeoutSeconds = Long.parseLong(v); break;
                case "--warmup-messages": warmupMessages = Long.parseLong(v); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
    }

    private static List<Integer> parseInts(String csv) {
        List<Integer> list = new ArrayList<>();
        for (String s : csv.split(",")) {
            list.add(Integer.parseInt(s.trim()));
        }
        return list;
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        boolean haveClient = Files.isRegularFile(examplesJar);
        if (!haveClient) {
            String note = "echo: " + examplesJar.toAbsolutePath().normalize() + " not found. The jmux echo"
                    + " servers and the load client come from the teaching examples (`mvn -B package` at the"
                    + " repository root builds target/jmux-examples.jar once they exist); without the client"
                    + " nothing is measured. Checked only that the Netty and JDK NIO peer servers start.";
            System.out.println(note);
            notes.add(note);
        }
        List<Server> servers = new ArrayList<>();
        if (haveClient) {
            for (String model : JMUX_MODELS) {
                servers.add(new Server("jmux " + model, javaCommand("-jar", examplesJar.toString(), "echo",
                        "--model", model, "--port", "0", "--quiet")));
            }
        }
        servers.add(new Server("Netty epoll", javaCommand("-cp", ownJar(), NettyEchoServer.class.getName(),
                "--port", "0", "--quiet")));
        servers.add(new Server("JDK NIO Selector", javaCommand("-cp", ownJar(), NioEchoServer.class.getName(),
                "--port", "0", "--quiet")));
        for (Server server : servers) {
            serve(server, haveClient);
        }
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("examplesJar", examplesJar.toString());
        echo.put("totalMessagesPerRun", totalMessages);
        echo.put("size", size);
        echo.put("notes", notes);
        echo.put("runs", runs);
        Files.writeString(out.resolve("echo.json"), new GsonBuilder().setPrettyPrinting().create().toJson(echo));
        Report.Output report = Report.write(out);
        System.out.println("Report: " + report.markdown().toAbsolutePath().normalize());
    }

    /** Starts one server, runs the client at each connection count against it, stops it. */
    private void serve(Server server, boolean haveClient) throws Exception {
        Path log = out.resolve("echo-" + server.name().replace(' ', '-') + ".log");
        Process p = new ProcessBuilder(server.command()).redirectError(log.toFile()).start();
        try {
            int port = awaitListening(p, server.name());
            System.out.println("echo: " + server.name() + " listening on port " + port);
            if (!haveClient) {
                notes.add(server.name() + ": started and printed `listening on 127.0.0.1:" + port + "`");
                return;
            }
            if (warmupMessages > 0) {
                // Every server is a fresh JVM: one unrecorded run lets its JIT compile the
                // echo loop before the measured runs.
                runClient(server.name(), port, 10, warmupMessages, false);
            }
            for (int c : connections) {
                runClient(server.name(), port, c, totalMessages, true);
            }
        } finally {
            stop(p);
        }
    }

    private void runClient(String server, int port, int conns, long messages, boolean record) throws Exception {
        long perConnection = Math.max(1, messages / conns);
        List<String> cmd = javaCommand("-jar", examplesJar.toString(), "client", "--port", String.valueOf(port),
                "--connections", String.valueOf(conns), "--messages", String.valueOf(perConnection),
                "--size", String.valueOf(size));
        Process client = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> lastResultLine(client));
        String line;
        try {
            line = result.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            stop(client);
            String note = server + " at " + conns + " connections: the client did not finish within "
                    + timeoutSeconds + " s; no figure recorded";
            System.out.println("echo: " + note);
            notes.add(note);
            return;
        }
        int exit = client.waitFor();
        if (line == null) {
            String note = server + " at " + conns + " connections: the client (exit " + exit
                    + ") printed no result line; no figure recorded";
            System.out.println("echo: " + note);
            notes.add(note);
            return;
        }
        System.out.println("echo: " + server + (record ? ": " : " (warm-up, not recorded): ") + line);
        if (record) {
            runs.add(record(server, parseResult(line)));
        }
    }

    private Map<String, Object> record(String server, Map<String, String> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", server);
        m.put("size", size);
        m.put("connections", Integer.parseInt(r.get("connections")));
        m.put("messages", Long.parseLong(r.get("messages")));
        m.put("bytes", Long.parseLong(r.get("bytes")));
        m.put("seconds", Double.parseDouble(r.get("seconds")));
        m.put("msgsPerSec", Double.parseDouble(r.get("msgs_per_sec")));
        m.put("p50us", Double.parseDouble(r.get("p50_us")));
        m.put("p99us", Double.parseDouble(r.get("p99_us")));
        m.put("errors", Long.parseLong(r.get("errors")));
        return m;
    }

    /** {@code result k=v k=v ...} as a map; throws if a field of the contract is missing. */
    static Map<String, String> parseResult(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : line.substring("result".length()).trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        for (String key : List.of("connections", "messages", "bytes", "seconds", "msgs_per_sec", "p50_us",
                "p99_us", "errors")) {
            if (!m.containsKey(key)) {
                throw new IllegalStateException("client result line lacks " + key + ": " + line);
            }
        }
        return m;
    }

    private static String lastResultLine(Process client) {
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("result ")) {
                    result = line;
                }
            }
        } catch (IOException e) {
            return result;
        }
        return result;
    }

    /** Reads the server's stdout until {@code listening on host:port}; keeps draining it after. */
    static int awaitListening(Process p, String name) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!port.isDone() && line.startsWith("listening on ")) {
                        port.complete(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException(name + " exited before `listening on`"));
        }, "echo-server-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return port.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " printed no `listening on` line within 30 s", e);
        }
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** This benchmarks jar (or classes directory), for the peer servers' class path. */
    static String ownJar() {
        try {
            return Paths.get(EchoSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
