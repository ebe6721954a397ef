/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The read side's per-thread state (struct rcu_reader_data in
 * qemu/rcu.h), step by step: ctr, which the writer reads, is set by the
 * outermost rcu_read_lock() and cleared by the matching unlock only;
 * nested sections count in depth and leave ctr alone, so a grace period
 * waits for the outermost unlock.  Misuse aborts: an unlock without a
 * lock, unregistering inside a critical section.
 */

#include "qemu/osdep.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"

/* How long a writer must stay blocked to count as blocked, in ms. */
#define BLOCKED_MS  50

/* Bound for things that should happen promptly, in ms. */
#define WATCHDOG_MS 10000

static struct rcu_reader_data *reader(void)
{
    return get_ptr_rcu_reader();
}

static void test_nesting(void)
{
    unsigned long ctr;

    g_assert_cmpuint(reader()->ctr, ==, 0);
    g_assert_cmpuint(reader()->depth, ==, 0);

    rcu_read_lock();
    ctr = reader()->ctr;
    g_assert_cmpuint(ctr, ==, qatomic_read(&rcu_gp_ctr));
    g_assert_cmpuint(ctr, !=, 0);
    g_assert_cmpuint(reader()->depth, ==, 0);

    rcu_read_lock();
    rcu_read_lock();
    g_assert_cmpuint(reader()->ctr, ==, ctr);
    g_assert_cmpuint(reader()->depth, ==, 2);
    rcu_read_unlock();
    g_assert_cmpuint(reader()->depth, ==, 1);
    rcu_read_unlock();
    g_assert_cmpuint(reader()->ctr, ==, ctr);
    g_assert_cmpuint(reader()->depth, ==, 0);

    rcu_read_unlock();
    g_assert_cmpuint(reader()->ctr, ==, 0);
    g_assert_cmpuint(reader()->depth, ==, 0);

    /* The guards nest the same way. */
    WITH_RCU_READ_LOCK_GUARD() {
        RCU_READ_LOCK_GUARD();

        g_assert_cmpuint(reader()->ctr, ==, qatomic_read(&rcu_gp_ctr));
        g_assert_cmpuint(reader()->depth, ==, 1);
    }
    g_assert_cmpuint(reader()->ctr, ==, 0);
}

typedef struct Syncer {
    QemuThread thread;
    bool done;
} Syncer;

static void *syncer_thread(void *opaque)
{
    Syncer *sy = opaque;

    synchronize_rcu();
    qatomic_set(&sy->done, true);
    return NULL;
}

/*
 * A grace period that starts inside a critical section waits for its
 * outermost unlock; a nested section in between must neither end the
 * outer one nor restart it as if it had begun after the grace period.
 */
static void test_nested_grace_period(void)
{
    unsigned long ctr;
    Syncer sy = { .done = false };
    int64_t deadline;

    rcu_read_lock();
    ctr = reader()->ctr;
    qemu_thread_create(&sy.thread, "rcu-syncer", syncer_thread, &sy,
                       QEMU_THREAD_JOINABLE);
    deadline = g_get_monotonic_time() + WATCHDOG_MS * 1000;
    while (qatomic_read(&rcu_gp_ctr) == ctr) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }

    rcu_read_lock();
    g_assert_cmpuint(reader()->ctr, ==, ctr);
    rcu_read_unlock();
    g_assert_cmpuint(reader()->ctr, ==, ctr);
    g_usleep(BLOCKED_MS * 1000);
    g_assert_false(qatomic_read(&sy.done));

    rcu_read_unlock();
    qemu_thread_join(&sy.thread);
    g_assert_true(sy.done);
}

static void test_unbalanced_unlock(void)
{
    if (g_test_subprocess()) {
        rcu_read_lock();
        rcu_read_unlock();
        rcu_read_unlock();
        return;
    }
    g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*rcu_read_unlock without lock*");
}

static void test_unregister_inside(void)
{
    if (g_test_subprocess()) {
        rcu_read_lock();
        rcu_unregister_thread();
        return;
    }
    g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*rcu_unregister_thread inside "
                              "rcu_read_lock*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rcu/reader/nesting", test_nesting);
    g_test_add_func("/rcu/reader/nested-grace-period",
                    test_nested_grace_period);
    g_test_add_func("/rcu/reader/unbalanced-unlock", test_unbalanced_unlock);
    g_test_add_func("/rcu/reader/unregister-inside", test_unregister_inside);
    return g_test_run();
}
