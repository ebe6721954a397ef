/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract accelerator type.
 */

#include "qemu/osdep.h"
#include "qemu/accel.h"

AccelState *current_accel;

AccelClass *accel_find(const char *name)
{
    g_autofree char *type = g_strconcat(name, ACCEL_CLASS_SUFFIX, NULL);
    ObjectClass *oc = object_class_by_name(type);

    return oc ? ACCEL_CLASS(oc) : NULL;
}

GSList *accel_class_list(void)
{
    return object_class_get_list_sorted(TYPE_ACCEL, false);
}

bool qtest_enabled(void)
{
    return current_accel &&
           !strcmp(ACCEL_GET_CLASS(current_accel)->name, "qtest");
}

static const TypeInfo accel_type = {
    .name = TYPE_ACCEL,
    .parent = TYPE_OBJECT,
    .class_size = sizeof(AccelClass),
    .instance_size = sizeof(AccelState),
    .abstract = true,
};

static void register_accel_types(void)
{
    type_register_static(&accel_type);
}

type_init(register_accel_types)
