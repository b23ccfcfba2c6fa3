package io.jmux.examples;

import io.jmux.ErrnoException;
import io.jmux.Sockets;

/**
 * One stderr line when a connection opens and one when it closes, e.g.
 * {@code open fd=7 peer=127.0.0.1:40312} and
 * {@code close fd=7 echoed=1048576 (peer closed)}; nothing with {@code --quiet}, so a
 * benchmark measures the server rather than its logging.
 */
final class ConnLog {
    private final boolean quiet;

    ConnLog(boolean quiet) {
        this.quiet = quiet;
    }

    void opened(int fd) {
        if (quiet) {
            return;
        }
        String peer;
        try {
            peer = Net.format(Sockets.getpeername(fd));
        } catch (ErrnoException e) {
            peer = "? (" + e.errnoName() + ")"; // the peer may already have gone
        }
        System.err.println("open fd=" + fd + " peer=" + peer);
    }

    /** @param why e.g. "peer closed", or the error that ended the connection */
    void closed(int fd, long echoed, String why) {
        if (!quiet) {
            System.err.println("close fd=" + fd + " echoed=" + echoed + " (" + why + ")");
        }
    }

    /** A server-level event worth a line even in quiet mode (accept failing, a set growing). */
    void note(String message) {
        System.err.println(message);
    }
}
