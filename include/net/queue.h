/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NetQueue: the packets waiting for one receiver, QEMU's flow control.
 *
 * Every NetClientState owns an incoming queue whose deliver function hands
 * a packet to that client's receive.  A sender calls qemu_net_queue_send()
 * on its peer's queue.  The packet is delivered at once unless the
 * receiver cannot take it (can_receive false, an earlier receive returned
 * 0, or a delivery is already in progress); then it is appended and the
 * send returns 0.  A sender that passed a sent_cb must stop sending until
 * that callback runs; one that did not has its packet dropped once the
 * queue holds NET_QUEUE_DEFAULT_MAXLEN packets.  When the receiver can
 * take packets again it calls qemu_flush_queued_packets(), which delivers
 * the queue in order and runs each packet's sent_cb.
 */

#ifndef QEMU_NET_QUEUE_H
#define QEMU_NET_QUEUE_H

#include "qemu/iov.h"

typedef struct NetClientState NetClientState;
typedef struct NetPacket NetPacket;
typedef struct NetQueue NetQueue;

/* A queued packet of @sender was delivered (@ret bytes) or purged (0). */
typedef void (NetPacketSent)(NetClientState *sender, ssize_t ret);

#define QEMU_NET_PACKET_FLAG_NONE  0
#define QEMU_NET_PACKET_FLAG_RAW   (1 << 0)

/* Packets a queue holds for senders without a sent_cb. */
#define NET_QUEUE_DEFAULT_MAXLEN   10000

/*
 * Hand one packet to the receiver; returns its size when consumed (or
 * dropped on purpose), 0 when the receiver cannot take it now, < 0 on
 * error (the packet is dropped).
 */
typedef ssize_t (NetQueueDeliverFunc)(NetClientState *sender,
                                      unsigned flags,
                                      const struct iovec *iov,
                                      int iovcnt,
                                      void *opaque);

NetQueue *qemu_new_net_queue(NetQueueDeliverFunc *deliver, void *opaque);
/* Free @queue; packets still queued are dropped without callbacks. */
void qemu_del_net_queue(NetQueue *queue);

/* Queue a copy of the packet without trying to deliver it. */
void qemu_net_queue_append_iov(NetQueue *queue, NetClientState *sender,
                               unsigned flags, const struct iovec *iov,
                               int iovcnt, NetPacketSent *sent_cb);

/*
 * Deliver to the receiver, bypassing the queue (a device receiving its
 * own loopback); 0 while a delivery is already in progress.
 */
ssize_t qemu_net_queue_receive(NetQueue *queue, const uint8_t *data,
                               size_t size);
ssize_t qemu_net_queue_receive_iov(NetQueue *queue,
                                   const struct iovec *iov, int iovcnt);

/* See above; returns the bytes delivered or 0 when queued. */
ssize_t qemu_net_queue_send(NetQueue *queue, NetClientState *sender,
                            unsigned flags, const uint8_t *data,
                            size_t size, NetPacketSent *sent_cb);
ssize_t qemu_net_queue_send_iov(NetQueue *queue, NetClientState *sender,
                                unsigned flags, const struct iovec *iov,
                                int iovcnt, NetPacketSent *sent_cb);

/* Drop the packets of @from, running their sent_cb with 0. */
void qemu_net_queue_purge(NetQueue *queue, NetClientState *from);
/*
 * Deliver queued packets in order until the receiver refuses one (it
 * stays first).  True when the queue is empty afterwards.
 */
bool qemu_net_queue_flush(NetQueue *queue);

#endif /* QEMU_NET_QUEUE_H */
