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
 * they have the qtest accelerator.  Each run reports how much CPU time
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
#include "bench-load.h"

#define FRAME_W     1920
#define FRAME_H     1080
#define FRAME_BYTES (FRAME_W * FRAME_H * 4)
#define BATCH       32

static int rounds = 2000;
static int frames = 60;
static uint64_t polls;

static double now_us(void)
{
    return g_get_monotonic_time();
}

static void emit(const char *metric, double value)
{
    printf("gpu %s %.3f\n", metric, value);
    fflush(stdout);
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
            pixels[i] = i * 7 + (i >> 12);
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
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
    double start, elapsed;
    int i, j;

    /* The floor: one qtest memory read. */
    start = now_us();
    for (i = 0; i < rounds; i++) {
        qtest_readl(qts, 0x100000);
    }
    emit("qtest_readl_us", (now_us() - start) / rounds);

    /* GET_DISPLAY_INFO, one at a time. */
    hdr_init(&info_req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    for (i = 0; i < rounds; i++) {
        QVirtioGPUCmd cmd;

        start = now_us();
        cmd = virtio_gpu_submit(gpu, &info_req, sizeof(info_req),
                                sizeof(struct virtio_gpu_resp_display_info),
                                true);
        wait_cmd(gpu, &cmd, &resp, sizeof(resp));
        lat[i] = now_us() - start;
        expect_ok(&resp, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    }
    qsort(lat, rounds, sizeof(lat[0]), cmp_double);
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
    start = now_us();
    for (i = 0; i < rounds; i++) {
        QVirtioGPUCmd cmd = virtio_gpu_submit(gpu, &flush, sizeof(flush),
                                              sizeof(resp), true);

        wait_cmd(gpu, &cmd, &resp, sizeof(resp));
        expect_ok(&resp, VIRTIO_GPU_RESP_OK_NODATA);
    }
    emit("flush_1x1_per_s", rounds / ((now_us() - start) / 1e6));

    start = now_us();
    for (i = 0; i < rounds / BATCH; i++) {
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
    for (i = 0; i < frames; i++) {
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
        lat[i] = now_us() - start;
    }
    elapsed = 0;
    for (i = 0; i < frames; i++) {
        elapsed += lat[i];
    }
    qsort(lat, frames, sizeof(lat[0]), cmp_double);
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

typedef struct Column {
    const char *binary;
    char *label;
    GHashTable *figures;    /* metric -> GArray of double, one per run */
    bool loaded;            /* a run shared the machine (bench-load.h) */
} Column;

static bool run_child(const char *self, Column *col, GPtrArray *order)
{
    g_auto(GStrv) env = g_get_environ();
    g_autofree char *out = NULL;
    g_autofree char *nstr = g_strdup_printf("%d", rounds);
    g_autofree char *fstr = g_strdup_printf("%d", frames);
    const char *argv[] = { self, "--one", "-n", nstr, "-f", fstr, NULL };
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) err = NULL;
    BenchLoad load;
    int status, i;

    env = g_environ_setenv(env, "QTEST_QEMU_BINARY", col->binary, TRUE);
    bench_load_start(&load);
    if (!g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, NULL, &status, &err) ||
        !g_spawn_check_wait_status(status, &err)) {
        fprintf(stderr, "virtio-gpu-bench: %s: %s\n", col->binary,
                err ? err->message : "failed");
        return false;
    }
    bench_load_stop(&load);
    col->loaded |= bench_load_busy(&load);
    if (load.known) {
        printf("# %s: ran in %.1f s, other processes used %.1f CPU-s%s\n",
               col->label, load.wall, load.others,
               bench_load_busy(&load) ? " (under load)" : "");
    }
    lines = g_strsplit(out, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 3);
        GArray *runs;
        double v;

        if (g_strv_length(f) != 3 || strcmp(f[0], "gpu")) {
            continue;
        }
        v = g_ascii_strtod(f[2], NULL);
        runs = g_hash_table_lookup(col->figures, f[1]);
        if (!runs) {
            runs = g_array_new(FALSE, FALSE, sizeof(double));
            g_hash_table_insert(col->figures, g_strdup(f[1]), runs);
        }
        if (!g_ptr_array_find_with_equal_func(order, f[1], g_str_equal,
                                              NULL)) {
            g_ptr_array_add(order, g_strdup(f[1]));
        }
        g_array_append_val(runs, v);
    }
    return true;
}

/* The median of a metric's runs; false if the emulator lacks it. */
static bool column_figure(Column *col, const char *metric, double *v)
{
    GArray *runs = g_hash_table_lookup(col->figures, metric);
    g_autofree double *sorted = NULL;

    if (!runs || !runs->len) {
        return false;
    }
    sorted = g_new(double, runs->len);
    memcpy(sorted, runs->data, runs->len * sizeof(double));
    qsort(sorted, runs->len, sizeof(double), cmp_double);
    *v = runs->len % 2 ? sorted[runs->len / 2] :
         (sorted[runs->len / 2 - 1] + sorted[runs->len / 2]) / 2;
    return true;
}

static char *binary_label(const char *binary)
{
    const char *argv[] = { binary, "-version", NULL };
    g_autofree char *out = NULL;
    char *nl;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, NULL, NULL) || !out) {
        return g_strdup(binary);
    }
    if (strstr(out, "qemu-lab")) {
        return g_strdup("ours");
    }
    /* "QEMU emulator version 7.2.22 (Debian ...)" -> "qemu 7.2.22" */
    if (g_str_has_prefix(out, "QEMU emulator version ")) {
        char *v = out + strlen("QEMU emulator version ");

        nl = strpbrk(v, " \n");
        if (nl) {
            *nl = '\0';
        }
        return g_strdup_printf("qemu %s", v);
    }
    return g_strdup(binary);
}

static char *fmt(double v)
{
    return v >= 100 ? g_strdup_printf("%.0f", v) : g_strdup_printf("%.2f", v);
}

/* | metric | one column per emulator | ratio of the first two | */
static void print_table(GPtrArray *cols, GPtrArray *order)
{
    guint ncols = cols->len + 1 + (cols->len == 2);
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_strfreev);
    g_autofree int *width = g_new0(int, ncols);
    char **row;
    guint i, c;

    row = g_new0(char *, ncols + 1);
    row[0] = g_strdup("metric");
    for (c = 0; c < cols->len; c++) {
        row[c + 1] = g_strdup(((Column *)cols->pdata[c])->label);
    }
    if (cols->len == 2) {
        row[ncols - 1] = g_strdup("ratio");
    }
    g_ptr_array_add(rows, row);
    for (i = 0; i < order->len; i++) {
        const char *m = order->pdata[i];
        double v[2] = { 0, 0 };
        bool have[2] = { false, false };

        row = g_new0(char *, ncols + 1);
        row[0] = g_strdup(m);
        for (c = 0; c < cols->len; c++) {
            double x;

            if (column_figure(cols->pdata[c], m, &x)) {
                g_autofree char *f = fmt(x);

                row[c + 1] = g_strconcat(f, ((Column *)cols->pdata[c])->loaded
                                         ? "*" : "", NULL);
                if (c < 2) {
                    v[c] = x;
                    have[c] = true;
                }
            } else {
                row[c + 1] = g_strdup("-");
            }
        }
        if (cols->len == 2) {
            row[ncols - 1] = have[0] && have[1] && v[1] ?
                g_strdup_printf("%.3g", v[0] / v[1]) : g_strdup("-");
        }
        g_ptr_array_add(rows, row);
    }

    for (i = 0; i < rows->len; i++) {
        row = rows->pdata[i];
        for (c = 0; c < ncols; c++) {
            width[c] = MAX(width[c], (int)strlen(row[c]));
        }
    }
    for (i = 0; i < rows->len; i++) {
        row = rows->pdata[i];
        printf("| %-*s |", width[0], row[0]);
        for (c = 1; c < ncols; c++) {
            printf(" %*s |", width[c], row[c]);
        }
        printf("\n");
        if (i == 0) {
            printf("|");
            for (c = 0; c < ncols; c++) {
                printf("%.*s|", width[c] + 2,
                       "----------------------------------------");
            }
            printf("\n");
        }
    }
}

int main(int argc, char **argv)
{
    /* The child is this very program, wherever it was started from. */
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autoptr(GPtrArray) cols = g_ptr_array_new();
    g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func(g_free);
    bool one = false;
    const char *count_op = NULL;
    int runs = 1, opt, r;
    guint c;

    /* "--one" first: the child measuring one emulator. */
    if (argc > 1 && !strcmp(argv[1], "--one")) {
        one = true;
        argv[1] = argv[0];
        argc--;
        argv++;
    } else if (argc > 2 && !strcmp(argv[1], "--count")) {
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
    for (; optind < argc; optind++) {
        Column *col;

        if (access(argv[optind], X_OK)) {
            printf("# %s: not found, skipped\n", argv[optind]);
            continue;
        }
        col = g_new0(Column, 1);
        col->binary = argv[optind];
        col->label = binary_label(col->binary);
        col->figures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_array_unref);
        printf("# %s: %s\n", col->label, col->binary);
        g_ptr_array_add(cols, col);
    }
    /* Alternate the emulators, so that load changes hit both alike. */
    for (r = 0; r < runs; r++) {
        for (c = 0; c < cols->len; c++) {
            if (!run_child(self, cols->pdata[c], order)) {
                return 1;
            }
        }
    }
    print_table(cols, order);
    for (c = 0; c < cols->len; c++) {
        if (((Column *)cols->pdata[c])->loaded) {
            printf("# *: measured under load: other processes used more "
                   "than %.0f%% of a CPU during a run\n",
                   BENCH_LOAD_BUSY_SHARE * 100);
            break;
        }
    }
    if (cols->len == 2) {
        printf("# ratio: %s / %s\n", ((Column *)cols->pdata[0])->label,
               ((Column *)cols->pdata[1])->label);
    }
    return 0;

usage:
    fprintf(stderr, "usage: %s [-n ROUNDS] [-f FRAMES] [-r RUNS] "
            "EMULATOR...\n       %s --count OP [-n N]\n", argv[0], argv[0]);
    return 2;
}
