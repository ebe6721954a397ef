/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulator's command line as a user meets it: bad options fail with
 * status 1 and one message in QEMU's form ("qemu-system-x86_64: OPTION:
 * what is wrong"), help requests print and exit 0, SIGTERM and SIGINT end
 * a running emulator with status 0, and -qtest-log records a session.
 *
 * The bad command lines run the binary directly (g_spawn_sync), behind
 * $QTEST_QEMU_WRAPPER if set; the last option is the one under test, so
 * that a missing argument really is missing.
 */

#include "qemu/osdep.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "libqtest.h"

#define PRGNAME "qemu-system-x86_64"

typedef struct RunResult {
    int status;                 /* exit status; -1 if killed by a signal */
    char *out;
    char *err;
} RunResult;

static void run_result_clear(RunResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

/*
 * Run the emulator with @args (shell words) and wait for it.  A command
 * line that is wrongly accepted would run for ever: timeout(1) ends it
 * after 20 s, which shows as status 124.
 */
static void run_qemu(const char *args, RunResult *r)
{
    const char *wrapper = qtest_qemu_wrapper();
    g_autofree char *q_bin = g_shell_quote(qtest_qemu_binary());
    g_autofree char *cmd = g_strdup_printf("timeout 20 %s %s %s",
                                           wrapper ? wrapper : "", q_bin,
                                           args);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) err = NULL;
    int wstatus;

    if (!g_shell_parse_argv(cmd, NULL, &argv, &err)) {
        g_error("cannot parse '%s': %s", cmd, err->message);
    }
    if (!g_spawn_sync(NULL, argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL,
                      NULL, NULL, &r->out, &r->err, &wstatus, &err)) {
        g_error("cannot run '%s': %s", cmd, err->message);
    }
    r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    g_test_message("'%s': status %d, stderr '%s'", cmd, r->status, r->err);
}

/*
 * A command line that must be refused: after the common options, @args.
 * The run is not meant to get far; -accel keeps Debian's QEMU from
 * probing KVM on hosts that have it.
 */
static void run_bad(const char *args, RunResult *r)
{
    g_autofree char *all = g_strdup_printf(
        "-display none -nodefaults -M q35 -accel %s %s",
        qtest_has_accel("qtest") ? "qtest" : "tcg", args);

    run_qemu(all, r);
}

/* Status 1 and exactly one stderr line, "PRGNAME: @expected". */
static void assert_refused(const char *args, const char *expected)
{
    g_autofree char *line = g_strdup_printf(PRGNAME ": %s\n", expected);
    RunResult r;

    run_bad(args, &r);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_cmpstr(r.err, ==, line);
    run_result_clear(&r);
}

/*
 * Status 1 and a first stderr line "PRGNAME: @prefix...": where QEMU
 * versions word the rest differently, or add hint lines after it.
 */
static void assert_refused_prefix(const char *args, const char *prefix)
{
    g_autofree char *start = g_strdup_printf(PRGNAME ": %s", prefix);
    RunResult r;

    run_bad(args, &r);
    g_assert_cmpint(r.status, ==, 1);
    if (!g_str_has_prefix(r.err, start)) {
        g_error("stderr '%s' does not start with '%s'", r.err, start);
    }
    run_result_clear(&r);
}

static void test_unknown_option(void)
{
    assert_refused("-foo", "-foo: invalid option");
    assert_refused("--foo", "--foo: invalid option");
}

static void test_missing_argument(void)
{
    assert_refused("-m", "-m: requires an argument");
    assert_refused("-device", "-device: requires an argument");
    assert_refused("-machine", "-machine: requires an argument");
    assert_refused("-chardev", "-chardev: requires an argument");
}

/*
 * QEMU prints "Parameter 'size' expects a non-negative number below
 * 2^64" and two lines of hint after it (suffixes); the wording has
 * changed between versions, so only the prefix is checked.
 */
static void test_bad_memory_size(void)
{
    assert_refused_prefix("-m foo", "-m foo: ");
    assert_refused_prefix("-m size=1x", "-m size=1x: ");
}

/*
 * Sizes the host cannot map (the last one is in MiB): QEMU's error at
 * start-up, not a crash.
 */
static void test_huge_memory(void)
{
    static const char *const sizes[] = { "8E", "15E", "9999999999999" };
    int i;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        g_autofree char *args = g_strdup_printf("-m %s", sizes[i]);

        assert_refused(args, "cannot set up guest memory 'pc.ram': "
                       "Cannot allocate memory");
    }
}

/*
 * Keys and values that no option takes: one line (QEMU's), status 1.
 * Each trips one check: the machine's property lookup, -display's and
 * -name's key lists, -name's boolean, the id syntax (with QEMU's hint
 * line after the error).
 */
static void test_invalid_options(void)
{
    const char *hint = "Identifiers consist of letters, digits, '-', '.', "
                       "'_', starting with a letter.\n";
    RunResult r;

    run_bad("-M q35,foo=bar", &r);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_true(g_str_has_prefix(r.err, PRGNAME ": Property '"));
    g_assert_true(g_str_has_suffix(r.err, "-machine.foo' not found\n"));
    /* One line. */
    g_assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1);
    run_result_clear(&r);

    assert_refused("-display none,foo=bar",
                   "-display none,foo=bar: Parameter 'foo' is unexpected");
    assert_refused("-name x,foo=1", "-name x,foo=1: Invalid parameter 'foo'");
    assert_refused("-name x,debug-threads=maybe",
                   "-name x,debug-threads=maybe: Parameter 'debug-threads' "
                   "expects 'on' or 'off'");

    if (qtest_has_device("pci-testdev")) {
        g_autofree char *expected = g_strdup_printf(
            PRGNAME ": -device pci-testdev,id=a b: Parameter 'id' expects "
            "an identifier\n%s", hint);

        run_bad("-device 'pci-testdev,id=a b'", &r);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_cmpstr(r.err, ==, expected);
        run_result_clear(&r);
    }
}

/*
 * The null chardev backend: -chardev null with a monitor on it, -qmp
 * null, and -qtest null (the emulator then runs; QMP on stdio ends it).
 */
static void test_null_chardev(void)
{
    const char *input = "{\"execute\": \"qmp_capabilities\"}\n"
                        "{\"execute\": \"quit\"}\n";
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    QTestState *s;

    s = qtest_init("-M q35 -chardev null,id=nul0 "
                   "-mon chardev=nul0,mode=control -qmp null");
    qtest_writel(s, 0x1000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0x12345678);
    qtest_quit(s);

    proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err,
                            qtest_qemu_binary(), "-display", "none",
                            "-nodefaults", "-M", "q35", "-accel",
                            qtest_has_accel("qtest") ? "qtest" : "tcg",
                            "-qtest", "null", "-qmp", "stdio", NULL);
    g_assert_no_error(err);
    g_assert_true(g_subprocess_communicate_utf8(proc, input, NULL, &out,
                                                NULL, &err));
    g_assert_no_error(err);
    g_assert_true(g_subprocess_get_if_exited(proc));
    g_assert_cmpint(g_subprocess_get_exit_status(proc), ==, 0);
    g_assert_nonnull(strstr(out, "{\"return\": {}}"));
}

static void test_unknown_device(void)
{
    assert_refused("-device foo",
                   "-device foo: 'foo' is not a valid device model name");
}

static void test_unknown_property(void)
{
    if (!qtest_has_device("pci-testdev")) {
        g_test_skip("no pci-testdev in this binary");
        return;
    }
    assert_refused("-device pci-testdev,foo=1",
                   "-device pci-testdev,foo=1: Property 'pci-testdev.foo' "
                   "not found");
}

static void test_mon_missing_chardev(void)
{
    assert_refused("-mon chardev=nochr,mode=control",
                   "-mon chardev=nochr,mode=control: chardev \"nochr\" not "
                   "found");
}

/*
 * Status 1 and @what in stderr, which for our binary is one line.  QEMU
 * prints some of these errors after a line of its own.  With @accel
 * false the common options carry no -accel: the one under test must be
 * the first one tried.
 */
static void assert_refused_with(const char *args, bool accel,
                                const char *what)
{
    g_autofree char *all = NULL;
    RunResult r;

    if (accel) {
        run_bad(args, &r);
    } else {
        all = g_strdup_printf("-display none -nodefaults -M q35 %s", args);
        run_qemu(all, &r);
    }
    g_assert_cmpint(r.status, ==, 1);
    if (!strstr(r.err, what)) {
        g_error("stderr '%s' does not contain '%s'", r.err, what);
    }
    if (qtest_has_accel("qtest")) {
        g_assert_cmpint(strchr(r.err, '\n') - r.err + 1, ==, strlen(r.err));
    }
    run_result_clear(&r);
}

/* Our binary (it has the qtest accel): QEMU words the rest otherwise. */
static bool binary_is_ours(void)
{
    if (!qtest_has_accel("qtest")) {
        g_test_message("not this tree's emulator: the checks of messages "
                       "QEMU words otherwise are left out");
        return false;
    }
    return true;
}

/* A file with @len bytes of @data, for -kernel. */
static char *kernel_file(const void *data, size_t len)
{
    g_autoptr(GError) err = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("cmdline-kernel-XXXXXX", &path, &err);

    g_assert_no_error(err);
    g_assert_cmpint(write(fd, data, len), ==, len);
    close(fd);
    return path;
}

static void test_bad_kernel(void)
{
    /* A multiboot header whose a.out fields put its bss up to 256 MiB. */
    static const uint32_t too_big[] = {
        0x1badb002, 0x00010000, -(0x1badb002 + 0x00010000),
        0x100000, 0x100000, 0x100020, 0x10000000, 0x100000,
    };
    char garbage[8192];
    g_autofree char *path = NULL;
    g_autofree char *args = NULL;

    assert_refused_with("-kernel /nonexistent", true,
                        "could not open kernel file '/nonexistent': No "
                        "such file or directory");
    memset(garbage, 'x', sizeof(garbage));
    path = kernel_file(garbage, sizeof(garbage));
    args = g_strdup_printf("-kernel %s", path);
    assert_refused_with(args, true, "invalid kernel header");
    g_unlink(path);
    g_clear_pointer(&path, g_free);
    g_clear_pointer(&args, g_free);
    assert_refused("-append foo", "-append only allowed with -kernel option");

    if (!binary_is_ours()) {
        return;
    }
    path = kernel_file(too_big, sizeof(too_big));
    args = g_strdup_printf("-m 128M -kernel %s", path);
    assert_refused_with(args, true, "does not fit in RAM: it loads "
                        "0x100000..0x10000000 but RAM below 4 GiB ends at "
                        "0x8000000");
    g_unlink(path);
}

static void test_bad_smp(void)
{
    assert_refused("-smp foo", "Parameter 'smp.cpus' expects integer");
    assert_refused("-smp 2,bogus=1", "Parameter 'smp.bogus' is unexpected");
    assert_refused_prefix("-smp 300", "Invalid SMP CPUs 300. The max CPUs "
                          "supported by machine '");
    assert_refused_prefix("-smp 4,sockets=3", "Invalid CPU topology: product "
                          "of the hierarchy must match maxcpus: sockets (3) "
                          "* ");
    assert_refused_prefix("-smp 2,maxcpus=1", "Invalid CPU topology: maxcpus "
                          "must be equal to or greater than smp: sockets "
                          "(1) * ");
    /* QEMU 7.2 only warns about zero, and runs. */
    if (binary_is_ours()) {
        assert_refused("-smp 0", "Invalid CPU topology: CPU topology "
                       "parameters must be greater than zero");
    }
}

static void test_bad_accel(void)
{
    assert_refused_with("-accel tcg,thread=foo", false,
                        "-accel tcg,thread=foo: Invalid 'thread' setting "
                        "foo");
    assert_refused_with("-accel tcg,foo=1", false,
                        "-accel tcg,foo=1: Property 'tcg-accel.foo' not "
                        "found");
    if (qtest_has_accel("kvm") && access("/dev/kvm", F_OK) != 0) {
        assert_refused_with("-accel kvm", false,
                            "-accel kvm: failed to initialize kvm: ");
    }
    if (binary_is_ours()) {
        assert_refused_with("-accel tcg,thread=multi", false,
                            "-accel tcg,thread=multi: thread=multi is not "
                            "supported");
        assert_refused_with("-accel nosuch", false,
                            "-accel nosuch: invalid accelerator nosuch");
    }
}

static void test_bad_serial(void)
{
    assert_refused_with("-serial foo", true, "-serial foo: could not connect "
                        "serial device to character backend 'foo'");
    assert_refused("-serial chardev:nope", "-serial chardev:nope: could not "
                   "connect serial device to character backend "
                   "'chardev:nope'");
    if (binary_is_ours()) {
        assert_refused("-serial null -serial null -serial null -serial null "
                       "-serial null", "-serial null: too many serial ports "
                       "(at most 4)");
        assert_refused("-device isa-debug-exit,iobase=0xfffe,iosize=4",
                       "-device isa-debug-exit,iobase=0xfffe,iosize=4: "
                       "isa-debug-exit: ports 0xfffe+0x4 do not fit the I/O "
                       "address space");
    }
}

/* Status 0, @first_line first on stdout. */
static void assert_help(const char *args, const char *first_line,
                        const char *contains)
{
    RunResult r;

    run_qemu(args, &r);
    g_assert_cmpint(r.status, ==, 0);
    if (!g_str_has_prefix(r.out, first_line)) {
        g_error("'%s' printed '%s', expected '%s' first", args, r.out,
                first_line);
    }
    if (contains && !strstr(r.out, contains)) {
        g_error("'%s' printed '%s', without '%s'", args, r.out, contains);
    }
    run_result_clear(&r);
}

static void test_help(void)
{
    assert_help("-machine help", "Supported machines are:\n", "q35 ");
    assert_help("-accel help", "Accelerators supported in QEMU binary:\n",
                NULL);
    assert_help("-version", "QEMU emulator version ", NULL);
    assert_help("-help", "QEMU emulator version ", "\n-netdev user,");
    assert_help("-help", "QEMU emulator version ", "\n-nic ");
    if (qtest_has_netdev("user")) {
        assert_help("-netdev help", "Available netdev backend types:\n",
                    "\nuser\n");
    }
    if (qtest_has_netdev("user") && qtest_has_device("virtio-net-pci")) {
        assert_help("-nic user,model=help", "Supported NIC models:\n",
                    "virtio-net-pci\n");
    }
    if (qtest_has_device("pci-testdev")) {
        assert_help("-device help", "", "name \"pci-testdev\", bus PCI");
        assert_help("-device pci-testdev,help", "pci-testdev options:\n",
                    NULL);
    }
}

/* -netdev and -nic: QEMU's messages, one line each. */
static void test_netdev_options(void)
{
    static const struct {
        const char *args;
        const char *msg;
    } bad[] = {
        { "user", "Parameter 'id' is missing" },
        { "foo,id=n0", "Parameter 'type' does not accept value 'foo'" },
        { "user,id=n0,bogus=1", "Invalid parameter 'bogus'" },
        { "user,id=n0,restrict=maybe",
          "Parameter 'restrict' expects 'on' or 'off'" },
        { "user,id=n0,ipv6=x", "Parameter 'ipv6' expects 'on' or 'off'" },
        { "user,id=n0,ipv4=off,ipv6=off", "IPv4 and IPv6 disabled" },
        { "user,id=n0,net=foo", "Failed to parse netmask" },
        { "user,id=n0,net=10.0.2.0/33",
          "Invalid netmask provided (must be in range 4-32)" },
        { "user,id=n0,net=10.0.2.0/24x",
          "Failed to parse netmask (trailing chars)" },
        { "user,id=n0,host=zz", "Failed to parse host" },
        { "user,id=n0,host=1.2.3.4", "Host doesn't belong to network" },
        { "user,id=n0,dns=zz", "Failed to parse DNS" },
        { "user,id=n0,dns=10.0.2.2", "DNS must be different from host" },
        { "user,id=n0,dhcpstart=zz", "Failed to parse DHCP start address" },
        { "user,id=n0,dhcpstart=10.0.3.5",
          "DHCP doesn't belong to network" },
        { "user,id=n0,dhcpstart=10.0.2.3",
          "DHCP must be different from host and DNS" },
        { "user,id=n0,hostfwd=xyz",
          "Invalid host forwarding rule 'xyz' (No : separators)" },
        { "user,id=n0,hostfwd=sctp::1-:2",
          "Invalid host forwarding rule 'sctp::1-:2' (Bad protocol name)" },
        { "user,id=n0,hostfwd=tcp:zz:1-:2",
          "Invalid host forwarding rule 'tcp:zz:1-:2' (Bad host address)" },
        { "user,id=n0,hostfwd=tcp::1",
          "Invalid host forwarding rule 'tcp::1' (Bad host port "
          "separator)" },
        { "user,id=n0,hostfwd=tcp::99999-:22",
          "Invalid host forwarding rule 'tcp::99999-:22' (Bad host port)" },
        { "user,id=n0,hostfwd=tcp::1-zz:2",
          "Invalid host forwarding rule 'tcp::1-zz:2' (Bad guest "
          "address)" },
        { "user,id=n0,hostfwd=tcp::1-:0",
          "Invalid host forwarding rule 'tcp::1-:0' (Bad guest port)" },
    };
    size_t i;

    if (!qtest_has_netdev("user")) {
        g_test_skip("no -netdev user in this binary");
        return;
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *args = g_strdup_printf("-netdev %s", bad[i].args);
        g_autofree char *msg = g_strdup_printf("-netdev %s: %s",
                                               bad[i].args, bad[i].msg);

        assert_refused(args, msg);
    }
    /* QEMU adds a line of hint after this one. */
    assert_refused_prefix("-netdev user,id=0n", "-netdev user,id=0n: "
                          "Parameter 'id' expects an identifier\n");
    assert_refused("-netdev user,id=n0 -netdev user,id=n0",
                   "-netdev user,id=n0: Duplicate ID 'n0' for netdev");
}

/* -nic and the NIC's properties. */
static void test_nic_options(void)
{
    if (!qtest_has_netdev("user")) {
        g_test_skip("no -netdev user in this binary");
        return;
    }
    assert_refused("-nic user,model=foo", "Unsupported NIC model: foo");
    assert_refused("-nic user,mac=zz",
                   "-nic user,mac=zz: invalid syntax for ethernet address");
    assert_refused("-netdev user,id=n0 -device virtio-net-pci,netdev=n1",
                   "-device virtio-net-pci,netdev=n1: Property "
                   "'virtio-net-device.netdev' can't find value 'n1'");
    assert_refused("-netdev user,id=n0 -device virtio-net-pci,netdev=n0 "
                   "-device virtio-net-pci,netdev=n0",
                   "-device virtio-net-pci,netdev=n0: Property "
                   "'virtio-net-device.netdev' can't take value 'n0', it's "
                   "in use");
    assert_refused("-device virtio-net-pci,mac=zz",
                   "-device virtio-net-pci,mac=zz: Property "
                   "'virtio-net-device.mac' doesn't take value 'zz'");
}

/*
 * A hostfwd port that is taken: QEMU says it could not set the rule up;
 * we add why.
 */
static void test_hostfwd_in_use(void)
{
    static const struct {
        const char *proto;
        int type;
    } cases[] = { { "tcp", SOCK_STREAM }, { "udp", SOCK_DGRAM } };
    size_t i;

    if (!qtest_has_netdev("user")) {
        g_test_skip("no -netdev user in this binary");
        return;
    }
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct sockaddr_in sa = {
            .sin_family = AF_INET,
            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
        };
        socklen_t sl = sizeof(sa);
        int fd = socket(AF_INET, cases[i].type, 0);
        g_autofree char *rule = NULL;
        g_autofree char *args = NULL;
        g_autofree char *msg = NULL;

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
        g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &sl), ==, 0);
        if (cases[i].type == SOCK_STREAM) {
            g_assert_cmpint(listen(fd, 1), ==, 0);
        }
        rule = g_strdup_printf("%s:127.0.0.1:%u-:22", cases[i].proto,
                               ntohs(sa.sin_port));
        args = g_strdup_printf("-netdev user,id=n0,hostfwd=%s", rule);
        msg = g_strdup_printf("%s: Could not set up host forwarding rule "
                              "'%s'", args, rule);
        if (qtest_qemu_is_upstream()) {
            assert_refused(args, msg);
        } else {
            g_autofree char *full = g_strdup_printf(
                "%s: Address already in use", msg);

            assert_refused(args, full);
        }
        close(fd);
    }
}

/*
 * -device DRIVER,help lists every property of the device, as QEMU does:
 * those a virtio-pci proxy forwards to its virtio device too, in
 * QEMU's format ("  name=<type>", padded, " - description", default).
 */
static void test_device_help_props(void)
{
    static const char *const props[] = {
        "\n  addr=<int32>           - Slot and optional function number",
        "\n  edid=<bool>            - on/off (default: true)\n",
        "\n  max_hostmem=<size>     - ",
        "\n  max_outputs=<uint32>   - ", "\n  vectors=<uint32>       - ",
        "\n  xres=<uint32>          - ", "\n  yres=<uint32>          - ",
    };
    RunResult r;
    int i;

    if (!qtest_has_device("virtio-gpu-pci")) {
        g_test_skip("no virtio-gpu-pci in this binary");
        return;
    }
    run_qemu("-device virtio-gpu-pci,help", &r);
    g_assert_cmpint(r.status, ==, 0);
    for (i = 0; i < ARRAY_SIZE(props); i++) {
        if (!strstr(r.out, props[i])) {
            g_error("no '%s' in '%s'", props[i] + 1, r.out);
        }
    }
    g_assert_nonnull(strstr(r.out, "  xres=<uint32>          -  (default: "
                            "1280)\n"));
    run_result_clear(&r);
}

/*
 * A running emulator (waiting for qtest commands) ends with status 0 on
 * @sig.  qtest_quit() then finds it gone and checks the status.
 */
static void test_signal(gconstpointer data)
{
    int sig = GPOINTER_TO_INT(data);
    QTestState *s = qtest_init("-M q35");
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    g_assert_cmpint(qtest_pid(s), >, 0);
    g_assert_cmpint(kill(qtest_pid(s), sig), ==, 0);
    while (qtest_probe_child(s)) {
        if (g_get_monotonic_time() > deadline) {
            g_test_message("still running 30 s after signal %d", sig);
            g_test_fail();
            break;
        }
        g_usleep(10 * 1000);
    }
    qtest_quit(s);
}

/*
 * "[<tag> <+?>SECONDS.MICROS] <text>", six decimals; returns the text.
 * QEMU writes "[I t] OPENED", "[R +t] ...", "[S +t] ...", "[I +t] CLOSED".
 */
static const char *log_line_text(const char *line, char tag, bool plus)
{
    const char *p = line;

    if (p[0] != '[' || p[1] != tag || p[2] != ' ') {
        return NULL;
    }
    p += 3;
    if (plus) {
        if (*p != '+') {
            return NULL;
        }
        p++;
    }
    if (!g_ascii_isdigit(*p)) {
        return NULL;
    }
    while (g_ascii_isdigit(*p)) {
        p++;
    }
    if (p[0] != '.' || strspn(p + 1, "0123456789") != 6 || p[7] != ']' ||
        p[8] != ' ') {
        return NULL;
    }
    return p + 9;
}

static bool log_has(char **lines, char tag, bool plus, const char *text)
{
    int i;

    for (i = 0; lines[i]; i++) {
        const char *t = log_line_text(lines[i], tag, plus);

        if (t && !strcmp(t, text)) {
            return true;
        }
    }
    return false;
}

static void test_qtest_log(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *reply = NULL;
    QTestState *s;
    int fd;

    fd = g_file_open_tmp("qtest-log-XXXXXX", &path, &err);
    g_assert_no_error(err);
    close(fd);

    /* The later -qtest-log wins over libqtest's own. */
    s = qtest_initf("-M q35 -qtest-log %s", path);
    qtest_writel(s, 0x1000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0x12345678);
    reply = qtest_cmd_raw(s, "foo");
    qtest_quit(s);

    g_assert_true(g_file_get_contents(path, &contents, NULL, &err));
    g_assert_no_error(err);
    g_unlink(path);
    g_test_message("log:\n%s", contents);
    lines = g_strsplit(contents, "\n", -1);

    g_assert_true(log_has(lines, 'I', false, "OPENED"));
    g_assert_true(log_has(lines, 'R', true, "endianness"));
    g_assert_true(log_has(lines, 'S', true, "OK little"));
    g_assert_true(log_has(lines, 'R', true, "writel 0x1000 0x12345678"));
    g_assert_true(log_has(lines, 'S', true, "OK"));
    g_assert_true(log_has(lines, 'R', true, "readl 0x1000"));
    g_assert_true(log_has(lines, 'S', true, "OK 0x0000000012345678"));
    g_assert_true(log_has(lines, 'R', true, "foo"));
    g_assert_true(log_has(lines, 'S', true, reply));
    /* At exit; QEMU writes this one time with a '+'. */
    g_assert_true(log_has(lines, 'I', true, "CLOSED"));
}

/*
 * Without -qtest-log the session is logged to stderr, as in QEMU
 * (libqtest passes -qtest-log /dev/null, so test output stays clean).
 */
static void test_qtest_log_default(void)
{
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GDataInputStream) out = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GInputStream *errs;
    char buf[4096];
    GString *all = g_string_new(NULL);
    gssize n;

    proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &err,
                            qtest_qemu_binary(), "-display", "none",
                            "-nodefaults", "-M", "q35", "-S", "-accel",
                            qtest_has_accel("qtest") ? "qtest" : "tcg",
                            "-qtest", "stdio", NULL);
    g_assert_no_error(err);
    g_assert_true(g_output_stream_write_all(
                      g_subprocess_get_stdin_pipe(proc), "endianness\n",
                      11, NULL, NULL, &err));
    out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc));
    line = g_data_input_stream_read_line(out, NULL, NULL, &err);
    g_assert_cmpstr(line, ==, "OK little");
    g_subprocess_send_signal(proc, SIGTERM);
    g_assert_true(g_subprocess_wait(proc, NULL, &err));

    errs = g_subprocess_get_stderr_pipe(proc);
    while ((n = g_input_stream_read(errs, buf, sizeof(buf), NULL,
                                    NULL)) > 0) {
        g_string_append_len(all, buf, n);
    }
    text = g_string_free(all, FALSE);
    g_test_message("stderr:\n%s", text);
    lines = g_strsplit(text, "\n", -1);
    g_assert_true(log_has(lines, 'I', false, "OPENED"));
    g_assert_true(log_has(lines, 'R', true, "endianness"));
    g_assert_true(log_has(lines, 'S', true, "OK little"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/cmdline/unknown-option", test_unknown_option);
    g_test_add_func("/x86_64/cmdline/missing-argument",
                    test_missing_argument);
    g_test_add_func("/x86_64/cmdline/bad-memory-size", test_bad_memory_size);
    g_test_add_func("/x86_64/cmdline/huge-memory", test_huge_memory);
    g_test_add_func("/x86_64/cmdline/invalid-options", test_invalid_options);
    g_test_add_func("/x86_64/cmdline/null-chardev", test_null_chardev);
    g_test_add_func("/x86_64/cmdline/unknown-device", test_unknown_device);
    g_test_add_func("/x86_64/cmdline/unknown-property",
                    test_unknown_property);
    g_test_add_func("/x86_64/cmdline/mon-missing-chardev",
                    test_mon_missing_chardev);
    g_test_add_func("/x86_64/cmdline/help", test_help);
    g_test_add_func("/x86_64/cmdline/device-help-props",
                    test_device_help_props);
    g_test_add_func("/x86_64/cmdline/netdev", test_netdev_options);
    g_test_add_func("/x86_64/cmdline/nic", test_nic_options);
    g_test_add_func("/x86_64/cmdline/hostfwd-in-use", test_hostfwd_in_use);
    g_test_add_func("/x86_64/cmdline/bad-kernel", test_bad_kernel);
    g_test_add_func("/x86_64/cmdline/bad-smp", test_bad_smp);
    g_test_add_func("/x86_64/cmdline/bad-accel", test_bad_accel);
    g_test_add_func("/x86_64/cmdline/bad-serial", test_bad_serial);
    g_test_add_data_func("/x86_64/cmdline/signal/term",
                         GINT_TO_POINTER(SIGTERM), test_signal);
    g_test_add_data_func("/x86_64/cmdline/signal/int",
                         GINT_TO_POINTER(SIGINT), test_signal);
    g_test_add_func("/x86_64/cmdline/qtest-log", test_qtest_log);
    g_test_add_func("/x86_64/cmdline/qtest-log-default",
                    test_qtest_log_default);

    return g_test_run();
}
