/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers: get_clock()/get_clock_realtime(), timer ordering,
 * timer_del/timer_mod/timer_mod_anticipate, deadlines, stepping the
 * virtual clock with qemu_clock_advance_virtual_time() (as qtest does),
 * and a QEMU_CLOCK_REALTIME timer run by main_loop_wait().
 *
 * Guest time is the test's own: it defines cpus_get_virtual_clock() and
 * cpus_set_virtual_clock(), which take the place of the stubs in
 * libqemuutil (a static library), so QEMU_CLOCK_VIRTUAL only moves when
 * a test moves it.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "system/cpus.h"

/* Guest time, in ns. */
static int64_t virtual_clock_ns;

int64_t cpus_get_virtual_clock(void)
{
    return qatomic_read(&virtual_clock_ns);
}

void cpus_set_virtual_clock(int64_t new_time)
{
    qatomic_set(&virtual_clock_ns, new_time);
}

#define MS (int64_t)SCALE_MS

/*
 * Timers that log when they run: which one (@id) and the virtual clock
 * at that moment.
 */
#define MAX_FIRES 64

typedef struct Fire {
    int id;
    int64_t now;
} Fire;

static Fire fires[MAX_FIRES];
static int nr_fires;

typedef struct TestTimer {
    QEMUTimer timer;
    int id;
    int64_t period;     /* re-arm this much later, if > 0 */
    int64_t expected;   /* the deadline it was last armed for */
} TestTimer;

static void test_timer_cb(void *opaque)
{
    TestTimer *t = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    g_assert_cmpint(nr_fires, <, MAX_FIRES);
    fires[nr_fires].id = t->id;
    fires[nr_fires].now = now;
    nr_fires++;

    g_assert_false(timer_pending(&t->timer));
    if (t->period > 0) {
        t->expected = now + t->period;
        timer_mod_ns(&t->timer, t->expected);
    }
}

/* For bare QEMUTimers: the opaque is the id. */
static void bare_timer_cb(void *opaque)
{
    g_assert_cmpint(nr_fires, <, MAX_FIRES);
    fires[nr_fires].id = GPOINTER_TO_INT(opaque);
    fires[nr_fires].now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    nr_fires++;
}

static void test_timer_init(TestTimer *t, int id, int scale)
{
    memset(t, 0, sizeof(*t));
    t->id = id;
    timer_init(&t->timer, QEMU_CLOCK_VIRTUAL, scale, test_timer_cb, t);
}

/* Every virtual-clock test starts at @start with no timers pending. */
static void virtual_reset(int64_t start)
{
    g_assert_false(qemu_clock_has_timers(QEMU_CLOCK_VIRTUAL));
    cpus_set_virtual_clock(start);
    memset(fires, 0, sizeof(fires));
    nr_fires = 0;
}

/* Set the virtual clock and run what expired, as a single step. */
static void virtual_jump(int64_t now)
{
    cpus_set_virtual_clock(now);
    qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
}

/*
 * Clocks
 */

static void test_get_clock_monotonic(void)
{
    int64_t prev = get_clock(), now, start;
    int i;

    g_assert_cmpint(prev, >, 0);
    for (i = 0; i < 1000000; i++) {
        now = get_clock();
        g_assert_cmpint(now, >=, prev);
        prev = now;
    }

    /* It advances like the host's monotonic time. */
    start = get_clock();
    g_usleep(20 * 1000);
    now = get_clock();
    g_assert_cmpint(now - start, >=, 20 * MS);
    g_assert_cmpint(now - start, <, 10 * NANOSECONDS_PER_SECOND);

    /* QEMU_CLOCK_REALTIME is the same clock. */
    start = get_clock();
    now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(now, >=, start);
    g_assert_cmpint(now - start, <, NANOSECONDS_PER_SECOND);
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_REALTIME), >=, now / MS);
}

static void test_get_clock_realtime(void)
{
    int64_t glib_before = g_get_real_time();
    int64_t rt = get_clock_realtime();
    int64_t glib_after = g_get_real_time();
    int64_t host;

    /* Nanoseconds since the epoch: after 2020 and between glib's reads. */
    g_assert_cmpint(rt, >, 1577836800LL * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(rt, >=, glib_before * SCALE_US);
    g_assert_cmpint(rt, <=, (glib_after + 1) * SCALE_US);
    g_assert_cmpint(rt % SCALE_US, ==, 0);

    /* QEMU_CLOCK_HOST is the wall clock. */
    host = qemu_clock_get_ns(QEMU_CLOCK_HOST);
    g_assert_cmpint(host, >=, rt);
    g_assert_cmpint(host - rt, <, NANOSECONDS_PER_SECOND);
}

static void test_timeout_ns_to_ms(void)
{
    g_assert_cmpint(qemu_timeout_ns_to_ms(-1), ==, -1);
    g_assert_cmpint(qemu_timeout_ns_to_ms(0), ==, 0);
    g_assert_cmpint(qemu_timeout_ns_to_ms(1), ==, 1);
    g_assert_cmpint(qemu_timeout_ns_to_ms(MS), ==, 1);
    g_assert_cmpint(qemu_timeout_ns_to_ms(MS + 1), ==, 2);
    g_assert_cmpint(qemu_timeout_ns_to_ms((int64_t)INT32_MAX * MS), ==,
                    INT32_MAX);
    g_assert_cmpint(qemu_timeout_ns_to_ms((int64_t)INT32_MAX * MS + 1), ==,
                    INT32_MAX);
    g_assert_cmpint(qemu_timeout_ns_to_ms(INT64_MAX), ==, INT32_MAX);
    g_assert_cmpint(qemu_timeout_ns_to_ms(INT64_MAX - MS), ==, INT32_MAX);
    g_assert_cmpint(qemu_soonest_timeout(-1, 5), ==, 5);
    g_assert_cmpint(qemu_soonest_timeout(7, -1), ==, 7);
    g_assert_cmpint(qemu_soonest_timeout(7, 5), ==, 5);
    g_assert_cmpint(qemu_soonest_timeout(-1, -1), ==, -1);
}

/* The test's guest time really replaced the stub's host time. */
static void test_virtual_clock_override(void)
{
    virtual_reset(0);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 0);
    cpus_set_virtual_clock(12345 * MS);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 12345 * MS);
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL), ==, 12345);
    g_usleep(1000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 12345 * MS);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL_RT), ==,
                    12345 * MS);
}

/*
 * Virtual-clock timers
 */

/* Deadline order; equal deadlines in the order they were armed. */
static void test_timer_order(void)
{
    static const int64_t deadline_ms[] = { 30, 10, 20, 10, 30, 20, 10 };
    static const int expected_ids[] = { 1, 3, 6, 2, 5, 0, 4 };
    TestTimer t[ARRAY_SIZE(deadline_ms)];
    int i;

    virtual_reset(0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        test_timer_init(&t[i], i, SCALE_MS);
        timer_mod(&t[i].timer, deadline_ms[i]);
        g_assert_true(timer_pending(&t[i].timer));
        g_assert_cmpuint(timer_expire_time_ns(&t[i].timer), ==,
                         deadline_ms[i] * MS);
    }

    /* Nothing has expired yet. */
    g_assert_false(qemu_clock_expired(QEMU_CLOCK_VIRTUAL));
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    virtual_jump(10 * MS - 1);
    g_assert_cmpint(nr_fires, ==, 0);

    cpus_set_virtual_clock(100 * MS);
    g_assert_true(qemu_clock_expired(QEMU_CLOCK_VIRTUAL));
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(nr_fires, ==, ARRAY_SIZE(t));
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        g_assert_cmpint(fires[i].id, ==, expected_ids[i]);
        g_assert_false(timer_pending(&t[i].timer));
        timer_deinit(&t[i].timer);
    }
    g_assert_false(qemu_clock_has_timers(QEMU_CLOCK_VIRTUAL));
}

/* Re-arming a timer at the same deadline puts it after its equals. */
static void test_timer_rearm_same_deadline(void)
{
    TestTimer t[3];
    int i;

    virtual_reset(0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        test_timer_init(&t[i], i, SCALE_NS);
        timer_mod_ns(&t[i].timer, 5 * MS);
    }
    timer_mod_ns(&t[0].timer, 5 * MS);
    virtual_jump(5 * MS);
    g_assert_cmpint(nr_fires, ==, 3);
    g_assert_cmpint(fires[0].id, ==, 1);
    g_assert_cmpint(fires[1].id, ==, 2);
    g_assert_cmpint(fires[2].id, ==, 0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        g_assert_cmpint(fires[i].now, ==, 5 * MS);
        timer_deinit(&t[i].timer);
    }
}

static void test_timer_del(void)
{
    TestTimer t[3];
    int i;

    virtual_reset(0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        test_timer_init(&t[i], i, SCALE_MS);
        timer_mod(&t[i].timer, 10 * (i + 1));
    }

    /* Delete the middle one, and one that is not pending at all. */
    timer_del(&t[1].timer);
    g_assert_false(timer_pending(&t[1].timer));
    g_assert_cmpuint(timer_expire_time_ns(&t[1].timer), ==, (uint64_t)-1);
    timer_del(&t[1].timer);

    virtual_jump(100 * MS);
    g_assert_cmpint(nr_fires, ==, 2);
    g_assert_cmpint(fires[0].id, ==, 0);
    g_assert_cmpint(fires[1].id, ==, 2);

    /* Deleting the only timer empties the list. */
    timer_mod(&t[0].timer, 200);
    g_assert_true(qemu_clock_has_timers(QEMU_CLOCK_VIRTUAL));
    timer_del(&t[0].timer);
    g_assert_false(qemu_clock_has_timers(QEMU_CLOCK_VIRTUAL));
    virtual_jump(300 * MS);
    g_assert_cmpint(nr_fires, ==, 2);

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        timer_deinit(&t[i].timer);
    }
}

/* A heap timer freed while pending must not fire. */
static void test_timer_free_pending(void)
{
    QEMUTimer *ts;

    virtual_reset(0);
    ts = timer_new_ms(QEMU_CLOCK_VIRTUAL, bare_timer_cb, GINT_TO_POINTER(9));
    timer_mod(ts, 10);
    g_assert_true(qemu_clock_has_timers(QEMU_CLOCK_VIRTUAL));
    timer_free(ts);
    g_assert_false(qemu_clock_has_timers(QEMU_CLOCK_VIRTUAL));
    virtual_jump(20 * MS);
    g_assert_cmpint(nr_fires, ==, 0);
    timer_free(NULL);
}

static void test_timer_mod(void)
{
    TestTimer t;

    virtual_reset(1000 * MS);
    test_timer_init(&t, 0, SCALE_US);

    /* Later: it does not fire at the first deadline. */
    timer_mod(&t.timer, 1010 * 1000);
    timer_mod(&t.timer, 1030 * 1000);
    g_assert_cmpuint(timer_expire_time_ns(&t.timer), ==, 1030 * MS);
    virtual_jump(1020 * MS);
    g_assert_cmpint(nr_fires, ==, 0);
    virtual_jump(1030 * MS);
    g_assert_cmpint(nr_fires, ==, 1);
    g_assert_cmpint(fires[0].now, ==, 1030 * MS);

    /* Earlier. */
    timer_mod(&t.timer, 1100 * 1000);
    timer_mod(&t.timer, 1040 * 1000);
    virtual_jump(1040 * MS);
    g_assert_cmpint(nr_fires, ==, 2);
    g_assert_false(timer_pending(&t.timer));
    virtual_jump(1100 * MS);
    g_assert_cmpint(nr_fires, ==, 2);

    /* A deadline already in the past fires on the next run. */
    timer_mod(&t.timer, 500 * 1000);
    g_assert_true(qemu_clock_expired(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, 0);
    qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(nr_fires, ==, 3);

    /* Fires once per arming, not once per timer_mod. */
    timer_mod(&t.timer, 1200 * 1000);
    timer_mod(&t.timer, 1200 * 1000);
    timer_mod(&t.timer, 1200 * 1000);
    virtual_jump(2000 * MS);
    g_assert_cmpint(nr_fires, ==, 4);
    timer_deinit(&t.timer);
}

static void test_timer_mod_anticipate(void)
{
    TestTimer t;

    virtual_reset(0);
    test_timer_init(&t, 0, SCALE_MS);

    /* Not pending: anticipate arms it. */
    timer_mod_anticipate(&t.timer, 30);
    g_assert_true(timer_pending(&t.timer));
    g_assert_cmpuint(timer_expire_time_ns(&t.timer), ==, 30 * MS);

    /* Only ever earlier. */
    timer_mod_anticipate(&t.timer, 40);
    g_assert_cmpuint(timer_expire_time_ns(&t.timer), ==, 30 * MS);
    timer_mod_anticipate(&t.timer, 30);
    g_assert_cmpuint(timer_expire_time_ns(&t.timer), ==, 30 * MS);
    timer_mod_anticipate(&t.timer, 20);
    g_assert_cmpuint(timer_expire_time_ns(&t.timer), ==, 20 * MS);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL),
                    ==, 20 * MS);

    virtual_jump(25 * MS);
    g_assert_cmpint(nr_fires, ==, 1);
    g_assert_cmpint(fires[0].now, ==, 25 * MS);
    g_assert_false(timer_pending(&t.timer));
    virtual_jump(50 * MS);
    g_assert_cmpint(nr_fires, ==, 1);
    timer_deinit(&t.timer);
}

static void test_deadline_ns_all(void)
{
    QEMUTimerListGroup tlg;
    TestTimer a, b;
    QEMUTimer ext, other;

    virtual_reset(100 * MS);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, -1);

    test_timer_init(&a, 0, SCALE_NS);
    test_timer_init(&b, 1, SCALE_NS);
    timer_mod_ns(&a.timer, 110 * MS);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL),
                    ==, 10 * MS);
    timer_mod_ns(&b.timer, 105 * MS);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL),
                    ==, 5 * MS);

    /* It counts down with the clock. */
    cpus_set_virtual_clock(104 * MS);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL),
                    ==, 1 * MS);

    /* Timers of another timer list on the same clock count too. */
    timerlistgroup_init(&tlg, NULL, NULL);
    timer_init_full(&other, &tlg, QEMU_CLOCK_VIRTUAL, SCALE_NS, 0,
                    bare_timer_cb, GINT_TO_POINTER(8));
    timer_mod_ns(&other, 104 * MS + 300);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, 300);

    /* The attribute mask filters timers that have attributes. */
    timer_init_full(&ext, NULL, QEMU_CLOCK_VIRTUAL, SCALE_NS,
                    QEMU_TIMER_ATTR_EXTERNAL, bare_timer_cb,
                    GINT_TO_POINTER(7));
    timer_mod_ns(&ext, 104 * MS + 100);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, 100);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_EXTERNAL),
                    ==, 100);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL, 0),
                    ==, 300);

    /* Expired: 0, never negative. */
    cpus_set_virtual_clock(200 * MS);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, 0);
    g_assert_cmpint(timerlistgroup_deadline_ns(&tlg), ==, 0);

    /* A disabled clock has no deadline and runs no timers. */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, -1);
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(nr_fires, ==, 0);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);

    /* The other list's timer runs only when that list is run. */
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(nr_fires, ==, 3);
    g_assert_cmpint(fires[0].id, ==, 7);   /* ext */
    g_assert_cmpint(fires[1].id, ==, 1);
    g_assert_cmpint(fires[2].id, ==, 0);
    g_assert_true(timer_pending(&other));
    g_assert_true(timerlistgroup_run_timers(&tlg));
    g_assert_cmpint(nr_fires, ==, 4);
    g_assert_cmpint(fires[3].id, ==, 8);
    g_assert_false(timer_pending(&other));
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL), ==, -1);

    timer_deinit(&other);
    timer_deinit(&ext);
    timer_deinit(&a.timer);
    timer_deinit(&b.timer);
    timerlistgroup_deinit(&tlg);
}

/*
 * Stepping the virtual clock stops at every deadline on the way: timers
 * run in order, each seeing its own deadline as the current time.
 */
static void test_advance_virtual_time(void)
{
    TestTimer t[3];
    int i;

    virtual_reset(0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        test_timer_init(&t[i], i, SCALE_MS);
        t[i].expected = 10 * (i + 1) * MS;
        timer_mod(&t[i].timer, 10 * (i + 1));
    }

    qemu_clock_advance_virtual_time(25 * MS);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 25 * MS);
    g_assert_cmpint(nr_fires, ==, 2);
    for (i = 0; i < 2; i++) {
        g_assert_cmpint(fires[i].id, ==, i);
        g_assert_cmpint(fires[i].now, ==, t[i].expected);
    }
    g_assert_true(timer_pending(&t[2].timer));
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                               QEMU_TIMER_ATTR_ALL),
                    ==, 5 * MS);

    /* Exactly onto the last deadline. */
    qemu_clock_advance_virtual_time(30 * MS);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 30 * MS);
    g_assert_cmpint(nr_fires, ==, 3);
    g_assert_cmpint(fires[2].id, ==, 2);
    g_assert_cmpint(fires[2].now, ==, 30 * MS);

    /* No timers: the clock just moves. */
    qemu_clock_advance_virtual_time(1000 * MS);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 1000 * MS);
    g_assert_cmpint(nr_fires, ==, 3);

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        timer_deinit(&t[i].timer);
    }
}

typedef struct ChainTimer {
    TestTimer *next;
    int64_t next_deadline;
} ChainTimer;

static ChainTimer chain;

static void chain_cb(void *opaque)
{
    TestTimer *t = opaque;

    test_timer_cb(t);
    /* Arm another timer before the step's end, earlier than pending ones. */
    timer_mod_ns(&chain.next->timer, chain.next_deadline);
}

/* A timer armed by a callback during the step runs in the same step. */
static void test_advance_virtual_time_chained(void)
{
    TestTimer first, second, late;

    virtual_reset(0);
    test_timer_init(&first, 0, SCALE_NS);
    timer_init(&first.timer, QEMU_CLOCK_VIRTUAL, SCALE_NS, chain_cb, &first);
    test_timer_init(&second, 1, SCALE_NS);
    test_timer_init(&late, 2, SCALE_NS);
    chain.next = &second;
    chain.next_deadline = 15 * MS;

    timer_mod_ns(&first.timer, 10 * MS);
    timer_mod_ns(&late.timer, 20 * MS);
    qemu_clock_advance_virtual_time(18 * MS);

    g_assert_cmpint(nr_fires, ==, 2);
    g_assert_cmpint(fires[0].id, ==, 0);
    g_assert_cmpint(fires[0].now, ==, 10 * MS);
    g_assert_cmpint(fires[1].id, ==, 1);
    g_assert_cmpint(fires[1].now, ==, 15 * MS);
    g_assert_true(timer_pending(&late.timer));
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 18 * MS);

    qemu_clock_advance_virtual_time(20 * MS);
    g_assert_cmpint(nr_fires, ==, 3);
    g_assert_cmpint(fires[2].now, ==, 20 * MS);

    timer_deinit(&first.timer);
    timer_deinit(&second.timer);
    timer_deinit(&late.timer);
}

/* A periodic timer fires once per period of the step, on time. */
static void test_advance_virtual_time_periodic(void)
{
    TestTimer t;
    int i;

    virtual_reset(1000 * MS);
    test_timer_init(&t, 0, SCALE_NS);
    t.period = 3 * MS;
    t.expected = 1003 * MS;
    timer_mod_ns(&t.timer, t.expected);

    /* 1003, 1006, ..., 1018: six times in 20 ms. */
    qemu_clock_advance_virtual_time(1020 * MS);
    g_assert_cmpint(nr_fires, ==, 6);
    for (i = 0; i < nr_fires; i++) {
        g_assert_cmpint(fires[i].now, ==, 1000 * MS + 3 * (i + 1) * MS);
    }
    g_assert_cmpuint(timer_expire_time_ns(&t.timer), ==, 1021 * MS);

    /* Landing exactly on a deadline runs it. */
    qemu_clock_advance_virtual_time(1021 * MS);
    g_assert_cmpint(nr_fires, ==, 7);
    g_assert_cmpint(fires[6].now, ==, 1021 * MS);

    /* A longer step: 33 more periods up to 1120 ms. */
    qemu_clock_advance_virtual_time(1120 * MS);
    g_assert_cmpint(nr_fires, ==, 7 + 33);
    g_assert_cmpint(fires[nr_fires - 1].now, ==, 1120 * MS);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 1120 * MS);

    timer_del(&t.timer);
    timer_deinit(&t.timer);
}

/*
 * Main loop
 */

typedef struct RtTimer {
    int64_t deadline;
    int64_t fired_at;
    int fired;
} RtTimer;

static void rt_timer_cb(void *opaque)
{
    RtTimer *rt = opaque;

    g_assert_true(bql_locked());
    rt->fired_at = get_clock();
    rt->fired++;
}

/*
 * If main_loop_wait() slept through the deadline (say, forever), poke the
 * main loop once the test has given up so that it fails instead of hanging.
 */
typedef struct Poker {
    QemuThread thread;
    QemuSemaphore stop;
    int delay_ms;
} Poker;

static void *poker_thread(void *opaque)
{
    Poker *p = opaque;

    if (qemu_sem_timedwait(&p->stop, p->delay_ms) == 0) {
        return NULL;
    }
    do {
        qemu_notify_event();
    } while (qemu_sem_timedwait(&p->stop, 100) != 0);
    return NULL;
}

static void poker_start(Poker *p, int delay_ms)
{
    p->delay_ms = delay_ms;
    qemu_sem_init(&p->stop, 0);
    qemu_thread_create(&p->thread, "poker", poker_thread, p,
                       QEMU_THREAD_JOINABLE);
}

static void poker_stop(Poker *p)
{
    qemu_sem_post(&p->stop);
    qemu_thread_join(&p->thread);
    qemu_sem_destroy(&p->stop);
}

static void test_main_loop_realtime_timer(void)
{
    RtTimer rt = { 0 };
    QEMUTimer *ts;
    Poker poker;
    int64_t give_up;
    int iterations = 0;

    g_assert_nonnull(qemu_get_aio_context());
    poker_start(&poker, 10 * 1000 + 500);
    bql_lock();

    /* Nothing to do: a non-blocking iteration returns at once. */
    main_loop_wait(true);

    ts = timer_new_ns(QEMU_CLOCK_REALTIME, rt_timer_cb, &rt);
    rt.deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 20 * MS;
    timer_mod_ns(ts, rt.deadline);
    give_up = get_clock() + 10 * NANOSECONDS_PER_SECOND;

    while (!rt.fired) {
        g_assert_cmpint(get_clock(), <, give_up);
        main_loop_wait(false);
        iterations++;
    }

    g_assert_cmpint(rt.fired, ==, 1);
    g_assert_cmpint(rt.fired_at, >=, rt.deadline);
    g_assert_cmpint(rt.fired_at - rt.deadline, <, NANOSECONDS_PER_SECOND);
    g_assert_false(timer_pending(ts));
    /* It slept until the deadline rather than spinning. */
    g_assert_cmpint(iterations, <=, 10);
    g_test_message("fired %" PRId64 " us late after %d iterations",
                   (rt.fired_at - rt.deadline) / SCALE_US, iterations);

    timer_free(ts);
    bql_unlock();
    poker_stop(&poker);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    /* Initialises the clocks (whatever the name of that function). */
    qemu_init_main_loop(&error_abort);

    g_test_add_func("/timer/clock/monotonic", test_get_clock_monotonic);
    g_test_add_func("/timer/clock/realtime", test_get_clock_realtime);
    g_test_add_func("/timer/clock/timeout-ns-to-ms", test_timeout_ns_to_ms);
    g_test_add_func("/timer/clock/virtual-override",
                    test_virtual_clock_override);
    g_test_add_func("/timer/virtual/order", test_timer_order);
    g_test_add_func("/timer/virtual/rearm-same-deadline",
                    test_timer_rearm_same_deadline);
    g_test_add_func("/timer/virtual/del", test_timer_del);
    g_test_add_func("/timer/virtual/free-pending", test_timer_free_pending);
    g_test_add_func("/timer/virtual/mod", test_timer_mod);
    g_test_add_func("/timer/virtual/mod-anticipate",
                    test_timer_mod_anticipate);
    g_test_add_func("/timer/virtual/deadline-ns-all", test_deadline_ns_all);
    g_test_add_func("/timer/advance/steps", test_advance_virtual_time);
    g_test_add_func("/timer/advance/chained",
                    test_advance_virtual_time_chained);
    g_test_add_func("/timer/advance/periodic",
                    test_advance_virtual_time_periodic);
    g_test_add_func("/timer/main-loop/realtime-timer",
                    test_main_loop_realtime_timer);

    return g_test_run();
}
