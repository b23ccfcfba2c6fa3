/* epoll(7) for io.jmux.EpollSys: epoll_create1, epoll_ctl, epoll_wait and
 * epoll_pwait2. The event array is Java-owned direct memory. Calls on an
 * Epoll go through its owner (owner.h), so a concurrent close never lets
 * them reach a reused fd number. */
#include "jmux.h"
#include "owner.h"
#include "io_jmux_EpollSys.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

JNIEXPORT jint JNICALL Java_io_jmux_EpollSys_epollCreate1(JNIEnv *env, jclass cls, jint flags) {
    (void) env;
    (void) cls;
    int r = epoll_create1(flags);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_EpollSys_epollCtl(JNIEnv *env, jclass cls, jlong owner,
                                                      jint gen,
                                                      jint op, jint fd, jint events, jlong data) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    struct epoll_event ev = { .events = (uint32_t) events, .data.u64 = (uint64_t) data };
    int r = epoll_ctl(o->fd, op, fd, &ev);
    r = JMUX_RESULT(r);
    jmux_leave(s, o, (uint32_t) gen);
    return r;
}

/* epoll_wait(2) straight to the kernel, as glibc's epoll_wait() does but
 * without its thread-cancellation bracket (epoll_wait is a cancellation point;
 * JVM threads are never pthread_cancel()ed), ~4 % of an epoll_wait. aarch64 has
 * no epoll_wait syscall: there, as glibc does, epoll_pwait with a NULL sigmask. */
static long raw_epoll_wait(int epfd, jlong events, jint maxevents, jint timeoutMillis) {
#ifdef SYS_epoll_wait
    return syscall(SYS_epoll_wait, epfd, jmux_ptr(events), maxevents, timeoutMillis);
#else
    return syscall(SYS_epoll_pwait, epfd, jmux_ptr(events), maxevents, timeoutMillis, NULL,
                   _NSIG / 8);
#endif
}

JNIEXPORT jint JNICALL Java_io_jmux_EpollSys_epollWait(JNIEnv *env, jclass cls, jlong owner,
                                                      jint gen,
                                                       jlong events, jint maxevents,
                                                       jint timeoutMillis) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    long r = raw_epoll_wait(o->fd, events, maxevents, timeoutMillis);
    r = JMUX_RESULT(r);
    jmux_leave(s, o, (uint32_t) gen);
    return (jint) r;
}

/* epoll_pwait2 (Linux 5.11) through syscall(2): glibc only wraps it from 2.35
 * on, and calling the kernel directly keeps libjmux.so loadable on older
 * glibc. A kernel without it answers -ENOSYS, which Java probes once. */
static int pwait2(int epfd, jlong events, jint maxevents, jlong timeoutNanos) {
#ifdef SYS_epoll_pwait2
    struct timespec ts;
    struct timespec *timeout = NULL; /* negative: block indefinitely */
    if (timeoutNanos >= 0) {
        ts.tv_sec = (time_t) (timeoutNanos / 1000000000);
        ts.tv_nsec = (long) (timeoutNanos % 1000000000);
        timeout = &ts;
    }
    long r = syscall(SYS_epoll_pwait2, epfd, jmux_ptr(events), maxevents, timeout, NULL, 0);
    return (int) JMUX_RESULT(r);
#else
    (void) epfd;
    (void) events;
    (void) maxevents;
    (void) timeoutNanos;
    return -ENOSYS;
#endif
}

JNIEXPORT jint JNICALL Java_io_jmux_EpollSys_epollPwait2(JNIEnv *env, jclass cls, jlong owner,
                                                      jint gen,
                                                         jlong events, jint maxevents,
                                                         jlong timeoutNanos) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    int r = pwait2(o->fd, events, maxevents, timeoutNanos);
    jmux_leave(s, o, (uint32_t) gen);
    return r;
}

/* The availability probe, on fd -1: no owner to go through. */
JNIEXPORT jint JNICALL Java_io_jmux_EpollSys_epollPwait2Fd(JNIEnv *env, jclass cls, jint epfd,
                                                           jlong events, jint maxevents,
                                                           jlong timeoutNanos) {
    (void) env;
    (void) cls;
    return pwait2(epfd, events, maxevents, timeoutNanos);
}
