/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev user: user-mode networking on libslirp (docs/devel/net.md).
 *
 * libslirp is a TCP/IP stack that plays the rest of a small network for
 * the guest (default 10.0.2.0/24): a gateway at 10.0.2.2 that answers ARP
 * and ICMP echo and NATs TCP/UDP onto host sockets, a DNS forwarder at
 * 10.0.2.3, and a DHCP server handing out 10.0.2.15 onwards.  hostfwd
 * rules listen on host sockets and forward to a guest port.
 *
 * It runs on the main loop through QEMU's SlirpCb callbacks:
 *   - frames from the guest: net_slirp_receive() -> slirp_input();
 *   - frames to the guest: send_packet -> qemu_send_packet() to the NIC;
 *   - sockets: a main-loop poll notifier calls slirp_pollfds_fill()
 *     before poll() and slirp_pollfds_poll() after it;
 *   - time: clock_get_ns and timers on QEMU_CLOCK_VIRTUAL (guest time,
 *     so under qtest TCP timers and IPv6 router advertisements move only
 *     with clock_step);
 *   - guest_error -> LOG_GUEST_ERROR; notify -> qemu_notify_event().
 * libslirp does not check IPv4 headers loudly, so frames with a broken
 * header are dropped here with a guest_errors line before it sees them.
 */

#include "qemu/osdep.h"
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <poll.h>
#include <slirp/libslirp.h>

#include "qapi/error.h"
#include "qemu/keyval.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "net/net.h"
#include "clients.h"

typedef struct SlirpState {
    NetClientState nc;
    Slirp *slirp;
    Notifier poll_notifier;
} SlirpState;

typedef struct SlirpTimer {
    SlirpState *s;
    SlirpTimerId id;
    void *cb_opaque;
    QEMUTimer timer;
} SlirpTimer;

/* Frames from the guest */

/* IPv4 header checks libslirp makes silently; false drops the frame. */
static bool net_slirp_check_ipv4(const uint8_t *buf, size_t size)
{
    const uint8_t *ip = buf + ETH_HLEN;
    size_t avail = size - ETH_HLEN;
    unsigned int hlen, total, sum = 0, i;

    if (avail < sizeof(struct iphdr)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: IPv4 frame of %zu bytes is "
                      "too short for an IP header\n", __func__, size);
        return false;
    }
    hlen = (ip[0] & 0xf) * 4;
    total = ip[2] << 8 | ip[3];
    if (ip[0] >> 4 != 4 || hlen < sizeof(struct iphdr) || hlen > avail) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad IPv4 header: version %u, "
                      "header length %u of %zu bytes\n", __func__,
                      ip[0] >> 4, hlen, avail);
        return false;
    }
    if (total < hlen || total > avail) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad IPv4 total length %u "
                      "(header %u, %zu bytes in the frame)\n", __func__,
                      total, hlen, avail);
        return false;
    }
    for (i = 0; i < hlen; i += 2) {
        sum += ip[i] << 8 | ip[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    if (sum != 0xffff) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad IPv4 header checksum\n",
                      __func__);
        return false;
    }
    return true;
}

static ssize_t net_slirp_receive(NetClientState *nc, const uint8_t *buf,
                                 size_t size)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    if (size < ETH_HLEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: runt frame of %zu bytes "
                      "dropped\n", __func__, size);
        return size;
    }
    if ((buf[12] << 8 | buf[13]) == ETH_P_IP &&
        !net_slirp_check_ipv4(buf, size)) {
        return size;
    }
    slirp_input(s->slirp, buf, size);
    return size;
}

static void net_slirp_cleanup(NetClientState *nc)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    main_loop_poll_remove_notifier(&s->poll_notifier);
    slirp_cleanup(s->slirp);
    s->slirp = NULL;
}

static NetClientInfo net_slirp_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(SlirpState),
    .receive = net_slirp_receive,
    .cleanup = net_slirp_cleanup,
};

/* SlirpCb */

static ssize_t net_slirp_send_packet(const void *pkt, size_t pkt_len,
                                     void *opaque)
{
    SlirpState *s = opaque;

    /*
     * No sent_cb: a NIC that cannot take the frame queues it (up to the
     * queue's limit); TCP retransmits whatever is lost beyond that.
     */
    return qemu_send_packet(&s->nc, pkt, pkt_len);
}

static void net_slirp_guest_error(const char *msg, void *opaque)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s\n", msg);
}

static int64_t net_slirp_clock_get_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void net_slirp_timer_cb(void *opaque)
{
    SlirpTimer *t = opaque;

    slirp_handle_timer(t->s->slirp, t->id, t->cb_opaque);
}

static void *net_slirp_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
                                        void *opaque)
{
    SlirpTimer *t = g_new0(SlirpTimer, 1);

    t->s = opaque;
    t->id = id;
    t->cb_opaque = cb_opaque;
    timer_init_full(&t->timer, NULL, QEMU_CLOCK_VIRTUAL, SCALE_MS,
                    QEMU_TIMER_ATTR_EXTERNAL, net_slirp_timer_cb, t);
    return t;
}

static void net_slirp_timer_free(void *timer, void *opaque)
{
    SlirpTimer *t = timer;

    timer_del(&t->timer);
    timer_deinit(&t->timer);
    g_free(t);
}

static void net_slirp_timer_mod(void *timer, int64_t expire_time,
                                void *opaque)
{
    SlirpTimer *t = timer;

    timer_mod(&t->timer, expire_time);
}

/* Our poll is the main loop's, so there is nothing to register. */
static void net_slirp_register_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_unregister_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_notify(void *opaque)
{
    qemu_notify_event();
}

static const SlirpCb slirp_cb = {
    .send_packet = net_slirp_send_packet,
    .guest_error = net_slirp_guest_error,
    .clock_get_ns = net_slirp_clock_get_ns,
    .timer_free = net_slirp_timer_free,
    .timer_mod = net_slirp_timer_mod,
    .register_poll_fd = net_slirp_register_poll_fd,
    .unregister_poll_fd = net_slirp_unregister_poll_fd,
    .notify = net_slirp_notify,
    .timer_new_opaque = net_slirp_timer_new_opaque,
};

/* The main loop's poll */

static int net_slirp_add_poll(int fd, int events, void *opaque)
{
    GArray *pollfds = opaque;
    GPollFD pfd = { .fd = fd };

    if (events & SLIRP_POLL_IN) {
        pfd.events |= G_IO_IN;
    }
    if (events & SLIRP_POLL_OUT) {
        pfd.events |= G_IO_OUT;
    }
    if (events & SLIRP_POLL_PRI) {
        pfd.events |= G_IO_PRI;
    }
    if (events & SLIRP_POLL_ERR) {
        pfd.events |= G_IO_ERR;
    }
    if (events & SLIRP_POLL_HUP) {
        pfd.events |= G_IO_HUP;
    }
    g_array_append_val(pollfds, pfd);
    return pollfds->len - 1;
}

static int net_slirp_get_revents(int idx, void *opaque)
{
    GArray *pollfds = opaque;
    int revents = g_array_index(pollfds, GPollFD, idx).revents;
    int ret = 0;

    if (revents & G_IO_IN) {
        ret |= SLIRP_POLL_IN;
    }
    if (revents & G_IO_OUT) {
        ret |= SLIRP_POLL_OUT;
    }
    if (revents & G_IO_PRI) {
        ret |= SLIRP_POLL_PRI;
    }
    if (revents & G_IO_ERR) {
        ret |= SLIRP_POLL_ERR;
    }
    if (revents & G_IO_HUP) {
        ret |= SLIRP_POLL_HUP;
    }
    return ret;
}

static void net_slirp_poll_notify(Notifier *notifier, void *data)
{
    MainLoopPoll *poll = data;
    SlirpState *s = container_of(notifier, SlirpState, poll_notifier);

    switch (poll->state) {
    case MAIN_LOOP_POLL_FILL:
        slirp_pollfds_fill(s->slirp, &poll->timeout, net_slirp_add_poll,
                           poll->pollfds);
        break;
    case MAIN_LOOP_POLL_OK:
    case MAIN_LOOP_POLL_ERR:
        slirp_pollfds_poll(s->slirp, poll->state == MAIN_LOOP_POLL_ERR,
                           net_slirp_get_revents, poll->pollfds);
        break;
    default:
        g_assert_not_reached();
    }
}

/* Options */

/*
 * net=ADDR[/MASK]: MASK a prefix length or a dotted mask; without it
 * the address class decides, as in QEMU.
 */
static bool net_slirp_parse_net(const char *str, struct in_addr *net,
                                struct in_addr *mask, Error **errp)
{
    g_autofree char *addr = g_strdup(str);
    char *slash = strchr(addr, '/');
    uint32_t a;

    if (slash) {
        *slash++ = '\0';
    }
    if (!inet_aton(addr, net)) {
        error_setg(errp, "Failed to parse netmask");
        return false;
    }
    if (slash) {
        char *end;
        long shift = strtol(slash, &end, 10);

        if (*end != '\0') {
            if (!inet_aton(slash, mask)) {
                error_setg(errp, "Failed to parse netmask (trailing chars)");
                return false;
            }
        } else if (shift < 4 || shift > 32) {
            error_setg(errp, "Invalid netmask provided (must be in range "
                       "4-32)");
            return false;
        } else {
            mask->s_addr = htonl(0xffffffffu << (32 - shift));
        }
    } else {
        a = ntohl(net->s_addr);
        if (!(a & 0x80000000)) {
            mask->s_addr = htonl(0xff000000);       /* class A */
        } else if ((a & 0xfff00000) == 0xac100000) {
            mask->s_addr = htonl(0xfff00000);       /* 172.16.0.0/12 */
        } else if ((a & 0xc0000000) == 0x80000000) {
            mask->s_addr = htonl(0xffff0000);       /* class B */
        } else if ((a & 0xffff0000) == 0xc0a80000) {
            mask->s_addr = htonl(0xffff0000);       /* 192.168.0.0/16 */
        } else if ((a & 0xe0000000) == 0xe0000000) {
            mask->s_addr = htonl(0xffffff00);       /* class C */
        } else {
            mask->s_addr = htonl(0xfffffff0);
        }
    }
    net->s_addr &= mask->s_addr;
    return true;
}

/* Cut @*p at the first @sep: the part before it, or NULL if none. */
static char *net_slirp_sep(char **p, char sep)
{
    char *start = *p, *q = strchr(start, sep);

    if (!q) {
        return NULL;
    }
    *q = '\0';
    *p = q + 1;
    return start;
}

static bool net_slirp_parse_port(const char *str, int min, int *port)
{
    char *end;
    long v;

    if (!*str) {
        return false;
    }
    v = strtol(str, &end, 0);
    if (*end != '\0' || v < min || v > 65535) {
        return false;
    }
    *port = v;
    return true;
}

/* hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static bool net_slirp_hostfwd(SlirpState *s, const char *redir_str,
                              Error **errp)
{
    g_autofree char *buf = g_strdup(redir_str);
    char *p = buf, *proto, *host, *hport, *gaddr;
    struct in_addr host_addr = { .s_addr = INADDR_ANY };
    struct in_addr guest_addr = { .s_addr = 0 };
    int host_port, guest_port;
    const char *fail;
    bool is_udp;

    proto = net_slirp_sep(&p, ':');
    if (!proto) {
        fail = "No : separators";
        goto invalid;
    }
    if (!strcmp(proto, "tcp") || !strcmp(proto, "")) {
        is_udp = false;
    } else if (!strcmp(proto, "udp")) {
        is_udp = true;
    } else {
        fail = "Bad protocol name";
        goto invalid;
    }
    host = net_slirp_sep(&p, ':');
    if (!host) {
        fail = "Missing : separator";
        goto invalid;
    }
    if (host[0] && !inet_aton(host, &host_addr)) {
        fail = "Bad host address";
        goto invalid;
    }
    hport = net_slirp_sep(&p, '-');
    if (!hport) {
        fail = "Bad host port separator";
        goto invalid;
    }
    if (!net_slirp_parse_port(hport, 0, &host_port)) {
        fail = "Bad host port";
        goto invalid;
    }
    gaddr = net_slirp_sep(&p, ':');
    if (!gaddr) {
        fail = "Missing guest address";
        goto invalid;
    }
    if (gaddr[0] && !inet_aton(gaddr, &guest_addr)) {
        fail = "Bad guest address";
        goto invalid;
    }
    if (!net_slirp_parse_port(p, 1, &guest_port)) {
        fail = "Bad guest port";
        goto invalid;
    }

    /* libslirp keeps errno from the socket call that failed. */
    errno = 0;
    if (slirp_add_hostfwd(s->slirp, is_udp, host_addr, host_port,
                          guest_addr, guest_port) < 0) {
        if (errno) {
            error_setg_errno(errp, errno, "Could not set up host "
                             "forwarding rule '%s'", redir_str);
        } else {
            error_setg(errp, "Could not set up host forwarding rule '%s'",
                       redir_str);
        }
        return false;
    }
    return true;

invalid:
    error_setg(errp, "Invalid host forwarding rule '%s' (%s)", redir_str,
               fail);
    return false;
}

static bool net_slirp_check_keys(const KeyValList *kv, Error **errp)
{
    static const char *const keys[] = {
        "type", "id", "net", "host", "dhcpstart", "dns", "hostfwd",
        "restrict", "ipv4", "ipv6", NULL,
    };
    int i;

    for (i = 0; i < kv->n; i++) {
        if (!g_strv_contains(keys, kv->pairs[i].key)) {
            error_setg(errp, "Invalid parameter '%s'", kv->pairs[i].key);
            return false;
        }
    }
    return true;
}

/* An address option: @def (in the network) unless @kv has @key. */
static bool net_slirp_addr(const KeyValList *kv, const char *key,
                           struct in_addr def, const char *what,
                           struct in_addr *addr, Error **errp)
{
    const char *str = keyval_get(kv, key);

    *addr = def;
    if (str && !inet_aton(str, addr)) {
        error_setg(errp, "Failed to parse %s", what);
        return false;
    }
    return true;
}

bool net_init_slirp(const KeyValList *kv, const char *name,
                    NetClientState *peer, Error **errp)
{
    struct in_addr net = { .s_addr = htonl(0x0a000200) };   /* 10.0.2.0 */
    struct in_addr mask = { .s_addr = htonl(0xffffff00) };  /* /24 */
    struct in_addr host, dns, dhcp, def;
    SlirpConfig cfg = { .version = 4 };
    bool ipv4, ipv6, restricted;
    NetClientState *nc;
    SlirpState *s;
    int i;

    if (!net_slirp_check_keys(kv, errp) ||
        !keyval_get_bool(kv, "ipv4", true, &ipv4, errp) ||
        !keyval_get_bool(kv, "ipv6", true, &ipv6, errp) ||
        !keyval_get_bool(kv, "restrict", false, &restricted, errp)) {
        return false;
    }
    if (!ipv4 && !ipv6) {
        error_setg(errp, "IPv4 and IPv6 disabled");
        return false;
    }
    if (keyval_get(kv, "net") &&
        !net_slirp_parse_net(keyval_get(kv, "net"), &net, &mask, errp)) {
        return false;
    }

    /* Defaults as historic slirp: host .2, DNS .3, DHCP from .15. */
    def.s_addr = net.s_addr | (htonl(0x0202) & ~mask.s_addr);
    if (!net_slirp_addr(kv, "host", def, "host", &host, errp)) {
        return false;
    }
    if ((host.s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "Host doesn't belong to network");
        return false;
    }
    def.s_addr = net.s_addr | (htonl(0x0203) & ~mask.s_addr);
    if (!net_slirp_addr(kv, "dns", def, "DNS", &dns, errp)) {
        return false;
    }
    if (dns.s_addr == host.s_addr) {
        error_setg(errp, "DNS must be different from host");
        return false;
    }
    def.s_addr = net.s_addr | (htonl(0x020f) & ~mask.s_addr);
    if (!net_slirp_addr(kv, "dhcpstart", def, "DHCP start address", &dhcp,
                        errp)) {
        return false;
    }
    if ((dhcp.s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "DHCP doesn't belong to network");
        return false;
    }
    if (dhcp.s_addr == host.s_addr || dhcp.s_addr == dns.s_addr) {
        error_setg(errp, "DHCP must be different from host and DNS");
        return false;
    }

    cfg.restricted = restricted;
    cfg.in_enabled = ipv4;
    cfg.vnetwork = net;
    cfg.vnetmask = mask;
    cfg.vhost = host;
    cfg.vdhcp_start = dhcp;
    cfg.vnameserver = dns;
    /* IPv6: QEMU's defaults, fec0::/64 with host ::2 and DNS ::3. */
    cfg.in6_enabled = ipv6;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);

    nc = qemu_new_net_client(&net_slirp_info, peer, "user", name);
    nc->is_netdev = true;
    s = container_of(nc, SlirpState, nc);
    s->slirp = slirp_new(&cfg, &slirp_cb, s);
    s->poll_notifier.notify = net_slirp_poll_notify;
    main_loop_poll_add_notifier(&s->poll_notifier);

    for (i = 0; i < kv->n; i++) {
        if (!strcmp(kv->pairs[i].key, "hostfwd") &&
            !net_slirp_hostfwd(s, kv->pairs[i].value, errp)) {
            qemu_del_net_client(nc);
            return false;
        }
    }
    return true;
}
