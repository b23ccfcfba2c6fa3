package io.jmux.examples.lessons;

import java.io.PrintStream;

/**
 * A scripted, deterministic experiment: it makes real syscalls through jmux, prints each
 * step and the kernel's answer, and ends with what to remember. Run one with
 * {@code java -jar target/jmux-examples.jar lesson <name>} (add {@code --trace} to see
 * every syscall as well).
 */
public interface Lesson {
    /** The name on the command line, e.g. {@code lt-vs-et}. */
    String name();

    /** One line for {@code lesson --list}. */
    String summary();

    /** Runs the experiment, printing to {@code out}; cleans up every fd it made. */
    void run(PrintStream out) throws Exception;
}
