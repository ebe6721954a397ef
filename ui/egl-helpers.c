/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EGL on the surfaceless platform (see include/ui/egl-helpers.h).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "ui/egl-helpers.h"
#include <epoxy/egl.h>

static EGLDisplay qemu_egl_display = EGL_NO_DISPLAY;

bool qemu_egl_init_dpy_surfaceless(Error **errp)
{
    EGLDisplay dpy;
    EGLint major, minor;

    if (qemu_egl_display != EGL_NO_DISPLAY) {
        return true;
    }
    if (!epoxy_has_egl_extension(EGL_NO_DISPLAY,
                                 "EGL_MESA_platform_surfaceless")) {
        error_setg(errp, "EGL: the surfaceless platform "
                   "(EGL_MESA_platform_surfaceless) is not available");
        error_append_hint(errp, "Install Mesa's EGL driver "
                          "(Debian package libegl-mesa0).\n");
        return false;
    }
    dpy = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA,
                                   EGL_DEFAULT_DISPLAY, NULL);
    if (dpy == EGL_NO_DISPLAY) {
        error_setg(errp, "EGL: eglGetPlatformDisplayEXT failed (0x%x)",
                   eglGetError());
        return false;
    }
    if (!eglInitialize(dpy, &major, &minor)) {
        error_setg(errp, "EGL: eglInitialize failed (0x%x)", eglGetError());
        return false;
    }
    /*
     * virglrenderer's host side needs desktop GL; contexts without a
     * config need EGL_KHR_no_config_context.
     */
    if (!epoxy_has_egl_extension(dpy, "EGL_KHR_no_config_context") ||
        !eglBindAPI(EGL_OPENGL_API)) {
        eglTerminate(dpy);
        error_setg(errp, "EGL: no desktop OpenGL without a config");
        return false;
    }
    qemu_egl_display = dpy;
    return true;
}

QEMUGLContext qemu_egl_create_context(QEMUGLParams *params, bool shared)
{
    EGLint attrs[] = {
        EGL_CONTEXT_MAJOR_VERSION, params->major_ver,
        EGL_CONTEXT_MINOR_VERSION, params->minor_ver,
        EGL_CONTEXT_OPENGL_PROFILE_MASK,
        EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
        EGL_NONE,
    };
    EGLContext ctx;

    ctx = eglCreateContext(qemu_egl_display, EGL_NO_CONFIG_KHR,
                           shared ? eglGetCurrentContext() : EGL_NO_CONTEXT,
                           attrs);
    /*
     * virglrenderer asks for the newest version first and goes down
     * until one works (llvmpipe refuses 4.6): a refusal is not an error.
     */
    return ctx == EGL_NO_CONTEXT ? NULL : ctx;
}

void qemu_egl_destroy_context(QEMUGLContext ctx)
{
    eglMakeCurrent(qemu_egl_display, EGL_NO_SURFACE, EGL_NO_SURFACE,
                   EGL_NO_CONTEXT);
    eglDestroyContext(qemu_egl_display, ctx);
}

int qemu_egl_make_context_current(QEMUGLContext ctx)
{
    return eglMakeCurrent(qemu_egl_display, EGL_NO_SURFACE, EGL_NO_SURFACE,
                          ctx) ? 0 : -1;
}
