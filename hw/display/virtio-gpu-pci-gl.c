/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-gl-pci: virtio-gpu-gl-device as a PCI function,
 * "-device virtio-gpu-gl-pci[,blob=on][,hostmem=SIZE][,context_init=..]
 * [,xres=..,yres=..,max_outputs=..,edid=..]".  The BAR layout with
 * hostmem is virtio-gpu-pci's (include/hw/virtio/virtio-gpu-pci.h).
 */

#include "qemu/osdep.h"
#include "hw/virtio/virtio-gpu-pci.h"

#define TYPE_VIRTIO_GPU_GL_PCI "virtio-gpu-gl-pci"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIOGPUGLPCI, VIRTIO_GPU_GL_PCI)

struct VirtIOGPUGLPCI {
    VirtIOGPUPCIBase parent_obj;
    VirtIOGPUGL vdev;
};

static void virtio_gpu_gl_pci_initfn(Object *obj)
{
    VirtIOGPUGLPCI *dev = VIRTIO_GPU_GL_PCI(obj);

    virtio_instance_init_common(obj, &dev->vdev, sizeof(dev->vdev),
                                TYPE_VIRTIO_GPU_GL);
    VIRTIO_GPU_PCI_BASE(obj)->vgpu = VIRTIO_GPU_BASE(&dev->vdev);
}

static void virtio_gpu_gl_pci_class_init(ObjectClass *klass,
                                         const void *data)
{
    DEVICE_CLASS(klass)->desc = "virtio GPU with virgl 3D on PCI";
}

static const VirtioPCIDeviceTypeInfo virtio_gpu_gl_pci_info = {
    .name = TYPE_VIRTIO_GPU_GL_PCI,
    .parent = TYPE_VIRTIO_GPU_PCI_BASE,
    .instance_size = sizeof(VirtIOGPUGLPCI),
    .instance_init = virtio_gpu_gl_pci_initfn,
    .class_init = virtio_gpu_gl_pci_class_init,
};

static void virtio_gpu_gl_pci_register_types(void)
{
    virtio_pci_types_register(&virtio_gpu_gl_pci_info);
}

type_init(virtio_gpu_gl_pci_register_types)
