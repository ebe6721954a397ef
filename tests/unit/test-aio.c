/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AioContext readiness and wake-ups (util/async.c), as in QEMU:
 *
 * - only a BH that is scheduled and not deleted makes the context ready;
 *   one that waits to be freed, or was cancelled, neither makes
 *   g_main_context_iteration() dispatch nor shortens a poll;
 * - aio_notify() with nobody polling leaves nothing that would wake a
 *   later poll, but makes the next blocking aio_poll() return at once;
 * - aio_notify() while a thread polls (the GSource or aio_poll()) wakes it.
 *
 * Cases that a lost wake-up would hang are bounded by an alarm.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "block/aio.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"

/* A hang (a lost wake-up) fails the program instead of stalling CI. */
#define WATCHDOG_S  60

typedef struct Fixture {
    AioContext *ctx;
    /* A private glib context with only @ctx's GSource attached. */
    GMainContext *gctx;
} Fixture;

static void fixture_init(Fixture *f)
{
    GSource *src;

    f->ctx = aio_context_new(&error_abort);
    f->gctx = g_main_context_new();
    src = aio_get_g_source(f->ctx);
    g_source_attach(src, f->gctx);
    g_source_unref(src);
    /*
     * Attaching signals glib's own wake-up; consume it, so that a poller
     * thread sleeps until our AioContext wakes it.
     */
    g_assert_false(g_main_context_iteration(f->gctx, FALSE));
}

static void fixture_destroy(Fixture *f)
{
    GSource *src = aio_get_g_source(f->ctx);

    g_source_destroy(src);
    g_source_unref(src);
    /* The last reference: frees the BHs still queued (deleted ones). */
    aio_context_unref(f->ctx);
    g_main_context_unref(f->gctx);
}

static void count_bh(void *opaque)
{
    qatomic_inc((int *)opaque);
}

/* Nothing to do: not ready, no timeout, an iteration dispatches nothing. */
static void assert_idle(Fixture *f)
{
    g_assert_false(g_main_context_pending(f->gctx));
    g_assert_false(g_main_context_iteration(f->gctx, FALSE));
    g_assert_cmpint(aio_compute_timeout(f->ctx), ==, -1);
}

static void test_idle(void)
{
    Fixture f;

    fixture_init(&f);
    assert_idle(&f);
    g_assert_false(aio_poll(f.ctx, false));
    fixture_destroy(&f);
}

/* The reference: a scheduled BH is ready, runs once, then all is idle. */
static void test_bh_scheduled(void)
{
    Fixture f;
    int count = 0;
    QEMUBH *bh;

    fixture_init(&f);
    bh = aio_bh_new(f.ctx, count_bh, &count);
    qemu_bh_schedule(bh);
    g_assert_cmpint(aio_compute_timeout(f.ctx), ==, 0);
    g_assert_true(g_main_context_iteration(f.gctx, FALSE));
    g_assert_cmpint(count, ==, 1);
    assert_idle(&f);
    g_assert_cmpint(count, ==, 1);
    qemu_bh_delete(bh);
    fixture_destroy(&f);
}

/* A BH only waiting to be freed is no work. */
static void test_bh_deleted(void)
{
    Fixture f;
    int count = 0;
    QEMUBH *bh;

    fixture_init(&f);
    bh = aio_bh_new(f.ctx, count_bh, &count);
    qemu_bh_delete(bh);
    assert_idle(&f);

    /* Deleted while scheduled: it never runs and is no work either. */
    bh = aio_bh_new(f.ctx, count_bh, &count);
    qemu_bh_schedule(bh);
    qemu_bh_delete(bh);
    assert_idle(&f);
    g_assert_false(aio_poll(f.ctx, false));
    g_assert_cmpint(count, ==, 0);
    fixture_destroy(&f);
}

/* A cancelled schedule is no work; scheduling again is. */
static void test_bh_cancelled(void)
{
    Fixture f;
    int count = 0;
    QEMUBH *bh;

    fixture_init(&f);
    bh = aio_bh_new(f.ctx, count_bh, &count);
    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    assert_idle(&f);
    g_assert_cmpint(count, ==, 0);

    qemu_bh_schedule(bh);
    g_assert_true(g_main_context_iteration(f.gctx, FALSE));
    g_assert_cmpint(count, ==, 1);
    qemu_bh_delete(bh);
    fixture_destroy(&f);
}

/*
 * aio_notify() with nobody polling: the GSource does not become ready
 * (nothing woke the eventfd), but a blocking aio_poll() that starts
 * afterwards must not sleep through it.
 */
static void test_notify_idle(void)
{
    Fixture f;

    fixture_init(&f);
    aio_notify(f.ctx);
    aio_notify(f.ctx);
    assert_idle(&f);

    aio_notify(f.ctx);
    g_assert_false(aio_poll(f.ctx, true));
    /* Accepted: the next non-blocking looks find nothing either. */
    g_assert_false(aio_poll(f.ctx, false));
    assert_idle(&f);
    fixture_destroy(&f);
}

/* A thread that polls once, the GSource way or with aio_poll(). */
typedef struct Poller {
    Fixture *f;
    bool gsource;
    bool done;
    bool progress;
} Poller;

static void *poller_run(void *opaque)
{
    Poller *p = opaque;
    bool progress;

    if (p->gsource) {
        progress = g_main_context_iteration(p->f->gctx, TRUE);
    } else {
        progress = aio_poll(p->f->ctx, true);
    }
    p->progress = progress;
    qatomic_store_release(&p->done, true);
    return NULL;
}

/*
 * With nothing scheduled the poller sleeps until woken.  A notification
 * sent before it sleeps may be consumed by the GSource's check without
 * waking anything, so keep notifying until it returns.
 */
static void poller_wake_by_notify(bool gsource)
{
    Fixture f;
    Poller p = { .f = &f, .gsource = gsource };
    QemuThread thread;

    fixture_init(&f);
    qemu_thread_create(&thread, "poller", poller_run, &p,
                       QEMU_THREAD_JOINABLE);
    while (!qatomic_load_acquire(&p.done)) {
        aio_notify(f.ctx);
        g_usleep(1000);
    }
    qemu_thread_join(&thread);
    /* Woken, not by work. */
    g_assert_false(p.progress);
    fixture_destroy(&f);
}

static void test_notify_wakes_gsource(void)
{
    poller_wake_by_notify(true);
}

static void test_notify_wakes_aio_poll(void)
{
    poller_wake_by_notify(false);
}

/*
 * One schedule from another thread, whenever it lands relative to the
 * poller's prepare and poll, runs the BH: either prepare sees it or the
 * notification kicks the poll.
 */
static void poller_wake_by_bh(bool gsource)
{
    Fixture f;
    Poller p = { .f = &f, .gsource = gsource };
    QemuThread thread;
    int count = 0;
    QEMUBH *bh;

    fixture_init(&f);
    bh = aio_bh_new(f.ctx, count_bh, &count);
    qemu_thread_create(&thread, "poller", poller_run, &p,
                       QEMU_THREAD_JOINABLE);
    g_usleep(1000);
    qemu_bh_schedule(bh);
    qemu_thread_join(&thread);
    g_assert_true(p.progress);
    g_assert_cmpint(count, ==, 1);
    qemu_bh_delete(bh);
    fixture_destroy(&f);
}

static void test_bh_wakes_gsource(void)
{
    poller_wake_by_bh(true);
}

static void test_bh_wakes_aio_poll(void)
{
    poller_wake_by_bh(false);
}

int main(int argc, char **argv)
{
    alarm(WATCHDOG_S);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/aio/idle", test_idle);
    g_test_add_func("/aio/bh/scheduled", test_bh_scheduled);
    g_test_add_func("/aio/bh/deleted", test_bh_deleted);
    g_test_add_func("/aio/bh/cancelled", test_bh_cancelled);
    g_test_add_func("/aio/notify/idle", test_notify_idle);
    g_test_add_func("/aio/notify/wakes-gsource", test_notify_wakes_gsource);
    g_test_add_func("/aio/notify/wakes-aio-poll", test_notify_wakes_aio_poll);
    g_test_add_func("/aio/bh/wakes-gsource", test_bh_wakes_gsource);
    g_test_add_func("/aio/bh/wakes-aio-poll", test_bh_wakes_aio_poll);
    return g_test_run();
}
