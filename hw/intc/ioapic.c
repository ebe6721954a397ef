/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOAPIC stand-in: the board's interrupt sink.
 *
 * Its inputs are what matters for now: each GSI line ends here and its
 * level is kept in irr, so that interrupt routing can be observed (qtest
 * intercepts the inputs; reset does not touch them, since a level is the
 * source's to change).  Delivery to CPUs comes with CPUs.
 */

#include "qemu/osdep.h"
#include "hw/i386/ioapic.h"

static void ioapic_set_irq(void *opaque, int pin, int level)
{
    IOAPICCommonState *s = opaque;

    if (level) {
        s->irr |= 1U << pin;
    } else {
        s->irr &= ~(1U << pin);
    }
}

static void ioapic_realize(DeviceState *dev, Error **errp)
{
    qdev_init_gpio_in(dev, ioapic_set_irq, IOAPIC_NUM_PINS);
}

static char *ioapic_get_irr(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu32, IOAPIC(obj)->irr);
}

static void ioapic_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "I/O APIC (interrupt sink)";
    dc->realize = ioapic_realize;
    /* Read-only view of the input levels, for qom-get and debugging. */
    object_class_property_add(klass, "irr", "uint32", ioapic_get_irr,
                              NULL, NULL, NULL);
}

static const TypeInfo ioapic_types[] = {
    {
        .name = TYPE_IOAPIC,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(IOAPICCommonState),
        .class_init = ioapic_class_init,
    },
};

DEFINE_TYPES(ioapic_types)
