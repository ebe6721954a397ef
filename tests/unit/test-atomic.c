/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * include/qemu/atomic.h: the 64-bit accessors qatomic_read_i64/_u64 and
 * qatomic_set_i64/_u64, and qatomic_set_mb's store + full barrier.
 *
 * Built twice (tests/unit/meson.build): test-atomic with the host's
 * 64-bit atomics, test-atomic-locked with util/atomic64.c's locked
 * accesses (QEMU_ATOMIC64_LOCKED), which 32-bit hosts without
 * CONFIG_ATOMIC64 use.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"

#include <sched.h>

/*
 * Round trips of values whose halves differ, including both signs'
 * extremes: a 32-bit truncation or a sign mix-up changes them.
 */
static void test_i64_round_trip(void)
{
    static const int64_t vals[] = {
        0, 1, -1, INT64_MIN, INT64_MAX, 0x123456789abcdef0LL,
        -0x123456789abcdef0LL, 0x100000000LL, 0xffffffffLL,
    };
    int64_t s = 42;
    uint64_t u = 42;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(vals); i++) {
        qatomic_set_i64(&s, vals[i]);
        g_assert_cmpint(qatomic_read_i64(&s), ==, vals[i]);
        g_assert_cmpint(s, ==, vals[i]);

        qatomic_set_u64(&u, (uint64_t)vals[i]);
        g_assert_cmpuint(qatomic_read_u64(&u), ==, (uint64_t)vals[i]);
        g_assert_cmpuint(u, ==, (uint64_t)vals[i]);
    }
    qatomic_set_u64(&u, UINT64_MAX);
    g_assert_cmpuint(qatomic_read_u64(&u), ==, UINT64_MAX);
}

/* Neighbours share no bytes: a set writes exactly its own 8 bytes. */
static void test_i64_neighbours(void)
{
    int64_t a[3] = { 0x1111111111111111LL, 0, 0x3333333333333333LL };

    qatomic_set_i64(&a[1], -1);
    g_assert_cmpint(a[0], ==, 0x1111111111111111LL);
    g_assert_cmpint(a[1], ==, -1);
    g_assert_cmpint(a[2], ==, 0x3333333333333333LL);
}

/*
 * A writer flips a variable between two values that differ in both
 * halves; a torn read (one half of each) is neither.
 */
#define TEAR_A  0x00000000ffffffffLL
#define TEAR_B  ((int64_t)0xffffffff00000000ULL)

typedef struct TearState {
    int64_t val;
    bool stop;
} TearState;

static void *tear_writer(void *opaque)
{
    TearState *ts = opaque;
    unsigned long n = 0;

    while (!qatomic_read(&ts->stop)) {
        qatomic_set_i64(&ts->val, (n++ & 1) ? TEAR_B : TEAR_A);
    }
    return NULL;
}

static void test_i64_no_tearing(void)
{
    TearState ts = { .val = TEAR_A };
    int reads = g_test_quick() ? 200000 : 5000000;
    QemuThread thread;
    int seen_a = 0, seen_b = 0;
    int i;

    qemu_thread_create(&thread, "tear-writer", tear_writer, &ts,
                       QEMU_THREAD_JOINABLE);
    for (i = 0; i < reads; i++) {
        int64_t v = qatomic_read_i64(&ts.val);

        if (v == TEAR_A) {
            seen_a++;
        } else if (v == TEAR_B) {
            seen_b++;
        } else {
            g_test_message("torn read: 0x%016" PRIx64, (uint64_t)v);
            g_assert_not_reached();
        }
    }
    qatomic_set(&ts.stop, true);
    qemu_thread_join(&thread);
    g_assert_cmpint(seen_a + seen_b, ==, reads);
}

/* qatomic_set_mb stores like qatomic_set, for every width it accepts. */
static void test_set_mb_value(void)
{
    int i = 0;
    uint8_t b = 0;
    void *p = NULL;
    unsigned long l = 0;

    qatomic_set_mb(&i, -5);
    qatomic_set_mb(&b, 0xa5);
    qatomic_set_mb(&p, &i);
    qatomic_set_mb(&l, ULONG_MAX);
    g_assert_cmpint(qatomic_read(&i), ==, -5);
    g_assert_cmphex(qatomic_read(&b), ==, 0xa5);
    g_assert_true(qatomic_read(&p) == &i);
    g_assert_cmpuint(qatomic_read(&l), ==, ULONG_MAX);
}

/*
 * Store buffering: thread 0 sets x then reads y, thread 1 sets y then
 * reads x.  With qatomic_set_mb's full barrier between each store and
 * the following load, at least one thread sees the other's store; with
 * a plain store, CPUs (x86 included) let both loads pass the stores and
 * both read 0.  The threads start each round together so that the race
 * happens; a round runs only while both are on a CPU, so the test is
 * exhaustive only on an idle machine, but never wrong.
 */
typedef struct SBState {
    int x, y;
    int r[2];
    unsigned round;
    unsigned arrived;
    unsigned rounds;
    unsigned both_zero;
} SBState;

/* Spin until @cond; yield now and then so that a busy host moves on. */
#define SB_WAIT(cond)                                   \
    do {                                                \
        unsigned _spins = 0;                            \
        while (!(cond)) {                               \
            if (++_spins % 1024 == 0) {                 \
                sched_yield();                          \
            }                                           \
        }                                               \
    } while (0)

static void sb_round(SBState *s, int me, unsigned round)
{
    int *mine = me ? &s->y : &s->x;
    int *other = me ? &s->x : &s->y;

    /* Wait for round @round to open (thread 0 opens them). */
    SB_WAIT(qatomic_load_acquire(&s->round) == round);
    qatomic_set_mb(mine, 1);
    s->r[me] = qatomic_read(other);
    /* Pairs with the acquire in sb_thread0's wait for both. */
    qatomic_fetch_inc(&s->arrived);
}

static void *sb_thread1(void *opaque)
{
    SBState *s = opaque;
    unsigned round;

    for (round = 1; round <= s->rounds; round++) {
        sb_round(s, 1, round);
    }
    return NULL;
}

static void test_set_mb_store_load(void)
{
    SBState s = { .rounds = g_test_quick() ? 20000 : 1000000 };
    QemuThread thread;
    unsigned round;

    qemu_thread_create(&thread, "sb-thread1", sb_thread1, &s,
                       QEMU_THREAD_JOINABLE);
    for (round = 1; round <= s.rounds; round++) {
        qatomic_set(&s.x, 0);
        qatomic_set(&s.y, 0);
        qatomic_set(&s.arrived, 0);
        /* Open the round: the resets above are visible first. */
        qatomic_store_release(&s.round, round);
        sb_round(&s, 0, round);
        SB_WAIT(qatomic_load_acquire(&s.arrived) == 2);
        if (s.r[0] == 0 && s.r[1] == 0) {
            s.both_zero++;
        }
    }
    qemu_thread_join(&thread);
    g_assert_cmpuint(s.both_zero, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/atomic/i64/round-trip", test_i64_round_trip);
    g_test_add_func("/atomic/i64/neighbours", test_i64_neighbours);
    g_test_add_func("/atomic/i64/no-tearing", test_i64_no_tearing);
    g_test_add_func("/atomic/set-mb/value", test_set_mb_value);
    g_test_add_func("/atomic/set-mb/store-load", test_set_mb_store_load);
    return g_test_run();
}
