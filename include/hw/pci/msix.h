/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X: a table of (address, data, mask) vectors and a pending bit array
 * (PBA) in memory BARs, announced by the MSI-X capability.
 *
 * A vector is masked when its own mask bit or the capability's function
 * mask is set; notifying a masked vector sets its PBA bit instead, and
 * unmasking a pending vector sends the message then.  Messages go out
 * like MSI ones (msi_send_message): a 32-bit write through the device's
 * bus-master address space.
 */

#ifndef HW_PCI_MSIX_H
#define HW_PCI_MSIX_H

#include "hw/pci/msi.h"

/*
 * Add the capability at @cap_pos (0: anywhere) and the table and PBA as
 * subregions of @table_bar at @table_offset and of @pba_bar at
 * @pba_offset (the device registers the BARs itself).  Returns 0 or
 * -errno with @errp set.
 */
int msix_init(PCIDevice *dev, unsigned short nentries,
              MemoryRegion *table_bar, uint8_t table_bar_nr,
              unsigned table_offset, MemoryRegion *pba_bar,
              uint8_t pba_bar_nr, unsigned pba_offset, uint8_t cap_pos,
              Error **errp);
/*
 * The same in a 32-bit memory BAR @bar_nr of its own: the table in the
 * lower half of a 4 KiB BAR and the PBA in the upper half (a larger power
 * of two when the table does not fit).
 */
int msix_init_exclusive_bar(PCIDevice *dev, unsigned short nentries,
                            uint8_t bar_nr, Error **errp);
void msix_uninit(PCIDevice *dev, MemoryRegion *table_bar,
                 MemoryRegion *pba_bar);
void msix_uninit_exclusive_bar(PCIDevice *dev);
void msix_reset(PCIDevice *dev);

static inline bool msix_present(const PCIDevice *dev)
{
    return dev->cap_present & QEMU_PCI_CAP_MSIX;
}

bool msix_enabled(const PCIDevice *dev);
bool msix_is_masked(const PCIDevice *dev, unsigned int vector);
bool msix_is_pending(const PCIDevice *dev, unsigned int vector);
MSIMessage msix_get_message(PCIDevice *dev, unsigned int vector);

/*
 * Vectors a device uses are counted: unusing the last user of a vector
 * drops its pending bit.  Returns 0 or -EINVAL for a vector out of range.
 */
int msix_vector_use(PCIDevice *dev, unsigned vector);
void msix_vector_unuse(PCIDevice *dev, unsigned vector);
void msix_unuse_all_vectors(PCIDevice *dev);

/*
 * Signal @vector: sent now, or its PBA bit set while it is masked (MSI-X
 * disabled counts as masked, as in QEMU: enabling it later delivers the
 * pending vectors).  Vectors not in use (msix_vector_use) are ignored.
 */
void msix_notify(PCIDevice *dev, unsigned vector);

/* Called by pci_default_write_config() for every config write. */
void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                       int len);

#endif /* HW_PCI_MSIX_H */
