/* select(2) for io.jmux.Select. The fd_set bitmaps live in Java-owned direct
 * memory; a null address (0) passes NULL for that set. */
#include "jmux.h"
#include "io_jmux_SelectSys.h"

#include <sys/select.h>

JNIEXPORT jint JNICALL Java_io_jmux_SelectSys_select0(JNIEnv *env, jclass cls, jint nfds,
                                                   jlong readfds, jlong writefds,
                                                   jlong exceptfds, jlong timeoutMicros) {
    (void) env;
    (void) cls;
    struct timeval tv;
    struct timeval *timeout = NULL; /* -1: block until an fd is ready */
    if (timeoutMicros != -1) { /* other negatives: the kernel answers EINVAL */
        tv.tv_sec = (time_t) (timeoutMicros / 1000000);
        tv.tv_usec = (suseconds_t) (timeoutMicros % 1000000);
        timeout = &tv;
    }
    /* glibc's select() takes fd_set *, whose FD_SETSIZE is a glibc limit, not
     * the kernel's: the kernel reads and writes ceil(nfds/64) longs of each
     * set, which Java sized and checked. */
    int r = select(nfds, jmux_ptr(readfds), jmux_ptr(writefds), jmux_ptr(exceptfds), timeout);
    return JMUX_RESULT(r);
}
