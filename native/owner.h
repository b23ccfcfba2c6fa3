/*
 * The owner lifecycle, shared by every object that owns a kernel fd (Epoll,
 * IoUring, ...). See owner.c for the design; this header holds the two
 * inline steps every owned call makes around its syscall.
 *
 *   struct jmux_slot *s = jmux_enter(o, gen);
 *   if (s == NULL) return JMUX_ECLOSED;   // closed before the call started
 *   int r = JMUX_RESULT(epoll_wait(o->fd, ...));  // errno read before leave
 *   jmux_leave(s, o, gen);
 *   return r;
 *
 * An owner struct is recycled for a new Java owner as soon as the old one is
 * closed and idle; the generation that Java passes with every call tells a
 * late call on the old owner from a call on the new one.
 */
#ifndef JMUX_OWNER_H
#define JMUX_OWNER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Returned by an owned call that found its owner closed: not an errno, so it
 * cannot be mistaken for a kernel answer. Java reads it from the constant table. */
#define JMUX_ECLOSED (-0x40000000)

/* The state word: generation << 2 | FINISHED | CLOSED. One word, so that a
 * stale operation on a recycled struct (an old generation) cannot succeed. */
#define JMUX_CLOSED 1u
#define JMUX_FINISHED 2u
#define JMUX_GEN(word) ((uint32_t) ((word) >> 2))

struct jmux_owner {
    _Atomic uint64_t word;
    int fd;
    int owns_fd;
    struct jmux_owner *next_free; /* the pool's link while unused */
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
int jmux_finish_if_idle(struct jmux_owner *o, uint32_t gen);

static inline void jmux_order_store_load(void) {
    if (__builtin_expect(jmux_strong_fences, 0)) {
        atomic_thread_fence(memory_order_seq_cst);
    } else {
        atomic_signal_fence(memory_order_seq_cst);
    }
}

/* True if the word says: this generation, and closed (or another generation). */
static inline int jmux_closed_for(uint64_t word, uint32_t gen) {
    return JMUX_GEN(word) != gen || (word & JMUX_CLOSED) != 0;
}

/* Announce "this thread is in a call on o", then check o is still open for
 * this generation. The store and the load are ordered by a compiler barrier
 * only: close() pairs it with membarrier(2), which makes every other thread
 * execute a full barrier, so either this thread sees closed, or close() sees
 * this thread's slot. Where membarrier is unavailable, a real fence is used. */
static inline struct jmux_slot *jmux_enter(struct jmux_owner *o, uint32_t gen) {
    struct jmux_slot *s = jmux_self;
    if (__builtin_expect(s == NULL, 0)) {
        s = jmux_slot_create();
        if (s == NULL) {
            return NULL;
        }
    }
    atomic_store_explicit(&s->owner, o, memory_order_relaxed);
    jmux_order_store_load();
    uint64_t word = atomic_load_explicit(&o->word, memory_order_acquire);
    if (__builtin_expect(jmux_closed_for(word, gen), 0)) {
        atomic_store_explicit(&s->owner, NULL, memory_order_release);
        /* Our slot may have held up a closer, also of a newer owner that reuses
         * this struct (and closed it after our load): read the word again after
         * retracting, as leave does, and finish for the generation closing. */
        jmux_order_store_load();
        word = atomic_load_explicit(&o->word, memory_order_acquire);
        if ((word & (JMUX_CLOSED | JMUX_FINISHED)) == JMUX_CLOSED) {
            (void) jmux_finish_if_idle(o, JMUX_GEN(word));
        }
        return NULL;
    }
    return s;
}

/* Leave the call; the last thread to leave a closed owner closes its fd. */
static inline void jmux_leave(struct jmux_slot *s, struct jmux_owner *o, uint32_t gen) {
    atomic_store_explicit(&s->owner, NULL, memory_order_release);
    jmux_order_store_load();
    uint64_t word = atomic_load_explicit(&o->word, memory_order_acquire);
    (void) gen; /* cannot change while this call is in flight: finish waits for it */
    if (__builtin_expect((word & (JMUX_CLOSED | JMUX_FINISHED)) == JMUX_CLOSED, 0)) {
        (void) jmux_finish_if_idle(o, JMUX_GEN(word));
    }
}

#endif
