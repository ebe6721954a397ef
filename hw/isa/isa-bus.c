/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ISA bus and the abstract ISA device.
 */

#include "qemu/osdep.h"
#include "hw/isa/isa.h"

ISABus *isa_bus_new(DeviceState *dev, MemoryRegion *address_space_io)
{
    ISABus *bus = ISA_BUS(qbus_new(TYPE_ISA_BUS, dev, "isa.0"));

    bus->address_space_io = address_space_io;
    return bus;
}

void isa_bus_register_input_irqs(ISABus *bus, const qemu_irq *irqs)
{
    memcpy(bus->irqs, irqs, sizeof(bus->irqs));
}

ISABus *isa_bus_from_device(ISADevice *dev)
{
    return ISA_BUS(qdev_get_parent_bus(DEVICE(dev)));
}

qemu_irq isa_get_irq(ISADevice *dev, unsigned isairq)
{
    assert(isairq < ISA_NUM_IRQS);
    return isa_bus_from_device(dev)->irqs[isairq];
}

void isa_register_ioport(ISADevice *dev, MemoryRegion *io, uint16_t start)
{
    memory_region_add_subregion(isa_bus_from_device(dev)->address_space_io,
                                start, io);
}

static void isa_device_class_init(ObjectClass *oc, const void *data)
{
    DEVICE_CLASS(oc)->bus_type = TYPE_ISA_BUS;
}

static const TypeInfo isa_types[] = {
    {
        .name = TYPE_ISA_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(ISABus),
    },
    {
        .name = TYPE_ISA_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(ISADevice),
        .abstract = true,
        .class_init = isa_device_class_init,
    },
};

DEFINE_TYPES(isa_types)
