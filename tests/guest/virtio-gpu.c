/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's virtio-gpu checks: feature negotiation, the control queue
 * in guest RAM, GET_DISPLAY_INFO, and a 2D resource round trip (create,
 * attach backing, transfer, scanout, flush, detach, unref) whose pixels
 * the qtest compares with a screendump.
 */

#include "virtio.h"
#include "gpu.h"
#include <linux/virtio_gpu.h>
#include <linux/virtio_ids.h>

#define GPU_RES_ID      1
#define GPU_RES_W       64
#define GPU_RES_H       64

static VirtioDev gpu;
static VirtQueue ctrlq, cursorq;

/* Both buffers live in guest RAM the device reads and writes by DMA. */
static struct {
    uint8_t req[512];
    uint8_t resp[512];
} *gpu_buf;

uint32_t gpu_cmd_timed(const void *req, uint32_t req_len,
                       uint32_t resp_len, uint64_t *cycles)
{
    struct virtio_gpu_ctrl_hdr *resp = (void *)gpu_buf->resp;
    uint64_t notified;
    int len;

    memcpy(gpu_buf->req, req, req_len);
    memset(resp, 0, resp_len);
    len = virtqueue_exchange(&ctrlq, gpu_buf->req, req_len, gpu_buf->resp,
                             resp_len, &notified);
    if (cycles) {
        *cycles = rdtsc() - notified;
    }
    return len < (int)sizeof(*resp) ? 0 : resp->type;
}

uint32_t gpu_cmd(const void *req, uint32_t req_len, uint32_t resp_len)
{
    return gpu_cmd_timed(req, req_len, resp_len, NULL);
}

const void *gpu_resp(void)
{
    return gpu_buf->resp;
}

void gpu_hdr(struct virtio_gpu_ctrl_hdr *hdr, uint32_t type)
{
    memset(hdr, 0, sizeof(*hdr));
    hdr->type = type;
}

/* The pixel the guest draws at (x, y), B8G8R8X8 in memory. */
uint32_t gpu_pattern(unsigned x, unsigned y)
{
    return (x * 4) << 16 | (y * 4) << 8 | ((x ^ y) & 0xff);
}

bool gpu_init(uint64_t optional)
{
    PCIDev pci;

    if (!pci_find(0x1af4, 0x1040 + VIRTIO_ID_GPU, &pci)) {
        printf("virtio-gpu: none on bus 0, its checks skipped\n");
        return false;
    }
    check(true, "virtio-gpu: found at 00:%02x.%x", pci.devfn >> 3,
          pci.devfn & 7);
    if (!virtio_pci_init(&gpu, &pci, 0, optional)) {
        check(false, "virtio-gpu: features negotiated");
        return false;
    }
    check(true, "virtio-gpu: features 0x%lx negotiated", gpu.features);
    if (!virtqueue_setup(&gpu, &ctrlq, 0, 64) ||
        !virtqueue_setup(&gpu, &cursorq, 1, 16)) {
        check(false, "virtio-gpu: queues set up");
        return false;
    }
    virtio_set_driver_ok(&gpu);
    check(virtio_get_status(&gpu) & 4, "virtio-gpu: DRIVER_OK, control "
          "queue at %p (%u entries)", ctrlq.desc, ctrlq.size);
    gpu_buf = alloc_pages(sizeof(*gpu_buf));
    if (gpu.shm_len) {
        printf("virtio-gpu: host-visible memory at 0x%lx, %lu MiB\n",
               gpu.shm_addr, gpu.shm_len >> 20);
    }
    return true;
}

VirtioDev *gpu_device(void)
{
    return &gpu;
}

VirtQueue *gpu_ctrlq(void)
{
    return &ctrlq;
}

void gpu_display_info(void)
{
    struct virtio_gpu_ctrl_hdr req;
    struct virtio_gpu_resp_display_info *info = (void *)gpu_buf->resp;
    uint32_t type;

    gpu_hdr(&req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    type = gpu_cmd(&req, sizeof(req), sizeof(*info));
    check(type == VIRTIO_GPU_RESP_OK_DISPLAY_INFO && info->pmodes[0].enabled,
          "virtio-gpu: GET_DISPLAY_INFO: type 0x%x, scanout 0 %ux%u "
          "enabled %u", type, info->pmodes[0].r.width,
          info->pmodes[0].r.height, info->pmodes[0].enabled);
}

void gpu_2d_round_trip(void)
{
    struct virtio_gpu_resource_create_2d create;
    struct {
        struct virtio_gpu_resource_attach_backing attach;
        struct virtio_gpu_mem_entry entry;
    } attach;
    struct virtio_gpu_transfer_to_host_2d xfer;
    struct virtio_gpu_set_scanout scanout;
    struct virtio_gpu_resource_flush flush;
    struct virtio_gpu_resource_detach_backing detach;
    struct virtio_gpu_resource_unref unref;
    uint32_t *pixels = alloc_pages(GPU_RES_W * GPU_RES_H * 4);
    uint32_t type;
    unsigned x, y;

    gpu_hdr(&create.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
    create.resource_id = 0;
    create.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
    create.width = GPU_RES_W;
    create.height = GPU_RES_H;
    type = gpu_cmd(&create, sizeof(create),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
          "virtio-gpu: RESOURCE_CREATE_2D of id 0 refused: type 0x%x", type);

    create.resource_id = GPU_RES_ID;
    type = gpu_cmd(&create, sizeof(create),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: RESOURCE_CREATE_2D %ux%u: type 0x%x", GPU_RES_W,
          GPU_RES_H, type);

    for (y = 0; y < GPU_RES_H; y++) {
        for (x = 0; x < GPU_RES_W; x++) {
            pixels[y * GPU_RES_W + x] = gpu_pattern(x, y);
        }
    }
    gpu_hdr(&attach.attach.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
    attach.attach.resource_id = GPU_RES_ID;
    attach.attach.nr_entries = 1;
    attach.entry.addr = (uintptr_t)pixels;
    attach.entry.length = GPU_RES_W * GPU_RES_H * 4;
    attach.entry.padding = 0;
    type = gpu_cmd(&attach, sizeof(attach),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: RESOURCE_ATTACH_BACKING at %p: type 0x%x", pixels,
          type);

    gpu_hdr(&xfer.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    xfer.r.x = xfer.r.y = 0;
    xfer.r.width = GPU_RES_W;
    xfer.r.height = GPU_RES_H;
    xfer.offset = 0;
    xfer.resource_id = GPU_RES_ID;
    xfer.padding = 0;
    type = gpu_cmd(&xfer, sizeof(xfer),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: TRANSFER_TO_HOST_2D: type 0x%x", type);

    gpu_hdr(&scanout.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
    scanout.r = xfer.r;
    scanout.scanout_id = 0;
    scanout.resource_id = GPU_RES_ID;
    type = gpu_cmd(&scanout, sizeof(scanout),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: SET_SCANOUT 0 to resource %u: type 0x%x", GPU_RES_ID,
          type);

    gpu_hdr(&flush.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    flush.r = xfer.r;
    flush.resource_id = GPU_RES_ID;
    flush.padding = 0;
    type = gpu_cmd(&flush, sizeof(flush),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: RESOURCE_FLUSH: type 0x%x", type);

    /* The qtest takes a screendump now. */
    guest_sync("scanout");

    gpu_hdr(&scanout.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
    scanout.resource_id = 0;
    type = gpu_cmd(&scanout, sizeof(scanout),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: SET_SCANOUT 0 off: type 0x%x", type);

    gpu_hdr(&detach.hdr, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING);
    detach.resource_id = GPU_RES_ID;
    detach.padding = 0;
    type = gpu_cmd(&detach, sizeof(detach),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: RESOURCE_DETACH_BACKING: type 0x%x", type);

    gpu_hdr(&unref.hdr, VIRTIO_GPU_CMD_RESOURCE_UNREF);
    unref.resource_id = GPU_RES_ID;
    unref.padding = 0;
    type = gpu_cmd(&unref, sizeof(unref),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_OK_NODATA,
          "virtio-gpu: RESOURCE_UNREF: type 0x%x", type);
    type = gpu_cmd(&unref, sizeof(unref),
                   sizeof(struct virtio_gpu_ctrl_hdr));
    check(type == VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
          "virtio-gpu: RESOURCE_UNREF again refused: type 0x%x", type);
}
