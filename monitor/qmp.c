/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP server: one MonitorQMP per chardev.
 *
 * A session, as QEMU runs it:
 *   1. a peer connects (CHR_EVENT_OPENED): the monitor sends the greeting
 *      and enters capabilities negotiation, where only qmp_capabilities
 *      is found;
 *   2. after qmp_capabilities it runs every registered command and sends
 *      events;
 *   3. when the peer hangs up (CHR_EVENT_CLOSED) it forgets any partial
 *      request, and the next peer starts again at 1.
 *
 * Requests run as soon as they are complete, from the chardev's read
 * handler in the main loop thread, so replies come in request order and
 * an event a command emits precedes the command's reply.  Every message
 * is one line of JSON ending in "\r\n".
 *
 * Output never blocks the main loop: what the peer does not take at once
 * waits in the monitor's outbuf and goes out from an output watch, as in
 * QEMU.  A peer that stops reading must not make it grow without bound:
 * while more than QMP_OUTBUF_PAUSE bytes wait, the monitor reads no more
 * requests from it (so it runs none, and queues no replies), and events
 * are not queued for it while more than QMP_OUTBUF_MAX bytes wait.
 * Other monitors, qtest and the guest go on meanwhile.
 */

#include "qemu/osdep.h"
#include <malloc.h>
#include "qapi/error.h"
#include "qapi/qmp-event.h"
#include "qemu/keyval.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "chardev/char-fe.h"
#include "monitor/monitor.h"
#include "json-streamer.h"
#include "monitor-internal.h"

/* See the comment at the top. */
#define QMP_OUTBUF_PAUSE    (64 * 1024)
#define QMP_OUTBUF_MAX      (1024 * 1024)

typedef struct MonitorQMP {
    CharBackend chr;
    JSONStreamer streamer;
    bool commands;      /* capabilities negotiated: commands available */
    GString *outbuf;    /* output the peer has not taken yet */
    guint out_watch;    /* waiting for the peer to take more, or 0 */
    QTAILQ_ENTRY(MonitorQMP) next;
} MonitorQMP;

static QTAILQ_HEAD(, MonitorQMP) monitors = QTAILQ_HEAD_INITIALIZER(monitors);

/* The monitor whose request is running, for qmp_capabilities. */
static MonitorQMP *cur_mon;

static void monitor_qmp_flush(MonitorQMP *mon);

static gboolean monitor_qmp_unblocked(void *do_not_use, GIOCondition cond,
                                      void *opaque)
{
    MonitorQMP *mon = opaque;

    mon->out_watch = 0;
    monitor_qmp_flush(mon);
    return G_SOURCE_REMOVE;
}

/* Write what the peer takes now; wait for it to take the rest. */
static void monitor_qmp_flush(MonitorQMP *mon)
{
    int n;

    if (mon->out_watch || !mon->outbuf->len) {
        return;
    }
    n = qemu_chr_fe_write(&mon->chr, (const uint8_t *)mon->outbuf->str,
                          MIN(mon->outbuf->len, INT_MAX));
    if (n < 0 && errno != EAGAIN) {
        /* The peer went away: CHR_EVENT_CLOSED follows. */
        g_string_truncate(mon->outbuf, 0);
        return;
    }
    if (n > 0) {
        g_string_erase(mon->outbuf, 0, n);
    }
    if (mon->outbuf->len) {
        mon->out_watch = qemu_chr_fe_add_watch(&mon->chr,
                                               G_IO_OUT | G_IO_HUP,
                                               monitor_qmp_unblocked, mon);
        if (!mon->out_watch) {
            /* Nothing to wait for: no peer any more. */
            g_string_truncate(mon->outbuf, 0);
        }
    }
}

/* Forget queued output (the peer went away, or a new one came). */
static void monitor_qmp_drop_output(MonitorQMP *mon)
{
    if (mon->out_watch) {
        g_source_remove(mon->out_watch);
        mon->out_watch = 0;
    }
    g_string_truncate(mon->outbuf, 0);
}

static void monitor_qmp_send(MonitorQMP *mon, JsonObject *msg)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), msg);
    g_autoptr(GString) json = qmp_to_json(node);

    json_node_unref(node);
    g_string_append(json, "\r\n");
    g_string_append_len(mon->outbuf, json->str, json->len);
    monitor_qmp_flush(mon);
}

void qmp_qmp_capabilities(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const allowed[] = { "enable", NULL };
    JsonNode *enable;
    JsonArray *caps;
    guint i;

    if (!qmp_check_args(args, allowed, errp)) {
        return;
    }
    enable = args ? json_object_get_member(args, "enable") : NULL;
    if (enable) {
        if (!JSON_NODE_HOLDS_ARRAY(enable)) {
            error_setg(errp, "Invalid parameter type for 'enable', "
                       "expected: array");
            return;
        }
        /* No capability is offered, so none can be enabled. */
        caps = json_node_get_array(enable);
        for (i = 0; i < json_array_get_length(caps); i++) {
            JsonNode *cap = json_array_get_element(caps, i);
            const char *name;

            if (!JSON_NODE_HOLDS_VALUE(cap) ||
                json_node_get_value_type(cap) != G_TYPE_STRING) {
                error_setg(errp, "Invalid parameter type for 'enable[%u]', "
                           "expected: string", i);
                return;
            }
            name = json_node_get_string(cap);
            if (!strcmp(name, "oob")) {
                error_setg(errp, "Capability 'oob' not available");
            } else {
                error_setg(errp, "Parameter 'enable[%u]' does not accept "
                           "value '%s'", i, name);
            }
            return;
        }
    }
    assert(cur_mon);
    cur_mon->commands = true;
}

/* json-glib says "<data>:1:13: Parse error: what"; keep the what. */
static const char *json_parse_error_text(const char *msg)
{
    const char *p = strstr(msg, "Parse error: ");

    return p ? p + strlen("Parse error: ") : msg;
}

/*
 * json-glib keeps the last of duplicate keys; QEMU refuses the request.
 * After each member, an object that did not grow had the key already.
 */
static void monitor_qmp_member(JsonParser *parser, JsonObject *object,
                               const char *member_name, gpointer opaque)
{
    GHashTable *members = opaque;
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(members, object)) + 1;

    g_hash_table_insert(members, object, GUINT_TO_POINTER(n));
    if (n > json_object_get_size(object)) {
        g_object_set_data(G_OBJECT(parser), "qmp-duplicate-key",
                          GINT_TO_POINTER(1));
    }
}

static void monitor_qmp_handle_one(MonitorQMP *mon, const char *json,
                                   size_t len, const char *error)
{
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(GHashTable) members = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *desc = NULL;
    JsonObject *rsp;

    if (error) {
        rsp = qmp_error_response(QMP_ERROR_CLASS_GENERIC, error);
        goto send;
    }
    parser = json_parser_new();
    members = g_hash_table_new(NULL, NULL);
    g_signal_connect(parser, "object-member",
                     G_CALLBACK(monitor_qmp_member), members);
    if (!json_parser_load_from_data(parser, json, len, &gerr) ||
        !json_parser_get_root(parser)) {
        desc = g_strdup_printf("JSON parse error, %s",
                               gerr ? json_parse_error_text(gerr->message)
                                    : "expecting value");
        rsp = qmp_error_response(QMP_ERROR_CLASS_GENERIC, desc);
        goto send;
    }
    if (g_object_get_data(G_OBJECT(parser), "qmp-duplicate-key")) {
        rsp = qmp_error_response(QMP_ERROR_CLASS_GENERIC,
                                 "JSON parse error, duplicate key");
        goto send;
    }

    cur_mon = mon;
    rsp = qmp_dispatch(json_parser_get_root(parser), !mon->commands);
    cur_mon = NULL;

    if (!mon->commands) {
        JsonObject *err = json_object_get_object_member(rsp, "error");

        /* As QEMU: say what is expected rather than "not found". */
        if (err && !g_strcmp0(json_object_get_string_member(err, "class"),
                              QMP_ERROR_CLASS_COMMAND_NOT_FOUND)) {
            json_object_set_string_member(err, "desc",
                                          "Expecting capabilities negotiation"
                                          " with 'qmp_capabilities'");
        }
    }

send:
    monitor_qmp_send(mon, rsp);
    json_object_unref(rsp);
}

/* The requests' sizes at which their memory is handed back at once. */
#define QMP_TRIM_SIZE (1024 * 1024)

static void monitor_qmp_handle(void *opaque, const char *json, size_t len,
                               const char *error)
{
    monitor_qmp_handle_one(opaque, json, len, error);
    /*
     * A big request leaves the heap full of the parser's small, freed
     * nodes that malloc keeps; give them back rather than keep hundreds
     * of MiB for the rest of the run.
     */
    if (len >= QMP_TRIM_SIZE) {
        malloc_trim(0);
    }
}

static void monitor_qmp_greet(MonitorQMP *mon)
{
    JsonObject *greeting = json_object_new();
    JsonObject *qmp = json_object_new();

    json_object_set_member(qmp, "version", qmp_version_info());
    /* QEMU offers "oob"; we run every command in order, so offer none. */
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    json_object_set_object_member(greeting, "QMP", qmp);
    monitor_qmp_send(mon, greeting);
    json_object_unref(greeting);
}

static int monitor_qmp_can_read(void *opaque)
{
    MonitorQMP *mon = opaque;

    /*
     * Requests run at once, so the monitor takes more input unless the
     * peer is not taking the replies.
     */
    return mon->outbuf->len > QMP_OUTBUF_PAUSE ? 0 : 4096;
}

static void monitor_qmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorQMP *mon = opaque;

    json_streamer_feed(&mon->streamer, (const char *)buf, size);
}

static void monitor_qmp_event(void *opaque, QEMUChrEvent event)
{
    MonitorQMP *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        json_streamer_reset(&mon->streamer);
        monitor_qmp_drop_output(mon);
        mon->commands = false;
        monitor_qmp_greet(mon);
        break;
    case CHR_EVENT_CLOSED:
        json_streamer_reset(&mon->streamer);
        monitor_qmp_drop_output(mon);
        mon->commands = false;
        break;
    }
}

bool monitor_new_qmp(Chardev *chr, Error **errp)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    if (!qemu_chr_fe_init(&mon->chr, chr, errp)) {
        g_free(mon);
        return false;
    }
    json_streamer_init(&mon->streamer, monitor_qmp_handle, mon);
    mon->outbuf = g_string_new(NULL);
    QTAILQ_INSERT_TAIL(&monitors, mon, next);
    /* A peer connected already gets its greeting from within this call. */
    qemu_chr_fe_set_handlers(&mon->chr, monitor_qmp_can_read,
                             monitor_qmp_read, monitor_qmp_event, mon,
                             NULL, true);
    return true;
}

bool monitor_init_opts(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) opts = keyval_parse(optarg, "chardev", errp);
    const char *id, *mode;
    Chardev *chr;
    int i;

    if (!opts) {
        return false;
    }
    for (i = 0; i < opts->n; i++) {
        const char *key = opts->pairs[i].key;

        if (strcmp(key, "chardev") && strcmp(key, "mode")) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    id = keyval_get(opts, "chardev");
    if (!id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    /* QEMU's default mode is the human monitor, which we lack. */
    mode = keyval_get(opts, "mode") ?: "readline";
    if (!strcmp(mode, "readline")) {
        error_setg(errp, "Only QMP monitors are supported, use "
                   "mode=control");
        return false;
    }
    if (strcmp(mode, "control")) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'",
                   mode);
        return false;
    }
    chr = qemu_chr_find(id);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", id);
        return false;
    }
    return monitor_new_qmp(chr, errp);
}

bool monitor_init_qmp_chardev(const char *spec, Error **errp)
{
    static int count;
    g_autofree char *label = g_strdup_printf("compat_monitor%d", count);
    Chardev *chr = qemu_chr_new(label, spec, errp);

    if (!chr) {
        return false;
    }
    count++;
    return monitor_new_qmp(chr, errp);
}

void monitor_cleanup(void)
{
    MonitorQMP *mon, *next;

    QTAILQ_FOREACH_SAFE(mon, &monitors, next, next) {
        QTAILQ_REMOVE(&monitors, mon, next);
        /* What the peer takes without waiting; the rest is dropped. */
        if (mon->out_watch) {
            g_source_remove(mon->out_watch);
            mon->out_watch = 0;
        }
        monitor_qmp_flush(mon);
        monitor_qmp_drop_output(mon);
        qemu_chr_fe_deinit(&mon->chr, false);
        json_streamer_destroy(&mon->streamer);
        g_string_free(mon->outbuf, TRUE);
        g_free(mon);
    }
}

void qmp_send_event(const char *name, JsonObject *data)
{
    g_autoptr(JsonObject) msg = json_object_new();
    JsonObject *timestamp = json_object_new();
    gint64 now = g_get_real_time();
    MonitorQMP *mon;

    /* Monitors belong to the main loop; other threads must take the BQL. */
    assert(bql_locked());
    json_object_set_int_member(timestamp, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(timestamp, "microseconds",
                               now % G_USEC_PER_SEC);
    json_object_set_object_member(msg, "timestamp", timestamp);
    json_object_set_string_member(msg, "event", name);
    if (data) {
        json_object_set_object_member(msg, "data", json_object_ref(data));
    }
    QTAILQ_FOREACH(mon, &monitors, next) {
        /* A peer that takes nothing misses events rather than grow it. */
        if (mon->commands && mon->outbuf->len <= QMP_OUTBUF_MAX) {
            monitor_qmp_send(mon, msg);
        }
    }
}
