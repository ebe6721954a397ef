/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci-testdev: a PCI function for testing the PCI core, the q35 host and
 * libqos.  1b36:0005, class 0x00ff, INTA, user creatable:
 *   -device pci-testdev[,addr=SLOT[.FN]][,membar=SIZE]
 *
 * BARs:
 *   BAR0      4 KiB MMIO, the registers below
 *   BAR1      256-byte I/O, the same registers
 *   BAR2/3    64-bit prefetchable RAM of "membar" bytes (default 1 MiB,
 *             a power of two >= 4 KiB; 0 leaves the BAR out)
 *   BAR4      MSI-X, 4 vectors: table at 0, PBA at 0x800
 * Capabilities: MSI-X, and MSI with 4 vectors, 64-bit, per-vector mask.
 *
 * Registers: 32 bits, little endian; 1-, 2- and 4-byte naturally aligned
 * accesses.  All read/write registers are 0 after reset.
 *   0x00 SCRATCH      RW  holds any value
 *   0x04 MAGIC        RO  0x54534554 ("TEST" in memory order)
 *   0x08 DOORBELL     WO  writing N signals vector N: through MSI-X when
 *                         it is enabled, else MSI when enabled, else as
 *                         an INTx pulse (raise then lower); reads 0
 *   0x0c DOORBELLS    RO  doorbell writes since reset
 *   0x10 INTX         RW  bit 0 is the INTx level the device asserts
 *   0x14 DMA_ADDR_LO  RW  bus address for DMA_DATA, low half
 *   0x18 DMA_ADDR_HI  RW  high half
 *   0x1c DMA_DATA     RW  a write stores the value at DMA_ADDR, a read
 *                         loads 4 bytes from there, by bus-master DMA
 *                         (they fail unless PCI_COMMAND_MASTER is set)
 *   0x20 DMA_STATUS   RO  MemTxResult of the last DMA (0 = OK)
 * Other offsets read 0 and ignore writes.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"

#define TYPE_PCI_TESTDEV "pci-testdev"
OBJECT_DECLARE_SIMPLE_TYPE(PCITestDevState, PCI_TESTDEV)

#define PCI_TESTDEV_SCRATCH         0x00
#define PCI_TESTDEV_MAGIC           0x04
#define PCI_TESTDEV_DOORBELL        0x08
#define PCI_TESTDEV_DOORBELLS       0x0c
#define PCI_TESTDEV_INTX            0x10
#define PCI_TESTDEV_DMA_ADDR_LO     0x14
#define PCI_TESTDEV_DMA_ADDR_HI     0x18
#define PCI_TESTDEV_DMA_DATA        0x1c
#define PCI_TESTDEV_DMA_STATUS      0x20

#define PCI_TESTDEV_MAGIC_VALUE     0x54534554
#define PCI_TESTDEV_MMIO_SIZE       (4 * KiB)
#define PCI_TESTDEV_PIO_SIZE        256
#define PCI_TESTDEV_MSIX_VECTORS    4
#define PCI_TESTDEV_MSIX_BAR        4
#define PCI_TESTDEV_MSI_VECTORS     4

struct PCITestDevState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    MemoryRegion portio;
    MemoryRegion membar;
    uint64_t membar_size;

    uint32_t scratch;
    uint32_t doorbells;
    bool intx_level;
    uint64_t dma_addr;
    uint32_t dma_status;
};

static void pci_testdev_doorbell(PCITestDevState *d, uint32_t vector)
{
    PCIDevice *pdev = PCI_DEVICE(d);

    d->doorbells++;
    if (msix_enabled(pdev)) {
        msix_notify(pdev, vector);
    } else if (msi_enabled(pdev)) {
        msi_notify(pdev, vector);
    } else {
        /* A pulse, then back to whatever INTX holds. */
        pci_set_irq(pdev, 1);
        pci_set_irq(pdev, d->intx_level);
    }
}

static uint32_t pci_testdev_dma_load(PCITestDevState *d)
{
    uint8_t buf[4];

    d->dma_status = pci_dma_read(PCI_DEVICE(d), d->dma_addr, buf,
                                 sizeof(buf));
    return buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
}

static void pci_testdev_dma_store(PCITestDevState *d, uint32_t val)
{
    uint8_t buf[4] = { val, val >> 8, val >> 16, val >> 24 };

    d->dma_status = pci_dma_write(PCI_DEVICE(d), d->dma_addr, buf,
                                  sizeof(buf));
}

static uint32_t pci_testdev_reg_read(PCITestDevState *d, hwaddr reg)
{
    switch (reg) {
    case PCI_TESTDEV_SCRATCH:
        return d->scratch;
    case PCI_TESTDEV_MAGIC:
        return PCI_TESTDEV_MAGIC_VALUE;
    case PCI_TESTDEV_DOORBELLS:
        return d->doorbells;
    case PCI_TESTDEV_INTX:
        return d->intx_level;
    case PCI_TESTDEV_DMA_ADDR_LO:
        return d->dma_addr;
    case PCI_TESTDEV_DMA_ADDR_HI:
        return d->dma_addr >> 32;
    case PCI_TESTDEV_DMA_DATA:
        return pci_testdev_dma_load(d);
    case PCI_TESTDEV_DMA_STATUS:
        return d->dma_status;
    default:
        return 0;
    }
}

static uint64_t pci_testdev_read(void *opaque, hwaddr addr, unsigned size)
{
    PCITestDevState *d = opaque;
    unsigned shift = (addr & 3) * 8;
    uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

    return (pci_testdev_reg_read(d, addr & ~3ULL) >> shift) & mask;
}

/*
 * A narrow write replaces its bytes of the register; write-only
 * registers see the other bytes as 0.
 */
static void pci_testdev_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    PCITestDevState *d = opaque;
    PCIDevice *pdev = PCI_DEVICE(d);
    hwaddr reg = addr & ~3ULL;
    unsigned shift = (addr & 3) * 8;
    uint32_t mask = (size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1)
                    << shift;
    uint32_t v = (uint32_t)(val << shift) & mask;
    uint32_t old;

    switch (reg) {
    case PCI_TESTDEV_SCRATCH:
        d->scratch = (d->scratch & ~mask) | v;
        break;
    case PCI_TESTDEV_DOORBELL:
        pci_testdev_doorbell(d, v);
        break;
    case PCI_TESTDEV_INTX:
        d->intx_level = ((d->intx_level & ~mask) | v) & 1;
        pci_set_irq(pdev, d->intx_level);
        break;
    case PCI_TESTDEV_DMA_ADDR_LO:
        old = d->dma_addr;
        d->dma_addr = (d->dma_addr & ~0xffffffffULL) | ((old & ~mask) | v);
        break;
    case PCI_TESTDEV_DMA_ADDR_HI:
        old = d->dma_addr >> 32;
        d->dma_addr = (d->dma_addr & 0xffffffffULL) |
                      (uint64_t)((old & ~mask) | v) << 32;
        break;
    case PCI_TESTDEV_DMA_DATA:
        pci_testdev_dma_store(d, v);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write of 0x%" PRIx64 " to "
                      "read-only or unknown register 0x%" HWADDR_PRIx "\n",
                      __func__, val, addr);
        break;
    }
}

static const MemoryRegionOps pci_testdev_ops = {
    .read = pci_testdev_read,
    .write = pci_testdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

static void pci_testdev_realize(PCIDevice *pdev, Error **errp)
{
    PCITestDevState *d = PCI_TESTDEV(pdev);
    unsigned v;

    if (d->membar_size &&
        ((d->membar_size & (d->membar_size - 1)) ||
         d->membar_size < 4 * KiB)) {
        error_setg(errp, "Parameter 'membar' expects 0 or a power of two "
                   "of at least 4 KiB, got %" PRIu64, d->membar_size);
        return;
    }

    pci_config_set_interrupt_pin(pdev->config, 1);

    memory_region_init_io(&d->mmio, OBJECT(d), &pci_testdev_ops, d,
                          "pci-testdev-mmio", PCI_TESTDEV_MMIO_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
    memory_region_init_io(&d->portio, OBJECT(d), &pci_testdev_ops, d,
                          "pci-testdev-portio", PCI_TESTDEV_PIO_SIZE);
    pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_IO, &d->portio);
    if (d->membar_size) {
        if (!memory_region_init_ram(&d->membar, OBJECT(d),
                                    "pci-testdev-membar", d->membar_size,
                                    errp)) {
            return;
        }
        pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64 |
                         PCI_BASE_ADDRESS_MEM_PREFETCH, &d->membar);
    }

    if (msix_init_exclusive_bar(pdev, PCI_TESTDEV_MSIX_VECTORS,
                                PCI_TESTDEV_MSIX_BAR, errp)) {
        return;
    }
    for (v = 0; v < PCI_TESTDEV_MSIX_VECTORS; v++) {
        msix_vector_use(pdev, v);
    }
    if (msi_init(pdev, 0, PCI_TESTDEV_MSI_VECTORS, true, true, errp)) {
        msix_uninit_exclusive_bar(pdev);
        return;
    }
}

static void pci_testdev_exit(PCIDevice *pdev)
{
    msi_uninit(pdev);
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
}

static void pci_testdev_reset(PCIDevice *pdev)
{
    PCITestDevState *d = PCI_TESTDEV(pdev);

    d->scratch = 0;
    d->doorbells = 0;
    d->intx_level = false;
    d->dma_addr = 0;
    d->dma_status = 0;
    /* The core deasserts INTx after this. */
}

static const Property pci_testdev_props[] = {
    DEFINE_PROP_SIZE("membar", PCITestDevState, membar_size, 1 * MiB),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_testdev_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    dc->desc = "PCI test device (scratch, doorbell, DMA, MSI/MSI-X)";
    dc->user_creatable = true;
    device_class_set_props(dc, pci_testdev_props);
    k->realize = pci_testdev_realize;
    k->exit = pci_testdev_exit;
    k->reset = pci_testdev_reset;
    k->vendor_id = PCI_VENDOR_ID_REDHAT;
    k->device_id = PCI_DEVICE_ID_REDHAT_TEST;
    k->revision = 0;
    k->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo pci_testdev_types[] = {
    {
        .name = TYPE_PCI_TESTDEV,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCITestDevState),
        .class_init = pci_testdev_class_init,
    },
};

DEFINE_TYPES(pci_testdev_types)
