/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu: commands as a driver sends them.  libqos starts the device
 * (PCI, features, both queues); each input is a sequence of requests
 * separated by "FUZZ":
 *
 *   byte 0, bit 0: the queue (0 control, 1 cursor)
 *   the rest: the request, from its struct virtio_gpu_ctrl_hdr on
 *
 * Each request goes into guest RAM as one device-readable descriptor,
 * chained (on the control queue) to a device-writable response buffer,
 * and is kicked and processed before the next.  Addresses inside
 * requests (ATTACH_BACKING entries) are guest-physical: the seeds
 * (make-seeds.py) use 80 MiB, far above what the allocator hands out.
 *
 * Between inputs the device is reset and restarted, as QEMU's "reboot"
 * targets do, rather than forked: a device reset drops every resource,
 * scanout and queued command, and forking costs far more than the
 * commands themselves.  Only guest RAM outside the rings and requests
 * (pixels in backing pages) carries over.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "tests/qtest/libqos/virtio-gpu.h"
#include "fuzz.h"

#define FUZZ_GPU_RESP_SIZE  4096

static QVirtioGPU *gpu;

static void virtio_gpu_fuzz(QTestState *s, const unsigned char *data,
                            size_t size)
{
    g_autoptr(GArray) reqs = fuzz_split(data, size, FUZZ_SEPARATOR);
    g_autoptr(GArray) allocs = g_array_new(false, false, sizeof(uint64_t));
    guint i;

    qvirtio_gpu_restart(gpu);
    for (i = 0; i < reqs->len; i++) {
        FuzzPiece *req = &g_array_index(reqs, FuzzPiece, i);
        uint64_t addr, resp;
        uint32_t head;

        if (req->size < 2) {
            continue;
        }
        addr = guest_alloc(&gpu->alloc, req->size - 1);
        g_array_append_val(allocs, addr);
        qtest_bufwrite(s, addr, req->data + 1, req->size - 1);
        if (req->data[0] & 1) {
            head = qvirtqueue_add(s, gpu->cursorq, addr, req->size - 1,
                                  false, false);
            qvirtqueue_kick(s, gpu->vdev, gpu->cursorq, head);
        } else {
            resp = guest_alloc(&gpu->alloc, FUZZ_GPU_RESP_SIZE);
            g_array_append_val(allocs, resp);
            head = qvirtqueue_add(s, gpu->ctrlq, addr, req->size - 1,
                                  false, true);
            qvirtqueue_add(s, gpu->ctrlq, resp, FUZZ_GPU_RESP_SIZE, true,
                           false);
            qvirtqueue_kick(s, gpu->vdev, gpu->ctrlq, head);
        }
        flush_events(s);
    }
    for (i = 0; i < allocs->len; i++) {
        guest_free(&gpu->alloc, g_array_index(allocs, uint64_t, i));
    }
}

static void virtio_gpu_pre_fuzz(QTestState *s)
{
    gpu = qvirtio_gpu_init(s, 0);
}

static GString *virtio_gpu_cmdline(FuzzTarget *t)
{
    return g_string_new("-M q35 -nodefaults -m 128M "
                        "-device virtio-gpu-pci,max_outputs=2");
}

static void register_virtio_gpu_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget) {
        .name = "virtio-gpu",
        .description = "virtio-gpu-pci 2D commands on both queues",
        .get_init_cmdline = virtio_gpu_cmdline,
        .pre_fuzz = virtio_gpu_pre_fuzz,
        .fuzz = virtio_gpu_fuzz,
    });
}

fuzz_target_init(register_virtio_gpu_fuzz_targets);
