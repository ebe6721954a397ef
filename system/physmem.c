/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest physical memory: the host memory behind RAM regions (RAMBlocks),
 * accesses that may span regions (address_space_rw, the ld/st helpers),
 * DMA mapping, and the machine's global memory and I/O address spaces.
 *
 * Every access runs under rcu_read_lock() on the AddressSpace's current
 * FlatView; the view's references keep each region it finds alive until
 * the access is over (docs/devel/memory.md).
 */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/rcu_queue.h"
#include "qemu/thread.h"
#include "exec/address-spaces.h"
#include "exec/ioport.h"
#include "exec/memory-internal.h"
#include "exec/ramblock.h"

/* RAM blocks */

static struct {
    /* Serialises writers; readers walk @blocks under RCU. */
    QemuMutex mutex;
    QLIST_HEAD(, RAMBlock) blocks;
} ram_list;

static void __attribute__((constructor)) ram_list_init(void)
{
    qemu_mutex_init(&ram_list.mutex);
}

/*
 * Biggest first, as in QEMU: memory_region_from_host() walks the list for
 * every DMA buffer a device unmaps, and those are nearly always in guest
 * RAM, the biggest block.  Newest first, a thousand mapped blobs (small
 * blocks of their own) made each walk a thousand steps.
 */
static void ram_block_add(RAMBlock *block)
{
    RAMBlock *b, *last = NULL;

    qemu_mutex_lock(&ram_list.mutex);
    QLIST_FOREACH(b, &ram_list.blocks, next) {
        if (b->used_length < block->used_length) {
            break;
        }
        last = b;
    }
    if (b) {
        QLIST_INSERT_BEFORE_RCU(b, block, next);
    } else if (last) {
        QLIST_INSERT_AFTER_RCU(last, block, next);
    } else {
        QLIST_INSERT_HEAD_RCU(&ram_list.blocks, block, next);
    }
    qemu_mutex_unlock(&ram_list.mutex);
}

RAMBlock *qemu_ram_alloc(ram_addr_t size, MemoryRegion *mr, Error **errp)
{
    size_t page = getpagesize();
    size_t length;
    RAMBlock *block;
    void *host;

    /* QEMU's words, whatever the reason: the host cannot give that much. */
    if (size > SIZE_MAX - page) {
        error_setg_errno(errp, ENOMEM, "cannot set up guest memory '%s'",
                         memory_region_name(mr));
        return NULL;
    }
    /* mmap() refuses 0 bytes; an empty region still gets a page. */
    length = MAX(QEMU_ALIGN_UP(size, page), page);
    /*
     * Anonymous memory is zeroed and only backed when touched, like a
     * fresh machine's RAM.
     */
    host = mmap(NULL, length, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory '%s'",
                         memory_region_name(mr));
        return NULL;
    }

    block = g_new0(RAMBlock, 1);
    block->mr = mr;
    block->host = host;
    block->used_length = size;
    block->mmap_length = length;
    ram_block_add(block);
    return block;
}

RAMBlock *qemu_ram_alloc_from_ptr(ram_addr_t size, void *host,
                                  MemoryRegion *mr)
{
    RAMBlock *block = g_new0(RAMBlock, 1);

    block->mr = mr;
    block->host = host;
    block->used_length = size;
    ram_block_add(block);
    return block;
}

static void reclaim_ramblock(RAMBlock *block)
{
    if (block->mmap_length) {
        munmap(block->host, block->mmap_length);
    }
    g_free(block);
}

void qemu_ram_free(RAMBlock *block)
{
    if (!block) {
        return;
    }
    qemu_mutex_lock(&ram_list.mutex);
    QLIST_REMOVE_RCU(block, next);
    qemu_mutex_unlock(&ram_list.mutex);
    /* memory_region_from_host() may still be looking at it. */
    call_rcu(block, reclaim_ramblock, rcu);
}

MemoryRegion *memory_region_from_host(void *ptr, ram_addr_t *offset)
{
    RAMBlock *block;

    QLIST_FOREACH_RCU(block, &ram_list.blocks, next) {
        uintptr_t off = (uintptr_t)ptr - (uintptr_t)block->host;

        if ((uintptr_t)ptr >= (uintptr_t)block->host &&
            off < block->used_length) {
            *offset = off;
            return block->mr;
        }
    }
    return NULL;
}

/* Accesses */

/*
 * A hole in the map: reads see 0, as in QEMU (x86 guests see the same
 * from unassigned memory there), and writes vanish.
 */
static MemTxResult unassigned_access(AddressSpace *as, hwaddr addr,
                                     uint8_t *buf, hwaddr len, bool is_write)
{
    qemu_log_mask(LOG_GUEST_ERROR, "Invalid %s at addr 0x%" HWADDR_PRIX
                  ", size %" PRIu64 ", region '(none)', reason: "
                  "unassigned in address space '%s'\n",
                  is_write ? "write" : "read", addr, len, as->name);
    if (!is_write) {
        memset(buf, 0, len);
    }
    return MEMTX_DECODE_ERROR;
}

/*
 * @len bytes at offset @off of the I/O region @mr, in pieces the region
 * accepts (at most valid.max_access_size, naturally aligned unless
 * impl.unaligned).  The buffer holds guest memory order, i.e. each piece
 * is the little-endian encoding of the target-order value.
 */
static MemTxResult io_rw(MemoryRegion *mr, hwaddr off, MemTxAttrs attrs,
                         uint8_t *buf, hwaddr len, bool is_write)
{
    MemTxResult result = MEMTX_OK;

    while (len > 0) {
        unsigned l = memory_access_size(mr, MIN(len, (hwaddr)8), off);
        uint64_t val;

        if (is_write) {
            val = memory_ldn_le(buf, l);
            result |= memory_region_dispatch_write(mr, off, val, l, attrs);
        } else {
            result |= memory_region_dispatch_read(mr, off, &val, l, attrs);
            memory_stn_le(buf, l, val);
        }
        off += l;
        buf += l;
        len -= l;
    }
    return result;
}

/* The body of address_space_rw(); the caller is in rcu_read_lock(). */
static MemTxResult flatview_rw(AddressSpace *as, FlatView *fv, hwaddr addr,
                               MemTxAttrs attrs, uint8_t *buf, hwaddr len,
                               bool is_write)
{
    MemTxResult result = MEMTX_OK;

    while (len > 0) {
        Int128 next;
        FlatRange *fr = flatview_lookup(fv, addr, &next);
        Int128 room;
        hwaddr l;

        if (!fr) {
            room = int128_sub(next, int128_make64(addr));
            l = int128_lt(room, int128_make64(len)) ? int128_get64(room)
                                                     : len;
            result |= unassigned_access(as, addr, buf, l, is_write);
        } else {
            MemoryRegion *mr = fr->mr;
            hwaddr off = fr->offset_in_region +
                         (addr - int128_get64(fr->addr.start));

            room = int128_sub(flatrange_end(fr), int128_make64(addr));
            l = int128_lt(room, int128_make64(len)) ? int128_get64(room)
                                                     : len;
            if (!mr->ram) {
                result |= io_rw(mr, off, attrs, buf, l, is_write);
            } else if (!is_write) {
                fuzz_dma_read_cb(addr, l, mr);
                memcpy(buf, mr->ram_block->host + off, l);
            } else if (!fr->readonly) {
                memcpy(mr->ram_block->host + off, buf, l);
            }
            /* else: a write to ROM is dropped, as on real hardware. */
        }
        addr += l;
        buf += l;
        len -= l;
    }
    return result;
}

static FlatView *address_space_get_view(AddressSpace *as)
{
    FlatView *fv = address_space_to_flatview(as);

    /* memory_map_init() or address_space_init() was not called. */
    assert(fv);
    return fv;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                             void *buf, hwaddr len, bool is_write)
{
    RCU_READ_LOCK_GUARD();

    return flatview_rw(as, address_space_get_view(as), addr, attrs, buf, len,
                       is_write);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len)
{
    return address_space_rw(as, addr, attrs, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len)
{
    /* flatview_rw() only reads @buf when writing. */
    return address_space_rw(as, addr, attrs, (void *)buf, len, true);
}

/*
 * The I/O region that holds all of [@addr, @addr + @size) in @fv, with the
 * offset of @addr in it in *@off; NULL where there is none (RAM, a hole,
 * or an access that runs past the end of its range).
 */
static MemoryRegion *flatview_io_region(FlatView *fv, hwaddr addr,
                                        unsigned size, hwaddr *off)
{
    FlatRange *fr = flatview_lookup(fv, addr, NULL);

    if (fr && !fr->mr->ram &&
        int128_ge(int128_sub(flatrange_end(fr), int128_make64(addr)),
                  int128_make64(size))) {
        *off = fr->offset_in_region + (addr - int128_get64(fr->addr.start));
        return fr->mr;
    }
    return NULL;
}

/*
 * Loads and stores of 1, 2, 4 or 8 bytes.  Within one I/O region they
 * are a single access of that size, as a CPU's would be (so a device that
 * only accepts 2-byte accesses rejects a 4-byte load); otherwise they
 * behave like address_space_rw().
 */
static uint64_t address_space_ld_internal(AddressSpace *as, hwaddr addr,
                                          unsigned size, MemTxAttrs attrs,
                                          MemTxResult *result)
{
    uint8_t buf[8];
    uint64_t val;
    MemTxResult r;
    MemoryRegion *mr;
    FlatView *fv;
    hwaddr off;

    RCU_READ_LOCK_GUARD();
    fv = address_space_get_view(as);
    mr = flatview_io_region(fv, addr, size, &off);
    if (mr) {
        r = memory_region_dispatch_read(mr, off, &val, size, attrs);
    } else {
        r = flatview_rw(as, fv, addr, attrs, buf, size, false);
        val = memory_ldn_le(buf, size);
    }
    if (result) {
        *result = r;
    }
    return val;
}

static void address_space_st_internal(AddressSpace *as, hwaddr addr,
                                      uint64_t val, unsigned size,
                                      MemTxAttrs attrs, MemTxResult *result)
{
    uint8_t buf[8];
    MemTxResult r;
    MemoryRegion *mr;
    FlatView *fv;
    hwaddr off;

    RCU_READ_LOCK_GUARD();
    fv = address_space_get_view(as);
    mr = flatview_io_region(fv, addr, size, &off);
    if (mr) {
        r = memory_region_dispatch_write(mr, off, val, size, attrs);
    } else {
        memory_stn_le(buf, size, val);
        r = flatview_rw(as, fv, addr, attrs, buf, size, true);
    }
    if (result) {
        *result = r;
    }
}

uint8_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxAttrs attrs,
                           MemTxResult *result)
{
    return address_space_ld_internal(as, addr, 1, attrs, result);
}

uint16_t address_space_lduw_le(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, MemTxResult *result)
{
    return address_space_ld_internal(as, addr, 2, attrs, result);
}

uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result)
{
    return address_space_ld_internal(as, addr, 4, attrs, result);
}

uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr,
                              MemTxAttrs attrs, MemTxResult *result)
{
    return address_space_ld_internal(as, addr, 8, attrs, result);
}

void address_space_stb(AddressSpace *as, hwaddr addr, uint8_t val,
                       MemTxAttrs attrs, MemTxResult *result)
{
    address_space_st_internal(as, addr, val, 1, attrs, result);
}

void address_space_stw_le(AddressSpace *as, hwaddr addr, uint16_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    address_space_st_internal(as, addr, val, 2, attrs, result);
}

void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    address_space_st_internal(as, addr, val, 4, attrs, result);
}

void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxAttrs attrs, MemTxResult *result)
{
    address_space_st_internal(as, addr, val, 8, attrs, result);
}

uint8_t ldub_phys(AddressSpace *as, hwaddr addr)
{
    return address_space_ldub(as, addr, MEMTXATTRS_UNSPECIFIED, NULL);
}

uint16_t lduw_le_phys(AddressSpace *as, hwaddr addr)
{
    return address_space_lduw_le(as, addr, MEMTXATTRS_UNSPECIFIED, NULL);
}

uint32_t ldl_le_phys(AddressSpace *as, hwaddr addr)
{
    return address_space_ldl_le(as, addr, MEMTXATTRS_UNSPECIFIED, NULL);
}

uint64_t ldq_le_phys(AddressSpace *as, hwaddr addr)
{
    return address_space_ldq_le(as, addr, MEMTXATTRS_UNSPECIFIED, NULL);
}

void stb_phys(AddressSpace *as, hwaddr addr, uint8_t val)
{
    address_space_stb(as, addr, val, MEMTXATTRS_UNSPECIFIED, NULL);
}

void stw_le_phys(AddressSpace *as, hwaddr addr, uint16_t val)
{
    address_space_stw_le(as, addr, val, MEMTXATTRS_UNSPECIFIED, NULL);
}

void stl_le_phys(AddressSpace *as, hwaddr addr, uint32_t val)
{
    address_space_stl_le(as, addr, val, MEMTXATTRS_UNSPECIFIED, NULL);
}

void stq_le_phys(AddressSpace *as, hwaddr addr, uint64_t val)
{
    address_space_stq_le(as, addr, val, MEMTXATTRS_UNSPECIFIED, NULL);
}

/* DMA mapping */

/* A bounce buffer is never larger than this; callers loop, as in QEMU. */
#define MAX_BOUNCE_BUFFER_SIZE 4096

typedef struct BounceBuffer {
    MemoryRegion *mr;
    hwaddr addr;
    MemTxAttrs attrs;
    hwaddr len;
    uint8_t buffer[] QEMU_ALIGNED(16);
} BounceBuffer;

void *address_space_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                        bool is_write, MemTxAttrs attrs)
{
    hwaddr len = *plen;
    BounceBuffer *bounce;
    FlatView *fv;
    FlatRange *fr;
    Int128 next, room;
    hwaddr l;

    if (len == 0) {
        return NULL;
    }

    RCU_READ_LOCK_GUARD();
    fv = address_space_get_view(as);
    fr = flatview_lookup(fv, addr, &next);
    if (fr) {
        room = int128_sub(flatrange_end(fr), int128_make64(addr));
    } else {
        room = int128_sub(next, int128_make64(addr));
    }
    l = int128_lt(room, int128_make64(len)) ? int128_get64(room) : len;

    if (fr && fr->mr->ram && !(is_write && fr->readonly)) {
        hwaddr off = fr->offset_in_region +
                     (addr - int128_get64(fr->addr.start));

        /*
         * The caller uses the memory after we leave the RCU critical
         * section: hold the region until address_space_unmap().
         */
        memory_region_ref(fr->mr);
        fuzz_dma_read_cb(addr, l, fr->mr);
        *plen = l;
        return fr->mr->ram_block->host + off;
    }

    l = MIN(l, (hwaddr)MAX_BOUNCE_BUFFER_SIZE);
    bounce = g_malloc0(sizeof(*bounce) + l);
    bounce->mr = fr ? fr->mr : NULL;
    memory_region_ref(bounce->mr);
    bounce->addr = addr;
    bounce->attrs = attrs;
    bounce->len = l;
    if (!is_write) {
        flatview_rw(as, fv, addr, attrs, bounce->buffer, l, false);
    }
    *plen = l;
    return bounce->buffer;
}

void address_space_unmap(AddressSpace *as, void *buffer, hwaddr len,
                         bool is_write, hwaddr access_len)
{
    BounceBuffer *bounce;
    MemoryRegion *mr;
    ram_addr_t offset;

    WITH_RCU_READ_LOCK_GUARD() {
        mr = memory_region_from_host(buffer, &offset);
    }
    if (mr) {
        memory_region_unref(mr);
        return;
    }

    bounce = container_of(buffer, BounceBuffer, buffer);
    assert(len <= bounce->len);
    if (is_write) {
        address_space_write(as, bounce->addr, bounce->attrs, bounce->buffer,
                            MIN(access_len, bounce->len));
    }
    memory_region_unref(bounce->mr);
    g_free(bounce);
}

/* MemoryRegionCache */

bool address_space_cache_init(MemoryRegionCache *cache, AddressSpace *as,
                              hwaddr addr, hwaddr len, bool is_write)
{
    FlatRange *fr;

    cache->ptr = NULL;
    cache->mr = NULL;
    cache->fv = address_space_get_flatview(as);
    cache->as = as;
    cache->addr = addr;
    cache->len = len;
    cache->is_write = is_write;

    if (!len || addr + len < addr) {
        return false;
    }
    fr = flatview_lookup(cache->fv, addr, NULL);
    if (fr && fr->mr->ram && !(is_write && fr->readonly) &&
        !int128_lt(flatrange_end(fr),
                   int128_add(int128_make64(addr), int128_make64(len)))) {
        /* The view holds the region; the cache holds it on top. */
        cache->mr = fr->mr;
        memory_region_ref(cache->mr);
        cache->ptr = cache->mr->ram_block->host + fr->offset_in_region +
                     (addr - int128_get64(fr->addr.start));
    }
    return cache->ptr != NULL;
}

void address_space_cache_destroy(MemoryRegionCache *cache)
{
    if (!cache->fv) {
        return;
    }
    memory_region_unref(cache->mr);
    flatview_unref(cache->fv);
    cache->ptr = NULL;
    cache->mr = NULL;
    cache->fv = NULL;
}

static MemTxResult address_space_cached_rw(MemoryRegionCache *cache,
                                           hwaddr addr, void *buf,
                                           hwaddr len, bool is_write)
{
    /* As in QEMU, going past the cache is a bug in the caller. */
    assert(addr <= cache->len && len <= cache->len - addr);
    assert(!is_write || cache->is_write);
    if (cache->ptr) {
        if (is_write) {
            memcpy(cache->ptr + addr, buf, len);
        } else {
            fuzz_dma_read_cb(cache->addr + addr, len, cache->mr);
            memcpy(buf, cache->ptr + addr, len);
        }
        return MEMTX_OK;
    }
    /* The slow path, through the view the cache holds. */
    return flatview_rw(cache->as, cache->fv, cache->addr + addr,
                       MEMTXATTRS_UNSPECIFIED, buf, len, is_write);
}

MemTxResult address_space_read_cached(MemoryRegionCache *cache, hwaddr addr,
                                      void *buf, hwaddr len)
{
    return address_space_cached_rw(cache, addr, buf, len, false);
}

MemTxResult address_space_write_cached(MemoryRegionCache *cache,
                                       hwaddr addr, const void *buf,
                                       hwaddr len)
{
    return address_space_cached_rw(cache, addr, (void *)buf, len, true);
}

void cpu_physical_memory_rw(hwaddr addr, void *buf, hwaddr len,
                            bool is_write)
{
    address_space_rw(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                     buf, len, is_write);
}

void cpu_physical_memory_read(hwaddr addr, void *buf, hwaddr len)
{
    cpu_physical_memory_rw(addr, buf, len, false);
}

void cpu_physical_memory_write(hwaddr addr, const void *buf, hwaddr len)
{
    cpu_physical_memory_rw(addr, (void *)buf, len, true);
}

/* The global address spaces */

/* Set once, with the BQL held; read without it after that. */
static MemoryRegion *system_memory;
static MemoryRegion *system_io;

AddressSpace address_space_memory;
AddressSpace address_space_io;

void memory_map_init(void)
{
    bool take_bql = !bql_locked();
    MemoryRegion *mem, *io;

    if (qatomic_load_acquire(&system_memory)) {
        return;
    }
    if (take_bql) {
        bql_lock();
    }
    if (!system_memory) {
        mem = g_new0(MemoryRegion, 1);
        memory_region_init(mem, NULL, "system", UINT64_MAX);
        address_space_init(&address_space_memory, mem, "memory");

        /*
         * An I/O region rather than a plain container, as in QEMU: ports
         * no device decodes answer all ones without a guest-error log,
         * like an ISA bus nobody drives.
         */
        io = g_new0(MemoryRegion, 1);
        memory_region_init_io(io, NULL, &unassigned_io_ops, NULL, "io",
                              MAX_IOPORTS);
        address_space_init(&address_space_io, io, "I/O");

        qatomic_set(&system_io, io);
        /* Pairs with qatomic_load_acquire() above: all of it is ready. */
        qatomic_store_release(&system_memory, mem);
    }
    if (take_bql) {
        bql_unlock();
    }
}

MemoryRegion *get_system_memory(void)
{
    memory_map_init();
    return system_memory;
}

MemoryRegion *get_system_io(void)
{
    memory_map_init();
    return system_io;
}
