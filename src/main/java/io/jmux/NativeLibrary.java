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
            System.load(path.toString());
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
        InputStream in = loader == null
                ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource);
        if (in == null) {
            throw new UnsatisfiedLinkError("no " + resource + " in the jmux jar: this build has no"
                    + " library for " + platform() + "; build one (mvn verify on that platform)"
                    + " and point -D" + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_NAME
                    + " at it");
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
            throw linkError("cannot create a file in " + dir + " to extract " + source + " (" + e
                    + "); set -D" + TMPDIR_PROPERTY + "=<writable directory> or -D"
                    + LIBRARY_PATH_PROPERTY + "=/path/to/" + LIBRARY_NAME, e);
        }
        try {
            String digest;
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                digest = expectedDigest == null ? null : sha256(file);
            } catch (IOException e) {
                throw linkError("cannot extract " + source + " to " + file + " (" + e + "); set -D"
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
                System.load(file.toString());
            } catch (UnsatisfiedLinkError e) {
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
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("jmux: " + message);
        error.initCause(cause);
        return error;
    }
}
