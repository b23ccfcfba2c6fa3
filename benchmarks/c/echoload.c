/*
 * jmux-echoload: a C load generator for echo servers, so that an echo figure shows the
 * server's limit rather than a Java client's. One thread, one level-triggered epoll
 * instance, N connections to the server, each keeping `depth` messages of `size` bytes
 * in flight: it sends `depth` at once, and one more for each echo that completes. Run it
 * pinned to one core (taskset) and the server to the other.
 *
 * Latency is a message's round trip: the clock is read once per loop (after each
 * epoll_wait), a message's send time is that of the loop that wrote it, and its echo
 * completes in the loop whose read brings its last byte. Latencies go into a
 * log-linear histogram (64 sub-buckets per power of two, ~1.6% wide), from which p50
 * and p99 are read. The first --warmup-s seconds are run and not counted (each Java
 * server is a fresh JVM whose JIT needs them). Besides msgs/s over the whole measured
 * time it reports the median and the 90th percentile of the rates of its 10 ms windows:
 * on a shared machine a neighbour that takes a pinned core stalls the loop for a time
 * slice, and the p90 window is the rate when both ran (on a quiet machine all three agree).
 *
 * usage: jmux-echoload --port P [--connections 100] [--size 64] [--depth 1]
 *                      [--seconds 3] [--warmup-s 2]
 * last line: result connections=N size=S depth=D messages=M bytes=B seconds=T
 *            msgs_per_sec=X p50_us=Y p99_us=Z errors=E all_messages=A all_seconds=U
 *            window_median_msgs_per_sec=W window_p90_msgs_per_sec=V
 * (the keys of the examples' Java client, plus depth and the all_* totals).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SUB_BITS 6
#define SUB (1 << SUB_BITS)
#define BUCKETS (64 * SUB)
#define MAX_DEPTH 1024
#define WINDOW_NS 10000000LL

struct conn {
    int fd;
    long long *sent;     /* ring of `depth` send times, oldest at head */
    int head;
    int in_flight;
    size_t partial;      /* bytes of the oldest in-flight message already echoed */
    size_t unsent;       /* bytes of messages due but not yet taken by write */
    int want_out;        /* registered for EPOLLOUT because unsent > 0 */
};

static uint64_t histogram[BUCKETS];

static void die(const char *what) {
    fprintf(stderr, "jmux-echoload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bucket_of(uint64_t v) {
    if (v < SUB) {
        return (int) v;
    }
    int e = 63 - __builtin_clzll(v); /* e >= SUB_BITS */
    return (e - SUB_BITS + 1) * SUB + (int) ((v >> (e - SUB_BITS)) & (SUB - 1));
}

static double bucket_value(int b) {
    if (b < SUB) {
        return b;
    }
    int e = b / SUB + SUB_BITS - 1;
    double sub = b % SUB;
    return ((double) SUB + sub + 0.5) * (double) (1ULL << (e - SUB_BITS));
}

static double percentile(uint64_t count, double p) {
    uint64_t rank = (uint64_t) (p * (double) count);
    uint64_t seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += histogram[b];
        if (seen > rank) {
            return bucket_value(b);
        }
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

static char *message;
static size_t size;
static int depth;

static void set_out(int ep, struct conn *c, int want) {
    if (c->want_out == want) {
        return;
    }
    struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c };
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
        die("epoll_ctl(MOD)");
    }
    c->want_out = want;
}

/* Writes the connection's due bytes (whole messages, possibly split by the kernel). */
static int flush(int ep, struct conn *c, char *out_buf) {
    while (c->unsent > 0) {
        size_t len = c->unsent < (size_t) depth * size ? c->unsent : (size_t) depth * size;
        ssize_t w = write(c->fd, out_buf, len);
        if (w < 0) {
            if (errno == EAGAIN) {
                set_out(ep, c, 1);
                return 0;
            }
            return -1;
        }
        c->unsent -= (size_t) w;
    }
    set_out(ep, c, 0);
    return 0;
}

int main(int argc, char **argv) {
    int port = -1, connections = 100;
    double seconds = 3, warmup = 2;
    size = 64;
    depth = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--connections") == 0) connections = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--size") == 0) size = (size_t) atol(argv[i + 1]);
        else if (strcmp(argv[i], "--depth") == 0) depth = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--warmup-s") == 0) warmup = atof(argv[i + 1]);
        else port = -2;
    }
    if (port < 0 || argc % 2 == 0 || connections < 1 || size < 1 || depth < 1 || depth > MAX_DEPTH
            || seconds <= 0 || warmup < 0) {
        fprintf(stderr, "usage: jmux-echoload --port P [--connections N] [--size S] [--depth D]"
                " [--seconds T] [--warmup-s W]\n");
        return 2;
    }
    message = malloc((size_t) depth * size);
    char *in_buf = malloc(65536);
    if (message == NULL || in_buf == NULL) die("malloc");
    memset(message, 'x', (size_t) depth * size);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct conn *conns = calloc((size_t) connections, sizeof *conns);
    long long *times = calloc((size_t) connections * (size_t) depth, sizeof(long long));
    if (conns == NULL || times == NULL) die("calloc");
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int one = 1;
    for (int i = 0; i < connections; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect");
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl(O_NONBLOCK)");
        conns[i].fd = fd;
        conns[i].sent = times + (size_t) i * (size_t) depth;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &conns[i] };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl(ADD)");
    }

    long long t = now_ns();
    long long measure_from = t + (long long) (warmup * 1e9);
    long long end = measure_from + (long long) (seconds * 1e9);
    for (int i = 0; i < connections; i++) {
        struct conn *c = &conns[i];
        for (int d = 0; d < depth; d++) {
            c->sent[d] = t;
        }
        c->in_flight = depth;
        c->unsent = (size_t) depth * size;
        if (flush(ep, c, message) < 0) die("write");
    }
    long long started = t;
    /* Echoes per 10 ms window of the measured time (see the header). */
    size_t nwin = (size_t) (seconds * 100) + 1;
    uint32_t *win = calloc(nwin, sizeof *win);
    if (win == NULL) die("calloc");
    uint64_t counted = 0, all = 0, errors = 0;
    int open = connections;
    struct epoll_event evs[256];
    while (t < end && open > 0) {
        int n = epoll_wait(ep, evs, 256, 100);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        t = now_ns();
        int counting = t >= measure_from && t < end;
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->fd < 0) continue;
            uint32_t e = evs[i].events;
            int broken = (e & EPOLLERR) != 0;
            if (!broken && (e & EPOLLOUT)) {
                broken = flush(ep, c, message) < 0;
            }
            if (!broken && (e & (EPOLLIN | EPOLLHUP))) {
                ssize_t r = read(c->fd, in_buf, 65536);
                if (r < 0 && errno == EAGAIN) continue;
                if (r <= 0) {
                    broken = 1;
                } else {
                    size_t total = c->partial + (size_t) r;
                    size_t k = total / size;
                    c->partial = total % size;
                    if (k > (size_t) c->in_flight) {
                        fprintf(stderr, "jmux-echoload: the server echoed more than was sent\n");
                        exit(1);
                    }
                    all += k;
                    if (counting) {
                        size_t w = (size_t) ((t - measure_from) / WINDOW_NS);
                        if (w < nwin) {
                            win[w] += (uint32_t) k;
                        }
                    }
                    for (size_t m = 0; m < k; m++) {
                        if (counting) {
                            histogram[bucket_of((uint64_t) (t - c->sent[c->head]))]++;
                            counted++;
                        }
                        c->head = (c->head + 1) % depth;
                        c->in_flight--;
                    }
                    for (size_t m = 0; m < k; m++) { /* one new message per echo */
                        c->sent[(c->head + c->in_flight) % depth] = t;
                        c->in_flight++;
                    }
                    c->unsent += k * size;
                    broken = flush(ep, c, message) < 0;
                }
            }
            if (broken) {
                errors++;
                close(c->fd);
                c->fd = -1;
                open--;
            }
        }
    }
    double measured = (double) ((t < end ? t : end) - measure_from) / 1e9;
    if (measured <= 0) {
        fprintf(stderr, "jmux-echoload: every connection failed during the warm-up\n");
        return 1;
    }
    size_t full = (size_t) (measured * 100); /* windows wholly inside the measured time */
    if (full > nwin) full = nwin;
    qsort(win, full, sizeof *win, cmp_u32);
    double win_median = full == 0 ? 0 : 100.0 * win[full / 2];
    double win_p90 = full == 0 ? 0 : 100.0 * win[full * 9 / 10];
    /* all_*: every echo since the first send, warm-up included, for dividing counters
     * (syscalls, context switches) taken over this process's whole run. */
    printf("result connections=%d size=%zu depth=%d messages=%llu bytes=%llu seconds=%.3f"
           " msgs_per_sec=%.0f p50_us=%.1f p99_us=%.1f errors=%llu all_messages=%llu all_seconds=%.3f"
           " window_median_msgs_per_sec=%.0f window_p90_msgs_per_sec=%.0f\n",
           connections, size, depth, (unsigned long long) counted,
           (unsigned long long) (counted * size), measured, (double) counted / measured,
           percentile(counted, 0.50) / 1000, percentile(counted, 0.99) / 1000,
           (unsigned long long) errors, (unsigned long long) all, (double) (t - started) / 1e9, win_median,
           win_p90);
    for (int i = 0; i < connections; i++) {
        if (conns[i].fd >= 0) close(conns[i].fd);
    }
    return errors > 0 ? 1 : 0;
}
