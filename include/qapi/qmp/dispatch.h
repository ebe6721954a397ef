/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP command registry.  Subsystems register their commands by name;
 * the QMP monitor looks them up for each {"execute": NAME, ...} request.
 *
 * Where QEMU generates a marshaller per command from the QAPI schema,
 * ours take the request's "arguments" object as json-glib parsed it and
 * check it themselves (qmp_check_args() helps).  Commands run in the main
 * loop thread with the BQL held.
 */

#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include <json-glib/json-glib.h>

typedef struct Error Error;

/*
 * A command.  @args is the request's "arguments" object, NULL when the
 * request has none.  On success the command may store its result in *@ret
 * (a new node, which the caller frees; left NULL, the result is {}); on
 * failure it sets @errp, which becomes a "GenericError" reply.
 */
typedef void QmpCommandFunc(JsonObject *args, JsonNode **ret, Error **errp);

/* Flags of qmp_register_command(), as QEMU's QmpCommandOptions. */
typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS = 0,
} QmpCommandOptions;

/*
 * qmp_register_command: make @name available.  Registering a name twice
 * is a programming error.
 */
void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          unsigned flags);

/*
 * qmp_check_args: fail with "Parameter 'NAME' is unexpected" for a member
 * of @args (may be NULL) not listed in the NULL-terminated @allowed (may
 * be NULL: no arguments at all), like QEMU's generated marshallers.
 */
bool qmp_check_args(JsonObject *args, const char *const *allowed,
                    Error **errp);

#endif /* QAPI_QMP_DISPATCH_H */
