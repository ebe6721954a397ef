/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's side of a small IPv4 network, for tests that play the
 * guest behind a NIC: Ethernet frames carrying ARP, IPv4 with UDP, ICMP
 * echo, TCP segments and DHCP, built with correct checksums, and a
 * parser for what comes back.  Addresses are host-order uint32_t
 * (QNET_IP(10, 0, 2, 15)); MACs are 6-byte arrays; protocol numbers are
 * the system headers'.  Frames are written into a caller's buffer of
 * QNET_FRAME_MAX bytes; builders return the frame length.
 */

#ifndef LIBQOS_NET_FRAMES_H
#define LIBQOS_NET_FRAMES_H

/* Ethernet (ETH_*), IP protocol (IPPROTO_*) and TCP flag (TH_*) names. */
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define QNET_IP(a, b, c, d) \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define QNET_FRAME_MAX          1600

/* DHCP message types (option 53) */
#define QNET_DHCPDISCOVER       1
#define QNET_DHCPOFFER          2
#define QNET_DHCPREQUEST        3
#define QNET_DHCPACK            5

extern const uint8_t qnet_broadcast[6];

/* What qnet_parse() found in a frame; pointers point into it. */
typedef struct QNetFrame {
    const uint8_t *dst;
    const uint8_t *src;
    uint16_t type;
    /* ARP */
    uint16_t arp_op;
    const uint8_t *arp_sha;
    uint32_t arp_sip;
    uint32_t arp_tip;
    /* IPv4 */
    uint8_t proto;
    uint32_t sip;
    uint32_t dip;
    /* UDP and TCP ports; ICMP type, code, id and sequence */
    uint16_t sport;
    uint16_t dport;
    uint8_t icmp_type;
    uint16_t icmp_id;
    uint16_t icmp_seq;
    /* TCP */
    uint32_t seq;
    uint32_t ack;
    uint8_t tcp_flags;
    /* The L4 payload (or the ICMP data after id/seq). */
    const uint8_t *data;
    size_t data_len;
} QNetFrame;

/*
 * Parse @frame.  False (with what was found so far) when a header is
 * cut short or an IPv4/UDP/TCP/ICMP checksum is wrong.
 */
bool qnet_parse(const uint8_t *frame, size_t len, QNetFrame *f);

/* Internet checksum of @len bytes, folded, starting from @sum. */
uint16_t qnet_csum(const void *buf, size_t len, uint32_t sum);

size_t qnet_arp(uint8_t *frame, uint16_t op, const uint8_t *sha,
                uint32_t sip, const uint8_t *tha, uint32_t tip);
/* An IPv4 packet of @proto around @l4 (@l4_len bytes, checksummed). */
size_t qnet_ipv4(uint8_t *frame, const uint8_t *src, const uint8_t *dst,
                 uint32_t sip, uint32_t dip, uint8_t proto,
                 const void *l4, size_t l4_len);
size_t qnet_udp(uint8_t *frame, const uint8_t *src, const uint8_t *dst,
                uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport,
                const void *data, size_t len);
size_t qnet_icmp_echo(uint8_t *frame, const uint8_t *src,
                      const uint8_t *dst, uint32_t sip, uint32_t dip,
                      uint16_t id, uint16_t seq, const void *data,
                      size_t len);
size_t qnet_tcp(uint8_t *frame, const uint8_t *src, const uint8_t *dst,
                uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport,
                uint32_t seq, uint32_t ack, uint8_t flags,
                const void *data, size_t len);
/*
 * A DHCP DISCOVER or REQUEST from @mac (broadcast, transaction @xid);
 * REQUEST asks for @req_ip from server @server.
 */
size_t qnet_dhcp(uint8_t *frame, const uint8_t *mac, uint8_t msg_type,
                 uint32_t xid, uint32_t req_ip, uint32_t server);
/*
 * Option @code of a DHCP reply's UDP payload: its length and *@val, or
 * -1 when absent.
 */
int qnet_dhcp_option(const QNetFrame *f, uint8_t code, const uint8_t **val);

#endif /* LIBQOS_NET_FRAMES_H */
