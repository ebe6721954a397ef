/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu: the device models.
 *
 *   TYPE_VIRTIO_GPU_BASE  "virtio-gpu-base" (abstract, virtio-gpu-base.c)
 *       config space, features, scanouts and their consoles, display info,
 *       EDID; the properties every variant shares.
 *   TYPE_VIRTIO_GPU       "virtio-gpu-device" (virtio-gpu.c)
 *       2D resources on pixman images; the control queue's command queue
 *       (cmdq), processed from a bottom half, which commands may suspend.
 *   TYPE_VIRTIO_GPU_GL    "virtio-gpu-gl-device" (a later virtio-gpu-gl.c
 *       and virtio-gpu-virgl.c) derives from TYPE_VIRTIO_GPU, overrides
 *       VirtIOGPUClass.process_cmd and suspends RESOURCE_UNMAP_BLOB until
 *       the blob's memory region is freed after an RCU grace period, then
 *       resumes the queue from a bottom half (virtio_gpu_process_cmdq()).
 *
 * The design and the error table are in docs/devel/virtio-gpu.md.
 */

#ifndef HW_VIRTIO_VIRTIO_GPU_H
#define HW_VIRTIO_VIRTIO_GPU_H

#include "qemu/queue.h"
#include "block/aio.h"
#include "qemu/log.h"
#include "qemu/bswap.h"
#include "ui/console.h"
#include "hw/virtio/virtio.h"
/*
 * The wire protocol (config space, commands, responses) is Linux's uapi
 * header, as in QEMU.  Every field is little endian; virtio_gpu_bswap_32()
 * converts a whole request on big-endian hosts.
 */
#include <linux/virtio_gpu.h>

#define TYPE_VIRTIO_GPU_BASE "virtio-gpu-base"
OBJECT_DECLARE_TYPE(VirtIOGPUBase, VirtIOGPUBaseClass, VIRTIO_GPU_BASE)

#define TYPE_VIRTIO_GPU "virtio-gpu-device"
OBJECT_DECLARE_TYPE(VirtIOGPU, VirtIOGPUClass, VIRTIO_GPU)

#define TYPE_VIRTIO_GPU_GL "virtio-gpu-gl-device"
OBJECT_DECLARE_TYPE(VirtIOGPUGL, VirtIOGPUGLClass, VIRTIO_GPU_GL)

/* Queue sizes (QEMU's for 2D). */
#define VIRTIO_GPU_CTRL_QUEUE_SIZE      64
#define VIRTIO_GPU_CURSOR_QUEUE_SIZE    16

/* Most memory entries one RESOURCE_ATTACH_BACKING may carry. */
#define VIRTIO_GPU_MAX_MEM_ENTRIES      16384

/* Smallest scanout rectangle QEMU accepts, in pixels per side. */
#define VIRTIO_GPU_MIN_SCANOUT_SIZE     16

/* Cursor images are 64x64 pixels, 32 bits each. */
#define VIRTIO_GPU_CURSOR_SIZE          64

struct virtio_gpu_simple_resource {
    uint32_t resource_id;
    uint32_t width;
    uint32_t height;
    uint32_t format;
    /* Backing store: guest addresses and their host mappings. */
    uint64_t *addrs;
    struct iovec *iov;
    unsigned int iov_cnt;
    /* Bit n: shown on scanout n. */
    uint32_t scanout_bitmask;
    pixman_image_t *image;
    /*
     * Bytes charged against max_hostmem: the pixels, and the backing's
     * host bookkeeping (iov and addrs) while attached.
     */
    uint64_t hostmem;
    uint64_t backing_hostmem;
    QTAILQ_ENTRY(virtio_gpu_simple_resource) next;
};

/* What a scanout shows of its resource. */
struct virtio_gpu_framebuffer {
    pixman_format_code_t format;
    uint32_t bytes_pp;
    uint32_t width;
    uint32_t height;
    uint32_t stride;
    uint32_t offset;
};

struct virtio_gpu_scanout {
    QemuConsole *con;
    /* The surface given to the console (the console owns it). */
    DisplaySurface *ds;
    uint32_t width;
    uint32_t height;
    int x;
    int y;
    /* 0: disabled. */
    uint32_t resource_id;
    struct virtio_gpu_update_cursor cursor;
    struct virtio_gpu_framebuffer fb;
};

/* The mode offered for a scanout in GET_DISPLAY_INFO and its EDID. */
struct virtio_gpu_requested_state {
    uint16_t width_mm;
    uint16_t height_mm;
    uint32_t width;
    uint32_t height;
    uint32_t refresh_rate;
    int x;
    int y;
};

/* Bits of virtio_gpu_base_conf.flags, QEMU's numbering. */
enum virtio_gpu_base_conf_flags {
    VIRTIO_GPU_FLAG_VIRGL_ENABLED = 1,
    VIRTIO_GPU_FLAG_STATS_ENABLED,
    VIRTIO_GPU_FLAG_EDID_ENABLED,
    VIRTIO_GPU_FLAG_DMABUF_ENABLED,
    VIRTIO_GPU_FLAG_BLOB_ENABLED,
    VIRTIO_GPU_FLAG_CONTEXT_INIT_ENABLED,
};

#define virtio_gpu_virgl_enabled(_cfg) \
    ((_cfg).flags & (1 << VIRTIO_GPU_FLAG_VIRGL_ENABLED))
#define virtio_gpu_edid_enabled(_cfg) \
    ((_cfg).flags & (1 << VIRTIO_GPU_FLAG_EDID_ENABLED))
#define virtio_gpu_blob_enabled(_cfg) \
    ((_cfg).flags & (1 << VIRTIO_GPU_FLAG_BLOB_ENABLED))
#define virtio_gpu_context_init_enabled(_cfg) \
    ((_cfg).flags & (1 << VIRTIO_GPU_FLAG_CONTEXT_INIT_ENABLED))
#define virtio_gpu_hostmem_enabled(_cfg) \
    ((_cfg).hostmem > 0)

struct virtio_gpu_base_conf {
    uint32_t max_outputs;
    uint32_t flags;
    uint32_t xres;
    uint32_t yres;
    /* Size of the host-visible shared memory region (BAR 4); 0: none. */
    uint64_t hostmem;
};

/*
 * One control-queue request.  The element comes first: virtqueue_pop()
 * allocates the whole struct.  A command is *finished* once a response
 * has been pushed.  A command that process_cmd leaves unfinished without
 * the FENCE flag is *suspended*: it stays at the head of cmdq and is
 * processed again, from the start, when the queue resumes.
 */
struct virtio_gpu_ctrl_command {
    VirtQueueElement elem;
    VirtQueue *vq;
    struct virtio_gpu_ctrl_hdr cmd_hdr;
    uint32_t error;
    bool finished;
    QTAILQ_ENTRY(virtio_gpu_ctrl_command) next;
};

struct VirtIOGPUBase {
    VirtIODevice parent_obj;

    struct virtio_gpu_base_conf conf;
    struct virtio_gpu_config virtio_config;
    const GraphicHwOps *hw_ops;

    /*
     * While positive, no command is processed: display backends holding
     * the output (gl_block) and asynchronous operations in flight (a blob
     * unmap waiting for RCU) each count once.  Whoever drops it to zero
     * resumes the queue.
     */
    int renderer_blocked;
    /* Some scanout was set since reset. */
    int enable;

    /* Host-visible memory for mapped blobs (conf.hostmem bytes). */
    MemoryRegion hostmem;

    struct virtio_gpu_scanout scanout[VIRTIO_GPU_MAX_SCANOUTS];

    int enabled_output_bitmask;
    struct virtio_gpu_requested_state req_state[VIRTIO_GPU_MAX_SCANOUTS];
};

struct VirtIOGPUBaseClass {
    VirtioDeviceClass parent;

    /* The renderer was unblocked: continue with the command queue. */
    void (*gl_flushed)(VirtIOGPUBase *g);
};

#define VIRTIO_GPU_BASE_PROPERTIES(_state, _conf)                       \
    DEFINE_PROP_UINT32("max_outputs", _state, _conf.max_outputs, 1),    \
    DEFINE_PROP_BIT("edid", _state, _conf.flags,                        \
                    VIRTIO_GPU_FLAG_EDID_ENABLED, true),                \
    DEFINE_PROP_UINT32("xres", _state, _conf.xres, 1280),               \
    DEFINE_PROP_UINT32("yres", _state, _conf.yres, 800),                \
    DEFINE_PROP_SIZE("hostmem", _state, _conf.hostmem, 0)

struct VirtIOGPU {
    VirtIOGPUBase parent_obj;

    uint64_t conf_max_hostmem;

    VirtQueue *ctrl_vq;
    VirtQueue *cursor_vq;

    QEMUBH *ctrl_bh;
    QEMUBH *cursor_bh;

    QTAILQ_HEAD(, virtio_gpu_simple_resource) reslist;
    /*
     * The same resources by id, for virtio_gpu_find_resource(): every
     * command names one, and walking reslist cost a step per resource.
     */
    GHashTable *resources;
    /* Popped, not yet processed (or suspended at the head). */
    QTAILQ_HEAD(, virtio_gpu_ctrl_command) cmdq;
    /* Processed, waiting for their fence (3D only). */
    QTAILQ_HEAD(, virtio_gpu_ctrl_command) fenceq;

    /* Bytes of all resources, against conf_max_hostmem. */
    uint64_t hostmem;

    /* virtio_gpu_process_cmdq() is running (it must not nest). */
    bool processing_cmdq;
    uint32_t inflight;

    /*
     * A reset asked from another thread (a vCPU) runs in the main loop,
     * where the renderer lives: reset_bh, then reset_cond (see
     * virtio_gpu_reset()).
     */
    QEMUBH *reset_bh;
    QemuCond reset_cond;
    bool reset_finished;
};

struct VirtIOGPUClass {
    VirtIOGPUBaseClass parent;

    /* The control queue's bottom half: pop everything, process it. */
    void (*handle_ctrl)(VirtIODevice *vdev, VirtQueue *vq);
    /* Run one command; respond, or leave it unfinished to suspend it. */
    void (*process_cmd)(VirtIOGPU *g, struct virtio_gpu_ctrl_command *cmd);
    void (*resource_destroy)(VirtIOGPU *g,
                             struct virtio_gpu_simple_resource *res);
};

/* virtio-gpu-gl: the renderer's life cycle (QEMU's states). */
typedef enum RenderState {
    RS_START,           /* virglrenderer not initialised yet */
    RS_INIT_FAILED,
    RS_INITED,
    RS_RESET,           /* device reset: virgl_renderer_reset() pending */
} RenderState;

struct VirtIOGPUGL {
    struct VirtIOGPU parent_obj;

    RenderState renderer_state;

    /* Polls virglrenderer for finished fences while any are pending. */
    QEMUTimer *fence_poll;
    /* Resumes the queue after a blob's memory region was freed. */
    QEMUBH *cmdq_resume_bh;

    /* Live contexts: ctx_id -> capset id (0: created without one). */
    GHashTable *contexts;
    /* The blobs in hostmem, by offset (virtio-gpu-virgl.c). */
    GSequence *hostmem_blobs;
    /*
     * Blobs whose region is leaving the memory map while no command
     * waits for it (their resource was destroyed by a reset): finished
     * by cmdq_resume_bh.
     */
    unsigned int orphaned_unmaps;
};

struct VirtIOGPUGLClass {
    VirtIOGPUClass parent;

    /* TYPE_VIRTIO_GPU's handle_ctrl, which handle_ctrl wraps. */
    void (*parent_handle_ctrl)(VirtIODevice *vdev, VirtQueue *vq);
};

/*
 * Copy the request's fixed part into @out, or fail the command with
 * ERR_UNSPEC when the driver sent fewer bytes (QEMU answers those with
 * OK_NODATA; see docs/devel/virtio-gpu.md).
 */
#define VIRTIO_GPU_FILL_CMD(out) do {                                   \
        size_t fill_cmd_s_ =                                            \
            iov_to_buf(cmd->elem.out_sg, cmd->elem.out_num, 0,          \
                       &(out), sizeof(out));                            \
        if (fill_cmd_s_ != sizeof(out)) {                               \
            qemu_log_mask(LOG_GUEST_ERROR,                              \
                          "%s: command size incorrect %zu vs %zu\n",    \
                          __func__, fill_cmd_s_, sizeof(out));          \
            cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;                    \
            return;                                                     \
        }                                                               \
    } while (0)

/* Convert a request of 32-bit fields (after the header) to host order. */
static inline void virtio_gpu_bswap_32(void *ptr, size_t size)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
    uint32_t *p = ptr;
    size_t i;

    for (i = 0; i < size / 4; i++) {
        p[i] = le32_to_cpu(p[i]);
    }
#endif
}

static inline void virtio_gpu_ctrl_hdr_bswap(struct virtio_gpu_ctrl_hdr *hdr)
{
    hdr->type = le32_to_cpu(hdr->type);
    hdr->flags = le32_to_cpu(hdr->flags);
    hdr->fence_id = le64_to_cpu(hdr->fence_id);
    hdr->ctx_id = le32_to_cpu(hdr->ctx_id);
}

/* virtio-gpu-base.c */
bool virtio_gpu_base_device_realize(DeviceState *qdev,
                                    VirtIOHandleOutput ctrl_cb,
                                    VirtIOHandleOutput cursor_cb,
                                    Error **errp);
void virtio_gpu_base_device_unrealize(DeviceState *qdev);
void virtio_gpu_base_reset(VirtIOGPUBase *g);
void virtio_gpu_base_fill_display_info(VirtIOGPUBase *g,
                                struct virtio_gpu_resp_display_info *dpy_info);
/* A 128-byte EDID 1.4 block whose preferred mode is @scanout's mode. */
void virtio_gpu_base_generate_edid(VirtIOGPUBase *g, int scanout,
                                   struct virtio_gpu_resp_edid *edid);

/* virtio-gpu.c */
void virtio_gpu_ctrl_response(VirtIOGPU *g,
                              struct virtio_gpu_ctrl_command *cmd,
                              struct virtio_gpu_ctrl_hdr *resp,
                              size_t resp_len);
void virtio_gpu_ctrl_response_nodata(VirtIOGPU *g,
                                     struct virtio_gpu_ctrl_command *cmd,
                                     enum virtio_gpu_ctrl_type type);
void virtio_gpu_get_display_info(VirtIOGPU *g,
                                 struct virtio_gpu_ctrl_command *cmd);
void virtio_gpu_get_edid(VirtIOGPU *g, struct virtio_gpu_ctrl_command *cmd);
/*
 * Map the @nr_entries memory entries that follow the request's first
 * @offset bytes; 0, or -1 (guest error logged) with nothing mapped.
 */
int virtio_gpu_create_mapping_iov(VirtIOGPU *g,
                                  uint32_t nr_entries, uint32_t offset,
                                  struct virtio_gpu_ctrl_command *cmd,
                                  uint64_t **addr, struct iovec **iov,
                                  uint32_t *niov);
void virtio_gpu_cleanup_mapping_iov(VirtIOGPU *g,
                                    struct iovec *iov, uint32_t count);
struct virtio_gpu_simple_resource *
virtio_gpu_find_resource(VirtIOGPU *g, uint32_t resource_id);
/* Add to / take out of reslist and the id index, together. */
void virtio_gpu_resource_add(VirtIOGPU *g,
                             struct virtio_gpu_simple_resource *res);
void virtio_gpu_resource_remove(VirtIOGPU *g,
                                struct virtio_gpu_simple_resource *res);
void virtio_gpu_process_cmdq(VirtIOGPU *g);
void virtio_gpu_device_realize(DeviceState *qdev, Error **errp);
void virtio_gpu_reset(VirtIODevice *vdev);
void virtio_gpu_simple_process_cmd(VirtIOGPU *g,
                                   struct virtio_gpu_ctrl_command *cmd);

/* virtio-gpu-virgl.c */
bool virtio_gpu_virgl_init(VirtIOGPU *g, Error **errp);
/* Forget every context and resource (device reset). */
void virtio_gpu_virgl_reset(VirtIOGPU *g);
void virtio_gpu_virgl_process_cmd(VirtIOGPU *g,
                                  struct virtio_gpu_ctrl_command *cmd);
void virtio_gpu_virgl_resource_destroy(VirtIOGPU *g,
                                       struct virtio_gpu_simple_resource *res);
/* Retire finished fences; re-arm the poll timer while any are pending. */
void virtio_gpu_virgl_fence_poll(VirtIOGPU *g);
/* Capsets the renderer offers (config space num_capsets). */
uint32_t virtio_gpu_virgl_get_num_capsets(VirtIOGPU *g);

#endif /* HW_VIRTIO_VIRTIO_GPU_H */
