/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NetQueue: per-receiver packet queues with QEMU's flow control
 * (include/net/queue.h).
 *
 * A packet's way through qemu_net_queue_send():
 *   1. the receiver is busy (a delivery is running: a receive that sends
 *      again) or cannot receive: append, return 0;
 *   2. otherwise deliver; a receiver that returns 0 did not take it:
 *      append, return 0 (the client layer also marks it receive_disabled,
 *      so later packets queue behind this one and keep their order);
 *   3. delivered: try the packets that waited, then return the size.
 * Appending copies the packet.  A sender with a sent_cb always gets its
 * packet queued (it has stopped sending until the callback); one without
 * loses it when NET_QUEUE_DEFAULT_MAXLEN packets wait already.
 */

#include "qemu/osdep.h"
#include "qemu/queue.h"
#include "net/net.h"
#include "net/queue.h"

struct NetPacket {
    QTAILQ_ENTRY(NetPacket) entry;
    NetClientState *sender;
    unsigned flags;
    size_t size;
    NetPacketSent *sent_cb;
    uint8_t data[];
};

struct NetQueue {
    void *opaque;
    NetQueueDeliverFunc *deliver;
    uint32_t nq_maxlen;
    uint32_t nq_count;
    QTAILQ_HEAD(, NetPacket) packets;
    /* deliver() is running: a nested send must queue. */
    bool delivering;
};

NetQueue *qemu_new_net_queue(NetQueueDeliverFunc *deliver, void *opaque)
{
    NetQueue *queue = g_new0(NetQueue, 1);

    queue->opaque = opaque;
    queue->deliver = deliver;
    queue->nq_maxlen = NET_QUEUE_DEFAULT_MAXLEN;
    QTAILQ_INIT(&queue->packets);
    return queue;
}

void qemu_del_net_queue(NetQueue *queue)
{
    NetPacket *packet, *next;

    QTAILQ_FOREACH_SAFE(packet, &queue->packets, entry, next) {
        QTAILQ_REMOVE(&queue->packets, packet, entry);
        g_free(packet);
    }
    g_free(queue);
}

void qemu_net_queue_append_iov(NetQueue *queue, NetClientState *sender,
                               unsigned flags, const struct iovec *iov,
                               int iovcnt, NetPacketSent *sent_cb)
{
    size_t size = iov_size(iov, iovcnt);
    NetPacket *packet;

    if (queue->nq_count >= queue->nq_maxlen && !sent_cb) {
        return;
    }
    packet = g_malloc(sizeof(*packet) + size);
    packet->sender = sender;
    packet->flags = flags;
    packet->size = size;
    packet->sent_cb = sent_cb;
    iov_to_buf(iov, iovcnt, 0, packet->data, size);
    QTAILQ_INSERT_TAIL(&queue->packets, packet, entry);
    queue->nq_count++;
}

static ssize_t qemu_net_queue_deliver(NetQueue *queue, NetClientState *sender,
                                      unsigned flags,
                                      const struct iovec *iov, int iovcnt)
{
    ssize_t ret;

    queue->delivering = true;
    ret = queue->deliver(sender, flags, iov, iovcnt, queue->opaque);
    queue->delivering = false;
    return ret;
}

ssize_t qemu_net_queue_receive_iov(NetQueue *queue,
                                   const struct iovec *iov, int iovcnt)
{
    if (queue->delivering) {
        return 0;
    }
    return qemu_net_queue_deliver(queue, NULL, QEMU_NET_PACKET_FLAG_NONE,
                                  iov, iovcnt);
}

ssize_t qemu_net_queue_receive(NetQueue *queue, const uint8_t *data,
                               size_t size)
{
    struct iovec iov = { .iov_base = (void *)data, .iov_len = size };

    return qemu_net_queue_receive_iov(queue, &iov, 1);
}

ssize_t qemu_net_queue_send_iov(NetQueue *queue, NetClientState *sender,
                                unsigned flags, const struct iovec *iov,
                                int iovcnt, NetPacketSent *sent_cb)
{
    ssize_t ret;

    if (queue->delivering || !qemu_can_send_packet(sender)) {
        qemu_net_queue_append_iov(queue, sender, flags, iov, iovcnt,
                                  sent_cb);
        return 0;
    }
    ret = qemu_net_queue_deliver(queue, sender, flags, iov, iovcnt);
    if (ret == 0) {
        qemu_net_queue_append_iov(queue, sender, flags, iov, iovcnt,
                                  sent_cb);
        return 0;
    }
    qemu_net_queue_flush(queue);
    return ret;
}

ssize_t qemu_net_queue_send(NetQueue *queue, NetClientState *sender,
                            unsigned flags, const uint8_t *data,
                            size_t size, NetPacketSent *sent_cb)
{
    struct iovec iov = { .iov_base = (void *)data, .iov_len = size };

    return qemu_net_queue_send_iov(queue, sender, flags, &iov, 1, sent_cb);
}

void qemu_net_queue_purge(NetQueue *queue, NetClientState *from)
{
    NetPacket *packet, *next;

    QTAILQ_FOREACH_SAFE(packet, &queue->packets, entry, next) {
        if (packet->sender != from) {
            continue;
        }
        QTAILQ_REMOVE(&queue->packets, packet, entry);
        queue->nq_count--;
        if (packet->sent_cb) {
            packet->sent_cb(packet->sender, 0);
        }
        g_free(packet);
    }
}

bool qemu_net_queue_flush(NetQueue *queue)
{
    if (queue->delivering) {
        return false;
    }
    while (!QTAILQ_EMPTY(&queue->packets)) {
        NetPacket *packet = QTAILQ_FIRST(&queue->packets);
        struct iovec iov = {
            .iov_base = packet->data,
            .iov_len = packet->size,
        };
        ssize_t ret;

        /*
         * Off the list while it is delivered: a receive that sends back
         * through this queue must not see it again.
         */
        QTAILQ_REMOVE(&queue->packets, packet, entry);
        queue->nq_count--;
        ret = qemu_net_queue_deliver(queue, packet->sender, packet->flags,
                                     &iov, 1);
        if (ret == 0) {
            queue->nq_count++;
            QTAILQ_INSERT_HEAD(&queue->packets, packet, entry);
            return false;
        }
        if (packet->sent_cb) {
            packet->sent_cb(packet->sender, ret);
        }
        g_free(packet);
    }
    return true;
}
