/*
 * The libuv contender of the side-by-side benchmarks (bench/PROTOCOL.md): libuv's own event loop
 * and pipe handles, called from C, one loop per role, written the way node's net.js drives them
 * (read with uv_read_start, write with uv_try_write then uv_write, end with uv_shutdown). It is
 * the design usocket copies with no runtime on top: the gap between this and the blocking C
 * contender is what an event loop costs here, the gap between usocket and this what Java and the
 * Node stream layers cost. W1, W3 and W4 only (W2 needs a stream handle per fd in libuv).
 *
 *   contender-libuv <server|client> <W1|W3|W4> <socket-path> [param]
 *
 * Build: gcc -O2 -o contender-libuv contender-libuv.c -luv
 */
#include "common.h"

#include <signal.h>
#include <uv.h>

static uv_loop_t *loop;
static const char *socket_path;
static char chunk[CHUNK];

static void check(int status, const char *what) {
    if (status < 0) {
        errno = -status;
        die(what);
    }
}

static void free_handle(uv_handle_t *h) {
    free(h);
}

static void close_stream(uv_stream_t *s) {
    uv_close((uv_handle_t *)s, free_handle);
}

/* One buffer for every read of a role: the loop reads on one thread, as node's onread option. */
static void alloc_chunk(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(chunk, sizeof chunk);
}

/* node's writeGeneric: uv_try_write, and uv_write for what the kernel did not take. */
struct pending_write {
    uv_write_t req;
    char data[];
};

static void free_write(uv_write_t *req, int status) {
    check(status, "write");
    free(req);
}

static void write_bytes(uv_stream_t *s, const char *data, size_t n) {
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)n);
    int k = uv_try_write(s, &b, 1);
    if (k == (int)n) return;
    if (k < 0 && k != UV_EAGAIN) check(k, "try_write");
    size_t done = k > 0 ? (size_t)k : 0;
    struct pending_write *w = malloc(sizeof *w + (n - done));
    if (!w) die("malloc");
    memcpy(w->data, data + done, n - done);
    uv_buf_t rest = uv_buf_init(w->data, (unsigned)(n - done));
    check(uv_write(&w->req, s, &rest, 1, free_write), "write");
}

/* ---- connect, retrying while the server is not listening yet ---- */

typedef void (*connected_fn)(uv_pipe_t *p);

struct attempt {
    uv_connect_t req;
    connected_fn then;
    int tries;
};

static void connect_attempt(struct attempt *a);

static void retry_timer_fired(uv_timer_t *t) {
    struct attempt *a = t->data;
    uv_close((uv_handle_t *)t, free_handle);
    connect_attempt(a);
}

static void retry_after_close(uv_handle_t *h) {
    struct attempt *a = h->data;
    free(h);
    uv_timer_t *t = malloc(sizeof *t);
    if (!t) die("malloc");
    uv_timer_init(loop, t);
    t->data = a;
    uv_timer_start(t, retry_timer_fired, 1, 0);
}

static void on_connect(uv_connect_t *req, int status) {
    struct attempt *a = (struct attempt *)req;
    uv_pipe_t *p = (uv_pipe_t *)req->handle;
    if ((status == UV_ENOENT || status == UV_ECONNREFUSED) && ++a->tries < 5000) {
        p->data = a;
        uv_close((uv_handle_t *)p, retry_after_close);
        return;
    }
    check(status, "connect");
    connected_fn then = a->then;
    free(a);
    then(p);
}

static void connect_attempt(struct attempt *a) {
    uv_pipe_t *p = malloc(sizeof *p);
    if (!p) die("malloc");
    check(uv_pipe_init(loop, p, 0), "pipe_init");
    uv_pipe_connect(&a->req, p, socket_path, on_connect);
}

static void connect_then(connected_fn then) {
    struct attempt *a = calloc(1, sizeof *a);
    if (!a) die("calloc");
    a->then = then;
    connect_attempt(a);
}

static uv_pipe_t *listen_with(uv_connection_cb on_connection) {
    uv_pipe_t *server = malloc(sizeof *server);
    if (!server) die("malloc");
    unlink(socket_path);
    check(uv_pipe_init(loop, server, 0), "pipe_init");
    check(uv_pipe_bind(server, socket_path), "bind");
    check(uv_listen((uv_stream_t *)server, 4096, on_connection), "listen");
    return server;
}

static uv_pipe_t *accept_from(uv_stream_t *server, int status) {
    check(status, "connection");
    uv_pipe_t *c = malloc(sizeof *c);
    if (!c) die("malloc");
    check(uv_pipe_init(loop, c, 0), "pipe_init");
    check(uv_accept(server, (uv_stream_t *)c), "accept");
    return c;
}

static long long param;

/* ---- W1: stream ---- */

static long long w1_total, w1_total0 = -1, w1_warm;
static double w1_t0;

static void w1_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    if (n == UV_EOF) {
        if (w1_total0 < 0) die("warm-up share never reached");
        resultf((w1_total - w1_total0) / 1e6 / (now_s() - w1_t0), "MB/s");
        close_stream(s);
        return;
    }
    check((int)n, "read");
    w1_total += n;
    if (w1_total0 < 0 && w1_total >= w1_warm) {
        w1_total0 = w1_total;
        w1_t0 = now_s();
    }
}

static void w1_connection(uv_stream_t *server, int status) {
    uv_pipe_t *c = accept_from(server, status);
    uv_close((uv_handle_t *)server, free_handle);
    w1_warm = warmup(param);
    check(uv_read_start((uv_stream_t *)c, alloc_chunk, w1_read), "read_start");
}

/* The client keeps two 64 KiB writes queued, so the kernel never waits for the next one. */
static long long w1_left;
static int w1_in_flight;

static void w1_pump(uv_stream_t *s);

static void w1_written(uv_write_t *req, int status) {
    check(status, "write");
    uv_stream_t *s = req->handle;
    free(req);
    w1_in_flight--;
    w1_pump(s);
}

static void w1_pump(uv_stream_t *s) {
    while (w1_left > 0 && w1_in_flight < 2) {
        size_t n = w1_left < CHUNK ? (size_t)w1_left : CHUNK;
        w1_left -= (long long)n;
        uv_write_t *req = malloc(sizeof *req);
        if (!req) die("malloc");
        uv_buf_t b = uv_buf_init(chunk, (unsigned)n);
        check(uv_write(req, s, &b, 1, w1_written), "write");
        w1_in_flight++;
    }
    if (w1_left == 0 && w1_in_flight == 0) close_stream(s);
}

static void w1_connected(uv_pipe_t *p) {
    memset(chunk, 'x', sizeof chunk);
    w1_left = param;
    w1_pump((uv_stream_t *)p);
}

/* ---- W3: ping-pong ---- */

static void w3_echo(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    if (n == UV_EOF) {
        close_stream(s);
        return;
    }
    check((int)n, "read");
    write_bytes(s, buf->base, (size_t)n);
}

static void w3_connection(uv_stream_t *server, int status) {
    uv_pipe_t *c = accept_from(server, status);
    uv_close((uv_handle_t *)server, free_handle);
    check(uv_read_start((uv_stream_t *)c, alloc_chunk, w3_echo), "read_start");
}

static long long w3_done, w3_warm;
static size_t w3_got;
static double w3_t0;
static char w3_ping[64];

static void w3_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    check(n == UV_EOF ? UV_EPIPE : (int)n, "echo");
    w3_got += (size_t)n;
    if (w3_got < sizeof w3_ping) return;
    w3_got -= sizeof w3_ping;
    if (++w3_done == w3_warm) w3_t0 = now_s();
    if (w3_done == param) {
        if (w3_warm >= param) die("warm-up share never reached");
        resultf((now_s() - w3_t0) * 1e6 / (param - w3_warm), "us/rt");
        close_stream(s);
        return;
    }
    write_bytes(s, w3_ping, sizeof w3_ping);
}

static void w3_connected(uv_pipe_t *p) {
    memset(w3_ping, 'p', sizeof w3_ping);
    w3_warm = warmup(param);
    check(uv_read_start((uv_stream_t *)p, alloc_chunk, w3_read), "read_start");
    write_bytes((uv_stream_t *)p, w3_ping, sizeof w3_ping);
}

/* ---- W4: connect ---- */

/* The server as node's `socket.end(one)`: write, shutdown, close at the client's EOF. */
static long long w4_accepted;

static void w4_server_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    if (n < 0) close_stream(s); /* EOF, or ECONNRESET from a client that closed first */
}

static void free_shutdown(uv_shutdown_t *req, int status) {
    (void)status; /* node's afterShutdown ignores it too */
    free(req);
}

static void w4_connection(uv_stream_t *server, int status) {
    static const char one = 1;
    uv_pipe_t *c = accept_from(server, status);
    check(uv_read_start((uv_stream_t *)c, alloc_chunk, w4_server_read), "read_start");
    write_bytes((uv_stream_t *)c, &one, 1);
    uv_shutdown_t *req = malloc(sizeof *req);
    if (!req) die("malloc");
    check(uv_shutdown(req, (uv_stream_t *)c, free_shutdown), "shutdown");
    if (++w4_accepted == param) uv_close((uv_handle_t *)server, free_handle);
}

static long long w4_done, w4_warm;
static double w4_t0;

static void w4_next(void);

static void w4_client_closed(uv_handle_t *h) {
    free(h);
    w4_next();
}

static void w4_client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    check(n == UV_EOF ? UV_EPIPE : (int)n, "no byte");
    uv_close((uv_handle_t *)s, w4_client_closed);
}

static void w4_connected(uv_pipe_t *p) {
    check(uv_read_start((uv_stream_t *)p, alloc_chunk, w4_client_read), "read_start");
}

/* The first connection waits for the server (which counts it); the warm-up share (at least 1)
   keeps it out of the clock, as in the other contenders. */
static void w4_next(void) {
    if (++w4_done == w4_warm) w4_t0 = now_s();
    if (w4_done == param) {
        if (w4_warm >= param) die("warm-up share never reached");
        resultf((param - w4_warm) / (now_s() - w4_t0), "conn/s");
        return;
    }
    connect_then(w4_connected);
}

int main(int argc, char **argv) {
    contender_name = "contender-libuv";
    if (argc < 4) {
        fprintf(stderr, "usage: %s <server|client> <W1|W3|W4> <socket-path> [param]\n", argv[0]);
        return 2;
    }
    const char *role = argv[1];
    workload = argv[2];
    socket_path = argv[3];
    param = argc > 4 ? atoll(argv[4]) : 0;
    int server = strcmp(role, "server") == 0;
    if (!server && strcmp(role, "client") != 0) {
        fprintf(stderr, "unknown role %s\n", role);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    loop = uv_default_loop();
    if (strcmp(workload, "W1") == 0) {
        if (param <= 0) param = 8LL << 30;
        if (server) listen_with(w1_connection); else connect_then(w1_connected);
    } else if (strcmp(workload, "W3") == 0) {
        if (param <= 0) param = 200000;
        if (server) listen_with(w3_connection); else connect_then(w3_connected);
    } else if (strcmp(workload, "W4") == 0) {
        if (param <= 0) param = 40000;
        w4_warm = warmup(param);
        if (server) listen_with(w4_connection); else connect_then(w4_connected);
    } else {
        printf("RESULT %s n/a -\n", workload);
        return 0;
    }
    check(uv_run(loop, UV_RUN_DEFAULT), "run");
    return 0;
}
