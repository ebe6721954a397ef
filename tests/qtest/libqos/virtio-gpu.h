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
/* Its guest-physical address (its BAR mapped); fails without one. */
uint64_t virtio_gpu_hostmem_addr(QVirtioGPU *gpu, uint64_t *len);

/*
 * virtio-gpu-gl: the 3D and blob commands, each sent and waited for.
 * They return the response type (VIRTIO_GPU_RESP_*); requests carry
 * @ctx_id in their header where the command takes one.
 */
void virtio_gpu_hdr_init(struct virtio_gpu_ctrl_hdr *hdr, uint32_t type,
                         uint32_t ctx_id);
uint32_t virtio_gpu_ctx_create(QVirtioGPU *gpu, uint32_t ctx_id,
                               uint32_t context_init, const char *name);
uint32_t virtio_gpu_ctx_destroy(QVirtioGPU *gpu, uint32_t ctx_id);
uint32_t virtio_gpu_ctx_attach(QVirtioGPU *gpu, uint32_t ctx_id,
                               uint32_t resource_id, bool attach);
/* SUBMIT_3D of @size bytes of command stream. */
uint32_t virtio_gpu_submit_3d(QVirtioGPU *gpu, uint32_t ctx_id,
                              const void *cs, size_t size);
/* A byte buffer (PIPE_BUFFER, R8_UNORM) of @width bytes. */
uint32_t virtio_gpu_create_3d_buffer(QVirtioGPU *gpu, uint32_t resource_id,
                                     uint32_t width);
/* One guest memory entry as the resource's backing. */
uint32_t virtio_gpu_attach_backing(QVirtioGPU *gpu, uint32_t resource_id,
                                   uint64_t addr, uint32_t len);
/* TRANSFER_{TO,FROM}_HOST_3D of bytes [x, x + w) of a buffer. */
uint32_t virtio_gpu_transfer_3d(QVirtioGPU *gpu, bool to_host,
                                uint32_t ctx_id, uint32_t resource_id,
                                uint32_t x, uint32_t w, uint64_t offset);
uint32_t virtio_gpu_create_blob(QVirtioGPU *gpu, uint32_t ctx_id,
                                uint32_t resource_id, uint32_t blob_mem,
                                uint32_t blob_flags, uint64_t blob_id,
                                uint64_t size);
/*
 * A mappable HOST3D blob of @size bytes in context @ctx_id: the virgl
 * resource is made by SUBMIT_3D first, then exported.  Asserts success.
 */
void virtio_gpu_create_host3d_blob(QVirtioGPU *gpu, uint32_t ctx_id,
                                   uint32_t resource_id, uint64_t blob_id,
                                   uint32_t size);
/* MAP_BLOB at @offset of hostmem; *@map_info (may be NULL) on success. */
uint32_t virtio_gpu_map_blob(QVirtioGPU *gpu, uint32_t resource_id,
                             uint64_t offset, uint32_t *map_info);
uint32_t virtio_gpu_unmap_blob(QVirtioGPU *gpu, uint32_t resource_id);
/* UNMAP_BLOB queued without waiting (see virtio_gpu_wait()). */
QVirtioGPUCmd virtio_gpu_unmap_blob_submit(QVirtioGPU *gpu,
                                           uint32_t resource_id, bool kick);
uint32_t virtio_gpu_resource_unref(QVirtioGPU *gpu, uint32_t resource_id);

/* A screendump: @width x @height pixels, 3 bytes (R, G, B) each. */
typedef struct QVirtioGPUImage {
    int width;
    int height;
    uint8_t *rgb;
} QVirtioGPUImage;

/*
 * QMP screendump of @head of the display device @device (its id), as
 * PPM, read back; fails the test if it is not a well-formed P6 image.
 */
QVirtioGPUImage qvirtio_gpu_screendump(QTestState *qts, const char *device,
                                       int head);
void qvirtio_gpu_image_free(QVirtioGPUImage *img);

#endif /* LIBQOS_VIRTIO_GPU_H */
