/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-gl-pci through libqos, the test acting as the guest driver:
 * features and capsets, the context life cycle, a 3D resource round
 * trip, fences (in order, and per context ring), HOST3D blobs created,
 * mapped into the hostmem BAR, written and read there with qtest
 * accesses and through virgl, unmapped (the range then reads as
 * unassigned) and unreferenced; 200 map/unmap cycles that leave no
 * region behind; commands queued behind an unmap; the error table; a
 * reset while an unmap waits for RCU; and the BAR hammered by reader
 * threads while blobs are unmapped.
 *
 * The device needs virglrenderer on Mesa's llvmpipe (EGL surfaceless),
 * which this tree's emulator sets up by itself.  QEMU's virtio-gpu-gl-pci
 * needs a GL display instead (-display egl-headless and a render node),
 * so against QEMU the cases skip.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-gpu.h"
#include "libqos/virgl.h"

#define HOSTMEM_SIZE    (64 * MiB)
#define BLOB_SIZE       (64 * KiB)
#define GL_ARGS         "-nodefaults -device virtio-gpu-gl-pci,id=gpu0"
#define GL_FEATURES     (1ull << VIRTIO_GPU_F_VIRGL |           \
                         1ull << VIRTIO_GPU_F_EDID |            \
                         1ull << VIRTIO_GPU_F_RESOURCE_BLOB |   \
                         1ull << VIRTIO_GPU_F_CONTEXT_INIT)

/* Can the emulator under test run these cases?  Else say why. */
static bool gl_available(void)
{
    static int available = -1;
    static const char *reason;

    if (available < 0) {
        const char *argv[] = { qtest_qemu_binary(), "-device", "help",
                               NULL };
        const char *vargv[] = { qtest_qemu_binary(), "-version", NULL };
        g_autofree char *out = NULL, *version = NULL;

        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                                   G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &out, NULL, NULL, NULL));
        g_assert_true(g_spawn_sync(NULL, (char **)vargv, NULL,
                                   G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &version, NULL, NULL, NULL));
        if (!strstr(out, "\"virtio-gpu-gl-pci\"")) {
            reason = "no virtio-gpu-gl-pci (built without virglrenderer)";
        } else if (!strstr(version, "qemu-lab")) {
            reason = "QEMU's virtio-gpu-gl-pci needs a GL display "
                     "(-display egl-headless and a render node)";
        }
        available = reason == NULL;
    }
    if (!available) {
        g_test_skip(reason);
    }
    return available;
}

typedef struct Fixture {
    QTestState *qts;
    QVirtioGPU *gpu;
    uint64_t hostmem;       /* guest-physical address of hostmem */
} Fixture;

static bool fixture_start(Fixture *f, const char *extra)
{
    if (!gl_available()) {
        return false;
    }
    f->qts = qtest_initf(GL_ARGS "%s", extra ? extra : "");
    f->gpu = qvirtio_gpu_init(f->qts, GL_FEATURES);
    f->hostmem = 0;
    if (virtio_gpu_find_hostmem(f->gpu, &(uint8_t){ 0 }, &(uint64_t){ 0 },
                                &(uint64_t){ 0 })) {
        f->hostmem = virtio_gpu_hostmem_addr(f->gpu, NULL);
    }
    return true;
}

/* The usual machine: blobs on, 64 MiB of hostmem. */
static bool fixture_start_blob(Fixture *f)
{
    return fixture_start(f, ",blob=on,hostmem=64M");
}

static void fixture_stop(Fixture *f)
{
    qvirtio_gpu_free(f->gpu);
    qtest_quit(f->qts);
}

/* The device still answers a harmless command. */
static void gpu_assert_alive(Fixture *f)
{
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_resp_display_info info;

    virtio_gpu_hdr_init(&hdr, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, 0);
    virtio_gpu_cmd(f->qts, f->gpu, &hdr, sizeof(hdr), &info, sizeof(info));
    g_assert_cmphex(le32_to_cpu(info.hdr.type), ==,
                    VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

static void gpu_ctx_create(Fixture *f, uint32_t ctx_id)
{
    g_assert_cmphex(virtio_gpu_ctx_create(f->gpu, ctx_id, 0, "test"), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
}

/* Fill @len bytes with a pattern that depends on @seed. */
static void pattern_fill(uint8_t *p, size_t len, uint32_t seed)
{
    size_t i;

    for (i = 0; i < len; i++) {
        p[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
    }
}

static bool buf_is_zero(const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Features and config */

static void test_features(void)
{
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    g_assert_cmphex(f.gpu->offered & GL_FEATURES, ==, GL_FEATURES);
    g_assert_cmphex(f.gpu->features & GL_FEATURES, ==, GL_FEATURES);
    /* num_capsets: virgl and virgl2. */
    g_assert_cmpuint(qvirtio_gpu_config_readl(f.gpu, 12), ==, 2);
    fixture_stop(&f);

    /* blob=off (the default) and context_init=off take their bits away. */
    g_assert_true(fixture_start(&f, ",context_init=off"));
    g_assert_true(f.gpu->offered & (1ull << VIRTIO_GPU_F_VIRGL));
    g_assert_false(f.gpu->offered & (1ull << VIRTIO_GPU_F_RESOURCE_BLOB));
    g_assert_false(f.gpu->offered & (1ull << VIRTIO_GPU_F_CONTEXT_INIT));
    fixture_stop(&f);
}

/* The shared-memory capability and BAR 4, as QEMU lays them out. */
static void test_hostmem_bar(void)
{
    uint64_t offset, len;
    uint8_t bar;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    g_assert_true(virtio_gpu_find_hostmem(f.gpu, &bar, &offset, &len));
    g_assert_cmpuint(bar, ==, 4);
    g_assert_cmpuint(offset, ==, 0);
    g_assert_cmpuint(len, ==, HOSTMEM_SIZE);
    g_assert_cmpuint(f.gpu->pci->common.bar, ==, 2);
    /* Nothing is mapped yet: the whole region is a hole. */
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem), ==, 0);
    fixture_stop(&f);
}

/* Capsets */

static void get_capset_info(Fixture *f, uint32_t index,
                            struct virtio_gpu_resp_capset_info *resp)
{
    struct virtio_gpu_get_capset_info req = { 0 };

    virtio_gpu_hdr_init(&req.hdr, VIRTIO_GPU_CMD_GET_CAPSET_INFO, 0);
    req.capset_index = cpu_to_le32(index);
    virtio_gpu_cmd(f->qts, f->gpu, &req, sizeof(req), resp, sizeof(*resp));
    g_assert_cmphex(le32_to_cpu(resp->hdr.type), ==,
                    VIRTIO_GPU_RESP_OK_CAPSET_INFO);
}

/* GET_CAPSET: the response type; *@resp_len bytes of @resp written. */
static uint32_t get_capset(Fixture *f, uint32_t id, uint32_t version,
                           void *resp, size_t resp_len)
{
    struct virtio_gpu_get_capset req = { 0 };
    struct virtio_gpu_ctrl_hdr *hdr = resp;

    virtio_gpu_hdr_init(&req.hdr, VIRTIO_GPU_CMD_GET_CAPSET, 0);
    req.capset_id = cpu_to_le32(id);
    req.capset_version = cpu_to_le32(version);
    virtio_gpu_cmd(f->qts, f->gpu, &req, sizeof(req), resp, resp_len);
    return le32_to_cpu(hdr->type);
}

static void test_capsets(void)
{
    struct virtio_gpu_resp_capset_info info;
    g_autofree uint8_t *caps = NULL;
    uint32_t size1, size2;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    get_capset_info(&f, 0, &info);
    g_assert_cmpuint(le32_to_cpu(info.capset_id), ==, VIRTIO_GPU_CAPSET_VIRGL);
    g_assert_cmpuint(le32_to_cpu(info.capset_max_version), ==, 1);
    size1 = le32_to_cpu(info.capset_max_size);
    g_assert_cmpuint(size1, >, 0);

    get_capset_info(&f, 1, &info);
    g_assert_cmpuint(le32_to_cpu(info.capset_id), ==,
                     VIRTIO_GPU_CAPSET_VIRGL2);
    g_assert_cmpuint(le32_to_cpu(info.capset_max_version), ==, 2);
    size2 = le32_to_cpu(info.capset_max_size);
    g_assert_cmpuint(size2, >, size1);

    /* Beyond num_capsets: all zeros, as QEMU answers. */
    get_capset_info(&f, 2, &info);
    g_assert_cmpuint(le32_to_cpu(info.capset_id), ==, 0);
    g_assert_cmpuint(le32_to_cpu(info.capset_max_size), ==, 0);

    caps = g_malloc0(sizeof(struct virtio_gpu_ctrl_hdr) + size2);
    g_assert_cmphex(get_capset(&f, VIRTIO_GPU_CAPSET_VIRGL, 1, caps,
                               sizeof(struct virtio_gpu_ctrl_hdr) + size1),
                    ==, VIRTIO_GPU_RESP_OK_CAPSET);
    g_assert_false(buf_is_zero(caps + sizeof(struct virtio_gpu_ctrl_hdr),
                               size1));
    g_assert_cmphex(get_capset(&f, VIRTIO_GPU_CAPSET_VIRGL2, 2, caps,
                               sizeof(struct virtio_gpu_ctrl_hdr) + size2),
                    ==, VIRTIO_GPU_RESP_OK_CAPSET);

    /* Unknown capset, and a version above the maximum. */
    g_assert_cmphex(get_capset(&f, 77, 1, caps,
                               sizeof(struct virtio_gpu_ctrl_hdr)), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(get_capset(&f, VIRTIO_GPU_CAPSET_VIRGL, 2, caps,
                               sizeof(struct virtio_gpu_ctrl_hdr)), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

/* Contexts */

static void test_context_lifecycle(void)
{
    QVirglCmdBuf cb;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    /* Twice, and the reserved context 0. */
    g_assert_cmphex(virtio_gpu_ctx_create(f.gpu, 1, 0, "again"), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
    g_assert_cmphex(virtio_gpu_ctx_create(f.gpu, 0, 0, "zero"), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
    /* context_init picks the capset: virgl2 is offered, 4 is not. */
    g_assert_cmphex(virtio_gpu_ctx_create(f.gpu, 2, VIRTIO_GPU_CAPSET_VIRGL2,
                                          "virgl2"), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_ctx_create(f.gpu, 3, 4, "venus"), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

    /* A context takes command streams until it is destroyed. */
    qvirgl_cmdbuf_init(&cb);
    qvirgl_encode_blob_buffer_create(&cb, 4096, 1);
    g_assert_cmphex(virtio_gpu_submit_3d(f.gpu, 2, qvirgl_cmdbuf_data(&cb),
                                         qvirgl_cmdbuf_size(&cb)), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_ctx_destroy(f.gpu, 2), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_ctx_destroy(f.gpu, 2), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
    g_assert_cmphex(virtio_gpu_submit_3d(f.gpu, 2, qvirgl_cmdbuf_data(&cb),
                                         qvirgl_cmdbuf_size(&cb)), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
    qvirgl_cmdbuf_destroy(&cb);

    /* The id is free again. */
    g_assert_cmphex(virtio_gpu_ctx_create(f.gpu, 2, 0, "again"), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

/* 3D resources */

static void test_resource_3d_transfer(void)
{
    const uint32_t len = 4096;
    g_autofree uint8_t *in = g_malloc(len);
    g_autofree uint8_t *out = g_malloc(len);
    uint64_t addr;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    g_assert_cmphex(virtio_gpu_create_3d_buffer(f.gpu, 10, len), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_ctx_attach(f.gpu, 1, 10, true), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    addr = guest_alloc(&f.gpu->alloc, len);
    g_assert_cmphex(virtio_gpu_attach_backing(f.gpu, 10, addr, len), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);

    /* Guest memory to the host resource, then back over cleared memory. */
    pattern_fill(in, len, 1);
    qtest_memwrite(f.qts, addr, in, len);
    g_assert_cmphex(virtio_gpu_transfer_3d(f.gpu, true, 1, 10, 0, len, 0),
                    ==, VIRTIO_GPU_RESP_OK_NODATA);
    qtest_memset(f.qts, addr, 0, len);
    g_assert_cmphex(virtio_gpu_transfer_3d(f.gpu, false, 1, 10, 0, len, 0),
                    ==, VIRTIO_GPU_RESP_OK_NODATA);
    qtest_memread(f.qts, addr, out, len);
    g_assert_cmpmem(in, len, out, len);

    /* Outside the resource, and an unknown resource. */
    g_assert_cmphex(virtio_gpu_transfer_3d(f.gpu, false, 1, 10, 0, 2 * len, 0),
                    ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(virtio_gpu_transfer_3d(f.gpu, false, 1, 11, 0, len, 0),
                    ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);

    g_assert_cmphex(virtio_gpu_ctx_attach(f.gpu, 1, 10, false), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 10), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 10), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    guest_free(&f.gpu->alloc, addr);
    fixture_stop(&f);
}

/* Fences */

/* A fenced CTX_ATTACH_RESOURCE, queued; INFO_RING_IDX when @ring >= 0. */
static QVirtioGPUCmd submit_fenced(Fixture *f, uint32_t ctx_id,
                                   uint64_t fence_id, int ring)
{
    struct virtio_gpu_ctx_resource cr = { 0 };

    virtio_gpu_hdr_init(&cr.hdr, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, ctx_id);
    cr.hdr.flags = cpu_to_le32(VIRTIO_GPU_FLAG_FENCE |
                               (ring >= 0 ? VIRTIO_GPU_FLAG_INFO_RING_IDX :
                                            0));
    cr.hdr.fence_id = cpu_to_le64(fence_id);
    cr.hdr.ring_idx = ring >= 0 ? ring : 0;
    cr.resource_id = cpu_to_le32(10);
    return virtio_gpu_submit(f->gpu, &cr, sizeof(cr),
                             sizeof(struct virtio_gpu_ctrl_hdr), false);
}

/* Check a fenced command's answer in @resp. */
static void check_fenced(struct virtio_gpu_ctrl_hdr *resp, uint32_t ctx_id,
                         uint64_t fence_id, int ring)
{
    uint32_t flags = le32_to_cpu(resp->flags);

    g_assert_cmphex(le32_to_cpu(resp->type), ==, VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_true(flags & VIRTIO_GPU_FLAG_FENCE);
    g_assert_cmpuint(le64_to_cpu(resp->fence_id), ==, fence_id);
    g_assert_cmpuint(le32_to_cpu(resp->ctx_id), ==, ctx_id);
    if (ring >= 0) {
        g_assert_true(flags & VIRTIO_GPU_FLAG_INFO_RING_IDX);
        g_assert_cmpuint(resp->ring_idx, ==, ring);
    } else {
        g_assert_false(flags & VIRTIO_GPU_FLAG_INFO_RING_IDX);
    }
}

/*
 * The next answer, whichever command it is for (rings retire
 * independently): the index of that command in @cmds.
 */
static int wait_any(Fixture *f, QVirtioGPUCmd *cmds, int n,
                    struct virtio_gpu_ctrl_hdr *resp)
{
    gint64 start = g_get_monotonic_time();
    uint32_t head, len;
    int i;

    while (!qvirtqueue_get_buf(f->qts, f->gpu->ctrlq, &head, &len)) {
        g_assert_cmpint(g_get_monotonic_time() - start, <=,
                        QVIRTIO_TIMEOUT_US);
        qvirtio_poll_step(f->qts);
    }
    for (i = 0; i < n; i++) {
        if (cmds[i].head == head) {
            g_assert_cmpuint(len, ==, sizeof(*resp));
            qtest_memread(f->qts, cmds[i].resp_addr, resp, sizeof(*resp));
            guest_free(&f->gpu->alloc, cmds[i].req_addr);
            guest_free(&f->gpu->alloc, cmds[i].resp_addr);
            cmds[i].head = UINT32_MAX;
            return i;
        }
    }
    g_assert_not_reached();
}

static void test_fences(void)
{
    struct virtio_gpu_ctrl_hdr resp;
    QVirtioGPUCmd cmds[6];
    int i;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    g_assert_cmphex(virtio_gpu_create_3d_buffer(f.gpu, 10, 4096), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);

    /* Context 0's timeline: answered in order, fence ids echoed. */
    for (i = 0; i < 4; i++) {
        cmds[i] = submit_fenced(&f, 1, 100 + i, -1);
    }
    virtio_gpu_kick(f.gpu);
    for (i = 0; i < 4; i++) {
        g_assert_cmpint(wait_any(&f, cmds, 4, &resp), ==, i);
        check_fenced(&resp, 1, 100 + i, -1);
    }

    /* The context's ring 0 (INFO_RING_IDX): in order, the ring echoed. */
    for (i = 0; i < 6; i++) {
        cmds[i] = submit_fenced(&f, 1, 200 + i, 0);
    }
    virtio_gpu_kick(f.gpu);
    for (i = 0; i < 6; i++) {
        g_assert_cmpint(wait_any(&f, cmds, 6, &resp), ==, i);
        check_fenced(&resp, 1, 200 + i, 0);
    }

    /* virglrenderer's virgl contexts have no other ring than 0. */
    cmds[0] = submit_fenced(&f, 1, 300, 1);
    virtio_gpu_kick(f.gpu);
    g_assert_cmpint(wait_any(&f, cmds, 1, &resp), ==, 0);
    g_assert_cmphex(le32_to_cpu(resp.type), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

    /* A ring fence on a context that does not exist. */
    cmds[0] = submit_fenced(&f, 7, 300, 0);
    virtio_gpu_kick(f.gpu);
    g_assert_cmpint(wait_any(&f, cmds, 1, &resp), ==, 0);
    g_assert_cmphex(le32_to_cpu(resp.type), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

/* Blobs */

static void check_blob_contents(Fixture *f, uint64_t offset,
                                const uint8_t *expect, size_t len)
{
    g_autofree uint8_t *got = g_malloc(len);

    qtest_memread(f->qts, f->hostmem + offset, got, len);
    g_assert_cmpmem(expect, len, got, len);
}

static void test_blob_map_unmap(void)
{
    const uint64_t offset = 2 * MiB;
    g_autofree uint8_t *pattern = g_malloc(BLOB_SIZE);
    g_autofree uint8_t *readback = g_malloc0(BLOB_SIZE);
    QVirglCmdBuf cb;
    uint32_t map_info = ~0;
    uint64_t addr;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    virtio_gpu_create_host3d_blob(f.gpu, 1, 1, 42, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, offset, &map_info), ==,
                    VIRTIO_GPU_RESP_OK_MAP_INFO);
    /* llvmpipe reports no cache type; QEMU answers the same. */
    g_assert_cmphex(map_info & VIRTIO_GPU_MAP_CACHE_MASK, ==,
                    VIRTIO_GPU_MAP_CACHE_NONE);

    /* Written and read back through the BAR, with qtest accesses. */
    pattern_fill(pattern, BLOB_SIZE, 2);
    qtest_memwrite(f.qts, f.hostmem + offset, pattern, BLOB_SIZE);
    check_blob_contents(&f, 0 + offset, pattern, BLOB_SIZE);
    /* Around it, nothing. */
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem + offset - 8), ==, 0);
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem + offset + BLOB_SIZE), ==,
                    0);

    /* Read back through virgl: copy into a buffer with guest backing. */
    g_assert_cmphex(virtio_gpu_create_3d_buffer(f.gpu, 2, BLOB_SIZE), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    addr = guest_alloc(&f.gpu->alloc, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_attach_backing(f.gpu, 2, addr, BLOB_SIZE), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_ctx_attach(f.gpu, 1, 1, true), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_ctx_attach(f.gpu, 1, 2, true), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    qvirgl_cmdbuf_init(&cb);
    qvirgl_encode_buffer_copy(&cb, 2, 0, 1, 0, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_submit_3d(f.gpu, 1, qvirgl_cmdbuf_data(&cb),
                                         qvirgl_cmdbuf_size(&cb)), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    qvirgl_cmdbuf_destroy(&cb);
    g_assert_cmphex(virtio_gpu_transfer_3d(f.gpu, false, 1, 2, 0, BLOB_SIZE,
                                           0), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    qtest_memread(f.qts, addr, readback, BLOB_SIZE);
    g_assert_cmpmem(pattern, BLOB_SIZE, readback, BLOB_SIZE);

    /* Unmapped, the range is a hole again: reads 0, writes vanish. */
    g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    memset(readback, 0, BLOB_SIZE);
    check_blob_contents(&f, offset, readback, BLOB_SIZE);
    qtest_writeq(f.qts, f.hostmem + offset, 0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem + offset), ==, 0);

    /* Mapped again elsewhere, the blob still holds the pattern. */
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, 0, NULL), ==,
                    VIRTIO_GPU_RESP_OK_MAP_INFO);
    check_blob_contents(&f, 0, pattern, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 2), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    guest_free(&f.gpu->alloc, addr);
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/virtio-gpu-gl/features", test_features);
    g_test_add_func("/x86_64/virtio-gpu-gl/hostmem-bar", test_hostmem_bar);
    g_test_add_func("/x86_64/virtio-gpu-gl/capsets", test_capsets);
    g_test_add_func("/x86_64/virtio-gpu-gl/context/lifecycle",
                   test_context_lifecycle);
    g_test_add_func("/x86_64/virtio-gpu-gl/resource-3d/transfer",
                   test_resource_3d_transfer);
    g_test_add_func("/x86_64/virtio-gpu-gl/fences", test_fences);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/map-unmap", test_blob_map_unmap);

    return g_test_run();
}
