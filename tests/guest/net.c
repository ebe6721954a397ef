/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's network check: virtio-net-pci on -netdev user (libslirp).
 * It asks for the gateway's MAC address (ARP for 10.0.2.2) and pings the
 * gateway; slirp answers both itself, so nothing leaves the host, even
 * with restrict=on.  The ARP request also tells slirp our own address,
 * which it needs to send the echo reply.  With "udp-echo" on the command
 * line it then answers one datagram to UDP port 7 (a hostfwd rule brings
 * it from the host) with its own payload.
 */

#include "virtio.h"
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#define NET_RX_BUFS     8
#define NET_BUF_SIZE    2048
#define NET_QUEUE_SIZE  64
/* Frames that are not the answer (IPv6 router adverts...) skipped. */
#define NET_MAX_SKIP    32

#define ETH_P_IP        0x0800
#define ETH_P_ARP       0x0806
#define ICMP_ECHO_ID    0x4242
#define ICMP_PAYLOAD    56
#define UDP_ECHO_PORT   7
#define UDP_HDRS_LEN    42      /* Ethernet, IPv4 without options, UDP */
#define UDP_ECHO_WAIT_S 60

typedef struct __attribute__((packed)) EthHdr {
    uint8_t dst[6];
    uint8_t src[6];
    uint16_t type;              /* big-endian */
} EthHdr;

typedef struct __attribute__((packed)) ArpPacket {
    EthHdr eth;
    uint16_t htype, ptype;
    uint8_t hlen, plen;
    uint16_t oper;
    uint8_t sha[6], spa[4], tha[6], tpa[4];
} ArpPacket;

/* Without options: ver_ihl is 0x45. */
typedef struct __attribute__((packed)) Ipv4Hdr {
    uint8_t ver_ihl, tos;
    uint16_t tot_len, id, frag;
    uint8_t ttl, proto;
    uint16_t csum;
    uint8_t saddr[4], daddr[4];
} Ipv4Hdr;

typedef struct __attribute__((packed)) PingPacket {
    EthHdr eth;
    Ipv4Hdr ip;
    uint8_t type, code;
    uint16_t icmp_csum, echo_id, echo_seq;
    uint8_t data[ICMP_PAYLOAD];
} PingPacket;

typedef struct __attribute__((packed)) UdpPacket {
    EthHdr eth;
    Ipv4Hdr ip;
    uint16_t sport, dport, udp_len, udp_csum;
    uint8_t data[NET_BUF_SIZE];     /* more than any frame holds */
} UdpPacket;

static const uint8_t guest_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gateway_ip[4] = { 10, 0, 2, 2 };

static VirtioDev net;
static VirtQueue rxq, txq;
static uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static uint16_t be16(uint16_t v)
{
    return v << 8 | v >> 8;
}

/* The Internet checksum (RFC 1071) of @len bytes, big-endian result. */
static uint16_t inet_csum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += b[i] << 8 | b[i + 1];
    }
    if (len & 1) {
        sum += b[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return be16(~sum);
}

/* Send one frame behind a zeroed virtio-net header; wait till it went. */
static bool net_send(const void *frame, size_t len)
{
    static uint8_t *buf;

    if (!buf) {
        buf = alloc_pages(NET_BUF_SIZE);
    }
    memset(buf, 0, sizeof(struct virtio_net_hdr_v1));
    memcpy(buf + sizeof(struct virtio_net_hdr_v1), frame, len);
    virtqueue_add(&txq, buf, sizeof(struct virtio_net_hdr_v1) + len, NULL, 0,
                  NULL);
    return virtqueue_poll(&txq, NULL) >= 0;
}

/*
 * The next received frame for which @match is true, copied to @frame
 * (@size bytes at most): its length, or -1 when none came.  Each buffer
 * goes back to the device once looked at.
 */
static int net_recv(bool (*match)(const uint8_t *f, int len), void *frame,
                    int size)
{
    int skipped;

    for (skipped = 0; skipped < NET_MAX_SKIP; skipped++) {
        uint16_t head;
        int got = virtqueue_poll(&rxq, &head);
        uint8_t *buf;
        bool ok;

        if (got < 0) {
            return -1;
        }
        buf = (uint8_t *)(uintptr_t)rxq.desc[head].addr;
        got -= sizeof(struct virtio_net_hdr_v1);
        ok = got > 0 && match(buf + sizeof(struct virtio_net_hdr_v1), got);
        if (ok) {
            got = got < size ? got : size;
            memcpy(frame, buf + sizeof(struct virtio_net_hdr_v1), got);
        }
        virtqueue_add(&rxq, NULL, 0, buf, NET_BUF_SIZE, NULL);
        if (ok) {
            return got;
        }
    }
    return -1;
}

static bool is_arp_reply(const uint8_t *f, int len)
{
    const ArpPacket *a = (const void *)f;

    return len >= (int)sizeof(*a) && a->eth.type == be16(ETH_P_ARP) &&
           a->oper == be16(2) && !memcmp(a->spa, gateway_ip, 4) &&
           !memcmp(a->tpa, guest_ip, 4);
}

static bool is_echo_reply(const uint8_t *f, int len)
{
    const PingPacket *p = (const void *)f;

    return len >= (int)sizeof(*p) && p->eth.type == be16(ETH_P_IP) &&
           p->ip.proto == 1 &&
           p->type == 0 && p->echo_id == be16(ICMP_ECHO_ID) &&
           !memcmp(p->ip.saddr, gateway_ip, 4);
}

static bool is_udp_echo_request(const uint8_t *f, int len)
{
    const UdpPacket *u = (const void *)f;

    return len >= UDP_HDRS_LEN && u->eth.type == be16(ETH_P_IP) &&
           u->ip.ver_ihl == 0x45 && u->ip.proto == 17 &&
           u->dport == be16(UDP_ECHO_PORT) &&
           !memcmp(u->ip.daddr, guest_ip, 4) &&
           be16(u->udp_len) >= 8 && be16(u->udp_len) <= len - 34;
}

/*
 * Answer one datagram to UDP port 7 with its own payload, as the echo
 * service does: the host reaches it through a hostfwd rule.
 */
static void net_udp_echo(const uint8_t *gateway_mac)
{
    static UdpPacket u;
    uint64_t deadline;
    uint16_t sport, n;
    bool ok;

    printf("virtio-net: echoing one UDP datagram on port %u\n",
           UDP_ECHO_PORT);
    /* The host sends when it has read the line above: wait for long. */
    deadline = rdtsc() + UDP_ECHO_WAIT_S * 1000 * tsc_khz();
    while (net_recv(is_udp_echo_request, &u, sizeof(u)) < 0) {
        if (rdtsc() > deadline) {
            check(false, "virtio-net: UDP datagram for port %u received "
                  "within %u s", UDP_ECHO_PORT, UDP_ECHO_WAIT_S);
            return;
        }
    }
    n = be16(u.udp_len) - 8;
    memcpy(u.eth.dst, gateway_mac, 6);
    memcpy(u.eth.src, mac, 6);
    memcpy(u.ip.daddr, u.ip.saddr, 4);
    memcpy(u.ip.saddr, guest_ip, 4);
    sport = u.sport;
    u.sport = u.dport;
    u.dport = sport;
    u.ip.ttl = 64;
    u.ip.frag = 0;
    u.ip.csum = 0;
    u.ip.csum = inet_csum(&u.ip.ver_ihl, 20);
    u.udp_csum = 0;                 /* optional over IPv4 */
    ok = net_send(&u, UDP_HDRS_LEN + n);
    check(ok, "virtio-net: UDP from %u.%u.%u.%u:%u echoed, %u bytes",
          u.ip.daddr[0], u.ip.daddr[1], u.ip.daddr[2], u.ip.daddr[3],
          be16(u.dport), n);
}

static bool net_init(void)
{
    PCIDev pci;
    unsigned i;

    /* QEMU's is transitional (0x1000) on q35's root bus; ours modern. */
    if (!pci_find(0x1af4, 0x1040 + VIRTIO_ID_NET, &pci) &&
        !pci_find(0x1af4, 0x1000, &pci)) {
        printf("virtio-net: none on bus 0, its checks skipped\n");
        return false;
    }
    if (!virtio_pci_init(&net, &pci, 0, 1ULL << VIRTIO_NET_F_MAC) ||
        !virtqueue_setup(&net, &rxq, 0, NET_QUEUE_SIZE) ||
        !virtqueue_setup(&net, &txq, 1, NET_QUEUE_SIZE)) {
        check(false, "virtio-net: features and queues set up");
        return false;
    }
    if (net.features & (1ULL << VIRTIO_NET_F_MAC)) {
        for (i = 0; i < 6; i++) {
            mac[i] = readb(net.device + i);
        }
    }
    virtio_set_driver_ok(&net);
    for (i = 0; i < NET_RX_BUFS; i++) {
        virtqueue_add(&rxq, NULL, 0, alloc_pages(NET_BUF_SIZE), NET_BUF_SIZE,
                      NULL);
    }
    check(true, "virtio-net: features 0x%lx, MAC "
          "%02x:%02x:%02x:%02x:%02x:%02x, %u receive buffers", net.features,
          mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], NET_RX_BUFS);
    return true;
}

void net_checks(void)
{
    ArpPacket arp = { 0 };
    PingPacket ping = { 0 }, pong;
    uint64_t sent;
    unsigned i;
    bool ok;

    if (!net_init()) {
        return;
    }

    memset(arp.eth.dst, 0xff, 6);
    memcpy(arp.eth.src, mac, 6);
    arp.eth.type = be16(ETH_P_ARP);
    arp.htype = be16(1);
    arp.ptype = be16(ETH_P_IP);
    arp.hlen = 6;
    arp.plen = 4;
    arp.oper = be16(1);
    memcpy(arp.sha, mac, 6);
    memcpy(arp.spa, guest_ip, 4);
    memcpy(arp.tpa, gateway_ip, 4);
    ok = net_send(&arp, sizeof(arp)) &&
         net_recv(is_arp_reply, &arp, sizeof(arp)) > 0;
    check(ok, "virtio-net: ARP: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x",
          arp.sha[0], arp.sha[1], arp.sha[2], arp.sha[3], arp.sha[4],
          arp.sha[5]);
    if (!ok) {
        return;
    }

    memcpy(ping.eth.dst, arp.sha, 6);
    memcpy(ping.eth.src, mac, 6);
    ping.eth.type = be16(ETH_P_IP);
    ping.ip.ver_ihl = 0x45;
    ping.ip.tot_len = be16(sizeof(ping) - sizeof(EthHdr));
    ping.ip.id = be16(1);
    ping.ip.ttl = 64;
    ping.ip.proto = 1;
    memcpy(ping.ip.saddr, guest_ip, 4);
    memcpy(ping.ip.daddr, gateway_ip, 4);
    ping.ip.csum = inet_csum(&ping.ip.ver_ihl, 20);
    ping.type = 8;
    ping.echo_id = be16(ICMP_ECHO_ID);
    ping.echo_seq = be16(1);
    for (i = 0; i < ICMP_PAYLOAD; i++) {
        ping.data[i] = i * 7;
    }
    ping.icmp_csum = inet_csum(&ping.type, 8 + ICMP_PAYLOAD);
    sent = rdtsc();
    ok = net_send(&ping, sizeof(ping)) &&
         net_recv(is_echo_reply, &pong, sizeof(pong)) > 0;
    check(ok && pong.echo_seq == ping.echo_seq &&
          !memcmp(pong.data, ping.data, ICMP_PAYLOAD) &&
          inet_csum(&pong.type, 8 + ICMP_PAYLOAD) == 0,
          "virtio-net: ping 10.0.2.2: %u bytes answered in %u us",
          ICMP_PAYLOAD, ok ? tsc_to_us(rdtsc() - sent) : 0);
    if (ok && cmdline_has("udp-echo")) {
        net_udp_echo(arp.sha);
    }
}
