/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "socket" chardev backend, on unix stream sockets.
 *
 * States and transitions:
 *
 *   client (server=off):  CONNECTED --hang-up--> DISCONNECTED (for good)
 *       open connects to path, or fails.
 *   server (server=on):   LISTENING --accept--> CONNECTED
 *                         CONNECTED --hang-up--> LISTENING
 *       open listens on path (replacing a stale socket file); with
 *       wait=on (the default) it then blocks until the first client.
 *
 * Entering CONNECTED sends CHR_EVENT_OPENED, leaving it CHR_EVENT_CLOSED.
 * While listening, the listening socket is watched in the chardev's
 * GMainContext; while connected, it is not, so one client at a time is
 * served and the next waits in the backlog.  Writes without a client are
 * dropped, as QEMU does.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "chardev-internal.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

typedef struct SocketChardev {
    Chardev parent;
    char *path;
    bool is_listen;
    int listen_fd;          /* server: -1 until open */
    int fd;                 /* the connection; -1 when there is none */
    GSource *listen_watch;  /* while LISTENING without wait */
    GSource *read_watch;    /* while CONNECTED */
} SocketChardev;

static const char *const char_socket_opts[] = {
    "path", "server", "wait", NULL
};

static void tcp_chr_listen_watch_update(SocketChardev *s);

static void tcp_chr_hangup(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    chr_io_watch_remove(&s->read_watch);
    close(s->fd);
    s->fd = -1;
    tcp_chr_listen_watch_update(s);
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
}

static void tcp_chr_connected(SocketChardev *s, int fd)
{
    s->fd = fd;
    tcp_chr_listen_watch_update(s);
    s->read_watch = chr_io_watch_add(&s->parent, fd, tcp_chr_hangup);
}

static gboolean tcp_chr_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    SocketChardev *s = opaque;
    int cfd;

    cfd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
        /* EAGAIN: the client gave up already; others: try again later. */
        return G_SOURCE_CONTINUE;
    }
    /* The watch is destroyed under us; the return value does not matter. */
    tcp_chr_connected(s, cfd);
    qemu_chr_be_event(&s->parent, CHR_EVENT_OPENED);
    return G_SOURCE_REMOVE;
}

/* Watch the listening socket exactly while a server has no client. */
static void tcp_chr_listen_watch_update(SocketChardev *s)
{
    chr_io_watch_remove(&s->listen_watch);
    if (s->is_listen && s->fd < 0) {
        s->listen_watch = g_unix_fd_source_new(s->listen_fd, G_IO_IN);
        g_source_set_callback(s->listen_watch, G_SOURCE_FUNC(tcp_chr_accept),
                              s, NULL);
        g_source_set_name(s->listen_watch, "chardev-accept");
        g_source_attach(s->listen_watch, s->parent.gcontext);
    }
}

static bool tcp_chr_addr(SocketChardev *s, struct sockaddr_un *addr,
                         Error **errp)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(s->path) >= sizeof(addr->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", s->path);
        return false;
    }
    strcpy(addr->sun_path, s->path);
    return true;
}

static int tcp_chr_connect_client(SocketChardev *s, Error **errp)
{
    struct sockaddr_un addr;
    int fd, ret;

    if (!tcp_chr_addr(s, &addr, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return -1;
    }
    do {
        ret = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", s->path);
        close(fd);
        return -1;
    }
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return fd;
}

static int tcp_chr_listen(SocketChardev *s, Error **errp)
{
    struct sockaddr_un addr;
    int fd;

    if (!tcp_chr_addr(s, &addr, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return -1;
    }
    /* A socket file left by an earlier run would make bind() fail. */
    if (unlink(s->path) < 0 && errno != ENOENT) {
        error_setg_errno(errp, errno, "Failed to unlink socket %s", s->path);
        goto fail;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s",
                         s->path);
        goto fail;
    }
    if (listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        unlink(s->path);
        goto fail;
    }
    /* Non-blocking, so that a client that left does not block accept(). */
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return fd;

fail:
    close(fd);
    return -1;
}

/* wait=on: block until the first client connects. */
static int tcp_chr_wait_connection(SocketChardev *s, Error **errp)
{
    GPollFD pfd = { .fd = s->listen_fd, .events = G_IO_IN };
    int cfd;

    info_report("QEMU waiting for connection on: disconnected:unix:%s,"
                "server=on", s->path);
    for (;;) {
        cfd = accept4(s->listen_fd, NULL, NULL,
                      SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd >= 0) {
            return cfd;
        }
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
            error_setg_errno(errp, errno, "Failed to accept connection");
            return -1;
        }
        g_poll(&pfd, 1, -1);
    }
}

static bool tcp_chr_open(Chardev *chr, const KeyValList *opts,
                         bool *be_opened, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    const char *path = keyval_get(opts, "path");
    bool is_listen, is_wait;
    int fd;

    if (!path || !*path) {
        error_setg(errp, "chardev: socket: no path given");
        return false;
    }
    if (!keyval_get_bool(opts, "server", false, &is_listen, errp) ||
        !keyval_get_bool(opts, "wait", true, &is_wait, errp)) {
        return false;
    }
    if (!is_listen && keyval_get(opts, "wait")) {
        error_setg(errp, "'wait' option is incompatible with socket in "
                   "client connect mode");
        return false;
    }

    s->path = g_strdup(path);
    s->is_listen = is_listen;
    s->listen_fd = -1;
    s->fd = -1;

    if (!is_listen) {
        fd = tcp_chr_connect_client(s, errp);
        if (fd < 0) {
            goto fail;
        }
        tcp_chr_connected(s, fd);
        *be_opened = true;
        return true;
    }

    s->listen_fd = tcp_chr_listen(s, errp);
    if (s->listen_fd < 0) {
        goto fail;
    }
    if (is_wait) {
        fd = tcp_chr_wait_connection(s, errp);
        if (fd < 0) {
            close(s->listen_fd);
            unlink(s->path);
            goto fail;
        }
        tcp_chr_connected(s, fd);
        *be_opened = true;
    } else {
        tcp_chr_listen_watch_update(s);
    }
    return true;

fail:
    g_free(s->path);
    return false;
}

static int tcp_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->fd < 0) {
        return len;
    }
    return chr_fd_write_all(s->fd, buf, len);
}

static int tcp_chr_write_nb(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->fd < 0) {
        return len;
    }
    return chr_fd_write(s->fd, buf, len);
}

static GSource *tcp_chr_add_watch(Chardev *chr, GIOCondition cond)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->fd < 0) {
        return NULL;
    }
    return g_unix_fd_source_new(s->fd, cond);
}

/* The GMainContext changed: move the watches there. */
static void tcp_chr_update_read_handler(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    chr_io_watch_remove(&s->read_watch);
    if (s->fd >= 0) {
        s->read_watch = chr_io_watch_add(chr, s->fd, tcp_chr_hangup);
    }
    tcp_chr_listen_watch_update(s);
}

static void tcp_chr_finalize(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    chr_io_watch_remove(&s->read_watch);
    chr_io_watch_remove(&s->listen_watch);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        unlink(s->path);
    }
    g_free(s->path);
}

const ChardevClass char_socket_class = {
    .name = "socket",
    .instance_size = sizeof(SocketChardev),
    .opts = char_socket_opts,
    .open = tcp_chr_open,
    .chr_write = tcp_chr_write,
    .chr_write_nb = tcp_chr_write_nb,
    .chr_add_watch = tcp_chr_add_watch,
    .chr_update_read_handler = tcp_chr_update_read_handler,
    .chr_finalize = tcp_chr_finalize,
};
