/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AioContext and bottom halves under several threads.
 *
 * Worker threads each run an AioContext with aio_poll(), like QEMU's
 * IOThreads.  The cases check that a context's life cycle is clean, that
 * bottom halves scheduled from many threads each run exactly once, in the
 * context's own thread, and that work bounced between contexts through
 * bottom halves keeps a mutex-protected counter exact.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "block/aio.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/timer.h"

typedef struct Worker {
    QemuThread thread;
    AioContext *ctx;
    QemuEvent ready;
    bool stopping;
} Worker;

static void *worker_run(void *opaque)
{
    Worker *w = opaque;

    qemu_event_set(&w->ready);
    while (!qatomic_read(&w->stopping)) {
        aio_poll(w->ctx, true);
    }
    return NULL;
}

static Worker *worker_start(void)
{
    Worker *w = g_new0(Worker, 1);

    w->ctx = aio_context_new(&error_abort);
    qemu_event_init(&w->ready, false);
    qemu_thread_create(&w->thread, "aio-worker", worker_run, w,
                       QEMU_THREAD_JOINABLE);
    qemu_event_wait(&w->ready);
    return w;
}

static void worker_stop_bh(void *opaque)
{
    Worker *w = opaque;

    qatomic_set(&w->stopping, true);
}

/* Stopping goes through a BH, so it also flushes what was queued before. */
static void worker_stop(Worker *w)
{
    aio_bh_schedule_oneshot(w->ctx, worker_stop_bh, w);
    qemu_thread_join(&w->thread);
    qemu_event_destroy(&w->ready);
    aio_context_unref(w->ctx);
    g_free(w);
}

static void flush_bh(void *opaque)
{
    qemu_event_set(opaque);
}

/* Wait until every BH scheduled on @ctx before this call has run. */
static void worker_flush(Worker *w)
{
    QemuEvent done;

    qemu_event_init(&done, false);
    aio_bh_schedule_oneshot(w->ctx, flush_bh, &done);
    qemu_event_wait(&done);
    qemu_event_destroy(&done);
}

static void test_lifecycle(void)
{
    Worker *w = worker_start();

    worker_flush(w);
    worker_stop(w);
}

/* A BH scheduled several times before its context polls runs once. */
static void count_bh(void *opaque)
{
    qatomic_inc((int *)opaque);
}

static void test_bh_coalesce(void)
{
    AioContext *ctx = aio_context_new(&error_abort);
    int count = 0;
    QEMUBH *bh = aio_bh_new(ctx, count_bh, &count);
    int i;

    for (i = 0; i < 10; i++) {
        qemu_bh_schedule(bh);
    }
    g_assert_true(aio_poll(ctx, false));
    g_assert_cmpint(count, ==, 1);
    g_assert_false(aio_poll(ctx, false));
    g_assert_cmpint(count, ==, 1);

    /* A cancelled schedule does not run. */
    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    aio_poll(ctx, false);
    g_assert_cmpint(count, ==, 1);

    qemu_bh_delete(bh);
    aio_poll(ctx, false);
    aio_context_unref(ctx);
}

/*
 * Ten threads each schedule their own one-shot BHs on three workers; every
 * BH must run exactly once, in the thread of the context it was given to.
 */
#define NUM_SCHEDULERS  10
#define NUM_WORKERS     3

typedef struct BHRecord {
    int runs;
    Worker *expected;
    bool wrong_thread;
} BHRecord;

typedef struct Scheduler {
    QemuThread thread;
    Worker **workers;
    BHRecord *records;
    int count;
} Scheduler;

static void record_bh(void *opaque)
{
    BHRecord *rec = opaque;

    if (!qemu_thread_is_self(&rec->expected->thread)) {
        rec->wrong_thread = true;
    }
    qatomic_inc(&rec->runs);
}

static void *scheduler_run(void *opaque)
{
    Scheduler *s = opaque;
    int i;

    for (i = 0; i < s->count; i++) {
        Worker *w = s->workers[i % NUM_WORKERS];

        s->records[i].expected = w;
        aio_bh_schedule_oneshot(w->ctx, record_bh, &s->records[i]);
    }
    return NULL;
}

static void test_multi_bh_schedule(void)
{
    Worker *workers[NUM_WORKERS];
    Scheduler sched[NUM_SCHEDULERS];
    int per_thread = g_test_quick() ? 2000 : 20000;
    int i, j;

    for (i = 0; i < NUM_WORKERS; i++) {
        workers[i] = worker_start();
    }
    for (i = 0; i < NUM_SCHEDULERS; i++) {
        sched[i].workers = workers;
        sched[i].records = g_new0(BHRecord, per_thread);
        sched[i].count = per_thread;
        qemu_thread_create(&sched[i].thread, "bh-sched", scheduler_run,
                           &sched[i], QEMU_THREAD_JOINABLE);
    }
    for (i = 0; i < NUM_SCHEDULERS; i++) {
        qemu_thread_join(&sched[i].thread);
    }
    for (i = 0; i < NUM_WORKERS; i++) {
        worker_flush(workers[i]);
    }

    for (i = 0; i < NUM_SCHEDULERS; i++) {
        for (j = 0; j < per_thread; j++) {
            g_assert_cmpint(sched[i].records[j].runs, ==, 1);
            g_assert_false(sched[i].records[j].wrong_thread);
        }
        g_free(sched[i].records);
    }
    for (i = 0; i < NUM_WORKERS; i++) {
        worker_stop(workers[i]);
    }
}

/*
 * A BH that reschedules itself from its own callback, while other threads
 * schedule it too, keeps running until it stops rescheduling; a schedule
 * that arrives while it runs is never lost.
 */
typedef struct PingPong {
    QEMUBH *bh;
    int runs;
    int target;
    QemuEvent done;
} PingPong;

static void pingpong_bh(void *opaque)
{
    PingPong *p = opaque;

    if (++p->runs < p->target) {
        qemu_bh_schedule(p->bh);
    } else {
        qemu_event_set(&p->done);
    }
}

static void test_bh_reschedule(void)
{
    Worker *w = worker_start();
    PingPong p = { .target = 10000 };

    qemu_event_init(&p.done, false);
    p.bh = aio_bh_new(w->ctx, pingpong_bh, &p);
    qemu_bh_schedule(p.bh);
    qemu_event_wait(&p.done);
    g_assert_cmpint(p.runs, ==, p.target);

    qemu_bh_delete(p.bh);
    worker_flush(w);
    qemu_event_destroy(&p.done);
    worker_stop(w);
}

/* A timer on a worker's context fires in that worker's thread. */
typedef struct TimerCheck {
    Worker *w;
    bool in_worker;
    QemuEvent fired;
} TimerCheck;

static void timer_cb(void *opaque)
{
    TimerCheck *t = opaque;

    t->in_worker = qemu_thread_is_self(&t->w->thread);
    qemu_event_set(&t->fired);
}

static void test_aio_timer(void)
{
    TimerCheck t = { .w = worker_start() };
    QEMUTimer *timer;
    int64_t start = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    qemu_event_init(&t.fired, false);
    timer = timer_new_full(aio_get_timerlist_group(t.w->ctx),
                           QEMU_CLOCK_REALTIME, SCALE_MS, 0, timer_cb, &t);
    timer_mod(timer, start / SCALE_MS + 20);
    qemu_event_wait(&t.fired);
    g_assert_true(t.in_worker);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - start, >=,
                    19 * SCALE_MS);

    timer_free(timer);
    qemu_event_destroy(&t.fired);
    worker_stop(t.w);
}

/*
 * Ten contexts each run a BH that takes a shared mutex, increments a
 * counter and reschedules itself on the next context, so the increments
 * hop between threads; the total must be exact.
 */
#define MUTEX_WORKERS   10

typedef struct MutexHop {
    QemuMutex lock;
    long counter;
    int remaining;
    QemuEvent done;
    Worker *workers[MUTEX_WORKERS];
} MutexHop;

typedef struct Hopper {
    MutexHop *shared;
    int pos;
    int iterations;
} Hopper;

static void hop_bh(void *opaque)
{
    Hopper *h = opaque;
    MutexHop *m = h->shared;

    qemu_mutex_lock(&m->lock);
    m->counter++;
    qemu_mutex_unlock(&m->lock);

    if (--h->iterations > 0) {
        h->pos = (h->pos + 1) % MUTEX_WORKERS;
        aio_bh_schedule_oneshot(m->workers[h->pos]->ctx, hop_bh, h);
    } else if (qatomic_dec_fetch(&m->remaining) == 0) {
        qemu_event_set(&m->done);
    }
}

static void test_multi_mutex(int nr_hoppers, int iterations)
{
    MutexHop m = { .remaining = nr_hoppers };
    Hopper *hoppers = g_new0(Hopper, nr_hoppers);
    int i;

    qemu_mutex_init(&m.lock);
    qemu_event_init(&m.done, false);
    for (i = 0; i < MUTEX_WORKERS; i++) {
        m.workers[i] = worker_start();
    }
    for (i = 0; i < nr_hoppers; i++) {
        hoppers[i].shared = &m;
        hoppers[i].pos = i % MUTEX_WORKERS;
        hoppers[i].iterations = iterations;
        aio_bh_schedule_oneshot(m.workers[hoppers[i].pos]->ctx, hop_bh,
                                &hoppers[i]);
    }
    qemu_event_wait(&m.done);
    g_assert_cmpint(m.counter, ==, (long)nr_hoppers * iterations);

    for (i = 0; i < MUTEX_WORKERS; i++) {
        worker_stop(m.workers[i]);
    }
    qemu_event_destroy(&m.done);
    qemu_mutex_destroy(&m.lock);
    g_free(hoppers);
}

static void test_multi_mutex_1(void)
{
    test_multi_mutex(1, g_test_quick() ? 5000 : 50000);
}

static void test_multi_mutex_10(void)
{
    test_multi_mutex(10, g_test_quick() ? 2000 : 20000);
}

int main(int argc, char **argv)
{
    init_clocks(NULL);

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/aio/multi/lifecycle", test_lifecycle);
    g_test_add_func("/aio/multi/bh/coalesce", test_bh_coalesce);
    g_test_add_func("/aio/multi/bh/schedule", test_multi_bh_schedule);
    g_test_add_func("/aio/multi/bh/reschedule", test_bh_reschedule);
    g_test_add_func("/aio/multi/timer", test_aio_timer);
    g_test_add_func("/aio/multi/mutex/contended-1", test_multi_mutex_1);
    g_test_add_func("/aio/multi/mutex/contended-10", test_multi_mutex_10);
    return g_test_run();
}
