package io.jmux.bench;

/** One measured figure: ns/op with its error, and B/op where JMH measured it (NaN for C). */
record Figure(String impl, String scenario, int n, String ready, double score, double error,
              double bytesPerOp) {
    Key key() {
        return new Key(scenario, n, ready);
    }

    /** A scenario at one parameter point: what the bindings are compared on. */
    record Key(String scenario, int n, String ready) {}
}
