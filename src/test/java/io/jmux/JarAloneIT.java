package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, copied alone to another directory, loads its library and works. */
class JarAloneIT {
    @Test
    void jarCarriesTheLibraryAndWorksAlone(@TempDir Path dir) throws Exception {
        Path built = Path.of(System.getProperty("jmux.jar"));
        try (JarFile jar = new JarFile(built.toFile())) {
            assertTrue(jar.getEntry(NativeLibrary.resourcePath()) != null,
                    "jar lacks " + NativeLibrary.resourcePath());
            assertTrue(jar.getEntry("module-info.class") != null);
        }
        Path copy = Files.copy(built, dir.resolve("jmux.jar"));
        // Only the copied jar and this smoke class: no target/classes, no build tree.
        Path smokeClasses = Path.of(Smoke.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path extractDir = Files.createDirectory(dir.resolve("extract"));
        ChildJvm child = ChildJvm.run(copy + ":" + smokeClasses,
                List.of("-Djmux.tmpdir=" + extractDir), Smoke.class);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("from file:" + copy), child.toString());
        assertTrue(child.output.contains("smoke ok"), child.toString());
        try (var left = Files.list(extractDir)) {
            assertEquals(0, left.count(), "the extracted library file is deleted after loading");
        }
    }

    /** Runs in the child JVM. */
    public static final class Smoke {
        public static void main(String[] args) throws Exception {
            Jmux.ensureAvailable();
            System.out.println("from " + Jmux.class.getProtectionDomain().getCodeSource().getLocation());
            int efd = EventFd.eventfd(1, EventFd.EFD_NONBLOCK);
            try (Epoll ep = Epoll.create(); EpollEvents ev = new EpollEvents(1)) {
                ep.add(efd, Epoll.EPOLLIN);
                if (ep.wait(ev, 1000) != 1 || ev.fd(0) != efd) {
                    throw new AssertionError("eventfd not reported");
                }
            } finally {
                Fd.close(efd);
            }
            System.out.println("smoke ok");
        }
    }
}
