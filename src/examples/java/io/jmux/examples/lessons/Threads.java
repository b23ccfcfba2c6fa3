package io.jmux.examples.lessons;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The kernel's view of a Java thread: the JVM names each native thread after the Java one. */
final class Threads {
    private Threads() {}

    /** The kernel thread id of the live thread named {@code name} (at most 15 chars), or -1. */
    static int tid(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                        return Integer.parseInt(task.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the thread exited while we looked
                }
            }
        }
        return -1;
    }

    /**
     * The scheduler state from /proc/self/task/TID/stat: 'S' sleeping (blocked in a
     * syscall), 'R' running or runnable, ...; '?' if unknown.
     */
    static char state(int tid) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2); // the comm field may hold spaces
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /**
     * {@code voluntary_ctxt_switches} from /proc/self/task/TID/status: how many times the
     * thread went to sleep in the kernel - for a thread that only waits, how many times
     * it was woken (each wake-up ends in another sleep). -1 if unknown.
     */
    static long voluntarySwitches(int tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Waits up to {@code millis} for the thread named {@code name} to appear; its tid or -1. */
    static int awaitTid(String name, long millis) throws IOException, InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        int tid;
        while ((tid = tid(name)) < 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return tid;
    }

    /** Waits up to {@code millis} for the thread to be asleep in the kernel ('S'). */
    static boolean awaitSleeping(int tid, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (state(tid) != 'S') {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }
}
