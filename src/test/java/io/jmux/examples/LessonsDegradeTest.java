package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lessons that need a tool or many fds say what they skipped, and why, instead of
 * failing: run here in child JVMs with RLIMIT_NOFILE lowered to 1400 (by the shell, so
 * the JVM cannot raise it: hard = soft) and, for myths, no strace on the PATH — as on a
 * machine without strace or with a low fd limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LessonsDegradeTest {
    private static String lesson(String name, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n 1400 && exec \"$@\"", "sh"));
        cmd.addAll(Jvm.javaCommand(List.of(), Main.class.getName(), "lesson", name));
        try (Jvm child = Jvm.startCommand(cmd, env)) {
            assertEquals(0, child.waitFor(45), child.stderr());
            return String.join("\n", child.remainingStdout());
        }
    }

    private static void has(String out, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(out).find(), "missing /" + regex + "/ in:\n" + out);
    }

    @Test
    void scanCostSkipsWhatTheFdLimitForbids() throws Exception {
        String out = lesson("scan-cost", Map.of());
        has(out, "^\\s+1000\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+1/1/1$");
        has(out, "^\\s+10000\\s+skipped: needs 10000 fds, only \\d+ free under RLIMIT_NOFILE=1400$");
    }

    @Test
    void fdSetsizeSkipsWithoutFdsPast1500() throws Exception {
        has(lesson("fd-setsize", Map.of()), "^skipped: RLIMIT_NOFILE is 1400 here, so no fd can be numbered 1500");
    }

    /** emfile lowers the limit further for its child, whatever it was: it runs in full. */
    @Test
    void emfileUnderALowLimit() throws Exception {
        String out = lesson("emfile", Map.of());
        has(out, "RLIMIT_NOFILE = 64;");
        has(out, "C and D accepted as fds \\d+ and \\d+ with no new edge: both served");
    }

    @Test
    void mythsWithoutStrace() throws Exception {
        String out = lesson("myths", Map.of("PATH", "/nonexistent"));
        has(out, "evidence c: skipped - strace is not installed");
        has(out, "lines naming eventpoll: 0 before, 0 with an epoll set");
        has(out, "myth 2:.*\\n\\s+skipped: RLIMIT_NOFILE is 1400");
        has(out, "epoll_wait = 1, data=(\\d+) - fd \\1, which is closed");
    }

    @Test
    void ioUringWithoutStrace() throws Exception {
        String out = lesson("io_uring", Map.of("PATH", "/nonexistent"));
        if (!out.contains("\nskipped: io_uring")) {
            has(out, "\\(a\\) syscalls per idle loop iteration .*\\n\\s+skipped - strace is not installed");
            has(out, "step 2: write 10 bytes\\s+multishot CQEs: 1");
        }
    }
}
