/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAMBlock: the host memory behind a RAM MemoryRegion (system/physmem.c).
 *
 * Private to system/.  Blocks sit on an RCU list so that
 * memory_region_from_host() can map a host pointer back to its region
 * (address_space_unmap() needs it) without a lock.
 */

#ifndef EXEC_RAMBLOCK_H
#define EXEC_RAMBLOCK_H

#include "exec/memory.h"

typedef uint64_t ram_addr_t;

struct RAMBlock {
    /* First, for call_rcu(). */
    struct rcu_head rcu;
    MemoryRegion *mr;
    uint8_t *host;
    ram_addr_t used_length;
    /* Length of our own mapping; 0 when the caller owns the memory. */
    size_t mmap_length;
    QLIST_ENTRY(RAMBlock) next;
};

/* Zeroed anonymous memory of @size bytes for @mr; NULL with @errp set. */
RAMBlock *qemu_ram_alloc(ram_addr_t size, MemoryRegion *mr, Error **errp);
/* A block over @host, which stays the caller's. */
RAMBlock *qemu_ram_alloc_from_ptr(ram_addr_t size, void *host,
                                  MemoryRegion *mr);
/* Unlist @block; its memory (if ours) goes after a grace period. */
void qemu_ram_free(RAMBlock *block);

/*
 * The RAM region whose block contains @ptr, and the offset of @ptr in it;
 * NULL if none.  Call under rcu_read_lock().
 */
MemoryRegion *memory_region_from_host(void *ptr, ram_addr_t *offset);

#endif /* EXEC_RAMBLOCK_H */
