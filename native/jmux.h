/*
 * Shared by every shim. The one convention: a shim makes one syscall and
 * returns the kernel's result, n >= 0 on success or -errno on failure. Policy
 * (EINTR retry, timeout arithmetic, argument checks) lives in Java.
 */
#ifndef JMUX_H
#define JMUX_H

#include <errno.h>
#include <stdint.h>
#include <jni.h>

/* Bumped when a native signature or the constant table changes meaning; the
 * Java loader refuses a library whose version differs. */
#define JMUX_ABI_VERSION 4

/* signalfd.c's sigaction(2) probe: its answers besides SIG_DFL (0) and
 * SIG_IGN (1), reported to Java through the constant table. */
#define JMUX_SIG_HANDLER 2
#define JMUX_SIG_SIGINFO 3

/* The JDK's NIO wake-up signal, which owner.c sends to wake threads in a call
 * on an object being closed: reserved, never a choice for F_SETSIG. */
#define JMUX_WAKE_SIGNAL (__SIGRTMAX - 2)

#define JMUX_RESULT(r) ((r) < 0 ? -errno : (r))

/* Java passes memory addresses as long. */
static inline void *jmux_ptr(jlong address) {
    return (void *) (intptr_t) address;
}

#endif
