/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark of QEMU's RCU (util/rcu.c): read-side cost, synchronize_rcu()
 * latency, call_rcu()-to-callback latency and drain_call_rcu() latency,
 * idle, with reader threads looping over short critical sections
 * ("load") and with readers that sleep 1 ms in each one ("longcs").
 * bench-urcu.c measures the same figures for liburcu; rcu-bench.py runs
 * both and prints the comparison.  Run with "make bench".
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "bench-common.h"

#define PREFIX "qemu"

typedef struct Shared {
    unsigned long words[BENCH_CS_WORDS];
} Shared;

static Shared shared_data = { { 1 } };
static Shared *shared_ptr = &shared_data;

/* One per thread, on its own cache line. */
typedef struct Reader {
    QemuThread thread;
    uint64_t count;
    int64_t elapsed;
    int64_t best;
    unsigned long sink;
    int64_t deadline_ms;
} QEMU_ALIGNED(64) Reader;

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
    int64_t t0 = get_clock(), t1;
    uint64_t n = 0;
    int i;

    *best = INT64_MAX;
    do {
        for (i = 0; i < BENCH_READ_WINDOW; i++) {
            rcu_read_lock();
            barrier();
            rcu_read_unlock();
        }
        n += BENCH_READ_WINDOW;
        t1 = get_clock();
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
        barrier();
        rcu_read_unlock();
    }
}

static void wait_for_go(void)
{
    qatomic_inc(&readers_ready);
    while (!qatomic_read(&readers_go)) {
        /* spin: the start should be prompt */
    }
}

static void *pair_thread(void *opaque)
{
    Reader *r = opaque;
    int64_t t0;

    rcu_register_thread();
    wait_for_go();
    t0 = get_clock();
    r->count = read_pairs(t0 + r->deadline_ms * SCALE_MS, &r->best);
    r->elapsed = get_clock() - t0;
    rcu_unregister_thread();
    return NULL;
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
        /* The main thread is registered by util/rcu.c's constructor. */
        read_pairs(get_clock() + 20 * SCALE_MS, &win);    /* warm-up */
        t0 = get_clock();
        total = read_pairs(t0 + ms * SCALE_MS, &win);
        t1 = get_clock();
        *best = (double)win / BENCH_READ_WINDOW;
        return (double)(t1 - t0) / total;
    }

    qatomic_set(&readers_ready, 0);
    qatomic_set(&readers_go, false);
    *best = 0;
    for (i = 0; i < n; i++) {
        readers[i].deadline_ms = ms;
        qemu_thread_create(&readers[i].thread, "bench-pair", pair_thread,
                           &readers[i], QEMU_THREAD_JOINABLE);
    }
    while (qatomic_read(&readers_ready) < n) {
        g_usleep(1000);
    }
    qatomic_set(&readers_go, true);
    for (i = 0; i < n; i++) {
        qemu_thread_join(&readers[i].thread);
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
    bool long_cs = qatomic_read(&readers_long_cs);
    Shared *p;
    int i;

    rcu_register_thread();
    wait_for_go();
    while (!qatomic_read(&readers_stop)) {
        rcu_read_lock();
        p = qatomic_rcu_read(&shared_ptr);
        for (i = 0; i < BENCH_CS_WORDS; i++) {
            sum += qatomic_read(&p->words[i]);
        }
        if (long_cs) {
            g_usleep(BENCH_LONG_CS_US);
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

    qatomic_set(&readers_long_cs, long_cs);
    qatomic_set(&readers_ready, 0);
    qatomic_set(&readers_stop, false);
    qatomic_set(&readers_go, true);
    for (i = 0; i < BENCH_LOAD_THREADS; i++) {
        qemu_thread_create(&readers[i].thread, "bench-load", load_thread,
                           &readers[i], QEMU_THREAD_JOINABLE);
    }
    while (qatomic_read(&readers_ready) < BENCH_LOAD_THREADS) {
        g_usleep(1000);
    }
    g_usleep(10000);    /* let them get going */
}

static void load_stop(void)
{
    int i;

    qatomic_set(&readers_stop, true);
    for (i = 0; i < BENCH_LOAD_THREADS; i++) {
        qemu_thread_join(&readers[i].thread);
    }
}

/* synchronize_rcu() latency; the caller does not hold the BQL. */
static void sync_series(int64_t *v, int n)
{
    int64_t t0;
    int i;

    for (i = -BENCH_WARMUP; i < n; i++) {
        bench_gap();
        t0 = get_clock();
        synchronize_rcu();
        if (i >= 0) {
            v[i] = get_clock() - t0;
        }
    }
}

/* drain_call_rcu() latency with nothing else queued. */
static void drain_series(int64_t *v, int n)
{
    int64_t t0;
    int i;

    for (i = -BENCH_WARMUP; i < n; i++) {
        bench_gap();
        t0 = get_clock();
        drain_call_rcu();
        if (i >= 0) {
            v[i] = get_clock() - t0;
        }
    }
}

typedef struct Probe {
    struct rcu_head rcu;
    int64_t t0;
    int64_t lat;
} Probe;

static QemuEvent probe_done;

/* Runs in the call_rcu thread, under the BQL. */
static void probe_cb(Probe *p)
{
    p->lat = get_clock() - p->t0;
    qemu_event_set(&probe_done);
}

/* From call_rcu() to the start of its callback, one callback in flight. */
static void call_rcu_series(int64_t *v, int n)
{
    static Probe probe;
    int i;

    for (i = -BENCH_WARMUP; i < n; i++) {
        bench_gap();
        qemu_event_reset(&probe_done);
        probe.t0 = get_clock();
        call_rcu(&probe, probe_cb, rcu);
        qemu_event_wait(&probe_done);
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
    drain_series(v, n);
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
    if (o.pairs >= 0) {
        /* The main thread is registered by util/rcu.c's constructor. */
        read_pairs_count(o.pairs);
        return 0;
    }
    v = g_new(int64_t, o.samples);
    qemu_event_init(&probe_done, false);

#ifdef CONFIG_MEMBARRIER
    printf("# %s membarrier %d\n", PREFIX, have_sys_membarrier);
#else
    printf("# %s membarrier 0\n", PREFIX);
#endif
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
    drain_series(v, o.samples);
    bench_report_lat(PREFIX, "drain_idle", v, o.samples);

    run_loaded(v, o.samples, false, "load");
    run_loaded(v, o.samples, true, "longcs");

    g_free(v);
    return 0;
}
