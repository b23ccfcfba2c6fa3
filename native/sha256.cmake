# Writes <LIB>.sha256 next to the library (run by CMakeLists.txt after each link). The
# loader compares it with the bytes it is about to hand to dlopen: glibc's ld.so trusts
# the file, so a damaged library would crash the JVM instead of failing to load.
file(SHA256 "${LIB}" digest)
file(WRITE "${LIB}.sha256" "${digest}\n")
