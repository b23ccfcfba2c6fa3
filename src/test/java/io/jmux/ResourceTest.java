package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResourceTest {
    @Test
    void tenThousandCreateCloseCyclesLeakNoFd() throws Exception {
        long before = Fds.openFdCount();
        for (int i = 0; i < 10_000; i++) {
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(16);
                 PollFds pfds = new PollFds(16); FdSet set = new FdSet()) {
                pfds.add(ep.fd(), Poll.POLLIN);
                set.set(ep.fd());
                ep.wait(ev, 0);
            }
        }
        assertEquals(before, Fds.openFdCount());
    }

    @Test
    void droppedEpollIsClosedByTheCleaner() throws Exception {
        long before = Fds.openFdCount();
        for (int i = 0; i < 1000; i++) {
            Epoll.create(); // never closed
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Fds.openFdCount() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(before, Fds.openFdCount());
    }
}
