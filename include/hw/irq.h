/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_irq: a line between an interrupt source and a sink.
 *
 * The sink allocates the line with its handler; the source calls
 * qemu_set_irq() with the new level.  qtest intercepts lines by replacing
 * their handler (qemu_irq_intercept_in).
 */

#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

void qemu_set_irq(qemu_irq irq, int level);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_free_irqs(qemu_irq *s, int n);

/* Replace the handlers of @n lines with @handler (opaque stays theirs). */
void qemu_irq_intercept_in(qemu_irq *gpio_in, qemu_irq_handler handler,
                           int n);

#endif /* HW_IRQ_H */
