/* poll(2) for io.jmux.Poll over a Java-owned struct pollfd[]. */
#include "jmux.h"
#include "io_jmux_PollSys.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Straight to the kernel, as glibc's poll() does but without its
 * thread-cancellation bracket (poll is a cancellation point; JVM threads are
 * never pthread_cancel()ed). aarch64 has no poll syscall: there, as glibc
 * does, a timeout >= 0 becomes ppoll's timespec and a negative one NULL
 * (block), with a NULL sigmask. */
JNIEXPORT jint JNICALL Java_io_jmux_PollSys_poll0(JNIEnv *env, jclass cls, jlong fds,
                                               jint nfds, jint timeoutMillis) {
    (void) env;
    (void) cls;
#ifdef SYS_poll
    long r = syscall(SYS_poll, jmux_ptr(fds), (nfds_t) nfds, timeoutMillis);
#else
    struct timespec ts;
    struct timespec *timeout = NULL;
    if (timeoutMillis >= 0) {
        ts.tv_sec = timeoutMillis / 1000;
        ts.tv_nsec = (long) (timeoutMillis % 1000) * 1000000;
        timeout = &ts;
    }
    long r = syscall(SYS_ppoll, jmux_ptr(fds), (nfds_t) nfds, timeout, NULL, _NSIG / 8);
#endif
    return (jint) JMUX_RESULT(r);
}
