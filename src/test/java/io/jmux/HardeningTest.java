package io.jmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built libjmux.so carries the hardening CMakeLists.txt asks for, read back with
 * readelf(1): full RELRO (BIND_NOW + a GNU_RELRO segment), a non-executable stack,
 * stack-protector and _FORTIFY_SOURCE checks linked in, no text relocations, only the
 * JNI entry points exported — and no glibc symbol newer than docs/hardening.md says.
 */
class HardeningTest {
    /** The newest glibc symbol version the library may need (accept4); see docs/hardening.md. */
    static final String MAX_GLIBC = System.getProperty("jmux.glibc.floor", "2.10"); // pom.xml: jmux.glibc.floor

    static Path lib;

    @BeforeAll
    static void findLibrary() throws Exception {
        String override = System.getProperty(NativeLibrary.LIBRARY_PATH_PROPERTY, "");
        lib = override.isBlank()
                ? Path.of(Jmux.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .resolve(NativeLibrary.resourcePath())
                : Path.of(override);
        assertTrue(Files.isRegularFile(lib), lib + " missing");
        String image = new String(Files.readAllBytes(lib), StandardCharsets.ISO_8859_1);
        Assumptions.assumeFalse(image.contains("__asan_"), lib + " is the sanitizer build, which is built"
                + " with -O1 -g and without _FORTIFY_SOURCE; the release build is checked by the plain test run");
    }

    static String readelf(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("readelf", "-W"));
        cmd.addAll(List.of(args));
        cmd.add(lib.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("readelf (binutils) is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ": " + out);
        return out;
    }

    @Test
    void fullRelro() throws Exception {
        String dynamic = readelf("-d");
        assertTrue(dynamic.contains("BIND_NOW") || dynamic.matches("(?s).*FLAGS_1.*\\bNOW\\b.*"),
                "no BIND_NOW (-Wl,-z,now):\n" + dynamic);
        assertTrue(readelf("-l").contains("GNU_RELRO"), "no GNU_RELRO segment (-Wl,-z,relro)");
        assertFalse(dynamic.contains("TEXTREL"), "text relocations: code not position-independent");
    }

    @Test
    void stackIsNotExecutable() throws Exception {
        Matcher m = Pattern.compile("GNU_STACK(\\s+\\S+){5}\\s+(\\S+)").matcher(readelf("-l"));
        assertTrue(m.find(), "no GNU_STACK header (-Wl,-z,noexecstack)");
        assertEquals("RW", m.group(2), "GNU_STACK flags");
    }

    @Test
    void stackProtectorAndFortifyAreLinkedIn() throws Exception {
        Set<String> imports = symbols(true);
        assertTrue(imports.contains("__stack_chk_fail"), "-fstack-protector-strong left no check: " + imports);
        assertTrue(imports.stream().anyMatch(s -> s.startsWith("__") && s.endsWith("_chk") && !s.equals("__stack_chk_fail")),
                "-D_FORTIFY_SOURCE=2 left no checked call (__*_chk): " + imports);
    }

    @Test
    void onlyTheJniEntryPointsAreExported() throws Exception {
        for (String s : symbols(false)) {
            assertTrue(s.equals("JNI_OnLoad") || s.equals("JNI_OnUnload") || s.startsWith("Java_io_jmux_"),
                    "exported beyond native/jmux.map: " + s);
        }
    }

    @Test
    void needsNoGlibcNewerThanDocumented() throws Exception {
        Matcher m = Pattern.compile("GLIBC_(\\d+(?:\\.\\d+)*)").matcher(readelf("-V"));
        Set<String> versions = new TreeSet<>(HardeningTest::compareVersions);
        while (m.find()) {
            versions.add(m.group(1));
        }
        assertFalse(versions.isEmpty());
        String newest = ((TreeSet<String>) versions).last();
        System.out.println("HardeningTest: " + lib.getFileName() + " needs glibc " + newest + " (symbol versions "
                + versions + ")");
        assertTrue(compareVersions(newest, MAX_GLIBC) <= 0, "the library now needs GLIBC_" + newest
                + ": update docs/hardening.md and MAX_GLIBC, or avoid the new symbol");
    }

    /** Defined (exported) or undefined (imported) dynamic symbols, without version suffixes. */
    static Set<String> symbols(boolean undefined) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String line : readelf("--dyn-syms").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[0].matches("\\d+:")) {
                continue;
            }
            boolean isUndefined = f[6].equals("UND");
            String name = f[7].replaceAll("@.*", "");
            if (isUndefined == undefined && !name.isEmpty() && (undefined || !f[4].equals("LOCAL"))) {
                out.add(name);
            }
        }
        return out;
    }

    static int compareVersions(String a, String b) {
        Comparator<int[]> c = (x, y) -> {
            for (int i = 0; i < Math.max(x.length, y.length); i++) {
                int d = Integer.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
                if (d != 0) {
                    return d;
                }
            }
            return 0;
        };
        return c.compare(parse(a), parse(b));
    }

    private static int[] parse(String v) {
        String[] parts = v.split("\\.");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }
}
