/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A UART core: eight byte-wide registers, a 16-byte receive
 * FIFO, one interrupt line.  Transport wrappers (isa-serial) map
 * serial_io_ops and wire the IRQ; the host side is a chardev.
 */

#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "chardev/char-fe.h"
#include "exec/memory.h"
#include "hw/irq.h"

#define UART_FIFO_LENGTH 16

typedef struct SerialState {
    MemoryRegion io;
    CharBackend chr;
    qemu_irq irq;

    uint16_t divider;
    uint8_t rbr;            /* receive register without the FIFO */
    uint8_t ier;
    uint8_t iir;            /* read only */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;            /* read only */
    uint8_t msr;            /* read only */
    uint8_t scr;
    uint8_t fcr;
    bool thr_ipending;

    uint8_t recv_fifo[UART_FIFO_LENGTH];
    unsigned recv_head;
    unsigned recv_count;
} SerialState;

extern const MemoryRegionOps serial_io_ops;

/* Set up @s (its registers, @owner's I/O region) and attach the chardev. */
void serial_realize_core(SerialState *s, Object *owner);
void serial_reset(SerialState *s);
void serial_unrealize_core(SerialState *s);

#define MAX_ISA_SERIAL_PORTS 4

typedef struct ISABus ISABus;

/* COM ports @from..@to-1 on @bus for the -serial options (serial_hd()). */
void serial_hds_isa_init(ISABus *bus, int from, int to);

#endif /* HW_CHAR_SERIAL_H */
