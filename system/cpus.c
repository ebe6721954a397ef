/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest time, the hooks through which the accelerator owns it, and the
 * management of vCPU threads (stop, resume, kick).
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/thread.h"
#include "hw/core/cpu.h"
#include "system/cpus.h"
#include "system/runstate.h"

static const AccelOpsClass *cpus_accel;

/*
 * cpu_get_clock(): host monotonic time minus the time the VM spent
 * stopped.  Protected by a mutex: vCPU threads (KVM) read it too.
 */
static QemuMutex ticks_lock;
static bool ticks_enabled;
static int64_t cpu_clock_offset;
static int64_t cpu_clock_frozen;

static void __attribute__((constructor)) cpu_ticks_init(void)
{
    qemu_mutex_init(&ticks_lock);
}

int64_t cpu_get_clock(void)
{
    int64_t ret;

    qemu_mutex_lock(&ticks_lock);
    ret = ticks_enabled ? get_clock() + cpu_clock_offset : cpu_clock_frozen;
    qemu_mutex_unlock(&ticks_lock);
    return ret;
}

void cpu_enable_ticks(void)
{
    qemu_mutex_lock(&ticks_lock);
    if (!ticks_enabled) {
        cpu_clock_offset = cpu_clock_frozen - get_clock();
        ticks_enabled = true;
    }
    qemu_mutex_unlock(&ticks_lock);
}

void cpu_disable_ticks(void)
{
    qemu_mutex_lock(&ticks_lock);
    if (ticks_enabled) {
        cpu_clock_frozen = get_clock() + cpu_clock_offset;
        ticks_enabled = false;
    }
    qemu_mutex_unlock(&ticks_lock);
}

void cpus_register_accel(const AccelOpsClass *ops)
{
    assert(!cpus_accel);
    cpus_accel = ops;
}

int64_t cpus_get_virtual_clock(void)
{
    if (cpus_accel && cpus_accel->get_virtual_clock) {
        return cpus_accel->get_virtual_clock();
    }
    return cpu_get_clock();
}

void cpus_set_virtual_clock(int64_t new_time)
{
    if (cpus_accel && cpus_accel->set_virtual_clock) {
        cpus_accel->set_virtual_clock(new_time);
    }
}

/*
 * vCPU management.
 *
 * The main loop stops and starts vCPUs; accelerator threads run them.
 * A stop is a handshake under the BQL: pause_all_vcpus() sets cpu->stop
 * and kicks, the vCPU thread leaves guest code, sees @stop in
 * qemu_process_cpu_events_common(), sets @stopped and broadcasts
 * qemu_pause_cond, on which pause_all_vcpus() waits (dropping the BQL,
 * which a vCPU in an MMIO callback may be waiting for).
 */
static QemuCond qemu_cpu_cond;
static QemuCond qemu_pause_cond;

static void __attribute__((constructor)) cpus_conds_init(void)
{
    qemu_cond_init(&qemu_cpu_cond);
    qemu_cond_init(&qemu_pause_cond);
}

static bool cpus_have_threads(void)
{
    return cpus_accel && cpus_accel->create_vcpu_thread;
}

void qemu_init_vcpu(CPUState *cpu)
{
    assert(bql_locked());
    /* vCPUs start stopped; vm_start() resumes them. */
    cpu->stopped = true;
    if (!cpus_have_threads()) {
        /* Nothing runs guest code (qtest): the vCPU only exists. */
        cpu->created = true;
        return;
    }
    cpus_accel->create_vcpu_thread(cpu);
    while (!cpu->created) {
        qemu_cond_wait_bql(&qemu_cpu_cond);
    }
}

void cpu_thread_signal_created(CPUState *cpu)
{
    cpu->created = true;
    qemu_cond_broadcast(&qemu_cpu_cond);
}

void qemu_cpu_signal_paused(void)
{
    qemu_cond_broadcast(&qemu_pause_cond);
}

bool qemu_cpu_is_self(CPUState *cpu)
{
    return cpu->thread && qemu_thread_is_self(cpu->thread);
}

void qemu_cpu_kick(CPUState *cpu)
{
    if (cpu->halt_cond) {
        qemu_cond_broadcast(cpu->halt_cond);
    }
    if (cpus_accel && cpus_accel->kick_vcpu_thread) {
        cpus_accel->kick_vcpu_thread(cpu);
    }
}

bool cpu_is_stopped(CPUState *cpu)
{
    return cpu->stopped || !runstate_is_running();
}

bool cpu_can_run(CPUState *cpu)
{
    return !cpu->stop && !cpu_is_stopped(cpu);
}

bool cpu_thread_is_idle(CPUState *cpu)
{
    return cpu->stop || cpu_is_stopped(cpu) || cpu->halted;
}

void qemu_process_cpu_events_common(CPUState *cpu)
{
    assert(bql_locked());
    if (cpu->stop) {
        cpu->stop = false;
        cpu->stopped = true;
        qemu_cond_broadcast(&qemu_pause_cond);
    }
}

void cpu_stop_current(void)
{
    if (current_cpu) {
        current_cpu->stop = true;
        cpu_exit(current_cpu);
    }
}

bool all_vcpus_paused(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (!cpu->stopped) {
            return false;
        }
    }
    return true;
}

void pause_all_vcpus(void)
{
    CPUState *cpu;

    assert(bql_locked());
    /* vCPU threads ask the main loop instead (qemu_system_vmstop_request). */
    assert(!current_cpu);
    CPU_FOREACH(cpu) {
        if (!cpus_have_threads()) {
            /* Nobody runs it: stopped as of now. */
            cpu->stopped = true;
            continue;
        }
        cpu->stop = true;
        qemu_cpu_kick(cpu);
    }
    while (!all_vcpus_paused()) {
        qemu_cond_wait_bql(&qemu_pause_cond);
        CPU_FOREACH(cpu) {
            if (!cpu->stopped) {
                qemu_cpu_kick(cpu);
            }
        }
    }
}

void resume_all_vcpus(void)
{
    CPUState *cpu;

    assert(bql_locked());
    if (!runstate_is_running()) {
        return;
    }
    CPU_FOREACH(cpu) {
        cpu->stop = false;
        cpu->stopped = false;
        qemu_cpu_kick(cpu);
    }
}
