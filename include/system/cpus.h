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

typedef struct CPUState CPUState;

/*
 * What an accelerator does for the vCPU management below.  All optional:
 * qtest runs no guest code and has no vCPU threads.
 */
typedef struct AccelOpsClass {
    /* Start (or join) the thread that runs @cpu; it sets cpu->created. */
    void (*create_vcpu_thread)(CPUState *cpu);
    /* Get @cpu out of guest code after cpu_exit() (a signal, a flag). */
    void (*kick_vcpu_thread)(CPUState *cpu);
    /* Guest time in ns; NULL: cpu_get_clock(). */
    int64_t (*get_virtual_clock)(void);
    /* Move guest time; NULL: guest time cannot be set. */
    void (*set_virtual_clock)(int64_t time);
} AccelOpsClass;

/* Called by the accelerator chosen at start-up. */
void cpus_register_accel(const AccelOpsClass *ops);

int64_t cpus_get_virtual_clock(void);
void cpus_set_virtual_clock(int64_t new_time);

/*
 * vCPU management, QEMU's system/cpus.c.  Unless said otherwise these are
 * called with the BQL held.
 */

/* Start @cpu's thread and wait until it runs (from the CPU's realize). */
void qemu_init_vcpu(CPUState *cpu);
/* Wake @cpu's thread and make it leave guest code (any thread). */
void qemu_cpu_kick(CPUState *cpu);
bool qemu_cpu_is_self(CPUState *cpu);
/* Whether @cpu may run guest code now: not stopped, VM running. */
bool cpu_can_run(CPUState *cpu);
bool cpu_is_stopped(CPUState *cpu);
/* Whether @cpu's thread has nothing to do (stopped or halted). */
bool cpu_thread_is_idle(CPUState *cpu);
/* Stop every vCPU and wait until each has left guest code. */
void pause_all_vcpus(void);
void resume_all_vcpus(void);
bool all_vcpus_paused(void);
/* Stop the vCPU the caller runs on, if any (any thread, no wait). */
void cpu_stop_current(void);
/*
 * For vCPU threads: with the BQL, handle a stop request for @cpu (set
 * @stopped, wake pause_all_vcpus()).
 */
void qemu_process_cpu_events_common(CPUState *cpu);
/* For vCPU threads: @cpu's thread is up; wake qemu_init_vcpu(). */
void cpu_thread_signal_created(CPUState *cpu);
/* The condition pause_all_vcpus() waits on; vCPU threads broadcast it. */
void qemu_cpu_signal_paused(void);

/* Host time that stands still while the VM is stopped. */
int64_t cpu_get_clock(void);
void cpu_enable_ticks(void);
void cpu_disable_ticks(void);

#endif /* SYSTEM_CPUS_H */
