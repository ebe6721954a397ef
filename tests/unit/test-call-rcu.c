/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * call_rcu(), g_free_rcu() and drain_call_rcu().
 *
 * Checks that callbacks run in the order they were queued, each exactly
 * once, with the BQL held and outside the thread that queued them; that
 * a callback waits for read-side critical sections that were already
 * running when it was queued; that drain_call_rcu() returns only after
 * every callback queued before it has run, whether or not the caller
 * holds the BQL (which it must hold again on return); that g_free_rcu()
 * frees; that callbacks queued by many threads at once all run; and that
 * a forced grace period runs the force_rcu notifiers of the readers it
 * waits for (and not those removed).
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/rcu.h"
#include "qemu/main-loop.h"
#if defined(__GLIBC__)
#include <malloc.h>
#if __GLIBC_PREREQ(2, 33)
#define HAVE_MALLINFO2 1
#endif
#endif


/* Set by every callback that runs without the BQL or in a wrong thread. */
static int n_bad_context;
static QemuThread main_thread;

static void check_context(void)
{
    if (!bql_locked() || qemu_thread_is_self(&main_thread)) {
        qatomic_inc(&n_bad_context);
    }
}

/* Order of 1000 callbacks queued by one thread */

#define N_ORDER 1000

typedef struct SeqCB {
    struct rcu_head rcu;
    int seq;
} SeqCB;

static int order_log[N_ORDER];
static int order_count;

static void seq_cb(SeqCB *cb)
{
    int pos = qatomic_fetch_inc(&order_count);

    check_context();
    if (pos < N_ORDER) {
        order_log[pos] = cb->seq;
    }
    g_free(cb);
}

static void test_order(void)
{
    int i;

    qatomic_set(&n_bad_context, 0);
    order_count = 0;
    for (i = 0; i < N_ORDER; i++) {
        SeqCB *cb = g_new0(SeqCB, 1);

        cb->seq = i;
        call_rcu(cb, seq_cb, rcu);
        if (i % 100 == 99) {
            /* Let some batches start while we keep queueing. */
            g_usleep(1000);
        }
    }
    drain_call_rcu();

    g_assert_cmpint(qatomic_read(&order_count), ==, N_ORDER);
    for (i = 0; i < N_ORDER; i++) {
        g_assert_cmpint(order_log[i], ==, i);
    }
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

/* Callbacks wait for readers that were running when they were queued */

typedef struct FlagCB {
    struct rcu_head rcu;
    int ran;
} FlagCB;

static void flag_cb(FlagCB *cb)
{
    check_context();
    qatomic_inc(&cb->ran);
}

static void test_waits_for_reader_self(void)
{
    FlagCB cb = { 0 };

    qatomic_set(&n_bad_context, 0);
    rcu_read_lock();
    call_rcu(&cb, flag_cb, rcu);
    g_usleep(200 * 1000);
    g_assert_cmpint(qatomic_read(&cb.ran), ==, 0);
    rcu_read_unlock();

    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&cb.ran), ==, 1);
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

typedef struct ReaderCtl {
    QemuEvent inside;
    QemuEvent leave;
} ReaderCtl;

static void *holding_reader(void *opaque)
{
    ReaderCtl *ctl = opaque;

    rcu_register_thread();
    rcu_read_lock();
    qemu_event_set(&ctl->inside);
    qemu_event_wait(&ctl->leave);
    rcu_read_unlock();
    rcu_unregister_thread();
    return NULL;
}

static void test_waits_for_reader_other(void)
{
    ReaderCtl ctl;
    QemuThread thread;
    FlagCB cb = { 0 };

    qatomic_set(&n_bad_context, 0);
    qemu_event_init(&ctl.inside, false);
    qemu_event_init(&ctl.leave, false);
    qemu_thread_create(&thread, "rcu-holder", holding_reader, &ctl,
                       QEMU_THREAD_JOINABLE);
    qemu_event_wait(&ctl.inside);

    call_rcu(&cb, flag_cb, rcu);
    g_usleep(200 * 1000);
    g_assert_cmpint(qatomic_read(&cb.ran), ==, 0);

    qemu_event_set(&ctl.leave);
    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&cb.ran), ==, 1);
    qemu_thread_join(&thread);

    qemu_event_destroy(&ctl.inside);
    qemu_event_destroy(&ctl.leave);
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

/* force_rcu notifiers: a writer that forces a grace period asks readers */

typedef struct ForceCtl {
    Notifier notifier;
    QemuEvent inside;
    QemuEvent leave;
    int notified;
    bool remove_first;
} ForceCtl;

static void force_notify(Notifier *n, void *data)
{
    ForceCtl *ctl = container_of(n, ForceCtl, notifier);

    qatomic_inc(&ctl->notified);
    qemu_event_set(&ctl->leave);
}

static void *force_reader(void *opaque)
{
    ForceCtl *ctl = opaque;

    rcu_register_thread();
    rcu_add_force_rcu_notifier(&ctl->notifier);
    if (ctl->remove_first) {
        rcu_remove_force_rcu_notifier(&ctl->notifier);
    }
    rcu_read_lock();
    qemu_event_set(&ctl->inside);
    qemu_event_wait(&ctl->leave);
    rcu_read_unlock();
    if (!ctl->remove_first) {
        rcu_remove_force_rcu_notifier(&ctl->notifier);
    }
    rcu_unregister_thread();
    return NULL;
}

static void *drain_only(void *opaque)
{
    drain_call_rcu();
    return NULL;
}

static void do_test_force_notifier(bool remove_first)
{
    ForceCtl ctl = { .notifier.notify = force_notify,
                     .remove_first = remove_first };
    QemuThread reader, drainer;
    FlagCB cb = { 0 };

    qemu_event_init(&ctl.inside, false);
    qemu_event_init(&ctl.leave, false);
    qemu_thread_create(&reader, "rcu-forced", force_reader, &ctl,
                       QEMU_THREAD_JOINABLE);
    qemu_event_wait(&ctl.inside);

    /* drain_call_rcu() forces the grace period that cb waits for. */
    call_rcu(&cb, flag_cb, rcu);
    qemu_thread_create(&drainer, "rcu-drainer", drain_only, NULL,
                       QEMU_THREAD_JOINABLE);
    if (remove_first) {
        g_usleep(200 * 1000);
        g_assert_cmpint(qatomic_read(&cb.ran), ==, 0);
        qemu_event_set(&ctl.leave);
    }
    /* Without the notifier the reader would never leave. */
    qemu_thread_join(&drainer);
    qemu_thread_join(&reader);

    g_assert_cmpint(qatomic_read(&cb.ran), ==, 1);
    /*
     * Each forced grace period that finds the reader inside notifies it:
     * the drain may take two (cb and its own callback in two batches).
     */
    if (remove_first) {
        g_assert_cmpint(qatomic_read(&ctl.notified), ==, 0);
    } else {
        g_assert_cmpint(qatomic_read(&ctl.notified), >=, 1);
    }
    qemu_event_destroy(&ctl.inside);
    qemu_event_destroy(&ctl.leave);
}

static void test_force_notifier(void)
{
    do_test_force_notifier(false);
}

static void test_force_notifier_removed(void)
{
    do_test_force_notifier(true);
}

/* drain_call_rcu() */

#define N_DRAIN 64

typedef struct DrainCB {
    struct rcu_head rcu;
    int *ran;
    bool slow;
} DrainCB;

static void drain_cb(DrainCB *cb)
{
    check_context();
    if (cb->slow) {
        /* The drainer must keep waiting for a slow callback. */
        g_usleep(2000);
    }
    qatomic_inc(cb->ran);
    g_free(cb);
}

/* Queue @n callbacks, each incrementing its own slot of @ran. */
static void queue_drain_cbs(int *ran, int n, bool slow_last)
{
    int i;

    for (i = 0; i < n; i++) {
        DrainCB *cb = g_new0(DrainCB, 1);

        cb->ran = &ran[i];
        cb->slow = slow_last && i == n - 1;
        call_rcu(cb, drain_cb, rcu);
    }
}

static void check_all_ran_once(int *ran, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        g_assert_cmpint(qatomic_read(&ran[i]), ==, 1);
    }
}

static void do_test_drain(bool with_bql)
{
    int ran[N_DRAIN];
    int round, n;

    qatomic_set(&n_bad_context, 0);
    for (round = 0; round < 20; round++) {
        n = 1 + (round * 7) % N_DRAIN;
        memset(ran, 0, sizeof(ran));

        if (with_bql) {
            bql_lock();
        }
        queue_drain_cbs(ran, n, round & 1);
        drain_call_rcu();

        /* drain_call_rcu() gives the BQL back exactly as it found it. */
        g_assert_cmpint(bql_locked(), ==, with_bql);
        check_all_ran_once(ran, n);
        if (with_bql) {
            bql_unlock();
        }
    }

    /* Nothing queued: returns all the same. */
    if (with_bql) {
        bql_lock();
    }
    drain_call_rcu();
    g_assert_cmpint(bql_locked(), ==, with_bql);
    if (with_bql) {
        bql_unlock();
    }
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

static void test_drain_no_bql(void)
{
    do_test_drain(false);
}

static void test_drain_bql(void)
{
    do_test_drain(true);
}

/* Drain from a thread that is not the main thread, with and without BQL */

typedef struct DrainThreadArg {
    QemuThread thread;
    bool with_bql;
    QemuEvent *start;
    int ran[N_DRAIN];
    int bql_after;
} DrainThreadArg;

static void *drain_thread(void *opaque)
{
    DrainThreadArg *arg = opaque;
    int i;

    qemu_event_wait(arg->start);
    for (i = 0; i < 5; i++) {
        memset(arg->ran, 0, sizeof(arg->ran));
        if (arg->with_bql) {
            bql_lock();
        }
        queue_drain_cbs(arg->ran, N_DRAIN, i & 1);
        drain_call_rcu();
        arg->bql_after = bql_locked();
        if (arg->with_bql) {
            bql_unlock();
        }
        check_all_ran_once(arg->ran, N_DRAIN);
        g_assert_cmpint(arg->bql_after, ==, arg->with_bql);
    }
    return NULL;
}

static void test_drain_concurrent(void)
{
    DrainThreadArg args[4];
    QemuEvent start;
    int i;

    qatomic_set(&n_bad_context, 0);
    qemu_event_init(&start, false);
    for (i = 0; i < ARRAY_SIZE(args); i++) {
        memset(&args[i], 0, sizeof(args[i]));
        args[i].with_bql = i & 1;
        args[i].start = &start;
        qemu_thread_create(&args[i].thread, "rcu-drainer", drain_thread,
                           &args[i], QEMU_THREAD_JOINABLE);
    }
    qemu_event_set(&start);
    for (i = 0; i < ARRAY_SIZE(args); i++) {
        qemu_thread_join(&args[i].thread);
    }
    qemu_event_destroy(&start);
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

/* A callback may queue another one; it runs later, after a grace period */

typedef struct ChainCB {
    struct rcu_head rcu;
    int links_left;
    int *log;
    int *count;
} ChainCB;

static void chain_cb(ChainCB *cb)
{
    check_context();
    cb->log[qatomic_fetch_inc(cb->count)] = cb->links_left;
    if (cb->links_left-- > 0) {
        call_rcu(cb, chain_cb, rcu);
    } else {
        g_free(cb);
    }
}

static void test_requeue_from_callback(void)
{
    static int log[4], count;
    ChainCB *cb = g_new0(ChainCB, 1);
    int i;

    qatomic_set(&n_bad_context, 0);
    count = 0;
    cb->links_left = ARRAY_SIZE(log) - 1;
    cb->log = log;
    cb->count = &count;
    call_rcu(cb, chain_cb, rcu);

    /*
     * Each link is queued while the previous one runs, that is before the
     * next drain starts, so drain number i covers link number i.
     */
    for (i = 0; i < ARRAY_SIZE(log); i++) {
        drain_call_rcu();
        g_assert_cmpint(qatomic_read(&count), >=, i + 1);
    }
    g_assert_cmpint(qatomic_read(&count), ==, ARRAY_SIZE(log));
    for (i = 0; i < ARRAY_SIZE(log); i++) {
        g_assert_cmpint(log[i], ==, ARRAY_SIZE(log) - 1 - i);
    }
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

/* g_free_rcu() */

typedef struct FreeMe {
    struct rcu_head rcu;
    int payload[];
} FreeMe;

static size_t heap_in_use(void)
{
#if defined(HAVE_MALLINFO2) && !defined(QEMU_SANITIZE_ADDRESS)
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
#else
    return 0;
#endif
}

static void test_g_free_rcu(void)
{
    const size_t big = 16 * 1024 * 1024;
    size_t before, during, after;
    FreeMe *obj;
    int i;

    /*
     * Many small objects: a leak shows under valgrind or LeakSanitizer,
     * a premature or double free under ASan.
     */
    for (i = 0; i < 1000; i++) {
        obj = g_malloc0(sizeof(FreeMe) + (i % 50) * sizeof(int));
        g_free_rcu(obj, rcu);
    }
    drain_call_rcu();

    /* One big object whose release the allocator's statistics show. */
    before = heap_in_use();
    obj = g_malloc(sizeof(FreeMe) + big);
    memset(obj->payload, 0x5a, big);
    during = heap_in_use();
    rcu_read_lock();
    g_free_rcu(obj, rcu);
    rcu_read_unlock();
    drain_call_rcu();
    after = heap_in_use();

    if (before == 0 && during == 0) {
        g_test_message("allocator statistics unavailable, relying on "
                       "valgrind or LeakSanitizer");
        return;
    }
    g_assert_cmpuint(during, >=, before + big);
    g_assert_cmpuint(after, <=, during - big);
}

/* Callbacks queued by 10 threads at once */

#define N_THREADS   10
#define N_PER_THREAD 1000

typedef struct MTCB {
    struct rcu_head rcu;
    int thread;
    int seq;
} MTCB;

typedef struct MTArg {
    QemuThread thread;
    int idx;
    QemuEvent *start;
} MTArg;

static int mt_ran[N_THREADS][N_PER_THREAD];
static int mt_last_seq[N_THREADS];     /* under the BQL */
static int mt_order_errors;

static void mt_cb(MTCB *cb)
{
    check_context();
    qatomic_inc(&mt_ran[cb->thread][cb->seq]);

    /* One thread's callbacks keep that thread's order. */
    if (cb->seq <= mt_last_seq[cb->thread]) {
        qatomic_inc(&mt_order_errors);
    }
    mt_last_seq[cb->thread] = cb->seq;
    g_free(cb);
}

static void *mt_thread(void *opaque)
{
    MTArg *arg = opaque;
    int i;

    qemu_event_wait(arg->start);
    for (i = 0; i < N_PER_THREAD; i++) {
        MTCB *cb = g_new0(MTCB, 1);

        cb->thread = arg->idx;
        cb->seq = i;
        call_rcu(cb, mt_cb, rcu);
    }
    return NULL;
}

static void test_many_threads(void)
{
    MTArg args[N_THREADS];
    QemuEvent start;
    int i, j;

    qatomic_set(&n_bad_context, 0);
    memset(mt_ran, 0, sizeof(mt_ran));
    mt_order_errors = 0;
    bql_lock();
    for (i = 0; i < N_THREADS; i++) {
        mt_last_seq[i] = -1;
    }
    bql_unlock();

    qemu_event_init(&start, false);
    for (i = 0; i < N_THREADS; i++) {
        args[i].idx = i;
        args[i].start = &start;
        qemu_thread_create(&args[i].thread, "rcu-queuer", mt_thread,
                           &args[i], QEMU_THREAD_JOINABLE);
    }
    qemu_event_set(&start);
    for (i = 0; i < N_THREADS; i++) {
        qemu_thread_join(&args[i].thread);
    }

    /* Everything queued before the joins has run once drain returns. */
    drain_call_rcu();
    qemu_event_destroy(&start);

    for (i = 0; i < N_THREADS; i++) {
        for (j = 0; j < N_PER_THREAD; j++) {
            g_assert_cmpint(qatomic_read(&mt_ran[i][j]), ==, 1);
        }
    }
    g_assert_cmpint(qatomic_read(&mt_order_errors), ==, 0);
    g_assert_cmpint(qatomic_read(&n_bad_context), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_thread_get_self(&main_thread);

    g_test_add_func("/call-rcu/order", test_order);
    g_test_add_func("/call-rcu/waits-for-reader/self",
                    test_waits_for_reader_self);
    g_test_add_func("/call-rcu/waits-for-reader/other-thread",
                    test_waits_for_reader_other);
    g_test_add_func("/call-rcu/force-notifier/called",
                    test_force_notifier);
    g_test_add_func("/call-rcu/force-notifier/removed",
                    test_force_notifier_removed);
    g_test_add_func("/call-rcu/drain/no-bql", test_drain_no_bql);
    g_test_add_func("/call-rcu/drain/bql", test_drain_bql);
    g_test_add_func("/call-rcu/drain/concurrent", test_drain_concurrent);
    g_test_add_func("/call-rcu/requeue-from-callback",
                    test_requeue_from_callback);
    g_test_add_func("/call-rcu/g_free_rcu", test_g_free_rcu);
    g_test_add_func("/call-rcu/many-threads", test_many_threads);

    return g_test_run();
}
