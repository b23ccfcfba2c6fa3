package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first use of jmux with the fd table full (issue 11, point 4): the classes still
 * initialise (their constants come from the build-time table), the error names EMFILE,
 * and once fds are free again the library loads and every class works. It used to
 * disable jmux for the JVM's life ("Could not initialize class").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadRetryTest {

    @Test
    void aLoadThatMetEmfileIsRetriedOnTheNextUse() throws Exception {
        ChildJvm child = ChildJvm.run(List.of(), FirstUseWithTheFdTableFull.class,
                Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("while full: UnsatisfiedLinkError"), child.toString());
        assertTrue(child.output.contains("EMFILE (Too many open files)"), child.toString());
        assertTrue(child.output.contains("after freeing: available=true epoll fd >= 0: true"), child.toString());
        System.out.print("LoadRetryTest child:\n" + child.output);
    }

    /**
     * Under {@code --illegal-native-access=deny} (JDK 24+), the error names the flag that
     * fixes it, instead of a bare IllegalCallerException.
     */
    @Test
    void deniedNativeAccessNamesTheFlagThatAllowsIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 24,
                "--illegal-native-access is JDK 24+");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--illegal-native-access=deny", "-cp", System.getProperty("java.class.path"),
                DeniedMain.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
        assertEquals(0, p.exitValue(), out);
    }

    /** Child: prints why jmux is unavailable. */
    public static final class DeniedMain {
        public static void main(String[] args) {
            System.out.println("available=" + Jmux.isAvailable() + " cause=" + Jmux.unavailabilityCause());
        }
    }

    /** Child: loads (without initialising) every jmux class, fills the fd table, then uses jmux. */
    public static final class FirstUseWithTheFdTableFull {
        public static void main(String[] args) throws Exception {
            Path classes = Path.of(args[0], "io", "jmux");
            try (Stream<Path> files = Files.list(classes)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".class")) {
                        Class.forName("io.jmux." + name.substring(0, name.length() - 6), false,
                                FirstUseWithTheFdTableFull.class.getClassLoader());
                    }
                }
            }
            List<FileInputStream> filler = new ArrayList<>();
            try {
                while (true) {
                    filler.add(new FileInputStream("/dev/null"));
                }
            } catch (IOException full) {
                // the table is full
            }
            try {
                Epoll.create().close();
                System.out.println("while full: no error?");
            } catch (UnsatisfiedLinkError e) {
                System.out.println("while full: UnsatisfiedLinkError: " + e.getMessage());
            }
            System.out.println("while full: available=" + Jmux.isAvailable());
            for (FileInputStream in : filler) {
                in.close();
            }
            try (Epoll ep = Epoll.create()) {
                System.out.println("after freeing: available=" + Jmux.isAvailable() + " epoll fd >= 0: "
                        + (ep.fd() >= 0));
            }
        }
    }
}
