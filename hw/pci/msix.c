/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X capability, vector table and pending bit array.
 *
 * Capability (12 bytes): flags (table size - 1, function mask, enable),
 * table offset | BIR, PBA offset | BIR.  Table entries are 16 bytes:
 * address lo, address hi, data, vector control (bit 0 masks).  The PBA
 * has one bit per vector, read-only to the guest.
 *
 * A vector is masked when MSI-X is disabled, the function mask is set or
 * its own mask bit is set.  msix_notify() on a masked vector sets its PBA
 * bit; any change that unmasks a pending vector (table write, flags
 * write) clears the bit and sends the message.  After reset every vector
 * is masked, as the specification requires.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "hw/pci/msix.h"

/* The upper byte of the flags word holds enable and function mask. */
#define MSIX_CONTROL_OFFSET (PCI_MSIX_FLAGS + 1)
#define MSIX_ENABLE_MASK    (PCI_MSIX_FLAGS_ENABLE >> 8)
#define MSIX_MASKALL_MASK   (PCI_MSIX_FLAGS_MASKALL >> 8)

static bool ranges_overlap(uint64_t first1, uint64_t len1,
                           uint64_t first2, uint64_t len2)
{
    return first1 < first2 + len2 && first2 < first1 + len1;
}

static uint64_t ld_le_n(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void st_le_n(uint8_t *p, uint64_t v, unsigned size)
{
    unsigned i;

    for (i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

static unsigned msix_pba_size(unsigned nentries)
{
    return QEMU_ALIGN_UP(nentries, 64) / 8;
}

bool msix_enabled(const PCIDevice *dev)
{
    return msix_present(dev) &&
           (dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] &
            MSIX_ENABLE_MASK);
}

static bool msix_vector_masked(const PCIDevice *dev, unsigned vector,
                               bool fmask)
{
    unsigned offset = vector * PCI_MSIX_ENTRY_SIZE +
                      PCI_MSIX_ENTRY_VECTOR_CTRL;

    return fmask || (dev->msix_table[offset] & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

bool msix_is_masked(const PCIDevice *dev, unsigned int vector)
{
    return msix_vector_masked(dev, vector, dev->msix_function_masked);
}

bool msix_is_pending(const PCIDevice *dev, unsigned int vector)
{
    return dev->msix_pba[vector / 8] & (1U << (vector % 8));
}

static void msix_set_pending(PCIDevice *dev, unsigned vector)
{
    dev->msix_pba[vector / 8] |= 1U << (vector % 8);
}

static void msix_clr_pending(PCIDevice *dev, unsigned vector)
{
    dev->msix_pba[vector / 8] &= ~(1U << (vector % 8));
}

static void msix_update_function_masked(PCIDevice *dev)
{
    dev->msix_function_masked =
        !msix_enabled(dev) ||
        (dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] &
         MSIX_MASKALL_MASK);
}

/* A vector that stopped being masked delivers what it held back. */
static void msix_handle_mask_update(PCIDevice *dev, unsigned vector,
                                    bool was_masked)
{
    if (was_masked && !msix_is_masked(dev, vector) &&
        msix_is_pending(dev, vector)) {
        msix_clr_pending(dev, vector);
        msix_notify(dev, vector);
    }
}

MSIMessage msix_get_message(PCIDevice *dev, unsigned vector)
{
    uint8_t *table_entry = dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE;
    MSIMessage msg;

    msg.address = ld_le_n(table_entry + PCI_MSIX_ENTRY_LOWER_ADDR, 8);
    msg.data = ld_le_n(table_entry + PCI_MSIX_ENTRY_DATA, 4);
    return msg;
}

void msix_notify(PCIDevice *dev, unsigned vector)
{
    if (!msix_present(dev) || vector >= dev->msix_entries_nr) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: no MSI-X vector %u\n",
                      __func__, dev->name, vector);
        return;
    }
    if (!dev->msix_entry_used[vector]) {
        return;
    }
    if (msix_is_masked(dev, vector)) {
        msix_set_pending(dev, vector);
        return;
    }
    msi_send_message(dev, msix_get_message(dev, vector));
}

void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
    unsigned enable_pos, vector;
    bool was_masked;

    if (!msix_present(dev)) {
        return;
    }
    enable_pos = dev->msix_cap + MSIX_CONTROL_OFFSET;
    if (!ranges_overlap(addr, len, enable_pos, 1)) {
        return;
    }
    was_masked = dev->msix_function_masked;
    msix_update_function_masked(dev);
    if (!msix_enabled(dev)) {
        return;
    }
    /* With MSI-X on, the function must not signal INTx. */
    pci_device_deassert_intx(dev);
    if (dev->msix_function_masked == was_masked) {
        return;
    }
    for (vector = 0; vector < dev->msix_entries_nr; vector++) {
        msix_handle_mask_update(dev, vector,
                                msix_vector_masked(dev, vector, was_masked));
    }
}

/*
 * The table and PBA regions: any size the memory core lets through (4 or
 * 8 bytes, split into dwords by impl), little endian.
 */
static uint64_t msix_table_mmio_read(void *opaque, hwaddr addr,
                                     unsigned size)
{
    PCIDevice *dev = opaque;

    if (addr + size > dev->msix_entries_nr * PCI_MSIX_ENTRY_SIZE) {
        return ~0ULL;
    }
    return ld_le_n(dev->msix_table + addr, size);
}

static void msix_table_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned size)
{
    PCIDevice *dev = opaque;
    unsigned vector = addr / PCI_MSIX_ENTRY_SIZE;
    bool was_masked;

    if (addr + size > dev->msix_entries_nr * PCI_MSIX_ENTRY_SIZE) {
        return;
    }
    was_masked = msix_is_masked(dev, vector);
    st_le_n(dev->msix_table + addr, val, size);
    msix_handle_mask_update(dev, vector, was_masked);
}

static const MemoryRegionOps msix_table_mmio_ops = {
    .read = msix_table_mmio_read,
    .write = msix_table_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

static uint64_t msix_pba_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;

    if (addr + size > msix_pba_size(dev->msix_entries_nr)) {
        return ~0ULL;
    }
    return ld_le_n(dev->msix_pba + addr, size);
}

static void msix_pba_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s: the MSI-X PBA is read-only\n",
                  __func__);
}

static const MemoryRegionOps msix_pba_mmio_ops = {
    .read = msix_pba_mmio_read,
    .write = msix_pba_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

static void msix_mask_all(PCIDevice *dev)
{
    unsigned vector;

    for (vector = 0; vector < dev->msix_entries_nr; vector++) {
        dev->msix_table[vector * PCI_MSIX_ENTRY_SIZE +
                        PCI_MSIX_ENTRY_VECTOR_CTRL] |=
            PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
}

int msix_init(PCIDevice *dev, unsigned short nentries,
              MemoryRegion *table_bar, uint8_t table_bar_nr,
              unsigned table_offset, MemoryRegion *pba_bar,
              uint8_t pba_bar_nr, unsigned pba_offset, uint8_t cap_pos,
              Error **errp)
{
    unsigned table_size, pba_size;
    uint8_t *config;
    int cap;

    if (nentries < 1 || nentries > PCI_MSIX_FLAGS_QSIZE + 1) {
        error_setg(errp, "%s: %u MSI-X vectors is not in 1..%u", dev->name,
                   nentries, PCI_MSIX_FLAGS_QSIZE + 1);
        return -EINVAL;
    }
    table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    pba_size = msix_pba_size(nentries);
    if ((table_bar_nr == pba_bar_nr &&
         ranges_overlap(table_offset, table_size, pba_offset, pba_size)) ||
        table_offset + table_size > memory_region_size(table_bar) ||
        pba_offset + pba_size > memory_region_size(pba_bar) ||
        ((table_offset | pba_offset) & PCI_MSIX_TABLE_BIR)) {
        error_setg(errp, "%s: MSI-X table and PBA overlap, do not fit in "
                   "their BARs or are not 8-byte aligned", dev->name);
        return -EINVAL;
    }

    cap = pci_add_capability(dev, PCI_CAP_ID_MSIX, cap_pos,
                             PCI_CAP_MSIX_SIZEOF, errp);
    if (cap < 0) {
        return cap;
    }
    dev->msix_cap = cap;
    dev->cap_present |= QEMU_PCI_CAP_MSIX;
    config = dev->config + cap;
    pci_set_word(config + PCI_MSIX_FLAGS, nentries - 1);
    pci_set_long(config + PCI_MSIX_TABLE, table_offset | table_bar_nr);
    pci_set_long(config + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
    dev->wmask[cap + MSIX_CONTROL_OFFSET] |= MSIX_ENABLE_MASK |
                                             MSIX_MASKALL_MASK;

    dev->msix_entries_nr = nentries;
    dev->msix_function_masked = true;
    dev->msix_table = g_malloc0(table_size);
    dev->msix_pba = g_malloc0(pba_size);
    dev->msix_entry_used = g_new0(unsigned, nentries);
    msix_mask_all(dev);

    memory_region_init_io(&dev->msix_table_mmio, OBJECT(dev),
                          &msix_table_mmio_ops, dev, "msix-table",
                          table_size);
    memory_region_add_subregion(table_bar, table_offset,
                                &dev->msix_table_mmio);
    memory_region_init_io(&dev->msix_pba_mmio, OBJECT(dev),
                          &msix_pba_mmio_ops, dev, "msix-pba", pba_size);
    memory_region_add_subregion(pba_bar, pba_offset, &dev->msix_pba_mmio);
    return 0;
}

int msix_init_exclusive_bar(PCIDevice *dev, unsigned short nentries,
                            uint8_t bar_nr, Error **errp)
{
    uint64_t table_size = (uint64_t)nentries * PCI_MSIX_ENTRY_SIZE;
    uint64_t bar_size = 4096;
    uint64_t pba_offset = bar_size / 2;
    g_autofree char *name = g_strdup_printf("%s-msix", dev->name);
    int ret;

    /* Up to 128 vectors: table in the lower 2 KiB, PBA in the upper. */
    if (table_size > pba_offset) {
        pba_offset = table_size;
    }
    while (pba_offset + msix_pba_size(nentries) > bar_size) {
        bar_size <<= 1;
    }
    memory_region_init(&dev->msix_exclusive_bar, OBJECT(dev), name,
                       bar_size);
    ret = msix_init(dev, nentries, &dev->msix_exclusive_bar, bar_nr, 0,
                    &dev->msix_exclusive_bar, bar_nr, pba_offset, 0, errp);
    if (ret) {
        return ret;
    }
    pci_register_bar(dev, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &dev->msix_exclusive_bar);
    return 0;
}

void msix_uninit(PCIDevice *dev, MemoryRegion *table_bar,
                 MemoryRegion *pba_bar)
{
    if (!msix_present(dev)) {
        return;
    }
    pci_del_capability(dev, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF);
    dev->msix_cap = 0;
    dev->cap_present &= ~QEMU_PCI_CAP_MSIX;
    memory_region_del_subregion(pba_bar, &dev->msix_pba_mmio);
    memory_region_del_subregion(table_bar, &dev->msix_table_mmio);
    dev->msix_entries_nr = 0;
    g_free(dev->msix_table);
    g_free(dev->msix_pba);
    g_free(dev->msix_entry_used);
    dev->msix_table = dev->msix_pba = NULL;
    dev->msix_entry_used = NULL;
}

void msix_uninit_exclusive_bar(PCIDevice *dev)
{
    msix_uninit(dev, &dev->msix_exclusive_bar, &dev->msix_exclusive_bar);
}

void msix_reset(PCIDevice *dev)
{
    if (!msix_present(dev)) {
        return;
    }
    dev->config[dev->msix_cap + MSIX_CONTROL_OFFSET] &=
        ~(MSIX_ENABLE_MASK | MSIX_MASKALL_MASK);
    memset(dev->msix_table, 0, dev->msix_entries_nr * PCI_MSIX_ENTRY_SIZE);
    memset(dev->msix_pba, 0, msix_pba_size(dev->msix_entries_nr));
    msix_update_function_masked(dev);
    msix_mask_all(dev);
}

int msix_vector_use(PCIDevice *dev, unsigned vector)
{
    if (vector >= dev->msix_entries_nr) {
        return -EINVAL;
    }
    dev->msix_entry_used[vector]++;
    return 0;
}

void msix_vector_unuse(PCIDevice *dev, unsigned vector)
{
    if (vector >= dev->msix_entries_nr || !dev->msix_entry_used[vector]) {
        return;
    }
    if (--dev->msix_entry_used[vector]) {
        return;
    }
    msix_clr_pending(dev, vector);
}

void msix_unuse_all_vectors(PCIDevice *dev)
{
    unsigned vector;

    if (!msix_present(dev)) {
        return;
    }
    for (vector = 0; vector < dev->msix_entries_nr; vector++) {
        dev->msix_entry_used[vector] = 0;
        msix_clr_pending(dev, vector);
    }
}
