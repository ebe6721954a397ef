/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp: the QMP monitor's input path, fed raw bytes: the JSON streamer
 * that splits the stream into requests (monitor/json-streamer.c), the
 * JSON parser, the request checks of qmp_dispatch() and the JSON writer
 * of the reply (monitor/json-writer.c).  Requests are dispatched after
 * capabilities negotiation, except those that would leave something
 * behind (a screendump file, a blocked console); quit and system_reset
 * only raise requests, which nothing acts on here.  So inputs run
 * in-process, without forking.
 */

#include "qemu/osdep.h"
#include "monitor/json-streamer.h"
#include "monitor/monitor-internal.h"
#include "fuzz.h"

static bool qmp_fuzz_harmless(JsonNode *request)
{
    static const char *const harmful[] = {
        "screendump", "x-console-gl-block", NULL
    };
    JsonObject *req;
    JsonNode *execute;

    if (!JSON_NODE_HOLDS_OBJECT(request)) {
        return true;
    }
    req = json_node_get_object(request);
    execute = json_object_get_member(req, "execute");
    return !execute || !JSON_NODE_HOLDS_VALUE(execute) ||
           json_node_get_value_type(execute) != G_TYPE_STRING ||
           !g_strv_contains(harmful, json_node_get_string(execute));
}

static void qmp_fuzz_emit(void *opaque, const char *json, size_t len,
                          const char *error)
{
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(GString) text = NULL;
    JsonObject *rsp;
    JsonNode *node;

    if (error) {
        rsp = qmp_error_response(QMP_ERROR_CLASS_GENERIC, error);
    } else {
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, json, len, NULL) ||
            !json_parser_get_root(parser) ||
            !qmp_fuzz_harmless(json_parser_get_root(parser))) {
            return;
        }
        rsp = qmp_dispatch(json_parser_get_root(parser), false);
    }
    node = json_node_init_object(json_node_alloc(), rsp);
    text = qmp_to_json(node);
    json_node_unref(node);
    json_object_unref(rsp);
}

static void qmp_fuzz(QTestState *s, const unsigned char *data, size_t size)
{
    JSONStreamer streamer;

    json_streamer_init(&streamer, qmp_fuzz_emit, NULL);
    json_streamer_feed(&streamer, (const char *)data, size);
    json_streamer_destroy(&streamer);
}

static GString *qmp_fuzz_cmdline(FuzzTarget *t)
{
    return g_string_new("-M q35 -nodefaults");
}

static void register_qmp_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget) {
        .name = "qmp",
        .description = "QMP input: JSON streamer, parser, request checks, "
                       "reply writer",
        .get_init_cmdline = qmp_fuzz_cmdline,
        .fuzz = qmp_fuzz,
    });
}

fuzz_target_init(register_qmp_fuzz_targets);
