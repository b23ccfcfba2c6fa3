package io.jmux.examples;

import io.jmux.examples.lessons.Lesson;
import io.jmux.examples.lessons.Lessons;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The learners' entry point: {@code java -jar target/jmux-examples.jar <command>}.
 *
 * <p>{@code --trace} anywhere on the line sets {@code jmux.trace=true} before any jmux
 * class is touched, so jmux prints every syscall it makes to stderr (see the tutorial).
 * This class must therefore not use jmux until the property is set.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar target/jmux-examples.jar <command> [options]",
            "",
            "  echo --model <blocking|nonblocking|select|poll|epoll-lt|epoll-et|sigio|io_uring-poll|proactor|reactor>",
            "       [--host H] [--port N] [--backend select|poll|epoll|io_uring] [--idle spin|yield|sleep]",
            "       [--quiet] [--trace]",
            "      An echo server. Prints 'listening on <host>:<port>' once ready (port 0, the",
            "      default, picks a free port) and serves until killed; one stderr line per",
            "      connection opened or closed unless --quiet. --backend is for the reactor",
            "      model, --idle for the nonblocking one.",
            "",
            "  client [--host H] --port N --connections C --messages M --size S|MIN-MAX",
            "       [--seed N] [--threads T] [--timeout SECONDS]",
            "      A load client: C connections each echo M messages of S bytes (or sizes drawn",
            "      from MIN-MAX; 16K, 1M accepted), every byte checked. Ends with the line",
            "      'result connections=.. messages=.. bytes=.. seconds=.. msgs_per_sec=..",
            "      p50_us=.. p99_us=.. errors=..'; exits 1 if any connection failed.",
            "",
            "  lesson <name> [--trace]     run a scripted experiment and show the kernel's answers",
            "  lesson --list               list the lessons",
            "",
            "  --trace makes jmux print every syscall it makes to stderr, strace-like.");

    private Main() {}

    public static void main(String[] argv) {
        List<String> args = Arrays.asList(argv);
        if (args.contains("--trace")) {
            System.setProperty("jmux.trace", "true"); // before any jmux class initialises
        }
        try {
            System.exit(run(args));
        } catch (Args.UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage()); // e.g. bind(...): EADDRINUSE (Address already in use)
            System.exit(1);
        } catch (Exception e) {
            System.err.println("error: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs a command; echo returns only on failure. @return the exit code */
    static int run(List<String> args) throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            System.out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "echo":
                echo(new Args(rest, Set.of("model", "host", "port", "backend", "idle"), Set.of("quiet", "trace")));
                return 1;
            case "client":
                return client(new Args(rest, Set.of("host", "port", "connections", "messages", "size", "seed",
                        "threads", "timeout"), Set.of("trace")));
            case "lesson":
                return lesson(new Args(rest, Set.of(), Set.of("list", "trace")));
            default:
                throw new Args.UsageException("unknown command " + args.get(0));
        }
    }

    private static void echo(Args a) throws Exception {
        String model = a.required("model");
        String host = a.string("host", "127.0.0.1");
        int port = a.integer("port", 0, 0, 65535);
        ConnLog log = new ConnLog(a.flag("quiet"));
        if (a.string("backend", null) != null && !model.equals("reactor")) {
            throw new Args.UsageException("--backend is for --model reactor");
        }
        switch (model) {
            case "blocking":
                BlockingEcho.run(host, port, log);
                break;
            case "nonblocking":
                NonBlockingEcho.run(host, port, log, idle(a.string("idle", "yield")));
                break;
            case "select":
                SelectEcho.run(host, port, log);
                break;
            case "poll":
                PollEcho.run(host, port, log);
                break;
            case "epoll-lt":
                EpollLtEcho.run(host, port, log);
                break;
            case "epoll-et":
                EpollEtEcho.run(host, port, log);
                break;
            case "sigio":
                SigioEcho.run(host, port, log);
                break;
            case "io_uring-poll":
                IoUringPollEcho.run(host, port, log);
                break;
            case "proactor":
                ProactorEcho.run(host, port, log);
                break;
            case "reactor":
                String backend = a.string("backend", null);
                if (backend != null && !Set.of("select", "poll", "epoll", "io_uring").contains(backend)) {
                    throw new Args.UsageException("--backend must be select, poll, epoll or io_uring, got " + backend);
                }
                ReactorEcho.run(host, port, log, backend);
                break;
            default:
                throw new Args.UsageException("unknown model " + model);
        }
    }

    private static NonBlockingEcho.Idle idle(String name) throws Args.UsageException {
        switch (name) {
            case "spin":
                return NonBlockingEcho.Idle.SPIN;
            case "yield":
                return NonBlockingEcho.Idle.YIELD;
            case "sleep":
                return NonBlockingEcho.Idle.SLEEP;
            default:
                throw new Args.UsageException("--idle must be spin, yield or sleep, got " + name);
        }
    }

    private static int client(Args a) throws Exception {
        Client.Options o = new Client.Options();
        o.host = a.string("host", o.host);
        o.port = a.requiredInteger("port", 1, 65535);
        o.connections = a.requiredInteger("connections", 1, 100_000);
        o.messages = a.requiredInteger("messages", 0, Integer.MAX_VALUE);
        int[] size = Client.parseSize(a.required("size"));
        o.minSize = size[0];
        o.maxSize = size[1];
        o.seed = a.integer("seed", 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        o.threads = a.integer("threads", 0, 0, 1024);
        o.timeoutSeconds = a.integer("timeout", o.timeoutSeconds, 1, 86_400);
        Client.Result r = Client.run(o, System.out);
        return r.errors == 0 ? 0 : 1;
    }

    private static int lesson(Args a) throws Exception {
        if (a.flag("list")) {
            for (Lesson l : Lessons.ALL) {
                System.out.printf("%-19s %s%n", l.name(), l.summary());
            }
            return 0;
        }
        if (a.positional().size() != 1) {
            throw new Args.UsageException("lesson needs one name (lesson --list shows them)");
        }
        Lesson l = Lessons.find(a.positional().get(0));
        if (l == null) {
            throw new Args.UsageException("no lesson " + a.positional().get(0) + " (lesson --list shows them)");
        }
        l.run(System.out);
        return 0;
    }
}
