/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI vendor, device and class codes used in this tree.
 *
 * Class codes here are the 16-bit base class + subclass word found at
 * PCI_CLASS_DEVICE (the programming interface byte is separate).
 */

#ifndef HW_PCI_PCI_IDS_H
#define HW_PCI_PCI_IDS_H

/* Classes */
#define PCI_CLASS_NOT_DEFINED           0x0000
#define PCI_CLASS_STORAGE_SCSI          0x0100
#define PCI_CLASS_STORAGE_SATA          0x0106
#define PCI_CLASS_STORAGE_OTHER         0x0180
#define PCI_CLASS_NETWORK_ETHERNET      0x0200
#define PCI_CLASS_DISPLAY_VGA           0x0300
#define PCI_CLASS_DISPLAY_OTHER         0x0380
#define PCI_CLASS_MULTIMEDIA_AUDIO      0x0401
#define PCI_CLASS_MEMORY_RAM            0x0500
#define PCI_CLASS_BRIDGE_HOST           0x0600
#define PCI_CLASS_BRIDGE_ISA            0x0601
#define PCI_CLASS_BRIDGE_PCI            0x0604
#define PCI_CLASS_BRIDGE_OTHER          0x0680
#define PCI_CLASS_COMMUNICATION_SERIAL  0x0700
#define PCI_CLASS_SYSTEM_OTHER          0x0880
#define PCI_CLASS_INPUT_OTHER           0x0980
#define PCI_CLASS_SERIAL_USB            0x0c03
#define PCI_CLASS_OTHERS                0x00ff

/* Vendors */
#define PCI_VENDOR_ID_INTEL             0x8086
#define PCI_VENDOR_ID_REDHAT_QUMRANET   0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU           0x1100
#define PCI_VENDOR_ID_REDHAT            0x1b36

/* Devices */
#define PCI_DEVICE_ID_INTEL_Q35_MCH     0x29c0
#define PCI_DEVICE_ID_REDHAT_TEST       0x0005

#endif /* HW_PCI_PCI_IDS_H */
