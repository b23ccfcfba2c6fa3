package io.jmux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The probe behind the "which signals are free in a JVM" table of docs/signals.md: for
 * every signal 1 .. SIGRTMAX, {@code sigaction(sig, NULL, &old)}'s handler kind, and
 * whether any thread of this JVM blocks it (from /proc/self/task/N/status). Run it as a
 * main on a JDK to see that JDK's answer (after NIO and jmux have been used, so their
 * handlers are in); {@link SignalFdTest} checks the free range.
 */
public final class SignalProbe {
    private SignalProbe() {}

    /** "1:SIGHUP=SIGINFO 2:... " for every signal; blocked ones marked (blocked by N threads). */
    static String table() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int sig = 1; sig <= SignalFd.sigrtmax(); sig++) {
            String kind;
            try {
                int k = SignalFd.sigaction(sig);
                kind = k == SignalFd.SIG_DFL ? "DFL" : k == SignalFd.SIG_IGN ? "IGN"
                        : k == SignalFd.HANDLER ? "handler" : "siginfo-handler";
            } catch (ErrnoException e) {
                kind = e.errnoName(); // glibc's own 32 and 33
            }
            int blockers = 0;
            int threads = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    threads++;
                    if ((SignalFdTest.sigBlk(t) & (1L << (sig - 1))) != 0) {
                        blockers++;
                    }
                }
            }
            sb.append(sig).append('=').append(kind);
            if (blockers > 0) {
                sb.append("(blocked in ").append(blockers).append('/').append(threads).append(" threads)");
            }
            sb.append(' ');
        }
        return sb.toString().trim();
    }

    public static void main(String[] args) throws Exception {
        try (var sel = java.nio.channels.Selector.open()) {
            sel.selectNow();
        }
        try (Epoll ep = Epoll.create()) { // and jmux's owner lifecycle
            ep.fd();
        }
        System.out.println(System.getProperty("java.vm.version") + ": " + table());
    }
}
