/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express host bridges: the MMCONFIG (ECAM) window.
 *
 * Each function's 4 KiB config space appears in memory at
 * base + (bus << 20 | devfn << 12 | register); the window covers up to
 * 256 buses (256 MiB).  A chipset register usually says where it is
 * (q35's PCIEXBAR), hence map/unmap/update.
 */

#ifndef HW_PCI_PCIE_HOST_H
#define HW_PCI_PCIE_HOST_H

#include "hw/pci/pci_host.h"

#define TYPE_PCIE_HOST_BRIDGE "pcie-host-bridge"
OBJECT_DECLARE_SIMPLE_TYPE(PCIExpressHost, PCIE_HOST_BRIDGE)

#define PCIE_MMCFG_SIZE_MAX     (1ULL << 28)
#define PCIE_MMCFG_SIZE_MIN     (1ULL << 20)
#define PCIE_BASE_ADDR_UNMAPPED ((hwaddr)-1ULL)

#define PCIE_MMCFG_BUS(addr)        (((addr) >> 20) & 0xff)
#define PCIE_MMCFG_DEVFN(addr)      (((addr) >> 12) & 0xff)
#define PCIE_MMCFG_CONFOFFSET(addr) ((addr) & 0xfff)

struct PCIExpressHost {
    PCIHostState pci;

    /* Where the window is, PCIE_BASE_ADDR_UNMAPPED when it is not. */
    hwaddr base_addr;
    uint64_t size;
    MemoryRegion mmio;          /* "pcie-mmcfg-mmio" */
};

/* Map the window at @addr with @size bytes (a power of two, >= 1 MiB). */
void pcie_host_mmcfg_map(PCIExpressHost *e, hwaddr addr, uint64_t size);
void pcie_host_mmcfg_unmap(PCIExpressHost *e);
/* Unmap, then map again if @enable: what a chipset register write does. */
void pcie_host_mmcfg_update(PCIExpressHost *e, bool enable, hwaddr addr,
                            uint64_t size);

#endif /* HW_PCI_PCIE_HOST_H */
