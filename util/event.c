/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuEvent: a binary event that many threads can wait on.
 *
 * The value is one of three states:
 *
 *   EV_SET   0   set; waiters return at once
 *   EV_FREE  1   reset, and nobody sleeps on it
 *   EV_BUSY -1   reset, and waiters may sleep on it (futex variant only)
 *
 * Transitions:
 *
 *   qemu_event_set():   FREE -> SET, BUSY -> SET (waking all), SET -> SET
 *   qemu_event_reset(): SET -> FREE; FREE and BUSY are left alone
 *   qemu_event_wait():  FREE -> BUSY before sleeping; returns on SET
 *
 * Only a waiter makes the event BUSY, so set issues the wake system call
 * only when somebody may be asleep.  Reset is an atomic OR with EV_FREE:
 * SET becomes FREE, FREE and BUSY stay, no concurrent set is undone.
 *
 * Without futexes (--disable-futex), waiters sleep on a condition
 * variable, transitions happen under ev->lock and BUSY is never used.
 */

#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "qemu/atomic.h"
#include "qemu/futex.h"

#define EV_SET         0
#define EV_FREE        1
#define EV_BUSY       -1

void qemu_event_init(QemuEvent *ev, bool init)
{
#ifndef HAVE_FUTEX
    pthread_mutex_init(&ev->lock, NULL);
    pthread_cond_init(&ev->cond, NULL);
#endif

    ev->value = (init ? EV_SET : EV_FREE);
    ev->initialized = true;
}

void qemu_event_destroy(QemuEvent *ev)
{
    assert(ev->initialized && "qemu_event_destroy on uninitialized event");
    ev->initialized = false;
#ifndef HAVE_FUTEX
    pthread_mutex_destroy(&ev->lock);
    pthread_cond_destroy(&ev->cond);
#endif
}

void qemu_event_set(QemuEvent *ev)
{
    assert(ev->initialized && "qemu_event_set on uninitialized event");

#ifdef HAVE_FUTEX
    /*
     * Order the caller's earlier stores before our load of ev->value, so
     * that a thread which resets the event and then checks for those
     * stores either sees them or gets woken.  Pairs with the barrier in
     * qemu_event_reset() and the load-acquire in qemu_event_wait().
     */
    smp_mb();
    if (qatomic_read(&ev->value) != EV_SET) {
        int old = qatomic_xchg(&ev->value, EV_SET);

        /*
         * Order the store of EV_SET before the wake-up; pairs with the
         * barrier inside the FUTEX_WAIT system call.
         */
        smp_mb__after_rmw();
        if (old == EV_BUSY) {
            qemu_futex_wake_all(ev);
        }
    }
#else
    pthread_mutex_lock(&ev->lock);
    /* Pairs with the load-acquire in qemu_event_wait(). */
    qatomic_store_release(&ev->value, EV_SET);
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->lock);
#endif
}

void qemu_event_reset(QemuEvent *ev)
{
    assert(ev->initialized && "qemu_event_reset on uninitialized event");

#ifdef HAVE_FUTEX
    /* SET -> FREE; a concurrent set or waiter is preserved (see above). */
    qatomic_or(&ev->value, EV_FREE);

    /*
     * Order the reset before the caller's checks of the condition the
     * event stands for.  Pairs with the first barrier in qemu_event_set().
     */
    smp_mb__after_rmw();
#else
    /*
     * Under the lock a reset cannot overwrite a concurrent set, and the
     * caller's later checks see everything the setter wrote before it.
     */
    pthread_mutex_lock(&ev->lock);
    if (qatomic_read(&ev->value) == EV_SET) {
        qatomic_set(&ev->value, EV_FREE);
    }
    pthread_mutex_unlock(&ev->lock);
#endif
}

void qemu_event_wait(QemuEvent *ev)
{
    assert(ev->initialized);

#ifdef HAVE_FUTEX
    while (true) {
        /*
         * qemu_event_wait must synchronize with qemu_event_set even if it does
         * not go down the slow path, so this load-acquire is needed that
         * synchronizes with the first memory barrier in qemu_event_set().
         */
        unsigned value = qatomic_load_acquire(&ev->value);
        if (value == EV_SET) {
            break;
        }

        if (value == EV_FREE) {
            /*
             * Announce a sleeper: FREE -> BUSY.  Only a set can race with
             * us here (nothing turns BUSY back into FREE), so one attempt
             * is enough: afterwards the event is BUSY or SET.  A failure
             * that found SET needs the same acquire as the load above,
             * which the sequentially consistent cmpxchg provides.
             */
            if (qatomic_cmpxchg(&ev->value, EV_FREE, EV_BUSY) == EV_SET) {
                break;
            }
        }

        /*
         * Sleep only while the event is still BUSY; the kernel compares
         * the value atomically with queueing us, so it is the last check
         * for a concurrent set and therefore it needs
         * a smp_mb() pairing with the second barrier of qemu_event_set().
         * The barrier is inside the FUTEX_WAIT system call.
         */
        qemu_futex_wait(ev, EV_BUSY);
    }
#else
    pthread_mutex_lock(&ev->lock);
    while (qatomic_read(&ev->value) != EV_SET) {
        pthread_cond_wait(&ev->cond, &ev->lock);
    }
    pthread_mutex_unlock(&ev->lock);
#endif
}
