/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's virtio 1.x driver core: the modern PCI transport and split
 * virtqueues, polled.
 */

#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "guest.h"
#include <linux/virtio_ring.h>

typedef struct VirtioDev {
    PCIDev pci;
    uint64_t bar[6];
    uint64_t common;
    uint64_t notify;
    uint32_t notify_mult;
    uint64_t device;
    /* The shared memory region with id 1 (host-visible), if any. */
    uint64_t shm_addr;
    uint64_t shm_len;
    uint64_t features;
} VirtioDev;

typedef struct VirtQueue {
    VirtioDev *dev;
    uint16_t index;
    uint16_t size;
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    uint16_t last_used;
    uint64_t notify_addr;
} VirtQueue;

/*
 * Reset @dev, find its capabilities, negotiate @wanted features (plus
 * VIRTIO_F_VERSION_1) and those of @optional it offers, and leave it in
 * FEATURES_OK.  False with a message when any step fails.
 */
bool virtio_pci_init(VirtioDev *dev, PCIDev *pci, uint64_t wanted,
                     uint64_t optional);
/* Set up queue @index with at most @size entries. */
bool virtqueue_setup(VirtioDev *dev, VirtQueue *vq, uint16_t index,
                     uint16_t size);
void virtio_set_driver_ok(VirtioDev *dev);
uint8_t virtio_get_status(VirtioDev *dev);
/*
 * Post @out (device-readable) then @in (device-writable) as one chain,
 * either may be empty, and notify; *@notified gets the TSC at the notify.
 */
void virtqueue_add(VirtQueue *vq, const void *out, uint32_t out_len,
                   void *in, uint32_t in_len, uint64_t *notified);
/*
 * Poll until the device returns the next buffer: the bytes it wrote, and
 * in *@head the chain's first descriptor; -1 when it did not in time.
 */
int virtqueue_poll(VirtQueue *vq, uint16_t *head);
/*
 * Send @out (device-readable) and receive into @in (device-writable) as
 * one chain, notify, and poll until the device returns it; the bytes it
 * wrote, or -1 when it did not answer in time.  *@notified gets the TSC
 * at the notify.
 */
int virtqueue_exchange(VirtQueue *vq, const void *out, uint32_t out_len,
                       void *in, uint32_t in_len, uint64_t *notified);

/* virtio-net-pci on -netdev user: ARP and ping the gateway (net.c). */
void net_checks(void);

#endif /* GUEST_VIRTIO_H */
