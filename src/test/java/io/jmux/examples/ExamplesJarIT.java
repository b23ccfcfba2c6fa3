package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged jars, run the way the README tells learners to: {@code java -jar
 * target/jmux-examples.jar ...} with no other flag, on whatever JDK runs the build (17 or
 * 25: on 22+ a missing native-access grant would print a warning). The library jar stays
 * free of the teaching programs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExamplesJarIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("jmux.examples.jar", "target/jmux-examples.jar"));
    private static final Path LIBRARY = Path.of(System.getProperty("jmux.jar", "target/jmux.jar"));

    @Test
    void examplesJarIsSeparateAndRunnable() throws Exception {
        assertTrue(Files.isRegularFile(EXAMPLES), EXAMPLES + " was not built");
        try (JarFile jar = new JarFile(EXAMPLES.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("io.jmux.examples.Main", main.getValue("Main-Class"));
            assertEquals(LIBRARY.getFileName().toString(), main.getValue("Class-Path"));
            assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
            assertNotNull(jar.getEntry("io/jmux/examples/Main.class"));
            assertNull(jar.getEntry("io/jmux/Epoll.class"), "the library comes from its own jar");
        }
        try (JarFile lib = new JarFile(LIBRARY.toFile())) {
            assertFalse(lib.stream().anyMatch(e -> e.getName().startsWith("io/jmux/examples/")),
                    "the library jar holds no teaching programs");
        }
    }

    @Test
    void lessonRunsWithoutWarnings() throws Exception {
        try (Jvm lesson = Jvm.startJar(EXAMPLES, "lesson", "lt-vs-et")) {
            assertEquals(0, lesson.waitFor(60), lesson.stderr());
            assertEquals("", lesson.stderr(), "nothing on stderr (no restricted-method warning)");
            assertTrue(String.join("\n", lesson.remainingStdout()).contains("ET: reported 1 of 3 waits"));
        }
    }

    @Test
    void echoAndClientFromTheJar() throws Exception {
        try (Jvm server = Jvm.startJar(EXAMPLES, "echo", "--model", "epoll-et", "--port", "0", "--quiet")) {
            String port = String.valueOf(server.listeningPort());
            try (Jvm client = Jvm.startJar(EXAMPLES, "client", "--port", port, "--connections", "10",
                    "--messages", "5", "--size", "1-64K")) {
                assertEquals(0, client.waitFor(60), client.stderr());
                List<String> out = client.remainingStdout();
                String last = out.get(out.size() - 1);
                assertTrue(last.matches("result connections=10 messages=50 bytes=\\d+ seconds=\\S+ msgs_per_sec=\\S+"
                        + " p50_us=\\d+ p99_us=\\d+ errors=0"), last);
            }
            assertEquals("", server.stderr(), "--quiet: no per-connection lines, no warnings");
        }
    }
}
