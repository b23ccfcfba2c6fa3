/*
 * The owner lifecycle, shared by every object that owns a kernel fd (Epoll,
 * IoUring, ...). See owner.c for the design; this header holds the two
 * inline steps every owned call makes around its syscall.
 *
 *   struct jmux_slot *s = jmux_enter(o);
 *   if (s == NULL) return JMUX_ECLOSED;   // closed before the call started
 *   int r = JMUX_RESULT(epoll_wait(o->fd, ...));  // errno read before leave
 *   jmux_leave(s, o);
 *   return r;
 */
#ifndef JMUX_OWNER_H
#define JMUX_OWNER_H

#include <stdatomic.h>
#include <sys/types.h>

/* Returned by an owned call that found its owner closed: not an errno, so it
 * cannot be mistaken for a kernel answer. Java reads it from the constant table. */
#define JMUX_ECLOSED (-0x40000000)

struct jmux_owner {
    atomic_int closed;   /* 1 once close() has started */
    atomic_int finished; /* 1 once the fd is closed (or, for a view, let go) */
    int fd;
    int owns_fd;
};

/* One per thread that has made an owned call: the owner it is in, or NULL. */
struct jmux_slot {
    _Atomic(struct jmux_owner *) owner;
    pid_t tid;
    atomic_int in_use;
    struct jmux_slot *next;
};

extern _Thread_local struct jmux_slot *jmux_self;
extern int jmux_strong_fences;

struct jmux_slot *jmux_slot_create(void);
int jmux_finish_if_idle(struct jmux_owner *o);

/* Announce "this thread is in a call on o", then check o is still open. The
 * store and the load are ordered by a compiler barrier only: close() pairs it
 * with membarrier(2), which makes every other thread execute a full barrier,
 * so either this thread sees closed, or close() sees this thread's slot. Where
 * membarrier is unavailable, a real fence takes its place. */
static inline struct jmux_slot *jmux_enter(struct jmux_owner *o) {
    struct jmux_slot *s = jmux_self;
    if (__builtin_expect(s == NULL, 0)) {
        s = jmux_slot_create();
        if (s == NULL) {
            return NULL;
        }
    }
    atomic_store_explicit(&s->owner, o, memory_order_relaxed);
    if (__builtin_expect(jmux_strong_fences, 0)) {
        atomic_thread_fence(memory_order_seq_cst);
    } else {
        atomic_signal_fence(memory_order_seq_cst);
    }
    if (__builtin_expect(atomic_load_explicit(&o->closed, memory_order_relaxed), 0)) {
        atomic_store_explicit(&s->owner, NULL, memory_order_relaxed);
        (void) jmux_finish_if_idle(o);
        return NULL;
    }
    return s;
}

/* Leave the call; the last thread to leave a closed owner closes its fd. */
static inline void jmux_leave(struct jmux_slot *s, struct jmux_owner *o) {
    atomic_store_explicit(&s->owner, NULL, memory_order_release);
    if (__builtin_expect(jmux_strong_fences, 0)) {
        atomic_thread_fence(memory_order_seq_cst);
    } else {
        atomic_signal_fence(memory_order_seq_cst);
    }
    if (__builtin_expect(atomic_load_explicit(&o->closed, memory_order_relaxed), 0)) {
        (void) jmux_finish_if_idle(o);
    }
}

#endif
