package io.jmux.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a run measures: the bindings in table order, and each scenario's title and op. */
final class Scenarios {
    private Scenarios() {}

    /** Bindings in table order; the C twin is the reference every ratio divides by. */
    static final List<String> IMPLS = List.of("C", "C, single-threaded", "jmux", "Netty epoll", "JNA", "FFM",
            "JDK Selector");
    // io_uring: "jmux io_uring", "C io_uring" and "Netty io_uring" join IMPLS (and Palette,
    // and Results.implOf) when the IoUring benchmarks land.
    static final String C = "C";
    /** The C twin without its idle thread: the kernel's cheaper fd lookups of a single-threaded process. */
    static final String C_SINGLE = "C, single-threaded";
    static final String JMUX = "jmux";

    /** Scenario key (the benchmark method and C twin name) to its title and what one op does. */
    static final Map<String, String[]> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("epoll_wait", new String[] {"epoll_wait, level-triggered",
            "epoll_wait(timeout 0), then walk the returned events. The JDK Selector row is"
                + " selectNow() + walk and clear the selected-key set, over pipes."});
        SCENARIOS.put("poll", new String[] {"poll",
            "poll(timeout 0), then scan the revents of all n entries."});
        SCENARIOS.put("select", new String[] {"select",
            "copy the interest fd_set (select overwrites it), select(timeout 0), then scan the set"
                + " a long at a time (FdSet.fdsBits, as C scans fds_bits)."});
        SCENARIOS.put("epoll_wait_et", new String[] {"epoll_wait, edge-triggered (EPOLLET)",
            "one eventfd write per ready fd (a new edge, else ET reports nothing), then epoll_wait"
                + " and walk the events."});
        SCENARIOS.put("epoll_wait_oneshot", new String[] {"epoll_wait, EPOLLONESHOT",
            "epoll_wait, walk the events, and re-arm each reported fd with EPOLL_CTL_MOD."});
        SCENARIOS.put("epoll_ctl_add_del", new String[] {"epoll_ctl ADD + DEL",
            "register one more fd and remove it (two epoll_ctl calls) with n fds registered."});
        SCENARIOS.put("epoll_ctl_mod", new String[] {"epoll_ctl MOD",
            "change the events of one fd (one epoll_ctl call) with n fds registered."});
        SCENARIOS.put("fd_set_rebuild", new String[] {"fd_set rebuild (select's change of interest)",
            "FD_ZERO, then FD_SET for each of the n fds: no syscall, but select then hands the"
                + " whole set to the kernel on every call."});
        SCENARIOS.put("pollfd_rebuild", new String[] {"pollfd array rebuild (poll's change of interest)",
            "rewrite the n struct pollfd entries: no syscall, but poll then hands the whole"
                + " array to the kernel on every call."});
        SCENARIOS.put("noop", new String[] {"Call floor: one native call that makes no syscall",
            "jmux: Jmux.noop (a JNI native returning its argument); JNA and FFM: libc abs(3);"
                + " C: a call through a function pointer."});
    }

    /** The wait scenarios; io_uring's (an empty CQ check, multishot POLL_ADD waits) are added here. */
    static final List<String> WAITS = List.of("epoll_wait", "poll", "select", "epoll_wait_et", "epoll_wait_oneshot");
    /** The calls with ratio targets, in the targets table and the ratio panels (io_uring joins them). */
    static final List<String> TARGETED = List.of("epoll_wait", "poll", "select");
    /** The interest-set changes; io_uring's POLL_ADD + POLL_REMOVE is added here. */
    static final List<String> REGISTRATIONS = List.of("epoll_ctl_add_del", "epoll_ctl_mod", "fd_set_rebuild",
            "pollfd_rebuild");
}
