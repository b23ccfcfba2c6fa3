package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line: mistakes are usage errors (exit 2) naming what was wrong. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {
    private static String usageError(String... args) {
        return assertThrows(Args.UsageException.class, () -> Main.run(List.of(args))).getMessage();
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertEquals("unknown command fly", usageError("fly"));
        assertEquals("--model is required", usageError("echo"));
        assertEquals("unknown model nope", usageError("echo", "--model", "nope"));
        assertEquals("--backend is for --model reactor", usageError("echo", "--model", "poll", "--backend", "poll"));
        assertTrue(usageError("echo", "--model", "reactor", "--backend", "kqueue").contains("select, poll, epoll or io_uring"));
        assertEquals("unknown option --prot", usageError("echo", "--model", "poll", "--prot", "1"));
        assertTrue(usageError("echo", "--model", "poll", "--port", "70000").contains("0..65535"));
        assertEquals("--port is required", usageError("client", "--connections", "1", "--messages", "1", "--size", "1"));
        assertTrue(usageError("lesson", "nope").startsWith("no lesson nope"));
        assertTrue(usageError("lesson").startsWith("lesson needs one name"));
    }

    @Test
    void listAndLessonRunInAChildJvm() throws Exception {
        try (Jvm list = Jvm.start(List.of(), Main.class.getName(), "lesson", "--list")) {
            assertEquals(0, list.waitFor(30), list.stderr());
            List<String> lines = list.remainingStdout();
            assertEquals(io.jmux.examples.lessons.Lessons.ALL.size(), lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("eagain "), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("emfile ")), lines.toString());
        }
        try (Jvm usage = Jvm.start(List.of(), Main.class.getName(), "echo", "--model", "nope")) {
            assertEquals(2, usage.waitFor(30));
            assertTrue(usage.stderr().startsWith("error: unknown model nope\nusage:"), usage.stderr());
        }
    }

    @Test
    void traceFlagTurnsOnJmuxTraceBeforeAnyJmuxClassLoads() throws Exception {
        try (Jvm lesson = Jvm.start(List.of(), Main.class.getName(), "lesson", "oneshot", "--trace")) {
            assertEquals(0, lesson.waitFor(30), lesson.stderr());
            assertTrue(lesson.stderr().matches("(?s).*epoll_ctl\\(\\d+, EPOLL_CTL_ADD, \\d+, \\{EPOLLIN\\|EPOLLONESHOT,"
                    + " data=\\d+\\}\\) = 0 <\\d+\\.\\d{6}>\n.*"), lesson.stderr());
        }
    }
}
