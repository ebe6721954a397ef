/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-virgl: the 3D commands of virtio-gpu-gl on virglrenderer,
 * and blob resources mapped into the host-visible memory region (BAR 4).
 *
 * virglrenderer is used from the main loop only, with the BQL held: its
 * GL contexts (ui/egl-helpers.c) are current in that thread.  Resources
 * are struct virtio_gpu_virgl_resource in the device's reslist, and the
 * same ids in virglrenderer.  Fences: a command with the FENCE flag is
 * answered once virglrenderer reports its fence (virgl_write_fence(), or
 * virgl_write_context_fence() with INFO_RING_IDX); fence_poll asks it
 * every 10 ms of virtual time while any is pending, as QEMU does.
 *
 * Mapping a blob wraps virglrenderer's host pointer in a RAM
 * MemoryRegion that is its own owner, added to the hostmem container.
 * Unmapping happens in 3 steps (docs/devel/virtio-gpu.md):
 * 1. RESOURCE_UNMAP_BLOB, or RESOURCE_UNREF of a mapped blob, disables
 *    the region, removes it from the container and unparents it.  The
 *    memory maps (FlatViews) that readers may still use hold the last
 *    references.  The command stays suspended at the head of the control
 *    queue and renderer_blocked counts the unmap, so nothing behind it
 *    runs.
 * 2. After an RCU grace period the last FlatView showing the region is
 *    destroyed (in the call_rcu thread, with the BQL) and the region is
 *    finalised: virtio_gpu_virgl_hostmem_region_free() marks the unmap
 *    finished, drops renderer_blocked and schedules cmdq_resume_bh.
 * 3. cmdq_resume_bh processes the queue again in the main loop: the same
 *    command finds the unmap finished, calls
 *    virgl_renderer_resource_unmap() (no reader can reach the host
 *    pointer any more) and is answered.
 * A device reset while a region is in step 1 or 2 drops the command;
 * the resource is then "orphaned" and cmdq_resume_bh finishes it.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/iov.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "exec/memory.h"
#include "hw/virtio/virtio-gpu.h"
#include "ui/egl-helpers.h"
#include "trace.h"

#include <virglrenderer.h>

struct virtio_gpu_virgl_resource {
    struct virtio_gpu_simple_resource base;
    /* The region in hostmem while mapped, or until step 3 of an unmap. */
    MemoryRegion *mr;
    /* 0: not a blob. */
    uint32_t blob_mem;
    uint32_t blob_flags;
    uint64_t blob_size;
    /* Destroyed by a reset while its region was leaving the map. */
    bool orphaned;
};

struct virtio_gpu_virgl_hostmem_region {
    MemoryRegion mr;
    struct VirtIOGPU *g;
    uint32_t resource_id;
    /* Step 1 happened: the region left the map and waits for RCU. */
    bool unmapping;
    /* Step 2 happened: the region is finalised. */
    bool finish_unmapping;
    /* Its place in VirtIOGPUGL.hostmem_blobs while in hostmem. */
    GSequenceIter *hostmem_iter;
};

/* virglrenderer returns errno values with either sign. */
static const char *virgl_strerror(int ret)
{
    return strerror(ret < 0 ? -ret : ret);
}

static struct virtio_gpu_virgl_resource *
virtio_gpu_virgl_find_resource(VirtIOGPU *g, uint32_t resource_id)
{
    struct virtio_gpu_simple_resource *res;

    res = virtio_gpu_find_resource(g, resource_id);
    if (!res) {
        return NULL;
    }
    return container_of(res, struct virtio_gpu_virgl_resource, base);
}

/* The resource, or NULL with INVALID_RESOURCE_ID answered. */
static struct virtio_gpu_virgl_resource *
virtio_gpu_virgl_check_resource(VirtIOGPU *g, uint32_t resource_id,
                                const char *caller,
                                struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_virgl_resource *res;

    res = virtio_gpu_virgl_find_resource(g, resource_id);
    if (!res) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid resource specified %"
                      PRIu32 "\n", caller, resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    return res;
}

/* Is @ctx_id a live context?  Else INVALID_CONTEXT_ID is answered. */
static bool virtio_gpu_virgl_check_context(VirtIOGPU *g, uint32_t ctx_id,
                                           const char *caller,
                                           struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);

    if (!g_hash_table_contains(gl->contexts, GUINT_TO_POINTER(ctx_id))) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid context %" PRIu32 "\n",
                      caller, ctx_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
        return false;
    }
    return true;
}

/* A new resource id: not 0, not in use.  Else INVALID_RESOURCE_ID. */
static bool virtio_gpu_virgl_check_new_id(VirtIOGPU *g, uint32_t resource_id,
                                          const char *caller,
                                          struct virtio_gpu_ctrl_command *cmd)
{
    if (resource_id == 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource id 0 is not allowed\n",
                      caller);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return false;
    }
    if (virtio_gpu_find_resource(g, resource_id)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource already exists %"
                      PRIu32 "\n", caller, resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return false;
    }
    return true;
}

static struct virtio_gpu_virgl_resource *
virtio_gpu_virgl_resource_new(VirtIOGPU *g, uint32_t resource_id)
{
    struct virtio_gpu_virgl_resource *res;

    res = g_new0(struct virtio_gpu_virgl_resource, 1);
    res->base.resource_id = resource_id;
    virtio_gpu_resource_add(g, &res->base);
    return res;
}

/* Blobs in the host-visible region */

/* Step 2 (see the top of the file): the region was finalised. */
static void virtio_gpu_virgl_hostmem_region_free(void *obj)
{
    /* The object is finalised: no QOM cast any more. */
    MemoryRegion *mr = obj;
    struct virtio_gpu_virgl_hostmem_region *vmr;
    VirtIOGPUBase *b;
    VirtIOGPUGL *gl;

    vmr = container_of(mr, struct virtio_gpu_virgl_hostmem_region, mr);
    trace_virtio_gpu_virgl_hostmem_region_free(vmr->resource_id, mr);
    vmr->finish_unmapping = true;

    b = VIRTIO_GPU_BASE(vmr->g);
    b->renderer_blocked--;
    assert(b->renderer_blocked >= 0);

    /* Step 3 needs virglrenderer, in the main loop. */
    gl = VIRTIO_GPU_GL(vmr->g);
    qemu_bh_schedule(gl->cmdq_resume_bh);
}

/* Blobs in hostmem by offset: the elements point at their mr.addr. */
static int virtio_gpu_virgl_hostmem_cmp(gconstpointer a, gconstpointer b,
                                        gpointer opaque)
{
    const hwaddr *x = a, *y = b;

    return *x < *y ? -1 : *x > *y;
}

/*
 * Does [@offset, @offset + @size) overlap a mapped blob?  Mapped blobs do
 * not overlap each other, so of those that start at or below the last
 * byte, the last one reaches highest: one search, O(log n) in the blobs
 * mapped.  g_sequence_search() returns the position after the elements
 * equal to the key, so the one before it is that blob.
 */
static bool virtio_gpu_virgl_hostmem_busy(VirtIOGPUGL *gl, uint64_t offset,
                                          uint64_t size)
{
    hwaddr last = offset + size - 1;
    GSequenceIter *it = g_sequence_search(gl->hostmem_blobs, &last,
                                          virtio_gpu_virgl_hostmem_cmp, NULL);
    MemoryRegion *mr;

    if (g_sequence_iter_is_begin(it)) {
        return false;
    }
    mr = container_of((hwaddr *)g_sequence_get(g_sequence_iter_prev(it)),
                      MemoryRegion, addr);
    return offset < mr->addr + memory_region_size(mr);
}

/*
 * Map @res at @offset of hostmem.  Returns 0, or a VIRTIO_GPU_RESP_ERR_*
 * with a guest error logged.
 */
static uint32_t
virtio_gpu_virgl_map_resource_blob(VirtIOGPU *g,
                                   struct virtio_gpu_virgl_resource *res,
                                   uint64_t offset)
{
    struct virtio_gpu_virgl_hostmem_region *vmr;
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(g);
    MemoryRegion *mr;
    uint64_t size;
    void *data;
    int ret;

    ret = virgl_renderer_resource_map(res->base.resource_id, &data, &size);
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: failed to map virgl resource: "
                      "%s\n", __func__, virgl_strerror(ret));
        return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }

    /* virglrenderer may round the size up: check what it mapped. */
    if (size > b->conf.hostmem || offset > b->conf.hostmem - size) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: 0x%" PRIx64 " bytes at 0x%"
                      PRIx64 " do not fit in hostmem (0x%" PRIx64 ")\n",
                      __func__, size, offset, b->conf.hostmem);
        virgl_renderer_resource_unmap(res->base.resource_id);
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (virtio_gpu_virgl_hostmem_busy(VIRTIO_GPU_GL(g), offset, size)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: 0x%" PRIx64 "+0x%" PRIx64
                      " overlaps a mapped blob\n", __func__, offset, size);
        virgl_renderer_resource_unmap(res->base.resource_id);
        return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }

    vmr = g_new0(struct virtio_gpu_virgl_hostmem_region, 1);
    vmr->g = g;
    vmr->resource_id = res->base.resource_id;

    mr = &vmr->mr;
    memory_region_init_ram_ptr(mr, OBJECT(mr), "blob", size, data);
    /* Set after init, which resets the object: finalisation calls it. */
    OBJECT(mr)->free = virtio_gpu_virgl_hostmem_region_free;
    memory_region_add_subregion(&b->hostmem, offset, mr);
    vmr->hostmem_iter =
        g_sequence_insert_sorted(VIRTIO_GPU_GL(g)->hostmem_blobs, &mr->addr,
                                 virtio_gpu_virgl_hostmem_cmp, NULL);
    memory_region_set_enabled(mr, true);

    trace_virtio_gpu_cmd_res_map_blob(res->base.resource_id, vmr, mr);
    res->mr = mr;
    return 0;
}

/*
 * Steps 1 and 3 of an unmap (see the top of the file).  Step 1 sets
 * *@cmd_suspended: the caller leaves its command unanswered.
 */
static int
virtio_gpu_virgl_unmap_resource_blob(VirtIOGPU *g,
                                     struct virtio_gpu_virgl_resource *res,
                                     bool *cmd_suspended)
{
    struct virtio_gpu_virgl_hostmem_region *vmr;
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(g);
    MemoryRegion *mr = res->mr;
    int ret;

    if (!mr) {
        return 0;
    }

    vmr = container_of(mr, struct virtio_gpu_virgl_hostmem_region, mr);
    trace_virtio_gpu_cmd_res_unmap_blob(res->base.resource_id, mr,
                                        vmr->finish_unmapping);

    if (vmr->finish_unmapping) {
        /* Step 3: nobody can reach the host pointer any more. */
        res->mr = NULL;
        g_free(vmr);

        ret = virgl_renderer_resource_unmap(res->base.resource_id);
        if (ret) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "%s: failed to unmap virgl resource: %s\n",
                          __func__, virgl_strerror(ret));
            return ret;
        }
    } else if (vmr->unmapping) {
        /* Between steps 1 and 2: keep waiting for the region's free. */
        *cmd_suspended = true;
    } else {
        *cmd_suspended = true;

        /* Step 1: the region's free hook undoes this in step 2. */
        vmr->unmapping = true;
        b->renderer_blocked++;
        g_sequence_remove(vmr->hostmem_iter);
        vmr->hostmem_iter = NULL;

        /*
         * Readers of the old memory map keep the region alive; once
         * unparented it owns no reference of its own.
         */
        memory_region_set_enabled(mr, false);
        memory_region_del_subregion(&b->hostmem, mr);
        object_unparent(OBJECT(mr));
    }

    return 0;
}

/* Drop a resource from virglrenderer and the device. */
static void
virtio_gpu_virgl_resource_free(VirtIOGPU *g,
                               struct virtio_gpu_virgl_resource *res)
{
    struct iovec *iov = NULL;
    int num_iovs = 0;

    virgl_renderer_resource_detach_iov(res->base.resource_id, &iov,
                                       &num_iovs);
    if (res->base.iov) {
        virtio_gpu_cleanup_mapping_iov(g, res->base.iov, res->base.iov_cnt);
    }
    g_free(res->base.addrs);
    virgl_renderer_resource_unref(res->base.resource_id);
    virtio_gpu_resource_remove(g, &res->base);
    g_free(res);
}

/* Step 3 for resources a reset orphaned (their command was dropped). */
static void virtio_gpu_virgl_finish_orphans(VirtIOGPU *g)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);
    struct virtio_gpu_simple_resource *base, *tmp;

    QTAILQ_FOREACH_SAFE(base, &g->reslist, next, tmp) {
        struct virtio_gpu_virgl_resource *res =
            container_of(base, struct virtio_gpu_virgl_resource, base);
        bool suspended = false;

        if (!res->orphaned ||
            !container_of(res->mr, struct virtio_gpu_virgl_hostmem_region,
                          mr)->finish_unmapping) {
            continue;
        }
        virtio_gpu_virgl_unmap_resource_blob(g, res, &suspended);
        virtio_gpu_virgl_resource_free(g, res);
        gl->orphaned_unmaps--;
    }
}

void virtio_gpu_virgl_resource_destroy(VirtIOGPU *g,
                                       struct virtio_gpu_simple_resource *base)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);
    struct virtio_gpu_virgl_resource *res =
        container_of(base, struct virtio_gpu_virgl_resource, base);
    bool suspended = false;

    if (res->orphaned) {
        return;
    }
    if (res->mr) {
        /*
         * The host pointer must stay valid until the region is freed:
         * start the unmap (or let the one under way go on: its command
         * is being dropped) and let cmdq_resume_bh finish the resource.
         */
        virtio_gpu_virgl_unmap_resource_blob(g, res, &suspended);
        assert(suspended);
        res->orphaned = true;
        gl->orphaned_unmaps++;
        return;
    }
    virtio_gpu_virgl_resource_free(g, res);
}

/* Resources */

/* Create @args' resource in virglrenderer and track it; else answer. */
static void virgl_resource_create(VirtIOGPU *g,
                                  struct virgl_renderer_resource_create_args
                                  *args, const char *caller,
                                  struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_virgl_resource *res;
    int ret;

    ret = virgl_renderer_resource_create(args, NULL, 0);
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: virgl refused the resource: %s\n",
                      caller, virgl_strerror(ret));
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    res = virtio_gpu_virgl_resource_new(g, args->handle);
    res->base.width = args->width;
    res->base.height = args->height;
    res->base.format = args->format;
}

static void virgl_cmd_create_resource_2d(VirtIOGPU *g,
                                         struct virtio_gpu_ctrl_command *cmd)
{
    struct virgl_renderer_resource_create_args args = { 0 };
    struct virtio_gpu_resource_create_2d c2d;

    VIRTIO_GPU_FILL_CMD(c2d);
    virtio_gpu_bswap_32(&c2d, sizeof(c2d));
    if (!virtio_gpu_virgl_check_new_id(g, c2d.resource_id, __func__, cmd)) {
        return;
    }

    /* A 2D texture the guest renders into, as QEMU creates it. */
    args.handle = c2d.resource_id;
    args.target = 2;
    args.format = c2d.format;
    args.bind = 1 << 1;
    args.width = c2d.width;
    args.height = c2d.height;
    args.depth = 1;
    args.array_size = 1;
    args.flags = VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP;
    virgl_resource_create(g, &args, __func__, cmd);
}

static void virgl_cmd_create_resource_3d(VirtIOGPU *g,
                                         struct virtio_gpu_ctrl_command *cmd)
{
    struct virgl_renderer_resource_create_args args = { 0 };
    struct virtio_gpu_resource_create_3d c3d;

    VIRTIO_GPU_FILL_CMD(c3d);
    virtio_gpu_bswap_32(&c3d, sizeof(c3d));
    trace_virtio_gpu_cmd_res_create_3d(c3d.resource_id, c3d.format,
                                       c3d.width, c3d.height, c3d.depth);
    if (!virtio_gpu_virgl_check_new_id(g, c3d.resource_id, __func__, cmd)) {
        return;
    }

    args.handle = c3d.resource_id;
    args.target = c3d.target;
    args.format = c3d.format;
    args.bind = c3d.bind;
    args.width = c3d.width;
    args.height = c3d.height;
    args.depth = c3d.depth;
    args.array_size = c3d.array_size;
    args.last_level = c3d.last_level;
    args.nr_samples = c3d.nr_samples;
    args.flags = c3d.flags;
    virgl_resource_create(g, &args, __func__, cmd);
}

static void virgl_cmd_resource_unref(VirtIOGPU *g,
                                     struct virtio_gpu_ctrl_command *cmd,
                                     bool *cmd_suspended)
{
    struct virtio_gpu_resource_unref unref;
    struct virtio_gpu_virgl_resource *res;
    int i;

    VIRTIO_GPU_FILL_CMD(unref);
    virtio_gpu_bswap_32(&unref, sizeof(unref));
    res = virtio_gpu_virgl_check_resource(g, unref.resource_id, __func__,
                                          cmd);
    if (!res) {
        return;
    }

    /* A mapped blob is unmapped first (suspending the command). */
    if (res->mr) {
        if (virtio_gpu_virgl_unmap_resource_blob(g, res, cmd_suspended)) {
            cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
            return;
        }
        if (*cmd_suspended) {
            return;
        }
    }

    for (i = 0; i < g->parent_obj.conf.max_outputs; i++) {
        if (g->parent_obj.scanout[i].resource_id == unref.resource_id) {
            g->parent_obj.scanout[i].resource_id = 0;
        }
    }
    virtio_gpu_virgl_resource_free(g, res);
}

static void virgl_cmd_resource_attach_backing(VirtIOGPU *g,
                                         struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resource_attach_backing ab;
    struct virtio_gpu_virgl_resource *res;
    uint32_t niov;
    int ret;

    VIRTIO_GPU_FILL_CMD(ab);
    virtio_gpu_bswap_32(&ab, sizeof(ab));
    res = virtio_gpu_virgl_check_resource(g, ab.resource_id, __func__, cmd);
    if (!res) {
        return;
    }
    if (res->base.iov || res->blob_mem) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource %" PRIu32 " already "
                      "has backing\n", __func__, ab.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    if (virtio_gpu_create_mapping_iov(g, ab.nr_entries, sizeof(ab), cmd,
                                      &res->base.addrs, &res->base.iov,
                                      &niov)) {
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    res->base.iov_cnt = niov;
    ret = virgl_renderer_resource_attach_iov(ab.resource_id, res->base.iov,
                                             niov);
    if (ret) {
        virtio_gpu_cleanup_mapping_iov(g, res->base.iov, niov);
        g_free(res->base.addrs);
        res->base.addrs = NULL;
        res->base.iov = NULL;
        res->base.iov_cnt = 0;
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
}

static void virgl_cmd_resource_detach_backing(VirtIOGPU *g,
                                         struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resource_detach_backing detach;
    struct virtio_gpu_virgl_resource *res;
    struct iovec *iov = NULL;
    int num_iovs = 0;

    VIRTIO_GPU_FILL_CMD(detach);
    virtio_gpu_bswap_32(&detach, sizeof(detach));
    res = virtio_gpu_virgl_check_resource(g, detach.resource_id, __func__,
                                          cmd);
    if (!res) {
        return;
    }
    if (!res->base.iov || res->blob_mem) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource %" PRIu32 " has no "
                      "backing to detach\n", __func__, detach.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    virgl_renderer_resource_detach_iov(detach.resource_id, &iov, &num_iovs);
    virtio_gpu_cleanup_mapping_iov(g, res->base.iov, res->base.iov_cnt);
    g_free(res->base.addrs);
    res->base.addrs = NULL;
    res->base.iov = NULL;
    res->base.iov_cnt = 0;
}

/* Contexts */

static void virgl_cmd_context_create(VirtIOGPU *g,
                                     struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);
    struct virtio_gpu_ctx_create cc;
    uint32_t capset_id = 0;
    int ret;

    VIRTIO_GPU_FILL_CMD(cc);
    virtio_gpu_bswap_32(&cc.nlen, sizeof(cc.nlen) + sizeof(cc.context_init));
    trace_virtio_gpu_cmd_ctx_create(cc.hdr.ctx_id, cc.debug_name);

    if (cc.hdr.ctx_id == 0 ||
        g_hash_table_contains(gl->contexts,
                              GUINT_TO_POINTER(cc.hdr.ctx_id))) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: context %" PRIu32 " is reserved "
                      "or exists\n", __func__, cc.hdr.ctx_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
        return;
    }
    if (cc.nlen > sizeof(cc.debug_name)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: name length %" PRIu32 " > %zu\n",
                      __func__, cc.nlen, sizeof(cc.debug_name));
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }

    if (cc.context_init &&
        virtio_gpu_context_init_enabled(g->parent_obj.conf)) {
        capset_id = cc.context_init & VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK;
        if (capset_id != VIRTIO_GPU_CAPSET_VIRGL &&
            capset_id != VIRTIO_GPU_CAPSET_VIRGL2) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: capset %" PRIu32 " is not "
                          "offered\n", __func__, capset_id);
            cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
            return;
        }
        ret = virgl_renderer_context_create_with_flags(cc.hdr.ctx_id,
                                                       cc.context_init,
                                                       cc.nlen,
                                                       cc.debug_name);
    } else {
        ret = virgl_renderer_context_create(cc.hdr.ctx_id, cc.nlen,
                                            cc.debug_name);
    }
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: virgl refused context %" PRIu32
                      ": %s\n", __func__, cc.hdr.ctx_id, virgl_strerror(ret));
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    g_hash_table_insert(gl->contexts, GUINT_TO_POINTER(cc.hdr.ctx_id),
                        GUINT_TO_POINTER(capset_id));
}

static void virgl_cmd_context_destroy(VirtIOGPU *g,
                                      struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);
    struct virtio_gpu_ctx_destroy cd;

    VIRTIO_GPU_FILL_CMD(cd);
    trace_virtio_gpu_cmd_ctx_destroy(cd.hdr.ctx_id);
    if (!virtio_gpu_virgl_check_context(g, cd.hdr.ctx_id, __func__, cmd)) {
        return;
    }
    virgl_renderer_context_destroy(cd.hdr.ctx_id);
    g_hash_table_remove(gl->contexts, GUINT_TO_POINTER(cd.hdr.ctx_id));
}

static void virgl_cmd_ctx_resource(VirtIOGPU *g,
                                   struct virtio_gpu_ctrl_command *cmd,
                                   bool attach)
{
    struct virtio_gpu_ctx_resource cr;

    VIRTIO_GPU_FILL_CMD(cr);
    virtio_gpu_bswap_32(&cr.resource_id, sizeof(cr.resource_id));
    if (!virtio_gpu_virgl_check_context(g, cr.hdr.ctx_id, __func__, cmd) ||
        !virtio_gpu_virgl_check_resource(g, cr.resource_id, __func__, cmd)) {
        return;
    }
    if (attach) {
        virgl_renderer_ctx_attach_resource(cr.hdr.ctx_id, cr.resource_id);
    } else {
        virgl_renderer_ctx_detach_resource(cr.hdr.ctx_id, cr.resource_id);
    }
}

static void virgl_cmd_submit_3d(VirtIOGPU *g,
                                struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_cmd_submit cs;
    g_autofree void *buf = NULL;
    size_t avail, s;
    int ret;

    VIRTIO_GPU_FILL_CMD(cs);
    virtio_gpu_bswap_32(&cs.size, sizeof(cs.size));
    trace_virtio_gpu_cmd_ctx_submit(cs.hdr.ctx_id, cs.size);
    if (!virtio_gpu_virgl_check_context(g, cs.hdr.ctx_id, __func__, cmd)) {
        return;
    }

    /* Size by what the driver sent before allocating anything. */
    avail = iov_size(cmd->elem.out_sg, cmd->elem.out_num) - sizeof(cs);
    if (cs.size > avail || cs.size % 4) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: size %" PRIu32 " is not a "
                      "multiple of 4 within the %zu bytes sent\n", __func__,
                      cs.size, avail);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    buf = g_malloc(cs.size);
    s = iov_to_buf(cmd->elem.out_sg, cmd->elem.out_num, sizeof(cs), buf,
                   cs.size);
    assert(s == cs.size);

    ret = virgl_renderer_submit_cmd(buf, cs.hdr.ctx_id, cs.size / 4);
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: virgl rejected the command "
                      "stream: %s\n", __func__, virgl_strerror(ret));
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
}

/* Transfers */

static void virgl_cmd_transfer_to_host_2d(VirtIOGPU *g,
                                          struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_transfer_to_host_2d t2d;
    struct virtio_gpu_box box;
    int ret;

    VIRTIO_GPU_FILL_CMD(t2d);
    virtio_gpu_bswap_32(&t2d.r, sizeof(t2d.r));
    virtio_gpu_bswap_32(&t2d.resource_id, sizeof(t2d.resource_id));
    t2d.offset = le64_to_cpu(t2d.offset);
    if (!virtio_gpu_virgl_check_resource(g, t2d.resource_id, __func__,
                                         cmd)) {
        return;
    }

    box.x = t2d.r.x;
    box.y = t2d.r.y;
    box.z = 0;
    box.w = t2d.r.width;
    box.h = t2d.r.height;
    box.d = 1;
    ret = virgl_renderer_transfer_write_iov(t2d.resource_id, 0, 0, 0, 0,
                                            (struct virgl_box *)&box,
                                            t2d.offset, NULL, 0);
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: transfer failed: %s\n",
                      __func__, virgl_strerror(ret));
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
}

static void virgl_cmd_transfer_3d(VirtIOGPU *g,
                                  struct virtio_gpu_ctrl_command *cmd,
                                  bool to_host)
{
    struct virtio_gpu_transfer_host_3d t3d;
    int ret;

    VIRTIO_GPU_FILL_CMD(t3d);
    virtio_gpu_bswap_32(&t3d.box, sizeof(t3d.box));
    virtio_gpu_bswap_32(&t3d.resource_id, sizeof(t3d) -
                        offsetof(struct virtio_gpu_transfer_host_3d,
                                 resource_id));
    t3d.offset = le64_to_cpu(t3d.offset);
    if (!virtio_gpu_virgl_check_resource(g, t3d.resource_id, __func__,
                                         cmd)) {
        return;
    }

    if (to_host) {
        ret = virgl_renderer_transfer_write_iov(t3d.resource_id,
                                                t3d.hdr.ctx_id, t3d.level,
                                                t3d.stride, t3d.layer_stride,
                                                (struct virgl_box *)&t3d.box,
                                                t3d.offset, NULL, 0);
    } else {
        ret = virgl_renderer_transfer_read_iov(t3d.resource_id,
                                               t3d.hdr.ctx_id, t3d.level,
                                               t3d.stride, t3d.layer_stride,
                                               (struct virgl_box *)&t3d.box,
                                               t3d.offset, NULL, 0);
    }
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: transfer failed: %s\n",
                      __func__, virgl_strerror(ret));
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
}

/* Scanouts */

static void virgl_cmd_set_scanout(VirtIOGPU *g,
                                  struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(g);
    struct virtio_gpu_set_scanout ss;
    struct virtio_gpu_scanout *scanout;

    VIRTIO_GPU_FILL_CMD(ss);
    virtio_gpu_bswap_32(&ss, sizeof(ss));
    if (ss.scanout_id >= b->conf.max_outputs) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: illegal scanout id specified %"
                      PRIu32 "\n", __func__, ss.scanout_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
        return;
    }
    if (ss.resource_id &&
        !virtio_gpu_virgl_check_resource(g, ss.resource_id, __func__, cmd)) {
        return;
    }

    /*
     * There is no GL display to show a texture on: remember what the
     * guest set, and let the console keep its placeholder.
     */
    scanout = &b->scanout[ss.scanout_id];
    scanout->resource_id = ss.resource_id;
    scanout->x = ss.r.x;
    scanout->y = ss.r.y;
    scanout->width = ss.r.width;
    scanout->height = ss.r.height;
    if (ss.resource_id) {
        b->enable = 1;
    }
}

static void virgl_cmd_resource_flush(VirtIOGPU *g,
                                     struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resource_flush rf;

    VIRTIO_GPU_FILL_CMD(rf);
    virtio_gpu_bswap_32(&rf, sizeof(rf));
    virtio_gpu_virgl_check_resource(g, rf.resource_id, __func__, cmd);
}

/* Capsets */

static void virgl_cmd_get_capset_info(VirtIOGPU *g,
                                      struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_get_capset_info info;
    struct virtio_gpu_resp_capset_info resp;
    uint32_t id = 0, max_ver = 0, max_size = 0;

    VIRTIO_GPU_FILL_CMD(info);
    virtio_gpu_bswap_32(&info, sizeof(info));

    /* As QEMU: index 0 is virgl, 1 virgl2; others answer all zeros. */
    if (info.capset_index < virtio_gpu_virgl_get_num_capsets(g)) {
        id = info.capset_index == 0 ? VIRTIO_GPU_CAPSET_VIRGL :
                                      VIRTIO_GPU_CAPSET_VIRGL2;
        virgl_renderer_get_cap_set(id, &max_ver, &max_size);
    }
    memset(&resp, 0, sizeof(resp));
    resp.hdr.type = VIRTIO_GPU_RESP_OK_CAPSET_INFO;
    resp.capset_id = cpu_to_le32(id);
    resp.capset_max_version = cpu_to_le32(max_ver);
    resp.capset_max_size = cpu_to_le32(max_size);
    virtio_gpu_ctrl_response(g, cmd, &resp.hdr, sizeof(resp));
}

static void virgl_cmd_get_capset(VirtIOGPU *g,
                                 struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_get_capset gc;
    g_autofree struct virtio_gpu_resp_capset *resp = NULL;
    uint32_t max_ver = 0, max_size = 0;

    VIRTIO_GPU_FILL_CMD(gc);
    virtio_gpu_bswap_32(&gc, sizeof(gc));

    virgl_renderer_get_cap_set(gc.capset_id, &max_ver, &max_size);
    if (!max_size || gc.capset_version > max_ver) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: no capset %" PRIu32 " version %"
                      PRIu32 "\n", __func__, gc.capset_id,
                      gc.capset_version);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    resp = g_malloc0(sizeof(*resp) + max_size);
    resp->hdr.type = VIRTIO_GPU_RESP_OK_CAPSET;
    virgl_renderer_fill_caps(gc.capset_id, gc.capset_version,
                             resp->capset_data);
    virtio_gpu_ctrl_response(g, cmd, &resp->hdr, sizeof(*resp) + max_size);
}

/* Blob commands */

/* blob=on and hostmem (for mapping); else INVALID_PARAMETER. */
static bool virgl_check_blob(VirtIOGPU *g, bool need_hostmem,
                             const char *caller,
                             struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(g);

    if (!virtio_gpu_blob_enabled(b->conf) ||
        (need_hostmem && !virtio_gpu_hostmem_enabled(b->conf))) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: blobs%s are not enabled\n",
                      caller, need_hostmem ? " in hostmem" : "");
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return false;
    }
    return true;
}

static void virgl_cmd_resource_create_blob(VirtIOGPU *g,
                                          struct virtio_gpu_ctrl_command *cmd)
{
    struct virgl_renderer_resource_create_blob_args args = { 0 };
    struct virtio_gpu_resource_create_blob cblob;
    struct virtio_gpu_virgl_resource *res;
    g_autofree uint64_t *addrs = NULL;
    struct iovec *iov = NULL;
    uint32_t niov = 0;
    int ret;

    VIRTIO_GPU_FILL_CMD(cblob);
    virtio_gpu_bswap_32(&cblob.resource_id, 4 * sizeof(uint32_t));
    cblob.blob_id = le64_to_cpu(cblob.blob_id);
    cblob.size = le64_to_cpu(cblob.size);
    trace_virtio_gpu_cmd_res_create_blob(cblob.resource_id, cblob.size);

    if (!virgl_check_blob(g, false, __func__, cmd) ||
        !virtio_gpu_virgl_check_new_id(g, cblob.resource_id, __func__,
                                       cmd)) {
        return;
    }
    if (cblob.blob_mem != VIRTIO_GPU_BLOB_MEM_GUEST &&
        cblob.blob_mem != VIRTIO_GPU_BLOB_MEM_HOST3D &&
        cblob.blob_mem != VIRTIO_GPU_BLOB_MEM_HOST3D_GUEST) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid blob_mem %" PRIu32 "\n",
                      __func__, cblob.blob_mem);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (cblob.size == 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: blob of size 0\n", __func__);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (cblob.blob_mem != VIRTIO_GPU_BLOB_MEM_GUEST &&
        !virtio_gpu_virgl_check_context(g, cblob.hdr.ctx_id, __func__,
                                        cmd)) {
        return;
    }
    if (cblob.blob_mem != VIRTIO_GPU_BLOB_MEM_HOST3D &&
        virtio_gpu_create_mapping_iov(g, cblob.nr_entries, sizeof(cblob),
                                      cmd, &addrs, &iov, &niov)) {
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }

    args.res_handle = cblob.resource_id;
    args.ctx_id = cblob.hdr.ctx_id;
    args.blob_mem = cblob.blob_mem;
    args.blob_id = cblob.blob_id;
    args.blob_flags = cblob.blob_flags;
    args.size = cblob.size;
    args.iovecs = iov;
    args.num_iovs = niov;
    ret = virgl_renderer_resource_create_blob(&args);
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: virgl blob create error: %s\n",
                      __func__, virgl_strerror(ret));
        virtio_gpu_cleanup_mapping_iov(g, iov, niov);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }

    res = virtio_gpu_virgl_resource_new(g, cblob.resource_id);
    res->blob_mem = cblob.blob_mem;
    res->blob_flags = cblob.blob_flags;
    res->blob_size = cblob.size;
    res->base.iov = iov;
    res->base.iov_cnt = niov;
    res->base.addrs = g_steal_pointer(&addrs);
}

static void virgl_cmd_resource_map_blob(VirtIOGPU *g,
                                        struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(g);
    struct virtio_gpu_resource_map_blob mblob;
    struct virtio_gpu_virgl_resource *res;
    struct virtio_gpu_resp_map_info resp;
    uint32_t map_info = 0;

    VIRTIO_GPU_FILL_CMD(mblob);
    virtio_gpu_bswap_32(&mblob.resource_id, sizeof(mblob.resource_id));
    mblob.offset = le64_to_cpu(mblob.offset);

    if (!virgl_check_blob(g, true, __func__, cmd)) {
        return;
    }
    res = virtio_gpu_virgl_check_resource(g, mblob.resource_id, __func__,
                                          cmd);
    if (!res) {
        return;
    }
    if (!res->blob_mem || res->blob_mem == VIRTIO_GPU_BLOB_MEM_GUEST ||
        !(res->blob_flags & VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource %" PRIu32 " is not a "
                      "mappable host blob\n", __func__, mblob.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (res->mr) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource %" PRIu32 " is already "
                      "mapped\n", __func__, mblob.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    /* Both terms are checked so that offset + size cannot wrap. */
    if (res->blob_size > b->conf.hostmem ||
        mblob.offset > b->conf.hostmem - res->blob_size) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: 0x%" PRIx64 " bytes at 0x%"
                      PRIx64 " do not fit in hostmem (0x%" PRIx64 ")\n",
                      __func__, res->blob_size, (uint64_t)mblob.offset,
                      b->conf.hostmem);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }

    cmd->error = virtio_gpu_virgl_map_resource_blob(g, res, mblob.offset);
    if (cmd->error) {
        return;
    }

    virgl_renderer_resource_get_map_info(mblob.resource_id, &map_info);
    memset(&resp, 0, sizeof(resp));
    resp.hdr.type = VIRTIO_GPU_RESP_OK_MAP_INFO;
    resp.map_info = cpu_to_le32(map_info);
    virtio_gpu_ctrl_response(g, cmd, &resp.hdr, sizeof(resp));
}

static void virgl_cmd_resource_unmap_blob(VirtIOGPU *g,
                                          struct virtio_gpu_ctrl_command *cmd,
                                          bool *cmd_suspended)
{
    struct virtio_gpu_resource_unmap_blob ublob;
    struct virtio_gpu_virgl_resource *res;

    VIRTIO_GPU_FILL_CMD(ublob);
    virtio_gpu_bswap_32(&ublob.resource_id, sizeof(ublob.resource_id));

    if (!virgl_check_blob(g, true, __func__, cmd)) {
        return;
    }
    res = virtio_gpu_virgl_check_resource(g, ublob.resource_id, __func__,
                                          cmd);
    if (!res) {
        return;
    }
    if (!res->mr) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource %" PRIu32 " is not "
                      "mapped\n", __func__, ublob.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (virtio_gpu_virgl_unmap_resource_blob(g, res, cmd_suspended)) {
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
}

/* Dispatch */

void virtio_gpu_virgl_process_cmd(VirtIOGPU *g,
                                  struct virtio_gpu_ctrl_command *cmd)
{
    bool cmd_suspended = false;
    int ret;

    virgl_renderer_force_ctx_0();
    switch (cmd->cmd_hdr.type) {
    case VIRTIO_GPU_CMD_CTX_CREATE:
        virgl_cmd_context_create(g, cmd);
        break;
    case VIRTIO_GPU_CMD_CTX_DESTROY:
        virgl_cmd_context_destroy(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
        virgl_cmd_create_resource_2d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_3D:
        virgl_cmd_create_resource_3d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_SUBMIT_3D:
        virgl_cmd_submit_3d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
        virgl_cmd_transfer_to_host_2d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D:
        virgl_cmd_transfer_3d(g, cmd, true);
        break;
    case VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D:
        virgl_cmd_transfer_3d(g, cmd, false);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
        virgl_cmd_resource_attach_backing(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
        virgl_cmd_resource_detach_backing(g, cmd);
        break;
    case VIRTIO_GPU_CMD_SET_SCANOUT:
        virgl_cmd_set_scanout(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
        virgl_cmd_resource_flush(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_UNREF:
        virgl_cmd_resource_unref(g, cmd, &cmd_suspended);
        break;
    case VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE:
        virgl_cmd_ctx_resource(g, cmd, true);
        break;
    case VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE:
        virgl_cmd_ctx_resource(g, cmd, false);
        break;
    case VIRTIO_GPU_CMD_GET_CAPSET_INFO:
        virgl_cmd_get_capset_info(g, cmd);
        break;
    case VIRTIO_GPU_CMD_GET_CAPSET:
        virgl_cmd_get_capset(g, cmd);
        break;
    case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
        virtio_gpu_get_display_info(g, cmd);
        break;
    case VIRTIO_GPU_CMD_GET_EDID:
        virtio_gpu_get_edid(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB:
        virgl_cmd_resource_create_blob(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB:
        virgl_cmd_resource_map_blob(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB:
        virgl_cmd_resource_unmap_blob(g, cmd, &cmd_suspended);
        break;
    case VIRTIO_GPU_CMD_SET_SCANOUT_BLOB:
        qemu_log_mask(LOG_UNIMP, "%s: SET_SCANOUT_BLOB needs a display\n",
                      __func__);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: unknown command type 0x%" PRIx32
                      "\n", __func__, cmd->cmd_hdr.type);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        break;
    }

    if (cmd_suspended || cmd->finished) {
        return;
    }
    if (cmd->error) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: ctrl 0x%x, error 0x%x\n",
                      __func__, cmd->cmd_hdr.type, cmd->error);
        virtio_gpu_ctrl_response_nodata(g, cmd, cmd->error);
        return;
    }
    if (!(cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_FENCE)) {
        virtio_gpu_ctrl_response_nodata(g, cmd, VIRTIO_GPU_RESP_OK_NODATA);
        return;
    }

    /* Answered when virglrenderer reports the fence. */
    trace_virtio_gpu_fence_ctrl(cmd->cmd_hdr.fence_id, cmd->cmd_hdr.type);
    if (cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_INFO_RING_IDX) {
        /*
         * A fence on one of the context's rings.  virglrenderer's virgl
         * contexts have a single ring (0); other ring numbers fail here.
         */
        if (!virtio_gpu_virgl_check_context(g, cmd->cmd_hdr.ctx_id, __func__,
                                            cmd)) {
            virtio_gpu_ctrl_response_nodata(g, cmd, cmd->error);
            return;
        }
        ret = virgl_renderer_context_create_fence(
            cmd->cmd_hdr.ctx_id, VIRGL_RENDERER_FENCE_FLAG_MERGEABLE,
            cmd->cmd_hdr.ring_idx, cmd->cmd_hdr.fence_id);
        if (ret) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: no fence on context %" PRIu32
                          " ring %u: %s\n", __func__, cmd->cmd_hdr.ctx_id,
                          cmd->cmd_hdr.ring_idx, virgl_strerror(ret));
            virtio_gpu_ctrl_response_nodata(
                g, cmd, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
        }
        return;
    }
    /* The second argument is unused; QEMU passes the command type. */
    ret = virgl_renderer_create_fence(cmd->cmd_hdr.fence_id,
                                      cmd->cmd_hdr.type);
    if (ret) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: no fence: %s\n", __func__,
                      virgl_strerror(ret));
        virtio_gpu_ctrl_response_nodata(g, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC);
    }
}

/* Fences */

static void virtio_gpu_virgl_retire(VirtIOGPU *g,
                                    struct virtio_gpu_ctrl_command *cmd)
{
    trace_virtio_gpu_fence_resp(cmd->cmd_hdr.fence_id);
    virtio_gpu_ctrl_response_nodata(g, cmd, VIRTIO_GPU_RESP_OK_NODATA);
    QTAILQ_REMOVE(&g->fenceq, cmd, next);
    g_free(cmd);
    g->inflight--;
}

/* Context 0's fences: every command fenced without INFO_RING_IDX. */
static void virgl_write_fence(void *opaque, uint32_t fence)
{
    VirtIOGPU *g = opaque;
    struct virtio_gpu_ctrl_command *cmd, *tmp;

    QTAILQ_FOREACH_SAFE(cmd, &g->fenceq, next, tmp) {
        if (!(cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_INFO_RING_IDX) &&
            cmd->cmd_hdr.fence_id <= fence) {
            virtio_gpu_virgl_retire(g, cmd);
        }
    }
}

static void virgl_write_context_fence(void *opaque, uint32_t ctx_id,
                                      uint32_t ring_idx, uint64_t fence_id)
{
    VirtIOGPU *g = opaque;
    struct virtio_gpu_ctrl_command *cmd, *tmp;

    QTAILQ_FOREACH_SAFE(cmd, &g->fenceq, next, tmp) {
        if ((cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_INFO_RING_IDX) &&
            cmd->cmd_hdr.ctx_id == ctx_id &&
            cmd->cmd_hdr.ring_idx == ring_idx &&
            cmd->cmd_hdr.fence_id <= fence_id) {
            virtio_gpu_virgl_retire(g, cmd);
        }
    }
}

static void virtio_gpu_virgl_poll_context(gpointer key, gpointer value,
                                          gpointer opaque)
{
    virgl_renderer_context_poll(GPOINTER_TO_UINT(key));
}

void virtio_gpu_virgl_fence_poll(VirtIOGPU *g)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);

    virgl_renderer_poll();
    g_hash_table_foreach(gl->contexts, virtio_gpu_virgl_poll_context, NULL);
    virtio_gpu_process_cmdq(g);
    trace_virtio_gpu_virgl_fence_poll(!QTAILQ_EMPTY(&g->cmdq) ||
                                      !QTAILQ_EMPTY(&g->fenceq));
    if (!QTAILQ_EMPTY(&g->cmdq) || !QTAILQ_EMPTY(&g->fenceq)) {
        timer_mod(gl->fence_poll,
                  qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + 10);
    }
}

static void virtio_gpu_fence_poll(void *opaque)
{
    virtio_gpu_virgl_fence_poll(opaque);
}

/* GL contexts, from ui/egl-helpers.c */

static virgl_renderer_gl_context
virgl_create_context(void *opaque, int scanout_idx,
                     struct virgl_renderer_gl_ctx_param *params)
{
    QEMUGLParams qparams = {
        .major_ver = params->major_ver,
        .minor_ver = params->minor_ver,
    };

    return qemu_egl_create_context(&qparams, params->shared);
}

static void virgl_destroy_context(void *opaque, virgl_renderer_gl_context ctx)
{
    qemu_egl_destroy_context(ctx);
}

static int virgl_make_context_current(void *opaque, int scanout_idx,
                                      virgl_renderer_gl_context ctx)
{
    return qemu_egl_make_context_current(ctx);
}

static struct virgl_renderer_callbacks virtio_gpu_3d_cbs = {
    .version             = 4,
    .write_fence         = virgl_write_fence,
    .create_gl_context   = virgl_create_context,
    .destroy_gl_context  = virgl_destroy_context,
    .make_current        = virgl_make_context_current,
    .write_context_fence = virgl_write_context_fence,
};

/* Resumes the queue: step 3 of an unmap, or a reset's last orphan. */
static void virtio_gpu_virgl_resume_cmdq_bh(void *opaque)
{
    VirtIOGPU *g = opaque;
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);

    trace_virtio_gpu_virgl_resume_cmdq(g->parent_obj.renderer_blocked);
    if (gl->orphaned_unmaps) {
        virtio_gpu_virgl_finish_orphans(g);
    }
    if (gl->renderer_state == RS_RESET && !gl->orphaned_unmaps) {
        virtio_gpu_virgl_reset(g);
    }
    /*
     * Process the queue, then poll for a fence it may have created (the
     * poll timer is 10 ms of virtual time away), as handle_ctrl does.
     */
    virtio_gpu_process_cmdq(g);
    virtio_gpu_virgl_fence_poll(g);
}

uint32_t virtio_gpu_virgl_get_num_capsets(VirtIOGPU *g)
{
    uint32_t capset2_max_ver, capset2_max_size;

    virgl_renderer_get_cap_set(VIRTIO_GPU_CAPSET_VIRGL2, &capset2_max_ver,
                               &capset2_max_size);
    return capset2_max_ver ? 2 : 1;
}

/*
 * virglrenderer's own messages (its GL version at start-up, a guest's
 * command stream it could not decode) go to a trace point, not stderr.
 */
static void G_GNUC_PRINTF(1, 0) virgl_debug_log(const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);

    g_strchomp(msg);
    trace_virtio_gpu_virgl_log(msg);
}

/* virglrenderer is a library-wide singleton. */
static VirtIOGPU *virtio_gpu_virgl_owner;

bool virtio_gpu_virgl_init(VirtIOGPU *g, Error **errp)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);
    int ret;

    if (virtio_gpu_virgl_owner) {
        error_setg(errp, "only one virtio-gpu-gl device is supported");
        return false;
    }
    if (!qemu_egl_init_dpy_surfaceless(errp)) {
        return false;
    }
    virgl_set_debug_callback(virgl_debug_log);
    /* virglrenderer refuses a NULL cookie: it must be the device. */
    ret = virgl_renderer_init(g, 0, &virtio_gpu_3d_cbs);
    if (ret) {
        error_setg(errp, "virgl could not be initialized: %d", ret);
        gl->renderer_state = RS_INIT_FAILED;
        return false;
    }
    virtio_gpu_virgl_owner = g;
    gl->renderer_state = RS_INITED;
    gl->fence_poll = timer_new_ms(QEMU_CLOCK_VIRTUAL, virtio_gpu_fence_poll,
                                  g);
    gl->cmdq_resume_bh = virtio_bh_new_guarded(DEVICE(g),
                                               virtio_gpu_virgl_resume_cmdq_bh,
                                               g);
    gl->contexts = g_hash_table_new(NULL, NULL);
    gl->hostmem_blobs = g_sequence_new(NULL);
    return true;
}

void virtio_gpu_virgl_reset(VirtIOGPU *g)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(g);

    virgl_renderer_reset();
    g_hash_table_remove_all(gl->contexts);
    gl->renderer_state = RS_INITED;
}
