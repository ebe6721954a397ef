/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuEvent: initial state, the set/reset/wait state machine described at
 * the top of util/event.c (in both the futex and the mutex+condvar
 * builds), waking every waiter, a many-round set/reset/wait stress test
 * in which a lost wake-up would hang (caught by a watchdog), and aborts
 * on events that were never initialised.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"

/*
 * The values of QemuEvent.value, private to util/event.c; the tests look
 * at them to check the documented transitions.  EV_BUSY is only used by
 * the futex implementation.
 */
#define EV_SET  0u
#define EV_FREE 1u
#define EV_BUSY ((unsigned)-1)

/* Bound for things that should happen promptly, in ms. */
#define WATCHDOG_MS 10000

/* How long a waiter must stay blocked to count as blocked, in ms. */
#define BLOCKED_MS 50

static unsigned ev_value(QemuEvent *ev)
{
    return qatomic_read(&ev->value);
}

/*
 * A thread calling qemu_event_wait() once; the test checks whether it
 * stays blocked or returns, without risking a hang of its own.
 */
typedef struct Waiter {
    QemuEvent *ev;
    QemuThread thread;
    QemuSemaphore done;
    bool returned;
} Waiter;

static void *waiter_thread(void *opaque)
{
    Waiter *w = opaque;

    qemu_event_wait(w->ev);
    qatomic_set(&w->returned, true);
    qemu_sem_post(&w->done);
    return NULL;
}

static void waiter_start(Waiter *w, QemuEvent *ev)
{
    w->ev = ev;
    w->returned = false;
    qemu_sem_init(&w->done, 0);
    qemu_thread_create(&w->thread, "ev-waiter", waiter_thread, w,
                       QEMU_THREAD_JOINABLE);
}

static void waiter_assert_blocked(Waiter *w)
{
    g_usleep(BLOCKED_MS * 1000);
    g_assert_false(qatomic_read(&w->returned));
}

static void waiter_assert_returns(Waiter *w)
{
    g_assert_cmpint(qemu_sem_timedwait(&w->done, WATCHDOG_MS), ==, 0);
    g_assert_true(qatomic_read(&w->returned));
    qemu_thread_join(&w->thread);
    qemu_sem_destroy(&w->done);
}

/* Wait until a waiter has announced itself by making @ev BUSY. */
static void wait_for_busy(QemuEvent *ev)
{
#ifdef HAVE_FUTEX
    int64_t deadline = g_get_monotonic_time() + WATCHDOG_MS * 1000;

    while (ev_value(ev) != EV_BUSY) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
#else
    /* Without futexes BUSY is never used: it stays FREE. */
    g_usleep(BLOCKED_MS * 1000);
    g_assert_cmphex(ev_value(ev), ==, EV_FREE);
#endif
}

/*
 * SIGALRM guard for waits made by the test's own thread, which would hang
 * the test if a wake-up were lost.
 */
static void alarm_fired(int sig)
{
    static const char msg[] =
        "Bail out! test-event: watchdog alarm, a wait did not return\n";

    if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* Nothing better to do: we abort anyway. */
    }
    abort();
}

static void test_init(void)
{
    QemuEvent ev;
    Waiter w;

    qemu_event_init(&ev, true);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    g_assert_true(ev.initialized);
    waiter_start(&w, &ev);
    waiter_assert_returns(&w);
    qemu_event_destroy(&ev);
    g_assert_false(ev.initialized);

    qemu_event_init(&ev, false);
    g_assert_cmphex(ev_value(&ev), ==, EV_FREE);
    waiter_start(&w, &ev);
    waiter_assert_blocked(&w);
    qemu_event_set(&ev);
    waiter_assert_returns(&w);
    qemu_event_destroy(&ev);
}

/* set: FREE -> SET, SET -> SET. */
static void test_set_set(void)
{
    QemuEvent ev;
    Waiter w;

    qemu_event_init(&ev, false);
    qemu_event_set(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    qemu_event_set(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);

    /* A single reset undoes any number of sets. */
    qemu_event_reset(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_FREE);
    waiter_start(&w, &ev);
    waiter_assert_blocked(&w);
    qemu_event_set(&ev);
    waiter_assert_returns(&w);
    qemu_event_destroy(&ev);
}

/* reset: SET -> FREE, FREE -> FREE. */
static void test_reset_reset(void)
{
    QemuEvent ev;
    Waiter w;

    qemu_event_init(&ev, true);
    qemu_event_reset(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_FREE);
    qemu_event_reset(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_FREE);

    /* A single set undoes any number of resets. */
    waiter_start(&w, &ev);
    waiter_assert_blocked(&w);
    qemu_event_set(&ev);
    waiter_assert_returns(&w);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    qemu_event_destroy(&ev);
}

/* wait on a set event returns at once and leaves it set. */
static void test_wait_on_set(void)
{
    QemuEvent ev;
    Waiter w[4];
    int i, j;

    qemu_event_init(&ev, false);
    qemu_event_set(&ev);
    alarm(WATCHDOG_MS / 1000);
    for (i = 0; i < 1000; i++) {
        qemu_event_wait(&ev);
    }
    alarm(0);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);

    for (j = 0; j < 3; j++) {
        for (i = 0; i < ARRAY_SIZE(w); i++) {
            waiter_start(&w[i], &ev);
        }
        for (i = 0; i < ARRAY_SIZE(w); i++) {
            waiter_assert_returns(&w[i]);
        }
        g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    }
    qemu_event_destroy(&ev);
}

/*
 * reset, then wait blocks until another thread sets: FREE -> BUSY when
 * the waiter goes to sleep (futex build), reset leaves BUSY alone, and
 * set turns BUSY into SET, waking the waiter.
 */
static void test_reset_wait_blocks(void)
{
    QemuEvent ev;
    Waiter w;

    qemu_event_init(&ev, true);
    qemu_event_reset(&ev);
    waiter_start(&w, &ev);
    wait_for_busy(&ev);
    waiter_assert_blocked(&w);

    /* A reset must not undo the waiter's announcement. */
    qemu_event_reset(&ev);
#ifdef HAVE_FUTEX
    g_assert_cmphex(ev_value(&ev), ==, EV_BUSY);
#else
    g_assert_cmphex(ev_value(&ev), ==, EV_FREE);
#endif
    waiter_assert_blocked(&w);

    qemu_event_set(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    waiter_assert_returns(&w);

    /* set on BUSY with no sleeper left is still just SET. */
    qemu_event_set(&ev);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    qemu_event_destroy(&ev);
}

/* One set wakes every sleeping waiter. */
static void test_set_wakes_all(void)
{
    QemuEvent ev;
    Waiter w[4];
    int i;

    qemu_event_init(&ev, false);
    for (i = 0; i < ARRAY_SIZE(w); i++) {
        waiter_start(&w[i], &ev);
    }
    wait_for_busy(&ev);
    /* Give the others time to get to sleep as well. */
    g_usleep(BLOCKED_MS * 1000);
    for (i = 0; i < ARRAY_SIZE(w); i++) {
        g_assert_false(qatomic_read(&w[i].returned));
    }
    qemu_event_set(&ev);
    for (i = 0; i < ARRAY_SIZE(w); i++) {
        waiter_assert_returns(&w[i]);
    }
    qemu_event_destroy(&ev);
}

typedef struct Setter {
    QemuEvent *ev;
    int delay_ms;
    int *data;
} Setter;

static void *setter_thread(void *opaque)
{
    Setter *s = opaque;

    g_usleep(s->delay_ms * 1000);
    *s->data = 42;
    qemu_event_set(s->ev);
    return NULL;
}

/* The test's own thread sleeps in wait until another thread sets. */
static void test_wait_until_other_sets(void)
{
    QemuEvent ev;
    QemuThread t;
    int data = 0;
    Setter s = { .ev = &ev, .delay_ms = 20, .data = &data };
    int64_t start, elapsed;

    qemu_event_init(&ev, false);
    start = g_get_monotonic_time();
    qemu_thread_create(&t, "ev-setter", setter_thread, &s,
                       QEMU_THREAD_JOINABLE);
    alarm(WATCHDOG_MS / 1000);
    qemu_event_wait(&ev);
    alarm(0);
    elapsed = g_get_monotonic_time() - start;

    /* It did wait for the set, and sees what was written before it. */
    g_assert_cmpint(elapsed, >=, s.delay_ms * 1000);
    g_assert_cmpint(data, ==, 42);
    g_assert_cmphex(ev_value(&ev), ==, EV_SET);
    qemu_thread_join(&t);
    qemu_event_destroy(&ev);
}

/*
 * Stress: STRESS_WAITERS threads and the test's thread go through @rounds
 * rounds in lockstep.  In round r the setter publishes r and sets go[r % 2]
 * (go[(r + 1) % 2] was reset for the next round before); each waiter waits
 * on go[r % 2] until it sees r, then acknowledges.  The last acknowledgement
 * sets "acked", on which the setter waits with the reset/check/wait idiom.
 * The setter also resets the next round's event while waiters go to sleep
 * on it.  Every wake-up is needed, so a lost one stops all progress; the
 * watchdog thread then fails the test.
 */
#define STRESS_WAITERS 4

typedef struct Stress {
    QemuEvent go[2];
    QemuEvent acked;
    int rounds;
    int round;          /* published with release, read with acquire */
    int acks;           /* acknowledgements over all rounds */
    int waits;          /* calls to qemu_event_wait(), for the log */
    bool stop_watchdog;
    QemuSemaphore watchdog_stop;
} Stress;

static void *stress_waiter(void *opaque)
{
    Stress *s = opaque;
    int r;

    for (r = 1; r <= s->rounds; r++) {
        QemuEvent *go = &s->go[r & 1];

        while (qatomic_load_acquire(&s->round) < r) {
            qemu_event_wait(go);
            qatomic_inc(&s->waits);
        }
        if (qatomic_fetch_inc(&s->acks) + 1 == STRESS_WAITERS * r) {
            qemu_event_set(&s->acked);
        }
    }
    return NULL;
}

static void *stress_watchdog(void *opaque)
{
    Stress *s = opaque;
    int last_round = -1;
    int idle_seconds = 0;

    while (qemu_sem_timedwait(&s->watchdog_stop, 1000) != 0) {
        int round = qatomic_read(&s->round);

        if (round != last_round) {
            last_round = round;
            idle_seconds = 0;
            continue;
        }
        if (++idle_seconds >= WATCHDOG_MS / 1000) {
            g_error("event stress: no progress for %d s in round %d of %d: "
                    "acks %d (want %d), go[0] %#x go[1] %#x acked %#x",
                    idle_seconds, round, s->rounds, qatomic_read(&s->acks),
                    STRESS_WAITERS * round, ev_value(&s->go[0]),
                    ev_value(&s->go[1]), ev_value(&s->acked));
        }
    }
    return NULL;
}

static void test_stress(gconstpointer opaque)
{
    Stress s = { .rounds = GPOINTER_TO_INT(opaque) };
    QemuThread waiters[STRESS_WAITERS], watchdog;
    int64_t start;
    int r, i;

    qemu_event_init(&s.go[0], false);
    qemu_event_init(&s.go[1], false);
    qemu_event_init(&s.acked, false);
    qemu_sem_init(&s.watchdog_stop, 0);
    qemu_thread_create(&watchdog, "ev-watchdog", stress_watchdog, &s,
                       QEMU_THREAD_JOINABLE);
    for (i = 0; i < STRESS_WAITERS; i++) {
        qemu_thread_create(&waiters[i], "ev-stress", stress_waiter, &s,
                           QEMU_THREAD_JOINABLE);
    }

    start = g_get_monotonic_time();
    for (r = 1; r <= s.rounds; r++) {
        /* Nobody waits on it any more: all acknowledged round r - 1. */
        qemu_event_reset(&s.go[(r + 1) & 1]);
        qatomic_store_release(&s.round, r);
        qemu_event_set(&s.go[r & 1]);

        for (;;) {
            qemu_event_reset(&s.acked);
            if (qatomic_read(&s.acks) == STRESS_WAITERS * r) {
                break;
            }
            qemu_event_wait(&s.acked);
            qatomic_inc(&s.waits);
        }
        /* Nobody acknowledges a round before it starts. */
        g_assert_cmpint(qatomic_read(&s.acks), ==, STRESS_WAITERS * r);

        /*
         * Waiters are going to sleep on the next round's event, which is
         * reset already.  Resetting it again, as they do, must not hide
         * them from the next set (BUSY stays BUSY).
         */
        qemu_event_reset(&s.go[(r + 1) & 1]);
    }
    g_test_message("%d rounds in %" PRId64 " ms, %d waits", s.rounds,
                   (g_get_monotonic_time() - start) / 1000,
                   qatomic_read(&s.waits));

    for (i = 0; i < STRESS_WAITERS; i++) {
        qemu_thread_join(&waiters[i]);
    }
    qemu_sem_post(&s.watchdog_stop);
    qemu_thread_join(&watchdog);

    g_assert_cmpint(s.acks, ==, STRESS_WAITERS * s.rounds);
    qemu_sem_destroy(&s.watchdog_stop);
    qemu_event_destroy(&s.acked);
    qemu_event_destroy(&s.go[1]);
    qemu_event_destroy(&s.go[0]);
}

/*
 * Misuse: an event that was never initialised (all zeroes, which for the
 * futex build would even read as "set") must abort, not be used.
 */
static void test_abort_wait_uninit(void)
{
    if (g_test_subprocess()) {
        QemuEvent ev;

        memset(&ev, 0, sizeof(ev));
        qemu_event_wait(&ev);
        return;
    }
    g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    /*
     * The series turns qemu_event_wait() into an inline wrapper of
     * qemu_event_timedwait(), so match the assertion, not the function.
     */
    g_test_trap_assert_stderr("*ev->initialized*");
}

static void test_abort_set_uninit(void)
{
    if (g_test_subprocess()) {
        QemuEvent ev;

        memset(&ev, 0, sizeof(ev));
        qemu_event_set(&ev);
        return;
    }
    g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_event_set*uninitialized*");
}

static void test_abort_reset_uninit(void)
{
    if (g_test_subprocess()) {
        QemuEvent ev;

        memset(&ev, 0, sizeof(ev));
        qemu_event_reset(&ev);
        return;
    }
    g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_event_reset*uninitialized*");
}

/* Destroying twice is using a destroyed (no longer initialised) event. */
static void test_abort_destroy_twice(void)
{
    if (g_test_subprocess()) {
        QemuEvent ev;

        qemu_event_init(&ev, false);
        qemu_event_destroy(&ev);
        qemu_event_destroy(&ev);
        return;
    }
    g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_event_destroy*uninitialized*");
}

int main(int argc, char **argv)
{
    struct sigaction act = { .sa_handler = alarm_fired };
    int rounds;
    char *path;

    g_test_init(&argc, &argv, NULL);
    sigaction(SIGALRM, &act, NULL);

    g_test_add_func("/event/init", test_init);
    g_test_add_func("/event/transition/set-set", test_set_set);
    g_test_add_func("/event/transition/reset-reset", test_reset_reset);
    g_test_add_func("/event/transition/wait-on-set", test_wait_on_set);
    g_test_add_func("/event/transition/reset-wait-blocks",
                    test_reset_wait_blocks);
    g_test_add_func("/event/set-wakes-all", test_set_wakes_all);
    g_test_add_func("/event/wait-until-other-sets",
                    test_wait_until_other_sets);

    rounds = g_test_slow() ? 1000000 : 100000;
    path = g_strdup_printf("/event/stress/%d", rounds);
    g_test_add_data_func(path, GINT_TO_POINTER(rounds), test_stress);
    g_free(path);

    g_test_add_func("/event/abort/wait-uninit", test_abort_wait_uninit);
    g_test_add_func("/event/abort/set-uninit", test_abort_set_uninit);
    g_test_add_func("/event/abort/reset-uninit", test_abort_reset_uninit);
    g_test_add_func("/event/abort/destroy-twice", test_abort_destroy_twice);

    return g_test_run();
}
