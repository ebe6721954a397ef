/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-device: the 2D virtio GPU.  Resources are pixman images in
 * host memory; the guest fills them from its backing pages with
 * TRANSFER_TO_HOST_2D and shows them on scanouts, whose consoles share
 * the images' pixels (screendump reads them).
 *
 * Control commands are processed in 4 steps (docs/devel/virtio-gpu.md):
 * 1. The driver notifies the control queue; virtio_gpu_handle_ctrl_cb()
 *    only schedules ctrl_bh.
 * 2. ctrl_bh runs in the main loop with the BQL held:
 *    VirtIOGPUClass.handle_ctrl pops every available request onto the
 *    tail of cmdq, then calls virtio_gpu_process_cmdq().
 * 3. virtio_gpu_process_cmdq() takes commands from the head of cmdq while
 *    renderer_blocked is 0.  VirtIOGPUClass.process_cmd either answers a
 *    command (finished) or leaves it unfinished: then it is suspended and
 *    stays at the head, and nothing behind it runs.
 * 4. Whatever blocked or suspended the queue resumes it by calling
 *    virtio_gpu_process_cmdq() again from the main loop: the last display
 *    hold released (VirtIOGPUBaseClass.gl_flushed), or, for work finished
 *    in another thread (the RCU thread freeing an unmapped blob), a bottom
 *    half it schedules.  The suspended command is processed again from
 *    the start and must now be able to finish.
 *
 * Malformed commands are answered with an error response and a
 * LOG_GUEST_ERROR line; only transport-level faults (bad descriptors)
 * stop the device, in the virtio core.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/units.h"
#include "exec/ramblock.h"
#include "hw/virtio/virtio-gpu.h"
#include "trace.h"

static void virtio_gpu_cleanup_mapping(VirtIOGPU *g,
                                       struct virtio_gpu_simple_resource *res);
static void virtio_gpu_reset_bh(void *opaque);

/* Resources */

struct virtio_gpu_simple_resource *
virtio_gpu_find_resource(VirtIOGPU *g, uint32_t resource_id)
{
    return g_hash_table_lookup(g->resources, GUINT_TO_POINTER(resource_id));
}

void virtio_gpu_resource_add(VirtIOGPU *g,
                             struct virtio_gpu_simple_resource *res)
{
    QTAILQ_INSERT_HEAD(&g->reslist, res, next);
    g_hash_table_insert(g->resources, GUINT_TO_POINTER(res->resource_id),
                        res);
}

void virtio_gpu_resource_remove(VirtIOGPU *g,
                                struct virtio_gpu_simple_resource *res)
{
    QTAILQ_REMOVE(&g->reslist, res, next);
    g_hash_table_remove(g->resources, GUINT_TO_POINTER(res->resource_id));
}

/*
 * The resource @resource_id, which must exist (else INVALID_RESOURCE_ID)
 * and, with @require_backing, have its backing attached (else UNSPEC).
 */
static struct virtio_gpu_simple_resource *
virtio_gpu_find_check_resource(VirtIOGPU *g, uint32_t resource_id,
                               bool require_backing, const char *caller,
                               uint32_t *error)
{
    struct virtio_gpu_simple_resource *res;

    res = virtio_gpu_find_resource(g, resource_id);
    if (!res) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid resource specified %"
                      PRIu32 "\n", caller, resource_id);
        *error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return NULL;
    }
    if (require_backing && (!res->iov || !res->image)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: no backing storage %" PRIu32
                      "\n", caller, resource_id);
        *error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return NULL;
    }
    return res;
}

/* Is [@x, @x + @w) inside [0, @limit)?  Without wrapping around. */
static bool virtio_gpu_range_ok(uint32_t x, uint32_t w, uint32_t limit)
{
    return (uint64_t)x + w <= limit;
}

static bool virtio_gpu_rect_ok(const struct virtio_gpu_rect *r,
                               uint32_t width, uint32_t height)
{
    return virtio_gpu_range_ok(r->x, r->width, width) &&
           virtio_gpu_range_ok(r->y, r->height, height);
}

/* Responses */

void virtio_gpu_ctrl_response(VirtIOGPU *g,
                              struct virtio_gpu_ctrl_command *cmd,
                              struct virtio_gpu_ctrl_hdr *resp,
                              size_t resp_len)
{
    size_t s;

    if (cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_FENCE) {
        resp->flags |= VIRTIO_GPU_FLAG_FENCE;
        resp->fence_id = cmd->cmd_hdr.fence_id;
        resp->ctx_id = cmd->cmd_hdr.ctx_id;
        if (cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_INFO_RING_IDX) {
            resp->flags |= VIRTIO_GPU_FLAG_INFO_RING_IDX;
            resp->ring_idx = cmd->cmd_hdr.ring_idx;
        }
    }
    virtio_gpu_ctrl_hdr_bswap(resp);
    s = iov_from_buf(cmd->elem.in_sg, cmd->elem.in_num, 0, resp, resp_len);
    if (s != resp_len) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "%s: response size incorrect %zu vs %zu\n",
                      __func__, s, resp_len);
    }
    virtqueue_push(cmd->vq, &cmd->elem, s);
    virtio_notify(VIRTIO_DEVICE(g), cmd->vq);
    cmd->finished = true;
    trace_virtio_gpu_cmd_done(cmd->cmd_hdr.type, le32_to_cpu(resp->type));
}

void virtio_gpu_ctrl_response_nodata(VirtIOGPU *g,
                                     struct virtio_gpu_ctrl_command *cmd,
                                     enum virtio_gpu_ctrl_type type)
{
    struct virtio_gpu_ctrl_hdr resp;

    memset(&resp, 0, sizeof(resp));
    resp.type = type;
    virtio_gpu_ctrl_response(g, cmd, &resp, sizeof(resp));
}

/* GET_DISPLAY_INFO, GET_EDID */

void virtio_gpu_get_display_info(VirtIOGPU *g,
                                 struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resp_display_info display_info;

    memset(&display_info, 0, sizeof(display_info));
    display_info.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
    virtio_gpu_base_fill_display_info(VIRTIO_GPU_BASE(g), &display_info);
    virtio_gpu_ctrl_response(g, cmd, &display_info.hdr,
                             sizeof(display_info));
}

void virtio_gpu_get_edid(VirtIOGPU *g, struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(g);
    struct virtio_gpu_cmd_get_edid get_edid;
    struct virtio_gpu_resp_edid edid;

    VIRTIO_GPU_FILL_CMD(get_edid);
    virtio_gpu_bswap_32(&get_edid, sizeof(get_edid));

    if (get_edid.scanout >= b->conf.max_outputs) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid scanout %" PRIu32 "\n",
                      __func__, get_edid.scanout);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }

    memset(&edid, 0, sizeof(edid));
    edid.hdr.type = VIRTIO_GPU_RESP_OK_EDID;
    virtio_gpu_base_generate_edid(b, get_edid.scanout, &edid);
    virtio_gpu_ctrl_response(g, cmd, &edid.hdr, sizeof(edid));
}

/* RESOURCE_CREATE_2D */

/*
 * The virtio formats name bytes in memory order; pixman formats name bits
 * of a host-endian 32-bit word.  B8G8R8A8 (bytes B, G, R, A) is thus
 * a8r8g8b8 on a little-endian host and b8g8r8a8 on a big-endian one.
 */
static pixman_format_code_t virtio_gpu_get_pixman_format(uint32_t format)
{
    switch (format) {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
    case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
        return PIXMAN_x8r8g8b8;
    case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
        return PIXMAN_a8r8g8b8;
    case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
        return PIXMAN_b8g8r8x8;
    case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
        return PIXMAN_b8g8r8a8;
    case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
        return PIXMAN_x8b8g8r8;
    case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
        return PIXMAN_a8b8g8r8;
    case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
        return PIXMAN_r8g8b8x8;
    case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
        return PIXMAN_r8g8b8a8;
#else
    case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
        return PIXMAN_b8g8r8x8;
    case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
        return PIXMAN_b8g8r8a8;
    case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
        return PIXMAN_x8r8g8b8;
    case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
        return PIXMAN_a8r8g8b8;
    case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
        return PIXMAN_r8g8b8x8;
    case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
        return PIXMAN_r8g8b8a8;
    case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
        return PIXMAN_x8b8g8r8;
    case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
        return PIXMAN_a8b8g8r8;
#endif
    default:
        return 0;
    }
}

/* Bytes of a @width x @height image (pixman's stride); UINT64_MAX if huge. */
static uint64_t calc_image_hostmem(pixman_format_code_t pformat,
                                   uint32_t width, uint32_t height)
{
    uint64_t bpp = PIXMAN_FORMAT_BPP(pformat);
    uint64_t stride = (width * bpp + 0x1f) / 32 * sizeof(uint32_t);

    if (height && stride > UINT64_MAX / height) {
        return UINT64_MAX;
    }
    return stride * height;
}

static void virtio_gpu_resource_create_2d(VirtIOGPU *g,
                                          struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resource_create_2d c2d;
    struct virtio_gpu_simple_resource *res;
    pixman_format_code_t pformat;
    uint64_t hostmem;

    VIRTIO_GPU_FILL_CMD(c2d);
    virtio_gpu_bswap_32(&c2d, sizeof(c2d));

    if (c2d.resource_id == 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource id 0 is not allowed\n",
                      __func__);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return;
    }
    if (virtio_gpu_find_resource(g, c2d.resource_id)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource already exists %"
                      PRIu32 "\n", __func__, c2d.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return;
    }
    pformat = virtio_gpu_get_pixman_format(c2d.format);
    if (!pformat) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: host couldn't handle guest "
                      "format %" PRIu32 "\n", __func__, c2d.format);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }

    res = g_new0(struct virtio_gpu_simple_resource, 1);
    res->width = c2d.width;
    res->height = c2d.height;
    res->format = c2d.format;
    res->resource_id = c2d.resource_id;

    /* pixman sizes are ints: larger images fail there too. */
    hostmem = calc_image_hostmem(pformat, c2d.width, c2d.height);
    if (hostmem < g->conf_max_hostmem - g->hostmem &&
        c2d.width <= INT_MAX && c2d.height <= INT_MAX) {
        res->image = pixman_image_create_bits(pformat, c2d.width,
                                              c2d.height, NULL, 0);
    }
    if (!res->image) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource creation failed %"
                      PRIu32 " %" PRIu32 " %" PRIu32 "\n", __func__,
                      c2d.resource_id, c2d.width, c2d.height);
        g_free(res);
        cmd->error = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
        return;
    }
    res->hostmem = hostmem;
    virtio_gpu_resource_add(g, res);
    g->hostmem += res->hostmem;
}

/* Scanouts */

static void virtio_gpu_disable_scanout(VirtIOGPU *g, int scanout_id)
{
    struct virtio_gpu_scanout *scanout = &g->parent_obj.scanout[scanout_id];
    struct virtio_gpu_simple_resource *res;

    if (scanout->resource_id == 0) {
        return;
    }
    res = virtio_gpu_find_resource(g, scanout->resource_id);
    if (res) {
        res->scanout_bitmask &= ~(1 << scanout_id);
    }
    /* The console shows a placeholder and drops our surface. */
    dpy_gfx_replace_surface(scanout->con, NULL);
    scanout->resource_id = 0;
    scanout->ds = NULL;
    scanout->width = 0;
    scanout->height = 0;
}

/* RESOURCE_UNREF */

static void virtio_gpu_resource_destroy(VirtIOGPU *g,
                                        struct virtio_gpu_simple_resource *res)
{
    int i;

    /* A resource on a scanout is taken off it first, as QEMU does. */
    if (res->scanout_bitmask) {
        for (i = 0; i < g->parent_obj.conf.max_outputs; i++) {
            if (res->scanout_bitmask & (1 << i)) {
                virtio_gpu_disable_scanout(g, i);
            }
        }
    }
    pixman_image_unref(res->image);
    virtio_gpu_cleanup_mapping(g, res);
    virtio_gpu_resource_remove(g, res);
    g->hostmem -= res->hostmem;
    g_free(res);
}

static void virtio_gpu_resource_unref(VirtIOGPU *g,
                                      struct virtio_gpu_ctrl_command *cmd)
{
    VirtIOGPUClass *vgc = VIRTIO_GPU_GET_CLASS(g);
    struct virtio_gpu_simple_resource *res;
    struct virtio_gpu_resource_unref unref;

    VIRTIO_GPU_FILL_CMD(unref);
    virtio_gpu_bswap_32(&unref, sizeof(unref));

    res = virtio_gpu_find_resource(g, unref.resource_id);
    if (!res) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: illegal resource specified %"
                      PRIu32 "\n", __func__, unref.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return;
    }
    vgc->resource_destroy(g, res);
}

/* TRANSFER_TO_HOST_2D */

/* Copy @len bytes at @offset of the backing store; short past its end. */
static void
virtio_gpu_copy_from_backing(struct virtio_gpu_simple_resource *res,
                             uint64_t offset, void *dst, size_t len)
{
    if (offset > SIZE_MAX) {
        return;
    }
    iov_to_buf(res->iov, res->iov_cnt, offset, dst, len);
}

static void virtio_gpu_transfer_to_host_2d(VirtIOGPU *g,
                                       struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_transfer_to_host_2d t2d;
    struct virtio_gpu_simple_resource *res;
    uint32_t stride, bpp, h;
    uint8_t *img_data;

    VIRTIO_GPU_FILL_CMD(t2d);
    virtio_gpu_bswap_32(&t2d.r, sizeof(t2d.r));
    t2d.offset = le64_to_cpu(t2d.offset);
    t2d.resource_id = le32_to_cpu(t2d.resource_id);

    res = virtio_gpu_find_check_resource(g, t2d.resource_id, true,
                                         __func__, &cmd->error);
    if (!res) {
        return;
    }
    if (!virtio_gpu_rect_ok(&t2d.r, res->width, res->height)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: transfer bounds outside "
                      "resource bounds for resource %" PRIu32 ": %" PRIu32
                      " %" PRIu32 " %" PRIu32 " %" PRIu32 " vs %" PRIu32
                      " %" PRIu32 "\n", __func__, t2d.resource_id,
                      t2d.r.x, t2d.r.y, t2d.r.width, t2d.r.height,
                      res->width, res->height);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }

    bpp = DIV_ROUND_UP(PIXMAN_FORMAT_BPP(pixman_image_get_format(res->image)),
                       8);
    stride = pixman_image_get_stride(res->image);
    img_data = (uint8_t *)pixman_image_get_data(res->image);

    /*
     * The guest's copy has the resource's stride; @offset is where the
     * rectangle's first pixel is in it.  Full rows go in one piece.
     */
    if (t2d.r.x == 0 && t2d.r.width == res->width) {
        virtio_gpu_copy_from_backing(res, t2d.offset,
                                     img_data + (size_t)t2d.r.y * stride,
                                     (size_t)stride * t2d.r.height);
        return;
    }
    for (h = 0; h < t2d.r.height; h++) {
        uint64_t row = (uint64_t)stride * h;

        if (t2d.offset > UINT64_MAX - row) {
            break;
        }
        virtio_gpu_copy_from_backing(res, t2d.offset + row,
                                     img_data +
                                     (size_t)(t2d.r.y + h) * stride +
                                     (size_t)t2d.r.x * bpp,
                                     (size_t)t2d.r.width * bpp);
    }
}

/* RESOURCE_FLUSH */

static void virtio_gpu_resource_flush(VirtIOGPU *g,
                                      struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_simple_resource *res;
    struct virtio_gpu_resource_flush rf;
    int i;

    VIRTIO_GPU_FILL_CMD(rf);
    virtio_gpu_bswap_32(&rf, sizeof(rf));

    res = virtio_gpu_find_check_resource(g, rf.resource_id, false,
                                         __func__, &cmd->error);
    if (!res) {
        return;
    }
    if (!virtio_gpu_rect_ok(&rf.r, res->width, res->height)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: flush bounds outside resource "
                      "bounds for resource %" PRIu32 ": %" PRIu32 " %"
                      PRIu32 " %" PRIu32 " %" PRIu32 " vs %" PRIu32 " %"
                      PRIu32 "\n", __func__, rf.resource_id, rf.r.x,
                      rf.r.y, rf.r.width, rf.r.height, res->width,
                      res->height);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }

    /* Tell each console showing the resource what changed, clipped. */
    for (i = 0; i < g->parent_obj.conf.max_outputs; i++) {
        struct virtio_gpu_scanout *scanout = &g->parent_obj.scanout[i];
        int64_t x1, y1, x2, y2;

        if (!(res->scanout_bitmask & (1 << i))) {
            continue;
        }
        x1 = MAX((int64_t)rf.r.x, scanout->x);
        y1 = MAX((int64_t)rf.r.y, scanout->y);
        x2 = MIN((int64_t)rf.r.x + rf.r.width,
                 (int64_t)scanout->x + scanout->width);
        y2 = MIN((int64_t)rf.r.y + rf.r.height,
                 (int64_t)scanout->y + scanout->height);
        if (x1 < x2 && y1 < y2) {
            dpy_gfx_update(scanout->con, x1 - scanout->x, y1 - scanout->y,
                           x2 - x1, y2 - y1);
        }
    }
}

/* SET_SCANOUT */

static void virtio_gpu_unref_resource_image(pixman_image_t *image,
                                            void *data)
{
    pixman_image_unref(data);
}

static void virtio_gpu_update_scanout(VirtIOGPU *g, uint32_t scanout_id,
                                      struct virtio_gpu_simple_resource *res,
                                      struct virtio_gpu_rect *r)
{
    struct virtio_gpu_scanout *scanout = &g->parent_obj.scanout[scanout_id];
    struct virtio_gpu_simple_resource *ores;

    ores = virtio_gpu_find_resource(g, scanout->resource_id);
    if (ores) {
        ores->scanout_bitmask &= ~(1 << scanout_id);
    }
    res->scanout_bitmask |= (1 << scanout_id);
    scanout->resource_id = res->resource_id;
    scanout->x = r->x;
    scanout->y = r->y;
    scanout->width = r->width;
    scanout->height = r->height;
}

static bool virtio_gpu_do_set_scanout(VirtIOGPU *g, uint32_t scanout_id,
                                      struct virtio_gpu_framebuffer *fb,
                                      struct virtio_gpu_simple_resource *res,
                                      struct virtio_gpu_rect *r,
                                      uint32_t *error)
{
    struct virtio_gpu_scanout *scanout = &g->parent_obj.scanout[scanout_id];
    uint8_t *data;

    if (r->width < VIRTIO_GPU_MIN_SCANOUT_SIZE ||
        r->height < VIRTIO_GPU_MIN_SCANOUT_SIZE ||
        !virtio_gpu_rect_ok(r, fb->width, fb->height)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: illegal scanout %" PRIu32
                      " bounds for resource %" PRIu32 ", rect (%" PRIu32
                      ",%" PRIu32 ")+%" PRIu32 ",%" PRIu32 ", fb %" PRIu32
                      " %" PRIu32 "\n", __func__, scanout_id,
                      res->resource_id, r->x, r->y, r->width, r->height,
                      fb->width, fb->height);
        *error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return false;
    }

    g->parent_obj.enable = 1;
    data = (uint8_t *)pixman_image_get_data(res->image);

    /* A new surface unless the console already shows this very rect. */
    if (!scanout->ds ||
        surface_data(scanout->ds) != data + fb->offset ||
        scanout->width != r->width ||
        scanout->height != r->height) {
        pixman_image_t *rect;

        /*
         * The surface shares the resource's pixels and holds a reference
         * on its image, dropped when the console frees the surface.
         */
        rect = pixman_image_create_bits(fb->format, r->width, r->height,
                                        (uint32_t *)(data + fb->offset),
                                        fb->stride);
        if (!rect) {
            *error = VIRTIO_GPU_RESP_ERR_UNSPEC;
            return false;
        }
        pixman_image_ref(res->image);
        pixman_image_set_destroy_function(rect,
                                          virtio_gpu_unref_resource_image,
                                          res->image);
        scanout->ds = qemu_create_displaysurface_pixman(rect);
        pixman_image_unref(rect);
        dpy_gfx_replace_surface(scanout->con, scanout->ds);
    }
    scanout->fb = *fb;
    virtio_gpu_update_scanout(g, scanout_id, res, r);
    return true;
}

static void virtio_gpu_set_scanout(VirtIOGPU *g,
                                   struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_simple_resource *res;
    struct virtio_gpu_framebuffer fb = { 0 };
    struct virtio_gpu_set_scanout ss;

    VIRTIO_GPU_FILL_CMD(ss);
    virtio_gpu_bswap_32(&ss, sizeof(ss));

    if (ss.scanout_id >= g->parent_obj.conf.max_outputs) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: illegal scanout id specified %"
                      PRIu32 "\n", __func__, ss.scanout_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
        return;
    }
    if (ss.resource_id == 0) {
        virtio_gpu_disable_scanout(g, ss.scanout_id);
        return;
    }
    res = virtio_gpu_find_check_resource(g, ss.resource_id, true,
                                         __func__, &cmd->error);
    if (!res) {
        return;
    }

    fb.format = pixman_image_get_format(res->image);
    fb.bytes_pp = DIV_ROUND_UP(PIXMAN_FORMAT_BPP(fb.format), 8);
    fb.width = pixman_image_get_width(res->image);
    fb.height = pixman_image_get_height(res->image);
    fb.stride = pixman_image_get_stride(res->image);
    /* Only meaningful once the rectangle is known to be inside. */
    if (virtio_gpu_rect_ok(&ss.r, fb.width, fb.height)) {
        fb.offset = ss.r.x * fb.bytes_pp + ss.r.y * fb.stride;
    }
    virtio_gpu_do_set_scanout(g, ss.scanout_id, &fb, res, &ss.r,
                              &cmd->error);
}

/* RESOURCE_ATTACH_BACKING, RESOURCE_DETACH_BACKING */

int virtio_gpu_create_mapping_iov(VirtIOGPU *g,
                                  uint32_t nr_entries, uint32_t offset,
                                  struct virtio_gpu_ctrl_command *cmd,
                                  uint64_t **addr, struct iovec **iov,
                                  uint32_t *niov)
{
    AddressSpace *dma_as = VIRTIO_DEVICE(g)->dma_as;
    g_autofree struct virtio_gpu_mem_entry *ents = NULL;
    size_t esize, s;
    uint32_t e, v = 0;

    *iov = NULL;
    if (addr) {
        *addr = NULL;
    }
    if (nr_entries > VIRTIO_GPU_MAX_MEM_ENTRIES) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: nr_entries is too big (%" PRIu32
                      " > %d)\n", __func__, nr_entries,
                      VIRTIO_GPU_MAX_MEM_ENTRIES);
        return -1;
    }

    esize = sizeof(*ents) * nr_entries;
    ents = g_malloc(esize);
    s = iov_to_buf(cmd->elem.out_sg, cmd->elem.out_num, offset, ents, esize);
    if (s != esize) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: command data size incorrect %zu"
                      " vs %zu\n", __func__, s, esize);
        return -1;
    }

    /*
     * Each entry may need several mappings where it crosses RAM regions;
     * every piece must be guest RAM: the pointers are kept and read later.
     */
    for (e = 0; e < nr_entries; e++) {
        uint64_t a = le64_to_cpu(ents[e].addr);
        uint32_t l = le32_to_cpu(ents[e].length);

        if (l == 0 || a + l < a) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid memory entry %"
                          PRIu32 ": 0x%" PRIx64 "+0x%" PRIx32 "\n",
                          __func__, e, a, l);
            goto fail;
        }
        while (l > 0) {
            hwaddr len = l;
            ram_addr_t ram_offset;
            bool ram;
            void *map;

            map = address_space_map(dma_as, a, &len, false,
                                    MEMTXATTRS_UNSPECIFIED);
            if (!map) {
                qemu_log_mask(LOG_GUEST_ERROR, "%s: failed to map memory "
                              "for element %" PRIu32 "\n", __func__, e);
                goto fail;
            }
            WITH_RCU_READ_LOCK_GUARD() {
                ram = memory_region_from_host(map, &ram_offset) != NULL;
            }
            if (!ram) {
                address_space_unmap(dma_as, map, len, false, 0);
                qemu_log_mask(LOG_GUEST_ERROR, "%s: memory entry %" PRIu32
                              " at 0x%" PRIx64 " is not guest RAM\n",
                              __func__, e, a);
                goto fail;
            }
            if (!(v % 16)) {
                *iov = g_renew(struct iovec, *iov, v + 16);
                if (addr) {
                    *addr = g_renew(uint64_t, *addr, v + 16);
                }
            }
            (*iov)[v].iov_base = map;
            (*iov)[v].iov_len = len;
            if (addr) {
                (*addr)[v] = a;
            }
            a += len;
            l -= len;
            v++;
        }
    }
    *niov = v;
    return 0;

fail:
    virtio_gpu_cleanup_mapping_iov(g, *iov, v);
    *iov = NULL;
    if (addr) {
        g_free(*addr);
        *addr = NULL;
    }
    return -1;
}

void virtio_gpu_cleanup_mapping_iov(VirtIOGPU *g,
                                    struct iovec *iov, uint32_t count)
{
    uint32_t i;

    for (i = 0; i < count; i++) {
        address_space_unmap(VIRTIO_DEVICE(g)->dma_as, iov[i].iov_base,
                            iov[i].iov_len, false, 0);
    }
    g_free(iov);
}

static void virtio_gpu_cleanup_mapping(VirtIOGPU *g,
                                       struct virtio_gpu_simple_resource *res)
{
    virtio_gpu_cleanup_mapping_iov(g, res->iov, res->iov_cnt);
    res->iov = NULL;
    res->iov_cnt = 0;
    g_free(res->addrs);
    res->addrs = NULL;
    g->hostmem -= res->backing_hostmem;
    res->backing_hostmem = 0;
}

/*
 * What an attached backing of @niov pieces costs the host.  Charged to
 * max_hostmem, as pixels are: otherwise 2,000 zero-sized resources with
 * 16,384 entries each take 768 MiB that no limit sees.
 */
static uint64_t virtio_gpu_backing_hostmem(uint32_t niov)
{
    return (uint64_t)niov * (sizeof(struct iovec) + sizeof(uint64_t));
}

static void virtio_gpu_resource_attach_backing(VirtIOGPU *g,
                                       struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resource_attach_backing ab;
    struct virtio_gpu_simple_resource *res;
    uint32_t niov;

    VIRTIO_GPU_FILL_CMD(ab);
    virtio_gpu_bswap_32(&ab, sizeof(ab));

    res = virtio_gpu_find_resource(g, ab.resource_id);
    if (!res) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: illegal resource specified %"
                      PRIu32 "\n", __func__, ab.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return;
    }
    if (res->iov) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: resource %" PRIu32 " already "
                      "has backing storage\n", __func__, ab.resource_id);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    if (virtio_gpu_create_mapping_iov(g, ab.nr_entries, sizeof(ab), cmd,
                                      &res->addrs, &res->iov, &niov)) {
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    res->iov_cnt = niov;
    /* The same strict limit as for pixels. */
    if (virtio_gpu_backing_hostmem(niov) >=
        g->conf_max_hostmem - g->hostmem) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: backing of %" PRIu32 " pieces "
                      "for resource %" PRIu32 " is over max_hostmem\n",
                      __func__, niov, ab.resource_id);
        virtio_gpu_cleanup_mapping(g, res);
        cmd->error = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
        return;
    }
    res->backing_hostmem = virtio_gpu_backing_hostmem(niov);
    g->hostmem += res->backing_hostmem;
}

static void virtio_gpu_resource_detach_backing(VirtIOGPU *g,
                                       struct virtio_gpu_ctrl_command *cmd)
{
    struct virtio_gpu_resource_detach_backing detach;
    struct virtio_gpu_simple_resource *res;

    VIRTIO_GPU_FILL_CMD(detach);
    virtio_gpu_bswap_32(&detach, sizeof(detach));

    res = virtio_gpu_find_check_resource(g, detach.resource_id, true,
                                         __func__, &cmd->error);
    if (!res) {
        return;
    }
    virtio_gpu_cleanup_mapping(g, res);
}

/* Commands */

void virtio_gpu_simple_process_cmd(VirtIOGPU *g,
                                   struct virtio_gpu_ctrl_command *cmd)
{
    switch (cmd->cmd_hdr.type) {
    case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
        virtio_gpu_get_display_info(g, cmd);
        break;
    case VIRTIO_GPU_CMD_GET_EDID:
        virtio_gpu_get_edid(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
        virtio_gpu_resource_create_2d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_UNREF:
        virtio_gpu_resource_unref(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
        virtio_gpu_resource_flush(g, cmd);
        break;
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
        virtio_gpu_transfer_to_host_2d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_SET_SCANOUT:
        virtio_gpu_set_scanout(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
        virtio_gpu_resource_attach_backing(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
        virtio_gpu_resource_detach_backing(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB:
    case VIRTIO_GPU_CMD_SET_SCANOUT_BLOB:
        /* Known, but blobs are not offered (no RESOURCE_BLOB). */
        qemu_log_mask(LOG_GUEST_ERROR, "%s: blob command 0x%" PRIx32
                      " without blob support\n", __func__,
                      cmd->cmd_hdr.type);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        break;
    default:
        /* 3D commands and capsets included: there is no 3D here. */
        qemu_log_mask(LOG_GUEST_ERROR, "%s: unknown command type 0x%" PRIx32
                      "\n", __func__, cmd->cmd_hdr.type);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        break;
    }
    /*
     * Answer unless the handler did.  A command that runs while the
     * renderer is blocked stays unanswered: it is suspended and will run
     * again when the queue resumes.
     */
    if (!cmd->finished && !g->parent_obj.renderer_blocked) {
        virtio_gpu_ctrl_response_nodata(g, cmd, cmd->error ? cmd->error :
                                        VIRTIO_GPU_RESP_OK_NODATA);
    }
}

/*
 * Read the request's header into cmd->cmd_hdr; a request shorter than
 * the header is answered ERR_UNSPEC here.
 */
static bool virtio_gpu_fill_ctrl_hdr(VirtIOGPU *g,
                                     struct virtio_gpu_ctrl_command *cmd)
{
    size_t s;

    s = iov_to_buf(cmd->elem.out_sg, cmd->elem.out_num, 0,
                   &cmd->cmd_hdr, sizeof(cmd->cmd_hdr));
    if (s != sizeof(cmd->cmd_hdr)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad header size %zu vs %zu\n",
                      __func__, s, sizeof(cmd->cmd_hdr));
        memset(&cmd->cmd_hdr, 0, sizeof(cmd->cmd_hdr));
        virtio_gpu_ctrl_response_nodata(g, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC);
        return false;
    }
    virtio_gpu_ctrl_hdr_bswap(&cmd->cmd_hdr);
    return true;
}

/* Steps 3 and 4 of the comment at the top. */
void virtio_gpu_process_cmdq(VirtIOGPU *g)
{
    VirtIOGPUClass *vgc = VIRTIO_GPU_GET_CLASS(g);
    struct virtio_gpu_ctrl_command *cmd;

    /* A response may re-enter through a notifier: do not nest. */
    if (g->processing_cmdq) {
        return;
    }
    g->processing_cmdq = true;
    while (!QTAILQ_EMPTY(&g->cmdq)) {
        cmd = QTAILQ_FIRST(&g->cmdq);

        if (g->parent_obj.renderer_blocked) {
            break;
        }

        cmd->error = 0;
        if (virtio_gpu_fill_ctrl_hdr(g, cmd)) {
            vgc->process_cmd(g, cmd);
        }

        /*
         * Suspended: leave it at the head until the queue resumes.  An
         * unanswered command with the FENCE flag waits for its fence
         * instead, unless it blocked the renderer: then it is suspended
         * too (a fenced blob unmap).
         */
        if (!cmd->finished &&
            (g->parent_obj.renderer_blocked ||
             !(cmd->cmd_hdr.flags & VIRTIO_GPU_FLAG_FENCE))) {
            trace_virtio_gpu_cmd_suspended(cmd->cmd_hdr.type);
            break;
        }

        QTAILQ_REMOVE(&g->cmdq, cmd, next);
        if (!cmd->finished) {
            /* Processed; the response waits for the fence (3D). */
            QTAILQ_INSERT_TAIL(&g->fenceq, cmd, next);
            g->inflight++;
        } else {
            g_free(cmd);
        }
    }
    g->processing_cmdq = false;
}

/* Step 2. */
static void virtio_gpu_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);
    struct virtio_gpu_ctrl_command *cmd;

    if (!virtio_queue_ready(vq)) {
        return;
    }
    while ((cmd = virtqueue_pop(vq, sizeof(*cmd))) != NULL) {
        cmd->vq = vq;
        cmd->error = 0;
        cmd->finished = false;
        QTAILQ_INSERT_TAIL(&g->cmdq, cmd, next);
    }
    virtio_gpu_process_cmdq(g);
}

static void virtio_gpu_ctrl_bh(void *opaque)
{
    VirtIOGPU *g = opaque;
    VirtIOGPUClass *vgc = VIRTIO_GPU_GET_CLASS(g);

    vgc->handle_ctrl(VIRTIO_DEVICE(g), g->ctrl_vq);
}

/* Step 1. */
static void virtio_gpu_handle_ctrl_cb(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);

    qemu_bh_schedule(g->ctrl_bh);
}

/* Step 4, for a display backend releasing the output. */
static void virtio_gpu_handle_gl_flushed(VirtIOGPUBase *b)
{
    VirtIOGPU *g = container_of(b, VirtIOGPU, parent_obj);

    virtio_gpu_process_cmdq(g);
}

/* Cursor queue */

static void virtio_gpu_update_cursor(VirtIOGPU *g,
                                     struct virtio_gpu_update_cursor *cursor)
{
    struct virtio_gpu_simple_resource *res;
    struct virtio_gpu_scanout *s;

    if (cursor->pos.scanout_id >= g->parent_obj.conf.max_outputs) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: illegal scanout id %" PRIu32
                      "\n", __func__, cursor->pos.scanout_id);
        return;
    }
    s = &g->parent_obj.scanout[cursor->pos.scanout_id];

    switch (cursor->hdr.type) {
    case VIRTIO_GPU_CMD_MOVE_CURSOR:
        s->cursor.pos.x = cursor->pos.x;
        s->cursor.pos.y = cursor->pos.y;
        break;
    case VIRTIO_GPU_CMD_UPDATE_CURSOR:
        /*
         * The image would go to display listeners; without any, only the
         * state is kept.  Resource 0 hides the cursor.
         */
        if (cursor->resource_id) {
            res = virtio_gpu_find_resource(g, cursor->resource_id);
            if (!res || res->width != VIRTIO_GPU_CURSOR_SIZE ||
                res->height != VIRTIO_GPU_CURSOR_SIZE) {
                qemu_log_mask(LOG_GUEST_ERROR, "%s: invalid cursor resource "
                              "%" PRIu32 "\n", __func__,
                              cursor->resource_id);
            }
        }
        s->cursor = *cursor;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: unknown cursor command 0x%"
                      PRIx32 "\n", __func__, cursor->hdr.type);
        break;
    }
}

/* Cursor requests have no response: the buffer just goes back. */
static void virtio_gpu_handle_cursor(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);
    struct virtio_gpu_update_cursor cursor_info;
    VirtQueueElement *elem;
    size_t s;

    if (!virtio_queue_ready(vq)) {
        return;
    }
    while ((elem = virtqueue_pop(vq, sizeof(VirtQueueElement))) != NULL) {
        s = iov_to_buf(elem->out_sg, elem->out_num, 0,
                       &cursor_info, sizeof(cursor_info));
        if (s != sizeof(cursor_info)) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: cursor size incorrect %zu "
                          "vs %zu\n", __func__, s, sizeof(cursor_info));
        } else {
            virtio_gpu_ctrl_hdr_bswap(&cursor_info.hdr);
            virtio_gpu_bswap_32(&cursor_info.pos,
                                sizeof(cursor_info) - sizeof(cursor_info.hdr));
            virtio_gpu_update_cursor(g, &cursor_info);
        }
        virtqueue_push(vq, elem, 0);
        virtio_notify(vdev, vq);
        g_free(elem);
    }
}

static void virtio_gpu_cursor_bh(void *opaque)
{
    VirtIOGPU *g = opaque;

    virtio_gpu_handle_cursor(VIRTIO_DEVICE(g), g->cursor_vq);
}

static void virtio_gpu_handle_cursor_cb(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);

    qemu_bh_schedule(g->cursor_bh);
}

/* Life cycle */

void virtio_gpu_device_realize(DeviceState *qdev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(qdev);
    VirtIOGPU *g = VIRTIO_GPU(qdev);

    if (!virtio_gpu_base_device_realize(qdev, virtio_gpu_handle_ctrl_cb,
                                        virtio_gpu_handle_cursor_cb, errp)) {
        return;
    }
    g->ctrl_vq = virtio_get_queue(vdev, 0);
    g->cursor_vq = virtio_get_queue(vdev, 1);
    g->ctrl_bh = virtio_bh_new_guarded(qdev, virtio_gpu_ctrl_bh, g);
    g->cursor_bh = virtio_bh_new_guarded(qdev, virtio_gpu_cursor_bh, g);
    g->reset_bh = qemu_bh_new(virtio_gpu_reset_bh, g);
    qemu_cond_init(&g->reset_cond);
}

/* Drop queued commands; their buffers go back unanswered (reset). */
static void virtio_gpu_drop_cmdq(VirtIOGPU *g)
{
    struct virtio_gpu_ctrl_command *cmd;

    while ((cmd = QTAILQ_FIRST(&g->cmdq)) != NULL) {
        QTAILQ_REMOVE(&g->cmdq, cmd, next);
        virtqueue_detach_element(cmd->vq, &cmd->elem, 0);
        g_free(cmd);
    }
    while ((cmd = QTAILQ_FIRST(&g->fenceq)) != NULL) {
        QTAILQ_REMOVE(&g->fenceq, cmd, next);
        virtqueue_detach_element(cmd->vq, &cmd->elem, 0);
        g->inflight--;
        g_free(cmd);
    }
}

static void virtio_gpu_device_unrealize(DeviceState *qdev)
{
    VirtIOGPU *g = VIRTIO_GPU(qdev);
    VirtIOGPUClass *vgc = VIRTIO_GPU_GET_CLASS(g);
    struct virtio_gpu_simple_resource *res, *tmp;

    qemu_bh_delete(g->ctrl_bh);
    qemu_bh_delete(g->cursor_bh);
    qemu_bh_delete(g->reset_bh);
    g->ctrl_bh = NULL;
    g->cursor_bh = NULL;
    g->reset_bh = NULL;
    qemu_cond_destroy(&g->reset_cond);
    virtio_gpu_drop_cmdq(g);
    QTAILQ_FOREACH_SAFE(res, &g->reslist, next, tmp) {
        vgc->resource_destroy(g, res);
    }
    virtio_gpu_base_device_unrealize(qdev);
}

static void virtio_gpu_reset_bh(void *opaque)
{
    VirtIOGPU *g = opaque;
    VirtIOGPUClass *vgc = VIRTIO_GPU_GET_CLASS(g);
    struct virtio_gpu_simple_resource *res, *tmp;

    QTAILQ_FOREACH_SAFE(res, &g->reslist, next, tmp) {
        vgc->resource_destroy(g, res);
    }
    virtio_gpu_drop_cmdq(g);
    virtio_gpu_base_reset(VIRTIO_GPU_BASE(g));
    g->reset_finished = true;
    qemu_cond_broadcast(&g->reset_cond);
}

/*
 * Resources may belong to a renderer that lives in the main loop (virgl
 * and its GL contexts): a reset asked from another thread, a vCPU
 * writing the status register, runs there and is waited for, with the
 * BQL released meanwhile, as in QEMU.
 */
void virtio_gpu_reset(VirtIODevice *vdev)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);

    if (qemu_in_main_thread()) {
        virtio_gpu_reset_bh(g);
        return;
    }
    g->reset_finished = false;
    qemu_bh_schedule(g->reset_bh);
    while (!g->reset_finished) {
        qemu_cond_wait_bql(&g->reset_cond);
    }
}

static void virtio_gpu_instance_init(Object *obj)
{
    VirtIOGPU *g = VIRTIO_GPU(obj);

    QTAILQ_INIT(&g->reslist);
    g->resources = g_hash_table_new(NULL, NULL);
    QTAILQ_INIT(&g->cmdq);
    QTAILQ_INIT(&g->fenceq);
}

static void virtio_gpu_instance_finalize(Object *obj)
{
    VirtIOGPU *g = VIRTIO_GPU(obj);

    g_hash_table_destroy(g->resources);
}

static const Property virtio_gpu_properties[] = {
    VIRTIO_GPU_BASE_PROPERTIES(VirtIOGPU, parent_obj.conf),
    DEFINE_PROP_SIZE("max_hostmem", VirtIOGPU, conf_max_hostmem,
                     256 * MiB),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_gpu_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);
    VirtIOGPUBaseClass *vgbc = VIRTIO_GPU_BASE_CLASS(klass);
    VirtIOGPUClass *vgc = VIRTIO_GPU_CLASS(klass);

    vgbc->gl_flushed = virtio_gpu_handle_gl_flushed;
    vgc->handle_ctrl = virtio_gpu_handle_ctrl;
    vgc->process_cmd = virtio_gpu_simple_process_cmd;
    vgc->resource_destroy = virtio_gpu_resource_destroy;

    vdc->realize = virtio_gpu_device_realize;
    vdc->unrealize = virtio_gpu_device_unrealize;
    vdc->reset = virtio_gpu_reset;

    dc->desc = "virtio GPU (2D)";
    device_class_set_props(dc, virtio_gpu_properties);
}

static const TypeInfo virtio_gpu_info = {
    .name = TYPE_VIRTIO_GPU,
    .parent = TYPE_VIRTIO_GPU_BASE,
    .instance_size = sizeof(VirtIOGPU),
    .instance_init = virtio_gpu_instance_init,
    .instance_finalize = virtio_gpu_instance_finalize,
    .class_size = sizeof(VirtIOGPUClass),
    .class_init = virtio_gpu_class_init,
};

static void virtio_gpu_register_types(void)
{
    type_register_static(&virtio_gpu_info);
}

type_init(virtio_gpu_register_types)
