/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON text of QMP messages, formatted as QEMU writes them: one line,
 * ": " after keys and ", " between members, members in insertion order,
 * strings pure ASCII (other characters as \uXXXX escapes).  Clients parse
 * JSON, but people and scripts read transcripts too.
 */

#include "qemu/osdep.h"
#include "monitor-internal.h"

static void json_append_string(GString *out, const char *str)
{
    const char *p = str;

    g_string_append_c(out, '"');
    while (*p) {
        gunichar cp = g_utf8_get_char_validated(p, -1);

        if (cp == (gunichar)-1 || cp == (gunichar)-2) {
            /* Not UTF-8: one byte becomes the replacement character. */
            cp = 0xFFFD;
            p++;
        } else {
            p = g_utf8_next_char(p);
        }
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp >= 0x20 && cp < 0x7F) {
                g_string_append_c(out, cp);
            } else if (cp < 0x10000) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                /* A UTF-16 surrogate pair. */
                cp -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 | (cp >> 10),
                                       0xDC00 | (cp & 0x3FF));
            }
            break;
        }
    }
    g_string_append_c(out, '"');
}

static void json_append_value(GString *out, JsonNode *node)
{
    GType type = json_node_get_value_type(node);

    if (type == G_TYPE_STRING) {
        json_append_string(out, json_node_get_string(node));
    } else if (type == G_TYPE_BOOLEAN) {
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
    } else if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT) {
        g_string_append_printf(out, "%.17g", json_node_get_double(node));
    } else {
        g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
    }
}

static void json_append(GString *out, JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        bool first = true;

        g_string_append_c(out, '{');
        json_object_iter_init_ordered(&iter, json_node_get_object(node));
        while (json_object_iter_next_ordered(&iter, &name, &member)) {
            if (!first) {
                g_string_append(out, ", ");
            }
            first = false;
            json_append_string(out, name);
            g_string_append(out, ": ");
            json_append(out, member);
        }
        g_string_append_c(out, '}');
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *array = json_node_get_array(node);
        guint i, n = json_array_get_length(array);

        g_string_append_c(out, '[');
        for (i = 0; i < n; i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            json_append(out, json_array_get_element(array, i));
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_VALUE:
        json_append_value(out, node);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    }
}

GString *qmp_to_json(JsonNode *node)
{
    GString *out = g_string_new(NULL);

    json_append(out, node);
    return out;
}
