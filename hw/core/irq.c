/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines.
 */

#include "qemu/osdep.h"
#include "hw/irq.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
};

void qemu_set_irq(qemu_irq irq, int level)
{
    if (!irq) {
        return;
    }
    irq->handler(irq->opaque, irq->n, level);
}

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    struct IRQState *irq = g_new0(struct IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq *s = g_new0(qemu_irq, n);
    int i;

    for (i = 0; i < n; i++) {
        s[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return s;
}

void qemu_free_irq(qemu_irq irq)
{
    g_free(irq);
}

void qemu_free_irqs(qemu_irq *s, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        qemu_free_irq(s[i]);
    }
    g_free(s);
}

void qemu_irq_intercept_in(qemu_irq *gpio_in, qemu_irq_handler handler,
                           int n)
{
    int i;

    for (i = 0; i < n; i++) {
        gpio_in[i]->handler = handler;
    }
}
