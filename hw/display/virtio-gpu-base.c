/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-base: what every virtio-gpu variant shares.  Config space
 * (num_scanouts, num_capsets, events), feature bits from the properties,
 * one graphic console per scanout, the modes reported by
 * GET_DISPLAY_INFO and the EDID blocks of GET_EDID.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-gpu.h"

/* Console hooks */

static void virtio_gpu_invalidate_display(void *opaque)
{
}

static void virtio_gpu_update_display(void *opaque)
{
    /* 2D surfaces share the resources' pixels: always up to date. */
}

/*
 * A display backend holds or releases the output.  Releasing the last
 * hold resumes the command queue (VirtIOGPUBaseClass.gl_flushed).
 */
static void virtio_gpu_gl_block(void *opaque, bool block)
{
    VirtIOGPUBase *g = opaque;
    VirtIOGPUBaseClass *vgc = VIRTIO_GPU_BASE_GET_CLASS(g);

    if (block) {
        g->renderer_blocked++;
    } else {
        g->renderer_blocked--;
    }
    assert(g->renderer_blocked >= 0);

    if (!block && g->renderer_blocked == 0 && vgc->gl_flushed) {
        vgc->gl_flushed(g);
    }
}

static const GraphicHwOps virtio_gpu_ops = {
    .invalidate = virtio_gpu_invalidate_display,
    .gfx_update = virtio_gpu_update_display,
    .gl_block = virtio_gpu_gl_block,
};

/* GET_DISPLAY_INFO */

void virtio_gpu_base_fill_display_info(VirtIOGPUBase *g,
                                struct virtio_gpu_resp_display_info *dpy_info)
{
    int i;

    for (i = 0; i < g->conf.max_outputs; i++) {
        if (g->enabled_output_bitmask & (1 << i)) {
            dpy_info->pmodes[i].enabled = cpu_to_le32(1);
            dpy_info->pmodes[i].r.x = cpu_to_le32(g->req_state[i].x);
            dpy_info->pmodes[i].r.y = cpu_to_le32(g->req_state[i].y);
            dpy_info->pmodes[i].r.width =
                cpu_to_le32(g->req_state[i].width);
            dpy_info->pmodes[i].r.height =
                cpu_to_le32(g->req_state[i].height);
        }
    }
}

/*
 * EDID 1.4 (VESA E-EDID Release A, Revision 2), one 128-byte block:
 *
 *   0   header 00 ff ff ff ff ff ff 00
 *   8   vendor (3 letters, 5 bits each), product, serial, week, year
 *   18  version 1, revision 4
 *   20  digital input, screen size in cm, gamma, features
 *   25  chromaticity (sRGB)
 *   35  established and standard timings (none)
 *   54  four 18-byte descriptors: the preferred mode's detailed timing,
 *       the range limits, the monitor name, a dummy
 *   126 extension count 0, checksum (all 128 bytes sum to 0)
 */
#define EDID_BLOCK_SIZE     128
#define EDID_DPI            100
#define EDID_REFRESH_HZ     60

static void edid_desc_timing(uint8_t *desc, uint32_t width, uint32_t height,
                             uint32_t width_mm, uint32_t height_mm)
{
    /* Reduced blanking, as CVT-RB: 160 pixels, >= 460 us vertically. */
    uint32_t hblank = 160, hfront = 48, hsync = 32;
    uint32_t vfront = 3, vsync = 6;
    uint32_t vblank = MAX(vfront + vsync + 6,
                          DIV_ROUND_UP(height * 28, 1000 - 28));
    uint64_t clock = (uint64_t)(width + hblank) * (height + vblank) *
                     EDID_REFRESH_HZ / 10000;   /* in 10 kHz */

    stw_le_p(desc, MIN(clock, 0xffff));
    desc[2] = width & 0xff;
    desc[3] = hblank & 0xff;
    desc[4] = ((width >> 4) & 0xf0) | ((hblank >> 8) & 0x0f);
    desc[5] = height & 0xff;
    desc[6] = vblank & 0xff;
    desc[7] = ((height >> 4) & 0xf0) | ((vblank >> 8) & 0x0f);
    desc[8] = hfront & 0xff;
    desc[9] = hsync & 0xff;
    desc[10] = ((vfront & 0x0f) << 4) | (vsync & 0x0f);
    desc[11] = ((hfront >> 8) & 0x03) << 6 | ((hsync >> 8) & 0x03) << 4 |
               ((vfront >> 4) & 0x03) << 2 | ((vsync >> 4) & 0x03);
    desc[12] = width_mm & 0xff;
    desc[13] = height_mm & 0xff;
    desc[14] = ((width_mm >> 4) & 0xf0) | ((height_mm >> 8) & 0x0f);
    desc[15] = 0;
    desc[16] = 0;
    /* Digital separate sync, hsync positive, vsync negative. */
    desc[17] = 0x1a;
}

static void edid_desc_text(uint8_t *desc, uint8_t tag, const char *text)
{
    size_t len = MIN(strlen(text), 13);

    desc[3] = tag;
    memcpy(desc + 5, text, len);
    if (len < 13) {
        desc[5 + len] = '\n';
        memset(desc + 6 + len, ' ', 13 - len - 1);
    }
}

static void edid_desc_ranges(uint8_t *desc)
{
    desc[3] = 0xfd;
    desc[5] = 50;       /* vertical Hz, min */
    desc[6] = 125;      /* max */
    desc[7] = 30;       /* horizontal kHz, min */
    desc[8] = 160;      /* max */
    desc[9] = 66;       /* pixel clock, 10 MHz units: 655.35 MHz */
    desc[10] = 0x01;    /* range limits only */
    desc[11] = '\n';
    memset(desc + 12, ' ', 6);
}

/* Chromaticity coordinates as 10-bit fractions of 1024 (sRGB, D65). */
static void edid_chromaticity(uint8_t *p)
{
    static const uint16_t c[8] = {
        655, 338,       /* red x, y: 0.640, 0.330 */
        307, 614,       /* green: 0.300, 0.600 */
        154, 61,        /* blue: 0.150, 0.060 */
        320, 337,       /* white: 0.3127, 0.3290 */
    };
    int i;

    p[0] = (c[0] & 3) << 6 | (c[1] & 3) << 4 | (c[2] & 3) << 2 | (c[3] & 3);
    p[1] = (c[4] & 3) << 6 | (c[5] & 3) << 4 | (c[6] & 3) << 2 | (c[7] & 3);
    for (i = 0; i < 8; i++) {
        p[2 + i] = c[i] >> 2;
    }
}

void virtio_gpu_base_generate_edid(VirtIOGPUBase *g, int scanout,
                                   struct virtio_gpu_resp_edid *edid)
{
    static const uint8_t header[8] = {
        0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00
    };
    static const char vendor[3] = "QLB";
    struct virtio_gpu_requested_state *req = &g->req_state[scanout];
    uint32_t width = req->width ? req->width : g->conf.xres;
    uint32_t height = req->height ? req->height : g->conf.yres;
    uint32_t width_mm = req->width_mm ? req->width_mm :
                        width * 254 / (EDID_DPI * 10);
    uint32_t height_mm = req->height_mm ? req->height_mm :
                         height * 254 / (EDID_DPI * 10);
    uint8_t *e = edid->edid;
    uint8_t sum = 0;
    int i;

    memset(e, 0, EDID_BLOCK_SIZE);
    memcpy(e, header, sizeof(header));
    /* Big endian, unlike the rest. */
    e[8] = (vendor[0] - '@') << 2 | (vendor[1] - '@') >> 3;
    e[9] = ((vendor[1] - '@') & 7) << 5 | (vendor[2] - '@');
    stw_le_p(e + 10, 0x1234);               /* product */
    stl_le_p(e + 12, scanout);              /* serial: the output */
    e[16] = 1;                              /* week */
    e[17] = 2024 - 1990;                    /* year */
    e[18] = 1;
    e[19] = 4;
    e[20] = 0xa5;       /* digital, 8 bits per colour, DisplayPort */
    e[21] = MIN(DIV_ROUND_UP(width_mm, 10), 255);
    e[22] = MIN(DIV_ROUND_UP(height_mm, 10), 255);
    e[23] = 220 - 100;                      /* gamma 2.2 */
    e[24] = 0x06;       /* sRGB, preferred timing is the native mode */
    edid_chromaticity(e + 25);
    for (i = 0; i < 8; i++) {
        e[38 + 2 * i] = 0x01;               /* standard timing unused */
        e[39 + 2 * i] = 0x01;
    }

    /*
     * A detailed timing holds 12 bits per side: larger modes are left
     * out (QEMU describes them in a DisplayID extension).
     */
    if (width < 4096 && height < 4096) {
        edid_desc_timing(e + 54, width, height, width_mm, height_mm);
    } else {
        e[54 + 3] = 0x10;                   /* dummy descriptor */
    }
    edid_desc_ranges(e + 72);
    edid_desc_text(e + 90, 0xfc, "QEMU Monitor");
    e[108 + 3] = 0x10;                      /* dummy descriptor */

    e[126] = 0;                             /* no extension blocks */
    for (i = 0; i < EDID_BLOCK_SIZE - 1; i++) {
        sum += e[i];
    }
    e[127] = -sum;
    edid->size = cpu_to_le32(EDID_BLOCK_SIZE);
}

/* Config space and features */

static void virtio_gpu_base_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOGPUBase *g = VIRTIO_GPU_BASE(vdev);

    memcpy(config, &g->virtio_config, sizeof(g->virtio_config));
}

/* events_clear is write-one-to-clear for events_read; nothing else. */
static void virtio_gpu_base_set_config(VirtIODevice *vdev,
                                       const uint8_t *config)
{
    VirtIOGPUBase *g = VIRTIO_GPU_BASE(vdev);
    struct virtio_gpu_config vgconfig;

    memcpy(&vgconfig, config, sizeof(vgconfig));
    if (vgconfig.events_clear) {
        g->virtio_config.events_read &=
            ~le32_to_cpu(vgconfig.events_clear);
    }
}

static uint64_t virtio_gpu_base_get_features(VirtIODevice *vdev,
                                             uint64_t features,
                                             Error **errp)
{
    VirtIOGPUBase *g = VIRTIO_GPU_BASE(vdev);

    if (virtio_gpu_virgl_enabled(g->conf)) {
        virtio_add_feature(&features, VIRTIO_GPU_F_VIRGL);
    }
    if (virtio_gpu_edid_enabled(g->conf)) {
        virtio_add_feature(&features, VIRTIO_GPU_F_EDID);
    }
    if (virtio_gpu_blob_enabled(g->conf)) {
        virtio_add_feature(&features, VIRTIO_GPU_F_RESOURCE_BLOB);
    }
    if (virtio_gpu_context_init_enabled(g->conf)) {
        virtio_add_feature(&features, VIRTIO_GPU_F_CONTEXT_INIT);
    }
    return features;
}

/* Life cycle */

bool virtio_gpu_base_device_realize(DeviceState *qdev,
                                    VirtIOHandleOutput ctrl_cb,
                                    VirtIOHandleOutput cursor_cb,
                                    Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(qdev);
    VirtIOGPUBase *g = VIRTIO_GPU_BASE(qdev);
    int i;

    if (g->conf.max_outputs == 0 ||
        g->conf.max_outputs > VIRTIO_GPU_MAX_SCANOUTS) {
        error_setg(errp, "invalid max_outputs %" PRIu32 " (1 to %d)",
                   g->conf.max_outputs, VIRTIO_GPU_MAX_SCANOUTS);
        return false;
    }
    if (g->conf.xres < VIRTIO_GPU_MIN_SCANOUT_SIZE ||
        g->conf.yres < VIRTIO_GPU_MIN_SCANOUT_SIZE) {
        error_setg(errp, "xres and yres must be at least %d",
                   VIRTIO_GPU_MIN_SCANOUT_SIZE);
        return false;
    }

    g->virtio_config.num_scanouts = cpu_to_le32(g->conf.max_outputs);
    virtio_init(vdev, VIRTIO_ID_GPU, sizeof(struct virtio_gpu_config));
    virtio_add_queue(vdev, VIRTIO_GPU_CTRL_QUEUE_SIZE, ctrl_cb);
    virtio_add_queue(vdev, VIRTIO_GPU_CURSOR_QUEUE_SIZE, cursor_cb);

    /* Only the first output is connected until the driver asks more. */
    g->enabled_output_bitmask = 1;
    g->req_state[0].width = g->conf.xres;
    g->req_state[0].height = g->conf.yres;

    g->hw_ops = &virtio_gpu_ops;
    for (i = 0; i < g->conf.max_outputs; i++) {
        g->scanout[i].con = graphic_console_init(DEVICE(g), i,
                                                 &virtio_gpu_ops, g);
    }
    return true;
}

void virtio_gpu_base_device_unrealize(DeviceState *qdev)
{
    VirtIOGPUBase *g = VIRTIO_GPU_BASE(qdev);
    int i;

    for (i = 0; i < g->conf.max_outputs; i++) {
        if (g->scanout[i].con) {
            graphic_console_close(g->scanout[i].con);
            g->scanout[i].con = NULL;
        }
    }
    virtio_cleanup(VIRTIO_DEVICE(qdev));
}

void virtio_gpu_base_reset(VirtIOGPUBase *g)
{
    int i;

    g->enable = 0;
    for (i = 0; i < g->conf.max_outputs; i++) {
        g->scanout[i].resource_id = 0;
        g->scanout[i].width = 0;
        g->scanout[i].height = 0;
        g->scanout[i].x = 0;
        g->scanout[i].y = 0;
        g->scanout[i].ds = NULL;
    }
}

static void virtio_gpu_base_class_init(ObjectClass *klass, const void *data)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    vdc->get_config = virtio_gpu_base_get_config;
    vdc->set_config = virtio_gpu_base_set_config;
    vdc->get_features = virtio_gpu_base_get_features;
}

static const TypeInfo virtio_gpu_base_info = {
    .name = TYPE_VIRTIO_GPU_BASE,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOGPUBase),
    .class_size = sizeof(VirtIOGPUBaseClass),
    .class_init = virtio_gpu_base_class_init,
    .abstract = true,
};

static void virtio_gpu_base_register_types(void)
{
    type_register_static(&virtio_gpu_base_info);
}

type_init(virtio_gpu_base_register_types)
