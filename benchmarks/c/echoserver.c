/*
 * jmux-echoserver: the C twin of the teaching examples' epoll-et echo server
 * (src/examples/java/io/jmux/examples/EpollEtEcho.java), the limit the Java servers
 * are measured against at the server's end: one thread, one epoll instance, each
 * connection registered once for EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET and never
 * modified, a 256-entry event array and a 16 KiB read buffer; on an edge, read until
 * EAGAIN and write back what each read returned. Bytes a write does not take wait in
 * the connection's pending buffer for the EPOLLOUT edge, and reading stops until they
 * are gone (the Java server's full output queue).
 *
 * usage: jmux-echoserver [--port N] [--quiet]
 * prints "listening on 127.0.0.1:<port>" once it accepts, and serves until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define EVENTS 256
#define BUF 16384

struct conn {
    char *pending;    /* bytes read but not yet written back */
    size_t pending_len;
    int unread;       /* stopped reading with bytes pending: resume after they drain */
    int open;
};

static struct conn *conns;
static size_t conns_cap;

static void die(const char *what) {
    fprintf(stderr, "jmux-echoserver: %s: %s\n", what, strerror(errno));
    exit(1);
}

static struct conn *conn_of(int fd) {
    if ((size_t) fd >= conns_cap) {
        size_t cap = conns_cap ? conns_cap : 1024;
        while (cap <= (size_t) fd) {
            cap *= 2;
        }
        conns = realloc(conns, cap * sizeof *conns);
        if (conns == NULL) {
            die("realloc");
        }
        memset(conns + conns_cap, 0, (cap - conns_cap) * sizeof *conns);
        conns_cap = cap;
    }
    return &conns[fd];
}

static void close_conn(int fd) {
    struct conn *c = conn_of(fd);
    free(c->pending);
    memset(c, 0, sizeof *c);
    close(fd); /* also leaves the epoll set: no other fd shares the file */
}

/* Writes len bytes; what the socket does not take is kept. 0 on success, -1 to close. */
static int send_all(int fd, struct conn *c, const char *data, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EAGAIN) {
                char *p = realloc(c->pending, c->pending_len + len);
                if (p == NULL) {
                    die("realloc");
                }
                memcpy(p + c->pending_len, data, len);
                c->pending = p;
                c->pending_len += len;
                return 0;
            }
            return -1;
        }
        data += w;
        len -= (size_t) w;
    }
    return 0;
}

static int flush_pending(int fd, struct conn *c) {
    while (c->pending_len > 0) {
        ssize_t w = write(fd, c->pending, c->pending_len);
        if (w < 0) {
            return errno == EAGAIN ? 0 : -1;
        }
        memmove(c->pending, c->pending + w, c->pending_len - (size_t) w);
        c->pending_len -= (size_t) w;
    }
    return 0;
}

/* Read until EAGAIN, echoing each read; 1 if the connection is to be closed. */
static int read_until_eagain(int fd, struct conn *c, char *buf) {
    c->unread = 0;
    for (;;) {
        if (c->pending_len > 0) {
            c->unread = 1; /* no edge will remind us once the bytes drain */
            return 0;
        }
        ssize_t r = read(fd, buf, BUF);
        if (r < 0) {
            return errno == EAGAIN ? 0 : 1;
        }
        if (r == 0) {
            return 1;
        }
        if (send_all(fd, c, buf, (size_t) r) < 0) {
            return 1;
        }
    }
}

int main(int argc, char **argv) {
    int port = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
        else {
            fprintf(stderr, "usage: jmux-echoserver [--port N] [--quiet]\n");
            return 2;
        }
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(listener, SOMAXCONN) < 0) die("listen");
    socklen_t len = sizeof addr;
    if (getsockname(listener, (struct sockaddr *) &addr, &len) < 0) die("getsockname");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = listener };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) < 0) die("epoll_ctl(ADD listener)");
    printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    static char buf[BUF];
    struct epoll_event events[EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            uint32_t e = events[i].events;
            if (fd == listener) {
                for (;;) { /* one edge may stand for many connections: accept until EAGAIN */
                    int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) {
                        if (errno != EAGAIN && !quiet) {
                            fprintf(stderr, "jmux-echoserver: accept4: %s\n", strerror(errno));
                        }
                        break;
                    }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                                               .data.fd = c };
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0) {
                        close(c);
                        continue;
                    }
                    conn_of(c)->open = 1;
                }
                continue;
            }
            struct conn *c = conn_of(fd);
            if (!c->open) continue;
            int closing = 0;
            if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
                closing = flush_pending(fd, c) < 0;
            }
            if (!closing && ((e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) || (c->unread && c->pending_len == 0))) {
                closing = read_until_eagain(fd, c, buf);
            }
            if (closing) {
                close_conn(fd);
            }
        }
    }
}
