/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu and virtio-gpu-gl: commands as a driver sends them.  libqos
 * starts the device (PCI, features, both queues); each input is a
 * sequence of requests separated by "FUZZ":
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
 * virtio-gpu-gl runs virglrenderer (3D contexts, SUBMIT_3D streams) with
 * blobs mapped into its hostmem BAR.  Some of its commands finish in
 * other threads' time: a blob unmap waits for the call_rcu thread, which
 * needs the BQL, and fenced commands for fence_poll, every 10 ms of
 * virtual time.  So after each request the target lets both happen, for
 * at most GPU_FUZZ_WAIT_US of real time per input.
 *
 * Between inputs the device is reset and restarted, as QEMU's "reboot"
 * targets do, rather than forked: a device reset drops every resource,
 * context, scanout and queued command, forking costs far more than the
 * commands themselves, and virglrenderer's llvmpipe threads would not
 * survive a fork.  Only guest RAM outside the rings and requests (pixels
 * in backing pages) carries over.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/units.h"
#include "qom/object.h"
#include "tests/qtest/libqos/virtio-gpu.h"
#include "fuzz.h"

#define GPU_FUZZ_RESP_SIZE  4096
#define GPU_FUZZ_WAIT_US    (200 * 1000)
#define GPU_FUZZ_CLOCK_STEP (10 * 1000 * 1000)

static QVirtioGPU *gpu;

/* Until @vq has answered everything published, or @deadline passes. */
static void virtio_gpu_fuzz_wait(QTestState *s, QVirtQueue *vq,
                                 gint64 deadline)
{
    flush_events(s);
    while (qvirtqueue_get_used_idx(s, vq) != vq->avail_idx &&
           g_get_monotonic_time() < deadline) {
        /* The call_rcu thread takes the BQL to finish an unmap. */
        bql_unlock();
        g_usleep(100);
        bql_lock();
        qtest_clock_step(s, GPU_FUZZ_CLOCK_STEP);
        flush_events(s);
    }
}

static void virtio_gpu_fuzz(QTestState *s, const unsigned char *data,
                            size_t size)
{
    g_autoptr(GArray) reqs = fuzz_split(data, size, FUZZ_SEPARATOR);
    g_autoptr(GArray) allocs = g_array_new(false, false, sizeof(uint64_t));
    gint64 deadline = g_get_monotonic_time() + GPU_FUZZ_WAIT_US;
    guint i;

    qvirtio_gpu_restart(gpu);
    for (i = 0; i < reqs->len; i++) {
        FuzzPiece *req = &g_array_index(reqs, FuzzPiece, i);
        QVirtQueue *vq;
        uint64_t addr, resp;
        uint32_t head;

        if (req->size < 2) {
            continue;
        }
        addr = guest_alloc(&gpu->alloc, req->size - 1);
        g_array_append_val(allocs, addr);
        qtest_bufwrite(s, addr, req->data + 1, req->size - 1);
        if (req->data[0] & 1) {
            vq = gpu->cursorq;
            head = qvirtqueue_add(s, vq, addr, req->size - 1, false, false);
        } else {
            vq = gpu->ctrlq;
            resp = guest_alloc(&gpu->alloc, GPU_FUZZ_RESP_SIZE);
            g_array_append_val(allocs, resp);
            head = qvirtqueue_add(s, vq, addr, req->size - 1, false, true);
            qvirtqueue_add(s, vq, resp, GPU_FUZZ_RESP_SIZE, true, false);
        }
        qvirtqueue_kick(s, gpu->vdev, vq, head);
        virtio_gpu_fuzz_wait(s, vq, deadline);
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

static void virtio_gpu_gl_pre_fuzz(QTestState *s)
{
    gpu = qvirtio_gpu_init(s, 1ull << VIRTIO_GPU_F_VIRGL |
                              1ull << VIRTIO_GPU_F_EDID |
                              1ull << VIRTIO_GPU_F_RESOURCE_BLOB |
                              1ull << VIRTIO_GPU_F_CONTEXT_INIT);
}

static GString *virtio_gpu_gl_cmdline(FuzzTarget *t)
{
    if (!object_class_by_name("virtio-gpu-gl-pci")) {
        fprintf(stderr, "virtio-gpu-gl: built without virglrenderer\n");
        /* Skipped, for meson. */
        exit(77);
    }
    return g_string_new("-M q35 -nodefaults -m 128M "
                        "-device virtio-gpu-gl-pci,blob=on,hostmem=64M");
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
    fuzz_add_target(&(FuzzTarget) {
        .name = "virtio-gpu-gl",
        .description = "virtio-gpu-gl-pci commands: virgl contexts, "
                       "3D resources, blobs mapped into hostmem",
        .get_init_cmdline = virtio_gpu_gl_cmdline,
        .pre_fuzz = virtio_gpu_gl_pre_fuzz,
        .fuzz = virtio_gpu_fuzz,
    });
}

fuzz_target_init(register_virtio_gpu_fuzz_targets);
