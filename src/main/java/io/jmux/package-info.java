/**
 * The jmux API: one class per kernel facility.
 *
 * <ul>
 *   <li>{@link io.jmux.Select} with {@link io.jmux.FdSet} — {@code select(2)}</li>
 *   <li>{@link io.jmux.Poll} with {@link io.jmux.PollFds} — {@code poll(2)}</li>
 *   <li>{@link io.jmux.Epoll} with {@link io.jmux.EpollEvents} — {@code epoll(7)}</li>
 *   <li>{@link io.jmux.Fd}, {@link io.jmux.EventFd}, {@link io.jmux.Sockets} — the fds to
 *       watch, without java.nio</li>
 *   <li>{@link io.jmux.Errno} and {@link io.jmux.ErrnoException} — the one error model</li>
 * </ul>
 *
 * <p>Natives return the kernel's {@code n >= 0} or {@code -errno}; Java turns errors into
 * {@link io.jmux.ErrnoException}, except would-block results, which are returned.
 *
 * <p>Trace mode: run with {@code -Djmux.trace=true} and every syscall jmux makes is printed
 * to stderr as one strace-like line, e.g.
 * {@code epoll_ctl(5, EPOLL_CTL_ADD, 7, {EPOLLIN|EPOLLET, data=7}) = 0 <0.000004>}. The
 * property is read once, when the first traced call runs; with it off the checks compile
 * away.
 */
package io.jmux;
