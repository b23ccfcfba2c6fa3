package io.jmux;

import java.io.IOException;

/**
 * A syscall failed: carries the errno, its symbol, and the syscall with the arguments
 * that matter. The message reads like the C call that failed, e.g.
 * {@code epoll_ctl(EPOLL_CTL_ADD, fd=7): EEXIST (File exists)}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String syscall;

    /**
     * @param syscall the syscall's name, e.g. {@code "epoll_ctl"}
     * @param arguments the arguments that matter, as the message shows them (may be empty)
     * @param errno the positive errno value
     */
    public ErrnoException(String syscall, String arguments, int errno) {
        super(syscall + "(" + arguments + "): " + Errno.name(errno) + " ("
                + Errno.description(errno) + ")");
        this.errno = Math.abs(errno);
        this.syscall = syscall;
    }

    /** The positive errno value, e.g. {@link Errno#EEXIST}. */
    public int errno() {
        return errno;
    }

    /** The errno symbol, e.g. {@code "EEXIST"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The syscall that failed, e.g. {@code "epoll_ctl"}. */
    public String syscall() {
        return syscall;
    }
}
