/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Threads, mutexes, condition variables and semaphores on pthreads.
 *
 * Errors returned by pthreads here mean the caller broke the API contract
 * (unlocking a mutex it does not own, destroying a busy object...), so
 * they abort with the function name and the error, as in QEMU.
 */

#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "qemu/atomic.h"
#include <sys/syscall.h>

static bool name_threads;

void qemu_thread_naming(bool enable)
{
    name_threads = enable;
}

/*
 * Report a pthread error as a programming error and stop: the message
 * names the function that failed and the reason.
 */
static void error_exit(int err, const char *msg)
{
    fprintf(stderr, "qemu: %s: %s\n", msg, strerror(err));
    abort();
}

static inline clockid_t qemu_timedwait_clockid(void)
{
#ifdef CONFIG_PTHREAD_CONDATTR_SETCLOCK
    return CLOCK_MONOTONIC;
#else
    return CLOCK_REALTIME;
#endif
}

static void compute_abs_deadline(struct timespec *ts, int ms)
{
    clock_gettime(qemu_timedwait_clockid(), ts);
    ts->tv_nsec += (ms % 1000) * 1000000;
    ts->tv_sec += ms / 1000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

void qemu_mutex_init(QemuMutex *mutex)
{
    pthread_mutexattr_t attr;
    int err;

    /*
     * Error-checking mutexes make an unlock by a non-owner (or of an
     * unlocked mutex) fail with EPERM instead of corrupting the lock.
     */
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    err = pthread_mutex_init(&mutex->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (err) {
        error_exit(err, __func__);
    }
    mutex->initialized = true;
}

void qemu_mutex_destroy(QemuMutex *mutex)
{
    int err;

    assert(mutex->initialized && "qemu_mutex_destroy: not initialized");
    mutex->initialized = false;
    err = pthread_mutex_destroy(&mutex->lock);
    if (err) {
        error_exit(err, __func__);
    }
}

void qemu_mutex_lock(QemuMutex *mutex)
{
    int err;

    assert(mutex->initialized && "qemu_mutex_lock: not initialized");
    err = pthread_mutex_lock(&mutex->lock);
    if (err) {
        error_exit(err, __func__);
    }
}

int qemu_mutex_trylock(QemuMutex *mutex)
{
    int err;

    assert(mutex->initialized && "qemu_mutex_trylock: not initialized");
    err = pthread_mutex_trylock(&mutex->lock);
    if (err == 0) {
        return 0;
    }
    if (err != EBUSY) {
        error_exit(err, __func__);
    }
    return -EBUSY;
}

void qemu_mutex_unlock(QemuMutex *mutex)
{
    int err;

    assert(mutex->initialized && "qemu_mutex_unlock: not initialized");
    err = pthread_mutex_unlock(&mutex->lock);
    if (err) {
        error_exit(err, __func__);
    }
}

void qemu_cond_init(QemuCond *cond)
{
    pthread_condattr_t attr;
    int err;

    err = pthread_condattr_init(&attr);
    if (err) {
        error_exit(err, __func__);
    }
#ifdef CONFIG_PTHREAD_CONDATTR_SETCLOCK
    err = pthread_condattr_setclock(&attr, qemu_timedwait_clockid());
    if (err) {
        error_exit(err, __func__);
    }
#endif
    err = pthread_cond_init(&cond->cond, &attr);
    if (err) {
        error_exit(err, __func__);
    }
    pthread_condattr_destroy(&attr);
    cond->initialized = true;
}

void qemu_cond_destroy(QemuCond *cond)
{
    int err;

    assert(cond->initialized && "qemu_cond_destroy: not initialized");
    cond->initialized = false;
    err = pthread_cond_destroy(&cond->cond);
    if (err) {
        error_exit(err, __func__);
    }
}

void qemu_cond_signal(QemuCond *cond)
{
    int err;

    assert(cond->initialized && "qemu_cond_signal: not initialized");
    err = pthread_cond_signal(&cond->cond);
    if (err) {
        error_exit(err, __func__);
    }
}

void qemu_cond_broadcast(QemuCond *cond)
{
    int err;

    assert(cond->initialized && "qemu_cond_broadcast: not initialized");
    err = pthread_cond_broadcast(&cond->cond);
    if (err) {
        error_exit(err, __func__);
    }
}

void qemu_cond_wait(QemuCond *cond, QemuMutex *mutex)
{
    int err;

    assert(cond->initialized && "qemu_cond_wait: not initialized");
    err = pthread_cond_wait(&cond->cond, &mutex->lock);
    if (err) {
        error_exit(err, __func__);
    }
}

bool qemu_cond_timedwait(QemuCond *cond, QemuMutex *mutex, int ms)
{
    struct timespec ts;
    int err;

    assert(cond->initialized && "qemu_cond_timedwait: not initialized");
    compute_abs_deadline(&ts, ms);
    err = pthread_cond_timedwait(&cond->cond, &mutex->lock, &ts);
    if (err && err != ETIMEDOUT) {
        error_exit(err, __func__);
    }
    return err != ETIMEDOUT;
}

/*
 * Semaphores are a count under a mutex, with a condition variable for
 * waiters; unlike sem_t this gets CLOCK_MONOTONIC timed waits.
 */
void qemu_sem_init(QemuSemaphore *sem, int init)
{
    assert(init >= 0);
    qemu_mutex_init(&sem->mutex);
    qemu_cond_init(&sem->cond);
    sem->count = init;
}

void qemu_sem_destroy(QemuSemaphore *sem)
{
    qemu_cond_destroy(&sem->cond);
    qemu_mutex_destroy(&sem->mutex);
}

void qemu_sem_post(QemuSemaphore *sem)
{
    qemu_mutex_lock(&sem->mutex);
    if (sem->count == UINT_MAX) {
        error_exit(EINVAL, __func__);
    }
    sem->count++;
    qemu_cond_signal(&sem->cond);
    qemu_mutex_unlock(&sem->mutex);
}

int qemu_sem_timedwait(QemuSemaphore *sem, int ms)
{
    struct timespec ts;
    int err = 0;

    compute_abs_deadline(&ts, ms);
    qemu_mutex_lock(&sem->mutex);
    while (sem->count == 0) {
        err = pthread_cond_timedwait(&sem->cond.cond, &sem->mutex.lock, &ts);
        if (err == ETIMEDOUT) {
            break;
        }
        if (err) {
            error_exit(err, __func__);
        }
    }
    if (sem->count > 0) {
        /* A post that raced with the timeout still counts. */
        sem->count--;
        err = 0;
    }
    qemu_mutex_unlock(&sem->mutex);
    return err ? -1 : 0;
}

void qemu_sem_wait(QemuSemaphore *sem)
{
    qemu_mutex_lock(&sem->mutex);
    while (sem->count == 0) {
        qemu_cond_wait(&sem->cond, &sem->mutex);
    }
    sem->count--;
    qemu_mutex_unlock(&sem->mutex);
}

typedef struct QemuThreadArgs {
    void *(*start_routine)(void *);
    void *arg;
    char *name;
} QemuThreadArgs;

static void *qemu_thread_start(void *args)
{
    QemuThreadArgs *qemu_thread_args = args;
    void *(*start_routine)(void *) = qemu_thread_args->start_routine;
    void *arg = qemu_thread_args->arg;

    /* Linux limits thread names to 15 characters plus the NUL. */
    if (name_threads && qemu_thread_args->name) {
        char name[16];

        g_strlcpy(name, qemu_thread_args->name, sizeof(name));
        pthread_setname_np(pthread_self(), name);
    }
    g_free(qemu_thread_args->name);
    g_free(qemu_thread_args);
    return start_routine(arg);
}

void qemu_thread_create(QemuThread *thread, const char *name,
                        void *(*start_routine)(void *),
                        void *arg, int mode)
{
    sigset_t set, oldset;
    QemuThreadArgs *qemu_thread_args;
    pthread_attr_t attr;
    int err;

    err = pthread_attr_init(&attr);
    if (err) {
        error_exit(err, __func__);
    }
    if (mode == QEMU_THREAD_DETACHED) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    }

    /*
     * Start with every signal blocked: asynchronous signals are for the
     * main thread, and a new thread unblocks what it wants itself.
     */
    sigfillset(&set);
    pthread_sigmask(SIG_SETMASK, &set, &oldset);

    qemu_thread_args = g_new0(QemuThreadArgs, 1);
    qemu_thread_args->name = g_strdup(name);
    qemu_thread_args->start_routine = start_routine;
    qemu_thread_args->arg = arg;

    err = pthread_create(&thread->thread, &attr,
                         qemu_thread_start, qemu_thread_args);
    if (err) {
        error_exit(err, __func__);
    }

    pthread_sigmask(SIG_SETMASK, &oldset, NULL);
    pthread_attr_destroy(&attr);
}

void qemu_thread_get_self(QemuThread *thread)
{
    thread->thread = pthread_self();
}

bool qemu_thread_is_self(QemuThread *thread)
{
    return pthread_equal(pthread_self(), thread->thread);
}

void qemu_thread_exit(void *retval)
{
    pthread_exit(retval);
}

void *qemu_thread_join(QemuThread *thread)
{
    int err;
    void *ret;

    err = pthread_join(thread->thread, &ret);
    if (err) {
        error_exit(err, __func__);
    }
    return ret;
}

int qemu_get_thread_id(void)
{
    return syscall(SYS_gettid);
}
