package io.jmux.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the C twin (built into target/c by the compile phase) through every scenario for a
 * few milliseconds: each op checks the fds it found, so a wrong scenario exits non-zero.
 * n=1100 puts fds past FD_SETSIZE (numbers from 256 up), where select needs its sets
 * sized by hand. The io_uring scenarios map their rings by hand (raw syscalls): their
 * checks fail the run if a CQE is missing, extra, or ends a multishot poll.
 */
class CTwinTest {
    private static final Path CTWIN = Paths.get("target/c/jmux-ctwin");

    @Test
    @Timeout(60)
    void everyScenarioRunsAndChecksItsResult(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ctwin.json");
        Process p = new ProcessBuilder(CTWIN.toString(), "--scenarios",
                "noop,select,poll,poll_scan,epoll_wait,epoll_wait_et,epoll_wait_oneshot,epoll_ctl_add_del,epoll_ctl_mod,"
                        + "fd_set_rebuild,pollfd_rebuild,getppid,epoll_wait_empty,"
                        + "io_uring_cq_empty,io_uring_poll_multishot,io_uring_poll_add_remove",
                "--n", "1,1100", "--ready", "0,1,all", "--warmup", "1", "--iterations", "2", "--time-ms", "5",
                "--out", out.toString()).inheritIO().start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "C twin did not finish");
        assertEquals(0, p.exitValue(), "C twin failed");

        JsonArray results = JsonParser.parseString(Files.readString(out)).getAsJsonObject()
                .getAsJsonArray("results");
        // noop once; 5 waits, poll_scan and the io_uring round trip x 2 n x 3 ready; 4 registrations
        // and POLL_ADD + POLL_REMOVE x 2 n; the two bare syscalls and the empty CQ check once.
        assertEquals(1 + 7 * 2 * 3 + 5 * 2 + 3, results.size());
        for (JsonElement e : results) {
            JsonObject r = e.getAsJsonObject();
            assertEquals(2, r.getAsJsonArray("nsPerOp").size(), r.toString());
            r.getAsJsonArray("nsPerOp").forEach(v -> assertTrue(v.getAsDouble() > 0, r.toString()));
        }
    }

    @Test
    @Timeout(10)
    void anUnknownScenarioIsRefused() throws Exception {
        Process p = new ProcessBuilder(CTWIN.toString(), "--scenarios", "epoll_wat", "--n", "1",
                "--ready", "1").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.waitFor());
        assertTrue(output.contains("unknown scenario 'epoll_wat'"), output);
    }
}
