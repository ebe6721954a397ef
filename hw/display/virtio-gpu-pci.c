/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-pci: the 2D virtio GPU as a PCI function (1af4:1050, class
 * display), "-device virtio-gpu-pci[,xres=..,yres=..,max_outputs=..,
 * edid=on|off,max_hostmem=..,hostmem=..]".
 *
 * With hostmem=SIZE (a power of two) the function gets QEMU's layout for
 * host-visible memory: MSI-X in BAR 1, the virtio registers in BAR 2 and
 * the hostmem region in BAR 4 (64-bit, prefetchable), announced by a
 * shared-memory capability with id VIRTIO_GPU_SHM_ID_HOST_VISIBLE.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-gpu-pci.h"

static void virtio_gpu_pci_base_realize(VirtIOPCIProxy *vpci_dev,
                                        Error **errp)
{
    VirtIOGPUPCIBase *vgpu = VIRTIO_GPU_PCI_BASE(vpci_dev);
    VirtIOGPUBase *g = vgpu->vgpu;
    DeviceState *vdev = DEVICE(g);
    uint64_t size = g->conf.hostmem;
    int i;

    if (virtio_gpu_hostmem_enabled(g->conf)) {
        /* What a 64-bit memory BAR can be: pci_register_bar() asserts. */
        if ((size & (size - 1)) || size < 16) {
            error_setg(errp, "hostmem must be a power of two of at least 16 "
                       "bytes, not %" PRIu64, size);
            return;
        }
        vpci_dev->msix_bar_idx = 1;
        vpci_dev->modern_mem_bar_idx = VIRTIO_GPU_PCI_MODERN_BAR;
        memory_region_init(&g->hostmem, OBJECT(g), "virtio-gpu-hostmem",
                           size);
        pci_register_bar(&vpci_dev->pci_dev, VIRTIO_GPU_PCI_HOSTMEM_BAR,
                         PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_PREFETCH |
                         PCI_BASE_ADDRESS_MEM_TYPE_64,
                         &g->hostmem);
        if (virtio_pci_add_shm_cap(vpci_dev, VIRTIO_GPU_PCI_HOSTMEM_BAR, 0,
                                   size, VIRTIO_GPU_SHM_ID_HOST_VISIBLE) < 0) {
            error_setg(errp, "no room for the shared memory capability");
            return;
        }
    }

    if (!qdev_realize(vdev, BUS(&vpci_dev->bus), errp)) {
        return;
    }

    /* screendump's "device" is the PCI function's id, as in QEMU. */
    for (i = 0; i < g->conf.max_outputs; i++) {
        qemu_console_set_device(g->scanout[i].con, DEVICE(vpci_dev));
    }
}

static void virtio_gpu_pci_base_class_init(ObjectClass *klass,
                                           const void *data)
{
    VirtioPCIClass *k = VIRTIO_PCI_CLASS(klass);
    PCIDeviceClass *pcidev_k = PCI_DEVICE_CLASS(klass);

    k->realize = virtio_gpu_pci_base_realize;
    pcidev_k->class_id = PCI_CLASS_DISPLAY_OTHER;
}

static const TypeInfo virtio_gpu_pci_base_info = {
    .name = TYPE_VIRTIO_GPU_PCI_BASE,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOGPUPCIBase),
    .class_size = sizeof(VirtioPCIClass),
    .class_init = virtio_gpu_pci_base_class_init,
    .abstract = true,
};

static void virtio_gpu_pci_initfn(Object *obj)
{
    VirtIOGPUPCI *dev = VIRTIO_GPU_PCI(obj);

    virtio_instance_init_common(obj, &dev->vdev, sizeof(dev->vdev),
                                TYPE_VIRTIO_GPU);
    VIRTIO_GPU_PCI_BASE(obj)->vgpu = VIRTIO_GPU_BASE(&dev->vdev);
}

static void virtio_gpu_pci_class_init(ObjectClass *klass, const void *data)
{
    DEVICE_CLASS(klass)->desc = "virtio GPU (2D) on PCI";
}

static const VirtioPCIDeviceTypeInfo virtio_gpu_pci_info = {
    .name = TYPE_VIRTIO_GPU_PCI,
    .parent = TYPE_VIRTIO_GPU_PCI_BASE,
    .instance_size = sizeof(VirtIOGPUPCI),
    .instance_init = virtio_gpu_pci_initfn,
    .class_init = virtio_gpu_pci_class_init,
};

static void virtio_gpu_pci_register_types(void)
{
    type_register_static(&virtio_gpu_pci_base_info);
    virtio_pci_types_register(&virtio_gpu_pci_info);
}

type_init(virtio_gpu_pci_register_types)
