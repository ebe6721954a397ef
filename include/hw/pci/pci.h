/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI devices: configuration space, BARs, capabilities, INTx and
 * bus-master DMA.
 *
 * A PCI device model subclasses TYPE_PCI_DEVICE, fills the ids in its
 * PCIDeviceClass and, in its realize hook, registers its BARs
 * (pci_register_bar) and capabilities (pci_add_capability, msi_init,
 * msix_init).  The core does the rest: slot allocation, config space
 * accesses with write masks, mapping BARs when the guest enables decoding,
 * reset, interrupt routing through the bus.  See docs/devel/pci.md.
 */

#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "exec/memory.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci_regs.h"
#include "hw/pci/pci_ids.h"

typedef uint64_t pcibus_t;
#define FMT_PCIBUS PRIx64
/* PCIIORegion.addr of a BAR that is not mapped. */
#define PCI_BAR_UNMAPPED (~(pcibus_t)0)

/*
 * Priority of a mapped BAR in its bus's address space.  PCI memory is
 * system memory itself here (docs/devel/pci.md), so BARs must lose to
 * every region the board maps (RAM, MMCONFIG) and only cover what would
 * otherwise be unassigned, as QEMU's PCI memory container does by sitting
 * below RAM.
 */
#define PCI_BAR_PRIORITY (-1)

typedef uint64_t dma_addr_t;

#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)
#define PCI_BUILD_BDF(bus, devfn) (((bus) << 8) | (devfn))
#define PCI_SLOT_MAX            32
#define PCI_FUNC_MAX            8
#define PCI_DEVFN_MAX           256
#define PCI_BUS_MAX             256
#define PCI_NUM_PINS            4       /* INTA..INTD */

#define PCI_ROM_SLOT            6
#define PCI_NUM_REGIONS         7

#define PCI_CONFIG_SPACE_SIZE   PCI_CFG_SPACE_SIZE
#define PCIE_CONFIG_SPACE_SIZE  PCI_CFG_SPACE_EXP_SIZE

#define TYPE_PCI_BUS "PCI"
#define TYPE_PCIE_BUS "PCIE"
OBJECT_DECLARE_SIMPLE_TYPE(PCIBus, PCI_BUS)

#define TYPE_PCI_DEVICE "pci-device"
OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)

typedef struct PCIIORegion {
    pcibus_t addr;      /* where it is mapped now, or PCI_BAR_UNMAPPED */
    pcibus_t size;
    uint8_t type;       /* PCI_BASE_ADDRESS_SPACE_IO or memory type bits */
    MemoryRegion *memory;
    MemoryRegion *address_space;    /* the bus's memory or I/O space */
} PCIIORegion;

typedef uint32_t PCIConfigReadFunc(PCIDevice *pci_dev, uint32_t address,
                                   int len);
typedef void PCIConfigWriteFunc(PCIDevice *pci_dev, uint32_t address,
                                uint32_t data, int len);

struct PCIDeviceClass {
    DeviceClass parent_class;

    /* Device-specific realize/unrealize; the core's run around them. */
    void (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    /*
     * Device-specific part of a reset.  The core's part (command, status,
     * BARs, interrupt line, MSI/MSI-X, INTx) runs after it.  PCI devices
     * must use this rather than DeviceClass.legacy_reset, which the core
     * owns.
     */
    void (*reset)(PCIDevice *dev);
    /*
     * Config space accessors: default pci_default_read/write_config; a
     * device overriding them calls the defaults for what it does not
     * handle itself.
     */
    PCIConfigReadFunc *config_read;
    PCIConfigWriteFunc *config_write;

    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;
    /* 0 picks QEMU's defaults, 1af4:1100. */
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    /* A PCI Express device: 4 KiB of config space instead of 256 bytes. */
    bool is_express;
};

/* PCIDevice.cap_present */
enum {
    QEMU_PCI_CAP_MSI = 0x1,
    QEMU_PCI_CAP_MSIX = 0x2,
    QEMU_PCI_CAP_EXPRESS = 0x4,
};

struct PCIDevice {
    DeviceState qdev;

    /*
     * Config space and its masks, pci_config_size() bytes each:
     * wmask: bits the guest may write; w1cmask: bits a guest write of 1
     * clears (status errors); cmask: bits the device fixed at realize that
     * must stay (ids, BAR types, capabilities); used: bytes taken by
     * capabilities.
     */
    uint8_t *config;
    uint8_t *cmask;
    uint8_t *wmask;
    uint8_t *w1cmask;
    uint8_t *used;

    /* "addr" property: slot << 3 | function, -1 for the first free slot. */
    int32_t devfn;
    char name[64];
    PCIIORegion io_regions[PCI_NUM_REGIONS];

    /*
     * DMA and MSI writes go through bus_master_as: a container holding an
     * alias of system memory that is enabled only while the guest has set
     * PCI_COMMAND_MASTER.  With mastering off, DMA hits nothing.
     */
    AddressSpace bus_master_as;
    MemoryRegion bus_master_container_region;
    MemoryRegion bus_master_enable_region;

    /* Bit n set: the device asserts INTx pin n (0 = INTA). */
    uint8_t irq_state;
    uint32_t cap_present;

    /* MSI: capability offset, 0 when absent. */
    uint8_t msi_cap;

    /* MSI-X */
    uint8_t msix_cap;
    int msix_entries_nr;
    uint8_t *msix_table;
    uint8_t *msix_pba;
    unsigned *msix_entry_used;
    bool msix_function_masked;
    MemoryRegion msix_exclusive_bar;
    MemoryRegion msix_table_mmio;
    MemoryRegion msix_pba_mmio;
};

/* The "addr" property: "slot[.fn]" in hex, as -device takes it. */
extern const PropertyInfo qdev_prop_pci_devfn;
#define DEFINE_PROP_PCI_DEVFN(_n, _s, _f, _d)                           \
    DEFINE_PROP_SIGNED(_n, _s, _f, _d, qdev_prop_pci_devfn, int32_t)

/* Config space accessors (little endian, unaligned allowed) */

static inline void pci_set_byte(uint8_t *config, uint8_t val)
{
    *config = val;
}

static inline uint8_t pci_get_byte(const uint8_t *config)
{
    return *config;
}

static inline void pci_set_word(uint8_t *config, uint16_t val)
{
    config[0] = val;
    config[1] = val >> 8;
}

static inline uint16_t pci_get_word(const uint8_t *config)
{
    return config[0] | (uint16_t)config[1] << 8;
}

static inline void pci_set_long(uint8_t *config, uint32_t val)
{
    pci_set_word(config, val);
    pci_set_word(config + 2, val >> 16);
}

static inline uint32_t pci_get_long(const uint8_t *config)
{
    return pci_get_word(config) | (uint32_t)pci_get_word(config + 2) << 16;
}

static inline void pci_set_quad(uint8_t *config, uint64_t val)
{
    pci_set_long(config, val);
    pci_set_long(config + 4, val >> 32);
}

static inline uint64_t pci_get_quad(const uint8_t *config)
{
    return pci_get_long(config) | (uint64_t)pci_get_long(config + 4) << 32;
}

static inline void pci_word_test_and_set_mask(uint8_t *config, uint16_t m)
{
    pci_set_word(config, pci_get_word(config) | m);
}

static inline void pci_word_test_and_clear_mask(uint8_t *config, uint16_t m)
{
    pci_set_word(config, pci_get_word(config) & ~m);
}

static inline void pci_long_test_and_set_mask(uint8_t *config, uint32_t m)
{
    pci_set_long(config, pci_get_long(config) | m);
}

static inline void pci_long_test_and_clear_mask(uint8_t *config, uint32_t m)
{
    pci_set_long(config, pci_get_long(config) & ~m);
}

static inline void pci_config_set_vendor_id(uint8_t *config, uint16_t val)
{
    pci_set_word(config + PCI_VENDOR_ID, val);
}

static inline void pci_config_set_device_id(uint8_t *config, uint16_t val)
{
    pci_set_word(config + PCI_DEVICE_ID, val);
}

static inline void pci_config_set_revision(uint8_t *config, uint8_t val)
{
    pci_set_byte(config + PCI_REVISION_ID, val);
}

static inline void pci_config_set_class(uint8_t *config, uint16_t val)
{
    pci_set_word(config + PCI_CLASS_DEVICE, val);
}

static inline void pci_config_set_prog_interface(uint8_t *config,
                                                 uint8_t val)
{
    pci_set_byte(config + PCI_CLASS_PROG, val);
}

/* @val is the pin, 1 = INTA .. 4 = INTD. */
static inline void pci_config_set_interrupt_pin(uint8_t *config,
                                                uint8_t val)
{
    pci_set_byte(config + PCI_INTERRUPT_PIN, val);
}

/* Devices */

static inline PCIBus *pci_get_bus(const PCIDevice *d)
{
    return PCI_BUS(qdev_get_parent_bus(DEVICE(d)));
}

uint32_t pci_config_size(const PCIDevice *d);
int pci_bus_num(PCIBus *bus);
static inline int pci_dev_bus_num(const PCIDevice *d)
{
    return pci_bus_num(pci_get_bus(d));
}

/*
 * Register BAR @region_num (0-5, or PCI_ROM_SLOT) backed by @memory, whose
 * size must be a power of two (at least 4 bytes for I/O, 16 for memory).
 * @type: PCI_BASE_ADDRESS_SPACE_IO, or PCI_BASE_ADDRESS_SPACE_MEMORY ORed
 * with PCI_BASE_ADDRESS_MEM_TYPE_64 (takes @region_num + 1 too) and/or
 * PCI_BASE_ADDRESS_MEM_PREFETCH.
 */
void pci_register_bar(PCIDevice *pci_dev, int region_num, uint8_t type,
                      MemoryRegion *memory);
/* Where BAR @region_num is mapped now, or PCI_BAR_UNMAPPED. */
pcibus_t pci_get_bar_addr(PCIDevice *pci_dev, int region_num);

/*
 * Add a capability of @size bytes at @offset (0: the first free dword-
 * aligned space after the header).  Returns the offset, or -errno with
 * @errp set.  The capability's bytes are read-only to the guest unless
 * the caller sets wmask bits afterwards.
 */
int pci_add_capability(PCIDevice *pdev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp);
void pci_del_capability(PCIDevice *pdev, uint8_t cap_id, uint8_t size);
/* The offset of the first capability @cap_id, 0 if none. */
uint8_t pci_find_capability(PCIDevice *pdev, uint8_t cap_id);

uint32_t pci_default_read_config(PCIDevice *d, uint32_t address, int len);
void pci_default_write_config(PCIDevice *d, uint32_t address,
                              uint32_t val, int len);

/* Back to power-on state; the PCI bus's reset calls it for each device. */
void pci_device_reset(PCIDevice *dev);

/* INTx, on the pin the device declared in PCI_INTERRUPT_PIN. */
void pci_set_irq(PCIDevice *pci_dev, int level);

static inline void pci_irq_assert(PCIDevice *pci_dev)
{
    pci_set_irq(pci_dev, 1);
}

static inline void pci_irq_deassert(PCIDevice *pci_dev)
{
    pci_set_irq(pci_dev, 0);
}

static inline void pci_irq_pulse(PCIDevice *pci_dev)
{
    pci_irq_assert(pci_dev);
    pci_irq_deassert(pci_dev);
}

/* Drop every pin the device asserts (reset, MSI-X enable). */
void pci_device_deassert_intx(PCIDevice *dev);

/* Bus-master DMA (fails silently, as on hardware, unless mastering is on) */

static inline AddressSpace *pci_get_address_space(PCIDevice *dev)
{
    return &dev->bus_master_as;
}

MemTxResult pci_dma_rw(PCIDevice *dev, dma_addr_t addr, void *buf,
                       dma_addr_t len, bool is_write);

static inline MemTxResult pci_dma_read(PCIDevice *dev, dma_addr_t addr,
                                       void *buf, dma_addr_t len)
{
    return pci_dma_rw(dev, addr, buf, len, false);
}

static inline MemTxResult pci_dma_write(PCIDevice *dev, dma_addr_t addr,
                                        const void *buf, dma_addr_t len)
{
    return pci_dma_rw(dev, addr, (void *)buf, len, true);
}

/* Buses */

typedef void (*pci_set_irq_fn)(void *opaque, int irq_num, int level);
typedef int (*pci_map_irq_fn)(PCIDevice *pci_dev, int irq_num);
typedef void (*pci_bus_dev_fn)(PCIBus *b, PCIDevice *d, void *opaque);

/*
 * A root bus @name (number 0) below host bridge @parent, whose BARs map
 * into @mem and @io; automatic slot allocation starts at @devfn_min.
 */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min, const char *typename);
/*
 * INTx routing: a device's pin p (0 = INTA) goes to the bus's interrupt
 * line map_irq(dev, p) in [0, nirq); the bus ORs the devices sharing a
 * line and calls set_irq(opaque, line, level) when the result changes.
 */
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, void *irq_opaque,
                  int nirq);
void pci_bus_map_irqs(PCIBus *bus, pci_map_irq_fn map_irq);
/* How many devices assert line @irq_num now. */
int pci_bus_get_irq_level(PCIBus *bus, int irq_num);

/* Every root bus, in creation order (for query-pci). */
PCIBus *pci_root_bus_next(PCIBus *prev);

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn);
/* Create the -nic NICs on @bus (@default_model when -nic names none). */
void pci_init_nic_devices(PCIBus *bus, const char *default_model);
void pci_for_each_device(PCIBus *bus, int bus_num, pci_bus_dev_fn fn,
                         void *opaque);

#endif /* HW_PCI_PCI_H */
