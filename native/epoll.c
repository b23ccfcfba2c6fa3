/* epoll(7) for io.jmux.Epoll: epoll_create1, epoll_ctl, epoll_wait and
 * epoll_pwait2. The event array is Java-owned direct memory. */
#include "jmux.h"
#include "io_jmux_Epoll.h"

#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_io_jmux_Epoll_epollCreate1(JNIEnv *env, jclass cls, jint flags) {
    (void) env;
    (void) cls;
    int r = epoll_create1(flags);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_Epoll_epollCtl(JNIEnv *env, jclass cls, jint epfd, jint op,
                                                   jint fd, jint events, jlong data) {
    (void) env;
    (void) cls;
    struct epoll_event ev = { .events = (uint32_t) events, .data.u64 = (uint64_t) data };
    int r = epoll_ctl(epfd, op, fd, &ev);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_Epoll_epollWait(JNIEnv *env, jclass cls, jint epfd,
                                                    jlong events, jint maxevents,
                                                    jint timeoutMillis) {
    (void) env;
    (void) cls;
    int r = epoll_wait(epfd, jmux_ptr(events), maxevents, timeoutMillis);
    return JMUX_RESULT(r);
}

/* epoll_pwait2 (Linux 5.11) through syscall(2): glibc only wraps it from 2.35
 * on, and calling the kernel directly keeps libjmux.so loadable on older
 * glibc. A kernel without it answers -ENOSYS, which Java probes once. */
JNIEXPORT jint JNICALL Java_io_jmux_Epoll_epollPwait2(JNIEnv *env, jclass cls, jint epfd,
                                                      jlong events, jint maxevents,
                                                      jlong timeoutNanos) {
    (void) env;
    (void) cls;
#ifdef SYS_epoll_pwait2
    struct timespec ts;
    struct timespec *timeout = NULL; /* negative: block indefinitely */
    if (timeoutNanos >= 0) {
        ts.tv_sec = (time_t) (timeoutNanos / 1000000000);
        ts.tv_nsec = (long) (timeoutNanos % 1000000000);
        timeout = &ts;
    }
    long r = syscall(SYS_epoll_pwait2, epfd, jmux_ptr(events), maxevents, timeout, NULL, 0);
    return (jint) JMUX_RESULT(r);
#else
    (void) epfd;
    (void) events;
    (void) maxevents;
    (void) timeoutNanos;
    return -ENOSYS;
#endif
}
