/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "stdio" chardev backend: input from standard input, output to
 * standard output.  There is one of each, so at most one stdio chardev.
 * End of input is a hang-up (CHR_EVENT_CLOSED); output goes on.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev-internal.h"
#include <glib-unix.h>

typedef struct StdioChardev {
    Chardev parent;
    int old_stdin_flags;    /* restored when the chardev goes */
    GSource *read_watch;
} StdioChardev;

static bool stdio_in_use;

static void stdio_chr_hangup(Chardev *chr)
{
    StdioChardev *s = (StdioChardev *)chr;

    chr_io_watch_remove(&s->read_watch);
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
}

static bool stdio_chr_open(Chardev *chr, const KeyValList *opts,
                           bool *be_opened, Error **errp)
{
    StdioChardev *s = (StdioChardev *)chr;

    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    s->old_stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
    if (s->old_stdin_flags < 0) {
        error_setg_errno(errp, errno, "cannot use stdio");
        return false;
    }
    /* Input is read when poll says so; never block the main loop on it. */
    if (!g_unix_set_fd_nonblocking(STDIN_FILENO, TRUE, NULL)) {
        error_setg_errno(errp, errno, "Failed to set FD nonblocking");
        return false;
    }
    stdio_in_use = true;
    s->read_watch = chr_io_watch_add(chr, STDIN_FILENO, stdio_chr_hangup);
    *be_opened = true;
    return true;
}

static int stdio_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return chr_fd_write_all(STDOUT_FILENO, buf, len);
}

static void stdio_chr_update_read_handler(Chardev *chr)
{
    StdioChardev *s = (StdioChardev *)chr;

    /* Only while input has not ended: a hang-up is for good. */
    if (s->read_watch) {
        chr_io_watch_remove(&s->read_watch);
        s->read_watch = chr_io_watch_add(chr, STDIN_FILENO,
                                         stdio_chr_hangup);
    }
}

static void stdio_chr_finalize(Chardev *chr)
{
    StdioChardev *s = (StdioChardev *)chr;

    chr_io_watch_remove(&s->read_watch);
    fcntl(STDIN_FILENO, F_SETFL, s->old_stdin_flags);
    stdio_in_use = false;
}

const ChardevClass char_stdio_class = {
    .name = "stdio",
    .instance_size = sizeof(StdioChardev),
    .open = stdio_chr_open,
    .chr_write = stdio_chr_write,
    .chr_update_read_handler = stdio_chr_update_read_handler,
    .chr_finalize = stdio_chr_finalize,
};
