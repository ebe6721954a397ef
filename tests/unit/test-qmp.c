/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP monitor, driven as libqtest drives the emulator's: the test
 * listens on a unix socket, a "-chardev socket" connects to it and
 * "-mon chardev=...,mode=control" serves QMP there.  The test is the
 * client and runs the main loop itself, with the BQL held.
 *
 * Covered: the greeting, capabilities negotiation, the built-in commands
 * and their run-state hooks, "id" echo, malformed requests and bad JSON
 * (after which the session must go on), requests split across writes or
 * merged into one, string escaping, events, reconnection, and the
 * errors of -mon and -qmp.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qmp-event.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "system/runstate.h"
#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The run-state hooks, in place of the emulator's (and of the stubs). */
static const char *test_runstate = "running";
static int shutdown_cause = -1;
static int reset_cause = -1;

const char *runstate_get_name(void)
{
    return test_runstate;
}

bool runstate_is_running(void)
{
    return !strcmp(test_runstate, "running");
}

void qemu_system_shutdown_request(ShutdownCause reason)
{
    shutdown_cause = reason;
}

void qemu_system_reset_request(ShutdownCause reason)
{
    reset_cause = reason;
}

/* Commands registered by the test. */
static void qmp_test_echo(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (args) {
        *ret = json_node_new(JSON_NODE_OBJECT);
        json_node_set_object(*ret, args);
    }
}

static void qmp_test_fail(JsonObject *args, JsonNode **ret, Error **errp)
{
    error_setg(errp, "test failure: %d", 42);
}

static void qmp_test_event(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(JsonObject) data = json_object_new();

    json_object_set_int_member(data, "n", 1);
    qmp_send_event("TEST_EVENT", data);
}

typedef struct TestClient {
    char *path;
    int fd;
    GString *rx;
} TestClient;

static char *tmp_dir;

static void wake_cb(void *opaque)
{
}

static void sockaddr_init(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    g_assert_cmpuint(strlen(path), <, sizeof(addr->sun_path));
    strcpy(addr->sun_path, path);
}

static int client_connect(const char *path)
{
    struct sockaddr_un addr;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    sockaddr_init(&addr, path);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return fd;
}

/*
 * Start a monitor the way libqtest has the emulator do it, and accept
 * its connection.
 */
static void client_start(TestClient *c, const char *id)
{
    g_autofree char *chardev = NULL, *mon = NULL;
    struct sockaddr_un addr;
    int lfd;

    c->path = g_strdup_printf("%s/%s.qmp", tmp_dir, id);
    c->rx = g_string_new(NULL);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_init(&addr, c->path);
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);

    chardev = g_strdup_printf("socket,path=%s,id=%s", c->path, id);
    mon = g_strdup_printf("chardev=%s,mode=control", id);
    g_assert_nonnull(qemu_chr_new_from_opts(chardev, &error_abort));
    g_assert_true(monitor_init_opts(mon, &error_abort));

    c->fd = accept(lfd, NULL, NULL);
    g_assert_cmpint(c->fd, >=, 0);
    g_unix_set_fd_nonblocking(c->fd, TRUE, NULL);
    close(lfd);
    unlink(c->path);
}

static void client_stop(TestClient *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    monitor_cleanup();
    qemu_chr_cleanup();
    g_string_free(c->rx, TRUE);
    g_free(c->path);
}

static void client_send_len(TestClient *c, const char *buf, size_t len)
{
    g_assert_cmpint(write(c->fd, buf, len), ==, len);
}

static void client_send(TestClient *c, const char *text)
{
    client_send_len(c, text, strlen(text));
}

/* More than the socket takes at once: let the monitor read in between. */
static void client_send_big(TestClient *c, const char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(c->fd, buf + done, len - done);

        if (n < 0) {
            g_assert_cmpint(errno, ==, EAGAIN);
            main_loop_wait(false);
        } else {
            done += n;
        }
    }
}

/* Move what the monitor wrote into c->rx; false if nothing was there. */
static bool client_fill(TestClient *c)
{
    char buf[4096];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n <= 0) {
        return false;
    }
    g_string_append_len(c->rx, buf, n);
    return true;
}

/* The next line the monitor sends, without its "\r\n". */
static char *client_recv_line(TestClient *c)
{
    QEMUTimer *wake = timer_new_ms(QEMU_CLOCK_REALTIME, wake_cb, NULL);
    int64_t deadline = get_clock() + 10 * NANOSECONDS_PER_SECOND;
    char *eol, *line;

    for (;;) {
        eol = strstr(c->rx->str, "\r\n");
        if (eol) {
            break;
        }
        if (client_fill(c)) {
            continue;
        }
        g_assert_cmpint(get_clock(), <, deadline);
        timer_mod(wake, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20);
        main_loop_wait(false);
    }
    timer_free(wake);
    line = g_strndup(c->rx->str, eol - c->rx->str);
    g_string_erase(c->rx, 0, eol + 2 - c->rx->str);
    /* One message per line. */
    g_assert_null(strchr(line, '\n'));
    return line;
}

static JsonObject *parse_object(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) gerr = NULL;
    JsonNode *root;

    json_parser_load_from_data(parser, text, -1, &gerr);
    g_assert_no_error(gerr);
    root = json_parser_get_root(parser);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
    return json_object_ref(json_node_get_object(root));
}

static JsonObject *client_recv(TestClient *c)
{
    g_autofree char *line = client_recv_line(c);

    return parse_object(line);
}

static JsonObject *client_cmd(TestClient *c, const char *request)
{
    client_send(c, request);
    return client_recv(c);
}

/* No message is waiting, after a few main loop iterations. */
static void client_expect_silence(TestClient *c)
{
    int i;

    for (i = 0; i < 5; i++) {
        main_loop_wait(true);
    }
    client_fill(c);
    g_assert_cmpstr(c->rx->str, ==, "");
}

static void assert_error(JsonObject *rsp, const char *cls, const char *desc)
{
    JsonObject *error;

    g_assert_true(json_object_has_member(rsp, "error"));
    g_assert_false(json_object_has_member(rsp, "return"));
    error = json_object_get_object_member(rsp, "error");
    g_assert_cmpstr(json_object_get_string_member(error, "class"), ==, cls);
    if (desc) {
        g_assert_cmpstr(json_object_get_string_member(error, "desc"), ==,
                        desc);
    }
    json_object_unref(rsp);
}

static void assert_generic_error_prefix(JsonObject *rsp, const char *prefix)
{
    JsonObject *error = json_object_get_object_member(rsp, "error");

    g_assert_nonnull(error);
    g_assert_cmpstr(json_object_get_string_member(error, "class"), ==,
                    "GenericError");
    g_assert_true(g_str_has_prefix(
                      json_object_get_string_member(error, "desc"), prefix));
    json_object_unref(rsp);
}

static void assert_cmd_error(TestClient *c, const char *request,
                             const char *cls, const char *desc)
{
    assert_error(client_cmd(c, request), cls, desc);
}

/* @request succeeds and its reply is exactly @expect. */
static void assert_reply_raw(TestClient *c, const char *request,
                             const char *expect)
{
    g_autofree char *line = NULL;

    client_send(c, request);
    line = client_recv_line(c);
    g_assert_cmpstr(line, ==, expect);
}

static void client_start_negotiated(TestClient *c, const char *id)
{
    client_start(c, id);
    g_free(client_recv_line(c));
    assert_reply_raw(c, "{\"execute\": \"qmp_capabilities\"}",
                     "{\"return\": {}}");
}

#define NOT_NEGOTIATED "Expecting capabilities negotiation with " \
    "'qmp_capabilities'"

static void test_greeting(void)
{
    TestClient c;
    g_autofree char *line = NULL;

    client_start(&c, "greet");
    line = client_recv_line(&c);
    g_assert_cmpstr(line, ==,
                    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, "
                    "\"minor\": 1, \"major\": 10}, \"package\": \"qemu-lab\"}, "
                    "\"capabilities\": []}}");
    client_stop(&c);
}

static void test_negotiation(void)
{
    TestClient c;

    client_start(&c, "nego");
    g_free(client_recv_line(&c));

    assert_cmd_error(&c, "{\"execute\": \"query-version\"}",
                     "CommandNotFound", NOT_NEGOTIATED);
    assert_cmd_error(&c, "{\"execute\": \"no-such-command\"}",
                     "CommandNotFound", NOT_NEGOTIATED);
    /* Malformed requests are told so, negotiated or not. */
    assert_cmd_error(&c, "{\"arguments\": {}}", "GenericError",
                     "QMP input lacks member 'execute'");
    assert_cmd_error(&c, "{\"execute\": \"qmp_capabilities\", "
                     "\"arguments\": {\"enable\": [\"oob\"]}}",
                     "GenericError", "Capability 'oob' not available");
    assert_cmd_error(&c, "{\"execute\": \"qmp_capabilities\", "
                     "\"arguments\": {\"enable\": [\"bogus\"]}}",
                     "GenericError",
                     "Parameter 'enable[0]' does not accept value 'bogus'");
    assert_cmd_error(&c, "{\"execute\": \"qmp_capabilities\", "
                     "\"arguments\": {\"enable\": \"oob\"}}",
                     "GenericError",
                     "Invalid parameter type for 'enable', expected: array");
    assert_cmd_error(&c, "{\"execute\": \"qmp_capabilities\", "
                     "\"arguments\": {\"x\": 1}}",
                     "GenericError", "Parameter 'x' is unexpected");

    assert_reply_raw(&c, "{\"execute\": \"qmp_capabilities\", "
                     "\"arguments\": {\"enable\": []}}",
                     "{\"return\": {}}");
    assert_cmd_error(&c, "{\"execute\": \"qmp_capabilities\"}",
                     "CommandNotFound",
                     "Capabilities negotiation is already complete, "
                     "command ignored");
    client_stop(&c);
}

static bool list_has_name(JsonArray *list, const char *name)
{
    guint i;

    for (i = 0; i < json_array_get_length(list); i++) {
        JsonObject *info = json_array_get_object_element(list, i);

        if (!strcmp(json_object_get_string_member(info, "name"), name)) {
            return true;
        }
    }
    return false;
}

static void test_commands(void)
{
    static const char *const names[] = {
        "qmp_capabilities", "query-version", "query-commands",
        "query-status", "quit", "system_reset", "test-echo", "test-fail",
    };
    TestClient c;
    JsonObject *rsp, *ret, *qemu;
    JsonArray *list;
    size_t i;

    client_start_negotiated(&c, "cmds");

    rsp = client_cmd(&c, "{\"execute\": \"query-version\"}");
    ret = json_object_get_object_member(rsp, "return");
    qemu = json_object_get_object_member(ret, "qemu");
    g_assert_cmpint(json_object_get_int_member(qemu, "major"), ==, 10);
    g_assert_cmpint(json_object_get_int_member(qemu, "minor"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(qemu, "micro"), ==, 0);
    g_assert_cmpstr(json_object_get_string_member(ret, "package"), ==,
                    "qemu-lab");
    json_object_unref(rsp);

    rsp = client_cmd(&c, "{\"execute\": \"query-commands\"}");
    list = json_object_get_array_member(rsp, "return");
    for (i = 0; i < ARRAY_SIZE(names); i++) {
        g_assert_true(list_has_name(list, names[i]));
    }
    g_assert_false(list_has_name(list, "query-pci"));
    json_object_unref(rsp);

    assert_reply_raw(&c, "{\"execute\": \"query-status\"}",
                     "{\"return\": {\"status\": \"running\", "
                     "\"running\": true}}");
    test_runstate = "paused";
    assert_reply_raw(&c, "{\"execute\": \"query-status\"}",
                     "{\"return\": {\"status\": \"paused\", "
                     "\"running\": false}}");
    test_runstate = "running";

    assert_reply_raw(&c, "{\"execute\": \"system_reset\"}",
                     "{\"return\": {}}");
    g_assert_cmpint(reset_cause, ==, SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    assert_reply_raw(&c, "{\"execute\": \"quit\"}", "{\"return\": {}}");
    g_assert_cmpint(shutdown_cause, ==, SHUTDOWN_CAUSE_HOST_QMP_QUIT);

    assert_cmd_error(&c, "{\"execute\": \"query-version\", "
                     "\"arguments\": {\"x\": 1}}",
                     "GenericError", "Parameter 'x' is unexpected");
    assert_cmd_error(&c, "{\"execute\": \"quit\", "
                     "\"arguments\": {\"force\": true}}",
                     "GenericError", "Parameter 'force' is unexpected");
    assert_cmd_error(&c, "{\"execute\": \"test-fail\"}",
                     "GenericError", "test failure: 42");
    client_stop(&c);
}

static void test_id(void)
{
    TestClient c;
    JsonObject *rsp, *id;

    client_start_negotiated(&c, "id");
    assert_reply_raw(&c, "{\"execute\": \"test-echo\", \"id\": \"abc\"}",
                     "{\"return\": {}, \"id\": \"abc\"}");
    assert_reply_raw(&c, "{\"id\": 7, \"execute\": \"test-echo\"}",
                     "{\"return\": {}, \"id\": 7}");
    assert_reply_raw(&c, "{\"execute\": \"no-such\", \"id\": [1, {}]}",
                     "{\"error\": {\"class\": \"CommandNotFound\", "
                     "\"desc\": \"The command no-such has not been found\"}, "
                     "\"id\": [1, {}]}");

    rsp = client_cmd(&c, "{\"execute\": \"test-fail\", "
                     "\"id\": {\"a\": null, \"b\": 1.5}}");
    id = json_object_get_object_member(rsp, "id");
    g_assert_true(json_object_get_null_member(id, "a"));
    g_assert_cmpfloat(json_object_get_double_member(id, "b"), ==, 1.5);
    assert_error(rsp, "GenericError", "test failure: 42");

    /* Malformed, but an object: its id comes back. */
    assert_reply_raw(&c, "{\"id\": \"x\"}",
                     "{\"error\": {\"class\": \"GenericError\", "
                     "\"desc\": \"QMP input lacks member 'execute'\"}, "
                     "\"id\": \"x\"}");
    client_stop(&c);
}

static void test_bad_requests(void)
{
    TestClient c;

    client_start_negotiated(&c, "badreq");
    assert_cmd_error(&c, "[1, 2]", "GenericError",
                     "QMP input must be a JSON object");
    assert_cmd_error(&c, "42\n", "GenericError",
                     "QMP input must be a JSON object");
    assert_cmd_error(&c, "\"execute\"", "GenericError",
                     "QMP input must be a JSON object");
    assert_cmd_error(&c, "{}", "GenericError",
                     "QMP input lacks member 'execute'");
    assert_cmd_error(&c, "{\"execute\": 1}", "GenericError",
                     "QMP input member 'execute' must be a string");
    assert_cmd_error(&c, "{\"execute\": \"test-echo\", \"arguments\": []}",
                     "GenericError",
                     "QMP input member 'arguments' must be an object");
    assert_cmd_error(&c, "{\"execute\": \"test-echo\", \"arguments\": 1}",
                     "GenericError",
                     "QMP input member 'arguments' must be an object");
    assert_cmd_error(&c, "{\"execute\": \"test-echo\", \"foo\": 1}",
                     "GenericError", "QMP input member 'foo' is unexpected");
    assert_cmd_error(&c, "{\"execute\": \"no-such\"}", "CommandNotFound",
                     "The command no-such has not been found");
    assert_reply_raw(&c, "{\"execute\": \"query-status\"}",
                     "{\"return\": {\"status\": \"running\", "
                     "\"running\": true}}");
    client_stop(&c);
}

static void test_bad_json(void)
{
    g_autofree char *opening = g_strnfill(2000, '[');
    g_autofree char *closing = g_strnfill(2000, ']');
    g_autofree char *deep = g_strconcat(opening, closing, NULL);
    /* QEMU's limit is 1024 levels: at it, and one past it. */
    g_autofree char *at_limit = g_strconcat(opening + 2000 - 1024,
                                            closing + 2000 - 1024, NULL);
    g_autofree char *past_limit = g_strconcat(opening + 2000 - 1025,
                                              closing + 2000 - 1025, NULL);
    TestClient c;

    client_start_negotiated(&c, "badjson");
    assert_generic_error_prefix(client_cmd(&c, "{\"execute\": }"),
                                "JSON parse error, ");
    assert_generic_error_prefix(client_cmd(&c, "{\"execute\" \"x\"}"),
                                "JSON parse error, ");
    assert_generic_error_prefix(client_cmd(&c, "nonsense\n"),
                                "JSON parse error, ");
    assert_cmd_error(&c, "}", "GenericError", "JSON parse error, stray '}'");
    assert_cmd_error(&c, "]", "GenericError", "JSON parse error, stray ']'");
    /* A NUL byte inside a request. */
    client_send_len(&c, "{\"execute\": \"a\0b\"}", 18);
    assert_generic_error_prefix(client_recv(&c), "JSON parse error, ");

    /* Duplicate keys, at any depth: QEMU's error, nothing runs. */
    assert_cmd_error(&c, "{\"execute\": \"test-event\", "
                     "\"execute\": \"test-echo\"}", "GenericError",
                     "JSON parse error, duplicate key");
    assert_cmd_error(&c, "{\"execute\": \"test-echo\", \"arguments\": "
                     "{\"a\": {\"b\": 1, \"c\": 2, \"b\": 3}}}", "GenericError",
                     "JSON parse error, duplicate key");
    /* The same key in two objects is fine. */
    assert_reply_raw(&c, "{\"execute\": \"test-echo\", \"arguments\": "
                     "{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}}}",
                     "{\"return\": {\"a\": {\"k\": 1}, \"b\": {\"k\": 2}}}");

    /* Too deep: one error, and the rest of the value is skipped. */
    assert_cmd_error(&c, deep, "GenericError",
                     "JSON nesting depth limit exceeded");
    assert_cmd_error(&c, past_limit, "GenericError",
                     "JSON nesting depth limit exceeded");
    /* Parsed: refused only for not being an object. */
    assert_cmd_error(&c, at_limit, "GenericError",
                     "QMP input must be a JSON object");

    /* The session goes on. */
    assert_reply_raw(&c, "{\"execute\": \"test-echo\"}", "{\"return\": {}}");
    client_expect_silence(&c);
    client_stop(&c);
}

/*
 * QEMU's token count limit (2^21) bounds what the parser builds: one
 * error as soon as it is passed, the rest of the value skipped, and the
 * session goes on.  2n + 13 tokens with n numbers: one too many here.
 * A value of exactly 2^21 tokens goes on to the parser, which refuses it
 * at once (2n + 2 tokens, a ':' missing after the first key): cheaper
 * than building 2^21 nodes, and still not the token count's error.
 */
static void test_token_limit(void)
{
    const size_t n = 1048570;
    GString *req = g_string_new("{\"execute\": \"test-echo\", "
                                "\"arguments\": {\"a\": [1");
    GString *at_limit = g_string_new("{\"a\" 1");
    size_t i;
    TestClient c;

    for (i = 1; i < n; i++) {
        g_string_append(req, ",1");
    }
    g_string_append(req, "]}}");
    for (i = 1; i < ((1 << 21) - 2) / 2; i++) {
        g_string_append(at_limit, ",1");
    }
    g_string_append(at_limit, "}");
    client_start_negotiated(&c, "tokens");
    client_send_big(&c, at_limit->str, at_limit->len);
    assert_generic_error_prefix(client_recv(&c), "JSON parse error, ");
    g_string_free(at_limit, TRUE);
    client_send_big(&c, req->str, req->len);
    assert_error(client_recv(&c), "GenericError",
                 "JSON token count limit exceeded");
    assert_reply_raw(&c, "{\"execute\": \"test-echo\"}", "{\"return\": {}}");
    client_expect_silence(&c);
    client_stop(&c);
    g_string_free(req, TRUE);
}

/*
 * QEMU's size limit (64 MiB of tokens; ours counts the whole request): a
 * string just past it is refused with QEMU's error, the rest of the value
 * skipped, and the session goes on.
 */
static void test_size_limit(void)
{
    const size_t len = 64 * 1024 * 1024;
    g_autofree char *req = g_malloc(len + 64);
    size_t n;
    TestClient c;

    n = g_snprintf(req, len + 64, "{\"execute\": \"test-echo\", "
                   "\"arguments\": {\"s\": \"");
    memset(req + n, 'x', len);
    n += len;
    n += g_snprintf(req + n, len + 64 - n, "\"}}");
    client_start_negotiated(&c, "size");
    client_send_big(&c, req, n);
    assert_error(client_recv(&c), "GenericError",
                 "JSON token size limit exceeded");
    assert_reply_raw(&c, "{\"execute\": \"test-echo\"}", "{\"return\": {}}");
    client_expect_silence(&c);
    client_stop(&c);
}

/* A request one byte per write, each followed by a main loop iteration. */
static void test_split_writes(void)
{
    const char *req = "{ \"execute\" : \"test-echo\", \"arguments\": "
                      "{\"s\": \"}]\"}, \"id\": 1 }";
    g_autofree char *line = NULL;
    TestClient c;
    size_t i;

    client_start_negotiated(&c, "split");
    for (i = 0; req[i]; i++) {
        client_send_len(&c, req + i, 1);
        main_loop_wait(true);
        main_loop_wait(true);
        if (req[i + 1]) {
            client_fill(&c);
            g_assert_cmpstr(c.rx->str, ==, "");
        }
    }
    line = client_recv_line(&c);
    g_assert_cmpstr(line, ==, "{\"return\": {\"s\": \"}]\"}, \"id\": 1}");
    client_stop(&c);
}

/* Several requests in one write, and one request over two writes. */
static void test_merged_writes(void)
{
    g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL, *l4 = NULL;
    TestClient c;

    client_start_negotiated(&c, "merged");
    client_send(&c, "{\"execute\": \"test-echo\", \"id\": 1}"
                "{\"execute\": \"no-such\", \"id\": 2}\r\n"
                "  {\"execute\": \"test-echo\", \"id\": 3}{\"execute\": ");
    l1 = client_recv_line(&c);
    l2 = client_recv_line(&c);
    l3 = client_recv_line(&c);
    g_assert_cmpstr(l1, ==, "{\"return\": {}, \"id\": 1}");
    g_assert_true(g_str_has_suffix(l2, "\"id\": 2}"));
    g_assert_cmpstr(l3, ==, "{\"return\": {}, \"id\": 3}");
    client_expect_silence(&c);
    client_send(&c, "\"test-echo\", \"id\": 4}");
    l4 = client_recv_line(&c);
    g_assert_cmpstr(l4, ==, "{\"return\": {}, \"id\": 4}");
    client_stop(&c);
}

/* Brackets and quotes in strings, escapes, non-ASCII, 'single quotes'. */
static void test_strings(void)
{
    g_autofree char *line = NULL;
    JsonObject *rsp, *ret;
    TestClient c;

    client_start_negotiated(&c, "strings");
    rsp = client_cmd(&c, "{\"execute\": \"test-echo\", \"arguments\": "
                     "{\"s\": \"}{][\\\"'\\\\\", \"k{\": [\"]\"]}}");
    ret = json_object_get_object_member(rsp, "return");
    g_assert_cmpstr(json_object_get_string_member(ret, "s"), ==,
                    "}{][\"'\\");
    g_assert_true(json_object_has_member(ret, "k{"));
    json_object_unref(rsp);

    /* Output is ASCII: other characters and controls are escaped. */
    client_send(&c, "{\"execute\": \"test-echo\", \"arguments\": "
                "{\"u\": \"\xc3\xa9\xf0\x9f\x98\x80\\n\\u0001\\t/\"}}");
    line = client_recv_line(&c);
    g_assert_cmpstr(line, ==, "{\"return\": {\"u\": "
                    "\"\\u00E9\\uD83D\\uDE00\\n\\u0001\\t/\"}}");

    /* QEMU's parser takes single-quoted strings. */
    rsp = client_cmd(&c, "{'execute': 'test-echo', 'arguments': "
                     "{'s': 'it\\'s \"q\" }', 'n': -3, 'b': false}}");
    ret = json_object_get_object_member(rsp, "return");
    g_assert_cmpstr(json_object_get_string_member(ret, "s"), ==,
                    "it's \"q\" }");
    g_assert_cmpint(json_object_get_int_member(ret, "n"), ==, -3);
    g_assert_false(json_object_get_boolean_member(ret, "b"));
    json_object_unref(rsp);
    client_stop(&c);
}

static void test_events(void)
{
    g_autoptr(JsonObject) data = json_object_new();
    JsonObject *msg, *ts;
    gint64 before = g_get_real_time() / G_USEC_PER_SEC;
    TestClient c;

    client_start(&c, "events");
    g_free(client_recv_line(&c));
    /* Not negotiated yet: no events. */
    qmp_send_event("EARLY", NULL);
    client_expect_silence(&c);
    assert_reply_raw(&c, "{\"execute\": \"qmp_capabilities\"}",
                     "{\"return\": {}}");

    json_object_set_string_member(data, "reason", "test");
    qmp_send_event("SHUTDOWN", data);
    msg = client_recv(&c);
    g_assert_cmpstr(json_object_get_string_member(msg, "event"), ==,
                    "SHUTDOWN");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(msg, "data"),
                        "reason"), ==, "test");
    ts = json_object_get_object_member(msg, "timestamp");
    g_assert_cmpint(json_object_get_int_member(ts, "seconds"), >=, before);
    g_assert_cmpint(json_object_get_int_member(ts, "microseconds"), >=, 0);
    g_assert_cmpint(json_object_get_int_member(ts, "microseconds"), <,
                    G_USEC_PER_SEC);
    json_object_unref(msg);

    qmp_send_event("STOP", NULL);
    msg = client_recv(&c);
    g_assert_cmpstr(json_object_get_string_member(msg, "event"), ==, "STOP");
    g_assert_false(json_object_has_member(msg, "data"));
    json_object_unref(msg);

    /* An event a command emits comes before its reply. */
    client_send(&c, "{\"execute\": \"test-event\", \"id\": 9}");
    msg = client_recv(&c);
    g_assert_cmpstr(json_object_get_string_member(msg, "event"), ==,
                    "TEST_EVENT");
    g_assert_cmpint(json_object_get_int_member(
                        json_object_get_object_member(msg, "data"), "n"),
                    ==, 1);
    json_object_unref(msg);
    msg = client_recv(&c);
    g_assert_true(json_object_has_member(msg, "return"));
    json_object_unref(msg);
    client_stop(&c);
}

/*
 * -qmp unix:PATH,server=on,wait=off: each client gets a fresh session;
 * what one left half-sent does not leak into the next.
 */
static void test_reconnect(void)
{
    g_autofree char *path = g_strdup_printf("%s/reconnect.qmp", tmp_dir);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    g_autofree char *greeting = NULL;
    TestClient c = { .rx = g_string_new(NULL) };

    g_assert_true(monitor_init_qmp_chardev(spec, &error_abort));
    g_assert_nonnull(qemu_chr_find("compat_monitor0"));

    c.fd = client_connect(path);
    greeting = client_recv_line(&c);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    assert_reply_raw(&c, "{\"execute\": \"qmp_capabilities\"}",
                     "{\"return\": {}}");
    client_send(&c, "{\"execute\": \"test-echo\", \"arguments\": {\"s\": \"");
    close(c.fd);

    c.fd = client_connect(path);
    g_free(client_recv_line(&c));
    assert_cmd_error(&c, "{\"execute\": \"query-status\"}",
                     "CommandNotFound", NOT_NEGOTIATED);
    assert_reply_raw(&c, "{\"execute\": \"qmp_capabilities\"}",
                     "{\"return\": {}}");
    client_stop(&c);
}

static void check_mon_error(bool qmp, const char *arg, const char *msg)
{
    Error *err = NULL;

    if (qmp) {
        g_assert_false(monitor_init_qmp_chardev(arg, &err));
    } else {
        g_assert_false(monitor_init_opts(arg, &err));
    }
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_mon_errors(void)
{
    TestClient c;

    client_start(&c, "mon0");
    check_mon_error(false, "chardev=nope,mode=control",
                    "chardev \"nope\" not found");
    check_mon_error(false, "mode=control", "Parameter 'chardev' is missing");
    check_mon_error(false, "chardev=mon0",
                    "Only QMP monitors are supported, use mode=control");
    check_mon_error(false, "chardev=mon0,mode=readline",
                    "Only QMP monitors are supported, use mode=control");
    check_mon_error(false, "chardev=mon0,mode=foo",
                    "Parameter 'mode' does not accept value 'foo'");
    check_mon_error(false, "chardev=mon0,mode=control,pretty=on",
                    "Invalid parameter 'pretty'");
    check_mon_error(false, "chardev=mon0,mode=control",
                    "Device 'mon0' is in use");
    check_mon_error(true, "bogus:x", "chardev: unknown backend 'bogus'");
    check_mon_error(true, "unix:/nonexistent/dir/q.qmp",
                    "Failed to connect to '/nonexistent/dir/q.qmp': "
                    "No such file or directory");
    /* The implied key of -mon is chardev. */
    check_mon_error(false, "nope,mode=control", "chardev \"nope\" not found");
    client_stop(&c);
}

/*
 * Write @req to the monitor until it stops taking input, running the
 * main loop in between; returns how many went in whole.  A request cut
 * by a full socket is completed, blocking, so that the stream stays
 * well formed.
 */
static int client_flood(TestClient *c, const char *req, int max)
{
    size_t len = strlen(req);
    int sent = 0, i;

    while (sent < max) {
        ssize_t n = write(c->fd, req, len);

        if (n < 0) {
            g_assert_cmpint(errno, ==, EAGAIN);
            /* Give the monitor a chance to take more. */
            for (i = 0; i < 3; i++) {
                main_loop_wait(true);
            }
            n = write(c->fd, req, len);
            if (n < 0) {
                g_assert_cmpint(errno, ==, EAGAIN);
                break;
            }
        }
        g_assert_cmpint(n, ==, len);
        sent++;
        main_loop_wait(true);
    }
    return sent;
}

/*
 * A client that stops reading: its replies queue up to a bound, then the
 * monitor reads no more of its requests (the main loop never blocks on
 * it), events for it are dropped past a larger bound, other clients are
 * served meanwhile, and once it reads again it gets every reply, in
 * order.
 */
static void test_slow_reader(void)
{
    g_autofree char *big = g_strnfill(1000, 'x');
    g_autofree char *req = g_strdup_printf(
        "{\"execute\": \"test-echo\", \"arguments\": {\"s\": \"%s\"}}", big);
    g_autoptr(JsonObject) data = json_object_new();
    TestClient c, other;
    int sent, replies = 0, events = 0, i;
    int64_t deadline;

    client_start_negotiated(&c, "slow");
    /* Each reply is about 1 KiB: a few MiB would go without the bound. */
    sent = client_flood(&c, req, 10000);
    g_test_message("%d requests taken before the monitor paused", sent);
    g_assert_cmpint(sent, <, 10000);

    /* 4 MiB of events: most of them are dropped. */
    json_object_set_string_member(data, "s", big);
    for (i = 0; i < 4096; i++) {
        qmp_send_event("TEST_EVENT", data);
    }

    /* Another client is served meanwhile. */
    client_start_negotiated(&other, "other");
    assert_reply_raw(&other, "{\"execute\": \"test-echo\"}",
                     "{\"return\": {}}");
    close(other.fd);
    g_string_free(other.rx, TRUE);
    g_free(other.path);

    /* Reading again: every request is answered, in order. */
    deadline = get_clock() + 20 * NANOSECONDS_PER_SECOND;
    while (replies < sent) {
        g_autoptr(JsonObject) rsp = client_recv(&c);

        g_assert_cmpint(get_clock(), <, deadline);
        if (json_object_has_member(rsp, "event")) {
            events++;
            continue;
        }
        g_assert_cmpstr(json_object_get_string_member(
                            json_object_get_object_member(rsp, "return"),
                            "s"), ==, big);
        replies++;
    }
    g_test_message("%d of 4096 events queued", events);
    g_assert_cmpint(events, >, 0);
    g_assert_cmpint(events, <, 2048);
    assert_reply_raw(&c, "{\"execute\": \"test-echo\"}", "{\"return\": {}}");
    client_stop(&c);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) gerr = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    tmp_dir = g_dir_make_tmp("test-qmp-XXXXXX", &gerr);
    g_assert_no_error(gerr);
    bql_lock();

    qmp_register_command("test-echo", qmp_test_echo, QCO_NO_OPTIONS);
    qmp_register_command("test-fail", qmp_test_fail, QCO_NO_OPTIONS);
    qmp_register_command("test-event", qmp_test_event, QCO_NO_OPTIONS);

    g_test_add_func("/qmp/greeting", test_greeting);
    g_test_add_func("/qmp/negotiation", test_negotiation);
    g_test_add_func("/qmp/commands", test_commands);
    g_test_add_func("/qmp/id", test_id);
    g_test_add_func("/qmp/bad-requests", test_bad_requests);
    g_test_add_func("/qmp/bad-json", test_bad_json);
    g_test_add_func("/qmp/token-limit", test_token_limit);
    g_test_add_func("/qmp/size-limit", test_size_limit);
    g_test_add_func("/qmp/split-writes", test_split_writes);
    g_test_add_func("/qmp/merged-writes", test_merged_writes);
    g_test_add_func("/qmp/strings", test_strings);
    g_test_add_func("/qmp/events", test_events);
    g_test_add_func("/qmp/reconnect", test_reconnect);
    g_test_add_func("/qmp/slow-reader", test_slow_reader);
    g_test_add_func("/qmp/mon-errors", test_mon_errors);
    ret = g_test_run();

    bql_unlock();
    rmdir(tmp_dir);
    g_free(tmp_dir);
    return ret;
}
