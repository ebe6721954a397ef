/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI: message signalled interrupts through the MSI capability.
 *
 * A message is a 32-bit memory write of data to address, made by the
 * device through its bus-master address space (so it needs
 * PCI_COMMAND_MASTER, as on hardware).  On x86 the address is normally in
 * the 0xfee00000 APIC window; a test may point it at RAM instead.
 */

#ifndef HW_PCI_MSI_H
#define HW_PCI_MSI_H

#include "hw/pci/pci.h"

typedef struct MSIMessage {
    uint64_t address;
    uint32_t data;
} MSIMessage;

/* Deliver @msg from @dev (used by MSI and MSI-X). */
void msi_send_message(PCIDevice *dev, MSIMessage msg);

/*
 * Add an MSI capability at @offset (0: anywhere) offering @nr_vectors
 * (1, 2, 4, .. 32), with a 64-bit address if @msi64bit and per-vector
 * mask and pending bits if @msi_per_vector_mask.  Returns 0, or -errno
 * with @errp set.
 */
int msi_init(PCIDevice *dev, uint8_t offset, unsigned int nr_vectors,
             bool msi64bit, bool msi_per_vector_mask, Error **errp);
void msi_uninit(PCIDevice *dev);
void msi_reset(PCIDevice *dev);

static inline bool msi_present(const PCIDevice *dev)
{
    return dev->cap_present & QEMU_PCI_CAP_MSI;
}

bool msi_enabled(const PCIDevice *dev);
/* Vectors the guest enabled (a power of two, 1..32). */
unsigned int msi_nr_vectors_allocated(const PCIDevice *dev);
bool msi_is_masked(const PCIDevice *dev, unsigned int vector);
MSIMessage msi_get_message(PCIDevice *dev, unsigned int vector);
/*
 * Signal @vector: sent now, or left pending if the vector is masked (and
 * sent when the guest unmasks it).  Nothing happens unless MSI is on;
 * vectors beyond those the guest enabled are dropped.
 */
void msi_notify(PCIDevice *dev, unsigned int vector);

/* Called by pci_default_write_config() for every config write. */
void msi_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                      int len);

#endif /* HW_PCI_MSI_H */
