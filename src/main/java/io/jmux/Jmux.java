package io.jmux;

/**
 * Load-state probe for the native library, and the bare JNI floor for benchmarks.
 *
 * <p>The library is loaded the first time any jmux class is used. It comes from the jar
 * ({@code META-INF/native/linux-<arch>/libjmux.so}, extracted to a private temp file
 * that is deleted after loading) unless the system property {@code jmux.library.path}
 * names a file; {@code jmux.tmpdir} moves the extraction (for a {@code noexec /tmp}).
 */
public final class Jmux {
    private Jmux() {}

    /** True if {@code libjmux.so} loaded and matches these classes. */
    public static boolean isAvailable() {
        return Native.loadFailure() == null;
    }

    /** Why the library could not be loaded, or null if it was. */
    public static Throwable unavailabilityCause() {
        return Native.loadFailure();
    }

    /**
     * Throws {@link UnsatisfiedLinkError}, saying what failed and which property to set,
     * unless the library is loaded.
     */
    public static void ensureAvailable() {
        Native.ensureLoaded();
    }

    /**
     * Calls a native function that makes no syscall and returns {@code value}: the cost of
     * a JNI transition alone, which benchmarks subtract to isolate a syscall's cost.
     */
    public static int noop(int value) {
        return Native.noop(value);
    }
}
