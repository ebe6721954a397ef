/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory API: FlatView rendering (priorities, aliases, enable,
 * nesting, transactions), dispatch to RAM and I/O regions (splitting,
 * byte swapping, invalid and unassigned accesses), listeners, ownership
 * and the RCU lifetime of a region removed while readers use the map.
 *
 * The main thread holds the BQL throughout, as QEMU's main loop does when
 * it changes the memory map; it drops it only where another thread needs
 * it.  Each test builds its map in a private AddressSpace and tears it
 * down with fixture_fini().
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "exec/address-spaces.h"
#include "exec/ioport.h"
#include "exec/memory.h"
#include "exec/memory-internal.h"

#define ATTRS MEMTXATTRS_UNSPECIFIED

static QemuThread main_thread;

/* Fixture: a private address space and the regions a test made. */

typedef struct Fixture {
    MemoryRegion *root;
    AddressSpace as;
    GPtrArray *regions;
} Fixture;

static Fixture fx;

static MemoryRegion *track(MemoryRegion *mr)
{
    /* Ownerless and named: /machine/unattached holds the reference. */
    OBJECT(mr)->free = g_free;
    g_ptr_array_add(fx.regions, mr);
    return mr;
}

static MemoryRegion *t_container(const char *name, uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    memory_region_init(mr, NULL, name, size);
    return track(mr);
}

static MemoryRegion *t_ram(const char *name, uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    g_assert_true(memory_region_init_ram(mr, NULL, name, size,
                                         &error_abort));
    return track(mr);
}

static MemoryRegion *t_io(const char *name, const MemoryRegionOps *ops,
                          void *opaque, uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    memory_region_init_io(mr, NULL, ops, opaque, name, size);
    return track(mr);
}

static MemoryRegion *t_alias(const char *name, MemoryRegion *orig,
                             hwaddr offset, uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    memory_region_init_alias(mr, NULL, name, orig, offset, size);
    return track(mr);
}

static void fixture_init(uint64_t size)
{
    fx.regions = g_ptr_array_new();
    fx.root = t_container("root", size);
    address_space_init(&fx.as, fx.root, "test");
}

static void fixture_fini(void)
{
    unsigned i;

    address_space_destroy(&fx.as);
    /*
     * The first drain runs the AddressSpace's destruction, which queues
     * the release of its last FlatView; the second runs that.  Only then
     * does nothing point at our regions any more.
     */
    drain_call_rcu();
    drain_call_rcu();

    /* Containers were made before what they contain: parents go first. */
    for (i = 0; i < fx.regions->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(fx.regions, i);

        if (mr->container) {
            memory_region_del_subregion(mr->container, mr);
        }
        object_unparent(OBJECT(mr));
    }
    g_ptr_array_free(fx.regions, true);
    fx.regions = NULL;
    drain_call_rcu();
}

/* The map as a string, through a listener's replay. */

typedef struct MapRec {
    MemoryListener l;
    GString *str;
} MapRec;

static void map_str_add(MemoryListener *l, MemoryRegionSection *s)
{
    GString *str = container_of(l, MapRec, l)->str;
    uint64_t start = s->offset_within_address_space;
    uint64_t last = start + int128_get64(int128_sub(s->size,
                                                    int128_one()));

    g_string_append_printf(str, "%s%s[%" PRIx64 "-%" PRIx64 "+%" PRIx64
                           "%s]", str->len ? " " : "",
                           memory_region_name(s->mr), start, last,
                           s->offset_within_region,
                           s->readonly ? " ro" : "");
}

static char *map_str(AddressSpace *as)
{
    MapRec rec = {
        .l = { .region_add = map_str_add, .name = "map-str" },
        .str = g_string_new(NULL),
    };

    memory_listener_register(&rec.l, as);
    memory_listener_unregister(&rec.l);
    return g_string_free(rec.str, false);
}

#define assert_map(expected)                        \
    do {                                            \
        g_autofree char *_m = map_str(&fx.as);      \
        g_assert_cmpstr(_m, ==, (expected));        \
    } while (0)

/* The map starts with @expected. */
#define assert_map_has(expected)                    \
    do {                                            \
        g_autofree char *_m = map_str(&fx.as);      \
        g_assert_true(g_str_has_prefix(_m, (expected))); \
    } while (0)

/* A test device: byte registers plus a trace of the calls it got. */

typedef struct TestDev {
    uint8_t regs[64];
    bool big_endian;
    GString *trace;
    bool saw_bql;
    bool saw_no_bql;
} TestDev;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;
    uint64_t val = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned shift = d->big_endian ? (size - 1 - i) * 8 : i * 8;

        val |= (uint64_t)d->regs[(addr + i) % sizeof(d->regs)] << shift;
    }
    g_string_append_printf(d->trace, "r%u@%" PRIx64 " ", size, addr);
    if (bql_locked()) {
        d->saw_bql = true;
    } else {
        d->saw_no_bql = true;
    }
    return val;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    TestDev *d = opaque;
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned shift = d->big_endian ? (size - 1 - i) * 8 : i * 8;

        d->regs[(addr + i) % sizeof(d->regs)] = val >> shift;
    }
    g_string_append_printf(d->trace, "w%u@%" PRIx64 "=%" PRIx64 " ", size,
                           addr, val);
}

static TestDev *dev_new(void)
{
    TestDev *d = g_new0(TestDev, 1);
    unsigned i;

    for (i = 0; i < sizeof(d->regs); i++) {
        d->regs[i] = 0x10 + i;
    }
    d->trace = g_string_new(NULL);
    return d;
}

static void dev_free(TestDev *d)
{
    g_string_free(d->trace, true);
    g_free(d);
}

/* Returns and clears the trace. */
static char *dev_trace(TestDev *d)
{
    char *s = g_strdup(d->trace->str);

    g_string_truncate(d->trace, 0);
    if (s[0]) {
        s[strlen(s) - 1] = '\0';
    }
    return s;
}

#define assert_trace(d, expected)                   \
    do {                                            \
        g_autofree char *_t = dev_trace(d);         \
        g_assert_cmpstr(_t, ==, (expected));        \
    } while (0)

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* Rendering */

static void test_priority(void)
{
    TestDev *d = dev_new();
    MemoryRegion *a, *b, *c;

    fixture_init(0x10000);
    a = t_ram("a", 0x4000);
    b = t_io("b", &dev_ops, d, 0x1000);
    c = t_ram("c", 0x1000);

    memory_region_add_subregion(fx.root, 0, a);
    assert_map("a[0-3fff+0]");

    /* Higher priority wins over a. */
    memory_region_add_subregion_overlap(fx.root, 0x1000, b, 1);
    assert_map("a[0-fff+0] b[1000-1fff+0] a[2000-3fff+2000]");

    /* c loses to b but, added after a at the same priority, beats a. */
    memory_region_add_subregion_overlap(fx.root, 0x1800, c, 0);
    assert_map("a[0-fff+0] b[1000-1fff+0] c[2000-27ff+800] "
               "a[2800-3fff+2800]");

    /* Without b, c shows from its start. */
    memory_region_del_subregion(fx.root, b);
    assert_map("a[0-17ff+0] c[1800-27ff+0] a[2800-3fff+2800]");

    fixture_fini();
    dev_free(d);
}

static void test_equal_priority(void)
{
    MemoryRegion *x, *y;

    fixture_init(0x10000);
    x = t_ram("x", 0x2000);
    y = t_ram("y", 0x2000);

    memory_region_add_subregion_overlap(fx.root, 0, x, 0);
    memory_region_add_subregion_overlap(fx.root, 0x1000, y, 0);
    assert_map("x[0-fff+0] y[1000-2fff+0]");

    /* Moving x re-adds it: it is now the latest and wins the overlap. */
    memory_region_set_address(x, 0x800);
    assert_map("x[800-27ff+0] y[2800-2fff+1800]");

    /* Negative priorities lose to 0. */
    memory_region_del_subregion(fx.root, x);
    memory_region_add_subregion_overlap(fx.root, 0, x, -1);
    assert_map("x[0-fff+0] y[1000-2fff+0]");

    fixture_fini();
}

static void test_alias(void)
{
    MemoryRegion *ram, *win, *big;
    uint8_t *host;
    uint8_t buf[4];

    fixture_init(0x10000);
    ram = t_ram("ram", 0x1000);
    host = memory_region_get_ram_ptr(ram);
    host[0x800] = 0x5a;
    host[0x100] = 0xa5;

    win = t_alias("win", ram, 0x800, 0x400);
    memory_region_add_subregion(fx.root, 0x5000, win);
    /* The FlatView shows the target region, not the alias. */
    assert_map("ram[5000-53ff+800]");
    g_assert_true(memory_region_get_ram_ptr(win) == host + 0x800);
    g_assert_cmpuint(ldub_phys(&fx.as, 0x5000), ==, 0x5a);

    memory_region_set_alias_offset(win, 0x100);
    assert_map("ram[5000-53ff+100]");
    g_assert_cmpuint(ldub_phys(&fx.as, 0x5000), ==, 0xa5);

    /* An alias larger than what remains of its target is clipped. */
    big = t_alias("big", ram, 0xc00, 0x1000);
    memory_region_add_subregion(fx.root, 0x8000, big);
    assert_map("ram[5000-53ff+100] ram[8000-83ff+c00]");
    g_assert_cmpint(address_space_read(&fx.as, 0x83fe, ATTRS, buf, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpuint(buf[2], ==, 0);

    /* Disabling the target hides it through every alias. */
    memory_region_set_enabled(ram, false);
    assert_map("");
    memory_region_set_enabled(ram, true);

    /* An alias of a container sees the container's subregions. */
    memory_region_del_subregion(fx.root, win);
    memory_region_del_subregion(fx.root, big);
    {
        MemoryRegion *box = t_container("box", 0x4000);
        MemoryRegion *view = t_alias("view", box, 0x1000, 0x2000);

        memory_region_add_subregion(box, 0x1800, win);
        memory_region_add_subregion(fx.root, 0x10000 - 0x2000, view);
        assert_map("ram[e800-ebff+100]");
    }

    fixture_fini();
}

/*
 * Many regions in one container, added in increasing and in decreasing
 * address order, so that the FlatView grows and takes ranges at its
 * front, back and middle; then some removed and one put over the rest.
 */
/*
 * An update copies only the paths to what changed: unmapping one of 1024
 * regions makes O(log n) nodes, and the view before it, which a reader
 * may still hold, shows every range as it was.
 */
static void test_node_sharing(void)
{
    enum { N = 1024 };
    MemoryRegion *mr[N];
    FlatView *before, *after;
    uint64_t made;
    unsigned height, i;
    char name[16];

    fixture_init(N * 0x100);
    for (i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "r%u", i);
        mr[i] = t_ram(name, 0x100);
        memory_region_add_subregion(fx.root, i * 0x100, mr[i]);
    }
    before = address_space_get_flatview(&fx.as);
    g_assert_cmpuint(flatview_nr_ranges(before), ==, N);
    height = flatview_height(before);
    /* A treap of random priorities: about 2.5 log2(n) high, seldom more. */
    g_assert_cmpuint(height, <=, 4 * 10);

    /* No full render for the check here: it would count n nodes. */
    memory_flatview_check = false;
    made = memory_flatnodes_made;
    memory_region_del_subregion(fx.root, mr[N / 2]);
    after = address_space_get_flatview(&fx.as);
    g_assert_true(after != before);
    g_assert_cmpuint(flatview_nr_ranges(after), ==, N - 1);
    /* Two splits and two joins, each a path from the root at most. */
    g_assert_cmpuint(memory_flatnodes_made - made, <=, 4 * height);

    made = memory_flatnodes_made;
    memory_region_transaction_begin();
    memory_region_set_enabled(mr[10], false);
    memory_region_set_enabled(mr[N - 10], false);
    memory_region_transaction_commit();
    g_assert_cmpuint(memory_flatnodes_made - made, <=, 2 * 4 * height);
    memory_flatview_check = true;

    for (i = 0; i < N; i++) {
        FlatRange *fr = flatview_lookup(before, i * 0x100 + 0x80, NULL);

        g_assert_nonnull(fr);
        g_assert_true(fr->mr == mr[i]);
        g_assert_cmpuint(int128_get64(fr->addr.start), ==, i * 0x100);
        fr = flatview_lookup(after, i * 0x100 + 0x80, NULL);
        g_assert_true(i == N / 2 ? !fr : fr && fr->mr == mr[i]);
    }
    g_assert_null(flatview_lookup(address_space_to_flatview(&fx.as),
                                  10 * 0x100, NULL));
    flatview_unref(before);
    flatview_unref(after);
    fixture_fini();
}

typedef struct RangeWalk {
    GString *seen;
    unsigned stop_after;
} RangeWalk;

static bool range_walk_cb(Int128 start, Int128 len, const MemoryRegion *mr,
                          hwaddr offset, void *opaque)
{
    RangeWalk *w = opaque;

    g_string_append_printf(w->seen, "%s%s@%" PRIx64 "+%" PRIx64 ":%" PRIx64,
                           w->seen->len ? " " : "", mr->name,
                           int128_get64(start), int128_get64(len), offset);
    return !--w->stop_after;
}

/* flatview_for_each_range() goes by address and stops when asked. */
static void test_for_each_range(void)
{
    RangeWalk w = { g_string_new(NULL), 100 };
    MemoryRegion *a, *b, *c;
    FlatView *fv;

    fixture_init(0x10000);
    a = t_ram("a", 0x1000);
    b = t_ram("b", 0x100);
    c = t_ram("c", 0x100);
    memory_region_add_subregion(fx.root, 0x4000, c);
    memory_region_add_subregion(fx.root, 0x1000, a);
    memory_region_add_subregion_overlap(fx.root, 0x1800, b, 1);
    fv = address_space_get_flatview(&fx.as);

    flatview_for_each_range(fv, range_walk_cb, &w);
    g_assert_cmpstr(w.seen->str, ==,
                    "a@1000+800:0 b@1800+100:0 a@1900+700:900 c@4000+100:0");
    g_string_truncate(w.seen, 0);
    w.stop_after = 2;
    flatview_for_each_range(fv, range_walk_cb, &w);
    g_assert_cmpstr(w.seen->str, ==, "a@1000+800:0 b@1800+100:0");

    flatview_unref(fv);
    g_string_free(w.seen, true);
    fixture_fini();
}

static void test_many(void)
{
    GString *expected = g_string_new(NULL);
    MemoryRegion *mr[300], *top, *eq;
    char name[16];
    int i;

    fixture_init(0x100000);
    for (i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "r%d", i);
        mr[i] = t_ram(name, 0x100);
    }
    /* The first half from the bottom up, the second from the top down. */
    for (i = 0; i < 150; i++) {
        memory_region_add_subregion(fx.root, i * 0x100, mr[i]);
    }
    for (i = 299; i >= 150; i--) {
        memory_region_add_subregion(fx.root, i * 0x100, mr[i]);
    }
    for (i = 0; i < 300; i++) {
        g_string_append_printf(expected, "%sr%d[%x-%x+0]", i ? " " : "", i,
                               i * 0x100, i * 0x100 + 0xff);
    }
    assert_map(expected->str);

    /* Every third one gone; one region over 0x8080-0x1007f wins. */
    g_string_truncate(expected, 0);
    for (i = 0; i < 300; i += 3) {
        memory_region_del_subregion(fx.root, mr[i]);
    }
    top = t_ram("top", 0x8000);
    memory_region_add_subregion_overlap(fx.root, 0x8080, top, 1);
    for (i = 0; i < 300; i++) {
        unsigned start = i * 0x100, last = start + 0xff;

        if (i % 3 == 0 || (start >= 0x8080 && last <= 0x1007f)) {
            continue;
        }
        if (start < 0x8080 && last >= 0x8080) {
            /* Cut by top, which follows. */
            g_string_append_printf(expected, " r%d[%x-807f+0]", i, start);
            g_string_append(expected, " top[8080-1007f+0]");
        } else if (start <= 0x1007f && last > 0x1007f) {
            g_string_append_printf(expected, " r%d[10080-%x+%x]", i, last,
                                   0x10080 - start);
        } else {
            g_string_append_printf(expected, " r%d[%x-%x+0]", i, start,
                                   last);
        }
    }
    g_string_erase(expected, 0, 1);
    assert_map(expected->str);

    /*
     * Windows of one region each, re-rendered from the address index
     * (checked against full renders by memory_flatview_check): an equal
     * priority newcomer over r1-r2 wins, a moved one wins where it lands,
     * one that shrinks and grows back.
     */
    eq = t_ram("eq", 0x100);
    memory_region_add_subregion(fx.root, 0x180, eq);
    memory_region_set_address(mr[4], 0x180);
    memory_region_set_size(mr[5], 0x80);
    memory_region_set_size(mr[5], 0x100);
    memory_region_set_enabled(mr[4], false);
    memory_region_set_enabled(mr[4], true);
    memory_region_del_subregion(fx.root, eq);
    assert_map_has("r1[100-17f+0] r4[180-27f+0] r2[280-2ff+80]");

    g_string_free(expected, true);
    fixture_fini();
}

/*
 * Address spaces whose roots show the same region share one FlatView, as
 * in QEMU: here a PCI-style bus-master space, a container with one alias
 * of all of the fixture's root.  An alias at an offset, a read-only one,
 * or a second region in the container make a view of their own.
 */
static void test_shared_view(void)
{
    MemoryRegion *ram, *bm, *whole, *shifted, *extra;
    AddressSpace bm_as;

    fixture_init(0x10000);
    ram = t_ram("ram", 0x1000);
    memory_region_add_subregion(fx.root, 0x2000, ram);
    bm = t_container("bm", 0x10000);
    whole = t_alias("whole", fx.root, 0, 0x10000);
    memory_region_add_subregion(bm, 0, whole);
    address_space_init(&bm_as, bm, "bm");

    /* After a commit both are rendered once. */
    memory_region_set_enabled(ram, false);
    memory_region_set_enabled(ram, true);
    WITH_RCU_READ_LOCK_GUARD() {
        g_assert_true(address_space_to_flatview(&bm_as) ==
                      address_space_to_flatview(&fx.as));
    }
    stb_phys(&fx.as, 0x2010, 0x42);
    g_assert_cmpuint(ldub_phys(&bm_as, 0x2010), ==, 0x42);

    /* Read-only: writes through bm are dropped, so not the same view. */
    memory_region_set_readonly(whole, true);
    WITH_RCU_READ_LOCK_GUARD() {
        g_assert_true(address_space_to_flatview(&bm_as) !=
                      address_space_to_flatview(&fx.as));
    }
    stb_phys(&bm_as, 0x2010, 0x43);
    g_assert_cmpuint(ldub_phys(&fx.as, 0x2010), ==, 0x42);
    memory_region_set_readonly(whole, false);

    /* At an offset the same region is somewhere else. */
    shifted = t_alias("shifted", fx.root, 0x1000, 0xf000);
    memory_region_set_enabled(whole, false);
    memory_region_add_subregion(bm, 0, shifted);
    WITH_RCU_READ_LOCK_GUARD() {
        g_assert_true(address_space_to_flatview(&bm_as) !=
                      address_space_to_flatview(&fx.as));
    }
    g_assert_cmpuint(ldub_phys(&bm_as, 0x1010), ==, 0x42);
    memory_region_del_subregion(bm, shifted);

    /* Two regions in the container: its own view again. */
    memory_region_set_enabled(whole, true);
    extra = t_ram("extra", 0x1000);
    memory_region_add_subregion_overlap(bm, 0x8000, extra, 1);
    WITH_RCU_READ_LOCK_GUARD() {
        g_assert_true(address_space_to_flatview(&bm_as) !=
                      address_space_to_flatview(&fx.as));
    }
    g_assert_cmpuint(ldub_phys(&bm_as, 0x2010), ==, 0x42);
    memory_region_del_subregion(bm, extra);

    address_space_destroy(&bm_as);
    fixture_fini();
}

static void test_enable(void)
{
    MemoryRegion *low, *high, *box, *inner;

    fixture_init(0x10000);
    low = t_ram("low", 0x2000);
    high = t_ram("high", 0x1000);
    box = t_container("box", 0x4000);
    inner = t_ram("inner", 0x1000);

    memory_region_add_subregion_overlap(fx.root, 0, low, 0);
    memory_region_add_subregion_overlap(fx.root, 0x800, high, 1);
    assert_map("low[0-7ff+0] high[800-17ff+0] low[1800-1fff+1800]");

    memory_region_set_enabled(high, false);
    g_assert_false(memory_region_is_enabled(high));
    assert_map("low[0-1fff+0]");
    memory_region_set_enabled(high, true);
    assert_map("low[0-7ff+0] high[800-17ff+0] low[1800-1fff+1800]");

    /* A disabled container hides its children. */
    memory_region_add_subregion(box, 0x100, inner);
    memory_region_add_subregion(fx.root, 0x8000, box);
    assert_map("low[0-7ff+0] high[800-17ff+0] low[1800-1fff+1800] "
               "inner[8100-90ff+0]");
    memory_region_set_enabled(box, false);
    assert_map("low[0-7ff+0] high[800-17ff+0] low[1800-1fff+1800]");

    /* Disabled regions can still be moved about. */
    memory_region_set_address(box, 0xa000);
    memory_region_set_enabled(box, true);
    assert_map("low[0-7ff+0] high[800-17ff+0] low[1800-1fff+1800] "
               "inner[a100-b0ff+0]");

    fixture_fini();
}

static void test_nested(void)
{
    MemoryRegion *outer, *mid, *leaf, *rival, *io;
    TestDev *d = dev_new();

    fixture_init(0x100000);
    outer = t_container("outer", 0x10000);
    mid = t_container("mid", 0x1000);
    leaf = t_ram("leaf", 0x100);
    rival = t_ram("rival", 0x10000);
    io = t_io("io", &dev_ops, d, 0x800);

    memory_region_add_subregion(fx.root, 0x20000, outer);
    memory_region_add_subregion(outer, 0x3000, mid);
    memory_region_add_subregion_overlap(mid, 0x80, leaf, 10);
    assert_map("leaf[23080-2317f+0]");

    /*
     * Priority only orders siblings: leaf's 10 does not help mid, which
     * loses to a priority-1 sibling of outer's.
     */
    memory_region_add_subregion_overlap(fx.root, 0x20000, rival, 1);
    assert_map("rival[20000-2ffff+0]");
    memory_region_del_subregion(fx.root, rival);

    /* A terminating region with subregions: they win, it fills holes. */
    memory_region_del_subregion(mid, leaf);
    memory_region_add_subregion(io, 0x100, leaf);
    memory_region_add_subregion(mid, 0, io);
    assert_map("io[23000-230ff+0] leaf[23100-231ff+0] io[23200-237ff+200]");

    /* A container clips its children. */
    memory_region_set_size(mid, 0x180);
    assert_map("io[23000-230ff+0] leaf[23100-2317f+0]");

    fixture_fini();
    dev_free(d);
}

static void test_full_range(void)
{
    MemoryRegion *top;
    uint64_t v;

    fixture_init(UINT64_MAX);
    g_assert_cmphex(memory_region_size(fx.root), ==, UINT64_MAX);

    /* The last page of the 64-bit space. */
    top = t_ram("top", 0x1000);
    memory_region_add_subregion(fx.root, UINT64_MAX - 0xfff, top);
    assert_map("top[fffffffffffff000-ffffffffffffffff+0]");
    stq_le_phys(&fx.as, UINT64_MAX - 7, 0x0123456789abcdefULL);
    v = ldq_le_phys(&fx.as, UINT64_MAX - 7);
    g_assert_cmphex(v, ==, 0x0123456789abcdefULL);

    /* A region of 2^64 bytes behind it, filling every other address. */
    {
        MemoryRegion *all = t_container("all", UINT64_MAX);
        MemoryRegion *inner = t_ram("inner", 0x1000);

        memory_region_add_subregion(all, 0, inner);
        memory_region_add_subregion_overlap(fx.root, 0, all, -1);
        g_assert_cmphex(memory_region_size(all), ==, UINT64_MAX);
        assert_map("inner[0-fff+0] top[fffffffffffff000-ffffffffffffffff+0]");
    }

    fixture_fini();
}

/* Transactions and listeners */

typedef struct Counter {
    MemoryListener l;
    const char *tag;
    GString *log;   /* shared between counters, to check the order */
    int begins, commits, adds, dels, nops;
} Counter;

static void cnt_begin(MemoryListener *l)
{
    Counter *c = container_of(l, Counter, l);

    c->begins++;
    g_assert_true(bql_locked());
}

static void cnt_commit(MemoryListener *l)
{
    Counter *c = container_of(l, Counter, l);

    c->commits++;
}

static void cnt_log(Counter *c, const char *what, MemoryRegionSection *s)
{
    if (c->log) {
        g_string_append_printf(c->log, "%s%s:%s %s@%" PRIx64,
                               c->log->len ? " " : "", c->tag, what,
                               memory_region_name(s->mr),
                               s->offset_within_address_space);
    }
}

static void cnt_add(MemoryListener *l, MemoryRegionSection *s)
{
    Counter *c = container_of(l, Counter, l);

    c->adds++;
    cnt_log(c, "add", s);
}

static void cnt_del(MemoryListener *l, MemoryRegionSection *s)
{
    Counter *c = container_of(l, Counter, l);

    c->dels++;
    cnt_log(c, "del", s);
}

static void cnt_nop(MemoryListener *l, MemoryRegionSection *s)
{
    Counter *c = container_of(l, Counter, l);

    c->nops++;
    cnt_log(c, "nop", s);
}

static void counter_init(Counter *c, const char *tag, unsigned priority,
                         GString *log)
{
    *c = (Counter) {
        .l = {
            .begin = cnt_begin,
            .commit = cnt_commit,
            .region_add = cnt_add,
            .region_del = cnt_del,
            .region_nop = cnt_nop,
            .priority = priority,
            .name = tag,
        },
        .tag = tag,
        .log = log,
    };
}

static void counter_reset(Counter *c)
{
    c->begins = c->commits = c->adds = c->dels = c->nops = 0;
    if (c->log) {
        g_string_truncate(c->log, 0);
    }
}

/*
 * A listener without region_nop that keeps its own copy of the map from
 * region_add and region_del alone, as KVM's slots do: in-place updates
 * only walk the spans that changed, and the copy must still match.
 */
typedef struct Mirror {
    MemoryListener l;
    GTree *map;     /* start address -> section as map_str() prints it */
} Mirror;

static gint addr_cmp(gconstpointer a, gconstpointer b, gpointer opaque)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static char *section_str(MemoryRegionSection *s)
{
    GString *str = g_string_new(NULL);

    map_str_add(&(MapRec){ .str = str }.l, s);
    return g_string_free(str, false);
}

static void mirror_add(MemoryListener *l, MemoryRegionSection *s)
{
    Mirror *m = container_of(l, Mirror, l);
    uint64_t *key = g_new(uint64_t, 1);

    *key = s->offset_within_address_space;
    g_assert_null(g_tree_lookup(m->map, key));
    g_tree_insert(m->map, key, section_str(s));
}

static void mirror_del(MemoryListener *l, MemoryRegionSection *s)
{
    Mirror *m = container_of(l, Mirror, l);
    g_autofree char *str = section_str(s);
    uint64_t key = s->offset_within_address_space;

    g_assert_cmpstr(g_tree_lookup(m->map, &key), ==, str);
    g_tree_remove(m->map, &key);
}

static gboolean mirror_join(gpointer key, gpointer value, gpointer data)
{
    GString *str = data;

    g_string_append_printf(str, "%s%s", str->len ? " " : "",
                           (char *)value);
    return false;
}

static void assert_mirror(Mirror *m)
{
    g_autoptr(GString) str = g_string_new(NULL);
    g_autofree char *map = map_str(&fx.as);

    g_tree_foreach(m->map, mirror_join, str);
    g_assert_cmpstr(str->str, ==, map);
}

static void test_listener_changed(void)
{
    Mirror m = {
        .l = {
            .region_add = mirror_add,
            .region_del = mirror_del,
            .name = "mirror",
        },
        .map = g_tree_new_full(addr_cmp, NULL, g_free, g_free),
    };
    MemoryRegion *ram, *c, *a[24], *r[20], *over;
    int i;

    fixture_init(0x100000);
    memory_listener_register(&m.l, &fx.as);
    /*
     * 24 aliases of one RAM region side by side render as one range: a
     * change to one of them splits or joins ranges across its window.
     */
    ram = t_ram("ram", 0x30000);
    c = t_container("c", 0x40000);
    memory_region_add_subregion(fx.root, 0x10000, c);
    for (i = 0; i < 24; i++) {
        g_autofree char *name = g_strdup_printf("a%d", i);

        a[i] = t_alias(name, ram, i * 0x2000, 0x2000);
        memory_region_add_subregion(c, i * 0x2000, a[i]);
    }
    assert_mirror(&m);
    assert_map("ram[10000-3ffff+0]");

    memory_region_set_enabled(a[5], false);
    assert_mirror(&m);
    memory_region_set_enabled(a[5], true);
    assert_mirror(&m);

    /* Two windows in one commit. */
    memory_region_transaction_begin();
    memory_region_set_enabled(a[3], false);
    memory_region_set_enabled(a[17], false);
    memory_region_transaction_commit();
    assert_mirror(&m);
    assert_map("ram[10000-15fff+0] ram[18000-31fff+8000] "
               "ram[34000-3ffff+24000]");
    memory_region_transaction_begin();
    memory_region_set_enabled(a[3], true);
    memory_region_set_enabled(a[17], true);
    memory_region_transaction_commit();
    assert_mirror(&m);

    /* Moved out of the row and back; removed and added again. */
    memory_region_set_address(a[10], 0x30000);
    assert_mirror(&m);
    memory_region_set_address(a[10], 0x14000);
    assert_mirror(&m);
    memory_region_del_subregion(c, a[20]);
    assert_mirror(&m);
    memory_region_add_subregion(c, 0x28000, a[20]);
    assert_mirror(&m);
    assert_map("ram[10000-3ffff+0]");

    /* Regions that do not merge: two spans in one commit. */
    for (i = 0; i < 20; i++) {
        g_autofree char *name = g_strdup_printf("r%d", i);

        r[i] = t_ram(name, 0x1000);
        memory_region_add_subregion(fx.root, 0x80000 + i * 0x1000, r[i]);
    }
    assert_mirror(&m);
    memory_region_transaction_begin();
    memory_region_set_enabled(r[2], false);
    memory_region_set_address(r[15], 0x9f000);
    memory_region_transaction_commit();
    assert_mirror(&m);
    assert_map_has("ram[10000-3ffff+0] r0[80000-80fff+0] "
                   "r1[81000-81fff+0] r3[83000-83fff+0]");

    /* A region on top of two aliases, and gone again. */
    over = t_ram("over", 0x3000);
    memory_region_add_subregion_overlap(c, 0xf000, over, 1);
    assert_mirror(&m);
    memory_region_del_subregion(c, over);
    assert_mirror(&m);
    assert_map_has("ram[10000-3ffff+0] r0[80000-80fff+0]");

    memory_listener_unregister(&m.l);
    g_tree_destroy(m.map);
    fixture_fini();
}

static void test_transaction(void)
{
    MemoryRegion *r[3];
    Counter c;
    int i;

    fixture_init(0x10000);
    counter_init(&c, "c", 0, NULL);
    memory_listener_register(&c.l, &fx.as);
    /* Registering replays an empty map in one begin/commit. */
    g_assert_cmpint(c.begins, ==, 1);
    g_assert_cmpint(c.commits, ==, 1);
    g_assert_cmpint(c.adds, ==, 0);
    counter_reset(&c);

    for (i = 0; i < 3; i++) {
        g_autofree char *name = g_strdup_printf("r%d", i);

        r[i] = t_ram(name, 0x1000);
    }

    /* Three changes, one update. */
    memory_region_transaction_begin();
    for (i = 0; i < 3; i++) {
        memory_region_add_subregion(fx.root, i * 0x2000, r[i]);
    }
    g_assert_cmpint(c.begins, ==, 0);
    memory_region_transaction_commit();
    g_assert_cmpint(c.begins, ==, 1);
    g_assert_cmpint(c.commits, ==, 1);
    g_assert_cmpint(c.adds, ==, 3);
    counter_reset(&c);

    /* Nested: only the outermost commit updates. */
    memory_region_transaction_begin();
    memory_region_transaction_begin();
    memory_region_set_enabled(r[0], false);
    memory_region_transaction_commit();
    g_assert_cmpint(c.begins, ==, 0);
    memory_region_set_address(r[1], 0x9000);
    memory_region_transaction_commit();
    g_assert_cmpint(c.begins, ==, 1);
    g_assert_cmpint(c.dels, ==, 2);
    g_assert_cmpint(c.adds, ==, 1);
    g_assert_cmpint(c.nops, ==, 1);
    counter_reset(&c);

    /* A transaction that changed nothing calls nobody. */
    memory_region_transaction_begin();
    memory_region_transaction_commit();
    memory_region_set_enabled(r[2], true);
    g_assert_cmpint(c.begins, ==, 0);

    memory_listener_unregister(&c.l);
    g_assert_cmpint(c.dels, ==, 2);
    fixture_fini();
}

static void test_listener(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    MemoryRegion *a, *b, *c;
    Counter lo, hi;

    fixture_init(0x10000);
    a = t_ram("a", 0x1000);
    b = t_ram("b", 0x1000);
    c = t_ram("c", 0x1000);
    memory_region_add_subregion(fx.root, 0x1000, a);
    memory_region_add_subregion(fx.root, 0x3000, b);

    /* Registration in reverse priority order; calls still go by it. */
    counter_init(&hi, "hi", 10, log);
    counter_init(&lo, "lo", 1, log);
    memory_listener_register(&hi.l, &fx.as);
    memory_listener_register(&lo.l, &fx.as);
    g_assert_cmpstr(log->str, ==,
                    "hi:add a@1000 hi:add b@3000 lo:add a@1000 lo:add b@3000");
    counter_reset(&hi);
    counter_reset(&lo);

    /*
     * Moving b: removals first, highest priority first; then additions
     * and unchanged sections, lowest priority first.
     */
    memory_region_transaction_begin();
    memory_region_set_address(b, 0x5000);
    memory_region_add_subregion(fx.root, 0x7000, c);
    memory_region_transaction_commit();
    g_assert_cmpstr(log->str, ==,
                    "hi:del b@3000 lo:del b@3000 "
                    "lo:nop a@1000 hi:nop a@1000 "
                    "lo:add b@5000 hi:add b@5000 "
                    "lo:add c@7000 hi:add c@7000");
    g_assert_cmpint(lo.begins, ==, 1);
    g_assert_cmpint(hi.commits, ==, 1);
    counter_reset(&hi);
    counter_reset(&lo);

    /* A changed section is a del and an add, even at the same address. */
    memory_region_set_size(a, 0x800);
    g_assert_cmpstr(log->str, ==,
                    "hi:del a@1000 lo:del a@1000 "
                    "lo:add a@1000 hi:add a@1000 "
                    "lo:nop b@5000 hi:nop b@5000 "
                    "lo:nop c@7000 hi:nop c@7000");
    counter_reset(&hi);
    counter_reset(&lo);

    /* Read-only is part of a section's identity. */
    memory_region_set_readonly(c, true);
    g_assert_cmpint(lo.dels, ==, 1);
    g_assert_cmpint(lo.adds, ==, 1);
    assert_map("a[1000-17ff+0] b[5000-5fff+0] c[7000-7fff+0 ro]");

    memory_listener_unregister(&lo.l);
    counter_reset(&hi);
    counter_reset(&lo);
    memory_region_del_subregion(fx.root, c);
    g_assert_cmpint(lo.begins, ==, 0);
    g_assert_cmpint(hi.dels, ==, 1);
    memory_listener_unregister(&hi.l);
    /* Unregistering twice is harmless. */
    memory_listener_unregister(&hi.l);
    fixture_fini();
}

/* Dispatch */

static void test_ram_dispatch(void)
{
    MemoryRegion *a, *b;
    uint8_t buf[0x40], expect[0x40];
    int i;

    fixture_init(0x10000);
    a = t_ram("a", 0x1000);
    b = t_ram("b", 0x1000);
    memory_region_add_subregion(fx.root, 0x1000, a);
    memory_region_add_subregion(fx.root, 0x2000, b);

    /* Fresh RAM is zeroed. */
    g_assert_cmphex(ldq_le_phys(&fx.as, 0x1800), ==, 0);

    /* One write across the boundary of two regions. */
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = i;
    }
    g_assert_cmpint(address_space_write(&fx.as, 0x1fe0, ATTRS, buf,
                                        sizeof(buf)), ==, MEMTX_OK);
    g_assert_cmpint(memcmp((uint8_t *)memory_region_get_ram_ptr(a) + 0xfe0,
                           buf, 0x20), ==, 0);
    g_assert_cmpint(memcmp(memory_region_get_ram_ptr(b), buf + 0x20, 0x20),
                    ==, 0);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(address_space_rw(&fx.as, 0x1fe0, ATTRS, buf,
                                     sizeof(buf), false), ==, MEMTX_OK);
    for (i = 0; i < sizeof(buf); i++) {
        g_assert_cmpuint(buf[i], ==, i);
    }

    /* Across the end of b into a hole: the hole reads 0, as in QEMU. */
    memcpy(expect, buf, 0x20);
    memset(expect + 0x20, 0, 0x20);
    memcpy((uint8_t *)memory_region_get_ram_ptr(b) + 0xfe0, buf, 0x20);
    g_assert_cmpint(address_space_read(&fx.as, 0x2fe0, ATTRS, buf,
                                       sizeof(buf)), ==, MEMTX_DECODE_ERROR);
    g_assert_cmpint(memcmp(buf, expect, sizeof(buf)), ==, 0);

    /* Little-endian loads and stores, also straddling two regions. */
    stl_le_phys(&fx.as, 0x1ffe, 0xaabbccdd);
    g_assert_cmphex(ldub_phys(&fx.as, 0x1ffe), ==, 0xdd);
    g_assert_cmphex(lduw_le_phys(&fx.as, 0x2000), ==, 0xaabb);
    g_assert_cmphex(ldl_le_phys(&fx.as, 0x1ffe), ==, 0xaabbccdd);
    stw_le_phys(&fx.as, 0x1100, 0x1234);
    stb_phys(&fx.as, 0x1102, 0x56);
    stq_le_phys(&fx.as, 0x1108, 0x1122334455667788ULL);
    g_assert_cmphex(ldl_le_phys(&fx.as, 0x1100), ==, 0x00561234);
    g_assert_cmphex(ldq_le_phys(&fx.as, 0x1108), ==, 0x1122334455667788ULL);

    /* Read-only RAM drops writes. */
    memory_region_set_readonly(a, true);
    stb_phys(&fx.as, 0x1100, 0x99);
    g_assert_cmphex(ldub_phys(&fx.as, 0x1100), ==, 0x34);
    memory_region_set_readonly(a, false);
    stb_phys(&fx.as, 0x1100, 0x99);
    g_assert_cmphex(ldub_phys(&fx.as, 0x1100), ==, 0x99);

    fixture_fini();
}

static void test_ram_ptr(void)
{
    uint8_t *mem = g_malloc0(0x1000);
    MemoryRegion *mr;

    fixture_init(0x10000);
    mr = g_new0(MemoryRegion, 1);
    memory_region_init_ram_ptr(mr, NULL, "user", 0x1000, mem);
    track(mr);
    g_assert_true(memory_region_is_ram(mr));
    g_assert_true(memory_region_get_ram_ptr(mr) == mem);
    memory_region_add_subregion(fx.root, 0x4000, mr);
    g_assert_true(memory_region_is_mapped(mr));
    stl_le_phys(&fx.as, 0x4010, 0xcafef00d);
    g_assert_cmphex(mem[0x10], ==, 0x0d);
    g_assert_cmphex(mem[0x13], ==, 0xca);
    fixture_fini();
    /* The region is gone; the memory is still ours to free. */
    g_free(mem);
}

static void test_ram_alloc_fail(void)
{
    MemoryRegion mr;
    Error *err = NULL;
    Object *unattached = container_get(object_get_root(),
                                       "/machine/unattached");

    g_assert_false(memory_region_init_ram(&mr, NULL, "huge", UINT64_MAX - 1,
                                          &err));
    g_assert_nonnull(err);
    error_free(err);
    /* A failed region does not linger in the composition tree. */
    g_assert_null(object_resolve_path_component(unattached, "huge[0]"));
}

static void test_io_split(void)
{
    static const MemoryRegionOps wide_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .valid.max_access_size = 8,
        .impl.max_access_size = 2,
    };
    static const MemoryRegionOps word_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .valid.unaligned = true,
        .impl.min_access_size = 4,
        .impl.max_access_size = 4,
    };
    TestDev *d = dev_new(), *w = dev_new(), *x = dev_new();
    uint8_t buf[8];
    uint64_t v;

    fixture_init(0x10000);
    memory_region_add_subregion(fx.root, 0x1000,
                                t_io("d", &dev_ops, d, 0x40));
    memory_region_add_subregion(fx.root, 0x2000,
                                t_io("w", &wide_ops, w, 0x40));
    memory_region_add_subregion(fx.root, 0x3000,
                                t_io("x", &word_ops, x, 0x40));

    /* Default ops: 4-byte maximum, so an 8-byte read is two calls. */
    g_assert_cmpint(address_space_read(&fx.as, 0x1008, ATTRS, buf, 8), ==,
                    MEMTX_OK);
    assert_trace(d, "r4@8 r4@c");
    g_assert_cmphex(buf[0], ==, 0x18);
    g_assert_cmphex(buf[7], ==, 0x1f);

    /* Unaligned: naturally aligned pieces. */
    address_space_read(&fx.as, 0x1001, ATTRS, buf, 4);
    assert_trace(d, "r1@1 r2@2 r1@4");
    g_assert_cmphex(memory_ldn_le(buf, 4), ==, 0x14131211);

    /* ops->valid with max 0 lets an 8-byte load through, split to impl. */
    v = ldq_le_phys(&fx.as, 0x1000);
    assert_trace(d, "r4@0 r4@4");
    g_assert_cmphex(v, ==, 0x1716151413121110ULL);

    /* impl.max 2: one 8-byte access becomes four, combined in order. */
    v = ldq_le_phys(&fx.as, 0x2010);
    assert_trace(w, "r2@10 r2@12 r2@14 r2@16");
    g_assert_cmphex(v, ==, 0x2726252423222120ULL);
    stl_le_phys(&fx.as, 0x2000, 0xddccbbaa);
    assert_trace(w, "w2@0=bbaa w2@2=ddcc");
    g_assert_cmphex(w->regs[3], ==, 0xdd);

    /* impl.min 4: a byte access is widened and the byte picked out. */
    g_assert_cmphex(ldub_phys(&fx.as, 0x3000), ==, 0x10);
    assert_trace(x, "r4@0");
    g_assert_cmphex(lduw_le_phys(&fx.as, 0x3004), ==, 0x1514);
    assert_trace(x, "r4@4");

    fixture_fini();
    dev_free(d);
    dev_free(w);
    dev_free(x);
}

static void test_io_endian(void)
{
    static const MemoryRegionOps be_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_BIG_ENDIAN,
        .valid.max_access_size = 8,
        .impl.max_access_size = 2,
    };
    static const MemoryRegionOps native_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_NATIVE_ENDIAN,
    };
    TestDev *be = dev_new(), *ne = dev_new();
    uint8_t buf[8];
    uint64_t v;

    be->big_endian = true;
    fixture_init(0x10000);
    memory_region_add_subregion(fx.root, 0x1000,
                                t_io("be", &be_ops, be, 0x40));
    memory_region_add_subregion(fx.root, 0x2000,
                                t_io("ne", &native_ops, ne, 0x40));

    /*
     * The device returns 0x1011 for its 2-byte register at 0 (big
     * endian); the guest sees bytes 10 11 in memory, so a
     * little-endian load gives 0x1110.
     */
    g_assert_cmphex(lduw_le_phys(&fx.as, 0x1000), ==, 0x1110);
    assert_trace(be, "r2@0");

    /*
     * Wider than impl: the first address is the most significant piece
     * for a big-endian device, and memory order is preserved.
     */
    address_space_read(&fx.as, 0x1000, ATTRS, buf, 8);
    assert_trace(be, "r2@0 r2@2 r2@4 r2@6");
    g_assert_cmpint(memcmp(buf, be->regs, 8), ==, 0);

    v = ldl_le_phys(&fx.as, 0x1004);
    assert_trace(be, "r2@4 r2@6");
    g_assert_cmphex(v, ==, 0x17161514);

    /* A store: the device sees its own byte order. */
    stl_le_phys(&fx.as, 0x1000, 0x44332211);
    assert_trace(be, "w2@0=1122 w2@2=3344");
    g_assert_cmphex(be->regs[0], ==, 0x11);
    g_assert_cmphex(be->regs[3], ==, 0x44);

    /* Native is the target's: little endian, no swap. */
    g_assert_cmphex(ldl_le_phys(&fx.as, 0x2000), ==, 0x13121110);
    stw_le_phys(&fx.as, 0x2000, 0xbeef);
    assert_trace(ne, "r4@0 w2@0=beef");
    g_assert_cmphex(ne->regs[0], ==, 0xef);

    fixture_fini();
    dev_free(be);
    dev_free(ne);
}

static bool no_writes(void *opaque, hwaddr addr, unsigned size,
                      bool is_write, MemTxAttrs attrs)
{
    return !is_write;
}

static void test_io_invalid(void)
{
    static const MemoryRegionOps strict_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .valid.min_access_size = 2,
        .valid.max_access_size = 2,
    };
    static const MemoryRegionOps ro_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .valid.accepts = no_writes,
    };
    TestDev *d = dev_new(), *r = dev_new();
    MemTxResult res;
    uint8_t buf[4];
    uint32_t v;

    fixture_init(0x10000);
    memory_region_add_subregion(fx.root, 0x1000,
                                t_io("strict", &strict_ops, d, 0x40));
    memory_region_add_subregion(fx.root, 0x2000,
                                t_io("ro", &ro_ops, r, 0x40));
    memory_region_add_subregion(fx.root, 0x3000,
                                t_io("noops", NULL, NULL, 0x40));

    /* The right size and alignment go through. */
    g_assert_cmphex(address_space_lduw_le(&fx.as, 0x1002, ATTRS, &res), ==,
                    0x1312);
    g_assert_cmpint(res, ==, MEMTX_OK);
    assert_trace(d, "r2@2");

    /* Too wide, too narrow, misaligned: 0 as in QEMU, device not called. */
    v = address_space_ldl_le(&fx.as, 0x1000, ATTRS, &res);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    g_assert_cmphex(address_space_ldub(&fx.as, 0x1000, ATTRS, &res), ==,
                    0);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    g_assert_cmphex(address_space_lduw_le(&fx.as, 0x1001, ATTRS, &res), ==,
                    0);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    address_space_stw_le(&fx.as, 0x1001, 0, ATTRS, &res);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    assert_trace(d, "");

    /*
     * A buffer access is cut to what the device accepts (2 bytes), so a
     * 4-byte read works where a 4-byte load does not.
     */
    g_assert_cmpint(address_space_read(&fx.as, 0x1000, ATTRS, buf, 4), ==,
                    MEMTX_OK);
    assert_trace(d, "r2@0 r2@2");

    /* valid.accepts vetoes writes. */
    address_space_stb(&fx.as, 0x2000, 0x55, ATTRS, &res);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    g_assert_cmphex(ldub_phys(&fx.as, 0x2000), ==, 0x10);
    assert_trace(r, "r1@0");

    /* An I/O region without ops decodes nothing: reads 0. */
    g_assert_cmphex(address_space_ldl_le(&fx.as, 0x3000, ATTRS, &res), ==,
                    0);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);

    fixture_fini();
    dev_free(d);
    dev_free(r);
}

static void test_unassigned(void)
{
    MemTxResult res;
    uint8_t buf[16];
    uint64_t v;

    fixture_init(0x10000);
    memory_region_add_subregion(fx.root, 0x1000, t_ram("ram", 0x1000));

    /* Unassigned memory reads 0, as in QEMU; ports differ (all ones). */
    memset(buf, 0xa5, sizeof(buf));
    g_assert_cmpint(address_space_read(&fx.as, 0x8000, ATTRS, buf,
                                       sizeof(buf)), ==, MEMTX_DECODE_ERROR);
    for (v = 0; v < sizeof(buf); v++) {
        g_assert_cmphex(buf[v], ==, 0);
    }
    v = address_space_ldq_le(&fx.as, 0x8000, ATTRS, &res);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    address_space_stl_le(&fx.as, 0x8000, 1, ATTRS, &res);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    /* Beyond the root container too. */
    g_assert_cmphex(ldl_le_phys(&fx.as, 0x123456789ULL), ==, 0);

    fixture_fini();
}

/* Guest errors are logged only when enabled; run in a subprocess. */
static void test_unassigned_log(void)
{
    if (g_test_subprocess()) {
        fixture_init(0x10000);
        ldl_le_phys(&fx.as, 0x4000);
        fprintf(stderr, "-- enabling --\n");
        qemu_set_log(LOG_GUEST_ERROR, &error_abort);
        ldl_le_phys(&fx.as, 0x4000);
        stb_phys(&fx.as, 0x5000, 1);
        qemu_set_log(0, &error_abort);
        fixture_fini();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("-- enabling --\n"
                              "Invalid read at addr 0x4000, size 4*"
                              "Invalid write at addr 0x5000, size 1*");
}

static void test_log_mask(void)
{
    g_assert_cmpint(qemu_str_to_log_mask("guest_errors"), ==,
                    LOG_GUEST_ERROR);
    g_assert_cmpint(qemu_str_to_log_mask("guest_errors,unimp"), ==,
                    LOG_GUEST_ERROR | LOG_UNIMP);
    g_assert_cmpint(qemu_str_to_log_mask("nonsense"), ==, 0);
    /* Off by default (QEMU_LOG is not set by the test harness). */
    if (!getenv("QEMU_LOG")) {
        g_assert_false(qemu_loglevel_mask(LOG_GUEST_ERROR));
    }
}

/* I/O callbacks run under the BQL even for a caller without it. */

typedef struct ReaderArgs {
    AddressSpace *as;
    hwaddr addr;
    uint64_t val;
    bool had_bql;
} ReaderArgs;

static void *bql_reader(void *opaque)
{
    ReaderArgs *a = opaque;

    rcu_register_thread();
    a->val = ldl_le_phys(a->as, a->addr);
    a->had_bql = bql_locked();
    rcu_unregister_thread();
    return NULL;
}

static void test_io_bql(void)
{
    TestDev *d = dev_new();
    ReaderArgs args = { .as = &fx.as, .addr = 0x1000 };
    QemuThread t;

    fixture_init(0x10000);
    memory_region_add_subregion(fx.root, 0x1000, t_io("d", &dev_ops, d, 4));

    bql_unlock();
    qemu_thread_create(&t, "bql-reader", bql_reader, &args,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&t);
    bql_lock();

    g_assert_cmphex(args.val, ==, 0x13121110);
    /* The callback had it; the thread did not keep it. */
    g_assert_true(d->saw_bql);
    g_assert_false(d->saw_no_bql);
    g_assert_false(args.had_bql);

    fixture_fini();
    dev_free(d);
}

/* Ownership */

static void test_ownership(void)
{
    Object *owner = object_new(TYPE_CONTAINER);
    Object *unattached = container_get(object_get_root(),
                                       "/machine/unattached");
    MemoryRegion *regs = g_new0(MemoryRegion, 1);
    MemoryRegion *odd = g_new0(MemoryRegion, 1);
    MemoryRegion *loose;
    TestDev *d = dev_new();

    fixture_init(0x10000);

    /* Named regions are children of their owner, "name[N]". */
    memory_region_init_io(regs, owner, &dev_ops, d, "regs", 0x100);
    OBJECT(regs)->free = g_free;
    g_assert_true(object_resolve_path_component(owner, "regs[0]") ==
                  OBJECT(regs));
    g_assert_true(memory_region_owner(regs) == owner);
    g_assert_cmpstr(memory_region_name(regs), ==, "regs");
    /* The owner's child property is the region's only reference. */
    g_assert_cmpuint(OBJECT(regs)->ref, ==, 1);

    /* Names are escaped into property names. */
    memory_region_init_io(odd, owner, &dev_ops, d, "a/b[1]", 0x10);
    OBJECT(odd)->free = g_free;
    g_assert_true(object_resolve_path_component(owner,
                                                "a\\x2fb\\x5b1\\x5d[0]") ==
                  OBJECT(odd));
    g_assert_cmpstr(memory_region_name(odd), ==, "a/b[1]");

    /* Without an owner: /machine/unattached. */
    loose = t_ram("loose-ownership", 0x1000);
    g_assert_true(object_resolve_path_component(unattached,
                                                "loose-ownership[0]") ==
                  OBJECT(loose));
    g_assert_null(memory_region_owner(loose));

    /*
     * Mapping references the owner, not the region: once for the
     * container and once for the FlatView that shows it.
     */
    g_assert_cmpuint(owner->ref, ==, 1);
    memory_region_add_subregion(fx.root, 0x1000, regs);
    g_assert_cmpuint(owner->ref, ==, 3);
    g_assert_cmpuint(OBJECT(regs)->ref, ==, 1);
    memory_region_ref(regs);
    g_assert_cmpuint(owner->ref, ==, 4);
    memory_region_unref(regs);

    /* Unmapped: the old FlatView keeps its reference a grace period. */
    memory_region_del_subregion(fx.root, regs);
    g_assert_cmpuint(owner->ref, ==, 2);
    drain_call_rcu();
    g_assert_cmpuint(owner->ref, ==, 1);

    /* The owner's death takes its regions with it. */
    object_unref(owner);
    fixture_fini();
    dev_free(d);
}

/* The RCU lifetime of an unmapped region */

static int blob_freed;
static bool blob_free_had_bql;
static bool blob_free_on_main;

static void blob_free(void *obj)
{
    blob_free_had_bql = bql_locked();
    blob_free_on_main = qemu_thread_is_self(&main_thread);
    qatomic_inc(&blob_freed);
    g_free(obj);
}

typedef struct BlobReader {
    AddressSpace *as;
    MemoryRegion *mr;
    QemuSemaphore inside;
    QemuSemaphore leave;
    uint8_t before;
    uint8_t after;
    bool old_view_intact;
} BlobReader;

static void *blob_reader(void *opaque)
{
    BlobReader *r = opaque;
    FlatView *fv;
    FlatRange *fr;

    rcu_register_thread();
    rcu_read_lock();
    fv = address_space_to_flatview(r->as);
    r->before = ldub_phys(r->as, 0x2000);
    qemu_sem_post(&r->inside);

    /* Meanwhile the main thread unmaps, deletes and unparents. */
    qemu_sem_wait(&r->leave);

    /* The view loaded before still shows the region, alive. */
    fr = flatview_lookup(fv, 0x2000, NULL);
    r->old_view_intact = fr && fr->mr == r->mr &&
                         qatomic_read(&blob_freed) == 0;
    if (r->old_view_intact) {
        r->after = *(uint8_t *)memory_region_get_ram_ptr(fr->mr);
    }
    rcu_read_unlock();
    rcu_unregister_thread();
    return NULL;
}

static void test_rcu_unmap(void)
{
    uint8_t *data = g_malloc(0x1000);
    MemoryRegion *hostmem, *mr;
    BlobReader r = { .as = &fx.as };
    QemuThread t;

    fixture_init(0x100000);
    hostmem = t_container("hostmem", 0x10000);
    memory_region_add_subregion(fx.root, 0, hostmem);

    /* A virtio-gpu blob: the region owns itself and frees itself. */
    memset(data, 0xab, 0x1000);
    mr = g_new0(MemoryRegion, 1);
    memory_region_init_ram_ptr(mr, OBJECT(mr), "blob", 0x1000, data);
    OBJECT(mr)->free = blob_free;
    memory_region_add_subregion(hostmem, 0x2000, mr);
    g_assert_cmphex(ldub_phys(&fx.as, 0x2000), ==, 0xab);
    r.mr = mr;

    qatomic_set(&blob_freed, 0);
    qemu_sem_init(&r.inside, 0);
    qemu_sem_init(&r.leave, 0);
    qemu_thread_create(&t, "blob-reader", blob_reader, &r,
                       QEMU_THREAD_JOINABLE);
    qemu_sem_wait(&r.inside);

    /* Step 1 of an unmap, as virtio-gpu does it. */
    memory_region_set_enabled(mr, false);
    memory_region_del_subregion(hostmem, mr);
    object_unparent(OBJECT(mr));
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 0);
    /* New readers no longer see it. */
    g_assert_cmphex(ldub_phys(&fx.as, 0x2000), ==, 0);

    /*
     * Without the BQL in our way, only the reader can hold up the grace
     * period; give the call_rcu thread ample time to get it wrong.
     */
    bql_unlock();
    g_usleep(g_test_quick() ? 100 * 1000 : 500 * 1000);
    bql_lock();
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 0);

    qemu_sem_post(&r.leave);
    qemu_thread_join(&t);
    g_assert_true(r.old_view_intact);
    g_assert_cmphex(r.before, ==, 0xab);
    g_assert_cmphex(r.after, ==, 0xab);

    /* Step 2: after the grace period, the call_rcu thread finalises. */
    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 1);
    g_assert_true(blob_free_had_bql);
    g_assert_false(blob_free_on_main);

    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 1);

    qemu_sem_destroy(&r.inside);
    qemu_sem_destroy(&r.leave);
    fixture_fini();
    g_free(data);
}

/* No reader at all: still not freed synchronously, but after a drain. */
static void test_rcu_unmap_idle(void)
{
    uint8_t *data = g_malloc0(0x100);
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    fixture_init(0x10000);
    memory_region_init_ram_ptr(mr, OBJECT(mr), "blob", 0x100, data);
    OBJECT(mr)->free = blob_free;
    qatomic_set(&blob_freed, 0);
    memory_region_add_subregion(fx.root, 0, mr);

    memory_region_set_enabled(mr, false);
    memory_region_del_subregion(fx.root, mr);
    object_unparent(OBJECT(mr));
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 0);
    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 1);
    g_assert_false(blob_free_on_main);

    fixture_fini();
    g_free(data);
}

/*
 * A MemoryRegionCache holds its FlatView: a region removed from the map
 * stays readable through the cache, and is freed only one grace period
 * after the cache is destroyed.  A cache over a hole takes the slow path.
 */
static void test_cache(void)
{
    uint8_t *data = g_malloc(0x1000);
    MemoryRegionCache cache, hole;
    MemoryRegion *mr;
    uint32_t v;

    fixture_init(0x100000);
    memset(data, 0x5a, 0x1000);
    mr = g_new0(MemoryRegion, 1);
    memory_region_init_ram_ptr(mr, OBJECT(mr), "blob", 0x1000, data);
    OBJECT(mr)->free = blob_free;
    memory_region_add_subregion(fx.root, 0x4000, mr);
    qatomic_set(&blob_freed, 0);

    /* Direct: the whole range is RAM. */
    g_assert_true(address_space_cache_init(&cache, &fx.as, 0x4100, 0x100,
                                           true));
    g_assert_true(address_space_cache_is_ram(&cache));
    v = 0x01020304;
    address_space_write_cached(&cache, 0x10, &v, 4);
    g_assert_cmphex(data[0x110], ==, 0x04);
    /* Running past the region is not direct. */
    g_assert_false(address_space_cache_init(&hole, &fx.as, 0x4f00, 0x200,
                                            false));
    address_space_cache_destroy(&hole);

    memory_region_set_enabled(mr, false);
    memory_region_del_subregion(fx.root, mr);
    object_unparent(OBJECT(mr));
    g_assert_cmphex(ldl_le_phys(&fx.as, 0x4110), ==, 0);

    /* The cache still sees (and keeps) the region, grace periods or not. */
    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 0);
    v = 0;
    g_assert_cmpint(address_space_read_cached(&cache, 0x10, &v, 4), ==,
                    MEMTX_OK);
    g_assert_cmphex(v, ==, 0x01020304);

    /* A cache made now sees the hole, through the slow path. */
    g_assert_false(address_space_cache_init(&hole, &fx.as, 0x4100, 0x100,
                                            false));
    v = ~0;
    g_assert_cmpint(address_space_read_cached(&hole, 0x10, &v, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(v, ==, 0);
    address_space_cache_destroy(&hole);

    /* Freed one grace period after the last cache goes. */
    address_space_cache_destroy(&cache);
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 0);
    /* The view's destroy is queued by the unref: one more batch. */
    drain_call_rcu();
    g_assert_cmpint(qatomic_read(&blob_freed), ==, 1);

    fixture_fini();
    g_free(data);
}

/*
 * Readers hammer an address while the main thread swaps the region
 * behind it in one transaction: every read sees one region or the other,
 * never a hole or freed memory.
 */

typedef struct Hammer {
    AddressSpace *as;
    bool stop;
    unsigned long reads;
    unsigned long bad;
} Hammer;

static void *hammer_thread(void *opaque)
{
    Hammer *h = opaque;

    rcu_register_thread();
    while (!qatomic_read(&h->stop)) {
        uint32_t v = ldl_le_phys(h->as, 0x1000);

        if (v != 0x11111111 && v != 0x22222222) {
            qatomic_inc(&h->bad);
        }
        qatomic_inc(&h->reads);
    }
    rcu_unregister_thread();
    return NULL;
}

static void test_rcu_stress(void)
{
    Hammer h = { .as = &fx.as };
    QemuThread t[4];
    MemoryRegion *a, *b;
    int i, n = g_test_quick() ? 2000 : 50000;

    fixture_init(0x10000);
    a = t_ram("one", 0x2000);
    b = t_ram("two", 0x2000);
    memset(memory_region_get_ram_ptr(a), 0x11, 0x2000);
    memset(memory_region_get_ram_ptr(b), 0x22, 0x2000);
    memory_region_add_subregion(fx.root, 0, a);
    memory_region_add_subregion(fx.root, 0, b);
    memory_region_set_enabled(b, false);

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_create(&t[i], "hammer", hammer_thread, &h,
                           QEMU_THREAD_JOINABLE);
    }
    /* Let every reader get going before the map starts changing. */
    while (qatomic_read(&h.reads) < 100 * ARRAY_SIZE(t)) {
        g_usleep(1000);
    }
    for (i = 0; i < n; i++) {
        memory_region_transaction_begin();
        memory_region_set_enabled(a, i & 1);
        memory_region_set_enabled(b, !(i & 1));
        memory_region_transaction_commit();
    }
    qatomic_set(&h.stop, true);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        qemu_thread_join(&t[i]);
    }
    g_assert_cmpuint(h.bad, ==, 0);
    g_assert_cmpuint(h.reads, >, 0);
    fixture_fini();
}

/* DMA mapping */

static void test_map(void)
{
    Object *owner = object_new(TYPE_CONTAINER);
    MemoryRegion *ram = g_new0(MemoryRegion, 1);
    TestDev *d = dev_new();
    hwaddr len;
    uint8_t *p;

    fixture_init(0x10000);
    g_assert_true(memory_region_init_ram(ram, owner, "dma", 0x1000,
                                         &error_abort));
    OBJECT(ram)->free = g_free;
    memory_region_add_subregion(fx.root, 0x1000, ram);
    memory_region_add_subregion(fx.root, 0x2000, t_io("d", &dev_ops, d, 64));
    /* Let replaced FlatViews drop their references. */
    drain_call_rcu();
    g_assert_cmpuint(owner->ref, ==, 3);

    /* RAM maps in place, cut at the region's end, owner held. */
    len = 0x2000;
    p = address_space_map(&fx.as, 0x1800, &len, true, ATTRS);
    g_assert_true(p == (uint8_t *)memory_region_get_ram_ptr(ram) + 0x800);
    g_assert_cmphex(len, ==, 0x800);
    g_assert_cmpuint(owner->ref, ==, 4);
    p[0] = 0x77;
    address_space_unmap(&fx.as, p, len, true, 1);
    g_assert_cmpuint(owner->ref, ==, 3);
    g_assert_cmphex(ldub_phys(&fx.as, 0x1800), ==, 0x77);

    /* I/O goes through a bounce buffer: read at map... */
    len = 8;
    p = address_space_map(&fx.as, 0x2000, &len, false, ATTRS);
    g_assert_cmphex(len, ==, 8);
    g_assert_cmphex(p[0], ==, 0x10);
    g_assert_cmphex(p[7], ==, 0x17);
    address_space_unmap(&fx.as, p, len, false, len);
    assert_trace(d, "r4@0 r4@4");

    /* ...written back at unmap, only what was written. */
    len = 8;
    p = address_space_map(&fx.as, 0x2000, &len, true, ATTRS);
    memset(p, 0xee, 8);
    address_space_unmap(&fx.as, p, len, true, 2);
    assert_trace(d, "w2@0=eeee");

    g_assert_null(address_space_map(&fx.as, 0x1000, &(hwaddr){0}, false,
                                    ATTRS));

    memory_region_del_subregion(fx.root, ram);
    fixture_fini();
    object_unref(owner);
    dev_free(d);
}

/* AddressSpace lifetime */

static void test_address_space_destroy(void)
{
    Object *owner = object_new(TYPE_CONTAINER);
    MemoryRegion *root = g_new0(MemoryRegion, 1);
    AddressSpace *as = g_new0(AddressSpace, 1);

    memory_region_init(root, owner, "dma-root", 0x1000);
    OBJECT(root)->free = g_free;
    address_space_init(as, root, "dma");
    /*
     * The AddressSpace references the root's owner.  Its FlatView
     * references the region it renders, and an empty container renders
     * nothing (memory_region_get_flatview_root()).
     */
    g_assert_cmpuint(owner->ref, ==, 2);
    address_space_destroy(as);
    g_assert_cmpuint(owner->ref, ==, 2);
    drain_call_rcu();
    drain_call_rcu();
    g_assert_cmpuint(owner->ref, ==, 1);
    g_free(as);
    object_unref(owner);
}

/* The global address spaces */

static void test_system(void)
{
    static const MemoryRegionOps port_ops = {
        .read = dev_read,
        .write = dev_write,
        .endianness = DEVICE_LITTLE_ENDIAN,
        .valid.max_access_size = 1,
    };
    TestDev *d = dev_new();
    MemoryRegion *port = g_new0(MemoryRegion, 1);
    MemoryRegion *ram = g_new0(MemoryRegion, 1);
    uint8_t buf[4] = { 1, 2, 3, 4 };

    memory_map_init();
    memory_map_init();
    g_assert_cmphex(memory_region_size(get_system_memory()), ==, UINT64_MAX);
    g_assert_cmphex(memory_region_size(get_system_io()), ==, 0x10000);
    g_assert_cmpstr(memory_region_name(get_system_memory()), ==, "system");
    g_assert_cmpstr(memory_region_name(get_system_io()), ==, "io");
    g_assert_cmpstr(address_space_memory.name, ==, "memory");
    g_assert_cmpstr(address_space_io.name, ==, "I/O");

    memory_region_init_io(port, NULL, &port_ops, d, "port", 4);
    memory_region_add_subregion(get_system_io(), 0x60, port);
    cpu_outb(0x61, 0xaa);
    assert_trace(d, "w1@1=aa");
    g_assert_cmphex(cpu_inb(0x61), ==, 0xaa);
    /* Wider port accesses are split to the device's byte size. */
    g_assert_cmphex(cpu_inl(0x60), ==, 0x1312aa10);
    assert_trace(d, "r1@1 r1@0 r1@1 r1@2 r1@3");
    cpu_outw(0x62, 0x5566);
    assert_trace(d, "w1@2=66 w1@3=55");
    g_assert_cmphex(cpu_inw(0x62), ==, 0x5566);
    assert_trace(d, "r1@2 r1@3");
    /* Nobody at 0x80: all ones, writes vanish. */
    cpu_outl(0x80, 0);
    g_assert_cmphex(cpu_inb(0x80), ==, 0xff);
    g_assert_cmphex(cpu_inw(0x80), ==, 0xffff);
    g_assert_cmphex(cpu_inl(0x81), ==, 0xffffffff);

    g_assert_true(memory_region_init_ram(ram, NULL, "sysram", 0x1000,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0x100000, ram);
    cpu_physical_memory_write(0x100010, buf, 4);
    memset(buf, 0, 4);
    cpu_physical_memory_read(0x100012, buf, 2);
    g_assert_cmphex(buf[0], ==, 3);
    g_assert_cmphex(buf[1], ==, 4);
    g_assert_cmphex(ldl_le_phys(&address_space_memory, 0x100010), ==,
                    0x04030201);

    memory_region_del_subregion(get_system_memory(), ram);
    memory_region_del_subregion(get_system_io(), port);
    drain_call_rcu();
    OBJECT(ram)->free = g_free;
    OBJECT(port)->free = g_free;
    object_unparent(OBJECT(ram));
    object_unparent(OBJECT(port));
    dev_free(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* Every in-place FlatView update is checked against a full render. */
    memory_flatview_check = true;
    qemu_thread_get_self(&main_thread);

    g_test_add_func("/memory/flatview/priority", test_priority);
    g_test_add_func("/memory/flatview/equal-priority", test_equal_priority);
    g_test_add_func("/memory/flatview/alias", test_alias);
    g_test_add_func("/memory/flatview/enable", test_enable);
    g_test_add_func("/memory/flatview/nested", test_nested);
    g_test_add_func("/memory/flatview/full-range", test_full_range);
    g_test_add_func("/memory/flatview/many", test_many);
    g_test_add_func("/memory/flatview/shared", test_shared_view);
    g_test_add_func("/memory/flatview/node-sharing", test_node_sharing);
    g_test_add_func("/memory/flatview/for-each", test_for_each_range);
    g_test_add_func("/memory/transaction/coalesce", test_transaction);
    g_test_add_func("/memory/listener/order", test_listener);
    g_test_add_func("/memory/listener/changed-only", test_listener_changed);
    g_test_add_func("/memory/dispatch/ram", test_ram_dispatch);
    g_test_add_func("/memory/dispatch/ram-ptr", test_ram_ptr);
    g_test_add_func("/memory/dispatch/ram-alloc-fail", test_ram_alloc_fail);
    g_test_add_func("/memory/dispatch/io-split", test_io_split);
    g_test_add_func("/memory/dispatch/io-endian", test_io_endian);
    g_test_add_func("/memory/dispatch/io-invalid", test_io_invalid);
    g_test_add_func("/memory/dispatch/io-bql", test_io_bql);
    g_test_add_func("/memory/dispatch/unassigned", test_unassigned);
    g_test_add_func("/memory/dispatch/unassigned-log", test_unassigned_log);
    g_test_add_func("/memory/log/mask", test_log_mask);
    g_test_add_func("/memory/dispatch/map", test_map);
    g_test_add_func("/memory/ownership", test_ownership);
    g_test_add_func("/memory/address-space/destroy",
                    test_address_space_destroy);
    g_test_add_func("/memory/rcu/unmap-waits-for-readers", test_rcu_unmap);
    g_test_add_func("/memory/rcu/unmap-idle", test_rcu_unmap_idle);
    g_test_add_func("/memory/rcu/cache", test_cache);
    g_test_add_func("/memory/rcu/stress", test_rcu_stress);
    g_test_add_func("/memory/system", test_system);

    /* The memory map changes under the BQL, as in QEMU's main loop. */
    bql_lock();
    return g_test_run();
}
