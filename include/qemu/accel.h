/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerators: what runs the guest (qtest: nothing, the test drives the
 * devices; kvm: the host kernel).  An accelerator is a QOM type named
 * "<name>-accel"; -accel NAME picks it.
 */

#ifndef QEMU_ACCEL_H
#define QEMU_ACCEL_H

#include "qom/object.h"

typedef struct MachineState MachineState;

#define ACCEL_CLASS_SUFFIX "-accel"
#define ACCEL_CLASS_NAME(a) (a ACCEL_CLASS_SUFFIX)

#define TYPE_ACCEL "accel"
OBJECT_DECLARE_TYPE(AccelState, AccelClass, ACCEL)

struct AccelState {
    Object parent_obj;
};

struct AccelClass {
    ObjectClass parent_class;

    const char *name;
    /* Set up for @ms, before the board is built; false with @errp set. */
    bool (*init_machine)(AccelState *accel, MachineState *ms, Error **errp);
    /* Whether the host can run this accelerator at all. */
    bool (*available)(void);
};

AccelClass *accel_find(const char *name);
/* Every accelerator built in, sorted by name. */
GSList *accel_class_list(void);

/* The accelerator in use, once initialised. */
extern AccelState *current_accel;

bool qtest_enabled(void);

#endif /* QEMU_ACCEL_H */
