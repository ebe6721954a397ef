/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AioContext: an event loop for bottom halves and timers.
 *
 * An AioContext is a GSource, so it can be attached to a GMainContext (the
 * main loop attaches qemu_get_aio_context() to glib's default context) or
 * be run directly with aio_poll() by the thread that owns it.
 *
 * A bottom half (QEMUBH) is a callback that runs soon, in the thread of its
 * AioContext.  Any thread may schedule it; scheduling is lock-free and
 * wakes the context.  Scheduling a BH that is already scheduled does
 * nothing more: it still runs once.
 */

#ifndef QEMU_AIO_H
#define QEMU_AIO_H

#include "qemu/queue.h"
#include "qemu/timer.h"

typedef struct Error Error;
typedef struct AioContext AioContext;
typedef struct QEMUBH QEMUBH;
typedef void QEMUBHFunc(void *opaque);

/**
 * aio_context_new: a new AioContext with its own timer lists; NULL with
 * @errp set if the host cannot provide a wake-up file descriptor.
 */
AioContext *aio_context_new(Error **errp);

/* aio_context_ref/unref: the GSource reference count. */
void aio_context_ref(AioContext *ctx);
void aio_context_unref(AioContext *ctx);

/* aio_get_g_source: the context as a GSource, with a new reference. */
GSource *aio_get_g_source(AioContext *ctx);

/**
 * aio_poll: run the ready bottom halves and expired timers of @ctx.  With
 * @blocking, first sleep until a BH is scheduled, a timer expires or
 * aio_notify() is called.  Returns whether any callback ran: with
 * @blocking that is true unless aio_notify() ended the sleep, as in QEMU,
 * so callers loop on their own condition.  Only one thread at a time may
 * poll a context.
 */
bool aio_poll(AioContext *ctx, bool blocking);

/**
 * aio_notify: wake whoever is polling @ctx, from any thread; a blocking
 * aio_poll() that starts after it does not sleep either.  Nobody polling:
 * no system call, and no wake-up left pending for a later poll.
 */
void aio_notify(AioContext *ctx);

/*
 * aio_notify_accept: the poller's side of aio_notify(), called after it
 * stopped polling and before it looks for work: forget the notification
 * and drain the eventfd.
 */
void aio_notify_accept(AioContext *ctx);

/*
 * aio_compute_timeout: nanoseconds until @ctx has work: 0 if a BH is
 * scheduled (deleted and cancelled ones do not count) or a timer has
 * expired, -1 if nothing will happen without an aio_notify().
 */
int64_t aio_compute_timeout(AioContext *ctx);

/* The timer list group of @ctx, for timer_new_full() and friends. */
QEMUTimerListGroup *aio_get_timerlist_group(AioContext *ctx);

typedef struct MemReentrancyGuard MemReentrancyGuard;

/*
 * A bottom half with a @reentrancy_guard (a device's) engages it while
 * its callback runs, so that an access the callback makes to the
 * device's own I/O regions is dropped as re-entrant, as in QEMU.
 */
QEMUBH *aio_bh_new_full(AioContext *ctx, QEMUBHFunc *cb, void *opaque,
                        const char *name,
                        MemReentrancyGuard *reentrancy_guard);
#define aio_bh_new(ctx, cb, opaque) \
    aio_bh_new_full((ctx), (cb), (opaque), (stringify(cb)), NULL)
#define aio_bh_new_guarded(ctx, cb, opaque, guard) \
    aio_bh_new_full((ctx), (cb), (opaque), (stringify(cb)), (guard))

/* Schedule @cb to run once in @ctx; the BH frees itself afterwards. */
void aio_bh_schedule_oneshot_full(AioContext *ctx, QEMUBHFunc *cb,
                                  void *opaque, const char *name);
#define aio_bh_schedule_oneshot(ctx, cb, opaque) \
    aio_bh_schedule_oneshot_full((ctx), (cb), (opaque), (stringify(cb)))

/* qemu_bh_schedule: run @bh's callback once, soon; any thread. */
void qemu_bh_schedule(QEMUBH *bh);

/* qemu_bh_cancel: forget a pending schedule; the callback may be running. */
void qemu_bh_cancel(QEMUBH *bh);

/*
 * qemu_bh_delete: cancel and free @bh.  The memory is released by the
 * context's thread, so this is safe from any thread and from @bh's own
 * callback; @bh must not be used afterwards.
 */
void qemu_bh_delete(QEMUBH *bh);

#endif /* QEMU_AIO_H */
