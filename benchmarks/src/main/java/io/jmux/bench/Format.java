package io.jmux.bench;

import java.util.Locale;

/** How the report writes numbers: ns/op, ratios with their error, B/op; "—" for none. */
final class Format {
    private Format() {}

    static String fmtNs(double ns) {
        if (Double.isNaN(ns)) {
            return "—";
        }
        return String.format(Locale.ROOT, ns < 10 ? "%.2f" : ns < 100_000 ? "%.1f" : "%.0f", ns);
    }

    static String fmtRatio(double[] r) {
        if (Double.isNaN(r[0])) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.3f", r[0])
                + (Double.isNaN(r[1]) ? "" : String.format(Locale.ROOT, " ± %.3f", r[1]));
    }

    static String fmtBytes(double b) {
        return Double.isNaN(b) ? "—" : String.format(Locale.ROOT, "%.2f", Math.max(0, b));
    }
}
