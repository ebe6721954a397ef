/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator: no CPU runs; a test drives the devices through
 * the qtest protocol and owns guest time, which moves only on clock_step
 * and clock_set.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/accel.h"
#include "system/cpus.h"
#include "system/qtest.h"

static int64_t qtest_clock_counter;

int64_t qtest_get_virtual_clock(void)
{
    return qatomic_read(&qtest_clock_counter);
}

void qtest_set_virtual_clock(int64_t count)
{
    qatomic_set(&qtest_clock_counter, count);
}

static const AccelOpsClass qtest_accel_ops = {
    .get_virtual_clock = qtest_get_virtual_clock,
    .set_virtual_clock = qtest_set_virtual_clock,
};

static bool qtest_init_accel(AccelState *accel, MachineState *ms,
                             Error **errp)
{
    cpus_register_accel(&qtest_accel_ops);
    return true;
}

static void qtest_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "qtest";
    ac->init_machine = qtest_init_accel;
}

static const TypeInfo qtest_accel_type = {
    .name = ACCEL_CLASS_NAME("qtest"),
    .parent = TYPE_ACCEL,
    .class_init = qtest_accel_class_init,
};

static void qtest_type_init(void)
{
    type_register_static(&qtest_accel_type);
}

type_init(qtest_type_init)
