/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerator's view of guest time.
 *
 * QEMU_CLOCK_VIRTUAL reads and writes go through these two functions so
 * that an accelerator can own guest time: qtest steps it on command.
 * Programs without an accelerator (unit tests, tools) link stubs/ where
 * guest time is host monotonic time and cannot be set.
 */

#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

int64_t cpus_get_virtual_clock(void);
void cpus_set_virtual_clock(int64_t new_time);

#endif /* SYSTEM_CPUS_H */
