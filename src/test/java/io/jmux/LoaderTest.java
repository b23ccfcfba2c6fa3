package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
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

    // ---- damaged, foreign and unreachable libraries: a clear message, never a crash ----

    private static Path library() throws Exception {
        return classesDir().resolve(NativeLibrary.resourcePath());
    }

    /** The real library with some bytes changed. */
    private static Path damaged(Path dir, String name, Consumer<byte[]> damage) throws Exception {
        byte[] image = Files.readAllBytes(library());
        damage.accept(image);
        return Files.write(dir.resolve(name), image);
    }

    /** Runs the probe with -Djmux.library.path=lib and returns its output; it must not crash. */
    private static String probeOverride(Path lib) throws Exception {
        ChildJvm child = ChildJvm.run(List.of("-Djmux.library.path=" + lib), Probe.class);
        assertEquals(0, child.exitCode, "the JVM must survive: " + child);
        assertTrue(child.output.contains("available=false"), child.toString());
        assertTrue(child.output.contains("cannot load " + lib + " (from -Djmux.library.path)"), child.toString());
        return child.output;
    }

    /**
     * Runs the probe with lib as the jar's packaged library (first on the class path) and
     * returns its output; it must not crash, and must name the override property.
     */
    private static String probeResource(Path dir, byte[] lib) throws Exception {
        Path resource = dir.resolve("cp").resolve(NativeLibrary.resourcePath());
        Files.createDirectories(resource.getParent());
        Files.write(resource, lib);
        String cp = dir.resolve("cp") + ":" + System.getProperty("java.class.path");
        ChildJvm child = ChildJvm.run(cp, List.of("-Djmux.tmpdir=" + Files.createDirectories(dir.resolve("x"))),
                Probe.class);
        assertEquals(0, child.exitCode, "the JVM must survive: " + child);
        assertTrue(child.output.contains("available=false"), child.toString());
        assertTrue(child.output.contains("cannot load jar resource " + NativeLibrary.resourcePath()), child.toString());
        assertTrue(child.output.contains("-Djmux.library.path="), child.toString());
        return child.output;
    }

    /** glibc's ld.so maps segments past the end of a short file: SIGBUS, unless jmux checks first. */
    @Test
    void truncatedLibraryIsAClearErrorNotASigbus(@TempDir Path dir) throws Exception {
        byte[] image = Files.readAllBytes(library());
        for (int size : new int[] {2048, image.length / 2, image.length - 1}) {
            Path cut = Files.write(dir.resolve("cut" + size + ".so"), Arrays.copyOf(image, size));
            assertTrue(probeOverride(cut).contains("truncated or corrupt"), "size " + size);
        }
        assertTrue(probeResource(dir, Arrays.copyOf(image, 4096)).contains("corrupt"));
    }

    @Test
    void junkIsNotAnElfFile(@TempDir Path dir) throws Exception {
        byte[] junk = new byte[40_000];
        new Random(7).nextBytes(junk);
        assertTrue(probeOverride(Files.write(dir.resolve("junk.so"), junk)).contains("not an ELF file"));
        assertTrue(probeResource(dir, junk).contains("not an ELF file"));
    }

    /**
     * Bytes changed inside a library whose structure is intact: ld.so trusts the contents
     * and crashed on such files (SIGSEGV in relocation). The build records the library's
     * SHA-256 beside it (libjmux.so.sha256, packaged in the jar), and the loader refuses
     * a mismatch before dlopen — for the jar's copy, and for an override path that has
     * the sidecar file next to it.
     */
    @Test
    void damagedLibraryFailsItsChecksumInsteadOfCrashingLdSo(@TempDir Path dir) throws Exception {
        Consumer<byte[]> flipMiddle = image -> {
            Random r = new Random(103);
            for (int i = 0; i < 200; i++) {
                int at = 4096 + r.nextInt(image.length / 2); // past the ELF and program headers
                image[at] ^= (byte) (1 + r.nextInt(255));
            }
        };
        byte[] image = Files.readAllBytes(library());
        flipMiddle.accept(image);
        assertTrue(probeResource(dir, image).contains("corrupt: its SHA-256 is not the"));
        Path flipped = damaged(dir, "libjmux.so", flipMiddle);
        Files.copy(library().resolveSibling("libjmux.so.sha256"), dir.resolve("libjmux.so.sha256"));
        assertTrue(probeOverride(flipped).contains("corrupt: its SHA-256 is not the"));
    }

    @Test
    void wrongArchitectureNamesBothArchitectures(@TempDir Path dir) throws Exception {
        String jvmArch = NativeLibrary.platform().substring("linux-".length());
        boolean onArm = jvmArch.equals("aarch64");
        // e_machine, a little-endian u16 at offset 18: EM_AARCH64 = 183, EM_X86_64 = 62.
        Path foreign = damaged(dir, "foreign.so", image -> {
            image[18] = (byte) (onArm ? 62 : 183);
            image[19] = 0;
        });
        assertTrue(probeOverride(foreign).contains("a library for " + (onArm ? "x86_64" : "aarch64")
                + ", but this JVM runs on " + jvmArch));
        // EI_CLASS = ELFCLASS32: a 32-bit library on this 64-bit JVM.
        Path thirtyTwo = damaged(dir, "i386.so", image -> image[4] = 1);
        assertTrue(probeOverride(thirtyTwo).contains("a 32-bit library, but this JVM is 64-bit"));
    }

    @Test
    void extractionDirThatCannotHoldFilesNamesTheProperties(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        for (String tmpdir : List.of("/proc/self", file.toString())) {
            ChildJvm bad = ChildJvm.run(List.of("-Djmux.tmpdir=" + tmpdir), Probe.class);
            assertEquals(0, bad.exitCode, bad.toString());
            assertTrue(bad.output.contains("available=false"), bad.toString());
            assertTrue(bad.output.contains("cannot create a file in " + tmpdir), bad.toString());
            assertTrue(bad.output.contains("-Djmux.tmpdir=") && bad.output.contains("-Djmux.library.path="),
                    bad.toString());
        }
    }

    /**
     * A noexec extraction directory: the file is written, dlopen refuses to map it. This
     * machine has no noexec mount, so the child JVM runs in a private mount namespace with
     * a noexec tmpfs (unshare(1), as root or in a user namespace); skipped if neither works.
     */
    @Test
    void noexecExtractionDirNamesTheProperties(@TempDir Path dir) throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("noexec"));
        List<String> wrapper = null;
        for (List<String> unshare : List.of(List.of("unshare", "-m", "--propagation", "private"),
                List.of("unshare", "-r", "-m", "--propagation", "private"))) {
            List<String> probe = new ArrayList<>(unshare);
            probe.addAll(List.of("sh", "-c", "mount -t tmpfs -o noexec,size=16m none \"$0\"", mnt.toString()));
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                wrapper = new ArrayList<>(unshare);
                wrapper.addAll(List.of("sh", "-c", "mount -t tmpfs -o noexec,size=16m none \"$0\" && exec \"$@\"",
                        mnt.toString()));
                break;
            }
        }
        Assumptions.assumeTrue(wrapper != null, "cannot make a noexec mount here: unshare -m (root) and"
                + " unshare -r -m (user namespaces) both failed");
        ChildJvm bad = ChildJvm.runWrapped(wrapper, null, List.of("-Djmux.tmpdir=" + mnt), Probe.class);
        assertEquals(0, bad.exitCode, bad.toString());
        assertTrue(bad.output.contains("available=false"), bad.toString());
        assertTrue(bad.output.contains("a noexec " + mnt + " fails like this"), bad.toString());
        assertTrue(bad.output.contains("-Djmux.tmpdir=") && bad.output.contains("-Djmux.library.path="),
                bad.toString());
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
