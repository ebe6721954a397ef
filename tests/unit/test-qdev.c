/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qdev: static properties (defaults, parsing, errors, freezing at
 * realize, release at finalize), realize on buses, bus children, cold
 * reset down the bus tree and GPIO input lines; and the parsers -device
 * stands on: qemu_strtosz(), qemu_strtou64() and keyval_parse().
 *
 * The device tree used here:
 *
 *   test-bridge (no bus)
 *     bus "tbus" (test-bus)
 *       test-dev ...
 *       test-bus-bridge (plugs into a test-bus, has one of its own)
 *         bus (test-bus)
 *           test-dev ...
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/keyval.h"
#include "qemu/units.h"
#include "hw/irq.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"

#define TYPE_TEST_BUS "test-bus"
#define TYPE_OTHER_BUS "other-bus"
#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_DEV_SUB "test-dev-sub"
#define TYPE_TEST_DEV_EXTRA "test-dev-extra"
#define TYPE_TEST_BRIDGE "test-bridge"
#define TYPE_TEST_BUS_BRIDGE "test-bus-bridge"

OBJECT_DECLARE_SIMPLE_TYPE(TestDev, TEST_DEV)
OBJECT_DECLARE_SIMPLE_TYPE(TestBridge, TEST_BRIDGE)

struct TestDev {
    DeviceState parent_obj;

    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    bool on;
    uint32_t bits;
    uint64_t bits64;
    uint64_t size;
    char *str;
    bool fail_realize;
    uint32_t extra;

    int realizes;
    int unrealizes;
    int resets;
    int levels[4];
    int ctl_levels[2];
};

struct TestBridge {
    DeviceState parent_obj;

    BusState *bus;
    int resets;
};

static int finalize_count;

/* Devices */

static void test_dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *t = TEST_DEV(dev);

    if (t->fail_realize) {
        error_setg(errp, "test-dev refuses to realize");
        return;
    }
    t->realizes++;
}

static void test_dev_unrealize(DeviceState *dev)
{
    TEST_DEV(dev)->unrealizes++;
}

static void test_dev_reset(DeviceState *dev)
{
    TEST_DEV(dev)->resets++;
}

static void test_dev_finalize(Object *obj)
{
    finalize_count++;
}

static const Property test_dev_props[] = {
    DEFINE_PROP_UINT8("u8", TestDev, u8, 8),
    DEFINE_PROP_UINT16("u16", TestDev, u16, 1600),
    DEFINE_PROP_UINT32("u32", TestDev, u32, 320000),
    DEFINE_PROP_UINT64("u64", TestDev, u64, UINT64_C(0x100000000)),
    DEFINE_PROP_INT32("i32", TestDev, i32, -32),
    DEFINE_PROP_BOOL("on", TestDev, on, true),
    DEFINE_PROP_BIT("bit3", TestDev, bits, 3, true),
    DEFINE_PROP_BIT("bit5", TestDev, bits, 5, false),
    DEFINE_PROP_BIT64("bit40", TestDev, bits64, 40, true),
    DEFINE_PROP_SIZE("size", TestDev, size, 4 * MiB),
    DEFINE_PROP_STRING("str", TestDev, str),
    DEFINE_PROP_BOOL("fail", TestDev, fail_realize, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_dev_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->bus_type = TYPE_TEST_BUS;
    dc->realize = test_dev_realize;
    dc->unrealize = test_dev_unrealize;
    device_class_set_legacy_reset(dc, test_dev_reset);
    device_class_set_props(dc, test_dev_props);
}

static const Property test_dev_extra_props[] = {
    DEFINE_PROP_UINT32("extra", TestDev, extra, 77),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_dev_extra_class_init(ObjectClass *klass, const void *data)
{
    device_class_set_props(DEVICE_CLASS(klass), test_dev_extra_props);
}

static void test_bridge_reset(DeviceState *dev)
{
    TEST_BRIDGE(dev)->resets++;
}

static void test_bridge_init(Object *obj)
{
    TestBridge *br = TEST_BRIDGE(obj);

    br->bus = qbus_new(TYPE_TEST_BUS, DEVICE(obj), NULL);
}

static void test_bridge_finalize(Object *obj)
{
    finalize_count++;
}

static void test_bridge_class_init(ObjectClass *klass, const void *data)
{
    device_class_set_legacy_reset(DEVICE_CLASS(klass), test_bridge_reset);
}

static void test_bus_bridge_class_init(ObjectClass *klass, const void *data)
{
    DEVICE_CLASS(klass)->bus_type = TYPE_TEST_BUS;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_BUS,
        .parent = TYPE_BUS,
    },
    {
        .name = TYPE_OTHER_BUS,
        .parent = TYPE_BUS,
    },
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .instance_finalize = test_dev_finalize,
        .class_init = test_dev_class_init,
    },
    {
        /* Inherits the property table without adding one. */
        .name = TYPE_TEST_DEV_SUB,
        .parent = TYPE_TEST_DEV,
    },
    {
        .name = TYPE_TEST_DEV_EXTRA,
        .parent = TYPE_TEST_DEV,
        .class_init = test_dev_extra_class_init,
    },
    {
        .name = TYPE_TEST_BRIDGE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestBridge),
        .instance_init = test_bridge_init,
        .instance_finalize = test_bridge_finalize,
        .class_init = test_bridge_class_init,
    },
    {
        .name = TYPE_TEST_BUS_BRIDGE,
        .parent = TYPE_TEST_BRIDGE,
        .class_init = test_bus_bridge_class_init,
    },
};

DEFINE_TYPES(test_types)

/* A realized test-bridge, held by /machine/unattached only. */
static TestBridge *bridge_new(void)
{
    DeviceState *br = qdev_new(TYPE_TEST_BRIDGE);

    qdev_realize_and_unref(br, NULL, &error_abort);
    return TEST_BRIDGE(br);
}

static TestDev *dev_new_on(BusState *bus)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);

    qdev_realize_and_unref(dev, bus, &error_abort);
    return TEST_DEV(dev);
}

/* Set @name to @value: false and the message in @msg on error. */
static bool set_prop(void *dev, const char *name, const char *value,
                     char **msg)
{
    Error *err = NULL;

    if (object_property_parse(OBJECT(dev), name, value, &err)) {
        return true;
    }
    *msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return false;
}

static void assert_prop_error(void *dev, const char *name,
                              const char *value, const char *expected)
{
    g_autofree char *before = object_property_print(OBJECT(dev), name,
                                                    &error_abort);
    g_autofree char *after = NULL;
    g_autofree char *msg = NULL;

    g_assert_false(set_prop(dev, name, value, &msg));
    g_assert_cmpstr(msg, ==, expected);
    /* A rejected value leaves the field alone. */
    after = object_property_print(OBJECT(dev), name, &error_abort);
    g_assert_cmpstr(after, ==, before);
}

static void assert_prop_print(void *dev, const char *name,
                              const char *expected)
{
    g_autofree char *s = object_property_print(OBJECT(dev), name,
                                               &error_abort);

    g_assert_cmpstr(s, ==, expected);
}

/* Properties */

static void test_props_defaults(void)
{
    TestDev *t = TEST_DEV(qdev_new(TYPE_TEST_DEV));

    g_assert_cmpuint(t->u8, ==, 8);
    g_assert_cmpuint(t->u16, ==, 1600);
    g_assert_cmpuint(t->u32, ==, 320000);
    g_assert_cmpuint(t->u64, ==, UINT64_C(0x100000000));
    g_assert_cmpint(t->i32, ==, -32);
    g_assert_true(t->on);
    g_assert_cmphex(t->bits, ==, 1U << 3);
    g_assert_cmphex(t->bits64, ==, 1ULL << 40);
    g_assert_cmpuint(t->size, ==, 4 * MiB);
    g_assert_null(t->str);
    g_assert_false(t->fail_realize);
    g_assert_false(DEVICE(t)->realized);

    /* The same values as text and through the typed helpers. */
    assert_prop_print(t, "u8", "8");
    assert_prop_print(t, "u64", "4294967296");
    assert_prop_print(t, "i32", "-32");
    assert_prop_print(t, "on", "on");
    assert_prop_print(t, "bit3", "on");
    assert_prop_print(t, "bit5", "off");
    assert_prop_print(t, "bit40", "on");
    assert_prop_print(t, "size", "4194304");
    assert_prop_print(t, "str", "");
    assert_prop_print(t, "realized", "off");
    g_assert_cmpint(object_property_get_int(OBJECT(t), "i32", &error_abort),
                    ==, -32);
    g_assert_cmpuint(object_property_get_uint(OBJECT(t), "u32",
                                              &error_abort), ==, 320000);
    g_assert_true(object_property_get_bool(OBJECT(t), "bit3",
                                           &error_abort));
    object_unref(t);
}

static void test_props_set(void)
{
    TestDev *t = TEST_DEV(qdev_new(TYPE_TEST_DEV));
    g_autofree char *msg = NULL;

    g_assert_true(set_prop(t, "u8", "255", &msg));
    g_assert_cmpuint(t->u8, ==, 255);
    g_assert_true(set_prop(t, "u8", "0x10", &msg));
    g_assert_cmpuint(t->u8, ==, 16);
    g_assert_true(set_prop(t, "u16", "65535", &msg));
    g_assert_cmpuint(t->u16, ==, 65535);
    g_assert_true(set_prop(t, "u32", "4294967295", &msg));
    g_assert_cmpuint(t->u32, ==, UINT32_MAX);
    g_assert_true(set_prop(t, "u64", "18446744073709551615", &msg));
    g_assert_cmpuint(t->u64, ==, UINT64_MAX);
    g_assert_true(set_prop(t, "i32", "-2147483648", &msg));
    g_assert_cmpint(t->i32, ==, INT32_MIN);
    g_assert_true(set_prop(t, "i32", "2147483647", &msg));
    g_assert_cmpint(t->i32, ==, INT32_MAX);
    g_assert_true(set_prop(t, "on", "off", &msg));
    g_assert_false(t->on);
    g_assert_true(set_prop(t, "on", "yes", &msg));
    g_assert_true(t->on);

    /* Bits change only their own bit. */
    t->bits |= 1U << 0;
    g_assert_true(set_prop(t, "bit5", "on", &msg));
    g_assert_cmphex(t->bits, ==, (1U << 0) | (1U << 3) | (1U << 5));
    g_assert_true(set_prop(t, "bit3", "off", &msg));
    g_assert_cmphex(t->bits, ==, (1U << 0) | (1U << 5));
    g_assert_true(set_prop(t, "bit40", "false", &msg));
    g_assert_cmphex(t->bits64, ==, 0);
    g_assert_true(object_property_set_bool(OBJECT(t), "bit40", true,
                                           &error_abort));
    g_assert_cmphex(t->bits64, ==, 1ULL << 40);

    g_assert_true(set_prop(t, "size", "1.5G", &msg));
    g_assert_cmpuint(t->size, ==, 3 * GiB / 2);
    g_assert_true(set_prop(t, "size", "64K", &msg));
    g_assert_cmpuint(t->size, ==, 64 * KiB);
    g_assert_true(set_prop(t, "size", "4096", &msg));
    g_assert_cmpuint(t->size, ==, 4096);

    g_assert_true(set_prop(t, "str", "hello", &msg));
    g_assert_cmpstr(t->str, ==, "hello");
    /* Replacing a string frees the old one (valgrind checks). */
    g_assert_true(object_property_set_str(OBJECT(t), "str", "world",
                                          &error_abort));
    g_assert_cmpstr(t->str, ==, "world");
    assert_prop_print(t, "str", "world");
    g_assert_null(msg);
    object_unref(t);
}

static void test_props_errors(void)
{
    TestDev *t = TEST_DEV(qdev_new(TYPE_TEST_DEV));

    /* Out of range. */
    assert_prop_error(t, "u8", "256",
                      "Parameter 'u8' expects uint8 (maximum 255), "
                      "got '256'");
    assert_prop_error(t, "u16", "65536",
                      "Parameter 'u16' expects uint16 (maximum 65535), "
                      "got '65536'");
    assert_prop_error(t, "u32", "4294967296",
                      "Parameter 'u32' expects uint32 "
                      "(maximum 4294967295), got '4294967296'");
    assert_prop_error(t, "u64", "18446744073709551616",
                      "Parameter 'u64' expects uint64 "
                      "(maximum 18446744073709551615), "
                      "got '18446744073709551616'");
    assert_prop_error(t, "u8", "-1",
                      "Parameter 'u8' expects uint8 (maximum 255), "
                      "got '-1'");
    assert_prop_error(t, "i32", "2147483648",
                      "Parameter 'i32' expects int32, got '2147483648'");
    assert_prop_error(t, "i32", "-2147483649",
                      "Parameter 'i32' expects int32, got '-2147483649'");
    assert_prop_error(t, "size", "16E",
                      "Parameter 'size' expects a size value with an "
                      "optional suffix (K, M, G, T), got '16E'");

    /* Not a number at all. */
    assert_prop_error(t, "u8", "abc",
                      "Parameter 'u8' expects uint8 (maximum 255), "
                      "got 'abc'");
    assert_prop_error(t, "u32", "12abc",
                      "Parameter 'u32' expects uint32 "
                      "(maximum 4294967295), got '12abc'");
    assert_prop_error(t, "u16", "",
                      "Parameter 'u16' expects uint16 (maximum 65535), "
                      "got ''");
    assert_prop_error(t, "i32", "x",
                      "Parameter 'i32' expects int32, got 'x'");
    assert_prop_error(t, "on", "maybe",
                      "Parameter 'on' expects 'on' or 'off'");
    assert_prop_error(t, "bit5", "1",
                      "Parameter 'bit5' expects 'on' or 'off'");
    assert_prop_error(t, "bit40", "enabled",
                      "Parameter 'bit40' expects 'on' or 'off'");
    assert_prop_error(t, "size", "1X",
                      "Parameter 'size' expects a size value with an "
                      "optional suffix (K, M, G, T), got '1X'");
    assert_prop_error(t, "size", "-1",
                      "Parameter 'size' expects a size value with an "
                      "optional suffix (K, M, G, T), got '-1'");

    /* No such property. */
    {
        g_autofree char *msg = NULL;

        g_assert_false(set_prop(t, "nope", "1", &msg));
        g_assert_cmpstr(msg, ==, "Property 'test-dev.nope' not found");
    }
    object_unref(t);
}

static void test_props_after_realize(void)
{
    TestBridge *br = bridge_new();
    TestDev *t = TEST_DEV(qdev_new(TYPE_TEST_DEV));
    g_autofree char *msg = NULL;
    g_autofree char *msg2 = NULL;

    g_assert_true(set_prop(t, "u8", "1", &msg));
    qdev_realize(DEVICE(t), br->bus, &error_abort);
    g_assert_true(DEVICE(t)->realized);
    assert_prop_print(t, "realized", "on");

    g_assert_false(set_prop(t, "u8", "2", &msg));
    g_assert_cmpstr(msg, ==,
                    "Attempt to set property 'u8' on anonymous device "
                    "(type 'test-dev') after it was realized");
    g_assert_cmpuint(t->u8, ==, 1);

    DEVICE(t)->id = g_strdup("dev0");
    g_assert_false(set_prop(t, "str", "late", &msg2));
    g_assert_cmpstr(msg2, ==,
                    "Attempt to set property 'str' on device 'dev0' "
                    "(type 'test-dev') after it was realized");
    g_assert_null(t->str);

    /* "realized" itself is read-only. */
    g_assert_null(object_property_find(OBJECT(t), "realized")->set);

    object_unref(t);
    object_unparent(OBJECT(br));
}

static void test_props_string_freed(void)
{
    TestDev *t;
    const char *types[] = {
        TYPE_TEST_DEV, TYPE_TEST_DEV_SUB, TYPE_TEST_DEV_EXTRA,
    };
    int i;

    /*
     * Finalize releases the string exactly once, also for subclasses
     * that inherit the table (valgrind: no leak, no double free).
     */
    for (i = 0; i < ARRAY_SIZE(types); i++) {
        finalize_count = 0;
        t = TEST_DEV(qdev_new(types[i]));
        g_assert_true(object_property_set_str(OBJECT(t), "str", "first",
                                              &error_abort));
        g_assert_true(object_property_set_str(OBJECT(t), "str", "second",
                                              &error_abort));
        object_unref(t);
        g_assert_cmpint(finalize_count, ==, 1);
    }
}

static void test_props_class(void)
{
    ObjectClass *oc = object_class_by_name(TYPE_TEST_DEV);
    ObjectClass *extra = object_class_by_name(TYPE_TEST_DEV_EXTRA);
    ObjectProperty *prop;
    TestDev *t;

    /* Listed without creating a device ("-device test-dev,help"). */
    prop = object_class_property_find(oc, "size");
    g_assert_nonnull(prop);
    g_assert_cmpstr(prop->type, ==, "size");
    g_assert_cmpstr(object_class_property_find(oc, "u16")->type, ==,
                    "uint16");
    g_assert_cmpstr(object_class_property_find(oc, "bit3")->type, ==,
                    "bool");
    g_assert_cmpstr(object_class_property_find(oc, "str")->type, ==, "str");
    g_assert_null(object_class_property_find(oc, "extra"));

    /* A subclass adds its own table on top of its parent's. */
    g_assert_true(object_class_property_find(extra, "size") == prop);
    g_assert_nonnull(object_class_property_find(extra, "extra"));
    t = TEST_DEV(qdev_new(TYPE_TEST_DEV_EXTRA));
    g_assert_cmpuint(t->extra, ==, 77);
    g_assert_cmpuint(t->u8, ==, 8);
    g_assert_cmpuint(t->size, ==, 4 * MiB);
    object_unref(t);

    /* Inherited table, defaults applied. */
    t = TEST_DEV(qdev_new(TYPE_TEST_DEV_SUB));
    g_assert_cmpuint(t->u16, ==, 1600);
    g_assert_cmphex(t->bits, ==, 1U << 3);
    object_unref(t);

    g_assert_null(qdev_try_new("no-such-device"));
    g_assert_null(qdev_try_new(TYPE_DEVICE));
    g_assert_null(qdev_try_new(TYPE_TEST_BUS));
}

/* Realize and buses */

static void test_realize_bus(void)
{
    TestBridge *br = bridge_new();
    TestDev *t = TEST_DEV(qdev_new(TYPE_TEST_DEV));
    g_autofree char *path = NULL;
    BusChild *kid;

    g_assert_true(object_dynamic_cast(OBJECT(br->bus), TYPE_TEST_BUS));
    g_assert_true(br->bus->parent == DEVICE(br));
    g_assert_true(QLIST_FIRST(&DEVICE(br)->child_bus) == br->bus);
    g_assert_cmpint(DEVICE(br)->num_child_bus, ==, 1);
    /* Named after the bus type, under the bridge. */
    g_assert_cmpstr(br->bus->name, ==, "test-bus.0");
    g_assert_true(object_resolve_path_component(OBJECT(br), "test-bus.0") ==
                  OBJECT(br->bus));

    g_assert_true(qdev_realize(DEVICE(t), br->bus, &error_abort));
    g_assert_true(DEVICE(t)->realized);
    g_assert_cmpint(t->realizes, ==, 1);
    g_assert_true(qdev_get_parent_bus(DEVICE(t)) == br->bus);
    kid = QTAILQ_FIRST(&br->bus->children);
    g_assert_nonnull(kid);
    g_assert_true(kid->child == DEVICE(t));
    g_assert_null(QTAILQ_NEXT(kid, sibling));

    /* Realize gave it a home, hence a canonical path. */
    path = object_get_canonical_path(OBJECT(t));
    g_assert_nonnull(path);
    g_assert_true(g_str_has_prefix(path, "/machine/unattached/device["));
    g_assert_true(object_resolve_path(path, NULL) == OBJECT(t));

    /* Unparenting unrealizes and takes it off the bus... */
    finalize_count = 0;
    object_unparent(OBJECT(t));
    g_assert_false(DEVICE(t)->realized);
    g_assert_cmpint(t->unrealizes, ==, 1);
    g_assert_null(qdev_get_parent_bus(DEVICE(t)));
    g_assert_true(QTAILQ_EMPTY(&br->bus->children));
    /* ...while our reference from qdev_new() keeps it. */
    g_assert_cmpuint(OBJECT(t)->ref, ==, 1);
    g_assert_cmpint(finalize_count, ==, 0);
    object_unref(t);
    g_assert_cmpint(finalize_count, ==, 1);

    object_unparent(OBJECT(br));
    g_assert_cmpint(finalize_count, ==, 2);
}

static void test_realize_wrong_bus(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    BusState *other = qbus_new(TYPE_OTHER_BUS, NULL, "obus");
    Error *err = NULL;

    g_assert_false(qdev_realize(dev, other, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'test-dev' needs a bus of type 'test-bus'");
    error_free(err);
    err = NULL;
    g_assert_false(dev->realized);
    g_assert_null(qdev_get_parent_bus(dev));
    g_assert_true(QTAILQ_EMPTY(&other->children));
    g_assert_null(object_get_parent(OBJECT(dev)));

    /* No bus at all for a device that needs one. */
    g_assert_false(qdev_realize(dev, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device 'test-dev' needs a bus of type 'test-bus'");
    error_free(err);
    g_assert_false(dev->realized);

    /* Still configurable, and it can be realized properly later. */
    g_assert_true(object_property_set_uint(OBJECT(dev), "u8", 3,
                                           &error_abort));
    object_unref(dev);
    object_unref(other);
}

static void test_realize_fails(void)
{
    TestBridge *br = bridge_new();
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    Error *err = NULL;

    object_property_set_bool(OBJECT(dev), "fail", true, &error_abort);
    finalize_count = 0;
    g_assert_false(qdev_realize_and_unref(dev, br->bus, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "test-dev refuses to realize");
    error_free(err);

    /* Off the bus, out of /machine/unattached, and gone. */
    g_assert_true(QTAILQ_EMPTY(&br->bus->children));
    g_assert_cmpint(finalize_count, ==, 1);
    object_unparent(OBJECT(br));
}

static void test_bus_children(void)
{
    TestBridge *br = bridge_new();
    TestDev *devs[3];
    BusChild *kid;
    int i, n;

    for (i = 0; i < 3; i++) {
        devs[i] = dev_new_on(br->bus);
    }
    g_assert_cmpint(br->bus->num_children, ==, 3);

    /* Newest first, as in QEMU; indexes count up from 0. */
    n = 0;
    QTAILQ_FOREACH(kid, &br->bus->children, sibling) {
        g_assert_true(kid->child == DEVICE(devs[2 - n]));
        g_assert_cmpint(kid->index, ==, 2 - n);
        g_assert_true(qdev_get_parent_bus(kid->child) == br->bus);
        n++;
    }
    g_assert_cmpint(n, ==, 3);

    /* Removing the middle one. */
    finalize_count = 0;
    object_unparent(OBJECT(devs[1]));
    g_assert_cmpint(finalize_count, ==, 1);
    n = 0;
    QTAILQ_FOREACH(kid, &br->bus->children, sibling) {
        g_assert_true(OBJECT(kid->child) != OBJECT(devs[1]));
        n++;
    }
    g_assert_cmpint(n, ==, 2);

    /* The bridge takes its bus and the devices on it along. */
    object_unparent(OBJECT(br));
    g_assert_cmpint(finalize_count, ==, 4);
}

static void test_bus_name(void)
{
    TestBridge *br = TEST_BRIDGE(qdev_new(TYPE_TEST_BRIDGE));
    BusState *second, *named;

    /* A parent with an id names its buses after it. */
    DEVICE(br)->id = g_strdup("br0");
    second = qbus_new(TYPE_OTHER_BUS, DEVICE(br), NULL);
    g_assert_cmpstr(second->name, ==, "br0.1");
    named = qbus_new(TYPE_OTHER_BUS, DEVICE(br), "side");
    g_assert_cmpstr(named->name, ==, "side");
    g_assert_cmpint(DEVICE(br)->num_child_bus, ==, 3);
    g_assert_true(object_get_parent(OBJECT(named)) == OBJECT(br));

    object_unparent(OBJECT(named));
    g_assert_cmpint(DEVICE(br)->num_child_bus, ==, 2);
    finalize_count = 0;
    object_unref(br);
    g_assert_cmpint(finalize_count, ==, 1);
}

static void test_cold_reset(void)
{
    TestBridge *br = bridge_new();
    TestDev *d0 = dev_new_on(br->bus);
    TestDev *d1 = dev_new_on(br->bus);
    DeviceState *sub = qdev_new(TYPE_TEST_BUS_BRIDGE);
    TestDev *deep;

    qdev_realize_and_unref(sub, br->bus, &error_abort);
    deep = dev_new_on(TEST_BRIDGE(sub)->bus);

    /* Realize resets a device once (legacy_reset). */
    g_assert_cmpint(d0->resets, ==, 1);
    g_assert_cmpint(deep->resets, ==, 1);
    g_assert_cmpint(TEST_BRIDGE(sub)->resets, ==, 1);

    device_cold_reset(DEVICE(br));
    g_assert_cmpint(br->resets, ==, 2);
    g_assert_cmpint(d0->resets, ==, 2);
    g_assert_cmpint(d1->resets, ==, 2);
    g_assert_cmpint(TEST_BRIDGE(sub)->resets, ==, 2);
    g_assert_cmpint(deep->resets, ==, 2);

    /* Below a bus only. */
    bus_cold_reset(TEST_BRIDGE(sub)->bus);
    g_assert_cmpint(deep->resets, ==, 3);
    g_assert_cmpint(TEST_BRIDGE(sub)->resets, ==, 2);
    g_assert_cmpint(d0->resets, ==, 2);

    /* A leaf resets alone. */
    device_cold_reset(DEVICE(d1));
    g_assert_cmpint(d1->resets, ==, 3);
    g_assert_cmpint(d0->resets, ==, 2);
    g_assert_cmpint(br->resets, ==, 2);

    finalize_count = 0;
    object_unparent(OBJECT(br));
    g_assert_cmpint(finalize_count, ==, 5);
}

/* GPIO */

static void gpio_handler(void *opaque, int n, int level)
{
    TestDev *t = opaque;

    g_assert_cmpint(n, >=, 0);
    g_assert_cmpint(n, <, ARRAY_SIZE(t->levels));
    t->levels[n] = level;
}

static void gpio_ctl_handler(void *opaque, int n, int level)
{
    TestDev *t = opaque;

    g_assert_cmpint(n, <, ARRAY_SIZE(t->ctl_levels));
    /* Count edges to high. */
    t->ctl_levels[n] += !!level;
}

static int intercepted;

static void gpio_intercept(void *opaque, int n, int level)
{
    intercepted = n * 10 + level;
}

static void test_gpio_in(void)
{
    TestDev *t = TEST_DEV(qdev_new(TYPE_TEST_DEV));
    DeviceState *dev = DEVICE(t);
    NamedGPIOList *ngl;

    qdev_init_gpio_in(dev, gpio_handler, 4);
    qdev_init_gpio_in_named(dev, gpio_ctl_handler, "ctl", 2);

    qemu_set_irq(qdev_get_gpio_in(dev, 2), 1);
    g_assert_cmpint(t->levels[2], ==, 1);
    g_assert_cmpint(t->levels[0], ==, 0);
    qemu_irq_raise(qdev_get_gpio_in(dev, 3));
    g_assert_cmpint(t->levels[3], ==, 1);
    qemu_irq_lower(qdev_get_gpio_in(dev, 2));
    g_assert_cmpint(t->levels[2], ==, 0);
    qemu_set_irq(qdev_get_gpio_in(dev, 0), 5);
    g_assert_cmpint(t->levels[0], ==, 5);

    /* Named lines are separate. */
    qemu_irq_pulse(qdev_get_gpio_in_named(dev, "ctl", 1));
    g_assert_cmpint(t->ctl_levels[1], ==, 1);
    g_assert_cmpint(t->ctl_levels[0], ==, 0);
    g_assert_cmpint(t->levels[1], ==, 0);

    ngl = qdev_get_named_gpio_list(dev, "ctl");
    g_assert_cmpint(ngl->num_in, ==, 2);
    g_assert_cmpint(qdev_get_named_gpio_list(dev, NULL)->num_in, ==, 4);

    /* A NULL line is a no-op. */
    qemu_set_irq(NULL, 1);

    /* qtest's interception replaces the handler. */
    qemu_irq_intercept_in(ngl->in, gpio_intercept, ngl->num_in);
    qemu_set_irq(qdev_get_gpio_in_named(dev, "ctl", 1), 1);
    g_assert_cmpint(intercepted, ==, 11);
    g_assert_cmpint(t->ctl_levels[1], ==, 1);

    /* The lines are freed with the device (valgrind). */
    object_unref(t);
}

static void test_gpio_bad_line(void)
{
    if (g_test_subprocess()) {
        DeviceState *dev = qdev_new(TYPE_TEST_DEV);

        qdev_init_gpio_in(dev, gpio_handler, 2);
        qdev_get_gpio_in(dev, 2);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
}

/* qemu_strtosz and friends */

static void assert_strtosz(const char *str, int expected_ret,
                           uint64_t expected)
{
    uint64_t v = 0xdeadbeef;
    int ret = qemu_strtosz(str, NULL, &v);

    g_assert_cmpint(ret, ==, expected_ret);
    /* The result is untouched on error. */
    g_assert_cmpuint(v, ==, ret ? 0xdeadbeef : expected);
}

static void assert_strtosz_MiB(const char *str, int expected_ret,
                               uint64_t expected)
{
    uint64_t v = 0xdeadbeef;
    int ret = qemu_strtosz_MiB(str, NULL, &v);

    g_assert_cmpint(ret, ==, expected_ret);
    g_assert_cmpuint(v, ==, ret ? 0xdeadbeef : expected);
}

static void test_strtosz_suffixes(void)
{
    assert_strtosz("0", 0, 0);
    assert_strtosz("12345", 0, 12345);
    assert_strtosz("1B", 0, 1);
    assert_strtosz("1b", 0, 1);
    assert_strtosz("1K", 0, KiB);
    assert_strtosz("1k", 0, KiB);
    assert_strtosz("64M", 0, 64 * MiB);
    assert_strtosz("4G", 0, 4 * GiB);
    assert_strtosz("2T", 0, 2 * TiB);
    assert_strtosz("1P", 0, UINT64_C(1) << 50);
    assert_strtosz("1E", 0, UINT64_C(1) << 60);
    assert_strtosz("15E", 0, UINT64_C(15) << 60);
    assert_strtosz("18446744073709551615", 0, UINT64_MAX);
}

static void test_strtosz_fractions(void)
{
    assert_strtosz("1.5G", 0, 3 * GiB / 2);
    assert_strtosz("0.5K", 0, 512);
    assert_strtosz("1.25M", 0, 5 * MiB / 4);
    assert_strtosz("1.0K", 0, KiB);
    assert_strtosz("0.001K", 0, 1);
    assert_strtosz("15.5E", 0, UINT64_C(31) << 59);
    /* A fraction of a byte means nothing. */
    assert_strtosz("1.5", -EINVAL, 0);
    assert_strtosz("1.5B", -EINVAL, 0);
    /* Digits only after the point; 'e' is the exabyte suffix. */
    assert_strtosz("1.5e3K", -EINVAL, 0);
    assert_strtosz("1.K", -EINVAL, 0);
    assert_strtosz("1.", -EINVAL, 0);
    assert_strtosz(".5K", -EINVAL, 0);
}

static void test_strtosz_errors(void)
{
    const char *end = NULL;
    uint64_t v = 0;

    assert_strtosz("", -EINVAL, 0);
    assert_strtosz("abc", -EINVAL, 0);
    assert_strtosz("K", -EINVAL, 0);
    assert_strtosz("-1", -EINVAL, 0);
    assert_strtosz("-1K", -EINVAL, 0);
    assert_strtosz(" 1", -EINVAL, 0);
    assert_strtosz("1X", -EINVAL, 0);
    assert_strtosz("1KB", -EINVAL, 0);
    assert_strtosz("1 K", -EINVAL, 0);
    assert_strtosz("12abc", -EINVAL, 0);
    g_assert_cmpint(qemu_strtosz(NULL, NULL, &v), ==, -EINVAL);

    /* Overflow. */
    assert_strtosz("16E", -ERANGE, 0);
    assert_strtosz("18446744073709551616", -ERANGE, 0);
    assert_strtosz("99999999999999999999999", -ERANGE, 0);
    assert_strtosz("17179869184G", -ERANGE, 0);
    assert_strtosz("16383.9999999999999999999P", -ERANGE, 0);
    assert_strtosz("15.99999999999999999999E", -ERANGE, 0);

    /* With @end, trailing text is the caller's business. */
    g_assert_cmpint(qemu_strtosz("12K,rest", &end, &v), ==, 0);
    g_assert_cmpuint(v, ==, 12 * KiB);
    g_assert_cmpstr(end, ==, ",rest");
    g_assert_cmpint(qemu_strtosz("1.5e3", &end, &v), ==, 0);
    g_assert_cmpuint(v, ==, 3 * (UINT64_C(1) << 59));
    g_assert_cmpstr(end, ==, "3");
}

static void test_strtosz_MiB(void)
{
    assert_strtosz_MiB("0", 0, 0);
    assert_strtosz_MiB("1", 0, MiB);
    assert_strtosz_MiB("512", 0, 512 * MiB);
    assert_strtosz_MiB("1.5", 0, 3 * MiB / 2);
    assert_strtosz_MiB("2G", 0, 2 * GiB);
    assert_strtosz_MiB("1K", 0, KiB);
    assert_strtosz_MiB("4096B", 0, 4096);
    assert_strtosz_MiB("17592186044415", 0,
                       UINT64_C(17592186044415) << 20);
    assert_strtosz_MiB("17592186044416", -ERANGE, 0);
    assert_strtosz_MiB("1x", -EINVAL, 0);
    assert_strtosz_MiB("foo", -EINVAL, 0);
    assert_strtosz_MiB("", -EINVAL, 0);
}

static void assert_strtou64(const char *str, int base, int expected_ret,
                            uint64_t expected)
{
    uint64_t v = 0xdeadbeef;
    int ret = qemu_strtou64(str, NULL, base, &v);

    g_assert_cmpint(ret, ==, expected_ret);
    g_assert_cmpuint(v, ==, ret ? 0xdeadbeef : expected);
}

static void test_strtou64(void)
{
    const char *end = NULL;
    int64_t i;
    uint64_t v;

    assert_strtou64("0", 0, 0, 0);
    assert_strtou64("42", 10, 0, 42);
    assert_strtou64("18446744073709551615", 0, 0, UINT64_MAX);
    assert_strtou64("0xffffffffffffffff", 0, 0, UINT64_MAX);
    assert_strtou64("0x10", 0, 0, 16);
    assert_strtou64("010", 0, 0, 8);
    assert_strtou64("010", 10, 0, 10);
    assert_strtou64("ff", 16, 0, 255);
    assert_strtou64("  \t42", 0, 0, 42);

    /* Overflow. */
    assert_strtou64("18446744073709551616", 0, -ERANGE, 0);
    assert_strtou64("0x10000000000000000", 0, -ERANGE, 0);
    assert_strtou64("99999999999999999999999", 10, -ERANGE, 0);

    /* Negative numbers do not wrap. */
    assert_strtou64("-1", 0, -ERANGE, 0);
    assert_strtou64(" -18446744073709551615", 0, -ERANGE, 0);
    assert_strtou64("-0x10", 0, -ERANGE, 0);

    /* Garbage. */
    assert_strtou64("", 0, -EINVAL, 0);
    assert_strtou64("   ", 0, -EINVAL, 0);
    assert_strtou64("abc", 10, -EINVAL, 0);
    assert_strtou64("-abc", 0, -EINVAL, 0);
    assert_strtou64("-", 0, -EINVAL, 0);
    assert_strtou64("12abc", 0, -EINVAL, 0);
    assert_strtou64("42 ", 0, -EINVAL, 0);
    assert_strtou64("0x", 0, -EINVAL, 0);
    assert_strtou64("1.5", 0, -EINVAL, 0);
    g_assert_cmpint(qemu_strtou64(NULL, NULL, 0, &v), ==, -EINVAL);

    /* With @end the rest is left to the caller. */
    g_assert_cmpint(qemu_strtou64("12abc", &end, 0, &v), ==, 0);
    g_assert_cmpuint(v, ==, 12);
    g_assert_cmpstr(end, ==, "abc");

    /* The signed flavour. */
    g_assert_cmpint(qemu_strtoi64("-9223372036854775808", NULL, 0, &i), ==,
                    0);
    g_assert_cmpint(i, ==, INT64_MIN);
    g_assert_cmpint(qemu_strtoi64("9223372036854775807", NULL, 0, &i), ==,
                    0);
    g_assert_cmpint(i, ==, INT64_MAX);
    g_assert_cmpint(qemu_strtoi64("9223372036854775808", NULL, 0, &i), ==,
                    -ERANGE);
    g_assert_cmpint(qemu_strtoi64("-9223372036854775809", NULL, 0, &i), ==,
                    -ERANGE);
    g_assert_cmpint(qemu_strtoi64("-0x10", NULL, 0, &i), ==, 0);
    g_assert_cmpint(i, ==, -16);
    g_assert_cmpint(qemu_strtoi64("x", NULL, 0, &i), ==, -EINVAL);
    g_assert_cmpint(qemu_strtoi64("1 ", NULL, 0, &i), ==, -EINVAL);
}

/* keyval_parse */

static void assert_kv(const KeyValList *kv, int i, const char *key,
                      const char *value)
{
    g_assert_cmpint(i, <, kv->n);
    g_assert_cmpstr(kv->pairs[i].key, ==, key);
    g_assert_cmpstr(kv->pairs[i].value, ==, value);
}

static void assert_keyval_error(const char *str, const char *implied,
                                const char *expected)
{
    Error *err = NULL;

    g_assert_null(keyval_parse(str, implied, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expected);
    error_free(err);
}

static void test_keyval_basic(void)
{
    g_autoptr(KeyValList) kv = NULL;

    kv = keyval_parse("driver=virtio-gpu,xres=1024,yres=768", NULL,
                      &error_abort);
    g_assert_cmpint(kv->n, ==, 3);
    assert_kv(kv, 0, "driver", "virtio-gpu");
    assert_kv(kv, 1, "xres", "1024");
    assert_kv(kv, 2, "yres", "768");
    g_assert_cmpstr(keyval_get(kv, "xres"), ==, "1024");
    g_assert_null(keyval_get(kv, "zres"));
    g_clear_pointer(&kv, keyval_free);

    /* The last occurrence wins; values may hold '=' or be empty. */
    kv = keyval_parse("a=1,a=2,eq=x=y,empty=", NULL, &error_abort);
    g_assert_cmpint(kv->n, ==, 4);
    g_assert_cmpstr(keyval_get(kv, "a"), ==, "2");
    g_assert_cmpstr(keyval_get(kv, "eq"), ==, "x=y");
    g_assert_cmpstr(keyval_get(kv, "empty"), ==, "");
    g_clear_pointer(&kv, keyval_free);

    /* Empty input, trailing comma. */
    kv = keyval_parse("", NULL, &error_abort);
    g_assert_cmpint(kv->n, ==, 0);
    g_clear_pointer(&kv, keyval_free);
    kv = keyval_parse("a=1,", NULL, &error_abort);
    g_assert_cmpint(kv->n, ==, 1);
    assert_kv(kv, 0, "a", "1");
}

static void test_keyval_implied(void)
{
    g_autoptr(KeyValList) kv = NULL;

    kv = keyval_parse("virtio-gpu,xres=1024", "driver", &error_abort);
    g_assert_cmpint(kv->n, ==, 2);
    assert_kv(kv, 0, "driver", "virtio-gpu");
    assert_kv(kv, 1, "xres", "1024");
    g_clear_pointer(&kv, keyval_free);

    /* The key may still be spelled out. */
    kv = keyval_parse("driver=pc,xres=1", "driver", &error_abort);
    assert_kv(kv, 0, "driver", "pc");
    g_clear_pointer(&kv, keyval_free);

    kv = keyval_parse("q35", "type", &error_abort);
    g_assert_cmpint(kv->n, ==, 1);
    assert_kv(kv, 0, "type", "q35");
    g_clear_pointer(&kv, keyval_free);

    /* Only the first item can be implied. */
    assert_keyval_error("pc,q35", "type",
                        "Expected '=' after parameter 'q35'");
    assert_keyval_error("a=1,pc", "type",
                        "Expected '=' after parameter 'pc'");
}

static void test_keyval_escapes(void)
{
    g_autoptr(KeyValList) kv = NULL;

    kv = keyval_parse("path=/tmp/a,,b,id=x", NULL, &error_abort);
    g_assert_cmpint(kv->n, ==, 2);
    assert_kv(kv, 0, "path", "/tmp/a,b");
    assert_kv(kv, 1, "id", "x");
    g_clear_pointer(&kv, keyval_free);

    kv = keyval_parse("s=,,,,lead,t=trail,,", NULL, &error_abort);
    g_assert_cmpint(kv->n, ==, 2);
    assert_kv(kv, 0, "s", ",,lead");
    assert_kv(kv, 1, "t", "trail,");
    g_clear_pointer(&kv, keyval_free);

    /* In an implied value too. */
    kv = keyval_parse("odd,,name,id=y", "driver", &error_abort);
    g_assert_cmpint(kv->n, ==, 2);
    assert_kv(kv, 0, "driver", "odd,name");
    assert_kv(kv, 1, "id", "y");
}

static void test_keyval_help(void)
{
    g_autoptr(KeyValList) kv = NULL;

    kv = keyval_parse("help", NULL, &error_abort);
    g_assert_cmpint(kv->n, ==, 1);
    assert_kv(kv, 0, "help", "on");
    g_clear_pointer(&kv, keyval_free);

    kv = keyval_parse("?", "driver", &error_abort);
    g_assert_cmpint(kv->n, ==, 1);
    assert_kv(kv, 0, "help", "on");
    g_clear_pointer(&kv, keyval_free);

    /* "-device virtio-gpu,help" */
    kv = keyval_parse("virtio-gpu,help", "driver", &error_abort);
    g_assert_cmpint(kv->n, ==, 2);
    assert_kv(kv, 0, "driver", "virtio-gpu");
    assert_kv(kv, 1, "help", "on");
    g_clear_pointer(&kv, keyval_free);

    /* help=... is an ordinary key. */
    kv = keyval_parse("help=off", NULL, &error_abort);
    assert_kv(kv, 0, "help", "off");
}

static void test_keyval_errors(void)
{
    assert_keyval_error("foo", NULL, "Expected '=' after parameter 'foo'");
    assert_keyval_error("a=1,b", NULL, "Expected '=' after parameter 'b'");
    /* The pairs parsed so far are freed (valgrind). */
    assert_keyval_error("a=1,b=2,c,d=4", NULL,
                        "Expected '=' after parameter 'c'");
    assert_keyval_error("=1", NULL, "Invalid parameter ''");
    assert_keyval_error("a=1,=2", "driver", "Invalid parameter ''");
    /* ",," does not end a key either. */
    assert_keyval_error("a,,b", NULL, "Expected '=' after parameter 'a,b'");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qdev/props/defaults", test_props_defaults);
    g_test_add_func("/qdev/props/set", test_props_set);
    g_test_add_func("/qdev/props/errors", test_props_errors);
    g_test_add_func("/qdev/props/after-realize", test_props_after_realize);
    g_test_add_func("/qdev/props/string-freed", test_props_string_freed);
    g_test_add_func("/qdev/props/class", test_props_class);
    g_test_add_func("/qdev/realize/bus", test_realize_bus);
    g_test_add_func("/qdev/realize/wrong-bus", test_realize_wrong_bus);
    g_test_add_func("/qdev/realize/fails", test_realize_fails);
    g_test_add_func("/qdev/bus/children", test_bus_children);
    g_test_add_func("/qdev/bus/name", test_bus_name);
    g_test_add_func("/qdev/reset/cold", test_cold_reset);
    g_test_add_func("/qdev/gpio/in", test_gpio_in);
    g_test_add_func("/qdev/gpio/bad-line", test_gpio_bad_line);
    g_test_add_func("/cutils/strtosz/suffixes", test_strtosz_suffixes);
    g_test_add_func("/cutils/strtosz/fractions", test_strtosz_fractions);
    g_test_add_func("/cutils/strtosz/errors", test_strtosz_errors);
    g_test_add_func("/cutils/strtosz/MiB", test_strtosz_MiB);
    g_test_add_func("/cutils/strtou64", test_strtou64);
    g_test_add_func("/keyval/basic", test_keyval_basic);
    g_test_add_func("/keyval/implied", test_keyval_implied);
    g_test_add_func("/keyval/escapes", test_keyval_escapes);
    g_test_add_func("/keyval/help", test_keyval_help);
    g_test_add_func("/keyval/errors", test_keyval_errors);

    return g_test_run();
}
