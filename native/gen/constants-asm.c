/*
 * Not part of libjmux.so: compiled with -S at build time, once per target
 * compiler, by gen-constants.sh. Each entry of constants.def becomes a line
 * "->NAME value" in the assembly, the value printed by the compiler itself
 * (the technique of the Linux kernel's asm-offsets.c), so a cross compiler
 * gives its target's values without running anything.
 */
#include "constants.h"

#define JMUX_EMIT(key, value) \
    __asm__ volatile("\n.ascii \"->" key " %0\"" : : "i"((long long) (value)))
#define C(name) JMUX_EMIT(#name, name);
#define ERR(name) JMUX_EMIT("errno." #name, name);
#define V(key, expr) JMUX_EMIT(key, expr);

void jmux_constants(void);

void jmux_constants(void) {
#include "constants.def"
}
