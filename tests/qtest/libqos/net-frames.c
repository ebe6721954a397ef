/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Frames a test guest sends and receives (net-frames.h).  Written from
 * RFC 791 (IPv4), 768 (UDP), 792 (ICMP), 793 (TCP), 826 (ARP) and 2131
 * (DHCP).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "net-frames.h"

#define IP_HLEN         20
#define UDP_HLEN        8
#define TCP_HLEN        20
#define ICMP_HLEN       8
#define ARP_LEN         28
#define BOOTP_LEN       236
#define DHCP_MAGIC      0x63825363

const uint8_t qnet_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

uint16_t qnet_csum(const void *buf, size_t len, uint32_t sum)
{
    const uint8_t *p = buf;
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += p[i] << 8 | p[i + 1];
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

/* The TCP/UDP pseudo-header's share of the checksum. */
static uint32_t qnet_pseudo_sum(uint32_t sip, uint32_t dip, uint8_t proto,
                                size_t len)
{
    return (sip >> 16) + (sip & 0xffff) + (dip >> 16) + (dip & 0xffff) +
           proto + len;
}

static size_t qnet_eth(uint8_t *frame, const uint8_t *src,
                       const uint8_t *dst, uint16_t type)
{
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    stw_be_p(frame + 12, type);
    return ETH_HLEN;
}

size_t qnet_arp(uint8_t *frame, uint16_t op, const uint8_t *sha,
                uint32_t sip, const uint8_t *tha, uint32_t tip)
{
    static const uint8_t zero[6];
    uint8_t *a = frame + qnet_eth(frame, sha, op == 1 ? qnet_broadcast : tha,
                                  ETH_P_ARP);

    stw_be_p(a, 1);                     /* Ethernet */
    stw_be_p(a + 2, ETH_P_IP);
    a[4] = 6;
    a[5] = 4;
    stw_be_p(a + 6, op);
    memcpy(a + 8, sha, 6);
    stl_be_p(a + 14, sip);
    memcpy(a + 18, tha ? tha : zero, 6);
    stl_be_p(a + 24, tip);
    return ETH_HLEN + ARP_LEN;
}

size_t qnet_ipv4(uint8_t *frame, const uint8_t *src, const uint8_t *dst,
                 uint32_t sip, uint32_t dip, uint8_t proto,
                 const void *l4, size_t l4_len)
{
    uint8_t *ip = frame + qnet_eth(frame, src, dst, ETH_P_IP);

    g_assert_cmpuint(ETH_HLEN + IP_HLEN + l4_len, <=, QNET_FRAME_MAX);
    memset(ip, 0, IP_HLEN);
    ip[0] = 0x45;
    stw_be_p(ip + 2, IP_HLEN + l4_len);
    stw_be_p(ip + 4, g_random_int() & 0xffff);
    ip[8] = 64;
    ip[9] = proto;
    stl_be_p(ip + 12, sip);
    stl_be_p(ip + 16, dip);
    stw_be_p(ip + 10, qnet_csum(ip, IP_HLEN, 0));
    memmove(ip + IP_HLEN, l4, l4_len);
    return ETH_HLEN + IP_HLEN + l4_len;
}

size_t qnet_udp(uint8_t *frame, const uint8_t *src, const uint8_t *dst,
                uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport,
                const void *data, size_t len)
{
    g_autofree uint8_t *udp = g_malloc(UDP_HLEN + len);
    uint16_t sum;

    stw_be_p(udp, sport);
    stw_be_p(udp + 2, dport);
    stw_be_p(udp + 4, UDP_HLEN + len);
    stw_be_p(udp + 6, 0);
    if (len) {
        memcpy(udp + UDP_HLEN, data, len);
    }
    sum = qnet_csum(udp, UDP_HLEN + len,
                    qnet_pseudo_sum(sip, dip, IPPROTO_UDP,
                                    UDP_HLEN + len));
    /* 0 means "no checksum" in UDP: a computed 0 is sent as 0xffff. */
    stw_be_p(udp + 6, sum ? sum : 0xffff);
    return qnet_ipv4(frame, src, dst, sip, dip, IPPROTO_UDP, udp,
                     UDP_HLEN + len);
}

size_t qnet_icmp_echo(uint8_t *frame, const uint8_t *src,
                      const uint8_t *dst, uint32_t sip, uint32_t dip,
                      uint16_t id, uint16_t seq, const void *data,
                      size_t len)
{
    g_autofree uint8_t *icmp = g_malloc(ICMP_HLEN + len);

    icmp[0] = 8;                        /* echo request */
    icmp[1] = 0;
    stw_be_p(icmp + 2, 0);
    stw_be_p(icmp + 4, id);
    stw_be_p(icmp + 6, seq);
    if (len) {
        memcpy(icmp + ICMP_HLEN, data, len);
    }
    stw_be_p(icmp + 2, qnet_csum(icmp, ICMP_HLEN + len, 0));
    return qnet_ipv4(frame, src, dst, sip, dip, IPPROTO_ICMP, icmp,
                     ICMP_HLEN + len);
}

size_t qnet_tcp(uint8_t *frame, const uint8_t *src, const uint8_t *dst,
                uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport,
                uint32_t seq, uint32_t ack, uint8_t flags,
                const void *data, size_t len)
{
    g_autofree uint8_t *tcp = g_malloc0(TCP_HLEN + len);

    stw_be_p(tcp, sport);
    stw_be_p(tcp + 2, dport);
    stl_be_p(tcp + 4, seq);
    stl_be_p(tcp + 8, ack);
    tcp[12] = (TCP_HLEN / 4) << 4;
    tcp[13] = flags;
    stw_be_p(tcp + 14, 65535);          /* window */
    /* data may be NULL for a bare SYN or ACK. */
    if (len) {
        memcpy(tcp + TCP_HLEN, data, len);
    }
    stw_be_p(tcp + 16, qnet_csum(tcp, TCP_HLEN + len,
                                 qnet_pseudo_sum(sip, dip, IPPROTO_TCP,
                                                 TCP_HLEN + len)));
    return qnet_ipv4(frame, src, dst, sip, dip, IPPROTO_TCP, tcp,
                     TCP_HLEN + len);
}

size_t qnet_dhcp(uint8_t *frame, const uint8_t *mac, uint8_t msg_type,
                 uint32_t xid, uint32_t req_ip, uint32_t server)
{
    uint8_t bootp[BOOTP_LEN + 64] = { 0 };
    uint8_t *opt = bootp + BOOTP_LEN;

    bootp[0] = 1;                       /* BOOTREQUEST */
    bootp[1] = 1;                       /* Ethernet */
    bootp[2] = 6;
    stl_be_p(bootp + 4, xid);
    stw_be_p(bootp + 10, 0x8000);       /* broadcast replies */
    memcpy(bootp + 28, mac, 6);
    stl_be_p(opt, DHCP_MAGIC);
    opt += 4;
    *opt++ = 53;
    *opt++ = 1;
    *opt++ = msg_type;
    if (msg_type == QNET_DHCPREQUEST) {
        *opt++ = 50;
        *opt++ = 4;
        stl_be_p(opt, req_ip);
        opt += 4;
        *opt++ = 54;
        *opt++ = 4;
        stl_be_p(opt, server);
        opt += 4;
    }
    *opt++ = 255;
    return qnet_udp(frame, mac, qnet_broadcast, 0, 68, QNET_IP(255, 255,
                    255, 255), 67, bootp, opt - bootp);
}

int qnet_dhcp_option(const QNetFrame *f, uint8_t code, const uint8_t **val)
{
    size_t i = BOOTP_LEN + 4;

    if (f->data_len < i || ldl_be_p(f->data + BOOTP_LEN) != DHCP_MAGIC) {
        return -1;
    }
    while (i < f->data_len && f->data[i] != 255) {
        if (f->data[i] == 0) {
            i++;
            continue;
        }
        if (i + 2 > f->data_len || i + 2 + f->data[i + 1] > f->data_len) {
            return -1;
        }
        if (f->data[i] == code) {
            *val = f->data + i + 2;
            return f->data[i + 1];
        }
        i += 2 + f->data[i + 1];
    }
    return -1;
}

static bool qnet_parse_ipv4(const uint8_t *ip, size_t len, QNetFrame *f)
{
    size_t hlen, total;
    const uint8_t *l4;

    if (len < IP_HLEN || ip[0] >> 4 != 4) {
        return false;
    }
    hlen = (ip[0] & 0xf) * 4;
    total = lduw_be_p(ip + 2);
    if (hlen < IP_HLEN || total < hlen || total > len ||
        qnet_csum(ip, hlen, 0)) {
        return false;
    }
    f->proto = ip[9];
    f->sip = ldl_be_p(ip + 12);
    f->dip = ldl_be_p(ip + 16);
    l4 = ip + hlen;
    len = total - hlen;
    switch (f->proto) {
    case IPPROTO_UDP:
        if (len < UDP_HLEN || lduw_be_p(l4 + 4) > len ||
            (lduw_be_p(l4 + 6) &&
             qnet_csum(l4, lduw_be_p(l4 + 4),
                       qnet_pseudo_sum(f->sip, f->dip, f->proto,
                                       lduw_be_p(l4 + 4))))) {
            return false;
        }
        f->sport = lduw_be_p(l4);
        f->dport = lduw_be_p(l4 + 2);
        f->data = l4 + UDP_HLEN;
        f->data_len = lduw_be_p(l4 + 4) - UDP_HLEN;
        return true;
    case IPPROTO_TCP:
        if (len < TCP_HLEN || (l4[12] >> 4) * 4 > len ||
            qnet_csum(l4, len, qnet_pseudo_sum(f->sip, f->dip, f->proto,
                                               len))) {
            return false;
        }
        f->sport = lduw_be_p(l4);
        f->dport = lduw_be_p(l4 + 2);
        f->seq = ldl_be_p(l4 + 4);
        f->ack = ldl_be_p(l4 + 8);
        f->tcp_flags = l4[13];
        f->data = l4 + (l4[12] >> 4) * 4;
        f->data_len = len - (l4[12] >> 4) * 4;
        return true;
    case IPPROTO_ICMP:
        if (len < ICMP_HLEN || qnet_csum(l4, len, 0)) {
            return false;
        }
        f->icmp_type = l4[0];
        f->icmp_id = lduw_be_p(l4 + 4);
        f->icmp_seq = lduw_be_p(l4 + 6);
        f->data = l4 + ICMP_HLEN;
        f->data_len = len - ICMP_HLEN;
        return true;
    default:
        f->data = l4;
        f->data_len = len;
        return true;
    }
}

bool qnet_parse(const uint8_t *frame, size_t len, QNetFrame *f)
{
    memset(f, 0, sizeof(*f));
    if (len < ETH_HLEN) {
        return false;
    }
    f->dst = frame;
    f->src = frame + 6;
    f->type = lduw_be_p(frame + 12);
    frame += ETH_HLEN;
    len -= ETH_HLEN;
    switch (f->type) {
    case ETH_P_ARP:
        if (len < ARP_LEN) {
            return false;
        }
        f->arp_op = lduw_be_p(frame + 6);
        f->arp_sha = frame + 8;
        f->arp_sip = ldl_be_p(frame + 14);
        f->arp_tip = ldl_be_p(frame + 24);
        return true;
    case ETH_P_IP:
        return qnet_parse_ipv4(frame, len, f);
    default:
        f->data = frame;
        f->data_len = len;
        return true;
    }
}
