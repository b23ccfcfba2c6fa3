package io.jmux;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM (same JDK, same classpath unless given), for
 * behaviour fixed at class-initialisation time: system properties, library loading. */
final class ChildJvm {
    /** What -Xcheck:jni, ASan and UBSan print: a child JVM that prints one fails the test. */
    private static final List<String> REPORTS = List.of("WARNING in native method",
            "FATAL ERROR in native method", "ERROR: AddressSanitizer", "runtime error:");

    final int exitCode;
    final String output;

    private ChildJvm(int exitCode, String output) {
        this.exitCode = exitCode;
        this.output = output;
    }

    static ChildJvm run(String classpath, List<String> jvmArgs, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return runWrapped(List.of(), classpath, jvmArgs, main, args);
    }

    /** As {@link #run(String, List, Class, String...)}, the java command prefixed by wrapper (e.g. unshare). */
    static ChildJvm runWrapped(List<String> wrapper, String classpath, List<String> jvmArgs, Class<?> main,
                               String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(checkingFlags());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath == null ? System.getProperty("java.class.path") : classpath);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (String report : REPORTS) {
            if (out.contains(report)) {
                throw new AssertionError("child JVM reported \"" + report + "\": " + cmd + "\n" + out);
            }
        }
        return new ChildJvm(p.exitValue(), out);
    }

    static ChildJvm run(List<String> jvmArgs, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return run(null, jvmArgs, main, args);
    }

    /**
     * The parent's -Xcheck:jni and VM-log flags (the xcheck profile), so child JVMs are
     * checked and logged like the test JVM itself.
     */
    private static List<String> checkingFlags() {
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("-Xcheck:jni") || arg.equals("-XX:+UnlockDiagnosticVMOptions")
                    || arg.equals("-XX:+LogVMOutput") || arg.startsWith("-XX:LogFile=")) {
                flags.add(arg);
            }
        }
        return flags;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ":\n" + output;
    }
}
