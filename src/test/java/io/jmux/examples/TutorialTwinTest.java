package io.jmux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/TUTORIAL.zh-CN.md is docs/TUTORIAL.md in Simplified Chinese: the same sections in
 * the same order, the same commands, the same captured output. Prose and headings are
 * translated; what is inside a ``` block is not (it is what the programs print).
 */
class TutorialTwinTest {
    private static final Path DOCS = Path.of(System.getProperty("basedir", "."), "docs");
    private static final Pattern NUMBERED = Pattern.compile("^(#+) (\\d+\\.)?");

    private static List<String> lines(String name) throws IOException {
        return Files.readAllLines(DOCS.resolve(name));
    }

    /** The ## and ### headings outside code blocks. */
    static List<String> headings(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean inCode = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && (line.startsWith("## ") || line.startsWith("### "))) {
                out.add(line);
            }
        }
        return out;
    }

    /** Each ``` block's lines, one string per block. */
    static List<String> codeBlocks(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder block = null;
        for (String line : lines) {
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new StringBuilder();
                } else {
                    out.add(block.toString());
                    block = null;
                }
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return out;
    }

    /** The lines of code blocks that are commands: starting with java, mvn, $ or benchmarks/. */
    static List<String> commands(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String block : codeBlocks(lines)) {
            for (String line : block.split("\n", -1)) {
                if (line.startsWith("java ") || line.startsWith("mvn ") || line.startsWith("$ ")
                        || line.startsWith("benchmarks/")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** "## 9." -> "## 9.", "## Trace mode" -> "##": the level and the section number, if any. */
    private static String shape(String heading) {
        Matcher m = NUMBERED.matcher(heading);
        m.find();
        return m.group(1) + (m.group(2) == null ? "" : " " + m.group(2));
    }

    @Test
    void sameSectionsInTheSameOrder() throws IOException {
        List<String> en = headings(lines("TUTORIAL.md"));
        List<String> zh = headings(lines("TUTORIAL.zh-CN.md"));
        assertFalse(en.isEmpty());
        assertEquals(en.size(), zh.size(), "section count:\n" + String.join("\n", en) + "\nvs\n" + String.join("\n", zh));
        for (int i = 0; i < en.size(); i++) {
            assertEquals(shape(en.get(i)), shape(zh.get(i)), "section " + (i + 1) + ": " + en.get(i) + " vs " + zh.get(i));
        }
    }

    @Test
    void sameCommandsInTheSameOrder() throws IOException {
        List<String> en = commands(lines("TUTORIAL.md"));
        assertFalse(en.isEmpty());
        assertEquals(en, commands(lines("TUTORIAL.zh-CN.md")));
    }

    /** The captured output is the programs' own: it stays byte for byte as the English page has it. */
    @Test
    void sameCapturedOutput() throws IOException {
        List<String> en = codeBlocks(lines("TUTORIAL.md"));
        List<String> zh = codeBlocks(lines("TUTORIAL.zh-CN.md"));
        assertEquals(en.size(), zh.size(), "code block count");
        for (int i = 0; i < en.size(); i++) {
            assertEquals(en.get(i), zh.get(i), "code block " + (i + 1));
        }
    }

    @Test
    void theRulesSeeWhatTheyShould() {
        List<String> doc = List.of("## 1. One", "```", "java -jar x.jar", "## not a heading", "output", "```",
                "### Sub", "java not in a block");
        assertEquals(List.of("## 1. One", "### Sub"), headings(doc));
        assertEquals(List.of("java -jar x.jar"), commands(doc));
        assertEquals("## 1.", shape("## 1. Blocking I/O"));
        assertEquals("##", shape("## Trace mode"));
    }
}
