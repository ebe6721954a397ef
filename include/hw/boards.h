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
    /* system_reset: defaults to resetting every device. */
    void (*reset)(MachineState *state);

    bool is_default;
    uint64_t default_ram_size;
    /* The NIC model of "-nic TYPE" without model=. */
    const char *default_nic;
};

struct MachineState {
    Object parent_obj;

    uint64_t ram_size;
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
