/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net: the virtio network device (virtio id 1), one queue pair and
 * the control queue; docs/devel/net.md.
 *
 * The wire format (config space, the per-frame header, control commands)
 * is the kernel's <linux/virtio_net.h>.  Offered: MAC, STATUS, MRG_RXBUF,
 * CTRL_VQ with CTRL_RX, CTRL_RX_EXTRA, CTRL_VLAN and CTRL_MAC_ADDR, and
 * MTU when host_mtu is set; no checksum or segmentation offloads.
 */

#ifndef HW_VIRTIO_VIRTIO_NET_H
#define HW_VIRTIO_VIRTIO_NET_H

#include <linux/virtio_net.h>

#include "hw/virtio/virtio.h"
#include "net/net.h"

#define TYPE_VIRTIO_NET "virtio-net-device"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIONet, VIRTIO_NET)

/* Packets the tx bottom half sends before it lets others run. */
#define TX_BURST 256
/* Entries of the MAC filter table (unicast and multicast together). */
#define MAC_TABLE_ENTRIES 64
/* VLAN ids the filter knows: 12 bits. */
#define MAX_VLAN (1 << 12)

#define VIRTIO_NET_RX_QUEUE_DEFAULT_SIZE 256
#define VIRTIO_NET_TX_QUEUE_DEFAULT_SIZE 256
#define VIRTIO_NET_QUEUE_MIN_SIZE 256

typedef struct virtio_net_conf {
    uint32_t txburst;
    uint16_t rx_queue_size;
    uint16_t tx_queue_size;
    /* host_mtu: offered with VIRTIO_NET_F_MTU when nonzero. */
    uint16_t mtu;
} virtio_net_conf;

typedef struct VirtIONet VirtIONet;

typedef struct VirtIONetQueue {
    VirtQueue *rx_vq;
    VirtQueue *tx_vq;
    QEMUBH *tx_bh;
    /* The bottom half is scheduled (or notifications are off for it). */
    bool tx_waiting;
    /* A frame the backend queued: wait for virtio_net_tx_complete(). */
    struct {
        VirtQueueElement *elem;
    } async_tx;
    VirtIONet *n;
} VirtIONetQueue;

struct VirtIONet {
    VirtIODevice parent_obj;

    /* The address the filter accepts (CTRL_MAC_ADDR can change it). */
    uint8_t mac[ETH_ALEN];
    uint16_t status;
    VirtIONetQueue vqs[1];
    VirtQueue *ctrl_vq;
    NICState *nic;
    /* Offered features, from the properties. */
    uint64_t host_features;
    /* Bytes of virtio-net header each frame carries (VERSION_1: 12). */
    size_t guest_hdr_len;
    bool mergeable_rx_bufs;
    /* Receive filter (VIRTIO_NET_CTRL_RX); promisc after reset. */
    uint8_t promisc;
    uint8_t allmulti;
    uint8_t alluni;
    uint8_t nomulti;
    uint8_t nouni;
    uint8_t nobcast;
    struct {
        uint32_t in_use;
        uint32_t first_multi;   /* entries before it are unicast */
        uint8_t multi_overflow;
        uint8_t uni_overflow;
        uint8_t *macs;
    } mac_table;
    /* Bit per VLAN id; all set unless CTRL_VLAN was negotiated. */
    uint32_t *vlans;
    virtio_net_conf net_conf;
    NICConf nic_conf;
    /* Set by the transport: the NIC's name and model ("virtio-net-pci"). */
    char *netclient_name;
    char *netclient_type;
};

/* The NIC is called @name (the proxy's id) of model @type. */
void virtio_net_set_netclient_name(VirtIONet *n, const char *name,
                                   const char *type);

#endif /* HW_VIRTIO_VIRTIO_NET_H */
