/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio: status, features and split virtqueues driven from the
 * test through qtest memory accesses (see virtio.h).
 *
 * Ring layout of a queue of n entries, as qvring_init() places it (the
 * legacy layout of <linux/virtio_ring.h>'s vring_init()):
 *   desc   at addr, 16 * n bytes
 *   avail  right after, 4 + 2 * n + 2 bytes (used_event last)
 *   used   at the next 4 KiB boundary, 4 + 8 * n + 2 bytes (avail_event)
 * Field offsets are those of Linux's struct vring_desc, vring_avail,
 * vring_used and vring_used_elem.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "virtio.h"

#define QVRING_USED_ALIGN       4096

#define DESC_SIZE               sizeof(struct vring_desc)
#define DESC_ADDR               offsetof(struct vring_desc, addr)
#define DESC_LEN                offsetof(struct vring_desc, len)
#define DESC_FLAGS              offsetof(struct vring_desc, flags)
#define DESC_NEXT               offsetof(struct vring_desc, next)

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
                          VIRTIO_CONFIG_S_FEATURES_OK);
    d->features_negotiated =
        !!(d->bus->get_status(d) & VIRTIO_CONFIG_S_FEATURES_OK);
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
                          VIRTIO_CONFIG_S_ACKNOWLEDGE);
    g_assert_cmphex(d->bus->get_status(d), ==, VIRTIO_CONFIG_S_ACKNOWLEDGE);
}

void qvirtio_set_driver(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) | VIRTIO_CONFIG_S_DRIVER);
    g_assert_cmphex(d->bus->get_status(d), ==,
                    VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_ACKNOWLEDGE);
}

void qvirtio_set_driver_ok(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) |
                          VIRTIO_CONFIG_S_DRIVER_OK);
    g_assert_cmphex(d->bus->get_status(d) & ~VIRTIO_CONFIG_S_NEEDS_RESET,
                    ==, VIRTIO_CONFIG_S_DRIVER_OK |
                    VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_ACKNOWLEDGE |
                    VIRTIO_CONFIG_S_FEATURES_OK);
}

uint64_t qvirtio_start_device(QVirtioDevice *d, uint64_t features)
{
    uint64_t offered;

    qvirtio_reset(d);
    qvirtio_set_acknowledge(d);
    qvirtio_set_driver(d);
    offered = qvirtio_get_features(d);
    features = (features | (1ULL << VIRTIO_F_VERSION_1)) & offered;
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
    return vring_size(num, QVRING_USED_ALIGN);
}

void qvring_init(QTestState *qts, const QGuestAllocator *alloc,
                 QVirtQueue *vq, uint64_t addr)
{
    g_autofree uint8_t *ring = NULL;
    size_t len;
    uint32_t i;

    vq->desc = addr;
    vq->avail = addr + DESC_SIZE * vq->size;
    /* used_event ends the available ring. */
    vq->used = QEMU_ALIGN_UP(vq->avail +
                             offsetof(struct vring_avail, ring[vq->size]) + 2,
                             QVRING_USED_ALIGN);
    /* All zero but a free list, written at once: one qtest message. */
    len = qvring_size(vq->size);
    ring = g_malloc0(len);
    for (i = 0; i < vq->size; i++) {
        /* A free list: each descriptor's next is the following one. */
        stw_le_p(ring + DESC_SIZE * i + DESC_NEXT, (i + 1) % vq->size);
    }
    qtest_bufwrite(qts, addr, ring, len);
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
    indirect->desc = guest_alloc(alloc, DESC_SIZE * elem);
    for (i = 0; i < elem; i++) {
        uint64_t pa = indirect->desc + DESC_SIZE * i;

        qtest_writeq(qts, pa + DESC_ADDR, 0);
        qtest_writel(qts, pa + DESC_LEN, 0);
        qtest_writew(qts, pa + DESC_FLAGS, 0);
        qtest_writew(qts, pa + DESC_NEXT, i + 1);
    }
    return indirect;
}

void qvring_indirect_desc_add(QVirtioDevice *d, QTestState *qts,
                              QVRingIndirectDesc *indirect, uint64_t data,
                              uint32_t len, bool write)
{
    uint64_t pa = indirect->desc + DESC_SIZE * indirect->index;
    uint16_t flags;

    g_assert_cmpint(indirect->index, <, indirect->elem);
    flags = write ? VRING_DESC_F_WRITE : 0;
    /* Chain to the previous one: it gets NEXT now that we follow it. */
    if (indirect->index) {
        uint64_t prev = pa - DESC_SIZE;

        qtest_writew(qts, prev + DESC_FLAGS,
                     qtest_readw(qts, prev + DESC_FLAGS) | VRING_DESC_F_NEXT);
    }
    qtest_writeq(qts, pa + DESC_ADDR, data);
    qtest_writel(qts, pa + DESC_LEN, len);
    qtest_writew(qts, pa + DESC_FLAGS, flags);
    indirect->index++;
}

void qvirtqueue_set_desc(QTestState *qts, QVirtQueue *vq, uint32_t i,
                         uint64_t addr, uint32_t len, uint16_t flags,
                         uint16_t next)
{
    uint64_t pa = vq->desc + DESC_SIZE * i;

    qtest_writeq(qts, pa + DESC_ADDR, addr);
    qtest_writel(qts, pa + DESC_LEN, len);
    qtest_writew(qts, pa + DESC_FLAGS, flags);
    qtest_writew(qts, pa + DESC_NEXT, next);
}

uint32_t qvirtqueue_add(QTestState *qts, QVirtQueue *vq, uint64_t data,
                        uint32_t len, bool write, bool next)
{
    uint32_t i = vq->free_head;
    uint16_t flags = 0;

    if (write) {
        flags |= VRING_DESC_F_WRITE;
    }
    if (next) {
        flags |= VRING_DESC_F_NEXT;
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
    qvirtqueue_set_desc(qts, vq, i, indirect->desc,
                        DESC_SIZE * indirect->index,
                        VRING_DESC_F_INDIRECT, (i + 1) % vq->size);
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

    qtest_writew(qts, vq->avail +
                 offsetof(struct vring_avail, ring[idx % vq->size]),
                 free_head);
    vq->avail_idx = idx + 1;
    qtest_writew(qts, vq->avail + offsetof(struct vring_avail, idx),
                 vq->avail_idx);
    return vq->avail_idx;
}

void qvirtqueue_kick(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                     uint32_t free_head)
{
    uint16_t new = qvirtqueue_publish(qts, vq, free_head);
    uint16_t old = new - 1;

    if (vq->event) {
        if (!vring_need_event(qvirtqueue_get_avail_event(qts, vq), new,
                              old)) {
            return;
        }
    } else if (qvirtqueue_get_used_flags(qts, vq) &
               VRING_USED_F_NO_NOTIFY) {
        return;
    }
    d->bus->virtqueue_kick(d, vq);
}

uint16_t qvirtqueue_get_used_idx(QTestState *qts, QVirtQueue *vq)
{
    return qtest_readw(qts, vq->used + offsetof(struct vring_used, idx));
}

uint16_t qvirtqueue_get_used_flags(QTestState *qts, QVirtQueue *vq)
{
    return qtest_readw(qts, vq->used + offsetof(struct vring_used, flags));
}

uint16_t qvirtqueue_get_avail_event(QTestState *qts, QVirtQueue *vq)
{
    /* The field after the last used element. */
    return qtest_readw(qts, vq->used +
                       offsetof(struct vring_used, ring[vq->size]));
}

bool qvirtqueue_get_buf(QTestState *qts, QVirtQueue *vq, uint32_t *desc_idx,
                        uint32_t *len)
{
    uint64_t elem;

    if (qvirtqueue_get_used_idx(qts, vq) == vq->last_used_idx) {
        return false;
    }
    elem = vq->used +
           offsetof(struct vring_used, ring[vq->last_used_idx % vq->size]);
    if (desc_idx) {
        *desc_idx = qtest_readl(qts,
                                elem + offsetof(struct vring_used_elem, id));
    }
    if (len) {
        *len = qtest_readl(qts, elem + offsetof(struct vring_used_elem, len));
    }
    vq->last_used_idx++;
    return true;
}

void qvirtqueue_set_used_event(QTestState *qts, QVirtQueue *vq,
                               uint16_t idx)
{
    g_assert_true(vq->event);
    /* The field after the last available entry. */
    qtest_writew(qts, vq->avail +
                 offsetof(struct vring_avail, ring[vq->size]), idx);
}

void qvirtqueue_set_avail_flags(QTestState *qts, QVirtQueue *vq,
                                uint16_t flags)
{
    qtest_writew(qts, vq->avail + offsetof(struct vring_avail, flags),
                 flags);
}
