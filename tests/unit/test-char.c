/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardevs: socket clients and servers (connect, read, write, hang-up
 * events, flow control), stdio, the legacy "unix:"/"stdio" specs, input
 * in another GMainContext, and the error messages of bad options.
 *
 * The test is the peer: it listens or connects on a unix socket in a
 * temporary directory and runs the main loop itself, as the emulator
 * would, with the BQL held.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "chardev/char-fe.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>

/* What the front end saw. */
typedef struct FeState {
    int opened;
    int closed;
    int budget;         /* fd_can_read's answer */
    int max_read;       /* the largest fd_read size */
    GString *rx;
} FeState;

static int fe_can_read(void *opaque)
{
    FeState *st = opaque;

    return st->budget;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    FeState *st = opaque;

    g_assert_cmpint(size, >, 0);
    g_assert_cmpint(size, <=, st->budget);
    st->max_read = MAX(st->max_read, size);
    g_string_append_len(st->rx, (const char *)buf, size);
}

static void fe_event(void *opaque, QEMUChrEvent event)
{
    FeState *st = opaque;

    if (event == CHR_EVENT_OPENED) {
        st->opened++;
    } else if (event == CHR_EVENT_CLOSED) {
        st->closed++;
    }
}

static void fe_state_init(FeState *st)
{
    memset(st, 0, sizeof(*st));
    st->budget = 4096;
    st->rx = g_string_new(NULL);
}

static void fe_state_destroy(FeState *st)
{
    g_string_free(st->rx, TRUE);
}

static void wake_cb(void *opaque)
{
}

/*
 * Run the main loop until *@counter reaches @value; a short timer bounds
 * each iteration so that a missing event fails the test, not hangs it.
 */
static void pump_until(int *counter, int value)
{
    QEMUTimer *wake = timer_new_ms(QEMU_CLOCK_REALTIME, wake_cb, NULL);
    int64_t deadline = get_clock() + 10 * NANOSECONDS_PER_SECOND;

    while (*counter < value) {
        g_assert_cmpint(get_clock(), <, deadline);
        timer_mod(wake, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20);
        main_loop_wait(false);
    }
    timer_free(wake);
}

static void pump_rx(FeState *st, size_t len)
{
    QEMUTimer *wake = timer_new_ms(QEMU_CLOCK_REALTIME, wake_cb, NULL);
    int64_t deadline = get_clock() + 10 * NANOSECONDS_PER_SECOND;

    while (st->rx->len < len) {
        g_assert_cmpint(get_clock(), <, deadline);
        timer_mod(wake, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20);
        main_loop_wait(false);
    }
    timer_free(wake);
}

/* A few iterations, for checking that something does not happen. */
static void pump_idle(void)
{
    int i;

    for (i = 0; i < 5; i++) {
        main_loop_wait(true);
    }
}

static char *tmp_dir;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmp_dir, name, NULL);
}

static void sockaddr_init(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    g_assert_cmpuint(strlen(path), <, sizeof(addr->sun_path));
    strcpy(addr->sun_path, path);
}

/* Listen on @path, as libqtest does before it starts the emulator. */
static int peer_listen(const char *path)
{
    struct sockaddr_un addr;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    sockaddr_init(&addr, path);
    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static int peer_connect(const char *path)
{
    struct sockaddr_un addr;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    sockaddr_init(&addr, path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void peer_write(int fd, const char *str)
{
    g_assert_cmpint(write(fd, str, strlen(str)), ==, strlen(str));
}

/* Read exactly strlen(@expect) bytes and compare. */
static void peer_expect(int fd, const char *expect)
{
    size_t len = strlen(expect);
    g_autofree char *buf = g_malloc0(len + 1);
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);

        g_assert_cmpint(n, >, 0);
        done += n;
    }
    g_assert_cmpstr(buf, ==, expect);
}

static void test_socket_client(void)
{
    g_autofree char *path = tmp_path("client.sock");
    g_autofree char *opts = g_strdup_printf("socket,path=%s,id=c0", path);
    int lfd = peer_listen(path);
    CharBackend be;
    FeState st;
    Chardev *chr;
    int peer;

    fe_state_init(&st);
    chr = qemu_chr_new_from_opts(opts, &error_abort);
    g_assert(qemu_chr_find("c0") == chr);
    peer = accept(lfd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);

    g_assert_true(qemu_chr_fe_init(&be, chr, &error_abort));
    g_assert(qemu_chr_fe_get_driver(&be) == chr);
    g_assert_true(qemu_chr_fe_backend_open(&be));
    /* Connected before the front end listened: OPENED comes at once. */
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    g_assert_cmpint(st.opened, ==, 1);

    peer_write(peer, "hello");
    pump_rx(&st, 5);
    g_assert_cmpstr(st.rx->str, ==, "hello");

    g_assert_cmpint(qemu_chr_fe_write_all(&be, (const uint8_t *)"world", 5),
                    ==, 5);
    peer_expect(peer, "world");
    qemu_chr_fe_printf(&be, "%d-%s\n", 42, "x");
    peer_expect(peer, "42-x\n");

    /* Writing to a peer that left fails; the hang-up event follows. */
    close(peer);
    g_assert_cmpint(qemu_chr_fe_write_all(&be, (const uint8_t *)"x", 1),
                    ==, -1);
    pump_until(&st.closed, 1);
    g_assert_false(qemu_chr_fe_backend_open(&be));
    /* A client does not reconnect; writes go nowhere. */
    g_assert_cmpint(qemu_chr_fe_write_all(&be, (const uint8_t *)"x", 1),
                    ==, 1);
    pump_idle();
    g_assert_cmpint(st.opened, ==, 1);
    g_assert_cmpint(st.closed, ==, 1);

    qemu_chr_fe_deinit(&be, true);
    g_assert_null(qemu_chr_find("c0"));
    close(lfd);
    fe_state_destroy(&st);
}

/* A front end that takes one byte at a time, or nothing. */
static void test_socket_flow_control(void)
{
    g_autofree char *path = tmp_path("flow.sock");
    g_autofree char *opts = g_strdup_printf("socket,path=%s,id=flow", path);
    int lfd = peer_listen(path);
    CharBackend be;
    FeState st;
    Chardev *chr;
    int peer;

    fe_state_init(&st);
    st.budget = 0;
    chr = qemu_chr_new_from_opts(opts, &error_abort);
    peer = accept(lfd, NULL, NULL);
    qemu_chr_fe_init(&be, chr, &error_abort);
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);

    peer_write(peer, "abc");
    pump_idle();
    g_assert_cmpuint(st.rx->len, ==, 0);

    st.budget = 1;
    pump_rx(&st, 3);
    g_assert_cmpstr(st.rx->str, ==, "abc");
    g_assert_cmpint(st.max_read, ==, 1);

    /* A hang-up waits until the front end takes input again. */
    st.budget = 0;
    close(peer);
    pump_idle();
    g_assert_cmpint(st.closed, ==, 0);
    st.budget = 16;
    pump_until(&st.closed, 1);

    qemu_chr_fe_deinit(&be, true);
    close(lfd);
    fe_state_destroy(&st);
}

static void test_socket_server_nowait(void)
{
    g_autofree char *path = tmp_path("server.sock");
    g_autofree char *opts =
        g_strdup_printf("socket,path=%s,id=s0,server=on,wait=off", path);
    CharBackend be;
    FeState st;
    Chardev *chr;
    int peer;

    fe_state_init(&st);
    chr = qemu_chr_new_from_opts(opts, &error_abort);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    qemu_chr_fe_init(&be, chr, &error_abort);
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    g_assert_cmpint(st.opened, ==, 0);
    g_assert_cmpint(qemu_chr_fe_write_all(&be, (const uint8_t *)"lost", 4),
                    ==, 4);

    peer = peer_connect(path);
    g_assert_cmpint(peer, >=, 0);
    pump_until(&st.opened, 1);
    peer_write(peer, "ping");
    pump_rx(&st, 4);
    g_assert_cmpstr(st.rx->str, ==, "ping");
    qemu_chr_fe_write_all(&be, (const uint8_t *)"pong", 4);
    peer_expect(peer, "pong");

    close(peer);
    pump_until(&st.closed, 1);

    /* The server takes the next client. */
    peer = peer_connect(path);
    g_assert_cmpint(peer, >=, 0);
    pump_until(&st.opened, 2);
    qemu_chr_fe_write_all(&be, (const uint8_t *)"again", 5);
    peer_expect(peer, "again");
    close(peer);
    pump_until(&st.closed, 2);

    qemu_chr_fe_deinit(&be, true);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    fe_state_destroy(&st);
}

static gpointer connect_thread(gpointer opaque)
{
    const char *path = opaque;
    int i, fd = -1;

    for (i = 0; i < 1000 && fd < 0; i++) {
        fd = peer_connect(path);
        if (fd < 0) {
            g_usleep(10 * 1000);
        }
    }
    return GINT_TO_POINTER(fd);
}

/* server=on without wait=off: creation blocks until a client is there. */
static void test_socket_server_wait(void)
{
    g_autofree char *path = tmp_path("wait.sock");
    g_autofree char *opts =
        g_strdup_printf("socket,path=%s,id=w0,server=on", path);
    GThread *thread = g_thread_new("connect", connect_thread, path);
    CharBackend be;
    FeState st;
    Chardev *chr;
    int peer;

    fe_state_init(&st);
    chr = qemu_chr_new_from_opts(opts, &error_abort);
    peer = GPOINTER_TO_INT(g_thread_join(thread));
    g_assert_cmpint(peer, >=, 0);

    qemu_chr_fe_init(&be, chr, &error_abort);
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    g_assert_cmpint(st.opened, ==, 1);
    peer_write(peer, "hi");
    pump_rx(&st, 2);
    close(peer);
    pump_until(&st.closed, 1);

    qemu_chr_fe_deinit(&be, true);
    fe_state_destroy(&st);
}

/* -qtest unix:PATH and -qmp unix:PATH,server=on,wait=off */
static void test_legacy_unix(void)
{
    g_autofree char *path = tmp_path("legacy.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    g_autofree char *srv_path = tmp_path("legacy-srv.sock");
    g_autofree char *srv_spec =
        g_strdup_printf("unix:%s,server=on,wait=off", srv_path);
    int lfd = peer_listen(path);
    Chardev *chr, *srv;
    CharBackend be;
    FeState st;
    int peer;

    fe_state_init(&st);
    chr = qemu_chr_new("qtest", spec, &error_abort);
    g_assert(qemu_chr_find("qtest") == chr);
    peer = accept(lfd, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    qemu_chr_fe_init(&be, chr, &error_abort);
    qemu_chr_fe_write_all(&be, (const uint8_t *)"OK\n", 3);
    peer_expect(peer, "OK\n");
    qemu_chr_fe_deinit(&be, true);
    close(peer);
    close(lfd);

    srv = qemu_chr_new("srv", srv_spec, &error_abort);
    qemu_chr_fe_init(&be, srv, &error_abort);
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    peer = peer_connect(srv_path);
    pump_until(&st.opened, 1);
    close(peer);
    pump_until(&st.closed, 1);
    qemu_chr_fe_deinit(&be, true);
    fe_state_destroy(&st);
}

/* Input read by another GMainContext, not by main_loop_wait(). */
static void test_socket_context(void)
{
    g_autofree char *path = tmp_path("context.sock");
    g_autofree char *opts = g_strdup_printf("socket,path=%s,id=ctx", path);
    GMainContext *ctx = g_main_context_new();
    int lfd = peer_listen(path);
    CharBackend be;
    FeState st;
    Chardev *chr;
    int peer, i;

    fe_state_init(&st);
    chr = qemu_chr_new_from_opts(opts, &error_abort);
    peer = accept(lfd, NULL, NULL);
    qemu_chr_fe_init(&be, chr, &error_abort);
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             ctx, true);
    peer_write(peer, "xyz");
    pump_idle();
    g_assert_cmpuint(st.rx->len, ==, 0);
    for (i = 0; i < 1000 && st.rx->len < 3; i++) {
        g_main_context_iteration(ctx, TRUE);
    }
    g_assert_cmpstr(st.rx->str, ==, "xyz");

    /* Back to the default context. */
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    peer_write(peer, "!");
    pump_rx(&st, 4);
    g_assert_cmpstr(st.rx->str, ==, "xyz!");

    qemu_chr_fe_deinit(&be, true);
    g_main_context_unref(ctx);
    close(peer);
    close(lfd);
    fe_state_destroy(&st);
}

static void test_stdio(void)
{
    int in_pipe[2], out_pipe[2];
    int saved_in, saved_out, old_flags;
    Error *err = NULL;
    CharBackend be;
    FeState st;
    Chardev *chr;

    fe_state_init(&st);
    g_assert_cmpint(pipe(in_pipe), ==, 0);
    g_assert_cmpint(pipe(out_pipe), ==, 0);
    fflush(stdout);
    saved_in = dup(STDIN_FILENO);
    saved_out = dup(STDOUT_FILENO);
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    old_flags = fcntl(STDIN_FILENO, F_GETFL);

    chr = qemu_chr_new_from_opts("stdio,id=io", &error_abort);
    g_assert_null(qemu_chr_new("io2", "stdio", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot use stdio by multiple character devices");
    error_free(err);
    g_assert_null(qemu_chr_find("io2"));

    qemu_chr_fe_init(&be, chr, &error_abort);
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    g_assert_cmpint(st.opened, ==, 1);
    peer_write(in_pipe[1], "ping");
    pump_rx(&st, 4);
    g_assert_cmpstr(st.rx->str, ==, "ping");
    qemu_chr_fe_write_all(&be, (const uint8_t *)"pong", 4);
    peer_expect(out_pipe[0], "pong");
    close(in_pipe[1]);
    pump_until(&st.closed, 1);
    qemu_chr_fe_deinit(&be, true);
    g_assert_cmpint(fcntl(STDIN_FILENO, F_GETFL), ==, old_flags);

    dup2(saved_in, STDIN_FILENO);
    dup2(saved_out, STDOUT_FILENO);
    close(saved_in);
    close(saved_out);
    close(in_pipe[0]);
    close(out_pipe[0]);
    close(out_pipe[1]);
    fe_state_destroy(&st);
}

/* @spec fails with @msg, as -chardev (@legacy false) or a legacy spec. */
static void check_error(bool legacy, const char *spec, const char *msg)
{
    Error *err = NULL;
    Chardev *chr;

    if (legacy) {
        chr = qemu_chr_new("bad", spec, &err);
    } else {
        chr = qemu_chr_new_from_opts(spec, &err);
    }
    g_assert_null(chr);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    g_assert_null(qemu_chr_find("bad"));
}

/*
 * null: writes are taken and dropped, nothing is ever read, and no
 * peer connects; as -chardev and as the legacy spec of -qtest/-qmp.
 */
static void test_null(void)
{
    CharBackend be;
    Chardev *chr;
    FeState st;

    fe_state_init(&st);
    chr = qemu_chr_new_from_opts("null,id=nul0", &error_abort);
    g_assert_true(qemu_chr_fe_init(&be, chr, &error_abort));
    qemu_chr_fe_set_handlers(&be, fe_can_read, fe_read, fe_event, &st,
                             NULL, true);
    g_assert_false(qemu_chr_fe_backend_open(&be));
    g_assert_cmpint(qemu_chr_fe_write_all(&be, (const uint8_t *)"abc", 3),
                    ==, 3);
    g_assert_cmpint(qemu_chr_fe_write(&be, (const uint8_t *)"abc", 3),
                    ==, 3);
    g_assert_cmpuint(qemu_chr_fe_add_watch(&be, G_IO_OUT, NULL, NULL),
                     ==, 0);
    pump_idle();
    g_assert_cmpint(st.opened, ==, 0);
    g_assert_cmpuint(st.rx->len, ==, 0);
    qemu_chr_fe_deinit(&be, true);
    fe_state_destroy(&st);

    chr = qemu_chr_new("nul1", "null", &error_abort);
    g_assert_true(qemu_chr_find("nul1") == chr);
    check_error(false, "null,id=bad,path=/x", "Invalid parameter 'path'");
    qemu_chr_cleanup();
}

static void test_errors(void)
{
    g_autofree char *long_path = g_strnfill(120, 'x');
    g_autofree char *long_spec =
        g_strdup_printf("socket,path=/%s,id=bad", long_path);
    g_autofree char *long_msg =
        g_strdup_printf("UNIX socket path '/%s' is too long", long_path);
    g_autofree char *path = tmp_path("dup.sock");
    g_autofree char *dup_spec = g_strdup_printf("socket,path=%s,id=bad",
                                                path);
    Error *err = NULL;
    CharBackend be, be2;
    Chardev *chr;
    int lfd;

    check_error(true, "foo:bar", "chardev: unknown backend 'foo'");
    check_error(true, "tcp:localhost:4444", "chardev: unknown backend 'tcp'");
    check_error(true, "unix:/nonexistent/dir/q.sock",
                "Failed to connect to '/nonexistent/dir/q.sock': "
                "No such file or directory");
    check_error(true, "unix:", "chardev: socket: no path given");
    check_error(true, "unix:/x,id=y", "Invalid parameter 'id'");
    check_error(false, "socket,path=/nonexistent/dir/q.sock,id=bad",
                "Failed to connect to '/nonexistent/dir/q.sock': "
                "No such file or directory");
    check_error(false, "foo,id=bad", "'foo' is not a valid char driver name");
    check_error(false, "socket,path=/x", "Parameter 'id' is missing");
    check_error(false, "path=/x,id=bad", "chardev: \"bad\" missing backend");
    check_error(false, "socket,path=/x,id=1bad",
                "Parameter 'id' expects an identifier");
    check_error(false, "socket,path=/x,id=bad,bogus=1",
                "Invalid parameter 'bogus'");
    check_error(false, "socket,path=/x,id=bad,host=localhost",
                "Invalid parameter 'host'");
    check_error(false, "socket,id=bad", "chardev: socket: no path given");
    check_error(false, "socket,path=/x,id=bad,wait=off",
                "'wait' option is incompatible with socket in client "
                "connect mode");
    check_error(false, "socket,path=/x,id=bad,server=maybe",
                "Parameter 'server' expects 'on' or 'off'");
    check_error(false, "stdio,id=bad,path=/x", "Invalid parameter 'path'");
    check_error(false, long_spec, long_msg);
    check_error(false, "socket,path=/nonexistent/dir/q.sock,id=bad,"
                "server=on,wait=off",
                "Failed to bind socket to /nonexistent/dir/q.sock: "
                "No such file or directory");

    /* Duplicate ids, and a second front end. */
    lfd = peer_listen(path);
    chr = qemu_chr_new_from_opts(dup_spec, &error_abort);
    g_assert_null(qemu_chr_new_from_opts(dup_spec, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate ID 'bad' for chardev");
    error_free(err);
    err = NULL;
    qemu_chr_fe_init(&be, chr, &error_abort);
    g_assert_false(qemu_chr_fe_init(&be2, chr, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'bad' is in use");
    error_free(err);
    qemu_chr_fe_deinit(&be, true);
    g_assert_null(qemu_chr_find("bad"));
    close(lfd);
}

static void remove_tmp_dir(void)
{
    GDir *dir = g_dir_open(tmp_dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name(dir))) {
        g_autofree char *path = tmp_path(name);

        unlink(path);
    }
    g_dir_close(dir);
    rmdir(tmp_dir);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) gerr = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    tmp_dir = g_dir_make_tmp("test-char-XXXXXX", &gerr);
    g_assert_no_error(gerr);
    bql_lock();

    g_test_add_func("/char/socket/client", test_socket_client);
    g_test_add_func("/char/socket/flow-control", test_socket_flow_control);
    g_test_add_func("/char/socket/server/nowait", test_socket_server_nowait);
    g_test_add_func("/char/socket/server/wait", test_socket_server_wait);
    g_test_add_func("/char/socket/context", test_socket_context);
    g_test_add_func("/char/legacy/unix", test_legacy_unix);
    g_test_add_func("/char/stdio", test_stdio);
    g_test_add_func("/char/null", test_null);
    g_test_add_func("/char/errors", test_errors);
    ret = g_test_run();

    qemu_chr_cleanup();
    bql_unlock();
    remove_tmp_dir();
    g_free(tmp_dir);
    return ret;
}
