/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract machine type, machine lookup, and the QMP command about
 * the machine's memory (query-memory-size-summary).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "qemu/units.h"
#include "hw/boards.h"

MachineState *current_machine;

GSList *machine_class_list(void)
{
    return object_class_get_list_sorted(TYPE_MACHINE, false);
}

MachineClass *machine_find_class(const char *name)
{
    g_autoptr(GSList) list = machine_class_list();
    GSList *el;

    for (el = list; el; el = el->next) {
        MachineClass *mc = el->data;

        if (!strcmp(mc->name, name) ||
            (mc->alias && !strcmp(mc->alias, name))) {
            return mc;
        }
    }
    return NULL;
}

MachineClass *machine_find_default(void)
{
    g_autoptr(GSList) list = machine_class_list();
    GSList *el;

    for (el = list; el; el = el->next) {
        MachineClass *mc = el->data;

        if (mc->is_default) {
            return mc;
        }
    }
    return NULL;
}

/* Every machine's name is its type name less the "-machine" suffix. */
static void machine_class_base_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const char *cname = object_class_get_name(oc);

    if (g_str_has_suffix(cname, TYPE_MACHINE_SUFFIX)) {
        mc->name = g_strndup(cname,
                             strlen(cname) - strlen(TYPE_MACHINE_SUFFIX));
    }
}

static void machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->default_ram_size = 128 * MiB;
}

static void machine_initfn(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    ms->ram_size = MACHINE_GET_CLASS(ms)->default_ram_size;
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .class_base_init = machine_class_base_init,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_initfn,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}

type_init(machine_register_types)

/*
 * query-memory-size-summary: {"base-memory": RAM bytes, "plugged-memory":
 * 0}.  There are no memory devices to plug, so the second is always 0,
 * which is what QEMU answers for a machine without any.
 */
static void qmp_query_memory_size_summary(JsonObject *args, JsonNode **ret,
                                          Error **errp)
{
    JsonObject *info;

    if (!qmp_check_args(args, NULL, errp)) {
        return;
    }
    if (!current_machine) {
        error_setg(errp, "No machine");
        return;
    }
    info = json_object_new();
    json_object_set_int_member(info, "base-memory",
                               current_machine->ram_size);
    json_object_set_int_member(info, "plugged-memory", 0);
    *ret = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(*ret, info);
}

static void __attribute__((constructor)) machine_qmp_register(void)
{
    qmp_register_command("query-memory-size-summary",
                         qmp_query_memory_size_summary, QCO_NO_OPTIONS);
}
