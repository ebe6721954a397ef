/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The q35 host bridge: the PCIe root bus "pcie.0" with config mechanism
 * #1 at 0xcf8/0xcfc, the MMCONFIG window (PCIEXBAR, 256 MiB at
 * 0xb0000000), and the MCH (memory controller hub) at 00.0.
 *
 * INTx: pin p (0 = INTA) of slot s goes to PIRQ (s + p) % 8 (A..H), and
 * the board wires PIRQ n to IOAPIC input 16 + n; see docs/devel/pci.md.
 */

#ifndef HW_PCI_HOST_Q35_H
#define HW_PCI_HOST_Q35_H

#include "hw/pci/pcie_host.h"

#define TYPE_Q35_HOST_DEVICE "q35-pcihost"
OBJECT_DECLARE_SIMPLE_TYPE(Q35PCIHost, Q35_HOST_DEVICE)

#define TYPE_MCH_PCI_DEVICE "mch"
OBJECT_DECLARE_SIMPLE_TYPE(MCHPCIState, MCH_PCI_DEVICE)

#define Q35_NUM_PIRQ                    8
#define Q35_PIRQ_GSI_BASE               16

#define MCH_HOST_BRIDGE_CONFIG_ADDR     0xcf8
#define MCH_HOST_BRIDGE_CONFIG_DATA     0xcfc
#define MCH_HOST_BRIDGE_REVISION_DEFAULT 0x2

/* PCIEXBAR (64 bits): base | length | enable. */
#define MCH_HOST_BRIDGE_PCIEXBAR        0x60
#define MCH_HOST_BRIDGE_PCIEXBAR_SIZE   8
#define MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT 0xb0000000ULL
#define MCH_HOST_BRIDGE_PCIEXBAR_ADMSK  0xff0000000ULL  /* bits 35:28 */
#define MCH_HOST_BRIDGE_PCIEXBAR_128ADMSK (1ULL << 27)
#define MCH_HOST_BRIDGE_PCIEXBAR_64ADMSK (1ULL << 26)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_MASK (3ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_256M (0ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_128M (1ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_64M (2ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_RVD (3ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_EN     1ULL

struct MCHPCIState {
    PCIDevice parent_obj;
};

struct Q35PCIHost {
    PCIExpressHost parent_obj;

    MCHPCIState *mch;
    /* Where PIRQ A..H go; the board sets them before realize. */
    qemu_irq pirq[Q35_NUM_PIRQ];
};

/* PIRQ (0 = A) that pin @pin (0 = INTA) of a device in @slot uses. */
static inline int q35_pirq_of(int slot, int pin)
{
    return (slot + pin) % Q35_NUM_PIRQ;
}

#endif /* HW_PCI_HOST_Q35_H */
