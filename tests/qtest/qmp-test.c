/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP as libqtest sees it: the greeting, capabilities negotiation, a query,
 * errors that leave the session usable, command ids and events, and the
 * queries libqtest and libqos rely on (qom-list-types,
 * query-memory-size-summary).  Error texts are QEMU's.
 */

#include "qemu/osdep.h"

#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "libqtest.h"

#define QMP_ARGS "-M q35"

static const char *error_class(JsonObject *rsp)
{
    JsonObject *error = json_object_get_object_member(rsp, "error");

    g_assert_nonnull(error);
    return json_object_get_string_member_with_default(error, "class", NULL);
}

static void assert_member_type(JsonObject *obj, const char *name,
                               GType type)
{
    JsonNode *node = json_object_get_member(obj, name);

    g_assert_nonnull(node);
    g_assert_true(JSON_NODE_HOLDS_VALUE(node));
    g_assert_true(json_node_get_value_type(node) == type);
}

static void assert_query_status(QTestState *s)
{
    JsonObject *ret = qtest_qmp_assert_success_ref(s,
        "{ 'execute': 'query-status' }");
    const char *status;

    g_assert_nonnull(ret);
    assert_member_type(ret, "status", G_TYPE_STRING);
    assert_member_type(ret, "running", G_TYPE_BOOLEAN);
    status = json_object_get_string_member(ret, "status");
    g_assert_cmpint(json_object_get_boolean_member(ret, "running"), ==,
                    strcmp(status, "running") == 0);
    json_object_unref(ret);
}

/*
 * The greeting's version is what -version prints, as in QEMU: "QEMU
 * emulator version MAJOR.MINOR.MICRO (PACKAGE)".
 */
static void assert_version_matches(JsonObject *version)
{
    JsonObject *qemu = json_object_get_object_member(version, "qemu");
    const char *argv[] = { qtest_qemu_binary(), "-version", NULL };
    g_autofree char *out = NULL;
    g_autofree char *expected = NULL;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, NULL, NULL));
    expected = g_strdup_printf(
        "QEMU emulator version %" PRId64 ".%" PRId64 ".%" PRId64 " (%s)\n",
        json_object_get_int_member(qemu, "major"),
        json_object_get_int_member(qemu, "minor"),
        json_object_get_int_member(qemu, "micro"),
        json_object_get_string_member(version, "package"));
    if (!g_str_has_prefix(out, expected)) {
        g_error("-version says '%s', the greeting '%s'", out, expected);
    }
}

static void test_greeting(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(QMP_ARGS);
    JsonObject *rsp = qtest_qmp_receive(s);
    JsonObject *qmp, *version, *qemu;
    JsonArray *caps;
    JsonObject *ret;

    /* {"QMP": {"version": {"qemu": {major, minor, micro}, "package"},
     *  "capabilities": [...]}} */
    qmp = json_object_get_object_member(rsp, "QMP");
    g_assert_nonnull(qmp);
    version = json_object_get_object_member(qmp, "version");
    g_assert_nonnull(version);
    qemu = json_object_get_object_member(version, "qemu");
    g_assert_nonnull(qemu);
    assert_member_type(qemu, "major", G_TYPE_INT64);
    assert_member_type(qemu, "minor", G_TYPE_INT64);
    assert_member_type(qemu, "micro", G_TYPE_INT64);
    assert_member_type(version, "package", G_TYPE_STRING);
    caps = json_object_get_array_member(qmp, "capabilities");
    g_assert_nonnull(caps);
    assert_version_matches(version);
    json_object_unref(rsp);

    /* Before negotiation, commands are refused... */
    rsp = qtest_qmp(s, "{ 'execute': 'query-status' }");
    qmp_expect_error_and_unref(rsp, "CommandNotFound");

    /* ...negotiation returns an empty object... */
    ret = qtest_qmp_assert_success_ref(s,
        "{ 'execute': 'qmp_capabilities' }");
    g_assert_nonnull(ret);
    g_assert_cmpuint(json_object_get_size(ret), ==, 0);
    json_object_unref(ret);

    /* ...and happens once. */
    rsp = qtest_qmp(s, "{ 'execute': 'qmp_capabilities' }");
    qmp_expect_error_and_unref(rsp, "CommandNotFound");

    assert_query_status(s);
    qtest_quit(s);
}

static void test_query_status(void)
{
    QTestState *s = qtest_init(QMP_ARGS);

    assert_query_status(s);
    assert_query_status(s);
    qtest_quit(s);
}

static void test_unknown_command(void)
{
    QTestState *s = qtest_init(QMP_ARGS);
    JsonObject *rsp;

    rsp = qtest_qmp(s, "{ 'execute': 'no-such-command' }");
    g_assert_cmpstr(error_class(rsp), ==, "CommandNotFound");
    g_assert_true(qmp_rsp_is_err(rsp));

    assert_query_status(s);
    qtest_quit(s);
}

static void test_bad_input(void)
{
    QTestState *s = qtest_init(QMP_ARGS);
    JsonObject *rsp;

    /* Not JSON: a member without a value. */
    qtest_qmp_send_raw(s, "{ \"execute\" }\n");
    rsp = qtest_qmp_receive(s);
    qmp_expect_error_and_unref(rsp, "GenericError");

    /* JSON, but not an object. */
    qtest_qmp_send_raw(s, "[ 1, 2 ]\n");
    rsp = qtest_qmp_receive(s);
    qmp_expect_error_and_unref(rsp, "GenericError");

    /* A duplicate key is refused, not "the last one wins" (quit). */
    qtest_qmp_send_raw(s, "{ \"execute\": \"query-status\", "
                       "\"execute\": \"quit\" }\n");
    rsp = qtest_qmp_receive(s);
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(rsp, "error"), "desc"),
                    ==, "JSON parse error, duplicate key");
    qmp_expect_error_and_unref(rsp, "GenericError");

    assert_query_status(s);
    qtest_quit(s);
}

/*
 * Requests of the wrong shape: each gets QEMU's error and the session goes
 * on.  Sent raw, so that libqtest's JSON check does not stop them.
 */
static void test_bad_requests(void)
{
    static const struct {
        const char *request;
        const char *desc;
    } cases[] = {
        { "{ \"execute\": 5 }",
          "QMP input member 'execute' must be a string" },
        { "{ \"execute\": \"query-status\", \"arguments\": 5 }",
          "QMP input member 'arguments' must be an object" },
        { "{ \"execute\": \"query-status\", \"arguments\": [ 1 ] }",
          "QMP input member 'arguments' must be an object" },
        { "{ \"execute\": \"query-status\", \"arguments\": null }",
          "QMP input member 'arguments' must be an object" },
        { "{ \"execute\": \"query-status\", \"extra\": 1 }",
          "QMP input member 'extra' is unexpected" },
        { "\"string\"", "QMP input must be a JSON object" },
        { "12345678901234567890123456789",
          "QMP input must be a JSON object" },
        { "{ \"execute\": \"query-status\", \"arguments\": "
          "{ \"bogus\": 1 } }", "Parameter 'bogus' is unexpected" },
    };
    QTestState *s = qtest_init(QMP_ARGS);
    g_autoptr(GString) deep = g_string_new("{ \"execute\": "
                                           "\"query-status\", \"id\": ");
    JsonObject *rsp, *error;
    int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        qtest_qmp_send_raw(s, "%s\n", cases[i].request);
        rsp = qtest_qmp_receive(s);
        g_assert_cmpstr(error_class(rsp), ==, "GenericError");
        error = json_object_get_object_member(rsp, "error");
        g_assert_cmpstr(json_object_get_string_member(error, "desc"), ==,
                        cases[i].desc);
        json_object_unref(rsp);
    }

    /* Nesting deeper than any parser should follow. */
    for (i = 0; i < 2000; i++) {
        g_string_append_c(deep, '[');
    }
    for (i = 0; i < 2000; i++) {
        g_string_append_c(deep, ']');
    }
    g_string_append(deep, " }\n");
    qtest_qmp_send_raw(s, "%s", deep->str);
    rsp = qtest_qmp_receive(s);
    g_assert_cmpstr(error_class(rsp), ==, "GenericError");
    json_object_unref(rsp);
    /*
     * QEMU answers the rest of the brackets with more errors; the stream
     * is in step again at the reply that carries our id.
     */
    qtest_qmp_send(s, "{ 'execute': 'query-status', 'id': 'after' }");
    for (i = 0; i < 10000; i++) {
        rsp = qtest_qmp_receive(s);
        if (!g_strcmp0(json_object_get_string_member_with_default(
                           rsp, "id", NULL), "after")) {
            break;
        }
        g_assert_cmpstr(error_class(rsp), ==, "GenericError");
        json_object_unref(rsp);
        rsp = NULL;
    }
    g_assert_nonnull(rsp);
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);

    assert_query_status(s);
    qtest_quit(s);
}

/* query-memory-size-summary: the RAM given with -m, nothing plugged. */
static void test_memory_size_summary(void)
{
    QTestState *s = qtest_init(QMP_ARGS " -m 256M");
    JsonObject *ret = qtest_qmp_assert_success_ref(s,
        "{ 'execute': 'query-memory-size-summary' }");

    g_assert_nonnull(ret);
    g_assert_cmpint(json_object_get_int_member(ret, "base-memory"), ==,
                    256 * 1024 * 1024);
    if (json_object_has_member(ret, "plugged-memory")) {
        g_assert_cmpint(json_object_get_int_member(ret, "plugged-memory"),
                        ==, 0);
    }
    json_object_unref(ret);
    qtest_quit(s);
}

/* The entry for type @name in qom-list-types reply @rsp, or NULL. */
static JsonObject *find_type(JsonObject *rsp, const char *name)
{
    JsonArray *list = json_object_get_array_member(rsp, "return");
    guint i;

    g_assert_nonnull(list);
    for (i = 0; i < json_array_get_length(list); i++) {
        JsonObject *type = json_array_get_object_element(list, i);

        if (!g_strcmp0(json_object_get_string_member_with_default(
                           type, "name", NULL), name)) {
            return type;
        }
    }
    return NULL;
}

/*
 * qom-list-types: [{"name", "parent", "abstract" only when true}];
 * "implements" filters, abstract types only with "abstract": true.
 */
static void test_qom_list_types(void)
{
    QTestState *s = qtest_init(QMP_ARGS);
    JsonObject *rsp, *type;

    rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types', 'arguments': "
                    "{ 'implements': 'pci-device' } }");
    type = find_type(rsp, "pci-testdev");
    g_assert_nonnull(type);
    g_assert_cmpstr(json_object_get_string_member(type, "parent"), ==,
                    "pci-device");
    g_assert_false(json_object_has_member(type, "abstract"));
    g_assert_null(find_type(rsp, "pci-device"));
    g_assert_null(find_type(rsp, "ioapic"));
    json_object_unref(rsp);

    rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types', 'arguments': "
                    "{ 'implements': 'pci-device', 'abstract': true } }");
    type = find_type(rsp, "pci-device");
    g_assert_nonnull(type);
    g_assert_true(json_object_get_boolean_member(type, "abstract"));
    g_assert_cmpstr(json_object_get_string_member(type, "parent"), ==,
                    "device");
    json_object_unref(rsp);

    rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types', 'arguments': "
                    "{ 'implements': 'no-such-type' } }");
    g_assert_cmpuint(json_array_get_length(
                         json_object_get_array_member(rsp, "return")), ==, 0);
    json_object_unref(rsp);

    rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types', 'arguments': "
                    "{ 'implements': 5 } }");
    qmp_expect_error_and_unref(rsp, "GenericError");
    rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types', 'arguments': "
                    "{ 'abstract': 'yes' } }");
    qmp_expect_error_and_unref(rsp, "GenericError");
    qtest_quit(s);
}

/* An "id" comes back as it was sent; also checks libqtest's formatting. */
static void test_id(void)
{
    static const char *const ids[] = {
        "plain", "with \"double\" and 'single' quotes", "back\\slash",
        "tab\tnewline\n", "%s %d",
    };
    QTestState *s = qtest_init(QMP_ARGS);
    JsonObject *rsp;
    JsonNode *id;
    int i;

    for (i = 0; i < ARRAY_SIZE(ids); i++) {
        rsp = qtest_qmp(s, "{ 'execute': 'query-status', 'id': %s }",
                        ids[i]);
        g_assert_true(json_object_has_member(rsp, "return"));
        g_assert_cmpstr(json_object_get_string_member_with_default(
                            rsp, "id", NULL), ==, ids[i]);
        json_object_unref(rsp);
    }

    rsp = qtest_qmp(s, "{ 'execute': %s, 'id': %d }", "query-status", 42);
    id = json_object_get_member(rsp, "id");
    g_assert_nonnull(id);
    g_assert_cmpint(json_node_get_int(id), ==, 42);
    json_object_unref(rsp);

    rsp = qtest_qmp(s, "{ 'execute': 'query-status', "
                    "'id': { 'n': %" PRId64 ", 'b': %i, 'q': 'it\\'s' } }",
                    INT64_C(-5000000000), true);
    id = json_object_get_member(rsp, "id");
    g_assert_nonnull(id);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(id));
    g_assert_cmpint(json_object_get_int_member(json_node_get_object(id),
                                               "n"), ==, -5000000000LL);
    g_assert_true(json_object_get_boolean_member(json_node_get_object(id),
                                                 "b"));
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(id),
                                                  "q"), ==, "it's");
    json_object_unref(rsp);
    qtest_quit(s);
}

/*
 * system_powerdown emits POWERDOWN, before or after its reply: either way
 * qtest_qmp() queues it and qtest_qmp_eventwait() finds it.
 */
static void test_events(void)
{
    QTestState *s = qtest_init(QMP_ARGS);
    JsonObject *rsp, *event;

    rsp = qtest_qmp(s, "{ 'execute': 'system_powerdown' }");
    if (qmp_rsp_is_err(rsp)) {
        qtest_quit(s);
        g_test_skip("no system_powerdown command");
        return;
    }
    g_assert_null(qtest_qmp_event_ref(s, "NO_SUCH_EVENT"));
    event = qtest_qmp_eventwait_ref(s, "POWERDOWN");
    g_assert_cmpstr(json_object_get_string_member(event, "event"), ==,
                    "POWERDOWN");
    g_assert_true(json_object_has_member(event, "timestamp"));
    json_object_unref(event);
    /* Taken: not queued any more. */
    g_assert_null(qtest_qmp_event_ref(s, "POWERDOWN"));

    assert_query_status(s);
    qtest_quit(s);
}

/*
 * A second QMP client floods the emulator with requests and never reads
 * a reply: the emulator must not block on it.  qtest and the first
 * QMP client are answered meanwhile.  (It stops reading the flooder's
 * requests, so the flood ends with a full socket.)
 */
static void test_slow_reader(void)
{
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *path = g_strdup_printf("%s/flood.qmp", dir);
    const char *req = "{\"execute\": \"qom-list-types\"}\n";
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    QTestState *s;
    JsonObject *rsp;
    JsonNode *node;
    g_autofree char *text = NULL;
    int fd, sent, max, tries = 0;

    s = qtest_initf(QMP_ARGS " -qmp unix:%s,server=on,wait=off", path);
    /* Enough requests for 4 MiB of replies: no socket buffer takes it. */
    rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types' }");
    node = json_node_init_object(json_node_alloc(), rsp);
    text = json_to_string(node, false);
    max = 4 * 1024 * 1024 / strlen(text) + 1;
    json_node_unref(node);
    json_object_unref(rsp);

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    g_assert_true(g_unix_set_fd_nonblocking(fd, TRUE, NULL));
    g_assert_cmpint(write(fd, "{\"execute\": \"qmp_capabilities\"}", 31),
                    ==, 31);

    for (sent = 0; sent < max && tries < 50; ) {
        ssize_t n = write(fd, req, strlen(req));

        if (n < 0) {
            g_assert_cmpint(errno, ==, EAGAIN);
            tries++;
            g_usleep(10 * 1000);
            continue;
        }
        /* A partial request stays partial: the session is not reused. */
        sent++;
        tries = 0;
    }
    g_test_message("%d requests written", sent);

    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0);
    qtest_writel(s, 0x1000, 0x5a5a5a5a);
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0x5a5a5a5a);
    assert_query_status(s);
    close(fd);
    assert_query_status(s);
    qtest_quit(s);
    unlink(path);
    rmdir(dir);
}

/* The event @name came, with QEMU's data for a host request @reason. */
static void assert_host_event(QTestState *s, const char *name,
                              const char *reason)
{
    JsonObject *event = qtest_qmp_eventwait_ref(s, name);
    JsonObject *data = json_object_get_object_member(event, "data");

    g_assert_nonnull(data);
    g_assert_false(json_object_get_boolean_member(data, "guest"));
    g_assert_cmpstr(json_object_get_string_member(data, "reason"), ==,
                    reason);
    json_object_unref(event);
}

/* system_reset sends RESET and quit sends SHUTDOWN, as QEMU does. */
static void test_shutdown_events(void)
{
    QTestState *s = qtest_init(QMP_ARGS);

    qtest_qmp_assert_success(s, "{ 'execute': 'system_reset' }");
    assert_host_event(s, "RESET", "host-qmp-system-reset");
    qtest_qmp_assert_success(s, "{ 'execute': 'quit' }");
    assert_host_event(s, "SHUTDOWN", "host-qmp-quit");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/qmp/greeting", test_greeting);
    g_test_add_func("/x86_64/qmp/query-status", test_query_status);
    g_test_add_func("/x86_64/qmp/unknown-command", test_unknown_command);
    g_test_add_func("/x86_64/qmp/bad-input", test_bad_input);
    g_test_add_func("/x86_64/qmp/bad-requests", test_bad_requests);
    g_test_add_func("/x86_64/qmp/memory-size-summary",
                    test_memory_size_summary);
    g_test_add_func("/x86_64/qmp/qom-list-types", test_qom_list_types);
    g_test_add_func("/x86_64/qmp/id", test_id);
    g_test_add_func("/x86_64/qmp/events", test_events);
    g_test_add_func("/x86_64/qmp/slow-reader", test_slow_reader);
    g_test_add_func("/x86_64/qmp/shutdown-events", test_shutdown_events);

    return g_test_run();
}
