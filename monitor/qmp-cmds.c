/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP commands of the monitor itself and of the run state:
 * qmp_capabilities, query-version, query-commands, query-status, quit,
 * system_reset.  The run state is the emulator's (system/runstate.c);
 * programs without it link the stubs in stubs/.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "monitor-internal.h"

JsonNode *qmp_version_info(void)
{
    JsonObject *version = json_object_new();
    JsonObject *qemu = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    /* What -version prints: QEMU_VERSION (QEMU_PKGVERSION). */
    json_object_set_int_member(qemu, "micro", QEMU_VERSION_MICRO);
    json_object_set_int_member(qemu, "minor", QEMU_VERSION_MINOR);
    json_object_set_int_member(qemu, "major", QEMU_VERSION_MAJOR);
    json_object_set_object_member(version, "qemu", qemu);
    json_object_set_string_member(version, "package", QEMU_PKGVERSION);
    json_node_take_object(node, version);
    return node;
}

static void qmp_query_version(JsonObject *args, JsonNode **ret,
                              Error **errp)
{
    if (qmp_check_args(args, NULL, errp)) {
        *ret = qmp_version_info();
    }
}

static void qmp_query_commands(JsonObject *args, JsonNode **ret,
                               Error **errp)
{
    g_autoptr(GPtrArray) names = NULL;
    JsonArray *list;
    guint i;

    if (!qmp_check_args(args, NULL, errp)) {
        return;
    }
    names = qmp_command_names();
    list = json_array_sized_new(names->len);
    for (i = 0; i < names->len; i++) {
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name",
                                      g_ptr_array_index(names, i));
        json_array_add_object_element(list, info);
    }
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, list);
}

static void qmp_query_status(JsonObject *args, JsonNode **ret, Error **errp)
{
    JsonObject *info;

    if (!qmp_check_args(args, NULL, errp)) {
        return;
    }
    info = json_object_new();
    json_object_set_string_member(info, "status", runstate_get_name());
    json_object_set_boolean_member(info, "running", runstate_is_running());
    *ret = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(*ret, info);
}

/*
 * quit and system_reset only ask: the main loop acts after this reply
 * has been written, so the client gets it before the emulator exits.
 */
static void qmp_quit(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (qmp_check_args(args, NULL, errp)) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
}

static void qmp_system_reset(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (qmp_check_args(args, NULL, errp)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    }
}

void qmp_register_builtin_commands(void)
{
    qmp_register_command("qmp_capabilities", qmp_qmp_capabilities,
                         QCO_NO_OPTIONS);
    qmp_register_command("query-version", qmp_query_version,
                         QCO_NO_OPTIONS);
    qmp_register_command("query-commands", qmp_query_commands,
                         QCO_NO_OPTIONS);
    qmp_register_command("query-status", qmp_query_status, QCO_NO_OPTIONS);
    qmp_register_command("quit", qmp_quit, QCO_NO_OPTIONS);
    qmp_register_command("system_reset", qmp_system_reset, QCO_NO_OPTIONS);
}
