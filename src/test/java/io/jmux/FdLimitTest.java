package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * EMFILE: what every fd-making call says when the process's fd table is full. Run in a
 * child JVM whose RLIMIT_NOFILE the shell lowered to 256 (hard and soft, so HotSpot cannot
 * raise it again), so the test JVM's own fds are never at risk.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FdLimitTest {

    @Test
    void everyFdMakingCallReportsEmfileWhenTheTableIsFull() throws Exception {
        ChildJvm child = ChildJvm.runWrapped(List.of("/bin/sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh"),
                null, List.of(), Exhaust.class);
        assertEquals(0, child.exitCode, child.toString());
        for (String call : List.of("epoll_create1", "pipe2", "eventfd", "socket", "socketpair", "accept4")) {
            assertTrue(child.output.contains(call + ": EMFILE | " + call + "("),
                    call + " did not report EMFILE:\n" + child);
        }
        // The message spells the arguments as C does.
        assertTrue(child.output.contains("| pipe2(O_CLOEXEC): EMFILE (Too many open files)"), child.toString());
        assertTrue(child.output.contains("| socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0): EMFILE"),
                child.toString());
        assertTrue(child.output.contains("| eventfd(0, EFD_CLOEXEC): EMFILE"), child.toString());
        assertTrue(child.output.contains("after closing: epoll_create1 ok"), child.toString());
    }

    /** Fills the fd table with pipes, then tries each call once; prints what it threw. */
    public static final class Exhaust {
        public static void main(String[] args) throws Exception {
            // A full fd table also stops the class loader opening class files: run every
            // path once first, the failing one included, so each class is already loaded.
            run(false);
            int closed = EventFd.eventfd(0, EventFd.EFD_CLOEXEC);
            Fd.close(closed);
            try {
                Fd.close(closed); // EBADF: builds one ErrnoException and its message
            } catch (ErrnoException expected) {
                System.out.println("warm-up: " + expected.syscall() + ": " + expected.errnoName()
                        + " | " + expected.getMessage());
            }
            // A connection waiting in a listener's backlog: accept4 is where a server
            // meets EMFILE.
            int listener = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
            Sockets.bind(listener, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            Sockets.listen(listener, 4);
            int client = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
            Sockets.connect(client, Sockets.getsockname(listener));
            held.add(listener);
            held.add(client);
            run(true);
            attempt(true, "accept4", () -> new int[] {Sockets.accept4(listener, Sockets.SOCK_CLOEXEC)});
            for (int fd : held) {
                Fd.close(fd);
            }
            Epoll.create().close();
            System.out.println("after closing: epoll_create1 ok");
        }

        private static void run(boolean print) throws Exception {
            attempt(print, "epoll_create1", () -> {
                Epoll.create().close();
                return new int[0];
            });
            attempt(print, "pipe2", () -> Fd.pipe2(Fd.O_CLOEXEC));
            attempt(print, "eventfd", () -> new int[] {EventFd.eventfd(0, EventFd.EFD_CLOEXEC)});
            attempt(print, "socket", () -> new int[] {
                Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)});
            attempt(print, "socketpair", () ->
                    Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        }

        private interface Call {
            int[] run() throws ErrnoException;
        }

        /** Every fd this child made, to close at the end. */
        private static final List<Integer> held = new ArrayList<>();

        /**
         * Takes every free slot. Done before each call, not once: the JVM itself may close an
         * fd at any moment (a cleaner, a compiler thread), and one free slot would let the
         * next call succeed.
         */
        private static void fill() throws ErrnoException {
            try {
                while (true) {
                    held.add(EventFd.eventfd(0, EventFd.EFD_CLOEXEC));
                }
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EMFILE) {
                    throw e;
                }
            }
        }

        private static void attempt(boolean print, String syscall, Call call) throws ErrnoException {
            if (print) {
                fill();
            }
            try {
                for (int fd : call.run()) {
                    Fd.close(fd);
                }
                if (print) {
                    System.out.println(syscall + ": succeeded with a full fd table");
                }
            } catch (ErrnoException e) {
                if (print) {
                    System.out.println(e.syscall() + ": " + e.errnoName() + " | " + e.getMessage());
                } else {
                    throw e;
                }
            }
        }
    }
}
