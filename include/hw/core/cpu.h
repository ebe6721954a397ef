/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPUState: what every accelerator and the vCPU management in
 * system/cpus.c know about a virtual CPU.  The target's registers live in
 * the subclass (target/i386/cpu.h); the accelerator's own per-vCPU state
 * hangs off @accel.
 *
 * Life of a vCPU (QEMU's rules):
 *   realize     -> qemu_init_vcpu(): the accelerator starts (or shares) a
 *                  thread, which sets @created;
 *   running     -> the thread runs guest code while cpu_can_run();
 *   stop        -> pause_all_vcpus() sets @stop and kicks; the thread
 *                  answers by setting @stopped and waits on @halt_cond;
 *   resume      -> resume_all_vcpus() clears both and kicks;
 *   halted      -> the guest executed HLT (or is an AP waiting for a
 *                  start-up IPI): the thread waits until kicked.
 * @stop, @stopped and @halted change under the BQL.  @exit_request is
 * the kick: any thread sets it, the vCPU thread reads it without a lock.
 */

#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include "hw/qdev-core.h"
#include "qemu/queue.h"
#include "qemu/thread.h"

#define TYPE_CPU "cpu"
OBJECT_DECLARE_TYPE(CPUState, CPUClass, CPU)

typedef struct AccelCPUState AccelCPUState;

struct CPUClass {
    DeviceClass parent_class;
};

struct CPUState {
    DeviceState parent_obj;

    /* private: */
    int cpu_index;
    QemuThread *thread;
    int thread_id;
    QemuCond *halt_cond;
    bool created;
    bool stop;
    bool stopped;
    bool halted;
    /* The registers in the target state are newer than the accel's. */
    bool vcpu_dirty;
    /* Set by cpu_exit(): leave guest code at the next safe point. */
    uint32_t exit_request;
    AccelCPUState *accel;
    QTAILQ_ENTRY(CPUState) node;
};

/*
 * Every vCPU, in cpu_index order.  Filled at machine creation under the
 * BQL, before any vCPU thread starts, and never changed afterwards (no
 * hotplug), so vCPU threads may walk it without a lock.
 */
typedef QTAILQ_HEAD(CPUTailQ, CPUState) CPUTailQ;
extern CPUTailQ cpus_queue;

#define first_cpu        QTAILQ_FIRST(&cpus_queue)
#define CPU_NEXT(cpu)    QTAILQ_NEXT(cpu, node)
#define CPU_FOREACH(cpu) QTAILQ_FOREACH(cpu, &cpus_queue, node)

/* The vCPU the calling thread is running guest code for, or NULL. */
extern __thread CPUState *current_cpu;

/* Make @cpu leave guest code at its next safe point (any thread). */
void cpu_exit(CPUState *cpu);

/* Reset @cpu's registers (under the BQL, vCPU stopped). */
void cpu_reset(CPUState *cpu);

/* Number of vCPUs created so far. */
unsigned int cpu_count(void);

#endif /* HW_CORE_CPU_H */
