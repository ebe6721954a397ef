/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "pc-q35-lab" machine (alias "q35"): a Q35 + ICH9 PC reduced to
 * RAM, -smp x86-64 CPUs, the q35 PCIe host bridge, an IOAPIC interrupt
 * sink, the PIT, an ISA bus with the -serial COM ports, and direct boot
 * of a multiboot kernel (-kernel, -append) in place of firmware.
 *
 * Memory map:
 *   0 .. below_4g             RAM ("ram-below-4g")
 *   0xb0000000 .. +256 MiB    MMCONFIG (when RAM leaves room for it)
 *   4 GiB .. + above_4g       the rest of RAM ("ram-above-4g")
 *   elsewhere                 free for BARs (libqos: 0xe0000000+)
 * q35's split rule: with 2.75 GiB of RAM or more, only 2 GiB go below
 * 4 GiB, leaving the top of the 32-bit space to MMCONFIG and the PCI
 * hole; otherwise all RAM is below 4 GiB.
 *
 * Interrupts: PIRQ A..H of the host bridge drive IOAPIC inputs 16..23;
 * the PIT (/machine/pit, ports 0x40-0x43) drives input 2; ISA IRQ n
 * (the bus "isa.0" below the host bridge) drives input n, IRQ 0 input 2.
 * -nic NICs (default model virtio-net-pci) go on pcie.0 after the MCH.
 * system_reset resets every device (the CPUs are devices too, the host
 * resets pcie.0 and isa.0), then the multiboot loader copies the kernel
 * in again and puts the boot CPU at its entry.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/units.h"
#include "exec/address-spaces.h"
#include "hw/boards.h"
#include "hw/char/serial.h"
#include "hw/i386/ioapic.h"
#include "hw/i386/multiboot.h"
#include "hw/isa/isa.h"
#include "hw/pci/pci_host.h"
#include "hw/pci-host/q35.h"
#include "hw/timer/i8254.h"
#include "target/i386/cpu.h"

#define Q35_LOWMEM_SPLIT_FROM   0xb0000000ULL
#define Q35_LOWMEM_SPLIT        0x80000000ULL

/* QEMU 7.2's limit for q35 (and the x2APIC-less xAPIC ID space). */
#define PC_Q35_MAX_CPUS 288

static uint64_t pc_q35_below_4g(MachineState *ms)
{
    return ms->ram_size >= Q35_LOWMEM_SPLIT_FROM ? Q35_LOWMEM_SPLIT
                                                 : ms->ram_size;
}

static void pc_q35_init_ram(MachineState *ms)
{
    MemoryRegion *sysmem = get_system_memory();
    uint64_t below_4g, above_4g;
    MemoryRegion *ram_below_4g, *ram_above_4g;

    below_4g = pc_q35_below_4g(ms);
    above_4g = ms->ram_size - below_4g;

    /* Board RAM lives as long as the process: no owner, as in QEMU. */
    ms->ram = g_new0(MemoryRegion, 1);
    memory_region_init_ram(ms->ram, NULL, "pc.ram", ms->ram_size,
                           &error_fatal);
    ram_below_4g = g_new0(MemoryRegion, 1);
    memory_region_init_alias(ram_below_4g, NULL, "ram-below-4g", ms->ram,
                             0, below_4g);
    memory_region_add_subregion(sysmem, 0, ram_below_4g);
    if (above_4g) {
        ram_above_4g = g_new0(MemoryRegion, 1);
        memory_region_init_alias(ram_above_4g, NULL, "ram-above-4g",
                                 ms->ram, below_4g, above_4g);
        memory_region_add_subregion(sysmem, 4 * GiB, ram_above_4g);
    }
}

/* The vCPUs, as QEMU's x86_cpus_init(): /machine/unattached/device[N]. */
static void pc_q35_init_cpus(MachineState *ms)
{
    Object *unattached = container_get(OBJECT(ms), "unattached");
    unsigned int i;

    for (i = 0; i < ms->smp.cpus; i++) {
        Object *cpu = object_new(TYPE_X86_CPU_QEMU64);

        object_property_add_child(unattached, "device[*]", cpu);
        qdev_realize_and_unref(DEVICE(cpu), NULL, &error_fatal);
    }
}

/* ISA IRQ n -> IOAPIC input n, except the timer's IRQ 0 -> input 2. */
static void pc_q35_init_isa(DeviceState *host, DeviceState *ioapic)
{
    ISABus *isa_bus = isa_bus_new(host, get_system_io());
    qemu_irq irqs[ISA_NUM_IRQS];
    int i;

    for (i = 0; i < ISA_NUM_IRQS; i++) {
        irqs[i] = qdev_get_gpio_in(ioapic, i ? i : 2);
    }
    isa_bus_register_input_irqs(isa_bus, irqs);
    serial_hds_isa_init(isa_bus, 0, MAX_ISA_SERIAL_PORTS);
}

static void pc_q35_init(MachineState *ms)
{
    DeviceState *ioapic, *host;
    Q35PCIHost *q35;
    Error *err = NULL;
    int i;

    if (ms->kernel_filename &&
        !multiboot_load(ms, pc_q35_below_4g(ms), &err)) {
        error_report_err(err);
        exit(1);
    }
    pc_q35_init_ram(ms);
    pc_q35_init_cpus(ms);

    ioapic = qdev_new(TYPE_IOAPIC);
    object_property_add_child(OBJECT(ms), "ioapic", OBJECT(ioapic));
    qdev_realize_and_unref(ioapic, NULL, &error_fatal);

    /* The PIT's output is ISA IRQ 0, which q35 routes to GSI 2. */
    i8254_pit_init(OBJECT(ms), 0x40, qdev_get_gpio_in(ioapic, 2));

    host = qdev_new(TYPE_Q35_HOST_DEVICE);
    q35 = Q35_HOST_DEVICE(host);
    for (i = 0; i < Q35_NUM_PIRQ; i++) {
        q35->pirq[i] = qdev_get_gpio_in(ioapic, Q35_PIRQ_GSI_BASE + i);
    }
    object_property_add_child(OBJECT(ms), "q35", OBJECT(host));
    qdev_realize_and_unref(host, NULL, &error_fatal);

    pci_init_nic_devices(PCI_HOST_BRIDGE(host)->bus,
                         MACHINE_GET_CLASS(ms)->default_nic);

    pc_q35_init_isa(host, ioapic);
}

static void pc_q35_reset(MachineState *ms, ShutdownCause reason)
{
    qemu_devices_reset(reason);
    multiboot_reset(ms);
}

static void pc_q35_machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Standard PC (Q35 + ICH9)";
    mc->alias = "q35";
    mc->is_default = true;
    mc->init = pc_q35_init;
    /* QEMU's q35 default is e1000e, which this tree does not have. */
    mc->default_nic = "virtio-net-pci";
    mc->reset = pc_q35_reset;
    mc->max_cpus = PC_Q35_MAX_CPUS;
}

static const TypeInfo pc_q35_types[] = {
    {
        .name = MACHINE_TYPE_NAME("pc-q35-lab"),
        .parent = TYPE_MACHINE,
        .class_init = pc_q35_machine_class_init,
    },
};

DEFINE_TYPES(pc_q35_types)
