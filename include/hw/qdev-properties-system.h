/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device properties that refer to the rest of the emulator: the network
 * backend a NIC uses and its MAC address, the chardev of a serial port.
 */

#ifndef HW_QDEV_PROPERTIES_SYSTEM_H
#define HW_QDEV_PROPERTIES_SYSTEM_H

#include "hw/qdev-properties.h"
#include "net/net.h"

/* "52:54:00:12:34:56" into a MACAddr. */
extern const PropertyInfo qdev_prop_macaddr;
/* A -netdev id into NICPeers; a backend serves one NIC only. */
extern const PropertyInfo qdev_prop_netdev;

/* A chardev id, attaching the device's CharBackend to it. */
extern const PropertyInfo qdev_prop_chr;

#define DEFINE_PROP_MACADDR(_n, _s, _f) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_macaddr, MACAddr)
#define DEFINE_PROP_NETDEV(_n, _s, _f) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_netdev, NICPeers)

#define DEFINE_PROP_CHR(_n, _s, _f) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_chr, CharBackend)

/* The properties every NIC has: "mac" and "netdev" of its NICConf. */
#define DEFINE_NIC_PROPERTIES(_state, _conf)                            \
    DEFINE_PROP_MACADDR("mac", _state, _conf.macaddr),                  \
    DEFINE_PROP_NETDEV("netdev", _state, _conf.peers)

#endif /* HW_QDEV_PROPERTIES_SYSTEM_H */
