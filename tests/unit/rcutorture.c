/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RCU torture and performance tests, after Paul McKenney's rcutorture.
 *
 * One RCU-protected pointer designates the "current" element.  Updaters
 * publish a fresh element with qatomic_rcu_set() and retire the old one.
 * A retired element has age 1; every grace period that starts after its
 * retirement and completes adds one, either counted by an updater around
 * its synchronize_rcu() or by a call_rcu() callback that re-queues itself.
 * Once old enough the element is poisoned, then freed a while later.
 *
 * Readers look up the current element inside rcu_read_lock(), check that
 * it was initialised before it was published and is not poisoned, and
 * histogram its age as seen at the end of the critical section.  Since a
 * grace period waits for every critical section that began before it,
 * no reader may ever see an age of 2 or more.
 *
 * The perf cases measure the cost of a read-side critical section and of
 * synchronize_rcu(); they report numbers but assert nothing about them.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/queue.h"
#include "qemu/rcu.h"
#include "qemu/main-loop.h"

/* Ages are counted up to PIPE_LEN; the last bucket holds anything older. */
#define PIPE_LEN        10
#define GRAVEYARD_LEN   256

#define MAGIC_ALIVE     0x600dcafeU
#define MAGIC_POISON    0xdeadbeefU

enum {
    GOFLAG_INIT,
    GOFLAG_RUN,
    GOFLAG_STOP,
};

typedef struct StressElem StressElem;
struct StressElem {
    struct rcu_head rcu;                /* first, for call_rcu() */
    QSIMPLEQ_ENTRY(StressElem) link;    /* retired list, updaters only */
    uint64_t retire_seq;
    int age;
    int mbtest;
    unsigned magic;
};

typedef struct ReaderArg {
    QemuThread thread;
    bool long_sections;
} ReaderArg;

static StressElem *stress_current;
static int goflag;

/*
 * Updater state, protected by update_lock (synchronize_rcu mode) or by
 * the BQL (call_rcu callbacks).
 */
static QemuMutex update_lock;
static QSIMPLEQ_HEAD(, StressElem) retired =
    QSIMPLEQ_HEAD_INITIALIZER(retired);
static uint64_t retire_seq;
static StressElem *graveyard[GRAVEYARD_LEN];
static unsigned graveyard_idx;
static int64_t n_updates;
static int in_flight;

/* Reader results, merged under stats_lock. */
static QemuMutex stats_lock;
static int64_t n_reads;
static int64_t n_mberror;
static int64_t n_poisoned;
static int64_t histogram[PIPE_LEN + 1];

static void stress_init_once(void)
{
    static bool done;

    if (!done) {
        qemu_mutex_init(&update_lock);
        qemu_mutex_init(&stats_lock);
        done = true;
    }
}

static double test_seconds(double quick, double slow)
{
    return g_test_quick() ? quick : slow;
}

static StressElem *stress_new(void)
{
    StressElem *p = g_new0(StressElem, 1);

    p->magic = MAGIC_ALIVE;
    p->mbtest = 1;
    return p;
}

/*
 * Poison an element that no reader can reach any more, but keep its
 * memory for a while so that a reader that wrongly still holds it reads
 * the poison rather than reused memory.
 */
static void stress_bury(StressElem *p)
{
    StressElem *old;

    qatomic_set(&p->magic, MAGIC_POISON);
    qatomic_set(&p->mbtest, 0);
    old = graveyard[graveyard_idx];
    graveyard[graveyard_idx] = p;
    graveyard_idx = (graveyard_idx + 1) % GRAVEYARD_LEN;
    g_free(old);
}

static void stress_reset(void)
{
    stress_init_once();
    stress_current = stress_new();
    QSIMPLEQ_INIT(&retired);
    retire_seq = 0;
    memset(graveyard, 0, sizeof(graveyard));
    graveyard_idx = 0;
    n_updates = 0;
    in_flight = 0;
    n_reads = 0;
    n_mberror = 0;
    n_poisoned = 0;
    memset(histogram, 0, sizeof(histogram));
    qatomic_set(&goflag, GOFLAG_INIT);
}

static void stress_cleanup(void)
{
    StressElem *p;
    int i;

    while (!QSIMPLEQ_EMPTY(&retired)) {
        p = QSIMPLEQ_FIRST(&retired);
        QSIMPLEQ_REMOVE_HEAD(&retired, link);
        g_free(p);
    }
    for (i = 0; i < GRAVEYARD_LEN; i++) {
        g_free(graveyard[i]);
        graveyard[i] = NULL;
    }
    g_free(stress_current);
    stress_current = NULL;
}

static void wait_for_go(void)
{
    while (qatomic_read(&goflag) == GOFLAG_INIT) {
        g_usleep(100);
    }
}

/* Keep the reader busy inside its critical section for a moment. */
static void spin_a_little(void)
{
    int i, dummy = 0;

    for (i = 0; i < 100; i++) {
        qatomic_set(&dummy, qatomic_read(&dummy) + 1);
    }
}

static void *stress_reader(void *opaque)
{
    ReaderArg *arg = opaque;
    int64_t hist[PIPE_LEN + 1] = { 0 };
    int64_t reads = 0, mberror = 0, poisoned = 0;
    int64_t next_long = 0;
    StressElem *p;
    int age, i;

    rcu_register_thread();
    wait_for_go();

    while (qatomic_read(&goflag) == GOFLAG_RUN) {
        bool go_long = false;

        if (arg->long_sections && (reads & 1023) == 0) {
            int64_t now = g_get_monotonic_time();

            if (now >= next_long) {
                /*
                 * Every quarter second, stay inside for longer than the
                 * writer polls before it forces the grace period.
                 */
                go_long = next_long != 0;
                next_long = now + 250 * 1000;
            }
        }

        rcu_read_lock();
        p = qatomic_rcu_read(&stress_current);
        if (qatomic_read(&p->mbtest) != 1) {
            mberror++;
        }
        if (qatomic_read(&p->magic) != MAGIC_ALIVE) {
            poisoned++;
        }

        /*
         * A nested critical section must neither end the outer one nor
         * restart it as if it had begun after grace periods that are
         * already waiting for us.  Spend time on both sides of it, so
         * that grace periods start and end around it.
         */
        spin_a_little();
        if (go_long) {
            g_usleep(30 * 1000);
        }
        rcu_read_lock();
        spin_a_little();
        rcu_read_unlock();
        spin_a_little();
        if (go_long) {
            g_usleep(30 * 1000);
        }

        age = qatomic_read(&p->age);
        if (qatomic_read(&p->magic) != MAGIC_ALIVE) {
            poisoned++;
        }
        rcu_read_unlock();

        if (age < 0 || age > PIPE_LEN) {
            age = PIPE_LEN;
        }
        hist[age]++;
        reads++;
    }

    qemu_mutex_lock(&stats_lock);
    n_reads += reads;
    n_mberror += mberror;
    n_poisoned += poisoned;
    for (i = 0; i <= PIPE_LEN; i++) {
        histogram[i] += hist[i];
    }
    qemu_mutex_unlock(&stats_lock);

    rcu_unregister_thread();
    return NULL;
}

/* Publish a fresh element and return the one it replaced, now age 1. */
static StressElem *stress_publish(void)
{
    StressElem *new = stress_new();
    StressElem *old = stress_current;

    qatomic_rcu_set(&stress_current, new);
    qatomic_set(&old->age, 1);
    return old;
}

static void *stress_sync_updater(void *opaque)
{
    StressElem *p;
    uint64_t snap;
    int age;

    wait_for_go();
    while (qatomic_read(&goflag) == GOFLAG_RUN) {
        qemu_mutex_lock(&update_lock);
        p = stress_publish();
        p->retire_seq = ++retire_seq;
        QSIMPLEQ_INSERT_TAIL(&retired, p, link);
        snap = retire_seq;
        qemu_mutex_unlock(&update_lock);

        /* Never hold a lock that the grace period might need. */
        synchronize_rcu();

        /*
         * A full grace period began after everything retired up to
         * "snap", so all of those are one grace period older.  The list
         * is in retirement order, hence ages never increase along it
         * and the elements that are old enough to bury are at its head.
         */
        qemu_mutex_lock(&update_lock);
        QSIMPLEQ_FOREACH(p, &retired, link) {
            if (p->retire_seq > snap) {
                break;
            }
            age = p->age + 1;
            qatomic_set(&p->age, age);
        }
        while (!QSIMPLEQ_EMPTY(&retired)) {
            p = QSIMPLEQ_FIRST(&retired);
            if (p->age < PIPE_LEN) {
                break;
            }
            QSIMPLEQ_REMOVE_HEAD(&retired, link);
            stress_bury(p);
        }
        n_updates++;
        qemu_mutex_unlock(&update_lock);
    }
    return NULL;
}

/* Runs in the call_rcu thread under the BQL, once per grace period. */
static void stress_age_cb(StressElem *p)
{
    int age = p->age + 1;

    g_assert(bql_locked());
    qatomic_set(&p->age, age);
    if (age < PIPE_LEN) {
        call_rcu(p, stress_age_cb, rcu);
    } else {
        stress_bury(p);
        qatomic_dec(&in_flight);
    }
}

static void *stress_call_rcu_updater(void *opaque)
{
    StressElem *p;

    wait_for_go();
    while (qatomic_read(&goflag) == GOFLAG_RUN) {
        qemu_mutex_lock(&update_lock);
        p = stress_publish();
        n_updates++;
        qemu_mutex_unlock(&update_lock);

        qatomic_inc(&in_flight);
        call_rcu(p, stress_age_cb, rcu);

        /* Do not let retired elements pile up without bound. */
        while (qatomic_read(&in_flight) > 5000 &&
               qatomic_read(&goflag) == GOFLAG_RUN) {
            g_usleep(100);
        }
    }
    return NULL;
}

static void print_histogram(void)
{
    GString *s = g_string_new("age histogram:");
    int i;

    for (i = 0; i <= PIPE_LEN; i++) {
        g_string_append_printf(s, " %" PRId64, histogram[i]);
    }
    g_test_message("%s", s->str);
    g_string_free(s, true);
}

static void run_torture(int nreaders, int nupdaters, bool use_call_rcu,
                        double seconds)
{
    ReaderArg *readers = g_new0(ReaderArg, nreaders);
    QemuThread *updaters = g_new0(QemuThread, nupdaters);
    int i;

    stress_reset();
    for (i = 0; i < nreaders; i++) {
        /* Now and then, the first reader holds on for long. */
        readers[i].long_sections = i == 0;
        qemu_thread_create(&readers[i].thread, "rcu-reader", stress_reader,
                           &readers[i], QEMU_THREAD_JOINABLE);
    }
    for (i = 0; i < nupdaters; i++) {
        qemu_thread_create(&updaters[i], "rcu-updater",
                           use_call_rcu ? stress_call_rcu_updater
                                        : stress_sync_updater,
                           NULL, QEMU_THREAD_JOINABLE);
    }

    qatomic_set(&goflag, GOFLAG_RUN);
    g_usleep(seconds * G_USEC_PER_SEC);
    qatomic_set(&goflag, GOFLAG_STOP);

    for (i = 0; i < nupdaters; i++) {
        qemu_thread_join(&updaters[i]);
    }
    for (i = 0; i < nreaders; i++) {
        qemu_thread_join(&readers[i].thread);
    }

    /* Let every retired element finish its trip through the pipe. */
    while (qatomic_read(&in_flight) > 0) {
        drain_call_rcu();
    }

    g_test_message("%d reader(s), %d %s updater(s), %.1f s: "
                   "%" PRId64 " reads, %" PRId64 " updates, "
                   "%" PRId64 " ordering errors, %" PRId64 " poisoned",
                   nreaders, nupdaters,
                   use_call_rcu ? "call_rcu" : "synchronize_rcu",
                   seconds, n_reads, n_updates, n_mberror, n_poisoned);
    print_histogram();

    g_assert_cmpint(n_reads, >, 0);
    g_assert_cmpint(n_updates, >, 0);
    g_assert_cmpint(n_mberror, ==, 0);
    g_assert_cmpint(n_poisoned, ==, 0);
    for (i = 2; i <= PIPE_LEN; i++) {
        if (histogram[i]) {
            g_test_message("reader saw an element %d grace periods old", i);
        }
        g_assert_cmpint(histogram[i], ==, 0);
    }

    stress_cleanup();
    g_free(readers);
    g_free(updaters);
}

static void test_torture_1reader(void)
{
    run_torture(1, 1, false, test_seconds(2, 10));
}

static void test_torture_10readers(void)
{
    run_torture(10, 1, false, test_seconds(2, 10));
}

static void test_torture_10readers_3updaters(void)
{
    run_torture(10, 3, false, test_seconds(2, 10));
}

static void test_torture_call_rcu_1reader(void)
{
    run_torture(1, 1, true, test_seconds(2, 10));
}

static void test_torture_call_rcu_10readers(void)
{
    run_torture(10, 1, true, test_seconds(2, 10));
}

/* Performance */

typedef struct PerfReader {
    QemuThread thread;
    int64_t reads;
    int64_t ns;
} PerfReader;

static void *perf_reader(void *opaque)
{
    PerfReader *r = opaque;
    int64_t start, reads = 0;
    int i;

    rcu_register_thread();
    wait_for_go();
    start = g_get_monotonic_time();
    /*
     * At least one batch: on a loaded host a reader may first run only
     * after the measurement window closed, and must still report.
     */
    do {
        for (i = 0; i < 1000; i++) {
            rcu_read_lock();
            rcu_read_unlock();
        }
        reads += 1000;
    } while (qatomic_read(&goflag) == GOFLAG_RUN);
    r->ns = (g_get_monotonic_time() - start) * 1000;
    r->reads = reads;
    rcu_unregister_thread();
    return NULL;
}

static PerfReader *perf_start_readers(int n)
{
    PerfReader *readers = g_new0(PerfReader, n);
    int i;

    qatomic_set(&goflag, GOFLAG_INIT);
    for (i = 0; i < n; i++) {
        qemu_thread_create(&readers[i].thread, "rcu-perf-reader",
                           perf_reader, &readers[i], QEMU_THREAD_JOINABLE);
    }
    return readers;
}

static void perf_stop_readers(PerfReader *readers, int n,
                              int64_t *reads, int64_t *ns)
{
    int i;

    qatomic_set(&goflag, GOFLAG_STOP);
    *reads = 0;
    *ns = 0;
    for (i = 0; i < n; i++) {
        qemu_thread_join(&readers[i].thread);
        *reads += readers[i].reads;
        *ns += readers[i].ns;
    }
    g_free(readers);
}

static int perf_nreaders(void)
{
    return MAX(2, MIN(g_get_num_processors(), 16));
}

static void perf_read(int nreaders, double seconds)
{
    PerfReader *readers = perf_start_readers(nreaders);
    int64_t reads, ns;

    qatomic_set(&goflag, GOFLAG_RUN);
    g_usleep(seconds * G_USEC_PER_SEC);
    perf_stop_readers(readers, nreaders, &reads, &ns);

    g_assert_cmpint(reads, >, 0);
    g_test_message("perf read: %d reader(s), %" PRId64 " reads in %.2f s, "
                   "%.3f ns/read", nreaders, reads, seconds,
                   (double)ns / reads);
}

static void test_perf_read(void)
{
    double seconds = test_seconds(0.3, 3);

    perf_read(1, seconds);
    perf_read(perf_nreaders(), seconds);
}

static void perf_update(int nreaders, double seconds)
{
    PerfReader *readers = perf_start_readers(nreaders);
    int64_t reads, ns, start, end, updates = 0;

    qatomic_set(&goflag, GOFLAG_RUN);
    start = g_get_monotonic_time();
    end = start + seconds * G_USEC_PER_SEC;
    do {
        synchronize_rcu();
        updates++;
    } while (g_get_monotonic_time() < end);
    end = g_get_monotonic_time();
    perf_stop_readers(readers, nreaders, &reads, &ns);

    g_test_message("perf update: %d reader(s), %" PRId64 " updates in "
                   "%.2f s, %.0f ns/update", nreaders, updates,
                   (end - start) / 1e6,
                   (double)(end - start) * 1000 / updates);
}

static void test_perf_update(void)
{
    double seconds = test_seconds(0.3, 3);

    /* The caller must not hold the BQL across synchronize_rcu(). */
    g_assert_false(bql_locked());
    perf_update(0, seconds);
    perf_update(1, seconds);
    perf_update(perf_nreaders(), seconds);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/rcu/torture/1reader", test_torture_1reader);
    g_test_add_func("/rcu/torture/10readers", test_torture_10readers);
    g_test_add_func("/rcu/torture/10readers-3updaters",
                    test_torture_10readers_3updaters);
    g_test_add_func("/rcu/torture/call_rcu/1reader",
                    test_torture_call_rcu_1reader);
    g_test_add_func("/rcu/torture/call_rcu/10readers",
                    test_torture_call_rcu_10readers);
    g_test_add_func("/rcu/perf/read", test_perf_read);
    g_test_add_func("/rcu/perf/update", test_perf_update);

    return g_test_run();
}
