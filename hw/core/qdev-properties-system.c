/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device properties on emulator objects: "mac", "netdev" and "chardev"
 * (include/hw/qdev-properties-system.h).  Messages are QEMU's.  Only the
 * emulator links this file (unit tests have no chardevs or netdevs).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev/char-fe.h"
#include "hw/qdev-properties-system.h"

static void *prop_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static char *print_macaddr(Object *obj, const Property *prop)
{
    MACAddr *mac = prop_ptr(obj, prop);

    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           mac->a[0], mac->a[1], mac->a[2], mac->a[3],
                           mac->a[4], mac->a[5]);
}

static bool parse_macaddr(Object *obj, const Property *prop, const char *str,
                          Error **errp)
{
    MACAddr *mac = prop_ptr(obj, prop);

    if (!net_parse_macaddr(mac->a, str)) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                   object_get_typename(obj), prop->name, str);
        return false;
    }
    return true;
}

const PropertyInfo qdev_prop_macaddr = {
    .type = "str",
    .description = "Ethernet 6-byte MAC Address, example: "
                   "52:54:00:12:34:56",
    .print = print_macaddr,
    .parse = parse_macaddr,
};

static char *print_netdev(Object *obj, const Property *prop)
{
    NICPeers *peers = prop_ptr(obj, prop);

    return g_strdup(peers->ncs[0] ? peers->ncs[0]->name : "");
}

static bool parse_netdev(Object *obj, const Property *prop, const char *str,
                         Error **errp)
{
    NICPeers *peers = prop_ptr(obj, prop);
    NetClientState *nc = qemu_find_netdev(str);

    if (!nc) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, str);
        return false;
    }
    if (nc->peer) {
        error_setg(errp, "Property '%s.%s' can't take value '%s', it's in "
                   "use", object_get_typename(obj), prop->name, str);
        return false;
    }
    peers->ncs[0] = nc;
    peers->queues = 1;
    return true;
}

const PropertyInfo qdev_prop_netdev = {
    .type = "str",
    .description = "ID of a netdev to use as a backend",
    .print = print_netdev,
    .parse = parse_netdev,
};

static char *print_chr(Object *obj, const Property *prop)
{
    Chardev *chr = qemu_chr_fe_get_driver(prop_ptr(obj, prop));

    return g_strdup(chr ? chr->label : "");
}

static bool parse_chr(Object *obj, const Property *prop, const char *str,
                      Error **errp)
{
    CharBackend *be = prop_ptr(obj, prop);
    Chardev *chr;

    if (be->chr) {
        qemu_chr_fe_deinit(be, false);
    }
    if (!*str) {
        return true;
    }
    chr = qemu_chr_find(str);
    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), prop->name, str);
        return false;
    }
    if (!qemu_chr_fe_init(be, chr, NULL)) {
        error_setg(errp, "Property '%s.%s' can't take value '%s', it's in "
                   "use", object_get_typename(obj), prop->name, str);
        return false;
    }
    return true;
}

static void release_chr(Object *obj, const Property *prop)
{
    CharBackend *be = prop_ptr(obj, prop);

    if (be->chr) {
        qemu_chr_fe_deinit(be, false);
    }
}

const PropertyInfo qdev_prop_chr = {
    .type = "str",
    .description = "ID of a chardev to use as a backend",
    .print = print_chr,
    .parse = parse_chr,
    .release = release_chr,
};
