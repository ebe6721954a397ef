/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio bus: the link between a transport and its VirtIODevice
 * (include/hw/virtio/virtio-bus.h).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/address-spaces.h"
#include "hw/virtio/virtio-bus.h"

VirtIODevice *virtio_bus_get_device(VirtioBusState *bus)
{
    BusState *qbus = BUS(bus);
    BusChild *kid = QTAILQ_FIRST(&qbus->children);

    return kid ? VIRTIO_DEVICE(kid->child) : NULL;
}

uint16_t virtio_bus_get_vdev_id(VirtioBusState *bus)
{
    VirtIODevice *vdev = virtio_bus_get_device(bus);

    return vdev ? vdev->device_id : 0;
}

void virtio_bus_reset(VirtioBusState *bus)
{
    VirtIODevice *vdev = virtio_bus_get_device(bus);

    if (vdev && DEVICE(vdev)->realized) {
        virtio_reset(vdev);
    }
}

/*
 * The device's realize is done: its queues exist.  Settle what it offers
 * (the common feature properties, VERSION_1, then the device's own
 * get_features), where its DMA goes, and let the transport build its
 * registers around it.
 */
void virtio_bus_device_plugged(VirtIODevice *vdev, Error **errp)
{
    BusState *qbus = qdev_get_parent_bus(DEVICE(vdev));
    VirtioBusClass *k = VIRTIO_BUS_GET_CLASS(qbus);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    Error *err = NULL;

    vdev->dma_as = k->get_dma_as ? k->get_dma_as(qbus->parent)
                                 : &address_space_memory;
    virtio_add_feature(&vdev->host_features, VIRTIO_F_VERSION_1);
    if (vdc->get_features) {
        vdev->host_features = vdc->get_features(vdev, vdev->host_features,
                                                &err);
        if (err) {
            error_propagate(errp, err);
            return;
        }
    }
    if (k->device_plugged) {
        k->device_plugged(qbus->parent, errp);
    }
}

void virtio_bus_device_unplugged(VirtIODevice *vdev)
{
    BusState *qbus = qdev_get_parent_bus(DEVICE(vdev));
    VirtioBusClass *k = VIRTIO_BUS_GET_CLASS(qbus);

    if (k->device_unplugged) {
        k->device_unplugged(qbus->parent);
    }
}

static const TypeInfo virtio_bus_info = {
    .name = TYPE_VIRTIO_BUS,
    .parent = TYPE_BUS,
    .instance_size = sizeof(VirtioBusState),
    .abstract = true,
    .class_size = sizeof(VirtioBusClass),
};

static void virtio_bus_register_types(void)
{
    type_register_static(&virtio_bus_info);
}

type_init(virtio_bus_register_types)
