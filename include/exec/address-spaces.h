/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's two global address spaces: memory and I/O ports.
 *
 * get_system_memory() is the root container that boards and buses map
 * into (2^64 bytes), get_system_io() the 64 KiB port space; they are
 * created by memory_map_init(), which the accessors call on first use.
 * address_space_memory and address_space_io render them.
 */

#ifndef EXEC_ADDRESS_SPACES_H
#define EXEC_ADDRESS_SPACES_H

#include "exec/memory.h"

/*
 * Create "system" and "io" and their AddressSpaces "memory" and "I/O".
 * Idempotent.  Takes the BQL if the caller does not hold it.
 */
void memory_map_init(void);

MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);

extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;

#endif /* EXEC_ADDRESS_SPACES_H */
