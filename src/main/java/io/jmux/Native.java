package io.jmux;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The loaded library and the constants it reports. Every flag value, errno number and
 * struct layout used in Java is read from the C headers through {@link #constant} when
 * the owning class initialises, so none is typed by hand.
 */
final class Native {
    /** Must equal JMUX_ABI_VERSION in native/jmux.h. */
    private static final int ABI_VERSION = 4;

    /** Every class an error, close or wake-up path may need first (see preloadErrorPath). */
    private static final String[] ERROR_PATH_CLASSES = {"ErrnoException", "Errno", "CNames", "Trace",
        "Sys", "Check", "Timeouts", "NativeArray", "Owner", "Owner$Free", "FdSys"};
    private static final Throwable LOAD_FAILURE;
    private static final Map<String, Long> CONSTANTS = new HashMap<>();

    static {
        Throwable failure = null;
        try {
            NativeLibrary.load();
            int abi = abiVersion();
            if (abi != ABI_VERSION) {
                throw new UnsatisfiedLinkError("jmux: libjmux.so has ABI version " + abi
                        + " but these classes need " + ABI_VERSION + "; the library and the jar"
                        + " come from different builds");
            }
            parseConstants(constants());
            preloadErrorPath();
        } catch (Throwable t) {
            failure = t;
        }
        LOAD_FAILURE = failure;
    }

    private Native() {}


    /**
     * Loads now the classes on every error, close and wake-up path: building an
     * {@link ErrnoException} message, the owner lifecycle, the fd layer. Errors such as
     * EMFILE come when the process has no fd to spare, and loading a class from a
     * directory on the class path needs one: the load would fail with NoClassDefFoundError
     * instead of the errno, and the JVM keeps a failed resolution for good.
     */
    private static void preloadErrorPath() {
        // By name, without initialising: this class stays at the bottom of the package and
        // imports none of those above it.
        for (String name : ERROR_PATH_CLASSES) {
            try {
                Class.forName("io.jmux." + name, false, Native.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jmux: class io.jmux." + name + " is missing", e);
            }
        }
    }

    private static void parseConstants(String table) {
        if (table == null) {
            throw new UnsatisfiedLinkError("jmux: the native constant table overflowed its buffer");
        }
        for (String line : table.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                CONSTANTS.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            }
        }
    }

    /** Throws the load failure, if any, as an UnsatisfiedLinkError. */
    static void ensureLoaded() {
        if (LOAD_FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                    "jmux native library unavailable: " + LOAD_FAILURE.getMessage());
            e.initCause(LOAD_FAILURE);
            throw e;
        }
    }

    static Throwable loadFailure() {
        return LOAD_FAILURE;
    }

    /**
     * The value of a C constant, as reported by the library. Unsigned 32-bit flags
     * (EPOLLET is {@code 1u << 31}) keep their bit pattern.
     */
    static int constant(String name) {
        long value = longConstant(name);
        if (value < Integer.MIN_VALUE || value > 0xFFFF_FFFFL) {
            throw new IllegalStateException("jmux: constant " + name + " = " + value
                    + " does not fit an int");
        }
        return (int) value;
    }

    static long longConstant(String name) {
        ensureLoaded();
        Long value = CONSTANTS.get(name);
        if (value == null) {
            throw new UnsatisfiedLinkError("jmux: libjmux.so reports no constant " + name);
        }
        return value;
    }

    /** Every constant whose name starts with {@code prefix}, prefix removed. */
    static Map<String, Long> constantsWithPrefix(String prefix) {
        ensureLoaded();
        Map<String, Long> out = new HashMap<>();
        CONSTANTS.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Start address of a direct buffer; 0 if the buffer is not direct. */
    static long addressOf(ByteBuffer directBuffer) {
        long address = bufferAddress(directBuffer);
        if (address == 0) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return address;
    }

    static native int abiVersion();

    private static native String constants();

    static native String strerror(int errno);

    private static native long bufferAddress(ByteBuffer buffer);

    static native int noop(int value);
}
