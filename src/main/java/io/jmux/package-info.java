/**
 * The jmux API: one class per kernel facility.
 *
 * <ul>
 *   <li>{@link io.jmux.Select} with {@link io.jmux.FdSet} — {@code select(2)}</li>
 *   <li>{@link io.jmux.Poll} with {@link io.jmux.PollFds} — {@code poll(2)}</li>
 *   <li>{@link io.jmux.Epoll} with {@link io.jmux.EpollEvents} — {@code epoll(7)}</li>
 *   <li>{@link io.jmux.IoUring} with {@link io.jmux.IoUringBufRing} — {@code io_uring(7)}:
 *       completions, read from the shared rings without a syscall</li>
 *   <li>{@link io.jmux.Fd}, {@link io.jmux.EventFd}, {@link io.jmux.Sockets} — the fds to
 *       watch, without java.nio</li>
 *   <li>{@link io.jmux.TimerFd} with {@link io.jmux.ItimerSpec} — {@code timerfd_create(2)},
 *       the timers an event loop watches beside its fds</li>
 *   <li>{@link io.jmux.SignalFd} with {@link io.jmux.SigSet} and {@link io.jmux.SignalFdInfos}
 *       — {@code signalfd(2)} and {@code pthread_sigmask(3)}: signal-driven I/O
 *       ({@code F_SETOWN_EX}, {@code F_SETSIG}) with no handler, and which signals a JVM
 *       leaves free</li>
 *   <li>{@link io.jmux.Errno} and {@link io.jmux.ErrnoException} — the one error model</li>
 * </ul>
 *
 * <h2>Results, errors, EINTR and would-block: one rule per kind of call</h2>
 * Natives return the kernel's {@code n >= 0} or {@code -errno}; Java turns errors into
 * {@link io.jmux.ErrnoException} (syscall name, C-spelled arguments, errno symbol),
 * except where the table says the result is returned.
 *
 * <table class="striped">
 *   <caption>What each kind of call does with EINTR and would-block</caption>
 *   <thead><tr><th>kind</th><th>calls</th><th>{@code EINTR}</th><th>would-block</th></tr></thead>
 *   <tbody>
 *   <tr><td>wait</td><td>{@code select}, {@code poll}, {@code epoll_wait}, {@code epoll_pwait2},
 *       {@code io_uring_enter} with GETEVENTS ({@code IoUring.submitAndWait})</td>
 *       <td>restarted with the remaining timeout; an Epoll closed meanwhile returns 0, an
 *       IoUring returns what it submitted</td>
 *       <td>— (a timeout returns 0; io_uring's {@code ETIME} returns normally)</td></tr>
 *   <tr><td>submit</td><td>{@code io_uring_enter} without GETEVENTS ({@code IoUring.submit})</td>
 *       <td>retried (nothing was consumed)</td><td>thrown ({@code EAGAIN}, {@code EBUSY}: the
 *       kernel's back-pressure)</td></tr>
 *   <tr><td>io_uring requests</td><td>every {@code IoUring.prep*}</td><td>—</td><td>never
 *       thrown: each request's result, {@code -EAGAIN} or any errno, is its CQE's {@code res}</td></tr>
 *   <tr><td>transfer</td><td>{@code read}, {@code write}, {@code accept4}, eventfd read/write,
 *       signalfd and timerfd reads</td>
 *       <td>retried; a SignalFd or TimerFd closed meanwhile returns 0</td><td>returned:
 *       {@code -EAGAIN} ({@code EventFd.read} and {@code TimerFd.read}: 0); a timerfd's
 *       {@code ECANCELED} is thrown</td></tr>
 *   <tr><td>connect</td><td>{@code connect}</td><td>returned ({@code -EINTR}): the connection
 *       goes on, a retry would answer {@code EALREADY}</td>
 *       <td>returned: {@code -EINPROGRESS}, {@code -EAGAIN}</td></tr>
 *   <tr><td>close</td><td>{@code close}</td><td>thrown, never retried: Linux frees the number
 *       even then</td><td>—</td></tr>
 *   <tr><td>everything else</td><td>{@code epoll_ctl}, {@code fcntl}, {@code socket},
 *       {@code signalfd}, {@code timerfd_settime}, {@code pthread_sigmask}, ...</td>
 *       <td>thrown (they do not block)</td><td>thrown</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>What Java checks</h2>
 * Only what is unsafe for memory (a length past an array, a closed jmux object) or
 * cannot be represented in the C type (an {@code initval} past {@code unsigned int},
 * poll events past 16 bits, a negative fd). Every value the kernel gives a meaning to —
 * unknown flag bits, negative timeouts — goes through, and comes back as the kernel
 * answers. The audit is in {@code docs/hardening.md}.
 *
 * <h2>Threads</h2>
 * Every blocking call is a native call and pins a virtual thread's carrier while it
 * blocks. An {@link io.jmux.Epoll} (or {@link io.jmux.IoUring}) closed during a wait wakes its waiters with the
 * JDK's own wake-up signal ({@code __SIGRTMAX - 2}); a thread that blocks that signal
 * returns at its timeout instead.
 *
 * <p>Trace mode: run with {@code -Djmux.trace=true} and every syscall jmux makes is printed
 * to stderr as one strace-like line, e.g.
 * {@code epoll_ctl(5, EPOLL_CTL_ADD, 7, {EPOLLIN|EPOLLET, data=7}) = 0 <0.000004>}. The
 * property is read once, when the first traced call runs; with it off the checks compile
 * away.
 */
package io.jmux;
