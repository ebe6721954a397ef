/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of trace events and the -trace option.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/keyval.h"
#include "trace/control.h"

/* NULL-terminated arrays of events, one per trace-events file. */
static GPtrArray *event_groups;

void trace_event_register_group(TraceEvent **events)
{
    if (!event_groups) {
        event_groups = g_ptr_array_new();
    }
    g_ptr_array_add(event_groups, events);
}

bool trace_enable_events(const char *pattern)
{
    bool enable = true;
    bool found = false;
    guint i;

    if (pattern[0] == '-') {
        enable = false;
        pattern++;
    }
    for (i = 0; event_groups && i < event_groups->len; i++) {
        TraceEvent **ev = g_ptr_array_index(event_groups, i);

        for (; *ev; ev++) {
            if (g_pattern_match_simple(pattern, (*ev)->name)) {
                qatomic_set((*ev)->dstate, enable);
                found = true;
            }
        }
    }
    return found;
}

bool trace_init_events(const char *file, Error **errp)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    GError *gerr = NULL;
    int i;

    if (!g_file_get_contents(file, &contents, NULL, &gerr)) {
        error_setg(errp, "%s", gerr->message);
        g_error_free(gerr);
        return false;
    }
    lines = g_strsplit(contents, "\n", 0);
    for (i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (!lines[i][0] || lines[i][0] == '#') {
            continue;
        }
        if (!trace_enable_events(lines[i])) {
            error_setg(errp, "%s:%d: event \"%s\" does not exist", file,
                       i + 1, lines[i]);
            return false;
        }
    }
    return true;
}

void trace_list_events(FILE *f)
{
    guint i;

    for (i = 0; event_groups && i < event_groups->len; i++) {
        TraceEvent **ev = g_ptr_array_index(event_groups, i);

        for (; *ev; ev++) {
            fprintf(f, "%s\n", (*ev)->name);
        }
    }
}

bool trace_opt_parse(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "enable", errp);
    const char *pattern, *events, *file;
    int i;

    if (!kv) {
        return false;
    }
    pattern = keyval_get(kv, "enable");
    if (keyval_get(kv, "help") || (pattern && !strcmp(pattern, "help"))) {
        trace_list_events(stdout);
        exit(0);
    }
    for (i = 0; i < kv->n; i++) {
        const char *key = kv->pairs[i].key;

        if (strcmp(key, "enable") && strcmp(key, "events") &&
            strcmp(key, "file")) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    events = keyval_get(kv, "events");
    file = keyval_get(kv, "file");
    if (pattern && !trace_enable_events(pattern)) {
        error_setg(errp, "event \"%s\" does not exist", pattern);
        return false;
    }
    if (events && !trace_init_events(events, errp)) {
        return false;
    }
    if (file && !qemu_set_log_filename(file, errp)) {
        return false;
    }
    return true;
}

/*
 * QEMU_TRACE=PATTERN[,PATTERN...] enables events before main() runs, for
 * programs without a -trace option (unit tests, benchmarks).
 */
static void __attribute__((constructor(200))) trace_init_from_env(void)
{
    const char *env = getenv("QEMU_TRACE");
    g_auto(GStrv) parts = NULL;
    int i;

    if (!env || !*env) {
        return;
    }
    parts = g_strsplit(env, ",", 0);
    for (i = 0; parts[i]; i++) {
        if (!trace_enable_events(parts[i])) {
            fprintf(stderr, "QEMU_TRACE: event \"%s\" does not exist\n",
                    parts[i]);
        }
    }
}
