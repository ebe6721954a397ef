/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network clients, frame delivery and the -netdev/-nic command line
 * (include/net/net.h, docs/devel/net.md).
 *
 * A frame from a sender goes to sender->peer->incoming_queue
 * (net/queue.c), whose deliver function is qemu_deliver_packet_iov()
 * below: a receiver whose link is down drops the frame (reporting it
 * consumed), one that returned 0 before refuses until it is flushed.
 *
 * Deleting: a backend whose peer is a NIC is only cleaned up (its
 * cleanup runs, it leaves the client list) and the NIC's link goes down;
 * its memory goes with the NIC (qemu_del_nic), as in QEMU, so that the
 * device never holds a dangling peer pointer.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/id.h"
#include "qemu/keyval.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "net/net.h"
#include "clients.h"

static QTAILQ_HEAD(, NetClientState) net_clients =
    QTAILQ_HEAD_INITIALIZER(net_clients);

int nb_nics;
NICInfo nd_table[MAX_NICS];

/* Creating and deleting clients */

/* "MODEL.N", N counting the clients of that model so far. */
static char *assign_name(const char *model)
{
    NetClientState *nc;
    int id = 0;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (!strcmp(nc->model, model)) {
            id++;
        }
    }
    return g_strdup_printf("%s.%d", model, id);
}

static void qemu_net_client_setup(NetClientState *nc, NetClientInfo *info,
                                  NetClientState *peer, const char *model,
                                  const char *name)
{
    nc->info = info;
    nc->model = g_strdup(model);
    nc->name = name ? g_strdup(name) : assign_name(model);
    if (peer) {
        assert(!peer->peer);
        nc->peer = peer;
        peer->peer = nc;
    }
    QTAILQ_INSERT_TAIL(&net_clients, nc, next);
    nc->incoming_queue = qemu_new_net_queue(qemu_deliver_packet_iov, nc);
}

NetClientState *qemu_new_net_client(NetClientInfo *info,
                                    NetClientState *peer,
                                    const char *model, const char *name)
{
    NetClientState *nc;

    assert(info->size >= sizeof(NetClientState));
    nc = g_malloc0(info->size);
    qemu_net_client_setup(nc, info, peer, model, name);
    return nc;
}

NICState *qemu_new_nic(NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque)
{
    int queues = MAX(1, conf->peers.queues);
    NICState *nic;
    int i;

    assert(info->type == NET_CLIENT_DRIVER_NIC);
    assert(info->size >= sizeof(NICState));
    assert(queues <= MAX_QUEUE_NUM);
    nic = g_malloc0(info->size + sizeof(NetClientState) * queues);
    nic->ncs = (void *)nic + info->size;
    nic->conf = conf;
    nic->opaque = opaque;
    for (i = 0; i < queues; i++) {
        qemu_net_client_setup(&nic->ncs[i], info, conf->peers.ncs[i], model,
                              name);
        nic->ncs[i].queue_index = i;
    }
    return nic;
}

NetClientState *qemu_get_subqueue(NICState *nic, int queue_index)
{
    return nic->ncs + queue_index;
}

NetClientState *qemu_get_queue(NICState *nic)
{
    return qemu_get_subqueue(nic, 0);
}

NICState *qemu_get_nic(NetClientState *nc)
{
    NetClientState *nc0 = nc - nc->queue_index;

    return (NICState *)((void *)nc0 - nc->info->size);
}

void *qemu_get_nic_opaque(NetClientState *nc)
{
    return qemu_get_nic(nc)->opaque;
}

static void qemu_cleanup_net_client(NetClientState *nc)
{
    QTAILQ_REMOVE(&net_clients, nc, next);
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
}

static void qemu_free_net_client(NetClientState *nc)
{
    if (nc->incoming_queue) {
        qemu_del_net_queue(nc->incoming_queue);
    }
    if (nc->peer) {
        nc->peer->peer = NULL;
    }
    g_free(nc->name);
    g_free(nc->model);
    if (nc->info->type != NET_CLIENT_DRIVER_NIC) {
        g_free(nc);
    }
}

void qemu_del_net_client(NetClientState *nc)
{
    assert(nc->info->type != NET_CLIENT_DRIVER_NIC);

    /* Frames the backend queued at the NIC are dropped. */
    if (nc->peer) {
        qemu_net_queue_purge(nc->peer->incoming_queue, nc);
    }
    if (nc->peer && nc->peer->info->type == NET_CLIENT_DRIVER_NIC) {
        NICState *nic = qemu_get_nic(nc->peer);

        if (nic->peer_deleted) {
            return;
        }
        nic->peer_deleted = true;
        nc->peer->link_down = true;
        if (nc->peer->info->link_status_changed) {
            nc->peer->info->link_status_changed(nc->peer);
        }
        qemu_cleanup_net_client(nc);
        return;
    }
    qemu_cleanup_net_client(nc);
    qemu_free_net_client(nc);
}

void qemu_del_nic(NICState *nic)
{
    int queues = MAX(1, nic->conf->peers.queues);
    int i;

    for (i = 0; i < queues; i++) {
        NetClientState *nc = qemu_get_subqueue(nic, i);

        if (nic->peer_deleted && nc->peer) {
            qemu_free_net_client(nc->peer);
        } else if (nc->peer) {
            qemu_net_queue_purge(nc->peer->incoming_queue, nc);
        }
    }
    for (i = queues - 1; i >= 0; i--) {
        NetClientState *nc = qemu_get_subqueue(nic, i);

        qemu_cleanup_net_client(nc);
        qemu_free_net_client(nc);
    }
    g_free(nic);
}

NetClientState *qemu_find_netdev(const char *id)
{
    NetClientState *nc;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (nc->is_netdev && !strcmp(nc->name, id)) {
            return nc;
        }
    }
    return NULL;
}

/* Delivery */

bool qemu_can_receive_packet(NetClientState *nc)
{
    if (nc->receive_disabled) {
        return false;
    }
    return !nc->info->can_receive || nc->info->can_receive(nc);
}

bool qemu_can_send_packet(NetClientState *sender)
{
    /* A stopped VM takes nothing in; frames wait for it to run. */
    if (!runstate_is_running()) {
        return false;
    }
    if (!sender->peer) {
        return true;
    }
    return qemu_can_receive_packet(sender->peer);
}

ssize_t qemu_deliver_packet_iov(NetClientState *sender, unsigned flags,
                                const struct iovec *iov, int iovcnt,
                                void *opaque)
{
    NetClientState *nc = opaque;
    ssize_t ret;

    if (nc->link_down) {
        return iov_size(iov, iovcnt);
    }
    if (nc->receive_disabled) {
        return 0;
    }
    if (nc->info->receive_iov) {
        ret = nc->info->receive_iov(nc, iov, iovcnt);
    } else if (iovcnt == 1) {
        ret = nc->info->receive(nc, iov[0].iov_base, iov[0].iov_len);
    } else {
        size_t size = iov_size(iov, iovcnt);
        g_autofree uint8_t *buf = g_malloc(size);

        iov_to_buf(iov, iovcnt, 0, buf, size);
        ret = nc->info->receive(nc, buf, size);
    }
    if (ret == 0) {
        nc->receive_disabled = 1;
    }
    return ret;
}

ssize_t qemu_sendv_packet_async(NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                NetPacketSent *sent_cb)
{
    size_t size = iov_size(iov, iovcnt);

    if (size > NET_BUFSIZE || sender->link_down || !sender->peer) {
        return size;
    }
    return qemu_net_queue_send_iov(sender->peer->incoming_queue, sender,
                                   QEMU_NET_PACKET_FLAG_NONE, iov, iovcnt,
                                   sent_cb);
}

ssize_t qemu_sendv_packet(NetClientState *nc, const struct iovec *iov,
                          int iovcnt)
{
    return qemu_sendv_packet_async(nc, iov, iovcnt, NULL);
}

ssize_t qemu_send_packet_async(NetClientState *nc, const uint8_t *buf,
                               int size, NetPacketSent *sent_cb)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = size };

    return qemu_sendv_packet_async(nc, &iov, 1, sent_cb);
}

ssize_t qemu_send_packet(NetClientState *nc, const uint8_t *buf, int size)
{
    return qemu_send_packet_async(nc, buf, size, NULL);
}

void qemu_flush_or_purge_queued_packets(NetClientState *nc, bool purge)
{
    nc->receive_disabled = 0;
    if (qemu_net_queue_flush(nc->incoming_queue)) {
        /*
         * The senders' sent_cb ran: they may have more to send from
         * their main-loop handlers (slirp's sockets).
         */
        qemu_notify_event();
    } else if (purge) {
        qemu_net_queue_purge(nc->incoming_queue, nc->peer);
    }
}

void qemu_flush_queued_packets(NetClientState *nc)
{
    qemu_flush_or_purge_queued_packets(nc, false);
}

void qemu_purge_queued_packets(NetClientState *nc)
{
    if (nc->peer) {
        qemu_net_queue_purge(nc->peer->incoming_queue, nc);
    }
}

/* MAC addresses */

static bool macaddr_in_use(const MACAddr *macaddr)
{
    NetClientState *nc;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (nc->info->type == NET_CLIENT_DRIVER_NIC &&
            !memcmp(qemu_get_nic(nc)->conf->macaddr.a, macaddr->a, 6)) {
            return true;
        }
    }
    return false;
}

void qemu_macaddr_default_if_unset(MACAddr *macaddr)
{
    static const MACAddr zero;
    static unsigned int index;
    MACAddr mac = { .a = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };

    if (memcmp(macaddr, &zero, sizeof(zero))) {
        return;
    }
    /* QEMU's sequence, skipping addresses a NIC already has. */
    do {
        mac.a[5] = 0x56 + index++;
    } while (macaddr_in_use(&mac) && index < 256);
    *macaddr = mac;
}

bool net_parse_macaddr(uint8_t *macaddr, const char *p)
{
    int i;

    for (i = 0; i < 6; i++) {
        char *end;
        unsigned long v;

        if (!g_ascii_isxdigit(p[0])) {
            return false;
        }
        v = strtoul(p, &end, 16);
        if (v > 0xff || end - p > 2) {
            return false;
        }
        macaddr[i] = v;
        p = end;
        if (i < 5) {
            if (*p != ':' && *p != '-') {
                return false;
            }
            p++;
        }
    }
    return *p == '\0';
}

/* The command line */

typedef bool (NetClientInitFunc)(const KeyValList *kv, const char *name,
                                 NetClientState *peer, Error **errp);

/* The backends this binary has, by -netdev type. */
static const struct {
    const char *type;
    NetClientInitFunc *init;
} net_backends[] = {
#ifdef CONFIG_SLIRP
    { "user", net_init_slirp },
#endif
    { NULL, NULL },     /* not empty without libslirp */
};

/* Types QEMU has that this binary does not (QEMU's wording for them). */
static const char *const net_backends_absent[] = {
#ifndef CONFIG_SLIRP
    "user",
#endif
    NULL,
};

void net_help_backends(void)
{
    size_t i;

    printf("Available netdev backend types:\n");
    for (i = 0; net_backends[i].type; i++) {
        printf("%s\n", net_backends[i].type);
    }
}

/* Create the backend @kv describes, called @name. */
static bool net_client_init(const KeyValList *kv, const char *name,
                            Error **errp)
{
    const char *type = keyval_get(kv, "type");
    size_t i;

    if (!type) {
        error_setg(errp, "Parameter 'type' is missing");
        return false;
    }
    for (i = 0; net_backends_absent[i]; i++) {
        if (!strcmp(type, net_backends_absent[i])) {
            error_setg(errp, "network backend '%s' is not compiled into "
                       "this binary", type);
            return false;
        }
    }
    for (i = 0; net_backends[i].type; i++) {
        if (!strcmp(type, net_backends[i].type)) {
            return net_backends[i].init(kv, name, NULL, errp);
        }
    }
    error_setg(errp, "Parameter 'type' does not accept value '%s'", type);
    return false;
}

bool netdev_add_opts(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "type", errp);
    const char *id;

    if (!kv) {
        return false;
    }
    id = keyval_get(kv, "id");
    if (!keyval_get(kv, "type")) {
        error_setg(errp, "Parameter 'type' is missing");
        return false;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, ID_WELLFORMED_HINT);
        return false;
    }
    if (qemu_find_netdev(id)) {
        error_setg(errp, "Duplicate ID '%s' for netdev", id);
        return false;
    }
    return net_client_init(kv, id, errp);
}

bool net_param_nic(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "type", errp);
    g_autoptr(KeyValList) backend = NULL;
    g_autofree char *id = NULL;
    const char *type, *mac, *model;
    NICInfo *ni;
    int i;

    if (!kv) {
        return false;
    }
    type = keyval_get(kv, "type");
    if (type && !strcmp(type, "none")) {
        return true;
    }
    if (nb_nics == MAX_NICS) {
        error_setg(errp, "too many NICs");
        return false;
    }
    ni = &nd_table[nb_nics];
    mac = keyval_get(kv, "mac");
    if (mac && !net_parse_macaddr(ni->macaddr.a, mac)) {
        error_setg(errp, "invalid syntax for ethernet address");
        return false;
    }
    /* The backend gets QEMU's name for it unless -nic gives an id. */
    id = g_strdup(keyval_get(kv, "id"));
    if (!id) {
        id = g_strdup_printf("__org.qemu.nic%i", nb_nics);
    } else if (qemu_find_netdev(id)) {
        error_setg(errp, "Duplicate ID '%s' for netdev", id);
        return false;
    }
    /* model and mac are the NIC's; the rest configures the backend. */
    backend = g_new0(KeyValList, 1);
    backend->pairs = g_new0(KeyValPair, kv->n);
    for (i = 0; i < kv->n; i++) {
        if (strcmp(kv->pairs[i].key, "model") &&
            strcmp(kv->pairs[i].key, "mac")) {
            backend->pairs[backend->n].key = g_strdup(kv->pairs[i].key);
            backend->pairs[backend->n].value =
                g_strdup(kv->pairs[i].value);
            backend->n++;
        }
    }
    if (!net_client_init(backend, id, errp)) {
        return false;
    }
    model = keyval_get(kv, "model");
    ni->model = g_strdup(model);
    ni->netdev = qemu_find_netdev(id);
    qemu_macaddr_default_if_unset(&ni->macaddr);
    nb_nics++;
    return true;
}

int qemu_show_nic_models(const char *arg, const char *const *models)
{
    int i;

    if (!arg || (strcmp(arg, "?") && strcmp(arg, "help"))) {
        for (i = 0; models[i]; i++) {
            if (arg && !strcmp(arg, models[i])) {
                return i;
            }
        }
        return -1;
    }
    printf("Supported NIC models:\n");
    for (i = 0; models[i]; i++) {
        printf("%s\n", models[i]);
    }
    return -1;
}

void net_check_clients(void)
{
    NetClientState *nc;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (nc->peer) {
            continue;
        }
        if (nc->info->type == NET_CLIENT_DRIVER_NIC) {
            warn_report("nic %s has no peer", nc->name);
        } else {
            warn_report("netdev %s has no peer", nc->name);
        }
    }
}

void net_cleanup(void)
{
    NetClientState *nc, *next;

    QTAILQ_FOREACH_SAFE(nc, &net_clients, next, next) {
        if (nc->info->type != NET_CLIENT_DRIVER_NIC) {
            qemu_del_net_client(nc);
        }
    }
}

/* QMP */

/*
 * set_link name=NAME up=BOOL: QEMU's command.  NAME is a -netdev id or a
 * NIC's name (its device id).  Taking a backend's link down takes its NIC
 * peer's down too; a NIC's own link leaves the backend's alone.
 */
static void qmp_set_link(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const allowed[] = { "name", "up", NULL };
    JsonNode *name_node, *up_node;
    const char *name;
    NetClientState *nc = NULL, *it;
    bool up;

    if (!qmp_check_args(args, allowed, errp)) {
        return;
    }
    name_node = args ? json_object_get_member(args, "name") : NULL;
    up_node = args ? json_object_get_member(args, "up") : NULL;
    if (!name_node) {
        error_setg(errp, "Parameter 'name' is missing");
        return;
    }
    if (!up_node) {
        error_setg(errp, "Parameter 'up' is missing");
        return;
    }
    if (!JSON_NODE_HOLDS_VALUE(name_node) ||
        json_node_get_value_type(name_node) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for 'name', expected: "
                   "string");
        return;
    }
    if (!JSON_NODE_HOLDS_VALUE(up_node) ||
        json_node_get_value_type(up_node) != G_TYPE_BOOLEAN) {
        error_setg(errp, "Invalid parameter type for 'up', expected: "
                   "boolean");
        return;
    }
    name = json_node_get_string(name_node);
    up = json_node_get_boolean(up_node);

    QTAILQ_FOREACH(it, &net_clients, next) {
        if (!strcmp(it->name, name)) {
            nc = it;
            break;
        }
    }
    if (!nc) {
        error_setg(errp, "Device '%s' not found", name);
        return;
    }
    nc->link_down = !up;
    if (nc->info->link_status_changed) {
        nc->info->link_status_changed(nc);
    }
    if (nc->peer) {
        if (nc->peer->info->type == NET_CLIENT_DRIVER_NIC) {
            nc->peer->link_down = !up;
        }
        if (nc->peer->info->link_status_changed) {
            nc->peer->info->link_status_changed(nc->peer);
        }
    }
}

static void __attribute__((constructor)) net_qmp_register(void)
{
    qmp_register_command("set_link", qmp_set_link, QCO_NO_OPTIONS);
}
