/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Single-threaded round-robin tcg (-accel tcg,thread=single): one thread
 * runs every vCPU in turn, as QEMU's rr_cpu_thread_fn() does.  unicorn's
 * LOCK-prefixed instructions are not atomic between engines that share
 * RAM, so vCPUs must never run in parallel.
 *
 * The thread's loop, with the BQL held except while guest code runs:
 *
 *   1. clear every vCPU's exit_request, then handle stop requests
 *      (stop -> stopped, wake pause_all_vcpus());
 *   2. if no vCPU can run (stopped, halted, VM not running), sleep on
 *      the shared halt condition until kicked, and go to 1;
 *   3. otherwise give each runnable vCPU one slice (tcg_cpu_exec(): the
 *      BQL dropped, rcu_read_lock() held for the whole slice), acting on
 *      how it ended (HLT, reset, error), and go to 1.
 *
 * Step 1 runs under the BQL, and every stop request and memory map
 * change is made under the BQL and followed by a kick, so none can slip
 * between clearing exit_request and running: it sets exit_request again
 * after step 1, and the slice stops at its first block boundary.
 *
 * A slice ends only on a kick (or HLT or an error).  Kicks come from
 * pause_all_vcpus(), memory map changes (tcg-memory.c), the round-robin
 * timer (every 100 ms of guest time, with more than one vCPU), and from
 * RCU: the thread registers a force_rcu notifier, so that a writer that
 * forces a grace period gets the vCPU out of its critical section at
 * once instead of at the end of the slice.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/notify.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "tcg-internal.h"

#define TCG_KICK_PERIOD (NANOSECONDS_PER_SECOND / 10)

static QemuThread *single_tcg_cpu_thread;
static QemuCond *single_tcg_halt_cond;
static QEMUTimer *rr_kick_vcpu_timer;
/* The vCPU whose slice is running, for kicks from other threads. */
static CPUState *rr_current_cpu;

static void rr_kick_next_cpu(void)
{
    CPUState *cpu = qatomic_read(&rr_current_cpu);

    if (cpu) {
        cpu_exit(cpu);
    }
}

void rr_kick_vcpu_thread(CPUState *cpu)
{
    cpu_exit(cpu);
    rr_kick_next_cpu();
}

static void rr_kick_thread(void *opaque)
{
    timer_mod(rr_kick_vcpu_timer,
              qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + TCG_KICK_PERIOD);
    rr_kick_next_cpu();
}

/*
 * Runs in the thread that forces a grace period, with the RCU registry
 * locked: only set flags.
 */
static void rr_force_rcu(Notifier *notify, void *data)
{
    rr_kick_next_cpu();
}

static bool rr_all_cpu_threads_idle(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (!cpu_thread_is_idle(cpu)) {
            return false;
        }
    }
    return true;
}

/* Step 1 of the loop. */
static void rr_process_events(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        qatomic_set(&cpu->exit_request, 0);
    }
    /* Clear before looking at what the kicks asked for. */
    smp_mb();
    CPU_FOREACH(cpu) {
        qemu_process_cpu_events_common(cpu);
    }
}

static void rr_handle_exit(CPUState *cpu, TCGExit r)
{
    switch (r) {
    case TCG_EXIT_KICKED:
        break;
    case TCG_EXIT_HALTED:
        /* No interrupts here: only a reset wakes it. */
        cpu->halted = true;
        break;
    case TCG_EXIT_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case TCG_EXIT_ERROR:
        cpu->stop = true;
        qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
        break;
    }
}

static void *rr_cpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;
    Notifier force_rcu = { .notify = rr_force_rcu };
    Error *err = NULL;

    rcu_register_thread();
    rcu_add_force_rcu_notifier(&force_rcu);
    bql_lock();
    cpu->thread_id = qemu_get_thread_id();
    if (!tcg_cpu_init(cpu, &err)) {
        error_report_err(err);
        exit(1);
    }
    cpu_thread_signal_created(cpu);

    for (;;) {
        rr_process_events();
        if (rr_all_cpu_threads_idle()) {
            qemu_cond_wait_bql(single_tcg_halt_cond);
            continue;
        }
        CPU_FOREACH(cpu) {
            TCGExit r;

            if (!cpu_can_run(cpu) || cpu->halted) {
                continue;
            }
            if (!cpu->accel && !tcg_cpu_init(cpu, &err)) {
                error_report_err(err);
                exit(1);
            }
            current_cpu = cpu;
            qatomic_set(&rr_current_cpu, cpu);
            bql_unlock();
            r = tcg_cpu_exec(cpu);
            bql_lock();
            qatomic_set(&rr_current_cpu, NULL);
            /*
             * Still current: a reset request stops this vCPU
             * (cpu_stop_current()), so with -no-reboot it runs no further
             * guest code before the main loop shuts down.
             */
            rr_handle_exit(cpu, r);
            current_cpu = NULL;
        }
    }
    return NULL;
}

void rr_start_vcpu_thread(CPUState *cpu)
{
    g_autofree char *name = NULL;

    if (single_tcg_cpu_thread) {
        /* Later vCPUs join the thread; their engine is made there. */
        cpu->thread = single_tcg_cpu_thread;
        cpu->halt_cond = single_tcg_halt_cond;
        cpu->thread_id = first_cpu->thread_id;
        cpu_thread_signal_created(cpu);
        if (!rr_kick_vcpu_timer) {
            rr_kick_vcpu_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                              rr_kick_thread, NULL);
            timer_mod(rr_kick_vcpu_timer, qemu_clock_get_ns(
                          QEMU_CLOCK_VIRTUAL) + TCG_KICK_PERIOD);
        }
        return;
    }
    single_tcg_halt_cond = g_new0(QemuCond, 1);
    qemu_cond_init(single_tcg_halt_cond);
    single_tcg_cpu_thread = g_new0(QemuThread, 1);
    cpu->thread = single_tcg_cpu_thread;
    cpu->halt_cond = single_tcg_halt_cond;
    name = g_strdup_printf("CPU %d/TCG", cpu->cpu_index);
    qemu_thread_create(cpu->thread, name, rr_cpu_thread_fn, cpu,
                       QEMU_THREAD_JOINABLE);
}
