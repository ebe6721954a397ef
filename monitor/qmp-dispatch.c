/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP command registry, and running one request: checking its shape
 * the way QEMU does, finding the command, building the response.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "monitor-internal.h"

typedef struct QmpCommand {
    char *name;
    QmpCommandFunc *fn;
    unsigned flags;
} QmpCommand;

static GHashTable *qmp_commands;    /* name -> QmpCommand */
static GPtrArray *qmp_command_list; /* of QmpCommand, registration order */

static void qmp_commands_init(void)
{
    if (qmp_commands) {
        return;
    }
    qmp_commands = g_hash_table_new(g_str_hash, g_str_equal);
    qmp_command_list = g_ptr_array_new();
    qmp_register_builtin_commands();
}

void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          unsigned flags)
{
    QmpCommand *cmd;

    qmp_commands_init();
    assert(!g_hash_table_contains(qmp_commands, name));
    cmd = g_new0(QmpCommand, 1);
    cmd->name = g_strdup(name);
    cmd->fn = fn;
    cmd->flags = flags;
    g_hash_table_insert(qmp_commands, cmd->name, cmd);
    g_ptr_array_add(qmp_command_list, cmd);
}

GPtrArray *qmp_command_names(void)
{
    GPtrArray *names = g_ptr_array_new();
    guint i;

    qmp_commands_init();
    for (i = 0; i < qmp_command_list->len; i++) {
        QmpCommand *cmd = g_ptr_array_index(qmp_command_list, i);

        g_ptr_array_add(names, cmd->name);
    }
    return names;
}

bool qmp_check_args(JsonObject *args, const char *const *allowed,
                    Error **errp)
{
    JsonObjectIter iter;
    const char *name;
    JsonNode *member;

    if (!args) {
        return true;
    }
    json_object_iter_init_ordered(&iter, args);
    while (json_object_iter_next_ordered(&iter, &name, &member)) {
        if (!allowed || !g_strv_contains(allowed, name)) {
            error_setg(errp, "Parameter '%s' is unexpected", name);
            return false;
        }
    }
    return true;
}

JsonObject *qmp_error_response(const char *cls, const char *desc)
{
    JsonObject *rsp = json_object_new();
    JsonObject *error = json_object_new();

    json_object_set_string_member(error, "class", cls);
    json_object_set_string_member(error, "desc", desc);
    json_object_set_object_member(rsp, "error", error);
    return rsp;
}

/*
 * Check the members of a request; return the command name and arguments.
 * QEMU's messages, so that clients matching on them keep working.
 */
static const char *qmp_check_request(JsonObject *req, JsonObject **args,
                                     Error **errp)
{
    JsonObjectIter iter;
    const char *name;
    JsonNode *member;
    const char *command = NULL;

    *args = NULL;
    json_object_iter_init_ordered(&iter, req);
    while (json_object_iter_next_ordered(&iter, &name, &member)) {
        if (!strcmp(name, "execute")) {
            if (!JSON_NODE_HOLDS_VALUE(member) ||
                json_node_get_value_type(member) != G_TYPE_STRING) {
                error_setg(errp,
                           "QMP input member 'execute' must be a string");
                return NULL;
            }
            command = json_node_get_string(member);
        } else if (!strcmp(name, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(member)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return NULL;
            }
            *args = json_node_get_object(member);
        } else if (strcmp(name, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", name);
            return NULL;
        }
    }
    if (!command) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    return command;
}

JsonObject *qmp_dispatch(JsonNode *request, bool negotiation)
{
    g_autoptr(Error) err = NULL;
    const char *cls = QMP_ERROR_CLASS_GENERIC;
    JsonObject *req = NULL, *args, *rsp;
    JsonNode *ret = NULL, *id;
    const char *command;
    QmpCommand *cmd;

    qmp_commands_init();
    if (!JSON_NODE_HOLDS_OBJECT(request)) {
        error_setg(&err, "QMP input must be a JSON object");
        goto out;
    }
    req = json_node_get_object(request);
    command = qmp_check_request(req, &args, &err);
    if (!command) {
        goto out;
    }

    cmd = g_hash_table_lookup(qmp_commands, command);
    if (cmd && !strcmp(command, "qmp_capabilities") && !negotiation) {
        cls = QMP_ERROR_CLASS_COMMAND_NOT_FOUND;
        error_setg(&err, "Capabilities negotiation is already complete, "
                   "command ignored");
        goto out;
    }
    if (!cmd || (negotiation && strcmp(command, "qmp_capabilities"))) {
        cls = QMP_ERROR_CLASS_COMMAND_NOT_FOUND;
        error_setg(&err, "The command %s has not been found", command);
        goto out;
    }
    cmd->fn(args, &ret, &err);

out:
    if (err) {
        if (ret) {
            json_node_unref(ret);
        }
        rsp = qmp_error_response(cls, error_get_pretty(err));
    } else {
        rsp = json_object_new();
        if (!ret) {
            ret = json_node_new(JSON_NODE_OBJECT);
            json_node_take_object(ret, json_object_new());
        }
        json_object_set_member(rsp, "return", ret);
    }
    id = req ? json_object_get_member(req, "id") : NULL;
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    return rsp;
}
