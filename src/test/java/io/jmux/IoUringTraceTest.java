package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Trace mode for io_uring: each {@code io_uring_setup}, mmap, {@code io_uring_enter} and
 * {@code io_uring_register} is one strace-like line with its duration, and every SQE is
 * printed, field by field, when it is submitted (before the enter that submits it). The
 * lines are matched as patterns, since mmap addresses and the kernel's feature set vary.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringTraceTest {
    @Test
    void setupSubmitWaitRegisterAndClosePrintTheseLines() throws Exception {
        Assumptions.assumeTrue(IoUring.isSupported(), IoUring::unavailabilityCause);
        TraceTest.Run traced = TraceTest.run(Script.class, true);
        TraceTest.Run plain = TraceTest.run(Script.class, false);
        assertEquals("", plain.stderr, "no trace without the property");
        assertEquals(plain.stdout.replaceAll("\\d+", "N"), traced.stdout.replaceAll("\\d+", "N"));
        Map<String, String> n = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(traced.stdout.lines()
                .filter(l -> l.startsWith("names:")).findFirst().orElseThrow());
        while (m.find()) {
            n.put(m.group(1), m.group(2));
        }
        String u = n.get("U");
        String setupIn = "\\{flags=0, sq_thread_cpu=0, sq_thread_idle=0, cq_entries=0, wq_fd=0\\}";
        String sqe = "io_uring_sqe\\[%d\\] = \\{opcode=%s, flags=0, ioprio=0, fd=%s, off=0, addr=0, len=%d,"
                + " op_flags=0x%s, user_data=%d, buf_group=0\\}";
        List<String> expected = List.of(
                "pipe2\\(\\[" + n.get("R") + ", \\d+\\], O_NONBLOCK\\|O_CLOEXEC\\) = 0 T",
                "io_uring_setup\\(1, " + setupIn + "\\) = \\d+ \\(\\{sq_entries=1, cq_entries=2, features="
                        + "IORING_FEAT_SINGLE_MMAP\\|IORING_FEAT_NODROP\\|.*\\}\\) T",
                "close\\(\\d+\\) = 0 T", // the availability probe's ring
                "io_uring_setup\\(4, " + setupIn + "\\) = " + u + " \\(\\{sq_entries=4, cq_entries=8, features=.*\\}\\) T",
                "mmap\\(NULL, \\d+, PROT_READ\\|PROT_WRITE, MAP_SHARED\\|MAP_POPULATE, " + u + ", IORING_OFF_SQ_RING\\)"
                        + " \\[\\+ CQ ring: IORING_FEAT_SINGLE_MMAP\\] \\+ mmap\\(NULL, 256, \\.\\.\\., IORING_OFF_SQES\\)"
                        + " = 0 T",
                String.format(sqe, 0, "IORING_OP_NOP", "-1", 0, "0", 7),
                String.format(sqe, 1, "IORING_OP_POLL_ADD", n.get("R"), Native.constant("IORING_POLL_ADD_MULTI"),
                        Integer.toHexString(Poll.POLLIN), 8),
                "io_uring_enter\\(" + u + ", 2, 1, IORING_ENTER_GETEVENTS, NULL, 8\\) = 2 T",
                "io_uring_enter\\(" + u + ", 0, 1, IORING_ENTER_GETEVENTS\\|IORING_ENTER_EXT_ARG, \\{sigmask=NULL,"
                        + " ts=\\{tv_sec=0, tv_nsec=1000000\\}\\}, 24\\) = -1 ETIME \\(Timer expired\\) T",
                "io_uring_register\\(" + u + ", IORING_REGISTER_PROBE, 0x[0-9a-f]+, 256\\) = 0 T",
                "close\\(" + u + "\\) = 0 T");
        List<String> actual = new ArrayList<>();
        for (String line : traced.stderr.split("\n")) {
            actual.add(line.replaceAll(" <\\d+\\.\\d{6}>$", " T"));
        }
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "<none>";
            String a = i < actual.size() ? actual.get(i) : "<none>";
            assertTrue(a.matches(e), "trace line " + (i + 1) + ":\n  expected /" + e + "/\n  actual   " + a
                    + "\nwhole trace:\n" + traced.stderr);
        }
    }

    /** The known sequence; runs in the child JVM. */
    public static final class Script {
        private Script() {}

        public static void main(String[] args) throws Exception {
            int[] p = Fd.pipe2(Fd.O_NONBLOCK | Fd.O_CLOEXEC);
            boolean supported = IoUring.isSupported(); // the probe: setup, close
            try (IoUring ring = IoUring.setup(4, 0)) {
                ring.prepNop(7);
                ring.prepPollAdd(p[0], Poll.POLLIN, true, 8); // an empty pipe: no CQE yet
                System.out.println("supported " + supported + " submitted " + ring.submitAndWait(1));
                int ready = ring.cqReady();
                System.out.println("ready " + ready + " user_data " + ring.cqeUserData(0));
                ring.cqAdvance(ready);
                System.out.println("timed " + ring.submitAndWait(1, 1_000_000) + " ready " + ring.cqReady());
                System.out.println("nop supported " + ring.supports(IoUring.IORING_OP_NOP));
                System.out.println("names: U=" + ring.fd() + " R=" + p[0]);
            }
        }
    }
}
