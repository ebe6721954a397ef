/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu on the virtio-pci transport.  TYPE_VIRTIO_GPU_PCI_BASE holds
 * what every variant's proxy does (the hostmem BAR and its shared-memory
 * capability, binding the consoles to the PCI device); each variant
 * embeds its VirtIODevice: "virtio-gpu-pci" a VirtIOGPU, a later
 * "virtio-gpu-gl-pci" a VirtIOGPUGL.
 */

#ifndef HW_VIRTIO_VIRTIO_GPU_PCI_H
#define HW_VIRTIO_VIRTIO_GPU_PCI_H

#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-gpu.h"

#define TYPE_VIRTIO_GPU_PCI_BASE "virtio-gpu-pci-base"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIOGPUPCIBase, VIRTIO_GPU_PCI_BASE)

struct VirtIOGPUPCIBase {
    VirtIOPCIProxy parent_obj;
    /* The embedded device, set by the variant's instance_init. */
    VirtIOGPUBase *vgpu;
};

/* BARs with hostmem, as QEMU lays them out (MSI-X stays in BAR 1). */
#define VIRTIO_GPU_PCI_MODERN_BAR       2
#define VIRTIO_GPU_PCI_HOSTMEM_BAR      4

#define TYPE_VIRTIO_GPU_PCI "virtio-gpu-pci"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIOGPUPCI, VIRTIO_GPU_PCI)

struct VirtIOGPUPCI {
    VirtIOGPUPCIBase parent_obj;
    VirtIOGPU vdev;
};

#endif /* HW_VIRTIO_VIRTIO_GPU_PCI_H */
