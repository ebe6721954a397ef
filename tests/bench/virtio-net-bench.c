/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net-pci + -netdev user benchmark, through libqtest and libqos:
 * guest-to-host UDP throughput through a hostfwd rule, for each emulator
 * given on the command line, printed as one table (bench-qtest.h).
 *
 *   virtio-net-bench [-n DATAGRAMS] [-s PAYLOAD] [-r RUNS] EMULATOR...
 *
 * The test plays the guest: a loopback socket sends one datagram through
 * hostfwd=udp:127.0.0.1:PORT-:5555, the guest learns the address it came
 * from (libslirp's 10.0.2.2:port), and sends DATAGRAMS datagrams of
 * PAYLOAD bytes back to it, which the socket receives.  The frames are
 * written into guest RAM once; each round publishes BATCH of them with
 * one write of the available ring and one doorbell, polls the used ring
 * until the device has sent them all, then reads what reached the
 * socket.  So the figures are the device, libslirp and the qtest socket
 * together; qtest_readl_us, one qtest memory read, is the floor the
 * per-round cost sits on.  Datagrams the socket's buffer could not hold
 * are counted as lost.
 */

#include "qemu/osdep.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "qemu/bswap.h"
#include "../qtest/libqtest.h"
#include "../qtest/libqos/net-frames.h"
#include "../qtest/libqos/virtio-net.h"
#include "bench-qtest.h"

#define GUEST_IP    QNET_IP(10, 0, 2, 15)
#define HOST_IP     QNET_IP(10, 0, 2, 2)
#define GUEST_PORT  5555
#define BATCH       32

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t slirp_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static int datagrams = 20000;
static int payload = 1472;

static void emit(const char *metric, double value)
{
    bench_emit("net", metric, value);
}

static void fail(const char *what)
{
    fprintf(stderr, "virtio-net-bench: %s\n", what);
    exit(1);
}

/* A UDP socket on 127.0.0.1, port chosen by the kernel. */
static int loopback_socket(uint16_t *port)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET,
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = 8 << 20;

    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        getsockname(fd, (struct sockaddr *)&sa, &sl)) {
        fail("cannot bind a loopback socket");
    }
    /* As large as the host allows (net.core.rmem_max caps it). */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    *port = ntohs(sa.sin_port);
    return fd;
}

/* Read what waits on @fd without blocking; returns the datagrams. */
static int drain(int fd, int flags)
{
    char buf[65536];
    int n = 0;

    while (recv(fd, buf, sizeof(buf), flags) >= 0) {
        n++;
        flags |= MSG_DONTWAIT;
    }
    return n;
}

/* One emulator ($QTEST_QEMU_BINARY): print its figures. */
static int measure(void)
{
    uint16_t port, cport;
    int fd, probe = loopback_socket(&port);
    g_autofree char *args = NULL;
    uint8_t frame[QNET_FRAME_MAX], buf[QNET_FRAME_MAX];
    g_autofree uint8_t *data = g_malloc0(payload);
    struct sockaddr_in to = { .sin_family = AF_INET };
    struct timeval tv = { .tv_sec = 1 };
    uint16_t heads[BATCH], slot_le[BATCH];
    QTestState *qts;
    QVirtioNet *net;
    QVirtQueue *vq;
    QNetFrame pf;
    double start, elapsed;
    size_t len;
    int i, j, rounds, got = 0;

    /* A free port for the rule: the probe socket's, released. */
    close(probe);
    args = g_strdup_printf("-nodefaults -m 256 -netdev user,id=n0,"
                           "hostfwd=udp:127.0.0.1:%u-:%u -device "
                           "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56",
                           port, GUEST_PORT);
    qts = qvirtio_net_qtest_init(args);
    net = qvirtio_net_init(qts, QVIRTIO_NET_DEFAULT_FEATURES);
    vq = net->tx;
    qvirtio_net_post_rx(net, 16, 1526);

    /* The floor: one qtest memory read. */
    start = g_get_monotonic_time();
    for (i = 0; i < 1000; i++) {
        qtest_readl(qts, 0x100000);
    }
    emit("qtest_readl_us", (g_get_monotonic_time() - start) / 1000);

    /* ARP for the gateway, then a datagram in through hostfwd. */
    len = qnet_arp(frame, 1, guest_mac, GUEST_IP, NULL, HOST_IP);
    qvirtio_net_send(net, frame, len);
    qvirtio_net_recv(net, buf, sizeof(buf));
    fd = loopback_socket(&cport);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (sendto(fd, "go", 2, 0, (struct sockaddr *)&to, sizeof(to)) != 2) {
        fail("cannot send to the hostfwd port");
    }
    do {
        len = qvirtio_net_recv(net, buf, sizeof(buf));
        if (!qnet_parse(buf, len, &pf)) {
            fail("malformed frame from the emulator");
        }
    } while (pf.proto != IPPROTO_UDP || pf.dport != GUEST_PORT);

    /* BATCH frames in guest RAM, each behind its zeroed header. */
    len = qnet_udp(frame, guest_mac, slirp_mac, GUEST_IP, GUEST_PORT, pf.sip,
                   pf.sport, data, payload);
    for (i = 0; i < BATCH; i++) {
        uint64_t addr = guest_alloc(&net->alloc, QVIRTIO_NET_HDR_LEN + len);

        qtest_memset(qts, addr, 0, QVIRTIO_NET_HDR_LEN);
        qtest_bufwrite(qts, addr + QVIRTIO_NET_HDR_LEN, frame, len);
        heads[i] = qvirtqueue_add(qts, vq, addr, QVIRTIO_NET_HDR_LEN + len,
                                  false, false);
        slot_le[i] = cpu_to_le16(heads[i]);
    }

    rounds = DIV_ROUND_UP(datagrams, BATCH);
    start = g_get_monotonic_time();
    for (i = 0; i < rounds; i++) {
        uint32_t slot = vq->avail_idx % vq->size;
        uint32_t n = MIN(BATCH, vq->size - slot);

        /* The ring entries, in two writes where the ring wraps. */
        qtest_bufwrite(qts, vq->avail + 4 + 2 * slot, slot_le, 2 * n);
        if (n < BATCH) {
            qtest_bufwrite(qts, vq->avail + 4, slot_le + n,
                           2 * (BATCH - n));
        }
        vq->avail_idx += BATCH;
        qtest_writew(qts, vq->avail + 2, vq->avail_idx);
        net->vdev->bus->virtqueue_kick(net->vdev, vq);
        while (qvirtqueue_get_used_idx(qts, vq) != vq->avail_idx) {
            /* each poll is a qtest round trip: the main loop runs */
        }
        got += drain(fd, MSG_DONTWAIT);
    }
    /* Stragglers still in libslirp or the kernel: wait up to 1 s. */
    while (got < rounds * BATCH && (j = drain(fd, 0)) > 0) {
        got += j;
    }
    elapsed = (g_get_monotonic_time() - start) / 1e6;

    emit("udp_MB_per_s", (double)got * payload / elapsed / 1e6);
    emit("udp_datagrams_per_s", got / elapsed);
    emit("udp_lost_pct", 100.0 * (rounds * BATCH - got) / (rounds * BATCH));
    emit("round_of_32_us", elapsed * 1e6 / rounds);

    close(fd);
    qvirtio_net_free(net);
    qtest_quit(qts);
    return 0;
}

int main(int argc, char **argv)
{
    g_autofree char *nstr = NULL;
    g_autofree char *sstr = NULL;
    bool one = bench_is_child(&argc, &argv);
    int runs = 1, opt;

    while ((opt = getopt(argc, argv, "n:s:r:")) != -1) {
        switch (opt) {
        case 'n':
            datagrams = MAX(BATCH, atoi(optarg));
            break;
        case 's':
            payload = CLAMP(atoi(optarg), 1, 1472);
            break;
        case 'r':
            runs = MAX(1, atoi(optarg));
            break;
        default:
            goto usage;
        }
    }
    if (one) {
        return measure();
    }
    if (optind >= argc) {
        goto usage;
    }

    printf("# virtio-net-pci + -netdev user through qtest: %d UDP datagrams "
           "of %d bytes, guest to host through hostfwd, median of %d "
           "run(s)\n", datagrams, payload, runs);
    nstr = g_strdup_printf("%d", datagrams);
    sstr = g_strdup_printf("%d", payload);
    return bench_compare_emulators("net", (const char *const[]){
                                       "-n", nstr, "-s", sstr, NULL },
                                   runs, argv + optind, argc - optind);

usage:
    fprintf(stderr, "usage: %s [-n DATAGRAMS] [-s PAYLOAD] [-r RUNS] "
            "EMULATOR...\n", argv[0]);
    return 2;
}
