/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI host bridges: the CPU side of a root bus.
 *
 * PCIHostState implements configuration mechanism #1: a 32-bit address
 * register (0xcf8 on PCs) selecting enable | bus | devfn | register, and
 * a 4-byte data window (0xcfc..0xcff) through which the selected dword
 * is read or written with byte, word or dword accesses.  A board maps
 * conf_mem and data_mem where its chipset decodes them.
 */

#ifndef HW_PCI_PCI_HOST_H
#define HW_PCI_PCI_HOST_H

#include "hw/pci/pci.h"

#define TYPE_PCI_HOST_BRIDGE "pci-host-bridge"
OBJECT_DECLARE_SIMPLE_TYPE(PCIHostState, PCI_HOST_BRIDGE)

struct PCIHostState {
    DeviceState parent_obj;

    MemoryRegion conf_mem;      /* "pci-conf-idx", 4 bytes */
    MemoryRegion data_mem;      /* "pci-conf-data", 4 bytes */
    uint32_t config_reg;
    PCIBus *bus;
};

/* The ops behind conf_mem and data_mem, for hosts that map them. */
extern const MemoryRegionOps pci_host_conf_le_ops;
extern const MemoryRegionOps pci_host_data_le_ops;

/*
 * Config accesses common to every mechanism: @addr is the offset in
 * @pci_dev's config space, @limit the size of the window the mechanism
 * gives (256 for #1, the device's config size for ECAM).  Reads beyond
 * @limit return all ones, writes there are dropped.
 */
uint32_t pci_host_config_read_common(PCIDevice *pci_dev, uint32_t addr,
                                     uint32_t limit, uint32_t len);
void pci_host_config_write_common(PCIDevice *pci_dev, uint32_t addr,
                                  uint32_t limit, uint32_t val,
                                  uint32_t len);

/* Mechanism #1 accesses: @addr is the CONFIG_ADDRESS value. */
uint32_t pci_data_read(PCIBus *s, uint32_t addr, unsigned len);
void pci_data_write(PCIBus *s, uint32_t addr, uint32_t val, unsigned len);

#endif /* HW_PCI_PCI_HOST_H */
