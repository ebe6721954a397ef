/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of monitor/ share.
 */

#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "qapi/qmp/dispatch.h"

/* QEMU's error classes that can occur here. */
#define QMP_ERROR_CLASS_GENERIC "GenericError"
#define QMP_ERROR_CLASS_COMMAND_NOT_FOUND "CommandNotFound"

/*
 * qmp_dispatch: run @request and return the response object, {"return":
 * ...} or {"error": {"class": ..., "desc": ...}}, with the request's "id"
 * when it has one.  Before capabilities negotiation (@negotiation), only
 * qmp_capabilities is found.
 */
JsonObject *qmp_dispatch(JsonNode *request, bool negotiation);

/* qmp_error_response: {"error": {"class": @cls, "desc": @desc}}. */
JsonObject *qmp_error_response(const char *cls, const char *desc);

/* Every registered command name, in registration order. */
GPtrArray *qmp_command_names(void);

/* Called by the registry when it is first used. */
void qmp_register_builtin_commands(void);

/* qmp_capabilities (monitor/qmp.c): leave negotiation mode. */
void qmp_qmp_capabilities(JsonObject *args, JsonNode **ret, Error **errp);

/* The "version" object of the greeting and of query-version. */
JsonNode *qmp_version_info(void);

/* qmp_to_json: @node as one line of JSON text, formatted as QEMU does. */
GString *qmp_to_json(JsonNode *node);

#endif /* MONITOR_INTERNAL_H */
