/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI core: the PCI bus types, the abstract PCI device, its config
 * space, BAR mapping, capabilities, INTx and bus-master DMA.
 *
 * BAR life cycle (docs/devel/pci.md has the whole picture):
 *   registered (realize)  --guest writes address, sets IO/MEMORY-->  mapped
 *   mapped  --guest moves the BAR or clears the decode bit-->  remapped or
 *           unmapped
 *   any  --reset-->  BAR reads back its type bits only, unmapped
 * pci_update_mappings() computes, for every BAR, where the config space
 * says it should be and moves the MemoryRegion there; it runs after every
 * config write touching the command register or a BAR.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/rcu.h"
#include "exec/address-spaces.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "net/net.h"

static QTAILQ_HEAD(, PCIBus) pci_root_buses =
    QTAILQ_HEAD_INITIALIZER(pci_root_buses);

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static bool ranges_overlap(uint32_t first1, uint32_t len1,
                           uint32_t first2, uint32_t len2)
{
    return first1 < first2 + len2 && first2 < first1 + len1;
}

/* The "addr" property */

static int32_t *devfn_ptr(Object *obj, const Property *prop)
{
    return (int32_t *)((char *)obj + prop->offset);
}

static char *print_pci_devfn(Object *obj, const Property *prop)
{
    int32_t devfn = *devfn_ptr(obj, prop);

    if (devfn < 0) {
        return g_strdup("<unset>");
    }
    return g_strdup_printf("%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
}

/* "slot[.fn]", both in hex as lspci prints them: "3", "1f.7", "0x10". */
static bool parse_pci_devfn(Object *obj, const Property *prop,
                            const char *str, Error **errp)
{
    unsigned long slot, fn = 0;
    const char *p = str;
    char *e;

    if (!g_ascii_isxdigit(*p)) {
        goto bad;
    }
    errno = 0;
    slot = strtoul(p, &e, 16);
    if (errno || slot >= PCI_SLOT_MAX) {
        goto bad;
    }
    if (*e == '.') {
        p = e + 1;
        if (!g_ascii_isxdigit(*p)) {
            goto bad;
        }
        fn = strtoul(p, &e, 16);
        if (errno || fn >= PCI_FUNC_MAX) {
            goto bad;
        }
    }
    if (*e) {
        goto bad;
    }
    *devfn_ptr(obj, prop) = PCI_DEVFN(slot, fn);
    return true;

bad:
    error_setg(errp, "Parameter '%s' expects slot[.fn] in hex "
               "(slot 0-1f, fn 0-7), got '%s'", prop->name, str);
    return false;
}

static void default_pci_devfn(Object *obj, const Property *prop)
{
    *devfn_ptr(obj, prop) = prop->defval.i;
}

const PropertyInfo qdev_prop_pci_devfn = {
    .type = "int32",       /* QEMU's: the devfn, -1 when unset */
    .description = "Slot and optional function number, example: 06.0 "
                   "or 06",
    .print = print_pci_devfn,
    .parse = parse_pci_devfn,
    .set_default = default_pci_devfn,
};

/* Buses */

int pci_bus_num(PCIBus *bus)
{
    /* No bridges: every bus is the root bus of its host, number 0. */
    return 0;
}

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io,
                         uint8_t devfn_min, const char *typename)
{
    PCIBus *bus = PCI_BUS(qbus_new(typename, parent, name));

    bus->address_space_mem = mem;
    bus->address_space_io = io;
    bus->devfn_min = devfn_min;
    QTAILQ_INSERT_TAIL(&pci_root_buses, bus, root_link);
    return bus;
}

PCIBus *pci_root_bus_next(PCIBus *prev)
{
    return prev ? QTAILQ_NEXT(prev, root_link) : QTAILQ_FIRST(&pci_root_buses);
}

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, void *irq_opaque,
                  int nirq)
{
    bus->set_irq = set_irq;
    bus->irq_opaque = irq_opaque;
    bus->nirq = nirq;
    g_free(bus->irq_count);
    bus->irq_count = g_new0(int, nirq);
}

void pci_bus_map_irqs(PCIBus *bus, pci_map_irq_fn map_irq)
{
    bus->map_irq = map_irq;
}

int pci_bus_get_irq_level(PCIBus *bus, int irq_num)
{
    assert(irq_num >= 0 && irq_num < bus->nirq);
    return bus->irq_count[irq_num];
}

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn)
{
    if (!bus || bus_num != pci_bus_num(bus)) {
        return NULL;
    }
    return bus->devices[devfn];
}

void pci_for_each_device(PCIBus *bus, int bus_num, pci_bus_dev_fn fn,
                         void *opaque)
{
    int devfn;

    if (!bus || bus_num != pci_bus_num(bus)) {
        return;
    }
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            fn(bus, bus->devices[devfn], opaque);
        }
    }
}

static char *pcibus_get_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    return g_strdup_printf("0000:%02x:%02x.%x", pci_dev_bus_num(d),
                           PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
}

static void pci_bus_finalize(Object *obj)
{
    PCIBus *bus = PCI_BUS(obj);
    PCIBus *b;

    QTAILQ_FOREACH(b, &pci_root_buses, root_link) {
        if (b == bus) {
            QTAILQ_REMOVE(&pci_root_buses, bus, root_link);
            break;
        }
    }
    g_free(bus->irq_count);
}

static void pci_bus_class_init(ObjectClass *klass, const void *data)
{
    BusClass *k = BUS_CLASS(klass);

    k->get_dev_path = pcibus_get_dev_path;
}

/* Config space */

uint32_t pci_config_size(const PCIDevice *d)
{
    return d->cap_present & QEMU_PCI_CAP_EXPRESS ? PCIE_CONFIG_SPACE_SIZE
                                                 : PCI_CONFIG_SPACE_SIZE;
}

static int pci_bar(PCIDevice *d, int reg)
{
    return reg == PCI_ROM_SLOT ? PCI_ROM_ADDRESS
                               : PCI_BASE_ADDRESS_0 + reg * 4;
}

/* Bits the device fixed: ids, class, header type. */
static void pci_init_cmask(PCIDevice *dev)
{
    pci_set_word(dev->cmask + PCI_VENDOR_ID, 0xffff);
    pci_set_word(dev->cmask + PCI_DEVICE_ID, 0xffff);
    dev->cmask[PCI_STATUS] = PCI_STATUS_CAP_LIST;
    dev->cmask[PCI_REVISION_ID] = 0xff;
    dev->cmask[PCI_CLASS_PROG] = 0xff;
    pci_set_word(dev->cmask + PCI_CLASS_DEVICE, 0xffff);
    dev->cmask[PCI_HEADER_TYPE] = 0xff;
    dev->cmask[PCI_CAPABILITY_LIST] = 0xff;
}

/*
 * What the guest may write: the command bits we implement, cache line and
 * interrupt line, and (until a capability claims it) the device-specific
 * space after the header, which drivers and firmware use as scratch.
 */
static void pci_init_wmask(PCIDevice *dev)
{
    uint32_t config_size = pci_config_size(dev);

    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    pci_set_word(dev->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                 PCI_COMMAND_INTX_DISABLE);
    memset(dev->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           config_size - PCI_CONFIG_HEADER_SIZE);
}

/* Status error bits are cleared by writing 1 to them. */
static void pci_init_w1cmask(PCIDevice *dev)
{
    pci_set_word(dev->w1cmask + PCI_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
}

uint32_t pci_default_read_config(PCIDevice *d, uint32_t address, int len)
{
    uint32_t size = pci_config_size(d);
    uint32_t val = 0;
    int i;

    /* Host bridges clamp already; this guards device-internal callers. */
    if (address >= size || len <= 0) {
        return ~0U;
    }
    len = MIN(MIN(len, 4), (int)(size - address));
    for (i = 0; i < len; i++) {
        val |= (uint32_t)d->config[address + i] << (8 * i);
    }
    return val;
}

/* Where BAR @reg should be mapped according to config space now. */
static pcibus_t pci_bar_address(PCIDevice *d, int reg, uint8_t type,
                                pcibus_t size)
{
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int bar = pci_bar(d, reg);
    pcibus_t new_addr, last_addr;

    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        new_addr = pci_get_long(d->config + bar) & ~(size - 1);
        last_addr = new_addr + size - 1;
        /*
         * Address 0 means "not assigned" by firmware convention; a BAR
         * reaching past the 64 KiB port space cannot be decoded.
         */
        if (new_addr == 0 || last_addr <= new_addr || last_addr >=
            memory_region_size(d->io_regions[reg].address_space)) {
            return PCI_BAR_UNMAPPED;
        }
        return new_addr;
    }

    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        new_addr = pci_get_quad(d->config + bar);
    } else {
        new_addr = pci_get_long(d->config + bar);
    }
    if (reg == PCI_ROM_SLOT && !(new_addr & PCI_ROM_ADDRESS_ENABLE)) {
        return PCI_BAR_UNMAPPED;
    }
    new_addr &= ~(size - 1);
    last_addr = new_addr + size - 1;
    /* A BAR wrapping past the end of the address space is not decoded. */
    if (new_addr == 0 || last_addr <= new_addr ||
        last_addr == PCI_BAR_UNMAPPED) {
        return PCI_BAR_UNMAPPED;
    }
    return new_addr;
}

static void pci_update_mappings(PCIDevice *d)
{
    pcibus_t new_addr;
    int i;

    memory_region_transaction_begin();
    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];

        if (!r->size) {
            continue;
        }
        new_addr = pci_bar_address(d, i, r->type, r->size);
        if (new_addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = new_addr;
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_add_subregion_overlap(r->address_space, r->addr,
                                                r->memory, PCI_BAR_PRIORITY);
        }
    }
    memory_region_transaction_commit();
}

static void pci_unmap_io_regions(PCIDevice *d)
{
    int i;

    memory_region_transaction_begin();
    for (i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];

        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
    memory_region_transaction_commit();
}

void pci_register_bar(PCIDevice *pci_dev, int region_num, uint8_t type,
                      MemoryRegion *memory)
{
    PCIBus *bus = pci_get_bus(pci_dev);
    PCIIORegion *r;
    uint64_t size = memory_region_size(memory);
    uint64_t wmask;
    int addr;

    assert(region_num >= 0 && region_num < PCI_NUM_REGIONS);
    assert(is_pow2(size));
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        assert(size >= 4 && region_num != PCI_ROM_SLOT);
        type = PCI_BASE_ADDRESS_SPACE_IO;
    } else {
        assert(size >= 16);
        if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            /* The upper half takes the next BAR. */
            assert(region_num < PCI_ROM_SLOT - 1);
            assert(!pci_dev->io_regions[region_num + 1].size);
        }
    }
    r = &pci_dev->io_regions[region_num];
    assert(!r->size);
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = memory;
    r->address_space = type & PCI_BASE_ADDRESS_SPACE_IO
                       ? bus->address_space_io : bus->address_space_mem;

    /* Sizing: writing all ones reads back ~(size - 1) | type. */
    wmask = ~(size - 1);
    if (region_num == PCI_ROM_SLOT) {
        wmask |= PCI_ROM_ADDRESS_ENABLE;
    }
    addr = pci_bar(pci_dev, region_num);
    pci_set_long(pci_dev->config + addr, type);
    if (!(type & PCI_BASE_ADDRESS_SPACE_IO) &&
        (type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
        pci_set_quad(pci_dev->wmask + addr, wmask);
        pci_set_quad(pci_dev->cmask + addr, ~0ULL);
    } else {
        pci_set_long(pci_dev->wmask + addr, wmask & 0xffffffff);
        pci_set_long(pci_dev->cmask + addr, 0xffffffff);
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *pci_dev, int region_num)
{
    return pci_dev->io_regions[region_num].addr;
}

/* INTx */

static int pci_intx(PCIDevice *d)
{
    return pci_get_byte(d->config + PCI_INTERRUPT_PIN) - 1;
}

static bool pci_irq_disabled(PCIDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
}

static void pci_update_irq_status(PCIDevice *dev)
{
    if (dev->irq_state) {
        pci_word_test_and_set_mask(dev->config + PCI_STATUS,
                                   PCI_STATUS_INTERRUPT);
    } else {
        pci_word_test_and_clear_mask(dev->config + PCI_STATUS,
                                     PCI_STATUS_INTERRUPT);
    }
}

/* Add @change (+1/-1) to the bus line pin @pin of @dev is routed to. */
static void pci_change_irq_level(PCIDevice *dev, int pin, int change)
{
    PCIBus *bus = pci_get_bus(dev);
    int line, before;

    if (!bus->map_irq || !bus->set_irq) {
        return;
    }
    line = bus->map_irq(dev, pin);
    assert(line >= 0 && line < bus->nirq);
    before = bus->irq_count[line];
    bus->irq_count[line] += change;
    assert(bus->irq_count[line] >= 0);
    /* The line is the OR of its pins: only edges of the OR go out. */
    if (!before != !bus->irq_count[line]) {
        bus->set_irq(bus->irq_opaque, line, bus->irq_count[line] != 0);
    }
}

void pci_set_irq(PCIDevice *pci_dev, int level)
{
    int pin = pci_intx(pci_dev);
    int change;

    if (pin < 0 || pin >= PCI_NUM_PINS) {
        /* The device declared no INTx pin; a model bug, not the guest's. */
        return;
    }
    change = !!level - ((pci_dev->irq_state >> pin) & 1);
    if (!change) {
        return;
    }
    pci_dev->irq_state ^= 1 << pin;
    pci_update_irq_status(pci_dev);
    if (pci_irq_disabled(pci_dev)) {
        return;
    }
    pci_change_irq_level(pci_dev, pin, change);
}

/* PCI_COMMAND_INTX_DISABLE masks the pins the device asserts. */
static void pci_update_irq_disabled(PCIDevice *d, bool was_disabled)
{
    bool disabled = pci_irq_disabled(d);
    int i;

    if (disabled == was_disabled) {
        return;
    }
    for (i = 0; i < PCI_NUM_PINS; i++) {
        if (d->irq_state & (1 << i)) {
            pci_change_irq_level(d, i, disabled ? -1 : 1);
        }
    }
}

void pci_device_deassert_intx(PCIDevice *dev)
{
    int i;

    for (i = 0; i < PCI_NUM_PINS; i++) {
        if ((dev->irq_state & (1 << i)) && !pci_irq_disabled(dev)) {
            pci_change_irq_level(dev, i, -1);
        }
    }
    dev->irq_state = 0;
    pci_update_irq_status(dev);
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val_in,
                              int l)
{
    uint32_t size = pci_config_size(d);
    bool was_irq_disabled = pci_irq_disabled(d);
    uint32_t val = val_in;
    int i;

    if (addr >= size || l <= 0) {
        return;
    }
    l = MIN(MIN(l, 4), (int)(size - addr));
    for (i = 0; i < l; val >>= 8, ++i) {
        uint8_t wmask = d->wmask[addr + i];
        uint8_t w1cmask = d->w1cmask[addr + i];

        assert(!(wmask & w1cmask));
        d->config[addr + i] = (d->config[addr + i] & ~wmask) |
                              (val & wmask);
        d->config[addr + i] &= ~(val & w1cmask);
    }

    if (ranges_overlap(addr, l, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, l, PCI_ROM_ADDRESS, 4) ||
        ranges_overlap(addr, l, PCI_COMMAND, 2)) {
        pci_update_mappings(d);
    }
    if (ranges_overlap(addr, l, PCI_COMMAND, 2)) {
        pci_update_irq_disabled(d, was_irq_disabled);
        memory_region_set_enabled(&d->bus_master_enable_region,
                                  pci_get_word(d->config + PCI_COMMAND) &
                                  PCI_COMMAND_MASTER);
    }
    /* Devices need not chain these: every config write reaches them. */
    msi_write_config(d, addr, val_in, l);
    msix_write_config(d, addr, val_in, l);
}

/* Capabilities */

/* The first dword-aligned run of @size free bytes after the header. */
static uint8_t pci_find_space(PCIDevice *pdev, uint8_t size)
{
    int offset, i;

    for (offset = PCI_CONFIG_HEADER_SIZE;
         offset + size <= PCI_CONFIG_SPACE_SIZE; offset += 4) {
        for (i = 0; i < size && !pdev->used[offset + i]; i++) {
            continue;
        }
        if (i == size) {
            return offset;
        }
    }
    return 0;
}

int pci_add_capability(PCIDevice *pdev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp)
{
    uint8_t *config;
    int i;

    if (!offset) {
        offset = pci_find_space(pdev, size);
        if (!offset) {
            error_setg(errp, "%s: no space for PCI capability 0x%x "
                       "(%u bytes)", pdev->name, cap_id, size);
            return -ENOSPC;
        }
    } else {
        if (offset < PCI_CONFIG_HEADER_SIZE ||
            offset + size > PCI_CONFIG_SPACE_SIZE) {
            error_setg(errp, "%s: PCI capability 0x%x at offset 0x%x "
                       "(%u bytes) is outside the capability area",
                       pdev->name, cap_id, offset, size);
            return -EINVAL;
        }
        for (i = offset; i < offset + size; i++) {
            if (pdev->used[i]) {
                error_setg(errp, "%s: PCI capability 0x%x at offset 0x%x "
                           "overlaps an existing capability at 0x%x",
                           pdev->name, cap_id, offset, i);
                return -EINVAL;
            }
        }
    }

    config = pdev->config + offset;
    config[PCI_CAP_LIST_ID] = cap_id;
    config[PCI_CAP_LIST_NEXT] = pdev->config[PCI_CAPABILITY_LIST];
    pdev->config[PCI_CAPABILITY_LIST] = offset;
    pci_word_test_and_set_mask(pdev->config + PCI_STATUS,
                               PCI_STATUS_CAP_LIST);
    memset(pdev->used + offset, 0xff,
           MIN(QEMU_ALIGN_UP(size, 4), PCI_CONFIG_SPACE_SIZE - offset));
    /* Read-only until the capability's code opens the fields it wants. */
    memset(pdev->wmask + offset, 0, size);
    memset(pdev->cmask + offset, 0xff, size);
    return offset;
}

/* The config byte that points at the capability @cap_id, or 0. */
static uint8_t pci_find_capability_prev(PCIDevice *pdev, uint8_t cap_id,
                                        uint8_t *prev_p)
{
    uint8_t next, prev = PCI_CAPABILITY_LIST;
    int guard;

    if (!(pci_get_word(pdev->config + PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    /* The list is read-only to the guest; the guard is belt and braces. */
    for (guard = 0; guard < 64; guard++) {
        next = pdev->config[prev];
        if (!next) {
            return 0;
        }
        if (pdev->config[next + PCI_CAP_LIST_ID] == cap_id) {
            if (prev_p) {
                *prev_p = prev;
            }
            return next;
        }
        prev = next + PCI_CAP_LIST_NEXT;
    }
    return 0;
}

uint8_t pci_find_capability(PCIDevice *pdev, uint8_t cap_id)
{
    return pci_find_capability_prev(pdev, cap_id, NULL);
}

void pci_del_capability(PCIDevice *pdev, uint8_t cap_id, uint8_t size)
{
    uint8_t prev = 0;
    uint8_t offset = pci_find_capability_prev(pdev, cap_id, &prev);

    if (!offset) {
        return;
    }
    pdev->config[prev] = pdev->config[offset + PCI_CAP_LIST_NEXT];
    memset(pdev->config + offset, 0, size);
    memset(pdev->wmask + offset, 0xff, size);
    memset(pdev->w1cmask + offset, 0, size);
    memset(pdev->cmask + offset, 0, size);
    memset(pdev->used + offset, 0,
           MIN(QEMU_ALIGN_UP(size, 4), PCI_CONFIG_SPACE_SIZE - offset));
    if (!pdev->config[PCI_CAPABILITY_LIST]) {
        pci_word_test_and_clear_mask(pdev->config + PCI_STATUS,
                                     PCI_STATUS_CAP_LIST);
    }
}

/* DMA */

MemTxResult pci_dma_rw(PCIDevice *dev, dma_addr_t addr, void *buf,
                       dma_addr_t len, bool is_write)
{
    return address_space_rw(&dev->bus_master_as, addr,
                            MEMTXATTRS_UNSPECIFIED, buf, len, is_write);
}

/*
 * The device's view of memory for DMA: system memory through an alias
 * that only PCI_COMMAND_MASTER enables.  The DMA target is system memory
 * whatever the bus's BAR space is, as with QEMU's q35 without an IOMMU.
 */
static void pci_init_bus_master(PCIDevice *d)
{
    MemoryRegion *sysmem = get_system_memory();

    memory_region_init(&d->bus_master_container_region, OBJECT(d),
                       "bus master container", UINT64_MAX);
    memory_region_init_alias(&d->bus_master_enable_region, OBJECT(d),
                             "bus master", sysmem, 0, UINT64_MAX);
    memory_region_set_enabled(&d->bus_master_enable_region, false);
    memory_region_add_subregion(&d->bus_master_container_region, 0,
                                &d->bus_master_enable_region);
    address_space_init(&d->bus_master_as, &d->bus_master_container_region,
                       d->name);
}

/* Reset */

/* What every PCI function does on reset, whatever its model. */
static void pci_do_device_reset(PCIDevice *dev)
{
    int r;

    /* Before the command register loses INTX_DISABLE: counts must match. */
    pci_device_deassert_intx(dev);

    pci_word_test_and_clear_mask(dev->config + PCI_COMMAND,
                                 pci_get_word(dev->wmask + PCI_COMMAND) |
                                 pci_get_word(dev->w1cmask + PCI_COMMAND));
    pci_word_test_and_clear_mask(dev->config + PCI_STATUS,
                                 pci_get_word(dev->wmask + PCI_STATUS) |
                                 pci_get_word(dev->w1cmask + PCI_STATUS));
    dev->config[PCI_CACHE_LINE_SIZE] = 0;
    dev->config[PCI_INTERRUPT_LINE] = 0;
    for (r = 0; r < PCI_NUM_REGIONS; r++) {
        PCIIORegion *region = &dev->io_regions[r];

        if (!region->size) {
            continue;
        }
        if (!(region->type & PCI_BASE_ADDRESS_SPACE_IO) &&
            (region->type & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
            pci_set_quad(dev->config + pci_bar(dev, r), region->type);
        } else {
            pci_set_long(dev->config + pci_bar(dev, r), region->type);
        }
    }
    pci_update_mappings(dev);
    memory_region_set_enabled(&dev->bus_master_enable_region, false);

    msi_reset(dev);
    msix_reset(dev);
}

void pci_device_reset(PCIDevice *dev)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    if (pc->reset) {
        pc->reset(dev);
    }
    pci_do_device_reset(dev);
}

static void pci_qdev_reset(DeviceState *dev)
{
    pci_device_reset(PCI_DEVICE(dev));
}

/* Realize and unrealize */

static bool do_pci_register_device(PCIDevice *pci_dev, PCIBus *bus,
                                   Error **errp)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(pci_dev);
    const char *name = object_get_typename(OBJECT(pci_dev));
    int devfn = pci_dev->devfn;
    uint32_t config_size;

    if (devfn < 0) {
        for (devfn = bus->devfn_min; devfn < PCI_DEVFN_MAX;
             devfn += PCI_FUNC_MAX) {
            if (!bus->devices[devfn]) {
                break;
            }
        }
        if (devfn >= PCI_DEVFN_MAX) {
            error_setg(errp, "PCI: no slot/function available for %s, "
                       "all in use", name);
            return false;
        }
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, "
                   "in use by %s", PCI_SLOT(devfn), PCI_FUNC(devfn), name,
                   bus->devices[devfn]->name);
        return false;
    }

    pci_dev->devfn = devfn;
    g_strlcpy(pci_dev->name, name, sizeof(pci_dev->name));
    if (pc->is_express) {
        pci_dev->cap_present |= QEMU_PCI_CAP_EXPRESS;
    }
    config_size = pci_config_size(pci_dev);
    pci_dev->config = g_malloc0(config_size);
    pci_dev->cmask = g_malloc0(config_size);
    pci_dev->wmask = g_malloc0(config_size);
    pci_dev->w1cmask = g_malloc0(config_size);
    pci_dev->used = g_malloc0(config_size);

    pci_config_set_vendor_id(pci_dev->config, pc->vendor_id);
    pci_config_set_device_id(pci_dev->config, pc->device_id);
    pci_config_set_revision(pci_dev->config, pc->revision);
    pci_config_set_class(pci_dev->config, pc->class_id);
    /* Header type 0 has a subsystem id; QEMU's default names QEMU. */
    pci_set_word(pci_dev->config + PCI_SUBSYSTEM_VENDOR_ID,
                 pc->subsystem_vendor_id ? pc->subsystem_vendor_id
                                         : PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(pci_dev->config + PCI_SUBSYSTEM_ID,
                 pc->subsystem_vendor_id ? pc->subsystem_id
                                         : PCI_SUBDEVICE_ID_QEMU);
    pci_init_cmask(pci_dev);
    pci_init_wmask(pci_dev);
    pci_init_w1cmask(pci_dev);

    pci_init_bus_master(pci_dev);
    bus->devices[devfn] = pci_dev;
    return true;
}

typedef struct PCIDeviceRelease {
    struct rcu_head rcu;
    Object *obj;
} PCIDeviceRelease;

static void pci_device_release_rcu(PCIDeviceRelease *rel)
{
    object_unref(rel->obj);
    g_free(rel);
}

static void do_pci_unregister_device(PCIDevice *pci_dev)
{
    PCIDeviceRelease *rel = g_new0(PCIDeviceRelease, 1);

    pci_get_bus(pci_dev)->devices[pci_dev->devfn] = NULL;
    pci_unmap_io_regions(pci_dev);
    memory_region_del_subregion(&pci_dev->bus_master_container_region,
                                &pci_dev->bus_master_enable_region);
    address_space_destroy(&pci_dev->bus_master_as);
    /*
     * bus_master_as is part of the device: keep the device until the
     * address space's own RCU callback, queued just before, has run.
     * Pairs with the call_rcu() in address_space_destroy().
     */
    rel->obj = object_ref(OBJECT(pci_dev));
    call_rcu(rel, pci_device_release_rcu, rcu);

    g_free(pci_dev->config);
    g_free(pci_dev->cmask);
    g_free(pci_dev->wmask);
    g_free(pci_dev->w1cmask);
    g_free(pci_dev->used);
    pci_dev->config = pci_dev->cmask = pci_dev->wmask = NULL;
    pci_dev->w1cmask = pci_dev->used = NULL;
}

static void pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *pci_dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(pci_dev);
    PCIBus *bus = PCI_BUS(qdev_get_parent_bus(qdev));
    Error *local_err = NULL;

    if (!do_pci_register_device(pci_dev, bus, errp)) {
        return;
    }
    if (pc->realize) {
        pc->realize(pci_dev, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            do_pci_unregister_device(pci_dev);
            return;
        }
    }
}

static void pci_qdev_unrealize(DeviceState *dev)
{
    PCIDevice *pci_dev = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(pci_dev);

    pci_device_deassert_intx(pci_dev);
    if (pc->exit) {
        pc->exit(pci_dev);
    }
    do_pci_unregister_device(pci_dev);
}

static const Property pci_props[] = {
    DEFINE_PROP_PCI_DEVFN("addr", PCIDevice, devfn, -1),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_device_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *k = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    k->realize = pci_qdev_realize;
    k->unrealize = pci_qdev_unrealize;
    k->bus_type = TYPE_PCI_BUS;
    device_class_set_legacy_reset(k, pci_qdev_reset);
    device_class_set_props(k, pci_props);
    pc->config_read = pci_default_read_config;
    pc->config_write = pci_default_write_config;
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .instance_finalize = pci_bus_finalize,
        .class_size = sizeof(BusClass),
        .class_init = pci_bus_class_init,
    },
    {
        .name = TYPE_PCIE_BUS,
        .parent = TYPE_PCI_BUS,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .abstract = true,
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_device_class_init,
    },
};

DEFINE_TYPES(pci_types)

/* -nic */

/*
 * Create the NICs of -nic options on @bus: model=help lists the PCI
 * network devices and exits; an unknown model is a fatal error, with
 * QEMU's wording.  @default_model is the board's for -nic without model.
 */
void pci_init_nic_devices(PCIBus *bus, const char *default_model)
{
    g_autoptr(GSList) list = object_class_get_list_sorted(TYPE_PCI_DEVICE,
                                                          false);
    g_autoptr(GPtrArray) models = g_ptr_array_new();
    GSList *el;
    int i;

    for (el = list; el; el = el->next) {
        DeviceClass *dc = el->data;

        if (dc->user_creatable &&
            (dc->categories & BIT(DEVICE_CATEGORY_NETWORK))) {
            g_ptr_array_add(models,
                            (char *)object_class_get_name(el->data));
        }
    }
    g_ptr_array_add(models, NULL);

    for (i = 0; i < nb_nics; i++) {
        NICInfo *nd = &nd_table[i];
        const char *model = nd->model ? nd->model : default_model;
        g_autofree char *mac = NULL;
        DeviceState *dev;

        if (nd->instantiated) {
            continue;
        }
        if (qemu_show_nic_models(model,
                                 (const char *const *)models->pdata) < 0) {
            if (!strcmp(model, "help") || !strcmp(model, "?")) {
                exit(0);
            }
            error_report("Unsupported NIC model: %s", model);
            exit(1);
        }
        dev = qdev_new(model);
        mac = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                              nd->macaddr.a[0], nd->macaddr.a[1],
                              nd->macaddr.a[2], nd->macaddr.a[3],
                              nd->macaddr.a[4], nd->macaddr.a[5]);
        object_property_parse(OBJECT(dev), "mac", mac, &error_fatal);
        if (nd->netdev) {
            object_property_parse(OBJECT(dev), "netdev", nd->netdev->name,
                                  &error_fatal);
        }
        qdev_realize_and_unref(dev, BUS(bus), &error_fatal);
        nd->instantiated = true;
    }
}
