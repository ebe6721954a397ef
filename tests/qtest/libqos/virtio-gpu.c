/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio-gpu: find, start and talk to a virtio-gpu-pci function
 * (tests/qtest/libqos/virtio-gpu.h).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "virtio-gpu.h"
#include "pci-pc.h"
#include "malloc-pc.h"
#include "virgl.h"

static void qvirtio_gpu_start(QVirtioGPU *gpu)
{
    gpu->features = qvirtio_start_device(gpu->vdev, gpu->features);
    gpu->offered = qvirtio_get_features(gpu->vdev);
    gpu->ctrlq = qvirtqueue_setup(gpu->vdev, &gpu->alloc, 0);
    gpu->cursorq = qvirtqueue_setup(gpu->vdev, &gpu->alloc, 1);
    qvirtio_set_driver_ok(gpu->vdev);
}

QVirtioGPU *qvirtio_gpu_init(QTestState *qts, uint64_t features)
{
    QVirtioGPU *gpu = g_new0(QVirtioGPU, 1);

    gpu->qts = qts;
    gpu->bus = qpci_new_pc(qts);
    pc_alloc_init(&gpu->alloc, qts, ALLOC_NO_FLAGS);
    gpu->pci = qvirtio_pci_device_find(gpu->bus, VIRTIO_ID_GPU);
    g_assert_nonnull(gpu->pci);
    qvirtio_pci_device_enable(gpu->pci);
    gpu->vdev = &gpu->pci->vdev;
    gpu->features = features;
    qvirtio_gpu_start(gpu);
    return gpu;
}

static void qvirtio_gpu_stop_queues(QVirtioGPU *gpu)
{
    qvirtqueue_cleanup(gpu->vdev->bus, gpu->ctrlq, &gpu->alloc);
    qvirtqueue_cleanup(gpu->vdev->bus, gpu->cursorq, &gpu->alloc);
    gpu->ctrlq = NULL;
    gpu->cursorq = NULL;
}

void qvirtio_gpu_restart(QVirtioGPU *gpu)
{
    qvirtio_reset(gpu->vdev);
    qvirtio_gpu_stop_queues(gpu);
    qvirtio_gpu_start(gpu);
}

void qvirtio_gpu_free(QVirtioGPU *gpu)
{
    if (!gpu) {
        return;
    }
    qvirtio_reset(gpu->vdev);
    qvirtio_gpu_stop_queues(gpu);
    qvirtio_pci_device_disable(gpu->pci);
    qvirtio_pci_device_free(gpu->pci);
    alloc_destroy(&gpu->alloc);
    qpci_free_pc(gpu->bus);
    g_free(gpu);
}

uint8_t qvirtio_gpu_get_status(QVirtioGPU *gpu)
{
    return qvirtio_get_status(gpu->vdev);
}

uint32_t qvirtio_gpu_config_readl(QVirtioGPU *gpu, uint64_t offset)
{
    return qvirtio_config_readl(gpu->vdev, offset);
}

QVirtioGPUCmd virtio_gpu_submit(QVirtioGPU *gpu, const void *req,
                                size_t req_len, size_t resp_len, bool kick)
{
    QTestState *qts = gpu->qts;
    QVirtioGPUCmd cmd = { .resp_len = resp_len };

    cmd.req_addr = guest_alloc(&gpu->alloc, req_len);
    qtest_bufwrite(qts, cmd.req_addr, req, req_len);
    cmd.head = qvirtqueue_add(qts, gpu->ctrlq, cmd.req_addr, req_len,
                              false, resp_len > 0);
    if (resp_len) {
        cmd.resp_addr = guest_alloc(&gpu->alloc, resp_len);
        qtest_memset(qts, cmd.resp_addr, 0, resp_len);
        qvirtqueue_add(qts, gpu->ctrlq, cmd.resp_addr, resp_len, true,
                       false);
    }
    if (kick) {
        qvirtqueue_kick(qts, gpu->vdev, gpu->ctrlq, cmd.head);
    } else {
        qvirtqueue_publish(qts, gpu->ctrlq, cmd.head);
    }
    return cmd;
}

void virtio_gpu_kick(QVirtioGPU *gpu)
{
    gpu->vdev->bus->virtqueue_kick(gpu->vdev, gpu->ctrlq);
}

bool virtio_gpu_used_pending(QVirtioGPU *gpu)
{
    return qvirtqueue_get_used_idx(gpu->qts, gpu->ctrlq) !=
           gpu->ctrlq->last_used_idx;
}

uint32_t virtio_gpu_wait(QVirtioGPU *gpu, QVirtioGPUCmd *cmd,
                         void *resp, size_t resp_len)
{
    uint32_t len;

    qvirtio_wait_used_elem(gpu->qts, gpu->vdev, gpu->ctrlq, cmd->head, &len,
                           QVIRTIO_TIMEOUT_US);
    if (resp && resp_len) {
        qtest_bufread(gpu->qts, cmd->resp_addr, resp,
                      MIN(resp_len, cmd->resp_len));
    }
    guest_free(&gpu->alloc, cmd->req_addr);
    guest_free(&gpu->alloc, cmd->resp_addr);
    return len;
}

uint32_t virtio_gpu_cmd(QTestState *qts, QVirtioGPU *gpu,
                        const void *req, size_t req_len,
                        void *resp, size_t resp_len)
{
    QVirtioGPUCmd cmd;

    g_assert(qts == gpu->qts);
    cmd = virtio_gpu_submit(gpu, req, req_len, resp_len, true);
    return virtio_gpu_wait(gpu, &cmd, resp, resp_len);
}

uint32_t virtio_gpu_cmd_nodata(QTestState *qts, QVirtioGPU *gpu,
                               const void *req, size_t req_len)
{
    struct virtio_gpu_ctrl_hdr resp;

    g_assert_cmpuint(virtio_gpu_cmd(qts, gpu, req, req_len, &resp,
                                    sizeof(resp)), ==, sizeof(resp));
    return le32_to_cpu(resp.type);
}

uint32_t virtio_gpu_cursor_cmd(QVirtioGPU *gpu, const void *req,
                               size_t req_len)
{
    QTestState *qts = gpu->qts;
    uint64_t addr = guest_alloc(&gpu->alloc, req_len);
    uint32_t head, len;

    qtest_bufwrite(qts, addr, req, req_len);
    head = qvirtqueue_add(qts, gpu->cursorq, addr, req_len, false, false);
    qvirtqueue_kick(qts, gpu->vdev, gpu->cursorq, head);
    qvirtio_wait_used_elem(qts, gpu->vdev, gpu->cursorq, head, &len,
                           QVIRTIO_TIMEOUT_US);
    guest_free(&gpu->alloc, addr);
    return len;
}

bool virtio_gpu_find_hostmem(QVirtioGPU *gpu, uint8_t *bar,
                             uint64_t *offset, uint64_t *len)
{
    return qvirtio_pci_find_shm_cap(gpu->pci, VIRTIO_GPU_SHM_ID_HOST_VISIBLE,
                                    bar, offset, len);
}

uint64_t virtio_gpu_hostmem_addr(QVirtioGPU *gpu, uint64_t *len)
{
    uint64_t offset, size;
    QPCIBar bar;
    uint8_t barno;

    g_assert_true(virtio_gpu_find_hostmem(gpu, &barno, &offset, &size));
    if (len) {
        *len = size;
    }
    bar = qvirtio_pci_bar(gpu->pci, barno);
    g_assert_false(bar.is_io);
    return bar.addr + offset;
}

/* virtio-gpu-gl */

void virtio_gpu_hdr_init(struct virtio_gpu_ctrl_hdr *hdr, uint32_t type,
                         uint32_t ctx_id)
{
    memset(hdr, 0, sizeof(*hdr));
    hdr->type = cpu_to_le32(type);
    hdr->ctx_id = cpu_to_le32(ctx_id);
}

static uint32_t virtio_gpu_send(QVirtioGPU *gpu, const void *req,
                                size_t len)
{
    return virtio_gpu_cmd_nodata(gpu->qts, gpu, req, len);
}

uint32_t virtio_gpu_ctx_create(QVirtioGPU *gpu, uint32_t ctx_id,
                               uint32_t context_init, const char *name)
{
    struct virtio_gpu_ctx_create cc;

    virtio_gpu_hdr_init(&cc.hdr, VIRTIO_GPU_CMD_CTX_CREATE, ctx_id);
    memset(cc.debug_name, 0, sizeof(cc.debug_name));
    memcpy(cc.debug_name, name, MIN(strlen(name), sizeof(cc.debug_name)));
    cc.nlen = cpu_to_le32(MIN(strlen(name), sizeof(cc.debug_name)));
    cc.context_init = cpu_to_le32(context_init);
    return virtio_gpu_send(gpu, &cc, sizeof(cc));
}

uint32_t virtio_gpu_ctx_destroy(QVirtioGPU *gpu, uint32_t ctx_id)
{
    struct virtio_gpu_ctx_destroy cd;

    virtio_gpu_hdr_init(&cd.hdr, VIRTIO_GPU_CMD_CTX_DESTROY, ctx_id);
    return virtio_gpu_send(gpu, &cd, sizeof(cd));
}

uint32_t virtio_gpu_ctx_attach(QVirtioGPU *gpu, uint32_t ctx_id,
                               uint32_t resource_id, bool attach)
{
    struct virtio_gpu_ctx_resource cr = { 0 };

    virtio_gpu_hdr_init(&cr.hdr, attach ? VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE
                                        : VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE,
                        ctx_id);
    cr.resource_id = cpu_to_le32(resource_id);
    return virtio_gpu_send(gpu, &cr, sizeof(cr));
}

uint32_t virtio_gpu_submit_3d(QVirtioGPU *gpu, uint32_t ctx_id,
                              const void *cs, size_t size)
{
    size_t len = sizeof(struct virtio_gpu_cmd_submit) + size;
    g_autofree struct virtio_gpu_cmd_submit *req = g_malloc0(len);

    virtio_gpu_hdr_init(&req->hdr, VIRTIO_GPU_CMD_SUBMIT_3D, ctx_id);
    req->size = cpu_to_le32(size);
    memcpy(req + 1, cs, size);
    return virtio_gpu_send(gpu, req, len);
}

uint32_t virtio_gpu_create_3d_buffer(QVirtioGPU *gpu, uint32_t resource_id,
                                     uint32_t width)
{
    struct virtio_gpu_resource_create_3d c3d = { 0 };

    virtio_gpu_hdr_init(&c3d.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, 0);
    c3d.resource_id = cpu_to_le32(resource_id);
    c3d.target = cpu_to_le32(VIRGL_TARGET_BUFFER);
    c3d.format = cpu_to_le32(VIRGL_FORMAT_R8_UNORM);
    c3d.bind = cpu_to_le32(VIRGL_BIND_VERTEX_BUFFER);
    c3d.width = cpu_to_le32(width);
    c3d.height = cpu_to_le32(1);
    c3d.depth = cpu_to_le32(1);
    c3d.array_size = cpu_to_le32(1);
    return virtio_gpu_send(gpu, &c3d, sizeof(c3d));
}

uint32_t virtio_gpu_attach_backing(QVirtioGPU *gpu, uint32_t resource_id,
                                   uint64_t addr, uint32_t len)
{
    struct {
        struct virtio_gpu_resource_attach_backing ab;
        struct virtio_gpu_mem_entry ent;
    } req = { 0 };

    QEMU_BUILD_BUG_ON(sizeof(req) != sizeof(req.ab) + sizeof(req.ent));

    virtio_gpu_hdr_init(&req.ab.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
                        0);
    req.ab.resource_id = cpu_to_le32(resource_id);
    req.ab.nr_entries = cpu_to_le32(1);
    req.ent.addr = cpu_to_le64(addr);
    req.ent.length = cpu_to_le32(len);
    return virtio_gpu_send(gpu, &req, sizeof(req));
}

uint32_t virtio_gpu_transfer_3d(QVirtioGPU *gpu, bool to_host,
                                uint32_t ctx_id, uint32_t resource_id,
                                uint32_t x, uint32_t w, uint64_t offset)
{
    struct virtio_gpu_transfer_host_3d t = { 0 };

    virtio_gpu_hdr_init(&t.hdr, to_host ? VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D
                                        : VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D,
                        ctx_id);
    t.box.x = cpu_to_le32(x);
    t.box.w = cpu_to_le32(w);
    t.box.h = cpu_to_le32(1);
    t.box.d = cpu_to_le32(1);
    t.offset = cpu_to_le64(offset);
    t.resource_id = cpu_to_le32(resource_id);
    return virtio_gpu_send(gpu, &t, sizeof(t));
}

uint32_t virtio_gpu_create_blob(QVirtioGPU *gpu, uint32_t ctx_id,
                                uint32_t resource_id, uint32_t blob_mem,
                                uint32_t blob_flags, uint64_t blob_id,
                                uint64_t size)
{
    struct virtio_gpu_resource_create_blob cb = { 0 };

    virtio_gpu_hdr_init(&cb.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, ctx_id);
    cb.resource_id = cpu_to_le32(resource_id);
    cb.blob_mem = cpu_to_le32(blob_mem);
    cb.blob_flags = cpu_to_le32(blob_flags);
    cb.blob_id = cpu_to_le64(blob_id);
    cb.size = cpu_to_le64(size);
    return virtio_gpu_send(gpu, &cb, sizeof(cb));
}

void virtio_gpu_create_host3d_blob(QVirtioGPU *gpu, uint32_t ctx_id,
                                   uint32_t resource_id, uint64_t blob_id,
                                   uint32_t size)
{
    QVirglCmdBuf cb;

    qvirgl_cmdbuf_init(&cb);
    qvirgl_encode_blob_buffer_create(&cb, size, blob_id);
    g_assert_cmphex(virtio_gpu_submit_3d(gpu, ctx_id, qvirgl_cmdbuf_data(&cb),
                                         qvirgl_cmdbuf_size(&cb)), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    qvirgl_cmdbuf_destroy(&cb);
    g_assert_cmphex(virtio_gpu_create_blob(gpu, ctx_id, resource_id,
                                           VIRTIO_GPU_BLOB_MEM_HOST3D,
                                           VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE,
                                           blob_id, size), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
}

uint32_t virtio_gpu_map_blob(QVirtioGPU *gpu, uint32_t resource_id,
                             uint64_t offset, uint32_t *map_info)
{
    struct virtio_gpu_resource_map_blob mb = { 0 };
    struct virtio_gpu_resp_map_info resp;

    virtio_gpu_hdr_init(&mb.hdr, VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB, 0);
    mb.resource_id = cpu_to_le32(resource_id);
    mb.offset = cpu_to_le64(offset);
    virtio_gpu_cmd(gpu->qts, gpu, &mb, sizeof(mb), &resp, sizeof(resp));
    if (map_info) {
        *map_info = le32_to_cpu(resp.map_info);
    }
    return le32_to_cpu(resp.hdr.type);
}

static void virtio_gpu_unmap_blob_req(struct virtio_gpu_resource_unmap_blob *ub,
                                      uint32_t resource_id)
{
    memset(ub, 0, sizeof(*ub));
    virtio_gpu_hdr_init(&ub->hdr, VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB, 0);
    ub->resource_id = cpu_to_le32(resource_id);
}

uint32_t virtio_gpu_unmap_blob(QVirtioGPU *gpu, uint32_t resource_id)
{
    struct virtio_gpu_resource_unmap_blob ub;

    virtio_gpu_unmap_blob_req(&ub, resource_id);
    return virtio_gpu_send(gpu, &ub, sizeof(ub));
}

QVirtioGPUCmd virtio_gpu_unmap_blob_submit(QVirtioGPU *gpu,
                                           uint32_t resource_id, bool kick)
{
    struct virtio_gpu_resource_unmap_blob ub;

    virtio_gpu_unmap_blob_req(&ub, resource_id);
    return virtio_gpu_submit(gpu, &ub, sizeof(ub),
                             sizeof(struct virtio_gpu_ctrl_hdr), kick);
}

uint32_t virtio_gpu_resource_unref(QVirtioGPU *gpu, uint32_t resource_id)
{
    struct virtio_gpu_resource_unref ur = { 0 };

    virtio_gpu_hdr_init(&ur.hdr, VIRTIO_GPU_CMD_RESOURCE_UNREF, 0);
    ur.resource_id = cpu_to_le32(resource_id);
    return virtio_gpu_send(gpu, &ur, sizeof(ur));
}

QVirtioGPUImage qvirtio_gpu_screendump(QTestState *qts, const char *device,
                                       int head)
{
    g_autofree char *path = g_strdup_printf("%s/qos-screendump-%d.ppm",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *data = NULL;
    QVirtioGPUImage img = { 0 };
    size_t len;
    int maxval, pos = 0;

    qtest_qmp_assert_success(qts, "{ 'execute': 'screendump', "
                             "'arguments': { 'filename': %s, "
                             "'device': %s, 'head': %d } }", path, device,
                             head);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    unlink(path);
    g_assert_cmpint(sscanf(data, "P6 %d %d %d%n", &img.width, &img.height,
                           &maxval, &pos), ==, 3);
    g_assert_cmpint(maxval, ==, 255);
    pos++;          /* the single whitespace after maxval */
    g_assert_cmpuint(len - pos, ==, (size_t)img.width * img.height * 3);
    img.rgb = g_malloc(len - pos);
    memcpy(img.rgb, data + pos, len - pos);
    return img;
}

void qvirtio_gpu_image_free(QVirtioGPUImage *img)
{
    g_free(img->rgb);
    img->rgb = NULL;
}
