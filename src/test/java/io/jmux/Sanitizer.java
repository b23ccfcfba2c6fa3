package io.jmux;

/** Whether this test JVM runs the ASan build (the asan profile sets jmux.test.sanitizer). */
final class Sanitizer {
    private Sanitizer() {}

    static boolean active() {
        return System.getProperty("jmux.test.sanitizer") != null
                || String.valueOf(System.getenv("LD_PRELOAD")).contains("libasan");
    }
}
