package io.jmux.examples.lessons;

import io.jmux.Epoll;
import io.jmux.EpollEvents;
import io.jmux.ErrnoException;
import io.jmux.Errno;
import io.jmux.Fd;
import java.io.PrintStream;

/**
 * Level- vs edge-triggered epoll, side by side: two epoll instances watch the read end
 * of one pipe, one with {@code EPOLLIN}, one with {@code EPOLLIN | EPOLLET}. The same
 * writes and reads happen to the pipe; after each step both are asked (timeout 0)
 * {@value #WAITS} times, reading nothing, and the lesson counts how often each answered.
 */
final class LtVsEt implements Lesson {
    static final int WAITS = 3;

    @Override
    public String name() {
        return "lt-vs-et";
    }

    @Override
    public String summary() {
        return "same pipe, same writes: level-triggered re-reports, edge-triggered reports once per edge";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        out.println("== lt-vs-et: level-triggered vs edge-triggered epoll ==");
        try (Fds fds = new Fds(); Epoll lt = Epoll.create(); Epoll et = Epoll.create();
             EpollEvents events = new EpollEvents(4)) {
            int[] p = fds.pipe();
            int r = p[0];
            int w = p[1];
            lt.add(r, Epoll.EPOLLIN);
            et.add(r, Epoll.EPOLLIN | Epoll.EPOLLET);
            out.printf("setup: pipe2(O_NONBLOCK) = [%d, %d]%n", r, w);
            out.printf("       epoll fd %d watches fd %d for EPOLLIN          (LT, level-triggered)%n", lt.fd(), r);
            out.printf("       epoll fd %d watches fd %d for EPOLLIN|EPOLLET  (ET, edge-triggered)%n", et.fd(), r);
            out.printf("       after each step, epoll_wait(timeout 0) %d times on each, reading nothing%n%n", WAITS);

            write(w, 10);
            report(out, "step 1: write 10 bytes (the pipe goes from empty to 10 bytes)", lt, et, events);
            write(w, 10);
            report(out, "step 2: write 10 more (the pipe already held data)", lt, et, events);
            byte[] buf = new byte[64];
            Fd.read(r, buf, 0, 5);
            report(out, "step 3: read 5 of the 20 bytes (15 stay in the pipe)", lt, et, events);
            int drained = 0;
            int n;
            while (!Errno.isWouldBlock(n = Fd.read(r, buf, 0, buf.length))) {
                drained += n;
            }
            report(out, "step 4: read the other " + drained + " bytes, until EAGAIN (the pipe is empty)", lt, et,
                    events);
            write(w, 1);
            report(out, "step 5: write 1 byte", lt, et, events);
        }
        out.println("remember: LT reports an fd on every wait while it is ready - like poll - so one read");
        out.println("  per event is enough. ET reports a change: each write that adds data is an edge (step 2");
        out.println("  shows that on this kernel, although the pipe never emptied), and reading is none, so");
        out.println("  the 15 bytes left in step 3 were never reported again. With ET, read until EAGAIN.");
    }

    private static void write(int fd, int len) throws ErrnoException {
        Fd.write(fd, new byte[len], 0, len);
    }

    private static void report(PrintStream out, String step, Epoll lt, Epoll et, EpollEvents events)
            throws ErrnoException {
        int ltCount = count(lt, events);
        int etCount = count(et, events);
        out.println(step);
        out.printf("        LT: reported %d of %d waits   ET: reported %d of %d waits%n%n", ltCount, WAITS,
                etCount, WAITS);
    }

    /** How many of {@value #WAITS} zero-timeout waits report the fd. */
    private static int count(Epoll ep, EpollEvents events) throws ErrnoException {
        int reported = 0;
        for (int i = 0; i < WAITS; i++) {
            reported += ep.wait(events, 0);
        }
        return reported;
    }
}
