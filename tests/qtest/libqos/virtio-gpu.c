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
