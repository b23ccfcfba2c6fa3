package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A signal handled by the process interrupts a blocked wait with EINTR; jmux restarts it
 * with the remaining timeout. The JVM installs a handler for SIGPIPE (it ignores the
 * signal in the handler), so {@code kill -PIPE <tid>} aimed at the waiting thread makes
 * the kernel return EINTR there.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EintrTest {
    interface Wait {
        int run() throws Exception;
    }

    private static void interruptedWaitRestarts(String name, long timeoutMillis, Wait wait) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        long[] elapsed = new long[1];
        Thread waiter = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                result.set(wait.run());
            } catch (Throwable t) {
                result.set(t);
            }
            elapsed[0] = System.nanoTime() - t0;
        }, name);
        waiter.start();
        int tid = findTid(name);
        for (int i = 0; i < 5 && waiter.isAlive(); i++) {
            Thread.sleep(timeoutMillis / 10);
            new ProcessBuilder("kill", "-PIPE", Integer.toString(tid)).inheritIO().start().waitFor();
        }
        waiter.join();
        assertEquals(0, result.get(), "wait interrupted by signals still ends at its timeout: " + result.get());
        long ms = TimeUnit.NANOSECONDS.toMillis(elapsed[0]);
        assertTrue(ms >= timeoutMillis - 1, name + " returned after " + ms + " ms of " + timeoutMillis);
    }

    /** The kernel thread id of the Java thread named {@code name} (the JVM names native threads after Java ones). */
    private static int findTid(String name) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                            return Integer.parseInt(task.getFileName().toString());
                        }
                    } catch (IOException gone) {
                        // thread exited meanwhile
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no thread named " + name);
    }

    @Test
    void epollWait() throws Exception {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            interruptedWaitRestarts("jmux-eintr-ep", 1000, () -> ep.wait(ev, 1000));
        }
    }

    @Test
    void epollPwait2() throws Exception {
        try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
            interruptedWaitRestarts("jmux-eintr-ep2", 1000, () -> ep.pwait2(ev, 1_000_000_000L));
        }
    }

    @Test
    void poll() throws Exception {
        try (Fds fds = new Fds(); PollFds pfds = new PollFds(1)) {
            pfds.add(fds.pipe(false)[0], Poll.POLLIN);
            interruptedWaitRestarts("jmux-eintr-poll", 1000, () -> Poll.poll(pfds, 1000));
        }
    }

    @Test
    void select() throws Exception {
        try (Fds fds = new Fds(); FdSet r = new FdSet()) {
            int fd = fds.pipe(false)[0];
            interruptedWaitRestarts("jmux-eintr-sel", 1000, () -> {
                r.set(fd);
                return Select.select(fd + 1, r, null, null, 1_000_000);
            });
        }
    }

    @Test
    void theJvmCatchesSigpipe() throws Exception {
        // What the tests above rely on: with a handler installed (not SIG_IGN), the signal
        // interrupts epoll_wait/poll/select, which the kernel never restarts on its own.
        String caught = Files.readString(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("SigCgt:")).findFirst().orElseThrow();
        long mask = Long.parseUnsignedLong(caught.substring(7).trim(), 16);
        assertTrue((mask & (1L << (13 - 1))) != 0, "SIGPIPE (13) has a handler: " + caught);
    }
}
