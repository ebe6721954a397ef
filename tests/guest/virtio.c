/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio 1.x over modern PCI for the test guest (see virtio.h).
 */

#include "virtio.h"
#include <linux/virtio_config.h>
#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#define COMMON(f) (dev->common + offsetof(struct virtio_pci_common_cfg, f))

/* How long a request may take: polls of the used ring (seconds). */
#define VIRTIO_POLL_LIMIT 200000000u

static void virtio_set_status(VirtioDev *dev, uint8_t status)
{
    writeb(COMMON(device_status), status);
}

uint8_t virtio_get_status(VirtioDev *dev)
{
    return readb(COMMON(device_status));
}

static uint64_t virtio_cap_addr(VirtioDev *dev, uint8_t pos)
{
    PCIDev *d = &dev->pci;
    uint8_t bar = pci_config_readb(d, pos + VIRTIO_PCI_CAP_BAR);

    return bar < 6 ? dev->bar[bar] +
           pci_config_readl(d, pos + VIRTIO_PCI_CAP_OFFSET) : 0;
}

static void virtio_pci_find_caps(VirtioDev *dev)
{
    PCIDev *d = &dev->pci;
    uint8_t pos = 0;

    while ((pos = pci_find_cap(d, PCI_CAP_ID_VNDR, pos))) {
        uint8_t type = pci_config_readb(d, pos + VIRTIO_PCI_CAP_CFG_TYPE);

        switch (type) {
        case VIRTIO_PCI_CAP_COMMON_CFG:
            dev->common = virtio_cap_addr(dev, pos);
            break;
        case VIRTIO_PCI_CAP_NOTIFY_CFG:
            dev->notify = virtio_cap_addr(dev, pos);
            dev->notify_mult = pci_config_readl(
                d, pos + offsetof(struct virtio_pci_notify_cap,
                                  notify_off_multiplier));
            break;
        case VIRTIO_PCI_CAP_DEVICE_CFG:
            dev->device = virtio_cap_addr(dev, pos);
            break;
        case VIRTIO_PCI_CAP_SHARED_MEMORY_CFG:
            if (pci_config_readb(d, pos + offsetof(struct virtio_pci_cap,
                                                   id)) == 1) {
                dev->shm_addr = virtio_cap_addr(dev, pos) +
                    ((uint64_t)pci_config_readl(
                        d, pos + offsetof(struct virtio_pci_cap64,
                                          offset_hi)) << 32);
                dev->shm_len = pci_config_readl(
                    d, pos + offsetof(struct virtio_pci_cap64, cap.length)) |
                    (uint64_t)pci_config_readl(
                        d, pos + offsetof(struct virtio_pci_cap64,
                                          length_hi)) << 32;
            }
            break;
        }
    }
}

bool virtio_pci_init(VirtioDev *dev, PCIDev *pci, uint64_t wanted,
                     uint64_t optional)
{
    uint64_t offered;
    int i;

    memset(dev, 0, sizeof(*dev));
    dev->pci = *pci;
    for (i = 0; i < 6; i++) {
        uint32_t bar = pci_config_readl(pci, 0x10 + 4 * i);

        dev->bar[i] = pci_bar_assign(pci, i);
        /* The high half of a 64-bit BAR is not a BAR of its own. */
        if ((bar & 7) == 4) {
            i++;
        }
    }
    pci_enable(pci);
    virtio_pci_find_caps(dev);
    if (!dev->common || !dev->notify) {
        printf("virtio: no common or notify capability\n");
        return false;
    }
    virtio_set_status(dev, 0);
    virtio_set_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    virtio_set_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER);
    writel(COMMON(device_feature_select), 0);
    offered = readl(COMMON(device_feature));
    writel(COMMON(device_feature_select), 1);
    offered |= (uint64_t)readl(COMMON(device_feature)) << 32;
    wanted |= 1ULL << VIRTIO_F_VERSION_1 | (optional & offered);
    if ((offered & wanted) != wanted) {
        printf("virtio: features offered 0x%lx lack 0x%lx\n", offered,
               wanted & ~offered);
        return false;
    }
    dev->features = wanted;
    writel(COMMON(guest_feature_select), 0);
    writel(COMMON(guest_feature), (uint32_t)wanted);
    writel(COMMON(guest_feature_select), 1);
    writel(COMMON(guest_feature), wanted >> 32);
    virtio_set_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    if (!(virtio_get_status(dev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
        printf("virtio: the device refused features 0x%lx\n", wanted);
        return false;
    }
    return true;
}

bool virtqueue_setup(VirtioDev *dev, VirtQueue *vq, uint16_t index,
                     uint16_t size)
{
    uint16_t max;
    uint8_t *mem;

    writew(COMMON(queue_select), index);
    max = readw(COMMON(queue_size));
    if (!max) {
        printf("virtio: queue %u does not exist\n", index);
        return false;
    }
    memset(vq, 0, sizeof(*vq));
    vq->dev = dev;
    vq->index = index;
    vq->size = size < max ? size : max;
    mem = alloc_pages(3 * 4096);
    vq->desc = (struct vring_desc *)mem;
    vq->avail = (struct vring_avail *)(mem + 4096);
    vq->used = (struct vring_used *)(mem + 2 * 4096);
    writew(COMMON(queue_size), vq->size);
    writel(COMMON(queue_desc_lo), (uintptr_t)vq->desc);
    writel(COMMON(queue_desc_hi), 0);
    writel(COMMON(queue_avail_lo), (uintptr_t)vq->avail);
    writel(COMMON(queue_avail_hi), 0);
    writel(COMMON(queue_used_lo), (uintptr_t)vq->used);
    writel(COMMON(queue_used_hi), 0);
    vq->notify_addr = dev->notify +
                      (uint64_t)readw(COMMON(queue_notify_off)) *
                      dev->notify_mult;
    writew(COMMON(queue_enable), 1);
    return true;
}

void virtio_set_driver_ok(VirtioDev *dev)
{
    virtio_set_status(dev, virtio_get_status(dev) |
                      VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtqueue_add(VirtQueue *vq, const void *out, uint32_t out_len,
                   void *in, uint32_t in_len, uint64_t *notified)
{
    uint16_t head = vq->avail->idx % vq->size;
    uint16_t d = head;

    /*
     * Descriptors go with the avail slot: the devices here return
     * buffers in order, so a slot is free again when it comes round.
     */
    if (out_len) {
        vq->desc[d].addr = (uintptr_t)out;
        vq->desc[d].len = out_len;
        vq->desc[d].flags = in_len ? VRING_DESC_F_NEXT : 0;
        vq->desc[d].next = (d + 1) % vq->size;
        d = (d + 1) % vq->size;
    }
    if (in_len) {
        vq->desc[d].addr = (uintptr_t)in;
        vq->desc[d].len = in_len;
        vq->desc[d].flags = VRING_DESC_F_WRITE;
        vq->desc[d].next = 0;
    }
    vq->avail->ring[vq->avail->idx % vq->size] = head;
    mb();
    vq->avail->idx++;
    mb();
    if (notified) {
        *notified = rdtsc();
    }
    writew(vq->notify_addr, vq->index);
}

int virtqueue_poll(VirtQueue *vq, uint16_t *head)
{
    uint32_t polls;

    for (polls = 0; polls < VIRTIO_POLL_LIMIT; polls++) {
        if (*(volatile uint16_t *)&vq->used->idx != vq->last_used) {
            struct vring_used_elem *e;

            mb();
            e = &vq->used->ring[vq->last_used % vq->size];
            vq->last_used++;
            if (head) {
                *head = e->id;
            }
            return e->len;
        }
    }
    return -1;
}

int virtqueue_exchange(VirtQueue *vq, const void *out, uint32_t out_len,
                       void *in, uint32_t in_len, uint64_t *notified)
{
    virtqueue_add(vq, out, out_len, in, in_len, notified);
    return virtqueue_poll(vq, NULL);
}
