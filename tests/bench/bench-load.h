/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How much CPU time other processes took while a benchmark ran, so that a
 * figure measured on a busy machine is reported as such.  Plain C and
 * libc only.  rcu-bench.py computes the same in Python.
 *
 *   BenchLoad l;
 *   bench_load_start(&l);
 *   ... run (child processes included, once waited for) ...
 *   bench_load_stop(&l);
 *   if (bench_load_busy(&l)) { mark the figures }
 *
 * "Other processes" is the machine's busy time from /proc/stat minus our
 * own CPU time and that of our waited-for children.
 */

#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/*
 * A run counts as loaded when other processes used more than this share
 * of one CPU on average: enough to take a CPU from the benchmark for a
 * noticeable part of the time.
 */
#define BENCH_LOAD_BUSY_SHARE   0.05

typedef struct BenchLoad {
    double host0, own0, wall0;
    double others;      /* CPU-seconds used by other processes */
    double wall;        /* seconds */
    bool known;         /* false without /proc/stat */
} BenchLoad;

/* CPU-seconds the whole machine has been busy, or -1. */
static inline double bench_load_host_busy(void)
{
    unsigned long long v[8] = { 0 };
    FILE *f = fopen("/proc/stat", "r");
    int n;

    if (!f) {
        return -1;
    }
    /* cpu user nice system idle iowait irq softirq steal */
    n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
               &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n != 8) {
        return -1;
    }
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
           sysconf(_SC_CLK_TCK);
}

static inline double bench_load_tv(const struct timeval *tv)
{
    return tv->tv_sec + tv->tv_usec / 1e6;
}

/* Our CPU time and that of every child we have waited for. */
static inline double bench_load_own(void)
{
    struct rusage self, children;

    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return bench_load_tv(&self.ru_utime) + bench_load_tv(&self.ru_stime) +
           bench_load_tv(&children.ru_utime) +
           bench_load_tv(&children.ru_stime);
}

static inline double bench_load_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void bench_load_start(BenchLoad *l)
{
    l->host0 = bench_load_host_busy();
    l->own0 = bench_load_own();
    l->wall0 = bench_load_now();
}

static inline void bench_load_stop(BenchLoad *l)
{
    double host1 = bench_load_host_busy();
    double own1 = bench_load_own();

    l->wall = bench_load_now() - l->wall0;
    l->known = l->host0 >= 0 && host1 >= 0;
    l->others = l->known ? (host1 - l->host0) - (own1 - l->own0) : 0;
    if (l->others < 0) {
        l->others = 0;
    }
}

static inline bool bench_load_busy(const BenchLoad *l)
{
    return l->known && l->wall > 0 &&
           l->others / l->wall > BENCH_LOAD_BUSY_SHARE;
}

#endif /* BENCH_LOAD_H */
