/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network clients and queues (net/net.c, net/queue.c) with fake clients:
 * delivery, QEMU's flow control (a receiver that cannot take a frame
 * makes it wait, in order, until qemu_flush_queued_packets(); sent_cb
 * tells the sender), purging, the queue limit, link status, frames sent
 * from inside a receive, deleting a NIC's backend, MAC addresses.
 */

#include "qemu/osdep.h"
#include "net/net.h"

typedef struct TestClient {
    NetClientState nc;
    /* What receive does: take frames, or refuse (return 0). */
    bool refuse;
    bool can_receive;
    /* Frames taken, each a GByteArray. */
    GPtrArray *got;
    /* When set, the next receive sends this frame back, once. */
    const char *echo;
    int link_changes;
} TestClient;

static TestClient *to_tc(NetClientState *nc)
{
    return container_of(nc, TestClient, nc);
}

/* How deep receives nest, now and at most. */
static int depth, max_depth;

static ssize_t tc_receive(NetClientState *nc, const uint8_t *buf,
                          size_t size)
{
    TestClient *tc = to_tc(nc);
    const char *echo = tc->echo;

    if (tc->refuse) {
        return 0;
    }
    g_ptr_array_add(tc->got, g_byte_array_append(g_byte_array_new(), buf,
                                                 size));
    max_depth = MAX(max_depth, ++depth);
    if (echo) {
        tc->echo = NULL;
        qemu_send_packet(nc, (const uint8_t *)echo, strlen(echo));
    }
    depth--;
    return size;
}

static bool tc_can_receive(NetClientState *nc)
{
    return to_tc(nc)->can_receive;
}

static void tc_cleanup(NetClientState *nc)
{
    g_ptr_array_free(to_tc(nc)->got, TRUE);
}

static NetClientInfo tc_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(TestClient),
    .receive = tc_receive,
    .can_receive = tc_can_receive,
    .cleanup = tc_cleanup,
};

static TestClient *tc_new(TestClient *peer, const char *name)
{
    NetClientState *nc = qemu_new_net_client(&tc_info,
                                             peer ? &peer->nc : NULL,
                                             "test", name);
    TestClient *tc = to_tc(nc);

    tc->can_receive = true;
    tc->got = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_byte_array_unref);
    return tc;
}

static void assert_got(TestClient *tc, guint i, const char *data)
{
    GByteArray *b;

    g_assert_cmpuint(tc->got->len, >, i);
    b = g_ptr_array_index(tc->got, i);
    g_assert_cmpmem(b->data, b->len, data, strlen(data));
}

static ssize_t send_str(TestClient *tc, const char *s, NetPacketSent *cb)
{
    return qemu_send_packet_async(&tc->nc, (const uint8_t *)s, strlen(s),
                                  cb);
}

/* The sent_cb calls, in order: each is the size it reported. */
static GArray *sent;

static void record_sent(NetClientState *nc, ssize_t ret)
{
    int v = ret;

    g_array_append_val(sent, v);
}

static void setup_pair(TestClient **a, TestClient **b)
{
    *b = tc_new(NULL, "b");
    *a = tc_new(*b, "a");
    g_array_set_size(sent, 0);
}

static void teardown_pair(TestClient *a, TestClient *b)
{
    qemu_del_net_client(&a->nc);
    qemu_del_net_client(&b->nc);
}

static void test_deliver(void)
{
    TestClient *a, *b;

    setup_pair(&a, &b);
    g_assert_cmpint(send_str(a, "one", NULL), ==, 3);
    g_assert_cmpint(send_str(b, "back", NULL), ==, 4);
    assert_got(b, 0, "one");
    assert_got(a, 0, "back");
    /* Nothing queued, so no sent_cb either. */
    g_assert_cmpint(send_str(a, "two", record_sent), ==, 3);
    g_assert_cmpuint(sent->len, ==, 0);
    teardown_pair(a, b);
}

/*
 * A receiver that refuses a frame gets it again, and every frame after
 * it in order, at the flush; the senders' callbacks run there.
 */
static void test_refuse_then_flush(void)
{
    TestClient *a, *b;

    setup_pair(&a, &b);
    b->refuse = true;
    g_assert_cmpint(send_str(a, "1", record_sent), ==, 0);
    g_assert_true(b->nc.receive_disabled);
    /* Later frames queue without reaching receive. */
    b->refuse = false;
    g_assert_cmpint(send_str(a, "22", record_sent), ==, 0);
    g_assert_cmpint(send_str(a, "333", record_sent), ==, 0);
    g_assert_cmpuint(b->got->len, ==, 0);
    g_assert_cmpuint(sent->len, ==, 0);

    qemu_flush_queued_packets(&b->nc);
    g_assert_cmpuint(b->got->len, ==, 3);
    assert_got(b, 0, "1");
    assert_got(b, 1, "22");
    assert_got(b, 2, "333");
    g_assert_cmpuint(sent->len, ==, 3);
    g_assert_cmpint(g_array_index(sent, int, 0), ==, 1);
    g_assert_cmpint(g_array_index(sent, int, 1), ==, 2);
    g_assert_cmpint(g_array_index(sent, int, 2), ==, 3);
    /* Flowing again: straight through. */
    g_assert_cmpint(send_str(a, "4", record_sent), ==, 1);
    teardown_pair(a, b);
}

/* A flush stops at the first frame refused again; it stays first. */
static void test_flush_partial(void)
{
    TestClient *a, *b;

    setup_pair(&a, &b);
    b->can_receive = false;
    send_str(a, "x", record_sent);
    send_str(a, "y", record_sent);
    g_assert_cmpuint(b->got->len, ==, 0);
    b->can_receive = true;
    b->refuse = true;
    qemu_flush_queued_packets(&b->nc);
    g_assert_cmpuint(b->got->len, ==, 0);
    g_assert_cmpuint(sent->len, ==, 0);
    b->refuse = false;
    qemu_flush_queued_packets(&b->nc);
    assert_got(b, 0, "x");
    assert_got(b, 1, "y");
    g_assert_cmpuint(sent->len, ==, 2);
    teardown_pair(a, b);
}

/*
 * Senders without sent_cb lose frames once NET_QUEUE_DEFAULT_MAXLEN
 * wait; senders with one never do.
 */
static void test_queue_limit(void)
{
    TestClient *a, *b;
    int i;

    setup_pair(&a, &b);
    b->can_receive = false;
    for (i = 0; i < NET_QUEUE_DEFAULT_MAXLEN + 5; i++) {
        g_assert_cmpint(send_str(a, "f", NULL), ==, 0);
    }
    g_assert_cmpint(send_str(a, "cb", record_sent), ==, 0);
    b->can_receive = true;
    qemu_flush_queued_packets(&b->nc);
    g_assert_cmpuint(b->got->len, ==, NET_QUEUE_DEFAULT_MAXLEN + 1);
    assert_got(b, NET_QUEUE_DEFAULT_MAXLEN, "cb");
    g_assert_cmpuint(sent->len, ==, 1);
    teardown_pair(a, b);
}

/* Purging drops a sender's waiting frames, calling back with 0. */
static void test_purge(void)
{
    TestClient *a, *b;

    setup_pair(&a, &b);
    b->can_receive = false;
    send_str(a, "p", record_sent);
    send_str(a, "q", record_sent);
    qemu_purge_queued_packets(&a->nc);
    g_assert_cmpuint(sent->len, ==, 2);
    g_assert_cmpint(g_array_index(sent, int, 0), ==, 0);
    b->can_receive = true;
    qemu_flush_queued_packets(&b->nc);
    g_assert_cmpuint(b->got->len, ==, 0);

    /* qemu_flush_or_purge_queued_packets purges what stays refused. */
    b->refuse = true;
    send_str(a, "r", record_sent);
    qemu_flush_or_purge_queued_packets(&b->nc, true);
    g_assert_cmpuint(sent->len, ==, 3);
    g_assert_cmpint(g_array_index(sent, int, 2), ==, 0);
    teardown_pair(a, b);
}

/*
 * Link down: the sender's frames are dropped before the queue, the
 * receiver's "consumed" without reaching receive.  Oversized frames are
 * dropped the same way.
 */
static void test_link_down(void)
{
    g_autofree uint8_t *big = g_malloc0(NET_BUFSIZE + 1);
    TestClient *a, *b;

    setup_pair(&a, &b);
    b->nc.link_down = 1;
    g_assert_cmpint(send_str(a, "lost", record_sent), ==, 4);
    g_assert_cmpuint(b->got->len, ==, 0);
    b->nc.link_down = 0;
    a->nc.link_down = 1;
    b->can_receive = false;
    g_assert_cmpint(send_str(a, "lost", record_sent), ==, 4);
    b->can_receive = true;
    qemu_flush_queued_packets(&b->nc);
    g_assert_cmpuint(b->got->len, ==, 0);
    a->nc.link_down = 0;
    g_assert_cmpint(qemu_send_packet(&a->nc, big, NET_BUFSIZE + 1), ==,
                    NET_BUFSIZE + 1);
    g_assert_cmpuint(b->got->len, ==, 0);
    g_assert_cmpuint(sent->len, ==, 0);
    teardown_pair(a, b);
}

/*
 * Receives that send: b answers a's frame, a answers b's answer while
 * b is still receiving.  That second answer must wait for b's receive
 * to end (the queue is delivering), not run inside it.
 */
static void test_send_from_receive(void)
{
    TestClient *a, *b;

    setup_pair(&a, &b);
    b->echo = "from b";
    a->echo = "from a";
    max_depth = 0;
    send_str(a, "hi", NULL);
    g_assert_cmpint(max_depth, ==, 2);
    g_assert_cmpuint(b->got->len, ==, 2);
    assert_got(b, 0, "hi");
    assert_got(b, 1, "from a");
    g_assert_cmpuint(a->got->len, ==, 1);
    assert_got(a, 0, "from b");
    teardown_pair(a, b);
}

/* A NIC whose backend is deleted goes link-down and frees it later. */
static void nic_link_changed(NetClientState *nc)
{
    (*(int *)qemu_get_nic_opaque(nc))++;
}

static ssize_t nic_receive(NetClientState *nc, const uint8_t *buf,
                           size_t size)
{
    return size;
}

static NetClientInfo nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = nic_receive,
    .link_status_changed = nic_link_changed,
};

static void test_nic_backend_deleted(void)
{
    NICConf conf = { 0 };
    TestClient *backend = tc_new(NULL, "be");
    NICState *nic;
    NetClientState *nc;
    int changes = 0;

    backend->nc.is_netdev = true;
    g_assert_true(qemu_find_netdev("be") == &backend->nc);
    conf.peers.ncs[0] = &backend->nc;
    conf.peers.queues = 1;
    nic = qemu_new_nic(&nic_info, &conf, "test-nic", NULL, &changes);
    nc = qemu_get_queue(nic);
    g_assert_true(qemu_get_nic(nc) == nic);
    g_assert_cmpstr(nc->name, ==, "test-nic.0");
    g_assert_true(nc->peer == &backend->nc);

    qemu_del_net_client(&backend->nc);
    g_assert_cmpint(changes, ==, 1);
    g_assert_true(nc->link_down);
    g_assert_null(qemu_find_netdev("be"));
    /* The NIC still points at it: it goes with the NIC. */
    g_assert_true(nc->peer == &backend->nc);
    qemu_del_nic(nic);
}

static void test_macaddr(void)
{
    uint8_t mac[6];
    MACAddr m = { { 0 } }, set = { { 2, 0, 0, 0, 0, 1 } };

    g_assert_true(net_parse_macaddr(mac, "52:54:00:12:34:56"));
    g_assert_cmpmem(mac, 6, ((uint8_t[]){ 0x52, 0x54, 0, 0x12, 0x34, 0x56 }),
                    6);
    g_assert_true(net_parse_macaddr(mac, "0a-0b-0c-0d-0e-0f"));
    g_assert_cmpuint(mac[5], ==, 0x0f);
    g_assert_false(net_parse_macaddr(mac, "52:54:00:12:34"));
    g_assert_false(net_parse_macaddr(mac, "52:54:00:12:34:56:78"));
    g_assert_false(net_parse_macaddr(mac, "52:54:00:12:34:5g"));
    g_assert_false(net_parse_macaddr(mac, "152:54:00:12:34:56"));
    g_assert_false(net_parse_macaddr(mac, "zz"));

    qemu_macaddr_default_if_unset(&m);
    g_assert_cmpmem(m.a, 5, ((uint8_t[]){ 0x52, 0x54, 0, 0x12, 0x34 }), 5);
    qemu_macaddr_default_if_unset(&set);
    g_assert_cmpuint(set.a[5], ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    sent = g_array_new(FALSE, FALSE, sizeof(int));

    g_test_add_func("/net/queue/deliver", test_deliver);
    g_test_add_func("/net/queue/refuse-then-flush", test_refuse_then_flush);
    g_test_add_func("/net/queue/flush-partial", test_flush_partial);
    g_test_add_func("/net/queue/limit", test_queue_limit);
    g_test_add_func("/net/queue/purge", test_purge);
    g_test_add_func("/net/queue/link-down", test_link_down);
    g_test_add_func("/net/queue/send-from-receive", test_send_from_receive);
    g_test_add_func("/net/client/nic-backend-deleted",
                    test_nic_backend_deleted);
    g_test_add_func("/net/client/macaddr", test_macaddr);

    return g_test_run();
}
