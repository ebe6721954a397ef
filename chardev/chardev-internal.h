/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What chardev backends share with chardev/char.c: the backend table
 * entry (ChardevClass), options, and the input watch.
 */

#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"
#include "qemu/keyval.h"

/*
 * A backend.  Instances are allocated with instance_size bytes and start
 * with a Chardev.
 */
struct ChardevClass {
    const char *name;
    size_t instance_size;
    /* The option keys it takes besides "backend" and "id". */
    const char *const *opts;

    /*
     * open: configure from @opts and open; on failure release what it
     * took and set @errp.  Sets *@be_opened when a peer is connected.
     */
    bool (*open)(Chardev *chr, const KeyValList *opts, bool *be_opened,
                 Error **errp);
    /* chr_write: write all of @buf, blocking; @len or -1. */
    int (*chr_write)(Chardev *chr, const uint8_t *buf, int len);
    /*
     * chr_write_nb: write what can be written now without blocking: the
     * number of bytes, or -1 with errno set (EAGAIN: none could be).
     * Optional: without it, chr_write is used.
     */
    int (*chr_write_nb)(Chardev *chr, const uint8_t *buf, int len);
    /*
     * chr_add_watch: a GSource, not attached, that dispatches when the
     * output can take more (@cond is G_IO_OUT | G_IO_HUP); NULL when
     * there is nothing to wait for (no peer, or writes never block).
     */
    GSource *(*chr_add_watch)(Chardev *chr, GIOCondition cond);
    /* The front end's handlers or GMainContext changed. */
    void (*chr_update_read_handler)(Chardev *chr);
    /* Release what open took; the chardev is then freed. */
    void (*chr_finalize)(Chardev *chr);
};

extern const ChardevClass char_null_class;
extern const ChardevClass char_socket_class;
extern const ChardevClass char_stdio_class;

/* qemu_chr_delete: finalise, unregister and free @chr (no front end). */
void qemu_chr_delete(Chardev *chr);

/* qemu_chr_be_write: hand input to the front end. */
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);

/* qemu_chr_be_can_write: how much input the front end takes now. */
int qemu_chr_be_can_write(Chardev *chr);

/*
 * The input watch: reads @fd for the front end of @chr from the main loop
 * (@chr's GMainContext), polling @fd only while the front end takes input.
 * When the peer hangs up (EOF, or a read error) it calls @hangup, which
 * must remove the watch.
 */
typedef void ChrHangupFunc(Chardev *chr);

GSource *chr_io_watch_add(Chardev *chr, int fd, ChrHangupFunc *hangup);

/* chr_io_watch_remove: destroy *@watch, if any, and clear it. */
void chr_io_watch_remove(GSource **watch);

/*
 * chr_fd_write_all: write all of @buf to @fd, waiting in poll() while a
 * non-blocking @fd is full.  Returns @len, or -1 with errno set.
 */
int chr_fd_write_all(int fd, const uint8_t *buf, int len);

/*
 * chr_fd_write: write what a non-blocking @fd takes now, at most @len
 * bytes: the number written, or -1 with errno set (EAGAIN when full).
 */
int chr_fd_write(int fd, const uint8_t *buf, int len);

#endif /* CHARDEV_INTERNAL_H */
