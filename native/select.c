/* select(2) for io.jmux.Select. The fd_set bitmaps live in Java-owned direct
 * memory; a null address (0) passes NULL for that set. */
#include "jmux.h"
#include "io_jmux_SelectSys.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Straight to the kernel's pselect6 with a NULL sigmask, which is select(2)
 * itself: glibc's select() enters the kernel there too (aarch64 has no select
 * syscall), but first brackets the call with the thread-cancellation switch
 * (select is a cancellation point), ~4 % of a select at n = 1, and JVM threads
 * are never pthread_cancel()ed. The kernel's answers are the same: EINVAL for
 * nfds < 0 or a negative timeout, each set read and written for ceil(nfds/64)
 * longs. pselect6 writes the time left into ts, as select does into its
 * timeval; Java keeps its own clock for the EINTR restart, so it is dropped. */
JNIEXPORT jint JNICALL Java_io_jmux_SelectSys_select0(JNIEnv *env, jclass cls, jint nfds,
                                                   jlong readfds, jlong writefds,
                                                   jlong exceptfds, jlong timeoutMicros) {
    (void) env;
    (void) cls;
    struct timespec ts;
    struct timespec *timeout = NULL; /* -1: block until an fd is ready */
    if (timeoutMicros != -1) { /* other negatives: the kernel answers EINVAL */
        ts.tv_sec = (time_t) (timeoutMicros / 1000000);
        ts.tv_nsec = (long) (timeoutMicros % 1000000) * 1000;
        timeout = &ts;
    }
    /* The kernel reads and writes ceil(nfds/64) longs of each set (glibc's
     * FD_SETSIZE is no kernel limit), which Java sized and checked. */
    long r = syscall(SYS_pselect6, nfds, jmux_ptr(readfds), jmux_ptr(writefds),
                     jmux_ptr(exceptfds), timeout, NULL);
    return (jint) JMUX_RESULT(r);
}
