/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties: a table of Property entries describing a
 * field of the device state each, installed as class properties so that
 * "-device DRIVER,help" lists them without creating a device.
 */

#ifndef QEMU_QDEV_PROPERTIES_H
#define QEMU_QDEV_PROPERTIES_H

#include "hw/qdev-core.h"

typedef struct PropertyInfo {
    const char *type;
    const char *description;
    /* Text for @prop's current value in @obj. */
    char *(*print)(Object *obj, const Property *prop);
    /* Parse @str into @prop's field; false with @errp set on error. */
    bool (*parse)(Object *obj, const Property *prop, const char *str,
                  Error **errp);
    /* Store @prop's default into a fresh instance. */
    void (*set_default)(Object *obj, const Property *prop);
    /* Release what the field owns (a string) at finalize. */
    void (*release)(Object *obj, const Property *prop);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;
    uint8_t bitnr;
    bool set_default;
    union {
        int64_t i;
        uint64_t u;
    } defval;
};

extern const PropertyInfo qdev_prop_bit;
extern const PropertyInfo qdev_prop_bit64;
extern const PropertyInfo qdev_prop_bool;
extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_size;
extern const PropertyInfo qdev_prop_string;

#define DEFINE_PROP(_name, _state, _field, _prop, _type, ...) {        \
        .name      = (_name),                                           \
        .info      = &(_prop),                                          \
        .offset    = offsetof(_state, _field)                           \
            + type_check(_type, typeof_field(_state, _field)),          \
        __VA_ARGS__                                                     \
        }

#define typeof_field(type, field) typeof(((type *)0)->field)
#define type_check(t1, t2) ((t1 *)0 - (t2 *)0)

#define DEFINE_PROP_SIGNED(_name, _state, _field, _defval, _prop, _type) \
    DEFINE_PROP(_name, _state, _field, _prop, _type,                    \
                .set_default = true, .defval.i = (_type)_defval)
#define DEFINE_PROP_UNSIGNED(_name, _state, _field, _defval, _prop, _type) \
    DEFINE_PROP(_name, _state, _field, _prop, _type,                    \
                .set_default = true, .defval.u = (_type)_defval)

#define DEFINE_PROP_BIT(_name, _state, _field, _bit, _defval)          \
    DEFINE_PROP(_name, _state, _field, qdev_prop_bit, uint32_t,         \
                .bitnr = (_bit), .set_default = true,                   \
                .defval.u = (bool)_defval)
#define DEFINE_PROP_BIT64(_name, _state, _field, _bit, _defval)        \
    DEFINE_PROP(_name, _state, _field, qdev_prop_bit64, uint64_t,       \
                .bitnr = (_bit), .set_default = true,                   \
                .defval.u = (bool)_defval)
#define DEFINE_PROP_BOOL(_name, _state, _field, _defval)               \
    DEFINE_PROP(_name, _state, _field, qdev_prop_bool, bool,            \
                .set_default = true, .defval.u = (bool)_defval)
#define DEFINE_PROP_UINT8(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint8, uint8_t)
#define DEFINE_PROP_UINT16(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint16, uint16_t)
#define DEFINE_PROP_UINT32(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint32, uint32_t)
#define DEFINE_PROP_INT32(_n, _s, _f, _d) \
    DEFINE_PROP_SIGNED(_n, _s, _f, _d, qdev_prop_int32, int32_t)
#define DEFINE_PROP_UINT64(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint64, uint64_t)
#define DEFINE_PROP_SIZE(_n, _s, _f, _d) \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_size, uint64_t)
#define DEFINE_PROP_STRING(_n, _s, _f) \
    DEFINE_PROP(_n, _s, _f, qdev_prop_string, char *)

#define DEFINE_PROP_END_OF_LIST() {}

/* Call @fn for every static property of @dev. */
void qdev_prop_foreach(DeviceState *dev,
                       void (*fn)(Object *obj, const Property *prop));

#endif /* QEMU_QDEV_PROPERTIES_H */
