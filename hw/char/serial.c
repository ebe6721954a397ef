/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A UART, as QEMU models it for a PC's COM ports.
 *
 * Registers (offset, DLAB = LCR bit 7):
 *   0  read: RBR (receive); write: THR (transmit); DLAB: divisor low
 *   1  IER (interrupt enable); DLAB: divisor high
 *   2  read: IIR (interrupt identification); write: FCR (FIFO control)
 *   3  LCR   4  MCR   5  LSR (read only)   6  MSR (read only)   7  SCR
 *
 * Transmission is instantaneous: a byte written to THR goes to the
 * chardev at once (or back to the receiver in loopback mode), so THR and
 * the transmitter are always empty when the guest looks.  Received bytes
 * wait in RBR, or in a 16-byte FIFO when FCR enabled it; the chardev is
 * asked for no more than fits.
 *
 * Interrupts, highest priority first (IIR value):
 *   0x06 receiver line status  IER bit 2, LSR overrun or break
 *   0x04 received data         IER bit 0, data ready
 *   0x02 THR empty             IER bit 1, cleared by reading IIR or
 *                              writing THR
 *   0x00 modem status          IER bit 3, an MSR delta bit
 *   0x01 none
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/char/serial.h"

#define UART_LCR_DLAB   0x80

#define UART_IER_RDI    0x01
#define UART_IER_THRI   0x02
#define UART_IER_RLSI   0x04
#define UART_IER_MSI    0x08

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_FE     0xc0    /* FIFOs enabled */

#define UART_FCR_FE     0x01
#define UART_FCR_RFR    0x02
#define UART_FCR_XFR    0x04

#define UART_MCR_LOOP   0x10
#define UART_MCR_OUT2   0x08
#define UART_MCR_OUT1   0x04
#define UART_MCR_RTS    0x02
#define UART_MCR_DTR    0x01

#define UART_LSR_DR     0x01
#define UART_LSR_OE     0x02
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_LSR_INT_ANY 0x1e

#define UART_MSR_DCD    0x80
#define UART_MSR_RI     0x40
#define UART_MSR_DSR    0x20
#define UART_MSR_CTS    0x10
#define UART_MSR_ANY_DELTA 0x0f

static bool serial_fifo_enabled(SerialState *s)
{
    return s->fcr & UART_FCR_FE;
}

static void serial_update_irq(SerialState *s)
{
    uint8_t iir = UART_IIR_NO_INT;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        iir = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR)) {
        iir = UART_IIR_RDI;
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        iir = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        iir = UART_IIR_MSI;
    }
    s->iir = iir | (serial_fifo_enabled(s) ? UART_IIR_FE : 0);
    qemu_set_irq(s->irq, iir != UART_IIR_NO_INT);
}

static void serial_fifo_clear(SerialState *s)
{
    s->recv_head = 0;
    s->recv_count = 0;
}

/* Take one received byte (from the FIFO or RBR); 0 when there is none. */
static uint8_t serial_receive_pop(SerialState *s)
{
    uint8_t c = 0;

    if (serial_fifo_enabled(s)) {
        if (s->recv_count) {
            c = s->recv_fifo[s->recv_head];
            s->recv_head = (s->recv_head + 1) % UART_FIFO_LENGTH;
            s->recv_count--;
        }
        if (!s->recv_count) {
            s->lsr &= ~UART_LSR_DR;
        }
    } else {
        c = s->rbr;
        s->lsr &= ~UART_LSR_DR;
    }
    return c;
}

static void serial_receive_byte(SerialState *s, uint8_t c)
{
    if (serial_fifo_enabled(s)) {
        if (s->recv_count == UART_FIFO_LENGTH) {
            s->lsr |= UART_LSR_OE;
        } else {
            s->recv_fifo[(s->recv_head + s->recv_count) % UART_FIFO_LENGTH] =
                c;
            s->recv_count++;
        }
    } else {
        if (s->lsr & UART_LSR_DR) {
            s->lsr |= UART_LSR_OE;
        }
        s->rbr = c;
    }
    s->lsr |= UART_LSR_DR;
}

static void serial_xmit(SerialState *s, uint8_t c)
{
    if (s->mcr & UART_MCR_LOOP) {
        serial_receive_byte(s, c);
    } else {
        qemu_chr_fe_write_all(&s->chr, &c, 1);
    }
    /* The byte left at once: THR is empty again. */
    s->thr_ipending = true;
}

static void serial_ioport_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    SerialState *s = opaque;
    uint8_t old;

    switch (addr & 7) {
    case 0:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            return;
        }
        s->thr_ipending = false;
        serial_xmit(s, val);
        break;
    case 1:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | val << 8;
            return;
        }
        old = s->ier;
        s->ier = val & 0x0f;
        /* Enabling THRI while THR is empty raises it, as on a 16550. */
        if (!(old & UART_IER_THRI) && (s->ier & UART_IER_THRI)) {
            s->thr_ipending = true;
        }
        break;
    case 2:
        if (val & UART_FCR_RFR) {
            serial_fifo_clear(s);
            s->lsr &= ~(UART_LSR_DR | UART_LSR_OE);
        }
        if ((val ^ s->fcr) & UART_FCR_FE) {
            /* Switching FIFO mode empties the receiver. */
            serial_fifo_clear(s);
            s->lsr &= ~UART_LSR_DR;
        }
        s->fcr = val & 0xc9;
        break;
    case 3:
        s->lcr = val;
        return;
    case 4:
        old = s->mcr;
        s->mcr = val & 0x1f;
        if ((old ^ s->mcr) & UART_MCR_LOOP) {
            s->msr &= ~UART_MSR_ANY_DELTA;
        }
        break;
    case 5:
    case 6:
        /* Read-only registers; writes are ignored, as by the chip. */
        return;
    case 7:
        s->scr = val;
        return;
    }
    serial_update_irq(s);
}

static uint8_t serial_msr(SerialState *s)
{
    if (s->mcr & UART_MCR_LOOP) {
        /* Loopback wires the modem outputs back to the inputs. */
        return (s->msr & UART_MSR_ANY_DELTA) |
               (s->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
               (s->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
               (s->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
               (s->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
    }
    return s->msr;
}

static uint64_t serial_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t ret = 0;

    switch (addr & 7) {
    case 0:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        if (s->lsr & UART_LSR_DR) {
            ret = serial_receive_pop(s);
            serial_update_irq(s);
            /* There is room again: let the main loop poll the chardev. */
            qemu_notify_event();
        }
        return ret;
    case 1:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case 2:
        ret = s->iir;
        if ((ret & 0x0f) == UART_IIR_THRI) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        return ret;
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        ret = s->lsr;
        /* Error bits clear on read. */
        if (s->lsr & (UART_LSR_OE | UART_LSR_BI)) {
            s->lsr &= ~(UART_LSR_OE | UART_LSR_BI);
            serial_update_irq(s);
        }
        return ret;
    case 6:
        ret = serial_msr(s);
        if (s->msr & UART_MSR_ANY_DELTA) {
            s->msr &= ~UART_MSR_ANY_DELTA;
            serial_update_irq(s);
        }
        return ret;
    default:
        return s->scr;
    }
}

const MemoryRegionOps serial_io_ops = {
    .read = serial_ioport_read,
    .write = serial_ioport_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
};

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & UART_MCR_LOOP) {
        return 0;
    }
    if (serial_fifo_enabled(s)) {
        return UART_FIFO_LENGTH - s->recv_count;
    }
    return !(s->lsr & UART_LSR_DR);
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;
    int i;

    for (i = 0; i < size; i++) {
        serial_receive_byte(s, buf[i]);
    }
    serial_update_irq(s);
}

void serial_reset(SerialState *s)
{
    s->divider = 0x0c;      /* 9600 baud */
    s->rbr = 0;
    s->ier = 0;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->thr_ipending = false;
    serial_fifo_clear(s);
    serial_update_irq(s);
}

void serial_realize_core(SerialState *s, Object *owner)
{
    memory_region_init_io(&s->io, owner, &serial_io_ops, s, "serial", 8);
    qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                             NULL, s, NULL, true);
    serial_reset(s);
}

void serial_unrealize_core(SerialState *s)
{
    qemu_chr_fe_set_handlers(&s->chr, NULL, NULL, NULL, NULL, NULL, false);
}
