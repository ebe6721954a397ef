/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The blob unmap stall, measured as a guest driver sees it.
 *
 *   virtio-gpu-unmap-bench [-n N] [--load idle|busy] [--json FILE] [-q]
 *
 * Starts $QTEST_QEMU_BINARY with virtio-gpu-gl-pci (blob=on, hostmem),
 * creates one 64 KiB HOST3D blob and, N times: maps it, writes it through
 * the BAR, then rings the doorbell for RESOURCE_UNMAP_BLOB followed at
 * once by an unrelated GET_DISPLAY_INFO, and polls the used ring.  For
 * each unmap it records
 *   unmap_ns     doorbell -> the UNMAP's answer in the used ring;
 *   next_cmd_ns  how much later GET_DISPLAY_INFO was answered than a
 *                lone one (measured just before): the stall the unmap
 *                adds to the command behind it;
 *   grace_periods, forced
 *                from the emulator's trace points: the RCU grace periods
 *                that started between the unmap and its region's free,
 *                and how many of them were forced (docs/devel/tracing.md).
 *
 * --load busy adds -object x-rcu-reader-load,threads=2,slice-ms=4: two
 * threads in RCU read-side critical sections of 4 ms (a 250 Hz guest
 * tick) back to back, leaving early when RCU forces, as TCG vCPUs do.
 * Idle, no thread but the emulator's own is ever a reader for long.
 *
 * It prints p50/p95/p99/max per figure and, with --json, writes
 *   {"load": ..., "n": N, "binary": ..., "unmap_ns": [...],
 *    "next_cmd_ns": [...], "grace_periods": [...], "forced": [...]}
 * (scripts/series-lab reads it).  Exit status 77 when the emulator has
 * no usable virtio-gpu-gl-pci.  -n 0 only sets up and tears down (the
 * baseline of tests/bench/icount.py).  Every poll of the used ring is one
 * qtest round trip, so the figures include the qtest socket (about
 * 20-50 us per poll here).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "../qtest/libqtest.h"
#include "../qtest/libqos/virtio-gpu.h"
#include "bench-load.h"
#include "bench-qtest.h"

#define BLOB_SIZE       (64 * KiB)
#define WARMUP          5

typedef struct UnmapSample {
    int64_t unmap_ns;
    int64_t next_cmd_ns;
    int grace_periods;
    int forced;
} UnmapSample;

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "virtio-gpu-unmap-bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

static void expect(uint32_t got, uint32_t want, const char *what)
{
    if (got != want) {
        die("%s answered 0x%x, expected 0x%x", what, got, want);
    }
}

/* Busy-poll the used ring: each poll is a qtest round trip. */
static void poll_used(QVirtioGPU *gpu)
{
    while (!virtio_gpu_used_pending(gpu)) {
        /* the qtest read lets the emulator's main loop run */
    }
}

static void display_info_cmd(QVirtioGPU *gpu, QVirtioGPUCmd *cmd,
                             bool kick)
{
    struct virtio_gpu_ctrl_hdr hdr;

    virtio_gpu_hdr_init(&hdr, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, 0);
    *cmd = virtio_gpu_submit(gpu, &hdr, sizeof(hdr),
                             sizeof(struct virtio_gpu_resp_display_info),
                             kick);
}

static void display_info_wait(QVirtioGPU *gpu, QVirtioGPUCmd *cmd)
{
    struct virtio_gpu_resp_display_info info;

    virtio_gpu_wait(gpu, cmd, &info, sizeof(info));
    expect(le32_to_cpu(info.hdr.type), VIRTIO_GPU_RESP_OK_DISPLAY_INFO,
           "GET_DISPLAY_INFO");
}

/* One cycle; fills @s unless @s is NULL (warm-up). */
static void unmap_cycle(QTestState *qts, QVirtioGPU *gpu, uint64_t hostmem,
                        uint32_t i, UnmapSample *s)
{
    struct virtio_gpu_ctrl_hdr resp;
    QVirtioGPUCmd unmap, next, lone;
    int64_t t0, t_lone, t_unmap = 0, t_next = 0;
    bool unmap_done = false, next_done = false;

    expect(virtio_gpu_map_blob(gpu, 1, 0, NULL), VIRTIO_GPU_RESP_OK_MAP_INFO,
           "RESOURCE_MAP_BLOB");
    qtest_writel(qts, hostmem, i);
    if (qtest_readl(qts, hostmem) != i) {
        die("the blob does not hold what was written through the BAR");
    }

    /* The same command alone: what it costs without an unmap ahead. */
    t0 = now_ns();
    display_info_cmd(gpu, &lone, true);
    poll_used(gpu);
    t_lone = now_ns() - t0;
    display_info_wait(gpu, &lone);

    unmap = virtio_gpu_unmap_blob_submit(gpu, 1, false);
    display_info_cmd(gpu, &next, false);
    t0 = now_ns();
    virtio_gpu_kick(gpu);
    /* Answers come in order: the unmap's first. */
    while (!unmap_done || !next_done) {
        uint16_t used = qvirtqueue_get_used_idx(qts, gpu->ctrlq);
        uint16_t seen = used - gpu->ctrlq->last_used_idx;

        if (seen >= 1 && !unmap_done) {
            t_unmap = now_ns() - t0;
            unmap_done = true;
        }
        if (seen >= 2) {
            t_next = now_ns() - t0;
            next_done = true;
        }
    }
    virtio_gpu_wait(gpu, &unmap, &resp, sizeof(resp));
    expect(le32_to_cpu(resp.type), VIRTIO_GPU_RESP_OK_NODATA,
           "RESOURCE_UNMAP_BLOB");
    display_info_wait(gpu, &next);

    if (s) {
        s->unmap_ns = t_unmap;
        s->next_cmd_ns = MAX(t_next - t_lone, 0);
    }
}

/*
 * From the trace log: for the k-th unmap (a "finish_unmapping 0" line),
 * the grace periods that started before its region's free, and how many
 * of them were forced.
 */
static void count_grace_periods(const char *log, UnmapSample *samples,
                                int n)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) forced_seqs = g_hash_table_new(NULL, NULL);
    int k = -WARMUP, i;
    bool in_unmap = false;
    int gps = 0, forced = 0;

    if (!g_file_get_contents(log, &contents, NULL, NULL)) {
        die("cannot read the trace log %s", log);
    }
    lines = g_strsplit(contents, "\n", 0);
    for (i = 0; lines[i]; i++) {
        const char *l = lines[i];
        const char *p;

        if (strstr(l, "virtio_gpu_cmd_res_unmap_blob") &&
            strstr(l, "finish_unmapping 0")) {
            in_unmap = true;
            gps = forced = 0;
            g_hash_table_remove_all(forced_seqs);
        } else if (in_unmap && strstr(l, ":rcu_gp_start ")) {
            gps++;
        } else if (in_unmap && (p = strstr(l, ":rcu_gp_wait seq ")) &&
                   strstr(l, "forced 1")) {
            unsigned seq = strtoul(p + strlen(":rcu_gp_wait seq "), NULL,
                                   10);

            if (!g_hash_table_contains(forced_seqs, GUINT_TO_POINTER(seq))) {
                g_hash_table_add(forced_seqs, GUINT_TO_POINTER(seq));
                forced++;
            }
        } else if (in_unmap &&
                   strstr(l, "virtio_gpu_virgl_hostmem_region_free")) {
            if (k >= 0 && k < n) {
                samples[k].grace_periods = gps;
                samples[k].forced = forced;
            }
            k++;
            in_unmap = false;
        }
    }
    if (k != n) {
        die("the trace log shows %d unmaps, expected %d", k + WARMUP,
            n + WARMUP);
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Percentile @p (0-100) of the sorted @v[0..n), nearest rank. */
static int64_t percentile(const int64_t *v, int n, int p)
{
    int rank = (p * n + 99) / 100;

    return v[MIN(MAX(rank, 1), n) - 1];
}

static void print_row(const char *name, UnmapSample *s, int n,
                      size_t offset)
{
    g_autofree int64_t *v = g_new(int64_t, n);
    int i;

    for (i = 0; i < n; i++) {
        v[i] = *(int64_t *)((char *)&s[i] + offset);
    }
    qsort(v, n, sizeof(v[0]), cmp_i64);
    printf("| %-12s | %10.3f | %10.3f | %10.3f | %10.3f |\n", name,
           percentile(v, n, 50) / 1e6, percentile(v, n, 95) / 1e6,
           percentile(v, n, 99) / 1e6, v[n - 1] / 1e6);
}

static void write_json(const char *path, const char *load,
                       UnmapSample *s, int n)
{
    g_autoptr(GString) js = g_string_new(NULL);
    static const char *const keys[] = {
        "unmap_ns", "next_cmd_ns", "grace_periods", "forced"
    };
    int k, i;

    g_string_append_printf(js, "{\"load\": \"%s\", \"n\": %d, "
                           "\"binary\": \"%s\"", load, n,
                           qtest_qemu_binary());
    for (k = 0; k < ARRAY_SIZE(keys); k++) {
        g_string_append_printf(js, ", \"%s\": [", keys[k]);
        for (i = 0; i < n; i++) {
            int64_t v = k == 0 ? s[i].unmap_ns :
                        k == 1 ? s[i].next_cmd_ns :
                        k == 2 ? s[i].grace_periods : s[i].forced;

            g_string_append_printf(js, "%s%" PRId64, i ? ", " : "", v);
        }
        g_string_append(js, "]");
    }
    g_string_append(js, "}\n");
    if (!g_file_set_contents(path, js->str, js->len, NULL)) {
        die("cannot write %s", path);
    }
}

int main(int argc, char **argv)
{
    g_autofree char *json = NULL, *load = g_strdup("idle");
    g_autofree char *log = NULL, *args = NULL;
    g_autofree UnmapSample *samples = NULL;
    gboolean quiet = FALSE;
    int n = 200, i, fd;
    GOptionEntry entries[] = {
        { "count", 'n', 0, G_OPTION_ARG_INT, &n, "unmaps to measure", "N" },
        { "load", 0, 0, G_OPTION_ARG_STRING, &load,
          "RCU reader load: idle or busy", "LOAD" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json,
          "write the samples to FILE", "FILE" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
          "no table", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("");
    g_autoptr(GError) err = NULL;
    QTestState *qts;
    QVirtioGPU *gpu;
    BenchLoad bl;
    uint64_t hostmem;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        die("%s", err->message);
    }
    if (n < 0 || (strcmp(load, "idle") && strcmp(load, "busy"))) {
        die("-n takes N >= 0, --load idle or busy");
    }
    if (!bench_qemu_has_device("virtio-gpu-gl-pci")) {
        fprintf(stderr, "virtio-gpu-unmap-bench: %s has no "
                "virtio-gpu-gl-pci\n", qtest_qemu_binary());
        return 77;
    }

    fd = g_file_open_tmp("unmap-bench-XXXXXX", &log, NULL);
    if (fd < 0) {
        die("no temporary file");
    }
    close(fd);
    args = g_strdup_printf(
        "-nodefaults -device virtio-gpu-gl-pci,blob=on,hostmem=256M "
        "%s -trace rcu_gp_start -trace rcu_gp_wait "
        "-trace virtio_gpu_cmd_res_unmap_blob "
        "-trace virtio_gpu_virgl_hostmem_region_free,file=%s",
        strcmp(load, "busy") ? "" :
        "-object x-rcu-reader-load,id=load,threads=2,slice-ms=4", log);

    bench_load_start(&bl);
    qts = qtest_init(args);
    gpu = qvirtio_gpu_init(qts, 1ull << VIRTIO_GPU_F_VIRGL |
                                1ull << VIRTIO_GPU_F_RESOURCE_BLOB);
    hostmem = virtio_gpu_hostmem_addr(gpu, NULL);
    expect(virtio_gpu_ctx_create(gpu, 1, 0, "bench"),
           VIRTIO_GPU_RESP_OK_NODATA, "CTX_CREATE");
    virtio_gpu_create_host3d_blob(gpu, 1, 1, 1, BLOB_SIZE);

    samples = g_new0(UnmapSample, MAX(n, 1));
    if (n) {
        for (i = 0; i < WARMUP; i++) {
            unmap_cycle(qts, gpu, hostmem, i, NULL);
        }
        for (i = 0; i < n; i++) {
            unmap_cycle(qts, gpu, hostmem, i, &samples[i]);
        }
    }
    qvirtio_gpu_free(gpu);
    qtest_quit(qts);
    bench_load_stop(&bl);

    if (n) {
        count_grace_periods(log, samples, n);
    }
    unlink(log);
    if (!n) {
        return 0;
    }

    if (!quiet) {
        double gps = 0, forced = 0;

        for (i = 0; i < n; i++) {
            gps += samples[i].grace_periods;
            forced += samples[i].forced;
        }
        printf("# %s, %d unmaps of a 64 KiB HOST3D blob, RCU readers %s%s\n",
               qtest_qemu_binary(), n, load,
               bench_load_busy(&bl) ? " (machine loaded: other processes "
               "took CPU meanwhile)" : "");
        printf("| ms           |        p50 |        p95 |        p99 |"
               "        max |\n");
        printf("|--------------|------------|------------|------------|"
               "------------|\n");
        print_row("unmap", samples, n, offsetof(UnmapSample, unmap_ns));
        print_row("next command", samples, n,
                  offsetof(UnmapSample, next_cmd_ns));
        printf("# grace periods waited per unmap: %.2f on average, %.2f "
               "of them forced\n", gps / n, forced / n);
    }
    if (json) {
        write_json(json, load, samples, n);
    }
    return 0;
}
