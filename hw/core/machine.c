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
#include "hw/core/cpu.h"

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
    ms->smp = (CpuTopology) { 1, 1, 1, 1, 1 };
}

static void machine_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->kernel_filename);
    g_free(ms->kernel_cmdline);
}

/*
 * QEMU's machine_parse_smp_config(), without dies and clusters: zero is
 * refused; missing values are derived preferring sockets, then cores,
 * then threads; maxcpus defaults to cpus and must equal the product of
 * the topology.
 */
bool machine_parse_smp_config(MachineState *ms,
                              const SMPConfiguration *config, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    unsigned cpus = config->has_cpus ? config->cpus : 0;
    unsigned sockets = config->has_sockets ? config->sockets : 0;
    unsigned cores = config->has_cores ? config->cores : 0;
    unsigned threads = config->has_threads ? config->threads : 0;
    unsigned maxcpus = config->has_maxcpus ? config->maxcpus : 0;
    unsigned min_cpus = mc->min_cpus ? mc->min_cpus : 1;
    unsigned max_cpus = mc->max_cpus ? mc->max_cpus : 1;

    if ((config->has_cpus && !cpus) || (config->has_sockets && !sockets) ||
        (config->has_cores && !cores) || (config->has_threads && !threads) ||
        (config->has_maxcpus && !maxcpus)) {
        error_setg(errp, "Invalid CPU topology: CPU topology parameters "
                   "must be greater than zero");
        return false;
    }
    maxcpus = maxcpus ? maxcpus : cpus;
    threads = threads ? threads : 1;
    if (!sockets) {
        cores = cores ? cores : 1;
        sockets = maxcpus / (cores * threads);
        sockets = sockets ? sockets : 1;
    } else if (!cores) {
        cores = maxcpus / (sockets * threads);
        cores = cores ? cores : 1;
    }
    maxcpus = maxcpus ? maxcpus : sockets * cores * threads;
    cpus = cpus ? cpus : maxcpus;

    if ((uint64_t)sockets * cores * threads != maxcpus) {
        error_setg(errp, "Invalid CPU topology: product of the hierarchy "
                   "must match maxcpus: sockets (%u) * cores (%u) * threads "
                   "(%u) != maxcpus (%u)", sockets, cores, threads, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: sockets (%u) * cores (%u) * threads "
                   "(%u) == maxcpus (%u) < smp_cpus (%u)", sockets, cores,
                   threads, maxcpus, cpus);
        return false;
    }
    if (cpus < min_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The min CPUs supported by "
                   "machine '%s' is %u", cpus, mc->name, min_cpus);
        return false;
    }
    if (maxcpus > max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by "
                   "machine '%s' is %u", maxcpus, mc->name, max_cpus);
        return false;
    }
    ms->smp = (CpuTopology) {
        .cpus = cpus, .sockets = sockets, .cores = cores,
        .threads = threads, .max_cpus = maxcpus,
    };
    return true;
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
    .instance_finalize = machine_finalize,
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

/*
 * query-cpus-fast: one entry per vCPU, as QEMU answers it: cpu-index,
 * qom-path, thread-id (the host thread running it; every vCPU of
 * single-threaded tcg shares one) and target.
 */
static void qmp_query_cpus_fast(JsonObject *args, JsonNode **ret,
                                Error **errp)
{
    JsonArray *list;
    CPUState *cpu;

    if (!qmp_check_args(args, NULL, errp)) {
        return;
    }
    list = json_array_new();
    CPU_FOREACH(cpu) {
        JsonObject *info = json_object_new();
        g_autofree char *path = object_get_canonical_path(OBJECT(cpu));

        json_object_set_int_member(info, "cpu-index", cpu->cpu_index);
        json_object_set_string_member(info, "qom-path", path);
        json_object_set_int_member(info, "thread-id", cpu->thread_id);
        json_object_set_string_member(info, "target", "x86_64");
        json_array_add_object_element(list, info);
    }
    *ret = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(*ret, list);
}

static void __attribute__((constructor)) machine_qmp_register(void)
{
    qmp_register_command("query-cpus-fast", qmp_query_cpus_fast,
                         QCO_NO_OPTIONS);
    qmp_register_command("query-memory-size-summary",
                         qmp_query_memory_size_summary, QCO_NO_OPTIONS);
}
