/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 64-bit atomic reads and writes for hosts whose compiler cannot do them
 * without a library call (include/qemu/atomic.h, !CONFIG_ATOMIC64).
 *
 * Every access takes one of a small array of locks, chosen by the
 * address, so two accesses to the same int64_t never interleave while
 * unrelated ones rarely contend.  Only reads and writes go through here:
 * nothing else may touch these variables non-atomically.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"

#include <pthread.h>

/* A power of two; accesses are 8-byte aligned, so drop the low bits. */
#define ATOMIC64_NR_LOCKS   16

static pthread_mutex_t atomic64_locks[ATOMIC64_NR_LOCKS] = {
    [0 ... ATOMIC64_NR_LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER,
};

static pthread_mutex_t *atomic64_lock(const void *ptr)
{
    uintptr_t i = ((uintptr_t)ptr >> 3) & (ATOMIC64_NR_LOCKS - 1);

    return &atomic64_locks[i];
}

int64_t qatomic_read_i64(const int64_t *ptr)
{
    pthread_mutex_t *lock = atomic64_lock(ptr);
    int64_t val;

    pthread_mutex_lock(lock);
    val = *ptr;
    pthread_mutex_unlock(lock);
    return val;
}

uint64_t qatomic_read_u64(const uint64_t *ptr)
{
    return qatomic_read_i64((const int64_t *)ptr);
}

void qatomic_set_i64(int64_t *ptr, int64_t val)
{
    pthread_mutex_t *lock = atomic64_lock(ptr);

    pthread_mutex_lock(lock);
    *ptr = val;
    pthread_mutex_unlock(lock);
}

void qatomic_set_u64(uint64_t *ptr, uint64_t val)
{
    qatomic_set_i64((int64_t *)ptr, val);
}
