/*
 * The owner lifecycle for io.jmux.Owner: exactly-once close of an fd that
 * calls may be using, a close that wakes the threads blocked on it, and a
 * per-call cost of a few plain loads and stores.
 *
 * Why not a reference count: an atomic increment and decrement around every
 * call cost 11-17 ns on the VMs jmux is measured on, more than the JNI call.
 * Instead each thread announces the owner it is in through a slot of its own
 * (a plain store), and close() pays for the ordering with membarrier(2)
 * (Linux 4.14), which runs a full barrier on every CPU this process uses; the
 * same asymmetric-fence idea as userspace RCU.
 *
 * Waking: close() sends each thread found in a call on this owner the JDK's
 * own wake-up signal (__SIGRTMAX - 2, which NIO sends to threads blocked in
 * I/O), with a handler that does nothing and no SA_RESTART, so the syscall
 * returns EINTR and Java's retry loop sees the closed state. Nothing is done
 * to the kernel object, so other holders of it (a dup, an outer epoll, a
 * child after fork) see nothing, and no fd is needed at close time. A signal
 * that lands just before the thread enters the syscall is lost, so close()
 * signals again, backing off, until the thread leaves; after a bounded time
 * it stops and the last thread to leave closes the fd.
 */
#include "jmux.h"
#include "owner.h"
#include "signals.h"
#include "io_jmux_Owner.h"

#include <linux/membarrier.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WAKE_SIGNAL JMUX_WAKE_SIGNAL /* __SIGRTMAX - 2, see signals.h */

_Thread_local struct jmux_slot *jmux_self;
int jmux_strong_fences = 1; /* until init() has registered for membarrier */

/* Slots are never freed, only reused, so a scan needs no lock. */
static _Atomic(struct jmux_slot *) slots;

static void no_op_handler(int sig) {
    (void) sig;
}

/* A thread-exit destructor marks the slot free for reuse. glibc 2.34 moved
 * the pthread functions into libc under a new symbol version; binding the
 * old one keeps libjmux.so loadable on the glibc versions it supports. */
#if defined(__x86_64__)
__asm__(".symver pthread_key_create,pthread_key_create@GLIBC_2.2.5");
__asm__(".symver pthread_setspecific,pthread_setspecific@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver pthread_key_create,pthread_key_create@GLIBC_2.17");
__asm__(".symver pthread_setspecific,pthread_setspecific@GLIBC_2.17");
#endif

static pthread_key_t slot_key;
static atomic_int slot_key_state; /* 0: not made, 1: being made, 2: made, 3: failed */

static void slot_release(void *arg) {
    struct jmux_slot *s = arg;
    atomic_store(&s->owner, NULL);
    atomic_store(&s->in_use, 0);
}

struct jmux_slot *jmux_slot_create(void) {
    pid_t tid = (pid_t) syscall(SYS_gettid);
    struct jmux_slot *s;
    for (s = atomic_load(&slots); s != NULL; s = s->next) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&s->in_use, &expected, 1)) {
            break;
        }
    }
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL) {
            return NULL;
        }
        atomic_store(&s->in_use, 1);
        struct jmux_slot *head = atomic_load(&slots);
        do {
            s->next = head;
        } while (!atomic_compare_exchange_weak(&slots, &head, s));
    }
    s->tid = tid;
    if (atomic_load(&slot_key_state) == 2) {
        pthread_setspecific(slot_key, s); /* a failure only means no reuse */
    }
    jmux_self = s;
    return s;
}

static int any_slot_in(struct jmux_owner *o) {
    for (struct jmux_slot *s = atomic_load(&slots); s != NULL; s = s->next) {
        if (atomic_load(&s->owner) == o) {
            return 1;
        }
    }
    return 0;
}

#define NOT_FINISHED 1 /* a thread is still in a call (or another caller finished) */
#define NOT_OWNED 2     /* finished, but the fd belongs to someone else */
#define ALREADY_CLOSED 3

static void pool_give(struct jmux_owner *o);

/*
 * Called after a store that may have been the last obstacle: once no thread
 * is in a call on o, closes the fd of generation gen exactly once (the CAS
 * on the whole word fails for any other generation or a second caller), then
 * recycles the struct under the next generation. Runs only on the (rare)
 * closed path, so it pays for a real fence. Returns close's 0 or -errno if
 * this call closed the fd, else NOT_FINISHED or NOT_OWNED.
 */
int jmux_finish_if_idle(struct jmux_owner *o, uint32_t gen) {
    atomic_thread_fence(memory_order_seq_cst);
    if (any_slot_in(o)) {
        return NOT_FINISHED; /* that thread finishes when it leaves */
    }
    uint64_t expected = ((uint64_t) gen << 2) | JMUX_CLOSED;
    if (!atomic_compare_exchange_strong(&o->word, &expected, expected | JMUX_FINISHED)) {
        return NOT_FINISHED;
    }
    int r = NOT_OWNED;
    if (o->owns_fd) {
        r = close(o->fd);
        r = JMUX_RESULT(r);
    }
    /* Late calls of generation gen now fail their check (closed, or a newer
     * generation); none is in flight. The pooled word is closed AND finished:
     * a late call that sees it must not take it for "generation gen + 1,
     * closed, waiting to be finished", or it would close o->fd a second time
     * and give the struct to the pool twice (two owners on one struct). */
    atomic_store(&o->word, ((uint64_t) (gen + 1) << 2) | JMUX_CLOSED | JMUX_FINISHED);
    pool_give(o);
    return r;
}

/* A full barrier on every thread of this process. */
static void barrier_all_threads(void) {
    if (jmux_strong_fences
        || syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
        atomic_thread_fence(memory_order_seq_cst); /* callers fenced on entry */
    }
}

/* Signals every thread in a call on o until none is, for at most ~100 ms. */
static void wake_threads_in(struct jmux_owner *o) {
    pid_t pid = getpid();
    long pause_ns = 10000;
    long waited_ns = 0;
    while (waited_ns < 100000000L) {
        int found = 0;
        for (struct jmux_slot *s = atomic_load(&slots); s != NULL; s = s->next) {
            if (atomic_load(&s->owner) == o) {
                found = 1;
                syscall(SYS_tgkill, pid, s->tid, WAKE_SIGNAL);
            }
        }
        if (!found) {
            return;
        }
        struct timespec ts = { 0, pause_ns };
        nanosleep(&ts, NULL);
        waited_ns += pause_ns;
        pause_ns = pause_ns < 10000000L ? pause_ns * 2 : pause_ns;
    }
}

/*
 * Registers for membarrier unless told not to (the fallback is also what a
 * kernel or seccomp policy without it gets), and installs the no-op wake-up
 * handler unless one is installed already (the JDK's is the same). Returns
 * 1 if membarrier is in use, 0 if the fenced fallback is, or -errno if the
 * handler could not be installed.
 */
JNIEXPORT jint JNICALL Java_io_jmux_Owner_init0(JNIEnv *env, jclass cls, jboolean useMembarrier) {
    (void) env;
    (void) cls;
    struct sigaction old;
    if (sigaction(WAKE_SIGNAL, NULL, &old) != 0) {
        return -errno;
    }
    if (!(old.sa_flags & SA_SIGINFO)
        && (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)) {
        struct sigaction sa = { .sa_handler = no_op_handler, .sa_flags = 0 };
        sigemptyset(&sa.sa_mask);
        if (sigaction(WAKE_SIGNAL, &sa, NULL) != 0) {
            return -errno;
        }
    }
    int expected = 0;
    if (atomic_compare_exchange_strong(&slot_key_state, &expected, 1)) {
        atomic_store(&slot_key_state, pthread_key_create(&slot_key, slot_release) == 0 ? 2 : 3);
    }
    if (useMembarrier
        && syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0) {
        jmux_strong_fences = 0;
        return 1;
    }
    jmux_strong_fences = 1;
    return 0;
}

/*
 * Owners are never returned to malloc: a late call may still read a struct
 * after its owner closed, and the generation check makes that harmless only
 * while the memory stays an owner. Closed, idle owners wait here for reuse,
 * so the pool holds at most as many structs as were ever open at once. A
 * spinlock is enough: create and recycle run once per owner.
 */
static atomic_flag pool_lock = ATOMIC_FLAG_INIT;
static struct jmux_owner *pool;

static void pool_lock_take(void) {
    while (atomic_flag_test_and_set_explicit(&pool_lock, memory_order_acquire)) {
    }
}

static struct jmux_owner *pool_take(void) {
    pool_lock_take();
    struct jmux_owner *o = pool;
    if (o != NULL) {
        pool = o->next_free;
    }
    atomic_flag_clear_explicit(&pool_lock, memory_order_release);
    return o;
}

static void pool_give(struct jmux_owner *o) {
    pool_lock_take();
    o->next_free = pool;
    pool = o;
    atomic_flag_clear_explicit(&pool_lock, memory_order_release);
}

/* A new owner of fd, or 0 if out of memory. The generation is read back
 * with gen0. */
JNIEXPORT jlong JNICALL Java_io_jmux_Owner_create0(JNIEnv *env, jclass cls, jint fd,
                                                   jboolean ownsFd) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = pool_take();
    if (o == NULL) {
        o = calloc(1, sizeof *o);
        if (o == NULL) {
            return 0;
        }
    }
    o->fd = fd;
    o->owns_fd = ownsFd ? 1 : 0;
    uint32_t gen = JMUX_GEN(atomic_load(&o->word));
    atomic_store(&o->word, (uint64_t) gen << 2); /* open; publishes fd and owns_fd */
    return (jlong) (intptr_t) o;
}

/* The generation a fresh owner got: Java passes it with every call. */
JNIEXPORT jint JNICALL Java_io_jmux_Owner_gen0(JNIEnv *env, jclass cls, jlong address) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(address);
    return (jint) JMUX_GEN(atomic_load(&o->word));
}

/* Marks generation gen of o closed, wakes the threads in calls on it and
 * closes the fd once they have left. Returns close's 0 or -errno if this call
 * closed the fd; NOT_FINISHED (1) if a call is still in flight (its thread
 * closes the fd); NOT_OWNED (2) for a view; ALREADY_CLOSED (3). */
JNIEXPORT jint JNICALL Java_io_jmux_Owner_close0(JNIEnv *env, jclass cls, jlong address, jint gen) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(address);
    uint64_t open = (uint64_t) (uint32_t) gen << 2;
    if (!atomic_compare_exchange_strong(&o->word, &open, open | JMUX_CLOSED)) {
        return ALREADY_CLOSED;
    }
    barrier_all_threads();
    wake_threads_in(o);
    return jmux_finish_if_idle(o, (uint32_t) gen);
}

/* The Cleaner's action once the Java owner is unreachable, so no call of its
 * can be in flight: closes the fd if nobody did, and recycles the struct. A
 * struct already recycled (a newer generation) is left alone. */
JNIEXPORT void JNICALL Java_io_jmux_Owner_free0(JNIEnv *env, jclass cls, jlong address, jint gen) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(address);
    uint64_t open = (uint64_t) (uint32_t) gen << 2;
    if (atomic_compare_exchange_strong(&o->word, &open, open | JMUX_CLOSED)) {
        (void) jmux_finish_if_idle(o, (uint32_t) gen);
    }
    /* else: closed explicitly; the closer or the last call finished (or will:
     * a closed owner whose calls are all gone was finished by the last one). */
}

/* The bare cost of an owned call: enter and leave around no syscall. */
JNIEXPORT jint JNICALL Java_io_jmux_Owner_noop0(JNIEnv *env, jclass cls, jlong address, jint gen,
                                                jint value) {
    (void) env;
    (void) cls;
    struct jmux_owner *o = jmux_ptr(address);
    struct jmux_slot *s = jmux_enter(o, (uint32_t) gen);
    if (s == NULL) {
        return JMUX_ECLOSED;
    }
    jmux_leave(s, o, (uint32_t) gen);
    return value;
}
