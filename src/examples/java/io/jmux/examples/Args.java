package io.jmux.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options, {@code --flag} switches and positional words, checked
 * against what a command accepts so a typo is an error rather than a silent default.
 */
final class Args {
    /** A command line the user got wrong: printed with the usage, exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param valued the options that take a value ({@code "port"} for {@code --port N})
     * @param switches the options that take none ({@code "quiet"})
     */
    Args(List<String> args, Set<String> valued, Set<String> switches) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name) && value == null) {
                flags.add(name);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 == args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                options.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String string(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    String required(String name) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    int integer(String name, int fallback, int min, int max) throws UsageException {
        String v = options.get(name);
        return v == null ? fallback : parseInt(name, v, min, max);
    }

    int requiredInteger(String name, int min, int max) throws UsageException {
        return parseInt(name, required(name), min, max);
    }

    List<String> positional() {
        return positional;
    }

    static int parseInt(String name, String v, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be " + min + ".." + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got " + v);
        }
    }
}
