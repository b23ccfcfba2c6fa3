/* io_uring(7) for io.jmux.IoUringSys: io_uring_setup, the three mmaps (and
 * munmap, from the Java Cleaner only), io_uring_enter and io_uring_register.
 * Nothing else: SQEs are filled and CQEs reaped by Java over the mapped
 * memory, with the acquire/release ordering io_uring(7) prescribes.
 *
 * Raw syscall(2), not liburing: libjmux.so must stay loadable where liburing
 * is not installed (Debian packages it separately), and the three calls are
 * all jmux needs from it. The syscall numbers come with the same kernel
 * headers as <linux/io_uring.h> (Linux 5.1); a running kernel without
 * io_uring answers -ENOSYS, which Java reports as "absent". */
#include "jmux.h"
#include "owner.h"
#include "io_jmux_IoUringSys.h"

#include <linux/io_uring.h>
#include <linux/time_types.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The owner steps of every owned call here: the one place to change when the
 * owner API changes. */
static inline struct jmux_slot *ring_enter(struct jmux_owner *o, jint gen) {
    return jmux_enter(o, (uint32_t) gen);
}

static inline void ring_leave(struct jmux_slot *s, struct jmux_owner *o, jint gen) {
    jmux_leave(s, o, (uint32_t) gen);
}

/* io_uring_setup(entries, params): params is Java-owned direct memory of
 * sizeof(struct io_uring_params) that Java filled and the kernel fills in. */
JNIEXPORT jint JNICALL Java_io_jmux_IoUringSys_setup0(JNIEnv *env, jclass cls, jint entries,
                                                      jlong params) {
    (void) env;
    (void) cls;
    long r = syscall(SYS_io_uring_setup, (unsigned) entries, jmux_ptr(params));
    return (jint) JMUX_RESULT(r);
}

/* Maps the SQ ring, the CQ ring (the same mapping with IORING_FEAT_SINGLE_MMAP)
 * and the SQE array of a ring set up with the params at `params`. Writes six
 * longs at `out`: sq ring address and length, cq ring address and length (0
 * when shared), sqes address and length. 0 or -errno; on failure nothing
 * stays mapped. Called once, on a fresh fd no other thread knows. */
JNIEXPORT jint JNICALL Java_io_jmux_IoUringSys_map0(JNIEnv *env, jclass cls, jint fd,
                                                    jlong params, jlong out) {
    (void) env;
    (void) cls;
    const struct io_uring_params *p = jmux_ptr(params);
    jlong *o = jmux_ptr(out);
    size_t sqe_size = sizeof(struct io_uring_sqe) * ((p->flags & IORING_SETUP_SQE128) ? 2 : 1);
    size_t cqe_size = sizeof(struct io_uring_cqe) * ((p->flags & IORING_SETUP_CQE32) ? 2 : 1);
    size_t sq_len = p->sq_off.array + p->sq_entries * sizeof(__u32);
    size_t cq_len = p->cq_off.cqes + p->cq_entries * cqe_size;
    int single = (p->features & IORING_FEAT_SINGLE_MMAP) != 0;
    if (single && cq_len > sq_len) {
        sq_len = cq_len;
    }
    void *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                    (off_t) IORING_OFF_SQ_RING);
    if (sq == MAP_FAILED) {
        return -errno;
    }
    void *cq = sq;
    if (!single) {
        cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                  (off_t) IORING_OFF_CQ_RING);
        if (cq == MAP_FAILED) {
            int e = errno;
            munmap(sq, sq_len);
            return -e;
        }
    }
    size_t sqes_len = p->sq_entries * sqe_size;
    void *sqes = mmap(NULL, sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                      (off_t) IORING_OFF_SQES);
    if (sqes == MAP_FAILED) {
        int e = errno;
        munmap(sq, sq_len);
        if (!single) {
            munmap(cq, cq_len);
        }
        return -e;
    }
    o[0] = (jlong) (intptr_t) sq;
    o[1] = (jlong) sq_len;
    o[2] = (jlong) (intptr_t) cq;
    o[3] = single ? 0 : (jlong) cq_len;
    o[4] = (jlong) (intptr_t) sqes;
    o[5] = (jlong) sqes_len;
    return 0;
}

/* A direct ByteBuffer over mapped ring memory, made once per mapping at setup.
 * It frees nothing: the IoUring's Cleaner unmaps, once the IoUring (which
 * alone holds these buffers) is unreachable. */
JNIEXPORT jobject JNICALL Java_io_jmux_IoUringSys_wrap0(JNIEnv *env, jclass cls, jlong address,
                                                        jlong length) {
    (void) cls;
    return (*env)->NewDirectByteBuffer(env, jmux_ptr(address), length);
}

/* munmap, from the Cleaner only: no Java access or call can be in flight. */
JNIEXPORT jint JNICALL Java_io_jmux_IoUringSys_unmap0(JNIEnv *env, jclass cls, jlong address,
                                                      jlong length) {
    (void) env;
    (void) cls;
    int r = munmap(jmux_ptr(address), (size_t) length);
    return JMUX_RESULT(r);
}

JNIEXPORT jlong JNICALL Java_io_jmux_IoUringSys_pageSize0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jlong) sysconf(_SC_PAGESIZE);
}

/* io_uring_enter(fd, to_submit, min_complete, flags, ...). A timeout >= 0
 * goes in a struct io_uring_getevents_arg (IORING_ENTER_EXT_ARG, Linux 5.11);
 * a negative one waits without a timeout (no argument). */
JNIEXPORT jint JNICALL Java_io_jmux_IoUringSys_enter0(JNIEnv *env, jclass cls, jlong owner,
                                                      jint gen, jint toSubmit, jint minComplete,
                                                      jint flags, jlong timeoutNanos) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = ring_enter(o, gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    long r;
    if (timeoutNanos >= 0) {
        struct __kernel_timespec ts = { .tv_sec = timeoutNanos / 1000000000,
                                        .tv_nsec = timeoutNanos % 1000000000 };
        struct io_uring_getevents_arg arg = { .sigmask = 0, .sigmask_sz = _NSIG / 8,
                                              .ts = (__u64) (uintptr_t) &ts };
        r = syscall(SYS_io_uring_enter, o->fd, (unsigned) toSubmit, (unsigned) minComplete,
                    (unsigned) flags | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
    } else {
        r = syscall(SYS_io_uring_enter, o->fd, (unsigned) toSubmit, (unsigned) minComplete,
                    (unsigned) flags, NULL, (size_t) (_NSIG / 8));
    }
    r = JMUX_RESULT(r);
    ring_leave(s, o, gen);
    return (jint) r;
}

/* io_uring_register(fd, opcode, arg, nr_args): arg is 0 or Java-owned direct
 * memory sized for the opcode (Java offers only opcodes whose argument it
 * lays out). */
JNIEXPORT jint JNICALL Java_io_jmux_IoUringSys_register0(JNIEnv *env, jclass cls, jlong owner,
                                                         jint gen, jint opcode, jlong arg,
                                                         jint nrArgs) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(owner);
    struct jmux_slot *s = ring_enter(o, gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    long r = syscall(SYS_io_uring_register, o->fd, (unsigned) opcode, jmux_ptr(arg),
                     (unsigned) nrArgs);
    r = JMUX_RESULT(r);
    ring_leave(s, o, gen);
    return (jint) r;
}
