/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct boot of a multiboot (version 1) kernel: -kernel FILE -append ARGS.
 * See hw/i386/multiboot.c.
 */

#ifndef HW_I386_MULTIBOOT_H
#define HW_I386_MULTIBOOT_H

#include "hw/boards.h"

/*
 * Check and load @ms->kernel_filename for a machine whose RAM below
 * 4 GiB ends at @below_4g; false with @errp set when the file is missing,
 * is not a multiboot kernel, or does not fit.  Nothing reaches guest RAM
 * before multiboot_reset().
 */
bool multiboot_load(MachineState *ms, uint64_t below_4g, Error **errp);

/*
 * At every system reset, after the CPUs reset: copy the kernel and the
 * boot information into RAM again and put the bootstrap processor at the
 * kernel's entry, as a multiboot loader leaves it.  Does nothing without
 * a kernel.
 */
void multiboot_reset(MachineState *ms);

#endif /* HW_I386_MULTIBOOT_H */
