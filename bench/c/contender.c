/*
 * The C contender of the side-by-side benchmarks (bench/PROTOCOL.md): blocking
 * sendmsg/recvmsg over an AF_UNIX stream socket, one thread per role. It is the yardstick
 * every other contender's figure is divided by.
 *
 *   contender <server|client> <W1|W2|W2w|W3|W4|W5|W6> <socket-path> [param]
 *
 * Build: gcc -O2 -o contender contender.c
 */
#include "common.h"

static int listen_on(const char *path) {
    socklen_t len;
    struct sockaddr_un a = address(path, &len);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    unlink(path);
    if (bind(fd, (struct sockaddr *)&a, len) < 0) die("bind");
    if (listen(fd, 4096) < 0) die("listen");
    return fd;
}

/* Connects; retries a while on ENOENT/ECONNREFUSED (the server may be between bind and listen). */
static int connect_to(const char *path) {
    socklen_t len;
    struct sockaddr_un a = address(path, &len);
    for (int attempt = 0;; attempt++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        if (connect(fd, (struct sockaddr *)&a, len) == 0) return fd;
        int e = errno;
        close(fd);
        if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN) || attempt > 5000) {
            errno = e;
            die("connect");
        }
        usleep(1000);
    }
}

static int accept_one(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) return fd;
        if (errno != EINTR && errno != ECONNABORTED) die("accept");
    }
}

static void write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t k = send(fd, buf, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR) continue;
            die("send");
        }
        buf += k;
        n -= (size_t)k;
    }
}

/* Reads exactly n bytes; returns 0 at EOF before any. */
static int read_full(int fd, char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = recv(fd, buf + got, n - got, 0);
        if (k == 0) {
            if (got == 0) return 0;
            errno = EPIPE;
            die("short read");
        }
        if (k < 0) {
            if (errno == EINTR) continue;
            die("recv");
        }
        got += (size_t)k;
    }
    return 1;
}

static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) die("/proc/self/status");
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb * 1024;
}

/* ---- W1: stream ---- */

static void w1_server(const char *path, long long bytes) {
    int lfd = listen_on(path);
    int fd = accept_one(lfd);
    static char buf[CHUNK];
    long long total = 0, warm = warmup(bytes), total0 = -1;
    double t0 = 0;
    for (;;) {
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k == 0) break;
        if (k < 0) {
            if (errno == EINTR) continue;
            die("recv");
        }
        total += k;
        if (total0 < 0 && total >= warm) {
            total0 = total;
            t0 = now_s();
        }
    }
    double t = now_s() - t0;
    if (total0 < 0) die("warm-up share never reached");
    resultf((total - total0) / 1e6 / t, "MB/s");
    close(fd);
    close(lfd);
}

static void w1_client(const char *path, long long bytes) {
    int fd = connect_to(path);
    static char buf[CHUNK];
    memset(buf, 'x', sizeof buf);
    while (bytes > 0) {
        size_t n = bytes < CHUNK ? (size_t)bytes : CHUNK;
        write_all(fd, buf, n);
        bytes -= (long long)n;
    }
    close(fd);
}

/* ---- W2 / W2w: fd passing ---- */

static void fd_server(const char *path, long long n, int windowed) {
    int lfd = listen_on(path);
    int fd = accept_one(lfd);
    char data[CHUNK];
    union {
        char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    long long count = 0, unacked = 0, warm = warmup(n), count0 = -1;
    double t0 = 0, t1 = 0;
    const char ack = 'a';
    for (;;) {
        struct iovec iov = {data, sizeof data};
        struct msghdr msg = {0};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        ssize_t k = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (k == 0) break;
        if (k < 0) {
            if (errno == EINTR) continue;
            die("recvmsg");
        }
        if (msg.msg_flags & MSG_CTRUNC) {
            errno = EMSGSIZE;
            die("MSG_CTRUNC");
        }
        int got = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            int *fds = (int *)CMSG_DATA(c);
            for (int i = 0; i < n; i++) close(fds[i]);
            got += n;
        }
        if (got > 0) {
            count += got;
            t1 = now_s();
            if (count0 < 0 && count >= warm) {
                count0 = count;
                t0 = t1;
            }
            if (windowed) {
                unacked += got;
                while (unacked >= ACK_EVERY) {
                    unacked -= ACK_EVERY;
                    /* The client may already be gone after its last message: ignore EPIPE. */
                    send(fd, &ack, 1, MSG_NOSIGNAL);
                }
            }
        }
    }
    double t = t1 - t0;
    if (count0 < 0) die("warm-up share never reached");
    resultf(t > 0 ? (count - count0) / t : 0, "msgs/s");
    close(fd);
    close(lfd);
}

static void fd_client(const char *path, long long n, int windowed) {
    int fd = connect_to(path);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) die("open /dev/null");
    char one = 1;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    long long acked = 0;
    char acks[256];
    for (long long sent = 0; sent < n; sent++) {
        while (windowed && sent - acked * ACK_EVERY >= WINDOW) {
            ssize_t k = recv(fd, acks, sizeof acks, 0);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) die("recv ack");
            acked += k;
        }
        struct iovec iov = {&one, 1};
        struct msghdr msg = {0};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &devnull, sizeof(int));
        for (;;) {
            ssize_t k = sendmsg(fd, &msg, MSG_NOSIGNAL);
            if (k == 1) break;
            if (k < 0 && errno == EINTR) continue;
            die("sendmsg");
        }
    }
    if (windowed) {
        /* Closing with unread acks would reset the connection (ECONNRESET at the server):
           end our side and read the remaining acks until the server closes. */
        shutdown(fd, SHUT_WR);
        for (;;) {
            ssize_t k = recv(fd, acks, sizeof acks, 0);
            if (k == 0 || (k < 0 && errno != EINTR)) break;
        }
    }
    close(fd);
    close(devnull);
}

/* ---- W3: ping-pong ---- */

static void w3_server(const char *path) {
    int lfd = listen_on(path);
    int fd = accept_one(lfd);
    char buf[4096];
    for (;;) {
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k == 0) break;
        if (k < 0) {
            if (errno == EINTR) continue;
            die("recv");
        }
        write_all(fd, buf, (size_t)k);
    }
    close(fd);
    close(lfd);
}

static void w3_client(const char *path, long long n) {
    int fd = connect_to(path);
    char out[64], in[64];
    memset(out, 'p', sizeof out);
    long long warm = warmup(n);
    double t0 = 0;
    for (long long i = 0; i < n; i++) {
        if (i == warm) t0 = now_s();
        write_all(fd, out, sizeof out);
        if (!read_full(fd, in, sizeof in)) {
            errno = EPIPE;
            die("echo ended");
        }
    }
    if (warm >= n) die("warm-up share never reached");
    double t = now_s() - t0;
    resultf(t * 1e6 / (n - warm), "us/rt");
    close(fd);
}

/* ---- W4: connect ---- */

static void w4_server(const char *path, long long n) {
    int lfd = listen_on(path);
    const char one = 1;
    for (long long i = 0; i < n; i++) {
        int fd = accept_one(lfd);
        send(fd, &one, 1, MSG_NOSIGNAL);
        close(fd);
    }
    close(lfd);
}

static void w4_client(const char *path, long long n) {
    socklen_t len;
    struct sockaddr_un a = address(path, &len);
    /* The first connection waits for the server (counted by it as connection 1); the warm-up
       share (at least 1) keeps it out of the clock. */
    close(connect_to(path));
    char b;
    long long warm = warmup(n);
    double t0 = 0;
    for (long long i = 1; i < n; i++) {
        if (i == warm) t0 = now_s();
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        if (connect(fd, (struct sockaddr *)&a, len) < 0) die("connect");
        if (!read_full(fd, &b, 1)) {
            errno = EPIPE;
            die("no byte");
        }
        close(fd);
    }
    if (warm >= n) die("warm-up share never reached");
    double t = now_s() - t0;
    resultf((n - warm) / t, "conn/s");
}

/* ---- W6: cold start ---- */

#define W6_MESSAGE 64

static void w6_server(const char *path) {
    int lfd = listen_on(path);
    int fd = accept_one(lfd);
    char buf[W6_MESSAGE];
    memset(buf, 0, sizeof buf);
    write_all(fd, buf, sizeof buf);
    for (;;) { /* until the client's EOF */
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k == 0 || (k < 0 && errno != EINTR)) break;
    }
    close(fd);
    close(lfd);
}

/* t0: the harness's CLOCK_MONOTONIC reading (ns) taken just before it started the server. */
static void w6_client(const char *path, long long t0) {
    int fd = connect_to(path);
    char buf[W6_MESSAGE];
    if (!read_full(fd, buf, sizeof buf)) {
        errno = EPIPE;
        die("no first message");
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    resultf(((double)ts.tv_sec * 1e9 + ts.tv_nsec - (double)t0) / 1e6, "ms");
    close(fd);
}

/* ---- W5: idle memory ---- */

static void w5_server(const char *path, long long n) {
    long rss0 = rss_bytes();
    int lfd = listen_on(path);
    int *fds = malloc(sizeof(int) * (size_t)n);
    if (!fds) die("malloc");
    for (long long i = 0; i < n; i++) fds[i] = accept_one(lfd);
    long rss1 = rss_bytes();
    char buf[64];
    snprintf(buf, sizeof buf, "0+%ld", (long)((rss1 - rss0) / n));
    result(buf, "heapB/conn+nativeB/conn");
    /* exiting closes every connection: the client sees EOF and exits too */
}

static void w5_client(const char *path, long long n) {
    int *fds = malloc(sizeof(int) * (size_t)n);
    if (!fds) die("malloc");
    for (long long i = 0; i < n; i++) fds[i] = connect_to(path);
    char b;
    while (recv(fds[0], &b, 1, 0) < 0 && errno == EINTR) {
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s <server|client> <W1|W2|W2w|W3|W4|W5|W6> <socket-path> [param]\n", argv[0]);
        return 2;
    }
    const char *role = argv[1], *path = argv[3];
    workload = argv[2];
    long long param = argc > 4 ? atoll(argv[4]) : 0;
    int server = strcmp(role, "server") == 0;
    if (!server && strcmp(role, "client") != 0) {
        fprintf(stderr, "unknown role %s\n", role);
        return 2;
    }
    if (strcmp(workload, "W1") == 0) {
        if (server) w1_server(path, param > 0 ? param : 8LL << 30); else w1_client(path, param > 0 ? param : 8LL << 30);
    } else if (strcmp(workload, "W2") == 0 || strcmp(workload, "W2w") == 0) {
        int windowed = workload[2] == 'w';
        if (server) fd_server(path, param > 0 ? param : 600000, windowed); else fd_client(path, param > 0 ? param : 600000, windowed);
    } else if (strcmp(workload, "W3") == 0) {
        if (server) w3_server(path); else w3_client(path, param > 0 ? param : 200000);
    } else if (strcmp(workload, "W4") == 0) {
        if (server) w4_server(path, param > 0 ? param : 40000); else w4_client(path, param > 0 ? param : 40000);
    } else if (strcmp(workload, "W5") == 0) {
        if (server) w5_server(path, param > 0 ? param : 10000); else w5_client(path, param > 0 ? param : 10000);
    } else if (strcmp(workload, "W6") == 0) {
        if (server) w6_server(path); else w6_client(path, param);
    } else {
        printf("RESULT %s n/a -\n", workload);
    }
    return 0;
}
