# Toolchain file for the cross build of libjmux.so that CMakeLists.txt starts as a sub-build
# (one jar for x86-64 and aarch64). It is handed JMUX_CROSS_ARCH (x86_64, aarch64) and
# JMUX_CROSS_CC, the path of Debian's <arch>-linux-gnu-gcc, which knows its own sysroot
# (/usr/<arch>-linux-gnu), so nothing else needs to be found.
#
# jni.h and jni_md.h come from the host JDK: on Linux jni_md.h only sets visibility
# attributes and jint = int, jlong = long, which hold for every LP64 target.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR "${JMUX_CROSS_ARCH}")
set(CMAKE_C_COMPILER "${JMUX_CROSS_CC}")
# try_compile projects re-read this file; pass them the two variables.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES JMUX_CROSS_ARCH JMUX_CROSS_CC)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
