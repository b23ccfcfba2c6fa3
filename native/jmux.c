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
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>

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

    /* io_uring(7), from <linux/io_uring.h> (the kernel headers installed at build
     * time; a flag newer than them is absent here, and Java refuses to set up a
     * ring with bits it cannot name, since they may change the ring layout).
     * Opcodes are an enum, so they cannot be #ifdef-guarded: every one named in
     * the 6.1 headers is listed. */
    C(IORING_SETUP_IOPOLL), C(IORING_SETUP_SQPOLL), C(IORING_SETUP_SQ_AFF), C(IORING_SETUP_CQSIZE),
    C(IORING_SETUP_CLAMP), C(IORING_SETUP_ATTACH_WQ), C(IORING_SETUP_R_DISABLED), C(IORING_SETUP_SUBMIT_ALL),
    C(IORING_SETUP_COOP_TASKRUN), C(IORING_SETUP_TASKRUN_FLAG), C(IORING_SETUP_SQE128), C(IORING_SETUP_CQE32),
    C(IORING_SETUP_SINGLE_ISSUER), C(IORING_SETUP_DEFER_TASKRUN),
    C(IORING_OP_NOP), C(IORING_OP_READV), C(IORING_OP_WRITEV), C(IORING_OP_FSYNC),
    C(IORING_OP_READ_FIXED), C(IORING_OP_WRITE_FIXED), C(IORING_OP_POLL_ADD), C(IORING_OP_POLL_REMOVE),
    C(IORING_OP_SYNC_FILE_RANGE), C(IORING_OP_SENDMSG), C(IORING_OP_RECVMSG), C(IORING_OP_TIMEOUT),
    C(IORING_OP_TIMEOUT_REMOVE), C(IORING_OP_ACCEPT), C(IORING_OP_ASYNC_CANCEL), C(IORING_OP_LINK_TIMEOUT),
    C(IORING_OP_CONNECT), C(IORING_OP_FALLOCATE), C(IORING_OP_OPENAT), C(IORING_OP_CLOSE),
    C(IORING_OP_FILES_UPDATE), C(IORING_OP_STATX), C(IORING_OP_READ), C(IORING_OP_WRITE),
    C(IORING_OP_FADVISE), C(IORING_OP_MADVISE), C(IORING_OP_SEND), C(IORING_OP_RECV),
    C(IORING_OP_OPENAT2), C(IORING_OP_EPOLL_CTL), C(IORING_OP_SPLICE), C(IORING_OP_PROVIDE_BUFFERS),
    C(IORING_OP_REMOVE_BUFFERS), C(IORING_OP_TEE), C(IORING_OP_SHUTDOWN), C(IORING_OP_RENAMEAT),
    C(IORING_OP_UNLINKAT), C(IORING_OP_MKDIRAT), C(IORING_OP_SYMLINKAT), C(IORING_OP_LINKAT),
    C(IORING_OP_MSG_RING), C(IORING_OP_FSETXATTR), C(IORING_OP_SETXATTR), C(IORING_OP_FGETXATTR),
    C(IORING_OP_GETXATTR), C(IORING_OP_SOCKET), C(IORING_OP_URING_CMD), C(IORING_OP_SEND_ZC),
    C(IORING_OP_SENDMSG_ZC), C(IORING_OP_LAST),
    C(IORING_FEAT_SINGLE_MMAP), C(IORING_FEAT_NODROP), C(IORING_FEAT_SUBMIT_STABLE), C(IORING_FEAT_RW_CUR_POS),
    C(IORING_FEAT_CUR_PERSONALITY), C(IORING_FEAT_FAST_POLL), C(IORING_FEAT_POLL_32BITS), C(IORING_FEAT_SQPOLL_NONFIXED),
    C(IORING_FEAT_EXT_ARG), C(IORING_FEAT_NATIVE_WORKERS), C(IORING_FEAT_RSRC_TAGS), C(IORING_FEAT_CQE_SKIP),
    C(IORING_FEAT_LINKED_FILE),
    C(IOSQE_FIXED_FILE), C(IOSQE_IO_DRAIN), C(IOSQE_IO_LINK), C(IOSQE_IO_HARDLINK),
    C(IOSQE_ASYNC), C(IOSQE_BUFFER_SELECT), C(IOSQE_CQE_SKIP_SUCCESS),
    C(IORING_CQE_F_BUFFER), C(IORING_CQE_F_MORE), C(IORING_CQE_F_SOCK_NONEMPTY),
    C(IORING_CQE_F_NOTIF), C(IORING_CQE_BUFFER_SHIFT),
    C(IORING_SQ_NEED_WAKEUP), C(IORING_SQ_CQ_OVERFLOW), C(IORING_SQ_TASKRUN),
    C(IORING_CQ_EVENTFD_DISABLED),
    C(IORING_ENTER_GETEVENTS), C(IORING_ENTER_SQ_WAKEUP), C(IORING_ENTER_SQ_WAIT),
    C(IORING_ENTER_EXT_ARG), C(IORING_ENTER_REGISTERED_RING),
    C(IORING_POLL_ADD_MULTI), C(IORING_POLL_UPDATE_EVENTS), C(IORING_POLL_UPDATE_USER_DATA),
    C(IORING_POLL_ADD_LEVEL),
    C(IORING_TIMEOUT_ABS), C(IORING_TIMEOUT_UPDATE), C(IORING_TIMEOUT_BOOTTIME),
    C(IORING_TIMEOUT_REALTIME), C(IORING_LINK_TIMEOUT_UPDATE), C(IORING_TIMEOUT_ETIME_SUCCESS),
    C(IORING_ASYNC_CANCEL_ALL), C(IORING_ASYNC_CANCEL_FD), C(IORING_ASYNC_CANCEL_ANY),
    C(IORING_ASYNC_CANCEL_FD_FIXED), C(IORING_ASYNC_CANCEL_USERDATA), C(IORING_ASYNC_CANCEL_OP),
    C(IORING_RECVSEND_POLL_FIRST), C(IORING_RECV_MULTISHOT), C(IORING_RECVSEND_FIXED_BUF),
    C(IORING_ACCEPT_MULTISHOT),
    C(IORING_REGISTER_PROBE), C(IORING_REGISTER_ENABLE_RINGS), C(IORING_REGISTER_PBUF_RING),
    C(IORING_UNREGISTER_PBUF_RING), C(IO_URING_OP_SUPPORTED),
    { "sizeof.io_uring_params", (long long) sizeof(struct io_uring_params) },
    { "offsetof.io_uring_params.sq_entries", (long long) offsetof(struct io_uring_params, sq_entries) },
    { "offsetof.io_uring_params.cq_entries", (long long) offsetof(struct io_uring_params, cq_entries) },
    { "offsetof.io_uring_params.flags", (long long) offsetof(struct io_uring_params, flags) },
    { "offsetof.io_uring_params.sq_thread_cpu", (long long) offsetof(struct io_uring_params, sq_thread_cpu) },
    { "offsetof.io_uring_params.sq_thread_idle", (long long) offsetof(struct io_uring_params, sq_thread_idle) },
    { "offsetof.io_uring_params.features", (long long) offsetof(struct io_uring_params, features) },
    { "offsetof.io_uring_params.wq_fd", (long long) offsetof(struct io_uring_params, wq_fd) },
    { "offsetof.io_uring_params.sq_off.head", (long long) offsetof(struct io_uring_params, sq_off.head) },
    { "offsetof.io_uring_params.sq_off.tail", (long long) offsetof(struct io_uring_params, sq_off.tail) },
    { "offsetof.io_uring_params.sq_off.ring_mask", (long long) offsetof(struct io_uring_params, sq_off.ring_mask) },
    { "offsetof.io_uring_params.sq_off.ring_entries", (long long) offsetof(struct io_uring_params, sq_off.ring_entries) },
    { "offsetof.io_uring_params.sq_off.flags", (long long) offsetof(struct io_uring_params, sq_off.flags) },
    { "offsetof.io_uring_params.sq_off.dropped", (long long) offsetof(struct io_uring_params, sq_off.dropped) },
    { "offsetof.io_uring_params.sq_off.array", (long long) offsetof(struct io_uring_params, sq_off.array) },
    { "offsetof.io_uring_params.cq_off.head", (long long) offsetof(struct io_uring_params, cq_off.head) },
    { "offsetof.io_uring_params.cq_off.tail", (long long) offsetof(struct io_uring_params, cq_off.tail) },
    { "offsetof.io_uring_params.cq_off.ring_mask", (long long) offsetof(struct io_uring_params, cq_off.ring_mask) },
    { "offsetof.io_uring_params.cq_off.ring_entries", (long long) offsetof(struct io_uring_params, cq_off.ring_entries) },
    { "offsetof.io_uring_params.cq_off.overflow", (long long) offsetof(struct io_uring_params, cq_off.overflow) },
    { "offsetof.io_uring_params.cq_off.cqes", (long long) offsetof(struct io_uring_params, cq_off.cqes) },
    { "offsetof.io_uring_params.cq_off.flags", (long long) offsetof(struct io_uring_params, cq_off.flags) },
    { "sizeof.io_uring_sqe", (long long) sizeof(struct io_uring_sqe) },
    { "offsetof.io_uring_sqe.opcode", (long long) offsetof(struct io_uring_sqe, opcode) },
    { "offsetof.io_uring_sqe.flags", (long long) offsetof(struct io_uring_sqe, flags) },
    { "offsetof.io_uring_sqe.ioprio", (long long) offsetof(struct io_uring_sqe, ioprio) },
    { "offsetof.io_uring_sqe.fd", (long long) offsetof(struct io_uring_sqe, fd) },
    { "offsetof.io_uring_sqe.off", (long long) offsetof(struct io_uring_sqe, off) },
    { "offsetof.io_uring_sqe.addr", (long long) offsetof(struct io_uring_sqe, addr) },
    { "offsetof.io_uring_sqe.len", (long long) offsetof(struct io_uring_sqe, len) },
    { "offsetof.io_uring_sqe.rw_flags", (long long) offsetof(struct io_uring_sqe, rw_flags) },
    { "offsetof.io_uring_sqe.poll32_events", (long long) offsetof(struct io_uring_sqe, poll32_events) },
    { "offsetof.io_uring_sqe.user_data", (long long) offsetof(struct io_uring_sqe, user_data) },
    { "offsetof.io_uring_sqe.buf_group", (long long) offsetof(struct io_uring_sqe, buf_group) },
    { "offsetof.io_uring_sqe.personality", (long long) offsetof(struct io_uring_sqe, personality) },
    { "offsetof.io_uring_sqe.file_index", (long long) offsetof(struct io_uring_sqe, file_index) },
    { "offsetof.io_uring_sqe.addr3", (long long) offsetof(struct io_uring_sqe, addr3) },
    { "sizeof.io_uring_cqe", (long long) sizeof(struct io_uring_cqe) },
    { "offsetof.io_uring_cqe.user_data", (long long) offsetof(struct io_uring_cqe, user_data) },
    { "offsetof.io_uring_cqe.res", (long long) offsetof(struct io_uring_cqe, res) },
    { "offsetof.io_uring_cqe.flags", (long long) offsetof(struct io_uring_cqe, flags) },
    { "sizeof.io_uring_buf", (long long) sizeof(struct io_uring_buf) },
    { "offsetof.io_uring_buf.addr", (long long) offsetof(struct io_uring_buf, addr) },
    { "offsetof.io_uring_buf.len", (long long) offsetof(struct io_uring_buf, len) },
    { "offsetof.io_uring_buf.bid", (long long) offsetof(struct io_uring_buf, bid) },
    { "offsetof.io_uring_buf_ring.tail", (long long) offsetof(struct io_uring_buf_ring, tail) },
    { "sizeof.io_uring_buf_reg", (long long) sizeof(struct io_uring_buf_reg) },
    { "offsetof.io_uring_buf_reg.ring_addr", (long long) offsetof(struct io_uring_buf_reg, ring_addr) },
    { "offsetof.io_uring_buf_reg.ring_entries", (long long) offsetof(struct io_uring_buf_reg, ring_entries) },
    { "offsetof.io_uring_buf_reg.bgid", (long long) offsetof(struct io_uring_buf_reg, bgid) },
    { "sizeof.io_uring_probe", (long long) sizeof(struct io_uring_probe) },
    { "offsetof.io_uring_probe.last_op", (long long) offsetof(struct io_uring_probe, last_op) },
    { "offsetof.io_uring_probe.ops_len", (long long) offsetof(struct io_uring_probe, ops_len) },
    { "offsetof.io_uring_probe.ops", (long long) offsetof(struct io_uring_probe, ops) },
    { "sizeof.io_uring_probe_op", (long long) sizeof(struct io_uring_probe_op) },
    { "offsetof.io_uring_probe_op.op", (long long) offsetof(struct io_uring_probe_op, op) },
    { "offsetof.io_uring_probe_op.flags", (long long) offsetof(struct io_uring_probe_op, flags) },
    { "sizeof.__kernel_timespec", (long long) sizeof(struct __kernel_timespec) },
    { "offsetof.__kernel_timespec.tv_sec", (long long) offsetof(struct __kernel_timespec, tv_sec) },
    { "offsetof.__kernel_timespec.tv_nsec", (long long) offsetof(struct __kernel_timespec, tv_nsec) },
    { "sizeof.sockaddr_in", (long long) sizeof(struct sockaddr_in) },
    { "offsetof.sockaddr_in.sin_family", (long long) offsetof(struct sockaddr_in, sin_family) },
    { "offsetof.sockaddr_in.sin_port", (long long) offsetof(struct sockaddr_in, sin_port) },
    { "offsetof.sockaddr_in.sin_addr", (long long) offsetof(struct sockaddr_in, sin_addr) },
    { "sizeof.sockaddr_in6", (long long) sizeof(struct sockaddr_in6) },
    { "offsetof.sockaddr_in6.sin6_family", (long long) offsetof(struct sockaddr_in6, sin6_family) },
    { "offsetof.sockaddr_in6.sin6_port", (long long) offsetof(struct sockaddr_in6, sin6_port) },
    { "offsetof.sockaddr_in6.sin6_flowinfo", (long long) offsetof(struct sockaddr_in6, sin6_flowinfo) },
    { "offsetof.sockaddr_in6.sin6_addr", (long long) offsetof(struct sockaddr_in6, sin6_addr) },
    { "offsetof.sockaddr_in6.sin6_scope_id", (long long) offsetof(struct sockaddr_in6, sin6_scope_id) },
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
