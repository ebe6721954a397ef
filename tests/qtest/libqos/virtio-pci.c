/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio-pci: the modern transport's registers, found through its
 * vendor capabilities (see virtio-pci.h).
 */

#include "qemu/osdep.h"
#include "virtio-pci.h"

static QVirtioPCIDevice *to_pci(QVirtioDevice *d)
{
    return container_of(d, QVirtioPCIDevice, vdev);
}

/* Capabilities */

uint8_t qvirtio_pci_find_cap(QVirtioPCIDevice *d, uint8_t cfg_type,
                             uint8_t start)
{
    uint8_t pos = start;

    while ((pos = qpci_find_capability(d->pdev, PCI_CAP_ID_VNDR, pos))) {
        if (qpci_config_readb(d->pdev, pos + VIRTIO_PCI_CAP_CFG_TYPE) ==
            cfg_type) {
            return pos;
        }
    }
    return 0;
}

static void qvirtio_pci_parse_regs(QVirtioPCIDevice *d, uint8_t cfg_type,
                                   QVirtioPCIRegs *regs)
{
    uint8_t pos = qvirtio_pci_find_cap(d, cfg_type, 0);

    g_assert_cmpuint(pos, !=, 0);
    g_assert_cmpuint(qpci_config_readb(d->pdev, pos + VIRTIO_PCI_CAP_LEN),
                     >=, cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16);
    regs->cap = pos;
    regs->bar = qpci_config_readb(d->pdev, pos + VIRTIO_PCI_CAP_BAR);
    regs->offset = qpci_config_readl(d->pdev, pos + VIRTIO_PCI_CAP_OFFSET);
    regs->length = qpci_config_readl(d->pdev, pos + VIRTIO_PCI_CAP_LENGTH);
    g_assert_cmpuint(regs->bar, <, 6);
}

bool qvirtio_pci_find_shm_cap(QVirtioPCIDevice *d, uint8_t id, uint8_t *bar,
                              uint64_t *offset, uint64_t *len)
{
    uint8_t pos = 0;

    while ((pos = qvirtio_pci_find_cap(d, VIRTIO_PCI_CAP_SHARED_MEMORY_CFG,
                                       pos))) {
        QPCIDevice *p = d->pdev;

        if (qpci_config_readb(p, pos + offsetof(struct virtio_pci_cap, id))
            != id) {
            continue;
        }
        g_assert_cmpuint(qpci_config_readb(p, pos + VIRTIO_PCI_CAP_LEN),
                         ==, sizeof(struct virtio_pci_cap64));
        *bar = qpci_config_readb(p, pos + VIRTIO_PCI_CAP_BAR);
        *offset = qpci_config_readl(p, pos + VIRTIO_PCI_CAP_OFFSET) |
                  (uint64_t)qpci_config_readl(p, pos +
                      offsetof(struct virtio_pci_cap64, offset_hi)) << 32;
        *len = qpci_config_readl(p, pos + VIRTIO_PCI_CAP_LENGTH) |
               (uint64_t)qpci_config_readl(p, pos +
                   offsetof(struct virtio_pci_cap64, length_hi)) << 32;
        return true;
    }
    return false;
}

QPCIBar qvirtio_pci_bar(QVirtioPCIDevice *d, int barno)
{
    g_assert(barno >= 0 && barno < 6);
    if (!d->bar_mapped[barno]) {
        d->bars[barno] = qpci_iomap(d->pdev, barno, NULL);
        d->bar_mapped[barno] = true;
    }
    return d->bars[barno];
}

/* Register accessors */

uint8_t qvirtio_pci_common_readb(QVirtioPCIDevice *d, uint32_t off)
{
    return qpci_io_readb(d->pdev, d->bars[d->common.bar],
                         d->common.offset + off);
}

uint16_t qvirtio_pci_common_readw(QVirtioPCIDevice *d, uint32_t off)
{
    return qpci_io_readw(d->pdev, d->bars[d->common.bar],
                         d->common.offset + off);
}

uint32_t qvirtio_pci_common_readl(QVirtioPCIDevice *d, uint32_t off)
{
    return qpci_io_readl(d->pdev, d->bars[d->common.bar],
                         d->common.offset + off);
}

void qvirtio_pci_common_writeb(QVirtioPCIDevice *d, uint32_t off,
                               uint8_t val)
{
    qpci_io_writeb(d->pdev, d->bars[d->common.bar], d->common.offset + off,
                   val);
}

void qvirtio_pci_common_writew(QVirtioPCIDevice *d, uint32_t off,
                               uint16_t val)
{
    qpci_io_writew(d->pdev, d->bars[d->common.bar], d->common.offset + off,
                   val);
}

void qvirtio_pci_common_writel(QVirtioPCIDevice *d, uint32_t off,
                               uint32_t val)
{
    qpci_io_writel(d->pdev, d->bars[d->common.bar], d->common.offset + off,
                   val);
}

uint8_t qvirtio_pci_isr_read(QVirtioPCIDevice *d)
{
    return qpci_io_readb(d->pdev, d->bars[d->isr.bar], d->isr.offset);
}

void qvirtio_pci_notify(QVirtioPCIDevice *d, uint16_t index)
{
    uint16_t noff;

    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_SELECT, index);
    noff = qvirtio_pci_common_readw(d, VIRTIO_PCI_COMMON_Q_NOFF);
    qpci_io_writew(d->pdev, d->bars[d->notify.bar],
                   d->notify.offset + noff * d->notify_off_multiplier,
                   index);
}

/* QVirtioBus */

static uint8_t qvirtio_pci_config_readb(QVirtioDevice *d, uint64_t addr)
{
    QVirtioPCIDevice *dev = to_pci(d);

    return qpci_io_readb(dev->pdev, dev->bars[dev->device.bar],
                         dev->device.offset + addr);
}

static uint16_t qvirtio_pci_config_readw(QVirtioDevice *d, uint64_t addr)
{
    QVirtioPCIDevice *dev = to_pci(d);

    return qpci_io_readw(dev->pdev, dev->bars[dev->device.bar],
                         dev->device.offset + addr);
}

static uint32_t qvirtio_pci_config_readl(QVirtioDevice *d, uint64_t addr)
{
    QVirtioPCIDevice *dev = to_pci(d);

    return qpci_io_readl(dev->pdev, dev->bars[dev->device.bar],
                         dev->device.offset + addr);
}

static uint64_t qvirtio_pci_config_readq(QVirtioDevice *d, uint64_t addr)
{
    /* Two 32-bit reads, as the spec asks for 64-bit fields. */
    return qvirtio_pci_config_readl(d, addr) |
           (uint64_t)qvirtio_pci_config_readl(d, addr + 4) << 32;
}

static uint64_t qvirtio_pci_get_features(QVirtioDevice *d)
{
    QVirtioPCIDevice *dev = to_pci(d);
    uint64_t lo, hi;

    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_DFSELECT, 0);
    lo = qvirtio_pci_common_readl(dev, VIRTIO_PCI_COMMON_DF);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_DFSELECT, 1);
    hi = qvirtio_pci_common_readl(dev, VIRTIO_PCI_COMMON_DF);
    return hi << 32 | lo;
}

static void qvirtio_pci_set_features(QVirtioDevice *d, uint64_t features)
{
    QVirtioPCIDevice *dev = to_pci(d);

    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_GFSELECT, 0);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_GF, features);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_GFSELECT, 1);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_GF, features >> 32);
}

static uint64_t qvirtio_pci_get_guest_features(QVirtioDevice *d)
{
    QVirtioPCIDevice *dev = to_pci(d);
    uint64_t lo, hi;

    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_GFSELECT, 0);
    lo = qvirtio_pci_common_readl(dev, VIRTIO_PCI_COMMON_GF);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_GFSELECT, 1);
    hi = qvirtio_pci_common_readl(dev, VIRTIO_PCI_COMMON_GF);
    return hi << 32 | lo;
}

static uint8_t qvirtio_pci_get_status(QVirtioDevice *d)
{
    return qvirtio_pci_common_readb(to_pci(d), VIRTIO_PCI_COMMON_STATUS);
}

static void qvirtio_pci_set_status(QVirtioDevice *d, uint8_t status)
{
    qvirtio_pci_common_writeb(to_pci(d), VIRTIO_PCI_COMMON_STATUS, status);
}

/* An MSI-X message landed in guest RAM: consume it. */
static bool qvirtio_pci_msix_fired(QVirtioPCIDevice *d, uint64_t addr,
                                   uint32_t data)
{
    QTestState *qts = d->pdev->bus->qts;

    if (qtest_readl(qts, addr) != data) {
        return false;
    }
    qtest_writel(qts, addr, 0);
    return true;
}

static bool qvirtio_pci_get_queue_isr_status(QVirtioDevice *d,
                                             QVirtQueue *vq)
{
    QVirtioPCIDevice *dev = to_pci(d);
    QVirtQueuePCI *vqpci = container_of(vq, QVirtQueuePCI, vq);

    if (dev->msix_enabled && vqpci->msix_entry != VIRTIO_MSI_NO_VECTOR) {
        return qvirtio_pci_msix_fired(dev, vqpci->msix_addr,
                                      vqpci->msix_data);
    }
    return qvirtio_pci_isr_read(dev) & QVIRTIO_PCI_ISR_QUEUE;
}

static bool qvirtio_pci_get_config_isr_status(QVirtioDevice *d)
{
    QVirtioPCIDevice *dev = to_pci(d);

    if (dev->msix_enabled && dev->config_msix_entry != VIRTIO_MSI_NO_VECTOR) {
        return qvirtio_pci_msix_fired(dev, dev->config_msix_addr,
                                      dev->config_msix_data);
    }
    return qvirtio_pci_isr_read(dev) & VIRTIO_PCI_ISR_CONFIG;
}

static void qvirtio_pci_queue_select(QVirtioDevice *d, uint16_t index)
{
    qvirtio_pci_common_writew(to_pci(d), VIRTIO_PCI_COMMON_Q_SELECT, index);
}

static int qvirtio_pci_get_queue_size(QVirtioDevice *d)
{
    return qvirtio_pci_common_readw(to_pci(d), VIRTIO_PCI_COMMON_Q_SIZE);
}

static void qvirtio_pci_set_queue_address(QVirtioDevice *d, QVirtQueue *vq)
{
    QVirtioPCIDevice *dev = to_pci(d);

    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_Q_DESCLO, vq->desc);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_Q_DESCHI,
                              vq->desc >> 32);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_Q_AVAILLO, vq->avail);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_Q_AVAILHI,
                              vq->avail >> 32);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_Q_USEDLO, vq->used);
    qvirtio_pci_common_writel(dev, VIRTIO_PCI_COMMON_Q_USEDHI,
                              vq->used >> 32);
}

static QVirtQueue *qvirtio_pci_virtqueue_setup(QVirtioDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t index)
{
    QVirtioPCIDevice *dev = to_pci(d);
    QVirtQueuePCI *vqpci = g_new0(QVirtQueuePCI, 1);
    QVirtQueue *vq = &vqpci->vq;
    uint64_t features = d->features;

    qvirtio_pci_queue_select(d, index);
    vq->vdev = d;
    vq->index = index;
    vq->size = qvirtio_pci_get_queue_size(d);
    g_assert_cmpuint(vq->size, >, 0);
    vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
    vq->event = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
    vqpci->msix_entry = VIRTIO_MSI_NO_VECTOR;
    vqpci->notify_offset =
        qvirtio_pci_common_readw(dev, VIRTIO_PCI_COMMON_Q_NOFF) *
        dev->notify_off_multiplier;

    vqpci->ring_addr = guest_alloc(alloc, qvring_size(vq->size));
    qvring_init(d->qts, alloc, vq, vqpci->ring_addr);
    qvirtio_pci_set_queue_address(d, vq);
    qvirtio_pci_common_writew(dev, VIRTIO_PCI_COMMON_Q_ENABLE, 1);
    g_assert_cmpuint(qvirtio_pci_common_readw(dev,
                                              VIRTIO_PCI_COMMON_Q_ENABLE),
                     ==, 1);
    return vq;
}

static void qvirtio_pci_virtqueue_cleanup(QVirtQueue *vq,
                                          QGuestAllocator *alloc)
{
    QVirtQueuePCI *vqpci = container_of(vq, QVirtQueuePCI, vq);

    guest_free(alloc, vqpci->ring_addr);
    if (vqpci->msix_addr) {
        guest_free(alloc, vqpci->msix_addr);
    }
    g_free(vqpci);
}

static void qvirtio_pci_virtqueue_kick(QVirtioDevice *d, QVirtQueue *vq)
{
    QVirtioPCIDevice *dev = to_pci(d);
    QVirtQueuePCI *vqpci = container_of(vq, QVirtQueuePCI, vq);

    qpci_io_writew(dev->pdev, dev->bars[dev->notify.bar],
                   dev->notify.offset + vqpci->notify_offset, vq->index);
}

const QVirtioBus qvirtio_pci = {
    .config_readb = qvirtio_pci_config_readb,
    .config_readw = qvirtio_pci_config_readw,
    .config_readl = qvirtio_pci_config_readl,
    .config_readq = qvirtio_pci_config_readq,
    .get_features = qvirtio_pci_get_features,
    .set_features = qvirtio_pci_set_features,
    .get_guest_features = qvirtio_pci_get_guest_features,
    .get_status = qvirtio_pci_get_status,
    .set_status = qvirtio_pci_set_status,
    .get_queue_isr_status = qvirtio_pci_get_queue_isr_status,
    .get_config_isr_status = qvirtio_pci_get_config_isr_status,
    .queue_select = qvirtio_pci_queue_select,
    .get_queue_size = qvirtio_pci_get_queue_size,
    .set_queue_address = qvirtio_pci_set_queue_address,
    .virtqueue_setup = qvirtio_pci_virtqueue_setup,
    .virtqueue_cleanup = qvirtio_pci_virtqueue_cleanup,
    .virtqueue_kick = qvirtio_pci_virtqueue_kick,
};

/* Devices */

QVirtioPCIDevice *qvirtio_pci_device_new(QPCIDevice *pdev)
{
    QVirtioPCIDevice *d = g_new0(QVirtioPCIDevice, 1);
    uint16_t device_id = qpci_config_readw(pdev, PCI_DEVICE_ID);
    uint8_t notify_cap;

    g_assert_cmphex(qpci_config_readw(pdev, PCI_VENDOR_ID), ==,
                    QVIRTIO_PCI_VENDOR_ID);
    g_assert_cmphex(device_id, >=, QVIRTIO_PCI_TRANS_ID_FIRST);
    d->pdev = pdev;
    d->vdev.bus = &qvirtio_pci;
    d->vdev.qts = pdev->bus->qts;
    if (device_id >= QVIRTIO_PCI_DEVICE_ID_BASE) {
        d->vdev.device_type = device_id - QVIRTIO_PCI_DEVICE_ID_BASE;
    } else {
        g_assert_cmphex(device_id, <=, QVIRTIO_PCI_TRANS_ID_LAST);
        d->vdev.device_type = qpci_config_readw(pdev, PCI_SUBSYSTEM_ID);
    }
    d->config_msix_entry = VIRTIO_MSI_NO_VECTOR;

    qvirtio_pci_parse_regs(d, VIRTIO_PCI_CAP_COMMON_CFG, &d->common);
    qvirtio_pci_parse_regs(d, VIRTIO_PCI_CAP_NOTIFY_CFG, &d->notify);
    qvirtio_pci_parse_regs(d, VIRTIO_PCI_CAP_ISR_CFG, &d->isr);
    qvirtio_pci_parse_regs(d, VIRTIO_PCI_CAP_DEVICE_CFG, &d->device);
    notify_cap = d->notify.cap;
    d->notify_off_multiplier =
        qpci_config_readl(pdev, notify_cap + VIRTIO_PCI_NOTIFY_CAP_MULT);
    d->msix_cap = qpci_find_capability(pdev, PCI_CAP_ID_MSIX, 0);
    return d;
}

typedef struct FindCtx {
    uint16_t device_type;
    QPCIDevice *found;
    QPCIDevice *transitional;
} FindCtx;

static void find_one(QPCIDevice *dev, int devfn, void *data)
{
    FindCtx *ctx = data;
    uint16_t id = qpci_config_readw(dev, PCI_DEVICE_ID);

    if (!ctx->found && id == QVIRTIO_PCI_DEVICE_ID_BASE + ctx->device_type) {
        ctx->found = dev;
    } else if (!ctx->transitional && id >= QVIRTIO_PCI_TRANS_ID_FIRST &&
               id <= QVIRTIO_PCI_TRANS_ID_LAST &&
               qpci_config_readw(dev, PCI_SUBSYSTEM_ID) ==
               ctx->device_type) {
        ctx->transitional = dev;
    } else {
        g_free(dev);
    }
}

QVirtioPCIDevice *qvirtio_pci_device_find(QPCIBus *bus, uint16_t device_type)
{
    FindCtx ctx = { .device_type = device_type };

    qpci_device_foreach(bus, QVIRTIO_PCI_VENDOR_ID, -1, find_one, &ctx);
    if (ctx.found) {
        g_free(ctx.transitional);
        return qvirtio_pci_device_new(ctx.found);
    }
    return ctx.transitional ? qvirtio_pci_device_new(ctx.transitional)
                            : NULL;
}

void qvirtio_pci_device_free(QVirtioPCIDevice *d)
{
    if (d) {
        g_free(d->pdev);
        g_free(d);
    }
}

void qvirtio_pci_device_enable(QVirtioPCIDevice *d)
{
    qvirtio_pci_bar(d, d->common.bar);
    qvirtio_pci_bar(d, d->notify.bar);
    qvirtio_pci_bar(d, d->isr.bar);
    qvirtio_pci_bar(d, d->device.bar);
    qpci_device_enable(d->pdev);
}

void qvirtio_pci_device_disable(QVirtioPCIDevice *d)
{
    qpci_config_writew(d->pdev, PCI_COMMAND, 0);
}

/* MSI-X */

void qvirtio_pci_enable_msix(QVirtioPCIDevice *d)
{
    uint16_t ctrl;
    uint32_t table;

    g_assert_cmpuint(d->msix_cap, !=, 0);
    ctrl = qpci_config_readw(d->pdev, d->msix_cap + PCI_MSIX_FLAGS);
    d->msix_nvec = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
    table = qpci_config_readl(d->pdev, d->msix_cap + PCI_MSIX_TABLE);
    d->msix_table = qvirtio_pci_bar(d, table & PCI_MSIX_TABLE_BIR);
    d->msix_table.addr += table & ~PCI_MSIX_TABLE_BIR;
    qpci_config_writew(d->pdev, d->msix_cap + PCI_MSIX_FLAGS,
                       (ctrl | PCI_MSIX_FLAGS_ENABLE) &
                       ~PCI_MSIX_FLAGS_MASKALL);
    /* Mapping a new BAR needs decoding on again. */
    qpci_device_enable(d->pdev);
    d->msix_enabled = true;
}

void qvirtio_pci_disable_msix(QVirtioPCIDevice *d)
{
    uint16_t ctrl;

    g_assert_cmpuint(d->msix_cap, !=, 0);
    ctrl = qpci_config_readw(d->pdev, d->msix_cap + PCI_MSIX_FLAGS);
    qpci_config_writew(d->pdev, d->msix_cap + PCI_MSIX_FLAGS,
                       ctrl & ~PCI_MSIX_FLAGS_ENABLE);
    d->msix_enabled = false;
}

void qvirtio_pci_msix_entry_set(QVirtioPCIDevice *d, uint16_t entry,
                                uint64_t addr, uint32_t data)
{
    uint64_t off = entry * PCI_MSIX_ENTRY_SIZE;

    g_assert_true(d->msix_enabled);
    g_assert_cmpuint(entry, <, d->msix_nvec);
    qpci_io_writel(d->pdev, d->msix_table, off + PCI_MSIX_ENTRY_LOWER_ADDR,
                   addr);
    qpci_io_writel(d->pdev, d->msix_table, off + PCI_MSIX_ENTRY_UPPER_ADDR,
                   addr >> 32);
    qpci_io_writel(d->pdev, d->msix_table, off + PCI_MSIX_ENTRY_DATA, data);
    qpci_io_writel(d->pdev, d->msix_table, off + PCI_MSIX_ENTRY_VECTOR_CTRL,
                   qpci_io_readl(d->pdev, d->msix_table,
                                 off + PCI_MSIX_ENTRY_VECTOR_CTRL) &
                   ~PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

void qvirtio_pci_queue_vector_resets(QVirtioPCIDevice *d, uint16_t queue)
{
    uint64_t status_addr;

    qvirtio_pci_enable_msix(d);
    status_addr = qvirtio_pci_bar(d, d->common.bar).addr + d->common.offset +
                  VIRTIO_PCI_COMMON_STATUS;
    qvirtio_pci_msix_entry_set(d, 0, status_addr, 0);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_SELECT, queue);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_MSIX, 0);
    g_assert_cmpuint(qvirtio_pci_common_readw(d, VIRTIO_PCI_COMMON_Q_MSIX),
                     ==, 0);
}

uint64_t qvirtio_pci_msix_entry_setup(QVirtioPCIDevice *d,
                                      QGuestAllocator *alloc,
                                      uint16_t entry, uint32_t *data)
{
    uint64_t addr = guest_alloc(alloc, 4);

    *data = 0x5a5a0000 | entry;
    qtest_writel(d->pdev->bus->qts, addr, 0);
    qvirtio_pci_msix_entry_set(d, entry, addr, *data);
    return addr;
}

void qvirtio_pci_set_msix_configuration_vector(QVirtioPCIDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t entry)
{
    d->config_msix_entry = entry;
    d->config_msix_addr = qvirtio_pci_msix_entry_setup(d, alloc, entry,
                                                       &d->config_msix_data);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_MSIX, entry);
    g_assert_cmphex(qvirtio_pci_common_readw(d, VIRTIO_PCI_COMMON_MSIX), ==,
                    entry);
}

void qvirtqueue_pci_msix_setup(QVirtioPCIDevice *d, QVirtQueuePCI *vqpci,
                               QGuestAllocator *alloc, uint16_t entry)
{
    vqpci->msix_entry = entry;
    vqpci->msix_addr = qvirtio_pci_msix_entry_setup(d, alloc, entry,
                                                    &vqpci->msix_data);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_SELECT,
                              vqpci->vq.index);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_MSIX, entry);
    g_assert_cmphex(qvirtio_pci_common_readw(d, VIRTIO_PCI_COMMON_Q_MSIX),
                    ==, entry);
}
