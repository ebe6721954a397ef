/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerator's view of guest time.
 *
 * QEMU_CLOCK_VIRTUAL reads and writes go through these functions so that
 * an accelerator can own guest time: qtest steps it on command.  Without
 * an accelerator hook, guest time is host time that only runs while the
 * VM runs (cpu_get_clock).  Programs without an emulator (unit tests,
 * tools) link stubs/ where guest time is plain host monotonic time.
 */

#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

typedef struct AccelOpsClass {
    /* Guest time in ns; NULL: cpu_get_clock(). */
    int64_t (*get_virtual_clock)(void);
    /* Move guest time; NULL: guest time cannot be set. */
    void (*set_virtual_clock)(int64_t time);
} AccelOpsClass;

/* Called by the accelerator chosen at start-up. */
void cpus_register_accel(const AccelOpsClass *ops);

int64_t cpus_get_virtual_clock(void);
void cpus_set_virtual_clock(int64_t new_time);

/* Host time that stands still while the VM is stopped. */
int64_t cpu_get_clock(void);
void cpu_enable_ticks(void);
void cpu_disable_ticks(void);

#endif /* SYSTEM_CPUS_H */
