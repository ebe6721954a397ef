/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory API: MemoryRegion objects and their topology, transactions,
 * FlatView rendering, MemoryListeners and the dispatch of one access to
 * an I/O region.  Multi-region accesses, RAM and the global address
 * spaces are in physmem.c.
 *
 * The design (why a FlatView holds region references, why a removed
 * region lives on for a grace period) is in docs/devel/memory.md.
 *
 * Locking: everything that changes the topology, and the listener
 * callbacks, run under the BQL; readers of a FlatView run under
 * rcu_read_lock() only.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "exec/memory.h"
#include "exec/memory-internal.h"
#include "trace.h"
#include "exec/ramblock.h"
#include "hw/qdev-core.h"

/* Protected by the BQL, like everything in the topology. */
static unsigned memory_region_transaction_depth;
static bool memory_region_update_pending;

/*
 * What the pending commit must render again (see
 * memory_region_mark_dirty()): windows in the coordinates of the regions
 * they are keyed by, or everything.
 */
typedef struct DirtyWindow {
    MemoryRegion *region;   /* only compared, never dereferenced */
    AddrRange window;
} DirtyWindow;
static GArray *dirty_windows;
static bool dirty_all;

/* Every alias region, to find those that show a changed region. */
static QTAILQ_HEAD(, MemoryRegion) aliases = QTAILQ_HEAD_INITIALIZER(aliases);

bool memory_flatview_check;

/* Counts commit rounds: FlatView's base and wins hold for one round. */
static unsigned memory_commit_round;

static QTAILQ_HEAD(, MemoryListener) memory_listeners =
    QTAILQ_HEAD_INITIALIZER(memory_listeners);
static QTAILQ_HEAD(, AddressSpace) address_spaces =
    QTAILQ_HEAD_INITIALIZER(address_spaces);

/* Address ranges */

static AddrRange addrrange_make(Int128 start, Int128 size)
{
    return (AddrRange) { start, size };
}

static Int128 addrrange_end(AddrRange r)
{
    return int128_add(r.start, r.size);
}

/* The overlap of @r1 and @r2; its size is zero or negative if none. */
static AddrRange addrrange_intersection(AddrRange r1, AddrRange r2)
{
    Int128 start = int128_max(r1.start, r2.start);
    Int128 end = int128_min(addrrange_end(r1), addrrange_end(r2));

    return addrrange_make(start, int128_sub(end, start));
}

/* Where a transaction changed the map */

/* More alias levels than any machine has: give up and render everything. */
#define DIRTY_DEPTH_MAX 16

/*
 * @win, in @mr's own coordinates, may show something else after the
 * commit: note it for @mr (as it would appear in a view rooted at @mr),
 * for every container above @mr, and for every alias that shows it.
 */
static void memory_region_mark_dirty_window(MemoryRegion *mr, AddrRange win,
                                            int depth)
{
    DirtyWindow dw;
    MemoryRegion *alias;

    if (depth > DIRTY_DEPTH_MAX) {
        dirty_all = true;
        return;
    }
    win.start = int128_add(win.start, int128_make64(mr->addr));
    dw = (DirtyWindow) { .region = mr, .window = win };
    g_array_append_val(dirty_windows, dw);
    if (mr->container) {
        memory_region_mark_dirty_window(mr->container, win, depth + 1);
    }
    win.start = int128_sub(win.start, int128_make64(mr->addr));
    QTAILQ_FOREACH(alias, &aliases, aliases_link) {
        AddrRange shown;

        if (alias->alias != mr) {
            continue;
        }
        shown = addrrange_make(int128_sub(win.start,
                                          int128_make64(alias->alias_offset)),
                               win.size);
        shown = addrrange_intersection(shown, addrrange_make(int128_zero(),
                                                             alias->size));
        if (int128_gt(shown.size, int128_zero())) {
            memory_region_mark_dirty_window(alias, shown, depth + 1);
        }
    }
}

/*
 * Called by every change of @mr that the map could show, where @mr is at
 * the time (so before it moves or leaves its container, and after it
 * arrives): the commit then renders again only the windows that the
 * change touched, in the views that show them (flatview_update()), and
 * reuses the views that show none.
 */
static void memory_region_mark_dirty(MemoryRegion *mr)
{
    if (!dirty_all) {
        if (!dirty_windows) {
            dirty_windows = g_array_new(false, false, sizeof(DirtyWindow));
        }
        memory_region_mark_dirty_window(mr, addrrange_make(int128_zero(),
                                                           mr->size), 0);
    }
}

/*
 * I/O regions nobody implemented: every access is invalid.  As in QEMU,
 * an invalid or unassigned memory read returns 0; only the I/O port
 * space floats high (system/ioport.c).
 */

static uint64_t unassigned_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void unassigned_mem_write(void *opaque, hwaddr addr, uint64_t data,
                                 unsigned size)
{
}

static bool unassigned_mem_accepts(void *opaque, hwaddr addr, unsigned size,
                                   bool is_write, MemTxAttrs attrs)
{
    return false;
}

static const MemoryRegionOps unassigned_mem_ops = {
    .read = unassigned_mem_read,
    .write = unassigned_mem_write,
    .valid.accepts = unassigned_mem_accepts,
    .endianness = DEVICE_NATIVE_ENDIAN,
};

/* The MemoryRegion type */

static void memory_region_destructor_none(MemoryRegion *mr)
{
}

static void memory_region_destructor_ram(MemoryRegion *mr)
{
    qemu_ram_free(mr->ram_block);
    mr->ram_block = NULL;
}

static void memory_region_initfn(Object *obj)
{
    MemoryRegion *mr = MEMORY_REGION(obj);

    mr->ops = &unassigned_mem_ops;
    mr->enabled = true;
    mr->global_locking = true;
    mr->destructor = memory_region_destructor_none;
    QTAILQ_INIT(&mr->subregions);
}

/*
 * The last reference is gone: the region is in no FlatView (each of
 * those holds a reference) and in no container (which would too, through
 * the owner, unless the region has none: then removing it first is the
 * caller's job, as in QEMU).
 */
static void memory_region_finalize(Object *obj)
{
    MemoryRegion *mr = MEMORY_REGION(obj);

    trace_memory_region_finalize(mr, memory_region_name(mr));
    assert(!mr->container);

    /*
     * Nothing can see the region any more, so its subregions can go
     * without a topology update: clearing enabled makes
     * memory_region_del_subregion() skip it.
     */
    mr->enabled = false;
    if (!QTAILQ_EMPTY(&mr->subregions)) {
        memory_region_transaction_begin();
        while (!QTAILQ_EMPTY(&mr->subregions)) {
            memory_region_del_subregion(mr, QTAILQ_FIRST(&mr->subregions));
        }
        memory_region_transaction_commit();
    }

    if (mr->alias) {
        QTAILQ_REMOVE(&aliases, mr, aliases_link);
    }
    if (mr->subregions_by_addr) {
        g_sequence_free(mr->subregions_by_addr);
        mr->subregions_by_addr = NULL;
    }
    mr->destructor(mr);
    g_free((char *)mr->name);
    mr->name = NULL;
}

static const TypeInfo memory_region_info = {
    .name = TYPE_MEMORY_REGION,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MemoryRegion),
    .instance_init = memory_region_initfn,
    .instance_finalize = memory_region_finalize,
};

static void memory_register_types(void)
{
    type_register_static(&memory_region_info);
}

type_init(memory_register_types)

/*
 * Property names cannot contain '/' (path separator) or brackets (the
 * "[N]" index); QEMU escapes them as \xNN, and so do we.
 */
static bool memory_region_need_escape(char c)
{
    return c == '/' || c == '[' || c == '\\' || c == ']';
}

static char *memory_region_escape_name(const char *name)
{
    GString *s = g_string_new(NULL);
    const char *p;

    for (p = name; *p; p++) {
        if (memory_region_need_escape(*p)) {
            g_string_append_printf(s, "\\x%02x", (unsigned char)*p);
        } else {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    object_initialize(mr, sizeof(*mr), TYPE_MEMORY_REGION);
    mr->size = size == UINT64_MAX ? int128_2_64() : int128_make64(size);
    mr->name = g_strdup(name);
    mr->owner = owner;
    if (owner && object_dynamic_cast(owner, TYPE_DEVICE)) {
        mr->dev_reentrancy_guard = &DEVICE(owner)->mem_reentrancy_guard;
    }

    if (name) {
        g_autofree char *escaped = memory_region_escape_name(name);
        g_autofree char *prop = g_strdup_printf("%s[*]", escaped);
        Object *parent = owner;

        if (!parent) {
            parent = container_get(object_get_root(), "/machine/unattached");
        }
        /*
         * The parent's child property becomes the only reference: the
         * region dies with its owner, or when unparented.
         */
        object_property_add_child(parent, prop, OBJECT(mr));
        object_unref(OBJECT(mr));
    }
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    mr->ops = ops ? ops : &unassigned_mem_ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    memory_region_init(mr, owner, name, size);
    mr->ram = true;
    mr->terminates = true;
    mr->destructor = memory_region_destructor_ram;
    mr->ram_block = qemu_ram_alloc(size, mr, errp);
    if (!mr->ram_block) {
        mr->destructor = memory_region_destructor_none;
        mr->size = int128_zero();
        object_unparent(OBJECT(mr));
        return false;
    }
    return true;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    memory_region_init(mr, owner, name, size);
    mr->ram = true;
    mr->terminates = true;
    mr->destructor = memory_region_destructor_ram;
    mr->ram_block = qemu_ram_alloc_from_ptr(size, ptr, mr);
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    memory_region_init(mr, owner, name, size);
    /*
     * No reference on @orig, as in QEMU: the alias and its target usually
     * share an owner, and a reference would keep that owner alive
     * forever.
     */
    mr->alias = orig;
    mr->alias_offset = offset;
    QTAILQ_INSERT_TAIL(&aliases, mr, aliases_link);
}

void memory_region_ref(MemoryRegion *mr)
{
    /*
     * The owner, not the region: I/O callbacks use the owner's state, and
     * the owner keeps its child regions alive.  For a region that is its
     * own owner (virtio-gpu blobs) this is the region itself.
     */
    if (mr && mr->owner) {
        object_ref(mr->owner);
    }
}

void memory_region_unref(MemoryRegion *mr)
{
    if (mr && mr->owner) {
        object_unref(mr->owner);
    }
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    if (int128_eq(mr->size, int128_2_64())) {
        return UINT64_MAX;
    }
    return int128_get64(mr->size);
}

bool memory_region_is_ram(MemoryRegion *mr)
{
    return mr->ram;
}

bool memory_region_is_mapped(MemoryRegion *mr)
{
    return mr->container != NULL;
}

bool memory_region_is_enabled(MemoryRegion *mr)
{
    return mr->enabled;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    assert(mr->ram_block);
    return mr->ram_block->host + offset;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

Object *memory_region_owner(MemoryRegion *mr)
{
    return mr->owner;
}

/* FlatViews */

uint64_t memory_flatnodes_made;

/* Heap keys of the treap: xorshift, fixed seed, so that runs repeat. */
static uint32_t flatnode_seed = 0x9e3779b9;

static uint32_t flatnode_prio(void)
{
    uint32_t x = flatnode_seed;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    flatnode_seed = x;
    return x;
}

static unsigned flatnode_size(const FlatNode *node)
{
    return node ? node->size : 0;
}

static FlatNode *flatnode_fix(FlatNode *node)
{
    node->size = 1 + flatnode_size(node->left) + flatnode_size(node->right);
    return node;
}

/*
 * A reader that found the range may use its region until it leaves its
 * RCU critical section: the node's reference keeps the region (and its
 * owner, whose state its callbacks use) alive until then.
 */
static FlatNode *flatnode_new(const FlatRange *fr)
{
    FlatNode *node = g_new(FlatNode, 1);

    node->fr = *fr;
    node->left = NULL;
    node->right = NULL;
    node->ref = 1;
    node->size = 1;
    node->prio = flatnode_prio();
    memory_region_ref(fr->mr);
    memory_flatnodes_made++;
    return node;
}

static FlatNode *flatnode_ref(FlatNode *node)
{
    if (node) {
        node->ref++;
    }
    return node;
}

/*
 * Drop a reference on @node; the last frees it and drops its region
 * reference and its children.  In the call_rcu thread this may finalise
 * a region that was removed and unparented (with the BQL held).
 */
static void flatnode_unref(FlatNode *node)
{
    while (node && !--node->ref) {
        FlatNode *right = node->right;

        flatnode_unref(node->left);
        memory_region_unref(node->fr.mr);
        g_free(node);
        node = right;
    }
}

/*
 * @node (its reference consumed) as a node that the caller alone holds
 * and so may change: itself if nothing else holds it, else a copy, which
 * shares the children.  This is the path copying that leaves the views
 * that hold @node as they were.
 */
static FlatNode *flatnode_own(FlatNode *node)
{
    FlatNode *copy;

    if (node->ref == 1) {
        return node;
    }
    copy = g_memdup2(node, sizeof(*node));
    copy->ref = 1;
    flatnode_ref(copy->left);
    flatnode_ref(copy->right);
    memory_region_ref(copy->fr.mr);
    memory_flatnodes_made++;
    node->ref--;
    return copy;
}

/* Split @tree (consumed): the ranges that start below @addr, the rest. */
static void flatnode_split(FlatNode *tree, Int128 addr, FlatNode **lo,
                           FlatNode **hi)
{
    if (!tree) {
        *lo = *hi = NULL;
        return;
    }
    tree = flatnode_own(tree);
    if (int128_lt(tree->fr.addr.start, addr)) {
        flatnode_split(tree->right, addr, &tree->right, hi);
        *lo = flatnode_fix(tree);
    } else {
        flatnode_split(tree->left, addr, lo, &tree->left);
        *hi = flatnode_fix(tree);
    }
}

/* @lo and @hi (both consumed) as one tree; @lo lies wholly below @hi. */
static FlatNode *flatnode_join(FlatNode *lo, FlatNode *hi)
{
    if (!lo || !hi) {
        return lo ? lo : hi;
    }
    if (lo->prio > hi->prio) {
        lo = flatnode_own(lo);
        lo->right = flatnode_join(lo->right, hi);
        return flatnode_fix(lo);
    }
    hi = flatnode_own(hi);
    hi->left = flatnode_join(lo, hi->left);
    return flatnode_fix(hi);
}

/*
 * A tree of @nr sorted ranges, in one pass: each node goes on the right
 * spine, under the nodes of higher priority, with those of lower
 * priority that it pops as its left subtree.
 */
static FlatNode *flatnode_build(const FlatRange *ranges, unsigned nr)
{
    g_autofree FlatNode **spine = g_new(FlatNode *, nr + 1);
    unsigned depth = 0, i;

    for (i = 0; i < nr; i++) {
        FlatNode *node = flatnode_new(&ranges[i]);
        FlatNode *below = NULL;

        while (depth && spine[depth - 1]->prio < node->prio) {
            /* Its subtree is complete once it leaves the spine. */
            below = flatnode_fix(spine[--depth]);
        }
        node->left = below;
        if (depth) {
            spine[depth - 1]->right = node;
        }
        spine[depth++] = node;
    }
    while (depth > 1) {
        flatnode_fix(spine[--depth]);
    }
    return depth ? flatnode_fix(spine[0]) : NULL;
}

static unsigned flatnode_height(const FlatNode *node)
{
    return node ? 1 + MAX(flatnode_height(node->left),
                          flatnode_height(node->right)) : 0;
}

/* The first range of @view that ends above @addr; NULL if none. */
static FlatRange *flatview_find(FlatView *view, Int128 addr)
{
    FlatNode *node = view->ranges, *found = NULL;

    while (node) {
        if (int128_lt(addr, flatrange_end(&node->fr))) {
            found = node;
            node = node->left;
        } else {
            node = node->right;
        }
    }
    return found ? &found->fr : NULL;
}

static FlatRange *flatview_first(FlatView *view)
{
    return flatview_find(view, int128_zero());
}

/* The range after @fr in @view (ranges do not overlap). */
static FlatRange *flatview_next(FlatView *view, FlatRange *fr)
{
    return flatview_find(view, flatrange_end(fr));
}

/* In-order walk from @node; true if @cb stopped it. */
static bool flatnode_for_each(FlatNode *node, flatview_cb cb, void *opaque)
{
    for (; node; node = node->right) {
        if (flatnode_for_each(node->left, cb, opaque) ||
            cb(node->fr.addr.start, node->fr.addr.size, node->fr.mr,
               node->fr.offset_in_region, opaque)) {
            return true;
        }
    }
    return false;
}

void flatview_for_each_range(FlatView *fv, flatview_cb cb, void *opaque)
{
    flatnode_for_each(fv->ranges, cb, opaque);
}

unsigned flatview_nr_ranges(FlatView *view)
{
    return flatnode_size(view->ranges);
}

unsigned flatview_height(FlatView *view)
{
    return flatnode_height(view->ranges);
}

static FlatView *flatview_new(MemoryRegion *root)
{
    FlatView *view = g_new0(FlatView, 1);

    view->ref = 1;
    view->root = root;
    memory_region_ref(root);
    return view;
}

/* Runs one grace period after the last flatview_unref(). */
static void flatview_destroy(FlatView *view)
{
    /*
     * No reader can see @view any more, so its nodes that no other view
     * shares may go, and with them their regions: for one that was
     * removed from the map and unparented, this drops the last reference
     * and finalises it, here in the call_rcu thread with the BQL held.
     */
    trace_flatview_destroy(view, flatnode_size(view->ranges));
    flatnode_unref(view->ranges);
    memory_region_unref(view->root);
    g_free(view->wins);
    g_free(view);
}

static void flatview_ref(FlatView *view)
{
    qatomic_inc(&view->ref);
}

/*
 * Each AddressSpace holds one reference on its current view (several
 * share one, see memory_region_get_flatview_root()), and so do
 * MemoryRegionCaches (address_space_get_flatview()).  Plain readers rely
 * on RCU alone: a view is destroyed one grace period after its last
 * reference goes, which for a view a cache still held is later than one
 * grace period after it was replaced.
 */
void flatview_unref(FlatView *view)
{
    if (qatomic_fetch_dec(&view->ref) == 1) {
        call_rcu(view, flatview_destroy, rcu);
    }
}

/* A reference, unless the view is already on its way out (ref 0). */
static bool flatview_tryref(FlatView *view)
{
    unsigned old = qatomic_read(&view->ref);

    while (old) {
        unsigned seen = qatomic_cmpxchg(&view->ref, old, old + 1);

        if (seen == old) {
            return true;
        }
        old = seen;
    }
    return false;
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    FlatView *view;

    RCU_READ_LOCK_GUARD();
    /* A view that lost its last reference was replaced: look again. */
    do {
        view = address_space_to_flatview(as);
    } while (!flatview_tryref(view));
    return view;
}

/*
 * Ranges being rendered: sorted, not overlapping, @nr of them from
 * @ranges on, in the middle of @buf (@nr_allocated long) with room on
 * both sides.  A render ends in flatnode_build().
 */
typedef struct FlatRender {
    FlatRange *ranges;
    unsigned nr;
    FlatRange *buf;
    unsigned nr_allocated;
} FlatRender;

/*
 * Insert @range before ranges[@pos], moving whichever side of @pos is
 * shorter: the ranges live in the middle of buf, with room on both sides.
 * Rendering inserts each region's ranges next to those of its siblings,
 * in list order (latest added first), so the ranges of n blobs added at
 * increasing addresses each go in front of the previous ones; moving the
 * ranges above them every time made a render O(n^2).
 */
static void flatrender_insert(FlatRender *rd, unsigned pos, FlatRange *range)
{
    unsigned head = rd->ranges - rd->buf;
    unsigned tail = rd->nr_allocated - head - rd->nr;
    bool down = pos < rd->nr - pos;

    if (down ? !head : !tail) {
        /*
         * No room on that side: twice the room, the ranges in the middle
         * again, so that the next inserts on either side find some.
         */
        unsigned alloc = MAX(2 * rd->nr, 16);
        FlatRange *buf = g_new(FlatRange, alloc);
        FlatRange *ranges = buf + (alloc - rd->nr - 1) / 2;

        if (rd->nr) {
            memcpy(ranges, rd->ranges, pos * sizeof(*range));
            memcpy(ranges + pos + 1, rd->ranges + pos,
                   (rd->nr - pos) * sizeof(*range));
        }
        g_free(rd->buf);
        rd->buf = buf;
        rd->ranges = ranges;
        rd->nr_allocated = alloc;
    } else if (down) {
        memmove(rd->ranges - 1, rd->ranges, pos * sizeof(*range));
        rd->ranges--;
    } else {
        memmove(rd->ranges + pos + 1, rd->ranges + pos,
                (rd->nr - pos) * sizeof(*range));
    }
    rd->ranges[pos] = *range;
    rd->nr++;
}

/* The index of the first range of @rd that ends above @addr. */
static unsigned flatrender_find(FlatRender *rd, Int128 addr)
{
    unsigned lo = 0, hi = rd->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (int128_le(flatrange_end(&rd->ranges[mid]), addr)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/*
 * Give the parts of @clip that no range of @rd covers yet to @mr, whose
 * offset 0 lies at address @base.  Regions are rendered winners first, so
 * what is already there stays.
 */
static void flatrender_fill(FlatRender *rd, MemoryRegion *mr, Int128 base,
                            AddrRange clip, bool readonly)
{
    Int128 pos = clip.start;
    Int128 end = addrrange_end(clip);
    unsigned i = flatrender_find(rd, pos);

    while (int128_lt(pos, end)) {
        FlatRange fr;
        Int128 hole_end = end;

        if (i < rd->nr && int128_le(rd->ranges[i].addr.start, pos)) {
            pos = flatrange_end(&rd->ranges[i]);
            i++;
            continue;
        }
        if (i < rd->nr) {
            hole_end = int128_min(hole_end, rd->ranges[i].addr.start);
        }
        fr.mr = mr;
        fr.offset_in_region = int128_get64(int128_sub(pos, base));
        fr.addr = addrrange_make(pos, int128_sub(hole_end, pos));
        fr.readonly = readonly;
        flatrender_insert(rd, i, &fr);
        i++;
        pos = hole_end;
    }
}

/*
 * Render @mr, whose container's offset 0 lies at address @base, into
 * @rd, within @clip.  Subregions come first, in list order (highest
 * priority, then latest added, first), so they win over what follows and
 * over @mr's own contents.
 */
static void render_memory_region(FlatRender *rd, MemoryRegion *mr,
                                 Int128 base, AddrRange clip, bool readonly);

/* Fewer subregions than this are rendered from the list alone. */
#define RENDER_INDEX_MIN 16

/* Latest-added first among equals, as in the subregions list. */
static int subregion_render_cmp(const void *a, const void *b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;

    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->subregion_key.seq > y->subregion_key.seq ? -1 :
           x->subregion_key.seq < y->subregion_key.seq;
}

/* By address, then by the order they were added. */
static int subregion_key_cmp(gconstpointer a, gconstpointer b,
                             gpointer opaque)
{
    const SubregionKey *x = a, *y = b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static MemoryRegion *subregion_index_get(GSequenceIter *it)
{
    return container_of(g_sequence_get(it), MemoryRegion, subregion_key);
}

/*
 * Render the subregions of @mr (whose offset 0 is at @base) that can
 * reach into @clip, in list order: those that start in
 * [clip - the largest subregion size, clip end), found in
 * subregions_by_addr in O(log n).  Re-rendering the window of one
 * unmapped blob then looks at that blob's neighbours, not at every blob.
 */
static void render_subregions_indexed(FlatRender *rd, MemoryRegion *mr,
                                      Int128 base, AddrRange clip,
                                      bool readonly)
{
    Int128 lo = int128_sub(int128_sub(clip.start, base),
                           mr->subregions_max_size);
    Int128 hi = int128_sub(addrrange_end(clip), base);
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    GSequenceIter *it;
    unsigned i;

    if (!int128_gt(lo, int128_zero())) {
        it = g_sequence_get_begin_iter(mr->subregions_by_addr);
    } else if (int128_lt(lo, int128_2_64())) {
        /* Before the first key at lo: no region was added at seq 0. */
        SubregionKey probe = { int128_get64(lo), 0 };

        it = g_sequence_search(mr->subregions_by_addr, &probe,
                               subregion_key_cmp, NULL);
    } else {
        return;
    }
    for (; !g_sequence_iter_is_end(it); it = g_sequence_iter_next(it)) {
        MemoryRegion *sub = subregion_index_get(it);

        if (!int128_lt(int128_make64(sub->subregion_key.addr), hi)) {
            break;
        }
        g_ptr_array_add(found, sub);
    }
    if (found->len > 1) {
        qsort(found->pdata, found->len, sizeof(gpointer),
              subregion_render_cmp);
    }
    for (i = 0; i < found->len; i++) {
        render_memory_region(rd, g_ptr_array_index(found, i), base, clip,
                             readonly);
    }
}

static void render_memory_region(FlatRender *rd, MemoryRegion *mr,
                                 Int128 base, AddrRange clip, bool readonly)
{
    MemoryRegion *subregion;

    if (!mr->enabled) {
        return;
    }

    base = int128_add(base, int128_make64(mr->addr));
    readonly |= mr->readonly;

    clip = addrrange_intersection(addrrange_make(base, mr->size), clip);
    if (!int128_gt(clip.size, int128_zero())) {
        return;
    }

    if (mr->alias) {
        /* Place the target so that alias_offset lands at our start. */
        base = int128_sub(base, int128_make64(mr->alias->addr));
        base = int128_sub(base, int128_make64(mr->alias_offset));
        render_memory_region(rd, mr->alias, base, clip, readonly);
        return;
    }

    if (mr->subregions_by_addr &&
        g_sequence_get_length(mr->subregions_by_addr) >= RENDER_INDEX_MIN &&
        int128_lt(clip.size, mr->size)) {
        render_subregions_indexed(rd, mr, base, clip, readonly);
    } else {
        QTAILQ_FOREACH(subregion, &mr->subregions, subregions_link) {
            render_memory_region(rd, subregion, base, clip, readonly);
        }
    }

    if (mr->terminates) {
        flatrender_fill(rd, mr, base, clip, readonly);
    }
}

static bool flatrange_can_merge(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr &&
        a->readonly == b->readonly &&
        int128_eq(flatrange_end(a), b->addr.start) &&
        int128_eq(int128_add(int128_make64(a->offset_in_region),
                             a->addr.size),
                  int128_make64(b->offset_in_region));
}

/*
 * Merge neighbours that continue each other, e.g. split by a hole-less
 * overlap, so that listeners see one section per contiguous piece.
 */
static void flatrender_simplify(FlatRender *rd)
{
    unsigned i, j = 0;

    for (i = 0; i < rd->nr; i++) {
        if (j > 0 && flatrange_can_merge(&rd->ranges[j - 1],
                                         &rd->ranges[i])) {
            rd->ranges[j - 1].addr.size =
                int128_add(rd->ranges[j - 1].addr.size,
                           rd->ranges[i].addr.size);
        } else {
            rd->ranges[j++] = rd->ranges[i];
        }
    }
    rd->nr = j;
}

/* Room for @n more ranges after the last one. */
static void flatrender_reserve(FlatRender *rd, unsigned n)
{
    unsigned head = rd->ranges - rd->buf;
    unsigned alloc;
    FlatRange *buf;

    if (rd->nr_allocated - head - rd->nr >= n) {
        return;
    }
    alloc = MAX(2 * (rd->nr + n), 16);
    buf = g_new(FlatRange, alloc);
    if (rd->nr) {
        memcpy(buf, rd->ranges, rd->nr * sizeof(FlatRange));
    }
    g_free(rd->buf);
    rd->buf = buf;
    rd->ranges = buf;
    rd->nr_allocated = alloc;
}

/* Append the part of @fr within [@from, @to). */
static void flatrender_append_clipped(FlatRender *rd, const FlatRange *fr,
                                      Int128 from, Int128 to)
{
    Int128 start = int128_max(fr->addr.start, from);
    Int128 end = int128_min(flatrange_end(fr), to);
    FlatRange part = *fr;

    if (!int128_lt(start, end)) {
        return;
    }
    part.offset_in_region += int128_get64(int128_sub(start,
                                                     fr->addr.start));
    part.addr = addrrange_make(start, int128_sub(end, start));
    flatrender_reserve(rd, 1);
    rd->ranges[rd->nr++] = part;
}

static FlatView *generate_memory_topology(MemoryRegion *root)
{
    FlatView *view = flatview_new(root);
    FlatRender rd = { 0 };

    if (root) {
        render_memory_region(&rd, root, int128_zero(),
                             addrrange_make(int128_zero(), int128_2_64()),
                             false);
    }
    flatrender_simplify(&rd);
    view->ranges = flatnode_build(rd.ranges, rd.nr);
    g_free(rd.buf);
    return view;
}

/* Append the parts of the ranges of @node within [@from, @to), in order. */
static void flatnode_append_clipped(FlatRender *rd, FlatNode *node,
                                    Int128 from, Int128 to)
{
    if (node) {
        flatnode_append_clipped(rd, node->left, from, to);
        flatrender_append_clipped(rd, &node->fr, from, to);
        flatnode_append_clipped(rd, node->right, from, to);
    }
}

/*
 * Render the window @win of @root again in @tree (consumed), the tree of
 * ranges of @root's view: split off the ranges that reach into the
 * window or touch it, render the window between what they show on
 * either side of it (a range that crosses into the window is cut, or
 * split around it; one next to it may merge with what is rendered), and
 * join the three parts.  Splits and joins copy the paths down to the
 * window, O(log n) nodes; the rest of the tree stays shared with the old
 * view.
 */
static FlatNode *flatview_render_window(FlatNode *tree, MemoryRegion *root,
                                        AddrRange win)
{
    Int128 end = addrrange_end(win);
    Int128 from = win.start;
    FlatRender rd = { 0 };
    FlatNode *node, *lo, *mid, *hi;

    /* From the start of the range that ends at or crosses win.start... */
    for (node = tree; node; ) {
        if (int128_lt(flatrange_end(&node->fr), win.start)) {
            node = node->right;
        } else {
            from = int128_min(from, node->fr.addr.start);
            node = node->left;
        }
    }
    flatnode_split(tree, from, &lo, &mid);
    /* ... to the range that starts at the end of the window. */
    flatnode_split(mid, int128_add(end, int128_one()), &mid, &hi);

    flatnode_append_clipped(&rd, mid, int128_zero(), win.start);
    render_memory_region(&rd, root, int128_zero(), win, false);
    flatnode_append_clipped(&rd, mid, end, int128_2_64());
    flatnode_unref(mid);
    flatrender_simplify(&rd);

    tree = flatnode_join(lo, flatnode_build(rd.ranges, rd.nr));
    g_free(rd.buf);
    return flatnode_join(tree, hi);
}

static int dirty_window_cmp(const void *a, const void *b)
{
    const AddrRange *x = a, *y = b;

    return int128_lt(x->start, y->start) ? -1 :
           int128_gt(x->start, y->start);
}

/*
 * The view of @root after a transaction that changed only @dirty (see
 * memory_region_mark_dirty()), made from @old, the view of @root before
 * it: the ranges of @old outside the dirty windows are kept, shared with
 * @old, the windows rendered again.  Rendering within a window visits the
 * region tree but skips, at each region, what lies outside; so unmapping
 * one of a thousand blobs renders one blob's window, not a thousand
 * blobs, and copies O(log n) nodes of the view.  The result is the full
 * render, range for range (memory_flatview_check).
 * A new reference to @old if no window concerns @root.
 */
static FlatView *flatview_update(FlatView *old, MemoryRegion *root,
                                 GArray *dirty)
{
    g_autoptr(GArray) wins = g_array_new(false, false, sizeof(AddrRange));
    FlatView *view;
    FlatNode *tree;
    unsigned i, w, n = 0;

    for (i = 0; dirty && i < dirty->len; i++) {
        DirtyWindow *dw = &g_array_index(dirty, DirtyWindow, i);

        if (dw->region == root) {
            g_array_append_val(wins, dw->window);
        }
    }
    if (!wins->len) {
        flatview_ref(old);
        return old;
    }

    /* Sorted, overlapping or touching windows merged. */
    qsort(wins->data, wins->len, sizeof(AddrRange), dirty_window_cmp);
    for (w = 0; w < wins->len; w++) {
        AddrRange *cur = &g_array_index(wins, AddrRange, w);
        AddrRange *last = &g_array_index(wins, AddrRange, n ? n - 1 : 0);

        if (n && int128_le(cur->start, addrrange_end(*last))) {
            Int128 end = int128_max(addrrange_end(*last),
                                    addrrange_end(*cur));

            last->size = int128_sub(end, last->start);
        } else {
            g_array_index(wins, AddrRange, n++) = *cur;
        }
    }

    view = flatview_new(root);
    tree = flatnode_ref(old->ranges);
    for (w = 0; w < n; w++) {
        tree = flatview_render_window(tree, root,
                                      g_array_index(wins, AddrRange, w));
    }
    view->ranges = tree;
    view->base = old;
    view->nr_wins = n;
    view->wins = g_memdup2(wins->data, n * sizeof(AddrRange));
    view->round = memory_commit_round;
    return view;
}

FlatRange *flatview_lookup(FlatView *fv, hwaddr addr, Int128 *next)
{
    Int128 a = int128_make64(addr);
    FlatRange *fr = flatview_find(fv, a);

    if (fr && int128_le(fr->addr.start, a)) {
        return fr;
    }
    if (next) {
        *next = fr ? fr->addr.start : int128_2_64();
    }
    return NULL;
}

/* Listeners */

static MemoryRegionSection section_from_flat_range(FlatRange *fr,
                                                   FlatView *fv)
{
    return (MemoryRegionSection) {
        .mr = fr->mr,
        .fv = fv,
        .offset_within_region = fr->offset_in_region,
        .size = fr->addr.size,
        .offset_within_address_space = int128_get64(fr->addr.start),
        .readonly = fr->readonly,
    };
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr &&
        int128_eq(a->addr.start, b->addr.start) &&
        int128_eq(a->addr.size, b->addr.size) &&
        a->offset_in_region == b->offset_in_region &&
        a->readonly == b->readonly;
}

static bool flatview_equal(FlatView *a, FlatView *b)
{
    FlatRange *x = flatview_first(a), *y = flatview_first(b);

    if (flatview_nr_ranges(a) != flatview_nr_ranges(b)) {
        return false;
    }
    for (; x && y; x = flatview_next(a, x), y = flatview_next(b, y)) {
        if (!flatrange_equal(x, y)) {
            return false;
        }
    }
    return !x && !y;
}

/* Call @callback of every listener of @as, by priority. */
static void memory_listener_call_section(AddressSpace *as, bool reverse,
                                         size_t callback,
                                         MemoryRegionSection *section)
{
    typedef void Callback(MemoryListener *, MemoryRegionSection *);
    MemoryListener *l;

    if (reverse) {
        QTAILQ_FOREACH_REVERSE(l, &as->listeners, link_as) {
            Callback *fn = *(Callback **)((char *)l + callback);

            if (fn) {
                fn(l, section);
            }
        }
    } else {
        QTAILQ_FOREACH(l, &as->listeners, link_as) {
            Callback *fn = *(Callback **)((char *)l + callback);

            if (fn) {
                fn(l, section);
            }
        }
    }
}

#define MEMORY_LISTENER_UPDATE_REGION(fr, fv, as, reverse, callback)     \
    do {                                                                \
        MemoryRegionSection _section = section_from_flat_range(fr, fv); \
        memory_listener_call_section(as, reverse,                       \
                                     offsetof(MemoryListener, callback), \
                                     &_section);                        \
    } while (0)

static void memory_listener_call_global_begin(void)
{
    MemoryListener *l;

    QTAILQ_FOREACH(l, &memory_listeners, link) {
        if (l->begin) {
            l->begin(l);
        }
    }
}

static void memory_listener_call_global_commit(void)
{
    MemoryListener *l;

    QTAILQ_FOREACH(l, &memory_listeners, link) {
        if (l->commit) {
            l->commit(l);
        }
    }
}

/*
 * Walk @old and @new (both sorted) in step.  The first pass (!adding)
 * reports what disappeared or changed, the second what appeared or stayed,
 * so a listener never sees two sections overlap.
 */
static void address_space_update_topology_pass(AddressSpace *as,
                                               FlatView *old, FlatView *new,
                                               bool adding, AddrRange span)
{
    Int128 end = addrrange_end(span);
    FlatRange *frold = flatview_find(old, span.start);
    FlatRange *frnew = flatview_find(new, span.start);

    for (;;) {
        if (frold && !int128_lt(frold->addr.start, end)) {
            frold = NULL;
        }
        if (frnew && !int128_lt(frnew->addr.start, end)) {
            frnew = NULL;
        }
        if (!frold && !frnew) {
            break;
        }

        if (frold &&
            (!frnew ||
             int128_lt(frold->addr.start, frnew->addr.start) ||
             (int128_eq(frold->addr.start, frnew->addr.start) &&
              !flatrange_equal(frold, frnew)))) {
            /* Only in old, or changed. */
            if (!adding) {
                MEMORY_LISTENER_UPDATE_REGION(frold, old, as, true,
                                              region_del);
            }
            frold = flatview_next(old, frold);
        } else if (frold && frnew && flatrange_equal(frold, frnew)) {
            if (adding) {
                MEMORY_LISTENER_UPDATE_REGION(frnew, new, as, false,
                                              region_nop);
            }
            frold = flatview_next(old, frold);
            frnew = flatview_next(new, frnew);
        } else {
            /* Only in new. */
            if (adding) {
                MEMORY_LISTENER_UPDATE_REGION(frnew, new, as, false,
                                              region_add);
            }
            frnew = flatview_next(new, frnew);
        }
    }
}

/* Grow @span until no range of @view crosses its bounds. */
static bool flatview_span_close(FlatView *view, AddrRange *span)
{
    Int128 end = addrrange_end(*span);
    bool grown = false;
    FlatRange *fr = flatview_find(view, span->start);

    if (fr && int128_lt(fr->addr.start, span->start)) {
        span->start = fr->addr.start;
        grown = true;
    }
    fr = flatview_find(view, int128_sub(end, int128_one()));
    if (fr && int128_lt(fr->addr.start, end) &&
        int128_gt(flatrange_end(fr), end)) {
        end = flatrange_end(fr);
        grown = true;
    }
    span->size = int128_sub(end, span->start);
    return grown;
}

/*
 * The spans of @old and @new that differ, for @new made from @old in place
 * in this commit round: each window, widened to whole ranges of both views
 * (a range next to a window may have merged with what was rendered in
 * it), overlapping spans merged.  Outside them the views match range for
 * range, so listeners need not walk there.
 */
static GArray *flatview_changed_spans(FlatView *old, FlatView *new)
{
    GArray *spans = g_array_new(false, false, sizeof(AddrRange));
    unsigned w;

    for (w = 0; w < new->nr_wins; w++) {
        AddrRange span = new->wins[w];

        while (flatview_span_close(old, &span) |
               flatview_span_close(new, &span)) {
            /* until neither view has a range across the bounds */
        }
        if (spans->len) {
            AddrRange *last = &g_array_index(spans, AddrRange,
                                             spans->len - 1);

            if (int128_le(span.start, addrrange_end(*last))) {
                Int128 e = int128_max(addrrange_end(*last),
                                      addrrange_end(span));

                last->size = int128_sub(e, last->start);
                continue;
            }
        }
        g_array_append_val(spans, span);
    }
    return spans;
}

/* @fr, or the first range of @view after it that starts outside @spans. */
static FlatRange *flatview_skip_spans(FlatView *view, FlatRange *fr,
                                      GArray *spans)
{
    for (; fr; fr = flatview_next(view, fr)) {
        Int128 start = fr->addr.start;
        unsigned s;

        for (s = 0; s < spans->len; s++) {
            AddrRange *sp = &g_array_index(spans, AddrRange, s);

            if (int128_ge(start, sp->start) &&
                int128_lt(start, addrrange_end(*sp))) {
                break;
            }
        }
        if (s == spans->len) {
            break;
        }
    }
    return fr;
}

/* For memory_flatview_check: @old and @new match outside @spans. */
static bool flatview_equal_outside(FlatView *old, FlatView *new,
                                   GArray *spans)
{
    FlatRange *x = flatview_first(old), *y = flatview_first(new);

    for (;;) {
        x = flatview_skip_spans(old, x, spans);
        y = flatview_skip_spans(new, y, spans);
        if (!x || !y) {
            return !x && !y;
        }
        if (!flatrange_equal(x, y)) {
            return false;
        }
        x = flatview_next(old, x);
        y = flatview_next(new, y);
    }
}

/* Whether a listener of @as wants region_nop for every unchanged range. */
static bool address_space_wants_nop(AddressSpace *as)
{
    MemoryListener *l;

    QTAILQ_FOREACH(l, &as->listeners, link_as) {
        if (l->region_nop) {
            return true;
        }
    }
    return false;
}

/*
 * Tell the listeners of @as what changed from @old to @new.  When @new was
 * made from @old in place, only the spans around the windows rendered
 * again are walked (unless a listener wants region_nop for everything):
 * with a thousand blobs mapped, unmapping one then costs a walk over a
 * few ranges, not two over a thousand.
 */
static void address_space_update_topology(AddressSpace *as, FlatView *old,
                                          FlatView *new)
{
    AddrRange all = addrrange_make(int128_zero(), int128_2_64());
    g_autoptr(GArray) spans = NULL;
    unsigned i;

    if (new->base != old || new->round != memory_commit_round ||
        address_space_wants_nop(as)) {
        address_space_update_topology_pass(as, old, new, false, all);
        address_space_update_topology_pass(as, old, new, true, all);
        return;
    }
    spans = flatview_changed_spans(old, new);
    if (memory_flatview_check) {
        assert(flatview_equal_outside(old, new, spans));
    }
    for (i = 0; i < spans->len; i++) {
        address_space_update_topology_pass(
            as, old, new, false, g_array_index(spans, AddrRange, i));
    }
    for (i = 0; i < spans->len; i++) {
        address_space_update_topology_pass(
            as, old, new, true, g_array_index(spans, AddrRange, i));
    }
}

/*
 * The region that @mr renders as, as QEMU's memory_region_get_flatview_root():
 * an alias of a whole region at offset 0, or a container whose only enabled
 * child sits at offset 0 within it, shows just what that region shows.
 * Address spaces whose roots lead to the same region share one FlatView:
 * every PCI function's bus-master space is a container with one alias of
 * all of system memory, and rendering system memory once rather than
 * once per function keeps a topology change from costing as many renders
 * (each one pass over every mapped blob, say) as there are functions.
 * NULL if @mr shows nothing.
 */
static MemoryRegion *memory_region_get_flatview_root(MemoryRegion *mr)
{
    /* A region's own address and readonly flag apply to all below it. */
    while (mr && mr->enabled && !mr->readonly && !mr->addr) {
        MemoryRegion *next = NULL;

        if (mr->alias) {
            if (!mr->alias_offset && !mr->alias->addr &&
                int128_ge(mr->size, mr->alias->size)) {
                next = mr->alias;
            }
        } else if (!mr->terminates) {
            MemoryRegion *child;
            unsigned found = 0;

            QTAILQ_FOREACH(child, &mr->subregions, subregions_link) {
                if (!child->enabled) {
                    continue;
                }
                if (++found > 1) {
                    next = NULL;
                    break;
                }
                if (!child->addr && int128_ge(mr->size, child->size)) {
                    next = child;
                }
            }
            if (!found) {
                return NULL;
            }
        }
        if (!next) {
            break;
        }
        mr = next;
    }
    return mr && mr->enabled ? mr : NULL;
}

/*
 * Render @as again, or update its view for what @dirty says changed (all
 * of it if @dirty is NULL), or take the view of the same root from
 * @views, this commit's views; tell its listeners, publish, retire the
 * old view.
 */
static void address_space_set_flatview(AddressSpace *as, GHashTable *views,
                                       GArray *dirty)
{
    FlatView *old_view = as->current_map;
    MemoryRegion *root = memory_region_get_flatview_root(as->root);
    FlatView *new_view = views ? g_hash_table_lookup(views, root) : NULL;

    if (new_view) {
        flatview_ref(new_view);
    } else {
        if (old_view && dirty && old_view->root == root) {
            new_view = flatview_update(old_view, root, dirty);
            if (memory_flatview_check) {
                FlatView *full = generate_memory_topology(root);

                assert(flatview_equal(full, new_view));
                flatview_unref(full);
            }
        } else {
            new_view = generate_memory_topology(root);
        }
        if (views) {
            /* The table's reference, dropped at the end of the commit. */
            g_hash_table_insert(views, root, new_view);
            flatview_ref(new_view);
        }
    }

    if (old_view && old_view != new_view &&
        !QTAILQ_EMPTY(&as->listeners)) {
        address_space_update_topology(as, old_view, new_view);
    }

    /* Pairs with qatomic_rcu_read() in address_space_to_flatview(). */
    qatomic_rcu_set(&as->current_map, new_view);

    /*
     * Readers may still be using the old view: flatview_unref() frees it,
     * and drops its region references, only after a grace period.
     */
    if (old_view) {
        flatview_unref(old_view);
    }
}

/* Transactions */

void memory_region_transaction_begin(void)
{
    memory_region_transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    AddressSpace *as;

    assert(memory_region_transaction_depth);
    assert(bql_locked());

    if (--memory_region_transaction_depth ||
        !memory_region_update_pending) {
        return;
    }

    /*
     * Listener callbacks may change the topology themselves (QEMU does not
     * forbid it); keep a transaction open meanwhile so such changes are
     * batched into one more round rather than recursing.
     */
    while (memory_region_update_pending) {
        GHashTable *views = g_hash_table_new_full(
            NULL, NULL, NULL, (GDestroyNotify)flatview_unref);
        /* What listeners change meanwhile goes to the next round. */
        GArray *dirty = dirty_all ? NULL : dirty_windows;

        if (dirty_all && dirty_windows) {
            g_array_free(dirty_windows, true);
        }
        dirty_windows = NULL;
        dirty_all = false;
        memory_region_update_pending = false;
        memory_commit_round++;
        memory_region_transaction_depth++;
        memory_listener_call_global_begin();
        QTAILQ_FOREACH(as, &address_spaces, address_spaces_link) {
            address_space_set_flatview(as, views, dirty);
        }
        memory_listener_call_global_commit();
        memory_region_transaction_depth--;
        g_hash_table_destroy(views);
        if (dirty) {
            g_array_free(dirty, true);
        }
    }
}

/* Topology */

static void subregion_index_add(MemoryRegion *mr, MemoryRegion *subregion)
{
    static uint64_t seq;

    if (!mr->subregions_by_addr) {
        mr->subregions_by_addr = g_sequence_new(NULL);
    }
    subregion->subregion_key.addr = subregion->addr;
    subregion->subregion_key.seq = ++seq;
    subregion->subregion_iter =
        g_sequence_insert_sorted(mr->subregions_by_addr,
                                 &subregion->subregion_key,
                                 subregion_key_cmp, NULL);
    mr->subregions_max_size = int128_max(mr->subregions_max_size,
                                         subregion->size);
}

static void subregion_index_del(MemoryRegion *subregion)
{
    /* By its place, not its key: a moved region has its new address. */
    g_sequence_remove(subregion->subregion_iter);
    subregion->subregion_iter = NULL;
}

static void memory_region_update_container_subregions(MemoryRegion *subregion)
{
    MemoryRegion *mr = subregion->container;
    MemoryRegion *other;

    memory_region_transaction_begin();

    /* The container's reference; dropped in memory_region_del_subregion. */
    memory_region_ref(subregion);

    /*
     * Keep the list ordered winners first: by decreasing priority, and a
     * newcomer before existing equals, so the latest added wins.
     */
    QTAILQ_FOREACH(other, &mr->subregions, subregions_link) {
        if (subregion->priority >= other->priority) {
            QTAILQ_INSERT_BEFORE(other, subregion, subregions_link);
            goto done;
        }
    }
    QTAILQ_INSERT_TAIL(&mr->subregions, subregion, subregions_link);
done:
    subregion_index_add(mr, subregion);
    memory_region_mark_dirty(subregion);
    memory_region_update_pending |= mr->enabled && subregion->enabled;
    memory_region_transaction_commit();
}

static void memory_region_add_subregion_common(MemoryRegion *mr,
                                               hwaddr offset,
                                               MemoryRegion *subregion)
{
    assert(!subregion->container);
    subregion->container = mr;
    subregion->addr = offset;
    memory_region_update_container_subregions(subregion);
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    subregion->priority = 0;
    memory_region_add_subregion_common(mr, offset, subregion);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    subregion->priority = priority;
    memory_region_add_subregion_common(mr, offset, subregion);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    memory_region_transaction_begin();
    assert(subregion->container == mr);
    memory_region_mark_dirty(subregion);
    subregion->container = NULL;
    QTAILQ_REMOVE(&mr->subregions, subregion, subregions_link);
    subregion_index_del(subregion);
    /*
     * The container's reference.  FlatViews still showing the region
     * hold their own, so it stays alive for their readers.
     */
    memory_region_unref(subregion);
    memory_region_update_pending |= mr->enabled && subregion->enabled;
    memory_region_transaction_commit();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (enabled == mr->enabled) {
        return;
    }
    memory_region_transaction_begin();
    mr->enabled = enabled;
    memory_region_mark_dirty(mr);
    memory_region_update_pending = true;
    memory_region_transaction_commit();
}

/* Remove and add again: a moved region counts as the latest added. */
static void memory_region_readd_subregion(MemoryRegion *mr)
{
    MemoryRegion *container = mr->container;

    if (container) {
        memory_region_transaction_begin();
        /* Keep the region's owner alive while it is out of the list. */
        memory_region_ref(mr);
        memory_region_del_subregion(container, mr);
        memory_region_add_subregion_common(container, mr->addr, mr);
        memory_region_unref(mr);
        memory_region_transaction_commit();
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (addr != mr->addr) {
        /* Where it was; memory_region_readd_subregion() marks the rest. */
        memory_region_mark_dirty(mr);
        mr->addr = addr;
        memory_region_readd_subregion(mr);
    }
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    Int128 s = size == UINT64_MAX ? int128_2_64() : int128_make64(size);

    if (int128_eq(s, mr->size)) {
        return;
    }
    /* A RAM region cannot grow past its host memory. */
    assert(!mr->ram_block || size <= mr->ram_block->used_length);
    memory_region_transaction_begin();
    memory_region_mark_dirty(mr);
    mr->size = s;
    if (mr->container) {
        mr->container->subregions_max_size =
            int128_max(mr->container->subregions_max_size, s);
    }
    memory_region_mark_dirty(mr);
    memory_region_update_pending = true;
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->alias);
    if (offset == mr->alias_offset) {
        return;
    }
    memory_region_transaction_begin();
    mr->alias_offset = offset;
    memory_region_mark_dirty(mr);
    memory_region_update_pending |= mr->enabled;
    memory_region_transaction_commit();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    memory_region_transaction_begin();
    mr->readonly = readonly;
    memory_region_mark_dirty(mr);
    memory_region_update_pending |= mr->enabled;
    memory_region_transaction_commit();
}

/* Listener registration */

static void listener_add_address_space(MemoryListener *listener,
                                       AddressSpace *as)
{
    FlatView *view = as->current_map;
    FlatRange *fr;

    if (listener->begin) {
        listener->begin(listener);
    }
    if (listener->region_add) {
        for (fr = flatview_first(view); fr; fr = flatview_next(view, fr)) {
            MemoryRegionSection section = section_from_flat_range(fr, view);

            listener->region_add(listener, &section);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
}

static void listener_del_address_space(MemoryListener *listener,
                                       AddressSpace *as)
{
    FlatView *view = as->current_map;
    FlatRange *fr;

    if (listener->begin) {
        listener->begin(listener);
    }
    if (listener->region_del) {
        for (fr = flatview_first(view); fr; fr = flatview_next(view, fr)) {
            MemoryRegionSection section = section_from_flat_range(fr, view);

            listener->region_del(listener, &section);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    MemoryListener *other;

    assert(!listener->address_space);
    listener->address_space = as;

    /* Both lists by increasing priority, equals in registration order. */
    QTAILQ_FOREACH(other, &memory_listeners, link) {
        if (listener->priority < other->priority) {
            break;
        }
    }
    if (other) {
        QTAILQ_INSERT_BEFORE(other, listener, link);
    } else {
        QTAILQ_INSERT_TAIL(&memory_listeners, listener, link);
    }

    QTAILQ_FOREACH(other, &as->listeners, link_as) {
        if (listener->priority < other->priority) {
            break;
        }
    }
    if (other) {
        QTAILQ_INSERT_BEFORE(other, listener, link_as);
    } else {
        QTAILQ_INSERT_TAIL(&as->listeners, listener, link_as);
    }

    /* A new listener first learns what is already there. */
    listener_add_address_space(listener, as);
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;

    if (!as) {
        return;
    }
    listener_del_address_space(listener, as);
    QTAILQ_REMOVE(&memory_listeners, listener, link);
    QTAILQ_REMOVE(&as->listeners, listener, link_as);
    listener->address_space = NULL;
}

/* AddressSpaces */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memory_region_ref(root);
    as->root = root;
    as->current_map = NULL;
    as->name = g_strdup(name ? name : "anonymous");
    QTAILQ_INIT(&as->listeners);
    QTAILQ_INSERT_TAIL(&address_spaces, as, address_spaces_link);
    address_space_set_flatview(as, NULL, NULL);
}

/* One grace period after address_space_destroy(), under the BQL. */
static void do_address_space_destroy(AddressSpace *as)
{
    assert(QTAILQ_EMPTY(&as->listeners));
    flatview_unref(as->current_map);
    g_free(as->name);
    memory_region_unref(as->root);
}

void address_space_destroy(AddressSpace *as)
{
    MemoryRegion *root = as->root;

    /* Listeners must have unregistered: they may point into @as. */
    assert(QTAILQ_EMPTY(&as->listeners));

    /* Leave racing readers an empty map rather than the old root. */
    memory_region_transaction_begin();
    as->root = NULL;
    memory_region_update_pending = true;
    memory_region_transaction_commit();
    QTAILQ_REMOVE(&address_spaces, as, address_spaces_link);

    /*
     * Readers may still be using the current (empty) view; it and the
     * root reference go after a grace period.
     */
    as->root = root;
    call_rcu(as, do_address_space_destroy, rcu);
}

/* Dispatch of one access to an I/O region */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

/* The target (x86) is little endian: only big-endian devices swap. */
static bool memory_region_big_endian(MemoryRegion *mr)
{
    return mr->ops->endianness == DEVICE_BIG_ENDIAN;
}

static void adjust_endianness(MemoryRegion *mr, uint64_t *val, unsigned size)
{
    if (!memory_region_big_endian(mr)) {
        return;
    }
    switch (size) {
    case 1:
        break;
    case 2:
        *val = __builtin_bswap16(*val);
        break;
    case 4:
        *val = __builtin_bswap32(*val);
        break;
    case 8:
        *val = __builtin_bswap64(*val);
        break;
    default:
        g_assert_not_reached();
    }
}

static bool memory_region_access_valid(MemoryRegion *mr, hwaddr addr,
                                       unsigned size, bool is_write,
                                       MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    const char *reason = NULL;

    if (ops->valid.accepts &&
        !ops->valid.accepts(mr->opaque, addr, size, is_write, attrs)) {
        reason = "rejected";
    } else if (!ops->valid.unaligned && (addr & (size - 1))) {
        reason = "unaligned";
    } else if (ops->valid.max_access_size &&
               (size > ops->valid.max_access_size ||
                size < ops->valid.min_access_size)) {
        /* As in QEMU, max_access_size 0 means any size is valid. */
        reason = "invalid size";
    }
    if (reason) {
        qemu_log_mask(LOG_GUEST_ERROR, "Invalid %s at addr 0x%" HWADDR_PRIX
                      ", size %u, region '%s', reason: %s\n",
                      is_write ? "write" : "read", addr, size,
                      memory_region_name(mr), reason);
        return false;
    }
    return true;
}

unsigned memory_access_size(MemoryRegion *mr, unsigned l, hwaddr addr)
{
    unsigned access_size_max = mr->ops->valid.max_access_size;

    if (!access_size_max) {
        access_size_max = 4;
    }
    /* Cut at the natural alignment of @addr unless the device copes. */
    if (!mr->ops->impl.unaligned) {
        unsigned align_size_max = addr & -addr;

        if (align_size_max != 0 && align_size_max < access_size_max) {
            access_size_max = align_size_max;
        }
    }
    if (l > access_size_max) {
        l = access_size_max;
    }
    /* The largest power of two that fits. */
    return 1u << (31 - __builtin_clz(l));
}

typedef MemTxResult AccessFn(MemoryRegion *mr, hwaddr addr, uint64_t *value,
                             unsigned size, int shift, uint64_t mask,
                             MemTxAttrs attrs);

static MemTxResult memory_region_read_accessor(MemoryRegion *mr, hwaddr addr,
                                               uint64_t *value,
                                               unsigned size, int shift,
                                               uint64_t mask,
                                               MemTxAttrs attrs)
{
    MemTxResult r = MEMTX_OK;
    uint64_t tmp = 0;

    if (mr->ops->read_with_attrs) {
        r = mr->ops->read_with_attrs(mr->opaque, addr, &tmp, size, attrs);
    } else {
        tmp = mr->ops->read(mr->opaque, addr, size);
    }
    if (shift >= 0) {
        *value |= (tmp & mask) << shift;
    } else {
        *value |= (tmp & mask) >> -shift;
    }
    return r;
}

static MemTxResult memory_region_write_accessor(MemoryRegion *mr,
                                                hwaddr addr,
                                                uint64_t *value,
                                                unsigned size, int shift,
                                                uint64_t mask,
                                                MemTxAttrs attrs)
{
    uint64_t tmp;

    if (shift >= 0) {
        tmp = (*value >> shift) & mask;
    } else {
        tmp = (*value << -shift) & mask;
    }
    if (mr->ops->write_with_attrs) {
        return mr->ops->write_with_attrs(mr->opaque, addr, tmp, size, attrs);
    }
    mr->ops->write(mr->opaque, addr, tmp, size);
    return MEMTX_OK;
}

/*
 * Turn one @size-byte access into calls of impl.min..impl.max bytes.
 * Pieces are placed in *@value by their significance in the device's byte
 * order: in a big-endian device the lowest address is the most
 * significant piece.  A narrower access than impl.min is widened and the
 * shift (negative for big endian) picks the requested bytes.
 */
static MemTxResult access_with_adjusted_size(MemoryRegion *mr, hwaddr addr,
                                             uint64_t *value, unsigned size,
                                             MemTxAttrs attrs, AccessFn *fn)
{
    unsigned access_size_min = mr->ops->impl.min_access_size;
    unsigned access_size_max = mr->ops->impl.max_access_size;
    MemReentrancyGuard *guard = mr->dev_reentrancy_guard;
    unsigned access_size;
    MemTxResult r = MEMTX_OK;
    uint64_t access_mask;
    unsigned i;

    /*
     * An access that reaches a device while one of its regions or
     * guarded BHs is running (a DMA or MSI aimed at its own registers)
     * would re-enter code that is not written for it: drop it, as QEMU
     * does.  The device keeps working for later accesses.
     */
    if (mr->disable_reentrancy_guard) {
        guard = NULL;
    }
    if (guard) {
        if (guard->engaged_in_io) {
            qemu_log_mask(LOG_GUEST_ERROR, "Blocked re-entrant IO on "
                          "MemoryRegion: %s at addr: 0x%" HWADDR_PRIX "\n",
                          memory_region_name(mr), addr);
            return MEMTX_ACCESS_ERROR;
        }
        guard->engaged_in_io = true;
    }

    if (!access_size_min) {
        access_size_min = 1;
    }
    if (!access_size_max) {
        access_size_max = 4;
    }
    access_size = MAX(MIN(size, access_size_max), access_size_min);
    access_mask = size_mask(access_size);

    for (i = 0; i < size; i += access_size) {
        int shift;

        if (memory_region_big_endian(mr)) {
            shift = ((int)size - (int)access_size - (int)i) * 8;
        } else {
            shift = i * 8;
        }
        r |= fn(mr, addr + i, value, access_size, shift, access_mask, attrs);
    }
    if (guard) {
        guard->engaged_in_io = false;
    }
    return r;
}

/*
 * Device callbacks expect the BQL unless the region opted out; a caller
 * without it (a vCPU thread, later) takes it for the duration.
 */
static bool prepare_mmio_access(MemoryRegion *mr)
{
    if (mr->global_locking && !bql_locked()) {
        bql_lock();
        return true;
    }
    return false;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs)
{
    MemTxResult r;
    bool unlock;

    if (!memory_region_access_valid(mr, addr, size, false, attrs)) {
        *pval = unassigned_mem_read(mr->opaque, addr, size);
        return MEMTX_DECODE_ERROR;
    }

    unlock = prepare_mmio_access(mr);
    *pval = 0;
    r = access_with_adjusted_size(mr, addr, pval, size, attrs,
                                  memory_region_read_accessor);
    if (unlock) {
        bql_unlock();
    }
    *pval &= size_mask(size);
    adjust_endianness(mr, pval, size);
    return r;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    MemTxResult r;
    bool unlock;

    if (!memory_region_access_valid(mr, addr, size, true, attrs)) {
        return MEMTX_DECODE_ERROR;
    }

    data &= size_mask(size);
    adjust_endianness(mr, &data, size);
    unlock = prepare_mmio_access(mr);
    r = access_with_adjusted_size(mr, addr, &data, size, attrs,
                                  memory_region_write_accessor);
    if (unlock) {
        bql_unlock();
    }
    return r;
}
