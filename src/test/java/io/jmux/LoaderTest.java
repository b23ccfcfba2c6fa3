package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    /** target/classes: the library classes and META-INF/native (not the test classes). */
    private static Path classesDir() throws Exception {
        return Path.of(Jmux.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void loadsAndReportsAvailable() {
        assertTrue(Jmux.isAvailable(), () -> String.valueOf(Jmux.unavailabilityCause()));
        assertEquals(null, Jmux.unavailabilityCause());
        assertEquals(42, Jmux.noop(42));
        assertEquals("linux-x86_64".equals(NativeLibrary.platform()) ? 12 : 16, EpollEvents.SIZEOF,
                "struct epoll_event is packed on x86-64 only");
        assertEquals(8, PollFds.SIZEOF);
    }

    /** Two class loaders each get their own copy of the library; neither crashes. */
    @Test
    void twoClassLoadersEachLoadTheLibrary() throws Exception {
        URL[] path = {classesDir().toUri().toURL()};
        try (URLClassLoader a = new URLClassLoader(path, ClassLoader.getPlatformClassLoader());
             URLClassLoader b = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            Class<?> ja = a.loadClass("io.jmux.Jmux");
            Class<?> jb = b.loadClass("io.jmux.Jmux");
            assertNotSame(ja, jb);
            assertEquals(true, ja.getMethod("isAvailable").invoke(null), () -> cause(ja));
            assertEquals(true, jb.getMethod("isAvailable").invoke(null), () -> cause(jb));
            Object epoll = a.loadClass("io.jmux.Epoll").getMethod("create").invoke(null);
            epoll.getClass().getMethod("close").invoke(epoll);
        }
    }

    private static String cause(Class<?> jmux) {
        try {
            return String.valueOf(jmux.getMethod("unavailabilityCause").invoke(null));
        } catch (ReflectiveOperationException e) {
            return e.toString();
        }
    }

    @Test
    void overridePathIsUsed() throws Exception {
        Path lib = classesDir().resolve(NativeLibrary.resourcePath());
        ChildJvm ok = ChildJvm.run(List.of("-Djmux.library.path=" + lib), Probe.class);
        assertEquals(0, ok.exitCode, ok.toString());
        assertTrue(ok.output.contains("available=true"), ok.toString());
    }

    @Test
    void missingOverrideFileIsAClearError() throws Exception {
        ChildJvm bad = ChildJvm.run(List.of("-Djmux.library.path=/nonexistent/libjmux.so"), Probe.class);
        assertTrue(bad.output.contains("available=false"), bad.toString());
        assertTrue(bad.output.contains("jmux.library.path=/nonexistent/libjmux.so does not name a file"),
                bad.toString());
    }

    @Test
    void unwritableExtractionDirNamesTheProperties(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("does-not-exist");
        ChildJvm bad = ChildJvm.run(List.of("-Djmux.tmpdir=" + missing), Probe.class);
        assertTrue(bad.output.contains("available=false"), bad.toString());
        assertTrue(bad.output.contains("cannot create a file in " + missing), bad.toString());
        assertTrue(bad.output.contains("-Djmux.tmpdir=") && bad.output.contains("-Djmux.library.path="),
                bad.toString());
    }

    @Test
    void corruptLibraryIsAClearErrorNotACrash(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("libjmux.so"), new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});
        ChildJvm bad = ChildJvm.run(List.of("-Djmux.library.path=" + junk), Probe.class);
        assertEquals(0, bad.exitCode, bad.toString());
        assertTrue(bad.output.contains("available=false"), bad.toString());
        assertTrue(bad.output.contains("cannot load " + junk), bad.toString());
    }

    /** Prints the load state; runs in a child JVM. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("available=" + Jmux.isAvailable());
            if (!Jmux.isAvailable()) {
                System.out.println(Jmux.unavailabilityCause().getMessage());
            }
        }
    }
}
