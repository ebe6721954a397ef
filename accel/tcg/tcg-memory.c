/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest-physical memory map of the unicorn engines, kept in step
 * with the FlatView of address_space_memory.
 *
 * Each engine maps two kinds of ranges:
 *   - RAM chunks: the page-aligned part of every writable RAM section,
 *     mapped with uc_mem_map_ptr() over the region's own host memory, so
 *     guest loads and stores touch the memory API's RAM directly;
 *   - I/O pages: everything else (MMIO, ROM, read-only RAM, the edges of
 *     unaligned RAM, holes) is left unmapped until the guest touches it;
 *     the unmapped-access hook then maps that 4 KiB page as unicorn MMIO
 *     whose callbacks go through address_space_read/write().  Such a page
 *     never goes stale: the memory API looks the address up in the
 *     current FlatView at every access.
 *
 * Keeping the RAM chunks in step happens in 3 steps, QEMU's tcg_commit:
 * 1. The MemoryListener (BQL, in whatever thread commits the change)
 *    updates tcg_ram_map and bumps tcg_map_gen in region_add/region_del,
 *    i.e. before the new FlatView is published and before the old one is
 *    handed to call_rcu(); its commit kicks every vCPU.
 * 2. The vCPU thread leaves guest code at the next block boundary.
 * 3. At the start of its next slice, inside rcu_read_lock(), it compares
 *    its engine's chunks with tcg_ram_map and unmaps/maps the difference
 *    (tcg_cpu_sync_memory()).
 *
 * Why the vCPU never touches a region's memory after the region is
 * freed: a region is freed after a grace period that starts after step
 * 1.  A slice that started its critical section before step 1 may still
 * run guest code with the old mapping, but the grace period waits for it
 * to end.  A slice that starts after step 1 syncs first (step 3) and
 * never sees the old mapping.  Unmapping itself does not touch the
 * memory, so applying a removal after the free is harmless.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/units.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "system/cpus.h"
#include "tcg-internal.h"

#define TCG_PAGE_SIZE   (4 * KiB)
#define TCG_PAGE_MASK   (~(uint64_t)(TCG_PAGE_SIZE - 1))

typedef struct TCGRamChunk {
    hwaddr start;
    uint64_t size;
    void *host;
} TCGRamChunk;

/* Step 1's state; tcg_map_lock protects it against the vCPU thread. */
static QemuMutex tcg_map_lock;
static GArray *tcg_ram_map;
static unsigned tcg_map_gen;
static bool tcg_map_changed;

/* The page-aligned RAM in @section, false if there is none. */
static bool tcg_section_chunk(MemoryRegionSection *section,
                              TCGRamChunk *chunk)
{
    hwaddr start = section->offset_within_address_space;
    uint64_t size = int128_get64(section->size);
    hwaddr first = ROUND_UP(start, TCG_PAGE_SIZE);
    hwaddr end = (start + size) & TCG_PAGE_MASK;

    if (!memory_region_is_ram(section->mr) || section->readonly ||
        end <= first) {
        return false;
    }
    chunk->start = first;
    chunk->size = end - first;
    chunk->host = (uint8_t *)memory_region_get_ram_ptr(section->mr) +
                  section->offset_within_region + (first - start);
    return true;
}

static void tcg_listener_region_add(MemoryListener *listener,
                                    MemoryRegionSection *section)
{
    TCGRamChunk chunk;

    if (!tcg_section_chunk(section, &chunk)) {
        return;
    }
    qemu_mutex_lock(&tcg_map_lock);
    g_array_append_val(tcg_ram_map, chunk);
    tcg_map_gen++;
    qemu_mutex_unlock(&tcg_map_lock);
    tcg_map_changed = true;
}

static void tcg_listener_region_del(MemoryListener *listener,
                                    MemoryRegionSection *section)
{
    TCGRamChunk chunk;
    guint i;

    if (!tcg_section_chunk(section, &chunk)) {
        return;
    }
    qemu_mutex_lock(&tcg_map_lock);
    for (i = 0; i < tcg_ram_map->len; i++) {
        TCGRamChunk *c = &g_array_index(tcg_ram_map, TCGRamChunk, i);

        if (c->start == chunk.start) {
            g_array_remove_index(tcg_ram_map, i);
            break;
        }
    }
    tcg_map_gen++;
    qemu_mutex_unlock(&tcg_map_lock);
    tcg_map_changed = true;
}

/* Step 2: every engine must sync before it runs guest code again. */
static void tcg_listener_commit(MemoryListener *listener)
{
    CPUState *cpu;

    if (!tcg_map_changed) {
        return;
    }
    tcg_map_changed = false;
    CPU_FOREACH(cpu) {
        cpu_exit(cpu);
        qemu_cpu_kick(cpu);
    }
}

static MemoryListener tcg_memory_listener = {
    .name = "tcg",
    .region_add = tcg_listener_region_add,
    .region_del = tcg_listener_region_del,
    .commit = tcg_listener_commit,
    .priority = 10,
};

void tcg_memory_init(void)
{
    qemu_mutex_init(&tcg_map_lock);
    tcg_ram_map = g_array_new(false, false, sizeof(TCGRamChunk));
    memory_listener_register(&tcg_memory_listener, &address_space_memory);
}

/* I/O pages: unicorn MMIO that forwards to the memory API. */

static uint64_t tcg_io_read(uc_engine *uc, uint64_t offset, unsigned size,
                            void *opaque)
{
    hwaddr addr = (uintptr_t)opaque + offset;
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;

    switch (size) {
    case 1:
        return address_space_ldub(&address_space_memory, addr, attrs, NULL);
    case 2:
        return address_space_lduw_le(&address_space_memory, addr, attrs,
                                     NULL);
    case 4:
        return address_space_ldl_le(&address_space_memory, addr, attrs,
                                    NULL);
    default:
        return address_space_ldq_le(&address_space_memory, addr, attrs,
                                    NULL);
    }
}

static void tcg_io_write(uc_engine *uc, uint64_t offset, unsigned size,
                         uint64_t value, void *opaque)
{
    hwaddr addr = (uintptr_t)opaque + offset;
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;

    switch (size) {
    case 1:
        address_space_stb(&address_space_memory, addr, value, attrs, NULL);
        break;
    case 2:
        address_space_stw_le(&address_space_memory, addr, value, attrs,
                             NULL);
        break;
    case 4:
        address_space_stl_le(&address_space_memory, addr, value, attrs,
                             NULL);
        break;
    default:
        address_space_stq_le(&address_space_memory, addr, value, attrs,
                             NULL);
        break;
    }
}

bool tcg_cpu_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr,
                      int size, int64_t value, void *opaque)
{
    CPUState *cpu = opaque;
    uint64_t page = addr & TCG_PAGE_MASK;

    /* Code runs from RAM only; the caller reports the fetch. */
    if (type == UC_MEM_FETCH_UNMAPPED) {
        return false;
    }
    if (uc_mmio_map(uc, page, TCG_PAGE_SIZE, tcg_io_read,
                    (void *)(uintptr_t)page, tcg_io_write,
                    (void *)(uintptr_t)page) != UC_ERR_OK) {
        return false;
    }
    g_hash_table_add(cpu->accel->io_pages, (gpointer)(uintptr_t)page);
    /* unicorn retries the access, which now reaches tcg_io_*(). */
    return true;
}

/* Drop the I/O pages in [start, start + size): RAM goes there now. */
static void tcg_cpu_unmap_io_pages(CPUState *cpu, hwaddr start,
                                   uint64_t size)
{
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, cpu->accel->io_pages);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        uint64_t page = (uintptr_t)key;

        if (page >= start && page - start < size) {
            uc_mem_unmap(cpu->accel->uc, page, TCG_PAGE_SIZE);
            g_hash_table_iter_remove(&iter);
        }
    }
}

static bool tcg_chunk_in(const TCGRamChunk *c, GArray *map)
{
    guint i;

    for (i = 0; i < map->len; i++) {
        TCGRamChunk *m = &g_array_index(map, TCGRamChunk, i);

        if (m->start == c->start && m->size == c->size &&
            m->host == c->host) {
            return true;
        }
    }
    return false;
}

bool tcg_cpu_sync_memory(CPUState *cpu, Error **errp)
{
    AccelCPUState *acc = cpu->accel;
    g_autoptr(GArray) want = NULL;
    unsigned gen;
    guint i;
    uc_err err;

    qemu_mutex_lock(&tcg_map_lock);
    gen = tcg_map_gen;
    if (acc->ram && acc->map_gen == gen) {
        qemu_mutex_unlock(&tcg_map_lock);
        return true;
    }
    want = g_array_sized_new(false, false, sizeof(TCGRamChunk),
                             tcg_ram_map->len);
    g_array_append_vals(want, tcg_ram_map->data, tcg_ram_map->len);
    qemu_mutex_unlock(&tcg_map_lock);

    if (!acc->ram) {
        acc->ram = g_array_new(false, false, sizeof(TCGRamChunk));
    }
    /* Removals first, so that additions never overlap a stale chunk. */
    for (i = acc->ram->len; i-- > 0;) {
        TCGRamChunk *c = &g_array_index(acc->ram, TCGRamChunk, i);

        if (!tcg_chunk_in(c, want)) {
            uc_mem_unmap(acc->uc, c->start, c->size);
            g_array_remove_index(acc->ram, i);
        }
    }
    for (i = 0; i < want->len; i++) {
        TCGRamChunk *c = &g_array_index(want, TCGRamChunk, i);

        if (tcg_chunk_in(c, acc->ram)) {
            continue;
        }
        tcg_cpu_unmap_io_pages(cpu, c->start, c->size);
        err = uc_mem_map_ptr(acc->uc, c->start, c->size, UC_PROT_ALL,
                             c->host);
        if (err != UC_ERR_OK) {
            error_setg(errp, "cannot map guest RAM 0x%" HWADDR_PRIx
                       "+0x%" PRIx64 " into unicorn: %s", c->start, c->size,
                       uc_strerror(err));
            return false;
        }
        g_array_append_val(acc->ram, *c);
    }
    acc->map_gen = gen;
    return true;
}

void tcg_cpu_memory_reset(CPUState *cpu)
{
    AccelCPUState *acc = cpu->accel;

    if (acc->ram) {
        g_array_free(acc->ram, true);
        acc->ram = NULL;
    }
    g_hash_table_remove_all(acc->io_pages);
}
