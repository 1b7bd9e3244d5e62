/*
 * C interop peer: the frame protocol of README.md over sendmsg / recvmsg with SCM_RIGHTS.
 *
 * usage: peer (connect|listen) PATH (send|recv) SCENARIO TMPDIR
 * build: gcc -O2 -Wall -o peer peer.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MSGS 64
#define MAX_FDS 253
#define FIFO_CAP 4096

struct msg { long len; int nfds; int sync; };

static struct msg msgs[MAX_MSGS];
static int nmsgs;

static void die(const char *what) {
    perror(what);
    exit(2);
}

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc32(const unsigned char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static void parse(char *s) {
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        if (nmsgs == MAX_MSGS) { fprintf(stderr, "too many messages\n"); exit(2); }
        struct msg *m = &msgs[nmsgs++];
        m->sync = strchr(tok, '!') != NULL;
        if (sscanf(tok, "%ld:%d", &m->len, &m->nfds) != 2 || m->nfds > MAX_FDS) {
            fprintf(stderr, "bad message %s\n", tok);
            exit(2);
        }
    }
}

/* "message i fd j\n" repeated (i + j) % 7 + 1 times. */
static size_t content(int i, int j, char *out) {
    char line[64];
    int n = snprintf(line, sizeof line, "message %d fd %d\n", i, j);
    size_t len = 0;
    for (int r = 0; r < (i + j) % 7 + 1; r++) {
        memcpy(out + len, line, n);
        len += n;
    }
    return len;
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void write_all(int sock, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(sock, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("send");
        }
        p += w;
        n -= w;
    }
}

static void do_send(int sock, const char *tmpdir) {
    for (int i = 0; i < nmsgs; i++) {
        struct msg *m = &msgs[i];
        int fds[MAX_FDS];
        for (int j = 0; j < m->nfds; j++) {
            char path[4096], text[512];
            snprintf(path, sizeof path, "%s/c-%d-%d", tmpdir, i, j);
            int w = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (w < 0) die("open");
            size_t len = content(i, j, text);
            if (write(w, text, len) != (ssize_t)len) die("write");
            close(w);
            fds[j] = open(path, O_RDONLY | O_CLOEXEC);
            if (fds[j] < 0) die("open");
        }
        size_t flen = 8 + m->len;
        unsigned char *frame = malloc(flen);
        put32(frame, m->len);
        put32(frame + 4, m->nfds);
        for (long j = 0; j < m->len; j++) frame[8 + j] = (i * 37 + j) % 251;

        /* One sendmsg carries the fds with the first bytes; the rest follows without them. */
        union { struct cmsghdr h; char buf[CMSG_SPACE(MAX_FDS * sizeof(int))]; } ctl;
        struct iovec iov = { frame, flen };
        struct msghdr mh = { 0 };
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        if (m->nfds > 0) {
            mh.msg_control = ctl.buf;
            mh.msg_controllen = CMSG_SPACE(m->nfds * sizeof(int));
            struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(m->nfds * sizeof(int));
            memcpy(CMSG_DATA(c), fds, m->nfds * sizeof(int));
        }
        ssize_t sent;
        do sent = sendmsg(sock, &mh, MSG_NOSIGNAL); while (sent < 0 && errno == EINTR);
        if (sent < 0) die("sendmsg");
        write_all(sock, frame + sent, flen - sent);
        free(frame);
        for (int j = 0; j < m->nfds; j++) close(fds[j]);
        if (m->sync) {
            char a;
            if (read(sock, &a, 1) != 1 || a != 'A') { fprintf(stderr, "expected an ack after message %d\n", i); exit(2); }
        }
    }
    if (shutdown(sock, SHUT_WR) < 0) die("shutdown");
    char sink[65536];
    ssize_t r;
    while ((r = read(sock, sink, sizeof sink)) != 0) {
        if (r < 0 && errno != EINTR) die("read");
    }
}

static void report_fd(int i, int j, int fd) {
    size_t cap = 4096, len = 0;
    unsigned char *b = malloc(cap);
    for (;;) {
        if (len == cap) b = realloc(b, cap *= 2);
        ssize_t r = read(fd, b + len, cap - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) die("read fd");
        if (r == 0) break;
        len += r;
    }
    close(fd);
    printf("fd %d.%d size %zu crc %08x\n", i, j, len, crc32(b, len));
    free(b);
}

static void do_recv(int sock) {
    size_t cap = 1 << 20, len = 0;
    unsigned char *buf = malloc(cap);
    int fifo[FIFO_CAP], head = 0, tail = 0; /* fds in arrival order (never wraps: at most FIFO_CAP in all) */
    int i = 0;
    for (;;) {
        if (cap - len < (1 << 20)) buf = realloc(buf, cap *= 2);
        union { struct cmsghdr h; char buf[CMSG_SPACE(MAX_FDS * sizeof(int))]; } ctl;
        struct iovec iov = { buf + len, cap - len };
        struct msghdr mh = { 0 };
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof ctl.buf;
        ssize_t r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) die("recvmsg");
        if (mh.msg_flags & MSG_CTRUNC) printf("ctrunc\n");
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            if (tail + n > FIFO_CAP) { fprintf(stderr, "too many fds\n"); exit(2); }
            memcpy(fifo + tail, CMSG_DATA(c), n * sizeof(int));
            tail += n;
        }
        len += r;
        size_t off = 0;
        while (len - off >= 8) {
            uint32_t n = get32(buf + off), k = get32(buf + off + 4);
            if (len - off < 8 + (size_t)n) break;
            printf("msg %d len %u crc %08x fds %u\n", i, n, crc32(buf + off + 8, n), k);
            off += 8 + n;
            if ((uint32_t)(tail - head) < k) printf("missing fds: %d queued, %u wanted\n", tail - head, k);
            for (uint32_t j = 0; j < k && head < tail; j++) report_fd(i, j, fifo[head++]);
            if (i < nmsgs && msgs[i].sync) write_all(sock, (const unsigned char *)"A", 1);
            i++;
        }
        memmove(buf, buf + off, len - off);
        len -= off;
        if (r == 0) break;
    }
    if (len) printf("trailing %zu bytes\n", len);
    if (tail > head) printf("unclaimed %d fds\n", tail - head);
    while (head < tail) close(fifo[head++]);
    printf("eof\n");
    fflush(stdout);
    free(buf);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: peer (connect|listen) PATH (send|recv) SCENARIO TMPDIR\n");
        return 2;
    }
    alarm(30); /* never outlive a stuck test */
    crc_init();
    parse(argv[4]);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(argv[2]) >= sizeof addr.sun_path) { fprintf(stderr, "path too long\n"); return 2; }
    strcpy(addr.sun_path, argv[2]);
    int sock;
    if (strcmp(argv[1], "listen") == 0) {
        int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (srv < 0) die("socket");
        if (bind(srv, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
        if (listen(srv, 1) < 0) die("listen");
        printf("listening\n");
        fflush(stdout);
        sock = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
        if (sock < 0) die("accept");
        close(srv);
        unlink(argv[2]);
    } else {
        sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0) die("socket");
        if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    }
    if (strcmp(argv[3], "send") == 0) do_send(sock, argv[5]);
    else do_recv(sock);
    close(sock);
    return 0;
}
