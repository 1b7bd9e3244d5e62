/*
 * What the C contenders of the side-by-side benchmarks share (bench/PROTOCOL.md): the
 * workloads' constants, the warm-up rule, the RESULT line and the socket address.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define MAX_FDS 253
#define WINDOW 128
#define ACK_EVERY 64

static const char *workload;
/* The contender's name in error messages. */
static const char *contender_name = "contender-c";

static inline void die(const char *what) {
    fprintf(stderr, "%s %s: %s: %s\n", contender_name, workload, what, strerror(errno));
    exit(1);
}

static inline double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The warm-up share of a workload's work (bench/PROTOCOL.md): a quarter, at least 1 (just 1 in
   short-run mode, BENCH_SHORT=1). The clock starts once it is done, and the figure counts only
   the work done after that. */
static inline long long warmup(long long work) {
    const char *s = getenv("BENCH_SHORT");
    if (s && strcmp(s, "1") == 0) return 1;
    return work / 4 > 0 ? work / 4 : 1;
}

static inline void result(const char *value, const char *unit) {
    printf("RESULT %s %s %s\n", workload, value, unit);
    fflush(stdout);
}

static inline void resultf(double value, const char *unit) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", value);
    result(buf, unit);
}

static inline struct sockaddr_un address(const char *path, socklen_t *len) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n >= sizeof a.sun_path) {
        errno = ENAMETOOLONG;
        die("path");
    }
    memcpy(a.sun_path, path, n);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return a;
}

#endif
