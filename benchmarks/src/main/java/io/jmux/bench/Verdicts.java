package io.jmux.bench;

import static io.jmux.bench.Format.fmtBytes;
import static io.jmux.bench.Format.fmtRatio;
import static io.jmux.bench.Scenarios.JMUX;

import io.jmux.bench.Figure.Key;
import java.util.function.IntPredicate;

/**
 * The report's judgements: ratios between bindings with their propagated error, and
 * whether a ratio meets its target (met, missed, or within error). Each method returns
 * one cell of the targets table.
 */
final class Verdicts {
    private final Results results;

    Verdicts(Results results) {
        this.results = results;
    }

    /** jmux ÷ other at one n, judged against target. */
    String judgeAt(String scenario, String ready, int n, String other, double target) {
        Figure j = results.find(JMUX, new Key(scenario, n, ready));
        Figure o = results.find(other, new Key(scenario, n, ready));
        if (j == null || o == null) {
            return "not run";
        }
        double[] r = ratio(j, o);
        return fmtRatio(r) + " " + verdict(r, target, false);
    }

    /** The worst jmux ÷ other over the n that ns accepts, judged against target (strictly below it if strict). */
    String judgeWorst(String scenario, String ready, IntPredicate ns, String other,
                      double target, boolean strict) {
        return judgeWorst(JMUX, scenario, other, scenario, ready, ns, target, strict);
    }

    /**
     * The worst a ÷ b over the n that ns accepts, a measured at scenarioA and b at
     * scenarioB, judged against target (strictly below it if strict).
     */
    String judgeWorst(String a, String scenarioA, String b, String scenarioB, String ready, IntPredicate ns,
                      double target, boolean strict) {
        double[] worst = null;
        int worstN = -1;
        for (Figure fa : results.select(a, scenarioA, ready)) {
            Figure fb = results.find(b, new Key(scenarioB, fa.n(), ready));
            if (fb != null && ns.test(fa.n())) {
                double[] r = ratio(fa, fb);
                if (worst == null || r[0] > worst[0]) {
                    worst = r;
                    worstN = fa.n();
                }
            }
        }
        if (worst == null) {
            return "not run";
        }
        return fmtRatio(worst) + (worstN < 0 ? "" : " at n=" + worstN) + " " + verdict(worst, target, strict);
    }

    /** FFM ÷ jmux at n=1: no target, shown for comparison. */
    String ffmRatio(String scenario, String ready) {
        Figure f = results.find("FFM", new Key(scenario, 1, ready));
        Figure j = results.find(JMUX, new Key(scenario, 1, ready));
        return f == null || j == null ? "not run" : fmtRatio(ratio(f, j));
    }

    /** jmux's largest B/op over every n, and where. */
    String worstAllocation(String scenario, String ready) {
        Figure worst = null;
        for (Figure f : results.select(JMUX, scenario, ready)) {
            if (!Double.isNaN(f.bytesPerOp()) && (worst == null || f.bytesPerOp() > worst.bytesPerOp())) {
                worst = f;
            }
        }
        return worst == null ? "not run" : fmtBytes(worst.bytesPerOp()) + " at n=" + worst.n();
    }

    /** a's figure at (scenarioA, n, ready) ÷ b's at (scenarioB, n, ready), judged against target. */
    String judgePair(String a, String scenarioA, String b, String scenarioB, int n, String ready, double target) {
        Figure fa = results.find(a, new Key(scenarioA, n, ready));
        Figure fb = results.find(b, new Key(scenarioB, n, ready));
        if (fa == null || fb == null) {
            return "not run";
        }
        double[] r = ratio(fa, fb);
        return fmtRatio(r) + " " + verdict(r, target, false);
    }

    /** impl's ns/op at one point against an absolute bound. */
    String judgeNs(String impl, String scenario, int n, String ready, double maxNs) {
        Figure f = results.find(impl, new Key(scenario, n, ready));
        if (f == null) {
            return "not run";
        }
        return Format.fmtNs(f.score()) + " ± " + Format.fmtNs(f.error()) + " ns "
                + verdict(new double[] {f.score(), f.error()}, maxNs, false);
    }

    /** impl's largest B/op over every ready value and n of a scenario, and where. */
    String worstAllocationOf(String impl, String scenario) {
        Figure worst = null;
        for (Figure f : results.figures()) {
            if (f.impl().equals(impl) && f.scenario().equals(scenario) && !Double.isNaN(f.bytesPerOp())
                    && (worst == null || f.bytesPerOp() > worst.bytesPerOp())) {
                worst = f;
            }
        }
        return worst == null ? "not run" : fmtBytes(worst.bytesPerOp()) + (worst.n() < 0 ? "" : " at n=" + worst.n()
                + (worst.ready().equals("-") ? "" : ", ready=" + worst.ready()));
    }

    /** met when ratio + error is within target, missed when ratio − error is beyond it, else within error. */
    static String verdict(double[] ratio, double target, boolean strict) {
        if (Double.isNaN(ratio[0]) || Double.isNaN(target)) { // NaN target: shown for comparison, not judged
            return "";
        }
        double err = Double.isNaN(ratio[1]) ? 0 : ratio[1];
        boolean met = strict ? ratio[0] + err < target : ratio[0] + err <= target;
        boolean missed = strict ? ratio[0] - err >= target : ratio[0] - err > target;
        return met ? "**met**" : missed ? "**missed**" : "*within error*";
    }

    /** a ÷ b with the propagated error: {ratio, error}. */
    static double[] ratio(Figure a, Figure b) {
        double r = a.score() / b.score();
        double e = r * Math.hypot(a.error() / a.score(), b.error() / b.score());
        return new double[] {r, e};
    }
}
