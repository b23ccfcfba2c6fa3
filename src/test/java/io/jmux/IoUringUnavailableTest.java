package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * io_uring made unavailable in a child JVM only: a small C helper
 * ({@code src/test/c/seccomp-deny-io-uring.c}, compiled here with gcc) installs a seccomp
 * filter that answers {@code io_uring_setup} with an errno, as container runtimes' default
 * profiles do, then execs the JVM. Nothing global changes (the
 * {@code kernel.io_uring_disabled} sysctl would disable io_uring for every build on the
 * machine). The child reports {@link IoUring#isSupported()} and the cause, and shows the
 * rest of jmux still works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoUringUnavailableTest {
    @Test
    void seccompEpermReadsAsDisabled() throws Exception {
        ChildJvm child = runDenied(Errno.EPERM);
        assertTrue(child.output.contains("supported=false"), child.toString());
        assertTrue(child.output.contains("cause=io_uring is disabled: io_uring_setup(2) answers EPERM"
                + " (Operation not permitted): a seccomp filter refuses the call"), child.toString());
        assertTrue(child.output.contains("epoll still works"), child.toString());
        assertTrue(child.output.contains("setup throws io_uring_setup(1, {flags=0}): EPERM"), child.toString());
    }

    @Test
    void seccompEnosysReadsAsAbsent() throws Exception {
        ChildJvm child = runDenied(Errno.ENOSYS);
        assertTrue(child.output.contains("supported=false"), child.toString());
        assertTrue(child.output.contains("cause=io_uring is absent: io_uring_setup(2) answers ENOSYS"), child.toString());
        assertTrue(child.output.contains("seccomp filter this process runs under answers ENOSYS"), child.toString());
    }

    @Test
    void aRingIsAvailableWithoutTheFilter() throws Exception {
        Assumptions.assumeTrue(IoUring.isSupported(), IoUring::unavailabilityCause);
        ChildJvm child = ChildJvm.run(jvmArgs(), Child.class);
        assertEquals(0, child.exitCode, child.toString());
        assertTrue(child.output.contains("supported=true cause=null"), child.toString());
    }

    private static ChildJvm runDenied(int errno) throws Exception {
        Path helper = helper();
        ChildJvm child = ChildJvm.runWrapped(List.of(helper.toString(), Integer.toString(errno)), null, jvmArgs(),
                Child.class);
        assertEquals(0, child.exitCode, child.toString());
        return child;
    }

    private static List<String> jvmArgs() {
        String lib = System.getProperty("jmux.library.path", "");
        return lib.isEmpty() ? List.of() : List.of("-Djmux.library.path=" + lib);
    }

    /** Compiles the helper once into target/; skips the test if there is no C compiler. */
    private static synchronized Path helper() throws IOException, InterruptedException {
        Path source = Path.of("src/test/c/seccomp-deny-io-uring.c").toAbsolutePath();
        Path out = Path.of("target/test-helpers/seccomp-deny-io-uring").toAbsolutePath();
        if (Files.isExecutable(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(source)) >= 0) {
            return out;
        }
        Files.createDirectories(out.getParent());
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-O2", "-Wall", "-Werror", "-o", out.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noCompiler) {
            Assumptions.abort("no gcc to build the seccomp helper: " + noCompiler.getMessage());
            throw noCompiler;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc failed:\n" + log);
        return out;
    }

    /** Runs in the child JVM: what jmux says about io_uring there. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            System.out.println("supported=" + IoUring.isSupported() + " cause=" + IoUring.unavailabilityCause());
            try (Epoll ep = Epoll.create()) {
                System.out.println(ep.isOpen() ? "epoll still works" : "epoll closed?");
            }
            if (!IoUring.isSupported()) {
                try {
                    IoUring.setup(1, 0).close();
                    System.out.println("setup worked?");
                } catch (ErrnoException e) {
                    System.out.println("setup throws " + e.getMessage());
                }
            }
        }
    }
}
