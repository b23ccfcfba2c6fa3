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

#define JMUX_RESULT(r) ((r) < 0 ? -errno : (r))

/* Java passes memory addresses as long. */
static inline void *jmux_ptr(jlong address) {
    return (void *) (intptr_t) address;
}

/* fd.c: looks up the java.nio.Buffer members its direct-buffer calls use; once, from
 * JNI_OnLoad. */
void jmux_fd_on_load(JNIEnv *env);

#endif
