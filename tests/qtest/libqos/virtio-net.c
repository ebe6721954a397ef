/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos virtio-net: find, start and talk to a virtio-net-pci function
 * (tests/qtest/libqos/virtio-net.h).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "virtio-net.h"
#include "pci-pc.h"
#include "malloc-pc.h"

#define RXQ     0
#define TXQ     1
#define CTRLQ   2

QTestState *qvirtio_net_qtest_init(const char *args)
{
    static char *halt_bios;
    QTestState *qts;

    if (qtest_has_accel("qtest")) {
        return qtest_init(args);
    }
    if (!halt_bios) {
        /* 64 KiB of HLT: the reset vector halts with interrupts off. */
        g_autofree uint8_t *hlt = g_malloc(64 * 1024);
        int fd = g_file_open_tmp("qvirtio-net-bios-XXXXXX", &halt_bios,
                                 NULL);

        g_assert_cmpint(fd, >=, 0);
        close(fd);
        memset(hlt, 0xf4, 64 * 1024);
        g_assert_true(g_file_set_contents(halt_bios, (char *)hlt,
                                          64 * 1024, NULL));
    }
    qts = qtest_initf("-bios %s %s", halt_bios, args);
    qtest_qmp_assert_success(qts, "{ 'execute': 'cont' }");
    return qts;
}

QVirtioNet *qvirtio_net_init(QTestState *qts, uint64_t features)
{
    QVirtioNet *net = g_new0(QVirtioNet, 1);
    int i;

    net->qts = qts;
    net->bus = qpci_new_pc(qts);
    pc_alloc_init(&net->alloc, qts, ALLOC_NO_FLAGS);
    net->pci = qvirtio_pci_device_find(net->bus, VIRTIO_ID_NET);
    g_assert_nonnull(net->pci);
    qvirtio_pci_device_enable(net->pci);
    net->vdev = &net->pci->vdev;

    net->features = qvirtio_start_device(net->vdev, features);
    net->offered = qvirtio_get_features(net->vdev);
    net->rx = qvirtqueue_setup(net->vdev, &net->alloc, RXQ);
    net->tx = qvirtqueue_setup(net->vdev, &net->alloc, TXQ);
    if (net->features & (1ULL << VIRTIO_NET_F_CTRL_VQ)) {
        net->ctrl = qvirtqueue_setup(net->vdev, &net->alloc, CTRLQ);
    }
    net->rx_addr = g_new0(uint64_t, net->rx->size);
    net->rx_size = g_new0(uint32_t, net->rx->size);
    qvirtio_set_driver_ok(net->vdev);
    for (i = 0; i < 6; i++) {
        net->mac[i] = qvirtio_config_readb(net->vdev,
                                           offsetof(struct virtio_net_config, mac) + i);
    }
    return net;
}

void qvirtio_net_free(QVirtioNet *net)
{
    if (!net) {
        return;
    }
    qvirtio_reset(net->vdev);
    qvirtqueue_cleanup(net->vdev->bus, net->rx, &net->alloc);
    qvirtqueue_cleanup(net->vdev->bus, net->tx, &net->alloc);
    if (net->ctrl) {
        qvirtqueue_cleanup(net->vdev->bus, net->ctrl, &net->alloc);
    }
    qvirtio_pci_device_disable(net->pci);
    qvirtio_pci_device_free(net->pci);
    alloc_destroy(&net->alloc);
    qpci_free_pc(net->bus);
    g_free(net->rx_addr);
    g_free(net->rx_size);
    g_free(net);
}

uint16_t qvirtio_net_link_status(QVirtioNet *net)
{
    return qvirtio_config_readw(net->vdev, offsetof(struct virtio_net_config, status));
}

/* Post one buffer without notifying. */
static void qvirtio_net_add_rx(QVirtioNet *net, uint64_t addr,
                               uint32_t size)
{
    uint32_t head = qvirtqueue_add(net->qts, net->rx, addr, size, true,
                                   false);

    net->rx_addr[head] = addr;
    net->rx_size[head] = size;
    qvirtqueue_publish(net->qts, net->rx, head);
}

void qvirtio_net_post_rx(QVirtioNet *net, int n, uint32_t size)
{
    int i;

    for (i = 0; i < n; i++) {
        qvirtio_net_add_rx(net, guest_alloc(&net->alloc, size), size);
    }
    net->vdev->bus->virtqueue_kick(net->vdev, net->rx);
}

/* Wait for the next used element of @vq; false on timeout. */
static bool qvirtio_net_wait_used(QVirtioNet *net, QVirtQueue *vq,
                                  uint32_t *id, uint32_t *len,
                                  gint64 timeout_us)
{
    gint64 start = g_get_monotonic_time();

    while (!qvirtqueue_get_buf(net->qts, vq, id, len)) {
        if (g_get_monotonic_time() - start > timeout_us) {
            return false;
        }
        qvirtio_poll_step(net->qts);
    }
    return true;
}

/* One chain of device-readable buffers; returns its head. */
static uint32_t qvirtio_net_add_tx(QVirtioNet *net, const void *hdr,
                                   size_t hdr_len, const void *frame,
                                   size_t len, uint64_t *addr)
{
    uint32_t head;

    *addr = guest_alloc(&net->alloc, hdr_len + len);
    if (hdr_len) {
        qtest_bufwrite(net->qts, *addr, hdr, hdr_len);
    }
    qtest_bufwrite(net->qts, *addr + hdr_len, frame, len);
    head = qvirtqueue_add(net->qts, net->tx, *addr, hdr_len + len, false,
                          false);
    qvirtqueue_kick(net->qts, net->vdev, net->tx, head);
    return head;
}

static void qvirtio_net_tx_done(QVirtioNet *net, uint32_t head,
                                uint64_t addr)
{
    uint32_t id;

    g_assert_true(qvirtio_net_wait_used(net, net->tx, &id, NULL,
                                        QVIRTIO_TIMEOUT_US));
    g_assert_cmpuint(id, ==, head);
    guest_free(&net->alloc, addr);
}

void qvirtio_net_send_raw(QVirtioNet *net, const void *buf, size_t len)
{
    uint64_t addr;
    uint32_t head = qvirtio_net_add_tx(net, NULL, 0, buf, len, &addr);

    qvirtio_net_tx_done(net, head, addr);
}

void qvirtio_net_send(QVirtioNet *net, const void *frame, size_t len)
{
    static const uint8_t hdr[QVIRTIO_NET_HDR_LEN];
    uint64_t addr;
    uint32_t head = qvirtio_net_add_tx(net, hdr, sizeof(hdr), frame, len,
                                       &addr);

    qvirtio_net_tx_done(net, head, addr);
}

void qvirtio_net_send_nowait(QVirtioNet *net, const void *frame, size_t len)
{
    static const uint8_t hdr[QVIRTIO_NET_HDR_LEN];
    uint64_t addr;

    qvirtio_net_add_tx(net, hdr, sizeof(hdr), frame, len, &addr);
}

void qvirtio_net_tx_wait(QVirtioNet *net)
{
    uint32_t id;

    /* Buffers of nowait sends are reclaimed with the allocator. */
    g_assert_true(qvirtio_net_wait_used(net, net->tx, &id, NULL,
                                        QVIRTIO_TIMEOUT_US));
}

ssize_t qvirtio_net_recv_timeout(QVirtioNet *net, void *frame, size_t size,
                                 uint32_t *used_len, uint16_t *num_buffers,
                                 gint64 timeout_us)
{
    uint8_t *out = frame;
    size_t got = 0;
    uint16_t nbufs = 1, i;
    uint32_t id, len;

    if (!qvirtio_net_wait_used(net, net->rx, &id, &len, timeout_us)) {
        return -1;
    }
    if (used_len) {
        *used_len = len;
    }
    for (i = 0; i < nbufs; i++) {
        uint64_t addr;
        uint32_t skip = 0;

        if (i) {
            g_assert_true(qvirtio_net_wait_used(net, net->rx, &id, &len,
                                                QVIRTIO_TIMEOUT_US));
        }
        g_assert_cmpuint(id, <, net->rx->size);
        addr = net->rx_addr[id];
        g_assert_cmpuint(len, <=, net->rx_size[id]);
        if (i == 0 && len >= QVIRTIO_NET_HDR_LEN) {
            /* num_buffers counts only with MRG_RXBUF. */
            if (net->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF)) {
                nbufs = qtest_readw(net->qts, addr + 10);
                g_assert_cmpuint(nbufs, >=, 1);
            }
            skip = QVIRTIO_NET_HDR_LEN;
        }
        if (len > skip && got < size) {
            size_t n = MIN(len - skip, size - got);

            qtest_bufread(net->qts, addr + skip, out + got, n);
            got += n;
        }
        qvirtio_net_add_rx(net, addr, net->rx_size[id]);
    }
    net->vdev->bus->virtqueue_kick(net->vdev, net->rx);
    if (num_buffers) {
        *num_buffers = nbufs;
    }
    return got;
}

size_t qvirtio_net_recv(QVirtioNet *net, void *frame, size_t size)
{
    ssize_t len = qvirtio_net_recv_timeout(net, frame, size, NULL, NULL,
                                           QVIRTIO_TIMEOUT_US);

    g_assert_cmpint(len, >=, 0);
    return len;
}

uint8_t qvirtio_net_ctrl(QVirtioNet *net, uint8_t class, uint8_t cmd,
                         const void *data, size_t len)
{
    QTestState *qts = net->qts;
    uint64_t req = guest_alloc(&net->alloc, 2 + len);
    uint64_t ack = guest_alloc(&net->alloc, 1);
    uint32_t head, id, used;
    uint8_t status;

    g_assert_nonnull(net->ctrl);
    qtest_writeb(qts, req, class);
    qtest_writeb(qts, req + 1, cmd);
    if (len) {
        qtest_bufwrite(qts, req + 2, data, len);
    }
    qtest_writeb(qts, ack, 0xff);
    head = qvirtqueue_add(qts, net->ctrl, req, 2 + len, false, true);
    qvirtqueue_add(qts, net->ctrl, ack, 1, true, false);
    qvirtqueue_kick(qts, net->vdev, net->ctrl, head);
    g_assert_true(qvirtio_net_wait_used(net, net->ctrl, &id, &used,
                                        QVIRTIO_TIMEOUT_US));
    g_assert_cmpuint(id, ==, head);
    g_assert_cmpuint(used, ==, 1);
    status = qtest_readb(qts, ack);
    guest_free(&net->alloc, req);
    guest_free(&net->alloc, ack);
    return status;
}
