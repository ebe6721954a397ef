/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices (chardevs): the host side of a byte stream, as QEMU
 * has them.  A Chardev is a backend (a unix socket, stdio) with a label;
 * at most one front end (the QMP monitor, qtest, a serial port) reads and
 * writes it through a CharBackend (chardev/char-fe.h).
 *
 * Chardevs are created from the command line and found by label:
 *
 *   -chardev socket,path=P,id=ID[,server=on|off][,wait=on|off]
 *   -chardev stdio,id=ID
 *   -chardev null,id=ID           output dropped, no input, never opened
 *   legacy specs (-qtest, -qmp): "unix:PATH[,server=on,...]", "stdio",
 *   "null"
 *
 * A socket chardev connects to PATH as a client unless server=on, in
 * which case it listens there and, unless wait=off, blocks until the
 * first client connects.  A server takes a new client after a hang-up.
 *
 * Input is read from the glib main loop (the default GMainContext, which
 * main_loop_wait() runs, unless the front end names another), so all of
 * this runs under the BQL in the main loop thread.
 */

#ifndef QEMU_CHAR_H
#define QEMU_CHAR_H

#include "qemu/queue.h"

typedef struct Error Error;
typedef struct Chardev Chardev;
typedef struct ChardevClass ChardevClass;
typedef struct CharBackend CharBackend;

/* What a backend tells its front end (IOEventHandler). */
typedef enum QEMUChrEvent {
    CHR_EVENT_OPENED,   /* a peer is connected: bytes may flow */
    CHR_EVENT_CLOSED,   /* the peer hung up (or the input reached EOF) */
} QEMUChrEvent;

struct Chardev {
    /* private: to chardev/ */
    const ChardevClass *cls;
    char *label;
    CharBackend *be;            /* the front end, if one is attached */
    GMainContext *gcontext;     /* where input is read; NULL: default */
    bool be_open;               /* a peer is connected */
    QTAILQ_ENTRY(Chardev) next;
};

/**
 * qemu_chr_new: a chardev for a legacy spec such as the argument of
 * -qtest or -qmp: "unix:PATH" (a socket client, options may follow after
 * a comma as for -chardev socket), "stdio" or "null".  @label becomes its
 * id.
 * Returns NULL with @errp set on failure, e.g.
 * "Failed to connect to 'PATH': No such file or directory".
 */
Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp);

/**
 * qemu_chr_new_from_opts: a chardev for the argument of -chardev, e.g.
 * "socket,path=/tmp/q.sock,id=char0".  ",," stands for a comma inside a
 * value.  Returns NULL with @errp set on failure.
 */
Chardev *qemu_chr_new_from_opts(const char *optarg, Error **errp);

/* qemu_chr_find: the chardev labelled @label, or NULL. */
Chardev *qemu_chr_find(const char *label);

/*
 * qemu_chr_be_event: a backend reports @event to its front end.  The
 * chardev remembers whether it is open, so a front end that attaches
 * later still gets CHR_EVENT_OPENED (see qemu_chr_fe_set_handlers()).
 */
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);

/*
 * qemu_chr_cleanup: delete every chardev (at exit).  A front end still
 * attached gets CHR_EVENT_CLOSED if the chardev was open, and is then
 * detached; its qemu_chr_fe_*() calls then do nothing.
 */
void qemu_chr_cleanup(void);

#endif /* QEMU_CHAR_H */
