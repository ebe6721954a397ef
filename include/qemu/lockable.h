/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QemuLockable: any lock behind one lock/unlock interface, and scoped
 * guards on top of it.
 *
 *   QEMU_LOCK_GUARD(&mutex);            held until the end of the scope
 *   WITH_QEMU_LOCK_GUARD(&mutex) { }    held for the block only
 *
 * Leaving the scope by return, break or goto releases the lock.
 */

#ifndef QEMU_LOCKABLE_H
#define QEMU_LOCKABLE_H

#include "qemu/thread.h"

typedef void QemuLockUnlockFunc(void *);

typedef struct QemuLockable {
    void *object;
    QemuLockUnlockFunc *lock;
    QemuLockUnlockFunc *unlock;
} QemuLockable;

static inline void qemu_lockable_mutex_lock(void *opaque)
{
    qemu_mutex_lock(opaque);
}

static inline void qemu_lockable_mutex_unlock(void *opaque)
{
    qemu_mutex_unlock(opaque);
}

static inline QemuLockable *qemu_lockable_from_mutex(QemuLockable *l,
                                                     QemuMutex *mutex)
{
    l->object = mutex;
    l->lock = qemu_lockable_mutex_lock;
    l->unlock = qemu_lockable_mutex_unlock;
    return l;
}

static inline QemuLockable *qemu_lockable_from_lockable(QemuLockable *l,
                                                        QemuLockable *x)
{
    *l = *x;
    return l;
}

/*
 * QEMU_MAKE_LOCKABLE(x): a QemuLockable * for a QemuMutex * or a
 * QemuLockable *, chosen at compile time; anything else fails to build.
 * The result lives in a compound literal of the enclosing block.
 */
#define QEMU_MAKE_LOCKABLE(x)                                           \
    _Generic((x),                                                       \
             QemuMutex *: qemu_lockable_from_mutex,                     \
             QemuLockable *: qemu_lockable_from_lockable)(              \
        &(QemuLockable){ 0 }, (void *)(x))

static inline void qemu_lockable_lock(QemuLockable *x)
{
    x->lock(x->object);
}

static inline void qemu_lockable_unlock(QemuLockable *x)
{
    x->unlock(x->object);
}

static inline QemuLockable *qemu_lockable_auto_lock(QemuLockable *x)
{
    qemu_lockable_lock(x);
    return x;
}

static inline void qemu_lockable_auto_unlock(QemuLockable *x)
{
    if (x) {
        qemu_lockable_unlock(x);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuLockable, qemu_lockable_auto_unlock)

#define QEMU_LOCK_GUARD_NAME(n) glue(qemu_lockable_auto, n)

#define QEMU_LOCK_GUARD(x)                                              \
    g_autoptr(QemuLockable) QEMU_LOCK_GUARD_NAME(__COUNTER__)           \
        G_GNUC_UNUSED = qemu_lockable_auto_lock(QEMU_MAKE_LOCKABLE(x))

#define WITH_QEMU_LOCK_GUARD_(x, var)                                   \
    for (g_autoptr(QemuLockable) var =                                  \
             qemu_lockable_auto_lock(QEMU_MAKE_LOCKABLE(x));            \
         var;                                                           \
         qemu_lockable_auto_unlock(var), var = NULL)

#define WITH_QEMU_LOCK_GUARD(x) \
    WITH_QEMU_LOCK_GUARD_((x), QEMU_LOCK_GUARD_NAME(__COUNTER__))

#endif /* QEMU_LOCKABLE_H */
