package io.jmux;

import java.io.IOException;
import java.util.Objects;

/**
 * A syscall failed: carries the errno, its symbol, and the syscall with the arguments
 * that matter. The message reads like the C call that failed, e.g.
 * {@code epoll_ctl(EPOLL_CTL_ADD, fd=7): EEXIST (File exists)}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The positive errno value. */
    private final int errno;
    /** The syscall's name, e.g. {@code "epoll_ctl"}. */
    private final String syscall;

    /**
     * An exception for {@code syscall(arguments)} failing with {@code errno}. The message
     * is {@code syscall(arguments): NAME (description)}, with the errno's
     * {@link Errno#name(int)} and {@link Errno#description(int)}.
     *
     * @param syscall the syscall's name, e.g. {@code "epoll_ctl"}
     * @param arguments the arguments that matter, as the message shows them (may be empty)
     * @param errno the positive errno value (a negative one is read as its magnitude)
     * @throws NullPointerException if syscall or arguments is null
     * @throws IllegalArgumentException if errno is 0 or {@link Integer#MIN_VALUE}
     */
    public ErrnoException(String syscall, String arguments, int errno) {
        super(message(syscall, arguments, errno));
        this.errno = Math.abs(errno);
        this.syscall = syscall;
    }

    private static String message(String syscall, String arguments, int errno) {
        Objects.requireNonNull(syscall, "syscall");
        Objects.requireNonNull(arguments, "arguments");
        if (errno == 0 || errno == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("not an errno: " + errno);
        }
        return syscall + "(" + arguments + "): " + Errno.name(errno) + " (" + Errno.description(errno) + ")";
    }

    /**
     * The positive errno value, e.g. {@link Errno#EEXIST}.
     *
     * @return the errno
     */
    public int errno() {
        return errno;
    }

    /**
     * The errno symbol, e.g. {@code "EEXIST"}.
     *
     * @return the symbol, as {@link Errno#name(int)} gives it
     */
    public String errnoName() {
        return Errno.name(errno);
    }

    /**
     * The syscall that failed, e.g. {@code "epoll_ctl"}.
     *
     * @return the syscall's name
     */
    public String syscall() {
        return syscall;
    }
}
