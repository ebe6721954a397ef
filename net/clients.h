/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The -netdev backends' constructors, called by net/net.c.
 */

#ifndef QEMU_NET_CLIENTS_H
#define QEMU_NET_CLIENTS_H

#include "qemu/keyval.h"
#include "net/net.h"

/*
 * -netdev user: @kv holds the options (type, id and, from -nic, model
 * and mac are the caller's); @name is the id.  False with @errp set.
 */
bool net_init_slirp(const KeyValList *kv, const char *name,
                    NetClientState *peer, Error **errp);

#endif /* QEMU_NET_CLIENTS_H */
