/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about QOM: qom-list-types, object-add, object-del.
 *
 * Only the emulator links this file (the QOM library itself does not
 * need json-glib); the command registers itself at start-up.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "qemu/keyval.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"

/* An optional member of @args: NULL if absent, else a value of @type. */
static JsonNode *qom_qmp_opt_arg(JsonObject *args, const char *name,
                                 GType type, const char *type_name,
                                 Error **errp)
{
    JsonNode *node = args ? json_object_get_member(args, name) : NULL;

    if (!node) {
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != type) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, type_name);
    }
    return node;
}

/*
 * qom-list-types [implements: str] [abstract: bool, default false]:
 * [{"name": ..., "parent": ..., "abstract": true}], "parent" only for
 * types that have one and "abstract" only for abstract types, as QEMU
 * answers.  An unknown @implements lists nothing.
 */
static void qmp_qom_list_types(JsonObject *args, JsonNode **ret,
                               Error **errp)
{
    static const char *const allowed[] = { "implements", "abstract", NULL };
    const char *implements = NULL;
    bool abstract = false;
    g_autoptr(GSList) list = NULL;
    JsonNode *node;
    JsonArray *types;
    GSList *el;
    Error *err = NULL;

    if (!qmp_check_args(args, allowed, errp)) {
        return;
    }
    node = qom_qmp_opt_arg(args, "implements", G_TYPE_STRING, "string",
                           &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    if (node) {
        implements = json_node_get_string(node);
    }
    node = qom_qmp_opt_arg(args, "abstract", G_TYPE_BOOLEAN, "boolean",
                           &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    if (node) {
        abstract = json_node_get_boolean(node);
    }

    list = object_class_get_list_sorted(implements, abstract);
    types = json_array_new();
    for (el = list; el; el = el->next) {
        ObjectClass *oc = el->data;
        ObjectClass *parent = object_class_get_parent(oc);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name",
                                      object_class_get_name(oc));
        if (object_class_is_abstract(oc)) {
            json_object_set_boolean_member(info, "abstract", true);
        }
        if (parent) {
            json_object_set_string_member(info, "parent",
                                          object_class_get_name(parent));
        }
        json_array_add_object_element(types, info);
    }
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, types);
}

/*
 * object-add qom-type: str, id: str, PROPERTY: value...: -object at run
 * time.  Property values may be strings, numbers or booleans, as QEMU's
 * keyval-based object-add takes them.
 */
static void qmp_object_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(KeyValList) kv = g_new0(KeyValList, 1);
    g_autoptr(GList) members = NULL;
    GList *m;

    if (!args) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return;
    }
    members = json_object_get_members(args);
    kv->pairs = g_new0(KeyValPair, g_list_length(members));
    for (m = members; m; m = m->next) {
        JsonNode *node = json_object_get_member(args, m->data);
        KeyValPair *p = &kv->pairs[kv->n];
        GType type = JSON_NODE_HOLDS_VALUE(node) ?
                     json_node_get_value_type(node) : G_TYPE_INVALID;

        if (type == G_TYPE_STRING) {
            p->value = g_strdup(json_node_get_string(node));
        } else if (type == G_TYPE_BOOLEAN) {
            p->value = g_strdup(json_node_get_boolean(node) ? "on" : "off");
        } else if (type == G_TYPE_INT64) {
            p->value = g_strdup_printf("%" PRId64, json_node_get_int(node));
        } else {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "string, integer or boolean", (const char *)m->data);
            return;
        }
        p->key = g_strdup(m->data);
        kv->n++;
    }
    user_creatable_add_kv(kv, errp);
}

/* object-del id: str */
static void qmp_object_del(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const allowed[] = { "id", NULL };
    JsonNode *node;
    Error *err = NULL;

    if (!qmp_check_args(args, allowed, errp)) {
        return;
    }
    node = qom_qmp_opt_arg(args, "id", G_TYPE_STRING, "string", &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    if (!node) {
        error_setg(errp, "Parameter 'id' is missing");
        return;
    }
    user_creatable_del(json_node_get_string(node), errp);
}

static void __attribute__((constructor)) qom_qmp_register(void)
{
    qmp_register_command("object-add", qmp_object_add, QCO_NO_OPTIONS);
    qmp_register_command("object-del", qmp_object_del, QCO_NO_OPTIONS);
    qmp_register_command("qom-list-types", qmp_qom_list_types,
                         QCO_NO_OPTIONS);
}
