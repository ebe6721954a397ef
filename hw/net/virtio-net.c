/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net: a virtio 1.x network device on one queue pair, with the
 * control queue (receive modes, MAC table, VLAN filter, MAC address) and
 * mergeable receive buffers; docs/devel/net.md.
 *
 * Queues: 0 receive, 1 transmit, 2 control (with CTRL_VQ).  Every frame
 * on either ring starts with a struct virtio_net_hdr_mrg_rxbuf (12 bytes:
 * the modern header whatever MRG_RXBUF says).  The device offers no
 * checksum or segmentation offload, so the header it writes is all zero
 * but for num_buffers, and a transmit header asking for an offload is a
 * guest error.
 *
 * Transmit, as QEMU's "bh" mode:
 *   1. the driver notifies the tx queue: notifications go off and the tx
 *      bottom half is scheduled;
 *   2. the bottom half sends up to x-txburst frames to the peer; a frame
 *      the peer queues (qemu_sendv_packet_async() returned 0) stops the
 *      flush until virtio_net_tx_complete() returns its element;
 *   3. a burst that was cut short turns notifications back on and looks
 *      once more, so that a frame added meanwhile is not missed.
 * Receive: the peer calls virtio_net_receive().  Without room for the
 * frame (one buffer, or with MRG_RXBUF enough buffers for all of it) it
 * returns 0 and the frame waits in our NetQueue; the driver adding
 * buffers flushes it (virtio_net_handle_rx).
 *
 * Guest mistakes: a chain without the buffers the protocol needs (a tx
 * chain shorter than the header, an rx or control chain without a
 * device-writable buffer) breaks the device (virtio_error).  Bad frames
 * (runts, frames over the MTU, offload requests) and receive buffers too
 * small for the header or, without MRG_RXBUF, the frame, cost that one
 * frame: it is dropped with a LOG_GUEST_ERROR line and the buffers go
 * back to the driver with length 0.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/iov.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "hw/qdev-properties-system.h"
#include "hw/virtio/virtio-net.h"

/* The config space we expose: mac, status, max_virtqueue_pairs, mtu. */
#define VIRTIO_NET_CONFIG_SIZE  offsetof(struct virtio_net_config, speed)
/* Room for one 802.1Q tag in a frame of MTU bytes of payload. */
#define VLAN_HLEN               4
#define ETH_DEFAULT_MTU         1500

static VirtIONetQueue *virtio_net_get_subqueue(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);

    return &n->vqs[nc->queue_index];
}

static bool virtio_net_started(VirtIONet *n)
{
    return VIRTIO_DEVICE(n)->status & VIRTIO_CONFIG_S_DRIVER_OK;
}

/* Config space and link */

static void virtio_net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    memcpy(config + offsetof(struct virtio_net_config, mac), n->mac,
           ETH_ALEN);
    stw_le_p(config + offsetof(struct virtio_net_config, status),
             n->status);
    stw_le_p(config + offsetof(struct virtio_net_config,
                               max_virtqueue_pairs), 1);
    stw_le_p(config + offsetof(struct virtio_net_config, mtu),
             n->net_conf.mtu);
}

static void virtio_net_set_link_status(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    uint16_t old_status = n->status;

    if (nc->link_down) {
        n->status &= ~VIRTIO_NET_S_LINK_UP;
    } else {
        n->status |= VIRTIO_NET_S_LINK_UP;
    }
    if (n->status != old_status &&
        virtio_host_has_feature(VIRTIO_DEVICE(n), VIRTIO_NET_F_STATUS)) {
        virtio_notify_config(VIRTIO_DEVICE(n));
    }
}

/* Receive */

static bool virtio_net_can_receive(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = virtio_net_get_subqueue(nc);

    return runstate_is_running() && virtio_net_started(n) &&
           virtio_queue_ready(q->rx_vq);
}

/*
 * Whether the rx queue has room for @bufsize bytes (header included):
 * any buffer without MRG_RXBUF, where a too small one costs the frame.
 * When it has not, ask the driver for a notification and look again, so
 * that buffers added in between are not missed.
 */
static bool virtio_net_has_buffers(VirtIONetQueue *q, unsigned int bufsize)
{
    VirtIONet *n = q->n;

    if (virtio_queue_empty(q->rx_vq) ||
        (n->mergeable_rx_bufs &&
         !virtqueue_avail_bytes(q->rx_vq, bufsize, 0))) {
        virtio_queue_set_notification(q->rx_vq, 1);
        if (virtio_queue_empty(q->rx_vq) ||
            (n->mergeable_rx_bufs &&
             !virtqueue_avail_bytes(q->rx_vq, bufsize, 0))) {
            return false;
        }
    }
    virtio_queue_set_notification(q->rx_vq, 0);
    return true;
}

/* QEMU's receive filter: promisc, VLAN, then broadcast/multi/unicast. */
static bool virtio_net_receive_filter(VirtIONet *n, const uint8_t *buf,
                                      size_t size)
{
    static const uint8_t bcast[ETH_ALEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    uint32_t i;

    if (n->promisc) {
        return true;
    }
    if (size >= ETH_HLEN + 2 && lduw_be_p(buf + 12) == ETH_P_8021Q) {
        unsigned int vid = lduw_be_p(buf + 14) & 0xfff;

        if (!(n->vlans[vid >> 5] & (1U << (vid & 0x1f)))) {
            return false;
        }
    }
    if (buf[0] & 1) {
        if (!memcmp(buf, bcast, ETH_ALEN)) {
            return !n->nobcast;
        }
        if (n->nomulti) {
            return false;
        }
        if (n->allmulti || n->mac_table.multi_overflow) {
            return true;
        }
        for (i = n->mac_table.first_multi; i < n->mac_table.in_use; i++) {
            if (!memcmp(buf, &n->mac_table.macs[i * ETH_ALEN], ETH_ALEN)) {
                return true;
            }
        }
        return false;
    }
    if (n->nouni) {
        return false;
    }
    if (n->alluni || n->mac_table.uni_overflow ||
        !memcmp(buf, n->mac, ETH_ALEN)) {
        return true;
    }
    for (i = 0; i < n->mac_table.first_multi; i++) {
        if (!memcmp(buf, &n->mac_table.macs[i * ETH_ALEN], ETH_ALEN)) {
            return true;
        }
    }
    return false;
}

static ssize_t virtio_net_receive(NetClientState *nc, const uint8_t *buf,
                                  size_t size)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = virtio_net_get_subqueue(nc);
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    VirtQueueElement *elems[VIRTQUEUE_MAX_SIZE];
    size_t lens[VIRTQUEUE_MAX_SIZE];
    struct virtio_net_hdr_mrg_rxbuf hdr = {
        .hdr.gso_type = VIRTIO_NET_HDR_GSO_NONE,
    };
    size_t offset = 0;
    unsigned int i = 0, j;

    /* Not ready (a flush before DRIVER_OK): keep the frame queued. */
    if (!virtio_net_can_receive(nc)) {
        return 0;
    }
    if (!virtio_net_has_buffers(q, size + n->guest_hdr_len)) {
        return 0;
    }
    if (!virtio_net_receive_filter(n, buf, size)) {
        return size;
    }

    /* The frame goes after the header, across buffers with MRG_RXBUF. */
    while (offset < size) {
        VirtQueueElement *elem = virtqueue_pop(q->rx_vq, sizeof(*elem));
        size_t room, guest_offset = 0;

        if (!elem) {
            if (i) {
                virtio_error(vdev, "virtio-net unexpected empty queue: "
                             "i %u mergeable %d offset %zu, size %zu",
                             i, n->mergeable_rx_bufs, offset, size);
            }
            goto err;
        }
        if (elem->in_num < 1) {
            virtio_error(vdev, "virtio-net receive queue contains no in "
                         "buffers");
            virtqueue_detach_element(q->rx_vq, elem, 0);
            g_free(elem);
            goto err;
        }
        elems[i] = elem;
        lens[i] = 0;
        i++;
        room = iov_size(elem->in_sg, elem->in_num);
        if (i == 1) {
            if (room < n->guest_hdr_len) {
                qemu_log_mask(LOG_GUEST_ERROR, "%s: rx buffer of %zu bytes "
                              "cannot hold the %zu-byte virtio-net header; "
                              "frame dropped\n", __func__, room,
                              n->guest_hdr_len);
                goto drop;
            }
            if (!n->mergeable_rx_bufs &&
                room < n->guest_hdr_len + size) {
                qemu_log_mask(LOG_GUEST_ERROR, "%s: rx buffer of %zu bytes "
                              "too small for a %zu-byte frame without "
                              "mergeable buffers; frame dropped\n",
                              __func__, room, size);
                goto drop;
            }
            guest_offset = n->guest_hdr_len;
            lens[0] = n->guest_hdr_len;
        }
        j = iov_from_buf(elem->in_sg, elem->in_num, guest_offset,
                         buf + offset, size - offset);
        offset += j;
        lens[i - 1] += j;
        if (offset < size && i == VIRTQUEUE_MAX_SIZE) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: %zu-byte frame needs more "
                          "than %u rx buffers; frame dropped\n", __func__,
                          size, VIRTQUEUE_MAX_SIZE);
            goto drop;
        }
    }

    hdr.num_buffers = cpu_to_le16(i);
    iov_from_buf(elems[0]->in_sg, elems[0]->in_num, 0, &hdr,
                 n->guest_hdr_len);
    for (j = 0; j < i; j++) {
        virtqueue_fill(q->rx_vq, elems[j], lens[j], j);
        g_free(elems[j]);
    }
    virtqueue_flush(q->rx_vq, i);
    virtio_notify(vdev, q->rx_vq);
    return size;

drop:
    /* The frame is lost; its buffers go back to the driver, empty. */
    for (j = 0; j < i; j++) {
        virtqueue_fill(q->rx_vq, elems[j], 0, j);
        g_free(elems[j]);
    }
    virtqueue_flush(q->rx_vq, i);
    virtio_notify(vdev, q->rx_vq);
    return size;

err:
    for (j = 0; j < i; j++) {
        virtqueue_detach_element(q->rx_vq, elems[j], 0);
        g_free(elems[j]);
    }
    return -1;
}

/* The driver added rx buffers: frames waiting for them can go. */
static void virtio_net_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    qemu_flush_queued_packets(qemu_get_subqueue(n->nic, 0));
}

/* Transmit */

static int32_t virtio_net_flush_tx(VirtIONetQueue *q);

static void virtio_net_tx_complete(NetClientState *nc, ssize_t len)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = virtio_net_get_subqueue(nc);
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    VirtQueueElement *elem = q->async_tx.elem;

    /* Stopping the device took the element back already. */
    if (!elem) {
        return;
    }
    q->async_tx.elem = NULL;
    virtqueue_push(q->tx_vq, elem, 0);
    virtio_notify(vdev, q->tx_vq);
    g_free(elem);

    virtio_queue_set_notification(q->tx_vq, 1);
    if (virtio_net_flush_tx(q) >= n->net_conf.txburst) {
        virtio_queue_set_notification(q->tx_vq, 0);
        qemu_bh_schedule(q->tx_bh);
        q->tx_waiting = true;
    }
}

/*
 * Whether the frame after the header is one we send: no offload asked,
 * at least an Ethernet header, at most the MTU plus a VLAN tag.
 */
static bool virtio_net_tx_frame_ok(VirtIONet *n,
                                   const struct virtio_net_hdr *hdr,
                                   size_t size)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    size_t mtu = ETH_DEFAULT_MTU;

    if (virtio_vdev_has_feature(vdev, VIRTIO_NET_F_MTU)) {
        mtu = n->net_conf.mtu;
    }
    if (hdr->gso_type != VIRTIO_NET_HDR_GSO_NONE ||
        (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: offload requested (gso_type "
                      "%u, flags 0x%x) but none negotiated; frame "
                      "dropped\n", __func__, hdr->gso_type, hdr->flags);
        return false;
    }
    if (size < ETH_HLEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: runt frame of %zu bytes "
                      "dropped\n", __func__, size);
        return false;
    }
    if (size > mtu + ETH_HLEN + VLAN_HLEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %zu-byte frame exceeds the "
                      "MTU of %zu; dropped\n", __func__, size, mtu);
        return false;
    }
    return true;
}

/*
 * Send up to txburst frames.  Returns how many, -EBUSY when the peer
 * queued one (wait for virtio_net_tx_complete), -EINVAL when the
 * device broke.
 */
static int32_t virtio_net_flush_tx(VirtIONetQueue *q)
{
    VirtIONet *n = q->n;
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    NetClientState *nc = qemu_get_subqueue(n->nic, 0);
    int32_t num_packets = 0;

    if (!virtio_net_started(n)) {
        return num_packets;
    }
    if (q->async_tx.elem) {
        virtio_queue_set_notification(q->tx_vq, 0);
        return num_packets;
    }
    for (;;) {
        struct iovec sg[VIRTQUEUE_MAX_SIZE];
        struct virtio_net_hdr hdr;
        VirtQueueElement *elem;
        unsigned int sg_num;
        size_t size;
        ssize_t ret;

        elem = virtqueue_pop(q->tx_vq, sizeof(*elem));
        if (!elem) {
            break;
        }
        size = iov_size(elem->out_sg, elem->out_num);
        if (size < n->guest_hdr_len) {
            virtio_error(vdev, "virtio-net tx chain of %zu bytes shorter "
                         "than the %zu-byte header", size, n->guest_hdr_len);
            virtqueue_detach_element(q->tx_vq, elem, 0);
            g_free(elem);
            return -EINVAL;
        }
        iov_to_buf(elem->out_sg, elem->out_num, 0, &hdr, sizeof(hdr));
        size -= n->guest_hdr_len;
        if (virtio_net_tx_frame_ok(n, &hdr, size)) {
            sg_num = iov_copy(sg, ARRAY_SIZE(sg), elem->out_sg,
                              elem->out_num, n->guest_hdr_len, size);
            ret = qemu_sendv_packet_async(nc, sg, sg_num,
                                          virtio_net_tx_complete);
            if (ret == 0) {
                virtio_queue_set_notification(q->tx_vq, 0);
                q->async_tx.elem = elem;
                return -EBUSY;
            }
        }
        virtqueue_push(q->tx_vq, elem, 0);
        virtio_notify(vdev, q->tx_vq);
        g_free(elem);
        if (++num_packets >= n->net_conf.txburst) {
            break;
        }
    }
    return num_packets;
}

/* With the link down the guest's frames go nowhere: return them. */
static void virtio_net_drop_tx_queue_data(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;
    unsigned int dropped = 0;

    while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
        virtqueue_push(vq, elem, 0);
        g_free(elem);
        dropped++;
    }
    if (dropped) {
        virtio_notify(vdev, vq);
    }
}

static void virtio_net_handle_tx_bh(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);
    VirtIONetQueue *q = &n->vqs[0];

    if (!(n->status & VIRTIO_NET_S_LINK_UP)) {
        virtio_net_drop_tx_queue_data(vdev, vq);
        return;
    }
    if (q->tx_waiting) {
        return;
    }
    q->tx_waiting = true;
    virtio_queue_set_notification(vq, 0);
    qemu_bh_schedule(q->tx_bh);
}

static void virtio_net_tx_bh(void *opaque)
{
    VirtIONetQueue *q = opaque;
    VirtIONet *n = q->n;
    int32_t ret;

    q->tx_waiting = false;
    if (!virtio_net_started(n)) {
        return;
    }
    ret = virtio_net_flush_tx(q);
    if (ret == -EBUSY || ret == -EINVAL) {
        return;
    }
    /* A full burst: more are likely coming, go again soon. */
    if (ret >= n->net_conf.txburst) {
        qemu_bh_schedule(q->tx_bh);
        q->tx_waiting = true;
        return;
    }
    virtio_queue_set_notification(q->tx_vq, 1);
    ret = virtio_net_flush_tx(q);
    if (ret > 0) {
        virtio_queue_set_notification(q->tx_vq, 0);
        qemu_bh_schedule(q->tx_bh);
        q->tx_waiting = true;
    }
}

/* The control queue */

static uint8_t virtio_net_handle_rx_mode(VirtIONet *n, uint8_t cmd,
                                         struct iovec *iov,
                                         unsigned int iov_cnt)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    uint8_t on;

    if (!virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_RX) ||
        iov_to_buf(iov, iov_cnt, 0, &on, sizeof(on)) != sizeof(on)) {
        return VIRTIO_NET_ERR;
    }
    if (cmd > VIRTIO_NET_CTRL_RX_ALLMULTI &&
        !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_RX_EXTRA)) {
        return VIRTIO_NET_ERR;
    }
    switch (cmd) {
    case VIRTIO_NET_CTRL_RX_PROMISC:
        n->promisc = on;
        break;
    case VIRTIO_NET_CTRL_RX_ALLMULTI:
        n->allmulti = on;
        break;
    case VIRTIO_NET_CTRL_RX_ALLUNI:
        n->alluni = on;
        break;
    case VIRTIO_NET_CTRL_RX_NOMULTI:
        n->nomulti = on;
        break;
    case VIRTIO_NET_CTRL_RX_NOUNI:
        n->nouni = on;
        break;
    case VIRTIO_NET_CTRL_RX_NOBCAST:
        n->nobcast = on;
        break;
    default:
        return VIRTIO_NET_ERR;
    }
    return VIRTIO_NET_OK;
}

/*
 * One table of a MAC_TABLE_SET: le32 entries, then entries MACs.  The
 * MACs go to @macs[*@in_use..] if they fit, else *@overflow is set.
 */
static bool virtio_net_read_mac_table(struct iovec **iov,
                                      unsigned int *iov_cnt, bool last,
                                      uint8_t *macs, uint32_t *in_use,
                                      uint8_t *overflow)
{
    uint32_t entries;
    size_t bytes;

    if (iov_to_buf(*iov, *iov_cnt, 0, &entries, sizeof(entries)) !=
        sizeof(entries)) {
        return false;
    }
    iov_discard_front(iov, iov_cnt, sizeof(entries));
    entries = le32_to_cpu(entries);
    bytes = (size_t)entries * ETH_ALEN;
    /* The multicast table ends the command: nothing may follow it. */
    if (bytes > iov_size(*iov, *iov_cnt) ||
        (last && bytes != iov_size(*iov, *iov_cnt))) {
        return false;
    }
    if (entries <= MAC_TABLE_ENTRIES - *in_use) {
        iov_to_buf(*iov, *iov_cnt, 0, macs + *in_use * ETH_ALEN, bytes);
        *in_use += entries;
    } else {
        *overflow = 1;
    }
    iov_discard_front(iov, iov_cnt, bytes);
    return true;
}

static uint8_t virtio_net_handle_mac(VirtIONet *n, uint8_t cmd,
                                     struct iovec *iov, unsigned int iov_cnt)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    g_autofree uint8_t *macs = NULL;
    uint32_t in_use = 0, first_multi;
    uint8_t uni_overflow = 0, multi_overflow = 0;

    if (cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET) {
        if (!virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR) ||
            iov_size(iov, iov_cnt) != ETH_ALEN) {
            return VIRTIO_NET_ERR;
        }
        iov_to_buf(iov, iov_cnt, 0, n->mac, ETH_ALEN);
        return VIRTIO_NET_OK;
    }
    if (cmd != VIRTIO_NET_CTRL_MAC_TABLE_SET ||
        !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_RX)) {
        return VIRTIO_NET_ERR;
    }
    /* Build the new table aside: a malformed command changes nothing. */
    macs = g_malloc0(MAC_TABLE_ENTRIES * ETH_ALEN);
    if (!virtio_net_read_mac_table(&iov, &iov_cnt, false, macs, &in_use,
                                   &uni_overflow)) {
        return VIRTIO_NET_ERR;
    }
    first_multi = in_use;
    if (!virtio_net_read_mac_table(&iov, &iov_cnt, true, macs, &in_use,
                                   &multi_overflow)) {
        return VIRTIO_NET_ERR;
    }
    n->mac_table.in_use = in_use;
    n->mac_table.first_multi = first_multi;
    n->mac_table.uni_overflow = uni_overflow;
    n->mac_table.multi_overflow = multi_overflow;
    memcpy(n->mac_table.macs, macs, MAC_TABLE_ENTRIES * ETH_ALEN);
    return VIRTIO_NET_OK;
}

static uint8_t virtio_net_handle_vlan_table(VirtIONet *n, uint8_t cmd,
                                            struct iovec *iov,
                                            unsigned int iov_cnt)
{
    uint16_t vid;

    if (!virtio_vdev_has_feature(VIRTIO_DEVICE(n), VIRTIO_NET_F_CTRL_VLAN) ||
        iov_to_buf(iov, iov_cnt, 0, &vid, sizeof(vid)) != sizeof(vid)) {
        return VIRTIO_NET_ERR;
    }
    vid = le16_to_cpu(vid);
    if (vid >= MAX_VLAN) {
        return VIRTIO_NET_ERR;
    }
    if (cmd == VIRTIO_NET_CTRL_VLAN_ADD) {
        n->vlans[vid >> 5] |= 1U << (vid & 0x1f);
    } else if (cmd == VIRTIO_NET_CTRL_VLAN_DEL) {
        n->vlans[vid >> 5] &= ~(1U << (vid & 0x1f));
    } else {
        return VIRTIO_NET_ERR;
    }
    return VIRTIO_NET_OK;
}

static void virtio_net_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
        struct virtio_net_ctrl_hdr ctrl;
        uint8_t status = VIRTIO_NET_ERR;
        g_autofree struct iovec *iov = NULL;
        struct iovec *cmd_iov;
        unsigned int iov_cnt = elem->out_num;

        if (iov_size(elem->in_sg, elem->in_num) < sizeof(status) ||
            iov_size(elem->out_sg, elem->out_num) < sizeof(ctrl)) {
            virtio_error(vdev, "virtio-net ctrl missing headers");
            virtqueue_detach_element(vq, elem, 0);
            g_free(elem);
            break;
        }
        /* A copy: iov_discard_front() moves through it. */
        iov = g_memdup2(elem->out_sg, sizeof(struct iovec) * elem->out_num);
        cmd_iov = iov;
        iov_to_buf(cmd_iov, iov_cnt, 0, &ctrl, sizeof(ctrl));
        iov_discard_front(&cmd_iov, &iov_cnt, sizeof(ctrl));
        switch (ctrl.class) {
        case VIRTIO_NET_CTRL_RX:
            status = virtio_net_handle_rx_mode(n, ctrl.cmd, cmd_iov,
                                               iov_cnt);
            break;
        case VIRTIO_NET_CTRL_MAC:
            status = virtio_net_handle_mac(n, ctrl.cmd, cmd_iov, iov_cnt);
            break;
        case VIRTIO_NET_CTRL_VLAN:
            status = virtio_net_handle_vlan_table(n, ctrl.cmd, cmd_iov,
                                                  iov_cnt);
            break;
        default:
            break;
        }
        iov_from_buf(elem->in_sg, elem->in_num, 0, &status, sizeof(status));
        virtqueue_push(vq, elem, sizeof(status));
        virtio_notify(vdev, vq);
        g_free(elem);
    }
}

/* Features, status, reset */

static uint64_t virtio_net_get_features(VirtIODevice *vdev,
                                        uint64_t features, Error **errp)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    features |= n->host_features;
    virtio_add_feature(&features, VIRTIO_NET_F_MAC);
    if (!virtio_has_feature(features, VIRTIO_NET_F_CTRL_VQ)) {
        virtio_clear_feature(&features, VIRTIO_NET_F_CTRL_RX);
        virtio_clear_feature(&features, VIRTIO_NET_F_CTRL_RX_EXTRA);
        virtio_clear_feature(&features, VIRTIO_NET_F_CTRL_VLAN);
        virtio_clear_feature(&features, VIRTIO_NET_F_CTRL_MAC_ADDR);
    }
    if (n->net_conf.mtu) {
        virtio_add_feature(&features, VIRTIO_NET_F_MTU);
    }
    return features;
}

static void virtio_net_set_features(VirtIODevice *vdev, uint64_t features)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    n->mergeable_rx_bufs = virtio_has_feature(features,
                                              VIRTIO_NET_F_MRG_RXBUF);
    /* Without the VLAN filter every VLAN passes. */
    memset(n->vlans, virtio_has_feature(features, VIRTIO_NET_F_CTRL_VLAN)
           ? 0 : 0xff, MAX_VLAN >> 3);
}

/*
 * Without DRIVER_OK (reset included) nothing moves: the tx bottom half
 * is cancelled, a frame the peer still queues is taken back and frames
 * waiting for our rx queue are dropped.  Frames that arrive later wait
 * until the driver, running, notifies the rx queue.
 */
static int virtio_net_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIONet *n = VIRTIO_NET(vdev);
    VirtIONetQueue *q = &n->vqs[0];
    NetClientState *nc = qemu_get_subqueue(n->nic, 0);

    if (status & VIRTIO_CONFIG_S_DRIVER_OK) {
        return 0;
    }
    if (nc->peer) {
        qemu_net_queue_purge(nc->incoming_queue, nc->peer);
    }
    qemu_bh_cancel(q->tx_bh);
    q->tx_waiting = false;
    if (q->async_tx.elem) {
        VirtQueueElement *elem = q->async_tx.elem;

        q->async_tx.elem = NULL;
        qemu_purge_queued_packets(nc);
        virtqueue_detach_element(q->tx_vq, elem, 0);
        g_free(elem);
    }
    return 0;
}

static void virtio_net_reset(VirtIODevice *vdev)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    n->promisc = 1;
    n->allmulti = 0;
    n->alluni = 0;
    n->nomulti = 0;
    n->nouni = 0;
    n->nobcast = 0;
    n->mac_table.in_use = 0;
    n->mac_table.first_multi = 0;
    n->mac_table.multi_overflow = 0;
    n->mac_table.uni_overflow = 0;
    memset(n->mac_table.macs, 0, MAC_TABLE_ENTRIES * ETH_ALEN);
    memcpy(n->mac, n->nic_conf.macaddr.a, ETH_ALEN);
    memset(n->vlans, 0xff, MAX_VLAN >> 3);
    n->mergeable_rx_bufs = false;
}

/* Life cycle */

void virtio_net_set_netclient_name(VirtIONet *n, const char *name,
                                   const char *type)
{
    g_free(n->netclient_name);
    g_free(n->netclient_type);
    n->netclient_name = g_strdup(name);
    n->netclient_type = g_strdup(type);
}

static NetClientInfo net_virtio_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = virtio_net_can_receive,
    .receive = virtio_net_receive,
    .link_status_changed = virtio_net_set_link_status,
};

static bool virtio_net_check_queue_size(const char *name, uint16_t size,
                                        Error **errp)
{
    if (size < VIRTIO_NET_QUEUE_MIN_SIZE || size > VIRTQUEUE_MAX_SIZE ||
        (size & (size - 1))) {
        error_setg(errp, "Invalid %s (= %u), must be a power of 2 between "
                   "%d and %d.", name, size, VIRTIO_NET_QUEUE_MIN_SIZE,
                   VIRTQUEUE_MAX_SIZE);
        return false;
    }
    return true;
}

static void virtio_net_device_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIONet *n = VIRTIO_NET(dev);
    NetClientState *nc;

    if (!virtio_net_check_queue_size("rx_queue_size",
                                     n->net_conf.rx_queue_size, errp) ||
        !virtio_net_check_queue_size("tx_queue_size",
                                     n->net_conf.tx_queue_size, errp)) {
        return;
    }
    /* 68 is the smallest MTU IPv4 allows (RFC 791). */
    if (n->net_conf.mtu && n->net_conf.mtu < 68) {
        error_setg(errp, "Invalid host_mtu (= %u), must be at least 68",
                   n->net_conf.mtu);
        return;
    }
    if (!n->net_conf.txburst) {
        error_setg(errp, "Invalid x-txburst (= 0), must be at least 1");
        return;
    }

    virtio_init(vdev, VIRTIO_ID_NET, VIRTIO_NET_CONFIG_SIZE);
    n->vqs[0].n = n;
    n->vqs[0].rx_vq = virtio_add_queue(vdev, n->net_conf.rx_queue_size,
                                       virtio_net_handle_rx);
    n->vqs[0].tx_vq = virtio_add_queue(vdev, n->net_conf.tx_queue_size,
                                       virtio_net_handle_tx_bh);
    n->vqs[0].tx_bh = virtio_bh_new_guarded(dev, virtio_net_tx_bh,
                                            &n->vqs[0]);
    n->ctrl_vq = virtio_add_queue(vdev, 64, virtio_net_handle_ctrl);
    n->guest_hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);

    qemu_macaddr_default_if_unset(&n->nic_conf.macaddr);
    memcpy(n->mac, n->nic_conf.macaddr.a, ETH_ALEN);
    n->status = VIRTIO_NET_S_LINK_UP;
    n->mac_table.macs = g_malloc0(MAC_TABLE_ENTRIES * ETH_ALEN);
    n->vlans = g_malloc(MAX_VLAN >> 3);
    memset(n->vlans, 0xff, MAX_VLAN >> 3);
    n->promisc = 1;

    n->nic = qemu_new_nic(&net_virtio_info, &n->nic_conf,
                          n->netclient_type ? n->netclient_type
                                            : object_get_typename(OBJECT(dev)),
                          n->netclient_name ? n->netclient_name : dev->id,
                          n);
    nc = qemu_get_queue(n->nic);
    /* A backend whose link is already down starts us with it down. */
    if (nc->peer && nc->peer->link_down) {
        nc->link_down = 1;
        n->status &= ~VIRTIO_NET_S_LINK_UP;
    }
}

static void virtio_net_device_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIONet *n = VIRTIO_NET(dev);

    virtio_net_set_status(vdev, 0);
    qemu_del_nic(n->nic);
    n->nic = NULL;
    qemu_bh_delete(n->vqs[0].tx_bh);
    g_free(n->mac_table.macs);
    g_free(n->vlans);
    virtio_cleanup(vdev);
}

static void virtio_net_instance_finalize(Object *obj)
{
    VirtIONet *n = VIRTIO_NET(obj);

    g_free(n->netclient_name);
    g_free(n->netclient_type);
}

static const Property virtio_net_properties[] = {
    DEFINE_PROP_BIT64("mrg_rxbuf", VirtIONet, host_features,
                      VIRTIO_NET_F_MRG_RXBUF, true),
    DEFINE_PROP_BIT64("status", VirtIONet, host_features,
                      VIRTIO_NET_F_STATUS, true),
    DEFINE_PROP_BIT64("ctrl_vq", VirtIONet, host_features,
                      VIRTIO_NET_F_CTRL_VQ, true),
    DEFINE_PROP_BIT64("ctrl_rx", VirtIONet, host_features,
                      VIRTIO_NET_F_CTRL_RX, true),
    DEFINE_PROP_BIT64("ctrl_vlan", VirtIONet, host_features,
                      VIRTIO_NET_F_CTRL_VLAN, true),
    DEFINE_PROP_BIT64("ctrl_rx_extra", VirtIONet, host_features,
                      VIRTIO_NET_F_CTRL_RX_EXTRA, true),
    DEFINE_PROP_BIT64("ctrl_mac_addr", VirtIONet, host_features,
                      VIRTIO_NET_F_CTRL_MAC_ADDR, true),
    DEFINE_NIC_PROPERTIES(VirtIONet, nic_conf),
    DEFINE_PROP_UINT32("x-txburst", VirtIONet, net_conf.txburst, TX_BURST),
    DEFINE_PROP_UINT16("rx_queue_size", VirtIONet, net_conf.rx_queue_size,
                       VIRTIO_NET_RX_QUEUE_DEFAULT_SIZE),
    DEFINE_PROP_UINT16("tx_queue_size", VirtIONet, net_conf.tx_queue_size,
                       VIRTIO_NET_TX_QUEUE_DEFAULT_SIZE),
    DEFINE_PROP_UINT16("host_mtu", VirtIONet, net_conf.mtu, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_net_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    device_class_set_props(dc, virtio_net_properties);
    dc->desc = "virtio network device";
    vdc->realize = virtio_net_device_realize;
    vdc->unrealize = virtio_net_device_unrealize;
    vdc->get_config = virtio_net_get_config;
    vdc->get_features = virtio_net_get_features;
    vdc->set_features = virtio_net_set_features;
    vdc->set_status = virtio_net_set_status;
    vdc->reset = virtio_net_reset;
}

static const TypeInfo virtio_net_info = {
    .name = TYPE_VIRTIO_NET,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIONet),
    .instance_finalize = virtio_net_instance_finalize,
    .class_init = virtio_net_class_init,
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_net_info);
}

type_init(virtio_register_types)
