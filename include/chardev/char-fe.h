/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The front-end side of a chardev: a device or service (QMP monitor,
 * qtest) embeds a CharBackend, attaches it to one Chardev and installs
 * handlers that the main loop calls:
 *
 *   fd_can_read(opaque)         how many bytes the front end takes now;
 *                               0 stops reading until it returns more
 *   fd_read(opaque, buf, size)  size <= what fd_can_read returned
 *   fd_event(opaque, event)     CHR_EVENT_OPENED / CHR_EVENT_CLOSED
 *
 * Handlers run in the main loop thread with the BQL held.
 */

#ifndef QEMU_CHAR_FE_H
#define QEMU_CHAR_FE_H

#include "chardev/char.h"

typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);
/* An output watch callback; return G_SOURCE_REMOVE to end the watch. */
typedef gboolean FEWatchFunc(void *do_not_use, GIOCondition condition,
                             void *data);

struct CharBackend {
    /* private: to chardev/ */
    Chardev *chr;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
    bool fe_is_open;
};

/**
 * qemu_chr_fe_init: attach @b to @chr.  Fails with "Device 'ID' is in
 * use" when @chr has a front end already.
 */
bool qemu_chr_fe_init(CharBackend *b, Chardev *chr, Error **errp);

/**
 * qemu_chr_fe_deinit: detach @b from its chardev, removing its handlers;
 * with @del, delete the chardev too.
 */
void qemu_chr_fe_deinit(CharBackend *b, bool del);

/**
 * qemu_chr_fe_set_handlers: install (or, all NULL, remove) the handlers.
 * Input is read in @context (NULL: glib's default context, run by
 * main_loop_wait()).  With @set_open, the front end is marked open when
 * it has handlers and closed when it has none.  A front end that installs
 * handlers on a chardev whose peer is already connected gets
 * CHR_EVENT_OPENED at once, from within this call.
 */
void qemu_chr_fe_set_handlers(CharBackend *b,
                              IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              void *opaque,
                              GMainContext *context,
                              bool set_open);

/**
 * qemu_chr_fe_write_all: write all @len bytes, blocking until they are
 * written.  Returns @len, or -1 if the write failed (the peer went away;
 * the CHR_EVENT_CLOSED follows from the main loop).  Without a connected
 * peer the bytes are dropped and @len is returned, as QEMU does; without
 * a chardev (after qemu_chr_cleanup()), 0.
 */
int qemu_chr_fe_write_all(CharBackend *b, const uint8_t *buf, int len);

/**
 * qemu_chr_fe_write: write what the chardev takes now without blocking,
 * at most @len bytes.  Returns the number written (all of them when
 * there is no peer: they are dropped), or -1 with errno set: EAGAIN
 * when nothing could be written now (wait with qemu_chr_fe_add_watch()),
 * anything else when the peer went away.  Without a chardev, 0.
 */
int qemu_chr_fe_write(CharBackend *b, const uint8_t *buf, int len);

/**
 * qemu_chr_fe_add_watch: call @func in the chardev's GMainContext when
 * it can take more output or its peer hung up (@cond: G_IO_OUT,
 * G_IO_HUP), until @func returns G_SOURCE_REMOVE.  Returns the source
 * tag for g_source_remove(), or 0 when there is nothing to wait for
 * (no peer, or a backend whose writes never block).
 */
guint qemu_chr_fe_add_watch(CharBackend *b, GIOCondition cond,
                            FEWatchFunc *func, void *user_data);

/* qemu_chr_fe_printf: qemu_chr_fe_write_all() of a formatted string. */
void qemu_chr_fe_printf(CharBackend *b, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* qemu_chr_fe_get_driver: the attached chardev, or NULL. */
Chardev *qemu_chr_fe_get_driver(CharBackend *b);

/* qemu_chr_fe_backend_open: whether a peer is connected. */
bool qemu_chr_fe_backend_open(CharBackend *b);

#endif /* QEMU_CHAR_FE_H */
