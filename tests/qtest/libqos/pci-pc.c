/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos PCI on a PC host bridge: configuration mechanism #1.
 *
 * 0xcf8 takes the dword-aligned address (enable bit 31, bus, devfn,
 * register); the byte lanes of 0xcfc-0xcff then reach the register's
 * bytes, so sub-dword accesses use port 0xcfc + (offset & 3), as real
 * chipsets require.
 */

#include "qemu/osdep.h"

#include "pci-pc.h"

#define PCI_CONFIG_ADDRESS  0xcf8
#define PCI_CONFIG_DATA     0xcfc

static void qpci_pc_select(QPCIBus *bus, int devfn, uint8_t offset)
{
    g_assert(devfn >= 0 && devfn < 0x10000);
    qtest_outl(bus->qts, PCI_CONFIG_ADDRESS,
               0x80000000u | (uint32_t)devfn << 8 | (offset & 0xfc));
}

static uint8_t qpci_pc_config_readb(QPCIBus *bus, int devfn, uint8_t offset)
{
    qpci_pc_select(bus, devfn, offset);
    return qtest_inb(bus->qts, PCI_CONFIG_DATA + (offset & 3));
}

static uint16_t qpci_pc_config_readw(QPCIBus *bus, int devfn, uint8_t offset)
{
    g_assert(!(offset & 1));
    qpci_pc_select(bus, devfn, offset);
    return qtest_inw(bus->qts, PCI_CONFIG_DATA + (offset & 2));
}

static uint32_t qpci_pc_config_readl(QPCIBus *bus, int devfn, uint8_t offset)
{
    g_assert(!(offset & 3));
    qpci_pc_select(bus, devfn, offset);
    return qtest_inl(bus->qts, PCI_CONFIG_DATA);
}

static void qpci_pc_config_writeb(QPCIBus *bus, int devfn, uint8_t offset,
                                  uint8_t value)
{
    qpci_pc_select(bus, devfn, offset);
    qtest_outb(bus->qts, PCI_CONFIG_DATA + (offset & 3), value);
}

static void qpci_pc_config_writew(QPCIBus *bus, int devfn, uint8_t offset,
                                  uint16_t value)
{
    g_assert(!(offset & 1));
    qpci_pc_select(bus, devfn, offset);
    qtest_outw(bus->qts, PCI_CONFIG_DATA + (offset & 2), value);
}

static void qpci_pc_config_writel(QPCIBus *bus, int devfn, uint8_t offset,
                                  uint32_t value)
{
    g_assert(!(offset & 3));
    qpci_pc_select(bus, devfn, offset);
    qtest_outl(bus->qts, PCI_CONFIG_DATA, value);
}

static uint8_t qpci_pc_pio_readb(QPCIBus *bus, uint32_t addr)
{
    return qtest_inb(bus->qts, addr);
}

static uint16_t qpci_pc_pio_readw(QPCIBus *bus, uint32_t addr)
{
    return qtest_inw(bus->qts, addr);
}

static uint32_t qpci_pc_pio_readl(QPCIBus *bus, uint32_t addr)
{
    return qtest_inl(bus->qts, addr);
}

static void qpci_pc_pio_writeb(QPCIBus *bus, uint32_t addr, uint8_t value)
{
    qtest_outb(bus->qts, addr, value);
}

static void qpci_pc_pio_writew(QPCIBus *bus, uint32_t addr, uint16_t value)
{
    qtest_outw(bus->qts, addr, value);
}

static void qpci_pc_pio_writel(QPCIBus *bus, uint32_t addr, uint32_t value)
{
    qtest_outl(bus->qts, addr, value);
}

QPCIBus *qpci_new_pc(QTestState *qts)
{
    QPCIBus *bus = g_new0(QPCIBus, 1);

    bus->qts = qts;
    bus->pio_readb = qpci_pc_pio_readb;
    bus->pio_readw = qpci_pc_pio_readw;
    bus->pio_readl = qpci_pc_pio_readl;
    bus->pio_writeb = qpci_pc_pio_writeb;
    bus->pio_writew = qpci_pc_pio_writew;
    bus->pio_writel = qpci_pc_pio_writel;
    bus->config_readb = qpci_pc_config_readb;
    bus->config_readw = qpci_pc_config_readw;
    bus->config_readl = qpci_pc_config_readl;
    bus->config_writeb = qpci_pc_config_writeb;
    bus->config_writew = qpci_pc_config_writew;
    bus->config_writel = qpci_pc_config_writel;

    bus->pio_alloc_ptr = QPCI_PC_PIO_BASE;
    bus->pio_limit = QPCI_PC_PIO_LIMIT;
    bus->mmio_alloc_ptr = QPCI_PC_MMIO_BASE;
    bus->mmio_limit = QPCI_PC_MMIO_LIMIT;
    qpci_set_mmio64_window(bus, QPCI_PC_MMIO64_BASE, QPCI_PC_MMIO64_LIMIT);
    return bus;
}

void qpci_free_pc(QPCIBus *bus)
{
    g_free(bus);
}
