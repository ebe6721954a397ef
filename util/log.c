/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_log(): category-filtered diagnostics on stderr.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "trace/control.h"

int qemu_loglevel;
/* NULL: stderr.  Written from any thread; set at start-up only. */
static FILE *qemu_logfile;

typedef struct QEMULogItem {
    int mask;
    const char *name;
    const char *help;
} QEMULogItem;

static const QEMULogItem qemu_log_items[] = {
    { LOG_UNIMP, "unimp",
      "log unimplemented functionality" },
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest OS does something invalid (eg accessing a\n"
      "non-existent register)" },
};

void qemu_log(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    /*
     * Format first and write once, so that lines from concurrent threads
     * (vCPUs, the RCU thread) do not interleave.
     */
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (qemu_logfile) {
        fputs(msg, qemu_logfile);
        /* Line by line, so that a reader sees it before the next access. */
        fflush(qemu_logfile);
    } else {
        fputs(msg, stderr);
    }
}

bool qemu_set_log_filename(const char *filename, Error **errp)
{
    FILE *f = NULL;

    if (filename) {
        f = fopen(filename, "w");
        if (!f) {
            error_setg_errno(errp, errno, "Error opening logfile %s",
                             filename);
            return false;
        }
    }
    if (qemu_logfile) {
        fclose(qemu_logfile);
    }
    qemu_logfile = f;
    return true;
}

bool qemu_set_log(int log_flags, Error **errp)
{
    qemu_loglevel = log_flags;
    return true;
}

int qemu_str_to_log_mask(const char *str)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", 0);
    int mask = 0;
    int i, j;

    for (i = 0; parts[i]; i++) {
        bool found = false;

        if (g_str_has_prefix(parts[i], "trace:")) {
            /* As QEMU: -d trace:PATTERN is -trace PATTERN. */
            if (!trace_enable_events(parts[i] + strlen("trace:"))) {
                return 0;
            }
            mask |= LOG_TRACE;
            continue;
        }
        if (!strcmp(parts[i], "all")) {
            for (j = 0; j < ARRAY_SIZE(qemu_log_items); j++) {
                mask |= qemu_log_items[j].mask;
            }
            continue;
        }
        for (j = 0; j < ARRAY_SIZE(qemu_log_items); j++) {
            if (!strcmp(parts[i], qemu_log_items[j].name)) {
                mask |= qemu_log_items[j].mask;
                found = true;
            }
        }
        if (!found) {
            return 0;
        }
    }
    return mask;
}

void qemu_print_log_usage(FILE *f)
{
    int i;

    fprintf(f, "Log items (comma separated):\n");
    for (i = 0; i < ARRAY_SIZE(qemu_log_items); i++) {
        fprintf(f, "%-15s %s\n", qemu_log_items[i].name,
                qemu_log_items[i].help);
    }
    fprintf(f, "trace:PATTERN   enable trace events\n\n"
            "Use \"-d trace:help\" to get a list of trace events.\n");
}

/*
 * QEMU_LOG in the environment enables categories before main() runs, so
 * that programs without a -d option (unit tests, qtest's emulator before
 * it parses options) can be debugged too.
 */
static void __attribute__((constructor)) qemu_log_init_from_env(void)
{
    const char *env = getenv("QEMU_LOG");

    if (env && *env) {
        int mask = qemu_str_to_log_mask(env);

        if (!mask) {
            fprintf(stderr, "QEMU_LOG: unknown log item in '%s'\n", env);
        }
        qemu_loglevel = mask;
    }
}
