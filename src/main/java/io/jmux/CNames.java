package io.jmux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * C spellings of constants, for error messages and trace lines: a group is every
 * constant in the native table whose name starts with a prefix, as {@link Errno}'s
 * names are. Nothing here is typed by hand but the prefixes.
 *
 * <p>Two kinds: a <em>flag</em> group names each set bit ({@code EPOLLIN|EPOLLET}, the
 * rest in hex); a <em>value</em> group names one exact value ({@code EPOLL_CTL_ADD}, else
 * the number).
 */
final class CNames {
    private final String[] names;
    private final int[] values;

    private CNames(String prefix, String exclude) {
        Map<String, Long> all = Native.constantsWithPrefix(prefix);
        List<Map.Entry<String, Long>> entries = new ArrayList<>(all.entrySet());
        entries.removeIf(e -> exclude != null && (prefix + e.getKey()).startsWith(exclude));
        // Stable order: by value, then name, so a trace line reads the same on every run.
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Long.compareUnsigned(a.getValue(), b.getValue()));
        names = new String[entries.size()];
        values = new int[entries.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = prefix + entries.get(i).getKey();
            values[i] = (int) (long) entries.get(i).getValue();
        }
    }

    /** Every constant named {@code prefix...}. */
    static CNames of(String prefix) {
        return new CNames(prefix, null);
    }

    /** Every constant named {@code prefix...} except those named {@code exclude...}. */
    static CNames of(String prefix, String exclude) {
        return new CNames(prefix, exclude);
    }

    /** {@code "A|B"} for the named bits set in {@code value}, unknown bits as hex; "0" if none. */
    String flags(int value) {
        StringBuilder sb = new StringBuilder();
        int rest = value;
        for (int i = 0; i < names.length; i++) {
            int bits = values[i];
            if (bits != 0 && (value & bits) == bits && (rest & bits) != 0) {
                sb.append(sb.length() > 0 ? "|" : "").append(names[i]);
                rest &= ~bits;
            }
        }
        if (rest != 0) {
            sb.append(sb.length() > 0 ? "|" : "").append("0x").append(Integer.toHexString(rest));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }

    /** The name whose value is exactly {@code value}, or the number. */
    String value(int value) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] == value) {
                return names[i];
            }
        }
        return Integer.toString(value);
    }
}
