/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu 2D benchmark, through libqtest and libqos like a qtest:
 * command round trips per second and full-frame update throughput, for
 * each emulator given on the command line, printed as one table.
 *
 *   virtio-gpu-bench [-n ROUNDS] [-f FRAMES] [-r RUNS] EMULATOR...
 *   virtio-gpu-bench --count OP [-n N]
 *
 * Each emulator is measured in a child process of its own (libqtest
 * caches what it learns about an emulator), which prints "gpu METRIC
 * VALUE" lines; the parent runs the emulators RUNS times, alternating,
 * and prints the median of each figure as "metric | EMULATOR..." rows.
 *
 * A "round trip" is what a driver sees: request written to guest RAM,
 * descriptors published, doorbell, used ring polled until the device
 * returns the chain, response read.  Every step is a qtest message, so
 * the figures include the qtest socket; qtest_readl_us, one qtest memory
 * read, is the floor they sit on.  Completion is polled without sleeping
 * (each poll is itself a qtest round trip, which also lets the emulator's
 * main loop run), so both emulators are measured alike whether or not
 * they have the qtest accelerator.  Each series starts with untimed
 * warm-up iterations (WARMUP, WARMUP_FRAMES), and the frames are checked
 * pixel by pixel through screendump afterwards: a wrong frame ends the
 * benchmark with an error.  Each run reports how much CPU time
 * other processes took meanwhile; the figures of an emulator with a
 * loaded run are marked '*' in the table.
 *
 * --count runs the fixed workload that tests/bench/icount.py counts the
 * emulator's instructions of: set-up, then N times OP (see count_ops[]),
 * against $QTEST_QEMU_BINARY, with no timing.  It prints "gpu polls P",
 * the used-ring polls it took: they depend on how soon the device
 * answered, so they are the one thing that may vary between runs.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "../qtest/libqtest.h"
#include "../qtest/libqos/virtio-gpu.h"
#include "bench-qtest.h"

#define FRAME_W     1920
#define FRAME_H     1080
#define FRAME_BYTES (FRAME_W * FRAME_H * 4)
#define BATCH       32
/* Untimed iterations before each series: caches, allocator, branches. */
#define WARMUP      100
#define WARMUP_FRAMES 5

static int rounds = 2000;
static int frames = 60;
static uint64_t polls;

static double now_us(void)
{
    return g_get_monotonic_time();
}

static void emit(const char *metric, double value)
{
    bench_emit("gpu", metric, value);
}

/* Busy-poll the used ring: every poll is a qtest round trip. */
static uint32_t wait_cmd(QVirtioGPU *gpu, QVirtioGPUCmd *cmd, void *resp,
                         size_t len)
{
    do {
        polls++;
        /* nothing: the read lets the main loop run */
    } while (!virtio_gpu_used_pending(gpu));
    return virtio_gpu_wait(gpu, cmd, resp, len);
}

static void expect_ok(const struct virtio_gpu_ctrl_hdr *resp, uint32_t type)
{
    if (le32_to_cpu(resp->type) != type) {
        fprintf(stderr, "virtio-gpu-bench: response 0x%x, expected 0x%x\n",
                le32_to_cpu(resp->type), type);
        exit(1);
    }
}

static void cmd_ok(QVirtioGPU *gpu, const void *req, size_t len)
{
    struct virtio_gpu_ctrl_hdr resp;
    QVirtioGPUCmd cmd = virtio_gpu_submit(gpu, req, len, sizeof(resp),
                                          true);

    wait_cmd(gpu, &cmd, &resp, sizeof(resp));
    expect_ok(&resp, VIRTIO_GPU_RESP_OK_NODATA);
}

static void hdr_init(struct virtio_gpu_ctrl_hdr *hdr, uint32_t type)
{
    memset(hdr, 0, sizeof(*hdr));
    hdr->type = cpu_to_le32(type);
}

/* The pattern byte at offset @i of the frame's backing (B, G, R, X). */
static uint8_t frame_byte(int i)
{
    return i * 7 + (i >> 12);
}

/*
 * What scanout 0 shows must be the pattern: transferred, flushed and
 * displayed, every pixel.
 */
static void check_frame(QVirtioGPU *gpu)
{
    QVirtioGPUImage img = qvirtio_gpu_screendump(gpu->qts, "gpu0", 0);
    int x, y;

    if (img.width != FRAME_W || img.height != FRAME_H) {
        fprintf(stderr, "virtio-gpu-bench: screendump is %dx%d, expected "
                "%dx%d\n", img.width, img.height, FRAME_W, FRAME_H);
        exit(1);
    }
    for (y = 0; y < FRAME_H; y++) {
        for (x = 0; x < FRAME_W; x++) {
            int o = (y * FRAME_W + x) * 4;
            const uint8_t *p = img.rgb + (y * FRAME_W + x) * 3;

            if (p[0] != frame_byte(o + 2) || p[1] != frame_byte(o + 1) ||
                p[2] != frame_byte(o)) {
                fprintf(stderr, "virtio-gpu-bench: pixel (%d,%d) is "
                        "%02x%02x%02x, expected %02x%02x%02x\n", x, y,
                        p[0], p[1], p[2], frame_byte(o + 2),
                        frame_byte(o + 1), frame_byte(o));
                exit(1);
            }
        }
    }
    qvirtio_gpu_image_free(&img);
}

/*
 * A FRAME_W x FRAME_H resource with backing, shown on scanout 0; the
 * backing holds a pattern, or zeroes if !@fill (one qtest message rather
 * than 11 MB of base64: what --count uses).
 */
static void setup_frame(QVirtioGPU *gpu, uint32_t id, bool fill)
{
    struct virtio_gpu_resource_create_2d c2d;
    struct {
        struct virtio_gpu_resource_attach_backing ab;
        struct virtio_gpu_mem_entry ent;
    } ab;
    struct virtio_gpu_set_scanout ss;
    uint64_t backing = guest_alloc(&gpu->alloc, FRAME_BYTES);

    if (fill) {
        g_autofree uint8_t *pixels = g_malloc(FRAME_BYTES);
        int i;

        for (i = 0; i < FRAME_BYTES; i++) {
            pixels[i] = frame_byte(i);
        }
        qtest_bufwrite(gpu->qts, backing, pixels, FRAME_BYTES);
    } else {
        qtest_memset(gpu->qts, backing, 0, FRAME_BYTES);
    }

    memset(&c2d, 0, sizeof(c2d));
    hdr_init(&c2d.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
    c2d.resource_id = cpu_to_le32(id);
    c2d.format = cpu_to_le32(VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
    c2d.width = cpu_to_le32(FRAME_W);
    c2d.height = cpu_to_le32(FRAME_H);
    cmd_ok(gpu, &c2d, sizeof(c2d));

    memset(&ab, 0, sizeof(ab));
    hdr_init(&ab.ab.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
    ab.ab.resource_id = cpu_to_le32(id);
    ab.ab.nr_entries = cpu_to_le32(1);
    ab.ent.addr = cpu_to_le64(backing);
    ab.ent.length = cpu_to_le32(FRAME_BYTES);
    QEMU_BUILD_BUG_ON(sizeof(ab) != sizeof(ab.ab) + sizeof(ab.ent));
    cmd_ok(gpu, &ab, sizeof(ab));

    memset(&ss, 0, sizeof(ss));
    hdr_init(&ss.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
    ss.r.width = cpu_to_le32(FRAME_W);
    ss.r.height = cpu_to_le32(FRAME_H);
    ss.resource_id = cpu_to_le32(id);
    cmd_ok(gpu, &ss, sizeof(ss));
}

/* One emulator ($QTEST_QEMU_BINARY): print its figures. */
static int measure(void)
{
    QTestState *qts = qtest_init("-nodefaults -m 256 "
                                 "-device virtio-gpu-pci,id=gpu0");
    QVirtioGPU *gpu = qvirtio_gpu_init(qts, 0);
    struct virtio_gpu_ctrl_hdr info_req, resp;
    struct virtio_gpu_resource_flush flush;
    struct virtio_gpu_transfer_to_host_2d t2d;
    g_autofree double *lat = g_new(double, rounds);
    QVirtioGPUCmd batch[BATCH];
    double start = 0, elapsed;
    int i, j;

    /*
     * Every series below runs WARMUP (or WARMUP_FRAMES) untimed
     * iterations first: negative values of i.
     */

    /* The floor: one qtest memory read. */
    for (i = -WARMUP; i < rounds; i++) {
        if (!i) {
            start = now_us();
        }
        qtest_readl(qts, 0x100000);
    }
    emit("qtest_readl_us", (now_us() - start) / rounds);

    /* GET_DISPLAY_INFO, one at a time. */
    hdr_init(&info_req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    for (i = -WARMUP; i < rounds; i++) {
        QVirtioGPUCmd cmd;

        start = now_us();
        cmd = virtio_gpu_submit(gpu, &info_req, sizeof(info_req),
                                sizeof(struct virtio_gpu_resp_display_info),
                                true);
        wait_cmd(gpu, &cmd, &resp, sizeof(resp));
        if (i >= 0) {
            lat[i] = now_us() - start;
        }
        expect_ok(&resp, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    }
    qsort(lat, rounds, sizeof(lat[0]), bench_cmp_double);
    elapsed = 0;
    for (i = 0; i < rounds; i++) {
        elapsed += lat[i];
    }
    emit("display_info_rtt_p50_us", lat[rounds / 2]);
    emit("display_info_rtt_p99_us", lat[rounds * 99 / 100]);
    emit("display_info_per_s", rounds / (elapsed / 1e6));

    setup_frame(gpu, 1, true);

    /* RESOURCE_FLUSH of 1x1, one at a time, then BATCH in flight. */
    memset(&flush, 0, sizeof(flush));
    hdr_init(&flush.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    flush.r.width = cpu_to_le32(1);
    flush.r.height = cpu_to_le32(1);
    flush.resource_id = cpu_to_le32(1);
    for (i = -WARMUP; i < rounds; i++) {
        QVirtioGPUCmd cmd;

        if (!i) {
            start = now_us();
        }
        cmd = virtio_gpu_submit(gpu, &flush, sizeof(flush), sizeof(resp),
                                true);
        wait_cmd(gpu, &cmd, &resp, sizeof(resp));
        expect_ok(&resp, VIRTIO_GPU_RESP_OK_NODATA);
    }
    emit("flush_1x1_per_s", rounds / ((now_us() - start) / 1e6));

    for (i = -WARMUP / BATCH; i < rounds / BATCH; i++) {
        if (!i) {
            start = now_us();
        }
        for (j = 0; j < BATCH; j++) {
            batch[j] = virtio_gpu_submit(gpu, &flush, sizeof(flush),
                                         sizeof(resp), false);
        }
        virtio_gpu_kick(gpu);
        for (j = 0; j < BATCH; j++) {
            wait_cmd(gpu, &batch[j], &resp, sizeof(resp));
            expect_ok(&resp, VIRTIO_GPU_RESP_OK_NODATA);
        }
    }
    emit("flush_1x1_batch32_per_s",
         (rounds / BATCH) * BATCH / ((now_us() - start) / 1e6));

    /* Full frames: TRANSFER_TO_HOST_2D + RESOURCE_FLUSH, kicked together. */
    memset(&t2d, 0, sizeof(t2d));
    hdr_init(&t2d.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    t2d.r.width = cpu_to_le32(FRAME_W);
    t2d.r.height = cpu_to_le32(FRAME_H);
    t2d.resource_id = cpu_to_le32(1);
    flush.r.width = cpu_to_le32(FRAME_W);
    flush.r.height = cpu_to_le32(FRAME_H);
    g_free(lat);
    lat = g_new(double, frames);
    for (i = -WARMUP_FRAMES; i < frames; i++) {
        start = now_us();
        batch[0] = virtio_gpu_submit(gpu, &t2d, sizeof(t2d), sizeof(resp),
                                     false);
        batch[1] = virtio_gpu_submit(gpu, &flush, sizeof(flush),
                                     sizeof(resp), false);
        virtio_gpu_kick(gpu);
        for (j = 0; j < 2; j++) {
            wait_cmd(gpu, &batch[j], &resp, sizeof(resp));
            expect_ok(&resp, VIRTIO_GPU_RESP_OK_NODATA);
        }
        if (i >= 0) {
            lat[i] = now_us() - start;
        }
    }
    check_frame(gpu);
    elapsed = 0;
    for (i = 0; i < frames; i++) {
        elapsed += lat[i];
    }
    qsort(lat, frames, sizeof(lat[0]), bench_cmp_double);
    emit("frame_1080p_p50_ms", lat[frames / 2] / 1000);
    emit("frame_1080p_per_s", frames / (elapsed / 1e6));
    emit("frame_1080p_MB_per_s",
         (double)FRAME_BYTES * frames / (elapsed / 1e6) / 1e6);

    qvirtio_gpu_free(gpu);
    qtest_quit(qts);
    return 0;
}

/* The operations of --count, each the same as in measure(). */
static void count_readl(QVirtioGPU *gpu)
{
    qtest_readl(gpu->qts, 0x100000);
}

/* The host bridge's vendor and device ID, through 0xcf8/0xcfc. */
static void count_pci_cfg_read(QVirtioGPU *gpu)
{
    qtest_outl(gpu->qts, 0xcf8, 0x80000000);
    qtest_inl(gpu->qts, 0xcfc);
}

static void count_display_info(QVirtioGPU *gpu)
{
    struct virtio_gpu_ctrl_hdr req;
    struct virtio_gpu_resp_display_info resp;
    QVirtioGPUCmd cmd;

    hdr_init(&req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    cmd = virtio_gpu_submit(gpu, &req, sizeof(req), sizeof(resp), true);
    wait_cmd(gpu, &cmd, &resp, sizeof(resp));
    expect_ok(&resp.hdr, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

static void flush_init(struct virtio_gpu_resource_flush *flush,
                       uint32_t w, uint32_t h)
{
    memset(flush, 0, sizeof(*flush));
    hdr_init(&flush->hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    flush->r.width = cpu_to_le32(w);
    flush->r.height = cpu_to_le32(h);
    flush->resource_id = cpu_to_le32(1);
}

static void count_flush_1x1(QVirtioGPU *gpu)
{
    struct virtio_gpu_resource_flush flush;

    flush_init(&flush, 1, 1);
    cmd_ok(gpu, &flush, sizeof(flush));
}

static void count_frame_1080p(QVirtioGPU *gpu)
{
    struct virtio_gpu_transfer_to_host_2d t2d;
    struct virtio_gpu_resource_flush flush;
    struct virtio_gpu_ctrl_hdr resp;
    QVirtioGPUCmd cmd[2];
    int j;

    memset(&t2d, 0, sizeof(t2d));
    hdr_init(&t2d.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    t2d.r.width = cpu_to_le32(FRAME_W);
    t2d.r.height = cpu_to_le32(FRAME_H);
    t2d.resource_id = cpu_to_le32(1);
    flush_init(&flush, FRAME_W, FRAME_H);
    cmd[0] = virtio_gpu_submit(gpu, &t2d, sizeof(t2d), sizeof(resp), false);
    cmd[1] = virtio_gpu_submit(gpu, &flush, sizeof(flush), sizeof(resp),
                               false);
    virtio_gpu_kick(gpu);
    for (j = 0; j < 2; j++) {
        wait_cmd(gpu, &cmd[j], &resp, sizeof(resp));
        expect_ok(&resp, VIRTIO_GPU_RESP_OK_NODATA);
    }
}

static const struct {
    const char *name;
    void (*fn)(QVirtioGPU *gpu);
} count_ops[] = {
    { "readl", count_readl },
    { "pci_cfg_read", count_pci_cfg_read },
    { "display_info", count_display_info },
    { "flush_1x1", count_flush_1x1 },
    { "frame_1080p", count_frame_1080p },
};

/*
 * --count: the same set-up whatever OP is, so that a run with n == 0
 * counts everything but the operations.
 */
static int count(const char *op, int n)
{
    QTestState *qts;
    QVirtioGPU *gpu;
    int i, k;

    for (k = 0; k < ARRAY_SIZE(count_ops); k++) {
        if (!strcmp(op, count_ops[k].name)) {
            break;
        }
    }
    if (k == ARRAY_SIZE(count_ops)) {
        fprintf(stderr, "virtio-gpu-bench: unknown operation '%s'\n", op);
        return 2;
    }
    qts = qtest_init("-nodefaults -m 256 -device virtio-gpu-pci,id=gpu0");
    gpu = qvirtio_gpu_init(qts, 0);
    setup_frame(gpu, 1, false);
    polls = 0;
    for (i = 0; i < n; i++) {
        count_ops[k].fn(gpu);
    }
    printf("gpu polls %" PRIu64 "\n", polls);
    qvirtio_gpu_free(gpu);
    qtest_quit(qts);
    return 0;
}

int main(int argc, char **argv)
{
    g_autofree char *nstr = NULL;
    g_autofree char *fstr = NULL;
    bool one = bench_is_child(&argc, &argv);
    const char *count_op = NULL;
    int runs = 1, opt;

    g_set_prgname("virtio-gpu-bench");

    if (!one && argc > 2 && !strcmp(argv[1], "--count")) {
        count_op = argv[2];
        rounds = 0;
        argv[2] = argv[0];
        argc -= 2;
        argv += 2;
    }
    while ((opt = getopt(argc, argv, "n:f:r:")) != -1) {
        switch (opt) {
        case 'n':
            rounds = count_op ? MAX(0, atoi(optarg)) :
                     MAX(BATCH, atoi(optarg));
            break;
        case 'f':
            frames = MAX(1, atoi(optarg));
            break;
        case 'r':
            runs = MAX(1, atoi(optarg));
            break;
        default:
            goto usage;
        }
    }
    if (one) {
        return measure();
    }
    if (count_op) {
        return optind < argc ? 2 : count(count_op, rounds);
    }
    if (optind >= argc) {
        goto usage;
    }

    printf("# virtio-gpu-pci 2D through qtest: %d round trips per series, "
           "%d frames of %dx%d, median of %d run(s)\n", rounds, frames,
           FRAME_W, FRAME_H, runs);
    nstr = g_strdup_printf("%d", rounds);
    fstr = g_strdup_printf("%d", frames);
    return bench_compare_emulators("gpu", (const char *const[]){
                                       "-n", nstr, "-f", fstr, NULL },
                                   runs, argv + optind, argc - optind);

usage:
    fprintf(stderr, "usage: %s [-n ROUNDS] [-f FRAMES] [-r RUNS] "
            "EMULATOR...\n       %s --count OP [-n N]\n", argv[0], argv[0]);
    return 2;
}
