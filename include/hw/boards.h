/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machines: the board a -machine option selects.
 *
 * A machine type is a QOM type named "<name>-machine".  Its class says how
 * to build the board (init), its default RAM size and whether it is the
 * default machine; -machine NAME also matches the class's alias.
 */

#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qom/object.h"
#include "exec/memory.h"
#include "system/runstate.h"

#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(machinename) (machinename TYPE_MACHINE_SUFFIX)

#define TYPE_MACHINE "machine"
OBJECT_DECLARE_TYPE(MachineState, MachineClass, MACHINE)

struct MachineClass {
    ObjectClass parent_class;

    /* Filled in from the type name by the machine core. */
    const char *name;
    const char *alias;
    const char *desc;

    /* Build the board: RAM, buses, built-in devices. */
    void (*init)(MachineState *state);
    /* system_reset: defaults to qemu_devices_reset(). */
    void (*reset)(MachineState *state, ShutdownCause reason);

    bool is_default;
    uint64_t default_ram_size;
    /* The NIC model of "-nic TYPE" without model=. */
    const char *default_nic;
    /* -smp limits; 0 means 1. */
    unsigned int min_cpus;
    unsigned int max_cpus;
};

/* -smp, as QEMU's SMPConfiguration resolved: cpus <= max_cpus. */
typedef struct CpuTopology {
    unsigned int cpus;
    unsigned int sockets;
    unsigned int cores;
    unsigned int threads;
    unsigned int max_cpus;
} CpuTopology;

/* -smp as given: which fields were set, and to what. */
typedef struct SMPConfiguration {
    bool has_cpus, has_maxcpus, has_sockets, has_cores, has_threads;
    uint64_t cpus, maxcpus, sockets, cores, threads;
} SMPConfiguration;

/*
 * Resolve @config into @ms->smp as QEMU does (missing values derived,
 * sockets preferred), checking it against the machine's limits; false
 * with @errp set, in QEMU's words, when it is invalid.
 */
bool machine_parse_smp_config(MachineState *ms,
                              const SMPConfiguration *config, Error **errp);

struct MachineState {
    Object parent_obj;

    uint64_t ram_size;
    CpuTopology smp;
    /* -kernel, -append (NULL when not given). */
    char *kernel_filename;
    char *kernel_cmdline;
    /* All guest RAM, one host allocation; the board maps aliases of it. */
    MemoryRegion *ram;
};

/* The machine being run, once created by vl.c. */
extern MachineState *current_machine;

/* The machine class for -machine @name (type name or alias), or NULL. */
MachineClass *machine_find_class(const char *name);
MachineClass *machine_find_default(void);
/* Every non-abstract machine class, sorted by name. */
GSList *machine_class_list(void);

#endif /* HW_BOARDS_H */
