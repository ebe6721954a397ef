/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop: glib's default GMainContext, the main AioContext, the
 * main loop's timers, and the Big QEMU Lock.
 *
 * One iteration (main_loop_wait):
 *   1. let glib prepare its sources and collect their file descriptors,
 *      then let the poll notifiers (libslirp) append theirs;
 *   2. shorten the timeout to the first main-loop timer deadline;
 *   3. drop the BQL and poll;
 *   4. take the BQL back, tell the poll notifiers, dispatch what glib
 *      found ready (the main AioContext runs bottom halves here), then
 *      run expired timers.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "qemu/atomic.h"
#include "qemu/coroutine-tls.h"
#include "qemu/error-report.h"
#include <poll.h>

/* The BQL.  It exists from process start so that any thread can take it. */
static QemuMutex bql;
QEMU_DEFINE_STATIC_CO_TLS(bool, bql_held)

/* The thread that runs main(), and so the main loop. */
static QemuThread main_thread;

static void __attribute__((__constructor__)) bql_init(void)
{
    qemu_thread_get_self(&main_thread);
    qemu_mutex_init(&bql);
}

bool bql_locked(void)
{
    return get_bql_held();
}

void bql_lock_impl(const char *file, int line)
{
    if (get_bql_held()) {
        error_report("%s:%d: BQL is already held by this thread", file, line);
        abort();
    }
    qemu_mutex_lock(&bql);
    set_bql_held(true);
}

void bql_unlock(void)
{
    assert(get_bql_held() && "bql_unlock: BQL not held by this thread");
    set_bql_held(false);
    qemu_mutex_unlock(&bql);
}

void qemu_cond_wait_bql(QemuCond *cond)
{
    assert(get_bql_held());
    set_bql_held(false);
    qemu_cond_wait(cond, &bql);
    set_bql_held(true);
}

bool qemu_in_main_thread(void)
{
    return qemu_thread_is_self(&main_thread);
}

static AioContext *qemu_aio_context;
static NotifierList main_loop_poll_notifiers =
    NOTIFIER_LIST_INITIALIZER(main_loop_poll_notifiers);

void main_loop_poll_add_notifier(Notifier *notify)
{
    notifier_list_add(&main_loop_poll_notifiers, notify);
}

void main_loop_poll_remove_notifier(Notifier *notify)
{
    notifier_remove(notify);
}

AioContext *qemu_get_aio_context(void)
{
    return qemu_aio_context;
}

void qemu_notify_event(void)
{
    if (!qemu_aio_context) {
        return;
    }
    aio_notify(qemu_aio_context);
}

static void qemu_timer_notify_cb(void *opaque, QEMUClockType type)
{
    /* A timer became the first of its list: recompute the poll timeout. */
    qemu_notify_event();
}

/*
 * Signals: a write to a socket whose peer went away (a qtest or QMP
 * client that died) must fail with EPIPE, not kill the emulator.
 */
static int qemu_signal_init(Error **errp)
{
    struct sigaction act = { .sa_handler = SIG_IGN };

    if (sigaction(SIGPIPE, &act, NULL) < 0) {
        error_setg_errno(errp, errno, "failed to ignore SIGPIPE");
        return -errno;
    }
    return 0;
}

int qemu_init_main_loop(Error **errp)
{
    int ret;
    GSource *src;

    init_clocks(qemu_timer_notify_cb);

    ret = qemu_signal_init(errp);
    if (ret) {
        return ret;
    }

    qemu_aio_context = aio_context_new(errp);
    if (!qemu_aio_context) {
        return -EMFILE;
    }
    src = aio_get_g_source(qemu_aio_context);
    g_source_set_name(src, "aio-context");
    g_source_attach(src, NULL);
    g_source_unref(src);
    return 0;
}

/* poll() with a nanosecond timeout, -1 meaning forever. */
static int qemu_poll_ns(GPollFD *fds, guint nfds, int64_t timeout)
{
    if (timeout < 0) {
        return ppoll((struct pollfd *)fds, nfds, NULL, NULL);
    } else {
        struct timespec ts;

        ts.tv_sec = timeout / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout % NANOSECONDS_PER_SECOND;
        return ppoll((struct pollfd *)fds, nfds, &ts, NULL);
    }
}

void main_loop_wait(int nonblocking)
{
    GMainContext *context = g_main_context_default();
    static GArray *pollfds;
    MainLoopPoll mlpoll;
    int64_t timeout_ns;
    gint max_priority, glib_timeout;
    guint n_fds;
    int ret;

    assert(bql_locked());
    if (!pollfds) {
        pollfds = g_array_new(FALSE, FALSE, sizeof(GPollFD));
    }

    g_main_context_acquire(context);
    g_main_context_prepare(context, &max_priority);
    for (;;) {
        n_fds = g_main_context_query(context, max_priority, &glib_timeout,
                                     (GPollFD *)pollfds->data, pollfds->len);
        if (n_fds <= pollfds->len) {
            break;
        }
        g_array_set_size(pollfds, n_fds);
    }
    /* glib's descriptors first; the notifiers append after them. */
    g_array_set_size(pollfds, n_fds);

    mlpoll.state = MAIN_LOOP_POLL_FILL;
    mlpoll.timeout = UINT32_MAX;
    mlpoll.pollfds = pollfds;
    notifier_list_notify(&main_loop_poll_notifiers, &mlpoll);

    if (nonblocking) {
        timeout_ns = 0;
    } else if (glib_timeout < 0) {
        timeout_ns = -1;
    } else {
        timeout_ns = (int64_t)glib_timeout * SCALE_MS;
    }
    if (mlpoll.timeout != UINT32_MAX) {
        timeout_ns = qemu_soonest_timeout(timeout_ns,
                                          (int64_t)mlpoll.timeout * SCALE_MS);
    }
    timeout_ns = qemu_soonest_timeout(
        timeout_ns, timerlistgroup_deadline_ns(&main_loop_tlg));

    bql_unlock();
    ret = qemu_poll_ns((GPollFD *)pollfds->data, pollfds->len, timeout_ns);
    bql_lock();

    mlpoll.state = ret < 0 ? MAIN_LOOP_POLL_ERR : MAIN_LOOP_POLL_OK;
    notifier_list_notify(&main_loop_poll_notifiers, &mlpoll);

    if (g_main_context_check(context, max_priority,
                             (GPollFD *)pollfds->data, n_fds)) {
        g_main_context_dispatch(context);
    }
    g_main_context_release(context);

    qemu_clock_run_all_timers();
}
