/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio-pci: the modern (virtio 1.x) PCI transport seen from a
 * test.  The driver finds its registers by walking the PCI capability
 * list for vendor capabilities (common, notify, ISR, device config and
 * shared memory), maps their BARs with qpci_iomap() and can point MSI-X
 * vectors at guest RAM so that interrupts are polled there.
 */

#ifndef LIBQOS_VIRTIO_PCI_H
#define LIBQOS_VIRTIO_PCI_H

#include "virtio.h"
#include "pci.h"

#include <linux/virtio_pci.h>

/* PCI ids of modern virtio devices: Linux's uapi headers have none. */
#define QVIRTIO_PCI_VENDOR_ID           0x1af4
#define QVIRTIO_PCI_DEVICE_ID_BASE      0x1040
/*
 * Transitional devices (QEMU's default virtio-net-pci, for one) have ids
 * 0x1000..0x103f and the virtio type in the subsystem id; their modern
 * registers are found the same way.
 */
#define QVIRTIO_PCI_TRANS_ID_FIRST      0x1000
#define QVIRTIO_PCI_TRANS_ID_LAST       0x103f

/*
 * ISR bit 0, "a used buffer was returned": <linux/virtio_pci.h> names only
 * the configuration-change bit (VIRTIO_PCI_ISR_CONFIG).
 */
#define QVIRTIO_PCI_ISR_QUEUE           1

/* Where one register structure is: BAR, offset, length. */
typedef struct QVirtioPCIRegs {
    uint8_t cap;            /* config space offset of its capability */
    uint8_t bar;
    uint32_t offset;
    uint32_t length;
} QVirtioPCIRegs;

typedef struct QVirtioPCIDevice {
    QVirtioDevice vdev;
    QPCIDevice *pdev;

    QVirtioPCIRegs common;
    QVirtioPCIRegs notify;
    QVirtioPCIRegs isr;
    QVirtioPCIRegs device;
    uint32_t notify_off_multiplier;
    /* BARs mapped so far (qpci_iomap), by number. */
    QPCIBar bars[6];
    bool bar_mapped[6];

    /* MSI-X */
    uint8_t msix_cap;
    uint16_t msix_nvec;
    QPCIBar msix_table;     /* the table BAR, with the table offset added */
    bool msix_enabled;
    uint16_t config_msix_entry;
    uint64_t config_msix_addr;
    uint32_t config_msix_data;
} QVirtioPCIDevice;

typedef struct QVirtQueuePCI {
    QVirtQueue vq;
    uint16_t msix_entry;
    uint64_t msix_addr;
    uint32_t msix_data;
    uint64_t notify_offset;
    uint64_t ring_addr;
} QVirtQueuePCI;

extern const QVirtioBus qvirtio_pci;

/*
 * The first modern (else transitional) virtio-pci function of virtio
 * type @device_type on @bus, or NULL; its capabilities are parsed
 * (asserting they are well-formed) but nothing is mapped or enabled yet.
 */
QVirtioPCIDevice *qvirtio_pci_device_find(QPCIBus *bus,
                                          uint16_t device_type);
QVirtioPCIDevice *qvirtio_pci_device_new(QPCIDevice *pdev);
void qvirtio_pci_device_free(QVirtioPCIDevice *d);
/* Map the register BARs, turn on decoding and bus mastering. */
void qvirtio_pci_device_enable(QVirtioPCIDevice *d);
void qvirtio_pci_device_disable(QVirtioPCIDevice *d);

/*
 * The config offset of the first vendor capability of @cfg_type after
 * the one at @start (0: from the start), or 0.
 */
uint8_t qvirtio_pci_find_cap(QVirtioPCIDevice *d, uint8_t cfg_type,
                             uint8_t start);
/*
 * The shared memory region @id (VIRTIO_PCI_CAP_SHARED_MEMORY_CFG): false
 * when there is none; asserts the capability is the 24-byte cap64.
 */
bool qvirtio_pci_find_shm_cap(QVirtioPCIDevice *d, uint8_t id, uint8_t *bar,
                              uint64_t *offset, uint64_t *len);
/* The BAR @barno, mapped on first use. */
QPCIBar qvirtio_pci_bar(QVirtioPCIDevice *d, int barno);

/* Common configuration accessors */
uint8_t qvirtio_pci_common_readb(QVirtioPCIDevice *d, uint32_t off);
uint16_t qvirtio_pci_common_readw(QVirtioPCIDevice *d, uint32_t off);
uint32_t qvirtio_pci_common_readl(QVirtioPCIDevice *d, uint32_t off);
void qvirtio_pci_common_writeb(QVirtioPCIDevice *d, uint32_t off,
                               uint8_t val);
void qvirtio_pci_common_writew(QVirtioPCIDevice *d, uint32_t off,
                               uint16_t val);
void qvirtio_pci_common_writel(QVirtioPCIDevice *d, uint32_t off,
                               uint32_t val);
/* Read (and so clear) the ISR. */
uint8_t qvirtio_pci_isr_read(QVirtioPCIDevice *d);
/* Ring queue @index's doorbell. */
void qvirtio_pci_notify(QVirtioPCIDevice *d, uint16_t index);

/* MSI-X: vectors written into guest RAM */
void qvirtio_pci_enable_msix(QVirtioPCIDevice *d);
void qvirtio_pci_disable_msix(QVirtioPCIDevice *d);
/* Program table entry @entry to write @data to @addr, unmasked. */
void qvirtio_pci_msix_entry_set(QVirtioPCIDevice *d, uint16_t entry,
                                uint64_t addr, uint32_t data);
/*
 * Make queue @queue's interrupt a write of 0 to the device's own
 * device_status (a reset), through MSI-X entry 0: the guest's way of
 * aiming a device's DMA at itself, which must be dropped as re-entrant.
 * Enables MSI-X.
 */
void qvirtio_pci_queue_vector_resets(QVirtioPCIDevice *d, uint16_t queue);
/*
 * Program table entry @entry to write a unique value to a fresh guest
 * RAM word, unmasked; returns that address and *@data the value.
 */
uint64_t qvirtio_pci_msix_entry_setup(QVirtioPCIDevice *d,
                                      QGuestAllocator *alloc,
                                      uint16_t entry, uint32_t *data);
void qvirtio_pci_set_msix_configuration_vector(QVirtioPCIDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t entry);
void qvirtqueue_pci_msix_setup(QVirtioPCIDevice *d, QVirtQueuePCI *vqpci,
                               QGuestAllocator *alloc, uint16_t entry);

#endif /* LIBQOS_VIRTIO_PCI_H */
