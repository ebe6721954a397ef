/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices and buses.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"

/* Buses */

static void bus_add_child(BusState *bus, DeviceState *child)
{
    BusChild *kid = g_new0(BusChild, 1);

    kid->index = bus->num_children++;
    kid->child = child;
    object_ref(OBJECT(child));
    QTAILQ_INSERT_HEAD(&bus->children, kid, sibling);
}

static void bus_remove_child(BusState *bus, DeviceState *child)
{
    BusChild *kid;

    QTAILQ_FOREACH(kid, &bus->children, sibling) {
        if (kid->child == child) {
            QTAILQ_REMOVE(&bus->children, kid, sibling);
            child->parent_bus = NULL;
            object_unref(OBJECT(child));
            g_free(kid);
            return;
        }
    }
}

/* Name @bus and hang it under @parent (which then holds its reference). */
static void qbus_attach(BusState *bus, DeviceState *parent, const char *name)
{
    bus->parent = parent;
    if (name) {
        bus->name = g_strdup(name);
    } else if (parent && parent->id) {
        bus->name = g_strdup_printf("%s.%d", parent->id,
                                    parent->num_child_bus);
    } else {
        bus->name = g_strdup_printf("%s.%d", object_get_typename(OBJECT(bus)),
                                    parent ? parent->num_child_bus : 0);
    }
    if (parent) {
        QLIST_INSERT_HEAD(&parent->child_bus, bus, sibling);
        parent->num_child_bus++;
        object_property_add_child(OBJECT(parent), bus->name, OBJECT(bus));
        object_unref(OBJECT(bus));
    }
}

void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name)
{
    object_initialize(bus, size, typename);
    qbus_attach(bus, parent, name);
}

BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name)
{
    BusState *bus = BUS(object_new(typename));

    qbus_attach(bus, parent, name);
    return bus;
}

static void qbus_initfn(Object *obj)
{
    BusState *bus = BUS(obj);

    QTAILQ_INIT(&bus->children);
}

static void qbus_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    g_free(bus->name);
}

static void qbus_unparent(Object *obj)
{
    BusState *bus = BUS(obj);
    BusChild *kid;

    /* Devices on the bus go with it. */
    while ((kid = QTAILQ_FIRST(&bus->children)) != NULL) {
        object_unparent(OBJECT(kid->child));
    }
    if (bus->parent) {
        QLIST_REMOVE(bus, sibling);
        bus->parent->num_child_bus--;
        bus->parent = NULL;
    }
}

void bus_cold_reset(BusState *bus)
{
    BusChild *kid;

    QTAILQ_FOREACH(kid, &bus->children, sibling) {
        device_cold_reset(kid->child);
    }
}

/* Devices */

DeviceState *qdev_try_new(const char *name)
{
    ObjectClass *oc = object_class_by_name(name);

    if (!oc || object_class_is_abstract(oc) ||
        !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        return NULL;
    }
    return DEVICE(object_new(name));
}

DeviceState *qdev_new(const char *name)
{
    DeviceState *dev = qdev_try_new(name);

    if (!dev) {
        fprintf(stderr, "qdev: unknown device type '%s'\n", name);
        abort();
    }
    return dev;
}

BusState *qdev_get_parent_bus(const DeviceState *dev)
{
    return dev->parent_bus;
}

Object *qdev_get_machine(void)
{
    return container_get(object_get_root(), "/machine");
}

/*
 * Realize @dev on @bus.  A device that has no parent yet is attached to
 * /machine/unattached, so that every realized device has a canonical
 * path (qtest and QMP address devices by path).
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;
    bool unattached_parent = false;

    assert(!dev->realized);
    if (dc->bus_type) {
        if (!bus || !object_dynamic_cast(OBJECT(bus), dc->bus_type)) {
            error_setg(errp, "Device '%s' needs a bus of type '%s'",
                       object_get_typename(OBJECT(dev)), dc->bus_type);
            return false;
        }
    } else {
        assert(!bus);
    }

    if (bus) {
        BusClass *bc = BUS_GET_CLASS(bus);

        if (bc->check_address && !bc->check_address(bus, dev, errp)) {
            return false;
        }
        dev->parent_bus = bus;
        bus_add_child(bus, dev);
    }

    if (!OBJECT(dev)->parent) {
        Object *unattached = container_get(qdev_get_machine(),
                                           "unattached");

        object_property_add_child(unattached, "device[*]", OBJECT(dev));
        unattached_parent = true;
    }

    if (dc->realize) {
        dc->realize(dev, &local_err);
        if (local_err) {
            /*
             * Undo what we did: leaving /machine/unattached also takes
             * the device off its bus (device_unparent).
             */
            if (unattached_parent) {
                object_unparent(OBJECT(dev));
            } else if (bus) {
                bus_remove_child(bus, dev);
            }
            error_propagate(errp, local_err);
            return false;
        }
    }
    dev->realized = true;
    if (dc->legacy_reset) {
        dc->legacy_reset(dev);
    }
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ret = qdev_realize(dev, bus, errp);

    object_unref(OBJECT(dev));
    return ret;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusState *child;

    if (!dev->realized) {
        return;
    }
    /* Children first: buses below us and their devices. */
    while ((child = QLIST_FIRST(&dev->child_bus)) != NULL) {
        object_unparent(OBJECT(child));
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    qdev_unrealize(dev);
    if (dev->parent_bus) {
        bus_remove_child(dev->parent_bus, dev);
    }
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusState *bus;

    QLIST_FOREACH(bus, &dev->child_bus, sibling) {
        bus_cold_reset(bus);
    }
    if (dc->legacy_reset) {
        dc->legacy_reset(dev);
    }
}

void device_class_set_legacy_reset(DeviceClass *dc, DeviceReset reset)
{
    dc->legacy_reset = reset;
}

/* GPIOs */

NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl;

    QLIST_FOREACH(ngl, &dev->gpios, node) {
        if (g_strcmp0(name, ngl->name) == 0) {
            return ngl;
        }
    }
    ngl = g_new0(NamedGPIOList, 1);
    ngl->name = g_strdup(name);
    QLIST_INSERT_HEAD(&dev->gpios, ngl, node);
    return ngl;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(!ngl->in && "GPIO inputs initialised twice");
    ngl->in = qemu_allocate_irqs(handler, dev, n);
    ngl->num_in = n;
}

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(n >= 0 && n < ngl->num_in);
    return ngl->in[n];
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

/* Properties of every device */

static char *device_get_realized(Object *obj, ObjectProperty *prop,
                                 Error **errp)
{
    return g_strdup(DEVICE(obj)->realized ? "on" : "off");
}

static void device_prop_set_default(Object *obj, const Property *prop)
{
    if (prop->set_default && prop->info->set_default) {
        prop->info->set_default(obj, prop);
    }
}

static void device_prop_release(Object *obj, const Property *prop)
{
    if (prop->info->release) {
        prop->info->release(obj, prop);
    }
}

static void device_initfn(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    QLIST_INIT(&dev->gpios);
    QLIST_INIT(&dev->child_bus);
    object_property_add(obj, "realized", "bool", device_get_realized,
                        NULL, NULL, NULL);
    qdev_prop_foreach(dev, device_prop_set_default);
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    NamedGPIOList *ngl, *next;

    qdev_prop_foreach(dev, device_prop_release);
    QLIST_FOREACH_SAFE(ngl, &dev->gpios, node, next) {
        QLIST_REMOVE(ngl, node);
        if (ngl->in) {
            qemu_free_irqs(ngl->in, ngl->num_in);
        }
        g_free(ngl->name);
        g_free(ngl);
    }
    g_free(dev->id);
}

static void device_class_init(ObjectClass *klass, const void *data)
{
    klass->unparent = device_unparent;
}

static void bus_class_init(ObjectClass *klass, const void *data)
{
    klass->unparent = qbus_unparent;
}

static const TypeInfo qdev_types[] = {
    {
        .name = TYPE_DEVICE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(DeviceState),
        .instance_init = device_initfn,
        .instance_finalize = device_finalize,
        .class_size = sizeof(DeviceClass),
        .class_init = device_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_BUS,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(BusState),
        .instance_init = qbus_initfn,
        .instance_finalize = qbus_finalize,
        .class_size = sizeof(BusClass),
        .class_init = bus_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(qdev_types)
