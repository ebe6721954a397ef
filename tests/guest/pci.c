/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI for the test guest: configuration mechanism #1 (ports 0xcf8 and
 * 0xcfc), bus 0 only (q35 puts every device there), BARs placed by a
 * bump allocator in a window of the PCI hole.
 */

#include "guest.h"
#include <linux/pci_regs.h>

#define PCI_CONFIG_ADDR 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_HEADER_MULTI_FUNCTION 0x80

static uint64_t mmio_next = GUEST_MMIO_BASE;
static uint32_t io_next = GUEST_IO_BASE;

static void pci_select(uint8_t devfn, uint8_t off)
{
    outl(PCI_CONFIG_ADDR, 0x80000000u | devfn << 8 | (off & 0xfc));
}

static uint32_t pci_readl_devfn(uint8_t devfn, uint8_t off)
{
    pci_select(devfn, off);
    return inl(PCI_CONFIG_DATA);
}

uint32_t pci_config_readl(PCIDev *d, uint8_t off)
{
    return pci_readl_devfn(d->devfn, off);
}

uint16_t pci_config_readw(PCIDev *d, uint8_t off)
{
    pci_select(d->devfn, off);
    return inw(PCI_CONFIG_DATA + (off & 2));
}

uint8_t pci_config_readb(PCIDev *d, uint8_t off)
{
    pci_select(d->devfn, off);
    return inb(PCI_CONFIG_DATA + (off & 3));
}

void pci_config_writel(PCIDev *d, uint8_t off, uint32_t v)
{
    pci_select(d->devfn, off);
    outl(PCI_CONFIG_DATA, v);
}

void pci_config_writew(PCIDev *d, uint8_t off, uint16_t v)
{
    pci_select(d->devfn, off);
    outw(PCI_CONFIG_DATA + (off & 2), v);
}

/* Calls @fn for every function present on bus 0; stops when it says so. */
static bool pci_foreach(bool (*fn)(PCIDev *d, void *opaque), void *opaque)
{
    unsigned slot, func;

    for (slot = 0; slot < 32; slot++) {
        for (func = 0; func < 8; func++) {
            uint8_t devfn = slot << 3 | func;
            uint32_t id = pci_readl_devfn(devfn, PCI_VENDOR_ID);
            PCIDev d = { devfn, id & 0xffff, id >> 16 };

            if ((id & 0xffff) == 0xffff) {
                if (!func) {
                    break;
                }
                continue;
            }
            if (fn(&d, opaque)) {
                return true;
            }
            if (!func && !(pci_readl_devfn(devfn, PCI_CACHE_LINE_SIZE) &
                           (PCI_HEADER_MULTI_FUNCTION << 16))) {
                break;
            }
        }
    }
    return false;
}

typedef struct PCIFind {
    uint16_t vendor, device;
    PCIDev *found;
} PCIFind;

static bool pci_find_one(PCIDev *d, void *opaque)
{
    PCIFind *f = opaque;

    if (d->vendor == f->vendor && d->device == f->device) {
        *f->found = *d;
        return true;
    }
    return false;
}

bool pci_find(uint16_t vendor, uint16_t device, PCIDev *d)
{
    PCIFind f = { vendor, device, d };

    return pci_foreach(pci_find_one, &f);
}

static bool pci_print_one(PCIDev *d, void *opaque)
{
    unsigned *n = opaque;

    printf("pci: 00:%02x.%x %04x:%04x class %06x\n", d->devfn >> 3,
           d->devfn & 7, d->vendor, d->device,
           pci_config_readl(d, PCI_CLASS_REVISION) >> 8);
    (*n)++;
    return false;
}

unsigned pci_scan(void)
{
    unsigned n = 0;

    pci_foreach(pci_print_one, &n);
    return n;
}

uint64_t pci_bar_assign(PCIDev *d, int bar)
{
    uint8_t off = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t orig = pci_config_readl(d, off);
    uint32_t lo, hi = 0;
    uint64_t size, addr;
    bool is64;

    pci_config_writel(d, off, 0xffffffff);
    lo = pci_config_readl(d, off);
    if (!lo) {
        pci_config_writel(d, off, orig);
        return 0;
    }
    if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
        size = (uint16_t)~(lo & PCI_BASE_ADDRESS_IO_MASK) + 1;
        addr = ALIGN_UP(io_next, size);
        io_next = addr + size;
        pci_config_writel(d, off, addr);
        return addr;
    }
    is64 = (orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
           PCI_BASE_ADDRESS_MEM_TYPE_64;
    if (is64) {
        pci_config_writel(d, off + 4, 0xffffffff);
        hi = pci_config_readl(d, off + 4);
    } else {
        hi = 0xffffffff;
    }
    size = ~((uint64_t)hi << 32 | (lo & PCI_BASE_ADDRESS_MEM_MASK)) + 1;
    addr = ALIGN_UP(mmio_next, size);
    mmio_next = addr + size;
    pci_bar_move(d, bar, addr);
    return addr;
}

void pci_bar_move(PCIDev *d, int bar, uint64_t addr)
{
    uint8_t off = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t orig = pci_config_readl(d, off);

    pci_config_writel(d, off, (uint32_t)addr);
    if ((orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
        PCI_BASE_ADDRESS_MEM_TYPE_64) {
        pci_config_writel(d, off + 4, addr >> 32);
    }
}

void pci_enable(PCIDev *d)
{
    pci_config_writew(d, PCI_COMMAND, pci_config_readw(d, PCI_COMMAND) |
                      PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                      PCI_COMMAND_MASTER);
}

uint8_t pci_find_cap(PCIDev *d, uint8_t id, uint8_t from)
{
    uint8_t pos;

    if (!(pci_config_readw(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    pos = from ? pci_config_readb(d, from + PCI_CAP_LIST_NEXT)
               : pci_config_readb(d, PCI_CAPABILITY_LIST);
    while (pos) {
        if (pci_config_readb(d, pos + PCI_CAP_LIST_ID) == id) {
            return pos;
        }
        pos = pci_config_readb(d, pos + PCI_CAP_LIST_NEXT);
    }
    return 0;
}
