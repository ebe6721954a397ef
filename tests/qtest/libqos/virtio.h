/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio: a test-side virtio 1.x driver, independent of the
 * transport (virtio-pci.h is the one we have).
 *
 * Rings live in guest RAM taken from a QGuestAllocator and are written
 * with qtest memory accesses; the test adds descriptor chains with
 * qvirtqueue_add(), rings the doorbell with qvirtqueue_kick() and waits
 * for the device with qvirtio_wait_used_elem(), which polls the used ring.
 */

#ifndef LIBQOS_VIRTIO_H
#define LIBQOS_VIRTIO_H

#include "../libqtest.h"
#include "malloc.h"

#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>

#define QVIRTIO_TIMEOUT_US              (30 * 1000 * 1000)

typedef struct QVirtioDevice QVirtioDevice;
typedef struct QVirtQueue QVirtQueue;
typedef struct QVirtioBus QVirtioBus;

struct QVirtioDevice {
    const QVirtioBus *bus;
    QTestState *qts;
    uint16_t device_type;
    /* What the driver accepted (qvirtio_set_features). */
    uint64_t features;
    bool features_negotiated;
};

struct QVirtQueue {
    QVirtioDevice *vdev;
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint32_t index;
    uint32_t size;
    uint32_t free_head;
    uint32_t num_free;
    uint16_t last_used_idx;
    /* Mirror of avail->idx as the driver publishes it. */
    uint16_t avail_idx;
    bool indirect;
    bool event;
};

/* A device-side indirect table being filled (qvring_indirect_desc_*). */
typedef struct QVRingIndirectDesc {
    uint64_t desc;
    uint16_t index;
    uint16_t elem;
} QVRingIndirectDesc;

/* The transport's operations. */
struct QVirtioBus {
    uint8_t (*config_readb)(QVirtioDevice *d, uint64_t addr);
    uint16_t (*config_readw)(QVirtioDevice *d, uint64_t addr);
    uint32_t (*config_readl)(QVirtioDevice *d, uint64_t addr);
    uint64_t (*config_readq)(QVirtioDevice *d, uint64_t addr);
    uint64_t (*get_features)(QVirtioDevice *d);
    void (*set_features)(QVirtioDevice *d, uint64_t features);
    uint64_t (*get_guest_features)(QVirtioDevice *d);
    uint8_t (*get_status)(QVirtioDevice *d);
    void (*set_status)(QVirtioDevice *d, uint8_t status);
    /* Whether the queue (config) interrupt fired; consumes it. */
    bool (*get_queue_isr_status)(QVirtioDevice *d, QVirtQueue *vq);
    bool (*get_config_isr_status)(QVirtioDevice *d);
    void (*queue_select)(QVirtioDevice *d, uint16_t index);
    int (*get_queue_size)(QVirtioDevice *d);
    void (*set_queue_address)(QVirtioDevice *d, QVirtQueue *vq);
    QVirtQueue *(*virtqueue_setup)(QVirtioDevice *d, QGuestAllocator *alloc,
                                   uint16_t index);
    void (*virtqueue_cleanup)(QVirtQueue *vq, QGuestAllocator *alloc);
    void (*virtqueue_kick)(QVirtioDevice *d, QVirtQueue *vq);
};

/* Device config space (little endian) */
uint8_t qvirtio_config_readb(QVirtioDevice *d, uint64_t addr);
uint16_t qvirtio_config_readw(QVirtioDevice *d, uint64_t addr);
uint32_t qvirtio_config_readl(QVirtioDevice *d, uint64_t addr);
uint64_t qvirtio_config_readq(QVirtioDevice *d, uint64_t addr);

/* Status and features */
uint64_t qvirtio_get_features(QVirtioDevice *d);
/* Write the driver features and set FEATURES_OK; asserts it stuck. */
void qvirtio_set_features(QVirtioDevice *d, uint64_t features);
/* The same without the assertion: true when FEATURES_OK stuck. */
bool qvirtio_try_set_features(QVirtioDevice *d, uint64_t features);
uint8_t qvirtio_get_status(QVirtioDevice *d);
void qvirtio_reset(QVirtioDevice *d);
void qvirtio_set_acknowledge(QVirtioDevice *d);
void qvirtio_set_driver(QVirtioDevice *d);
void qvirtio_set_driver_ok(QVirtioDevice *d);
/*
 * reset, ACKNOWLEDGE, DRIVER, then accept @features (VERSION_1 added)
 * masked by what the device offers.  Returns the accepted features.
 */
uint64_t qvirtio_start_device(QVirtioDevice *d, uint64_t features);

/*
 * Wait up to @timeout_us for @vq's interrupt (ISR or its MSI-X message),
 * stepping the virtual clock when the emulator lets us, else sleeping.
 */
void qvirtio_wait_queue_isr(QTestState *qts, QVirtioDevice *d,
                            QVirtQueue *vq, gint64 timeout_us);
void qvirtio_wait_config_isr(QVirtioDevice *d, gint64 timeout_us);
/*
 * Wait for the next used element of @vq and check it is chain
 * @desc_idx; *@len (if not NULL) gets its length.  Fails the test on
 * timeout.
 */
void qvirtio_wait_used_elem(QTestState *qts, QVirtioDevice *d,
                            QVirtQueue *vq, uint32_t desc_idx,
                            uint32_t *len, gint64 timeout_us);
/* Wait until @status_bits are all set in the device status. */
void qvirtio_wait_status(QVirtioDevice *d, uint8_t status_bits,
                         gint64 timeout_us);
/* Let the emulator's main loop run a little (clock step or sleep). */
void qvirtio_poll_step(QTestState *qts);

/* Queues */
QVirtQueue *qvirtqueue_setup(QVirtioDevice *d, QGuestAllocator *alloc,
                             uint16_t index);
void qvirtqueue_cleanup(const QVirtioBus *bus, QVirtQueue *vq,
                        QGuestAllocator *alloc);
/* Lay out and zero the rings of @vq at @addr (desc, avail, used). */
void qvring_init(QTestState *qts, const QGuestAllocator *alloc,
                 QVirtQueue *vq, uint64_t addr);
/* Bytes the rings of a queue of @num entries take (4 KiB aligned used). */
uint64_t qvring_size(uint32_t num);

QVRingIndirectDesc *qvring_indirect_desc_setup(QTestState *qts,
                                               QVirtioDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t elem);
void qvring_indirect_desc_add(QVirtioDevice *d, QTestState *qts,
                              QVRingIndirectDesc *indirect, uint64_t data,
                              uint32_t len, bool write);

/*
 * Add one descriptor; @next chains it to the one added next.  Returns
 * its index (the first of a chain is what qvirtqueue_kick() publishes).
 */
uint32_t qvirtqueue_add(QTestState *qts, QVirtQueue *vq, uint64_t data,
                        uint32_t len, bool write, bool next);
uint32_t qvirtqueue_add_indirect(QTestState *qts, QVirtQueue *vq,
                                 QVRingIndirectDesc *indirect);
/* Write a raw descriptor (tests of malformed chains). */
void qvirtqueue_set_desc(QTestState *qts, QVirtQueue *vq, uint32_t i,
                         uint64_t addr, uint32_t len, uint16_t flags,
                         uint16_t next);
/* Publish chain @free_head in the available ring and notify. */
void qvirtqueue_kick(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                     uint32_t free_head);
/* Publish without notifying; returns the new avail->idx. */
uint16_t qvirtqueue_publish(QTestState *qts, QVirtQueue *vq,
                            uint32_t free_head);
/* Take the next used element, if any. */
bool qvirtqueue_get_buf(QTestState *qts, QVirtQueue *vq, uint32_t *desc_idx,
                        uint32_t *len);
/* used_event (EVENT_IDX): interrupt when the used index passes @idx. */
void qvirtqueue_set_used_event(QTestState *qts, QVirtQueue *vq,
                               uint16_t idx);
/* avail->flags (NO_INTERRUPT) */
void qvirtqueue_set_avail_flags(QTestState *qts, QVirtQueue *vq,
                                uint16_t flags);
uint16_t qvirtqueue_get_used_idx(QTestState *qts, QVirtQueue *vq);
uint16_t qvirtqueue_get_used_flags(QTestState *qts, QVirtQueue *vq);
/* avail_event the device writes at the end of the used ring. */
uint16_t qvirtqueue_get_avail_event(QTestState *qts, QVirtQueue *vq);

#endif /* LIBQOS_VIRTIO_H */
