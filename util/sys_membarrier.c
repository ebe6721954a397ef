/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process-wide memory barrier through membarrier(2).
 *
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED interrupts every CPU currently running
 * a thread of this process and makes it execute a full barrier; threads
 * that are not running pass through a barrier anyway when they are next
 * scheduled.  The command needs a one-time registration; if the kernel
 * refuses either, have_sys_membarrier stays false and both sides of the
 * pair fall back to smp_mb().
 */

#include "qemu/osdep.h"
#include "qemu/sys_membarrier.h"
#include <sys/syscall.h>
#include <linux/membarrier.h>

bool have_sys_membarrier;

static int membarrier(int cmd)
{
    return syscall(__NR_membarrier, cmd, 0, 0);
}

void smp_mb_global(void)
{
    if (likely(have_sys_membarrier)) {
        if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) {
            return;
        }
        /* Cannot fail once registered; never silently lose the barrier. */
        abort();
    }
    smp_mb();
}

void smp_mb_global_init(void)
{
    int cmds = membarrier(MEMBARRIER_CMD_QUERY);

    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
        return;
    }
    if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
        have_sys_membarrier = true;
    }
}
