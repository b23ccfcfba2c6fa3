package io.jmux.bench;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One colour per binding, the same in every chart (the wait and registration charts, the
 * ratio panels, the echo chart), so a reader learns it once. jmux is blue and C black
 * everywhere; each jmux echo model is a shade of jmux's blue; the io_uring rows are a
 * lighter shade of their family (jmux io_uring sky blue, Netty io_uring light red, C io_uring
 * dark grey with a dash-dot line).
 */
final class Palette {
    private Palette() {}

    private static final Map<String, Color> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put("C", Color.BLACK);
        COLOURS.put("C, single-threaded", new Color(0x8c8c8c));
        COLOURS.put("jmux", new Color(0x1f5fd0));
        COLOURS.put("Netty epoll", new Color(0xd62728));
        COLOURS.put("JNA", new Color(0x2ca02c));
        COLOURS.put("FFM", new Color(0x9467bd));
        COLOURS.put("JDK Selector", new Color(0xff7f0e));
        // io_uring: the same families, a distinct shade (a dash-dot line for C io_uring, see
        // Charts); Netty io_uring's lighter red is set once, with the echo servers, below.
        COLOURS.put("C io_uring", new Color(0x404040));
        COLOURS.put("jmux io_uring", new Color(0x00a0e0));
        // Echo servers (EchoSuite's names).
        COLOURS.put("C epoll", Color.BLACK);
        COLOURS.put("jmux epoll-lt", new Color(0x6fa8ff));
        COLOURS.put("jmux epoll-et", new Color(0x1f5fd0));
        COLOURS.put("jmux poll", new Color(0x0b3b8c));
        COLOURS.put("jmux select", new Color(0x17becf));
        COLOURS.put("jmux blocking", new Color(0x5a5aa0));
        COLOURS.put("jmux io_uring-poll", new Color(0x3b4fa8));
        COLOURS.put("jmux proactor", new Color(0x081d58));
        COLOURS.put("Netty io_uring", new Color(0xff9896)); // Netty epoll's red, lighter
        COLOURS.put("JDK NIO Selector", new Color(0xff7f0e));
    }

    /** The colour of a binding or echo server; an unknown name gets a stable colour of its own. */
    static Color of(String binding) {
        Color c = COLOURS.get(binding);
        if (c != null) {
            return c;
        }
        float hue = (binding.hashCode() & 0xffff) / 65536f;
        return Color.getHSBColor(hue, 0.7f, 0.75f);
    }
}
