package io.jmux;

/** Formats flag words as C spells them, for messages and traces. */
final class Flags {
    private Flags() {}

    /** {@code "A|B"} for the named bits set in {@code value}, unknown bits as hex; "0" if none. */
    static String names(int value, String[] names, int[] bits) {
        StringBuilder sb = new StringBuilder();
        int rest = value;
        for (int i = 0; i < names.length; i++) {
            if (bits[i] != 0 && (value & bits[i]) == bits[i] && (rest & bits[i]) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(rest));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
