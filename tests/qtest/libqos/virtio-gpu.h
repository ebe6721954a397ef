/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio-gpu: a test-side driver for virtio-gpu-pci.
 *
 * qvirtio_gpu_init() finds the function on a PC's bus 0, negotiates
 * features, sets up the control and cursor queues and sets DRIVER_OK.
 * Commands are built by the test (<linux/virtio_gpu.h>) and sent
 * with virtio_gpu_cmd(): one chain of a device-readable request and a
 * device-writable response buffer, completion found by polling the used
 * ring.  virtio_gpu_submit()/virtio_gpu_wait() split that in two, for
 * several commands in flight.
 */

#ifndef LIBQOS_VIRTIO_GPU_H
#define LIBQOS_VIRTIO_GPU_H

#include <linux/virtio_gpu.h>
#include "virtio-pci.h"
#include "malloc.h"

/* One command in flight: its chain and guest buffers. */
typedef struct QVirtioGPUCmd {
    uint32_t head;
    uint64_t req_addr;
    uint64_t resp_addr;
    size_t resp_len;
} QVirtioGPUCmd;

typedef struct QVirtioGPU {
    QTestState *qts;
    QPCIBus *bus;
    QVirtioPCIDevice *pci;
    QVirtioDevice *vdev;
    QGuestAllocator alloc;
    QVirtQueue *ctrlq;
    QVirtQueue *cursorq;
    /* Features offered by the device, and accepted. */
    uint64_t offered;
    uint64_t features;
} QVirtioGPU;

/*
 * Find and start the device, accepting @features (VERSION_1 is added)
 * as far as offered.  Fails the test if there is no virtio-gpu-pci.
 */
QVirtioGPU *qvirtio_gpu_init(QTestState *qts, uint64_t features);
void qvirtio_gpu_free(QVirtioGPU *gpu);
/*
 * Reset the device and start it again with the same features and fresh
 * queues (what a driver does after NEEDS_RESET).
 */
void qvirtio_gpu_restart(QVirtioGPU *gpu);

uint8_t qvirtio_gpu_get_status(QVirtioGPU *gpu);
/* struct virtio_gpu_config fields, by offset. */
uint32_t qvirtio_gpu_config_readl(QVirtioGPU *gpu, uint64_t offset);

/*
 * Send a control command and wait for the device to return it.  The
 * response buffer (@resp_len bytes, may be 0 for none) is copied to
 * @resp.  Returns the length the device reported as written.
 */
uint32_t virtio_gpu_cmd(QTestState *qts, QVirtioGPU *gpu,
                        const void *req, size_t req_len,
                        void *resp, size_t resp_len);
/* The same, returning the response's type (a 24-byte header buffer). */
uint32_t virtio_gpu_cmd_nodata(QTestState *qts, QVirtioGPU *gpu,
                               const void *req, size_t req_len);

/* Queue a control command without waiting; kicks unless !@kick. */
QVirtioGPUCmd virtio_gpu_submit(QVirtioGPU *gpu, const void *req,
                                size_t req_len, size_t resp_len, bool kick);
/* Notify the control queue (after submits with !kick). */
void virtio_gpu_kick(QVirtioGPU *gpu);
/* Wait for @cmd to come back (in order), copy its response, free it. */
uint32_t virtio_gpu_wait(QVirtioGPU *gpu, QVirtioGPUCmd *cmd,
                         void *resp, size_t resp_len);
/* Whether the next used element of the control queue is there yet. */
bool virtio_gpu_used_pending(QVirtioGPU *gpu);

/* Send a cursor-queue command; returns the used length (always 0). */
uint32_t virtio_gpu_cursor_cmd(QVirtioGPU *gpu, const void *req,
                               size_t req_len);

/*
 * The host-visible shared memory region (id VIRTIO_GPU_SHM_ID_HOST_VISIBLE):
 * false when the device has none.
 */
bool virtio_gpu_find_hostmem(QVirtioGPU *gpu, uint8_t *bar,
                             uint64_t *offset, uint64_t *len);

#endif /* LIBQOS_VIRTIO_GPU_H */
