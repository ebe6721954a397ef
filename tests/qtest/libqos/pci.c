/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos PCI: device discovery, configuration space, BAR assignment and
 * BAR accesses, independent of how the host bridge is reached.
 */

#include "qemu/osdep.h"

#include "pci.h"

/* Capabilities are at least 4 bytes each in the 192 bytes after 0x40. */
#define QPCI_MAX_CAPS   48

void qpci_set_mmio64_window(QPCIBus *bus, uint64_t base, uint64_t limit)
{
    g_assert(base <= limit);
    bus->mmio64_alloc_ptr = base;
    bus->mmio64_limit = limit;
}

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->config_readb(dev->bus, dev->devfn, offset);
}

uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->config_readw(dev->bus, dev->devfn, offset);
}

uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->config_readl(dev->bus, dev->devfn, offset);
}

void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value)
{
    dev->bus->config_writeb(dev->bus, dev->devfn, offset, value);
}

void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value)
{
    dev->bus->config_writew(dev->bus, dev->devfn, offset, value);
}

void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value)
{
    dev->bus->config_writel(dev->bus, dev->devfn, offset, value);
}

QPCIDevice *qpci_device_find(QPCIBus *bus, int devfn)
{
    QPCIDevice *dev;

    if (bus->config_readw(bus, devfn, PCI_VENDOR_ID) == 0xffff) {
        return NULL;
    }
    dev = g_new0(QPCIDevice, 1);
    dev->bus = bus;
    dev->devfn = devfn;
    return dev;
}

static bool qpci_device_matches(QPCIDevice *dev, int vendor_id,
                                int device_id)
{
    return (vendor_id == -1 ||
            qpci_config_readw(dev, PCI_VENDOR_ID) == vendor_id) &&
           (device_id == -1 ||
            qpci_config_readw(dev, PCI_DEVICE_ID) == device_id);
}

void qpci_device_foreach(QPCIBus *bus, int vendor_id, int device_id,
                         void (*func)(QPCIDevice *dev, int devfn, void *data),
                         void *data)
{
    int devfn;

    /* All 8 functions of every slot: absent ones read as 0xffff. */
    for (devfn = 0; devfn < 256; devfn++) {
        QPCIDevice *dev = qpci_device_find(bus, devfn);

        if (!dev) {
            continue;
        }
        if (!qpci_device_matches(dev, vendor_id, device_id)) {
            g_free(dev);
            continue;
        }
        func(dev, devfn, data);
    }
}

QPCIDevice *qpci_device_find_id(QPCIBus *bus, int vendor_id, int device_id)
{
    int devfn;

    for (devfn = 0; devfn < 256; devfn++) {
        QPCIDevice *dev = qpci_device_find(bus, devfn);

        if (dev && qpci_device_matches(dev, vendor_id, device_id)) {
            return dev;
        }
        g_free(dev);
    }
    return NULL;
}

void qpci_device_enable(QPCIDevice *dev)
{
    const uint16_t bits = PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                          PCI_COMMAND_MASTER;
    uint16_t cmd = qpci_config_readw(dev, PCI_COMMAND);

    qpci_config_writew(dev, PCI_COMMAND, cmd | bits);
    cmd = qpci_config_readw(dev, PCI_COMMAND);
    g_assert_cmphex(cmd & bits, ==, bits);
}

uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start_addr)
{
    uint8_t addr;
    int i;

    if (!(qpci_config_readw(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    addr = start_addr ? qpci_config_readb(dev, start_addr + 1)
                      : qpci_config_readb(dev, PCI_CAPABILITY_LIST);
    /* The bound catches a looping list instead of hanging the test. */
    for (i = 0; addr && i < QPCI_MAX_CAPS; i++) {
        addr &= ~3;
        g_assert_cmphex(addr, >=, 0x40);
        if (qpci_config_readb(dev, addr) == id) {
            return addr;
        }
        addr = qpci_config_readb(dev, addr + 1);
    }
    g_assert_cmpint(i, <, QPCI_MAX_CAPS);
    return 0;
}

/* Next @size-aligned block of @size in [*ptr, limit); advances *ptr. */
static uint64_t qpci_alloc(uint64_t *ptr, uint64_t limit, uint64_t size,
                           const char *what)
{
    uint64_t addr = QEMU_ALIGN_UP(*ptr, size);

    if (addr < *ptr || addr + size < addr || addr + size > limit) {
        g_error("libqos: no room for a %" PRIu64 "-byte %s BAR below 0x%"
                PRIx64, size, what, limit);
    }
    *ptr = addr + size;
    return addr;
}

QPCIBar qpci_iomap(QPCIDevice *dev, int barno, uint64_t *sizeptr)
{
    QPCIBus *bus = dev->bus;
    uint8_t reg = PCI_BASE_ADDRESS_0 + 4 * barno;
    uint32_t lo;
    uint64_t mask, size;
    QPCIBar bar;

    g_assert(barno >= 0 && barno < 6);

    /* Sizing: the address bits that stay 0 after writing all ones. */
    qpci_config_writel(dev, reg, 0xffffffff);
    lo = qpci_config_readl(dev, reg);
    if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
        mask = lo & ~3u;
        /* Devices decoding 16-bit port numbers leave the top bits 0. */
        if (!(mask & 0xffff0000)) {
            mask |= 0xffff0000;
        }
        size = (uint32_t)(~mask + 1);
        g_assert(size);
        bar.is_io = true;
        bar.addr = qpci_alloc(&bus->pio_alloc_ptr, bus->pio_limit, size,
                              "I/O");
        qpci_config_writel(dev, reg, bar.addr);
    } else if (lo & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        bool prefetch = lo & PCI_BASE_ADDRESS_MEM_PREFETCH;

        g_assert(barno < 5);
        qpci_config_writel(dev, reg + 4, 0xffffffff);
        mask = (uint64_t)qpci_config_readl(dev, reg + 4) << 32 |
               (lo & ~0xfu);
        size = ~mask + 1;
        g_assert(size);
        bar.is_io = false;
        if (prefetch && bus->mmio64_limit) {
            bar.addr = qpci_alloc(&bus->mmio64_alloc_ptr, bus->mmio64_limit,
                                  size, "64-bit memory");
        } else {
            bar.addr = qpci_alloc(&bus->mmio_alloc_ptr, bus->mmio_limit,
                                  size, "memory");
        }
        qpci_config_writel(dev, reg, (uint32_t)bar.addr);
        qpci_config_writel(dev, reg + 4, bar.addr >> 32);
    } else {
        mask = lo & ~0xfu;
        size = (uint32_t)(~mask + 1);
        g_assert(size);
        bar.is_io = false;
        bar.addr = qpci_alloc(&bus->mmio_alloc_ptr, bus->mmio_limit, size,
                              "memory");
        qpci_config_writel(dev, reg, bar.addr);
    }
    if (sizeptr) {
        *sizeptr = size;
    }
    return bar;
}

uint8_t qpci_io_readb(QPCIDevice *dev, QPCIBar bar, uint64_t off)
{
    if (bar.is_io) {
        return dev->bus->pio_readb(dev->bus, bar.addr + off);
    }
    return qtest_readb(dev->bus->qts, bar.addr + off);
}

uint16_t qpci_io_readw(QPCIDevice *dev, QPCIBar bar, uint64_t off)
{
    if (bar.is_io) {
        return dev->bus->pio_readw(dev->bus, bar.addr + off);
    }
    return qtest_readw(dev->bus->qts, bar.addr + off);
}

uint32_t qpci_io_readl(QPCIDevice *dev, QPCIBar bar, uint64_t off)
{
    if (bar.is_io) {
        return dev->bus->pio_readl(dev->bus, bar.addr + off);
    }
    return qtest_readl(dev->bus->qts, bar.addr + off);
}

/* Port I/O has no 64-bit access: two 32-bit ones, low half first. */
uint64_t qpci_io_readq(QPCIDevice *dev, QPCIBar bar, uint64_t off)
{
    if (bar.is_io) {
        uint64_t lo = dev->bus->pio_readl(dev->bus, bar.addr + off);

        return lo | (uint64_t)dev->bus->pio_readl(dev->bus,
                                                  bar.addr + off + 4) << 32;
    }
    return qtest_readq(dev->bus->qts, bar.addr + off);
}

void qpci_io_writeb(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint8_t value)
{
    if (bar.is_io) {
        dev->bus->pio_writeb(dev->bus, bar.addr + off, value);
    } else {
        qtest_writeb(dev->bus->qts, bar.addr + off, value);
    }
}

void qpci_io_writew(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint16_t value)
{
    if (bar.is_io) {
        dev->bus->pio_writew(dev->bus, bar.addr + off, value);
    } else {
        qtest_writew(dev->bus->qts, bar.addr + off, value);
    }
}

void qpci_io_writel(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint32_t value)
{
    if (bar.is_io) {
        dev->bus->pio_writel(dev->bus, bar.addr + off, value);
    } else {
        qtest_writel(dev->bus->qts, bar.addr + off, value);
    }
}

void qpci_io_writeq(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                    uint64_t value)
{
    if (bar.is_io) {
        dev->bus->pio_writel(dev->bus, bar.addr + off, value);
        dev->bus->pio_writel(dev->bus, bar.addr + off + 4, value >> 32);
    } else {
        qtest_writeq(dev->bus->qts, bar.addr + off, value);
    }
}

void qpci_memread(QPCIDevice *dev, QPCIBar bar, uint64_t off, void *buf,
                  size_t len)
{
    g_assert(!bar.is_io);
    qtest_memread(dev->bus->qts, bar.addr + off, buf, len);
}

void qpci_memwrite(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                   const void *buf, size_t len)
{
    g_assert(!bar.is_io);
    qtest_memwrite(dev->bus->qts, bar.addr + off, buf, len);
}
