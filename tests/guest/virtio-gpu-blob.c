/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The blob flow of the test guest, what the series is about: on a virgl
 * context, HOST3D blobs are created (PIPE_RESOURCE_CREATE inside
 * SUBMIT_3D, then RESOURCE_CREATE_BLOB), mapped into the host-visible
 * memory BAR, written and read there with plain loads and stores, and
 * unmapped.  Each UNMAP_BLOB is timed from its notify to its response,
 * and so is the command after it (the delay the unmap adds to the queue).
 */

#include "gpu.h"
#include <linux/virtio_gpu.h>

#define BLOB_CTX_ID         1
#define BLOB_RES_BASE       100
#define BLOB_MAX            1000

/* virgl's PIPE_RESOURCE_CREATE for a mappable buffer (libqos/virgl.c). */
#define VIRGL_CCMD_PIPE_RESOURCE_CREATE     48
#define VIRGL_TARGET_BUFFER                 0
#define VIRGL_FORMAT_R8_UNORM               64
#define VIRGL_BIND_VERTEX_BUFFER            0x10
#define VIRGL_FLAG_MAP_PERSISTENT_COHERENT  0x6

static uint32_t unmap_us[BLOB_MAX];
static uint32_t next_us[BLOB_MAX];

static bool blob_ctx(uint32_t type)
{
    struct virtio_gpu_ctx_create create;
    struct virtio_gpu_ctx_destroy destroy;

    if (type == VIRTIO_GPU_CMD_CTX_CREATE) {
        gpu_hdr(&create.hdr, type);
        create.hdr.ctx_id = BLOB_CTX_ID;
        create.nlen = 5;
        create.context_init = 0;
        memset(create.debug_name, 0, sizeof(create.debug_name));
        memcpy(create.debug_name, "guest", 5);
        return gpu_cmd(&create, sizeof(create),
                       sizeof(struct virtio_gpu_ctrl_hdr)) ==
               VIRTIO_GPU_RESP_OK_NODATA;
    }
    gpu_hdr(&destroy.hdr, type);
    destroy.hdr.ctx_id = BLOB_CTX_ID;
    return gpu_cmd(&destroy, sizeof(destroy),
                   sizeof(struct virtio_gpu_ctrl_hdr)) ==
           VIRTIO_GPU_RESP_OK_NODATA;
}

/* A HOST3D blob of @size bytes, resource @res, in two steps. */
static uint32_t blob_create(uint32_t res, uint32_t blob_id, uint32_t size)
{
    struct {
        struct virtio_gpu_cmd_submit submit;
        uint32_t dw[12];
    } s;
    struct virtio_gpu_resource_create_blob blob;
    uint32_t type;

    gpu_hdr(&s.submit.hdr, VIRTIO_GPU_CMD_SUBMIT_3D);
    s.submit.hdr.ctx_id = BLOB_CTX_ID;
    s.submit.size = sizeof(s.dw);
    s.submit.padding = 0;
    s.dw[0] = VIRGL_CCMD_PIPE_RESOURCE_CREATE | 11 << 16;
    s.dw[1] = VIRGL_TARGET_BUFFER;
    s.dw[2] = VIRGL_FORMAT_R8_UNORM;
    s.dw[3] = VIRGL_BIND_VERTEX_BUFFER;
    s.dw[4] = size;         /* width */
    s.dw[5] = 1;            /* height */
    s.dw[6] = 1;            /* depth */
    s.dw[7] = 1;            /* array size */
    s.dw[8] = 0;            /* last level */
    s.dw[9] = 0;            /* samples */
    s.dw[10] = VIRGL_FLAG_MAP_PERSISTENT_COHERENT;
    s.dw[11] = blob_id;
    type = gpu_cmd(&s, sizeof(s), sizeof(struct virtio_gpu_ctrl_hdr));
    if (type != VIRTIO_GPU_RESP_OK_NODATA) {
        return type;
    }
    gpu_hdr(&blob.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB);
    blob.hdr.ctx_id = BLOB_CTX_ID;
    blob.resource_id = res;
    blob.blob_mem = VIRTIO_GPU_BLOB_MEM_HOST3D;
    blob.blob_flags = VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE;
    blob.nr_entries = 0;
    blob.blob_id = blob_id;
    blob.size = size;
    return gpu_cmd(&blob, sizeof(blob), sizeof(struct virtio_gpu_ctrl_hdr));
}

static uint32_t blob_map(uint32_t res, uint64_t offset)
{
    struct virtio_gpu_resource_map_blob map;

    gpu_hdr(&map.hdr, VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB);
    map.resource_id = res;
    map.padding = 0;
    map.offset = offset;
    return gpu_cmd(&map, sizeof(map), sizeof(struct virtio_gpu_resp_map_info));
}

static uint32_t blob_unmap(uint32_t res, uint64_t *cycles)
{
    struct virtio_gpu_resource_unmap_blob unmap;

    gpu_hdr(&unmap.hdr, VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB);
    unmap.resource_id = res;
    unmap.padding = 0;
    return gpu_cmd_timed(&unmap, sizeof(unmap),
                         sizeof(struct virtio_gpu_ctrl_hdr), cycles);
}

static uint32_t blob_unref(uint32_t res)
{
    struct virtio_gpu_resource_unref unref;

    gpu_hdr(&unref.hdr, VIRTIO_GPU_CMD_RESOURCE_UNREF);
    unref.resource_id = res;
    unref.padding = 0;
    return gpu_cmd(&unref, sizeof(unref),
                   sizeof(struct virtio_gpu_ctrl_hdr));
}

/* The command after an unmap: cheap, unrelated, answered at once. */
static uint32_t blob_next_cmd(uint64_t *cycles)
{
    struct virtio_gpu_ctrl_hdr req;

    gpu_hdr(&req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    return gpu_cmd_timed(&req, sizeof(req),
                         sizeof(struct virtio_gpu_resp_display_info),
                         cycles);
}

static uint64_t blob_pattern(unsigned blob, unsigned i)
{
    return (uint64_t)(blob + 1) << 48 ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
}

/* Plain 64-bit stores through the BAR, then loads; the wrong words. */
static unsigned blob_write_read(volatile uint64_t *p, unsigned blob,
                                uint32_t size)
{
    unsigned i, bad = 0;

    for (i = 0; i < size / 8; i++) {
        p[i] = blob_pattern(blob, i);
    }
    for (i = 0; i < size / 8; i++) {
        bad += p[i] != blob_pattern(blob, i);
    }
    return bad;
}

/* Nearest-rank percentile @pct of @v[0..n-1] (sorts @v). */
static uint32_t percentile(uint32_t *v, unsigned n, unsigned pct)
{
    unsigned rank = (pct * n + 99) / 100;
    unsigned i, j;

    for (i = 1; i < n; i++) {
        uint32_t x = v[i];

        for (j = i; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
    return v[rank ? rank - 1 : 0];
}

void gpu_blob_checks(unsigned n, uint32_t size)
{
    VirtioDev *dev = gpu_device();
    unsigned slots, i, bad = 0, failed = 0;
    uint64_t cycles;
    uint32_t type;

    if (!(dev->features & (1ULL << VIRTIO_GPU_F_VIRGL)) ||
        !(dev->features & (1ULL << VIRTIO_GPU_F_RESOURCE_BLOB)) ||
        !dev->shm_len) {
        printf("virtio-gpu: no virgl, blobs or host-visible memory, the "
               "blob checks skipped\n");
        return;
    }
    if (n > BLOB_MAX) {
        n = BLOB_MAX;
    }
    slots = dev->shm_len / size;
    check(slots && blob_ctx(VIRTIO_GPU_CMD_CTX_CREATE),
          "virtio-gpu: CTX_CREATE of virgl context %u", BLOB_CTX_ID);

    for (i = 0; i < n; i++) {
        uint32_t res = BLOB_RES_BASE + i;
        uint64_t offset = (uint64_t)(i % slots) * size;
        volatile uint64_t *p = (volatile uint64_t *)(dev->shm_addr + offset);
        unsigned wrong;
        bool ok;

        type = blob_create(res, i + 1, size);
        ok = type == VIRTIO_GPU_RESP_OK_NODATA;
        if (ok) {
            type = blob_map(res, offset);
            ok = type == VIRTIO_GPU_RESP_OK_MAP_INFO;
        }
        wrong = ok ? blob_write_read(p, i, size) : 0;
        bad += wrong;
        if (i == 0) {
            /* The qtest reads the pattern, or resets the machine. */
            guest_sync("blob-mapped");
        }
        if (ok) {
            type = blob_unmap(res, &cycles);
            unmap_us[i] = tsc_to_us(cycles);
            ok = type == VIRTIO_GPU_RESP_OK_NODATA;
        }
        if (ok) {
            type = blob_next_cmd(&cycles);
            next_us[i] = tsc_to_us(cycles);
            ok = type == VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
        }
        if (ok && cmdline_has("bench")) {
            printf("blob %u unmap-us %u next-cmd-us %u\n", res, unmap_us[i],
                   next_us[i]);
        }
        if (i == 0) {
            check(ok && !wrong && p[0] == 0 && p[size / 8 - 1] == 0,
                  "virtio-gpu: blob %u (%u KiB) created, mapped at BAR "
                  "0x%lx, %u words wrong through it, unmapped in %u us, "
                  "then reads as unassigned", res, size >> 10,
                  (uint64_t)(uintptr_t)p, wrong, unmap_us[0]);
            guest_sync("blob-unmapped");
        }
        if (ok) {
            type = blob_unref(res);
            ok = type == VIRTIO_GPU_RESP_OK_NODATA;
        }
        if (!ok) {
            failed++;
            printf("virtio-gpu: blob %u failed, last response 0x%x\n", res,
                   type);
        }
    }
    check(!failed && !bad, "virtio-gpu: %u blobs mapped, written, read and "
          "unmapped (%u failed, %u words wrong)", n, failed, bad);
    check(blob_ctx(VIRTIO_GPU_CMD_CTX_DESTROY),
          "virtio-gpu: CTX_DESTROY");
    /* The qtest checks that nothing is left mapped in the BAR. */
    guest_sync("blobs-done");
    if (!failed) {
        printf("bench: blobs %u size %u unmap-us p50 %u p99 %u", n, size,
               percentile(unmap_us, n, 50), percentile(unmap_us, n, 99));
        printf(" next-cmd-us p50 %u p99 %u tsc-khz %lu\n",
               percentile(next_us, n, 50), percentile(next_us, n, 99),
               tsc_khz());
    }
}
