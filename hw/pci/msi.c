/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI capability emulation.
 *
 * Layout after the id/next bytes, by flags (PCI_MSI_FLAGS_64BIT,
 * PCI_MSI_FLAGS_MASKBIT):
 *   32-bit:        flags, address, data                      (10 bytes)
 *   64-bit:        flags, address lo, address hi, data       (14 bytes)
 *   + per-vector:  ... data, reserved, mask bits, pending    (20/24 bytes)
 * With several vectors enabled (QSIZE), vector n is sent with the low
 * bits of data replaced by n.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "hw/pci/msi.h"

static bool ranges_overlap(uint32_t first1, uint32_t len1,
                           uint32_t first2, uint32_t len2)
{
    return first1 < first2 + len2 && first2 < first1 + len1;
}

static uint16_t msi_flags(const PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_64bit(uint16_t flags)
{
    return flags & PCI_MSI_FLAGS_64BIT;
}

static bool msi_maskbit(uint16_t flags)
{
    return flags & PCI_MSI_FLAGS_MASKBIT;
}

static uint8_t msi_cap_sizeof(uint16_t flags)
{
    switch (flags & (PCI_MSI_FLAGS_MASKBIT | PCI_MSI_FLAGS_64BIT)) {
    case PCI_MSI_FLAGS_MASKBIT | PCI_MSI_FLAGS_64BIT:
        return 0x18;
    case PCI_MSI_FLAGS_64BIT:
        return 0x0e;
    case PCI_MSI_FLAGS_MASKBIT:
        return 0x14;
    default:
        return 0x0a;
    }
}

static unsigned msi_data_off(const PCIDevice *dev, uint16_t flags)
{
    return dev->msi_cap + (msi_64bit(flags) ? PCI_MSI_DATA_64
                                            : PCI_MSI_DATA_32);
}

static unsigned msi_mask_off(const PCIDevice *dev, uint16_t flags)
{
    return dev->msi_cap + (msi_64bit(flags) ? PCI_MSI_MASK_64
                                            : PCI_MSI_MASK_32);
}

static unsigned msi_pending_off(const PCIDevice *dev, uint16_t flags)
{
    return dev->msi_cap + (msi_64bit(flags) ? PCI_MSI_PENDING_64
                                            : PCI_MSI_PENDING_32);
}

void msi_send_message(PCIDevice *dev, MSIMessage msg)
{
    MemTxAttrs attrs = {
        .requester_id = PCI_BUILD_BDF(pci_dev_bus_num(dev), dev->devfn),
    };

    /* A DMA write like any other: lost unless bus mastering is on. */
    address_space_stl_le(&dev->bus_master_as, msg.address, msg.data,
                         attrs, NULL);
}

int msi_init(PCIDevice *dev, uint8_t offset, unsigned int nr_vectors,
             bool msi64bit, bool msi_per_vector_mask, Error **errp)
{
    uint16_t flags;
    int config_offset;

    if (nr_vectors == 0 || nr_vectors > 32 ||
        (nr_vectors & (nr_vectors - 1))) {
        error_setg(errp, "%s: MSI needs 1, 2, 4, 8, 16 or 32 vectors, "
                   "not %u", dev->name, nr_vectors);
        return -EINVAL;
    }
    flags = (__builtin_ctz(nr_vectors) << 1) & PCI_MSI_FLAGS_QMASK;
    if (msi64bit) {
        flags |= PCI_MSI_FLAGS_64BIT;
    }
    if (msi_per_vector_mask) {
        flags |= PCI_MSI_FLAGS_MASKBIT;
    }
    config_offset = pci_add_capability(dev, PCI_CAP_ID_MSI, offset,
                                       msi_cap_sizeof(flags), errp);
    if (config_offset < 0) {
        return config_offset;
    }
    dev->msi_cap = config_offset;
    dev->cap_present |= QEMU_PCI_CAP_MSI;

    pci_set_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS, flags);
    pci_set_word(dev->wmask + dev->msi_cap + PCI_MSI_FLAGS,
                 PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    /* Messages are dword writes: the address is dword aligned. */
    pci_set_long(dev->wmask + dev->msi_cap + PCI_MSI_ADDRESS_LO,
                 0xfffffffc);
    if (msi64bit) {
        pci_set_long(dev->wmask + dev->msi_cap + PCI_MSI_ADDRESS_HI,
                     0xffffffff);
    }
    pci_set_word(dev->wmask + msi_data_off(dev, flags), 0xffff);
    if (msi_per_vector_mask) {
        /* Only the mask bits of vectors that exist. */
        pci_set_long(dev->wmask + msi_mask_off(dev, flags),
                     0xffffffff >> (32 - nr_vectors));
    }
    return 0;
}

void msi_uninit(PCIDevice *dev)
{
    if (!msi_present(dev)) {
        return;
    }
    pci_del_capability(dev, PCI_CAP_ID_MSI, msi_cap_sizeof(msi_flags(dev)));
    dev->cap_present &= ~QEMU_PCI_CAP_MSI;
    dev->msi_cap = 0;
}

void msi_reset(PCIDevice *dev)
{
    uint16_t flags;

    if (!msi_present(dev)) {
        return;
    }
    flags = msi_flags(dev);
    flags &= ~(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
    pci_set_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS, flags);
    pci_set_long(dev->config + dev->msi_cap + PCI_MSI_ADDRESS_LO, 0);
    if (msi_64bit(flags)) {
        pci_set_long(dev->config + dev->msi_cap + PCI_MSI_ADDRESS_HI, 0);
    }
    pci_set_word(dev->config + msi_data_off(dev, flags), 0);
    if (msi_maskbit(flags)) {
        pci_set_long(dev->config + msi_mask_off(dev, flags), 0);
        pci_set_long(dev->config + msi_pending_off(dev, flags), 0);
    }
}

bool msi_enabled(const PCIDevice *dev)
{
    return msi_present(dev) && (msi_flags(dev) & PCI_MSI_FLAGS_ENABLE);
}

unsigned int msi_nr_vectors_allocated(const PCIDevice *dev)
{
    return 1U << ((msi_flags(dev) & PCI_MSI_FLAGS_QSIZE) >> 4);
}

bool msi_is_masked(const PCIDevice *dev, unsigned int vector)
{
    uint16_t flags = msi_flags(dev);

    if (!msi_maskbit(flags)) {
        return false;
    }
    return pci_get_long(dev->config + msi_mask_off(dev, flags)) &
           (1U << vector);
}

MSIMessage msi_get_message(PCIDevice *dev, unsigned int vector)
{
    uint16_t flags = msi_flags(dev);
    unsigned int nr_vectors = msi_nr_vectors_allocated(dev);
    MSIMessage msg;

    msg.address = pci_get_long(dev->config + dev->msi_cap +
                               PCI_MSI_ADDRESS_LO);
    if (msi_64bit(flags)) {
        msg.address |= (uint64_t)pci_get_long(dev->config + dev->msi_cap +
                                              PCI_MSI_ADDRESS_HI) << 32;
    }
    msg.data = pci_get_word(dev->config + msi_data_off(dev, flags));
    if (nr_vectors > 1) {
        msg.data &= ~(nr_vectors - 1);
        msg.data |= vector;
    }
    return msg;
}

void msi_notify(PCIDevice *dev, unsigned int vector)
{
    uint16_t flags;

    if (!msi_enabled(dev)) {
        return;
    }
    flags = msi_flags(dev);
    if (vector >= msi_nr_vectors_allocated(dev)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: vector %u dropped, the "
                      "guest enabled %u\n", __func__, dev->name, vector,
                      msi_nr_vectors_allocated(dev));
        return;
    }
    if (msi_is_masked(dev, vector)) {
        pci_long_test_and_set_mask(dev->config +
                                   msi_pending_off(dev, flags),
                                   1U << vector);
        return;
    }
    msi_send_message(dev, msi_get_message(dev, vector));
}

void msi_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
    uint16_t flags;
    unsigned int max_log2, log2_vectors, nr_vectors, vector;
    uint32_t pending;

    if (!msi_present(dev)) {
        return;
    }
    flags = msi_flags(dev);
    if (!ranges_overlap(addr, len, dev->msi_cap, msi_cap_sizeof(flags))) {
        return;
    }
    if (!(flags & PCI_MSI_FLAGS_ENABLE)) {
        return;
    }

    /* More vectors than offered is a guest error: give it the most. */
    max_log2 = (flags & PCI_MSI_FLAGS_QMASK) >> 1;
    log2_vectors = (flags & PCI_MSI_FLAGS_QSIZE) >> 4;
    if (log2_vectors > max_log2) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: %u vectors enabled, %u "
                      "offered\n", __func__, dev->name, 1U << log2_vectors,
                      1U << max_log2);
        flags = (flags & ~PCI_MSI_FLAGS_QSIZE) | (max_log2 << 4);
        pci_set_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS, flags);
    }

    if (!msi_maskbit(flags)) {
        return;
    }
    /* Vectors the guest did not enable cannot stay pending. */
    nr_vectors = msi_nr_vectors_allocated(dev);
    pending = pci_get_long(dev->config + msi_pending_off(dev, flags));
    pending &= 0xffffffff >> (32 - nr_vectors);
    pci_set_long(dev->config + msi_pending_off(dev, flags), pending);

    /* Unmasking a pending vector sends it now. */
    for (vector = 0; vector < nr_vectors; vector++) {
        if (!(pending & (1U << vector)) || msi_is_masked(dev, vector)) {
            continue;
        }
        pci_long_test_and_clear_mask(dev->config +
                                     msi_pending_off(dev, flags),
                                     1U << vector);
        msi_notify(dev, vector);
    }
}
