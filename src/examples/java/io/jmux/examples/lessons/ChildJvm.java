package io.jmux.examples.lessons;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The java command for a lesson's child JVM: this JVM's java, classpath and jmux
 * settings. Lessons put in a child what must not happen to the JVM they run in (an
 * strace, a full fd table).
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java [jvmArgs] -cp <this classpath> <main>}, with native access and jmux's properties. */
    static List<String> command(Class<?> main, String... jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        for (String property : new String[] {"jmux.library.path", "jmux.tmpdir"}) {
            String value = System.getProperty(property, "");
            if (!value.isEmpty()) {
                cmd.add("-D" + property + "=" + value);
            }
        }
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        return cmd;
    }
}
