/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory API: MemoryRegions, AddressSpaces and their FlatViews.
 *
 * Devices describe what they decode as a tree of MemoryRegions (RAM, I/O
 * callbacks, containers, aliases) placed into containers at offsets and
 * priorities.  Each AddressSpace renders its root region into a FlatView,
 * a sorted list of non-overlapping ranges, which accesses look up under
 * rcu_read_lock().  MemoryListeners (KVM, later) see the differences
 * between successive FlatViews.
 *
 * Topology changes (init of an AddressSpace, add/del subregion, enable,
 * address, size, alias offset) must be made with the BQL held; the
 * FlatView is re-rendered at the outermost
 * memory_region_transaction_commit().
 *
 * Lifetimes, RCU and references are explained in docs/devel/memory.md.
 */

#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include "exec/hwaddr.h"
#include "exec/memattrs.h"
#include "qemu/int128.h"
#include "qemu/queue.h"
#include "qemu/rcu.h"
#include "qom/object.h"

#define TYPE_MEMORY_REGION "memory-region"
OBJECT_DECLARE_SIMPLE_TYPE(MemoryRegion, MEMORY_REGION)

typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;
typedef struct MemoryRegionSection MemoryRegionSection;
typedef struct RAMBlock RAMBlock;

/*
 * Every device has one (DeviceState.mem_reentrancy_guard).  It is set
 * while one of the device's I/O regions or guarded bottom halves runs:
 * an access that reaches the device's I/O regions again meanwhile (a DMA
 * or an MSI aimed at its own registers) is re-entrant and is dropped,
 * as in QEMU (docs/devel/memory.md).
 */
typedef struct MemReentrancyGuard {
    bool engaged_in_io;
} MemReentrancyGuard;

/*
 * The byte order of a device's registers.  NATIVE means the target's,
 * which for x86 is little endian.
 */
enum device_endian {
    DEVICE_NATIVE_ENDIAN,
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
};

/*
 * Callbacks and access rules of an I/O region.
 *
 * @valid says what the guest may do: an access of another size, or a
 * misaligned one when !valid.unaligned, or one that valid.accepts
 * refuses, is not passed to the device; it reads 0 (as in QEMU), writes
 * are dropped, it is logged as a guest error and the access result is
 * MEMTX_DECODE_ERROR.  As in QEMU, valid.max_access_size 0 accepts every
 * size.
 *
 * @impl says what the callbacks can handle; the core splits a wider
 * access into several calls or widens a narrower one, so that @read and
 * @write only see sizes within [impl.min_access_size,
 * impl.max_access_size] (0 means 1 and 4).  Accesses through
 * address_space_read()/address_space_write() are first cut to at most
 * valid.max_access_size (0 means 4) and, unless impl.unaligned, to
 * naturally aligned pieces.
 *
 * Values are numbers in the device's byte order (@endianness); the core
 * swaps them when that differs from the target's.
 */
typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);

    /* Used instead of read/write when set. */
    MemTxResult (*read_with_attrs)(void *opaque, hwaddr addr,
                                   uint64_t *data, unsigned size,
                                   MemTxAttrs attrs);
    MemTxResult (*write_with_attrs)(void *opaque, hwaddr addr,
                                    uint64_t data, unsigned size,
                                    MemTxAttrs attrs);

    enum device_endian endianness;

    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
        /* Optional veto on top of the size and alignment rules. */
        bool (*accepts)(void *opaque, hwaddr addr, unsigned size,
                        bool is_write, MemTxAttrs attrs);
    } valid;

    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } impl;
} MemoryRegionOps;

/*
 * A subregion's key in its container's index by address: its address
 * when it was added, and the order in which it was (system/memory.c).
 */
typedef struct SubregionKey {
    hwaddr addr;
    uint64_t seq;
} SubregionKey;

/* Fields are private to system/; use the accessors below. */
struct MemoryRegion {
    Object parent_obj;

    /* private: */
    bool ram;               /* backed by host memory at ram_block */
    bool readonly;          /* guest writes are dropped */
    bool enabled;           /* visible in the FlatView */
    bool terminates;        /* accesses end here (RAM or I/O) */
    bool global_locking;    /* callbacks run with the BQL held */
    /* An I/O region of a device: its owner's, unless disabled. */
    bool disable_reentrancy_guard;
    MemReentrancyGuard *dev_reentrancy_guard;
    RAMBlock *ram_block;
    Object *owner;
    const MemoryRegionOps *ops;
    void *opaque;
    MemoryRegion *container;
    Int128 size;
    hwaddr addr;
    void (*destructor)(MemoryRegion *mr);
    MemoryRegion *alias;
    hwaddr alias_offset;
    int32_t priority;
    QTAILQ_HEAD(, MemoryRegion) subregions;
    QTAILQ_ENTRY(MemoryRegion) subregions_link;
    /*
     * The same subregions by address, for rendering a window of a
     * container with many (system/memory.c): a balanced tree of their
     * subregion_key, and the largest size any of them had.  Then this
     * region's key and its place in its container's tree.
     */
    GSequence *subregions_by_addr;
    Int128 subregions_max_size;
    SubregionKey subregion_key;
    GSequenceIter *subregion_iter;
    /* In system/memory.c's list of all aliases, if this is one. */
    QTAILQ_ENTRY(MemoryRegion) aliases_link;
    const char *name;
};

/*
 * A piece of a MemoryRegion as it appears in an AddressSpace's FlatView:
 * bytes [offset_within_region, offset_within_region + size) of @mr are
 * visible at [offset_within_address_space, ... + size).  @size is an
 * Int128, as in QEMU, because a section may span the full 2^64 bytes;
 * use int128_get64() when it is known to fit.
 */
struct MemoryRegionSection {
    Int128 size;
    MemoryRegion *mr;
    FlatView *fv;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    bool readonly;
};

/*
 * Observes one AddressSpace.  All callbacks run with the BQL held, from
 * memory_region_transaction_commit() (or register/unregister):
 * begin, then region_del for each range that went away or changed (in
 * decreasing priority order of the listeners), then region_add for the
 * new ones and region_nop for the unchanged ones (increasing priority
 * order), then commit.  begin and commit are called on every listener
 * once per topology update, whichever AddressSpace changed.
 */
struct MemoryListener {
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_nop)(MemoryListener *listener,
                       MemoryRegionSection *section);
    unsigned priority;
    const char *name;

    /* private: */
    AddressSpace *address_space;
    QTAILQ_ENTRY(MemoryListener) link;
    QTAILQ_ENTRY(MemoryListener) link_as;
};

/*
 * An address space: the view of @root that an initiator (the CPUs, the
 * I/O port bus, a DMA-capable device) has.
 */
struct AddressSpace {
    /* private: first, for call_rcu() in address_space_destroy() */
    struct rcu_head rcu;
    char *name;
    MemoryRegion *root;
    /* Published with qatomic_rcu_set(); read under rcu_read_lock(). */
    FlatView *current_map;
    QTAILQ_HEAD(, MemoryListener) listeners;
    QTAILQ_ENTRY(AddressSpace) address_spaces_link;
};

/*
 * Region initialisation.  @owner is the object whose lifetime bounds the
 * region's (usually the device); with a @name the region becomes the
 * child property "@name[N]" of @owner (or of /machine/unattached when
 * @owner is NULL), which then holds the only reference to it.  A @size of
 * UINT64_MAX means 2^64.
 */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/* Anonymous, zeroed host memory, released when the region is finalised. */
bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* RAM over the caller's @ptr, which the caller frees (after finalise). */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);
/* A window onto [offset, offset + size) of @orig; @orig is not ref'd. */
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);

/*
 * References.  These take and drop a reference on the region's owner,
 * not on the region: the owner keeps its child regions alive, and the
 * callbacks of an I/O region use the owner's state.  The owner may be
 * the region itself.  Regions without an owner are not counted and must
 * outlive their use.
 */
void memory_region_ref(MemoryRegion *mr);
void memory_region_unref(MemoryRegion *mr);

/*
 * Topology.  A container holds a reference (memory_region_ref) on each
 * subregion from add to del.  Among overlapping subregions the higher
 * @priority wins, and among equal priorities the one added last.
 */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

/* Accessors. */
uint64_t memory_region_size(MemoryRegion *mr);
bool memory_region_is_ram(MemoryRegion *mr);
bool memory_region_is_mapped(MemoryRegion *mr);
bool memory_region_is_enabled(MemoryRegion *mr);
/* The host address of a RAM region (through aliases); valid while ref'd. */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
const char *memory_region_name(const MemoryRegion *mr);
Object *memory_region_owner(MemoryRegion *mr);

/*
 * Transactions batch topology changes: the FlatViews are rendered and the
 * listeners called once, at the outermost commit.  Both need the BQL.
 */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* Listeners. */
void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

/*
 * AddressSpaces.  address_space_destroy() frees the AddressSpace's state
 * after a grace period: the caller may free @as itself only after that,
 * e.g. from a later call_rcu() callback or after drain_call_rcu().
 */
void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);

/*
 * Accesses.  They look up the current FlatView under rcu_read_lock() and
 * may span several regions.  RAM is copied, I/O regions go through their
 * ops, holes read as 0 and ignore writes (with a guest-error log line),
 * as in QEMU; the results of all pieces are ORed.
 */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             void *buf, hwaddr len, bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len);

/*
 * Fixed-size loads and stores in the target's (little-endian) byte order:
 * one access of the given size when a single region covers it.  @result
 * may be NULL.
 */
uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                           MemTxResult *result);
uint16_t address_space_lduw_le(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, MemTxResult *result);
uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result);
uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result);
void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val,
                       MemTxAttrs attrs, MemTxResult *result);
void address_space_stw_le(AddressSpace *as, hwaddr addr, uint16_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result);
void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result);

/* The same with unspecified attributes, ignoring the result. */
uint8_t ldub_phys(AddressSpace *as, hwaddr addr);
uint16_t lduw_le_phys(AddressSpace *as, hwaddr addr);
uint32_t ldl_le_phys(AddressSpace *as, hwaddr addr);
uint64_t ldq_le_phys(AddressSpace *as, hwaddr addr);
void stb_phys(AddressSpace *as, hwaddr addr, uint8_t val);
void stw_le_phys(AddressSpace *as, hwaddr addr, uint16_t val);
void stl_le_phys(AddressSpace *as, hwaddr addr, uint32_t val);
void stq_le_phys(AddressSpace *as, hwaddr addr, uint64_t val);

/*
 * Direct access for DMA.  address_space_map() returns a host pointer for
 * up to *@plen bytes at @addr and shortens *@plen to what it could map
 * (it stops at the end of a region).  RAM is mapped in place; anything
 * else goes through a bounce buffer, read in at map time and, for
 * @is_write, written back at unmap.  The region stays referenced until
 * address_space_unmap(), which takes the same @as, the returned pointer,
 * the mapped @len and the number of bytes actually written.  Returns NULL
 * when @len is 0.
 */
void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write, MemTxAttrs attrs);
void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         bool is_write, hwaddr access_len);

#ifdef CONFIG_FUZZ
/*
 * Called before a device reads @len bytes of RAM region @mr at @addr of
 * its address space (a load, or a map for DMA), so that the generic
 * fuzzer (tests/qtest/fuzz/generic_fuzz.c) can put its data there first.
 */
void fuzz_dma_read_cb(size_t addr, size_t len, MemoryRegion *mr);
#else
static inline void fuzz_dma_read_cb(size_t addr, size_t len,
                                    MemoryRegion *mr)
{
}
#endif

/*
 * A reference on @as's current FlatView, for a user that keeps it beyond
 * an RCU critical section; drop it with flatview_unref()
 * (exec/memory-internal.h).  Devices use MemoryRegionCache instead.
 */
FlatView *address_space_get_flatview(AddressSpace *as);

/*
 * Call @cb on each range of @fv, by address, until it returns true:
 * where the range starts, its length, the region it shows and the offset
 * into that region.  The caller holds a reference on @fv or is inside
 * an RCU critical section.
 */
typedef bool (*flatview_cb)(Int128 start, Int128 len, const MemoryRegion *mr,
                            hwaddr offset_in_region, void *opaque);
void flatview_for_each_range(FlatView *fv, flatview_cb cb, void *opaque);

/*
 * MemoryRegionCache: [addr, addr + len) of an AddressSpace as it was
 * when the cache was made, for repeated accesses (virtio rings, a CPU's
 * view of memory during an execution slice).  It holds a reference on
 * that FlatView, and so on every region it shows, until
 * address_space_cache_destroy(): a region removed from the map meanwhile
 * stays alive, and accessible through the cache, until then.  When the
 * whole range is RAM, accesses are memcpy through @ptr; otherwise they go
 * through the cached view like address_space_rw() (holes read 0).
 * Offsets are relative to the start of the cache and must stay within
 * @len.  Destroy caches that readers may still use from call_rcu(), as
 * virtio does.
 */
typedef struct MemoryRegionCache {
    /* private: */
    uint8_t *ptr;           /* host address when the range is RAM */
    MemoryRegion *mr;       /* its region, referenced */
    FlatView *fv;           /* referenced */
    AddressSpace *as;
    hwaddr addr;
    hwaddr len;
    bool is_write;
} MemoryRegionCache;

#define MEMORY_REGION_CACHE_INVALID ((MemoryRegionCache) { .mr = NULL })

/*
 * Make @cache for @len bytes at @addr of @as; @is_write asks for
 * writable RAM for the direct path.  Returns true when the whole range
 * is (writable) RAM, i.e. accesses are direct.
 */
bool address_space_cache_init(MemoryRegionCache *cache, AddressSpace *as,
                              hwaddr addr, hwaddr len, bool is_write);
void address_space_cache_destroy(MemoryRegionCache *cache);
static inline bool address_space_cache_is_ram(MemoryRegionCache *cache)
{
    return cache->ptr != NULL;
}
MemTxResult address_space_read_cached(MemoryRegionCache *cache, hwaddr addr,
                                      void *buf, hwaddr len);
MemTxResult address_space_write_cached(MemoryRegionCache *cache,
                                       hwaddr addr, const void *buf,
                                       hwaddr len);

/* Accesses to address_space_memory, as a CPU would make them. */
void cpu_physical_memory_rw(hwaddr addr, void *buf, hwaddr len,
                            bool is_write);
void cpu_physical_memory_read(hwaddr addr, void *buf, hwaddr len);
void cpu_physical_memory_write(hwaddr addr, const void *buf, hwaddr len);

#endif /* EXEC_MEMORY_H */
