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

    /**
     * True if {@code libjmux.so} loaded and matches these classes. A load that failed for a
     * passing reason ({@code EMFILE}, {@code ENFILE}, {@code ENOSPC}) is retried first.
     *
     * @return whether the native library is loaded
     */
    public static boolean isAvailable() {
        return Native.loadFailure() == null;
    }

    /**
     * Why the library could not be loaded, after retrying a load that failed for a passing
     * reason (as {@link #isAvailable()} does).
     *
     * @return the load failure, or null if the library is loaded
     */
    public static Throwable unavailabilityCause() {
        return Native.loadFailure();
    }

    /**
     * Throws {@link UnsatisfiedLinkError}, saying what failed and which property to set,
     * unless the library is loaded. A load that failed for a passing reason is retried
     * first.
     *
     * @throws UnsatisfiedLinkError if the library is not loaded; its cause is the load
     *     failure
     */
    public static void ensureAvailable() {
        Native.ensureLoaded();
    }

    /**
     * This build's version, e.g. {@code 0.2.0-SNAPSHOT}: from the jar's build (the same
     * value as the manifest's {@code Implementation-Version}).
     *
     * @return the version, or {@code "unknown"} if the build recorded none
     */
    public static String version() {
        return Version.VALUE;
    }

    /** Read once, on first use, from the resource the build filtered. */
    private static final class Version {
        static final String VALUE = read();

        private static String read() {
            try (java.io.InputStream in = Jmux.class.getResourceAsStream("jmux.version")) {
                if (in != null) {
                    String v = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                    if (!v.isEmpty() && !v.startsWith("$")) {
                        return v;
                    }
                }
            } catch (java.io.IOException e) {
                // fall through to the manifest
            }
            String v = Jmux.class.getPackage().getImplementationVersion();
            return v == null ? "unknown" : v;
        }
    }

    /**
     * The JNI-floor probe: calls a native function that makes no syscall and returns
     * {@code value}, the cost of a JNI transition alone, which benchmarks subtract to
     * isolate a syscall's cost. Not needed by programs.
     *
     * @param value any int
     * @return value
     */
    public static int noop(int value) {
        Native.ensureLoaded();
        return Native.noop(value);
    }

    /**
     * The owner-lifecycle floor probe: as {@link #noop}, but through the enter and leave
     * steps that every call on an {@link Epoll} makes around its syscall (announce the
     * call, check the closed flag, retract). {@code noopOwned - noop} is what close-safety
     * costs per call. Not needed by programs.
     *
     * @param value any int
     * @return value
     */
    public static int noopOwned(int value) {
        return Probe.OWNER.noop(value);
    }

    /** An owner of no fd, open for ever: the floor probe's target (made on first use). */
    private static final class Probe {
        static final Owner OWNER = Owner.of(-1, false);
    }
}
