/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POSIX (pthread) representation of QEMU's thread primitives.
 *
 * Included by qemu/thread.h only; use the qemu_* API, not these fields.
 * "initialized" flags let the API assert on objects never initialised.
 */

#ifndef QEMU_THREAD_POSIX_H
#define QEMU_THREAD_POSIX_H

#include <pthread.h>
#include <semaphore.h>

struct QemuMutex {
    pthread_mutex_t lock;
    bool initialized;
};

struct QemuCond {
    pthread_cond_t cond;
    bool initialized;
};

struct QemuSemaphore {
    QemuMutex mutex;
    QemuCond cond;
    unsigned int count;
};

/*
 * QemuEvent is defined in qemu/thread.h: its layout depends on HAVE_FUTEX.
 */

struct QemuThread {
    pthread_t thread;
};

#endif
