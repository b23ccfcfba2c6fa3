package io.jmux;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The loaded library and the constants of the C headers. Every flag value, errno number
 * and struct layout used in Java comes from the C headers through {@link #constant}, so
 * none is typed by hand: from the table the build generated for this architecture
 * ({@code NativeConstants}, see native/gen/), checked against the one the library
 * reports when it loads; or, on an architecture the build did not cover, from the
 * library alone.
 *
 * <p>Because the classes know the constants without the library, a load that fails for
 * a passing reason (no fd free, no disk space: {@code EMFILE}, {@code ENFILE},
 * {@code ENOSPC}) leaves every class usable and is retried on the next call that needs
 * the library; other failures are kept.
 */
final class Native {
    /** Must equal JMUX_ABI_VERSION in native/jmux.h. */
    private static final int ABI_VERSION = 4;

    /** Every class an error, close or wake-up path may need first (see preloadErrorPath). */
    private static final String[] ERROR_PATH_CLASSES = {"ErrnoException", "Errno", "CNames", "Trace",
        "Sys", "Check", "Timeouts", "NativeArray", "Owner", "Owner$Free", "FdSys"};
    private static final Map<String, Long> CONSTANTS = new HashMap<>();
    /** Set once, when the library is loaded and checked; read without a lock on every call. */
    private static boolean loaded;
    private static volatile Throwable loadFailure;

    static {
        preloadErrorPath();
        String table = NativeConstants.table(NativeLibrary.arch());
        if (table != null) {
            parseConstants(table, CONSTANTS);
        }
        tryLoad();
    }

    private Native() {}

    /** Loads and checks the library unless it is loaded; records why not. */
    private static synchronized void tryLoad() {
        if (loaded) {
            return;
        }
        try {
            NativeLibrary.load();
            int abi = abiVersion();
            if (abi != ABI_VERSION) {
                throw new UnsatisfiedLinkError("jmux: libjmux.so has ABI version " + abi
                        + " but these classes need " + ABI_VERSION + "; the library and the jar"
                        + " come from different builds");
            }
            Map<String, Long> reported = new HashMap<>();
            parseConstants(constants(), reported);
            if (CONSTANTS.isEmpty()) {
                CONSTANTS.putAll(reported);
            } else if (!CONSTANTS.equals(reported)) {
                throw new UnsatisfiedLinkError("jmux: libjmux.so reports other constants than these"
                        + " classes were built with; the library and the jar come from different builds");
            }
            loaded = true;
            loadFailure = null;
        } catch (Throwable t) {
            loadFailure = t;
        }
    }

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

    private static void parseConstants(String table, Map<String, Long> into) {
        if (table == null) {
            throw new UnsatisfiedLinkError("jmux: the native constant table overflowed its buffer");
        }
        for (String line : table.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                into.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            }
        }
    }

    /**
     * Returns if the library is loaded; otherwise retries a load that failed for a passing
     * reason, and throws an UnsatisfiedLinkError saying why it is unavailable.
     */
    static void ensureLoaded() {
        if (!loaded) {
            retryOrThrow();
        }
    }

    private static void retryOrThrow() {
        if (NativeLibrary.isTransient(loadFailure)) {
            tryLoad();
        }
        Throwable failure = loadFailure;
        if (!loaded) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                    "jmux native library unavailable: " + (failure == null ? "?" : failure.getMessage()));
            e.initCause(failure);
            throw e;
        }
    }

    static boolean isLoaded() {
        return loaded;
    }

    /** Why the library is not loaded (after retrying a passing failure), or null. */
    static Throwable loadFailure() {
        if (!loaded && NativeLibrary.isTransient(loadFailure)) {
            tryLoad();
        }
        return loaded ? null : loadFailure;
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
        if (CONSTANTS.isEmpty()) {
            ensureLoaded(); // no build-time table for this architecture: the library's
        }
        Long value = CONSTANTS.get(name);
        if (value == null) {
            throw new UnsatisfiedLinkError("jmux: libjmux.so reports no constant " + name);
        }
        return value;
    }

    /** Every constant whose name starts with {@code prefix}, prefix removed. */
    static Map<String, Long> constantsWithPrefix(String prefix) {
        if (CONSTANTS.isEmpty()) {
            ensureLoaded();
        }
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
        ensureLoaded();
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
