package io.jmux.bench.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's closing line, as the examples jar's contract spells it. */
class EchoSuiteTest {
    @Test
    void parsesTheClientsResultLine() {
        Map<String, String> r = EchoSuite.parseResult("result connections=100 messages=100000 bytes=12800000"
                + " seconds=2.500 msgs_per_sec=40000.0 p50_us=120 p99_us=900 errors=0");
        assertEquals("100", r.get("connections"));
        assertEquals("40000.0", r.get("msgs_per_sec"));
        assertEquals("900", r.get("p99_us"));
    }

    @Test
    void refusesALineWithoutAFieldOfTheContract() {
        assertThrows(IllegalStateException.class, () -> EchoSuite.parseResult(
                "result connections=1 messages=1 bytes=1 seconds=1 msgs_per_sec=1 p50_us=1 errors=0"));
    }
}
