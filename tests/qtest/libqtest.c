/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: drive an emulator through the qtest protocol and QMP.
 *
 * A QTestState lives in 5 steps:
 * 1. listen on <tmpdir>/qtest-<pid>.sock (qtest) and .qmp (QMP);
 * 2. fork; the child asks for SIGKILL when the test process dies, then
 *    execs the emulator through /bin/sh (the extra arguments are shell
 *    words), behind $QTEST_QEMU_WRAPPER when that is set;
 * 3. accept both connections within 50 s, then remove the socket files;
 * 4. "endianness"; read the QMP greeting; "qmp_capabilities";
 * 5. qtest_quit(): SIGTERM, wait up to 30 s, SIGKILL; check the status.
 *
 * A test that aborts (failed assertion, g_error) kills its emulators from
 * a SIGABRT handler; one that exits does so from atexit().
 */

#include "qemu/osdep.h"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "libqtest.h"

#define QTEST_ACCEPT_TIMEOUT_S  50
#define QTEST_QUIT_TIMEOUT_S    30

struct QTestState {
    QTestState *next;           /* in qtest_instances */
    pid_t qemu_pid;             /* -1 once reaped */
    int wstatus;                /* valid once reaped */
    bool killed_after_timeout;
    int expected_status;
    int fd;                     /* qtest socket */
    int qmp_fd;
    bool big_endian;
    bool clock_controllable;
    bool irq_level[QTEST_MAX_IRQ];
    GString *rx;                /* received qtest bytes not yet consumed */
    GString *qmp_rx;            /* received QMP bytes not yet parsed */
    GQueue events;              /* of JsonObject *, oldest first */
    char *last_cmd;             /* for error messages */
    /* In-process server (qtest_inproc_init()): where commands go. */
    void (*inproc_send)(void *opaque, const char *buf);
};

/*
 * Every started emulator, for the abort and exit hooks.  Updated only
 * outside signal handlers, by single pointer stores, so the SIGABRT
 * handler always sees a well-formed list.
 */
static QTestState *volatile qtest_instances;

static bool qtest_log_enabled(void)
{
    const char *log = getenv("QTEST_LOG");

    return log && *log && strcmp(log, "0") != 0;
}

/*
 * Async-signal-safe: kill() and waitpid() only.  Reaping matters where
 * nothing else would, e.g. in containers whose init does not.
 */
static void qtest_kill_all(void)
{
    QTestState *s;

    for (s = qtest_instances; s; s = s->next) {
        if (s->qemu_pid > 0) {
            kill(s->qemu_pid, SIGKILL);
            waitpid(s->qemu_pid, NULL, 0);
            s->qemu_pid = -1;
        }
    }
}

/* abort() raises SIGABRT again with the default action once we return. */
static void qtest_sigabrt_handler(int signo)
{
    qtest_kill_all();
}

static void qtest_atexit(void)
{
    qtest_kill_all();
}

static void qtest_install_hooks(void)
{
    static bool installed;
    struct sigaction sa = {
        .sa_handler = qtest_sigabrt_handler,
    };

    if (installed) {
        return;
    }
    installed = true;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGABRT, &sa, NULL);
    atexit(qtest_atexit);
}

static void qtest_register(QTestState *s)
{
    s->next = qtest_instances;
    qtest_instances = s;
}

static void qtest_unregister(QTestState *s)
{
    QTestState *volatile *p;

    for (p = &qtest_instances; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            return;
        }
    }
}

const char *qtest_qemu_binary(void)
{
    const char *bin = getenv("QTEST_QEMU_BINARY");

    if (bin && *bin) {
        return bin;
    }
    bin = getenv("QTEST_QEMU_BINARY_DEFAULT");
    if (bin && *bin) {
        if (access(bin, X_OK) == 0) {
            return bin;
        }
        fprintf(stderr, "libqtest: QTEST_QEMU_BINARY is not set and the "
                "default emulator %s does not exist; build it or set "
                "QTEST_QEMU_BINARY (e.g. to /usr/bin/qemu-system-x86_64)\n",
                bin);
        exit(1);
    }
    fprintf(stderr, "libqtest: environment variable QTEST_QEMU_BINARY is "
            "required, e.g. QTEST_QEMU_BINARY=./qemu-system-x86_64\n");
    exit(1);
}

const char *qtest_qemu_wrapper(void)
{
    const char *wrapper = getenv("QTEST_QEMU_WRAPPER");

    return wrapper && *wrapper ? wrapper : NULL;
}

bool qtest_has_accel(const char *name)
{
    static char **accels;

    if (!accels) {
        g_autofree char *cmd = g_strdup_printf("%s -accel help",
                                               qtest_qemu_binary());
        g_auto(GStrv) argv = NULL;
        g_autofree char *out = NULL;
        g_auto(GStrv) lines = NULL;
        GPtrArray *names = g_ptr_array_new();
        int i;

        if (g_shell_parse_argv(cmd, NULL, &argv, NULL) &&
            g_spawn_sync(NULL, argv, NULL,
                         G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, &out, NULL, NULL, NULL)) {
            /* "Accelerators supported in QEMU binary:" then one a line. */
            lines = g_strsplit(out, "\n", -1);
            for (i = 0; lines[i]; i++) {
                char *word = g_strstrip(lines[i]);

                if (*word && !g_str_has_suffix(word, ":")) {
                    g_ptr_array_add(names, g_strdup(word));
                }
            }
        }
        g_ptr_array_add(names, NULL);
        accels = (char **)g_ptr_array_free(names, false);
    }
    if (!accels[0]) {
        return strcmp(name, "qtest") == 0;
    }
    return g_strv_contains((const char * const *)accels, name);
}

/*
 * Failure of the emulator or of the protocol: say what happened, with the
 * child's fate when it is already gone, and abort (which kills the rest).
 */
static void G_GNUC_PRINTF(2, 3) G_GNUC_NORETURN
qtest_die(QTestState *s, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    g_autofree char *fate = NULL;
    va_list ap;
    int i;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    /* Give a crashing child a moment to finish dying, to report why. */
    for (i = 0; i < 100 && qtest_probe_child(s); i++) {
        g_usleep(10 * 1000);
    }
    if (s->qemu_pid > 0) {
        fate = g_strdup("still running");
    } else if (WIFEXITED(s->wstatus)) {
        fate = g_strdup_printf("exited with status %d",
                               WEXITSTATUS(s->wstatus));
    } else {
        fate = g_strdup_printf("killed by signal %d (%s)",
                               WTERMSIG(s->wstatus),
                               strsignal(WTERMSIG(s->wstatus)));
    }
    g_error("libqtest: %s (last qtest command: '%s'; emulator %s)", msg,
            s->last_cmd ? s->last_cmd : "", fate);
}

static int qtest_socket_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    g_assert(strlen(path) < sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    /* CLOEXEC: a later emulator must not hold this one's sockets open. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert(fd >= 0);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        g_error("libqtest: cannot listen on %s: %s", path, strerror(errno));
    }
    return fd;
}

/* Poll in slices so that an emulator dying at start-up is noticed. */
static int qtest_socket_accept(QTestState *s, int listen_fd, const char *what)
{
    gint64 deadline = g_get_monotonic_time() +
                      QTEST_ACCEPT_TIMEOUT_S * G_USEC_PER_SEC;

    for (;;) {
        struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
        int ret = poll(&pfd, 1, 100);

        if (ret > 0) {
            int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                return fd;
            }
            if (errno != EINTR && errno != EAGAIN) {
                g_error("libqtest: accept: %s", strerror(errno));
            }
        } else if (ret < 0 && errno != EINTR) {
            g_error("libqtest: poll: %s", strerror(errno));
        }
        if (!qtest_probe_child(s)) {
            qtest_die(s, "emulator ended before connecting to the %s socket",
                      what);
        }
        if (g_get_monotonic_time() > deadline) {
            qtest_die(s, "emulator did not connect to the %s socket "
                      "within %d s", what, QTEST_ACCEPT_TIMEOUT_S);
        }
    }
}

static pid_t qtest_spawn(const char *cmd)
{
    pid_t parent = getpid();
    pid_t pid = fork();

    g_assert(pid >= 0);
    if (pid == 0) {
        /* Die with the test, whatever ends it (meson's timeout too). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(1);
        }
        /* The test's stdout is its TAP stream: keep the emulator off it. */
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void qtest_send_all(QTestState *s, int fd, const char *buf,
                           size_t len)
{
    while (len) {
        /* MSG_NOSIGNAL: a dead emulator must not kill us with SIGPIPE. */
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            qtest_die(s, "cannot send to the emulator: %s", strerror(errno));
        }
        buf += n;
        len -= n;
    }
}

static void G_GNUC_PRINTF(2, 0)
qtest_vsendf(QTestState *s, const char *fmt, va_list ap)
{
    g_free(s->last_cmd);
    s->last_cmd = g_strdup_vprintf(fmt, ap);
    if (s->inproc_send) {
        g_autofree char *line = g_strconcat(s->last_cmd, "\n", NULL);

        if (qtest_log_enabled()) {
            fprintf(stderr, "%s", line);
        }
        s->inproc_send(s, line);
        return;
    }
    qtest_send_all(s, s->fd, s->last_cmd, strlen(s->last_cmd));
    qtest_send_all(s, s->fd, "\n", 1);
}

static void G_GNUC_PRINTF(2, 3)
qtest_sendf(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_vsendf(s, fmt, ap);
    va_end(ap);
}

/* Append what the emulator sent on @fd to @buf; false at end of file. */
static bool qtest_receive(QTestState *s, int fd, GString *buf)
{
    char chunk[4096];

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n > 0) {
            g_string_append_len(buf, chunk, n);
            return true;
        }
        if (n == 0 || errno == ECONNRESET) {
            return false;
        }
        if (errno != EINTR) {
            qtest_die(s, "cannot read from the emulator: %s",
                      strerror(errno));
        }
    }
}

/* Next line from the qtest socket, without '\n'; NULL at end of file. */
static char *qtest_read_line(QTestState *s)
{
    for (;;) {
        char *nl = memchr(s->rx->str, '\n', s->rx->len);

        if (nl) {
            size_t len = nl - s->rx->str;
            char *line = g_strndup(s->rx->str, len);

            g_string_erase(s->rx, 0, len + 1);
            return line;
        }
        /* An in-process server has answered before the send returned. */
        if (s->inproc_send || !qtest_receive(s, s->fd, s->rx)) {
            return NULL;
        }
    }
}

/*
 * The reply to the last command.  "IRQ raise N" / "IRQ lower N" lines may
 * come before it at any time after an intercept: record and skip them.
 */
static char *qtest_read_reply(QTestState *s)
{
    for (;;) {
        char *line = qtest_read_line(s);
        g_auto(GStrv) words = NULL;
        char *end;
        long irq;

        if (!line || !g_str_has_prefix(line, "IRQ ")) {
            return line;
        }
        words = g_strsplit(line, " ", 0);
        if (g_strv_length(words) != 3 ||
            (strcmp(words[1], "raise") && strcmp(words[1], "lower"))) {
            qtest_die(s, "malformed IRQ line '%s'", line);
        }
        irq = strtol(words[2], &end, 0);
        if (*end || irq < 0 || irq >= QTEST_MAX_IRQ) {
            qtest_die(s, "bad IRQ number in '%s'", line);
        }
        s->irq_level[irq] = words[1][0] == 'r';
        g_free(line);
    }
}

/* The reply must be "OK" followed by exactly @nargs words. */
static char **qtest_rsp_args(QTestState *s, int nargs)
{
    g_autofree char *line = qtest_read_reply(s);
    char **words;

    if (!line) {
        qtest_die(s, "emulator closed the qtest connection");
    }
    words = g_strsplit(line, " ", 0);
    if (strcmp(words[0], "OK") != 0 || g_strv_length(words) != nargs + 1) {
        qtest_die(s, "unexpected reply '%s'", line);
    }
    return words;
}

static void qtest_rsp(QTestState *s)
{
    g_strfreev(qtest_rsp_args(s, 0));
}

static uint64_t qtest_parse_u64(QTestState *s, const char *str)
{
    char *end;
    uint64_t val;

    errno = 0;
    val = g_ascii_strtoull(str, &end, 0);
    if (errno || end == str || *end) {
        qtest_die(s, "bad number '%s' in reply", str);
    }
    return val;
}

char *qtest_cmd_raw(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_vsendf(s, fmt, ap);
    va_end(ap);
    return qtest_read_reply(s);
}

char *qtest_cmd_raw_len(QTestState *s, const char *line, size_t len)
{
    g_free(s->last_cmd);
    s->last_cmd = g_strndup(line, len);
    qtest_send_all(s, s->fd, line, len);
    qtest_send_all(s, s->fd, "\n", 1);
    return qtest_read_reply(s);
}

bool qtest_probe_child(QTestState *s)
{
    if (s->qemu_pid <= 0) {
        return false;
    }
    if (waitpid(s->qemu_pid, &s->wstatus, WNOHANG) == s->qemu_pid) {
        s->qemu_pid = -1;
        return false;
    }
    return true;
}

pid_t qtest_pid(QTestState *s)
{
    return s->qemu_pid;
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    const char *bin = qtest_qemu_binary();
    QTestState *s = g_new0(QTestState, 1);
    g_autoptr(GError) err = NULL;
    g_autofree char *tmpdir = g_dir_make_tmp("qtest-XXXXXX", &err);
    g_autofree char *sock_path = NULL;
    g_autofree char *qmp_path = NULL;
    g_autofree char *q_bin = NULL;
    g_autofree char *q_sock = NULL;
    g_autofree char *q_qmp = NULL;
    g_autofree char *cmd = NULL;
    g_auto(GStrv) words = NULL;
    int sock_fd, qmp_fd;

    if (!tmpdir) {
        g_error("libqtest: cannot make a temporary directory: %s",
                err->message);
    }
    sock_path = g_strdup_printf("%s/qtest-%d.sock", tmpdir, getpid());
    qmp_path = g_strdup_printf("%s/qtest-%d.qmp", tmpdir, getpid());
    sock_fd = qtest_socket_listen(sock_path);
    qmp_fd = qtest_socket_listen(qmp_path);

    s->expected_status = 0;
    s->rx = g_string_new(NULL);
    s->qmp_rx = g_string_new(NULL);
    g_queue_init(&s->events);
    s->clock_controllable = qtest_has_accel("qtest");

    q_bin = g_shell_quote(bin);
    q_sock = g_shell_quote(sock_path);
    q_qmp = g_shell_quote(qmp_path);
    /*
     * Without the qtest accelerator, -S keeps the vCPUs from ever running
     * guest code, which is what the qtest accelerator guarantees.
     */
    cmd = g_strdup_printf("exec %s %s -qtest unix:%s -qtest-log %s "
                          "-chardev socket,path=%s,id=char0 "
                          "-mon chardev=char0,mode=control -display none "
                          "%s %s",
                          qtest_qemu_wrapper() ? qtest_qemu_wrapper() : "",
                          q_bin, q_sock,
                          qtest_log_enabled() ? "/dev/fd/2" : "/dev/null",
                          q_qmp, extra_args ? extra_args : "",
                          s->clock_controllable ? "-accel qtest"
                                                : "-accel tcg -S");
    if (qtest_log_enabled()) {
        fprintf(stderr, "libqtest: starting %s\n", cmd);
    }

    qtest_install_hooks();
    s->qemu_pid = qtest_spawn(cmd);
    qtest_register(s);

    s->fd = qtest_socket_accept(s, sock_fd, "qtest");
    s->qmp_fd = qtest_socket_accept(s, qmp_fd, "QMP");
    close(sock_fd);
    close(qmp_fd);
    unlink(sock_path);
    unlink(qmp_path);
    rmdir(tmpdir);

    qtest_sendf(s, "endianness");
    words = qtest_rsp_args(s, 1);
    s->big_endian = strcmp(words[1], "big") == 0;
    return s;
}

QTestState *qtest_inproc_init(void (*send)(void *opaque, const char *buf))
{
    QTestState *s = g_new0(QTestState, 1);

    s->qemu_pid = -1;
    s->fd = -1;
    s->qmp_fd = -1;
    s->rx = g_string_new(NULL);
    s->qmp_rx = g_string_new(NULL);
    g_queue_init(&s->events);
    s->clock_controllable = true;
    s->inproc_send = send;
    return s;
}

bool qtest_has_qmp(QTestState *s)
{
    return !s->inproc_send;
}

void qtest_client_inproc_recv(void *opaque, const char *str)
{
    QTestState *s = opaque;

    g_string_append(s->rx, str);
}

static void qtest_qmp_handshake(QTestState *s)
{
    JsonObject *greeting = qtest_qmp_receive(s);

    g_assert(json_object_has_member(greeting, "QMP"));
    json_object_unref(greeting);
    qtest_qmp_assert_success(s, "{ 'execute': 'qmp_capabilities' }");
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_init_without_qmp_handshake(extra_args);

    qtest_qmp_handshake(s);
    return s;
}

QTestState *qtest_vinitf(const char *fmt, va_list ap)
{
    g_autofree char *args = g_strdup_vprintf(fmt, ap);

    return qtest_init(args);
}

QTestState *qtest_initf(const char *fmt, ...)
{
    QTestState *s;
    va_list ap;

    va_start(ap, fmt);
    s = qtest_vinitf(fmt, ap);
    va_end(ap);
    return s;
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

static void qtest_kill_qemu(QTestState *s)
{
    gint64 deadline;

    if (!qtest_probe_child(s)) {
        return;
    }
    kill(s->qemu_pid, SIGTERM);
    deadline = g_get_monotonic_time() + QTEST_QUIT_TIMEOUT_S * G_USEC_PER_SEC;
    while (qtest_probe_child(s)) {
        if (g_get_monotonic_time() > deadline) {
            kill(s->qemu_pid, SIGKILL);
            waitpid(s->qemu_pid, &s->wstatus, 0);
            s->qemu_pid = -1;
            s->killed_after_timeout = true;
            break;
        }
        g_usleep(5 * 1000);
    }
}

/* NULL when the child ended as expected, else why not. */
static char *qtest_check_status(QTestState *s)
{
    if (s->killed_after_timeout) {
        return g_strdup_printf("did not exit within %d s of SIGTERM",
                               QTEST_QUIT_TIMEOUT_S);
    }
    if (s->expected_status == QTEST_EXIT_ANY) {
        return NULL;
    }
    if (WIFEXITED(s->wstatus)) {
        if (WEXITSTATUS(s->wstatus) == s->expected_status) {
            return NULL;
        }
        return g_strdup_printf("exited with status %d, expected %d",
                               WEXITSTATUS(s->wstatus), s->expected_status);
    }
    return g_strdup_printf("was killed by signal %d (%s)",
                           WTERMSIG(s->wstatus),
                           strsignal(WTERMSIG(s->wstatus)));
}

void qtest_quit(QTestState *s)
{
    g_autofree char *problem = NULL;

    qtest_kill_qemu(s);
    problem = qtest_check_status(s);
    qtest_unregister(s);
    close(s->fd);
    close(s->qmp_fd);
    g_queue_clear_full(&s->events, (GDestroyNotify)json_object_unref);
    g_string_free(s->rx, true);
    g_string_free(s->qmp_rx, true);
    g_free(s->last_cmd);
    g_free(s);

    if (problem) {
        /* Fail the running test but let the others (-k) run. */
        if (g_test_initialized()) {
            g_test_message("libqtest: the emulator %s", problem);
            g_test_fail();
        } else {
            fprintf(stderr, "libqtest: the emulator %s\n", problem);
            abort();
        }
    }
}

bool qtest_clock_controllable(QTestState *s)
{
    return s->clock_controllable;
}

bool qtest_big_endian(QTestState *s)
{
    return s->big_endian;
}

static uint64_t qtest_read(QTestState *s, const char *cmd, uint64_t addr)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "%s 0x%" PRIx64, cmd, addr);
    words = qtest_rsp_args(s, 1);
    return qtest_parse_u64(s, words[1]);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readb", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readw", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readl", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readq", addr);
}

static void qtest_write(QTestState *s, const char *cmd, uint64_t addr,
                        uint64_t value)
{
    qtest_sendf(s, "%s 0x%" PRIx64 " 0x%" PRIx64, cmd, addr, value);
    qtest_rsp(s);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write(s, "writeb", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write(s, "writew", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write(s, "writel", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write(s, "writeq", addr, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_auto(GStrv) words = NULL;
    uint8_t *bytes = data;
    const char *hex;
    size_t i;

    /* The protocol refuses "read ADDR 0". */
    if (!size) {
        return;
    }
    qtest_sendf(s, "read 0x%" PRIx64 " 0x%zx", addr, size);
    words = qtest_rsp_args(s, 1);
    hex = words[1];
    if (!g_str_has_prefix(hex, "0x") || strlen(hex) != 2 + 2 * size) {
        qtest_die(s, "read reply '%s' is not %zu bytes of hex", hex, size);
    }
    for (i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(hex[2 + 2 * i]);
        int lo = g_ascii_xdigit_value(hex[3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            qtest_die(s, "read reply '%s' is not hex", hex);
        }
        bytes[i] = hi << 4 | lo;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *bytes = data;
    GString *hex;
    size_t i;

    /* "write ADDR 0 0x" would be refused: data under 3 characters. */
    if (!size) {
        return;
    }
    hex = g_string_sized_new(2 * size + 1);
    for (i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", bytes[i]);
    }
    qtest_sendf(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, size, hex->str);
    g_string_free(hex, true);
    qtest_rsp(s);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_auto(GStrv) words = NULL;
    g_autofree uint8_t *decoded = NULL;
    gsize len;

    if (!size) {
        return;
    }
    qtest_sendf(s, "b64read 0x%" PRIx64 " 0x%zx", addr, size);
    words = qtest_rsp_args(s, 1);
    decoded = g_base64_decode(words[1], &len);
    if (len != size) {
        qtest_die(s, "b64read returned %zu bytes, not %zu", (size_t)len,
                  size);
    }
    memcpy(data, decoded, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    g_autofree char *b64 = NULL;

    if (!size) {
        return;
    }
    b64 = g_base64_encode(data, size);
    qtest_sendf(s, "b64write 0x%" PRIx64 " 0x%zx %s", addr, size, b64);
    qtest_rsp(s);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern,
                  size_t size)
{
    qtest_sendf(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x", addr, size,
                pattern);
    qtest_rsp(s);
}

static uint32_t qtest_in(QTestState *s, const char *cmd, uint16_t port)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "%s 0x%x", cmd, port);
    words = qtest_rsp_args(s, 1);
    return qtest_parse_u64(s, words[1]);
}

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return qtest_in(s, "inb", port);
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return qtest_in(s, "inw", port);
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return qtest_in(s, "inl", port);
}

static void qtest_out(QTestState *s, const char *cmd, uint16_t port,
                      uint32_t value)
{
    qtest_sendf(s, "%s 0x%x 0x%x", cmd, port, value);
    qtest_rsp(s);
}

void qtest_outb(QTestState *s, uint16_t port, uint8_t value)
{
    qtest_out(s, "outb", port, value);
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t value)
{
    qtest_out(s, "outw", port, value);
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t value)
{
    qtest_out(s, "outl", port, value);
}

static int64_t qtest_clock_rsp(QTestState *s)
{
    g_auto(GStrv) words = NULL;
    char *end;
    int64_t ns;

    words = qtest_rsp_args(s, 1);
    ns = g_ascii_strtoll(words[1], &end, 0);
    if (*end) {
        qtest_die(s, "bad clock value '%s'", words[1]);
    }
    return ns;
}

static void qtest_assert_clock(QTestState *s)
{
    if (!s->clock_controllable) {
        g_error("libqtest: the virtual clock is not controllable without "
                "-accel qtest; check qtest_clock_controllable() first");
    }
}

int64_t qtest_clock_step(QTestState *s, int64_t step)
{
    qtest_assert_clock(s);
    qtest_sendf(s, "clock_step %" PRIi64, step);
    return qtest_clock_rsp(s);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    qtest_assert_clock(s);
    qtest_sendf(s, "clock_step");
    return qtest_clock_rsp(s);
}

int64_t qtest_clock_set(QTestState *s, int64_t val)
{
    qtest_assert_clock(s);
    qtest_sendf(s, "clock_set %" PRIi64, val);
    return qtest_clock_rsp(s);
}

void qtest_irq_intercept_in(QTestState *s, const char *qom_path)
{
    qtest_sendf(s, "irq_intercept_in %s", qom_path);
    qtest_rsp(s);
}

void qtest_irq_intercept_out(QTestState *s, const char *qom_path)
{
    qtest_sendf(s, "irq_intercept_out %s", qom_path);
    qtest_rsp(s);
}

bool qtest_get_irq(QTestState *s, int num)
{
    g_auto(GStrv) words = NULL;

    g_assert(num >= 0 && num < QTEST_MAX_IRQ);
    /*
     * A harmless round trip: its reply comes after every IRQ line caused
     * by earlier commands.
     */
    qtest_sendf(s, "endianness");
    words = qtest_rsp_args(s, 1);
    return s->irq_level[num];
}

void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level)
{
    qtest_sendf(s, "set_irq_in %s %s %d %d", qom_path,
                name ? name : "unnamed-gpio-in", num, level);
    qtest_rsp(s);
}

/*
 * QMP messages are JSON objects, one after the other.  Find where the
 * first complete one ends: track nesting, skipping string contents.
 * Returns 0 while it is incomplete.
 */
static size_t qmp_message_end(QTestState *s, const GString *buf)
{
    bool in_string = false;
    bool escaped = false;
    int depth = 0;
    size_t i;

    for (i = 0; i < buf->len; i++) {
        char c = buf->str[i];

        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (depth == 0 && g_ascii_isspace(c)) {
            continue;
        }
        if (depth == 0 && c != '{') {
            qtest_die(s, "QMP sent '%c' outside of a JSON object", c);
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '{':
        case '[':
            depth++;
            break;
        case '}':
        case ']':
            if (--depth == 0) {
                return i + 1;
            }
            break;
        }
    }
    return 0;
}

static char *qmp_object_to_string(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);

    return json_to_string(node, false);
}

JsonObject *qtest_qmp_receive_dict(QTestState *s)
{
    for (;;) {
        size_t end = qmp_message_end(s, s->qmp_rx);

        if (end) {
            g_autofree char *text = g_strndup(s->qmp_rx->str, end);
            g_autoptr(GError) err = NULL;
            g_autoptr(JsonNode) node = NULL;

            g_string_erase(s->qmp_rx, 0, end);
            g_strstrip(text);
            if (qtest_log_enabled()) {
                fprintf(stderr, "[QMP S] %s\n", text);
            }
            node = json_from_string(text, &err);
            if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
                qtest_die(s, "QMP sent invalid JSON: %s (%s)", text,
                          err ? err->message : "not an object");
            }
            return json_node_dup_object(node);
        }
        if (!qtest_receive(s, s->qmp_fd, s->qmp_rx)) {
            qtest_die(s, "emulator closed the QMP connection");
        }
    }
}

JsonObject *qtest_qmp_receive(QTestState *s)
{
    for (;;) {
        JsonObject *rsp = qtest_qmp_receive_dict(s);

        if (!json_object_has_member(rsp, "event")) {
            return rsp;
        }
        g_queue_push_tail(&s->events, rsp);
    }
}

static bool qmp_is_event(JsonObject *msg, const char *event)
{
    const char *name = json_object_get_string_member_with_default(
        msg, "event", NULL);

    return name && strcmp(name, event) == 0;
}

JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event)
{
    GList *l;

    for (l = s->events.head; l; l = l->next) {
        JsonObject *msg = l->data;

        if (qmp_is_event(msg, event)) {
            g_queue_delete_link(&s->events, l);
            return msg;
        }
    }
    return NULL;
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    JsonObject *msg = qtest_qmp_event_ref(s, event);

    while (!msg) {
        msg = qtest_qmp_receive_dict(s);
        if (qmp_is_event(msg, event)) {
            break;
        }
        if (!json_object_has_member(msg, "event")) {
            /* A reply nobody will read: the test lost track of it. */
            g_autofree char *text = qmp_object_to_string(msg);

            qtest_die(s, "QMP reply %s while waiting for event %s", text,
                      event);
        }
        g_queue_push_tail(&s->events, msg);
        msg = NULL;
    }
    return msg;
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, event));
}

/* A JSON string literal for @str. */
static void qmp_append_json_string(GString *out, const char *str)
{
    const unsigned char *p;

    g_string_append_c(out, '"');
    for (p = (const unsigned char *)str; *p; p++) {
        if (*p == '"' || *p == '\\') {
            g_string_append_c(out, '\\');
            g_string_append_c(out, *p);
        } else if (*p < 0x20) {
            g_string_append_printf(out, "\\u%04x", *p);
        } else {
            g_string_append_c(out, *p);
        }
    }
    g_string_append_c(out, '"');
}

/*
 * Copy the string literal at @p (single or double quoted) as a JSON
 * string; return what follows it.  Inside literals '%' is plain text.
 */
static const char *qmp_copy_literal(GString *out, const char *fmt,
                                    const char *p)
{
    char quote = *p++;

    g_string_append_c(out, '"');
    while (*p != quote) {
        if (!*p) {
            g_error("libqtest: unterminated string in QMP format '%s'", fmt);
        }
        if (*p == '\\' && p[1] == '\'') {
            /* \' is not a JSON escape: a plain quote. */
            g_string_append_c(out, '\'');
            p += 2;
        } else if (*p == '\\' && p[1]) {
            g_string_append_len(out, p, 2);
            p += 2;
        } else if (*p == '"') {
            g_string_append(out, "\\\"");
            p++;
        } else {
            g_string_append_c(out, *p++);
        }
    }
    g_string_append_c(out, '"');
    return p + 1;
}

/* QEMU's JSON interpolation, see libqtest.h. */
static char *qmp_vformat(const char *fmt, va_list ap)
{
    GString *out = g_string_new(NULL);
    const char *p = fmt;

    while (*p) {
        int longs = 0;

        if (*p == '\'' || *p == '"') {
            p = qmp_copy_literal(out, fmt, p);
            continue;
        }
        if (*p != '%') {
            g_string_append_c(out, *p++);
            continue;
        }
        for (p++; *p == 'l'; p++) {
            longs++;
        }
        switch (*p) {
        case '%':
            g_string_append_c(out, '%');
            break;
        case 's':
            qmp_append_json_string(out, va_arg(ap, const char *));
            break;
        case 'i':
            g_string_append(out, va_arg(ap, int) ? "true" : "false");
            break;
        case 'd':
            if (longs == 0) {
                g_string_append_printf(out, "%d", va_arg(ap, int));
            } else if (longs == 1) {
                g_string_append_printf(out, "%ld", va_arg(ap, long));
            } else {
                g_string_append_printf(out, "%lld", va_arg(ap, long long));
            }
            break;
        case 'u':
            if (longs == 0) {
                g_string_append_printf(out, "%u", va_arg(ap, unsigned));
            } else if (longs == 1) {
                g_string_append_printf(out, "%lu",
                                       va_arg(ap, unsigned long));
            } else {
                g_string_append_printf(out, "%llu",
                                       va_arg(ap, unsigned long long));
            }
            break;
        case 'f':
        case 'g': {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append(out, g_ascii_dtostr(buf, sizeof(buf),
                                                va_arg(ap, double)));
            break;
        }
        default:
            g_error("libqtest: unsupported conversion in QMP format '%s'",
                    fmt);
        }
        p++;
    }
    return g_string_free(out, false);
}

static void G_GNUC_PRINTF(2, 0)
qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *text = qmp_vformat(fmt, ap);
    g_autofree char *line = NULL;
    g_autoptr(JsonNode) node = json_from_string(text, NULL);

    /* Malformed text here is a bug of the test, not of the emulator. */
    if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
        g_error("libqtest: QMP format '%s' gives invalid JSON: %s", fmt,
                text);
    }
    if (qtest_log_enabled()) {
        fprintf(stderr, "[QMP R] %s\n", text);
    }
    /*
     * One write with the newline: the request is complete without it,
     * and after "quit" the emulator may be gone before a second write.
     */
    line = g_strconcat(text, "\n", NULL);
    qtest_send_all(s, s->qmp_fd, line, strlen(line));
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (qtest_log_enabled()) {
        fprintf(stderr, "[QMP R] %s\n", text);
    }
    qtest_send_all(s, s->qmp_fd, text, strlen(text));
}

JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
{
    qtest_qmp_vsend(s, fmt, ap);
    return qtest_qmp_receive(s);
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return rsp;
}

static JsonObject * G_GNUC_PRINTF(2, 0)
qtest_vqmp_assert_success_ref(QTestState *s, const char *fmt, va_list ap)
{
    JsonObject *rsp = qtest_vqmp(s, fmt, ap);
    JsonNode *ret;
    JsonObject *obj = NULL;

    if (!json_object_has_member(rsp, "return")) {
        g_autofree char *text = qmp_object_to_string(rsp);

        qtest_die(s, "QMP command '%s' failed: %s", fmt, text);
    }
    ret = json_object_get_member(rsp, "return");
    if (JSON_NODE_HOLDS_OBJECT(ret)) {
        obj = json_object_ref(json_node_get_object(ret));
    }
    json_object_unref(rsp);
    return obj;
}

JsonObject *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    JsonObject *ret;
    va_list ap;

    va_start(ap, fmt);
    ret = qtest_vqmp_assert_success_ref(s, fmt, ap);
    va_end(ap);
    return ret;
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    JsonObject *ret;
    va_list ap;

    va_start(ap, fmt);
    ret = qtest_vqmp_assert_success_ref(s, fmt, ap);
    va_end(ap);
    if (ret) {
        json_object_unref(ret);
    }
}

bool qmp_rsp_is_err(JsonObject *rsp)
{
    bool is_err = json_object_has_member(rsp, "error");

    json_object_unref(rsp);
    return is_err;
}

void qmp_expect_error_and_unref(JsonObject *rsp, const char *class)
{
    JsonObject *error;

    g_assert(json_object_has_member(rsp, "error"));
    error = json_object_get_object_member(rsp, "error");
    g_assert_nonnull(error);
    g_assert_cmpstr(json_object_get_string_member_with_default(
                        error, "class", NULL), ==, class);
    g_assert_nonnull(json_object_get_string_member_with_default(
                         error, "desc", NULL));
    json_object_unref(rsp);
}

bool qtest_qemu_is_upstream(void)
{
    static int upstream = -1;

    if (upstream < 0) {
        const char *argv[] = { qtest_qemu_binary(), "-version", NULL };
        g_autofree char *out = NULL;

        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                                   G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &out, NULL, NULL, NULL));
        upstream = !strstr(out, "qemu-lab");
    }
    return upstream;
}

bool qtest_has_netdev(const char *type)
{
    static char *out;
    g_autofree char *line = g_strdup_printf("\n%s\n", type);

    if (!out) {
        const char *argv[] = {
            qtest_qemu_binary(), "-netdev", "help", NULL
        };

        if (!g_spawn_sync(NULL, (char **)argv, NULL,
                          G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                          NULL, NULL, NULL) || !out) {
            out = g_strdup("");
        }
    }
    return strstr(out, line) != NULL;
}

bool qtest_has_device(const char *name)
{
    static GHashTable *types;

    if (!types) {
        QTestState *s = qtest_init("");
        JsonObject *rsp;
        JsonNode *ret;

        types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        rsp = qtest_qmp(s, "{ 'execute': 'qom-list-types', 'arguments': "
                        "{ 'implements': 'device', 'abstract': false } }");
        ret = json_object_get_member(rsp, "return");
        if (ret && JSON_NODE_HOLDS_ARRAY(ret)) {
            JsonArray *list = json_node_get_array(ret);
            guint i;

            for (i = 0; i < json_array_get_length(list); i++) {
                JsonObject *type = json_array_get_object_element(list, i);
                const char *tname = type ?
                    json_object_get_string_member_with_default(type, "name",
                                                               NULL) : NULL;

                if (tname) {
                    g_hash_table_add(types, g_strdup(tname));
                }
            }
        }
        json_object_unref(rsp);
        qtest_quit(s);
    }
    return g_hash_table_contains(types, name);
}
