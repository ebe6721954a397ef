/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the RCU benchmarks (bench-rcu.c for QEMU's RCU,
 * bench-urcu.c for liburcu): option parsing, percentiles and the output
 * format.  Plain C and libc only, so that bench-urcu.c can use it
 * without QEMU's headers.
 *
 * Output: one "PREFIX METRIC VALUE" line per figure, for example
 * "qemu read_ns_1t 2.41"; lines starting with '#' are comments.
 *
 * With -c PAIRS a binary runs exactly PAIRS empty read-side critical
 * sections in its main thread, prints nothing and exits: the workload
 * that tests/bench/icount.py counts instructions of.
 */

#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Reader threads used for the "load" and "longcs" figures, and for the
 * 2-thread read cost.  The "load" readers loop over short critical
 * sections that read BENCH_CS_WORDS words, keeping both CPUs busy.
 */
#define BENCH_LOAD_THREADS  2

/* Work done inside each load critical section: that many loads. */
#define BENCH_CS_WORDS      16

/*
 * The "longcs" load: readers that sleep this long (us) inside every
 * critical section, so that a grace period nearly always finds one of
 * them in a critical section and has to wait for it.
 */
#define BENCH_LONG_CS_US    1000

/*
 * Read-side pairs between two clock reads.  The fastest such window is
 * reported besides the mean: a window that was not preempted by another
 * process, which the mean on a busy machine is not.
 */
#define BENCH_READ_WINDOW   4096

/* Samples thrown away before each latency series. */
#define BENCH_WARMUP        3

/*
 * With reader threads running, each latency sample is preceded by a
 * pause of 0 to BENCH_GAP_US-1 us (pseudo-random, same sequence in every
 * run), so that samples see the readers at random points of their loops
 * and the readers get the CPU back between samples.
 */
#define BENCH_GAP_US        1000

typedef struct BenchOpts {
    int samples;        /* latency samples per series */
    int read_ms;        /* duration of each read-side cost run */
    long long pairs;    /* -c: only run that many read-side pairs; or -1 */
} BenchOpts;

static inline int64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void bench_usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-n SAMPLES] [-t READ_MS] | -c PAIRS\n",
            argv0);
    exit(2);
}

static inline void bench_parse_opts(BenchOpts *o, int argc, char **argv)
{
    int c;

    o->samples = 200;
    o->read_ms = 300;
    o->pairs = -1;
    while ((c = getopt(argc, argv, "n:t:c:h")) != -1) {
        switch (c) {
        case 'n':
            o->samples = atoi(optarg);
            break;
        case 't':
            o->read_ms = atoi(optarg);
            break;
        case 'c':
            o->pairs = atoll(optarg);
            if (o->pairs < 0) {
                bench_usage(argv[0]);
            }
            break;
        default:
            bench_usage(argv[0]);
        }
    }
    if (o->samples < 1 || o->read_ms < 1 || optind != argc) {
        bench_usage(argv[0]);
    }
}

static bool bench_gap_on;

static inline void bench_gap(void)
{
    static uint32_t x = 2463534242u;

    if (!bench_gap_on) {
        return;
    }
    /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    usleep(x % BENCH_GAP_US);
}

static inline int bench_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of @n values, which get sorted in place. */
static inline int64_t bench_percentile(int64_t *v, int n, int pct)
{
    int rank;

    qsort(v, n, sizeof(*v), bench_cmp_i64);
    rank = (pct * n + 99) / 100;
    if (rank < 1) {
        rank = 1;
    }
    return v[rank - 1];
}

/* Print p50 and p99 of @n latencies in ns, as microseconds. */
static inline void bench_report_lat(const char *prefix, const char *metric,
                                    int64_t *v, int n)
{
    double p50 = bench_percentile(v, n, 50) / 1000.0;
    double p99 = bench_percentile(v, n, 99) / 1000.0;

    printf("%s %s_p50_us %.1f\n", prefix, metric, p50);
    printf("%s %s_p99_us %.1f\n", prefix, metric, p99);
    fflush(stdout);
}

static inline void bench_report(const char *prefix, const char *metric,
                                double value)
{
    printf("%s %s %.2f\n", prefix, metric, value);
    fflush(stdout);
}

#endif /* BENCH_COMMON_H */
