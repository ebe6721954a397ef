/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio core: device status and feature negotiation, split virtqueues
 * (descriptor table, available and used rings in guest memory), indirect
 * descriptors, event index, and the TYPE_VIRTIO_DEVICE base type.
 * Written from the virtio 1.x specification; see docs/devel/virtio.md.
 *
 * Device status, as the driver writes it (virtio 1.x 3.1):
 *
 *   0 (reset) -> ACKNOWLEDGE -> | DRIVER -> FEATURES_OK -> DRIVER_OK
 *   any       -> 0              reset: queues, features, ISR cleared
 *   any       -> | FAILED       the driver gave up; kept until reset
 *   setting FEATURES_OK         accepted only when the features recorded
 *                               with virtio_set_features() include
 *                               VERSION_1 and the device's
 *                               validate_features() agrees; otherwise the
 *                               bit is dropped and the driver reads it
 *                               back clear
 *   virtio_error()              device broken: NEEDS_RESET is set (sticky
 *                               until reset) once features were accepted,
 *                               and no queue is processed until reset
 *
 * Every ring and buffer access goes through the device's DMA address
 * space (the PCI bus-master one) and must land in guest RAM: anything
 * else (holes, MMIO, the device's own registers) breaks the device, so a
 * malicious ring can neither crash us nor re-enter the device.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "exec/address-spaces.h"
#include "exec/ramblock.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-bus.h"
#include "trace.h"

/*
 * The rings as seen through MemoryRegionCaches, as QEMU keeps them.  Each
 * cache holds a reference on the FlatView it was made from, so the
 * caches are remade after every change to the memory map (the listener
 * in VirtIODevice) and the old ones freed from call_rcu(): a FlatView
 * replaced by a map change is then destroyed only in the RCU batch
 * after the one that frees the caches (docs/devel/virtio.md).
 */
typedef struct VRingMemoryRegionCaches {
    struct rcu_head rcu;
    MemoryRegionCache desc;
    MemoryRegionCache avail;
    MemoryRegionCache used;
} VRingMemoryRegionCaches;

typedef struct VRing {
    unsigned int num;           /* size the driver chose, 0: no queue */
    unsigned int num_default;   /* size the device asked for (maximum) */
    hwaddr desc;
    hwaddr avail;
    hwaddr used;
    /* While enabled; RCU-protected, written with the BQL held. */
    VRingMemoryRegionCaches *caches;
} VRing;

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

struct VirtQueue {
    VRing vring;
    VirtIODevice *vdev;
    VirtIOHandleOutput handle_output;
    int queue_index;
    bool enabled;

    /* Next available ring slot the device will consume. */
    uint16_t last_avail_idx;
    /* Last avail->idx read from the driver. */
    uint16_t shadow_avail_idx;
    /* Next used ring slot the device will fill. */
    uint16_t used_idx;
    /* used_idx when the driver was last notified (EVENT_IDX). */
    uint16_t signalled_used;
    bool signalled_used_valid;
    /* The device wants notifications (virtio_queue_set_notification). */
    bool notification;
    /* Elements popped and not yet pushed or detached. */
    unsigned int inuse;
    uint16_t vector;
};

static bool is_pow2(unsigned int n)
{
    return n && !(n & (n - 1));
}

/* Guest memory access: RAM only */

/*
 * Map up to *@plen bytes of guest RAM at @addr in the device's DMA
 * address space, shortening *@plen to what one RAM region holds.  NULL
 * when @addr is not RAM (or is read-only RAM).
 *
 * The probe maps for writing even when the caller only reads: a
 * non-RAM target then gets a bounce buffer that address_space_map() does
 * not fill, so MMIO registers (read-to-clear ones included) are never
 * accessed; a RAM mapping is the same host pointer either way.
 */
static void *virtio_map_ram(VirtIODevice *vdev, hwaddr addr, hwaddr *plen)
{
    void *host;
    ram_addr_t off;
    bool ram;

    if (!*plen || addr + *plen < addr) {
        return NULL;
    }
    host = address_space_map(vdev->dma_as, addr, plen, true,
                             MEMTXATTRS_UNSPECIFIED);
    if (!host) {
        return NULL;
    }
    WITH_RCU_READ_LOCK_GUARD() {
        ram = memory_region_from_host(host, &off) != NULL;
    }
    if (!ram) {
        /* A bounce buffer: with access_len 0 nothing is written back. */
        address_space_unmap(vdev->dma_as, host, *plen, true, 0);
        return NULL;
    }
    return host;
}

static void virtio_unmap_ram(VirtIODevice *vdev, void *host, hwaddr len)
{
    address_space_unmap(vdev->dma_as, host, len, true, len);
}

/* Ring accessors; false when the ring is not in RAM (device broken). */

enum {
    VRING_CACHE_DESC,
    VRING_CACHE_AVAIL,
    VRING_CACHE_USED,
};

/* @len bytes at offset @off of one of @vq's rings, through its cache. */
static bool vring_access(VirtQueue *vq, int ring, hwaddr off, void *buf,
                         hwaddr len, bool is_write)
{
    VRingMemoryRegionCaches *caches;
    MemoryRegionCache *cache;
    hwaddr base;

    RCU_READ_LOCK_GUARD();
    caches = qatomic_rcu_read(&vq->vring.caches);
    switch (ring) {
    case VRING_CACHE_DESC:
        cache = caches ? &caches->desc : NULL;
        base = vq->vring.desc;
        break;
    case VRING_CACHE_AVAIL:
        cache = caches ? &caches->avail : NULL;
        base = vq->vring.avail;
        break;
    default:
        cache = caches ? &caches->used : NULL;
        base = vq->vring.used;
        break;
    }
    if (!cache || !address_space_cache_is_ram(cache)) {
        virtio_error(vq->vdev, "queue %d: ring address 0x%" HWADDR_PRIx
                     " is not in guest RAM", vq->queue_index, base + off);
        return false;
    }
    if (is_write) {
        address_space_write_cached(cache, off, buf, len);
    } else {
        address_space_read_cached(cache, off, buf, len);
    }
    return true;
}

static bool vring_read_u16(VirtQueue *vq, int ring, hwaddr off,
                           uint16_t *val)
{
    uint8_t b[2];

    if (!vring_access(vq, ring, off, b, 2, false)) {
        return false;
    }
    *val = lduw_le_p(b);
    return true;
}

static bool vring_write_u16(VirtQueue *vq, int ring, hwaddr off,
                            uint16_t val)
{
    uint8_t b[2];

    stw_le_p(b, val);
    return vring_access(vq, ring, off, b, 2, true);
}

static bool vring_avail_idx(VirtQueue *vq, uint16_t *idx)
{
    if (!vring_read_u16(vq, VRING_CACHE_AVAIL,
                        offsetof(struct vring_avail, idx), idx)) {
        return false;
    }
    vq->shadow_avail_idx = *idx;
    return true;
}

static bool vring_avail_flags(VirtQueue *vq, uint16_t *flags)
{
    return vring_read_u16(vq, VRING_CACHE_AVAIL,
                          offsetof(struct vring_avail, flags), flags);
}

static bool vring_avail_ring(VirtQueue *vq, unsigned int i, uint16_t *val)
{
    return vring_read_u16(vq, VRING_CACHE_AVAIL,
                          offsetof(struct vring_avail, ring[i]), val);
}

/* used_event, the last field of the available ring (EVENT_IDX) */
static bool vring_get_used_event(VirtQueue *vq, uint16_t *val)
{
    return vring_avail_ring(vq, vq->vring.num, val);
}

/* avail_event, the last field of the used ring (EVENT_IDX) */
static void vring_set_avail_event(VirtQueue *vq, uint16_t val)
{
    vring_write_u16(vq, VRING_CACHE_USED,
                    offsetof(struct vring_used, ring[vq->vring.num]), val);
}

static bool vring_used_flags_update(VirtQueue *vq, uint16_t set,
                                    uint16_t clear)
{
    hwaddr off = offsetof(struct vring_used, flags);
    uint16_t flags;

    if (!vring_read_u16(vq, VRING_CACHE_USED, off, &flags)) {
        return false;
    }
    return vring_write_u16(vq, VRING_CACHE_USED, off, (flags | set) & ~clear);
}

static void vring_desc_decode(const uint8_t *b, VRingDesc *desc)
{
    desc->addr = ldq_le_p(b + offsetof(struct vring_desc, addr));
    desc->len = ldl_le_p(b + offsetof(struct vring_desc, len));
    desc->flags = lduw_le_p(b + offsetof(struct vring_desc, flags));
    desc->next = lduw_le_p(b + offsetof(struct vring_desc, next));
}

/*
 * Descriptor @i of the queue's table or, with @indirect, of an indirect
 * table (a cache the caller made over it).
 */
static bool vring_read_desc(VirtQueue *vq, MemoryRegionCache *indirect,
                            unsigned int i, VRingDesc *desc)
{
    uint8_t b[sizeof(struct vring_desc)];
    hwaddr off = (hwaddr)i * sizeof(struct vring_desc);

    if (indirect) {
        address_space_read_cached(indirect, off, b, sizeof(b));
    } else if (!vring_access(vq, VRING_CACHE_DESC, off, b, sizeof(b),
                             false)) {
        return false;
    }
    vring_desc_decode(b, desc);
    return true;
}

static void virtio_free_region_cache(VRingMemoryRegionCaches *caches)
{
    trace_virtio_free_region_cache(caches);
    address_space_cache_destroy(&caches->desc);
    address_space_cache_destroy(&caches->avail);
    address_space_cache_destroy(&caches->used);
    g_free(caches);
}

/* Replace @vq's caches with @new (may be NULL); readers may hold the old. */
static void virtio_set_region_cache(VirtQueue *vq,
                                    VRingMemoryRegionCaches *new)
{
    VRingMemoryRegionCaches *old = vq->vring.caches;

    /* Pairs with qatomic_rcu_read() in vring_access(). */
    qatomic_rcu_set(&vq->vring.caches, new);
    if (old) {
        call_rcu(old, virtio_free_region_cache, rcu);
    }
}

/*
 * (Re)make the caches of enabled queue @vq from the current memory map.
 * A ring that is not (writable) RAM gets a cache anyway: accesses then
 * fail and break the device, as before there were caches.
 */
static void virtio_init_region_cache(VirtQueue *vq)
{
    AddressSpace *as = vq->vdev->dma_as;
    unsigned int num = vq->vring.num;
    VRingMemoryRegionCaches *new = g_new0(VRingMemoryRegionCaches, 1);

    address_space_cache_init(&new->desc, as, vq->vring.desc,
                             num * sizeof(struct vring_desc), false);
    address_space_cache_init(&new->avail, as, vq->vring.avail,
                             offsetof(struct vring_avail, ring[num + 1]),
                             false);
    address_space_cache_init(&new->used, as, vq->vring.used,
                             offsetof(struct vring_used, ring[num]) +
                             sizeof(uint16_t), true);
    virtio_set_region_cache(vq, new);
}

/* After each memory map change, as QEMU's virtio_memory_listener_commit. */
static void virtio_memory_listener_commit(MemoryListener *listener)
{
    VirtIODevice *vdev = container_of(listener, VirtIODevice, listener);
    int i;

    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].vring.num_default == 0) {
            break;
        }
        if (vdev->vq[i].vring.caches) {
            virtio_init_region_cache(&vdev->vq[i]);
        }
    }
}

/* Queue state */

bool virtio_queue_ready(VirtQueue *vq)
{
    return vq->enabled && vq->vring.num && vq->vring.desc &&
           vq->vring.avail && vq->vring.used;
}

int virtio_queue_empty(VirtQueue *vq)
{
    uint16_t idx;

    if (vq->vdev->broken || !virtio_queue_ready(vq)) {
        return 1;
    }
    if (vq->shadow_avail_idx != vq->last_avail_idx) {
        return 0;
    }
    if (!vring_avail_idx(vq, &idx)) {
        return 1;
    }
    return idx == vq->last_avail_idx;
}

void virtio_queue_set_notification(VirtQueue *vq, int enable)
{
    uint16_t idx;

    vq->notification = enable;
    if (vq->vdev->broken || !virtio_queue_ready(vq)) {
        return;
    }
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        if (enable && vring_avail_idx(vq, &idx)) {
            vring_set_avail_event(vq, idx);
        }
    } else if (enable) {
        vring_used_flags_update(vq, 0, VRING_USED_F_NO_NOTIFY);
    } else {
        vring_used_flags_update(vq, VRING_USED_F_NO_NOTIFY, 0);
    }
    if (enable) {
        /*
         * Make the flag visible before we look at the ring again, so a
         * request the driver adds meanwhile is seen by the caller or
         * notified.  Pairs with the driver's barrier between updating
         * avail->idx and reading the used flags/avail_event.
         */
        smp_mb();
    }
}

/* Elements */

/*
 * One block for the element and its arrays, laid out as
 *   [sz bytes: the device's struct, VirtQueueElement first]
 *   [in_addr][out_addr][in_sg][out_sg]
 */
static VirtQueueElement *virtqueue_alloc_element(size_t sz,
                                                 unsigned int out_num,
                                                 unsigned int in_num)
{
    VirtQueueElement *elem;
    size_t in_addr_ofs = QEMU_ALIGN_UP(sz, __alignof__(hwaddr));
    size_t out_addr_ofs = in_addr_ofs + in_num * sizeof(hwaddr);
    size_t out_addr_end = out_addr_ofs + out_num * sizeof(hwaddr);
    size_t in_sg_ofs = QEMU_ALIGN_UP(out_addr_end,
                                     __alignof__(struct iovec));
    size_t out_sg_ofs = in_sg_ofs + in_num * sizeof(struct iovec);
    size_t out_sg_end = out_sg_ofs + out_num * sizeof(struct iovec);

    assert(sz >= sizeof(VirtQueueElement));
    elem = g_malloc0(out_sg_end);
    elem->out_num = out_num;
    elem->in_num = in_num;
    elem->in_addr = (void *)elem + in_addr_ofs;
    elem->out_addr = (void *)elem + out_addr_ofs;
    elem->in_sg = (void *)elem + in_sg_ofs;
    elem->out_sg = (void *)elem + out_sg_ofs;
    return elem;
}

/*
 * Buffers are all RAM mapped in place (virtio_map_ram), so unmapping only
 * drops the region references; @written is for a future bounce path.
 */
static void virtqueue_unmap_iov(VirtIODevice *vdev, struct iovec *sg,
                                unsigned int num, bool is_write,
                                size_t written)
{
    unsigned int i;

    for (i = 0; i < num; i++) {
        virtio_unmap_ram(vdev, sg[i].iov_base, sg[i].iov_len);
    }
}

static void virtqueue_unmap_sg(VirtQueue *vq, const VirtQueueElement *elem,
                               unsigned int len)
{
    virtqueue_unmap_iov(vq->vdev, elem->in_sg, elem->in_num, true, len);
    virtqueue_unmap_iov(vq->vdev, elem->out_sg, elem->out_num, false, 0);
}

/*
 * Map the buffer of one descriptor into the iovec array at *@num,
 * splitting it where it crosses RAM regions.  False with nothing left
 * mapped for this descriptor when part of it is not RAM or the element
 * would need more than VIRTQUEUE_MAX_SIZE entries.
 */
static bool virtqueue_map_desc(VirtIODevice *vdev, unsigned int *num,
                               hwaddr *addrs, struct iovec *iov,
                               unsigned int max_num, bool is_write,
                               hwaddr pa, size_t sz)
{
    unsigned int start = *num;

    if (!sz) {
        virtio_error(vdev, "zero sized buffers are not allowed");
        return false;
    }
    if (pa + sz < pa) {
        virtio_error(vdev, "descriptor buffer 0x%" HWADDR_PRIx
                     "+0x%zx wraps around", pa, sz);
        return false;
    }
    while (sz) {
        hwaddr len = sz;
        void *host;

        if (*num == max_num) {
            virtio_error(vdev, "too many buffers in an element "
                         "(more than %u)", max_num);
            goto fail;
        }
        host = virtio_map_ram(vdev, pa, &len);
        if (!host) {
            virtio_error(vdev, "buffer at 0x%" HWADDR_PRIx
                         " is not in guest RAM", pa);
            goto fail;
        }
        iov[*num].iov_base = host;
        iov[*num].iov_len = len;
        addrs[*num] = pa;
        (*num)++;
        sz -= len;
        pa += len;
    }
    return true;

fail:
    virtqueue_unmap_iov(vdev, iov + start, *num - start, is_write, 0);
    *num = start;
    return false;
}

void *virtqueue_pop(VirtQueue *vq, size_t sz)
{
    VirtIODevice *vdev = vq->vdev;
    unsigned int num = vq->vring.num;
    unsigned int out_num = 0, in_num = 0, max, i, ndescs = 0;
    g_autofree hwaddr *addr = NULL;
    g_autofree struct iovec *iov = NULL;
    VirtQueueElement *elem = NULL;
    MemoryRegionCache indirect_cache = MEMORY_REGION_CACHE_INVALID;
    MemoryRegionCache *indirect = NULL;
    uint16_t avail_idx, head;
    VRingDesc desc;

    if (vdev->broken || !virtio_queue_ready(vq)) {
        return NULL;
    }
    if (!vring_avail_idx(vq, &avail_idx)) {
        return NULL;
    }
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > num) {
        virtio_error(vdev, "queue %d: guest moved avail index from %u to "
                     "%u, more than the queue size %u", vq->queue_index,
                     vq->last_avail_idx, avail_idx, num);
        return NULL;
    }
    if (avail_idx == vq->last_avail_idx) {
        return NULL;
    }
    /*
     * Read the ring entry and descriptors only after avail->idx.  Pairs
     * with the driver's write barrier before it publishes avail->idx.
     */
    smp_rmb();

    if (vq->inuse >= num) {
        virtio_error(vdev, "queue %d: virtqueue size exceeded",
                     vq->queue_index);
        return NULL;
    }
    if (!vring_avail_ring(vq, vq->last_avail_idx % num, &head)) {
        return NULL;
    }
    if (head >= num) {
        virtio_error(vdev, "queue %d: head descriptor %u out of range "
                     "(queue size %u)", vq->queue_index, head, num);
        return NULL;
    }

    max = num;
    i = head;
    if (!vring_read_desc(vq, NULL, i, &desc)) {
        return NULL;
    }
    if (desc.flags & VRING_DESC_F_INDIRECT) {
        if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
            virtio_error(vdev, "indirect descriptor without "
                         "VIRTIO_RING_F_INDIRECT_DESC");
            return NULL;
        }
        if (desc.flags & VRING_DESC_F_NEXT) {
            virtio_error(vdev, "indirect descriptor with NEXT set");
            return NULL;
        }
        if (!desc.len || desc.len % sizeof(struct vring_desc) ||
            desc.len / sizeof(struct vring_desc) > VIRTQUEUE_MAX_SIZE) {
            virtio_error(vdev, "invalid indirect table length %u",
                         desc.len);
            return NULL;
        }
        if (!address_space_cache_init(&indirect_cache, vdev->dma_as,
                                      desc.addr, desc.len, false)) {
            virtio_error(vdev, "descriptor table at 0x%" HWADDR_PRIx
                         " is not in guest RAM", (hwaddr)desc.addr);
            address_space_cache_destroy(&indirect_cache);
            return NULL;
        }
        indirect = &indirect_cache;
        max = desc.len / sizeof(struct vring_desc);
        i = 0;
        vring_read_desc(vq, indirect, i, &desc);
    }

    addr = g_new(hwaddr, VIRTQUEUE_MAX_SIZE);
    iov = g_new(struct iovec, VIRTQUEUE_MAX_SIZE);

    /* Collect readable buffers first, then writable ones. */
    for (;;) {
        bool ok;

        if (desc.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vdev, "indirect descriptor inside a chain or an "
                         "indirect table");
            goto err;
        }
        if (++ndescs > max) {
            virtio_error(vdev, "descriptor chain longer than its table "
                         "(%u entries): loop", max);
            goto err;
        }
        if (desc.flags & VRING_DESC_F_WRITE) {
            ok = virtqueue_map_desc(vdev, &in_num, addr + out_num,
                                    iov + out_num,
                                    VIRTQUEUE_MAX_SIZE - out_num, true,
                                    desc.addr, desc.len);
        } else {
            if (in_num) {
                virtio_error(vdev, "device-readable descriptor after a "
                             "device-writable one");
                goto err;
            }
            ok = virtqueue_map_desc(vdev, &out_num, addr, iov,
                                    VIRTQUEUE_MAX_SIZE, false,
                                    desc.addr, desc.len);
        }
        if (!ok) {
            goto err;
        }
        if (!(desc.flags & VRING_DESC_F_NEXT)) {
            break;
        }
        i = desc.next;
        if (i >= max) {
            virtio_error(vdev, "descriptor next index %u out of range "
                         "(%u entries)", i, max);
            goto err;
        }
        if (!vring_read_desc(vq, indirect, i, &desc)) {
            goto err;
        }
    }

    elem = virtqueue_alloc_element(sz, out_num, in_num);
    elem->index = head;
    elem->ndescs = 1;
    memcpy(elem->out_addr, addr, out_num * sizeof(addr[0]));
    memcpy(elem->out_sg, iov, out_num * sizeof(iov[0]));
    memcpy(elem->in_addr, addr + out_num, in_num * sizeof(addr[0]));
    memcpy(elem->in_sg, iov + out_num, in_num * sizeof(iov[0]));

    vq->last_avail_idx++;
    vq->inuse++;
    if (virtio_vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX) &&
        vq->notification) {
        vring_set_avail_event(vq, vq->last_avail_idx);
    }
    address_space_cache_destroy(&indirect_cache);
    return elem;

err:
    virtqueue_unmap_iov(vdev, iov + out_num, in_num, true, 0);
    virtqueue_unmap_iov(vdev, iov, out_num, false, 0);
    address_space_cache_destroy(&indirect_cache);
    return NULL;
}

void virtqueue_detach_element(VirtQueue *vq, const VirtQueueElement *elem,
                              unsigned int len)
{
    if (vq->inuse) {
        vq->inuse--;
    }
    virtqueue_unmap_sg(vq, elem, len);
}

void virtqueue_unpop(VirtQueue *vq, const VirtQueueElement *elem,
                     unsigned int len)
{
    vq->last_avail_idx--;
    virtqueue_detach_element(vq, elem, len);
}

bool virtqueue_rewind(VirtQueue *vq, unsigned int num)
{
    if (num > vq->inuse) {
        return false;
    }
    vq->last_avail_idx -= num;
    vq->inuse -= num;
    return true;
}

void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx)
{
    uint8_t b[sizeof(struct vring_used_elem)];

    virtqueue_unmap_sg(vq, elem, len);
    if (vq->vdev->broken || !virtio_queue_ready(vq)) {
        return;
    }
    idx = (idx + vq->used_idx) % vq->vring.num;
    stl_le_p(b + offsetof(struct vring_used_elem, id), elem->index);
    stl_le_p(b + offsetof(struct vring_used_elem, len), len);
    vring_access(vq, VRING_CACHE_USED, offsetof(struct vring_used, ring[idx]),
                 b, sizeof(b), true);
}

void virtqueue_flush(VirtQueue *vq, unsigned int count)
{
    uint16_t old, new;

    vq->inuse -= MIN(count, vq->inuse);
    if (vq->vdev->broken || !virtio_queue_ready(vq)) {
        return;
    }
    /*
     * The used elements must be visible before the index that publishes
     * them.  Pairs with the driver's read barrier after it reads
     * used->idx.
     */
    smp_wmb();
    old = vq->used_idx;
    new = old + count;
    if (!vring_write_u16(vq, VRING_CACHE_USED,
                         offsetof(struct vring_used, idx), new)) {
        return;
    }
    vq->used_idx = new;
    if ((uint16_t)(new - vq->signalled_used) < (uint16_t)(new - old)) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
}

int virtqueue_avail_bytes(VirtQueue *vq, unsigned int in_bytes,
                          unsigned int out_bytes)
{
    g_autoptr(GPtrArray) elems = g_ptr_array_new_with_free_func(g_free);
    bool notification = vq->notification;
    uint64_t in = 0, out = 0;
    bool enough = !in_bytes && !out_bytes;
    guint i;

    /*
     * Peek by popping and putting back; with notification off, pop
     * leaves avail_event alone.
     */
    vq->notification = false;
    while (!enough) {
        VirtQueueElement *elem = virtqueue_pop(vq, sizeof(*elem));

        if (!elem) {
            break;
        }
        g_ptr_array_add(elems, elem);
        in += iov_size(elem->in_sg, elem->in_num);
        out += iov_size(elem->out_sg, elem->out_num);
        enough = in >= in_bytes && out >= out_bytes;
    }
    for (i = elems->len; i-- > 0;) {
        virtqueue_unpop(vq, g_ptr_array_index(elems, i), 0);
    }
    vq->notification = notification;
    return enough;
}

/* Interrupts */

static void virtio_notify_vector(VirtIODevice *vdev, uint16_t vector)
{
    BusState *qbus = qdev_get_parent_bus(DEVICE(vdev));
    VirtioBusClass *k;

    if (!qbus) {
        return;
    }
    k = VIRTIO_BUS_GET_CLASS(qbus);
    if (k->notify) {
        k->notify(qbus->parent, vector);
    }
}

static bool virtio_should_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    uint16_t old, new, event, flags;
    bool valid;

    /*
     * Read the driver's suppression fields after our used->idx store.
     * Pairs with the driver's barrier between writing them and reading
     * used->idx.
     */
    smp_mb();
    if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        if (!vring_avail_flags(vq, &flags)) {
            return false;
        }
        return !(flags & VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    vq->signalled_used_valid = true;
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    if (!vring_get_used_event(vq, &event)) {
        return false;
    }
    return !valid || vring_need_event(event, new, old);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (vdev->broken || !virtio_queue_ready(vq)) {
        return;
    }
    if (!virtio_should_notify(vdev, vq)) {
        return;
    }
    vdev->isr |= VIRTIO_PCI_ISR_QUEUE;
    virtio_notify_vector(vdev, vq->vector);
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->generation++;
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    vdev->isr |= VIRTIO_PCI_ISR_CONFIG;
    virtio_notify_vector(vdev, vdev->config_vector);
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: %s\n", __func__,
                  vdev->name ? vdev->name : "virtio", msg);

    if (vdev->broken) {
        return;
    }
    /* Tell the driver before going quiet: the config interrupt is last. */
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        virtio_notify_config(vdev);
    }
    vdev->broken = true;
}

/* Status and features */

int virtio_set_features(VirtIODevice *vdev, uint64_t val)
{
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: features changed after "
                      "FEATURES_OK\n", __func__, vdev->name);
        return -EINVAL;
    }
    if (val & ~vdev->host_features) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: driver accepted features "
                      "0x%" PRIx64 " that were not offered (0x%" PRIx64
                      ")\n", __func__, vdev->name, val,
                      vdev->host_features);
        return -EINVAL;
    }
    vdev->guest_features = val;
    return 0;
}

int virtio_set_status(VirtIODevice *vdev, uint8_t val)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    int ret = 0;

    if (val == 0) {
        virtio_reset(vdev);
        return 0;
    }
    /* NEEDS_RESET is the device's to set, and sticks until reset. */
    val &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
    val |= vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET;

    if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        if (!virtio_has_feature(vdev->guest_features, VIRTIO_F_VERSION_1)) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: FEATURES_OK without "
                          "VIRTIO_F_VERSION_1 refused\n", __func__,
                          vdev->name);
            val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
            ret = -EINVAL;
        } else if (k->validate_features && k->validate_features(vdev)) {
            val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
            ret = -EINVAL;
        } else if (k->set_features) {
            k->set_features(vdev, vdev->guest_features);
        }
    }
    if (k->set_status) {
        k->set_status(vdev, val);
    }
    vdev->status = val;
    vdev->started = virtio_device_started(vdev, val);
    return ret;
}

static void virtio_queue_reset_state(VirtQueue *vq)
{
    virtio_set_region_cache(vq, NULL);
    vq->vring.num = vq->vring.num_default;
    vq->vring.desc = 0;
    vq->vring.avail = 0;
    vq->vring.used = 0;
    vq->enabled = false;
    vq->last_avail_idx = 0;
    vq->shadow_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
    vq->vector = VIRTIO_MSI_NO_VECTOR;
}

void virtio_reset(void *opaque)
{
    VirtIODevice *vdev = opaque;
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    int i;

    if (k->set_status) {
        k->set_status(vdev, 0);
    }
    if (k->reset) {
        k->reset(vdev);
    }
    vdev->broken = false;
    vdev->started = false;
    vdev->status = 0;
    vdev->guest_features = 0;
    vdev->queue_sel = 0;
    vdev->isr = 0;
    vdev->config_vector = VIRTIO_MSI_NO_VECTOR;
    /* Drop a pending INTx. */
    virtio_notify_vector(vdev, VIRTIO_MSI_NO_VECTOR);
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        virtio_queue_reset_state(&vdev->vq[i]);
    }
}

/* Device config space */

static void virtio_config_prepare(VirtIODevice *vdev)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (k->get_config && vdev->config_len) {
        k->get_config(vdev, vdev->config);
    }
}

static void virtio_config_commit(VirtIODevice *vdev)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (k->set_config) {
        k->set_config(vdev, vdev->config);
    }
}

static bool virtio_config_range_ok(VirtIODevice *vdev, uint32_t addr,
                                   unsigned size)
{
    return addr < vdev->config_len && size <= vdev->config_len - addr;
}

uint32_t virtio_config_modern_readb(VirtIODevice *vdev, uint32_t addr)
{
    if (!virtio_config_range_ok(vdev, addr, 1)) {
        return (uint32_t)-1;
    }
    virtio_config_prepare(vdev);
    return vdev->config[addr];
}

uint32_t virtio_config_modern_readw(VirtIODevice *vdev, uint32_t addr)
{
    if (!virtio_config_range_ok(vdev, addr, 2)) {
        return (uint32_t)-1;
    }
    virtio_config_prepare(vdev);
    return lduw_le_p(vdev->config + addr);
}

uint32_t virtio_config_modern_readl(VirtIODevice *vdev, uint32_t addr)
{
    if (!virtio_config_range_ok(vdev, addr, 4)) {
        return (uint32_t)-1;
    }
    virtio_config_prepare(vdev);
    return ldl_le_p(vdev->config + addr);
}

void virtio_config_modern_writeb(VirtIODevice *vdev, uint32_t addr,
                                 uint32_t data)
{
    if (!virtio_config_range_ok(vdev, addr, 1)) {
        return;
    }
    vdev->config[addr] = data;
    virtio_config_commit(vdev);
}

void virtio_config_modern_writew(VirtIODevice *vdev, uint32_t addr,
                                 uint32_t data)
{
    if (!virtio_config_range_ok(vdev, addr, 2)) {
        return;
    }
    stw_le_p(vdev->config + addr, data);
    virtio_config_commit(vdev);
}

void virtio_config_modern_writel(VirtIODevice *vdev, uint32_t addr,
                                 uint32_t data)
{
    if (!virtio_config_range_ok(vdev, addr, 4)) {
        return;
    }
    stl_le_p(vdev->config + addr, data);
    virtio_config_commit(vdev);
}

/* Queue configuration */

static VirtQueue *virtio_vq(VirtIODevice *vdev, int n)
{
    if (n < 0 || n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].vring.num_default) {
        return NULL;
    }
    return &vdev->vq[n];
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n)
{
    assert(n >= 0 && n < VIRTIO_QUEUE_MAX);
    return &vdev->vq[n];
}

int virtio_get_queue_index(VirtQueue *vq)
{
    return vq->queue_index;
}

VirtIODevice *virtio_queue_get_vdev(VirtQueue *vq)
{
    return vq->vdev;
}

int virtio_get_num_queues(VirtIODevice *vdev)
{
    int i;

    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (!vdev->vq[i].vring.num_default) {
            break;
        }
    }
    return i;
}

int virtio_queue_get_max_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq ? vq->vring.num_default : 0;
}

int virtio_queue_get_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq ? vq->vring.num : 0;
}

void virtio_queue_set_num(VirtIODevice *vdev, int n, int num)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    if (!vq) {
        return;
    }
    if (num <= 0 || num > vq->vring.num_default || !is_pow2(num)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: queue %d: invalid size %d "
                      "(a power of two up to %u)\n", __func__, vdev->name,
                      n, num, vq->vring.num_default);
        return;
    }
    vq->vring.num = num;
}

void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    if (!vq) {
        return;
    }
    vq->vring.desc = desc;
    vq->vring.avail = avail;
    vq->vring.used = used;
}

hwaddr virtio_queue_get_desc_addr(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq ? vq->vring.desc : 0;
}

hwaddr virtio_queue_get_avail_addr(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq ? vq->vring.avail : 0;
}

hwaddr virtio_queue_get_used_addr(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq ? vq->vring.used : 0;
}

void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    if (vq) {
        vq->vector = vector;
    }
}

uint16_t virtio_queue_vector(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq ? vq->vector : VIRTIO_MSI_NO_VECTOR;
}

bool virtio_queue_enabled(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    return vq && vq->enabled;
}

/*
 * The driver enables queue @queue_index with the size and addresses it
 * programmed.  Misaligned rings are a driver bug that breaks the device;
 * whether they are in RAM is checked at each access.
 */
void virtio_queue_enable(VirtIODevice *vdev, uint32_t queue_index)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    VirtQueue *vq = virtio_vq(vdev, queue_index);

    if (!vq) {
        return;
    }
    if (!vq->vring.desc || !vq->vring.avail || !vq->vring.used ||
        vq->vring.desc % VRING_DESC_ALIGN_SIZE ||
        vq->vring.avail % VRING_AVAIL_ALIGN_SIZE ||
        vq->vring.used % VRING_USED_ALIGN_SIZE) {
        virtio_error(vdev, "queue %u: enabled with invalid ring addresses "
                     "desc 0x%" HWADDR_PRIx " avail 0x%" HWADDR_PRIx
                     " used 0x%" HWADDR_PRIx, queue_index, vq->vring.desc,
                     vq->vring.avail, vq->vring.used);
        return;
    }
    vq->enabled = true;
    virtio_init_region_cache(vq);
    if (k->queue_enable) {
        k->queue_enable(vdev, queue_index);
    }
}

void virtio_queue_reset(VirtIODevice *vdev, uint32_t queue_index)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    VirtQueue *vq = virtio_vq(vdev, queue_index);

    if (!vq) {
        return;
    }
    if (k->queue_reset) {
        k->queue_reset(vdev, queue_index);
    }
    virtio_queue_reset_state(vq);
}

void virtio_queue_notify(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_vq(vdev, n);

    if (!vq) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: notify of nonexistent "
                      "queue %d\n", __func__, vdev->name, n);
        return;
    }
    if (vdev->broken || !virtio_queue_ready(vq) || !vq->handle_output) {
        return;
    }
    vq->handle_output(vdev, vq);
}

/* Device life cycle */

VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output)
{
    int i;

    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (!vdev->vq[i].vring.num_default) {
            break;
        }
    }
    if (i == VIRTIO_QUEUE_MAX || queue_size > VIRTQUEUE_MAX_SIZE ||
        !is_pow2(queue_size)) {
        error_report("%s: cannot add a queue of size %d to %s", __func__,
                     queue_size, vdev->name);
        abort();
    }
    vdev->vq[i].vring.num_default = queue_size;
    vdev->vq[i].handle_output = handle_output;
    virtio_queue_reset_state(&vdev->vq[i]);
    return &vdev->vq[i];
}

void virtio_delete_queue(VirtQueue *vq)
{
    vq->vring.num_default = 0;
    virtio_queue_reset_state(vq);
    vq->vring.num = 0;
    vq->handle_output = NULL;
}

void virtio_del_queue(VirtIODevice *vdev, int n)
{
    assert(n >= 0 && n < VIRTIO_QUEUE_MAX);
    virtio_delete_queue(&vdev->vq[n]);
}

void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_size)
{
    int i;

    vdev->name = object_get_typename(OBJECT(vdev));
    vdev->device_id = device_id;
    vdev->status = 0;
    vdev->isr = 0;
    vdev->queue_sel = 0;
    vdev->config_vector = VIRTIO_MSI_NO_VECTOR;
    vdev->config_len = config_size;
    vdev->config = config_size ? g_malloc0(config_size) : NULL;
    vdev->vq = g_new0(VirtQueue, VIRTIO_QUEUE_MAX);
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        vdev->vq[i].queue_index = i;
        vdev->vq[i].vector = VIRTIO_MSI_NO_VECTOR;
        vdev->vq[i].notification = true;
    }
    if (!vdev->dma_as) {
        vdev->dma_as = &address_space_memory;
    }
}

QEMUBH *virtio_bh_new_guarded_full(DeviceState *dev, QEMUBHFunc *cb,
                                   void *opaque, const char *name)
{
    DeviceState *transport = qdev_get_parent_bus(dev)->parent;

    return qemu_bh_new_full(cb, opaque, name,
                            &transport->mem_reentrancy_guard);
}

void virtio_cleanup(VirtIODevice *vdev)
{
    int i;

    for (i = 0; vdev->vq && i < VIRTIO_QUEUE_MAX; i++) {
        virtio_set_region_cache(&vdev->vq[i], NULL);
    }
    g_free(vdev->config);
    vdev->config = NULL;
    vdev->config_len = 0;
    g_free(vdev->vq);
    vdev->vq = NULL;
}

/* TYPE_VIRTIO_DEVICE */

static const Property virtio_properties[] = {
    DEFINE_VIRTIO_COMMON_FEATURES(VirtIODevice, host_features),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_device_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);
    Error *err = NULL;

    assert(vdc->realize);
    vdc->realize(dev, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    assert(vdev->vq);
    virtio_bus_device_plugged(vdev, &err);
    if (err) {
        if (vdc->unrealize) {
            vdc->unrealize(dev);
        }
        error_propagate(errp, err);
        return;
    }
    vdev->listener.commit = virtio_memory_listener_commit;
    vdev->listener.name = vdev->name;
    memory_listener_register(&vdev->listener, vdev->dma_as);
}

static void virtio_device_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);

    memory_listener_unregister(&vdev->listener);
    virtio_bus_device_unplugged(vdev);
    if (vdc->unrealize) {
        vdc->unrealize(dev);
    }
}

static void virtio_device_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = virtio_device_realize;
    dc->unrealize = virtio_device_unrealize;
    dc->bus_type = TYPE_VIRTIO_BUS;
    device_class_set_props(dc, virtio_properties);
}

static const TypeInfo virtio_device_info = {
    .name = TYPE_VIRTIO_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(VirtIODevice),
    .class_init = virtio_device_class_init,
    .abstract = true,
    .class_size = sizeof(VirtioDeviceClass),
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_device_info);
}

type_init(virtio_register_types)
