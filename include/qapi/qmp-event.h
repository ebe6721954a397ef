/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP events: messages the emulator sends unprompted to every QMP client
 * that has completed capabilities negotiation:
 *
 *   {"timestamp": {"seconds": S, "microseconds": U},
 *    "event": "NAME", "data": {...}}
 */

#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include <json-glib/json-glib.h>

/*
 * qmp_send_event: emit event @name with @data (NULL: the message has no
 * "data" member).  @data is not consumed.  Call with the BQL held.
 */
void qmp_send_event(const char *name, JsonObject *data);

#endif /* QAPI_QMP_EVENT_H */
