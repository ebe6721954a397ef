/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Threads and synchronisation primitives.
 *
 * QemuMutex, QemuCond, QemuSemaphore and QemuThread wrap pthreads;
 * QemuEvent is QEMU's own binary event with a futex fast path (util/event.c).
 *
 * Misuse is a programming error, so it aborts with a message rather than
 * returning an error: using an object that was never initialised, unlocking
 * a mutex the caller does not hold, destroying a locked mutex.
 */

#ifndef QEMU_THREAD_H
#define QEMU_THREAD_H

#include "qemu/atomic.h"
#include "qemu/futex.h"

/*
 * --disable-futex (no CONFIG_FUTEX) builds QemuEvent on a mutex and a
 * condition variable even where futexes exist, so that variant can be
 * built and tested on Linux too.  futex.h has an include guard, so this
 * decision holds for every later include of it.
 */
#ifndef CONFIG_FUTEX
#undef HAVE_FUTEX
#endif

typedef struct QemuCond QemuCond;
typedef struct QemuSemaphore QemuSemaphore;
typedef struct QemuEvent QemuEvent;
typedef struct QemuThread QemuThread;
typedef struct QemuMutex QemuMutex;

#include "qemu/thread-posix.h"

/*
 * A binary event: set, reset and wait.  The value is one of EV_SET,
 * EV_FREE or EV_BUSY (see util/event.c for the state machine).  Without
 * futexes, waiters sleep on a condition variable instead.
 */
struct QemuEvent {
#ifndef HAVE_FUTEX
    pthread_mutex_t lock;
    pthread_cond_t cond;
#endif
    unsigned value;
    bool initialized;
};

#define QEMU_THREAD_JOINABLE 0
#define QEMU_THREAD_DETACHED 1

/*
 * Mutexes.  qemu_mutex_trylock() returns 0 when it took the lock and
 * -EBUSY when another thread holds it.  Mutexes are error-checking: a
 * thread unlocking a mutex it does not hold aborts.
 */
void qemu_mutex_init(QemuMutex *mutex);
void qemu_mutex_destroy(QemuMutex *mutex);
void qemu_mutex_lock(QemuMutex *mutex);
int qemu_mutex_trylock(QemuMutex *mutex);
void qemu_mutex_unlock(QemuMutex *mutex);

/*
 * Condition variables, measured against CLOCK_MONOTONIC where the host
 * allows it so that timed waits do not jump with the wall clock.
 * qemu_cond_timedwait() returns false when @ms milliseconds passed without
 * a signal; like qemu_cond_wait() it may wake spuriously, so callers
 * re-check their predicate.
 */
void qemu_cond_init(QemuCond *cond);
void qemu_cond_destroy(QemuCond *cond);
void qemu_cond_signal(QemuCond *cond);
void qemu_cond_broadcast(QemuCond *cond);
void qemu_cond_wait(QemuCond *cond, QemuMutex *mutex);
bool qemu_cond_timedwait(QemuCond *cond, QemuMutex *mutex, int ms);

/*
 * Counting semaphores.  qemu_sem_timedwait() returns 0 when it took a
 * count and -1 when @ms milliseconds passed first.
 */
void qemu_sem_init(QemuSemaphore *sem, int init);
void qemu_sem_post(QemuSemaphore *sem);
void qemu_sem_wait(QemuSemaphore *sem);
int qemu_sem_timedwait(QemuSemaphore *sem, int ms);
void qemu_sem_destroy(QemuSemaphore *sem);

/*
 * Events.  qemu_event_set() wakes every waiter and leaves the event set
 * until qemu_event_reset(); qemu_event_wait() returns at once on a set
 * event.  A set synchronizes with the waits it ends: memory written
 * before qemu_event_set() is visible after qemu_event_wait() returns.
 */
void qemu_event_init(QemuEvent *ev, bool init);
void qemu_event_set(QemuEvent *ev);
void qemu_event_reset(QemuEvent *ev);
void qemu_event_wait(QemuEvent *ev);
void qemu_event_destroy(QemuEvent *ev);

void qemu_thread_create(QemuThread *thread, const char *name,
                        void *(*start_routine)(void *),
                        void *arg, int mode);
void *qemu_thread_join(QemuThread *thread);
void qemu_thread_get_self(QemuThread *thread);
bool qemu_thread_is_self(QemuThread *thread);
G_NORETURN void qemu_thread_exit(void *retval);

/*
 * Name threads after the "name" given to qemu_thread_create() (visible in
 * top, gdb and /proc/PID/task/TID/comm).  Off by default, as in QEMU;
 * -name debug-threads=on turns it on in the emulator.
 */
void qemu_thread_naming(bool enable);

/* The kernel's id of the calling thread, as shown by ps -L and gettid(). */
int qemu_get_thread_id(void);

#endif /* QEMU_THREAD_H */
