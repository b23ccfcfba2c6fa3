package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import io.jmux.Sockets;
import java.io.IOException;

/**
 * Model 1, blocking I/O: {@code accept} sleeps until a connection arrives, and each
 * connection gets a thread whose {@code read} sleeps until data arrives. The simplest
 * correct server: the kernel does all the waiting, one sleeping thread per connection.
 *
 * <p>The cost is the threads: each holds a stack and a kernel task, so ten thousand
 * idle connections are ten thousand threads. (Virtual threads would not help here: a
 * read blocked in JNI pins its carrier thread.) The models that follow wait for many
 * fds in one thread instead.
 *
 * <pre>java -jar target/jmux-examples.jar echo --model blocking --port 7007</pre>
 */
final class BlockingEcho {
    private BlockingEcho() {}

    static void run(String host, int port, ConnLog log) throws IOException {
        int listener = Net.listen(host, port, false); // a blocking socket: accept sleeps
        Net.announce(listener);
        while (true) {
            int fd;
            try {
                fd = Sockets.accept4(listener, Sockets.SOCK_CLOEXEC); // sleeps until a peer connects
            } catch (ErrnoException e) {
                acceptFailed(log, e);
                continue;
            }
            Thread t = new Thread(() -> serve(fd, log), "echo-fd-" + fd);
            t.setDaemon(true);
            t.start();
        }
    }

    /** The whole life of one connection: read what arrives, write all of it back. */
    private static void serve(int fd, ConnLog log) {
        byte[] buf = new byte[16384];
        long echoed = 0;
        String why = "peer closed";
        try {
            Net.noDelay(fd);
            log.opened(fd);
            int n;
            // read sleeps until at least one byte is there, and returns 0 at end of stream.
            while ((n = Fd.read(fd, buf, 0, buf.length)) > 0) {
                writeAll(fd, buf, n);
                echoed += n;
            }
        } catch (ErrnoException e) {
            why = e.getMessage(); // ECONNRESET, EPIPE: the peer went away mid-message
        } finally {
            Net.closeQuietly(fd);
            log.closed(fd, echoed, why);
        }
    }

    /**
     * A blocking write sleeps until the kernel has taken every byte; only a signal can
     * make it return early with fewer. The loop makes partial writes harmless either way.
     */
    private static void writeAll(int fd, byte[] buf, int len) throws ErrnoException {
        int off = 0;
        while (off < len) {
            off += Fd.write(fd, buf, off, len - off);
        }
    }

    /**
     * ECONNABORTED (the peer gave up while queued) is routine; anything else, EMFILE
     * above all, needs a pause: accepting again at once would fail again. The blocking
     * accept that follows takes the queued connections once fds are free.
     */
    private static void acceptFailed(ConnLog log, ErrnoException e) {
        log.note("accept failed: " + e.getMessage());
        if (e.errno() != Errno.ECONNABORTED) {
            Net.sleep(Acceptor.BACKOFF_MILLIS);
        }
    }
}
