/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AioContext: bottom halves and timers of one event loop.
 *
 * Scheduling a bottom half from any thread is lock-free:
 *
 *   1. qemu_bh_schedule() sets BH_SCHEDULED | BH_PENDING in bh->flags with
 *      one atomic OR; only the caller that turned BH_PENDING on pushes the
 *      BH on ctx->bh_list (a lock-free stack), so a BH is on the list at
 *      most once.
 *   2. aio_notify() makes the context's eventfd readable, waking poll().
 *   3. The context's thread steals the whole stack, restores scheduling
 *      order and, for each BH, clears BH_PENDING | BH_SCHEDULED before
 *      running it, so that a schedule made while the callback runs queues
 *      it again rather than getting lost.
 *
 * Deleting a BH is a schedule with BH_DELETED: the context's thread frees
 * it, so no other thread can be touching it then.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "block/aio.h"
#include "exec/memory.h"
#include "qemu/atomic.h"
#include "qemu/rcu_queue.h"
#include "qemu/timer.h"
#include <poll.h>
#include <sys/eventfd.h>

enum {
    BH_PENDING   = (1 << 0),   /* on ctx->bh_list */
    BH_SCHEDULED = (1 << 1),   /* callback should run */
    BH_DELETED   = (1 << 2),   /* free when taken off the list */
    BH_ONESHOT   = (1 << 3),   /* free after the callback has run */
};

struct QEMUBH {
    AioContext *ctx;
    const char *name;
    QEMUBHFunc *cb;
    void *opaque;
    MemReentrancyGuard *reentrancy_guard;
    QSLIST_ENTRY(QEMUBH) next;
    unsigned flags;
};

struct AioContext {
    GSource source;

    /* Scheduled bottom halves, newest first; see the comment above. */
    QSLIST_HEAD(, QEMUBH) bh_list;

    /* Readable while a wake-up is outstanding. */
    int notify_fd;
    bool notified;
    GPollFD notify_pollfd;

    QEMUTimerListGroup tlg;
};

void aio_notify(AioContext *ctx)
{
    static const uint64_t one = 1;

    /*
     * One write per batch: later notifiers see notified == true.  The
     * BH was pushed before this exchange, and aio_ctx_consume_notify()
     * clears the flag before taking the list, so it cannot be missed.
     */
    if (!qatomic_xchg(&ctx->notified, true)) {
        ssize_t ret = write(ctx->notify_fd, &one, sizeof(one));

        /* Only a full counter (2^64 - 1 wake-ups) could fail: impossible. */
        assert(ret == sizeof(one) || errno == EAGAIN);
    }
}

static void aio_ctx_consume_notify(AioContext *ctx)
{
    uint64_t value;

    if (qatomic_xchg(&ctx->notified, false)) {
        ssize_t ret = read(ctx->notify_fd, &value, sizeof(value));
        (void)ret; /* EAGAIN: the write has not landed yet; harmless */
    }
}

static void aio_timerlist_notify(void *opaque, QEMUClockType type)
{
    aio_notify(opaque);
}

static void aio_bh_enqueue(QEMUBH *bh, unsigned new_flags)
{
    AioContext *ctx = bh->ctx;
    unsigned old_flags;

    old_flags = qatomic_fetch_or(&bh->flags, BH_PENDING | new_flags);
    if (!(old_flags & BH_PENDING)) {
        QSLIST_INSERT_HEAD_ATOMIC(&ctx->bh_list, bh, next);
    }
    aio_notify(ctx);
}

QEMUBH *aio_bh_new_full(AioContext *ctx, QEMUBHFunc *cb, void *opaque,
                        const char *name,
                        MemReentrancyGuard *reentrancy_guard)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->ctx = ctx;
    bh->cb = cb;
    bh->opaque = opaque;
    bh->name = name;
    bh->reentrancy_guard = reentrancy_guard;
    return bh;
}

/*
 * Run @bh's callback with its device's re-entrancy guard engaged; the
 * previous state comes back afterwards, so a BH that runs from inside
 * the device's own I/O (aio_poll() in a callback) leaves it engaged.
 */
static void aio_bh_call(QEMUBH *bh)
{
    /* A copy: the callback may delete @bh. */
    MemReentrancyGuard *guard = bh->reentrancy_guard;
    bool last_engaged_in_io = false;

    if (guard) {
        last_engaged_in_io = guard->engaged_in_io;
        guard->engaged_in_io = true;
    }
    bh->cb(bh->opaque);
    if (guard) {
        guard->engaged_in_io = last_engaged_in_io;
    }
}

void aio_bh_schedule_oneshot_full(AioContext *ctx, QEMUBHFunc *cb,
                                  void *opaque, const char *name)
{
    QEMUBH *bh = aio_bh_new_full(ctx, cb, opaque, name, NULL);

    aio_bh_enqueue(bh, BH_SCHEDULED | BH_ONESHOT);
}

void qemu_bh_schedule(QEMUBH *bh)
{
    aio_bh_enqueue(bh, BH_SCHEDULED);
}

void qemu_bh_cancel(QEMUBH *bh)
{
    qatomic_and(&bh->flags, ~BH_SCHEDULED);
}

void qemu_bh_delete(QEMUBH *bh)
{
    aio_bh_enqueue(bh, BH_DELETED);
}

/* Run the scheduled bottom halves; returns whether a callback ran. */
static bool aio_bh_poll(AioContext *ctx)
{
    QSLIST_HEAD(, QEMUBH) stolen, fifo = QSLIST_HEAD_INITIALIZER(fifo);
    QEMUBH *bh, *next;
    unsigned flags;
    bool progress = false;

    QSLIST_MOVE_ATOMIC(&stolen, &ctx->bh_list);

    /*
     * The stack is newest first; reverse it.  While BH_PENDING is set no
     * other thread touches bh->next, so relinking is safe.
     */
    while ((bh = QSLIST_FIRST(&stolen))) {
        QSLIST_REMOVE_HEAD(&stolen, next);
        QSLIST_INSERT_HEAD(&fifo, bh, next);
    }

    QSLIST_FOREACH_SAFE(bh, &fifo, next, next) {
        /*
         * next was read before clearing BH_PENDING: from then on another
         * thread may push bh again and rewrite bh->next.
         */
        flags = qatomic_fetch_and(&bh->flags,
                                  ~(BH_PENDING | BH_SCHEDULED));
        if (flags & BH_DELETED) {
            g_free(bh);
            continue;
        }
        if (flags & BH_SCHEDULED) {
            progress = true;
            aio_bh_call(bh);
        }
        if (flags & BH_ONESHOT) {
            g_free(bh);
        }
    }
    return progress;
}

static gboolean aio_ctx_prepare(GSource *source, gint *timeout)
{
    AioContext *ctx = (AioContext *)source;
    int64_t deadline = timerlistgroup_deadline_ns(&ctx->tlg);

    *timeout = qemu_timeout_ns_to_ms(deadline);
    return !QSLIST_EMPTY_RCU(&ctx->bh_list) || deadline == 0;
}

static gboolean aio_ctx_check(GSource *source)
{
    AioContext *ctx = (AioContext *)source;

    return !QSLIST_EMPTY_RCU(&ctx->bh_list) ||
           (ctx->notify_pollfd.revents & G_IO_IN) ||
           timerlistgroup_deadline_ns(&ctx->tlg) == 0;
}

static gboolean aio_ctx_dispatch(GSource *source, GSourceFunc callback,
                                 gpointer user_data)
{
    AioContext *ctx = (AioContext *)source;

    aio_ctx_consume_notify(ctx);
    aio_bh_poll(ctx);
    timerlistgroup_run_timers(&ctx->tlg);
    return G_SOURCE_CONTINUE;
}

static void aio_ctx_finalize(GSource *source)
{
    AioContext *ctx = (AioContext *)source;
    QEMUBH *bh;

    /* Free what is still queued; deleted and one-shot BHs included. */
    while ((bh = QSLIST_FIRST(&ctx->bh_list))) {
        QSLIST_REMOVE_HEAD(&ctx->bh_list, next);
        g_free(bh);
    }
    timerlistgroup_deinit(&ctx->tlg);
    close(ctx->notify_fd);
}

static GSourceFuncs aio_source_funcs = {
    .prepare = aio_ctx_prepare,
    .check = aio_ctx_check,
    .dispatch = aio_ctx_dispatch,
    .finalize = aio_ctx_finalize,
};

AioContext *aio_context_new(Error **errp)
{
    AioContext *ctx;
    int fd;

    fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to initialize event notifier");
        return NULL;
    }

    ctx = (AioContext *)g_source_new(&aio_source_funcs, sizeof(AioContext));
    QSLIST_INIT(&ctx->bh_list);
    ctx->notify_fd = fd;
    ctx->notify_pollfd.fd = fd;
    ctx->notify_pollfd.events = G_IO_IN;
    g_source_add_poll(&ctx->source, &ctx->notify_pollfd);
    timerlistgroup_init(&ctx->tlg, aio_timerlist_notify, ctx);
    return ctx;
}

void aio_context_ref(AioContext *ctx)
{
    g_source_ref(&ctx->source);
}

void aio_context_unref(AioContext *ctx)
{
    g_source_unref(&ctx->source);
}

GSource *aio_get_g_source(AioContext *ctx)
{
    aio_context_ref(ctx);
    return &ctx->source;
}

QEMUTimerListGroup *aio_get_timerlist_group(AioContext *ctx)
{
    return &ctx->tlg;
}

bool aio_poll(AioContext *ctx, bool blocking)
{
    struct pollfd pfd = { .fd = ctx->notify_fd, .events = POLLIN };
    bool progress;

    for (;;) {
        aio_ctx_consume_notify(ctx);
        progress = aio_bh_poll(ctx);
        progress |= timerlistgroup_run_timers(&ctx->tlg);
        if (progress || !blocking) {
            return progress;
        }

        /* Sleep until a BH is scheduled or the next timer is due. */
        if (QSLIST_EMPTY_RCU(&ctx->bh_list)) {
            int timeout =
                qemu_timeout_ns_to_ms(timerlistgroup_deadline_ns(&ctx->tlg));
            poll(&pfd, 1, timeout);
        }
    }
}
