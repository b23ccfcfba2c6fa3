/*
 * jmux-ctwin: the JMH scenarios of benchmarks/src/main/java written as plain C,
 * so each jmux figure can be reported as a ratio to C measured in the same run.
 *
 * Every scenario does what its Java twin does, step for step: the same fds (N
 * non-blocking eventfds numbered from FD_BASE up, the first `ready` of them
 * readable), the same syscall with timeout 0, and the same walk over the result
 * to find the ready fds, whose sum is checked against the expected one so a
 * broken scenario stops the run instead of timing the wrong thing.
 *
 * Timing mirrors JMH's AverageTime mode: warm-up iterations, then measured
 * iterations of a fixed wall time each, every op run in a tight loop and the
 * clock (CLOCK_MONOTONIC) read once per batch of ops. Each iteration's ns/op is
 * written out raw; the report tool computes mean and error with JMH's own
 * statistics, so C and Java figures carry the same kind of error bar.
 *
 * The process runs with one idle thread besides the measuring one (--idle-threads), as
 * every JVM is multi-threaded: see start_idle_threads for why the kernel cares.
 *
 * usage: jmux-ctwin --scenarios a,b --n 1,100 --ready 0,1,all
 *                   [--warmup 2] [--iterations 5] [--time-ms 1000] [--idle-threads 1]
 *                   [--out file.json]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The Java twins number their fds from the same base, so select sees the same nfds
 * in both processes even though a JVM has more fds open than this program. */
#define FD_BASE 256
#define MAX_LIST 32

struct state {
    int n;                      /* registered fds */
    int ready;                  /* the first `ready` fds are readable */
    int *fds;
    long long ready_sum;        /* sum of the ready fds: what every wait must find */
    int epfd;
    struct epoll_event *events; /* n entries: maxevents = n */
    struct pollfd *pfds;
    uint64_t *interest;         /* select: the fds to watch */
    uint64_t *work;             /* select: the copy the kernel overwrites */
    size_t words;
    int nfds;
    int extra_fd;               /* epoll_ctl_add_del: the fd added and removed */
    int counter;
    struct ring *ring;          /* io_uring scenarios */
};

/* An io_uring instance with its rings mapped by hand (raw syscalls, no liburing), as
 * io.jmux.IoUring maps them: pointers into the shared memory, and the local SQ tail and
 * CQ head that only this thread writes. */
struct ring {
    int fd;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned sq_local_tail, cq_local_head;
    void *ring_mem, *sqe_mem;
    size_t ring_size, sqe_size;
};

static void ring_close(struct ring *r);

typedef long long (*op_fn)(struct state *st);

static volatile long long sink; /* results go here so no op can be optimised away */

static void die(const char *what) {
    fprintf(stderr, "jmux-ctwin: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void fail(const char *scenario, int count, long long sum, const struct state *st) {
    fprintf(stderr, "jmux-ctwin: %s n=%d ready=%d: found %d fds summing to %lld, expected %d"
            " summing to %lld\n", scenario, st->n, st->ready, count, sum, st->ready, st->ready_sum);
    exit(1);
}

static void check(const char *scenario, const struct state *st, int count, long long sum) {
    if (count != st->ready || sum != st->ready_sum) {
        fail(scenario, count, sum, st);
    }
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- fds ---- */

static int eventfd_at_base(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        die("eventfd");
    }
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, FD_BASE);
    if (moved < 0) {
        die("fcntl(F_DUPFD_CLOEXEC)");
    }
    close(fd);
    return moved;
}

static void open_fds(struct state *st) {
    st->fds = calloc((size_t) st->n, sizeof(int));
    if (st->fds == NULL) {
        die("calloc");
    }
    st->ready_sum = 0;
    for (int i = 0; i < st->n; i++) {
        st->fds[i] = eventfd_at_base();
        if (i < st->ready) {
            if (eventfd_write(st->fds[i], 1) < 0) {
                die("eventfd_write");
            }
            st->ready_sum += st->fds[i];
        }
    }
    st->extra_fd = -1;
    st->epfd = -1;
}

static void close_all(struct state *st) {
    for (int i = 0; i < st->n; i++) {
        close(st->fds[i]);
    }
    if (st->epfd >= 0) {
        close(st->epfd);
    }
    if (st->extra_fd >= 0) {
        close(st->extra_fd);
    }
    if (st->ring != NULL) {
        ring_close(st->ring);
        free(st->ring);
    }
    free(st->fds);
    free(st->events);
    free(st->pfds);
    free(st->interest);
    free(st->work);
}

/* ---- io_uring, by hand: io_uring_setup, the two mmaps, io_uring_enter ---- */

static void ring_setup(struct ring *r, unsigned entries, unsigned cq_entries) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = cq_entries;
    r->fd = (int) syscall(SYS_io_uring_setup, entries, &p);
    if (r->fd < 0) {
        die("io_uring_setup");
    }
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
        fprintf(stderr, "jmux-ctwin: io_uring without IORING_FEAT_SINGLE_MMAP (Linux < 5.4)\n");
        exit(1);
    }
    size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    r->ring_size = sq_size > cq_size ? sq_size : cq_size;
    r->ring_mem = mmap(NULL, r->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                       IORING_OFF_SQ_RING);
    if (r->ring_mem == MAP_FAILED) {
        die("mmap(IORING_OFF_SQ_RING)");
    }
    r->sqe_size = p.sq_entries * sizeof(struct io_uring_sqe);
    r->sqe_mem = mmap(NULL, r->sqe_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                      IORING_OFF_SQES);
    if (r->sqe_mem == MAP_FAILED) {
        die("mmap(IORING_OFF_SQES)");
    }
    char *m = r->ring_mem;
    r->sq_head = (unsigned *) (m + p.sq_off.head);
    r->sq_tail = (unsigned *) (m + p.sq_off.tail);
    r->sq_mask = (unsigned *) (m + p.sq_off.ring_mask);
    r->sq_array = (unsigned *) (m + p.sq_off.array);
    r->cq_head = (unsigned *) (m + p.cq_off.head);
    r->cq_tail = (unsigned *) (m + p.cq_off.tail);
    r->cq_mask = (unsigned *) (m + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (m + p.cq_off.cqes);
    r->sqes = r->sqe_mem;
    r->sq_local_tail = *r->sq_tail;
    r->cq_local_head = *r->cq_head;
}

static void ring_close(struct ring *r) {
    close(r->fd);
    munmap(r->sqe_mem, r->sqe_size);
    munmap(r->ring_mem, r->ring_size);
}

/* A zeroed SQE at the local tail, or NULL if the SQ is full. */
static struct io_uring_sqe *ring_sqe(struct ring *r) {
    unsigned head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
    if (r->sq_local_tail - head > *r->sq_mask) {
        return NULL;
    }
    unsigned index = r->sq_local_tail & *r->sq_mask;
    struct io_uring_sqe *sqe = &r->sqes[index];
    memset(sqe, 0, sizeof *sqe);
    r->sq_array[index] = index;
    r->sq_local_tail++;
    return sqe;
}

static void prep_poll_add(struct io_uring_sqe *sqe, int fd, unsigned mask, int multishot, uint64_t user_data) {
    sqe->opcode = IORING_OP_POLL_ADD;
    sqe->fd = fd;
    sqe->poll32_events = mask; /* little-endian: no word swap */
    sqe->len = multishot ? IORING_POLL_ADD_MULTI : 0;
    sqe->user_data = user_data;
}

/* Publishes the SQ tail (release) and enters: submit what the kernel has not consumed,
 * and wait for min_complete CQEs. */
static int ring_enter(struct ring *r, unsigned min_complete) {
    __atomic_store_n(r->sq_tail, r->sq_local_tail, __ATOMIC_RELEASE);
    unsigned pending = r->sq_local_tail - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
    int n = (int) syscall(SYS_io_uring_enter, r->fd, pending, min_complete,
                          min_complete ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
    if (n < 0) {
        die("io_uring_enter");
    }
    return n;
}

/* The CQEs ready: an acquire load of the kernel's tail, minus our head. */
static unsigned ring_cq_ready(const struct ring *r) {
    return __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) - r->cq_local_head;
}

static struct io_uring_cqe *ring_cqe(const struct ring *r, unsigned i) {
    return &r->cqes[(r->cq_local_head + i) & *r->cq_mask];
}

/* Passes count CQEs: one release store of the CQ head. */
static void ring_cq_advance(struct ring *r, unsigned count) {
    r->cq_local_head += count;
    __atomic_store_n(r->cq_head, r->cq_local_head, __ATOMIC_RELEASE);
}

/* A multishot POLL_ADD (POLLIN, user_data = the fd) on each of the n fds, as
 * JmuxIoUring.ArmedRing: SQ up to 4096 entries (at least 2), CQ of 2n at least; the CQEs
 * of the ready fds' first readiness reaped. */
static void setup_io_uring(struct state *st, int empty) {
    st->ring = calloc(1, sizeof *st->ring);
    if (empty) {
        ring_setup(st->ring, 1, 2);
        return;
    }
    unsigned sq = 2;
    while (sq < (unsigned) st->n && sq < 4096) {
        sq *= 2;
    }
    unsigned cq = 2 * sq;
    while (cq < 2 * (unsigned) st->n) {
        cq *= 2;
    }
    ring_setup(st->ring, sq, cq);
    for (int i = 0; i < st->n; i++) {
        struct io_uring_sqe *sqe = ring_sqe(st->ring);
        if (sqe == NULL) {
            ring_enter(st->ring, 0);
            sqe = ring_sqe(st->ring);
        }
        prep_poll_add(sqe, st->fds[i], POLLIN, 1, (uint64_t) st->fds[i]);
    }
    ring_enter(st->ring, (unsigned) st->ready);
    unsigned count = ring_cq_ready(st->ring);
    if (count != (unsigned) st->ready) {
        fail("io_uring arming", (int) count, 0, st);
    }
    ring_cq_advance(st->ring, count);
    st->extra_fd = eventfd_at_base();
}

/* ---- setups ---- */

static void setup_epoll(struct state *st, uint32_t flags) {
    st->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epfd < 0) {
        die("epoll_create1");
    }
    for (int i = 0; i < st->n; i++) {
        struct epoll_event ev = { .events = EPOLLIN | flags, .data.u64 = (uint64_t) st->fds[i] };
        if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->fds[i], &ev) < 0) {
            die("epoll_ctl(ADD)");
        }
    }
    st->events = calloc((size_t) st->n, sizeof(struct epoll_event));
    st->extra_fd = eventfd_at_base();
}

static void setup_select(struct state *st) {
    st->nfds = st->fds[st->n - 1] + 1;
    st->words = ((size_t) st->nfds + 63) / 64;
    st->interest = calloc(st->words, sizeof(uint64_t));
    st->work = calloc(st->words, sizeof(uint64_t));
    for (int i = 0; i < st->n; i++) {
        st->interest[st->fds[i] / 64] |= 1ULL << (st->fds[i] % 64);
    }
}

static void setup_poll(struct state *st) {
    st->pfds = calloc((size_t) st->n, sizeof(struct pollfd));
    for (int i = 0; i < st->n; i++) {
        st->pfds[i] = (struct pollfd) { .fd = st->fds[i], .events = POLLIN };
    }
}

/* ---- the ops: one call each of the twins' @Benchmark methods ---- */

__attribute__((noinline)) static int noop_target(int value) {
    __asm__ volatile("");
    return value;
}

/* Called through a volatile pointer so the call is real, as a JNI call is. */
static int (*volatile noop_ptr)(int) = noop_target;

static long long op_noop(struct state *st) {
    return noop_ptr(st->counter++);
}

static long long op_select(struct state *st) {
    memcpy(st->work, st->interest, st->words * sizeof(uint64_t)); /* select overwrites its sets */
    struct timeval tv = { 0, 0 };
    int r = select(st->nfds, (fd_set *) st->work, NULL, NULL, &tv);
    if (r < 0) {
        die("select");
    }
    long long sum = 0;
    for (size_t w = 0; w < st->words; w++) {
        for (uint64_t bits = st->work[w]; bits != 0; bits &= bits - 1) {
            sum += (long long) (w * 64) + __builtin_ctzll(bits);
        }
    }
    check("select", st, r, sum);
    return sum;
}

static long long op_poll(struct state *st) {
    int r = poll(st->pfds, (nfds_t) st->n, 0);
    if (r < 0) {
        die("poll");
    }
    long long sum = 0;
    for (int i = 0; i < st->n; i++) {
        if (st->pfds[i].revents & POLLIN) {
            sum += st->pfds[i].fd;
        }
    }
    check("poll", st, r, sum);
    return sum;
}

/* poll's revents scan alone: the entries hold what one poll returned in setup. */
static long long op_poll_scan(struct state *st) {
    long long sum = 0;
    int count = 0;
    for (int i = 0; i < st->n; i++) {
        if (st->pfds[i].revents & POLLIN) {
            sum += st->pfds[i].fd;
            count++;
        }
    }
    check("poll_scan", st, count, sum);
    return sum;
}

static long long sum_events(const struct state *st, int count) {
    long long sum = 0;
    for (int i = 0; i < count; i++) {
        sum += st->events[i].data.fd;
    }
    return sum;
}

static long long op_epoll_wait(struct state *st) {
    int r = epoll_wait(st->epfd, st->events, st->n, 0);
    if (r < 0) {
        die("epoll_wait");
    }
    long long sum = sum_events(st, r);
    check("epoll_wait", st, r, sum);
    return sum;
}

/* Edge-triggered: each ready fd needs a new edge (an eventfd write) to be reported
 * again, so one op is that write plus the wait, as in the Java twins. */
static long long op_epoll_wait_et(struct state *st) {
    for (int i = 0; i < st->ready; i++) {
        if (eventfd_write(st->fds[i], 1) < 0) {
            die("eventfd_write");
        }
    }
    int r = epoll_wait(st->epfd, st->events, st->n, 0);
    if (r < 0) {
        die("epoll_wait");
    }
    long long sum = sum_events(st, r);
    check("epoll_wait_et", st, r, sum);
    return sum;
}

/* One-shot: each reported fd is disabled until EPOLL_CTL_MOD re-arms it. */
static long long op_epoll_wait_oneshot(struct state *st) {
    int r = epoll_wait(st->epfd, st->events, st->n, 0);
    if (r < 0) {
        die("epoll_wait");
    }
    long long sum = 0;
    for (int i = 0; i < r; i++) {
        int fd = st->events[i].data.fd;
        sum += fd;
        struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = (uint64_t) fd };
        if (epoll_ctl(st->epfd, EPOLL_CTL_MOD, fd, &ev) < 0) {
            die("epoll_ctl(MOD)");
        }
    }
    check("epoll_wait_oneshot", st, r, sum);
    return sum;
}

/* The bare syscall cost, measured at the start of every run so a reader can tell which kind
 * of VM produced the figures (syscall entry and exit differ ~13x between VM kinds):
 * getppid(2) does no work in the kernel, and an epoll_wait(2) with timeout 0 on an empty
 * epoll instance is the cheapest wait there is. */
static long long op_getppid(struct state *st) {
    (void) st;
    return (long long) syscall(SYS_getppid); /* not the libc wrapper: glibc may cache */
}

static long long op_epoll_wait_empty(struct state *st) {
    struct epoll_event ev;
    int r = epoll_wait(st->epfd, &ev, 1, 0);
    if (r != 0) {
        if (r < 0) {
            die("epoll_wait");
        }
        fail("epoll_wait_empty", r, 0, st);
    }
    return r;
}

static long long op_epoll_ctl_add_del(struct state *st) {
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t) st->extra_fd };
    if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->extra_fd, &ev) < 0) {
        die("epoll_ctl(ADD)");
    }
    if (epoll_ctl(st->epfd, EPOLL_CTL_DEL, st->extra_fd, &ev) < 0) {
        die("epoll_ctl(DEL)");
    }
    return st->extra_fd;
}

static long long op_epoll_ctl_mod(struct state *st) {
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t) st->fds[0] };
    if (epoll_ctl(st->epfd, EPOLL_CTL_MOD, st->fds[0], &ev) < 0) {
        die("epoll_ctl(MOD)");
    }
    return st->fds[0];
}

/* io_uring's empty completion check: CQ tail (acquire) == our head, no syscall. The
 * twin of JmuxIoUring.io_uring_cq_empty; epoll_wait_empty is its epoll counterpart. */
static long long op_io_uring_cq_empty(struct state *st) {
    unsigned ready = ring_cq_ready(st->ring);
    if (ready != 0) {
        fail("io_uring_cq_empty", (int) ready, 0, st);
    }
    return ready;
}

/* The event round trip on multishot POLL_ADD, the twin of epoll_wait_et: an eventfd
 * write per ready fd (a wake-up; the poll's CQE is posted by task work as the write
 * returns to user space), then reap every CQE. No io_uring_enter. */
static long long op_io_uring_poll_multishot(struct state *st) {
    for (int i = 0; i < st->ready; i++) {
        if (eventfd_write(st->fds[i], 1) < 0) {
            die("eventfd_write");
        }
    }
    struct ring *r = st->ring;
    unsigned count = ring_cq_ready(r);
    long long sum = 0;
    for (unsigned i = 0; i < count; i++) {
        struct io_uring_cqe *cqe = ring_cqe(r, i);
        if (!(cqe->res & POLLIN) || !(cqe->flags & IORING_CQE_F_MORE)) {
            fprintf(stderr, "jmux-ctwin: io_uring_poll_multishot: CQE res %d flags %u: not POLLIN, or the"
                    " multishot poll ended\n", cqe->res, cqe->flags);
            exit(1);
        }
        sum += (long long) cqe->user_data;
    }
    ring_cq_advance(r, count);
    check("io_uring_poll_multishot", st, (int) count, sum);
    return sum;
}

/* Registration, the twin of epoll_ctl_add_del: a multishot POLL_ADD of one more fd and a
 * POLL_REMOVE of it, one io_uring_enter that submits both and waits for their two CQEs
 * (the poll's -ECANCELED, the remove's 0), then reap them. */
#define REMOVE_USER_DATA ((uint64_t) -1)
static long long op_io_uring_poll_add_remove(struct state *st) {
    struct ring *r = st->ring;
    struct io_uring_sqe *add = ring_sqe(r);
    struct io_uring_sqe *remove = add == NULL ? NULL : ring_sqe(r);
    if (remove == NULL) {
        fprintf(stderr, "jmux-ctwin: io_uring_poll_add_remove: the SQ is full\n");
        exit(1);
    }
    prep_poll_add(add, st->extra_fd, POLLIN, 1, (uint64_t) st->extra_fd);
    remove->opcode = IORING_OP_POLL_REMOVE;
    remove->fd = -1;
    remove->addr = (uint64_t) st->extra_fd;
    remove->user_data = REMOVE_USER_DATA;
    ring_enter(r, 2);
    unsigned count = ring_cq_ready(r);
    long long sum = 0;
    for (unsigned i = 0; i < count; i++) {
        struct io_uring_cqe *cqe = ring_cqe(r, i);
        sum += (long long) cqe->user_data + cqe->res;
    }
    ring_cq_advance(r, count);
    long long expected = st->extra_fd - ECANCELED + (long long) REMOVE_USER_DATA;
    if (count != 2 || sum != expected) {
        fail("io_uring_poll_add_remove", (int) count, sum, st);
    }
    return sum;
}

/* What select pays when its interest set changes: FD_ZERO then FD_SET per fd
 * (by hand: glibc's macros stop at FD_SETSIZE). */
static long long op_fd_set_rebuild(struct state *st) {
    memset(st->interest, 0, st->words * sizeof(uint64_t));
    for (int i = 0; i < st->n; i++) {
        st->interest[st->fds[i] / 64] |= 1ULL << (st->fds[i] % 64);
    }
    return (long long) st->interest[0];
}

static long long op_pollfd_rebuild(struct state *st) {
    for (int i = 0; i < st->n; i++) {
        st->pfds[i] = (struct pollfd) { .fd = st->fds[i], .events = POLLIN };
    }
    return st->pfds[st->n - 1].fd;
}

/* ---- the scenario table ---- */

enum setup_kind { NONE, SELECT, POLL, POLL_FILLED, EPOLL_LT, EPOLL_ET, EPOLL_ONESHOT, EPOLL_EMPTY, URING_EMPTY,
                  URING_ARMED };

struct scenario {
    const char *name;
    op_fn op;
    enum setup_kind setup;
    int uses_n;      /* has the JMH param n */
    int uses_ready;  /* has the JMH param ready (otherwise no fd is ready) */
};

static const struct scenario scenarios[] = {
    { "noop", op_noop, NONE, 0, 0 },
    { "select", op_select, SELECT, 1, 1 },
    { "poll", op_poll, POLL, 1, 1 },
    { "poll_scan", op_poll_scan, POLL_FILLED, 1, 1 },
    { "epoll_wait", op_epoll_wait, EPOLL_LT, 1, 1 },
    { "epoll_wait_et", op_epoll_wait_et, EPOLL_ET, 1, 1 },
    { "epoll_wait_oneshot", op_epoll_wait_oneshot, EPOLL_ONESHOT, 1, 1 },
    { "epoll_ctl_add_del", op_epoll_ctl_add_del, EPOLL_LT, 1, 0 },
    { "epoll_ctl_mod", op_epoll_ctl_mod, EPOLL_LT, 1, 0 },
    { "fd_set_rebuild", op_fd_set_rebuild, SELECT, 1, 0 },
    { "pollfd_rebuild", op_pollfd_rebuild, POLL, 1, 0 },
    { "getppid", op_getppid, NONE, 0, 0 },
    { "epoll_wait_empty", op_epoll_wait_empty, EPOLL_EMPTY, 0, 0 },
    /* io_uring (JmuxIoUring's twins); the report's binding "C io_uring". */
    { "io_uring_cq_empty", op_io_uring_cq_empty, URING_EMPTY, 0, 0 },
    { "io_uring_poll_multishot", op_io_uring_poll_multishot, URING_ARMED, 1, 1 },
    { "io_uring_poll_add_remove", op_io_uring_poll_add_remove, URING_ARMED, 1, 0 },
};

static const struct scenario *find_scenario(const char *name) {
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        if (strcmp(scenarios[i].name, name) == 0) {
            return &scenarios[i];
        }
    }
    fprintf(stderr, "jmux-ctwin: unknown scenario '%s'\n", name);
    exit(2);
}

static void setup(struct state *st, enum setup_kind kind) {
    switch (kind) {
    case SELECT: setup_select(st); break;
    case POLL: setup_poll(st); break;
    case POLL_FILLED:
        setup_poll(st);
        if (poll(st->pfds, (nfds_t) st->n, 0) < 0) {
            die("poll");
        }
        break;
    case EPOLL_LT: setup_epoll(st, 0); break;
    case EPOLL_ET: setup_epoll(st, EPOLLET); break;
    case EPOLL_ONESHOT: setup_epoll(st, EPOLLONESHOT); break;
    case EPOLL_EMPTY: setup_epoll(st, 0); break; /* n = 0: nothing registered */
    case URING_EMPTY: setup_io_uring(st, 1); break;
    case URING_ARMED: setup_io_uring(st, 0); break;
    case NONE: break;
    }
}

/* ---- timing ---- */

struct timing {
    int warmup;
    int iterations;
    long long iteration_ns;
};

static void run_batch(op_fn op, struct state *st, long batch) {
    long long acc = 0;
    for (long i = 0; i < batch; i++) {
        acc += op(st);
    }
    sink += acc;
}

/* Doubles the batch until one takes >= 100 us, so reading the clock once per
 * batch costs under 0.1% of the time measured. */
static long calibrate(op_fn op, struct state *st) {
    long batch = 1;
    for (;;) {
        long long t0 = now_ns();
        run_batch(op, st, batch);
        if (now_ns() - t0 >= 100000 || batch >= (1L << 30)) {
            return batch;
        }
        batch *= 2;
    }
}

/* One iteration: whole batches until the iteration time has passed; ns per op. */
static double iteration(op_fn op, struct state *st, long batch, long long duration_ns) {
    long long ops = 0;
    long long t0 = now_ns();
    long long elapsed;
    do {
        run_batch(op, st, batch);
        ops += batch;
        elapsed = now_ns() - t0;
    } while (elapsed < duration_ns);
    return (double) elapsed / (double) ops;
}

/* ---- output ---- */

static FILE *out;
static int results_written;

static void write_result(const struct scenario *sc, int n, const char *ready,
                         const double *ns, int count) {
    fprintf(out, "%s\n    {\"scenario\": \"%s\", \"params\": {", results_written++ ? "," : "",
            sc->name);
    if (sc->uses_n) {
        fprintf(out, "\"n\": \"%d\"", n);
    }
    if (sc->uses_ready) {
        fprintf(out, ", \"ready\": \"%s\"", ready);
    }
    fprintf(out, "}, \"nsPerOp\": [");
    for (int i = 0; i < count; i++) {
        fprintf(out, "%s%.3f", i ? ", " : "", ns[i]);
    }
    fprintf(out, "]}");
}

static void run_one(const struct scenario *sc, int n, const char *ready, const struct timing *t) {
    struct state st;
    memset(&st, 0, sizeof st);
    st.n = sc->uses_n ? n : 0;
    st.ready = !sc->uses_ready ? 0 : strcmp(ready, "all") == 0 ? n : atoi(ready);
    if (st.ready > st.n) {
        return; /* ready=1 with n=0 cannot happen: every wait has n >= 1 */
    }
    open_fds(&st);
    setup(&st, sc->setup);

    long batch = calibrate(sc->op, &st);
    for (int i = 0; i < t->warmup; i++) {
        iteration(sc->op, &st, batch, t->iteration_ns);
    }
    double ns[256];
    int count = t->iterations < 256 ? t->iterations : 256;
    for (int i = 0; i < count; i++) {
        ns[i] = iteration(sc->op, &st, batch, t->iteration_ns);
    }
    double mean = 0;
    for (int i = 0; i < count; i++) {
        mean += ns[i] / count;
    }
    fprintf(stderr, "# C twin: %-19s n=%-5d ready=%-3s %12.1f ns/op\n", sc->name, st.n,
            sc->uses_ready ? ready : "-", mean);
    write_result(sc, n, ready, ns, count);
    close_all(&st);
}

/* ---- idle threads ---- */

static void *idle(void *arg) {
    (void) arg;
    for (;;) {
        pause();
    }
    return NULL;
}

/* Starts `count` threads that sleep for ever. A JVM is always multi-threaded, and the
 * kernel looks fds up differently then: fdget() takes a reference on the file (an atomic
 * increment and decrement) when the fd table is shared by more than one thread, and
 * skips it in a single-threaded process. poll and select look up every fd they are
 * given, so without these threads C would do less kernel work per fd than any JVM. */
static void start_idle_threads(int count) {
    for (int i = 0; i < count; i++) {
        pthread_t t;
        int r = pthread_create(&t, NULL, idle, NULL);
        if (r != 0) {
            errno = r;
            die("pthread_create");
        }
        pthread_detach(t);
    }
}

/* ---- command line ---- */

static int split(char *list, char **items) {
    int count = 0;
    for (char *tok = strtok(list, ","); tok != NULL && count < MAX_LIST; tok = strtok(NULL, ",")) {
        items[count++] = tok;
    }
    return count;
}

static void usage(void) {
    fprintf(stderr, "usage: jmux-ctwin --scenarios a,b --n 1,100 --ready 0,1,all"
            " [--warmup W] [--iterations I] [--time-ms T] [--idle-threads K] [--out file.json]\n");
    exit(2);
}

int main(int argc, char **argv) {
    char *names[MAX_LIST], *ns[MAX_LIST], *readies[MAX_LIST];
    int names_count = 0, n_count = 0, ready_count = 0;
    struct timing t = { 2, 5, 1000000000LL };
    const char *out_path = NULL;
    int threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--scenarios") == 0) names_count = split(argv[i + 1], names);
        else if (strcmp(argv[i], "--n") == 0) n_count = split(argv[i + 1], ns);
        else if (strcmp(argv[i], "--ready") == 0) ready_count = split(argv[i + 1], readies);
        else if (strcmp(argv[i], "--warmup") == 0) t.warmup = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--iterations") == 0) t.iterations = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--time-ms") == 0) t.iteration_ns = atoll(argv[i + 1]) * 1000000LL;
        else if (strcmp(argv[i], "--out") == 0) out_path = argv[i + 1];
        else if (strcmp(argv[i], "--idle-threads") == 0) threads = atoi(argv[i + 1]);
        else usage();
    }
    if (argc % 2 == 0 || names_count == 0 || n_count == 0 || ready_count == 0 || t.iterations < 1) {
        usage();
    }
    start_idle_threads(threads);
    out = out_path ? fopen(out_path, "w") : stdout;
    if (out == NULL) {
        die(out_path);
    }
    fprintf(out, "{\"tool\": \"jmux-ctwin\", \"unit\": \"ns/op\", \"fdBase\": %d, \"idleThreads\": %d,"
            " \"warmupIterations\": %d, \"iterations\": %d, \"iterationTimeMs\": %lld,"
            " \"results\": [", FD_BASE, threads, t.warmup, t.iterations, t.iteration_ns / 1000000);
    for (int s = 0; s < names_count; s++) {
        const struct scenario *sc = find_scenario(names[s]);
        for (int i = 0; i < (sc->uses_n ? n_count : 1); i++) {
            for (int r = 0; r < (sc->uses_ready ? ready_count : 1); r++) {
                run_one(sc, atoi(ns[i]), readies[r], &t);
            }
        }
    }
    fprintf(out, "\n]}\n");
    if (out != stdout && fclose(out) != 0) {
        die(out_path);
    }
    return 0;
}
