/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isa-serial: a 16550A on the ISA bus, QEMU's COM ports.
 *   -device isa-serial[,index=N][,iobase=PORT][,irq=N][,chardev=ID]
 * Port and IRQ default by index: COM1 0x3f8/4, COM2 0x2f8/3, COM3
 * 0x3e8/4, COM4 0x2e8/3.  -serial creates them in that order.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/char/serial.h"
#include "hw/isa/isa.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "system/system.h"

#define TYPE_ISA_SERIAL "isa-serial"
OBJECT_DECLARE_SIMPLE_TYPE(ISASerialState, ISA_SERIAL)

struct ISASerialState {
    ISADevice parent_obj;

    uint32_t index;
    uint32_t iobase;
    uint32_t isairq;
    SerialState state;
};

static const uint16_t isa_serial_io[MAX_ISA_SERIAL_PORTS] = {
    0x3f8, 0x2f8, 0x3e8, 0x2e8
};
static const uint8_t isa_serial_irq[MAX_ISA_SERIAL_PORTS] = { 4, 3, 4, 3 };

static void serial_isa_realizefn(DeviceState *dev, Error **errp)
{
    static unsigned next_index;
    ISASerialState *isa = ISA_SERIAL(dev);
    SerialState *s = &isa->state;

    if (isa->index == UINT32_MAX) {
        isa->index = next_index++;
    }
    if (isa->index >= MAX_ISA_SERIAL_PORTS) {
        error_setg(errp, "Max. supported number of ISA serial ports is %d.",
                   MAX_ISA_SERIAL_PORTS);
        return;
    }
    if (isa->iobase == UINT32_MAX) {
        isa->iobase = isa_serial_io[isa->index];
    }
    if (isa->isairq == UINT32_MAX) {
        isa->isairq = isa_serial_irq[isa->index];
    }
    if (isa->iobase > 0xfff8) {
        error_setg(errp, "Property 'isa-serial.iobase' out of range: 0x%x",
                   isa->iobase);
        return;
    }
    if (isa->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "Maximum value for \"irq\" is: %u",
                   ISA_NUM_IRQS - 1);
        return;
    }
    s->irq = isa_get_irq(ISA_DEVICE(dev), isa->isairq);
    serial_realize_core(s, OBJECT(dev));
    isa_register_ioport(ISA_DEVICE(dev), &s->io, isa->iobase);
}

static void serial_isa_unrealizefn(DeviceState *dev)
{
    ISASerialState *isa = ISA_SERIAL(dev);

    memory_region_del_subregion(
        isa_bus_from_device(ISA_DEVICE(dev))->address_space_io,
        &isa->state.io);
    serial_unrealize_core(&isa->state);
}

static void serial_isa_reset(DeviceState *dev)
{
    serial_reset(&ISA_SERIAL(dev)->state);
}

static const Property serial_isa_properties[] = {
    DEFINE_PROP_UINT32("index", ISASerialState, index, UINT32_MAX),
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, UINT32_MAX),
    DEFINE_PROP_UINT32("irq", ISASerialState, isairq, UINT32_MAX),
    DEFINE_PROP_CHR("chardev", ISASerialState, state.chr),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_isa_class_initfn(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "16550A UART on the ISA bus";
    dc->realize = serial_isa_realizefn;
    dc->unrealize = serial_isa_unrealizefn;
    device_class_set_legacy_reset(dc, serial_isa_reset);
    device_class_set_props(dc, serial_isa_properties);
    dc->user_creatable = true;
}

void serial_hds_isa_init(ISABus *bus, int from, int to)
{
    int i;

    for (i = from; i < to; i++) {
        Chardev *chr = serial_hd(i);
        DeviceState *dev;

        if (!chr) {
            continue;
        }
        dev = qdev_new(TYPE_ISA_SERIAL);
        object_property_set_uint(OBJECT(dev), "index", i, &error_abort);
        object_property_parse(OBJECT(dev), "chardev", chr->label,
                              &error_fatal);
        object_property_add_child(container_get(qdev_get_machine(),
                                                "unattached"),
                                  "device[*]", OBJECT(dev));
        qdev_realize_and_unref(dev, BUS(bus), &error_fatal);
    }
}

static const TypeInfo serial_isa_types[] = {
    {
        .name = TYPE_ISA_SERIAL,
        .parent = TYPE_ISA_DEVICE,
        .instance_size = sizeof(ISASerialState),
        .class_init = serial_isa_class_initfn,
    },
};

DEFINE_TYPES(serial_isa_types)
