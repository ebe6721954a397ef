/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IOAPIC, as an interrupt sink only: 24 GPIO inputs (GSIs) whose
 * levels are recorded.  No redirection table and no MMIO yet; qtest
 * watches the inputs with "irq_intercept_in ioapic".
 */

#ifndef HW_I386_IOAPIC_H
#define HW_I386_IOAPIC_H

#include "hw/qdev-core.h"

#define IOAPIC_NUM_PINS 24

#define TYPE_IOAPIC "ioapic"
OBJECT_DECLARE_SIMPLE_TYPE(IOAPICCommonState, IOAPIC)

struct IOAPICCommonState {
    DeviceState parent_obj;

    /* Bit n: the level of input n now. */
    uint32_t irr;
};

/* The level of input @pin. */
static inline bool ioapic_get_level(IOAPICCommonState *s, int pin)
{
    return s->irr & (1U << pin);
}

#endif /* HW_I386_IOAPIC_H */
