/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark of liburcu's default flavour (urcu-memb), the counterpart of
 * bench-rcu.c: read-side cost, synchronize_rcu() latency,
 * call_rcu()-to-callback latency and rcu_barrier() latency, idle, with
 * reader threads looping over short critical sections ("load") and with
 * readers that sleep 1 ms in each one ("longcs").  Uses only libc and
 * liburcu: liburcu's rcu_read_lock() and friends would clash with QEMU's,
 * so none of QEMU's headers or libraries are used here.  The read-side
 * primitives are inlined (_LGPL_SOURCE), as QEMU's are.
 */

#define _GNU_SOURCE
#define _LGPL_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <urcu.h>
#include "bench-common.h"

#define PREFIX "urcu"

typedef struct Shared {
    unsigned long words[BENCH_CS_WORDS];
} Shared;

static Shared shared_data = { { 1 } };
static Shared *shared_ptr = &shared_data;

/* One per thread, on its own cache line. */
typedef struct Reader {
    pthread_t thread;
    uint64_t count;
    int64_t elapsed;
    int64_t best;
    unsigned long sink;
    int64_t deadline_ms;
} __attribute__((aligned(64))) Reader;

static Reader readers[BENCH_LOAD_THREADS];
static int readers_ready;
static bool readers_go;
static bool readers_stop;
static bool readers_long_cs;

/*
 * Cost of a read-side critical section pair: run until the deadline.
 * *best gets the time of the fastest window of BENCH_READ_WINDOW pairs.
 */
static uint64_t read_pairs(int64_t deadline, int64_t *best)
{
    int64_t t0 = bench_now_ns(), t1;
    uint64_t n = 0;
    int i;

    *best = INT64_MAX;
    do {
        for (i = 0; i < BENCH_READ_WINDOW; i++) {
            rcu_read_lock();
            cmm_barrier();
            rcu_read_unlock();
        }
        n += BENCH_READ_WINDOW;
        t1 = bench_now_ns();
        if (t1 - t0 < *best) {
            *best = t1 - t0;
        }
        t0 = t1;
    } while (t1 < deadline);
    return n;
}

/* -c: exactly @n pairs and nothing else, for instruction counts. */
static void __attribute__((noinline)) read_pairs_count(long long n)
{
    while (n-- > 0) {
        rcu_read_lock();
        cmm_barrier();
        rcu_read_unlock();
    }
}

static void wait_for_go(void)
{
    uatomic_inc(&readers_ready);
    while (!CMM_LOAD_SHARED(readers_go)) {
        /* spin: the start should be prompt */
    }
}

static void *pair_thread(void *opaque)
{
    Reader *r = opaque;
    int64_t t0;

    rcu_register_thread();
    wait_for_go();
    t0 = bench_now_ns();
    r->count = read_pairs(t0 + r->deadline_ms * 1000000, &r->best);
    r->elapsed = bench_now_ns() - t0;
    rcu_unregister_thread();
    return NULL;
}

static void thread_start(Reader *r, void *(*fn)(void *))
{
    if (pthread_create(&r->thread, NULL, fn, r)) {
        perror("pthread_create");
        exit(1);
    }
}

/*
 * ns per rcu_read_lock()/rcu_read_unlock() pair in each of @n threads:
 * the mean over the whole run, and in *best the mean of each thread's
 * fastest window.
 */
static double read_cost(int n, int ms, double *best)
{
    int64_t t0, t1, win;
    uint64_t total;
    double sum = 0;
    int i;

    if (n == 1) {
        /* main() registered the main thread. */
        read_pairs(bench_now_ns() + 20 * 1000000, &win);    /* warm-up */
        t0 = bench_now_ns();
        total = read_pairs(t0 + ms * 1000000LL, &win);
        t1 = bench_now_ns();
        *best = (double)win / BENCH_READ_WINDOW;
        return (double)(t1 - t0) / total;
    }

    CMM_STORE_SHARED(readers_ready, 0);
    CMM_STORE_SHARED(readers_go, false);
    *best = 0;
    for (i = 0; i < n; i++) {
        readers[i].deadline_ms = ms;
        thread_start(&readers[i], pair_thread);
    }
    while (uatomic_read(&readers_ready) < n) {
        usleep(1000);
    }
    uatomic_set(&readers_go, true);
    for (i = 0; i < n; i++) {
        pthread_join(readers[i].thread, NULL);
        sum += (double)readers[i].elapsed / readers[i].count;
        *best += (double)readers[i].best / BENCH_READ_WINDOW / n;
    }
    return sum / n;
}

/*
 * Load: loop over critical sections that read shared data; with
 * readers_long_cs, sleep BENCH_LONG_CS_US inside each one.
 */
static void *load_thread(void *opaque)
{
    Reader *r = opaque;
    unsigned long sum = 0;
    uint64_t n = 0;
    bool long_cs = uatomic_read(&readers_long_cs);
    Shared *p;
    int i;

    rcu_register_thread();
    wait_for_go();
    while (!CMM_LOAD_SHARED(readers_stop)) {
        rcu_read_lock();
        p = rcu_dereference(shared_ptr);
        for (i = 0; i < BENCH_CS_WORDS; i++) {
            sum += CMM_LOAD_SHARED(p->words[i]);
        }
        if (long_cs) {
            usleep(BENCH_LONG_CS_US);
        }
        rcu_read_unlock();
        n++;
    }
    r->sink = sum;
    r->count = n;
    rcu_unregister_thread();
    return NULL;
}

static void load_start(bool long_cs)
{
    int i;

    uatomic_set(&readers_long_cs, long_cs);
    uatomic_set(&readers_ready, 0);
    uatomic_set(&readers_stop, false);
    uatomic_set(&readers_go, true);
    for (i = 0; i < BENCH_LOAD_THREADS; i++) {
        thread_start(&readers[i], load_thread);
    }
    while (uatomic_read(&readers_ready) < BENCH_LOAD_THREADS) {
        usleep(1000);
    }
    usleep(10000);    /* let them get going */
}

static void load_stop(void)
{
    int i;

    uatomic_set(&readers_stop, true);
    for (i = 0; i < BENCH_LOAD_THREADS; i++) {
        pthread_join(readers[i].thread, NULL);
    }
}

static void sync_series(int64_t *v, int n)
{
    int64_t t0;
    int i;

    for (i = -BENCH_WARMUP; i < n; i++) {
        bench_gap();
        t0 = bench_now_ns();
        synchronize_rcu();
        if (i >= 0) {
            v[i] = bench_now_ns() - t0;
        }
    }
}

/* rcu_barrier() latency with nothing else queued. */
static void barrier_series(int64_t *v, int n)
{
    int64_t t0;
    int i;

    for (i = -BENCH_WARMUP; i < n; i++) {
        bench_gap();
        t0 = bench_now_ns();
        rcu_barrier();
        if (i >= 0) {
            v[i] = bench_now_ns() - t0;
        }
    }
}

typedef struct Probe {
    struct rcu_head rcu;
    int64_t t0;
    int64_t lat;
} Probe;

static sem_t probe_done;

/* Runs in the default call_rcu thread. */
static void probe_cb(struct rcu_head *head)
{
    Probe *p = caa_container_of(head, Probe, rcu);

    p->lat = bench_now_ns() - p->t0;
    sem_post(&probe_done);
}

/* From call_rcu() to the start of its callback, one callback in flight. */
static void call_rcu_series(int64_t *v, int n)
{
    static Probe probe;
    int i;

    for (i = -BENCH_WARMUP; i < n; i++) {
        bench_gap();
        probe.t0 = bench_now_ns();
        call_rcu(&probe.rcu, probe_cb);
        while (sem_wait(&probe_done)) {
            /* EINTR */
        }
        if (i >= 0) {
            v[i] = probe.lat;
        }
    }
}

/* The three latency series with reader threads running. */
static void run_loaded(int64_t *v, int n, bool long_cs, const char *what)
{
    char name[64];

    load_start(long_cs);
    bench_gap_on = true;
    sync_series(v, n);
    snprintf(name, sizeof(name), "sync_%s", what);
    bench_report_lat(PREFIX, name, v, n);
    call_rcu_series(v, n);
    snprintf(name, sizeof(name), "call_rcu_%s", what);
    bench_report_lat(PREFIX, name, v, n);
    barrier_series(v, n);
    snprintf(name, sizeof(name), "drain_%s", what);
    bench_report_lat(PREFIX, name, v, n);
    bench_gap_on = false;
    load_stop();
}

int main(int argc, char **argv)
{
    BenchOpts o;
    int64_t *v;
    double best;

    bench_parse_opts(&o, argc, argv);
    v = calloc(o.samples, sizeof(*v));
    if (!v) {
        abort();
    }
    sem_init(&probe_done, 0, 0);
    rcu_register_thread();
    if (o.pairs >= 0) {
        read_pairs_count(o.pairs);
        return 0;
    }

    printf("# %s membarrier %d\n", PREFIX, urcu_memb_has_sys_membarrier);
    printf("# %s samples %d read_ms %d load_threads %d\n", PREFIX,
           o.samples, o.read_ms, BENCH_LOAD_THREADS);

    bench_report(PREFIX, "read_ns_1t", read_cost(1, o.read_ms, &best));
    bench_report(PREFIX, "read_ns_1t_best", best);
    bench_report(PREFIX, "read_ns_2t", read_cost(2, o.read_ms, &best));
    bench_report(PREFIX, "read_ns_2t_best", best);

    sync_series(v, o.samples);
    bench_report_lat(PREFIX, "sync_idle", v, o.samples);
    call_rcu_series(v, o.samples);
    bench_report_lat(PREFIX, "call_rcu_idle", v, o.samples);
    barrier_series(v, o.samples);
    bench_report_lat(PREFIX, "drain_idle", v, o.samples);

    run_loaded(v, o.samples, false, "load");
    run_loaded(v, o.samples, true, "longcs");

    rcu_unregister_thread();
    free(v);
    return 0;
}
