/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Comparing emulators driven through libqtest (bench-qtest.h).
 */

#include "qemu/osdep.h"
#include "../qtest/libqtest.h"
#include "bench-load.h"
#include "bench-qtest.h"

bool bench_is_child(int *argc, char ***argv)
{
    if (*argc < 2 || strcmp((*argv)[1], "--one")) {
        return false;
    }
    (*argv)[1] = (*argv)[0];
    (*argc)--;
    (*argv)++;
    return true;
}

void bench_emit(const char *prefix, const char *metric, double value)
{
    printf("%s %s %.3f\n", prefix, metric, value);
    fflush(stdout);
}

int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

bool bench_qemu_has_device(const char *name)
{
    const char *argv[] = { qtest_qemu_binary(), "-device", "help", NULL };
    g_autofree char *out = NULL;
    g_autofree char *quoted = g_strdup_printf("\"%s\"", name);

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, NULL, NULL)) {
        return false;
    }
    return strstr(out, quoted) != NULL;
}

typedef struct Column {
    const char *binary;
    char *label;
    GHashTable *figures;    /* metric -> GArray of double, one per run */
    bool loaded;            /* a run shared the machine (bench-load.h) */
} Column;

static bool run_child(const char *prefix, const char *const *child_args,
                      Column *col, GPtrArray *order)
{
    /* The child is this very program, wherever it was started from. */
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_auto(GStrv) env = g_get_environ();
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) err = NULL;
    BenchLoad load;
    int status, i;

    g_ptr_array_add(argv, self);
    g_ptr_array_add(argv, (char *)"--one");
    for (i = 0; child_args && child_args[i]; i++) {
        g_ptr_array_add(argv, (char *)child_args[i]);
    }
    g_ptr_array_add(argv, NULL);
    env = g_environ_setenv(env, "QTEST_QEMU_BINARY", col->binary, TRUE);
    bench_load_start(&load);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, env, G_SPAWN_DEFAULT,
                      NULL, NULL, &out, NULL, &status, &err) ||
        !g_spawn_check_wait_status(status, &err)) {
        fprintf(stderr, "%s: %s: %s\n", g_get_prgname(), col->binary,
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

        if (g_strv_length(f) != 3 || strcmp(f[0], prefix)) {
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
    qsort(sorted, runs->len, sizeof(double), bench_cmp_double);
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

int bench_compare_emulators(const char *prefix,
                            const char *const *child_args, int runs,
                            char **emulators, int n)
{
    g_autoptr(GPtrArray) cols = g_ptr_array_new();
    g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func(g_free);
    int i, r;
    guint c;

    for (i = 0; i < n; i++) {
        Column *col;

        if (access(emulators[i], X_OK)) {
            printf("# %s: not found, skipped\n", emulators[i]);
            continue;
        }
        col = g_new0(Column, 1);
        col->binary = emulators[i];
        col->label = binary_label(col->binary);
        col->figures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_array_unref);
        printf("# %s: %s\n", col->label, col->binary);
        g_ptr_array_add(cols, col);
    }
    /* Alternate the emulators, so that load changes hit both alike. */
    for (r = 0; r < runs; r++) {
        for (c = 0; c < cols->len; c++) {
            if (!run_child(prefix, child_args, cols->pdata[c], order)) {
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
}
