/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i8254 programmable interval timer (PIT), type "isa-pit": three
 * 16-bit counters at I/O ports 0x40-0x43, channel 0 driving an IRQ line
 * from a QEMU_CLOCK_VIRTUAL timer.  hw/timer/i8254.c has the model.
 */

#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "exec/memory.h"
#include "hw/qdev-core.h"
#include "qemu/timer.h"

#define TYPE_I8254 "isa-pit"
OBJECT_DECLARE_SIMPLE_TYPE(PITState, I8254)

#define PIT_FREQ            1193182
#define PIT_NUM_CHANNELS    3

/* Access modes (control word bits 5-4). */
#define PIT_RW_LATCH        0
#define PIT_RW_LSB          1
#define PIT_RW_MSB          2
#define PIT_RW_WORD         3

typedef struct PITChannelState {
    /* Programmed by the guest. */
    uint32_t count;             /* 1..0x10000; a written 0 means 0x10000 */
    int64_t count_load_time;    /* QEMU_CLOCK_VIRTUAL ns of the load */
    uint8_t mode;               /* 0..5 */
    uint8_t rw_mode;            /* PIT_RW_LSB/MSB/WORD */
    bool bcd;                   /* accepted, but counting stays binary */
    bool null_count;            /* control word written, count not yet */

    /* Byte sequencing of PIT_RW_WORD accesses. */
    bool write_msb_next;
    uint8_t write_lsb;
    bool read_msb_next;

    /* Counter latch and read-back: what the next reads return. */
    bool count_latched;
    uint16_t latched_count;
    bool latched_msb_next;
    bool status_latched;
    uint8_t latched_status;

    /* Channel 0 only: the timer of the next OUT transition, the line. */
    QEMUTimer *timer;
    int64_t next_transition;    /* ns, -1 when none */
    qemu_irq irq;
} PITChannelState;

struct PITState {
    DeviceState parent_obj;

    MemoryRegion ioports;
    uint32_t iobase;
    PITChannelState channels[PIT_NUM_CHANNELS];
};

/*
 * Create and realize a PIT at I/O port @base, its channel 0 output
 * driving @irq, as the child "pit" of @parent.
 */
DeviceState *i8254_pit_init(Object *parent, int base, qemu_irq irq);

#endif /* HW_TIMER_I8254_H */
