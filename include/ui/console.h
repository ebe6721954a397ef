/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphic consoles: what a display device shows, without a display.
 *
 * A display device creates one QemuConsole per output ("head") with
 * graphic_console_init().  It gives the console a DisplaySurface (a pixman
 * image, usually sharing the device's own pixels) with
 * dpy_gfx_replace_surface() and reports changed rectangles with
 * dpy_gfx_update().  There are no display backends (-display none is the
 * only choice), so the console keeps the surface for whoever asks: the
 * QMP command screendump (ui/screendump.c) writes it to a file.
 *
 * Consoles are numbered in creation order, as in QEMU; screendump without
 * "device" takes console 0.  Everything here runs under the BQL.
 */

#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <pixman.h>
#include "hw/qdev-core.h"

typedef struct QemuConsole QemuConsole;

/* A picture: a pixman image (holding a reference to it). */
typedef struct DisplaySurface {
    pixman_image_t *image;
    pixman_format_code_t format;
    /* Made by qemu_create_placeholder_surface(): no output yet. */
    bool placeholder;
} DisplaySurface;

/* What a console may ask of its device; every hook is optional. */
typedef struct GraphicHwOps {
    /* Redraw everything at the next update. */
    void (*invalidate)(void *opaque);
    /* Bring the surface up to date (screendump calls it first). */
    void (*gfx_update)(void *opaque);
    /*
     * A display backend holds (@block) or releases the device's output:
     * while held, the device must not render into the surface.  See
     * graphic_hw_gl_block().
     */
    void (*gl_block)(void *opaque, bool block);
} GraphicHwOps;

/* Surfaces */

/* A surface showing @image (a reference is taken). */
DisplaySurface *qemu_create_displaysurface_pixman(pixman_image_t *image);
/* A surface of its own memory, @width x @height, x8r8g8b8, cleared. */
DisplaySurface *qemu_create_displaysurface(int width, int height);
/* What a console shows before its device set a surface: plain black. */
DisplaySurface *qemu_create_placeholder_surface(int width, int height,
                                                const char *msg);
void qemu_free_displaysurface(DisplaySurface *surface);

static inline int surface_width(DisplaySurface *s)
{
    return pixman_image_get_width(s->image);
}

static inline int surface_height(DisplaySurface *s)
{
    return pixman_image_get_height(s->image);
}

static inline int surface_stride(DisplaySurface *s)
{
    return pixman_image_get_stride(s->image);
}

static inline void *surface_data(DisplaySurface *s)
{
    return pixman_image_get_data(s->image);
}

static inline pixman_format_code_t surface_format(DisplaySurface *s)
{
    return s->format;
}

static inline bool is_placeholder(DisplaySurface *s)
{
    return s->placeholder;
}

/* Consoles */

/*
 * A new console for output @head of @dev, with a 640x480 placeholder
 * surface.  @hw_ops (may be NULL) is called with @opaque.
 */
QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head,
                                  const GraphicHwOps *hw_ops, void *opaque);
/* The device is going away: the console forgets it and shows nothing. */
void graphic_console_close(QemuConsole *con);

/*
 * The device screendump's "device" names: QEMU links a virtio-gpu-pci's
 * consoles to the PCI proxy rather than to the inner virtio device.
 */
void qemu_console_set_device(QemuConsole *con, DeviceState *dev);
DeviceState *qemu_console_get_device(QemuConsole *con);
uint32_t qemu_console_get_head(QemuConsole *con);
int qemu_console_get_index(QemuConsole *con);

QemuConsole *qemu_console_lookup_by_index(unsigned int index);
QemuConsole *qemu_console_lookup_by_device(DeviceState *dev, uint32_t head);
/* By -device id; fails like QEMU's when there is no such device/head. */
QemuConsole *qemu_console_lookup_by_device_name(const char *device_id,
                                                uint32_t head, Error **errp);

/* The surface shown now; never NULL for a live console. */
DisplaySurface *qemu_console_surface(QemuConsole *con);

/*
 * Show @surface (the console owns it from now on and frees the previous
 * one).  NULL shows a placeholder of the previous size, as QEMU does when
 * a scanout is disabled.
 */
void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface);
/* The rectangle changed in the surface; clipped to it. */
void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h);

/* Ask the device for an up-to-date surface (GraphicHwOps.gfx_update). */
void graphic_hw_update(QemuConsole *con);
void graphic_hw_invalidate(QemuConsole *con);
/*
 * A display backend starts (@block true) or stops using the surface.
 * Calls nest; the device renders again when every block is released.
 */
void graphic_hw_gl_block(QemuConsole *con, bool block);

/* Images (ui/screendump.c) */

/* Write @image as binary PPM (P6, 8 bits per channel). */
bool ppm_save(int fd, pixman_image_t *image, Error **errp);
/* Write @image as 8-bit RGB PNG. */
bool png_save(int fd, pixman_image_t *image, Error **errp);

#endif /* UI_CONSOLE_H */
