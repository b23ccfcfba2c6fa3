package io.jmux.bench.echo;

/**
 * The command line every echo server in the benchmarks honours, the same as the teaching
 * examples' {@code echo}: {@code --port N} (0 picks a free one) and {@code --quiet}. Each
 * server binds 127.0.0.1 and prints {@code listening on <host>:<port>} on stdout once it
 * accepts connections; it serves until killed.
 */
final class ServerArgs {
    int port;
    boolean quiet;

    static ServerArgs parse(String name, String[] args) {
        ServerArgs a = new ServerArgs();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port":
                    if (i + 1 == args.length) {
                        usage(name);
                    }
                    a.port = Integer.parseInt(args[++i]);
                    break;
                case "--quiet":
                    a.quiet = true;
                    break;
                default:
                    usage(name);
            }
        }
        return a;
    }

    private static void usage(String name) {
        System.err.println("usage: " + name + " [--port N] [--quiet]");
        System.exit(2);
    }

    static void announce(java.net.InetSocketAddress bound) {
        System.out.println("listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
        System.out.flush();
    }
}
