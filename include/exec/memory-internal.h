/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What system/memory.c shares with system/physmem.c: the FlatView layout
 * and single-access dispatch.  Not for devices.
 */

#ifndef EXEC_MEMORY_INTERNAL_H
#define EXEC_MEMORY_INTERNAL_H

#include "exec/memory.h"

/* [start, start + size) in an address space; may reach 2^64. */
typedef struct AddrRange {
    Int128 start;
    Int128 size;
} AddrRange;

/* One contiguous piece of a terminating region, after rendering. */
typedef struct FlatRange {
    MemoryRegion *mr;
    hwaddr offset_in_region;
    AddrRange addr;
    bool readonly;
} FlatRange;

/*
 * A node of a FlatView's tree of ranges: a treap, ordered by address
 * and, by @prio, a heap.  A view made from another by an update shares
 * every subtree the update did not touch and copies only the paths to
 * what changed, so unmapping one of n regions costs O(log n) nodes, not
 * a copy of n ranges.  Each node holds a memory_region_ref() on its
 * region.  @ref counts the views and parent nodes that hold the node; it
 * changes only under the BQL (commits, and flatview_destroy() in the
 * call_rcu thread).  Readers only follow the pointers: a published node
 * never changes.
 */
typedef struct FlatNode FlatNode;
struct FlatNode {
    /* First: flatview_lookup() returns &node->fr. */
    FlatRange fr;
    FlatNode *left;
    FlatNode *right;
    unsigned ref;
    /* Nodes in this subtree. */
    unsigned size;
    uint32_t prio;
};

/*
 * The rendered memory map of an AddressSpace: ranges sorted by address,
 * not overlapping, in the tree @ranges.  A view is destroyed one grace
 * period after the last flatview_unref(); its nodes that no other view
 * shares go with it and drop their region references.
 */
struct FlatView {
    /* First, for call_rcu(). */
    struct rcu_head rcu;
    unsigned ref;
    FlatNode *ranges;
    MemoryRegion *root;
    /*
     * Set by an update in place (flatview_update()) in commit round
     * @round: the view it was made from, and the windows rendered again
     * (sorted, disjoint); outside them the two match range for range.
     * @base is no reference, only compared with a live view.
     */
    FlatView *base;
    AddrRange *wins;
    unsigned nr_wins;
    unsigned round;
};

/*
 * Drop a reference taken by address_space_get_flatview(); the last one
 * destroys the view after a grace period.
 */
void flatview_unref(FlatView *view);

/*
 * Tests set this: every FlatView that a commit updates in place of
 * rendering it again is compared with a full render, which must match.
 */
extern bool memory_flatview_check;

/*
 * For tests: FlatNodes made so far (rendered, or copied by an update),
 * and the number of ranges in @view and the height of its tree.
 */
extern uint64_t memory_flatnodes_made;
unsigned flatview_nr_ranges(FlatView *view);
unsigned flatview_height(FlatView *view);

/* The current view of @as; the caller is inside rcu_read_lock(). */
static inline FlatView *address_space_to_flatview(AddressSpace *as)
{
    /* Pairs with qatomic_rcu_set() in address_space_set_flatview(). */
    return qatomic_rcu_read(&as->current_map);
}

/*
 * The range containing @addr, or NULL.  With @next (optional) set to the
 * start of the first range above @addr, or 2^64, so a caller can size a
 * hole.
 */
FlatRange *flatview_lookup(FlatView *fv, hwaddr addr, Int128 *next);

/* End of @fr as an Int128 (may be 2^64). */
static inline Int128 flatrange_end(const FlatRange *fr)
{
    return int128_add(fr->addr.start, fr->addr.size);
}

/*
 * One access of @size bytes (1, 2, 4 or 8) to the I/O region @mr at
 * region offset @addr.  Values are in the target's byte order.  Checks
 * ops->valid, splits to ops->impl, takes the BQL around the callbacks
 * when the caller does not hold it.  An invalid access reads 0 (as in
 * QEMU) and returns MEMTX_DECODE_ERROR.
 */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs);

/*
 * @size (1..8) bytes at @p as a little-endian number, and back: how the
 * target's byte order maps values to guest memory.  Byte by byte, so the
 * host's byte order and alignment do not matter.
 */
static inline uint64_t memory_ldn_le(const void *p, unsigned size)
{
    const uint8_t *b = p;
    uint64_t val = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        val |= (uint64_t)b[i] << (i * 8);
    }
    return val;
}

static inline void memory_stn_le(void *p, unsigned size, uint64_t val)
{
    uint8_t *b = p;
    unsigned i;

    for (i = 0; i < size; i++) {
        b[i] = val >> (i * 8);
    }
}

/* The largest access size the region accepts for @l bytes at @addr. */
unsigned memory_access_size(MemoryRegion *mr, unsigned l, hwaddr addr);

#endif /* EXEC_MEMORY_INTERNAL_H */
