package io.jmux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Finds and loads {@code libjmux.so}.
 *
 * <p>Order: the file named by {@value #LIBRARY_PATH_PROPERTY} if set; otherwise the copy
 * packaged at {@code META-INF/native/linux-<arch>/libjmux.so}, extracted to a private
 * temporary file in {@value #TMPDIR_PROPERTY} (default {@code java.io.tmpdir}), loaded,
 * then deleted (the mapping outlives the file name). Every failure becomes an
 * {@link UnsatisfiedLinkError} that says what failed and which property to set.
 *
 * <p>Each class loader gets its own extracted copy: the JVM refuses to bind one library
 * path to two class loaders, but two files are two libraries to {@code dlopen}.
 */
final class NativeLibrary {
    static final String LIBRARY_PATH_PROPERTY = "jmux.library.path";
    static final String TMPDIR_PROPERTY = "jmux.tmpdir";
    static final String LIBRARY_NAME = "libjmux.so";

    private NativeLibrary() {}

    /** {@code linux-x86_64}, {@code linux-aarch64}, ...: the kernel's machine names. */
    static String platform() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
                arch = "x86_64";
                break;
            case "arm64":
            case "aarch64":
                arch = "aarch64";
                break;
            default:
                break;
        }
        return "linux-" + arch;
    }

    /** The kernel's machine name for this JVM: {@code x86_64}, {@code aarch64}, ... */
    static String arch() {
        return platform().substring("linux-".length());
    }

    static String resourcePath() {
        return "META-INF/native/" + platform() + "/" + LIBRARY_NAME;
    }

    static void load() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsatisfiedLinkError("jmux drives Linux syscalls; this is " + os);
        }
        String override = System.getProperty(LIBRARY_PATH_PROPERTY, "").trim();
        if (!override.isEmpty()) {
            loadOverride(Paths.get(override).toAbsolutePath());
        } else {
            loadFromResource();
        }
    }

    private static void loadOverride(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new UnsatisfiedLinkError("-D" + LIBRARY_PATH_PROPERTY + "=" + path
                    + " does not name a file");
        }
        String problem = ElfCheck.problem(path, arch());
        if (problem == null) {
            problem = digestMismatch(path, path.resolveSibling(path.getFileName() + ".sha256"));
        }
        if (problem != null) {
            throw new UnsatisfiedLinkError("jmux: cannot load " + path + " (from -D" + LIBRARY_PATH_PROPERTY
                    + "): " + problem);
        }
        try {
            systemLoad(path);
        } catch (UnsatisfiedLinkError e) {
            if (String.valueOf(e.getMessage()).contains("another classloader")) {
                // Same file already bound to another class loader: load a private copy.
                try (InputStream in = Files.newInputStream(path)) {
                    loadCopy(in, path.toString(), null);
                } catch (IOException io) {
                    throw linkError("cannot copy " + path + " for this class loader: " + io, io);
                }
                return;
            }
            throw linkError("cannot load " + path + " (from -D" + LIBRARY_PATH_PROPERTY + "): "
                    + e.getMessage(), e);
        }
    }

    private static void loadFromResource() {
        String resource = resourcePath();
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        // getResource, then openStream: getResourceAsStream answers null both when the
        // resource is missing and when opening it fails (EMFILE, from a class-path
        // directory), and only the second is worth a retry.
        java.net.URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
        if (url == null) {
            throw new UnsatisfiedLinkError("no " + resource + " in the jmux jar: this build has no"
                    + " library for " + platform() + "; build one (mvn verify on that platform)"
                    + " and point -D" + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_NAME
                    + " at it");
        }
        InputStream in;
        try {
            in = url.openStream();
        } catch (IOException e) {
            throw linkError("cannot open " + resource + errnoText(e), e);
        }
        try (in) {
            loadCopy(in, "jar resource " + resource, expectedDigest(loader, resource + ".sha256"));
        } catch (IOException e) {
            throw linkError("cannot read " + resource + ": " + e, e);
        }
    }

    /**
     * Copies the library to a private temp file, loads it and deletes the file.
     *
     * @param expectedDigest the SHA-256 the build recorded (hex), or null if none
     */
    private static void loadCopy(InputStream in, String source, String expectedDigest) {
        Path dir = Paths.get(System.getProperty(TMPDIR_PROPERTY,
                System.getProperty("java.io.tmpdir", "/tmp")));
        Path file;
        try {
            file = createPrivateFile(dir);
        } catch (IOException | RuntimeException e) {
            String errno = errnoOf(e);
            if (isPassing(errno)) { // not the directory's fault: say so, and retry later
                throw linkError("cannot create the temp file for " + LIBRARY_NAME + " in " + dir
                        + errnoText(e) + "; jmux tries again on its next use", e);
            }
            throw linkError("cannot create a file in " + dir + " to extract " + source + " (" + e
                    + ")" + errnoText(e) + "; set -D" + TMPDIR_PROPERTY + "=<writable directory> or -D"
                    + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_NAME, e);
        }
        try {
            String digest;
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                digest = expectedDigest == null ? null : sha256(file);
            } catch (IOException e) {
                throw linkError("cannot extract " + source + " to " + file + " (" + e + ")" + errnoText(e) + "; set -D"
                        + TMPDIR_PROPERTY + "=<writable directory> or -D" + LIBRARY_PATH_PROPERTY
                        + "=/path/to/" + LIBRARY_NAME, e);
            }
            String problem = ElfCheck.problem(file, arch());
            if (problem == null && expectedDigest != null && !expectedDigest.equals(digest)) {
                problem = "corrupt: its SHA-256 is not the " + expectedDigest + " the build recorded";
            }
            if (problem != null) {
                throw new UnsatisfiedLinkError("jmux: cannot load " + source + ": " + problem
                        + "; rebuild the jar, or set -D" + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_NAME);
            }
            try {
                systemLoad(file);
            } catch (UnsatisfiedLinkError e) {
                if (e.getCause() instanceof IllegalCallerException) {
                    throw e; // --illegal-native-access=deny: already says which flag allows it
                }
                if (isPassing(errnoOf(e))) {
                    throw linkError("cannot load " + source + " extracted to " + file + errnoText(e)
                            + "; jmux tries again on its next use", e);
                }
                throw linkError("cannot load " + source + " extracted to " + file + ": "
                        + e.getMessage() + " (a noexec " + dir + " fails like this: set -D"
                        + TMPDIR_PROPERTY + "=<directory on an exec filesystem>, or -D"
                        + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_NAME + ")", e);
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // Best effort: the library is mapped already; a stale file only wastes disk.
            }
        }
    }

    /**
     * {@code System.load}, with the JDK 22+ refusal under {@code --illegal-native-access=deny}
     * (an IllegalCallerException) turned into a sentence naming the flag that allows it.
     */
    private static void systemLoad(Path file) {
        try {
            System.load(file.toString());
        } catch (IllegalCallerException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("jmux: this JVM refuses native access ("
                    + e.getMessage() + "); run it with --enable-native-access=ALL-UNNAMED, or"
                    + " --enable-native-access=io.jmux when jmux is on the module path");
            error.initCause(e);
            throw error;
        }
    }

    /** The hex SHA-256 in a resource written by the build (native/sha256.cmake), or null. */
    private static String expectedDigest(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader == null
                ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource);
        if (in == null) {
            return null;
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    /** Why path does not match the digest in the sidecar file, or null (also if there is none). */
    private static String digestMismatch(Path path, Path sidecar) {
        if (!Files.isRegularFile(sidecar)) {
            return null;
        }
        try {
            String expected = Files.readString(sidecar, StandardCharsets.US_ASCII).trim();
            return expected.equals(sha256(path)) ? null
                    : "corrupt: its SHA-256 is not the " + expected + " in " + sidecar;
        } catch (IOException e) {
            return "cannot read " + sidecar + ": " + e;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] digest = md.digest(Files.readAllBytes(file));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        return hex.toString();
    }

    private static Path createPrivateFile(Path dir) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, "libjmux-", ".so",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempFile(dir, "libjmux-", ".so");
    }

    private static UnsatisfiedLinkError linkError(String message, Throwable cause) {
        String errno = errnoOf(cause);
        UnsatisfiedLinkError error = isPassing(errno) ? new PassingFailure("jmux: " + message)
                : new UnsatisfiedLinkError("jmux: " + message);
        error.initCause(cause);
        return error;
    }

    /** The errnos of a failure that goes away by itself: a later load is tried again. */
    private static final java.util.Set<String> PASSING = java.util.Set.of("EMFILE", "ENFILE", "ENOSPC");

    private static boolean isPassing(String errno) {
        return errno != null && PASSING.contains(errno);
    }

    /** A load failure worth retrying (see {@link #PASSING}). */
    static final class PassingFailure extends UnsatisfiedLinkError {
        private static final long serialVersionUID = 1L;

        PassingFailure(String message) {
            super(message);
        }
    }

    static boolean isTransient(Throwable failure) {
        return failure instanceof PassingFailure;
    }

    /**
     * The errno symbol behind a file-system or dlopen failure, from the C library's text in
     * its message (the JDK gives no errno number), or null. Checked longest text first:
     * "Too many open files in system" is ENFILE, "Too many open files" EMFILE.
     */
    static String errnoOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            for (String[] known : TEXTS) {
                if (m.contains(known[0])) {
                    return known[1];
                }
            }
        }
        return null;
    }

    private static final String[][] TEXTS = {{"Too many open files in system", "ENFILE"},
        {"Too many open files", "EMFILE"}, {"No space left on device", "ENOSPC"},
        {"Permission denied", "EACCES"}, {"Read-only file system", "EROFS"},
        {"Operation not permitted", "EPERM"}};

    /** {@code ": EMFILE (Too many open files)"} for a failure with a known errno, else "". */
    private static String errnoText(Throwable e) {
        String errno = errnoOf(e);
        if (errno == null) {
            return "";
        }
        for (String[] known : TEXTS) {
            if (known[1].equals(errno)) {
                return ": " + errno + " (" + known[0] + ")";
            }
        }
        return "";
    }
}
