/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenGL through EGL on Mesa's surfaceless platform: no GPU, no /dev/dri,
 * no window system.  Mesa then renders with llvmpipe, on the CPU.
 *
 * QEMU's GL-capable display backends (egl-headless, gtk, spice) hand
 * virglrenderer GL contexts through dpy_gl_ctx_create() and friends; this
 * tree has no display backends, so virtio-gpu-gl gets its contexts here:
 * desktop GL core profile contexts without a config, made current
 * without a surface.  Everything runs in the thread that owns the
 * context: the main loop, with the BQL.
 */

#ifndef UI_EGL_HELPERS_H
#define UI_EGL_HELPERS_H

typedef struct Error Error;
typedef void *QEMUGLContext;

typedef struct QEMUGLParams {
    int major_ver;
    int minor_ver;
} QEMUGLParams;

/* Open the surfaceless display once; later calls return true at once. */
bool qemu_egl_init_dpy_surfaceless(Error **errp);

/*
 * A context of at least @params' version, sharing objects with the
 * current context when @shared; NULL if the driver refuses the version.
 */
QEMUGLContext qemu_egl_create_context(QEMUGLParams *params, bool shared);
void qemu_egl_destroy_context(QEMUGLContext ctx);
/* 0 on success (virglrenderer's convention), -1 on failure. */
int qemu_egl_make_context_current(QEMUGLContext ctx);

#endif /* UI_EGL_HELPERS_H */
