/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-gl-pci through libqos, the test acting as the guest driver:
 * features and capsets, the context life cycle, a 3D resource round
 * trip, fences (in order, and per context ring), interrupts aimed at
 * the device's own reset (dropped as re-entrant), HOST3D blobs created,
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

/*
 * The control queue's MSI-X vector aimed at the device's own
 * device_status register with data 0, as /x86_64/virtio-gpu/
 * reset-reentrant does for 2D: the interrupts for virgl's answers (a
 * context created, a fenced command retired) would reset the device
 * while it answers.  They are dropped as re-entrant I/O, and the device
 * keeps answering.
 */
static void test_reset_reentrant(void)
{
    g_autofree char *log = g_strdup_printf("%s/virtio-gpu-gl-test-%d.log",
                                           g_get_tmp_dir(), (int)getpid());
    g_autofree char *args = g_strdup_printf(" -d guest_errors -D %s", log);
    g_autofree char *text = NULL;
    struct virtio_gpu_ctrl_hdr resp;
    QVirtioGPUCmd cmd;
    Fixture f;

    if (!fixture_start(&f, args)) {
        return;
    }
    qvirtio_pci_queue_vector_resets(f.gpu->pci, 0);
    gpu_ctx_create(&f, 1);
    g_assert_cmphex(virtio_gpu_create_3d_buffer(f.gpu, 10, 4096), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    cmd = submit_fenced(&f, 1, 100, -1);
    virtio_gpu_kick(f.gpu);
    g_assert_cmpint(wait_any(&f, &cmd, 1, &resp), ==, 0);
    check_fenced(&resp, 1, 100, -1);
    gpu_assert_alive(&f);
    g_assert_cmphex(qvirtio_gpu_get_status(f.gpu), &,
                    VIRTIO_CONFIG_S_DRIVER_OK);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    if (!strstr(text, "Blocked re-entrant IO on MemoryRegion: "
                "virtio-pci-common")) {
        g_error("no blocked re-entrant I/O in the log: '%s'", text);
    }
    fixture_stop(&f);
    unlink(log);
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

/* A fresh HOST3D blob @res in context 1 (made on first use), mapped. */
static void blob_create_map(Fixture *f, uint32_t res, uint64_t offset)
{
    virtio_gpu_create_host3d_blob(f->gpu, 1, res, res, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_map_blob(f->gpu, res, offset, NULL), ==,
                    VIRTIO_GPU_RESP_OK_MAP_INFO);
}

/* Lines of @path that contain @needle. */
static int count_lines(const char *path, const char *needle)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    int i, n = 0;

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    lines = g_strsplit(contents, "\n", 0);
    for (i = 0; lines[i]; i++) {
        n += strstr(lines[i], needle) != NULL;
    }
    return n;
}

/* Step the clock until @path has a line with @needle. */
static void wait_for_line(Fixture *f, const char *path, const char *needle)
{
    gint64 start = g_get_monotonic_time();

    while (!count_lines(path, needle)) {
        g_assert_cmpint(g_get_monotonic_time() - start, <=,
                        QVIRTIO_TIMEOUT_US);
        qvirtio_poll_step(f->qts);
    }
}

static char *trace_log_new(void)
{
    char *log;
    int fd = g_file_open_tmp("gl-trace-XXXXXX", &log, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    return log;
}

/* Resident memory of the emulator, in KiB. */
static long emulator_rss_kib(Fixture *f)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status",
                                            (int)qtest_pid(f->qts));
    g_autofree char *status = NULL;
    char *line;

    g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
    line = strstr(status, "VmRSS:");
    g_assert_nonnull(line);
    return strtol(line + strlen("VmRSS:"), NULL, 10);
}

/*
 * 200 map/unmap cycles: each blob region is finalised (its free hook
 * traced once per unmap) and the emulator does not grow.
 */
static void test_blob_cycles(void)
{
    const int warmup = 20, cycles = 200;
    g_autofree char *log = NULL;
    long rss_before = 0;
    int i;
    Fixture f;

    log = trace_log_new();
    {
        g_autofree char *args = g_strdup_printf(
            ",blob=on,hostmem=64M -trace virtio_gpu_virgl_hostmem_region_free"
            ",file=%s", log);

        if (!fixture_start(&f, args)) {
            unlink(log);
            return;
        }
    }
    gpu_ctx_create(&f, 1);
    virtio_gpu_create_host3d_blob(f.gpu, 1, 1, 1, BLOB_SIZE);
    for (i = 0; i < warmup + cycles; i++) {
        uint64_t offset = (i % 4) * BLOB_SIZE;

        if (i == warmup) {
            rss_before = emulator_rss_kib(&f);
        }
        g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, offset, NULL), ==,
                        VIRTIO_GPU_RESP_OK_MAP_INFO);
        qtest_writel(f.qts, f.hostmem + offset, i);
        g_assert_cmphex(qtest_readl(f.qts, f.hostmem + offset), ==, i);
        g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
    }
    /*
     * A leak of a page per cycle would show as 200 pages; allow noise.
     * ASan keeps freed memory in quarantine, so RSS grows there; its
     * leak checker covers that build instead.
     */
#ifndef QEMU_SANITIZE_ADDRESS
    g_assert_cmpint(emulator_rss_kib(&f) - rss_before, <, 2048);
#else
    (void)rss_before;
#endif
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    fixture_stop(&f);

    g_assert_cmpint(count_lines(log, "virtio_gpu_virgl_hostmem_region_free"),
                    ==, warmup + cycles);
    unlink(log);
}

/*
 * Commands behind an unmap wait for it and complete in order; the trace
 * shows the unmap suspended once and the queue resumed.
 */
static void test_unmap_then_commands(void)
{
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_resp_display_info info;
    g_autofree char *log = NULL;
    struct virtio_gpu_resource_unmap_blob ub = { 0 };
    QVirtioGPUCmd cmds[4];
    int i;
    Fixture f;

    log = trace_log_new();
    {
        g_autofree char *args = g_strdup_printf(
            ",blob=on,hostmem=64M -trace virtio_gpu_cmd_suspended"
            " -trace virtio_gpu_virgl_resume_cmdq,file=%s", log);

        if (!fixture_start(&f, args)) {
            unlink(log);
            return;
        }
    }
    gpu_ctx_create(&f, 1);
    blob_create_map(&f, 1, 0);

    cmds[0] = virtio_gpu_unmap_blob_submit(f.gpu, 1, false);
    virtio_gpu_hdr_init(&hdr, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, 0);
    for (i = 1; i < 4; i++) {
        cmds[i] = virtio_gpu_submit(f.gpu, &hdr, sizeof(hdr), sizeof(info),
                                    false);
    }
    virtio_gpu_kick(f.gpu);

    /* virtio_gpu_wait() asserts that the answers come in this order. */
    g_assert_cmpuint(virtio_gpu_wait(f.gpu, &cmds[0], &hdr, sizeof(hdr)),
                     ==, sizeof(hdr));
    g_assert_cmphex(le32_to_cpu(hdr.type), ==, VIRTIO_GPU_RESP_OK_NODATA);
    for (i = 1; i < 4; i++) {
        virtio_gpu_wait(f.gpu, &cmds[i], &info, sizeof(info));
        g_assert_cmphex(le32_to_cpu(info.hdr.type), ==,
                        VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    }

    /* Fenced, the unmap is suspended too, then answered with its fence. */
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, 0, NULL), ==,
                    VIRTIO_GPU_RESP_OK_MAP_INFO);
    virtio_gpu_hdr_init(&ub.hdr, VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB, 0);
    ub.hdr.flags = cpu_to_le32(VIRTIO_GPU_FLAG_FENCE);
    ub.hdr.fence_id = cpu_to_le64(7);
    ub.resource_id = cpu_to_le32(1);
    virtio_gpu_cmd(f.qts, f.gpu, &ub, sizeof(ub), &hdr, sizeof(hdr));
    g_assert_cmphex(le32_to_cpu(hdr.type), ==, VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_true(le32_to_cpu(hdr.flags) & VIRTIO_GPU_FLAG_FENCE);
    g_assert_cmpuint(le64_to_cpu(hdr.fence_id), ==, 7);
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem), ==, 0);
    fixture_stop(&f);

    g_assert_cmpint(count_lines(log, "virtio_gpu_cmd_suspended type 0x209"),
                    ==, 2);
    g_assert_cmpint(count_lines(log, "virtio_gpu_virgl_resume_cmdq"), >=, 1);
    unlink(log);
}

/* RESOURCE_UNREF of a mapped blob unmaps it first, then answers. */
static void test_unref_mapped(void)
{
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    blob_create_map(&f, 1, BLOB_SIZE);
    qtest_writeq(f.qts, f.hostmem + BLOB_SIZE, 0x0123456789abcdefull);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem + BLOB_SIZE), ==, 0);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    /* The offset is free again. */
    blob_create_map(&f, 2, BLOB_SIZE);
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

/*
 * A reset while an unmap waits for its grace period: the command is
 * dropped, the region still leaves the map, and the restarted device
 * works from a clean state.  A reader that ignores forcing and holds
 * 200 ms slices keeps the grace period long, so the reset lands while
 * the unmap is suspended.
 */
static void test_reset_during_unmap(void)
{
    g_autofree char *log = trace_log_new();
    g_autofree char *args = g_strdup_printf(
        ",blob=on,hostmem=64M -object x-rcu-reader-load,id=r,slice-ms=200,"
        "kick=off -trace virtio_gpu_cmd_suspended"
        " -trace virtio_gpu_virgl_hostmem_region_free,file=%s", log);
    QVirtioGPUCmd cmd;
    Fixture f;

    if (!fixture_start(&f, args)) {
        unlink(log);
        return;
    }
    gpu_ctx_create(&f, 1);
    blob_create_map(&f, 1, 0);
    blob_create_map(&f, 2, BLOB_SIZE);

    /* Reset once the unmap is suspended, waiting for its grace period. */
    cmd = virtio_gpu_unmap_blob_submit(f.gpu, 1, true);
    wait_for_line(&f, log, "virtio_gpu_cmd_suspended type 0x209");
    qvirtio_gpu_restart(f.gpu);
    guest_free(&f.gpu->alloc, cmd.req_addr);
    guest_free(&f.gpu->alloc, cmd.resp_addr);

    /* Both blobs are gone from the map, mapped or unmapping. */
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem), ==, 0);
    g_assert_cmphex(qtest_readq(f.qts, f.hostmem + BLOB_SIZE), ==, 0);

    /* Resources and contexts are gone; ids and offsets are free. */
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    g_assert_cmphex(virtio_gpu_ctx_destroy(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
    gpu_ctx_create(&f, 1);
    blob_create_map(&f, 1, 0);
    blob_create_map(&f, 2, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    gpu_assert_alive(&f);

    /* Both old regions were freed, then the one unmapped after reset. */
    g_assert_cmpint(count_lines(log, "hostmem_region_free res 0x1"), ==, 2);
    g_assert_cmpint(count_lines(log, "hostmem_region_free res 0x2"), ==, 1);
    fixture_stop(&f);
    unlink(log);
}

/*
 * Reader threads inside the emulator access the hostmem range the way
 * TCG vCPUs do (a view per slice, kept until the slice ends) while
 * blobs are mapped and unmapped under them.  Under ASan this catches a
 * region or host mapping freed while a reader could still use it.
 */
static void test_bar_hammer(void)
{
    int i;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'object-add', "
                             "'arguments': { 'qom-type': "
                             "'x-rcu-reader-load', 'id': 'rd', "
                             "'threads': 2, 'slice-ms': 1, "
                             "'addr': %" PRIu64 ", 'len': %d } }",
                             f.hostmem, (int)(2 * BLOB_SIZE));
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'object-add', "
                             "'arguments': { 'qom-type': "
                             "'x-rcu-reader-load', 'id': 'wr', "
                             "'slice-ms': 1, 'write': true, "
                             "'addr': %" PRIu64 ", 'len': %d } }",
                             f.hostmem + BLOB_SIZE, (int)BLOB_SIZE);
    gpu_ctx_create(&f, 1);
    for (i = 0; i < 20; i++) {
        blob_create_map(&f, 1, 0);
        blob_create_map(&f, 2, BLOB_SIZE);
        g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
        /* Unref of a mapped blob: the other path to the same unmap. */
        g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 2), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
        g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
        g_assert_cmphex(qtest_readq(f.qts, f.hostmem), ==, 0);
    }
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'object-del', "
                             "'arguments': { 'id': 'rd' } }");
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'object-del', "
                             "'arguments': { 'id': 'wr' } }");
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

/*
 * The error table: each malformed request trips one check, is answered
 * with its error, and leaves the device working.  The machine has blob 1
 * mapped at 0, blob 2 created but not mapped, a non-mappable blob 3,
 * a 3D buffer 4 and context 1; context 5 was created and destroyed.
 */
typedef struct BadBlobCmd {
    const char *name;
    uint32_t (*run)(Fixture *f);
    uint32_t expect;
} BadBlobCmd;

static uint32_t bad_map_beyond(Fixture *f)
{
    /* Starts inside hostmem, ends past it. */
    return virtio_gpu_map_blob(f->gpu, 2, HOSTMEM_SIZE - BLOB_SIZE / 2,
                               NULL);
}

static uint32_t bad_map_wrap(Fixture *f)
{
    /* offset + size wraps to a small number that a naive sum accepts. */
    return virtio_gpu_map_blob(f->gpu, 2, UINT64_MAX - BLOB_SIZE / 2 + 1,
                               NULL);
}

static uint32_t bad_map_twice(Fixture *f)
{
    return virtio_gpu_map_blob(f->gpu, 1, 2 * BLOB_SIZE, NULL);
}

static uint32_t bad_map_overlap(Fixture *f)
{
    return virtio_gpu_map_blob(f->gpu, 2, BLOB_SIZE / 2, NULL);
}

static uint32_t bad_map_unknown(Fixture *f)
{
    return virtio_gpu_map_blob(f->gpu, 99, 0, NULL);
}

static uint32_t bad_map_not_mappable(Fixture *f)
{
    return virtio_gpu_map_blob(f->gpu, 3, 4 * BLOB_SIZE, NULL);
}

static uint32_t bad_map_not_blob(Fixture *f)
{
    return virtio_gpu_map_blob(f->gpu, 4, 4 * BLOB_SIZE, NULL);
}

static uint32_t bad_unmap_unmapped(Fixture *f)
{
    return virtio_gpu_unmap_blob(f->gpu, 2);
}

static uint32_t bad_unmap_unknown(Fixture *f)
{
    return virtio_gpu_unmap_blob(f->gpu, 99);
}

static uint32_t bad_create_size0(Fixture *f)
{
    return virtio_gpu_create_blob(f->gpu, 1, 10, VIRTIO_GPU_BLOB_MEM_HOST3D,
                                  VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE, 10, 0);
}

static uint32_t bad_create_blob_mem(Fixture *f)
{
    return virtio_gpu_create_blob(f->gpu, 1, 10, 7,
                                  VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE, 10,
                                  BLOB_SIZE);
}

static uint32_t bad_create_unknown_blob_id(Fixture *f)
{
    /* Context 1 never made a resource with blob id 1234. */
    return virtio_gpu_create_blob(f->gpu, 1, 10, VIRTIO_GPU_BLOB_MEM_HOST3D,
                                  VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE, 1234,
                                  BLOB_SIZE);
}

static uint32_t bad_create_id_in_use(Fixture *f)
{
    return virtio_gpu_create_blob(f->gpu, 1, 2, VIRTIO_GPU_BLOB_MEM_HOST3D,
                                  VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE, 2,
                                  BLOB_SIZE);
}

static uint32_t bad_create_id_zero(Fixture *f)
{
    return virtio_gpu_create_blob(f->gpu, 1, 0, VIRTIO_GPU_BLOB_MEM_HOST3D,
                                  VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE, 2,
                                  BLOB_SIZE);
}

static uint32_t bad_create_destroyed_ctx(Fixture *f)
{
    return virtio_gpu_create_blob(f->gpu, 5, 10, VIRTIO_GPU_BLOB_MEM_HOST3D,
                                  VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE, 10,
                                  BLOB_SIZE);
}

static uint32_t bad_submit_destroyed_ctx(Fixture *f)
{
    uint32_t nop[2] = { 0, 0 };

    return virtio_gpu_submit_3d(f->gpu, 5, nop, sizeof(nop));
}

static uint32_t bad_attach_destroyed_ctx(Fixture *f)
{
    return virtio_gpu_ctx_attach(f->gpu, 5, 4, true);
}

static uint32_t bad_attach_unknown_res(Fixture *f)
{
    return virtio_gpu_ctx_attach(f->gpu, 1, 99, true);
}

/* SUBMIT_3D whose size field says more than the request carries. */
static uint32_t bad_submit_size(Fixture *f)
{
    struct {
        struct virtio_gpu_cmd_submit cs;
        uint32_t dw[2];
    } req = { 0 };

    virtio_gpu_hdr_init(&req.cs.hdr, VIRTIO_GPU_CMD_SUBMIT_3D, 1);
    req.cs.size = cpu_to_le32(sizeof(req.dw) + 4);
    return virtio_gpu_cmd_nodata(f->qts, f->gpu, &req, sizeof(req));
}

static uint32_t bad_submit_unaligned(Fixture *f)
{
    uint8_t cs[6] = { 0 };

    return virtio_gpu_submit_3d(f->gpu, 1, cs, sizeof(cs));
}

static uint32_t bad_ctx_name_len(Fixture *f)
{
    struct virtio_gpu_ctx_create cc = { 0 };

    virtio_gpu_hdr_init(&cc.hdr, VIRTIO_GPU_CMD_CTX_CREATE, 6);
    cc.nlen = cpu_to_le32(sizeof(cc.debug_name) + 1);
    return virtio_gpu_cmd_nodata(f->qts, f->gpu, &cc, sizeof(cc));
}

static uint32_t bad_unknown_cmd(Fixture *f)
{
    struct virtio_gpu_ctrl_hdr hdr;

    virtio_gpu_hdr_init(&hdr, 0x2ff, 1);
    return virtio_gpu_cmd_nodata(f->qts, f->gpu, &hdr, sizeof(hdr));
}

static const BadBlobCmd bad_blob_cmds[] = {
    { "map-beyond-hostmem", bad_map_beyond,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "map-wrapping-offset", bad_map_wrap,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "map-twice", bad_map_twice, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "map-overlap", bad_map_overlap, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "map-unknown", bad_map_unknown,
      VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID },
    { "map-not-mappable", bad_map_not_mappable,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "map-not-a-blob", bad_map_not_blob,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "unmap-unmapped", bad_unmap_unmapped,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "unmap-unknown", bad_unmap_unknown,
      VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID },
    { "create-size-0", bad_create_size0,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "create-bad-blob-mem", bad_create_blob_mem,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "create-unknown-blob-id", bad_create_unknown_blob_id,
      VIRTIO_GPU_RESP_ERR_UNSPEC },
    { "create-id-in-use", bad_create_id_in_use,
      VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID },
    { "create-id-0", bad_create_id_zero,
      VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID },
    { "create-destroyed-ctx", bad_create_destroyed_ctx,
      VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID },
    { "submit-destroyed-ctx", bad_submit_destroyed_ctx,
      VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID },
    { "attach-destroyed-ctx", bad_attach_destroyed_ctx,
      VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID },
    { "attach-unknown-resource", bad_attach_unknown_res,
      VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID },
    { "submit-size-beyond-request", bad_submit_size,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "submit-size-unaligned", bad_submit_unaligned,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "ctx-name-too-long", bad_ctx_name_len,
      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
    { "unknown-command", bad_unknown_cmd, VIRTIO_GPU_RESP_ERR_UNSPEC },
};

/*
 * One machine for the whole table: after each case the state is as
 * before it (blob 2 is mapped and unmapped again as the liveness check).
 */
static void test_bad_blob_cmds(void)
{
    QVirglCmdBuf cb;
    size_t i;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    blob_create_map(&f, 1, 0);
    virtio_gpu_create_host3d_blob(f.gpu, 1, 2, 2, BLOB_SIZE);
    qvirgl_cmdbuf_init(&cb);
    qvirgl_encode_blob_buffer_create(&cb, BLOB_SIZE, 3);
    g_assert_cmphex(virtio_gpu_submit_3d(f.gpu, 1, qvirgl_cmdbuf_data(&cb),
                                         qvirgl_cmdbuf_size(&cb)), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    qvirgl_cmdbuf_destroy(&cb);
    g_assert_cmphex(virtio_gpu_create_blob(f.gpu, 1, 3,
                                           VIRTIO_GPU_BLOB_MEM_HOST3D, 0, 3,
                                           BLOB_SIZE), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_create_3d_buffer(f.gpu, 4, 4096), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    gpu_ctx_create(&f, 5);
    g_assert_cmphex(virtio_gpu_ctx_destroy(f.gpu, 5), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);

    for (i = 0; i < ARRAY_SIZE(bad_blob_cmds); i++) {
        const BadBlobCmd *bad = &bad_blob_cmds[i];

        g_test_message("case %s", bad->name);
        g_assert_cmphex(bad->run(&f), ==, bad->expect);

        /* Still working: the mapped blob is intact, blob 2 maps. */
        qtest_writel(f.qts, f.hostmem, i);
        g_assert_cmphex(qtest_readl(f.qts, f.hostmem), ==, i);
        g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 2, 2 * BLOB_SIZE, NULL),
                        ==, VIRTIO_GPU_RESP_OK_MAP_INFO);
        g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 2), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
        gpu_assert_alive(&f);
    }
    fixture_stop(&f);
}

/*
 * A blob may touch mapped ones but not overlap them: not the one below
 * it, not the one above it, not one it covers.
 */
static void test_map_neighbours(void)
{
    enum {
        BAD = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
        OK = VIRTIO_GPU_RESP_OK_MAP_INFO,
    };
    /* Blobs 1 and 2 at 2 and 4 times BLOB_SIZE; blob 3 tries these. */
    static const struct {
        uint64_t offset;
        uint32_t expect;
    } cases[] = {
        { 2 * BLOB_SIZE - BLOB_SIZE / 2, BAD },
        { 3 * BLOB_SIZE - BLOB_SIZE / 2, BAD },
        { 4 * BLOB_SIZE - BLOB_SIZE / 2, BAD },
        { 4 * BLOB_SIZE, BAD },
        { BLOB_SIZE, OK },
        { 3 * BLOB_SIZE, OK },
        { 5 * BLOB_SIZE, OK },
    };
    Fixture f;
    size_t i;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    blob_create_map(&f, 1, 2 * BLOB_SIZE);
    blob_create_map(&f, 2, 4 * BLOB_SIZE);
    virtio_gpu_create_host3d_blob(f.gpu, 1, 3, 3, BLOB_SIZE);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_test_message("blob 3 at 0x%" PRIx64, cases[i].offset);
        g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 3, cases[i].offset, NULL),
                        ==, cases[i].expect);
        if (cases[i].expect == OK) {
            g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 3), ==,
                            VIRTIO_GPU_RESP_OK_NODATA);
        }
    }
    /* Unmapped blobs free their place. */
    g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 3, 2 * BLOB_SIZE, NULL), ==,
                    VIRTIO_GPU_RESP_OK_MAP_INFO);
    fixture_stop(&f);
}

/* blob=off, and blob=on without hostmem: blobs refused, device fine. */
static void test_blob_disabled(void)
{
    uint8_t bar;
    uint64_t offset, len;
    Fixture f;

    if (!fixture_start(&f, "")) {
        return;
    }
    g_assert_false(f.gpu->offered & (1ull << VIRTIO_GPU_F_RESOURCE_BLOB));
    gpu_ctx_create(&f, 1);
    g_assert_cmphex(virtio_gpu_create_blob(f.gpu, 1, 1,
                                           VIRTIO_GPU_BLOB_MEM_HOST3D,
                                           VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE,
                                           1, BLOB_SIZE), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, 0, NULL), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(virtio_gpu_unmap_blob(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    gpu_assert_alive(&f);
    fixture_stop(&f);

    /* Blobs can be made but not mapped: there is no hostmem. */
    g_assert_true(fixture_start(&f, ",blob=on"));
    g_assert_false(virtio_gpu_find_hostmem(f.gpu, &bar, &offset, &len));
    gpu_ctx_create(&f, 1);
    virtio_gpu_create_host3d_blob(f.gpu, 1, 1, 1, BLOB_SIZE);
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, 0, NULL), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    gpu_assert_alive(&f);
    fixture_stop(&f);
}

/* A GUEST blob: backed by guest pages, created, not mappable. */
static void test_blob_guest(void)
{
    struct {
        struct virtio_gpu_resource_create_blob cb;
        struct virtio_gpu_mem_entry ent;
    } req = { 0 };
    uint64_t addr;
    Fixture f;

    if (!fixture_start_blob(&f)) {
        return;
    }
    gpu_ctx_create(&f, 1);
    addr = guest_alloc(&f.gpu->alloc, 4096);
    virtio_gpu_hdr_init(&req.cb.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, 1);
    req.cb.resource_id = cpu_to_le32(1);
    req.cb.blob_mem = cpu_to_le32(VIRTIO_GPU_BLOB_MEM_GUEST);
    req.cb.nr_entries = cpu_to_le32(1);
    req.cb.size = cpu_to_le64(4096);
    req.ent.addr = cpu_to_le64(addr);
    req.ent.length = cpu_to_le32(4096);
    g_assert_cmphex(virtio_gpu_cmd_nodata(f.qts, f.gpu, &req, sizeof(req)),
                    ==, VIRTIO_GPU_RESP_OK_NODATA);
    g_assert_cmphex(virtio_gpu_map_blob(f.gpu, 1, 0, NULL), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    /* Its entries must be guest RAM: the hostmem BAR is not. */
    req.cb.resource_id = cpu_to_le32(2);
    req.ent.addr = cpu_to_le64(f.hostmem);
    g_assert_cmphex(virtio_gpu_cmd_nodata(f.qts, f.gpu, &req, sizeof(req)),
                    ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
    g_assert_cmphex(virtio_gpu_resource_unref(f.gpu, 1), ==,
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
    g_test_add_func("/x86_64/virtio-gpu-gl/reset-reentrant",
                    test_reset_reentrant);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/map-unmap",
                    test_blob_map_unmap);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/cycles", test_blob_cycles);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/unmap-then-commands",
                    test_unmap_then_commands);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/unref-mapped",
                    test_unref_mapped);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/reset-during-unmap",
                    test_reset_during_unmap);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/bar-hammer", test_bar_hammer);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/disabled",
                    test_blob_disabled);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/guest", test_blob_guest);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/map-neighbours",
                    test_map_neighbours);
    g_test_add_func("/x86_64/virtio-gpu-gl/blob/bad-commands",
                    test_bad_blob_cmds);

    return g_test_run();
}
