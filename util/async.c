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
 *   2. aio_notify() wakes the context's poller, if one is waiting.
 *   3. The context's thread steals the whole stack, restores scheduling
 *      order and, for each BH, clears BH_PENDING | BH_SCHEDULED before
 *      running it, so that a schedule made while the callback runs queues
 *      it again rather than getting lost.
 *
 * Deleting a BH is a push with BH_DELETED: the context's thread frees it
 * the next time it takes the list, so no other thread can be touching it
 * then.  Only a BH that is scheduled and not deleted makes the context
 * ready (aio_compute_timeout()); a deleted or cancelled one waits on the
 * list without waking anybody.
 *
 * Wake-ups, as in QEMU.  The eventfd is written only while a poller may
 * be asleep on it, which it announces in ctx->notify_me (bit 0: the
 * GSource is between prepare and check; + 2 per blocking aio_poll()):
 *
 *   poller                               aio_notify()
 *   notify_me |= 1 (or += 2)             publish the BH (or timer)
 *   smp_mb()                             notified = true
 *   look for work (aio_compute_timeout)  smp_mb()
 *   poll() unless there was work         if (notify_me) write eventfd
 *   notify_me &= ~1 (or -= 2)
 *   aio_notify_accept(): notified = false, smp_mb(), drain the eventfd
 *   run the BHs and timers
 *
 * Either the poller sees the work when it looks, or aio_notify() sees
 * notify_me and kicks the poll: the two smp_mb() make the store-load
 * pairs a Dekker handshake.  With nobody polling, aio_notify() costs no
 * system call and leaves nothing behind that would wake a later poll for
 * no work.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "block/aio.h"
#include "exec/memory.h"
#include "qemu/atomic.h"
#include "qemu/rcu_queue.h"
#include "qemu/timer.h"
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

    /*
     * Pollers that may sleep on notify_fd: bit 0 for the GSource between
     * prepare and check, 2 per blocking aio_poll().  Written only by the
     * context's thread; read by aio_notify() in any thread.
     */
    unsigned notify_me;
    /* An aio_notify() since the last aio_notify_accept(). */
    bool notified;
    /* The eventfd aio_notify() writes while somebody polls. */
    int notify_fd;
    GPollFD notify_pollfd;

    QEMUTimerListGroup tlg;
};

void aio_notify(AioContext *ctx)
{
    static const uint64_t one = 1;

    /*
     * Write the BH list (or the timer) before notified.  Pairs with the
     * smp_mb() in aio_notify_accept().
     */
    smp_wmb();
    qatomic_set(&ctx->notified, true);

    /*
     * Write notified and the BH list before reading notify_me.  Pairs
     * with the smp_mb() in aio_ctx_prepare() and aio_poll().
     */
    smp_mb();
    if (qatomic_read(&ctx->notify_me)) {
        ssize_t ret = write(ctx->notify_fd, &one, sizeof(one));

        /* Only a full counter (2^64 - 1 wake-ups) could fail: impossible. */
        assert(ret == sizeof(one) || errno == EAGAIN);
    }
}

void aio_notify_accept(AioContext *ctx)
{
    qatomic_set(&ctx->notified, false);

    /*
     * Clear notified before reading the BH list and the timers.  Pairs
     * with the smp_wmb() in aio_notify().
     */
    smp_mb();

    /*
     * Drain the eventfd if the last poll saw it readable.  A write that
     * lands after this wakes the next poll once, for work already seen
     * or about to be; not draining it would wake every poll after.
     */
    if (ctx->notify_pollfd.revents & G_IO_IN) {
        uint64_t value;
        ssize_t ret = read(ctx->notify_fd, &value, sizeof(value));

        (void)ret; /* EAGAIN: drained already; harmless */
        ctx->notify_pollfd.revents = 0;
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
    /*
     * A deleted BH has no callback to run: it is freed whenever the
     * context next takes the list, so waking the poller for it would be
     * a wake-up with nothing to do.
     */
    if (new_flags & BH_SCHEDULED) {
        aio_notify(ctx);
    }
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

int64_t aio_compute_timeout(AioContext *ctx)
{
    QEMUBH *bh;

    QSLIST_FOREACH_RCU(bh, &ctx->bh_list, next) {
        unsigned flags = qatomic_read(&bh->flags);

        if ((flags & (BH_SCHEDULED | BH_DELETED)) == BH_SCHEDULED) {
            return 0;
        }
    }
    return timerlistgroup_deadline_ns(&ctx->tlg);
}

static gboolean aio_ctx_prepare(GSource *source, gint *timeout)
{
    AioContext *ctx = (AioContext *)source;

    qatomic_set(&ctx->notify_me, qatomic_read(&ctx->notify_me) | 1);

    /*
     * Write notify_me before looking at the BHs and timers.  Pairs with
     * the smp_mb() in aio_notify().
     */
    smp_mb();

    *timeout = qemu_timeout_ns_to_ms(aio_compute_timeout(ctx));
    return *timeout == 0;
}

static gboolean aio_ctx_check(GSource *source)
{
    AioContext *ctx = (AioContext *)source;

    /* Polling is over: aio_notify() need not write the eventfd now. */
    qatomic_store_release(&ctx->notify_me,
                          qatomic_read(&ctx->notify_me) & ~1);
    aio_notify_accept(ctx);
    return aio_compute_timeout(ctx) == 0;
}

static gboolean aio_ctx_dispatch(GSource *source, GSourceFunc callback,
                                 gpointer user_data)
{
    AioContext *ctx = (AioContext *)source;

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
    bool progress;

    if (blocking) {
        int64_t timeout;

        qatomic_set(&ctx->notify_me, qatomic_read(&ctx->notify_me) + 2);

        /*
         * Write notify_me before looking at the BHs and timers.  Pairs
         * with the smp_mb() in aio_notify().
         */
        smp_mb();

        /* An aio_notify() since the last accept: do not sleep. */
        timeout = qatomic_read(&ctx->notified) ? 0 : aio_compute_timeout(ctx);
        if (timeout) {
            g_poll(&ctx->notify_pollfd, 1, qemu_timeout_ns_to_ms(timeout));
        }

        qatomic_store_release(&ctx->notify_me,
                              qatomic_read(&ctx->notify_me) - 2);
        aio_notify_accept(ctx);
    }

    progress = aio_bh_poll(ctx);
    progress |= timerlistgroup_run_timers(&ctx->tlg);
    return progress;
}
