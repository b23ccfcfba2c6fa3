/* eventfd(2) for io.jmux.EventFd: create, and read/write of the 8-byte counter. */
#include "jmux.h"
#include "io_jmux_EventFdSys.h"

#include <sys/eventfd.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_io_jmux_EventFdSys_eventfd0(JNIEnv *env, jclass cls, jint initval,
                                                     jint flags) {
    (void) env;
    (void) cls;
    int r = eventfd((unsigned int) initval, flags);
    return JMUX_RESULT(r);
}

/* read(2) of the counter into an 8-byte direct buffer; returns 8 or -errno. */
JNIEXPORT jint JNICALL Java_io_jmux_EventFdSys_read0(JNIEnv *env, jclass cls, jint fd,
                                                  jobject valueOut) {
    (void) cls;
    void *value = (*env)->GetDirectBufferAddress(env, valueOut);
    if (value == NULL) {
        return -EFAULT;
    }
    ssize_t r = read(fd, value, sizeof(uint64_t));
    return (jint) JMUX_RESULT(r);
}

/* write(2) of an 8-byte value; returns 8 or -errno (-EAGAIN when the counter
 * would overflow on a non-blocking eventfd). */
JNIEXPORT jint JNICALL Java_io_jmux_EventFdSys_write0(JNIEnv *env, jclass cls, jint fd,
                                                   jlong value) {
    (void) env;
    (void) cls;
    uint64_t v = (uint64_t) value;
    ssize_t r = write(fd, &v, sizeof v);
    return (jint) JMUX_RESULT(r);
}
