/* signalfd(2), sigsetops(3), pthread_sigmask(3) and a read-only sigaction(2)
 * for io.jmux.SignalFdSys. A sigset is Java-owned direct memory of
 * sizeof(sigset_t) bytes (glibc's 128), of which the kernel reads _NSIG/8
 * (8); glibc's own signalfd() passes the kernel that size. Reads of an owned
 * signalfd go through its owner (owner.h), so close wakes a blocked reader. */
#include "jmux.h"
#include "owner.h"
#include "signals.h"
#include "io_jmux_SignalFdSys.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* glibc marks pthread_sigmask with a new symbol version in 2.32; bind the old
 * one so libjmux.so stays loadable on older glibc (as owner.c does). */
#if defined(__x86_64__)
__asm__(".symver pthread_sigmask,pthread_sigmask@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver pthread_sigmask,pthread_sigmask@GLIBC_2.17");
#endif

JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigemptyset0(JNIEnv *env, jclass cls, jlong set) {
    (void) env;
    (void) cls;
    int r = sigemptyset(jmux_ptr(set));
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigfillset0(JNIEnv *env, jclass cls, jlong set) {
    (void) env;
    (void) cls;
    int r = sigfillset(jmux_ptr(set));
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigaddset0(JNIEnv *env, jclass cls, jlong set,
                                                         jint signo) {
    (void) env;
    (void) cls;
    int r = sigaddset(jmux_ptr(set), signo);
    return JMUX_RESULT(r);
}

JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigdelset0(JNIEnv *env, jclass cls, jlong set,
                                                         jint signo) {
    (void) env;
    (void) cls;
    int r = sigdelset(jmux_ptr(set), signo);
    return JMUX_RESULT(r);
}

/* 1 (member), 0 (not), or -errno. */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigismember0(JNIEnv *env, jclass cls, jlong set,
                                                           jint signo) {
    (void) env;
    (void) cls;
    int r = sigismember(jmux_ptr(set), signo);
    return JMUX_RESULT(r);
}

/* pthread_sigmask returns the error number instead of setting errno. Either
 * address may be 0 (NULL). */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_pthreadSigmask0(JNIEnv *env, jclass cls, jint how,
                                                              jlong set, jlong oldset) {
    (void) env;
    (void) cls;
    int r = pthread_sigmask(how, jmux_ptr(set), jmux_ptr(oldset));
    return -r;
}

/* sigaction(signo, NULL, &old): what is installed, never changing it.
 * JMUX_SIG_DFL, _IGN, _HANDLER, _SIGINFO (signals.h), or -errno. */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigactionKind0(JNIEnv *env, jclass cls, jint signo) {
    (void) env;
    (void) cls;
    struct sigaction old;
    if (sigaction(signo, NULL, &old) != 0) {
        return -errno;
    }
    if (old.sa_flags & SA_SIGINFO) {
        return JMUX_SIG_SIGINFO;
    }
    if (old.sa_handler == SIG_DFL) {
        return JMUX_SIG_DFL;
    }
    if (old.sa_handler == SIG_IGN) {
        return JMUX_SIG_IGN;
    }
    return JMUX_SIG_HANDLER;
}

/* glibc's SIGRTMIN and SIGRTMAX are calls (__libc_current_sigrtmin()), not
 * constants: the first real-time signal glibc leaves to applications is only
 * known at run time. */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigrtmin0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return SIGRTMIN;
}

JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_sigrtmax0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return SIGRTMAX;
}

/* signalfd(-1, mask, flags): a new signalfd. */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_signalfd0(JNIEnv *env, jclass cls, jlong mask,
                                                        jint flags) {
    (void) env;
    (void) cls;
    int r = signalfd(-1, jmux_ptr(mask), flags);
    return JMUX_RESULT(r);
}

/* signalfd(fd, mask, flags) on an owned signalfd: replaces its mask. */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_setmask0(JNIEnv *env, jclass cls, jlong owner,
                                                       jint gen, jlong mask, jint flags) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    int r = signalfd(o->fd, jmux_ptr(mask), flags);
    r = JMUX_RESULT(r);
    jmux_leave(s, o, (uint32_t) gen);
    return r;
}

/* read(fd, infos, bytes): bytes is a whole number of struct signalfd_siginfo
 * within the Java-owned array (Java checked it). */
JNIEXPORT jint JNICALL Java_io_jmux_SignalFdSys_read0(JNIEnv *env, jclass cls, jlong owner,
                                                       jint gen, jlong infos, jint bytes) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    ssize_t r = read(o->fd, jmux_ptr(infos), (size_t) bytes);
    jint result = (jint) JMUX_RESULT(r);
    jmux_leave(s, o, (uint32_t) gen);
    return result;
}
