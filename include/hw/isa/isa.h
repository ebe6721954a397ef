/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ISA bus: legacy PC devices (the 16550 UART, isa-debug-exit) decode
 * fixed port ranges of the I/O address space and drive one of 16 ISA
 * interrupt lines.  On q35 the bus hangs below the host bridge (where
 * ICH9's LPC bridge would be) and its lines go to the IOAPIC.
 */

#ifndef HW_ISA_H
#define HW_ISA_H

#include "hw/qdev-core.h"

#define ISA_NUM_IRQS 16

#define TYPE_ISA_BUS "ISA"
OBJECT_DECLARE_SIMPLE_TYPE(ISABus, ISA_BUS)

#define TYPE_ISA_DEVICE "isa-device"
OBJECT_DECLARE_SIMPLE_TYPE(ISADevice, ISA_DEVICE)

struct ISABus {
    BusState parent_obj;

    MemoryRegion *address_space_io;
    qemu_irq irqs[ISA_NUM_IRQS];
};

struct ISADevice {
    DeviceState parent_obj;
};

/* The ISA bus of the machine, below @dev, decoding @address_space_io. */
ISABus *isa_bus_new(DeviceState *dev, MemoryRegion *address_space_io);
/* Where ISA IRQ n goes: @irqs[n], n < ISA_NUM_IRQS. */
void isa_bus_register_input_irqs(ISABus *bus, const qemu_irq *irqs);

/* The bus @dev is on. */
ISABus *isa_bus_from_device(ISADevice *dev);
/* ISA IRQ @isairq as seen by @dev. */
qemu_irq isa_get_irq(ISADevice *dev, unsigned isairq);
/* Map @io at port @start of @dev's bus. */
void isa_register_ioport(ISADevice *dev, MemoryRegion *io, uint16_t start);

#endif /* HW_ISA_H */
