package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The epoll_wait fallback of pwait2, forced in a child JVM by -Djmux.epoll_pwait2=false. */
class Pwait2FallbackTest {
    @Test
    void fallbackRoundsSubMillisecondTimeoutsUp() throws Exception {
        ChildJvm child = ChildJvm.run(List.of("-Djmux.epoll_pwait2=false"), Child.class);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("fallback ok"), child.toString());
    }

    /** Runs in the child JVM. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            if (Epoll.hasPwait2()) {
                throw new AssertionError("jmux.epoll_pwait2=false did not disable epoll_pwait2");
            }
            int efd = EventFd.eventfd(0, EventFd.EFD_NONBLOCK);
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(2)) {
                ep.add(efd, Epoll.EPOLLIN);
                for (long nanos : new long[] {1, 100_000, 999_999, 1_000_001}) {
                    long t0 = System.nanoTime();
                    int n = ep.pwait2(ev, nanos);
                    long waited = System.nanoTime() - t0;
                    if (n != 0 || waited < nanos) {
                        throw new AssertionError("pwait2(" + nanos + " ns) returned " + n + " after " + waited + " ns");
                    }
                }
                EventFd.write(efd, 1);
                if (ep.pwait2(ev, -1) != 1 || ev.fd(0) != efd) {
                    throw new AssertionError("ready eventfd not reported");
                }
            } finally {
                Fd.close(efd);
            }
            System.out.println("fallback ok");
        }
    }
}
