package io.jmux;

/**
 * The argument checks that Java makes before a native call. Each one guards memory or
 * a value the C type cannot hold (see the audit table in docs/hardening.md); a value
 * the kernel gives a meaning to is never rejected here.
 */
final class Check {
    private Check() {}

    /** A negative fd is no fd to the kernel (EBADF) and, as an int, unambiguous: rejected. */
    static int fd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative fd: " + fd);
        }
        return fd;
    }

    /** A value for a C {@code short} field: the signed or the unsigned reading of 16 bits. */
    static short u16(int value, String what) {
        if (value < Short.MIN_VALUE || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " 0x" + Integer.toHexString(value)
                    + " does not fit the C short (16 bits)");
        }
        return (short) value;
    }
}
