/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing helpers shared by the command line, QOM and qdev properties
 * and chardev options, with QEMU's names and messages.
 */

#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H

typedef struct Error Error;

/*
 * qapi_bool_parse: "on", "yes", "true" or "off", "no", "false" into
 * *@obj; anything else fails with "Parameter '@name' expects 'on' or
 * 'off'".
 */
bool qapi_bool_parse(const char *name, const char *value, bool *obj,
                     Error **errp);

#endif /* QAPI_UTIL_H */
