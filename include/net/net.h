/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network clients: the two ends of an emulated Ethernet link.
 *
 * A NetClientState is one end: a NIC's (a device model's, created with
 * qemu_new_nic()) or a backend's (-netdev user: net/slirp.c, created
 * with qemu_new_net_client()).  Two clients are peers; a frame one sends
 * with qemu_send_packet() / qemu_sendv_packet_async() goes through the
 * peer's incoming NetQueue to the peer's NetClientInfo.receive, with
 * QEMU's flow control (include/net/queue.h): a receiver that cannot take
 * a frame returns 0, the frame waits in the queue, and the receiver calls
 * qemu_flush_queued_packets() when it can take frames again.
 *
 * Everything here runs in the main loop thread with the BQL held.  See
 * docs/devel/net.md.
 */

#ifndef QEMU_NET_NET_H
#define QEMU_NET_NET_H

#include "qemu/queue.h"
#include "net/queue.h"

typedef struct Error Error;

#define MAC_FMT "%02X:%02X:%02X:%02X:%02X:%02X"
#define MAC_ARG(x) ((uint8_t *)(x))[0], ((uint8_t *)(x))[1], \
                   ((uint8_t *)(x))[2], ((uint8_t *)(x))[3], \
                   ((uint8_t *)(x))[4], ((uint8_t *)(x))[5]

/* Largest frame a client may send (QEMU's NET_BUFSIZE); larger drop. */
#define NET_BUFSIZE (4096 + 65536)

/* Queue pairs of one NIC; the devices here use one. */
#define MAX_QUEUE_NUM 1

typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

/* The peers of a NIC's queues, set by its "netdev" property. */
typedef struct NICPeers {
    NetClientState *ncs[MAX_QUEUE_NUM];
    int32_t queues;
} NICPeers;

/* What a NIC device model gets from its properties. */
typedef struct NICConf {
    MACAddr macaddr;
    NICPeers peers;
} NICConf;

/* The client kinds (QEMU's NetClientDriver, from the QAPI schema). */
typedef enum NetClientDriver {
    NET_CLIENT_DRIVER_NONE,
    NET_CLIENT_DRIVER_NIC,
    NET_CLIENT_DRIVER_USER,
    NET_CLIENT_DRIVER__MAX,
} NetClientDriver;

typedef bool (NetCanReceive)(NetClientState *nc);
typedef ssize_t (NetReceive)(NetClientState *nc, const uint8_t *buf,
                             size_t size);
typedef ssize_t (NetReceiveIOV)(NetClientState *nc, const struct iovec *iov,
                                int iovcnt);
typedef void (NetCleanup)(NetClientState *nc);
typedef void (LinkStatusChanged)(NetClientState *nc);

typedef struct NetClientInfo {
    NetClientDriver type;
    /* Bytes to allocate: the client's state embeds NetClientState first. */
    size_t size;
    /*
     * Take one frame; return its size when consumed (or dropped on
     * purpose), 0 to have it queued until qemu_flush_queued_packets().
     * receive_iov, when set, is preferred.
     */
    NetReceive *receive;
    NetReceiveIOV *receive_iov;
    /* Optional: false makes senders queue. */
    NetCanReceive *can_receive;
    /* Called before the client is freed. */
    NetCleanup *cleanup;
    /* link_down changed (QMP set_link). */
    LinkStatusChanged *link_status_changed;
} NetClientInfo;

struct NetClientState {
    NetClientInfo *info;
    int link_down;
    QTAILQ_ENTRY(NetClientState) next;
    NetClientState *peer;
    NetQueue *incoming_queue;
    char *model;
    char *name;
    /* A receive returned 0: queue until the next flush. */
    unsigned receive_disabled : 1;
    unsigned int queue_index;
    /* Created by -netdev (a backend), not by a device. */
    bool is_netdev;
};

typedef struct NICState {
    NetClientState *ncs;
    NICConf *conf;
    void *opaque;
    bool peer_deleted;
} NICState;

/* Clients */

/*
 * A backend client named @name (the -netdev id), peered with @peer if
 * not NULL.  info->size bytes are allocated, NetClientState first.
 */
NetClientState *qemu_new_net_client(NetClientInfo *info,
                                    NetClientState *peer,
                                    const char *model, const char *name);
/*
 * A NIC with one client per queue, peered with conf->peers; @name
 * defaults to "MODEL.N".  @opaque is the device (qemu_get_nic_opaque).
 */
NICState *qemu_new_nic(NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque);
void qemu_del_nic(NICState *nic);
void qemu_del_net_client(NetClientState *nc);

NetClientState *qemu_get_subqueue(NICState *nic, int queue_index);
NetClientState *qemu_get_queue(NICState *nic);
NICState *qemu_get_nic(NetClientState *nc);
void *qemu_get_nic_opaque(NetClientState *nc);

/* The -netdev client called @id, or NULL. */
NetClientState *qemu_find_netdev(const char *id);

/* Sending */

/* Whether @nc's peer would take a frame now. */
bool qemu_can_send_packet(NetClientState *nc);
bool qemu_can_receive_packet(NetClientState *nc);
/*
 * Send a frame to @nc's peer.  Without a peer, with the link down, or
 * over NET_BUFSIZE the frame is dropped and its size returned.  The
 * _async variants return 0 when the frame was queued: the sender must
 * wait for @sent_cb before sending more.
 */
ssize_t qemu_send_packet(NetClientState *nc, const uint8_t *buf, int size);
ssize_t qemu_send_packet_async(NetClientState *nc, const uint8_t *buf,
                               int size, NetPacketSent *sent_cb);
ssize_t qemu_sendv_packet(NetClientState *nc, const struct iovec *iov,
                          int iovcnt);
ssize_t qemu_sendv_packet_async(NetClientState *nc, const struct iovec *iov,
                                int iovcnt, NetPacketSent *sent_cb);

/*
 * @nc can receive again: deliver what waits in its incoming queue
 * (purging it instead, with @purge, if the receiver still refuses).
 */
void qemu_flush_queued_packets(NetClientState *nc);
void qemu_flush_or_purge_queued_packets(NetClientState *nc, bool purge);
/* Drop what @nc sent that still waits at its peer. */
void qemu_purge_queued_packets(NetClientState *nc);

/* The queue's deliver function: hand one frame to client @opaque. */
ssize_t qemu_deliver_packet_iov(NetClientState *sender, unsigned flags,
                                const struct iovec *iov, int iovcnt,
                                void *opaque);

/* MAC addresses */

/* An unset (all zero) @macaddr gets the next of 52:54:00:12:34:56.. */
void qemu_macaddr_default_if_unset(MACAddr *macaddr);
/* Parse "xx:xx:xx:xx:xx:xx" (or '-' separated); false if malformed. */
bool net_parse_macaddr(uint8_t *macaddr, const char *p);

/* -nic NICs for a board to create (pci_init_nic_devices) */

#define MAX_NICS 8

typedef struct NICInfo {
    MACAddr macaddr;
    char *model;
    NetClientState *netdev;
    bool instantiated;
} NICInfo;

extern int nb_nics;
extern NICInfo nd_table[MAX_NICS];

/*
 * @arg is a -nic model: "help" (or "?") prints @models and returns -1;
 * otherwise the index of @arg in @models, or -1.
 */
int qemu_show_nic_models(const char *arg, const char *const *models);

/* Command line */

/* -netdev TYPE,id=ID,...: create the backend. */
bool netdev_add_opts(const char *optarg, Error **errp);
/* -nic TYPE[,model=M][,mac=MAC][,backend options]: backend + NICInfo. */
bool net_param_nic(const char *optarg, Error **errp);
/* "-netdev help": the backend types this binary has. */
void net_help_backends(void);
/* Warn about clients left without a peer, as QEMU does at start. */
void net_check_clients(void);
/* Delete every client (at exit). */
void net_cleanup(void);

#endif /* QEMU_NET_NET_H */
