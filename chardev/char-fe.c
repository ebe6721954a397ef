/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The front-end API of chardevs (CharBackend).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev/char-fe.h"
#include "chardev-internal.h"

bool qemu_chr_fe_init(CharBackend *b, Chardev *chr, Error **errp)
{
    if (chr->be) {
        error_setg(errp, "Device '%s' is in use", chr->label);
        return false;
    }
    memset(b, 0, sizeof(*b));
    b->chr = chr;
    chr->be = b;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *b, bool del)
{
    Chardev *chr = b->chr;

    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(b, NULL, NULL, NULL, NULL, NULL, true);
    chr->be = NULL;
    b->chr = NULL;
    if (del) {
        qemu_chr_delete(chr);
    }
}

void qemu_chr_fe_set_handlers(CharBackend *b,
                              IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              void *opaque,
                              GMainContext *context,
                              bool set_open)
{
    Chardev *chr = b->chr;
    bool fe_open;

    if (!chr) {
        return;
    }
    fe_open = fd_can_read || fd_read || fd_event || opaque;
    b->chr_can_read = fd_can_read;
    b->chr_read = fd_read;
    b->chr_event = fd_event;
    b->opaque = opaque;

    if (context != chr->gcontext) {
        if (context) {
            g_main_context_ref(context);
        }
        if (chr->gcontext) {
            g_main_context_unref(chr->gcontext);
        }
        chr->gcontext = context;
    }
    if (chr->cls->chr_update_read_handler) {
        chr->cls->chr_update_read_handler(chr);
    }
    if (set_open) {
        b->fe_is_open = fe_open;
    }
    /*
     * The peer connected before this front end was listening (a socket
     * client connects while the chardev is created): tell it now.
     */
    if (fe_open && chr->be_open) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
}

int qemu_chr_fe_write_all(CharBackend *b, const uint8_t *buf, int len)
{
    Chardev *chr = b->chr;

    if (!chr) {
        return 0;
    }
    return chr->cls->chr_write(chr, buf, len);
}

int qemu_chr_fe_write(CharBackend *b, const uint8_t *buf, int len)
{
    Chardev *chr = b->chr;

    if (!chr) {
        return 0;
    }
    if (!chr->cls->chr_write_nb) {
        return chr->cls->chr_write(chr, buf, len);
    }
    return chr->cls->chr_write_nb(chr, buf, len);
}

typedef struct FEWatch {
    FEWatchFunc *func;
    void *data;
} FEWatch;

static gboolean qemu_chr_fe_watch_dispatch(gint fd, GIOCondition cond,
                                           gpointer opaque)
{
    FEWatch *w = opaque;

    return w->func(NULL, cond, w->data);
}

guint qemu_chr_fe_add_watch(CharBackend *b, GIOCondition cond,
                            FEWatchFunc *func, void *user_data)
{
    Chardev *chr = b->chr;
    FEWatch *w;
    GSource *src;
    guint tag;

    if (!chr || !chr->cls->chr_add_watch) {
        return 0;
    }
    src = chr->cls->chr_add_watch(chr, cond);
    if (!src) {
        return 0;
    }
    w = g_new(FEWatch, 1);
    w->func = func;
    w->data = user_data;
    g_source_set_callback(src, G_SOURCE_FUNC(qemu_chr_fe_watch_dispatch), w,
                          g_free);
    g_source_set_name(src, "chardev-output");
    tag = g_source_attach(src, chr->gcontext);
    g_source_unref(src);
    return tag;
}

void qemu_chr_fe_printf(CharBackend *b, const char *fmt, ...)
{
    g_autofree char *str = NULL;
    va_list ap;

    va_start(ap, fmt);
    str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_chr_fe_write_all(b, (const uint8_t *)str, strlen(str));
}

Chardev *qemu_chr_fe_get_driver(CharBackend *b)
{
    return b->chr;
}

bool qemu_chr_fe_backend_open(CharBackend *b)
{
    return b->chr && b->chr->be_open;
}
