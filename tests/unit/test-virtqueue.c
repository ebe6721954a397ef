/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio core's split virtqueues in isolation: hw/virtio/virtio.c on
 * the memory API with a fake transport (a bus recording notifications)
 * and a fake device.  Rings are built by hand in a RAM region of a
 * private address space that also has an MMIO region and holes, to check
 * pop/push, indirect tables, event index, notification suppression, and
 * that every malformed chain breaks the device instead of crashing or
 * touching anything but RAM.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/iov.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "exec/memory.h"
#include "hw/qdev-core.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-bus.h"

/* Guest memory of the test address space */
#define RAM_SIZE        0x100000            /* RAM at 0 */
#define MMIO_BASE       0x200000            /* 4 KiB of MMIO */
#define HOLE_ADDR       0x300000            /* nothing there */

#define QSIZE           8
#define DESC_ADDR       0x1000
#define AVAIL_ADDR      0x2000
#define USED_ADDR       0x3000
#define DATA_ADDR       0x10000
#define INDIRECT_ADDR   0x8000

#define TEST_DEVICE_ID  0x7f
#define TEST_FEATURE    0                   /* a device feature bit */

/* The address space, transport and device */

static MemoryRegion root, ram, mmio;
static AddressSpace as;
static uint8_t *ram_ptr;
static unsigned mmio_accesses;

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    mmio_accesses++;
    return 0;
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    mmio_accesses++;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

#define TYPE_TEST_TRANSPORT "test-virtio-transport"
#define TYPE_TEST_VIRTIO_BUS "test-virtio-bus"
#define TYPE_TEST_VIRTIO_DEV "test-virtio-dev"

typedef struct TestTransport {
    DeviceState parent_obj;
    VirtioBusState bus;
    unsigned notifies;
    uint16_t last_vector;
    bool plugged;
} TestTransport;

typedef struct TestVirtioDev {
    VirtIODevice parent_obj;
    VirtQueue *vq;
    unsigned handled;
    uint64_t features_set;
} TestVirtioDev;

static TestTransport *transport;
static TestVirtioDev *tdev;

static void test_bus_notify(DeviceState *d, uint16_t vector)
{
    TestTransport *t = (TestTransport *)d;

    t->notifies++;
    t->last_vector = vector;
}

static void test_bus_plugged(DeviceState *d, Error **errp)
{
    ((TestTransport *)d)->plugged = true;
}

static AddressSpace *test_bus_get_dma_as(DeviceState *d)
{
    return &as;
}

static void test_bus_class_init(ObjectClass *klass, const void *data)
{
    VirtioBusClass *k = VIRTIO_BUS_CLASS(klass);

    k->notify = test_bus_notify;
    k->device_plugged = test_bus_plugged;
    k->get_dma_as = test_bus_get_dma_as;
}

static void test_transport_init(Object *obj)
{
    TestTransport *t = (TestTransport *)obj;

    qbus_init(&t->bus, sizeof(t->bus), TYPE_TEST_VIRTIO_BUS, DEVICE(obj),
              "virtio-bus");
}

/* Pop everything, write 0xab into the writable part, push it back. */
static void test_dev_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    TestVirtioDev *d = (TestVirtioDev *)vdev;
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
        size_t len = iov_size(elem->in_sg, elem->in_num);

        iov_memset(elem->in_sg, elem->in_num, 0, 0xab, len);
        virtqueue_push(vq, elem, len);
        g_free(elem);
        d->handled++;
    }
    virtio_notify(vdev, vq);
}

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    TestVirtioDev *d = (TestVirtioDev *)dev;

    virtio_init(vdev, TEST_DEVICE_ID, 8);
    d->vq = virtio_add_queue(vdev, QSIZE, test_dev_handle);
}

static void test_dev_unrealize(DeviceState *dev)
{
    virtio_cleanup(VIRTIO_DEVICE(dev));
}

static uint64_t test_dev_get_features(VirtIODevice *vdev, uint64_t f,
                                      Error **errp)
{
    virtio_add_feature(&f, TEST_FEATURE);
    return f;
}

static void test_dev_set_features(VirtIODevice *vdev, uint64_t val)
{
    ((TestVirtioDev *)vdev)->features_set = val;
}

static void test_dev_get_config(VirtIODevice *vdev, uint8_t *config)
{
    stl_le_p(config, 0x12345678);
}

static void test_dev_class_init(ObjectClass *klass, const void *data)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    vdc->realize = test_dev_realize;
    vdc->unrealize = test_dev_unrealize;
    vdc->get_features = test_dev_get_features;
    vdc->set_features = test_dev_set_features;
    vdc->get_config = test_dev_get_config;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_VIRTIO_BUS,
        .parent = TYPE_VIRTIO_BUS,
        .instance_size = sizeof(VirtioBusState),
        .class_size = sizeof(VirtioBusClass),
        .class_init = test_bus_class_init,
    }, {
        .name = TYPE_TEST_TRANSPORT,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestTransport),
        .instance_init = test_transport_init,
    }, {
        .name = TYPE_TEST_VIRTIO_DEV,
        .parent = TYPE_VIRTIO_DEVICE,
        .instance_size = sizeof(TestVirtioDev),
        .class_init = test_dev_class_init,
    },
};

DEFINE_TYPES(test_types)

/* Guest memory helpers (little endian, like the guest) */

static void g_w16(hwaddr a, uint16_t v)
{
    stw_le_p(ram_ptr + a, v);
}

static void g_w32(hwaddr a, uint32_t v)
{
    stl_le_p(ram_ptr + a, v);
}

static uint16_t g_r16(hwaddr a)
{
    return lduw_le_p(ram_ptr + a);
}

static uint32_t g_r32(hwaddr a)
{
    return ldl_le_p(ram_ptr + a);
}

static void set_desc_at(hwaddr table, unsigned i, uint64_t addr,
                        uint32_t len, uint16_t flags, uint16_t next)
{
    hwaddr pa = table + 16 * i;

    stq_le_p(ram_ptr + pa, addr);
    g_w32(pa + 8, len);
    g_w16(pa + 12, flags);
    g_w16(pa + 14, next);
}

static void set_desc(unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    set_desc_at(DESC_ADDR, i, addr, len, flags, next);
}

static uint16_t avail_idx;

/* Publish chain @head (avail ring) and notify the queue. */
static void kick(uint16_t head)
{
    g_w16(AVAIL_ADDR + 4 + 2 * (avail_idx % QSIZE), head);
    avail_idx++;
    g_w16(AVAIL_ADDR + 2, avail_idx);
    virtio_queue_notify(VIRTIO_DEVICE(tdev), 0);
}

static uint16_t used_idx(void)
{
    return g_r16(USED_ADDR + 2);
}

static void used_elem(unsigned i, uint32_t *id, uint32_t *len)
{
    *id = g_r32(USED_ADDR + 4 + 8 * (i % QSIZE));
    *len = g_r32(USED_ADDR + 4 + 8 * (i % QSIZE) + 4);
}

/*
 * A fresh device on a fresh transport, driven to DRIVER_OK with
 * @features (VERSION_1 added) and queue 0 at the standard addresses.
 */
static VirtIODevice *setup(uint64_t features)
{
    VirtIODevice *vdev;

    memset(ram_ptr, 0, RAM_SIZE);
    avail_idx = 0;
    mmio_accesses = 0;
    transport = (TestTransport *)qdev_new(TYPE_TEST_TRANSPORT);
    g_assert_true(qdev_realize(DEVICE(transport), NULL, &error_abort));
    tdev = (TestVirtioDev *)qdev_new(TYPE_TEST_VIRTIO_DEV);
    g_assert_true(qdev_realize(DEVICE(tdev), BUS(&transport->bus),
                               &error_abort));
    g_assert_true(transport->plugged);
    vdev = VIRTIO_DEVICE(tdev);
    g_assert_true(vdev->dma_as == &as);

    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER);
    g_assert_cmpint(virtio_set_features(vdev, features |
                                        1ULL << VIRTIO_F_VERSION_1), ==, 0);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    g_assert_true(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_queue_set_num(vdev, 0, QSIZE);
    virtio_queue_set_rings(vdev, 0, DESC_ADDR, AVAIL_ADDR, USED_ADDR);
    virtio_queue_enable(vdev, 0);
    g_assert_true(virtio_queue_enabled(vdev, 0));
    virtio_queue_set_vector(vdev, 0, 3);
    virtio_set_status(vdev, vdev->status | VIRTIO_CONFIG_S_DRIVER_OK);
    return vdev;
}

static void teardown(void)
{
    object_unparent(OBJECT(tdev));
    object_unref(OBJECT(tdev));
    object_unparent(OBJECT(transport));
    object_unref(OBJECT(transport));
    tdev = NULL;
    transport = NULL;
}

/*
 * Guest errors go to a file (qemu_set_log_filename()); each check reads
 * what was logged since the previous one.
 */
static char *log_path;
static size_t log_seen;

static char *log_take(void)
{
    g_autofree char *all = NULL;
    size_t len;
    char *fresh;

    g_assert_true(g_file_get_contents(log_path, &all, &len, NULL));
    g_assert_cmpuint(len, >=, log_seen);
    fresh = g_strdup(all + log_seen);
    log_seen = len;
    return fresh;
}

/*
 * The device broke for @why: the check that must refuse the input did,
 * not another one further down the path.
 */
static void assert_broken_for(VirtIODevice *vdev, const char *why)
{
    g_autofree char *log = log_take();

    if (!strstr(log, why)) {
        g_test_message("logged: %s", log);
        g_assert_cmpstr(log, ==, why);
    }
    g_assert_true(vdev->broken);
    g_assert_true(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
    /* Nothing was completed and nothing outside RAM was touched. */
    g_assert_cmpuint(used_idx(), ==, 0);
    g_assert_cmpuint(mmio_accesses, ==, 0);
    /* Further notifications are ignored until reset. */
    kick(0);
    g_assert_cmpuint(tdev->handled, ==, 0);
}

/* Tests */

static void test_pop_push(void)
{
    VirtIODevice *vdev = setup(0);
    uint32_t id, len;
    unsigned notifies;

    memset(ram_ptr + DATA_ADDR, 0x11, 16);
    set_desc(0, DATA_ADDR, 16, VRING_DESC_F_NEXT, 1);
    set_desc(1, DATA_ADDR + 0x100, 32, VRING_DESC_F_NEXT |
             VRING_DESC_F_WRITE, 2);
    set_desc(2, DATA_ADDR + 0x200, 8, VRING_DESC_F_WRITE, 0);
    notifies = transport->notifies;
    kick(0);

    g_assert_cmpuint(tdev->handled, ==, 1);
    g_assert_cmpuint(used_idx(), ==, 1);
    used_elem(0, &id, &len);
    g_assert_cmpuint(id, ==, 0);
    g_assert_cmpuint(len, ==, 40);
    g_assert_cmpuint(ram_ptr[DATA_ADDR + 0x100], ==, 0xab);
    g_assert_cmpuint(ram_ptr[DATA_ADDR + 0x11f], ==, 0xab);
    g_assert_cmpuint(ram_ptr[DATA_ADDR + 0x207], ==, 0xab);
    g_assert_cmpuint(ram_ptr[DATA_ADDR + 0x208], ==, 0);
    g_assert_cmpuint(ram_ptr[DATA_ADDR], ==, 0x11);
    g_assert_cmpuint(transport->notifies, ==, notifies + 1);
    g_assert_cmpuint(transport->last_vector, ==, 3);
    g_assert_true(vdev->isr & VIRTIO_PCI_ISR_QUEUE);
    g_assert_false(vdev->broken);
    teardown();
}

static void test_element_layout(void)
{
    typedef struct Req {
        VirtQueueElement elem;
        uint64_t extra[3];
    } Req;
    Req *req;
    char buf[4];

    setup(0);
    memcpy(ram_ptr + DATA_ADDR, "ping", 4);
    set_desc(0, DATA_ADDR, 4, VRING_DESC_F_NEXT, 1);
    set_desc(1, DATA_ADDR + 0x100, 4, VRING_DESC_F_WRITE, 0);
    g_w16(AVAIL_ADDR + 4, 0);
    g_w16(AVAIL_ADDR + 2, 1);

    g_assert_false(virtio_queue_empty(tdev->vq));
    req = virtqueue_pop(tdev->vq, sizeof(Req));
    g_assert_nonnull(req);
    g_assert_true(virtio_queue_empty(tdev->vq));
    g_assert_cmpuint(req->elem.out_num, ==, 1);
    g_assert_cmpuint(req->elem.in_num, ==, 1);
    g_assert_cmphex(req->elem.out_addr[0], ==, DATA_ADDR);
    g_assert_cmphex(req->elem.in_addr[0], ==, DATA_ADDR + 0x100);
    g_assert_cmpuint(req->extra[0] | req->extra[1] | req->extra[2], ==, 0);
    g_assert_cmpuint(iov_to_buf(req->elem.out_sg, req->elem.out_num, 0,
                                buf, 4), ==, 4);
    g_assert_cmpmem(buf, 4, "ping", 4);
    g_assert_cmpuint(iov_from_buf(req->elem.in_sg, req->elem.in_num, 0,
                                  "pong", 4), ==, 4);

    /* unpop puts it back: the next pop returns the same chain. */
    virtqueue_unpop(tdev->vq, &req->elem, 0);
    g_free(req);
    g_assert_false(virtio_queue_empty(tdev->vq));
    req = virtqueue_pop(tdev->vq, sizeof(Req));
    g_assert_nonnull(req);
    g_assert_cmpuint(req->elem.index, ==, 0);
    g_assert_true(virtqueue_rewind(tdev->vq, 1));
    g_assert_false(virtqueue_rewind(tdev->vq, 1));
    g_free(req);
    req = virtqueue_pop(tdev->vq, sizeof(Req));
    virtqueue_fill(tdev->vq, &req->elem, 4, 0);
    virtqueue_flush(tdev->vq, 1);
    g_free(req);
    g_assert_cmpuint(used_idx(), ==, 1);
    g_assert_cmpmem(ram_ptr + DATA_ADDR + 0x100, 4, "pong", 4);
    teardown();
}

static void test_indirect(void)
{
    VirtIODevice *vdev = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
    uint32_t id, len;

    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 16, VRING_DESC_F_NEXT, 1);
    set_desc_at(INDIRECT_ADDR, 1, DATA_ADDR + 0x100, 16,
                VRING_DESC_F_NEXT, 2);
    set_desc_at(INDIRECT_ADDR, 2, DATA_ADDR + 0x200, 64,
                VRING_DESC_F_WRITE, 0);
    set_desc(5, INDIRECT_ADDR, 3 * 16, VRING_DESC_F_INDIRECT, 0);
    kick(5);

    g_assert_false(vdev->broken);
    g_assert_cmpuint(tdev->handled, ==, 1);
    used_elem(0, &id, &len);
    g_assert_cmpuint(id, ==, 5);
    g_assert_cmpuint(len, ==, 64);
    teardown();
}

static void test_event_idx(void)
{
    VirtIODevice *vdev = setup(1ULL << VIRTIO_RING_F_EVENT_IDX);
    hwaddr used_event = AVAIL_ADDR + 4 + 2 * QSIZE;
    hwaddr avail_event = USED_ADDR + 4 + 8 * QSIZE;
    unsigned n;

    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);
    set_desc(1, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);
    set_desc(2, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);

    /* used_event 0: interrupt when used idx moves past 0. */
    g_w16(used_event, 0);
    n = transport->notifies;
    kick(0);
    g_assert_cmpuint(transport->notifies, ==, n + 1);
    /* The device asks to be kicked for the next new entry. */
    g_assert_cmpuint(g_r16(avail_event), ==, 1);

    /* Still 0: used idx 1 -> 2 does not cross it, no interrupt. */
    kick(1);
    g_assert_cmpuint(used_idx(), ==, 2);
    g_assert_cmpuint(transport->notifies, ==, n + 1);

    /* used_event 2: crossing 2 -> 3 interrupts. */
    g_w16(used_event, 2);
    kick(2);
    g_assert_cmpuint(used_idx(), ==, 3);
    g_assert_cmpuint(transport->notifies, ==, n + 2);
    g_assert_false(vdev->broken);
    teardown();
}

static void test_no_interrupt(void)
{
    VirtIODevice *vdev = setup(0);
    unsigned n;

    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);
    g_w16(AVAIL_ADDR, VRING_AVAIL_F_NO_INTERRUPT);
    n = transport->notifies;
    kick(0);
    g_assert_cmpuint(used_idx(), ==, 1);
    g_assert_cmpuint(transport->notifies, ==, n);

    /* NO_NOTIFY in the used flags follows set_notification. */
    virtio_queue_set_notification(tdev->vq, 0);
    g_assert_cmphex(g_r16(USED_ADDR), ==, VRING_USED_F_NO_NOTIFY);
    virtio_queue_set_notification(tdev->vq, 1);
    g_assert_cmphex(g_r16(USED_ADDR), ==, 0);
    g_assert_false(vdev->broken);
    teardown();
}

/* Many requests: the 16-bit indices wrap. */
static void test_wrap(void)
{
    VirtIODevice *vdev = setup(1ULL << VIRTIO_RING_F_EVENT_IDX);
    unsigned i, n = g_test_quick() ? 66000 : 140000;
    uint32_t id, len;

    for (i = 0; i < QSIZE; i++) {
        set_desc(i, DATA_ADDR + 16 * i, 16, VRING_DESC_F_WRITE, 0);
    }
    for (i = 0; i < n; i++) {
        kick(i % QSIZE);
        used_elem(i, &id, &len);
        g_assert_cmpuint(id, ==, i % QSIZE);
    }
    g_assert_cmpuint(used_idx(), ==, (uint16_t)n);
    g_assert_cmpuint(tdev->handled, ==, n);
    g_assert_false(vdev->broken);
    teardown();
}

static void test_features(void)
{
    VirtIODevice *vdev;
    uint8_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

    vdev = setup(0);
    g_assert_true(virtio_host_has_feature(vdev, VIRTIO_F_VERSION_1));
    g_assert_true(virtio_host_has_feature(vdev, TEST_FEATURE));
    g_assert_true(virtio_host_has_feature(vdev,
                                          VIRTIO_RING_F_INDIRECT_DESC));
    g_assert_true(virtio_host_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX));
    g_assert_cmphex(tdev->features_set, ==, 1ULL << VIRTIO_F_VERSION_1);

    /* Changing features after FEATURES_OK is refused. */
    g_assert_cmpint(virtio_set_features(vdev, 0), <, 0);

    virtio_reset(vdev);
    g_assert_cmpuint(vdev->status, ==, 0);
    g_assert_cmphex(vdev->guest_features, ==, 0);
    g_assert_false(virtio_queue_enabled(vdev, 0));

    /* Bits the device did not offer. */
    virtio_set_status(vdev, s);
    g_assert_cmpint(virtio_set_features(vdev, 1ULL << 50), <, 0);
    g_assert_cmphex(vdev->guest_features, ==, 0);

    /* No VERSION_1: FEATURES_OK does not stick. */
    g_assert_cmpint(virtio_set_features(vdev, 1ULL << TEST_FEATURE), ==, 0);
    g_assert_cmpint(virtio_set_status(vdev, s |
                                      VIRTIO_CONFIG_S_FEATURES_OK), <, 0);
    g_assert_cmphex(vdev->status, ==, s);

    /* With it, it does, and the device hears of the features. */
    g_assert_cmpint(virtio_set_features(vdev, 1ULL << TEST_FEATURE |
                                        1ULL << VIRTIO_F_VERSION_1), ==, 0);
    g_assert_cmpint(virtio_set_status(vdev, s |
                                      VIRTIO_CONFIG_S_FEATURES_OK), ==, 0);
    g_assert_cmphex(vdev->status, ==, s | VIRTIO_CONFIG_S_FEATURES_OK);
    g_assert_cmphex(tdev->features_set, ==, 1ULL << TEST_FEATURE |
                    1ULL << VIRTIO_F_VERSION_1);
    g_assert_true(virtio_vdev_has_feature(vdev, TEST_FEATURE));
    teardown();
}

static void test_config(void)
{
    VirtIODevice *vdev = setup(0);
    uint32_t gen = vdev->generation;

    g_assert_cmphex(virtio_config_modern_readl(vdev, 0), ==, 0x12345678);
    g_assert_cmphex(virtio_config_modern_readw(vdev, 2), ==, 0x1234);
    g_assert_cmphex(virtio_config_modern_readb(vdev, 1), ==, 0x56);
    g_assert_cmphex(virtio_config_modern_readl(vdev, 6), ==, 0xffffffff);
    g_assert_cmphex(virtio_config_modern_readl(vdev, 100), ==, 0xffffffff);
    virtio_config_modern_writel(vdev, 6, 1);       /* ignored */

    transport->notifies = 0;
    vdev->config_vector = 1;
    virtio_notify_config(vdev);
    g_assert_cmpuint(vdev->generation, ==, gen + 1);
    g_assert_cmpuint(transport->notifies, ==, 1);
    g_assert_cmpuint(transport->last_vector, ==, 1);
    g_assert_true(vdev->isr & VIRTIO_PCI_ISR_CONFIG);
    teardown();
}

static void test_reset_recovers(void)
{
    VirtIODevice *vdev = setup(0);

    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_NEXT, 0);    /* loop */
    kick(0);
    g_assert_true(vdev->broken);

    virtio_reset(vdev);
    g_assert_false(vdev->broken);
    g_assert_cmpuint(vdev->status, ==, 0);
    g_assert_false(virtio_queue_ready(tdev->vq));

    /* Set up again: the queue works. */
    memset(ram_ptr, 0, 0x10000);
    avail_idx = 0;
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER);
    virtio_set_features(vdev, 1ULL << VIRTIO_F_VERSION_1);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
                      VIRTIO_CONFIG_S_DRIVER_OK);
    virtio_queue_set_num(vdev, 0, QSIZE);
    virtio_queue_set_rings(vdev, 0, DESC_ADDR, AVAIL_ADDR, USED_ADDR);
    virtio_queue_enable(vdev, 0);
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);
    kick(0);
    g_assert_cmpuint(used_idx(), ==, 1);
    teardown();
}

/* Malformed input: each case breaks the device. */

typedef void (*BadSetup)(void);

static void bad_loop(void)
{
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_NEXT, 1);
    set_desc(1, DATA_ADDR, 8, VRING_DESC_F_NEXT, 0);
}

/*
 * next == the table size; the entry past the table is a valid
 * descriptor, so nothing else would refuse it.
 */
static void bad_next_range(void)
{
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_NEXT, QSIZE);
    set_desc(QSIZE, DATA_ADDR + 8, 8, 0, 0);
}

static void bad_indirect_next_range(void)
{
    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 8, VRING_DESC_F_NEXT, 2);
    set_desc_at(INDIRECT_ADDR, 1, DATA_ADDR, 8, 0, 0);
    set_desc_at(INDIRECT_ADDR, 2, DATA_ADDR, 8, 0, 0);
    set_desc(0, INDIRECT_ADDR, 32, VRING_DESC_F_INDIRECT, 0);
}

static void bad_hole(void)
{
    set_desc(0, HOLE_ADDR, 8, VRING_DESC_F_WRITE, 0);
}

static void bad_mmio(void)
{
    set_desc(0, MMIO_BASE, 8, VRING_DESC_F_WRITE, 0);
}

static void bad_mmio_readable(void)
{
    /* Mapping must not read the registers (they may be read-to-clear). */
    set_desc(0, MMIO_BASE, 8, 0, 0);
}

static void bad_desc_table_mmio(void)
{
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_NEXT, 1);
    set_desc(1, MMIO_BASE, 32, VRING_DESC_F_INDIRECT, 0);
}

static void bad_straddle(void)
{
    /* Starts in RAM, runs past its end. */
    set_desc(0, RAM_SIZE - 8, 16, 0, 0);
}

static void bad_wrap(void)
{
    set_desc(0, UINT64_MAX - 4, 16, 0, 0);
}

static void bad_order(void)
{
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set_desc(1, DATA_ADDR + 8, 8, 0, 0);
}

static void bad_zero_len(void)
{
    set_desc(0, DATA_ADDR, 0, 0, 0);
}

static void bad_nested_indirect(void)
{
    set_desc_at(INDIRECT_ADDR, 0, INDIRECT_ADDR + 0x100, 16,
                VRING_DESC_F_INDIRECT, 0);
    set_desc(0, INDIRECT_ADDR, 16, VRING_DESC_F_INDIRECT, 0);
}

/* One whole descriptor and half of another: the rest would be fine. */
static void bad_indirect_len(void)
{
    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 8, 0, 0);
    set_desc(0, INDIRECT_ADDR, 24, VRING_DESC_F_INDIRECT, 0);
}

static void bad_indirect_huge(void)
{
    set_desc(0, INDIRECT_ADDR, 16 * (VIRTQUEUE_MAX_SIZE + 1),
             VRING_DESC_F_INDIRECT, 0);
}

static void bad_indirect_table_hole(void)
{
    set_desc(0, HOLE_ADDR, 32, VRING_DESC_F_INDIRECT, 0);
}

static void bad_indirect_loop(void)
{
    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 8, VRING_DESC_F_NEXT, 1);
    set_desc_at(INDIRECT_ADDR, 1, DATA_ADDR, 8, VRING_DESC_F_NEXT, 0);
    set_desc(0, INDIRECT_ADDR, 32, VRING_DESC_F_INDIRECT, 0);
}

static void bad_indirect_next(void)
{
    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 8, 0, 0);
    set_desc(0, INDIRECT_ADDR, 16, VRING_DESC_F_INDIRECT |
             VRING_DESC_F_NEXT, 1);
}

static void bad_indirect_in_chain(void)
{
    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 8, 0, 0);
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_NEXT, 1);
    set_desc(1, INDIRECT_ADDR, 16, VRING_DESC_F_INDIRECT, 0);
}

static void indirect_ok(void)
{
    set_desc_at(INDIRECT_ADDR, 0, DATA_ADDR, 8, 0, 0);
    set_desc(0, INDIRECT_ADDR, 16, VRING_DESC_F_INDIRECT, 0);
}

/* A maximal indirect table whose chain goes round: 1025 entries. */
static void bad_too_many(void)
{
    unsigned i;

    for (i = 0; i < VIRTQUEUE_MAX_SIZE; i++) {
        set_desc_at(0x40000, i, DATA_ADDR, 8, VRING_DESC_F_NEXT,
                    i + 1 < VIRTQUEUE_MAX_SIZE ? i + 1 : 0);
    }
    /* The last one loops back: more than its table has. */
    set_desc(0, 0x40000, 16 * VIRTQUEUE_MAX_SIZE, VRING_DESC_F_INDIRECT, 0);
}

typedef struct BadCase {
    const char *name;
    BadSetup setup;
    uint64_t features;
    /* What virtio_error() must say: the check that refuses it. */
    const char *why;
} BadCase;

#define F_INDIRECT (1ULL << VIRTIO_RING_F_INDIRECT_DESC)

static const BadCase bad_cases[] = {
    { "loop", bad_loop, 0,
      "descriptor chain longer than its table (8 entries): loop" },
    { "next-out-of-range", bad_next_range, 0,
      "descriptor next index 8 out of range (8 entries)" },
    { "buffer-in-hole", bad_hole, 0,
      "buffer at 0x300000 is not in guest RAM" },
    { "buffer-in-mmio", bad_mmio, 0,
      "buffer at 0x200000 is not in guest RAM" },
    { "readable-buffer-in-mmio", bad_mmio_readable, 0,
      "buffer at 0x200000 is not in guest RAM" },
    { "indirect-table-in-mmio", bad_desc_table_mmio, F_INDIRECT,
      "indirect descriptor inside a chain or an indirect table" },
    { "buffer-past-ram", bad_straddle, 0,
      "buffer at 0x100000 is not in guest RAM" },
    { "buffer-wraps", bad_wrap, 0,
      "descriptor buffer 0xfffffffffffffffb+0x10 wraps around" },
    { "write-then-read", bad_order, 0,
      "device-readable descriptor after a device-writable one" },
    { "zero-length", bad_zero_len, 0, "zero sized buffers are not allowed" },
    { "indirect-without-feature", indirect_ok, 0,
      "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC" },
    { "indirect-nested", bad_nested_indirect, F_INDIRECT,
      "indirect descriptor inside a chain or an indirect table" },
    { "indirect-bad-length", bad_indirect_len, F_INDIRECT,
      "invalid indirect table length 24" },
    { "indirect-too-long", bad_indirect_huge, F_INDIRECT,
      "invalid indirect table length 16400" },
    { "indirect-table-in-hole", bad_indirect_table_hole, F_INDIRECT,
      "descriptor table at 0x300000 is not in guest RAM" },
    { "indirect-loop", bad_indirect_loop, F_INDIRECT,
      "descriptor chain longer than its table (2 entries): loop" },
    { "indirect-with-next", bad_indirect_next, F_INDIRECT,
      "indirect descriptor with NEXT set" },
    { "indirect-inside-chain", bad_indirect_in_chain, F_INDIRECT,
      "indirect descriptor inside a chain or an indirect table" },
    { "indirect-next-out-of-range", bad_indirect_next_range, F_INDIRECT,
      "descriptor next index 2 out of range (2 entries)" },
    /* Caught by the chain length, before the 1024-buffer limit. */
    { "chain-too-long", bad_too_many, F_INDIRECT,
      "descriptor chain longer than its table (1024 entries): loop" },
};

static void test_bad_chain(const void *opaque)
{
    const BadCase *c = opaque;
    VirtIODevice *vdev = setup(c->features);

    c->setup();
    kick(0);
    assert_broken_for(vdev, c->why);
    teardown();
}

/*
 * A head index equal to the queue size; the descriptor it would name,
 * just past the table, is a valid one.
 */
static void test_bad_head(void)
{
    VirtIODevice *vdev = setup(0);

    set_desc(QSIZE, DATA_ADDR, 8, 0, 0);
    kick(QSIZE);
    assert_broken_for(vdev, "queue 0: head descriptor 8 out of range "
                      "(queue size 8)");
    teardown();
}

/*
 * The longest chains that are valid: every descriptor of the queue, and
 * every entry of a full indirect table (1024 buffers, the element's
 * limit).
 */
static void test_longest_chain(void)
{
    VirtIODevice *vdev = setup(0);
    unsigned i;

    for (i = 0; i < QSIZE; i++) {
        set_desc(i, DATA_ADDR + 8 * i, 8, i + 1 < QSIZE ? VRING_DESC_F_NEXT
                                                        : 0, i + 1);
    }
    kick(0);
    g_assert_cmpuint(tdev->handled, ==, 1);
    g_assert_false(vdev->broken);
    teardown();

    vdev = setup(F_INDIRECT);
    for (i = 0; i < VIRTQUEUE_MAX_SIZE; i++) {
        set_desc_at(0x40000, i, DATA_ADDR, 8,
                    i + 1 < VIRTQUEUE_MAX_SIZE ? VRING_DESC_F_NEXT : 0,
                    i + 1);
    }
    set_desc(0, 0x40000, 16 * VIRTQUEUE_MAX_SIZE, VRING_DESC_F_INDIRECT, 0);
    kick(0);
    g_assert_cmpuint(tdev->handled, ==, 1);
    g_assert_false(vdev->broken);
    teardown();
}

static void test_bad_avail_jump(void)
{
    VirtIODevice *vdev = setup(0);

    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);
    g_w16(AVAIL_ADDR + 2, QSIZE + 1);
    virtio_queue_notify(vdev, 0);
    g_assert_true(vdev->broken);
    g_assert_true(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmpuint(tdev->handled, ==, 0);
    g_assert_cmpuint(used_idx(), ==, 0);
    teardown();
}

/*
 * The device holds all QSIZE buffers (popped, not yet used) and the
 * driver makes one more available, which the avail index allows: the
 * queue cannot hold it ("virtqueue size exceeded"), no ninth element.
 */
static void test_bad_inuse(void)
{
    VirtIODevice *vdev = setup(0);
    VirtQueue *vq = virtio_get_queue(vdev, 0);
    VirtQueueElement *elems[QSIZE];
    int i;

    for (i = 0; i < QSIZE; i++) {
        set_desc(i, DATA_ADDR + 16 * i, 8, VRING_DESC_F_WRITE, 0);
        g_w16(AVAIL_ADDR + 4 + 2 * i, i);
    }
    g_w16(AVAIL_ADDR + 2, QSIZE);
    for (i = 0; i < QSIZE; i++) {
        elems[i] = virtqueue_pop(vq, sizeof(VirtQueueElement));
        g_assert_nonnull(elems[i]);
    }
    /* Head 0 again, in the ring's slot QSIZE % QSIZE. */
    g_w16(AVAIL_ADDR + 2, QSIZE + 1);
    g_assert_null(virtqueue_pop(vq, sizeof(VirtQueueElement)));
    assert_broken_for(vdev, "virtqueue size exceeded");
    for (i = 0; i < QSIZE; i++) {
        virtqueue_detach_element(vq, elems[i], 0);
        g_free(elems[i]);
    }
    teardown();
}

static void test_bad_ring_mmio(void)
{
    VirtIODevice *vdev;

    /* The used ring on MMIO: the device must not write there. */
    vdev = setup(0);
    virtio_reset(vdev);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER);
    virtio_set_features(vdev, 1ULL << VIRTIO_F_VERSION_1);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
                      VIRTIO_CONFIG_S_DRIVER_OK);
    virtio_queue_set_num(vdev, 0, QSIZE);
    virtio_queue_set_rings(vdev, 0, DESC_ADDR, AVAIL_ADDR, MMIO_BASE);
    virtio_queue_enable(vdev, 0);
    set_desc(0, DATA_ADDR, 8, VRING_DESC_F_WRITE, 0);
    kick(0);
    g_assert_true(vdev->broken);
    g_assert_true(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmpuint(mmio_accesses, ==, 0);
    teardown();

    /* The avail ring and descriptor table on MMIO: never read. */
    vdev = setup(0);
    virtio_queue_reset(vdev, 0);
    virtio_queue_set_num(vdev, 0, QSIZE);
    virtio_queue_set_rings(vdev, 0, MMIO_BASE, MMIO_BASE + 0x200,
                           USED_ADDR);
    virtio_queue_enable(vdev, 0);
    virtio_queue_notify(vdev, 0);
    g_assert_true(vdev->broken);
    g_assert_cmpuint(mmio_accesses, ==, 0);
    teardown();

    /* The avail ring in a hole. */
    vdev = setup(0);
    virtio_queue_reset(vdev, 0);
    virtio_queue_set_num(vdev, 0, QSIZE);
    virtio_queue_set_rings(vdev, 0, DESC_ADDR, HOLE_ADDR, USED_ADDR);
    virtio_queue_enable(vdev, 0);
    virtio_queue_notify(vdev, 0);
    g_assert_true(vdev->broken);
    teardown();

    /* Misaligned rings are refused at enable time. */
    vdev = setup(0);
    virtio_queue_reset(vdev, 0);
    virtio_queue_set_num(vdev, 0, QSIZE);
    virtio_queue_set_rings(vdev, 0, DESC_ADDR + 8, AVAIL_ADDR, USED_ADDR);
    virtio_queue_enable(vdev, 0);
    g_assert_false(virtio_queue_enabled(vdev, 0));
    g_assert_true(vdev->broken);
    teardown();
}

static void test_bad_queue_size(void)
{
    VirtIODevice *vdev = setup(0);

    virtio_queue_reset(vdev, 0);
    virtio_queue_set_num(vdev, 0, 3);           /* not a power of two */
    g_assert_cmpint(virtio_queue_get_num(vdev, 0), ==, QSIZE);
    virtio_queue_set_num(vdev, 0, 2 * QSIZE);   /* above the maximum */
    g_assert_cmpint(virtio_queue_get_num(vdev, 0), ==, QSIZE);
    virtio_queue_set_num(vdev, 0, QSIZE / 2);
    g_assert_cmpint(virtio_queue_get_num(vdev, 0), ==, QSIZE / 2);
    g_assert_false(vdev->broken);
    teardown();
}

/* An address that is RAM, MMIO, a hole or anywhere, at random. */
static uint64_t fuzz_addr(void)
{
    switch (g_test_rand_int_range(0, 5)) {
    case 0:
        return MMIO_BASE + g_test_rand_int_range(0, 0x1000);
    case 1:
        return HOLE_ADDR + g_test_rand_int_range(0, 0x1000);
    case 2:
        return ((uint64_t)g_test_rand_int() << 32) | g_test_rand_int();
    default:
        return DATA_ADDR + g_test_rand_int_range(0, RAM_SIZE - DATA_ADDR);
    }
}

/*
 * Random descriptor tables, indirect tables and avail entries: whatever
 * the device makes of them, it must not crash, touch MMIO, or complete
 * anything once broken.  A broken device is reset and set up again.
 */
static void test_fuzz(void)
{
    unsigned iters = g_test_quick() ? 2000 : 50000;
    unsigned i, j, broken = 0;
    VirtIODevice *vdev = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC |
                               1ULL << VIRTIO_RING_F_EVENT_IDX);

    for (i = 0; i < iters; i++) {
        for (j = 0; j < QSIZE; j++) {
            uint16_t flags = g_test_rand_int_range(0, 8);
            uint32_t len = g_test_rand_bit() ?
                g_test_rand_int_range(0, 4096) : g_test_rand_int();

            if ((flags & VRING_DESC_F_INDIRECT) && g_test_rand_bit()) {
                set_desc(j, INDIRECT_ADDR, 16 * g_test_rand_int_range(0, 9),
                         flags, g_test_rand_int_range(0, QSIZE + 2));
            } else {
                set_desc(j, fuzz_addr(), len, flags,
                         g_test_rand_int_range(0, QSIZE + 2));
            }
            set_desc_at(INDIRECT_ADDR, j, fuzz_addr(), len,
                        g_test_rand_int_range(0, 8),
                        g_test_rand_int_range(0, 10));
        }
        if (g_test_rand_int_range(0, 50) == 0) {
            /* Now and then a wild avail index. */
            avail_idx += g_test_rand_int_range(0, 0x10000);
        }
        kick(g_test_rand_int_range(0, QSIZE + 1));
        g_assert_cmpuint(mmio_accesses, ==, 0);
        if (vdev->broken) {
            uint16_t used = used_idx();

            broken++;
            kick(0);
            g_assert_cmpuint(used_idx(), ==, used);
            teardown();
            vdev = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC |
                         1ULL << VIRTIO_RING_F_EVENT_IDX);
        }
    }
    /* Most random chains are bad; a few must have been fine. */
    g_assert_cmpuint(broken, >, 0);
    g_assert_cmpuint(broken, <, iters);
    teardown();
}

static void test_iov(void)
{
    char a[4] = "abcd", b[6] = "efghij", out[10];
    struct iovec iov[2] = { { a, 4 }, { b, 6 } };
    struct iovec part[2];
    struct iovec *p = iov;
    unsigned cnt = 2;

    g_assert_cmpuint(iov_size(iov, 2), ==, 10);
    g_assert_cmpuint(iov_to_buf(iov, 2, 0, out, 10), ==, 10);
    g_assert_cmpmem(out, 10, "abcdefghij", 10);
    g_assert_cmpuint(iov_to_buf(iov, 2, 3, out, 3), ==, 3);
    g_assert_cmpmem(out, 3, "def", 3);
    g_assert_cmpuint(iov_to_buf(iov, 2, 8, out, 10), ==, 2);
    g_assert_cmpuint(iov_to_buf(iov, 2, 12, out, 10), ==, 0);
    g_assert_cmpuint(iov_from_buf(iov, 2, 2, "XYZ", 3), ==, 3);
    g_assert_cmpmem(a, 4, "abXY", 4);
    g_assert_cmpmem(b, 1, "Z", 1);
    g_assert_cmpuint(iov_memset(iov, 2, 9, '!', 5), ==, 1);
    g_assert_cmpint(b[5], ==, '!');
    g_assert_cmpuint(iov_copy(part, 2, iov, 2, 3, 4), ==, 2);
    g_assert_cmpuint(part[0].iov_len, ==, 1);
    g_assert_cmpuint(part[1].iov_len, ==, 3);
    g_assert_cmpuint(iov_discard_front(&p, &cnt, 5), ==, 5);
    g_assert_cmpuint(cnt, ==, 1);
    g_assert_cmpuint(p->iov_len, ==, 5);
}

int main(int argc, char **argv)
{
    unsigned i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    log_path = g_strdup_printf("%s/test-virtqueue-%d.log", g_get_tmp_dir(),
                               (int)getpid());
    g_assert_true(qemu_set_log_filename(log_path, &error_abort));
    qemu_set_log(LOG_GUEST_ERROR, &error_abort);
    /* The memory map and the device run under the BQL, as in QEMU. */
    bql_lock();

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE,
                                         &error_abort));
    memory_region_init_io(&mmio, NULL, &mmio_ops, NULL, "mmio", 0x1000);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, MMIO_BASE, &mmio);
    address_space_init(&as, &root, "test-virtio");
    ram_ptr = memory_region_get_ram_ptr(&ram);

    g_test_add_func("/virtio/iov", test_iov);
    g_test_add_func("/virtio/virtqueue/pop-push", test_pop_push);
    g_test_add_func("/virtio/virtqueue/element", test_element_layout);
    g_test_add_func("/virtio/virtqueue/indirect", test_indirect);
    g_test_add_func("/virtio/virtqueue/event-idx", test_event_idx);
    g_test_add_func("/virtio/virtqueue/no-interrupt", test_no_interrupt);
    g_test_add_func("/virtio/virtqueue/wrap", test_wrap);
    g_test_add_func("/virtio/status/features", test_features);
    g_test_add_func("/virtio/status/reset-recovers", test_reset_recovers);
    g_test_add_func("/virtio/config", test_config);
    for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/virtio/virtqueue/bad/%s", bad_cases[i].name);

        g_test_add_data_func(path, &bad_cases[i], test_bad_chain);
    }
    g_test_add_func("/virtio/virtqueue/bad/head-out-of-range",
                    test_bad_head);
    g_test_add_func("/virtio/virtqueue/longest-chain", test_longest_chain);
    g_test_add_func("/virtio/virtqueue/bad/avail-jump", test_bad_avail_jump);
    g_test_add_func("/virtio/virtqueue/bad/inuse", test_bad_inuse);
    g_test_add_func("/virtio/virtqueue/bad/rings-not-ram",
                    test_bad_ring_mmio);
    g_test_add_func("/virtio/virtqueue/bad/queue-size", test_bad_queue_size);
    g_test_add_func("/virtio/virtqueue/fuzz", test_fuzz);
    ret = g_test_run();
    unlink(log_path);
    return ret;
}
