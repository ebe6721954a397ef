/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest time for programs without an accelerator: host monotonic time,
 * which cannot be set.  A program (or test) that defines these functions
 * itself overrides the stubs, since they live in a static library.
 */

#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "system/cpus.h"

int64_t cpus_get_virtual_clock(void)
{
    return get_clock();
}

void cpus_set_virtual_clock(int64_t new_time)
{
    /* Nothing owns guest time here. */
}
