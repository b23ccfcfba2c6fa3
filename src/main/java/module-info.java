/**
 * jmux: Linux's readiness syscalls — {@code select(2)}, {@code poll(2)}, {@code epoll(7)}
 * — driven from Java exactly as C drives them. See {@link io.jmux.Epoll},
 * {@link io.jmux.Poll}, {@link io.jmux.Select}.
 */
module io.jmux {
    exports io.jmux;
}
