package io.jmux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Guards the asan profile against a run that only looks clean: the profile sets
 * {@code jmux.test.sanitizer=address}, and then the ASan runtime must be mapped into this
 * JVM and the libjmux.so in use must be the instrumented build, loaded from its build path.
 */
class SanitizerTest {
    @Test
    void asanProfileRunsTheInstrumentedLibraryUnderTheAsanRuntime() throws Exception {
        Assumptions.assumeTrue("address".equals(System.getProperty("jmux.test.sanitizer")),
                "not the asan profile (mvn -Pasan verify)");
        Jmux.ensureAvailable();
        String maps = Files.readString(Path.of("/proc/self/maps"));
        assertTrue(maps.contains("libasan.so"), "ASan runtime not mapped: is LD_PRELOAD set?");
        Path lib = Path.of(System.getProperty(NativeLibrary.LIBRARY_PATH_PROPERTY));
        assertTrue(maps.contains(lib.toString()), lib + " is not the mapped libjmux.so");
        String image = new String(Files.readAllBytes(lib), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(image.contains("__asan_report_"), lib + " is not built with -fsanitize=address");
        assertTrue(image.contains("__ubsan_handle_"), lib + " is not built with -fsanitize=undefined");
    }
}
