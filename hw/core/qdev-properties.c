/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties.
 *
 * Each Property describes one field of the device state.  The table is
 * installed as class properties whose accessors find the field at
 * prop->offset in the instance; the value syntax is the one -device uses.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qemu/cutils.h"
#include "hw/qdev-properties.h"

static void *prop_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static void prop_error_range(Error **errp, const Property *prop,
                             const char *str, uint64_t max)
{
    error_setg(errp, "Parameter '%s' expects %s (maximum %" PRIu64 "),"
               " got '%s'", prop->name, prop->info->type, max, str);
}

/* Unsigned integers of every width share this parser. */
static bool parse_unsigned(const Property *prop, const char *str,
                           uint64_t max, uint64_t *v, Error **errp)
{
    if (qemu_strtou64(str, NULL, 0, v) < 0 || *v > max) {
        prop_error_range(errp, prop, str, max);
        return false;
    }
    return true;
}

#define DEFINE_UNSIGNED_INFO(name, ctype, max)                          \
    static char *print_##name(Object *obj, const Property *prop)        \
    {                                                                   \
        return g_strdup_printf("%" PRIu64,                              \
                               (uint64_t)*(ctype *)prop_ptr(obj, prop)); \
    }                                                                   \
    static bool parse_##name(Object *obj, const Property *prop,         \
                             const char *str, Error **errp)             \
    {                                                                   \
        uint64_t v;                                                     \
        if (!parse_unsigned(prop, str, max, &v, errp)) {                \
            return false;                                               \
        }                                                               \
        *(ctype *)prop_ptr(obj, prop) = v;                              \
        return true;                                                    \
    }                                                                   \
    static void default_##name(Object *obj, const Property *prop)       \
    {                                                                   \
        *(ctype *)prop_ptr(obj, prop) = prop->defval.u;                 \
    }                                                                   \
    const PropertyInfo qdev_prop_##name = {                             \
        .type = #name,                                                  \
        .print = print_##name,                                          \
        .parse = parse_##name,                                          \
        .set_default = default_##name,                                  \
    };

DEFINE_UNSIGNED_INFO(uint8, uint8_t, UINT8_MAX)
DEFINE_UNSIGNED_INFO(uint16, uint16_t, UINT16_MAX)
DEFINE_UNSIGNED_INFO(uint32, uint32_t, UINT32_MAX)
DEFINE_UNSIGNED_INFO(uint64, uint64_t, UINT64_MAX)

static char *print_int32(Object *obj, const Property *prop)
{
    return g_strdup_printf("%" PRId32, *(int32_t *)prop_ptr(obj, prop));
}

static bool parse_int32(Object *obj, const Property *prop, const char *str,
                        Error **errp)
{
    int64_t v;

    if (qemu_strtoi64(str, NULL, 0, &v) < 0 || v < INT32_MIN ||
        v > INT32_MAX) {
        error_setg(errp, "Parameter '%s' expects int32, got '%s'",
                   prop->name, str);
        return false;
    }
    *(int32_t *)prop_ptr(obj, prop) = v;
    return true;
}

static void default_int32(Object *obj, const Property *prop)
{
    *(int32_t *)prop_ptr(obj, prop) = prop->defval.i;
}

const PropertyInfo qdev_prop_int32 = {
    .type = "int32",
    .print = print_int32,
    .parse = parse_int32,
    .set_default = default_int32,
};

static char *print_bool(Object *obj, const Property *prop)
{
    return g_strdup(*(bool *)prop_ptr(obj, prop) ? "on" : "off");
}

static bool parse_bool(Object *obj, const Property *prop, const char *str,
                       Error **errp)
{
    return qapi_bool_parse(prop->name, str, prop_ptr(obj, prop), errp);
}

static void default_bool(Object *obj, const Property *prop)
{
    *(bool *)prop_ptr(obj, prop) = prop->defval.u;
}

const PropertyInfo qdev_prop_bool = {
    .type = "bool",
    .description = "on/off",
    .print = print_bool,
    .parse = parse_bool,
    .set_default = default_bool,
};

/*
 * Bit @bitnr of a uint32_t (qdev_prop_bit) or uint64_t (qdev_prop_bit64)
 * field (feature flags).
 */
static uint64_t get_bit_field(Object *obj, const Property *prop)
{
    void *p = prop_ptr(obj, prop);

    if (prop->info == &qdev_prop_bit64) {
        return *(uint64_t *)p;
    }
    return *(uint32_t *)p;
}

static void set_bit_field(Object *obj, const Property *prop, uint64_t val)
{
    void *p = prop_ptr(obj, prop);

    if (prop->info == &qdev_prop_bit64) {
        *(uint64_t *)p = val;
    } else {
        *(uint32_t *)p = val;
    }
}

static char *print_bit(Object *obj, const Property *prop)
{
    bool on = get_bit_field(obj, prop) & BIT_ULL(prop->bitnr);

    return g_strdup(on ? "on" : "off");
}

static bool parse_bit(Object *obj, const Property *prop, const char *str,
                      Error **errp)
{
    uint64_t field = get_bit_field(obj, prop);
    bool v;

    if (!qapi_bool_parse(prop->name, str, &v, errp)) {
        return false;
    }
    if (v) {
        field |= BIT_ULL(prop->bitnr);
    } else {
        field &= ~BIT_ULL(prop->bitnr);
    }
    set_bit_field(obj, prop, field);
    return true;
}

static void default_bit(Object *obj, const Property *prop)
{
    parse_bit(obj, prop, prop->defval.u ? "on" : "off", &error_abort);
}

const PropertyInfo qdev_prop_bit = {
    .type = "bool",
    .description = "on/off",
    .print = print_bit,
    .parse = parse_bit,
    .set_default = default_bit,
};

const PropertyInfo qdev_prop_bit64 = {
    .type = "bool",
    .description = "on/off",
    .print = print_bit,
    .parse = parse_bit,
    .set_default = default_bit,
};

static char *print_size(Object *obj, const Property *prop)
{
    return g_strdup_printf("%" PRIu64, *(uint64_t *)prop_ptr(obj, prop));
}

static bool parse_size(Object *obj, const Property *prop, const char *str,
                       Error **errp)
{
    uint64_t v;

    if (qemu_strtosz(str, NULL, &v) < 0) {
        error_setg(errp, "Parameter '%s' expects a size value with an "
                   "optional suffix (K, M, G, T), got '%s'",
                   prop->name, str);
        return false;
    }
    *(uint64_t *)prop_ptr(obj, prop) = v;
    return true;
}

const PropertyInfo qdev_prop_size = {
    .type = "size",
    .print = print_size,
    .parse = parse_size,
    .set_default = default_uint64,
};

static char *print_string(Object *obj, const Property *prop)
{
    char *s = *(char **)prop_ptr(obj, prop);

    return g_strdup(s ? s : "");
}

static bool parse_string(Object *obj, const Property *prop, const char *str,
                         Error **errp)
{
    char **p = prop_ptr(obj, prop);

    g_free(*p);
    *p = g_strdup(str);
    return true;
}

static void release_string(Object *obj, const Property *prop)
{
    char **p = prop_ptr(obj, prop);

    g_free(*p);
    *p = NULL;
}

const PropertyInfo qdev_prop_string = {
    .type = "str",
    .print = print_string,
    .parse = parse_string,
    .release = release_string,
};

/* Class property accessors: the Property is the opaque. */

static char *qdev_property_get(Object *obj, ObjectProperty *op,
                               Error **errp)
{
    const Property *prop = op->opaque;

    return prop->info->print(obj, prop);
}

static bool qdev_property_set(Object *obj, ObjectProperty *op,
                              const char *value, Error **errp)
{
    const Property *prop = op->opaque;
    DeviceState *dev = DEVICE(obj);

    if (dev->realized && dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", prop->name,
                   dev->id, object_get_typename(obj));
        return false;
    }
    if (dev->realized) {
        error_setg(errp, "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized", prop->name,
                   object_get_typename(obj));
        return false;
    }
    return prop->info->parse(obj, prop, value, errp);
}

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    ObjectClass *oc = OBJECT_CLASS(dc);
    const Property *prop;

    dc->props_ = props;
    for (prop = props; prop->name; prop++) {
        object_class_property_add(oc, prop->name, prop->info->type,
                                  qdev_property_get, qdev_property_set,
                                  NULL, (void *)prop);
        if (prop->info->description) {
            object_class_property_set_description(oc, prop->name,
                                                  prop->info->description);
        }
    }
}

void qdev_prop_foreach(DeviceState *dev,
                       void (*fn)(Object *obj, const Property *prop))
{
    ObjectClass *klass, *parent;
    const Property *props, *prop;

    for (klass = object_get_class(OBJECT(dev));
         klass && object_class_dynamic_cast(klass, TYPE_DEVICE);
         klass = parent) {
        parent = object_class_get_parent(klass);
        props = DEVICE_CLASS(klass)->props_;
        /* A class that set no table of its own inherited its parent's. */
        if (parent && object_class_dynamic_cast(parent, TYPE_DEVICE) &&
            DEVICE_CLASS(parent)->props_ == props) {
            continue;
        }
        for (prop = props; prop && prop->name; prop++) {
            fn(OBJECT(dev), prop);
        }
    }
}
