/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract CPU device: the list of vCPUs, kicks and reset.  Targets
 * subclass it (target/i386/cpu.c); realize starts the vCPU's thread
 * through the accelerator (qemu_init_vcpu()).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "hw/core/cpu.h"
#include "system/cpus.h"

CPUTailQ cpus_queue = QTAILQ_HEAD_INITIALIZER(cpus_queue);
__thread CPUState *current_cpu;
static unsigned int cpus_created;

unsigned int cpu_count(void)
{
    return cpus_created;
}

void cpu_exit(CPUState *cpu)
{
    /*
     * The vCPU thread reads exit_request at block boundaries (tcg) or
     * before entering the kernel (kvm); the kick that follows makes sure
     * it gets there.  Pairs with the qatomic_xchg() in the accelerators'
     * run loops.
     */
    qatomic_set(&cpu->exit_request, 1);
    smp_mb();
}

void cpu_reset(CPUState *cpu)
{
    device_cold_reset(DEVICE(cpu));
}

static void cpu_common_realize(DeviceState *dev, Error **errp)
{
    CPUState *cpu = CPU(dev);

    cpu->cpu_index = cpus_created++;
    QTAILQ_INSERT_TAIL(&cpus_queue, cpu, node);
    qemu_init_vcpu(cpu);
}

static void cpu_common_reset(DeviceState *dev)
{
    CPUState *cpu = CPU(dev);

    cpu->halted = false;
    cpu->vcpu_dirty = true;
}

static void cpu_common_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = cpu_common_realize;
    device_class_set_legacy_reset(dc, cpu_common_reset);
    dc->user_creatable = false;
}

static const TypeInfo cpu_type_info = {
    .name = TYPE_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(CPUState),
    .abstract = true,
    .class_size = sizeof(CPUClass),
    .class_init = cpu_common_class_init,
};

static void cpu_register_types(void)
{
    type_register_static(&cpu_type_info);
}

type_init(cpu_register_types)
