/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The input watch of a chardev: a GSource that reads a file descriptor
 * for the front end, and writing a whole buffer to a file descriptor.
 *
 * Flow control: a front end may take no input for a while (its
 * fd_can_read returns 0).  Poll would keep reporting the descriptor
 * readable, or hung up, and the loop would spin; so each prepare asks the
 * front end, and the descriptor is polled only while it takes input.
 */

#include "qemu/osdep.h"
#include "chardev/char-fe.h"
#include "chardev-internal.h"
#include <poll.h>
#include <sys/socket.h>

/* As QEMU's CHR_READ_BUF_LEN: at most this much per read handler call. */
#define CHR_READ_BUF_LEN 4096

typedef struct ChrIOWatch {
    GSource source;
    Chardev *chr;
    int fd;
    gpointer tag;       /* the polled descriptor, NULL while not polled */
    ChrHangupFunc *hangup;
} ChrIOWatch;

static gboolean chr_io_watch_prepare(GSource *source, gint *timeout)
{
    ChrIOWatch *w = (ChrIOWatch *)source;
    bool want = qemu_chr_be_can_write(w->chr) > 0;

    /*
     * Only change what glib polls when it must: each change wakes the
     * context, and makes it skip one dispatch.
     */
    if (want && !w->tag) {
        w->tag = g_source_add_unix_fd(source, w->fd,
                                      G_IO_IN | G_IO_HUP | G_IO_ERR);
    } else if (!want && w->tag) {
        g_source_remove_unix_fd(source, w->tag);
        w->tag = NULL;
    }
    *timeout = -1;
    return FALSE;
}

static gboolean chr_io_watch_dispatch(GSource *source, GSourceFunc cb,
                                      gpointer data)
{
    ChrIOWatch *w = (ChrIOWatch *)source;
    uint8_t buf[CHR_READ_BUF_LEN];
    int len;
    ssize_t n;

    if (!w->tag || !g_source_query_unix_fd(source, w->tag)) {
        return G_SOURCE_CONTINUE;
    }
    len = MIN(qemu_chr_be_can_write(w->chr), (int)sizeof(buf));
    if (len <= 0) {
        return G_SOURCE_CONTINUE;
    }
    do {
        n = read(w->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        w->hangup(w->chr);
        return G_SOURCE_REMOVE;
    }
    /* The handler may delete the chardev: touch nothing afterwards. */
    qemu_chr_be_write(w->chr, buf, n);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs chr_io_watch_funcs = {
    .prepare = chr_io_watch_prepare,
    .dispatch = chr_io_watch_dispatch,
};

GSource *chr_io_watch_add(Chardev *chr, int fd, ChrHangupFunc *hangup)
{
    GSource *source = g_source_new(&chr_io_watch_funcs, sizeof(ChrIOWatch));
    ChrIOWatch *w = (ChrIOWatch *)source;

    w->chr = chr;
    w->fd = fd;
    w->hangup = hangup;
    g_source_set_name(source, "chardev-input");
    g_source_attach(source, chr->gcontext);
    return source;
}

void chr_io_watch_remove(GSource **watch)
{
    if (*watch) {
        g_source_destroy(*watch);
        g_source_unref(*watch);
        *watch = NULL;
    }
}

int chr_fd_write(int fd, const uint8_t *buf, int len)
{
    ssize_t n;

    do {
        /* A peer that went away must not kill us with SIGPIPE. */
        n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) {
            n = write(fd, buf, len);
        }
    } while (n < 0 && errno == EINTR);
    return n;
}

int chr_fd_write_all(int fd, const uint8_t *buf, int len)
{
    int done = 0;

    while (done < len) {
        int n = chr_fd_write(fd, buf + done, len - done);

        if (n >= 0) {
            done += n;
        } else if (errno == EAGAIN) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            poll(&pfd, 1, -1);
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return len;
}
