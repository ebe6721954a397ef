/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One blob unmap of virtio-gpu-gl-pci, with BLOBS other blobs mapped in
 * the hostmem BAR, step by step:
 *
 *   virtio-gpu-unmap-steps [-b BLOBS] [-n CYCLES] [-p POLL_US]
 *                          [-t TRACE_FILE [-e]]
 *
 * It creates BLOBS + 1 HOST3D blobs of 4 KiB in one context, maps BLOBS
 * of them side by side, then CYCLES times maps the last one after them
 * and unmaps it again, against $QTEST_QEMU_BINARY.  It polls the used ring
 * for the unmap's answer back to back, or every POLL_US microseconds:
 * each poll is a qtest message, which the main loop handles with the BQL
 * held, so busy polling competes for the BQL with the call_rcu thread
 * that must take it to free the region (step 2 below).  It prints the median
 * time from the UNMAP_BLOB doorbell to its response ("unmap_us") and of
 * a whole MAP_BLOB round trip ("map_us"), as "steps METRIC VALUE" lines,
 * and how much CPU other processes used meanwhile ("others_cpu_s", and
 * "loaded" 1 when that makes the figures suspect, bench-load.h).
 *
 * With -t the emulator also writes the trace events that mark the steps
 * of an unmap to TRACE_FILE, and the median time between consecutive
 * steps is printed too (tests/bench/unmap-steps.py does both, and counts
 * the instructions of each step under callgrind).  The steps end at
 * these trace events (docs/devel/benchmarks.md):
 *   0 virtio_gpu_cmd_res_unmap_blob (finish 0)  doorbell, bottom halves,
 *                                               the command parsed
 *   1 virtio_gpu_cmd_suspended                  region disabled, removed
 *                                               and unparented, RCU forced
 *   2 virtio_gpu_virgl_hostmem_region_free      a grace period later, the
 *                                               call_rcu thread freed the
 *                                               old memory maps and so the
 *                                               region
 *   3 virtio_gpu_virgl_resume_cmdq              the bottom half runs
 *   4 virtio_gpu_cmd_res_unmap_blob (finish 1)  the command again
 *   5 virtio_gpu_cmd_done                       virglrenderer unmapped the
 *                                               blob; answered
 *
 * Each trace line is written, and flushed, after its timestamp is taken,
 * so each step includes one write.  With -e only the events at the ends
 * of the whole unmap are traced (0, 4 and 5: two writes on the path
 * instead of five), and only the median of the whole ("total_us", which
 * is printed in both modes) is meaningful: the difference between the two
 * totals is what three trace lines cost.
 *
 * Exit status 77 when the emulator has no virtio-gpu-gl-pci.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "../qtest/libqtest.h"
#include "../qtest/libqos/virtio-gpu.h"
#include "bench-load.h"
#include "bench-qtest.h"

#define BLOB_SIZE       4096
#define HOSTMEM_SIZE    (64 * MiB)
#define GL_FEATURES     (1ull << VIRTIO_GPU_F_VIRGL |           \
                         1ull << VIRTIO_GPU_F_RESOURCE_BLOB)

/* The trace events that end the steps, in the order they happen. */
static const char *const step_events[] = {
    "virtio_gpu_cmd_res_unmap_blob",
    "virtio_gpu_cmd_suspended",
    "virtio_gpu_virgl_hostmem_region_free",
    "virtio_gpu_virgl_resume_cmdq",
    "virtio_gpu_cmd_res_unmap_blob",
    "virtio_gpu_cmd_done",
};
#define NR_STEPS ARRAY_SIZE(step_events)

/* -e: the events at the ends of an unmap only. */
static const char *const end_events[] = {
    "virtio_gpu_cmd_res_unmap_blob",
    "virtio_gpu_cmd_res_unmap_blob",
    "virtio_gpu_cmd_done",
};

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * "PID@SEC.USEC:EVENT ARGS" lines: for every unmap (which starts with
 * res_unmap_blob, finish 0), the time of each of the @nr @events, and the
 * median of the time between consecutive ones, printed as
 * "steps step<i>_us VALUE" (for step_events), and of the whole,
 * "steps total_us VALUE".
 */
static void report_trace(const char *path, int cycles,
                         const char *const *events, int nr)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    double (*t)[NR_STEPS] = g_malloc0(sizeof(*t) * cycles);
    g_autofree double *d = g_new(double, cycles);
    int unmap = -1, step = 0, i, n = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fprintf(stderr, "virtio-gpu-unmap-steps: cannot read %s\n", path);
        exit(1);
    }
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *at = strchr(lines[i], '@');
        char *colon = at ? strchr(at, ':') : NULL;
        char *name = colon ? colon + 1 : NULL;
        size_t len;

        if (!name) {
            continue;
        }
        len = strcspn(name, " ");
        if (len == strlen(events[0]) &&
            !strncmp(name, events[0], len) &&
            strstr(name, "finish_unmapping 0")) {
            unmap++;
            step = 0;
            if (unmap >= cycles) {
                break;
            }
        }
        if (unmap < 0 || step >= nr || len != strlen(events[step]) ||
            strncmp(name, events[step], len)) {
            continue;
        }
        t[unmap][step++] = g_ascii_strtod(at + 1, NULL) * 1e6;
        if (step == nr) {
            n = unmap + 1;
        }
    }
    for (step = 1; step <= nr; step++) {
        /* step == nr: the whole unmap, from the first event to the last */
        int from = step < nr ? step - 1 : 0, to = step < nr ? step : nr - 1;
        int k = 0;

        if (step < nr && events != step_events) {
            continue;
        }
        for (i = 0; i < n; i++) {
            if (t[i][nr - 1]) {
                d[k++] = t[i][to] - t[i][from];
            }
        }
        if (k && step < nr) {
            printf("steps step%d_us %.1f\n", step, median(d, k));
        } else if (k) {
            printf("steps total_us %.1f\n", median(d, k));
        }
    }
    printf("steps traced_unmaps %d\n", n);
    g_free(t);
}

int main(int argc, char **argv)
{
    int blobs = 64, cycles = 50, poll_us = 0, opt, i;
    const char *const *events = step_events;
    int nr_events = NR_STEPS;
    const char *trace = NULL;
    g_autofree char *trace_args = NULL;
    g_autofree double *unmap_us = NULL, *map_us = NULL;
    QTestState *qts;
    QVirtioGPU *gpu;
    BenchLoad load;

    while ((opt = getopt(argc, argv, "b:n:p:t:e")) != -1) {
        switch (opt) {
        case 'b':
            blobs = atoi(optarg);
            break;
        case 'n':
            cycles = atoi(optarg);
            break;
        case 'p':
            poll_us = atoi(optarg);
            break;
        case 't':
            trace = optarg;
            break;
        case 'e':
            events = end_events;
            nr_events = ARRAY_SIZE(end_events);
            break;
        default:
            goto usage;
        }
    }
    if (optind != argc || blobs < 0 || cycles < 0 || poll_us < 0 ||
        (uint64_t)(blobs + 1) * BLOB_SIZE > HOSTMEM_SIZE) {
        goto usage;
    }
    if (!bench_qemu_has_device("virtio-gpu-gl-pci")) {
        printf("# %s has no virtio-gpu-gl-pci: skipped\n",
               qtest_qemu_binary());
        return 77;
    }

    if (trace) {
        GString *s = g_string_new(NULL);

        for (i = 0; i < nr_events; i++) {
            g_string_append_printf(s, " -trace %s", events[i]);
        }
        g_string_append_printf(s, " -trace file=%s", trace);
        trace_args = g_string_free(s, false);
    }
    bench_load_start(&load);
    qts = qtest_initf("-nodefaults -device virtio-gpu-gl-pci,id=gpu0,"
                      "blob=on,hostmem=%" PRIu64 "%s",
                      (uint64_t)HOSTMEM_SIZE, trace_args ? trace_args : "");
    gpu = qvirtio_gpu_init(qts, GL_FEATURES);
    virtio_gpu_hostmem_addr(gpu, NULL);
    g_assert_cmphex(virtio_gpu_ctx_create(gpu, 1, 0, "unmap-steps"), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
    for (i = 1; i <= blobs + 1; i++) {
        virtio_gpu_create_host3d_blob(gpu, 1, i, i, BLOB_SIZE);
    }
    for (i = 1; i <= blobs; i++) {
        g_assert_cmphex(virtio_gpu_map_blob(gpu, i, (i - 1) * BLOB_SIZE,
                                            NULL),
                        ==, VIRTIO_GPU_RESP_OK_MAP_INFO);
    }

    unmap_us = g_new(double, MAX(cycles, 1));
    map_us = g_new(double, MAX(cycles, 1));
    for (i = 0; i < cycles; i++) {
        struct virtio_gpu_ctrl_hdr resp;
        QVirtioGPUCmd cmd;
        int64_t t0;

        t0 = g_get_monotonic_time();
        g_assert_cmphex(virtio_gpu_map_blob(gpu, blobs + 1,
                                            (uint64_t)blobs * BLOB_SIZE,
                                            NULL),
                        ==, VIRTIO_GPU_RESP_OK_MAP_INFO);
        map_us[i] = g_get_monotonic_time() - t0;

        cmd = virtio_gpu_unmap_blob_submit(gpu, blobs + 1, false);
        t0 = g_get_monotonic_time();
        virtio_gpu_kick(gpu);
        while (!virtio_gpu_used_pending(gpu)) {
            /* each poll is a qtest message: the main loop runs */
            if (poll_us) {
                g_usleep(poll_us);
            }
        }
        virtio_gpu_wait(gpu, &cmd, &resp, sizeof(resp));
        unmap_us[i] = g_get_monotonic_time() - t0;
        g_assert_cmphex(le32_to_cpu(resp.type), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
    }

    /*
     * Leave nothing mapped: a reset with blobs still mapped finishes
     * their unmaps in a bottom half, which would charge that to one of
     * the steps in some runs and not in others.
     */
    for (i = 1; i <= blobs + 1; i++) {
        if (i <= blobs) {
            g_assert_cmphex(virtio_gpu_unmap_blob(gpu, i), ==,
                            VIRTIO_GPU_RESP_OK_NODATA);
        }
        g_assert_cmphex(virtio_gpu_resource_unref(gpu, i), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
    }

    printf("steps blobs %d\n", blobs);
    if (cycles) {
        printf("steps map_us %.1f\n", median(map_us, cycles));
        printf("steps unmap_us %.1f\n", median(unmap_us, cycles));
    }
    qvirtio_gpu_free(gpu);
    qtest_quit(qts);
    bench_load_stop(&load);
    printf("steps others_cpu_s %.2f\n", load.others);
    printf("steps wall_s %.2f\n", load.wall);
    printf("steps loaded %d\n", bench_load_busy(&load));
    if (trace && cycles) {
        report_trace(trace, cycles, events, nr_events);
    }
    return 0;

usage:
    fprintf(stderr, "usage: %s [-b BLOBS] [-n CYCLES] [-p POLL_US] "
            "[-t TRACE_FILE [-e]]\n", argv[0]);
    return 2;
}
