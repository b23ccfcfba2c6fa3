package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * "close() wakes a thread blocked in a read", for the owned fds whose read blocks
 * ({@link SignalFd}, {@link TimerFd}). The reader may not have reached the kernel when
 * close runs (a loaded machine): then its read throws {@link IllegalStateException},
 * which is also right, and the round is tried again, until one round shows the wake-up.
 */
final class CloseWakes {
    private CloseWakes() {}

    interface Opened<T extends AutoCloseable> {
        T open() throws Exception;
    }

    interface Blocking<T> {
        Object call(T target) throws Exception;
    }

    /** Asserts that some round's blocked call returned {@code expected} when its target was closed. */
    static <T extends AutoCloseable> void check(Opened<T> opened, Blocking<T> blocking, Object expected)
            throws Exception {
        for (int round = 0; round < 10; round++) {
            T target = opened.open();
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    started.countDown();
                    result.set(blocking.call(target));
                } catch (Throwable e) {
                    result.set(e);
                }
            }, "close-wakes");
            reader.start();
            started.await();
            Thread.sleep(50); // most rounds: blocked in read(2) by now
            target.close();
            reader.join(10_000);
            assertFalse(reader.isAlive(), "close woke the reader");
            Object r = result.get();
            if (r instanceof IllegalStateException) {
                continue; // closed before the read began: another round
            }
            if (r instanceof Throwable t) {
                throw new AssertionError("the blocked call failed", t);
            }
            assertEquals(expected, r, "a read closed under it returns " + expected);
            return;
        }
        assertTrue(false, "in 10 rounds the reader never reached the kernel before close");
    }
}
