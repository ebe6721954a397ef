/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio: status, features and split virtqueues driven from the
 * test through qtest memory accesses (see virtio.h).
 *
 * Ring layout of a queue of n entries, as qvring_init() places it:
 *   desc   at addr, 16 * n bytes
 *   avail  right after, 4 + 2 * n + 2 bytes (used_event last)
 *   used   at the next 4 KiB boundary, 4 + 8 * n + 2 bytes (avail_event)
 */

#include "qemu/osdep.h"
#include "virtio.h"

#define QVRING_USED_ALIGN       4096

/* Config space */

uint8_t qvirtio_config_readb(QVirtioDevice *d, uint64_t addr)
{
    return d->bus->config_readb(d, addr);
}

uint16_t qvirtio_config_readw(QVirtioDevice *d, uint64_t addr)
{
    return d->bus->config_readw(d, addr);
}

uint32_t qvirtio_config_readl(QVirtioDevice *d, uint64_t addr)
{
    return d->bus->config_readl(d, addr);
}

uint64_t qvirtio_config_readq(QVirtioDevice *d, uint64_t addr)
{
    return d->bus->config_readq(d, addr);
}

/* Status and features */

uint64_t qvirtio_get_features(QVirtioDevice *d)
{
    return d->bus->get_features(d);
}

bool qvirtio_try_set_features(QVirtioDevice *d, uint64_t features)
{
    d->features = features;
    d->bus->set_features(d, features);
    d->bus->set_status(d, d->bus->get_status(d) |
                          QVIRTIO_CONFIG_S_FEATURES_OK);
    d->features_negotiated =
        !!(d->bus->get_status(d) & QVIRTIO_CONFIG_S_FEATURES_OK);
    return d->features_negotiated;
}

void qvirtio_set_features(QVirtioDevice *d, uint64_t features)
{
    g_assert_true(qvirtio_try_set_features(d, features));
}

uint8_t qvirtio_get_status(QVirtioDevice *d)
{
    return d->bus->get_status(d);
}

void qvirtio_reset(QVirtioDevice *d)
{
    d->bus->set_status(d, 0);
    g_assert_cmphex(d->bus->get_status(d), ==, 0);
    d->features_negotiated = false;
}

void qvirtio_set_acknowledge(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) |
                          QVIRTIO_CONFIG_S_ACKNOWLEDGE);
    g_assert_cmphex(d->bus->get_status(d), ==, QVIRTIO_CONFIG_S_ACKNOWLEDGE);
}

void qvirtio_set_driver(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) | QVIRTIO_CONFIG_S_DRIVER);
    g_assert_cmphex(d->bus->get_status(d), ==,
                    QVIRTIO_CONFIG_S_DRIVER | QVIRTIO_CONFIG_S_ACKNOWLEDGE);
}

void qvirtio_set_driver_ok(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) |
                          QVIRTIO_CONFIG_S_DRIVER_OK);
    g_assert_cmphex(d->bus->get_status(d) & ~QVIRTIO_CONFIG_S_NEEDS_RESET,
                    ==, QVIRTIO_CONFIG_S_DRIVER_OK |
                    QVIRTIO_CONFIG_S_DRIVER | QVIRTIO_CONFIG_S_ACKNOWLEDGE |
                    QVIRTIO_CONFIG_S_FEATURES_OK);
}

uint64_t qvirtio_start_device(QVirtioDevice *d, uint64_t features)
{
    uint64_t offered;

    qvirtio_reset(d);
    qvirtio_set_acknowledge(d);
    qvirtio_set_driver(d);
    offered = qvirtio_get_features(d);
    features = (features | (1ULL << QVIRTIO_F_VERSION_1)) & offered;
    qvirtio_set_features(d, features);
    return features;
}

/* Waiting */

void qvirtio_poll_step(QTestState *qts)
{
    if (qtest_clock_controllable(qts)) {
        qtest_clock_step(qts, 100);
    } else {
        g_usleep(100);
    }
}

void qvirtio_wait_queue_isr(QTestState *qts, QVirtioDevice *d,
                            QVirtQueue *vq, gint64 timeout_us)
{
    gint64 start = g_get_monotonic_time();

    while (!d->bus->get_queue_isr_status(d, vq)) {
        g_assert_cmpint(g_get_monotonic_time() - start, <=, timeout_us);
        qvirtio_poll_step(qts);
    }
}

void qvirtio_wait_config_isr(QVirtioDevice *d, gint64 timeout_us)
{
    gint64 start = g_get_monotonic_time();

    while (!d->bus->get_config_isr_status(d)) {
        g_assert_cmpint(g_get_monotonic_time() - start, <=, timeout_us);
        qvirtio_poll_step(d->qts);
    }
}

void qvirtio_wait_used_elem(QTestState *qts, QVirtioDevice *d,
                            QVirtQueue *vq, uint32_t desc_idx,
                            uint32_t *len, gint64 timeout_us)
{
    gint64 start = g_get_monotonic_time();
    uint32_t got;

    while (!qvirtqueue_get_buf(qts, vq, &got, len)) {
        g_assert_cmpint(g_get_monotonic_time() - start, <=, timeout_us);
        qvirtio_poll_step(qts);
    }
    g_assert_cmpuint(got, ==, desc_idx);
}

void qvirtio_wait_status(QVirtioDevice *d, uint8_t status_bits,
                         gint64 timeout_us)
{
    gint64 start = g_get_monotonic_time();

    while ((qvirtio_get_status(d) & status_bits) != status_bits) {
        g_assert_cmpint(g_get_monotonic_time() - start, <=, timeout_us);
        qvirtio_poll_step(d->qts);
    }
}

/* Rings */

uint64_t qvring_size(uint32_t num)
{
    uint64_t used = QEMU_ALIGN_UP(16 * num + 6 + 2 * num,
                                  QVRING_USED_ALIGN);

    return used + 6 + 8 * num;
}

void qvring_init(QTestState *qts, const QGuestAllocator *alloc,
                 QVirtQueue *vq, uint64_t addr)
{
    uint32_t i;

    vq->desc = addr;
    vq->avail = addr + 16 * vq->size;
    vq->used = QEMU_ALIGN_UP(vq->avail + 6 + 2 * vq->size,
                             QVRING_USED_ALIGN);
    qtest_memset(qts, addr, 0, vq->used + 6 + 8 * vq->size - addr);
    for (i = 0; i < vq->size; i++) {
        /* A free list: each descriptor's next is the following one. */
        qtest_writew(qts, vq->desc + 16 * i + 14, (i + 1) % vq->size);
    }
    vq->free_head = 0;
    vq->num_free = vq->size;
    vq->last_used_idx = 0;
    vq->avail_idx = 0;
}

QVirtQueue *qvirtqueue_setup(QVirtioDevice *d, QGuestAllocator *alloc,
                             uint16_t index)
{
    return d->bus->virtqueue_setup(d, alloc, index);
}

void qvirtqueue_cleanup(const QVirtioBus *bus, QVirtQueue *vq,
                        QGuestAllocator *alloc)
{
    bus->virtqueue_cleanup(vq, alloc);
}

QVRingIndirectDesc *qvring_indirect_desc_setup(QTestState *qts,
                                               QVirtioDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t elem)
{
    QVRingIndirectDesc *indirect = g_new0(QVRingIndirectDesc, 1);
    uint16_t i;

    indirect->index = 0;
    indirect->elem = elem;
    indirect->desc = guest_alloc(alloc, 16 * elem);
    for (i = 0; i < elem; i++) {
        qtest_writeq(qts, indirect->desc + 16 * i, 0);
        qtest_writel(qts, indirect->desc + 16 * i + 8, 0);
        qtest_writew(qts, indirect->desc + 16 * i + 12, 0);
        qtest_writew(qts, indirect->desc + 16 * i + 14, i + 1);
    }
    return indirect;
}

void qvring_indirect_desc_add(QVirtioDevice *d, QTestState *qts,
                              QVRingIndirectDesc *indirect, uint64_t data,
                              uint32_t len, bool write)
{
    uint64_t pa = indirect->desc + 16 * indirect->index;
    uint16_t flags;

    g_assert_cmpint(indirect->index, <, indirect->elem);
    flags = write ? QVRING_DESC_F_WRITE : 0;
    /* Chain to the previous one: it gets NEXT now that we follow it. */
    if (indirect->index) {
        uint64_t prev = pa - 16;

        qtest_writew(qts, prev + 12,
                     qtest_readw(qts, prev + 12) | QVRING_DESC_F_NEXT);
    }
    qtest_writeq(qts, pa, data);
    qtest_writel(qts, pa + 8, len);
    qtest_writew(qts, pa + 12, flags);
    indirect->index++;
}

void qvirtqueue_set_desc(QTestState *qts, QVirtQueue *vq, uint32_t i,
                         uint64_t addr, uint32_t len, uint16_t flags,
                         uint16_t next)
{
    uint64_t pa = vq->desc + 16 * i;

    qtest_writeq(qts, pa, addr);
    qtest_writel(qts, pa + 8, len);
    qtest_writew(qts, pa + 12, flags);
    qtest_writew(qts, pa + 14, next);
}

uint32_t qvirtqueue_add(QTestState *qts, QVirtQueue *vq, uint64_t data,
                        uint32_t len, bool write, bool next)
{
    uint32_t i = vq->free_head;
    uint16_t flags = 0;

    if (write) {
        flags |= QVRING_DESC_F_WRITE;
    }
    if (next) {
        flags |= QVRING_DESC_F_NEXT;
    }
    qvirtqueue_set_desc(qts, vq, i, data, len, flags, (i + 1) % vq->size);
    vq->free_head = (i + 1) % vq->size;
    if (vq->num_free) {
        vq->num_free--;
    }
    return i;
}

uint32_t qvirtqueue_add_indirect(QTestState *qts, QVirtQueue *vq,
                                 QVRingIndirectDesc *indirect)
{
    uint32_t i = vq->free_head;

    g_assert_true(vq->indirect);
    g_assert_cmpint(indirect->index, >, 0);
    qvirtqueue_set_desc(qts, vq, i, indirect->desc, 16 * indirect->index,
                        QVRING_DESC_F_INDIRECT, (i + 1) % vq->size);
    vq->free_head = (i + 1) % vq->size;
    if (vq->num_free) {
        vq->num_free--;
    }
    return i;
}

uint16_t qvirtqueue_publish(QTestState *qts, QVirtQueue *vq,
                            uint32_t free_head)
{
    uint16_t idx = vq->avail_idx;

    qtest_writew(qts, vq->avail + 4 + 2 * (idx % vq->size), free_head);
    vq->avail_idx = idx + 1;
    qtest_writew(qts, vq->avail + 2, vq->avail_idx);
    return vq->avail_idx;
}

/* Is @event_idx in (old, new]? (virtio 1.x 2.7.10) */
static bool qvring_need_event(uint16_t event_idx, uint16_t new_idx,
                              uint16_t old)
{
    return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

void qvirtqueue_kick(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                     uint32_t free_head)
{
    uint16_t new = qvirtqueue_publish(qts, vq, free_head);
    uint16_t old = new - 1;

    if (vq->event) {
        if (!qvring_need_event(qvirtqueue_get_avail_event(qts, vq), new,
                               old)) {
            return;
        }
    } else if (qvirtqueue_get_used_flags(qts, vq) &
               QVRING_USED_F_NO_NOTIFY) {
        return;
    }
    d->bus->virtqueue_kick(d, vq);
}

uint16_t qvirtqueue_get_used_idx(QTestState *qts, QVirtQueue *vq)
{
    return qtest_readw(qts, vq->used + 2);
}

uint16_t qvirtqueue_get_used_flags(QTestState *qts, QVirtQueue *vq)
{
    return qtest_readw(qts, vq->used);
}

uint16_t qvirtqueue_get_avail_event(QTestState *qts, QVirtQueue *vq)
{
    return qtest_readw(qts, vq->used + 4 + 8 * vq->size);
}

bool qvirtqueue_get_buf(QTestState *qts, QVirtQueue *vq, uint32_t *desc_idx,
                        uint32_t *len)
{
    uint64_t elem;

    if (qvirtqueue_get_used_idx(qts, vq) == vq->last_used_idx) {
        return false;
    }
    elem = vq->used + 4 + 8 * (vq->last_used_idx % vq->size);
    if (desc_idx) {
        *desc_idx = qtest_readl(qts, elem);
    }
    if (len) {
        *len = qtest_readl(qts, elem + 4);
    }
    vq->last_used_idx++;
    return true;
}

void qvirtqueue_set_used_event(QTestState *qts, QVirtQueue *vq,
                               uint16_t idx)
{
    g_assert_true(vq->event);
    qtest_writew(qts, vq->avail + 4 + 2 * vq->size, idx);
}

void qvirtqueue_set_avail_flags(QTestState *qts, QVirtQueue *vq,
                                uint16_t flags)
{
    qtest_writew(qts, vq->avail, flags);
}
