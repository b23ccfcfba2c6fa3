/**
 * jmux: Linux's readiness syscalls — {@code select(2)}, {@code poll(2)}, {@code epoll(7)}
 * — and the {@code io_uring(7)} rings, driven from Java exactly as C drives them. See
 * {@link io.jmux.Epoll}, {@link io.jmux.Poll}, {@link io.jmux.Select}, {@link io.jmux.IoUring}.
 */
module io.jmux {
    exports io.jmux;
}
