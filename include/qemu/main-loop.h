/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop and the Big QEMU Lock (BQL).
 *
 * The main loop runs glib's default GMainContext, with the main
 * AioContext (bottom halves, timers) attached to it.  It holds the BQL
 * except while it sleeps in poll(), so everything it dispatches runs under
 * the BQL, as do RCU callbacks (see util/rcu.c).
 */

#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include "block/aio.h"
#include "qemu/notify.h"
#include "qemu/thread.h"

/**
 * qemu_init_main_loop: initialise clocks, signal handling and the main
 * AioContext.  Returns 0, or a negative value with @errp set.
 */
int qemu_init_main_loop(Error **errp);

/**
 * main_loop_wait: one iteration of the main loop: wait for file
 * descriptors, bottom halves or timers (at most until the next timer
 * deadline, or not at all if @nonblocking) and dispatch what is ready.
 * Must be called with the BQL held.
 */
void main_loop_wait(int nonblocking);

/*
 * Poll notifiers: code that keeps its own set of file descriptors (libslirp)
 * joins the main loop's poll() through them.  Each iteration calls every
 * notifier twice with a MainLoopPoll: first with state
 * MAIN_LOOP_POLL_FILL, to append GPollFDs to @pollfds and lower @timeout
 * (milliseconds, UINT32_MAX for none); then, after poll(), with
 * MAIN_LOOP_POLL_OK (revents filled in) or MAIN_LOOP_POLL_ERR.  Indices
 * into @pollfds stay valid between the two calls.  BQL held.
 */
#define MAIN_LOOP_POLL_FILL 0
#define MAIN_LOOP_POLL_ERR  1
#define MAIN_LOOP_POLL_OK   2

typedef struct MainLoopPoll {
    int state;
    uint32_t timeout;
    GArray *pollfds;
} MainLoopPoll;

void main_loop_poll_add_notifier(Notifier *notify);
void main_loop_poll_remove_notifier(Notifier *notify);

/* qemu_get_aio_context: the main loop's AioContext. */
AioContext *qemu_get_aio_context(void);

/* qemu_notify_event: make the main loop run another iteration. */
void qemu_notify_event(void);

/* Bottom halves on the main loop. */
#define qemu_bh_new(cb, opaque) \
    aio_bh_new(qemu_get_aio_context(), (cb), (opaque))
#define qemu_bh_new_guarded(cb, opaque, guard) \
    aio_bh_new_guarded(qemu_get_aio_context(), (cb), (opaque), (guard))
#define qemu_bh_new_full(cb, opaque, name, guard) \
    aio_bh_new_full(qemu_get_aio_context(), (cb), (opaque), (name), (guard))

/*
 * The BQL.  bql_locked() tells whether the calling thread holds it.
 * Locking it twice from one thread, or unlocking it without holding it,
 * aborts.
 */
bool bql_locked(void);
void bql_lock_impl(const char *file, int line);
void bql_unlock(void);
#define bql_lock() bql_lock_impl(__FILE__, __LINE__)

/* Wait on @cond with the BQL, which the caller holds, released. */
void qemu_cond_wait_bql(QemuCond *cond);

/* Is the caller the main thread, the one that runs the main loop? */
bool qemu_in_main_thread(void);

typedef struct BQLLockAuto BQLLockAuto;

static inline BQLLockAuto *bql_auto_lock(const char *file, int line)
{
    bql_lock_impl(file, line);
    return (BQLLockAuto *)(uintptr_t)1;
}

static inline void bql_auto_unlock(BQLLockAuto *l)
{
    bql_unlock();
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(BQLLockAuto, bql_auto_unlock)

/* Hold the BQL until the end of the scope. */
#define BQL_LOCK_GUARD() \
    g_autoptr(BQLLockAuto) glue(bql_auto, __COUNTER__) G_GNUC_UNUSED = \
        bql_auto_lock(__FILE__, __LINE__)

#endif /* QEMU_MAIN_LOOP_H */
