/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * generic-fuzz: QEMU's generic fuzzer idea over our devices.  An input is
 * a sequence of operations a guest could do, separated by "FUZZ":
 *
 *   byte 0 % OP_COUNT selects the operation, the bytes after it are its
 *   arguments (little-endian; missing bytes read as 0):
 *   OP_IN, OP_OUT      base, size, offset (4), value (4): a port access
 *                      to one of the I/O ranges of the fuzzed devices
 *   OP_READ, OP_WRITE  the same for their MMIO ranges
 *   OP_PCI_READ/WRITE  base, offset, value (4): config space of one of
 *                      the fuzzed PCI functions, through 0xcf8/0xcfc
 *   OP_ADD_DMA_PATTERN index, stride, then the pattern's bytes
 *   OP_CLEAR_DMA_PATTERNS
 *   OP_CLOCK_STEP      the virtual clock to its next deadline
 *   OP_DISABLE_PCI     no more config accesses in this input (keeps BARs
 *                      where they are)
 *
 * "base" picks a range (modulo their number), "offset" a place in it.
 * DMA: whenever a device reads guest RAM during an input, the RAM is
 * first filled from the DMA patterns, round robin (each repetition of a
 * pattern adds "stride" to its byte at "index"), so devices read what the
 * fuzzer wrote without it having to guess addresses.  Each input runs in
 * a child process (fuzz_fork()).
 *
 * What is fuzzed: the devices whose QOM type name, and the memory regions
 * whose name, match one of the glob patterns in QEMU_FUZZ_OBJECTS (a
 * space-separated list); QEMU_FUZZ_ARGS gives the emulator's arguments.
 * The generic-fuzz-NAME targets set both (generic_fuzz_configs below).
 * Before fuzzing, every PCI function gets its BARs mapped and is enabled
 * (I/O, memory, bus master), as a firmware would.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "exec/memory-internal.h"
#include "exec/address-spaces.h"
#include "hw/qdev-core.h"
#include "qemu/rcu.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "fuzz.h"

enum {
    OP_IN,
    OP_OUT,
    OP_READ,
    OP_WRITE,
    OP_PCI_READ,
    OP_PCI_WRITE,
    OP_ADD_DMA_PATTERN,
    OP_CLEAR_DMA_PATTERNS,
    OP_CLOCK_STEP,
    OP_DISABLE_PCI,
    OP_COUNT,
};

/* DMA fills: at most this much per read, and per input. */
#define DMA_FILL_MAX        (64 * 1024)
#define DMA_INPUT_MAX       (1024 * 1024)
#define DMA_PATTERN_MAX     256

typedef struct DmaPattern {
    uint8_t index;
    uint8_t stride;
    GByteArray *data;
} DmaPattern;

typedef struct IoRange {
    uint64_t addr;
    uint64_t size;
} IoRange;

static QTestState *qts;
static GHashTable *fuzzable_mrs;        /* MemoryRegion * set */
static GArray *fuzzable_pci_devfns;     /* int, sorted */
static GArray *dma_patterns;            /* DmaPattern */
static GArray *dma_filled;              /* IoRange already filled */
static unsigned dma_pattern_next;
static size_t dma_input_bytes;
static bool dma_filling;
static bool pci_disabled;

/* Arguments of an operation; bytes past the end read as zero. */
typedef struct OpArgs {
    const unsigned char *data;
    size_t size;
    size_t pos;
} OpArgs;

static uint64_t op_get(OpArgs *a, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes; i++, a->pos++) {
        if (a->pos < a->size) {
            v |= (uint64_t)a->data[a->pos] << (8 * i);
        }
    }
    return v;
}

/* DMA */

static void dma_pattern_fill(const DmaPattern *p, uint8_t *buf, size_t len)
{
    size_t plen = p->data->len;
    size_t i;

    for (i = 0; i < len; i++) {
        buf[i] = p->data->data[i % plen];
        if (i % plen == p->index % plen) {
            buf[i] += (i / plen) * p->stride;
        }
    }
}

static bool dma_already_filled(uint64_t addr, uint64_t len)
{
    guint i;

    for (i = 0; i < dma_filled->len; i++) {
        IoRange *r = &g_array_index(dma_filled, IoRange, i);

        if (addr >= r->addr && addr + len <= r->addr + r->size) {
            return true;
        }
    }
    return false;
}

/*
 * A device is about to read RAM: put the next pattern there, once per
 * place.  Writes go through qtest, so QTEST_LOG shows them and a crash
 * replays as a plain qtest script.
 */
void fuzz_dma_read_cb(size_t addr, size_t len, MemoryRegion *mr)
{
    g_autofree uint8_t *buf = NULL;
    const DmaPattern *p;

    if (!qts || dma_filling || !dma_patterns || !dma_patterns->len ||
        !memory_region_is_ram(mr) || !len ||
        dma_input_bytes >= DMA_INPUT_MAX || dma_already_filled(addr, len)) {
        return;
    }
    len = MIN(len, DMA_FILL_MAX);
    len = MIN(len, DMA_INPUT_MAX - dma_input_bytes);
    p = &g_array_index(dma_patterns, DmaPattern,
                       dma_pattern_next++ % dma_patterns->len);
    buf = g_malloc(len);
    dma_pattern_fill(p, buf, len);

    dma_filling = true;
    qtest_memwrite(qts, addr, buf, len);
    dma_filling = false;

    dma_input_bytes += len;
    g_array_append_val(dma_filled, ((IoRange) { addr, len }));
}

static void dma_patterns_clear(void)
{
    guint i;

    for (i = 0; i < dma_patterns->len; i++) {
        g_byte_array_unref(g_array_index(dma_patterns, DmaPattern, i).data);
    }
    g_array_set_size(dma_patterns, 0);
}

/* Ranges of fuzzed regions */

static bool fuzzable_range_add(Int128 start, Int128 len,
                               const MemoryRegion *mr, hwaddr offset,
                               void *opaque)
{
    GArray *ranges = opaque;
    IoRange r;

    if (g_hash_table_contains(fuzzable_mrs, mr) && !mr->ram &&
        int128_nz(len)) {
        r.addr = int128_get64(start);
        r.size = int128_ge(len, int128_2_64()) ? UINT64_MAX
                                               : int128_get64(len);
        g_array_append_val(ranges, r);
    }
    return false;
}

/* The ranges of @as where a fuzzed region is mapped, by address. */
static GArray *fuzzable_ranges(AddressSpace *as)
{
    GArray *ranges = g_array_new(false, false, sizeof(IoRange));

    RCU_READ_LOCK_GUARD();
    flatview_for_each_range(address_space_to_flatview(as),
                            fuzzable_range_add, ranges);
    return ranges;
}

/* The address an operation accesses, or false when nothing is mapped. */
static bool op_address(AddressSpace *as, uint8_t base, uint32_t offset,
                       uint64_t *addr)
{
    g_autoptr(GArray) ranges = fuzzable_ranges(as);
    IoRange *r;

    if (!ranges->len) {
        return false;
    }
    r = &g_array_index(ranges, IoRange, base % ranges->len);
    *addr = r->addr + offset % r->size;
    return true;
}

/* Operations */

/* A port access of @size bytes (1, 2 or 4). */
static void port_access(QTestState *s, uint16_t port, unsigned size,
                        uint32_t value, bool write)
{
    switch (size) {
    case 1:
        write ? qtest_outb(s, port, value) : (void)qtest_inb(s, port);
        break;
    case 2:
        write ? qtest_outw(s, port, value) : (void)qtest_inw(s, port);
        break;
    default:
        write ? qtest_outl(s, port, value) : (void)qtest_inl(s, port);
        break;
    }
}

static void op_pio(QTestState *s, OpArgs *a, bool write)
{
    uint8_t base = op_get(a, 1);
    unsigned size = 1 << (op_get(a, 1) % 3);
    uint32_t offset = op_get(a, 4);
    uint32_t value = op_get(a, 4);
    uint64_t port;

    if (!op_address(&address_space_io, base, offset, &port) ||
        port > 0xffff) {
        return;
    }
    port_access(s, port, size, value, write);
}

static void op_mmio(QTestState *s, OpArgs *a, bool write)
{
    uint8_t base = op_get(a, 1);
    unsigned size = 1 << (op_get(a, 1) % 4);
    uint32_t offset = op_get(a, 4);
    uint64_t value = op_get(a, 8);
    uint64_t addr;

    if (!op_address(&address_space_memory, base, offset, &addr)) {
        return;
    }
    switch (size) {
    case 1:
        write ? qtest_writeb(s, addr, value) : (void)qtest_readb(s, addr);
        break;
    case 2:
        write ? qtest_writew(s, addr, value) : (void)qtest_readw(s, addr);
        break;
    case 4:
        write ? qtest_writel(s, addr, value) : (void)qtest_readl(s, addr);
        break;
    default:
        write ? qtest_writeq(s, addr, value) : (void)qtest_readq(s, addr);
        break;
    }
}

static void op_pci(QTestState *s, OpArgs *a, bool write)
{
    uint8_t base = op_get(a, 1);
    uint8_t offset = op_get(a, 1);
    unsigned size = 1 << (op_get(a, 1) % 3);
    uint32_t value = op_get(a, 4);
    uint16_t port = 0xcfc + (offset & 3);
    int devfn;

    if (pci_disabled || !fuzzable_pci_devfns->len) {
        return;
    }
    devfn = g_array_index(fuzzable_pci_devfns, int,
                          base % fuzzable_pci_devfns->len);
    qtest_outl(s, 0xcf8, 0x80000000u | devfn << 8 | (offset & 0xfc));
    port_access(s, port, size, value, write);
}

static void op_add_dma_pattern(OpArgs *a)
{
    DmaPattern p;
    size_t len;

    p.index = op_get(a, 1);
    p.stride = op_get(a, 1);
    if (a->pos >= a->size || dma_patterns->len >= DMA_PATTERN_MAX) {
        return;
    }
    len = a->size - a->pos;
    p.data = g_byte_array_sized_new(len);
    g_byte_array_append(p.data, a->data + a->pos, len);
    g_array_append_val(dma_patterns, p);
}

static void op_clock_step(QTestState *s)
{
    /* To the next deadline only: huge steps are the qtest target's. */
    g_free(qtest_cmd_raw(s, "clock_step"));
}

static void generic_fuzz_one(QTestState *s, const unsigned char *data,
                             size_t size)
{
    g_autoptr(GArray) ops = fuzz_split(data, size, FUZZ_SEPARATOR);
    guint i;

    for (i = 0; i < ops->len; i++) {
        FuzzPiece *op = &g_array_index(ops, FuzzPiece, i);
        OpArgs a = { op->data, op->size, 1 };

        if (!op->size) {
            continue;
        }
        switch (op->data[0] % OP_COUNT) {
        case OP_IN:
        case OP_OUT:
            op_pio(s, &a, op->data[0] % OP_COUNT == OP_OUT);
            break;
        case OP_READ:
        case OP_WRITE:
            op_mmio(s, &a, op->data[0] % OP_COUNT == OP_WRITE);
            break;
        case OP_PCI_READ:
        case OP_PCI_WRITE:
            op_pci(s, &a, op->data[0] % OP_COUNT == OP_PCI_WRITE);
            break;
        case OP_ADD_DMA_PATTERN:
            op_add_dma_pattern(&a);
            break;
        case OP_CLEAR_DMA_PATTERNS:
            dma_patterns_clear();
            break;
        case OP_CLOCK_STEP:
            op_clock_step(s);
            break;
        case OP_DISABLE_PCI:
            pci_disabled = true;
            break;
        }
        flush_events(s);
    }
}

static void generic_fuzz(QTestState *s, const unsigned char *data,
                         size_t size)
{
    /* The child starts from the parent's state: no patterns, PCI on. */
    fuzz_fork(s, generic_fuzz_one, data, size);
}

/* Set-up: what to fuzz */

static bool name_matches(const char *name)
{
    const char *objects = getenv("QEMU_FUZZ_OBJECTS");
    g_auto(GStrv) patterns = NULL;
    int i;

    if (!name || !objects) {
        return false;
    }
    patterns = g_strsplit(objects, " ", -1);
    for (i = 0; patterns[i]; i++) {
        if (*patterns[i] && g_pattern_match_simple(patterns[i], name)) {
            return true;
        }
    }
    return false;
}

static int add_owned_region(Object *child, void *opaque)
{
    if (object_dynamic_cast(child, TYPE_MEMORY_REGION)) {
        g_hash_table_add(fuzzable_mrs, child);
    }
    return 0;
}

static int find_fuzzable(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_MEMORY_REGION)) {
        if (name_matches(memory_region_name(MEMORY_REGION(obj)))) {
            g_hash_table_add(fuzzable_mrs, obj);
        }
    } else if (name_matches(object_get_typename(obj))) {
        object_child_foreach(obj, add_owned_region, NULL);
        /*
         * The "addr" property ("SS.F") rather than PCIDevice: libqos's
         * register names clash with hw/pci/pci.h's.
         */
        if (object_dynamic_cast(obj, "pci-device")) {
            g_autofree char *addr = object_property_get_str(obj, "addr",
                                                            &error_abort);
            unsigned slot, fn;
            int devfn;

            if (sscanf(addr, "%x.%x", &slot, &fn) == 2) {
                devfn = slot << 3 | fn;
                g_array_append_val(fuzzable_pci_devfns, devfn);
            }
        }
    }
    return object_child_foreach(obj, find_fuzzable, opaque);
}

static gint devfn_cmp(gconstpointer a, gconstpointer b)
{
    return *(const int *)a - *(const int *)b;
}

/* As a firmware would: map every BAR, enable decoding and mastering. */
static void pci_enum(QPCIDevice *dev, int devfn, void *data)
{
    int bar;

    for (bar = 0; bar < 6; bar++) {
        uint8_t reg = PCI_BASE_ADDRESS_0 + 4 * bar;
        uint32_t lo;

        qpci_config_writel(dev, reg, 0xffffffff);
        lo = qpci_config_readl(dev, reg);
        if (!lo) {
            continue;
        }
        qpci_iomap(dev, bar, NULL);
        if (!(lo & PCI_BASE_ADDRESS_SPACE_IO) &&
            (lo & PCI_BASE_ADDRESS_MEM_TYPE_64)) {
            bar++;
        }
    }
    qpci_device_enable(dev);
    g_free(dev);
}

static void generic_pre_fuzz(QTestState *s)
{
    QPCIBus *bus;

    if (!getenv("QEMU_FUZZ_OBJECTS")) {
        fprintf(stderr, "generic-fuzz: set QEMU_FUZZ_OBJECTS to the "
                "devices or memory regions to fuzz (glob patterns)\n");
        exit(1);
    }
    qts = s;
    fuzzable_mrs = g_hash_table_new(NULL, NULL);
    fuzzable_pci_devfns = g_array_new(false, false, sizeof(int));
    dma_patterns = g_array_new(false, false, sizeof(DmaPattern));
    dma_filled = g_array_new(false, false, sizeof(IoRange));

    bus = qpci_new_pc(s);
    qpci_device_foreach(bus, -1, -1, pci_enum, NULL);
    qpci_free_pc(bus);

    find_fuzzable(object_get_root(), NULL);
    g_array_sort(fuzzable_pci_devfns, devfn_cmp);
    if (!g_hash_table_size(fuzzable_mrs) && !fuzzable_pci_devfns->len) {
        fprintf(stderr, "generic-fuzz: nothing matches QEMU_FUZZ_OBJECTS "
                "'%s'\n", getenv("QEMU_FUZZ_OBJECTS"));
        exit(1);
    }
    if (getenv("QTEST_LOG")) {
        fprintf(stderr, "generic-fuzz: %u regions, %u PCI functions\n",
                g_hash_table_size(fuzzable_mrs), fuzzable_pci_devfns->len);
    }
}

static GString *generic_fuzz_cmdline(FuzzTarget *t)
{
    if (!getenv("QEMU_FUZZ_ARGS")) {
        fprintf(stderr, "generic-fuzz: set QEMU_FUZZ_ARGS to the "
                "emulator's arguments, e.g. '-device pci-testdev'\n");
        exit(1);
    }
    return g_string_new(getenv("QEMU_FUZZ_ARGS"));
}

/* The predefined configurations: generic-fuzz-NAME. */
typedef struct GenericFuzzConfig {
    const char *name;
    const char *args;
    const char *objects;
} GenericFuzzConfig;

static const GenericFuzzConfig generic_fuzz_configs[] = {
    {
        .name = "virtio-gpu-pci",
        .args = "-M q35 -nodefaults -device virtio-gpu-pci",
        .objects = "virtio*",
    }, {
        /* restrict=on: nothing the guest sends leaves the host. */
        .name = "virtio-net-pci",
        .args = "-M q35 -nodefaults -netdev user,id=n0,restrict=on "
                "-device virtio-net-pci,netdev=n0",
        .objects = "virtio*",
    }, {
        .name = "pci-testdev",
        .args = "-M q35 -nodefaults -device pci-testdev",
        .objects = "pci-testdev",
    }, {
        .name = "q35",
        .args = "-M q35 -nodefaults",
        .objects = "mch q35-pcihost ioapic isa-pit",
    },
};

static GString *generic_fuzz_config_cmdline(FuzzTarget *t)
{
    const GenericFuzzConfig *config = t->opaque;

    /* The environment of generic-fuzz, so that pre_fuzz is shared. */
    setenv("QEMU_FUZZ_ARGS", config->args, 1);
    setenv("QEMU_FUZZ_OBJECTS", config->objects, 1);
    return generic_fuzz_cmdline(t);
}

static void register_generic_fuzz_targets(void)
{
    size_t i;

    fuzz_add_target(&(FuzzTarget) {
        .name = "generic-fuzz",
        .description = "MMIO, PIO, PCI config and DMA on the devices "
                       "QEMU_FUZZ_OBJECTS names, QEMU_FUZZ_ARGS starts",
        .get_init_cmdline = generic_fuzz_cmdline,
        .pre_fuzz = generic_pre_fuzz,
        .fuzz = generic_fuzz,
    });
    for (i = 0; i < ARRAY_SIZE(generic_fuzz_configs); i++) {
        const GenericFuzzConfig *c = &generic_fuzz_configs[i];

        fuzz_add_target(&(FuzzTarget) {
            .name = g_strconcat("generic-fuzz-", c->name, NULL),
            .description = g_strdup_printf("generic-fuzz on %s: %s",
                                           c->objects, c->args),
            .get_init_cmdline = generic_fuzz_config_cmdline,
            .pre_fuzz = generic_pre_fuzz,
            .fuzz = generic_fuzz,
            .opaque = (void *)c,
        });
    }
}

fuzz_target_init(register_generic_fuzz_targets);
