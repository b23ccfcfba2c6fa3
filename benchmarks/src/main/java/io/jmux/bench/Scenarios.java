package io.jmux.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a run measures: the bindings in table order, and each scenario's title and op. */
final class Scenarios {
    private Scenarios() {}

    /** Bindings in table order; the C twin is the reference every ratio divides by. */
    static final List<String> IMPLS = List.of("C", "C, single-threaded", "C io_uring", "jmux", "jmux io_uring",
            "Netty epoll", "Netty io_uring", "JNA", "FFM", "JDK Selector");
    static final String C = "C";
    /** The C twin's io_uring scenarios (rings mapped by hand, raw syscalls): the reference of the io_uring rows. */
    static final String C_URING = "C io_uring";
    static final String JMUX_URING = "jmux io_uring";
    static final String NETTY_URING = "Netty io_uring";
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
        SCENARIOS.put("epoll_wait_empty", new String[] {"epoll_wait on an empty epoll instance",
            "epoll_wait(timeout 0) with nothing registered: a syscall's entry and exit, what an epoll"
                + " loop pays to learn that nothing is ready."});
        SCENARIOS.put("io_uring_cq_empty", new String[] {"io_uring: the empty completion check",
            "CQ tail (an acquire load) against our CQ head on a ring with nothing submitted: a memory"
                + " read, no syscall (jmux: IoUring.cqReady). Beside it, the epoll rows are epoll_wait(0)"
                + " on an empty epoll instance."});
        SCENARIOS.put("io_uring_poll_multishot", new String[] {"io_uring multishot POLL_ADD: the event round trip",
            "one eventfd write per ready fd (multishot poll, like EPOLLET, posts a CQE per wake-up), then"
                + " reap every CQE (no io_uring_enter: the CQEs are posted as each write returns); n polls"
                + " armed. Beside it, the epoll rows are epoll_wait_et, the same trigger: the writes,"
                + " epoll_wait and the walk."});
        SCENARIOS.put("io_uring_poll_add_remove", new String[] {"io_uring POLL_ADD + POLL_REMOVE",
            "a multishot POLL_ADD of one more fd and a POLL_REMOVE of it, submitted in one io_uring_enter"
                + " that waits for both CQEs, then reaped; n polls armed. Beside it, the epoll rows are"
                + " epoll_ctl ADD + DEL with n registered."});
        SCENARIOS.put("noop", new String[] {"Call floor: one native call that makes no syscall",
            "jmux: Jmux.noop (a JNI native returning its argument); JNA and FFM: libc abs(3);"
                + " C: a call through a function pointer."});
    }

    /** The wait scenarios. */
    static final List<String> WAITS = List.of("epoll_wait", "poll", "select", "epoll_wait_et", "epoll_wait_oneshot",
            "io_uring_poll_multishot");
    /** The calls with ratio targets to C, in the targets table and the ratio panels. */
    static final List<String> TARGETED = List.of("epoll_wait", "poll", "select");
    /** The ratio panels' waits: the targeted calls and io_uring's event round trip (÷ C io_uring). */
    static final List<String> RATIO_PANELS = List.of("epoll_wait", "poll", "select", "io_uring_poll_multishot");
    /** The interest-set changes. */
    static final List<String> REGISTRATIONS = List.of("epoll_ctl_add_del", "epoll_ctl_mod", "fd_set_rebuild",
            "pollfd_rebuild", "io_uring_poll_add_remove");

    /**
     * Each io_uring scenario's epoll counterpart: its table and chart show both, and the
     * io_uring targets compare them (the event round trip is multishot POLL_ADD against
     * EPOLLET, with the same trigger).
     */
    static final Map<String, String> EPOLL_COUNTERPART = Map.of("io_uring_cq_empty", "epoll_wait_empty",
            "io_uring_poll_multishot", "epoll_wait_et", "io_uring_poll_add_remove", "epoll_ctl_add_del");

    /** The C twin row a binding's figures are divided by: C io_uring for the io_uring rows, else C. */
    static String referenceOf(String impl) {
        return impl.endsWith("io_uring") ? C_URING : C;
    }

    /** The C twin row of a scenario's own bindings: C io_uring for the io_uring scenarios, else C. */
    static String referenceFor(String scenario) {
        return scenario.startsWith("io_uring") ? C_URING : C;
    }

    /** The jmux row of a scenario: jmux io_uring for the io_uring scenarios, else jmux. */
    static String jmuxFor(String scenario) {
        return scenario.startsWith("io_uring") ? JMUX_URING : JMUX;
    }
}
