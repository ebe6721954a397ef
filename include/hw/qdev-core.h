/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qdev: devices and buses on top of QOM.
 *
 * A device is created (qdev_new), configured through its properties (the
 * -device key=value pairs), then realized on a bus (qdev_realize), which
 * is when it becomes visible to the guest.  Properties are frozen from
 * then on.  Unrealizing reverses realize; unparenting an object that is
 * realized unrealizes it first, as in QEMU.
 */

#ifndef QDEV_CORE_H
#define QDEV_CORE_H

#include "qom/object.h"
#include "exec/memory.h"
#include "hw/irq.h"

typedef struct Property Property;
typedef struct BusState BusState;
typedef struct BusClass BusClass;

#define TYPE_DEVICE "device"
OBJECT_DECLARE_TYPE(DeviceState, DeviceClass, DEVICE)

typedef void (*DeviceRealize)(DeviceState *dev, Error **errp);
typedef void (*DeviceUnrealize)(DeviceState *dev);
typedef void (*DeviceReset)(DeviceState *dev);

/*
 * What a device is for (QEMU's DeviceCategory), as bits of
 * DeviceClass.categories: "-nic model=help" lists the NETWORK ones.
 */
typedef enum DeviceCategory {
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

struct DeviceClass {
    ObjectClass parent_class;

    /* BIT(DEVICE_CATEGORY_*) */
    unsigned long categories;
    const char *desc;
    /* The bus type the device plugs into; NULL for none. */
    const char *bus_type;
    /* NULL-name terminated; installed as class properties. */
    const Property *props_;
    /* Whether -device may create it. */
    bool user_creatable;

    DeviceRealize realize;
    DeviceUnrealize unrealize;
    /* Back to power-on state (system_reset). */
    DeviceReset legacy_reset;
};

typedef struct NamedGPIOList {
    char *name;
    qemu_irq *in;
    int num_in;
    int num_out;
    QLIST_ENTRY(NamedGPIOList) node;
} NamedGPIOList;

struct DeviceState {
    Object parent_obj;

    char *id;
    bool realized;
    /* Engaged while one of its I/O regions or guarded BHs runs. */
    MemReentrancyGuard mem_reentrancy_guard;
    BusState *parent_bus;
    QLIST_HEAD(, NamedGPIOList) gpios;
    QLIST_HEAD(, BusState) child_bus;
    int num_child_bus;
};

#define TYPE_BUS "bus"
OBJECT_DECLARE_TYPE(BusState, BusClass, BUS)

struct BusClass {
    ObjectClass parent_class;

    /* The name of a device on this bus for messages and paths. */
    char *(*get_dev_path)(DeviceState *dev);
    /* Whether the bus can take one more device (e.g. free slots). */
    bool (*check_address)(BusState *bus, DeviceState *dev, Error **errp);
};

typedef struct BusChild {
    DeviceState *child;
    int index;
    QTAILQ_ENTRY(BusChild) sibling;
} BusChild;

struct BusState {
    Object obj;

    DeviceState *parent;
    char *name;
    int num_children;
    QTAILQ_HEAD(, BusChild) children;
    QLIST_ENTRY(BusState) sibling;
};

/* Devices */

DeviceState *qdev_new(const char *name);
DeviceState *qdev_try_new(const char *name);
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);
BusState *qdev_get_parent_bus(const DeviceState *dev);
void device_class_set_props(DeviceClass *dc, const Property *props);
void device_class_set_legacy_reset(DeviceClass *dc, DeviceReset reset);

/* Reset @dev and everything on the buses below it. */
void device_cold_reset(DeviceState *dev);

/* GPIO lines, named (@name) or anonymous (NULL). */
void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n);
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n);
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name);

/* Buses */

void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name);
BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name);
/* Reset every device on @bus (and below). */
void bus_cold_reset(BusState *bus);

/* The machine object, "/machine". */
Object *qdev_get_machine(void);

#endif /* QDEV_CORE_H */
