/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest-visible virtio 1.x constants: device status bits, transport
 * feature bits, split ring layout and the virtio-pci modern capability
 * and common configuration layouts.  Written from the virtio 1.x spec.
 *
 * The macro names and values are the ones Linux's uapi headers use, with
 * the same spelling, so that a file including both <linux/virtio_*.h> and
 * this header compiles (identical redefinitions are allowed); no structs
 * are declared here for the same reason.
 */

#ifndef HW_VIRTIO_VIRTIO_REGS_H
#define HW_VIRTIO_VIRTIO_REGS_H

/* Device status (virtio 1.x 2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     1
#define VIRTIO_CONFIG_S_DRIVER          2
#define VIRTIO_CONFIG_S_DRIVER_OK       4
#define VIRTIO_CONFIG_S_FEATURES_OK     8
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40
#define VIRTIO_CONFIG_S_FAILED          0x80

/* Reserved (transport) feature bits (virtio 1.x 6) */
#define VIRTIO_TRANSPORT_F_START        28
#define VIRTIO_TRANSPORT_F_END          41
#define VIRTIO_F_NOTIFY_ON_EMPTY        24
#define VIRTIO_F_ANY_LAYOUT             27
#define VIRTIO_RING_F_INDIRECT_DESC     28
#define VIRTIO_RING_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33
#define VIRTIO_F_RING_PACKED            34
#define VIRTIO_F_IN_ORDER               35
#define VIRTIO_F_ORDER_PLATFORM         36
#define VIRTIO_F_SR_IOV                 37
#define VIRTIO_F_NOTIFICATION_DATA      38
#define VIRTIO_F_RING_RESET             40

/*
 * Split virtqueue (virtio 1.x 2.7).  All fields little endian.
 *
 *   descriptor table, 16 bytes per entry, 16-byte aligned:
 *     le64 addr; le32 len; le16 flags; le16 next;
 *   available ring, 2-byte aligned:
 *     le16 flags; le16 idx; le16 ring[size]; le16 used_event (EVENT_IDX)
 *   used ring, 4-byte aligned:
 *     le16 flags; le16 idx; { le32 id; le32 len; } ring[size];
 *     le16 avail_event (EVENT_IDX)
 */
#define VRING_DESC_F_NEXT               1
#define VRING_DESC_F_WRITE              2
#define VRING_DESC_F_INDIRECT           4

#define VRING_USED_F_NO_NOTIFY          1
#define VRING_AVAIL_F_NO_INTERRUPT      1

#define VRING_DESC_SIZE                 16
#define VRING_DESC_OFF_ADDR             0
#define VRING_DESC_OFF_LEN              8
#define VRING_DESC_OFF_FLAGS            12
#define VRING_DESC_OFF_NEXT             14

#define VRING_AVAIL_OFF_FLAGS           0
#define VRING_AVAIL_OFF_IDX             2
#define VRING_AVAIL_OFF_RING            4
/* Bytes of the available ring of @num entries, used_event included. */
#define VRING_AVAIL_SIZE(num)           (VRING_AVAIL_OFF_RING + 2 * (num) + 2)

#define VRING_USED_OFF_FLAGS            0
#define VRING_USED_OFF_IDX              2
#define VRING_USED_OFF_RING             4
#define VRING_USED_ELEM_SIZE            8
/* Bytes of the used ring of @num entries, avail_event included. */
#define VRING_USED_SIZE(num)            (VRING_USED_OFF_RING + 8 * (num) + 2)

#define VRING_DESC_ALIGN_SIZE           16
#define VRING_AVAIL_ALIGN_SIZE          2
#define VRING_USED_ALIGN_SIZE           4

/* Device ids (virtio 1.x 5) */
#define VIRTIO_ID_NET                   1
#define VIRTIO_ID_BLOCK                 2
#define VIRTIO_ID_CONSOLE               3
#define VIRTIO_ID_RNG                   4
#define VIRTIO_ID_GPU                   16
#define VIRTIO_ID_INPUT                 18

/*
 * virtio-pci modern transport (virtio 1.x 4.1).
 *
 * PCI ids: vendor 0x1af4, device 0x1040 + device id, revision >= 1.
 */
#define PCI_DEVICE_ID_VIRTIO_10_BASE    0x1040

/* Vendor capability cfg_type values */
#define VIRTIO_PCI_CAP_COMMON_CFG       1
#define VIRTIO_PCI_CAP_NOTIFY_CFG       2
#define VIRTIO_PCI_CAP_ISR_CFG          3
#define VIRTIO_PCI_CAP_DEVICE_CFG       4
#define VIRTIO_PCI_CAP_PCI_CFG          5
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8

/*
 * struct virtio_pci_cap, 16 bytes:
 *   u8 cap_vndr (0x09); u8 cap_next; u8 cap_len; u8 cfg_type; u8 bar;
 *   u8 id; u8 padding[2]; le32 offset; le32 length;
 * the notify capability appends le32 notify_off_multiplier (20 bytes);
 * struct virtio_pci_cap64 (shared memory) appends le32 offset_hi and
 * le32 length_hi (24 bytes).
 */
#define VIRTIO_PCI_CAP_VNDR             0
#define VIRTIO_PCI_CAP_NEXT             1
#define VIRTIO_PCI_CAP_LEN              2
#define VIRTIO_PCI_CAP_CFG_TYPE         3
#define VIRTIO_PCI_CAP_BAR              4
#define VIRTIO_PCI_CAP_ID               5
#define VIRTIO_PCI_CAP_OFFSET           8
#define VIRTIO_PCI_CAP_LENGTH           12
#define VIRTIO_PCI_NOTIFY_CAP_MULT      16
#define VIRTIO_PCI_CAP64_OFFSET_HI      16
#define VIRTIO_PCI_CAP64_LENGTH_HI      20

#define VIRTIO_PCI_CAP_SIZE             16
#define VIRTIO_PCI_NOTIFY_CAP_SIZE      20
#define VIRTIO_PCI_CAP64_SIZE           24
/* struct virtio_pci_cfg_cap: the cap, then u8 pci_cfg_data[4] */
#define VIRTIO_PCI_CFG_CAP_SIZE         20

/*
 * Common configuration structure (struct virtio_pci_common_cfg):
 * byte offsets of its fields and their widths.
 */
#define VIRTIO_PCI_COMMON_DFSELECT      0       /* le32 RW */
#define VIRTIO_PCI_COMMON_DF            4       /* le32 RO */
#define VIRTIO_PCI_COMMON_GFSELECT      8       /* le32 RW */
#define VIRTIO_PCI_COMMON_GF            12      /* le32 RW */
#define VIRTIO_PCI_COMMON_MSIX          16      /* le16 RW */
#define VIRTIO_PCI_COMMON_NUMQ          18      /* le16 RO */
#define VIRTIO_PCI_COMMON_STATUS        20      /* u8 RW */
#define VIRTIO_PCI_COMMON_CFGGENERATION 21      /* u8 RO */
#define VIRTIO_PCI_COMMON_Q_SELECT      22      /* le16 RW */
#define VIRTIO_PCI_COMMON_Q_SIZE        24      /* le16 RW */
#define VIRTIO_PCI_COMMON_Q_MSIX        26      /* le16 RW */
#define VIRTIO_PCI_COMMON_Q_ENABLE      28      /* le16 RW */
#define VIRTIO_PCI_COMMON_Q_NOFF        30      /* le16 RO */
#define VIRTIO_PCI_COMMON_Q_DESCLO      32      /* le32 RW */
#define VIRTIO_PCI_COMMON_Q_DESCHI      36      /* le32 RW */
#define VIRTIO_PCI_COMMON_Q_AVAILLO     40      /* le32 RW */
#define VIRTIO_PCI_COMMON_Q_AVAILHI     44      /* le32 RW */
#define VIRTIO_PCI_COMMON_Q_USEDLO      48      /* le32 RW */
#define VIRTIO_PCI_COMMON_Q_USEDHI      52      /* le32 RW */
#define VIRTIO_PCI_COMMON_Q_NDATA       56      /* le16 RO */
#define VIRTIO_PCI_COMMON_Q_RESET       58      /* le16 RW (RING_RESET) */
#define VIRTIO_PCI_COMMON_CFG_SIZE      60

/* ISR status bits (read to clear) */
#define VIRTIO_PCI_ISR_QUEUE            0x1
#define VIRTIO_PCI_ISR_CONFIG           0x2

/* No MSI-X vector assigned (msix_config, queue_msix_vector) */
#define VIRTIO_MSI_NO_VECTOR            0xffff

#endif /* HW_VIRTIO_VIRTIO_REGS_H */
