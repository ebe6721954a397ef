/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration space layout.  The registers, bits and capability
 * layouts are Linux's (<linux/pci_regs.h> from linux-libc-dev), as QEMU
 * takes them from Linux; this header adds only what that one lacks.
 */

#ifndef HW_PCI_PCI_REGS_H
#define HW_PCI_PCI_REGS_H

#include <linux/pci_regs.h>

/*
 * Bit 7 of PCI_HEADER_TYPE: the device has more than one function.  Not
 * in Linux 6.1's uapi header (later ones call it PCI_HEADER_TYPE_MFD);
 * QEMU's name.
 */
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80

/*
 * Where device-specific space and capabilities start: QEMU's name for
 * Linux's PCI_STD_HEADER_SIZEOF.
 */
#define PCI_CONFIG_HEADER_SIZE      PCI_STD_HEADER_SIZEOF

#endif /* HW_PCI_PCI_REGS_H */
