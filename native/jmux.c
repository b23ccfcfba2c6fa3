/*
 * Library-wide natives of io.jmux.Native: the ABI handshake, the constant
 * table and strerror. Every flag, errno and struct layout that Java uses is
 * read from here once at load time, so no value is typed by hand in Java.
 */
#include "jmux.h"
#include "io_jmux_Native.h"
#include "owner.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <sys/socket.h>

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) vm;
    (void) reserved;
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
#define C(name) { #name, (long long) (name) }
#define ERR(name) { "errno." #name, (long long) (name) }

struct constant {
    const char *name;
    long long value;
};

static const struct constant constants[] = {
    /* errno: every symbol of <errno.h> on Linux */
    ERR(EPERM), ERR(ENOENT), ERR(ESRCH), ERR(EINTR), ERR(EIO), ERR(ENXIO),
    ERR(E2BIG), ERR(ENOEXEC), ERR(EBADF), ERR(ECHILD), ERR(EAGAIN),
    ERR(ENOMEM), ERR(EACCES), ERR(EFAULT), ERR(ENOTBLK), ERR(EBUSY),
    ERR(EEXIST), ERR(EXDEV), ERR(ENODEV), ERR(ENOTDIR), ERR(EISDIR),
    ERR(EINVAL), ERR(ENFILE), ERR(EMFILE), ERR(ENOTTY), ERR(ETXTBSY),
    ERR(EFBIG), ERR(ENOSPC), ERR(ESPIPE), ERR(EROFS), ERR(EMLINK),
    ERR(EPIPE), ERR(EDOM), ERR(ERANGE), ERR(EDEADLK), ERR(ENAMETOOLONG),
    ERR(ENOLCK), ERR(ENOSYS), ERR(ENOTEMPTY), ERR(ELOOP), ERR(ENOMSG),
    ERR(EIDRM), ERR(ECHRNG), ERR(EL2NSYNC), ERR(EL3HLT), ERR(EL3RST),
    ERR(ELNRNG), ERR(EUNATCH), ERR(ENOCSI), ERR(EL2HLT), ERR(EBADE),
    ERR(EBADR), ERR(EXFULL), ERR(ENOANO), ERR(EBADRQC), ERR(EBADSLT),
    ERR(EBFONT), ERR(ENOSTR), ERR(ENODATA), ERR(ETIME), ERR(ENOSR),
    ERR(ENONET), ERR(ENOPKG), ERR(EREMOTE), ERR(ENOLINK), ERR(EADV),
    ERR(ESRMNT), ERR(ECOMM), ERR(EPROTO), ERR(EMULTIHOP), ERR(EDOTDOT),
    ERR(EBADMSG), ERR(EOVERFLOW), ERR(ENOTUNIQ), ERR(EBADFD), ERR(EREMCHG),
    ERR(ELIBACC), ERR(ELIBBAD), ERR(ELIBSCN), ERR(ELIBMAX), ERR(ELIBEXEC),
    ERR(EILSEQ), ERR(ERESTART), ERR(ESTRPIPE), ERR(EUSERS), ERR(ENOTSOCK),
    ERR(EDESTADDRREQ), ERR(EMSGSIZE), ERR(EPROTOTYPE), ERR(ENOPROTOOPT),
    ERR(EPROTONOSUPPORT), ERR(ESOCKTNOSUPPORT), ERR(EOPNOTSUPP),
    ERR(EPFNOSUPPORT), ERR(EAFNOSUPPORT), ERR(EADDRINUSE),
    ERR(EADDRNOTAVAIL), ERR(ENETDOWN), ERR(ENETUNREACH), ERR(ENETRESET),
    ERR(ECONNABORTED), ERR(ECONNRESET), ERR(ENOBUFS), ERR(EISCONN),
    ERR(ENOTCONN), ERR(ESHUTDOWN), ERR(ETOOMANYREFS), ERR(ETIMEDOUT),
    ERR(ECONNREFUSED), ERR(EHOSTDOWN), ERR(EHOSTUNREACH), ERR(EALREADY),
    ERR(EINPROGRESS), ERR(ESTALE), ERR(EUCLEAN), ERR(ENOTNAM), ERR(ENAVAIL),
    ERR(EISNAM), ERR(EREMOTEIO), ERR(EDQUOT), ERR(ENOMEDIUM),
    ERR(EMEDIUMTYPE), ERR(ECANCELED), ERR(ENOKEY), ERR(EKEYEXPIRED),
    ERR(EKEYREVOKED), ERR(EKEYREJECTED), ERR(EOWNERDEAD),
    ERR(ENOTRECOVERABLE), ERR(ERFKILL), ERR(EHWPOISON),
    /* aliases: same value as another symbol on Linux */
    ERR(EWOULDBLOCK), ERR(EDEADLOCK), ERR(ENOTSUP),

    /* select(2) */
    C(FD_SETSIZE),

    /* poll(2): struct pollfd and the event bits */
    C(POLLIN), C(POLLPRI), C(POLLOUT), C(POLLERR), C(POLLHUP), C(POLLNVAL),
    C(POLLRDNORM), C(POLLRDBAND), C(POLLWRNORM), C(POLLWRBAND), C(POLLMSG),
    C(POLLRDHUP),
    { "sizeof.pollfd", (long long) sizeof(struct pollfd) },
    { "offsetof.pollfd.fd", (long long) offsetof(struct pollfd, fd) },
    { "offsetof.pollfd.events", (long long) offsetof(struct pollfd, events) },
    { "offsetof.pollfd.revents", (long long) offsetof(struct pollfd, revents) },

    /* epoll(7): struct epoll_event is packed on x86-64 only, so its layout is
     * read here rather than assumed. */
    C(EPOLL_CLOEXEC), C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD), C(EPOLL_CTL_DEL),
    C(EPOLLIN), C(EPOLLPRI), C(EPOLLOUT), C(EPOLLERR), C(EPOLLHUP),
    C(EPOLLRDNORM), C(EPOLLRDBAND), C(EPOLLWRNORM), C(EPOLLWRBAND),
    C(EPOLLMSG), C(EPOLLRDHUP), C(EPOLLEXCLUSIVE), C(EPOLLWAKEUP),
    C(EPOLLONESHOT), C(EPOLLET),
    { "sizeof.epoll_event", (long long) sizeof(struct epoll_event) },
    { "offsetof.epoll_event.events", (long long) offsetof(struct epoll_event, events) },
    { "offsetof.epoll_event.data", (long long) offsetof(struct epoll_event, data) },

    /* fcntl(2), pipe2(2), dup3(2) */
    C(F_GETFL), C(F_SETFL), C(F_GETFD), C(F_SETFD), C(F_DUPFD), C(F_DUPFD_CLOEXEC),
    C(F_GETOWN), C(F_SETOWN), C(F_GETSIG), C(F_SETSIG), C(F_GETPIPE_SZ), C(F_SETPIPE_SZ),
    C(F_GETLEASE), C(F_SETLEASE), C(F_NOTIFY), C(F_GET_SEALS), C(F_ADD_SEALS),
    C(FD_CLOEXEC), C(O_NONBLOCK), C(O_CLOEXEC), C(O_DIRECT), C(O_ASYNC),
    /* fcntl(2) F_SETOWN_EX/F_GETOWN_EX take a struct f_owner_ex, built in C */
    C(F_SETOWN_EX), C(F_GETOWN_EX), C(F_OWNER_TID), C(F_OWNER_PID), C(F_OWNER_PGRP),

    /* signal(7): the standard signals (no aliases such as SIGIOT, SIGPOLL) and
     * the kernel's real-time range; glibc keeps __SIGRTMIN .. SIGRTMIN-1 for
     * itself, so SIGRTMIN and SIGRTMAX are appended at run time below. */
    C(SIGHUP), C(SIGINT), C(SIGQUIT), C(SIGILL), C(SIGTRAP), C(SIGABRT), C(SIGBUS),
    C(SIGFPE), C(SIGKILL), C(SIGUSR1), C(SIGSEGV), C(SIGUSR2), C(SIGPIPE), C(SIGALRM),
    C(SIGTERM), C(SIGSTKFLT), C(SIGCHLD), C(SIGCONT), C(SIGSTOP), C(SIGTSTP), C(SIGTTIN),
    C(SIGTTOU), C(SIGURG), C(SIGXCPU), C(SIGXFSZ), C(SIGVTALRM), C(SIGPROF), C(SIGWINCH),
    C(SIGIO), C(SIGPWR), C(SIGSYS), C(__SIGRTMIN), C(__SIGRTMAX), C(_NSIG),
    C(SIG_BLOCK), C(SIG_UNBLOCK), C(SIG_SETMASK),
    { "SIG_DFL", (long long) (intptr_t) SIG_DFL }, { "SIG_IGN", (long long) (intptr_t) SIG_IGN },
    /* signalfd.c's sigaction probe: a handler function, or an SA_SIGINFO one */
    C(JMUX_SIG_HANDLER), C(JMUX_SIG_SIGINFO), C(JMUX_WAKE_SIGNAL),
    /* si_code values (sigaction(2)): who sent it, and for SIGIO/F_SETSIG the band */
    C(SI_USER), C(SI_KERNEL), C(SI_QUEUE), C(SI_TIMER), C(SI_MESGQ), C(SI_ASYNCIO),
    C(SI_SIGIO), C(SI_TKILL), C(POLL_IN), C(POLL_OUT), C(POLL_MSG), C(POLL_ERR),
    C(POLL_PRI), C(POLL_HUP),
    /* sigset_t is glibc's 1024 bits; the kernel's sigset, what signalfd4 and
     * rt_sigprocmask read, is _NSIG/8 bytes (glibc's signalfd passes that). */
    { "sizeof.sigset_t", (long long) sizeof(sigset_t) },
    { "sizeof.kernel_sigset", (long long) (_NSIG / 8) },

    /* signalfd(2): flags and struct signalfd_siginfo */
    C(SFD_CLOEXEC), C(SFD_NONBLOCK),
    { "sizeof.signalfd_siginfo", (long long) sizeof(struct signalfd_siginfo) },
#define SSI(field) { "offsetof.signalfd_siginfo." #field, \
                     (long long) offsetof(struct signalfd_siginfo, field) }
    SSI(ssi_signo), SSI(ssi_errno), SSI(ssi_code), SSI(ssi_pid), SSI(ssi_uid), SSI(ssi_fd),
    SSI(ssi_tid), SSI(ssi_band), SSI(ssi_overrun), SSI(ssi_trapno), SSI(ssi_status),
    SSI(ssi_int), SSI(ssi_ptr), SSI(ssi_utime), SSI(ssi_stime), SSI(ssi_addr),
#undef SSI

    /* timerfd_create(2): clocks, flags and struct itimerspec */
    C(CLOCK_REALTIME), C(CLOCK_MONOTONIC), C(CLOCK_BOOTTIME), C(CLOCK_REALTIME_ALARM),
    C(CLOCK_BOOTTIME_ALARM), C(TFD_CLOEXEC), C(TFD_NONBLOCK), C(TFD_TIMER_ABSTIME),
    C(TFD_TIMER_CANCEL_ON_SET),
    { "sizeof.itimerspec", (long long) sizeof(struct itimerspec) },
    { "offsetof.itimerspec.it_interval.tv_sec",
      (long long) (offsetof(struct itimerspec, it_interval) + offsetof(struct timespec, tv_sec)) },
    { "offsetof.itimerspec.it_interval.tv_nsec",
      (long long) (offsetof(struct itimerspec, it_interval) + offsetof(struct timespec, tv_nsec)) },
    { "offsetof.itimerspec.it_value.tv_sec",
      (long long) (offsetof(struct itimerspec, it_value) + offsetof(struct timespec, tv_sec)) },
    { "offsetof.itimerspec.it_value.tv_nsec",
      (long long) (offsetof(struct itimerspec, it_value) + offsetof(struct timespec, tv_nsec)) },
    { "sizeof.time_t", (long long) sizeof(time_t) },
    { "sizeof.long", (long long) sizeof(long) },

    /* owner.h: what an owned call returns when its owner is closed */
    C(JMUX_ECLOSED),

    /* eventfd(2) */
    C(EFD_CLOEXEC), C(EFD_NONBLOCK), C(EFD_SEMAPHORE),

    /* socket(2) and friends */
    C(AF_UNIX), C(AF_INET), C(AF_INET6), C(SOCK_STREAM), C(SOCK_DGRAM),
    C(SOCK_SEQPACKET), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC), C(SOL_SOCKET),
    C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_ERROR), C(SO_RCVBUF), C(SO_SNDBUF),
    C(SO_KEEPALIVE), C(SO_LINGER), C(IPPROTO_TCP), C(IPPROTO_IPV6), C(TCP_NODELAY),
    C(IPV6_V6ONLY), C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR), C(SOMAXCONN),
};

/* The table as "NAME=value\n" lines. Returning one String keeps the C side
 * free of class look-ups; Java parses it once. */
JNIEXPORT jstring JNICALL Java_io_jmux_Native_constants(JNIEnv *env, jclass cls) {
    (void) cls;
    char text[16384];
    size_t n = 0;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        int w = snprintf(text + n, sizeof text - n, "%s=%lld\n",
                         constants[i].name, constants[i].value);
        if (w < 0 || (size_t) w >= sizeof text - n) {
            return NULL; /* table outgrew the buffer: Java reports it */
        }
        n += (size_t) w;
    }
    /* glibc's SIGRTMIN/SIGRTMAX are functions of the running libc, not macros
     * of constants: the first real-time signal glibc leaves to applications. */
    int w = snprintf(text + n, sizeof text - n, "SIGRTMIN=%d\nSIGRTMAX=%d\n", SIGRTMIN, SIGRTMAX);
    if (w < 0 || (size_t) w >= sizeof text - n) {
        return NULL;
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
