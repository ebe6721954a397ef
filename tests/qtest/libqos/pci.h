/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos PCI: devices on a host bridge's bus 0, seen from the test.
 *
 * A QPCIBus is one host bridge's way to reach configuration space and
 * port I/O (pci-pc.c: 0xcf8/0xcfc); memory BARs are reached with qtest
 * memory accesses.  qpci_iomap() sizes a BAR and gives it an address from
 * the bus's windows, which the tests own: nothing else assigns BARs.
 */

#ifndef LIBQOS_PCI_H
#define LIBQOS_PCI_H

#include "hw/pci/pci_regs.h"
#include "../libqtest.h"

#define QPCI_DEVFN(slot, fn)    (((slot) << 3) | (fn))
/* Config accessors take a devfn; bus numbers above 0 go in bits 8-15. */
#define QPCI_BUS_DEVFN(bus, slot, fn) (((bus) << 8) | QPCI_DEVFN(slot, fn))

typedef struct QPCIBus QPCIBus;
typedef struct QPCIDevice QPCIDevice;

struct QPCIBus {
    uint8_t (*pio_readb)(QPCIBus *bus, uint32_t addr);
    uint16_t (*pio_readw)(QPCIBus *bus, uint32_t addr);
    uint32_t (*pio_readl)(QPCIBus *bus, uint32_t addr);
    void (*pio_writeb)(QPCIBus *bus, uint32_t addr, uint8_t value);
    void (*pio_writew)(QPCIBus *bus, uint32_t addr, uint16_t value);
    void (*pio_writel)(QPCIBus *bus, uint32_t addr, uint32_t value);

    uint8_t (*config_readb)(QPCIBus *bus, int devfn, uint8_t offset);
    uint16_t (*config_readw)(QPCIBus *bus, int devfn, uint8_t offset);
    uint32_t (*config_readl)(QPCIBus *bus, int devfn, uint8_t offset);
    void (*config_writeb)(QPCIBus *bus, int devfn, uint8_t offset,
                          uint8_t value);
    void (*config_writew)(QPCIBus *bus, int devfn, uint8_t offset,
                          uint16_t value);
    void (*config_writel)(QPCIBus *bus, int devfn, uint8_t offset,
                          uint32_t value);

    QTestState *qts;

    /* Next free address and end (exclusive) of each BAR window. */
    uint64_t pio_alloc_ptr, pio_limit;
    uint64_t mmio_alloc_ptr, mmio_limit;
    /* 64-bit prefetchable BARs; mmio64_limit 0: they use the mmio one. */
    uint64_t mmio64_alloc_ptr, mmio64_limit;
};

struct QPCIDevice {
    QPCIBus *bus;
    int devfn;
};

/* Where a BAR was mapped: a port (is_io) or a guest-physical address. */
typedef struct QPCIBar {
    uint64_t addr;
    bool is_io;
} QPCIBar;

/* Place 64-bit prefetchable BARs in [@base, @limit); 0, 0 turns it off. */
void qpci_set_mmio64_window(QPCIBus *bus, uint64_t base, uint64_t limit);

/* The function at @devfn, or NULL when absent (vendor ID 0xffff). */
QPCIDevice *qpci_device_find(QPCIBus *bus, int devfn);
/* The first function of bus 0 with these IDs, or NULL. */
QPCIDevice *qpci_device_find_id(QPCIBus *bus, int vendor_id, int device_id);
/*
 * Call @func for each function on bus 0 matching the IDs (-1 matches any),
 * in devfn order; @func owns the device (g_free() it).
 */
void qpci_device_foreach(QPCIBus *bus, int vendor_id, int device_id,
                         void (*func)(QPCIDevice *dev, int devfn, void *data),
                         void *data);

/* Turn on I/O, memory decoding and bus mastering; checks they stuck. */
void qpci_device_enable(QPCIDevice *dev);

/*
 * Offset of the first capability @id after the one at @start_addr (0:
 * from the start of the list), or 0.
 */
uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start_addr);

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset);
uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset);
uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset);
void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value);
void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value);
void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value);

/*
 * Size BAR @barno, give it the next suitably aligned address of its window
 * and return that; *@sizeptr (if not NULL) gets the size.  The device's
 * decoding is left as it was: see qpci_device_enable().
 */
QPCIBar qpci_iomap(QPCIDevice *dev, int barno, uint64_t *sizeptr);

uint8_t qpci_io_readb(QPCIDevice *dev, QPCIBar bar, uint64_t off);
uint16_t qpci_io_readw(QPCIDevice *dev, QPCIBar bar, uint64_t off);
uint32_t qpci_io_readl(QPCIDevice *dev, QPCIBar bar, uint64_t off);
uint64_t qpci_io_readq(QPCIDevice *dev, QPCIBar bar, uint64_t off);
void qpci_io_writeb(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint8_t value);
void qpci_io_writew(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint16_t value);
void qpci_io_writel(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint32_t value);
void qpci_io_writeq(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint64_t value);

/* Bulk access to a memory BAR. */
void qpci_memread(QPCIDevice *dev, QPCIBar bar, uint64_t off, void *buf,
                  size_t len);
void qpci_memwrite(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                   const void *buf, size_t len);

#endif /* LIBQOS_PCI_H */
