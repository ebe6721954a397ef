/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Atomic operations and memory barriers, with QEMU's names and meaning.
 *
 * - qatomic_read()/qatomic_set() are relaxed: they only forbid tearing and
 *   let the compiler neither cache nor invent accesses.
 * - qatomic_load_acquire()/qatomic_store_release() order like C11's
 *   acquire/release.
 * - Read-modify-write operations (qatomic_xchg, qatomic_cmpxchg,
 *   qatomic_fetch_*, qatomic_inc ...) are sequentially consistent.
 * - smp_mb() is a full barrier, smp_wmb()/smp_rmb() order stores/loads,
 *   smp_mb_acquire()/smp_mb_release() are one-sided fences.
 * - smp_mb__before_rmw()/smp_mb__after_rmw() upgrade a neighbouring RMW to
 *   a full barrier; on x86 the locked instruction already is one.
 * - qatomic_set_mb() is a store followed by a full barrier: no later load
 *   or store is done before it is visible to all threads.
 * - qatomic_read_i64()/qatomic_set_i64() (and _u64) are relaxed 64-bit
 *   accesses that never tear, even where int64_t is wider than a pointer.
 */

#ifndef QEMU_ATOMIC_H
#define QEMU_ATOMIC_H

/* Compiler barrier: no memory access is moved across it by the compiler. */
#define barrier()   ({ asm volatile("" ::: "memory"); (void)0; })

/*
 * Accesses wider than a pointer are not atomic on every host; refuse them
 * at build time, as QEMU does.
 */
#define ATOMIC_REG_SIZE sizeof(void *)
#define qatomic_check_size(ptr) \
    QEMU_BUILD_BUG_ON_ZERO(sizeof(*(ptr)) > ATOMIC_REG_SIZE)

#define qatomic_read__nocheck(ptr)  __atomic_load_n(ptr, __ATOMIC_RELAXED)
#define qatomic_read(ptr)                                       \
    ((void)qatomic_check_size(ptr), qatomic_read__nocheck(ptr))

#define qatomic_set__nocheck(ptr, i) \
    __atomic_store_n(ptr, i, __ATOMIC_RELAXED)
#define qatomic_set(ptr, i)                                     \
    do {                                                        \
        (void)qatomic_check_size(ptr);                          \
        qatomic_set__nocheck(ptr, i);                           \
    } while (0)

#define qatomic_load_acquire(ptr)                               \
    ((void)qatomic_check_size(ptr),                             \
     __atomic_load_n(ptr, __ATOMIC_ACQUIRE))

#define qatomic_store_release(ptr, i)                           \
    do {                                                        \
        (void)qatomic_check_size(ptr);                          \
        __atomic_store_n(ptr, i, __ATOMIC_RELEASE);             \
    } while (0)

/*
 * RCU publication: a reader that loads a pointer with qatomic_rcu_read()
 * sees the pointee initialised by the writer before qatomic_rcu_set().
 * Acquire is stronger than the dependency ordering actually needed but
 * costs nothing on x86.
 */
#define qatomic_rcu_read(ptr)       qatomic_load_acquire(ptr)
#define qatomic_rcu_set(ptr, i)     qatomic_store_release(ptr, i)

#define qatomic_xchg(ptr, i)                                    \
    ((void)qatomic_check_size(ptr),                             \
     __atomic_exchange_n(ptr, i, __ATOMIC_SEQ_CST))

/* Returns the old value; the store happened iff it equals @old. */
#define qatomic_cmpxchg(ptr, old, new)                          \
    ({                                                          \
        (void)qatomic_check_size(ptr);                          \
        typeof(*(ptr)) _old = (old);                            \
        (void)__atomic_compare_exchange_n(ptr, &_old, new, false, \
                                          __ATOMIC_SEQ_CST,     \
                                          __ATOMIC_SEQ_CST);    \
        _old;                                                   \
    })

#define qatomic_fetch_add(ptr, n) __atomic_fetch_add(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_sub(ptr, n) __atomic_fetch_sub(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_and(ptr, n) __atomic_fetch_and(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_or(ptr, n)  __atomic_fetch_or(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_xor(ptr, n) __atomic_fetch_xor(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_fetch_inc(ptr)    qatomic_fetch_add(ptr, 1)
#define qatomic_fetch_dec(ptr)    qatomic_fetch_sub(ptr, 1)

#define qatomic_add_fetch(ptr, n) __atomic_add_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_sub_fetch(ptr, n) __atomic_sub_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_and_fetch(ptr, n) __atomic_and_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_or_fetch(ptr, n)  __atomic_or_fetch(ptr, n, __ATOMIC_SEQ_CST)
#define qatomic_inc_fetch(ptr)    qatomic_add_fetch(ptr, 1)
#define qatomic_dec_fetch(ptr)    qatomic_sub_fetch(ptr, 1)

/* Same operations when the result is not needed. */
#define qatomic_add(ptr, n)       ((void)qatomic_fetch_add(ptr, n))
#define qatomic_sub(ptr, n)       ((void)qatomic_fetch_sub(ptr, n))
#define qatomic_and(ptr, n)       ((void)qatomic_fetch_and(ptr, n))
#define qatomic_or(ptr, n)        ((void)qatomic_fetch_or(ptr, n))
#define qatomic_xor(ptr, n)       ((void)qatomic_fetch_xor(ptr, n))
#define qatomic_inc(ptr)          ((void)qatomic_fetch_inc(ptr))
#define qatomic_dec(ptr)          ((void)qatomic_fetch_dec(ptr))

#define smp_mb() \
    ({ barrier(); __atomic_thread_fence(__ATOMIC_SEQ_CST); })
#define smp_mb_release() \
    ({ barrier(); __atomic_thread_fence(__ATOMIC_RELEASE); })
#define smp_mb_acquire() \
    ({ barrier(); __atomic_thread_fence(__ATOMIC_ACQUIRE); })
#define smp_wmb()           smp_mb_release()
#define smp_rmb()           smp_mb_acquire()

#if defined(__x86_64__) || defined(__i386__)
/* Locked instructions are full barriers on x86. */
#define smp_mb__before_rmw() barrier()
#define smp_mb__after_rmw()  barrier()
#else
#define smp_mb__before_rmw() smp_mb()
#define smp_mb__after_rmw()  smp_mb()
#endif

/*
 * Store, then a full barrier (QEMU's qatomic_set_mb): the store is visible
 * before any later load, the ordering that Dekker-style handshakes need
 * ("I set my flag, then I look at yours").  On x86 an xchg is a store and
 * a full barrier in one instruction, cheaper than mov + mfence.
 */
#if defined(__x86_64__) || defined(__i386__)
#define qatomic_set_mb(ptr, i) \
    ({ (void)qatomic_xchg(ptr, i); smp_mb__after_rmw(); })
#else
#define qatomic_set_mb(ptr, i) \
    ({ qatomic_set(ptr, i); smp_mb(); })
#endif

/*
 * 64-bit relaxed accesses that never tear.  qatomic_read()/qatomic_set()
 * refuse types wider than a pointer; these take int64_t/uint64_t on every
 * host.  Where the compiler does 64-bit atomics without a library call
 * (CONFIG_ATOMIC64: every 64-bit host, and i386 with cmpxchg8b) they are
 * the plain relaxed atomics; elsewhere util/atomic64.c serialises them
 * with a lock per address, as QEMU does.  QEMU_ATOMIC64_LOCKED forces the
 * locked version so that it is tested on hosts that do not need it
 * (tests/unit/meson.build).
 */
#if defined(CONFIG_ATOMIC64) && !defined(QEMU_ATOMIC64_LOCKED)
static inline int64_t qatomic_read_i64(const int64_t *ptr)
{
    /* __nocheck: a pointer may be narrower than 64 bits */
    return qatomic_read__nocheck(ptr);
}

static inline uint64_t qatomic_read_u64(const uint64_t *ptr)
{
    return qatomic_read__nocheck(ptr);
}

static inline void qatomic_set_i64(int64_t *ptr, int64_t val)
{
    qatomic_set__nocheck(ptr, val);
}

static inline void qatomic_set_u64(uint64_t *ptr, uint64_t val)
{
    qatomic_set__nocheck(ptr, val);
}
#else
int64_t qatomic_read_i64(const int64_t *ptr);
uint64_t qatomic_read_u64(const uint64_t *ptr);
void qatomic_set_i64(int64_t *ptr, int64_t val);
void qatomic_set_u64(uint64_t *ptr, uint64_t val);
#endif

#endif /* QEMU_ATOMIC_H */
