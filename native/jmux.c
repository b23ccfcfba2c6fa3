/*
 * Library-wide natives of io.jmux.Native: the ABI handshake, the constant
 * table and strerror. Every flag, errno and struct layout that Java uses is
 * read from here once at load time, so no value is typed by hand in Java.
 */
#include "jmux.h"
#include "io_jmux_Native.h"
#include "owner.h"
#include "constants.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jmux_fd_on_load(env);
    return JNI_VERSION_1_8;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    (void) vm;
    (void) reserved;
}

JNIEXPORT jint JNICALL Java_io_jmux_Native_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return JMUX_ABI_VERSION;
}

/* One "NAME=value\n" line per constant. C(X) stringifies the macro name and
 * takes its value from the header, so the two can never disagree. */

struct constant {
    const char *name;
    long long value;
};

#define C(name) { #name, (long long) (name) },
#define ERR(name) { "errno." #name, (long long) (name) },
#define V(key, expr) { key, (long long) (expr) },

static const struct constant constants[] = {
#include "constants.def"
};

/* The table as "NAME=value\n" lines. Returning one String keeps the C side
 * free of class look-ups; Java parses it once. */
JNIEXPORT jstring JNICALL Java_io_jmux_Native_constants(JNIEnv *env, jclass cls) {
    (void) cls;
    char text[32768];
    size_t n = 0;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        int w = snprintf(text + n, sizeof text - n, "%s=%lld\n",
                         constants[i].name, constants[i].value);
        if (w < 0 || (size_t) w >= sizeof text - n) {
            return NULL; /* table outgrew the buffer: Java reports it */
        }
        n += (size_t) w;
    }
    return (*env)->NewStringUTF(env, text);
}

/* strerror text for an errno, on the error path only. */
JNIEXPORT jstring JNICALL Java_io_jmux_Native_strerror(JNIEnv *env, jclass cls, jint errnum) {
    (void) cls;
    char buf[256];
    /* _GNU_SOURCE strerror_r returns a pointer, possibly not into buf. */
    const char *text = strerror_r(errnum, buf, sizeof buf);
    return (*env)->NewStringUTF(env, text);
}

/* Start address of a direct ByteBuffer, asked once per buffer at creation. */
JNIEXPORT jlong JNICALL Java_io_jmux_Native_bufferAddress(JNIEnv *env, jclass cls, jobject buffer) {
    (void) cls;
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}

/* A native that does nothing: the bare JNI floor that benchmarks subtract. */
JNIEXPORT jint JNICALL Java_io_jmux_Native_noop(JNIEnv *env, jclass cls, jint value) {
    (void) env;
    (void) cls;
    return value;
}
