/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net-pci on -netdev user, driven through libqos: the test plays
 * the guest (libqos/net-frames.h builds its frames) and checks what the
 * user network answers: ARP for the gateway, DHCP, ICMP echo, IPv6
 * router advertisements, UDP and TCP through hostfwd from sockets on
 * 127.0.0.1, restrict=on; and the device: features, config, link status,
 * mergeable buffers, flow control (frames wait for receive buffers), the
 * control queue's filters, and bad input from the guest, each dropped
 * with its guest_errors line (read back from the -D log).  Nothing
 * leaves the machine: the only host sockets are on loopback.
 *
 * Where a fact is checked as "did not arrive", a second frame whose
 * answer must arrive is sent after it: libslirp answers in order, so
 * the first answer to come back tells whether the other was dropped.
 *
 * The protocol cases also pass against QEMU (QTEST_QEMU_BINARY=
 * /usr/bin/qemu-system-x86_64); cases about behaviour only this tree
 * has (its guest_errors lines, no offloads offered) skip there.
 */

#include "qemu/osdep.h"
#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "qemu/bswap.h"
#include "libqtest.h"
#include "libqos/net-frames.h"
#include "libqos/virtio-net.h"

#define GUEST_IP        QNET_IP(10, 0, 2, 15)
#define HOST_IP         QNET_IP(10, 0, 2, 2)
#define DNS_IP          QNET_IP(10, 0, 2, 3)
#define GUEST_MAC_STR   "52:54:00:12:34:99"
/* libslirp answers for its addresses with 52:55 and the IPv4 address. */
static const uint8_t slirp_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x99 };
/* An address that is not the NIC's, for the receive filter. */
static const uint8_t other_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
/* IPv6 all-nodes, where router advertisements go. */
static const uint8_t all_nodes[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

#define RX_BUF_SIZE     1526
#define RX_BUFS         16

typedef struct Fixture {
    QTestState *qts;
    QVirtioNet *net;
    char *log;
    uint8_t frame[QNET_FRAME_MAX];
} Fixture;

/* False (the case skipped, saying why) when the binary cannot run it. */
static bool can_run(bool ours_only)
{
    if (!qtest_has_netdev("user")) {
        g_test_skip("no -netdev user in this binary (built without "
                    "libslirp)");
        return false;
    }
    if (ours_only && qtest_qemu_is_upstream()) {
        g_test_skip("checks behaviour of this tree's device only");
        return false;
    }
    return true;
}

/*
 * Start the emulator: "-netdev user,id=n0@netdev -device virtio-net-pci,
 * netdev=n0,id=nic0@dev", the driver with @features, guest_errors logged
 * to a file; @rx_bufs receive buffers of RX_BUF_SIZE posted.
 */
static void fixture_start(Fixture *f, const char *netdev, const char *dev,
                          uint64_t features, int rx_bufs)
{
    int fd = g_file_open_tmp("virtio-net-test-XXXXXX.log", &f->log, NULL);
    g_autofree char *args = NULL;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    args = g_strdup_printf("-nodefaults -d guest_errors -D %s "
                           "-netdev user,id=n0%s -device virtio-net-pci,"
                           "netdev=n0,id=nic0,mac=" GUEST_MAC_STR "%s",
                           f->log, netdev ? netdev : "", dev ? dev : "");
    f->qts = qvirtio_net_qtest_init(args);
    f->net = qvirtio_net_init(f->qts, features);
    if (rx_bufs) {
        qvirtio_net_post_rx(f->net, rx_bufs, RX_BUF_SIZE);
    }
}

static void fixture_stop(Fixture *f)
{
    qvirtio_net_free(f->net);
    qtest_quit(f->qts);
    g_unlink(f->log);
    g_free(f->log);
}

/* The -D log has a line containing @needle (written by now). */
static bool log_has(Fixture *f, const char *needle)
{
    g_autofree char *text = NULL;

    /* A qtest round trip: whatever the device logged is flushed. */
    qtest_readb(f->qts, 0);
    g_assert_true(g_file_get_contents(f->log, &text, NULL, NULL));
    return strstr(text, needle) != NULL;
}

static void assert_log(Fixture *f, const char *needle)
{
    if (!log_has(f, needle)) {
        g_autofree char *text = NULL;

        g_file_get_contents(f->log, &text, NULL, NULL);
        g_error("guest_errors log lacks '%s'; it has: '%s'", needle, text);
    }
}

static bool device_broken(Fixture *f)
{
    return qvirtio_get_status(f->net->vdev) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/* Sending and receiving */

static void send_arp_request(Fixture *f, const uint8_t *sha, uint32_t tip)
{
    size_t len = qnet_arp(f->frame, 1, sha, GUEST_IP, NULL, tip);

    qvirtio_net_send(f->net, f->frame, len);
}

/*
 * The next frame, parsed.  ARP requests for the guest's address are
 * answered on the way (libslirp asks before it sends to the guest).
 */
static size_t recv_frame(Fixture *f, uint8_t *buf, QNetFrame *pf)
{
    for (;;) {
        size_t len = qvirtio_net_recv(f->net, buf, QNET_FRAME_MAX);

        g_assert_true(qnet_parse(buf, len, pf));
        if (pf->type == ETH_P_ARP && pf->arp_op == 1 &&
            pf->arp_tip == GUEST_IP) {
            uint8_t reply[QNET_FRAME_MAX];
            size_t n = qnet_arp(reply, 2, guest_mac, GUEST_IP, pf->arp_sha,
                                pf->arp_sip);

            qvirtio_net_send(f->net, reply, n);
            continue;
        }
        return len;
    }
}

/* The next frame must be the ARP reply for @tip, to @dst. */
static void expect_arp_reply(Fixture *f, uint32_t tip, const uint8_t *dst)
{
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;

    recv_frame(f, buf, &pf);
    g_assert_cmphex(pf.type, ==, ETH_P_ARP);
    g_assert_cmpuint(pf.arp_op, ==, 2);
    g_assert_cmphex(pf.arp_sip, ==, tip);
    g_assert_cmpmem(pf.dst, 6, dst, 6);
}

/* ARP for the gateway (libslirp learns our MAC from it). */
static void arp_gateway(Fixture *f)
{
    send_arp_request(f, guest_mac, HOST_IP);
    expect_arp_reply(f, HOST_IP, guest_mac);
}

static void send_ping(Fixture *f, uint16_t seq, size_t payload)
{
    g_autofree uint8_t *data = g_malloc(payload);
    size_t len, i;

    for (i = 0; i < payload; i++) {
        data[i] = seq + i;
    }
    len = qnet_icmp_echo(f->frame, guest_mac, slirp_mac, GUEST_IP, HOST_IP,
                         0x4242, seq, data, payload);
    qvirtio_net_send(f->net, f->frame, len);
}

static void expect_pong(Fixture *f, uint16_t seq, size_t payload)
{
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;
    size_t i;

    recv_frame(f, buf, &pf);
    g_assert_cmphex(pf.type, ==, ETH_P_IP);
    g_assert_cmpuint(pf.proto, ==, IPPROTO_ICMP);
    g_assert_cmpuint(pf.icmp_type, ==, 0);
    g_assert_cmphex(pf.sip, ==, HOST_IP);
    g_assert_cmphex(pf.dip, ==, GUEST_IP);
    g_assert_cmpuint(pf.icmp_id, ==, 0x4242);
    g_assert_cmpuint(pf.icmp_seq, ==, seq);
    g_assert_cmpuint(pf.data_len, ==, payload);
    for (i = 0; i < payload; i++) {
        g_assert_cmpuint(pf.data[i], ==, (uint8_t)(seq + i));
    }
}

/* Host sockets on loopback */

/* 127.0.0.1:@port */
static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };

    return sa;
}

/* A socket bound to 127.0.0.1 on a port the kernel picks. */
static int host_socket(int type, uint16_t *port)
{
    struct sockaddr_in sa = loopback(0);
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, type, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &sl), ==, 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A free loopback port for a hostfwd rule (bound, then released). */
static uint16_t free_port(int type)
{
    uint16_t port;

    close(host_socket(type, &port));
    return port;
}

static void set_rcv_timeout(int fd)
{
    struct timeval tv = { .tv_sec = QVIRTIO_TIMEOUT_US / 1000000 };

    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
}

/* The tests */

static void test_features(void)
{
    Fixture f = { 0 };
    uint64_t offered;

    if (!can_run(true)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, 0);
    offered = f.net->offered;
    g_assert_true(offered & (1ULL << VIRTIO_F_VERSION_1));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_MAC));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_STATUS));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_MRG_RXBUF));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_CTRL_VQ));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_CTRL_RX));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_CTRL_VLAN));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_CTRL_RX_EXTRA));
    g_assert_true(offered & (1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR));
    /* No offload is offered (bits 0-2 and 6-14), nor MTU by default. */
    g_assert_cmphex(offered & 0x7fc7, ==, 0);
    g_assert_cmpmem(f.net->mac, 6, guest_mac, 6);
    g_assert_cmphex(qvirtio_net_link_status(f.net), ==,
                    VIRTIO_NET_S_LINK_UP);
    fixture_stop(&f);

    /* host_mtu offers MTU and shows in the config space. */
    fixture_start(&f, NULL, ",host_mtu=1400", QVIRTIO_NET_DEFAULT_FEATURES |
                  (1ULL << VIRTIO_NET_F_MTU), 0);
    g_assert_true(f.net->features & (1ULL << VIRTIO_NET_F_MTU));
    g_assert_cmpuint(qvirtio_config_readw(f.net->vdev,
                                          offsetof(struct virtio_net_config, mtu)), ==, 1400);
    fixture_stop(&f);

    /* Without ctrl_vq the control features go too. */
    fixture_start(&f, NULL, ",ctrl_vq=off,mrg_rxbuf=off",
                  QVIRTIO_NET_DEFAULT_FEATURES, 0);
    g_assert_cmphex(f.net->offered &
                    ((1ULL << VIRTIO_NET_F_CTRL_VQ) |
                     (1ULL << VIRTIO_NET_F_CTRL_RX) |
                     (1ULL << VIRTIO_NET_F_CTRL_VLAN) |
                     (1ULL << VIRTIO_NET_F_CTRL_RX_EXTRA) |
                     (1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR) |
                     (1ULL << VIRTIO_NET_F_MRG_RXBUF)), ==, 0);
    fixture_stop(&f);
}

/*
 * The transmit queue's MSI-X vector aimed at the device's own
 * device_status with data 0: the interrupt for a sent frame would reset
 * the device from inside its transmit bottom half.  It is dropped as
 * re-entrant I/O (the BH is guarded with the transport's
 * MemReentrancyGuard, as in QEMU), and the device keeps working.
 */
static void test_tx_reentrant(void)
{
    Fixture f = { 0 };

    if (!can_run(true)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    qvirtio_pci_queue_vector_resets(f.net->pci, 1);

    arp_gateway(&f);
    assert_log(&f, "Blocked re-entrant IO on MemoryRegion: "
               "virtio-pci-common");
    g_assert_cmphex(qvirtio_get_status(f.net->vdev) &
                    VIRTIO_CONFIG_S_DRIVER_OK, ==,
                    VIRTIO_CONFIG_S_DRIVER_OK);
    g_assert_false(device_broken(&f));
    arp_gateway(&f);
    fixture_stop(&f);
}

static void test_arp(void)
{
    Fixture f = { 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    arp_gateway(&f);
    /* The DNS forwarder answers too, with its own address in the MAC. */
    send_arp_request(&f, guest_mac, DNS_IP);
    {
        uint8_t buf[QNET_FRAME_MAX];
        QNetFrame pf;

        recv_frame(&f, buf, &pf);
        g_assert_cmphex(pf.arp_sip, ==, DNS_IP);
        g_assert_cmpuint(pf.arp_sha[5], ==, 3);
        g_assert_cmpmem(pf.arp_sha, 4, slirp_mac, 4);
    }
    fixture_stop(&f);
}

/*
 * DISCOVER then REQUEST; the ACK must give @yiaddr with @router and @dns
 * (and the OFFER the same).
 */
static void dhcp_exchange(Fixture *f, uint32_t yiaddr, uint32_t router,
                          uint32_t dns, uint32_t mask)
{
    static const uint8_t types[] = { QNET_DHCPOFFER, QNET_DHCPACK };
    uint8_t buf[QNET_FRAME_MAX];
    uint32_t server = 0;
    int i;

    for (i = 0; i < 2; i++) {
        const uint8_t *val;
        QNetFrame pf;
        size_t len;

        len = qnet_dhcp(f->frame, guest_mac,
                        i ? QNET_DHCPREQUEST : QNET_DHCPDISCOVER,
                        0x1234 + i, yiaddr, server);
        qvirtio_net_send(f->net, f->frame, len);
        recv_frame(f, buf, &pf);
        g_assert_cmpuint(pf.proto, ==, IPPROTO_UDP);
        g_assert_cmpuint(pf.sport, ==, 67);
        g_assert_cmpuint(pf.dport, ==, 68);
        g_assert_cmpuint(pf.data_len, >=, 240);
        g_assert_cmpuint(pf.data[0], ==, 2);             /* BOOTREPLY */
        g_assert_cmphex(ldl_be_p(pf.data + 4), ==, 0x1234 + i);
        g_assert_cmphex(ldl_be_p(pf.data + 16), ==, yiaddr);
        g_assert_cmpmem(pf.data + 28, 6, guest_mac, 6);
        g_assert_cmpint(qnet_dhcp_option(&pf, 53, &val), ==, 1);
        g_assert_cmpuint(val[0], ==, types[i]);
        g_assert_cmpint(qnet_dhcp_option(&pf, 3, &val), >=, 4);
        g_assert_cmphex(ldl_be_p(val), ==, router);
        g_assert_cmpint(qnet_dhcp_option(&pf, 6, &val), >=, 4);
        g_assert_cmphex(ldl_be_p(val), ==, dns);
        g_assert_cmpint(qnet_dhcp_option(&pf, 1, &val), ==, 4);
        g_assert_cmphex(ldl_be_p(val), ==, mask);
        g_assert_cmpint(qnet_dhcp_option(&pf, 54, &val), ==, 4);
        server = ldl_be_p(val);
    }
}

static void test_dhcp(void)
{
    Fixture f = { 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    dhcp_exchange(&f, GUEST_IP, HOST_IP, DNS_IP, QNET_IP(255, 255, 255, 0));
    fixture_stop(&f);
}

/* net=, host=, dns= and dhcpstart= change what DHCP hands out. */
static void test_dhcp_options(void)
{
    Fixture f = { 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, ",net=192.168.76.0/25,host=192.168.76.1,"
                  "dns=192.168.76.9,dhcpstart=192.168.76.40", NULL,
                  QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    dhcp_exchange(&f, QNET_IP(192, 168, 76, 40), QNET_IP(192, 168, 76, 1),
                  QNET_IP(192, 168, 76, 9), QNET_IP(255, 255, 255, 128));
    fixture_stop(&f);
}

static void test_ping(void)
{
    Fixture f = { 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    arp_gateway(&f);
    send_ping(&f, 1, 56);
    expect_pong(&f, 1, 56);
    send_ping(&f, 2, 1000);
    expect_pong(&f, 2, 1000);
    fixture_stop(&f);
}

/*
 * An ICMPv6 router solicitation from fe80::5054:ff:fe12:3499 to the
 * all-routers group; libslirp answers it with an advertisement to the
 * all-nodes group (a multicast frame).
 */
static void send_router_solicitation(Fixture *f)
{
    static const uint8_t all_routers[6] = {
        0x33, 0x33, 0x00, 0x00, 0x00, 0x02
    };
    uint8_t *p = f->frame;
    uint8_t icmp[16] = { 133 };         /* RS, with source LL option */
    uint32_t sum = 0;
    int i;

    memcpy(p, all_routers, 6);
    memcpy(p + 6, guest_mac, 6);
    stw_be_p(p + 12, ETH_P_IPV6);
    p += ETH_HLEN;
    memset(p, 0, 40);
    p[0] = 0x60;
    stw_be_p(p + 4, sizeof(icmp));
    p[6] = IPPROTO_ICMPV6;
    p[7] = 255;
    stw_be_p(p + 8, 0xfe80);
    memcpy(p + 16, (const uint8_t[]){ 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12,
                                      0x34, 0x99 }, 8);
    stw_be_p(p + 24, 0xff02);
    p[39] = 2;
    icmp[8] = 1;                        /* source link-layer address */
    icmp[9] = 1;
    memcpy(icmp + 10, guest_mac, 6);
    /* The checksum covers the pseudo-header: addresses, length, next. */
    for (i = 8; i < 40; i += 2) {
        sum += lduw_be_p(p + i);
    }
    sum += sizeof(icmp) + IPPROTO_ICMPV6;
    stw_be_p(icmp + 2, qnet_csum(icmp, sizeof(icmp), sum));
    memcpy(p + 40, icmp, sizeof(icmp));
    qvirtio_net_send(f->net, f->frame, ETH_HLEN + 40 + sizeof(icmp));
}

/*
 * A router solicitation gets an advertisement of fec0::/64 with
 * ipv6=on, and nothing with ipv6=off (the ARP sent after it is answered
 * first).
 */
static void test_ipv6(gconstpointer data)
{
    bool on = GPOINTER_TO_INT(data);
    Fixture f = { 0 };
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, on ? ",ipv6=on" : ",ipv6=off", NULL,
                  QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    send_router_solicitation(&f);
    send_arp_request(&f, guest_mac, HOST_IP);

    recv_frame(&f, buf, &pf);
    if (on) {
        g_assert_cmphex(pf.type, ==, ETH_P_IPV6);
        g_assert_cmpuint(pf.data[6], ==, IPPROTO_ICMPV6);
        g_assert_cmpuint(pf.data[40], ==, 134);          /* RA */
        /* The prefix information option carries fec0::/64. */
        g_assert_nonnull(memmem(pf.data + 56, pf.data_len - 56,
                                (const uint8_t[]){ 0xfe, 0xc0, 0, 0, 0, 0,
                                                   0, 0 }, 8));
    } else {
        g_assert_cmphex(pf.type, ==, ETH_P_ARP);
    }
    fixture_stop(&f);
}

/*
 * UDP through hostfwd: a datagram from a loopback socket reaches the
 * guest's port, and the guest's answer reaches the socket.
 */
static void test_hostfwd_udp(void)
{
    Fixture f = { 0 };
    uint16_t port = free_port(SOCK_DGRAM), cport;
    g_autofree char *opts = g_strdup_printf(
        ",hostfwd=udp:127.0.0.1:%u-:5555", port);
    struct sockaddr_in to = loopback(port);
    uint8_t buf[QNET_FRAME_MAX];
    char reply[32];
    QNetFrame pf;
    size_t len;
    int fd;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, opts, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    arp_gateway(&f);
    fd = host_socket(SOCK_DGRAM, &cport);
    set_rcv_timeout(fd);
    g_assert_cmpint(sendto(fd, "ping from host", 14, 0,
                           (struct sockaddr *)&to, sizeof(to)), ==, 14);

    recv_frame(&f, buf, &pf);
    g_assert_cmpuint(pf.proto, ==, IPPROTO_UDP);
    g_assert_cmphex(pf.dip, ==, GUEST_IP);
    g_assert_cmpuint(pf.dport, ==, 5555);
    g_assert_cmpuint(pf.data_len, ==, 14);
    g_assert_cmpmem(pf.data, 14, "ping from host", 14);

    len = qnet_udp(f.frame, guest_mac, slirp_mac, GUEST_IP, 5555, pf.sip,
                   pf.sport, "pong from guest", 15);
    qvirtio_net_send(f.net, f.frame, len);
    g_assert_cmpint(recv(fd, reply, sizeof(reply), 0), ==, 15);
    g_assert_cmpmem(reply, 15, "pong from guest", 15);
    close(fd);
    fixture_stop(&f);
}

/* A TCP connection through hostfwd, seen from the guest. */
typedef struct GuestTcp {
    int fd;             /* the host's end */
    uint16_t hport;     /* libslirp's port on 10.0.2.2 */
    uint32_t hseq;      /* next sequence number from the host side */
    uint32_t gseq;      /* ours */
} GuestTcp;

/* The host connects to loopback @port; the guest gets the SYN. */
static void tcp_host_connect(Fixture *f, GuestTcp *t, uint16_t port,
                             uint16_t gport)
{
    struct sockaddr_in to = loopback(port);
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;

    t->fd = socket(AF_INET, SOCK_STREAM, 0);
    g_assert_cmpint(t->fd, >=, 0);
    set_rcv_timeout(t->fd);
    g_assert_cmpint(connect(t->fd, (struct sockaddr *)&to, sizeof(to)), ==,
                    0);
    recv_frame(f, buf, &pf);
    g_assert_cmpuint(pf.proto, ==, IPPROTO_TCP);
    g_assert_cmphex(pf.sip, ==, HOST_IP);
    g_assert_cmphex(pf.dip, ==, GUEST_IP);
    g_assert_cmpuint(pf.dport, ==, gport);
    g_assert_cmphex(pf.tcp_flags & (TH_SYN | TH_ACK), ==,
                    TH_SYN);
    t->hseq = pf.seq + 1;
    t->hport = pf.sport;
    t->gseq = 1000;
}

/* The guest's SYN+ACK; libslirp's ACK completes the handshake. */
static void tcp_guest_accept(Fixture *f, GuestTcp *t, uint16_t gport)
{
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;
    size_t len;

    len = qnet_tcp(f->frame, guest_mac, slirp_mac, GUEST_IP, gport, HOST_IP,
                   t->hport, t->gseq++, t->hseq,
                   TH_SYN | TH_ACK, NULL, 0);
    qvirtio_net_send(f->net, f->frame, len);
    recv_frame(f, buf, &pf);
    g_assert_cmphex(pf.tcp_flags & (TH_SYN | TH_ACK), ==,
                    TH_ACK);
    g_assert_cmpuint(pf.ack, ==, t->gseq);
}

/*
 * TCP through hostfwd, the guest's stack played by hand: the host
 * connects, the guest gets the SYN and answers, data flows both ways,
 * and the guest's FIN closes the host's socket.
 */
static void test_hostfwd_tcp(void)
{
    Fixture f = { 0 };
    uint16_t port = free_port(SOCK_STREAM);
    g_autofree char *opts = g_strdup_printf(
        ",hostfwd=tcp:127.0.0.1:%u-:2222", port);
    uint8_t buf[QNET_FRAME_MAX];
    char data[32];
    GuestTcp t;
    QNetFrame pf;
    size_t len;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, opts, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    arp_gateway(&f);
    tcp_host_connect(&f, &t, port, 2222);
    tcp_guest_accept(&f, &t, 2222);

    /* Host to guest. */
    g_assert_cmpint(send(t.fd, "hello guest", 11, 0), ==, 11);
    do {
        recv_frame(&f, buf, &pf);       /* skipping window updates */
    } while (!pf.data_len);
    g_assert_cmpuint(pf.seq, ==, t.hseq);
    g_assert_cmpuint(pf.data_len, ==, 11);
    g_assert_cmpmem(pf.data, 11, "hello guest", 11);
    t.hseq += 11;

    /* Guest to host, acknowledging what it got. */
    len = qnet_tcp(f.frame, guest_mac, slirp_mac, GUEST_IP, 2222, HOST_IP,
                   t.hport, t.gseq, t.hseq, TH_ACK | TH_PUSH,
                   "hello host", 10);
    qvirtio_net_send(f.net, f.frame, len);
    t.gseq += 10;
    g_assert_cmpint(recv(t.fd, data, sizeof(data), 0), ==, 10);
    g_assert_cmpmem(data, 10, "hello host", 10);

    /* The guest closes: the host reads end of file. */
    len = qnet_tcp(f.frame, guest_mac, slirp_mac, GUEST_IP, 2222, HOST_IP,
                   t.hport, t.gseq, t.hseq, TH_ACK | TH_FIN,
                   NULL, 0);
    qvirtio_net_send(f.net, f.frame, len);
    g_assert_cmpint(recv(t.fd, data, sizeof(data), 0), ==, 0);
    close(t.fd);
    fixture_stop(&f);
}

/*
 * restrict=on: forwarding rules still work, but the guest cannot reach
 * the host (10.0.2.2 is the host's loopback) by itself.  The guest sends
 * a datagram to a loopback socket, then answers a hostfwd connection;
 * libslirp handles frames in order, so once the handshake completes the
 * datagram has arrived unless it was blocked.
 */
static void test_restrict(gconstpointer data)
{
    bool on = GPOINTER_TO_INT(data);
    Fixture f = { 0 };
    uint16_t port = free_port(SOCK_STREAM), oport;
    g_autofree char *opts = g_strdup_printf(
        ",restrict=%s,hostfwd=tcp:127.0.0.1:%u-:2222", on ? "on" : "off",
        port);
    char reply[32];
    GuestTcp t;
    size_t len;
    int other;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, opts, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    arp_gateway(&f);
    other = host_socket(SOCK_DGRAM, &oport);
    tcp_host_connect(&f, &t, port, 2222);
    len = qnet_udp(f.frame, guest_mac, slirp_mac, GUEST_IP, 6000, HOST_IP,
                   oport, "outside", 7);
    qvirtio_net_send(f.net, f.frame, len);
    tcp_guest_accept(&f, &t, 2222);

    if (on) {
        g_assert_cmpint(recv(other, reply, sizeof(reply), MSG_DONTWAIT),
                        ==, -1);
        g_assert_cmpint(errno, ==, EAGAIN);
    } else {
        set_rcv_timeout(other);
        g_assert_cmpint(recv(other, reply, sizeof(reply), 0), ==, 7);
        g_assert_cmpmem(reply, 7, "outside", 7);
    }
    close(t.fd);
    close(other);
    fixture_stop(&f);
}

/*
 * Mergeable buffers: a 1000-byte echo into 128-byte buffers takes
 * several, counted in num_buffers, and arrives whole.
 */
static void test_mergeable(void)
{
    Fixture f = { 0 };
    uint8_t buf[QNET_FRAME_MAX];
    uint16_t nbufs;
    QNetFrame pf;
    ssize_t len;
    int i;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, 0);
    qvirtio_net_post_rx(f.net, 64, 128);
    arp_gateway(&f);
    send_ping(&f, 7, 1000);
    len = qvirtio_net_recv_timeout(f.net, buf, sizeof(buf), NULL, &nbufs,
                                   QVIRTIO_TIMEOUT_US);
    g_assert_cmpint(len, ==, ETH_HLEN + 20 + 8 + 1000);
    g_assert_cmpuint(nbufs, ==, DIV_ROUND_UP(12 + len, 128));
    g_assert_true(qnet_parse(buf, len, &pf));
    g_assert_cmpuint(pf.icmp_seq, ==, 7);
    for (i = 0; i < 1000; i++) {
        g_assert_cmpuint(pf.data[i], ==, (uint8_t)(7 + i));
    }
    fixture_stop(&f);
}

/* Without MRG_RXBUF each frame takes one (big enough) buffer. */
static void test_no_mergeable(void)
{
    Fixture f = { 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES &
                  ~(1ULL << VIRTIO_NET_F_MRG_RXBUF), RX_BUFS);
    g_assert_false(f.net->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF));
    arp_gateway(&f);
    send_ping(&f, 3, 1400);
    expect_pong(&f, 3, 1400);
    fixture_stop(&f);
}

/*
 * Flow control: with no receive buffer the answers wait in the NIC's
 * queue, and come, in order, as buffers are posted: one buffer, one
 * frame.
 */
static void test_flow_control(void)
{
    Fixture f = { 0 };
    uint32_t id;
    int i;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, 0);
    send_arp_request(&f, guest_mac, HOST_IP);
    for (i = 1; i <= 3; i++) {
        send_ping(&f, i, 64);
    }
    g_assert_false(qvirtqueue_get_buf(f.qts, f.net->rx, &id, NULL));

    qvirtio_net_post_rx(f.net, 1, RX_BUF_SIZE);
    expect_arp_reply(&f, HOST_IP, guest_mac);
    /* Our recv posted its buffer again: exactly one more frame. */
    expect_pong(&f, 1, 64);
    qvirtio_net_post_rx(f.net, 4, RX_BUF_SIZE);
    expect_pong(&f, 2, 64);
    expect_pong(&f, 3, 64);
    fixture_stop(&f);
}

/*
 * set_link: with n0's link down the config says so (with a config
 * interrupt) and frames go nowhere; back up, they flow.  An ARP for the
 * gateway sent while down is lost: the first answer after is the DNS's.
 */
static void test_link(void)
{
    Fixture f = { 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'set_link', "
                             "'arguments': { 'name': 'n0', 'up': false } }");
    qvirtio_wait_config_isr(f.net->vdev, QVIRTIO_TIMEOUT_US);
    g_assert_cmphex(qvirtio_net_link_status(f.net) & VIRTIO_NET_S_LINK_UP,
                    ==, 0);
    send_arp_request(&f, guest_mac, HOST_IP);

    qtest_qmp_assert_success(f.qts, "{ 'execute': 'set_link', "
                             "'arguments': { 'name': 'n0', 'up': true } }");
    qvirtio_wait_config_isr(f.net->vdev, QVIRTIO_TIMEOUT_US);
    g_assert_cmphex(qvirtio_net_link_status(f.net), ==,
                    VIRTIO_NET_S_LINK_UP);
    send_arp_request(&f, guest_mac, DNS_IP);
    expect_arp_reply(&f, DNS_IP, guest_mac);

    /* The NIC by its device id; an unknown name is refused. */
    qtest_qmp_assert_success(f.qts, "{ 'execute': 'set_link', "
                             "'arguments': { 'name': 'nic0', "
                             "'up': false } }");
    g_assert_cmphex(qvirtio_net_link_status(f.net) & VIRTIO_NET_S_LINK_UP,
                    ==, 0);
    g_assert_true(qmp_rsp_is_err(qtest_qmp(f.qts,
                                           "{ 'execute': 'set_link', "
                                           "'arguments': { 'name': 'nope', "
                                           "'up': true } }")));
    fixture_stop(&f);
}

static uint8_t ctrl_rx(Fixture *f, uint8_t cmd, uint8_t on)
{
    return qvirtio_net_ctrl(f->net, VIRTIO_NET_CTRL_RX, cmd, &on, 1);
}

/* MAC_TABLE_SET with @nuni unicast and @nmulti multicast entries. */
static uint8_t ctrl_mac_table(Fixture *f, const uint8_t *uni, uint32_t nuni,
                              const uint8_t *multi, uint32_t nmulti)
{
    size_t len = 8 + 6 * (nuni + nmulti);
    g_autofree uint8_t *data = g_malloc(len);

    /* Either table may be empty (NULL). */
    stl_le_p(data, nuni);
    if (nuni) {
        memcpy(data + 4, uni, 6 * nuni);
    }
    stl_le_p(data + 4 + 6 * nuni, nmulti);
    if (nmulti) {
        memcpy(data + 8 + 6 * nuni, multi, 6 * nmulti);
    }
    return qvirtio_net_ctrl(f->net, VIRTIO_NET_CTRL_MAC,
                            VIRTIO_NET_CTRL_MAC_TABLE_SET, data, len);
}

/*
 * Is an answer sent to @mac filtered?  An ARP asking as @mac, then one
 * as the NIC's own address: the first answer tells.
 */
static bool filtered(Fixture *f, const uint8_t *mac)
{
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;

    send_arp_request(f, mac, HOST_IP);
    send_arp_request(f, guest_mac, DNS_IP);
    recv_frame(f, buf, &pf);
    if (pf.arp_sip == DNS_IP) {
        return true;
    }
    g_assert_cmpmem(pf.dst, 6, mac, 6);
    expect_arp_reply(f, DNS_IP, guest_mac);
    return false;
}

/* Is the router advertisement (to 33:33:00:00:00:01) filtered? */
static bool multicast_filtered(Fixture *f)
{
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;

    send_router_solicitation(f);
    send_arp_request(f, guest_mac, DNS_IP);
    recv_frame(f, buf, &pf);
    if (pf.type == ETH_P_ARP) {
        return true;
    }
    g_assert_cmpmem(pf.dst, 6, all_nodes, 6);
    expect_arp_reply(f, DNS_IP, guest_mac);
    return false;
}

/* The receive filter through the control queue. */
static void test_rx_filter(void)
{
    Fixture f = { 0 };
    uint8_t buf[QNET_FRAME_MAX];
    QNetFrame pf;
    size_t len;

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    /* Promiscuous after reset, as in QEMU. */
    g_assert_false(filtered(&f, other_mac));
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_OK);
    g_assert_true(filtered(&f, other_mac));
    /* A unicast entry in the MAC table lets it in. */
    g_assert_cmpuint(ctrl_mac_table(&f, other_mac, 1, NULL, 0), ==,
                     VIRTIO_NET_OK);
    g_assert_false(filtered(&f, other_mac));
    g_assert_cmpuint(ctrl_mac_table(&f, NULL, 0, NULL, 0), ==,
                     VIRTIO_NET_OK);
    g_assert_true(filtered(&f, other_mac));
    /* So does ALLUNI, and NOUNI keeps out even our own address. */
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_ALLUNI, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_false(filtered(&f, other_mac));
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_ALLUNI, 0), ==,
                     VIRTIO_NET_OK);
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_NOUNI, 1), ==,
                     VIRTIO_NET_OK);
    send_arp_request(&f, guest_mac, HOST_IP);
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_NOUNI, 0), ==,
                     VIRTIO_NET_OK);
    send_arp_request(&f, guest_mac, DNS_IP);
    expect_arp_reply(&f, DNS_IP, guest_mac);

    /*
     * Multicast (the router advertisement to ff02::1): dropped unless
     * in the table or ALLMULTI, and with NOMULTI whatever the table.
     */
    g_assert_true(multicast_filtered(&f));
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_ALLMULTI, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_false(multicast_filtered(&f));
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_ALLMULTI, 0), ==,
                     VIRTIO_NET_OK);
    g_assert_cmpuint(ctrl_mac_table(&f, NULL, 0, all_nodes, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_false(multicast_filtered(&f));
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_NOMULTI, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_true(multicast_filtered(&f));
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_NOMULTI, 0), ==,
                     VIRTIO_NET_OK);

    /* NOBCAST drops DHCP's broadcast answer. */
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_NOBCAST, 1), ==,
                     VIRTIO_NET_OK);
    len = qnet_dhcp(f.frame, guest_mac, QNET_DHCPDISCOVER, 1, 0, 0);
    qvirtio_net_send(f.net, f.frame, len);
    send_arp_request(&f, guest_mac, DNS_IP);
    recv_frame(&f, buf, &pf);
    g_assert_cmphex(pf.type, ==, ETH_P_ARP);
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_NOBCAST, 0), ==,
                     VIRTIO_NET_OK);
    len = qnet_dhcp(f.frame, guest_mac, QNET_DHCPDISCOVER, 2, 0, 0);
    qvirtio_net_send(f.net, f.frame, len);
    recv_frame(&f, buf, &pf);
    g_assert_cmpuint(pf.dport, ==, 68);
    g_assert_cmpmem(pf.dst, 6, qnet_broadcast, 6);

    /* MAC_ADDR_SET: the NIC answers to the new address only. */
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_MAC,
                                      VIRTIO_NET_CTRL_MAC_ADDR_SET,
                                      other_mac, 6), ==, VIRTIO_NET_OK);
    send_arp_request(&f, guest_mac, HOST_IP);
    send_arp_request(&f, other_mac, DNS_IP);
    expect_arp_reply(&f, DNS_IP, other_mac);
    fixture_stop(&f);
}

/*
 * Control commands answer VIRTIO_NET_ERR for what they cannot do and
 * change nothing then.
 */
static void test_ctrl_errors(void)
{
    Fixture f = { 0 };
    uint8_t vid[2], bad_table[12] = { 5, 0, 0, 0 };

    if (!can_run(false)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    stw_le_p(vid, 5);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_VLAN,
                                      VIRTIO_NET_CTRL_VLAN_ADD, vid, 2), ==,
                     VIRTIO_NET_OK);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_VLAN,
                                      VIRTIO_NET_CTRL_VLAN_DEL, vid, 2), ==,
                     VIRTIO_NET_OK);
    stw_le_p(vid, 4096);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_VLAN,
                                      VIRTIO_NET_CTRL_VLAN_ADD, vid, 2), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_VLAN, 7, vid,
                                      2), ==, VIRTIO_NET_ERR);
    /* Unknown class, missing data, a table longer than its command. */
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, 0x7f, 0, NULL, 0), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_RX,
                                      VIRTIO_NET_CTRL_RX_PROMISC, NULL, 0),
                     ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_MAC,
                                      VIRTIO_NET_CTRL_MAC_TABLE_SET,
                                      bad_table, sizeof(bad_table)), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_MAC,
                                      VIRTIO_NET_CTRL_MAC_ADDR_SET,
                                      other_mac, 5), ==, VIRTIO_NET_ERR);
    /* The failed MAC_ADDR_SET left the address alone. */
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_OK);
    g_assert_true(filtered(&f, other_mac));
    fixture_stop(&f);

    /* Without the features their commands fail. */
    if (qtest_qemu_is_upstream()) {
        return;     /* QEMU does not check the negotiated features */
    }
    fixture_start(&f, NULL, NULL, (1ULL << VIRTIO_NET_F_CTRL_VQ), 0);
    stw_le_p(vid, 5);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_VLAN,
                                      VIRTIO_NET_CTRL_VLAN_ADD, vid, 2), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_rx(&f, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(qvirtio_net_ctrl(f.net, VIRTIO_NET_CTRL_MAC,
                                      VIRTIO_NET_CTRL_MAC_ADDR_SET,
                                      other_mac, 6), ==, VIRTIO_NET_ERR);
    fixture_stop(&f);
}

/* Bad input from the guest */

/* A frame sent with a header of our making (@hdr, 12 bytes). */
static void send_with_hdr(Fixture *f, const uint8_t *hdr, const void *frame,
                          size_t len)
{
    g_autofree uint8_t *buf = g_malloc(QVIRTIO_NET_HDR_LEN + len);

    memcpy(buf, hdr, QVIRTIO_NET_HDR_LEN);
    memcpy(buf + QVIRTIO_NET_HDR_LEN, frame, len);
    qvirtio_net_send_raw(f->net, buf, QVIRTIO_NET_HDR_LEN + len);
}

/* The device still works: ARP for the DNS is answered. */
static void assert_alive(Fixture *f)
{
    g_assert_false(device_broken(f));
    send_arp_request(f, guest_mac, DNS_IP);
    expect_arp_reply(f, DNS_IP, guest_mac);
}

static void test_bad_tx_frames(void)
{
    static const uint8_t zero_hdr[QVIRTIO_NET_HDR_LEN];
    uint8_t gso_hdr[QVIRTIO_NET_HDR_LEN] = { 0, 1 };   /* TCPV4 */
    uint8_t big[QNET_FRAME_MAX];
    Fixture f = { 0 };
    size_t len;

    if (!can_run(true)) {
        return;
    }
    fixture_start(&f, NULL, ",host_mtu=1000", QVIRTIO_NET_DEFAULT_FEATURES |
                  (1ULL << VIRTIO_NET_F_MTU), RX_BUFS);
    send_with_hdr(&f, zero_hdr, "runt", 4);
    assert_log(&f, "runt frame of 4 bytes dropped");
    assert_alive(&f);

    /* MTU 1000: 1018 bytes (with a VLAN tag) pass, 1019 do not. */
    memset(big, 0, sizeof(big));
    memcpy(big, qnet_broadcast, 6);
    memcpy(big + 6, guest_mac, 6);
    stw_be_p(big + 12, 0x88b5);         /* local experimental ethertype */
    send_with_hdr(&f, zero_hdr, big, 1019);
    assert_log(&f, "1019-byte frame exceeds the MTU of 1000");
    g_assert_false(log_has(&f, "1018-byte"));
    send_with_hdr(&f, zero_hdr, big, 1018);
    g_assert_false(log_has(&f, "1018-byte"));

    len = qnet_arp(f.frame, 1, guest_mac, GUEST_IP, NULL, HOST_IP);
    send_with_hdr(&f, gso_hdr, f.frame, len);
    assert_log(&f, "offload requested (gso_type 1");
    assert_alive(&f);
    fixture_stop(&f);

    /* Without MTU negotiated the limit is 1500. */
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    send_with_hdr(&f, zero_hdr, big, 1519);
    assert_log(&f, "1519-byte frame exceeds the MTU of 1500");
    assert_alive(&f);
    fixture_stop(&f);
}

/* IPv4 headers libslirp would drop silently are logged. */
static void test_bad_ip_header(void)
{
    Fixture f = { 0 };
    size_t len;

    if (!can_run(true)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, RX_BUFS);
    arp_gateway(&f);
    len = qnet_icmp_echo(f.frame, guest_mac, slirp_mac, GUEST_IP, HOST_IP,
                         1, 1, "x", 1);
    f.frame[ETH_HLEN + 10] ^= 0xff;        /* header checksum */
    qvirtio_net_send(f.net, f.frame, len);
    assert_log(&f, "bad IPv4 header checksum");

    len = qnet_icmp_echo(f.frame, guest_mac, slirp_mac, GUEST_IP, HOST_IP,
                         1, 2, "x", 1);
    f.frame[ETH_HLEN] = 0x55;              /* version 5 */
    qvirtio_net_send(f.net, f.frame, len);
    assert_log(&f, "bad IPv4 header: version 5");

    len = qnet_icmp_echo(f.frame, guest_mac, slirp_mac, GUEST_IP, HOST_IP,
                         1, 3, "x", 1);
    stw_be_p(f.frame + ETH_HLEN + 2, 200); /* longer than the frame */
    qvirtio_net_send(f.net, f.frame, len);
    assert_log(&f, "bad IPv4 total length 200");

    qvirtio_net_send(f.net, f.frame, ETH_HLEN + 10);
    assert_log(&f, "too short for an IP header");

    /* None of them was answered; a good echo is. */
    send_ping(&f, 4, 8);
    expect_pong(&f, 4, 8);
    fixture_stop(&f);
}

/* A tx chain shorter than the header breaks the device. */
static void test_bad_tx_chain(void)
{
    Fixture f = { 0 };

    if (!can_run(true)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, 0);
    {
        uint64_t addr = guest_alloc(&f.net->alloc, 6);
        uint32_t head = qvirtqueue_add(f.qts, f.net->tx, addr, 6, false,
                                       false);

        qvirtqueue_kick(f.qts, f.net->vdev, f.net->tx, head);
    }
    qvirtio_wait_status(f.net->vdev, VIRTIO_CONFIG_S_NEEDS_RESET,
                        QVIRTIO_TIMEOUT_US);
    assert_log(&f, "tx chain of 6 bytes shorter than the 12-byte header");
    fixture_stop(&f);

    /* So does a control command without room for the ack. */
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, 0);
    {
        uint64_t addr = guest_alloc(&f.net->alloc, 3);
        uint32_t head = qvirtqueue_add(f.qts, f.net->ctrl, addr, 3, false,
                                       false);

        qvirtqueue_kick(f.qts, f.net->vdev, f.net->ctrl, head);
    }
    qvirtio_wait_status(f.net->vdev, VIRTIO_CONFIG_S_NEEDS_RESET,
                        QVIRTIO_TIMEOUT_US);
    assert_log(&f, "virtio-net ctrl missing headers");
    fixture_stop(&f);
}

/*
 * Receive buffers too small: for the header (with MRG_RXBUF), or for
 * the frame (without): that frame is dropped, the buffer comes back with
 * length 0, and the next frame uses the good buffers behind it.
 */
static void test_bad_rx_buffers(void)
{
    Fixture f = { 0 };
    uint8_t buf[QNET_FRAME_MAX];
    uint32_t used;

    if (!can_run(true)) {
        return;
    }
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES, 0);
    qvirtio_net_post_rx(f.net, 1, 8);
    qvirtio_net_post_rx(f.net, RX_BUFS, RX_BUF_SIZE);
    send_arp_request(&f, guest_mac, HOST_IP);
    g_assert_cmpint(qvirtio_net_recv_timeout(f.net, buf, sizeof(buf), &used,
                                             NULL, QVIRTIO_TIMEOUT_US), ==,
                    0);
    g_assert_cmpuint(used, ==, 0);
    assert_log(&f, "rx buffer of 8 bytes cannot hold the 12-byte "
               "virtio-net header");
    assert_alive(&f);
    fixture_stop(&f);

    /* 40 bytes: the header fits, an ARP reply (42 or more) does not. */
    fixture_start(&f, NULL, NULL, QVIRTIO_NET_DEFAULT_FEATURES &
                  ~(1ULL << VIRTIO_NET_F_MRG_RXBUF), 0);
    qvirtio_net_post_rx(f.net, 1, 40);
    qvirtio_net_post_rx(f.net, RX_BUFS, RX_BUF_SIZE);
    send_arp_request(&f, guest_mac, HOST_IP);
    g_assert_cmpint(qvirtio_net_recv_timeout(f.net, buf, sizeof(buf), &used,
                                             NULL, QVIRTIO_TIMEOUT_US), ==,
                    0);
    g_assert_cmpuint(used, ==, 0);
    assert_log(&f, "rx buffer of 40 bytes too small for a ");
    assert_alive(&f);
    fixture_stop(&f);
}

/* -nic user,model=virtio-net-pci makes both halves. */
static void test_nic_option(void)
{
    QTestState *qts;
    QVirtioNet *net;
    uint8_t buf[QNET_FRAME_MAX], frame[QNET_FRAME_MAX];
    QNetFrame pf;
    size_t len;

    if (!can_run(false)) {
        return;
    }
    qts = qvirtio_net_qtest_init("-nodefaults -nic user,model=virtio-net-pci,"
                                 "mac=" GUEST_MAC_STR);
    net = qvirtio_net_init(qts, QVIRTIO_NET_DEFAULT_FEATURES);
    g_assert_cmpmem(net->mac, 6, guest_mac, 6);
    qvirtio_net_post_rx(net, RX_BUFS, RX_BUF_SIZE);
    len = qnet_arp(frame, 1, guest_mac, GUEST_IP, NULL, HOST_IP);
    qvirtio_net_send(net, frame, len);
    len = qvirtio_net_recv(net, buf, sizeof(buf));
    g_assert_true(qnet_parse(buf, len, &pf));
    g_assert_cmpuint(pf.arp_op, ==, 2);
    qvirtio_net_free(net);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/virtio-net/features", test_features);
    g_test_add_func("/x86_64/virtio-net/user/arp", test_arp);
    g_test_add_func("/x86_64/virtio-net/tx-reentrant", test_tx_reentrant);
    g_test_add_func("/x86_64/virtio-net/user/dhcp", test_dhcp);
    g_test_add_func("/x86_64/virtio-net/user/dhcp-options",
                    test_dhcp_options);
    g_test_add_func("/x86_64/virtio-net/user/ping", test_ping);
    g_test_add_data_func("/x86_64/virtio-net/user/ipv6/on",
                         GINT_TO_POINTER(true), test_ipv6);
    g_test_add_data_func("/x86_64/virtio-net/user/ipv6/off",
                         GINT_TO_POINTER(false), test_ipv6);
    g_test_add_func("/x86_64/virtio-net/user/hostfwd-udp",
                    test_hostfwd_udp);
    g_test_add_func("/x86_64/virtio-net/user/hostfwd-tcp",
                    test_hostfwd_tcp);
    g_test_add_data_func("/x86_64/virtio-net/user/restrict/on",
                         GINT_TO_POINTER(true), test_restrict);
    g_test_add_data_func("/x86_64/virtio-net/user/restrict/off",
                         GINT_TO_POINTER(false), test_restrict);
    g_test_add_func("/x86_64/virtio-net/user/nic-option", test_nic_option);
    g_test_add_func("/x86_64/virtio-net/rx/mergeable", test_mergeable);
    g_test_add_func("/x86_64/virtio-net/rx/no-mergeable",
                    test_no_mergeable);
    g_test_add_func("/x86_64/virtio-net/rx/flow-control",
                    test_flow_control);
    g_test_add_func("/x86_64/virtio-net/link", test_link);
    g_test_add_func("/x86_64/virtio-net/ctrl/rx-filter", test_rx_filter);
    g_test_add_func("/x86_64/virtio-net/ctrl/errors", test_ctrl_errors);
    g_test_add_func("/x86_64/virtio-net/bad/tx-frames", test_bad_tx_frames);
    g_test_add_func("/x86_64/virtio-net/bad/tx-chain", test_bad_tx_chain);
    g_test_add_func("/x86_64/virtio-net/bad/rx-buffers",
                    test_bad_rx_buffers);
    g_test_add_func("/x86_64/virtio-net/bad/ip-header", test_bad_ip_header);

    return g_test_run();
}
