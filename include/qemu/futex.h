/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thin wrappers around the host's "wait on an address" primitive.
 *
 * A futex lets a thread sleep until another thread changes a 32-bit word
 * and calls a wake function on its address.  QemuEvent and friends use
 * them for their slow path; their fast path is a plain atomic.
 *
 * HAVE_FUTEX is defined when the host has such a primitive:
 * - Linux: the futex(2) system call;
 * - Windows: WaitOnAddress()/WakeByAddress*();
 * elsewhere it is left undefined and callers fall back to a mutex and a
 * condition variable.
 *
 * qemu_futex_wait(f, val) returns immediately when *f != val and otherwise
 * sleeps until woken; like the underlying primitives it may also return
 * spuriously, so callers re-check their condition in a loop.
 *
 * Callers include qemu/osdep.h first, which provides CONFIG_LINUX.
 */



#ifndef QEMU_FUTEX_H
#define QEMU_FUTEX_H

#define HAVE_FUTEX

#ifdef CONFIG_LINUX
#include <sys/syscall.h>
#include <linux/futex.h>

#define qemu_futex(...)              syscall(__NR_futex, __VA_ARGS__)

static inline void qemu_futex_wake_all(void *f)
{
    qemu_futex(f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static inline void qemu_futex_wake_single(void *f)
{
    qemu_futex(f, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static inline void qemu_futex_wait(void *f, unsigned val)
{
    while (qemu_futex(f, FUTEX_WAIT, (int) val, NULL, NULL, 0)) {
        switch (errno) {
        case EWOULDBLOCK:
            return;
        case EINTR:
            break; /* get out of switch and retry */
        default:
            abort();
        }
    }
}
#elif defined(CONFIG_WIN32)
#include <synchapi.h>

static inline void qemu_futex_wake_all(void *f)
{
    WakeByAddressAll(f);
}

static inline void qemu_futex_wake_single(void *f)
{
    WakeByAddressSingle(f);
}

static inline void qemu_futex_wait(void *f, unsigned val)
{
    WaitOnAddress(f, &val, sizeof(val), INFINITE);
}
#else
#undef HAVE_FUTEX
#endif

#endif /* QEMU_FUTEX_H */
