/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio core: the transport-independent part of a virtio 1.x device.
 *
 * A device model subclasses TYPE_VIRTIO_DEVICE and, in its
 * VirtioDeviceClass.realize, calls virtio_init() and adds its queues with
 * virtio_add_queue().  It is plugged into a virtio bus (TYPE_VIRTIO_BUS)
 * that a transport (virtio-pci) provides; the transport maps the common
 * registers onto the core (status, features, queue addresses, config
 * space) and delivers interrupts.
 *
 * Queue processing: when the driver notifies a queue the transport calls
 * the queue's VirtIOHandleOutput from the main loop with the BQL held.
 * The handler pops elements (virtqueue_pop), works on their scatter lists
 * and returns them (virtqueue_push, then virtio_notify).  All of the
 * core's entry points expect the BQL.
 *
 * Guest mistakes in rings or descriptors (addresses outside RAM, loops,
 * bad indirect tables, ...) put the device into the broken state with
 * virtio_error(): NEEDS_RESET is set, the driver is told through a config
 * interrupt, and virtqueue_pop() returns NULL until a reset.  See
 * docs/devel/virtio.md.
 */

#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include "exec/memory.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "qemu/iov.h"
#include "block/aio.h"
/* The wire format is Linux's uapi (linux-libc-dev), as in QEMU. */
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

/*
 * ISR bit 0, "a used buffer was returned": <linux/virtio_pci.h> names only
 * the configuration-change bit (VIRTIO_PCI_ISR_CONFIG).
 */
#define VIRTIO_PCI_ISR_QUEUE    0x1

/* Largest queue a device may ask for, and queues per device. */
#define VIRTQUEUE_MAX_SIZE      1024
#define VIRTIO_QUEUE_MAX        64

#define TYPE_VIRTIO_DEVICE "virtio-device"
OBJECT_DECLARE_TYPE(VirtIODevice, VirtioDeviceClass, VIRTIO_DEVICE)

typedef struct VirtQueue VirtQueue;
typedef void (*VirtIOHandleOutput)(VirtIODevice *vdev, VirtQueue *vq);

/*
 * One request popped from a queue: the head descriptor's @index and the
 * descriptors of its chain split into the device-readable part (out_*)
 * and the device-writable part (in_*).  The iovecs point into guest RAM
 * (buffers anywhere else break the device) until the element is pushed,
 * detached or unpopped.  @len is free for the device's use.
 */
typedef struct VirtQueueElement {
    unsigned int index;
    unsigned int len;
    unsigned int ndescs;
    unsigned int out_num;
    unsigned int in_num;
    hwaddr *in_addr;
    hwaddr *out_addr;
    struct iovec *in_sg;
    struct iovec *out_sg;
} VirtQueueElement;

struct VirtIODevice {
    DeviceState parent_obj;

    const char *name;
    uint16_t device_id;
    /* Device status as written by the driver (VIRTIO_CONFIG_S_*). */
    uint8_t status;
    /* Pending interrupt causes, VIRTIO_PCI_ISR_* (read to clear). */
    uint8_t isr;
    uint16_t queue_sel;
    /* Offered: the device's get_features() applied to host_features. */
    uint64_t host_features;
    /* Accepted by the driver with FEATURES_OK. */
    uint64_t guest_features;
    size_t config_len;
    uint8_t *config;
    uint16_t config_vector;
    /* Bumped on every device config change (config_generation). */
    uint32_t generation;
    VirtQueue *vq;              /* VIRTIO_QUEUE_MAX entries */
    /* A guest error stopped the device until the next reset. */
    bool broken;
    bool started;
    /* Where rings and buffers live: the transport's DMA address space. */
    AddressSpace *dma_as;
    /* Remakes the rings' caches when dma_as's memory map changes. */
    MemoryListener listener;
};

struct VirtioDeviceClass {
    DeviceClass parent;

    /* The device's own realize/unrealize; the core wraps them. */
    void (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    /*
     * Called at plug time with the features the core and the properties
     * allow (@requested_features); returns those the device offers.
     */
    uint64_t (*get_features)(VirtIODevice *vdev, uint64_t requested_features,
                             Error **errp);
    /*
     * Called when the driver sets FEATURES_OK with the features it
     * accepted (a subset of host_features; otherwise FEATURES_OK is
     * refused and this is not called).
     */
    void (*set_features)(VirtIODevice *vdev, uint64_t val);
    /* Optional: nonzero refuses FEATURES_OK. */
    int (*validate_features)(VirtIODevice *vdev);
    /* Fill vdev->config (config_len bytes) before the driver reads it. */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The driver wrote into vdev->config. */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* Device reset (driver writes 0 to status, or system reset). */
    void (*reset)(VirtIODevice *vdev);
    /* Status changed; called before the core updates vdev->status. */
    int (*set_status)(VirtIODevice *vdev, uint8_t val);
    /* RING_RESET: queue @queue_index was reset / re-enabled by the driver. */
    void (*queue_reset)(VirtIODevice *vdev, uint32_t queue_index);
    void (*queue_enable)(VirtIODevice *vdev, uint32_t queue_index);
};

/*
 * Common feature properties, set on every virtio device (QEMU's
 * DEFINE_VIRTIO_COMMON_FEATURES): "indirect_desc", "event_idx",
 * "queue_reset", all on by default; "-device virtio-foo-pci,event_idx=off"
 * withdraws the bit from what is offered.
 */
#define DEFINE_VIRTIO_COMMON_FEATURES(_state, _field)                     \
    DEFINE_PROP_BIT64("indirect_desc", _state, _field,                    \
                      VIRTIO_RING_F_INDIRECT_DESC, true),                 \
    DEFINE_PROP_BIT64("event_idx", _state, _field,                        \
                      VIRTIO_RING_F_EVENT_IDX, true),                     \
    DEFINE_PROP_BIT64("queue_reset", _state, _field,                      \
                      VIRTIO_F_RING_RESET, true)

/* Feature helpers */

static inline void virtio_add_feature(uint64_t *features, unsigned int fbit)
{
    assert(fbit < 64);
    *features |= (1ULL << fbit);
}

static inline void virtio_clear_feature(uint64_t *features,
                                        unsigned int fbit)
{
    assert(fbit < 64);
    *features &= ~(1ULL << fbit);
}

static inline bool virtio_has_feature(uint64_t features, unsigned int fbit)
{
    assert(fbit < 64);
    return !!(features & (1ULL << fbit));
}

static inline bool virtio_vdev_has_feature(const VirtIODevice *vdev,
                                           unsigned int fbit)
{
    return virtio_has_feature(vdev->guest_features, fbit);
}

static inline bool virtio_host_has_feature(const VirtIODevice *vdev,
                                           unsigned int fbit)
{
    return virtio_has_feature(vdev->host_features, fbit);
}

/* Whether the driver has set DRIVER_OK (and the device is not broken). */
static inline bool virtio_device_started(const VirtIODevice *vdev,
                                         uint8_t status)
{
    return !!(status & VIRTIO_CONFIG_S_DRIVER_OK);
}

/* Device life cycle (from VirtioDeviceClass.realize/unrealize) */

/* Set up @vdev with virtio id @device_id and @config_size config bytes. */
void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_size);
/* Release what virtio_init() and virtio_add_queue() allocated. */
void virtio_cleanup(VirtIODevice *vdev);

/*
 * Add a queue of at most @queue_size entries (a power of two, at most
 * VIRTQUEUE_MAX_SIZE); @handle_output runs when the driver notifies it.
 * Aborts when all VIRTIO_QUEUE_MAX queues are taken (programming error).
 */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output);
void virtio_delete_queue(VirtQueue *vq);
void virtio_del_queue(VirtIODevice *vdev, int n);

/*
 * A bottom half for @dev's work (processing a queue off the notify
 * path), guarded with the re-entrancy guard of the transport @dev sits
 * on: the registers the guest reaches are the transport's, so a DMA or
 * MSI aimed at them from the BH is dropped as re-entrant, as in QEMU.
 */
QEMUBH *virtio_bh_new_guarded_full(DeviceState *dev, QEMUBHFunc *cb,
                                   void *opaque, const char *name);
#define virtio_bh_new_guarded(dev, cb, opaque) \
    virtio_bh_new_guarded_full((dev), (cb), (opaque), (stringify(cb)))

/* Queue accessors */

VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n);
int virtio_get_queue_index(VirtQueue *vq);
VirtIODevice *virtio_queue_get_vdev(VirtQueue *vq);
int virtio_get_num_queues(VirtIODevice *vdev);

/*
 * Requests.
 *
 * virtqueue_pop() takes the next available chain and returns it as a
 * g_malloc'ed block of @sz bytes (>= sizeof(VirtQueueElement)) whose head
 * is the VirtQueueElement, so a device can embed the element first in its
 * own request struct; the caller g_free()s it.  Returns NULL when the
 * queue is empty, not set up, or the device is broken (a malformed chain
 * breaks the device with virtio_error()).
 */
void *virtqueue_pop(VirtQueue *vq, size_t sz);
/* virtqueue_fill() + virtqueue_flush(vq, 1). */
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len);
/*
 * Unmap @elem's buffers (@len bytes were written to in_sg) and place it
 * in the used ring at position @idx past the current used index without
 * publishing it; virtqueue_flush(vq, count) publishes @count of them.
 */
void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx);
void virtqueue_flush(VirtQueue *vq, unsigned int count);
/* Unmap @elem without returning it to the driver (the device drops it). */
void virtqueue_detach_element(VirtQueue *vq, const VirtQueueElement *elem,
                              unsigned int len);
/* Unmap @elem and make it the next one virtqueue_pop() returns. */
void virtqueue_unpop(VirtQueue *vq, const VirtQueueElement *elem,
                     unsigned int len);
/* Un-pop the last @num popped elements; false if fewer were in flight. */
bool virtqueue_rewind(VirtQueue *vq, unsigned int num);

/*
 * Whether the available chains offer at least @in_bytes device-writable
 * and @out_bytes device-readable bytes together (1) or not (0).  Nothing
 * is consumed; a malformed chain met on the way breaks the device.
 */
int virtqueue_avail_bytes(VirtQueue *vq, unsigned int in_bytes,
                          unsigned int out_bytes);
/* Nonzero when no request is available (or the queue is not set up). */
int virtio_queue_empty(VirtQueue *vq);
/* Tell the driver whether notifications are wanted (NO_NOTIFY/avail_event). */
void virtio_queue_set_notification(VirtQueue *vq, int enable);
bool virtio_queue_ready(VirtQueue *vq);

/* Interrupts */

/*
 * Signal used buffers on @vq unless the driver suppressed it (avail flag
 * NO_INTERRUPT, or used_event with EVENT_IDX).
 */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/* Config space changed: bump the generation, signal the driver. */
void virtio_notify_config(VirtIODevice *vdev);

/*
 * The guest broke the protocol: log it (LOG_GUEST_ERROR), stop all queue
 * processing, set NEEDS_RESET once the driver is past FEATURES_OK and send
 * a config interrupt.  Only a device reset recovers.
 */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Transport side (used by virtio-pci and tests) */

/* Status write by the driver; runs the feature/reset state machine. */
int virtio_set_status(VirtIODevice *vdev, uint8_t val);
/* Reset the device (status 0, queues and features cleared). */
void virtio_reset(void *opaque);
/*
 * Record the driver's accepted features; returns -EINVAL (and records
 * nothing) when @val has bits the device did not offer.
 */
int virtio_set_features(VirtIODevice *vdev, uint64_t val);
/* Device config accessors (little endian); out of range reads ~0. */
uint32_t virtio_config_modern_readb(VirtIODevice *vdev, uint32_t addr);
uint32_t virtio_config_modern_readw(VirtIODevice *vdev, uint32_t addr);
uint32_t virtio_config_modern_readl(VirtIODevice *vdev, uint32_t addr);
void virtio_config_modern_writeb(VirtIODevice *vdev, uint32_t addr,
                                 uint32_t data);
void virtio_config_modern_writew(VirtIODevice *vdev, uint32_t addr,
                                 uint32_t data);
void virtio_config_modern_writel(VirtIODevice *vdev, uint32_t addr,
                                 uint32_t data);

/* Queue configuration as the driver sets it */
int virtio_queue_get_max_num(VirtIODevice *vdev, int n);
int virtio_queue_get_num(VirtIODevice *vdev, int n);
void virtio_queue_set_num(VirtIODevice *vdev, int n, int num);
void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used);
hwaddr virtio_queue_get_desc_addr(VirtIODevice *vdev, int n);
hwaddr virtio_queue_get_avail_addr(VirtIODevice *vdev, int n);
hwaddr virtio_queue_get_used_addr(VirtIODevice *vdev, int n);
void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector);
uint16_t virtio_queue_vector(VirtIODevice *vdev, int n);
void virtio_queue_enable(VirtIODevice *vdev, uint32_t queue_index);
void virtio_queue_reset(VirtIODevice *vdev, uint32_t queue_index);
bool virtio_queue_enabled(VirtIODevice *vdev, int n);
/* The driver notified queue @n: run its handler (BQL held). */
void virtio_queue_notify(VirtIODevice *vdev, int n);

#endif /* HW_VIRTIO_VIRTIO_H */
