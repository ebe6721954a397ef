/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's thread primitives: QemuMutex, QemuCond, QemuSemaphore, QemuThread
 * (create/join/detach/self/naming) and the QEMU_LOCK_GUARD scoped guards.
 *
 * Waits that a broken primitive would turn into a hang are bounded with
 * qemu_sem_timedwait() so that a bug fails the test instead of stalling
 * it.  Misuse (unlocking a mutex that is not held, using an object that
 * was never initialised) must abort; those cases run in a subprocess.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/lockable.h"

/* Generous bound for "this should happen promptly" waits, in ms. */
#define WATCHDOG_MS 10000

static int64_t now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/*
 * SIGALRM guard for waits of the test's own thread that a broken
 * primitive could make endless (a timed wait that never times out).
 */
static void alarm_fired(int sig)
{
    static const char msg[] =
        "Bail out! test-qemu-thread: watchdog alarm, a wait did not end\n";

    if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* Nothing better to do: we abort anyway. */
    }
    abort();
}

static void watchdog_arm(void)
{
    alarm(WATCHDOG_MS / 1000);
}

static void watchdog_disarm(void)
{
    alarm(0);
}

/* Sleep @ms milliseconds. */
static void sleep_ms(int ms)
{
    g_usleep(ms * 1000);
}

/*
 * Mutexes
 */

static void *trylock_thread(void *opaque)
{
    QemuMutex *m = opaque;
    int ret = qemu_mutex_trylock(m);

    if (ret == 0) {
        qemu_mutex_unlock(m);
    }
    return GINT_TO_POINTER(ret);
}

/* qemu_mutex_trylock() of @m from a fresh thread; the lock is dropped. */
static int trylock_from_other_thread(QemuMutex *m)
{
    QemuThread t;

    qemu_thread_create(&t, "trylock", trylock_thread, m,
                       QEMU_THREAD_JOINABLE);
    return GPOINTER_TO_INT(qemu_thread_join(&t));
}

static bool mutex_is_held(QemuMutex *m)
{
    int ret = trylock_from_other_thread(m);

    g_assert(ret == 0 || ret == -EBUSY);
    return ret == -EBUSY;
}

static void test_mutex_lock_unlock(void)
{
    QemuMutex m;

    qemu_mutex_init(&m);
    g_assert_false(mutex_is_held(&m));
    qemu_mutex_lock(&m);
    g_assert_true(mutex_is_held(&m));
    qemu_mutex_unlock(&m);
    g_assert_false(mutex_is_held(&m));

    /* Again, to check that unlock left it reusable. */
    qemu_mutex_lock(&m);
    g_assert_true(mutex_is_held(&m));
    qemu_mutex_unlock(&m);
    qemu_mutex_destroy(&m);
}

static void test_mutex_trylock(void)
{
    QemuMutex m;

    qemu_mutex_init(&m);
    g_assert_cmpint(qemu_mutex_trylock(&m), ==, 0);
    g_assert_cmpint(trylock_from_other_thread(&m), ==, -EBUSY);
    qemu_mutex_unlock(&m);
    g_assert_cmpint(trylock_from_other_thread(&m), ==, 0);

    /* A successful trylock from another thread really took the lock. */
    qemu_mutex_lock(&m);
    qemu_mutex_unlock(&m);
    qemu_mutex_destroy(&m);
}

typedef struct CounterData {
    QemuMutex lock;
    QemuSemaphore start;
    long counter;
    int iterations;
} CounterData;

static void *counter_thread(void *opaque)
{
    CounterData *d = opaque;
    int i;

    qemu_sem_wait(&d->start);
    for (i = 0; i < d->iterations; i++) {
        long v;

        qemu_mutex_lock(&d->lock);
        /* Split read and write so that a missing exclusion loses counts. */
        v = qatomic_read(&d->counter);
        qatomic_set(&d->counter, v + 1);
        qemu_mutex_unlock(&d->lock);
    }
    return NULL;
}

/* The mutex actually excludes: no increments are lost. */
static void test_mutex_contended(void)
{
    CounterData d = { .iterations = 200000 };
    QemuThread t[4];
    int i;

    qemu_mutex_init(&d.lock);
    qemu_sem_init(&d.start, 0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_create(&t[i], "counter", counter_thread, &d,
                           QEMU_THREAD_JOINABLE);
    }
    /* Release them together so that they really contend. */
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_sem_post(&d.start);
    }
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_join(&t[i]);
    }
    g_assert_cmpint(d.counter, ==, (long)ARRAY_SIZE(t) * d.iterations);
    qemu_sem_destroy(&d.start);
    qemu_mutex_destroy(&d.lock);
}

/*
 * Condition variables
 */

typedef struct CondData {
    QemuMutex lock;
    QemuCond cond;
    QemuSemaphore done;
    int waiting;        /* waiters inside qemu_cond_wait() */
    int tickets;        /* wake-ups handed out, one per waiter */
    bool go;            /* release every waiter */
    int woken;
} CondData;

static void cond_data_init(CondData *d)
{
    memset(d, 0, sizeof(*d));
    qemu_mutex_init(&d->lock);
    qemu_cond_init(&d->cond);
    qemu_sem_init(&d->done, 0);
}

static void cond_data_destroy(CondData *d)
{
    qemu_sem_destroy(&d->done);
    qemu_cond_destroy(&d->cond);
    qemu_mutex_destroy(&d->lock);
}

static void *cond_waiter(void *opaque)
{
    CondData *d = opaque;

    qemu_mutex_lock(&d->lock);
    d->waiting++;
    while (!d->go && d->tickets == 0) {
        qemu_cond_wait(&d->cond, &d->lock);
    }
    if (!d->go) {
        d->tickets--;
    }
    d->waiting--;
    d->woken++;
    qemu_mutex_unlock(&d->lock);
    qemu_sem_post(&d->done);
    return NULL;
}

/*
 * Wait until @n waiters sit in qemu_cond_wait(): a waiter counts itself
 * under the lock and only gives the lock up inside the wait.
 */
static void cond_wait_for_waiters(CondData *d, int n)
{
    int64_t deadline = now_ms() + WATCHDOG_MS;

    for (;;) {
        qemu_mutex_lock(&d->lock);
        if (d->waiting == n) {
            qemu_mutex_unlock(&d->lock);
            return;
        }
        qemu_mutex_unlock(&d->lock);
        g_assert_cmpint(now_ms(), <, deadline);
        sleep_ms(1);
    }
}

static void test_cond_signal(void)
{
    CondData d;
    QemuThread t[3];
    int i;

    cond_data_init(&d);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_create(&t[i], "cond-waiter", cond_waiter, &d,
                           QEMU_THREAD_JOINABLE);
    }
    cond_wait_for_waiters(&d, ARRAY_SIZE(t));

    /* Each signal, with one ticket, must get one more waiter out. */
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_mutex_lock(&d.lock);
        d.tickets++;
        qemu_cond_signal(&d.cond);
        qemu_mutex_unlock(&d.lock);
        g_assert_cmpint(qemu_sem_timedwait(&d.done, WATCHDOG_MS), ==, 0);
        qemu_mutex_lock(&d.lock);
        g_assert_cmpint(d.woken, ==, i + 1);
        qemu_mutex_unlock(&d.lock);
    }

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_join(&t[i]);
    }
    g_assert_cmpint(d.tickets, ==, 0);
    cond_data_destroy(&d);
}

static void test_cond_broadcast(void)
{
    CondData d;
    QemuThread t[4];
    int i;

    cond_data_init(&d);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_create(&t[i], "cond-waiter", cond_waiter, &d,
                           QEMU_THREAD_JOINABLE);
    }
    cond_wait_for_waiters(&d, ARRAY_SIZE(t));

    /* One broadcast, no further signals: every waiter must wake. */
    qemu_mutex_lock(&d.lock);
    d.go = true;
    qemu_cond_broadcast(&d.cond);
    qemu_mutex_unlock(&d.lock);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        g_assert_cmpint(qemu_sem_timedwait(&d.done, WATCHDOG_MS), ==, 0);
    }
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_join(&t[i]);
    }
    g_assert_cmpint(d.woken, ==, ARRAY_SIZE(t));
    cond_data_destroy(&d);
}

static void test_cond_timedwait_timeout(void)
{
    QemuMutex m;
    QemuCond c;
    int64_t start, elapsed;
    bool ret;

    qemu_mutex_init(&m);
    qemu_cond_init(&c);

    qemu_mutex_lock(&m);
    watchdog_arm();
    start = now_ms();
    ret = qemu_cond_timedwait(&c, &m, 50);
    elapsed = now_ms() - start;
    watchdog_disarm();
    g_assert_false(ret);
    g_assert_cmpint(elapsed, >=, 50);
    g_assert_cmpint(elapsed, <, 50 + WATCHDOG_MS);
    /* The mutex is held again: another thread cannot take it. */
    g_assert_cmpint(trylock_from_other_thread(&m), ==, -EBUSY);
    qemu_mutex_unlock(&m);

    qemu_cond_destroy(&c);
    qemu_mutex_destroy(&m);
}

typedef struct SignalData {
    QemuMutex lock;
    QemuCond cond;
    bool flag;
} SignalData;

static void *cond_signaller(void *opaque)
{
    SignalData *d = opaque;

    qemu_mutex_lock(&d->lock);
    d->flag = true;
    qemu_cond_signal(&d->cond);
    qemu_mutex_unlock(&d->lock);
    return NULL;
}

static void test_cond_timedwait_signalled(void)
{
    SignalData d = { .flag = false };
    QemuThread t;
    int64_t start, elapsed;
    bool ret = false;

    qemu_mutex_init(&d.lock);
    qemu_cond_init(&d.cond);

    /*
     * The signaller needs the lock, which we only give up inside
     * qemu_cond_timedwait(): the signal cannot come too early.
     */
    qemu_mutex_lock(&d.lock);
    qemu_thread_create(&t, "signaller", cond_signaller, &d,
                       QEMU_THREAD_JOINABLE);
    start = now_ms();
    while (!d.flag) {
        ret = qemu_cond_timedwait(&d.cond, &d.lock, WATCHDOG_MS);
        g_assert_true(ret);
    }
    elapsed = now_ms() - start;
    g_assert_true(ret);
    g_assert_cmpint(elapsed, <, WATCHDOG_MS);
    qemu_mutex_unlock(&d.lock);

    qemu_thread_join(&t);
    qemu_cond_destroy(&d.cond);
    qemu_mutex_destroy(&d.lock);
}

/*
 * Semaphores
 */

static void test_sem_counts(void)
{
    QemuSemaphore sem;
    int i;

    qemu_sem_init(&sem, 3);
    for (i = 0; i < 3; i++) {
        g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, 0);
    }
    g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, -1);

    for (i = 0; i < 5; i++) {
        qemu_sem_post(&sem);
    }
    qemu_sem_wait(&sem);
    qemu_sem_wait(&sem);
    for (i = 0; i < 3; i++) {
        g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, 0);
    }
    g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, -1);
    qemu_sem_destroy(&sem);

    qemu_sem_init(&sem, 0);
    g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, -1);
    qemu_sem_destroy(&sem);
}

static void test_sem_timedwait_timeout(void)
{
    QemuSemaphore sem;
    int64_t start, elapsed;

    qemu_sem_init(&sem, 0);
    watchdog_arm();
    start = now_ms();
    g_assert_cmpint(qemu_sem_timedwait(&sem, 50), ==, -1);
    elapsed = now_ms() - start;
    watchdog_disarm();
    g_assert_cmpint(elapsed, >=, 50);
    g_assert_cmpint(elapsed, <, 50 + WATCHDOG_MS);
    qemu_sem_destroy(&sem);
}

typedef struct SemPoster {
    QemuSemaphore *sem;
    int delay_ms;
    int count;
} SemPoster;

static void *sem_poster(void *opaque)
{
    SemPoster *p = opaque;
    int i;

    sleep_ms(p->delay_ms);
    for (i = 0; i < p->count; i++) {
        qemu_sem_post(p->sem);
    }
    return NULL;
}

static void test_sem_timedwait_posted(void)
{
    QemuSemaphore sem;
    SemPoster p = { .sem = &sem, .delay_ms = 20, .count = 1 };
    QemuThread t;
    int64_t start, elapsed;

    qemu_sem_init(&sem, 0);
    qemu_thread_create(&t, "poster", sem_poster, &p, QEMU_THREAD_JOINABLE);
    start = now_ms();
    g_assert_cmpint(qemu_sem_timedwait(&sem, WATCHDOG_MS), ==, 0);
    elapsed = now_ms() - start;
    g_assert_cmpint(elapsed, <, WATCHDOG_MS);
    qemu_thread_join(&t);
    /* Exactly one count was posted and it was taken. */
    g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, -1);
    qemu_sem_destroy(&sem);
}

/* Counts posted by several threads while a waiter takes them. */
static void test_sem_wait_many(void)
{
    QemuSemaphore sem;
    SemPoster p = { .sem = &sem, .delay_ms = 0, .count = 10000 };
    QemuThread t[3];
    int i;

    qemu_sem_init(&sem, 0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_create(&t[i], "poster", sem_poster, &p,
                           QEMU_THREAD_JOINABLE);
    }
    for (i = 0; i < ARRAY_SIZE(t) * p.count; i++) {
        g_assert_cmpint(qemu_sem_timedwait(&sem, WATCHDOG_MS), ==, 0);
    }
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_join(&t[i]);
    }
    g_assert_cmpint(qemu_sem_timedwait(&sem, 0), ==, -1);
    qemu_sem_destroy(&sem);
}

typedef struct SemRace {
    QemuSemaphore sem;
    int timeout_ms;
    int ret;
} SemRace;

static void *sem_race_waiter(void *opaque)
{
    SemRace *r = opaque;

    r->ret = qemu_sem_timedwait(&r->sem, r->timeout_ms);
    return NULL;
}

/*
 * A post that lands around the timeout must count exactly once: either
 * the waiter took it (returned 0) or it is still there for the next wait.
 * Never lost, never taken by a waiter that reports a timeout.
 */
static void test_sem_timedwait_race(void)
{
    SemRace r;
    QemuThread t;
    int took = 0, timed_out = 0;
    int i;

    qemu_sem_init(&r.sem, 0);
    r.timeout_ms = 1;
    for (i = 0; i < 400; i++) {
        qemu_thread_create(&t, "sem-race", sem_race_waiter, &r,
                           QEMU_THREAD_JOINABLE);
        /* Aim at the 1 ms deadline, a little before or after it. */
        g_usleep(700 + (i % 7) * 100);
        qemu_sem_post(&r.sem);
        qemu_thread_join(&t);

        if (r.ret == 0) {
            took++;
            g_assert_cmpint(qemu_sem_timedwait(&r.sem, 0), ==, -1);
        } else {
            g_assert_cmpint(r.ret, ==, -1);
            timed_out++;
            g_assert_cmpint(qemu_sem_timedwait(&r.sem, 0), ==, 0);
        }
    }
    g_test_message("post near timeout: taken %d, timed out %d",
                   took, timed_out);
    qemu_sem_destroy(&r.sem);
}

/*
 * The post comes after the deadline but before the timed-out waiter has
 * got the semaphore's mutex back (we hold it): the waiter must not lose
 * it.  This reaches into QemuSemaphore's fields (qemu/thread-posix.h) to
 * force that interleaving.
 */
static void test_sem_timedwait_race_forced(void)
{
    SemRace r;
    QemuThread t;

    qemu_sem_init(&r.sem, 0);
    r.timeout_ms = 20;
    qemu_thread_create(&t, "sem-race", sem_race_waiter, &r,
                       QEMU_THREAD_JOINABLE);
    sleep_ms(5);                 /* let it block in the timed wait */
    qemu_mutex_lock(&r.sem.mutex);
    sleep_ms(50);                /* its deadline passes meanwhile */
    r.sem.count++;               /* what qemu_sem_post() does under it */
    qemu_mutex_unlock(&r.sem.mutex);
    qemu_thread_join(&t);

    if (r.ret == 0) {
        g_assert_cmpint(qemu_sem_timedwait(&r.sem, 0), ==, -1);
    } else {
        g_assert_cmpint(r.ret, ==, -1);
        g_assert_cmpint(qemu_sem_timedwait(&r.sem, 0), ==, 0);
    }
    /* util/qemu-thread-posix.c promises the waiter takes it. */
    g_assert_cmpint(r.ret, ==, 0);
    qemu_sem_destroy(&r.sem);
}

/*
 * Threads
 */

static void *return_arg_plus_one(void *opaque)
{
    return GINT_TO_POINTER(GPOINTER_TO_INT(opaque) + 1);
}

static void test_thread_join(void)
{
    QemuThread t[8];
    int i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_create(&t[i], "join", return_arg_plus_one,
                           GINT_TO_POINTER(i * 10), QEMU_THREAD_JOINABLE);
    }
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        g_assert_cmpint(GPOINTER_TO_INT(qemu_thread_join(&t[i])), ==,
                        i * 10 + 1);
    }
}

static void *exit_early(void *opaque)
{
    qemu_thread_exit(opaque);
    return NULL;        /* not reached */
}

static void test_thread_exit(void)
{
    QemuThread t;
    int token;

    qemu_thread_create(&t, "exit", exit_early, &token, QEMU_THREAD_JOINABLE);
    g_assert(qemu_thread_join(&t) == &token);
}

typedef struct DetachData {
    QemuSemaphore done;
    int detach_state;
} DetachData;

static void *report_detach_state(void *opaque)
{
    DetachData *d = opaque;
    pthread_attr_t attr;

    g_assert_cmpint(pthread_getattr_np(pthread_self(), &attr), ==, 0);
    g_assert_cmpint(pthread_attr_getdetachstate(&attr, &d->detach_state),
                    ==, 0);
    pthread_attr_destroy(&attr);
    qemu_sem_post(&d->done);
    return NULL;
}

static void test_thread_detached(void)
{
    DetachData d;
    QemuThread t;
    int i;

    qemu_sem_init(&d.done, 0);

    /* Many of them: detached threads must free themselves on exit. */
    for (i = 0; i < 50; i++) {
        d.detach_state = -1;
        qemu_thread_create(&t, "detached", report_detach_state, &d,
                           QEMU_THREAD_DETACHED);
        g_assert_cmpint(qemu_sem_timedwait(&d.done, WATCHDOG_MS), ==, 0);
        g_assert_cmpint(d.detach_state, ==, PTHREAD_CREATE_DETACHED);
    }

    d.detach_state = -1;
    qemu_thread_create(&t, "joinable", report_detach_state, &d,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    g_assert_cmpint(d.detach_state, ==, PTHREAD_CREATE_JOINABLE);

    /*
     * The detached threads no longer touch the semaphore once our wait
     * has returned: qemu_sem_post() unlocked it before that.
     */
    qemu_sem_destroy(&d.done);
}

typedef struct SelfData {
    QemuThread *me;             /* the handle qemu_thread_create() filled */
    QemuThread *creator;
    QemuSemaphore go;
    bool is_self;
    bool creator_is_self;
    bool got_self_is_self;
    bool got_self_matches;
} SelfData;

static void *check_self(void *opaque)
{
    SelfData *d = opaque;
    QemuThread self;

    /* Wait until the creator's handle is filled in. */
    qemu_sem_wait(&d->go);
    d->is_self = qemu_thread_is_self(d->me);
    d->creator_is_self = qemu_thread_is_self(d->creator);
    qemu_thread_get_self(&self);
    d->got_self_is_self = qemu_thread_is_self(&self);
    d->got_self_matches = pthread_equal(self.thread, d->me->thread);
    return NULL;
}

static void test_thread_is_self(void)
{
    QemuThread main_thread, t;
    SelfData d = { .me = &t, .creator = &main_thread };

    qemu_thread_get_self(&main_thread);
    g_assert_true(qemu_thread_is_self(&main_thread));

    qemu_sem_init(&d.go, 0);
    qemu_thread_create(&t, "self", check_self, &d, QEMU_THREAD_JOINABLE);
    g_assert_false(qemu_thread_is_self(&t));
    qemu_sem_post(&d.go);
    qemu_thread_join(&t);

    g_assert_true(d.is_self);
    g_assert_false(d.creator_is_self);
    g_assert_true(d.got_self_is_self);
    g_assert_true(d.got_self_matches);
    qemu_sem_destroy(&d.go);
}

typedef struct MaskData {
    bool usr1_blocked;
    bool term_blocked;
} MaskData;

static void *report_sigmask(void *opaque)
{
    MaskData *d = opaque;
    sigset_t set;

    pthread_sigmask(SIG_BLOCK, NULL, &set);
    d->usr1_blocked = sigismember(&set, SIGUSR1);
    d->term_blocked = sigismember(&set, SIGTERM);
    return NULL;
}

/* New threads start with signals blocked; the creator's mask is kept. */
static void test_thread_sigmask(void)
{
    MaskData d = { false, false };
    QemuThread t;
    sigset_t before, after;

    pthread_sigmask(SIG_BLOCK, NULL, &before);
    g_assert_false(sigismember(&before, SIGUSR1));
    qemu_thread_create(&t, "sigmask", report_sigmask, &d,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    pthread_sigmask(SIG_BLOCK, NULL, &after);

    g_assert_true(d.usr1_blocked);
    g_assert_true(d.term_blocked);
    g_assert_false(sigismember(&after, SIGUSR1));
    g_assert_false(sigismember(&after, SIGTERM));
}

typedef struct NameData {
    QemuSemaphore started;
    QemuSemaphore release;
    int tid;
} NameData;

static void *name_thread(void *opaque)
{
    NameData *d = opaque;

    d->tid = qemu_get_thread_id();
    qemu_sem_post(&d->started);
    qemu_sem_wait(&d->release);
    return NULL;
}

static char *thread_comm(int tid)
{
    g_autofree char *path = g_strdup_printf("/proc/self/task/%d/comm", tid);
    char *contents = NULL;

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_strchomp(contents);
    return contents;
}

/* Start a thread called @name and return its comm as the kernel has it. */
static char *comm_of_new_thread(const char *name)
{
    NameData d;
    QemuThread t;
    char *comm;

    qemu_sem_init(&d.started, 0);
    qemu_sem_init(&d.release, 0);
    qemu_thread_create(&t, name, name_thread, &d, QEMU_THREAD_JOINABLE);
    g_assert_cmpint(qemu_sem_timedwait(&d.started, WATCHDOG_MS), ==, 0);
    g_assert_cmpint(d.tid, !=, qemu_get_thread_id());
    comm = thread_comm(d.tid);
    qemu_sem_post(&d.release);
    qemu_thread_join(&t);
    qemu_sem_destroy(&d.release);
    qemu_sem_destroy(&d.started);
    return comm;
}

static void test_thread_naming(void)
{
    const char *long_name = "a-thread-name-longer-than-fifteen";
    g_autofree char *main_comm = thread_comm(qemu_get_thread_id());
    g_autofree char *unnamed = NULL;
    g_autofree char *short_comm = NULL;
    g_autofree char *long_comm = NULL;

    g_assert_cmpint(qemu_get_thread_id(), ==, getpid());

    /* Off by default: the new thread keeps the creator's name. */
    unnamed = comm_of_new_thread("should-not-show");
    g_assert_cmpstr(unnamed, ==, main_comm);

    qemu_thread_naming(true);
    short_comm = comm_of_new_thread("worker-7");
    long_comm = comm_of_new_thread(long_name);
    qemu_thread_naming(false);

    g_assert_cmpstr(short_comm, ==, "worker-7");
    g_assert_cmpint(strlen(long_comm), ==, 15);
    g_assert_true(strncmp(long_comm, long_name, 15) == 0);

    /* Naming did not rename the creator. */
    g_free(unnamed);
    unnamed = thread_comm(qemu_get_thread_id());
    g_assert_cmpstr(unnamed, ==, main_comm);
}

/*
 * Lock guards
 */

static QemuMutex guard_lock;
static int guard_body_runs;

static void guard_setup(void)
{
    qemu_mutex_init(&guard_lock);
    guard_body_runs = 0;
}

static void guard_teardown(void)
{
    g_assert_false(mutex_is_held(&guard_lock));
    qemu_mutex_destroy(&guard_lock);
}

static int guarded_early_return(bool early)
{
    QEMU_LOCK_GUARD(&guard_lock);

    g_assert_true(mutex_is_held(&guard_lock));
    if (early) {
        return 1;
    }
    guard_body_runs++;
    return 2;
}

static void test_lock_guard_scope(void)
{
    guard_setup();

    {
        QEMU_LOCK_GUARD(&guard_lock);
        g_assert_true(mutex_is_held(&guard_lock));
    }
    g_assert_false(mutex_is_held(&guard_lock));

    g_assert_cmpint(guarded_early_return(true), ==, 1);
    g_assert_false(mutex_is_held(&guard_lock));
    g_assert_cmpint(guarded_early_return(false), ==, 2);
    g_assert_false(mutex_is_held(&guard_lock));
    g_assert_cmpint(guard_body_runs, ==, 1);

    guard_teardown();
}

static void test_lock_guard_loop(void)
{
    int i, iterations = 0;

    guard_setup();

    /* A guard in a loop body is dropped at every continue and break. */
    for (i = 0; i < 10; i++) {
        QEMU_LOCK_GUARD(&guard_lock);

        g_assert_true(mutex_is_held(&guard_lock));
        iterations++;
        if (i % 2) {
            continue;
        }
        if (i == 6) {
            break;
        }
    }
    g_assert_cmpint(iterations, ==, 7);

    guard_teardown();
}

static int with_guard_return(void)
{
    WITH_QEMU_LOCK_GUARD(&guard_lock) {
        g_assert_true(mutex_is_held(&guard_lock));
        return 42;
    }
    g_assert_not_reached();
}

static void test_with_lock_guard(void)
{
    int i;

    guard_setup();

    /* The body runs exactly once, with the lock held. */
    WITH_QEMU_LOCK_GUARD(&guard_lock) {
        g_assert_true(mutex_is_held(&guard_lock));
        guard_body_runs++;
    }
    g_assert_cmpint(guard_body_runs, ==, 1);
    g_assert_false(mutex_is_held(&guard_lock));

    /* break leaves the guarded block only, and unlocks. */
    for (i = 0; i < 3; i++) {
        WITH_QEMU_LOCK_GUARD(&guard_lock) {
            guard_body_runs++;
            break;
            g_assert_not_reached();
        }
        g_assert_false(mutex_is_held(&guard_lock));
    }
    g_assert_cmpint(guard_body_runs, ==, 4);

    /* return from inside the block. */
    g_assert_cmpint(with_guard_return(), ==, 42);
    g_assert_false(mutex_is_held(&guard_lock));

    /* goto out of the block. */
    WITH_QEMU_LOCK_GUARD(&guard_lock) {
        goto out;
    }
    g_assert_not_reached();
out:
    g_assert_false(mutex_is_held(&guard_lock));

    guard_teardown();
}

static void test_lock_guard_lockable(void)
{
    QemuMutex other;
    QemuLockable *l;

    guard_setup();
    qemu_mutex_init(&other);
    l = QEMU_MAKE_LOCKABLE(&other);

    /* Through a QemuLockable, and nested with a plain mutex guard. */
    WITH_QEMU_LOCK_GUARD(&guard_lock) {
        WITH_QEMU_LOCK_GUARD(l) {
            g_assert_true(mutex_is_held(&guard_lock));
            g_assert_true(mutex_is_held(&other));
        }
        g_assert_true(mutex_is_held(&guard_lock));
        g_assert_false(mutex_is_held(&other));
    }
    g_assert_false(mutex_is_held(&guard_lock));

    {
        QEMU_LOCK_GUARD(l);
        g_assert_true(mutex_is_held(&other));
    }
    g_assert_false(mutex_is_held(&other));

    qemu_mutex_destroy(&other);
    guard_teardown();
}

/*
 * Misuse aborts
 */

static void test_abort_unlock_unheld(void)
{
    if (g_test_subprocess()) {
        QemuMutex m;

        qemu_mutex_init(&m);
        qemu_mutex_unlock(&m);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_mutex_unlock*");
}

static void *unlock_thread(void *opaque)
{
    qemu_mutex_unlock(opaque);
    return NULL;
}

static void test_abort_unlock_other_owner(void)
{
    if (g_test_subprocess()) {
        QemuMutex m;
        QemuThread t;

        qemu_mutex_init(&m);
        qemu_mutex_lock(&m);
        qemu_thread_create(&t, "unlocker", unlock_thread, &m,
                           QEMU_THREAD_JOINABLE);
        qemu_thread_join(&t);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_mutex_unlock*");
}

static void test_abort_lock_uninit(void)
{
    if (g_test_subprocess()) {
        QemuMutex m;

        memset(&m, 0, sizeof(m));
        qemu_mutex_lock(&m);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_mutex_lock*");
}

static void test_abort_destroy_locked(void)
{
    if (g_test_subprocess()) {
        QemuMutex m;

        qemu_mutex_init(&m);
        qemu_mutex_lock(&m);
        qemu_mutex_destroy(&m);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_mutex_destroy*");
}

static void test_abort_cond_uninit(void)
{
    if (g_test_subprocess()) {
        QemuCond c;

        memset(&c, 0, sizeof(c));
        qemu_cond_signal(&c);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*qemu_cond_signal*");
}

int main(int argc, char **argv)
{
    struct sigaction act = { .sa_handler = alarm_fired };

    g_test_init(&argc, &argv, NULL);
    sigaction(SIGALRM, &act, NULL);

    g_test_add_func("/qemu-thread/mutex/lock-unlock", test_mutex_lock_unlock);
    g_test_add_func("/qemu-thread/mutex/trylock", test_mutex_trylock);
    g_test_add_func("/qemu-thread/mutex/contended", test_mutex_contended);
    g_test_add_func("/qemu-thread/cond/signal", test_cond_signal);
    g_test_add_func("/qemu-thread/cond/broadcast", test_cond_broadcast);
    g_test_add_func("/qemu-thread/cond/timedwait-timeout",
                    test_cond_timedwait_timeout);
    g_test_add_func("/qemu-thread/cond/timedwait-signalled",
                    test_cond_timedwait_signalled);
    g_test_add_func("/qemu-thread/sem/counts", test_sem_counts);
    g_test_add_func("/qemu-thread/sem/timedwait-timeout",
                    test_sem_timedwait_timeout);
    g_test_add_func("/qemu-thread/sem/timedwait-posted",
                    test_sem_timedwait_posted);
    g_test_add_func("/qemu-thread/sem/wait-many", test_sem_wait_many);
    g_test_add_func("/qemu-thread/sem/timedwait-race",
                    test_sem_timedwait_race);
    g_test_add_func("/qemu-thread/sem/timedwait-race-forced",
                    test_sem_timedwait_race_forced);
    g_test_add_func("/qemu-thread/thread/join", test_thread_join);
    g_test_add_func("/qemu-thread/thread/exit", test_thread_exit);
    g_test_add_func("/qemu-thread/thread/detached", test_thread_detached);
    g_test_add_func("/qemu-thread/thread/is-self", test_thread_is_self);
    g_test_add_func("/qemu-thread/thread/sigmask", test_thread_sigmask);
    g_test_add_func("/qemu-thread/thread/naming", test_thread_naming);
    g_test_add_func("/qemu-thread/lock-guard/scope", test_lock_guard_scope);
    g_test_add_func("/qemu-thread/lock-guard/loop", test_lock_guard_loop);
    g_test_add_func("/qemu-thread/lock-guard/with", test_with_lock_guard);
    g_test_add_func("/qemu-thread/lock-guard/lockable",
                    test_lock_guard_lockable);
    g_test_add_func("/qemu-thread/abort/unlock-unheld",
                    test_abort_unlock_unheld);
    g_test_add_func("/qemu-thread/abort/unlock-other-owner",
                    test_abort_unlock_other_owner);
    g_test_add_func("/qemu-thread/abort/lock-uninit", test_abort_lock_uninit);
    g_test_add_func("/qemu-thread/abort/destroy-locked",
                    test_abort_destroy_locked);
    g_test_add_func("/qemu-thread/abort/cond-uninit", test_abort_cond_uninit);

    return g_test_run();
}
