package io.jmux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a library file before {@code System.load} hands it to the dynamic loader.
 *
 * <p>glibc's {@code ld.so} maps the segments an ELF header describes without checking that
 * the file is long enough: a truncated {@code libjmux.so} (an interrupted copy, a damaged
 * jar) kills the JVM with SIGBUS inside {@code dlopen}. So the header, the program headers
 * and the section headers must all lie inside the file, and the file must be an ELF
 * shared object for this JVM's word size, byte order and architecture — which also turns
 * the loader's "cannot open shared object file: No such file or directory" for a foreign
 * architecture into a plain sentence.
 *
 * <p>This guards against damaged files, not hostile ones: a library runs code when loaded.
 */
final class ElfCheck {
    private static final int EM_386 = 3;
    private static final int EM_ARM = 40;
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;
    private static final int EM_RISCV = 243;
    private static final Map<Integer, String> MACHINES = Map.of(EM_386, "i386", EM_ARM, "arm",
            EM_X86_64, "x86_64", EM_AARCH64, "aarch64", EM_RISCV, "riscv64", 8, "mips", 21, "ppc64", 22, "s390x");
    private static final int ET_DYN = 3;

    private ElfCheck() {}

    /** Null if the file looks loadable, otherwise why not. */
    static String problem(Path file, String jvmArch) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return problem(ch, ch.size(), jvmArch);
        } catch (IOException e) {
            return "cannot read it: " + e;
        }
    }

    private static String problem(FileChannel ch, long size, String jvmArch) throws IOException {
        ByteBuffer h = read(ch, 0, (int) Math.min(size, 64));
        if (h.limit() < 16 || h.get(0) != 0x7f || h.get(1) != 'E' || h.get(2) != 'L' || h.get(3) != 'F') {
            return "not an ELF file";
        }
        boolean is64 = h.get(4) == 2;
        if (h.get(4) != 1 && !is64) {
            return "unknown ELF class " + h.get(4);
        }
        String jvmBits = System.getProperty("sun.arch.data.model", "64");
        if (!jvmBits.equals(is64 ? "64" : "32")) {
            return "a " + (is64 ? 64 : 32) + "-bit library, but this JVM is " + jvmBits + "-bit";
        }
        ByteOrder order = h.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        if (order != ByteOrder.nativeOrder()) {
            return "a " + order + " library on a " + ByteOrder.nativeOrder() + " machine";
        }
        int headerSize = is64 ? 64 : 52;
        if (size < headerSize) {
            return "truncated: " + size + " bytes, shorter than an ELF header";
        }
        h.order(order);
        if (h.getShort(16) != ET_DYN) {
            return "not a shared object (ELF type " + h.getShort(16) + ")";
        }
        String arch = MACHINES.get(h.getShort(18) & 0xFFFF);
        if (arch != null && MACHINES.containsValue(jvmArch) && !arch.equals(jvmArch)) {
            return "a library for " + arch + ", but this JVM runs on " + jvmArch;
        }
        long phoff = is64 ? h.getLong(32) : h.getInt(28) & 0xFFFF_FFFFL;
        long shoff = is64 ? h.getLong(40) : h.getInt(32) & 0xFFFF_FFFFL;
        int phentsize = h.getShort(is64 ? 54 : 42) & 0xFFFF;
        int phnum = h.getShort(is64 ? 56 : 44) & 0xFFFF;
        int shentsize = h.getShort(is64 ? 58 : 46) & 0xFFFF;
        int shnum = h.getShort(is64 ? 60 : 48) & 0xFFFF;
        String past = pastEnd("program headers", phoff, (long) phnum * phentsize, size);
        if (past == null && shoff != 0) {
            past = pastEnd("section headers", shoff, (long) shnum * shentsize, size);
        }
        if (past != null) {
            return past;
        }
        if (phnum == 0 || phentsize < (is64 ? 56 : 32)) {
            return "no usable program headers";
        }
        ByteBuffer ph = read(ch, phoff, phnum * phentsize).order(order);
        for (int i = 0; i < phnum; i++) {
            int at = i * phentsize;
            long offset = is64 ? ph.getLong(at + 8) : ph.getInt(at + 4) & 0xFFFF_FFFFL;
            long filesz = is64 ? ph.getLong(at + 32) : ph.getInt(at + 16) & 0xFFFF_FFFFL;
            past = pastEnd("segment " + i, offset, filesz, size);
            if (past != null) {
                return past;
            }
        }
        return null;
    }

    /** Why [offset, offset + length) is not inside a file of size bytes, or null. */
    private static String pastEnd(String what, long offset, long length, long size) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            return String.format(Locale.ROOT, "truncated or corrupt: %s at %d+%d end past the file's %d bytes",
                    what, offset, length, size);
        }
        return null;
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining() && ch.read(b, position + b.position()) > 0) {
            // read until full or end of file
        }
        return b.flip();
    }
}
