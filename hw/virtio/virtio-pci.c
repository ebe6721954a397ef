/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-pci: the modern virtio 1.x PCI transport (virtio 1.x 4.1).
 *
 * The proxy function carries one VirtIODevice on its virtio bus.  When
 * the device is plugged (end of its realize) the proxy takes its PCI
 * device id from the virtio id, builds the modern BAR (common cfg, ISR,
 * device cfg and notify areas, 4 KiB each), announces them with vendor
 * capabilities and sets up MSI-X with one vector per queue plus one for
 * config changes.  Without MSI-X the device uses INTx, which follows the
 * ISR: asserted while it is nonzero, dropped by reading it.
 *
 * A queue notification (a write to the queue's doorbell) runs the queue's
 * handler from within the MMIO write, as in QEMU without ioeventfd (TCG,
 * qtest).  See docs/devel/virtio.md.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"

#define VIRTIO_PCI_REVISION     1

static VirtIODevice *virtio_pci_get_vdev(VirtIOPCIProxy *proxy)
{
    return virtio_bus_get_device(&proxy->bus.parent_obj);
}

/* Interrupts */

static void virtio_pci_notify(DeviceState *d, uint16_t vector)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(d);
    PCIDevice *pdev = &proxy->pci_dev;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);

    if (msix_enabled(pdev)) {
        if (vector != VIRTIO_MSI_NO_VECTOR) {
            msix_notify(pdev, vector);
        }
    } else {
        pci_set_irq(pdev, vdev && vdev->isr);
    }
}

/*
 * The driver maps config or a queue to MSI-X @vector (was @old).  A
 * vector the function does not have reads back as NO_VECTOR, which is
 * how the spec lets the driver see the mapping failed.
 */
static uint16_t virtio_pci_vector_assign(VirtIOPCIProxy *proxy,
                                         uint16_t old, uint16_t vector)
{
    PCIDevice *pdev = &proxy->pci_dev;

    if (old != VIRTIO_MSI_NO_VECTOR && msix_present(pdev)) {
        msix_vector_unuse(pdev, old);
    }
    if (vector == VIRTIO_MSI_NO_VECTOR) {
        return vector;
    }
    if (!msix_present(pdev) || vector >= proxy->nvectors ||
        msix_vector_use(pdev, vector) < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: MSI-X vector %u out of range "
                      "(%u vectors)\n", __func__, vector, proxy->nvectors);
        return VIRTIO_MSI_NO_VECTOR;
    }
    return vector;
}

/* Forget what the driver programmed (device reset). */
static void virtio_pci_reset_proxy_state(VirtIOPCIProxy *proxy)
{
    int i;

    proxy->dfselect = 0;
    proxy->gfselect = 0;
    proxy->guest_features[0] = 0;
    proxy->guest_features[1] = 0;
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        memset(&proxy->vqs[i], 0, sizeof(proxy->vqs[i]));
    }
    if (msix_present(&proxy->pci_dev)) {
        msix_unuse_all_vectors(&proxy->pci_dev);
    }
}

/*
 * Every region of the modern BAR is little-endian and takes accesses of
 * 1 to 4 bytes.
 */
#define VIRTIO_PCI_REGION_OPS(_read, _write) {                          \
    .read = (_read),                                                    \
    .write = (_write),                                                  \
    .endianness = DEVICE_LITTLE_ENDIAN,                                 \
    .valid = {                                                          \
        .min_access_size = 1,                                           \
        .max_access_size = 4,                                           \
    },                                                                  \
    .impl = {                                                           \
        .min_access_size = 1,                                           \
        .max_access_size = 4,                                           \
    },                                                                  \
}

/* Common configuration */

static uint64_t virtio_pci_common_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);
    uint16_t sel;

    if (!vdev) {
        return 0;
    }
    sel = vdev->queue_sel;
    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        return proxy->dfselect;
    case VIRTIO_PCI_COMMON_DF:
        if (proxy->dfselect <= 1) {
            return vdev->host_features >> (32 * proxy->dfselect);
        }
        return 0;
    case VIRTIO_PCI_COMMON_GFSELECT:
        return proxy->gfselect;
    case VIRTIO_PCI_COMMON_GF:
        if (proxy->gfselect <= 1) {
            return proxy->guest_features[proxy->gfselect];
        }
        return 0;
    case VIRTIO_PCI_COMMON_MSIX:
        return vdev->config_vector;
    case VIRTIO_PCI_COMMON_NUMQ:
        return virtio_get_num_queues(vdev);
    case VIRTIO_PCI_COMMON_STATUS:
        return vdev->status;
    case VIRTIO_PCI_COMMON_CFGGENERATION:
        return vdev->generation & 0xff;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        return sel;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        return virtio_queue_get_num(vdev, sel);
    case VIRTIO_PCI_COMMON_Q_MSIX:
        return virtio_queue_vector(vdev, sel);
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        return virtio_queue_enabled(vdev, sel);
    case VIRTIO_PCI_COMMON_Q_NOFF:
        /* The doorbell of queue n is at notify + n * multiplier. */
        return sel;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        return proxy->vqs[sel].desc[0];
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        return proxy->vqs[sel].desc[1];
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        return proxy->vqs[sel].avail[0];
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        return proxy->vqs[sel].avail[1];
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        return proxy->vqs[sel].used[0];
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        return proxy->vqs[sel].used[1];
    case VIRTIO_PCI_COMMON_Q_NDATA:
        return 0;
    case VIRTIO_PCI_COMMON_Q_RESET:
        return proxy->vqs[sel].reset;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad offset 0x%" HWADDR_PRIx
                      "\n", __func__, addr);
        return 0;
    }
}

static void virtio_pci_write_status(VirtIOPCIProxy *proxy,
                                    VirtIODevice *vdev, uint8_t val)
{
    if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        uint64_t features = (uint64_t)proxy->guest_features[1] << 32 |
                            proxy->guest_features[0];

        /* Bits we did not offer: the driver reads FEATURES_OK clear. */
        if (virtio_set_features(vdev, features) < 0) {
            val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
    }
    virtio_set_status(vdev, val);
    if (val == 0) {
        virtio_pci_reset_proxy_state(proxy);
        /* virtio_reset() dropped the ISR: drop INTx with it. */
        pci_set_irq(&proxy->pci_dev, 0);
    }
}

static bool virtio_pci_queue_writable(VirtIODevice *vdev, uint16_t sel)
{
    if (virtio_queue_enabled(vdev, sel)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: queue %u is enabled: its "
                      "configuration is read-only\n", __func__, sel);
        return false;
    }
    return true;
}

static void virtio_pci_queue_enable(VirtIOPCIProxy *proxy,
                                    VirtIODevice *vdev, uint16_t sel)
{
    VirtIOPCIQueue *q = &proxy->vqs[sel];

    if (!virtio_queue_get_max_num(vdev, sel)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: queue %u does not exist\n",
                      __func__, sel);
        return;
    }
    virtio_queue_set_num(vdev, sel, q->num);
    virtio_queue_set_rings(vdev, sel,
                           (uint64_t)q->desc[1] << 32 | q->desc[0],
                           (uint64_t)q->avail[1] << 32 | q->avail[0],
                           (uint64_t)q->used[1] << 32 | q->used[0]);
    virtio_queue_enable(vdev, sel);
    q->enabled = virtio_queue_enabled(vdev, sel);
    q->reset = 0;
}

static void virtio_pci_queue_reset(VirtIOPCIProxy *proxy,
                                   VirtIODevice *vdev, uint16_t sel)
{
    uint16_t vector = virtio_queue_vector(vdev, sel);

    if (!virtio_vdev_has_feature(vdev, VIRTIO_F_RING_RESET)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: queue_reset without "
                      "VIRTIO_F_RING_RESET\n", __func__);
        return;
    }
    if (!virtio_queue_get_max_num(vdev, sel)) {
        return;
    }
    virtio_queue_reset(vdev, sel);
    virtio_pci_vector_assign(proxy, vector, VIRTIO_MSI_NO_VECTOR);
    memset(&proxy->vqs[sel], 0, sizeof(proxy->vqs[sel]));
    proxy->vqs[sel].reset = 1;
}

static void virtio_pci_common_write(void *opaque, hwaddr addr,
                                    uint64_t val, unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);
    uint16_t sel;

    if (!vdev) {
        return;
    }
    sel = vdev->queue_sel;
    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        proxy->dfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GFSELECT:
        proxy->gfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GF:
        if (proxy->gfselect <= 1) {
            proxy->guest_features[proxy->gfselect] = val;
        }
        break;
    case VIRTIO_PCI_COMMON_MSIX:
        vdev->config_vector = virtio_pci_vector_assign(proxy,
                                                       vdev->config_vector,
                                                       val);
        break;
    case VIRTIO_PCI_COMMON_STATUS:
        virtio_pci_write_status(proxy, vdev, val & 0xff);
        break;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        if (val < VIRTIO_QUEUE_MAX) {
            vdev->queue_sel = val;
        } else {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: queue_select %" PRIu64
                          " out of range\n", __func__, val);
        }
        break;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        if (virtio_pci_queue_writable(vdev, sel)) {
            virtio_queue_set_num(vdev, sel, val);
            proxy->vqs[sel].num = virtio_queue_get_num(vdev, sel);
        }
        break;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        if (virtio_queue_get_max_num(vdev, sel)) {
            virtio_queue_set_vector(vdev, sel,
                virtio_pci_vector_assign(proxy,
                                         virtio_queue_vector(vdev, sel),
                                         val));
        }
        break;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        if (val == 1) {
            if (virtio_pci_queue_writable(vdev, sel)) {
                virtio_pci_queue_enable(proxy, vdev, sel);
            }
        } else {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: queue_enable written with "
                          "%" PRIu64 "\n", __func__, val);
        }
        break;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
    case VIRTIO_PCI_COMMON_Q_DESCHI:
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
    case VIRTIO_PCI_COMMON_Q_USEDLO:
    case VIRTIO_PCI_COMMON_Q_USEDHI: {
        VirtIOPCIQueue *q = &proxy->vqs[sel];
        uint32_t *fields[] = { q->desc, q->avail, q->used };
        unsigned idx = (addr - VIRTIO_PCI_COMMON_Q_DESCLO) / 4;

        if (virtio_pci_queue_writable(vdev, sel)) {
            fields[idx / 2][idx % 2] = val;
        }
        break;
    }
    case VIRTIO_PCI_COMMON_Q_RESET:
        if (val == 1) {
            virtio_pci_queue_reset(proxy, vdev, sel);
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad offset 0x%" HWADDR_PRIx
                      " (read-only or reserved)\n", __func__, addr);
        break;
    }
}

static const MemoryRegionOps virtio_pci_common_ops =
    VIRTIO_PCI_REGION_OPS(virtio_pci_common_read, virtio_pci_common_write);

/* ISR status: reading returns the pending causes and clears them. */

static uint64_t virtio_pci_isr_read(void *opaque, hwaddr addr,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);
    uint8_t val;

    if (!vdev || addr) {
        return 0;
    }
    val = vdev->isr;
    vdev->isr = 0;
    pci_irq_deassert(&proxy->pci_dev);
    return val;
}

static void virtio_pci_isr_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s: ISR is read-only\n", __func__);
}

static const MemoryRegionOps virtio_pci_isr_ops =
    VIRTIO_PCI_REGION_OPS(virtio_pci_isr_read, virtio_pci_isr_write);

/* Device-specific configuration */

static uint64_t virtio_pci_device_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);

    if (!vdev) {
        return 0;
    }
    switch (size) {
    case 1:
        return virtio_config_modern_readb(vdev, addr);
    case 2:
        return virtio_config_modern_readw(vdev, addr);
    default:
        return virtio_config_modern_readl(vdev, addr);
    }
}

static void virtio_pci_device_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);

    if (!vdev) {
        return;
    }
    switch (size) {
    case 1:
        virtio_config_modern_writeb(vdev, addr, val);
        break;
    case 2:
        virtio_config_modern_writew(vdev, addr, val);
        break;
    default:
        virtio_config_modern_writel(vdev, addr, val);
        break;
    }
}

static const MemoryRegionOps virtio_pci_device_ops =
    VIRTIO_PCI_REGION_OPS(virtio_pci_device_read, virtio_pci_device_write);

/* Notifications */

static uint64_t virtio_pci_notify_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    return 0;
}

static void virtio_pci_notify_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);
    unsigned queue = addr / VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER;

    if (!vdev || queue >= VIRTIO_QUEUE_MAX ||
        !virtio_queue_get_max_num(vdev, queue)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: notify of nonexistent queue "
                      "(offset 0x%" HWADDR_PRIx ")\n", __func__, addr);
        return;
    }
    /*
     * At once, as QEMU does without ioeventfd: the value is ignored, the
     * address names the queue.  Handlers that defer work schedule their
     * own bottom half (virtio-gpu's ctrl_bh), so a driver that polls the
     * used ring after its doorbell sees the work done one main loop
     * iteration later, not two.
     */
    virtio_queue_notify(vdev, queue);
}

static const MemoryRegionOps virtio_pci_notify_ops =
    VIRTIO_PCI_REGION_OPS(virtio_pci_notify_read, virtio_pci_notify_write);

/*
 * The PCI configuration access capability (VIRTIO_PCI_CAP_PCI_CFG): the
 * driver picks bar, offset and length (1, 2 or 4) in the capability, then
 * reads or writes pci_cfg_data to access the modern BAR through config
 * space.  Only the modern BAR is reachable; anything else reads 0 and
 * ignores writes.
 */
static const MemoryRegionOps *virtio_pci_cfg_region(VirtIOPCIProxy *proxy,
                                                    uint32_t *off,
                                                    uint32_t *len)
{
    static const MemoryRegionOps *const ops[] = {
        &virtio_pci_common_ops, &virtio_pci_isr_ops,
        &virtio_pci_device_ops, &virtio_pci_notify_ops,
    };
    uint8_t *cap = proxy->pci_dev.config + proxy->cfg_cap;

    *off = pci_get_long(cap + VIRTIO_PCI_CAP_OFFSET);
    *len = pci_get_long(cap + VIRTIO_PCI_CAP_LENGTH);
    if (cap[VIRTIO_PCI_CAP_BAR] != proxy->modern_mem_bar_idx ||
        (*len != 1 && *len != 2 && *len != 4) || *off % *len ||
        *off >= VIRTIO_PCI_MODERN_BAR_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad window: bar %u offset 0x%x "
                      "length %u\n", __func__, cap[VIRTIO_PCI_CAP_BAR], *off,
                      *len);
        return NULL;
    }
    return ops[*off / VIRTIO_PCI_REGION_SIZE];
}

static bool virtio_pci_cfg_data_hit(VirtIOPCIProxy *proxy, uint32_t addr,
                                    int len)
{
    uint32_t data = proxy->cfg_cap +
                    offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);

    return proxy->cfg_cap && addr < data + 4 && addr + len > data;
}

static uint32_t virtio_pci_config_read(PCIDevice *pdev, uint32_t addr,
                                       int len)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pdev);

    if (virtio_pci_cfg_data_hit(proxy, addr, len)) {
        const MemoryRegionOps *ops;
        uint32_t off, size;
        uint64_t val = 0;

        ops = virtio_pci_cfg_region(proxy, &off, &size);
        if (ops) {
            val = ops->read(proxy, off % VIRTIO_PCI_REGION_SIZE, size);
        }
        pci_set_long(pdev->config + proxy->cfg_cap +
                     offsetof(struct virtio_pci_cfg_cap, pci_cfg_data), val);
    }
    return pci_default_read_config(pdev, addr, len);
}

static void virtio_pci_config_write(PCIDevice *pdev, uint32_t addr,
                                    uint32_t val, int len)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pdev);

    pci_default_write_config(pdev, addr, val, len);
    if (virtio_pci_cfg_data_hit(proxy, addr, len)) {
        const MemoryRegionOps *ops;
        uint32_t off, size;

        ops = virtio_pci_cfg_region(proxy, &off, &size);
        if (ops) {
            uint32_t data = pci_get_long(pdev->config + proxy->cfg_cap +
                offsetof(struct virtio_pci_cfg_cap, pci_cfg_data));

            ops->write(proxy, off % VIRTIO_PCI_REGION_SIZE,
                       data & (size == 4 ? 0xffffffff : (1u << 8 * size) - 1),
                       size);
        }
    }
}

/* Capabilities */

/*
 * Add a vendor capability of @cap_len bytes (16, 20 or 24) describing
 * [@offset, @offset + @length) of BAR @bar; returns its config offset or
 * -errno.
 */
static int virtio_pci_add_vendor_cap(VirtIOPCIProxy *proxy, uint8_t cfg_type,
                                     uint8_t cap_len, uint8_t bar, uint8_t id,
                                     uint64_t offset, uint64_t length,
                                     Error **errp)
{
    PCIDevice *pdev = &proxy->pci_dev;
    uint8_t *cap;
    int pos;

    pos = pci_add_capability(pdev, PCI_CAP_ID_VNDR, 0, cap_len, errp);
    if (pos < 0) {
        return pos;
    }
    cap = pdev->config + pos;
    memset(cap + VIRTIO_PCI_CAP_LEN, 0, cap_len - VIRTIO_PCI_CAP_LEN);
    cap[VIRTIO_PCI_CAP_LEN] = cap_len;
    cap[VIRTIO_PCI_CAP_CFG_TYPE] = cfg_type;
    cap[VIRTIO_PCI_CAP_BAR] = bar;
    cap[offsetof(struct virtio_pci_cap, id)] = id;
    pci_set_long(cap + VIRTIO_PCI_CAP_OFFSET, offset);
    pci_set_long(cap + VIRTIO_PCI_CAP_LENGTH, length);
    if (cap_len >= sizeof(struct virtio_pci_cap64)) {
        pci_set_long(cap + offsetof(struct virtio_pci_cap64, offset_hi),
                     offset >> 32);
        pci_set_long(cap + offsetof(struct virtio_pci_cap64, length_hi),
                     length >> 32);
    }
    return pos;
}

int virtio_pci_add_shm_cap(VirtIOPCIProxy *proxy, uint8_t bar,
                           uint64_t offset, uint64_t length, uint8_t id)
{
    Error *err = NULL;
    int pos;

    pos = virtio_pci_add_vendor_cap(proxy, VIRTIO_PCI_CAP_SHARED_MEMORY_CFG,
                                    sizeof(struct virtio_pci_cap64), bar, id,
                                    offset, length, &err);
    if (pos < 0) {
        error_report_err(err);
    }
    return pos;
}

static void virtio_pci_region_init(VirtIOPCIProxy *proxy,
                                   VirtIOPCIRegion *region,
                                   const MemoryRegionOps *ops,
                                   const char *name, uint32_t offset,
                                   uint32_t type)
{
    region->offset = offset;
    region->size = VIRTIO_PCI_REGION_SIZE;
    region->type = type;
    memory_region_init_io(&region->mr, OBJECT(proxy), ops, proxy, name,
                          region->size);
    memory_region_add_subregion(&proxy->modern_bar, offset, &region->mr);
}

static bool virtio_pci_region_cap(VirtIOPCIProxy *proxy,
                                  VirtIOPCIRegion *region, Error **errp)
{
    bool notify = region->type == VIRTIO_PCI_CAP_NOTIFY_CFG;
    uint8_t cap_len = notify ? sizeof(struct virtio_pci_notify_cap)
                             : sizeof(struct virtio_pci_cap);
    int pos;

    pos = virtio_pci_add_vendor_cap(proxy, region->type, cap_len,
                                    proxy->modern_mem_bar_idx, 0,
                                    region->offset, region->size, errp);
    if (pos < 0) {
        return false;
    }
    if (notify) {
        pci_set_long(proxy->pci_dev.config + pos + VIRTIO_PCI_NOTIFY_CAP_MULT,
                     VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER);
    }
    return true;
}

/* Plugging the device */

static void virtio_pci_device_plugged(DeviceState *d, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(d);
    PCIDevice *pdev = &proxy->pci_dev;
    VirtIODevice *vdev = virtio_pci_get_vdev(proxy);
    VirtIOPCIRegion *regions[] = {
        &proxy->common, &proxy->isr, &proxy->device, &proxy->notify,
    };
    int i, cfg;

    assert(vdev);
    proxy->vdev = vdev;
    pci_config_set_vendor_id(pdev->config, PCI_VENDOR_ID_REDHAT_QUMRANET);
    pci_config_set_device_id(pdev->config,
                             PCI_DEVICE_ID_VIRTIO_10_BASE + vdev->device_id);
    pci_config_set_revision(pdev->config, VIRTIO_PCI_REVISION);

    if (proxy->modern_mem_bar_idx >= PCI_ROM_SLOT - 1 ||
        proxy->msix_bar_idx >= PCI_ROM_SLOT ||
        proxy->msix_bar_idx == proxy->modern_mem_bar_idx ||
        proxy->msix_bar_idx == proxy->modern_mem_bar_idx + 1) {
        error_setg(errp, "virtio-pci: BAR %u (registers, 64-bit) and BAR %u "
                   "(MSI-X) overlap or are out of range",
                   proxy->modern_mem_bar_idx, proxy->msix_bar_idx);
        return;
    }

    memory_region_init(&proxy->modern_bar, OBJECT(proxy), "virtio-pci",
                       VIRTIO_PCI_MODERN_BAR_SIZE);
    virtio_pci_region_init(proxy, &proxy->common, &virtio_pci_common_ops,
                           "virtio-pci-common", VIRTIO_PCI_COMMON_OFFSET,
                           VIRTIO_PCI_CAP_COMMON_CFG);
    virtio_pci_region_init(proxy, &proxy->isr, &virtio_pci_isr_ops,
                           "virtio-pci-isr", VIRTIO_PCI_ISR_OFFSET,
                           VIRTIO_PCI_CAP_ISR_CFG);
    virtio_pci_region_init(proxy, &proxy->device, &virtio_pci_device_ops,
                           "virtio-pci-device", VIRTIO_PCI_DEVICE_OFFSET,
                           VIRTIO_PCI_CAP_DEVICE_CFG);
    virtio_pci_region_init(proxy, &proxy->notify, &virtio_pci_notify_ops,
                           "virtio-pci-notify", VIRTIO_PCI_NOTIFY_OFFSET,
                           VIRTIO_PCI_CAP_NOTIFY_CFG);
    for (i = 0; i < ARRAY_SIZE(regions); i++) {
        if (!virtio_pci_region_cap(proxy, regions[i], errp)) {
            return;
        }
    }
    /* The config access window: bar, offset, length and data writable. */
    cfg = virtio_pci_add_vendor_cap(proxy, VIRTIO_PCI_CAP_PCI_CFG,
                                    sizeof(struct virtio_pci_cfg_cap),
                                    0, 0, 0, 0, errp);
    if (cfg < 0) {
        return;
    }
    proxy->cfg_cap = cfg;
    pdev->wmask[cfg + VIRTIO_PCI_CAP_BAR] = 0xff;
    memset(pdev->wmask + cfg + VIRTIO_PCI_CAP_OFFSET, 0xff, 8);
    memset(pdev->wmask + cfg +
           offsetof(struct virtio_pci_cfg_cap, pci_cfg_data), 0xff, 4);
    pci_register_bar(pdev, proxy->modern_mem_bar_idx,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_PREFETCH |
                     PCI_BASE_ADDRESS_MEM_TYPE_64,
                     &proxy->modern_bar);

    if (proxy->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        proxy->nvectors = virtio_get_num_queues(vdev) + 1;
    }
    if (proxy->nvectors) {
        if (msix_init_exclusive_bar(pdev, proxy->nvectors,
                                    proxy->msix_bar_idx, errp) < 0) {
            return;
        }
    }
}

static void virtio_pci_device_unplugged(DeviceState *d)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(d);

    proxy->vdev = NULL;
}

static AddressSpace *virtio_pci_get_dma_as(DeviceState *d)
{
    return pci_get_address_space(PCI_DEVICE(d));
}

/* The proxy */

static void virtio_pci_realize(PCIDevice *pdev, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pdev);
    VirtioPCIClass *k = VIRTIO_PCI_GET_CLASS(pdev);

    qbus_init(&proxy->bus, sizeof(proxy->bus), TYPE_VIRTIO_PCI_BUS,
              DEVICE(pdev), "virtio-bus");
    pci_config_set_interrupt_pin(pdev->config, 1);
    if (k->realize) {
        k->realize(proxy, errp);
    }
}

static void virtio_pci_exit(PCIDevice *pdev)
{
    if (msix_present(pdev)) {
        msix_uninit_exclusive_bar(pdev);
    }
}

static void virtio_pci_reset(PCIDevice *pdev)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pdev);

    virtio_bus_reset(&proxy->bus.parent_obj);
    virtio_pci_reset_proxy_state(proxy);
}

static const Property virtio_pci_properties[] = {
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_pci_instance_init(Object *obj)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(obj);

    proxy->modern_mem_bar_idx = 4;
    proxy->msix_bar_idx = 1;
}

static void virtio_pci_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = virtio_pci_realize;
    pc->exit = virtio_pci_exit;
    pc->reset = virtio_pci_reset;
    pc->config_read = virtio_pci_config_read;
    pc->config_write = virtio_pci_config_write;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pc->device_id = PCI_DEVICE_ID_VIRTIO_10_BASE;
    pc->revision = VIRTIO_PCI_REVISION;
    pc->class_id = PCI_CLASS_OTHERS;
    device_class_set_props(dc, virtio_pci_properties);
}

static void virtio_pci_bus_class_init(ObjectClass *klass, const void *data)
{
    VirtioBusClass *k = VIRTIO_BUS_CLASS(klass);

    k->notify = virtio_pci_notify;
    k->device_plugged = virtio_pci_device_plugged;
    k->device_unplugged = virtio_pci_device_unplugged;
    k->get_dma_as = virtio_pci_get_dma_as;
}

/* Device types wrapping a VirtIODevice */

static char *virtio_pci_alias_get(Object *obj, ObjectProperty *prop,
                                  Error **errp)
{
    return object_property_print(prop->opaque, prop->name, errp);
}

static bool virtio_pci_alias_set(Object *obj, ObjectProperty *prop,
                                 const char *value, Error **errp)
{
    return object_property_parse(prop->opaque, prop->name, value, errp);
}

typedef struct AliasCtx {
    Object *proxy;
    Object *vdev;
} AliasCtx;

static void virtio_pci_add_alias(ObjectProperty *prop, void *opaque)
{
    AliasCtx *ctx = opaque;
    ObjectProperty *alias;

    if (!prop->set || object_property_find(ctx->proxy, prop->name)) {
        return;
    }
    alias = object_property_try_add(ctx->proxy, prop->name, prop->type,
                                    virtio_pci_alias_get,
                                    virtio_pci_alias_set, NULL, ctx->vdev,
                                    NULL);
    if (alias && prop->description) {
        object_property_set_description(ctx->proxy, prop->name,
                                        prop->description);
    }
}

void virtio_instance_init_common(Object *proxy_obj, void *data,
                                 size_t vdev_size, const char *vdev_name)
{
    AliasCtx ctx = { .proxy = proxy_obj, .vdev = OBJECT(data) };

    object_initialize(data, vdev_size, vdev_name);
    object_property_add_child(proxy_obj, "virtio-backend", OBJECT(data));
    /* The child property holds the reference now. */
    object_unref(OBJECT(data));
    VIRTIO_PCI(proxy_obj)->vdev = VIRTIO_DEVICE(data);
    object_class_property_foreach(object_get_class(OBJECT(data)),
                                  virtio_pci_add_alias, &ctx);
}

/* The user-visible type: the device's class_init, then user creatable. */
static void virtio_pci_leaf_class_init(ObjectClass *klass, const void *data)
{
    const VirtioPCIDeviceTypeInfo *t = data;

    if (t && t->class_init) {
        t->class_init(klass, NULL);
    }
    DEVICE_CLASS(klass)->user_creatable = true;
}

void virtio_pci_types_register(const VirtioPCIDeviceTypeInfo *t)
{
    const char *parent = t->parent ? t->parent : TYPE_VIRTIO_PCI;
    TypeInfo leaf = {
        .name = t->name,
        .class_init = virtio_pci_leaf_class_init,
    };

    assert(t->name);
    if (t->base_name) {
        TypeInfo base = {
            .name = t->base_name,
            .parent = parent,
            .instance_size = t->instance_size,
            .class_size = t->class_size,
            .instance_init = t->instance_init,
            .instance_finalize = t->instance_finalize,
            .class_init = t->class_init,
            .abstract = true,
        };

        type_register_static(&base);
        leaf.parent = t->base_name;
    } else {
        leaf.parent = parent;
        leaf.instance_size = t->instance_size;
        leaf.class_size = t->class_size;
        leaf.instance_init = t->instance_init;
        leaf.instance_finalize = t->instance_finalize;
        leaf.class_data = t;
    }
    type_register_static(&leaf);
}

static const TypeInfo virtio_pci_types[] = {
    {
        .name = TYPE_VIRTIO_PCI_BUS,
        .parent = TYPE_VIRTIO_BUS,
        .instance_size = sizeof(VirtioPCIBusState),
        .class_size = sizeof(VirtioBusClass),
        .class_init = virtio_pci_bus_class_init,
    }, {
        .name = TYPE_VIRTIO_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(VirtIOPCIProxy),
        .instance_init = virtio_pci_instance_init,
        .class_size = sizeof(VirtioPCIClass),
        .class_init = virtio_pci_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(virtio_pci_types)
