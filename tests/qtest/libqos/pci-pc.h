/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos PCI on a PC host bridge (q35, i440fx): configuration mechanism #1
 * through ports 0xcf8/0xcfc.
 */

#ifndef LIBQOS_PCI_PC_H
#define LIBQOS_PCI_PC_H

#include "pci.h"

/*
 * BAR windows of a PC bus.  32-bit memory BARs stop below the IOAPIC at
 * 0xfec00000, where the chipset's fixed devices and the BIOS live.  64-bit
 * prefetchable BARs go to 32 GiB and up, clear of up to 28 GiB of RAM
 * above 4 GiB; qpci_set_mmio64_window() moves them.
 */
#define QPCI_PC_PIO_BASE        0xc000
#define QPCI_PC_PIO_LIMIT       0x10000
#define QPCI_PC_MMIO_BASE       0xe0000000ULL
#define QPCI_PC_MMIO_LIMIT      0xfec00000ULL
#define QPCI_PC_MMIO64_BASE     0x800000000ULL
#define QPCI_PC_MMIO64_LIMIT    0x1000000000ULL

QPCIBus *qpci_new_pc(QTestState *qts);
void qpci_free_pc(QPCIBus *bus);

#endif /* LIBQOS_PCI_PC_H */
