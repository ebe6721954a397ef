/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-pci: the modern (virtio 1.x only) PCI transport.
 *
 * The proxy is a PCI function (vendor 0x1af4, device 0x1040 + virtio id,
 * revision 1) with a virtio bus carrying one VirtIODevice.  Its layout:
 *
 *   BAR1 (msix_bar_idx)        MSI-X table and PBA, 32-bit memory
 *   BAR4 (modern_mem_bar_idx)  64-bit prefetchable memory, 16 KiB areas:
 *        0x0000 common cfg     0x1000 ISR
 *        0x2000 device cfg     0x3000 notify (queue n at n * 4)
 *
 * and vendor capabilities (cap_vndr 0x09) for common, notify, ISR and
 * device cfg, plus the PCI config access window (VIRTIO_PCI_CAP_PCI_CFG).
 * A device may add shared-memory capabilities pointing into a BAR of its
 * own (virtio_pci_add_shm_cap).  See docs/devel/virtio.md.
 *
 * Device modules define their "virtio-foo-pci" type with
 * virtio_pci_types_register(): a struct embedding VirtIOPCIProxy first
 * and the VirtIODevice after it, an instance_init calling
 * virtio_instance_init_common(), and a VirtioPCIClass.realize that
 * realizes the VirtIODevice on the proxy's bus:
 *
 *     qdev_realize(DEVICE(&d->vdev), BUS(&vpci_dev->bus), errp);
 */

#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "block/aio.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-bus.h"

#define TYPE_VIRTIO_PCI_BUS "virtio-pci-bus"
OBJECT_DECLARE_SIMPLE_TYPE(VirtioPCIBusState, VIRTIO_PCI_BUS)

struct VirtioPCIBusState {
    VirtioBusState parent_obj;
};

#define TYPE_VIRTIO_PCI "virtio-pci"
OBJECT_DECLARE_TYPE(VirtIOPCIProxy, VirtioPCIClass, VIRTIO_PCI)

struct VirtioPCIClass {
    PCIDeviceClass parent_class;

    /*
     * The device module's realize, called from the PCI realize after the
     * proxy's config space is set up; it realizes the VirtIODevice on
     * vpci_dev->bus, which adds the capabilities and BARs.  It may first
     * change modern_mem_bar_idx/msix_bar_idx and register BARs of its own.
     */
    void (*realize)(VirtIOPCIProxy *vpci_dev, Error **errp);
};

/*
 * PCI device id of a modern-only device: this base + its virtio device id
 * (virtio 1.x 4.1.2.1).  Linux's uapi headers carry no PCI ids.
 */
#define PCI_DEVICE_ID_VIRTIO_10_BASE    0x1040

/* Layout of the modern BAR */
#define VIRTIO_PCI_REGION_SIZE          0x1000
#define VIRTIO_PCI_COMMON_OFFSET        0x0000
#define VIRTIO_PCI_ISR_OFFSET           0x1000
#define VIRTIO_PCI_DEVICE_OFFSET        0x2000
#define VIRTIO_PCI_NOTIFY_OFFSET        0x3000
#define VIRTIO_PCI_MODERN_BAR_SIZE      0x4000
/* notify_off_multiplier: queue n's doorbell is at notify + n * 4. */
#define VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER 4

/* nvectors default: one per queue plus the config vector. */
#define DEV_NVECTORS_UNSPECIFIED        0xffffffff

typedef struct VirtIOPCIRegion {
    MemoryRegion mr;
    uint32_t offset;
    uint32_t size;
    uint32_t type;              /* VIRTIO_PCI_CAP_* */
} VirtIOPCIRegion;

/* What the driver programmed for one queue, applied on queue_enable. */
typedef struct VirtIOPCIQueue {
    uint16_t num;
    bool enabled;
    uint32_t desc[2];
    uint32_t avail[2];
    uint32_t used[2];
    /* queue_reset as the driver reads it (RING_RESET). */
    uint16_t reset;
} VirtIOPCIQueue;

struct VirtIOPCIProxy {
    PCIDevice pci_dev;

    /* The modern BAR container and its four areas. */
    MemoryRegion modern_bar;
    VirtIOPCIRegion common;
    VirtIOPCIRegion isr;
    VirtIOPCIRegion device;
    VirtIOPCIRegion notify;
    uint32_t modern_mem_bar_idx;    /* default 4 */
    uint32_t msix_bar_idx;          /* default 1 */

    /* "vectors" property: MSI-X vectors, 0 for none (INTx only). */
    uint32_t nvectors;
    /* Registers of the common cfg not held by the VirtIODevice. */
    uint32_t dfselect;
    uint32_t gfselect;
    uint32_t guest_features[2];
    VirtIOPCIQueue vqs[VIRTIO_QUEUE_MAX];

    VirtioPCIBusState bus;
    /* Config offset of the VIRTIO_PCI_CAP_PCI_CFG capability. */
    uint8_t cfg_cap;
    /* The VirtIODevice child set by virtio_instance_init_common(). */
    VirtIODevice *vdev;
};

/*
 * Add a VIRTIO_PCI_CAP_SHARED_MEMORY_CFG capability (struct
 * virtio_pci_cap64, cap_len 24) for shared memory region @id at
 * [@offset, @offset + @length) of BAR @bar, which the caller registers.
 * Returns the capability's config space offset, or -errno.
 */
int virtio_pci_add_shm_cap(VirtIOPCIProxy *proxy, uint8_t bar,
                           uint64_t offset, uint64_t length, uint8_t id);

/*
 * Make the VirtIODevice of @data (@vdev_size bytes embedded in the proxy
 * @proxy_obj) a child "virtio-backend" of type @vdev_name, and expose its
 * properties on the proxy so "-device virtio-foo-pci,prop=..." sets them.
 */
void virtio_instance_init_common(Object *proxy_obj, void *data,
                                 size_t vdev_size, const char *vdev_name);

/*
 * Register a virtio-pci device type: @name (user creatable, child of
 * @parent or TYPE_VIRTIO_PCI) with the given sizes and hooks.  With
 * @base_name, that abstract type carries the hooks and @name derives from
 * it (QEMU's base/generic split, without transitional variants).  @t must
 * stay valid (static): classes are created lazily.
 */
typedef struct VirtioPCIDeviceTypeInfo {
    const char *base_name;
    const char *name;
    const char *parent;
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    void (*class_init)(ObjectClass *klass, const void *data);
} VirtioPCIDeviceTypeInfo;

void virtio_pci_types_register(const VirtioPCIDeviceTypeInfo *t);

/* Accepted for QEMU compatibility: the transport is always modern. */
static inline void virtio_pci_force_virtio_1(VirtIOPCIProxy *proxy)
{
}

#endif /* HW_VIRTIO_VIRTIO_PCI_H */
