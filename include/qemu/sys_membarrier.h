/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asymmetric memory barriers.
 *
 * RCU readers execute smp_mb_placeholder() on every rcu_read_unlock(), the
 * RCU writer executes smp_mb_global() once per grace-period step.  The pair
 * behaves as if both were smp_mb().  With CONFIG_MEMBARRIER and a kernel
 * that supports MEMBARRIER_CMD_PRIVATE_EXPEDITED, the placeholder is only a
 * compiler barrier and smp_mb_global() asks the kernel to run a full
 * barrier on every CPU running one of our threads, moving the cost from
 * the frequent side to the rare one.  Otherwise both are smp_mb().
 */

#ifndef QEMU_SYS_MEMBARRIER_H
#define QEMU_SYS_MEMBARRIER_H

#include "qemu/atomic.h"

#ifdef CONFIG_MEMBARRIER
extern bool have_sys_membarrier;

static inline void smp_mb_placeholder(void)
{
    if (likely(have_sys_membarrier)) {
        barrier();
    } else {
        smp_mb();
    }
}

void smp_mb_global(void);
void smp_mb_global_init(void);
#else
#define smp_mb_placeholder()    smp_mb()
#define smp_mb_global()         smp_mb()
#define smp_mb_global_init()    do { } while (0)
#endif

#endif /* QEMU_SYS_MEMBARRIER_H */
