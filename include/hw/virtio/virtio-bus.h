/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio bus: the one-slot bus between a virtio transport (the proxy,
 * e.g. virtio-pci) and the VirtIODevice it carries.
 *
 * The transport creates the bus as a child of its own DeviceState and
 * implements the VirtioBusClass hooks; the device calls them through the
 * virtio_bus_* helpers.  Plugging happens at the end of the device's
 * realize (virtio_bus_device_plugged), when its queues exist, so the
 * transport can size its MSI-X table and capabilities.
 */

#ifndef HW_VIRTIO_VIRTIO_BUS_H
#define HW_VIRTIO_VIRTIO_BUS_H

#include "hw/qdev-core.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_BUS "virtio-bus"
OBJECT_DECLARE_TYPE(VirtioBusState, VirtioBusClass, VIRTIO_BUS)

struct VirtioBusClass {
    BusClass parent;

    /* Signal MSI-X @vector, or the INTx line when MSI-X is off. */
    void (*notify)(DeviceState *d, uint16_t vector);
    /* The device finished realize: set up the transport for it. */
    void (*device_plugged)(DeviceState *d, Error **errp);
    /* The device is going away. */
    void (*device_unplugged)(DeviceState *d);
    /* The address space the device's rings and buffers are in. */
    AddressSpace *(*get_dma_as)(DeviceState *d);
};

struct VirtioBusState {
    BusState parent_obj;
};

/* The device calls these (virtio.c). */
void virtio_bus_device_plugged(VirtIODevice *vdev, Error **errp);
void virtio_bus_device_unplugged(VirtIODevice *vdev);

/* The VirtIODevice plugged into @bus, or NULL. */
VirtIODevice *virtio_bus_get_device(VirtioBusState *bus);
uint16_t virtio_bus_get_vdev_id(VirtioBusState *bus);
/* Reset the plugged device. */
void virtio_bus_reset(VirtioBusState *bus);

#endif /* HW_VIRTIO_VIRTIO_BUS_H */
