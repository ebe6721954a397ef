/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI bus: 256 device/function slots, the address spaces its BARs
 * map into, and INTx routing towards the interrupt controller.
 *
 * Only root buses exist in this tree (no PCI-PCI bridges), so every bus
 * is bus number 0 of its host bridge.
 */

#ifndef HW_PCI_PCI_BUS_H
#define HW_PCI_PCI_BUS_H

#include "hw/pci/pci.h"

struct PCIBus {
    BusState qbus;

    /* First devfn tried when a device has no "addr". */
    uint8_t devfn_min;
    PCIDevice *devices[PCI_DEVFN_MAX];

    /* Where BARs map: memory BARs into one, I/O BARs into the other. */
    MemoryRegion *address_space_mem;
    MemoryRegion *address_space_io;

    pci_set_irq_fn set_irq;
    pci_map_irq_fn map_irq;
    void *irq_opaque;
    int nirq;
    /* Per line: how many device pins assert it (lines are shared). */
    int *irq_count;

    /* In the list of root buses (pci_root_bus_next). */
    QTAILQ_ENTRY(PCIBus) root_link;
};

#endif /* HW_PCI_PCI_BUS_H */
