/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net-pci: virtio-net as a PCI function (1af4:1041, class
 * Ethernet), "-device virtio-net-pci,netdev=ID[,mac=..]" or
 * "-nic user,model=virtio-net-pci".  The NIC's name is the device id.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-net.h"

#define TYPE_VIRTIO_NET_PCI "virtio-net-pci"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIONetPCI, VIRTIO_NET_PCI)

struct VirtIONetPCI {
    VirtIOPCIProxy parent_obj;
    VirtIONet vdev;
};

static void virtio_net_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    VirtIONetPCI *dev = VIRTIO_NET_PCI(vpci_dev);
    DeviceState *qdev = DEVICE(vpci_dev);

    virtio_net_set_netclient_name(&dev->vdev, qdev->id,
                                  object_get_typename(OBJECT(qdev)));
    qdev_realize(DEVICE(&dev->vdev), BUS(&vpci_dev->bus), errp);
}

static void virtio_net_pci_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioPCIClass *k = VIRTIO_PCI_CLASS(klass);
    PCIDeviceClass *pcidev_k = PCI_DEVICE_CLASS(klass);

    k->realize = virtio_net_pci_realize;
    pcidev_k->class_id = PCI_CLASS_NETWORK_ETHERNET;
    dc->desc = "virtio network device on PCI";
    dc->categories |= BIT(DEVICE_CATEGORY_NETWORK);
}

static void virtio_net_pci_instance_init(Object *obj)
{
    VirtIONetPCI *dev = VIRTIO_NET_PCI(obj);

    virtio_instance_init_common(obj, &dev->vdev, sizeof(dev->vdev),
                                TYPE_VIRTIO_NET);
}

static const VirtioPCIDeviceTypeInfo virtio_net_pci_info = {
    .name = TYPE_VIRTIO_NET_PCI,
    .instance_size = sizeof(VirtIONetPCI),
    .class_size = sizeof(VirtioPCIClass),
    .instance_init = virtio_net_pci_instance_init,
    .class_init = virtio_net_pci_class_init,
};

static void virtio_net_pci_register(void)
{
    virtio_pci_types_register(&virtio_net_pci_info);
}

type_init(virtio_net_pci_register)
