/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtqueue: the virtio core's descriptor walker (virtqueue_pop()), fed
 * raw rings.  libqos starts a virtio-gpu-pci; each input writes the rings
 * of one of its queues directly and notifies it.  It has three parts,
 * separated by "FUZZ":
 *
 *   1. byte 0, bit 0: the queue (0 control, 1 cursor); bytes 1-2: the
 *      avail ring's idx (little-endian); then the ring's entries (heads),
 *      2 bytes each;
 *   2. the descriptor table, 16 bytes per descriptor as in the virtio
 *      spec (addr, len, flags, next);
 *   3. bytes for the data area at VQ_FUZZ_DATA: request payloads and
 *      indirect tables.
 *
 * A descriptor address below VQ_FUZZ_DATA_SIZE is taken as an offset in
 * the data area, so that short values reach valid memory; any other is
 * used as it is.
 *
 * Between inputs the device is reset and its queues set up again, and
 * the rings and the data area are rewritten whole, so nothing of an
 * input survives it (see virtio_gpu_fuzz.c on forking).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "tests/qtest/libqos/virtio-gpu.h"
#include "fuzz.h"

#define VQ_FUZZ_DATA        (96 * MiB)
#define VQ_FUZZ_DATA_SIZE   (64 * KiB)

static QVirtioGPU *gpu;

static void virtqueue_fuzz(QTestState *s, const unsigned char *data,
                           size_t size)
{
    g_autoptr(GArray) parts = fuzz_split(data, size, FUZZ_SEPARATOR);
    FuzzPiece *ring = &g_array_index(parts, FuzzPiece, 0);
    g_autofree uint8_t *area = g_malloc0(VQ_FUZZ_DATA_SIZE);
    g_autofree uint8_t *table = NULL;
    g_autofree uint8_t *avail = NULL;
    QVirtQueue *vq;
    size_t i, n;

    if (ring->size < 3) {
        return;
    }
    qvirtio_gpu_restart(gpu);
    vq = (ring->data[0] & 1) ? gpu->cursorq : gpu->ctrlq;

    if (parts->len > 2) {
        FuzzPiece *p = &g_array_index(parts, FuzzPiece, 2);

        memcpy(area, p->data, MIN(p->size, VQ_FUZZ_DATA_SIZE));
    }
    qtest_bufwrite(s, VQ_FUZZ_DATA, area, VQ_FUZZ_DATA_SIZE);

    table = g_malloc0(16 * vq->size);
    if (parts->len > 1) {
        FuzzPiece *p = &g_array_index(parts, FuzzPiece, 1);

        n = MIN(p->size / 16, vq->size);
        memcpy(table, p->data, 16 * n);
        for (i = 0; i < n; i++) {
            uint64_t addr = ldq_le_p(table + 16 * i);

            if (addr < VQ_FUZZ_DATA_SIZE) {
                stq_le_p(table + 16 * i, addr + VQ_FUZZ_DATA);
            }
        }
    }
    qtest_bufwrite(s, vq->desc, table, 16 * vq->size);

    /* flags, idx, ring[]: the idx is the input's, whatever it says. */
    avail = g_malloc0(4 + 2 * vq->size);
    memcpy(avail + 2, ring->data + 1, 2);
    n = MIN((ring->size - 3) / 2, vq->size);
    memcpy(avail + 4, ring->data + 3, 2 * n);
    qtest_bufwrite(s, vq->avail, avail, 4 + 2 * vq->size);

    gpu->vdev->bus->virtqueue_kick(gpu->vdev, vq);
    flush_events(s);
}

static void virtqueue_pre_fuzz(QTestState *s)
{
    /* Indirect descriptors and event index: every path of the walker. */
    gpu = qvirtio_gpu_init(s, 1ull << VIRTIO_RING_F_INDIRECT_DESC |
                              1ull << VIRTIO_RING_F_EVENT_IDX);
}

static GString *virtqueue_cmdline(FuzzTarget *t)
{
    return g_string_new("-M q35 -nodefaults -m 128M -device virtio-gpu-pci");
}

static void register_virtqueue_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget) {
        .name = "virtqueue",
        .description = "raw descriptor tables and avail rings on "
                       "virtio-gpu-pci's queues",
        .get_init_cmdline = virtqueue_cmdline,
        .pre_fuzz = virtqueue_pre_fuzz,
        .fuzz = virtqueue_fuzz,
    });
}

fuzz_target_init(register_virtqueue_fuzz_targets);
