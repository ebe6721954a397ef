/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio-net: a test-side driver for virtio-net-pci.
 *
 * qvirtio_net_init() finds the function (modern, or QEMU's transitional
 * one), negotiates features, sets up the receive, transmit and (with
 * CTRL_VQ) control queues and sets DRIVER_OK; no receive buffer is posted
 * until the test calls qvirtio_net_post_rx().  Frames are sent with a
 * zeroed 12-byte virtio-net header in front and completion found by
 * polling the used ring; received frames come back with the header
 * stripped, their buffers posted again.
 */

#ifndef LIBQOS_VIRTIO_NET_H
#define LIBQOS_VIRTIO_NET_H

#include <linux/virtio_net.h>

#include "virtio-pci.h"
#include "malloc.h"

/* The modern header, struct virtio_net_hdr_mrg_rxbuf: 12 bytes. */
#define QVIRTIO_NET_HDR_LEN     sizeof(struct virtio_net_hdr_mrg_rxbuf)

/* Features the tests ask for unless they say otherwise. */
#define QVIRTIO_NET_DEFAULT_FEATURES                                    \
    ((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |       \
     (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_NET_F_CTRL_VQ) | \
     (1ULL << VIRTIO_NET_F_CTRL_RX) | (1ULL << VIRTIO_NET_F_CTRL_VLAN) | \
     (1ULL << VIRTIO_NET_F_CTRL_RX_EXTRA) |                             \
     (1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR))

typedef struct QVirtioNet {
    QTestState *qts;
    QPCIBus *bus;
    QVirtioPCIDevice *pci;
    QVirtioDevice *vdev;
    QGuestAllocator alloc;
    QVirtQueue *rx;
    QVirtQueue *tx;
    QVirtQueue *ctrl;
    /* Offered by the device, and accepted. */
    uint64_t offered;
    uint64_t features;
    uint8_t mac[6];
    /* Receive buffers by descriptor index: guest address and size. */
    uint64_t *rx_addr;
    uint32_t *rx_size;
} QVirtioNet;

/*
 * Start an emulator with @args for a network test.  Frames reach a NIC
 * only while the VM runs; without the qtest accelerator (QEMU under
 * -accel tcg -S) the guest gets a BIOS that halts at its first
 * instruction and the VM is continued.
 */
QTestState *qvirtio_net_qtest_init(const char *args);

/*
 * Find and start the device, accepting @features (VERSION_1 is added)
 * as far as offered.  Fails the test if there is no virtio-net-pci.
 */
QVirtioNet *qvirtio_net_init(QTestState *qts, uint64_t features);
void qvirtio_net_free(QVirtioNet *net);

uint16_t qvirtio_net_link_status(QVirtioNet *net);

/* Post @n receive buffers of @size bytes each and notify the queue. */
void qvirtio_net_post_rx(QVirtioNet *net, int n, uint32_t size);

/*
 * Send @len bytes as one chain and wait for the device to return it:
 * qvirtio_net_send() puts a zeroed header before @frame,
 * qvirtio_net_send_raw() sends @buf as it is (header included).
 */
void qvirtio_net_send(QVirtioNet *net, const void *frame, size_t len);
void qvirtio_net_send_raw(QVirtioNet *net, const void *buf, size_t len);
/* Queue a frame without waiting; qvirtio_net_tx_wait() collects it. */
void qvirtio_net_send_nowait(QVirtioNet *net, const void *frame, size_t len);
void qvirtio_net_tx_wait(QVirtioNet *net);

/*
 * The next received element, waiting up to @timeout_us: its frame (up to
 * @size bytes, header stripped, merged buffers joined) goes to @frame and
 * its length is returned; *@used_len gets the first buffer's used length
 * and *@num_buffers the header's count (either may be NULL).  Buffers are
 * posted again.  Returns -1 on timeout without failing the test.
 */
ssize_t qvirtio_net_recv_timeout(QVirtioNet *net, void *frame, size_t size,
                                 uint32_t *used_len, uint16_t *num_buffers,
                                 gint64 timeout_us);
/* The same, failing the test after QVIRTIO_TIMEOUT_US. */
size_t qvirtio_net_recv(QVirtioNet *net, void *frame, size_t size);

/* A control command: class, cmd, @len bytes of data; returns the ack. */
uint8_t qvirtio_net_ctrl(QVirtioNet *net, uint8_t class, uint8_t cmd,
                         const void *data, size_t len);

#endif /* LIBQOS_VIRTIO_NET_H */
