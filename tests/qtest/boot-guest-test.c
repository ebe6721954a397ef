/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot the test guest (tests/guest/) under a real accelerator and check
 * every step it reports on its serial port, as QEMU's boot tests do: the
 * qtest chardev stays attached (libqtest's -accel qtest comes after our
 * -accel, so it is only a fallback), the guest's COM1 goes to a socket
 * this test reads, and the test looks at guest memory and the display
 * from outside while the guest waits at its synchronisation points.
 *
 * Every run starts stopped (-S) and is continued through QMP, so that the
 * same test drives Debian's QEMU, which libqtest starts with -S anyway.
 */

#include "qemu/osdep.h"

#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "libqtest.h"

/* What the guest (tests/guest/main.c) keeps where. */
#define BOOT_COUNTER        0x1000000
#define LOOP_COUNTER        0x1000008
#define TESTDEV_MOVED_BAR   0xef000000ULL
#define TESTDEV_PATTERN0    0x0123456789abcdefULL
#define GPU_RES_W           64
#define GPU_RES_H           64

/* How long the guest may take for one line, slow CI and sanitizers. */
#define SERIAL_TIMEOUT_S    60

typedef struct Guest {
    QTestState *qts;
    char *dir;
    char *sock_path;
    int listen_fd;
    int fd;                 /* COM1's chardev, connected to us */
    GString *buf;
    bool eof;
} Guest;

static const char *guest_kernel(void)
{
    const char *path = g_getenv("QTEST_GUEST_KERNEL");

    g_assert_nonnull(path);
    return path;
}

static bool have_kvm(void)
{
    return access("/dev/kvm", R_OK | W_OK) == 0;
}

#define GPU_2D              "virtio-gpu-pci,id=gpu0"
#define GPU_GL              "virtio-gpu-gl-pci,id=gpu0,blob=on,hostmem=64M"
#define BLOB_SIZE           (64 * 1024)

/*
 * Start the emulator with @accel, @smp vCPUs, the device @gpu (a GPU,
 * or virtio-net), the guest command line @append and @extra options; the
 * guest is stopped until guest_cont().
 * tcg is asked for thread=single: QEMU's default for x86 is one thread
 * per vCPU, ours the only mode there is.
 */
static void guest_start_gpu(Guest *g, const char *accel, int smp,
                            const char *gpu, const char *append,
                            const char *extra)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *testdev = NULL;
    struct pollfd pfd;

    memset(g, 0, sizeof(*g));
    g->dir = g_dir_make_tmp("boot-guest-XXXXXX", NULL);
    g_assert_nonnull(g->dir);
    g->sock_path = g_strdup_printf("%s/serial.sock", g->dir);
    g->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(g->listen_fd, >=, 0);
    g_strlcpy(addr.sun_path, g->sock_path, sizeof(addr.sun_path));
    g_assert_cmpint(bind(g->listen_fd, (struct sockaddr *)&addr,
                         sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(g->listen_fd, 1), ==, 0);
    g->buf = g_string_new(NULL);

    /* QEMU's pci-testdev is another device: only ours has the checks. */
    testdev = g_strdup(qtest_has_accel("qtest") ? "-device pci-testdev" :
                       "");
    g->qts = qtest_initf("-S -accel %s%s -M q35 -m 128M -smp %d "
                         "-kernel %s -append '%s' "
                         "-chardev socket,id=ser0,path=%s -serial "
                         "chardev:ser0 -device isa-debug-exit,iobase=0xf4,"
                         "iosize=4 -device %s %s %s",
                         accel, strcmp(accel, "tcg") ? "" : ",thread=single",
                         smp, guest_kernel(), append, g->sock_path, gpu,
                         testdev, extra ? extra : "");

    /* The emulator connected when it created the chardev. */
    pfd = (struct pollfd) { .fd = g->listen_fd, .events = POLLIN };
    g_assert_cmpint(poll(&pfd, 1, SERIAL_TIMEOUT_S * 1000), ==, 1);
    g->fd = accept(g->listen_fd, NULL, NULL);
    g_assert_cmpint(g->fd, >=, 0);
}

static void guest_start(Guest *g, const char *accel, int smp,
                        const char *append, const char *extra)
{
    guest_start_gpu(g, accel, smp, GPU_2D, append, extra);
}

static void guest_cont(Guest *g)
{
    qtest_qmp_assert_success(g->qts, "{ 'execute': 'cont' }");
}

static void guest_free(Guest *g)
{
    close(g->fd);
    close(g->listen_fd);
    unlink(g->sock_path);
    g_rmdir(g->dir);
    g_free(g->sock_path);
    g_free(g->dir);
    g_string_free(g->buf, true);
}

/* The next line of guest output without its newline; NULL at the end. */
static char *guest_read_line(Guest *g)
{
    gint64 deadline = g_get_monotonic_time() +
                      SERIAL_TIMEOUT_S * G_USEC_PER_SEC;

    for (;;) {
        char *nl = memchr(g->buf->str, '\n', g->buf->len);
        struct pollfd pfd = { .fd = g->fd, .events = POLLIN };
        char chunk[4096];
        ssize_t n;
        int left;

        if (nl) {
            char *line = g_strndup(g->buf->str, nl - g->buf->str);

            g_string_erase(g->buf, 0, nl - g->buf->str + 1);
            g_test_message("guest: %s", line);
            return line;
        }
        if (g->eof) {
            return NULL;
        }
        left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0 || poll(&pfd, 1, left) != 1) {
            g_error("no guest output for %d s; so far: '%s'",
                    SERIAL_TIMEOUT_S, g->buf->str);
        }
        n = read(g->fd, chunk, sizeof(chunk));
        if (n <= 0) {
            g->eof = true;
        } else {
            g_string_append_len(g->buf, chunk, n);
        }
    }
}

/*
 * Read guest output up to the line starting with @prefix and return it,
 * without its check number: "ok 5 - what" reads as "ok - what", since
 * which checks run depends on the devices.  Any "not ok" line on the way
 * fails the test.
 */
static char *guest_expect(Guest *g, const char *prefix)
{
    for (;;) {
        char *line = guest_read_line(g);
        char *rest;

        if (!line) {
            g_error("guest output ended before '%s'", prefix);
        }
        if (g_str_has_prefix(line, "not ok")) {
            g_error("the guest failed a check: %s", line);
        }
        if (g_str_has_prefix(line, "ok ") && (rest = strstr(line, " - "))) {
            memmove(line + 2, rest, strlen(rest) + 1);
        }
        if (g_str_has_prefix(line, prefix)) {
            return line;
        }
        g_free(line);
    }
}

/* Let a guest waiting at a synchronisation point go on. */
static void guest_release(Guest *g)
{
    g_assert_cmpint(write(g->fd, "c", 1), ==, 1);
}

/* Wait for the guest's own exit through isa-debug-exit. */
static void guest_wait_exit(Guest *g, int status)
{
    gint64 deadline = g_get_monotonic_time() +
                      SERIAL_TIMEOUT_S * G_USEC_PER_SEC;

    while (qtest_probe_child(g->qts)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
    qtest_set_expected_status(g->qts, status);
    qtest_quit(g->qts);
}

/* The scanout shows what the guest drew: gpu_pattern() in main.c. */
static void check_screendump(Guest *g)
{
    g_autofree char *path = g_strdup_printf("%s/screen.ppm", g->dir);
    g_autofree char *data = NULL;
    int w, h, maxval, pos = 0, x, y;
    size_t len;

    qtest_qmp_assert_success(g->qts, "{ 'execute': 'screendump', "
                             "'arguments': { 'filename': %s, "
                             "'device': 'gpu0' } }", path);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    unlink(path);
    g_assert_cmpint(sscanf(data, "P6 %d %d %d%n", &w, &h, &maxval, &pos),
                    ==, 3);
    g_assert_cmpint(w, ==, GPU_RES_W);
    g_assert_cmpint(h, ==, GPU_RES_H);
    g_assert_cmpuint(len, ==, pos + 1 + (size_t)w * h * 3);
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            const uint8_t *p = (uint8_t *)data + pos + 1 + (y * w + x) * 3;
            uint32_t want = (x * 4) << 16 | (y * 4) << 8 | ((x ^ y) & 0xff);

            g_assert_cmphex(p[0] << 16 | p[1] << 8 | p[2], ==, want);
        }
    }
}

/*
 * A whole run: every check the guest makes, plus from outside the moved
 * RAM BAR (its old range unassigned, its new one with the guest's data)
 * and the picture on the scanout.
 */
static void boot_and_check(const char *accel, int smp)
{
    Guest g;
    g_autofree char *line = NULL;

    guest_start(&g, accel, smp, "sync", NULL);
    g_assert_cmpuint(qtest_readl(g.qts, BOOT_COUNTER), ==, 0);
    guest_cont(&g);
    g_free(guest_expect(&g, "guest: boot 1"));
    g_free(guest_expect(&g, "ok - multiboot: magic 0x2badb002"));
    g_free(guest_expect(&g, "ok - cpu: 64-bit long mode"));
    g_free(guest_expect(&g, "ok - pci: bus 0 enumerated"));
    if (qtest_has_accel("qtest")) {
        uint64_t old;

        g_free(guest_expect(&g, "ok - pci-testdev: MAGIC through MMIO"));
        g_free(guest_expect(&g, "ok - pci-testdev: RAM BAR2"));
        g_free(guest_expect(&g, "ok - pci-testdev: DMA write"));
        line = guest_expect(&g, "ok - pci-testdev: RAM BAR2 moved");
        g_assert_cmpint(sscanf(line, "ok - pci-testdev: RAM BAR2 moved to "
                               "0x%*x: contents follow, 0x%" SCNx64, &old),
                        ==, 1);
        g_free(guest_expect(&g, "sync: testdev"));
        g_assert_cmphex(qtest_readq(g.qts, old), ==, 0);
        g_assert_cmphex(qtest_readq(g.qts, TESTDEV_MOVED_BAR), ==,
                        TESTDEV_PATTERN0);
        guest_release(&g);
    }
    g_free(guest_expect(&g, "ok - virtio-gpu: GET_DISPLAY_INFO"));
    g_free(guest_expect(&g, "sync: scanout"));
    check_screendump(&g);
    guest_release(&g);
    g_free(guest_expect(&g, "ok - virtio-gpu: RESOURCE_UNREF again"));
    g_free(guest_expect(&g, "guest: done, 0 failed"));
    guest_wait_exit(&g, 1);
    guest_free(&g);
}

/* What "@option help" prints: the emulator's devices, netdevs... */
static char *emulator_help(const char *option)
{
    const char *argv[] = { qtest_qemu_binary(), option, "help", NULL };
    char *out = NULL;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                               NULL, NULL, NULL));
    return out;
}

/*
 * The emulator under test has our virtio-gpu-gl-pci (QEMU's needs a GL
 * display and a render node); else the test is skipped with the reason.
 */
static bool gl_available(void)
{
    g_autofree char *out = NULL;

    if (!qtest_has_accel("qtest")) {
        g_test_skip("QEMU's virtio-gpu-gl-pci needs a GL display");
        return false;
    }
    out = emulator_help("-device");
    if (!strstr(out, "\"virtio-gpu-gl-pci\"")) {
        g_test_skip("no virtio-gpu-gl-pci (built without virglrenderer)");
        return false;
    }
    return true;
}

/* What the guest stores in word @i of blob @blob (virtio-gpu-blob.c). */
static uint64_t blob_pattern(unsigned blob, unsigned i)
{
    return (uint64_t)(blob + 1) << 48 ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
}

/*
 * The blob flow under @accel: the guest maps HOST3D blobs into the
 * hostmem BAR, writes and reads them with its own loads and stores and
 * unmaps them; from outside, the range of an unmapped blob reads as
 * unassigned, and after the last unmap nothing is left in the BAR.
 */
static void boot_blobs(const char *accel, int smp)
{
    uint64_t hostmem, mib, bar;
    g_autofree char *line = NULL;
    Guest g;
    int i;

    guest_start_gpu(&g, accel, smp, GPU_GL, "sync blobs=8", NULL);
    guest_cont(&g);
    g_free(guest_expect(&g, "ok - pci: bus 0 enumerated"));
    if (qtest_has_accel("qtest")) {
        /* pci-testdev is there too (guest_start_gpu()). */
        g_free(guest_expect(&g, "sync: testdev"));
        guest_release(&g);
    }
    line = guest_expect(&g, "virtio-gpu: host-visible memory at");
    g_assert_cmpint(sscanf(line, "virtio-gpu: host-visible memory at "
                           "0x%" SCNx64 ", %" SCNu64 " MiB", &hostmem, &mib),
                    ==, 2);
    g_assert_cmpuint(mib, ==, 64);
    g_free(guest_expect(&g, "sync: scanout"));
    guest_release(&g);
    g_free(guest_expect(&g, "ok - virtio-gpu: CTX_CREATE"));
    /* The guest's stores went to the blob's memory itself, no copy. */
    g_free(guest_expect(&g, "sync: blob-mapped"));
    g_assert_cmphex(qtest_readq(g.qts, hostmem), ==, blob_pattern(0, 0));
    g_assert_cmphex(qtest_readq(g.qts, hostmem + BLOB_SIZE - 8), ==,
                    blob_pattern(0, BLOB_SIZE / 8 - 1));
    guest_release(&g);
    g_free(line);
    line = guest_expect(&g, "ok - virtio-gpu: blob 100 (64 KiB) created");
    g_assert_cmpint(sscanf(strstr(line, "mapped at BAR "),
                           "mapped at BAR 0x%" SCNx64, &bar), ==, 1);
    g_assert_cmphex(bar, ==, hostmem);
    g_free(guest_expect(&g, "sync: blob-unmapped"));
    g_assert_cmphex(qtest_readq(g.qts, bar), ==, 0);
    g_assert_cmphex(qtest_readq(g.qts, bar + BLOB_SIZE - 8), ==, 0);
    guest_release(&g);
    g_free(guest_expect(&g, "ok - virtio-gpu: 8 blobs mapped, written"));
    g_free(guest_expect(&g, "ok - virtio-gpu: CTX_DESTROY"));
    g_free(guest_expect(&g, "sync: blobs-done"));
    for (i = 0; i < 8; i++) {
        g_assert_cmphex(qtest_readq(g.qts, hostmem + i * BLOB_SIZE), ==, 0);
    }
    guest_release(&g);
    g_free(guest_expect(&g, "bench: blobs 8 size 65536 unmap-us p50 "));
    g_free(guest_expect(&g, "guest: done, 0 failed"));
    guest_wait_exit(&g, 1);
    guest_free(&g);
}

/*
 * With -smp 2 the second vCPU never runs guest code (no start-up IPI):
 * its engine's map falls behind while blobs come and go, and must not
 * disturb the first vCPU's, nor the kicks that the unmaps need.
 */
static void test_tcg_blobs(void)
{
    if (gl_available()) {
        boot_blobs("tcg", 1);
        boot_blobs("tcg", 2);
    }
}

/* The emulator has -netdev user (libslirp). */
static bool net_available(void)
{
    g_autofree char *out = emulator_help("-netdev");

    if (!strstr(out, "\nuser\n")) {
        g_test_skip("no -netdev user (built without libslirp)");
        return false;
    }
    return true;
}

/* A free loopback UDP port for a hostfwd rule (bound, then released). */
static uint16_t free_udp_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &sl), ==, 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/*
 * The guest on the network of -netdev user, with ordinary vCPU loads
 * and stores on its virtio-net queues: it finds the gateway's MAC through
 * ARP and pings it (slirp answers both itself), then echoes a datagram
 * that this test sends to it through a hostfwd rule on 127.0.0.1.  Not
 * restrict=on: libslirp 4.7 then drops the guest's UDP answer (Debian's
 * QEMU too); nothing here leaves the loopback interface anyway.
 */
static void boot_net(const char *accel)
{
    static const char msg[] = "hello guest, echo me";
    uint16_t port = free_udp_port();
    g_autofree char *netdev = g_strdup_printf(
        "-netdev user,id=n0,hostfwd=udp:127.0.0.1:%u-:7", port);
    struct sockaddr_in to = { .sin_family = AF_INET,
                              .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct timeval tv = { .tv_sec = SERIAL_TIMEOUT_S };
    char reply[64];
    Guest g;
    int fd;

    guest_start_gpu(&g, accel, 1, "virtio-net-pci,netdev=n0", "udp-echo",
                    netdev);
    guest_cont(&g);
    g_free(guest_expect(&g, "ok - virtio-net: features"));
    g_free(guest_expect(&g, "ok - virtio-net: ARP: 10.0.2.2 is at "
                        "52:55:0a:00:02:02"));
    g_free(guest_expect(&g, "ok - virtio-net: ping 10.0.2.2: 56 bytes "
                        "answered"));
    g_free(guest_expect(&g, "virtio-net: echoing one UDP datagram"));
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    g_assert_cmpint(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&to,
                           sizeof(to)), ==, strlen(msg));
    g_assert_cmpint(recv(fd, reply, sizeof(reply), 0), ==, strlen(msg));
    g_assert_cmpmem(reply, strlen(msg), msg, strlen(msg));
    close(fd);
    g_free(guest_expect(&g, "ok - virtio-net: UDP from 10.0.2.2:"));
    g_free(guest_expect(&g, "guest: done, 0 failed"));
    guest_wait_exit(&g, 1);
    guest_free(&g);
}

static void test_tcg_net(void)
{
    if (net_available()) {
        boot_net("tcg");
    }
}

/*
 * A reset while the guest has a blob mapped and its vCPU is inside a
 * slice: the device drops the mapping, the engine is rebuilt, and the
 * second boot maps, unmaps and checks blobs again from a clean state.
 */
static void test_tcg_blob_reset(void)
{
    Guest g;

    if (!gl_available()) {
        return;
    }
    guest_start_gpu(&g, "tcg", 1, GPU_GL, "sync blobs=2", NULL);
    guest_cont(&g);
    g_free(guest_expect(&g, "sync: testdev"));
    guest_release(&g);
    g_free(guest_expect(&g, "sync: scanout"));
    guest_release(&g);
    g_free(guest_expect(&g, "sync: blob-mapped"));
    qtest_qmp_assert_success(g.qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(g.qts, "RESET");
    g_free(guest_expect(&g, "guest: boot 2"));
    g_free(guest_expect(&g, "sync: testdev"));
    guest_release(&g);
    g_free(guest_expect(&g, "sync: scanout"));
    guest_release(&g);
    g_free(guest_expect(&g, "sync: blob-mapped"));
    guest_release(&g);
    g_free(guest_expect(&g, "sync: blob-unmapped"));
    guest_release(&g);
    g_free(guest_expect(&g, "ok - virtio-gpu: 2 blobs mapped, written"));
    g_free(guest_expect(&g, "sync: blobs-done"));
    guest_release(&g);
    g_free(guest_expect(&g, "guest: done, 0 failed"));
    guest_wait_exit(&g, 1);
    guest_free(&g);
}

static void test_tcg_smp1(void)
{
    boot_and_check("tcg", 1);
}

/* One thread runs both vCPUs: QEMU's single-threaded round robin. */
static void test_tcg_smp2(void)
{
    g_autoptr(JsonObject) rsp = NULL;
    JsonArray *cpus;
    Guest g;

    guest_start(&g, "tcg", 2, "", NULL);
    rsp = qtest_qmp(g.qts, "{ 'execute': 'query-cpus-fast' }");
    cpus = json_object_get_array_member(rsp, "return");
    g_assert_cmpuint(json_array_get_length(cpus), ==, 2);
    g_assert_cmpint(json_object_get_int_member(
                        json_array_get_object_element(cpus, 0), "thread-id"),
                    ==,
                    json_object_get_int_member(
                        json_array_get_object_element(cpus, 1),
                        "thread-id"));
    qtest_quit(g.qts);
    guest_free(&g);

    boot_and_check("tcg", 2);
}

static void test_kvm(void)
{
    if (!have_kvm()) {
        g_test_skip("no /dev/kvm on this host (or no access to it)");
        return;
    }
    if (!qtest_has_accel("kvm")) {
        g_test_skip("the emulator was built without KVM");
        return;
    }
    boot_and_check("kvm", 1);
    boot_and_check("kvm", 2);
    if (gl_available()) {
        boot_blobs("kvm", 1);
    }
    if (net_available()) {
        boot_net("kvm");
    }
}

/*
 * Several accelerators are tried in order, as in QEMU: without /dev/kvm
 * kvm fails with a line saying why, tcg takes over and the guest runs
 * to its end; with /dev/kvm, kvm wins silently.  QEMU itself takes a list
 * only in -machine accel=; "-accel kvm:tcg" is this tree's shorthand.
 */
static void test_kvm_tcg_fallback(void)
{
    const char *ours[] = { "-M q35,accel=kvm:tcg", "-M q35 -accel kvm:tcg",
                           "-M q35 -accel kvm -accel tcg" };
    int n = qtest_has_accel("qtest") ? G_N_ELEMENTS(ours) : 1;
    int i;

    if (!qtest_has_accel("kvm")) {
        g_test_skip("the emulator was built without KVM");
        return;
    }
    for (i = 0; i < n; i++) {
        /* Debian's QEMU takes only the first and last spellings. */
        const char *accel = ours[i == n - 1 ? G_N_ELEMENTS(ours) - 1 : i];
        g_autofree char *q_bin = g_shell_quote(qtest_qemu_binary());
        g_autofree char *cmd = g_strdup_printf(
            "%s %s -display none -nodefaults -serial stdio -kernel %s "
            "-device isa-debug-exit,iobase=0xf4,iosize=4", q_bin, accel,
            guest_kernel());
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_auto(GStrv) argv = NULL;
        int wstatus;

        g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
        g_assert_true(g_spawn_sync(NULL, argv, NULL,
                                   G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                                   &out, &err, &wstatus, NULL));
        g_test_message("'%s': stderr '%s'", cmd, err);
        g_assert_true(WIFEXITED(wstatus));
        g_assert_cmpint(WEXITSTATUS(wstatus), ==, 1);
        g_assert_nonnull(strstr(out, "guest: done, 0 failed\n"));
        if (have_kvm()) {
            g_assert_null(strstr(err, "falling back"));
        } else {
            g_assert_nonnull(strstr(err, "failed to initialize kvm: "));
            g_assert_nonnull(strstr(err, "falling back to tcg\n"));
        }
    }
}

/*
 * stop really stops guest code (the counter does not move between two
 * reads), cont resumes it, and SIGTERM ends an emulator whose guest
 * spins: the block-boundary kick gets the vCPU out.
 */
static void test_tcg_pause_quit(void)
{
    uint64_t c1, c2;
    gint64 deadline;
    Guest g;

    guest_start(&g, "tcg", 1, "fault=loop", NULL);
    guest_cont(&g);
    g_free(guest_expect(&g, "fault: counting forever"));
    qtest_qmp_assert_success(g.qts, "{ 'execute': 'stop' }");
    c1 = qtest_readq(g.qts, LOOP_COUNTER);
    c2 = qtest_readq(g.qts, LOOP_COUNTER);
    g_assert_cmpuint(c1, ==, c2);
    qtest_qmp_assert_success(g.qts, "{ 'execute': 'cont' }");
    deadline = g_get_monotonic_time() + SERIAL_TIMEOUT_S * G_USEC_PER_SEC;
    while (qtest_readq(g.qts, LOOP_COUNTER) == c2) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    qtest_quit(g.qts);
    guest_free(&g);
}

/*
 * A guest exception (unicorn cannot deliver it through the IDT) resets
 * the VM like a triple fault: the loader puts the kernel back and the
 * second boot completes.  With -no-reboot the emulator exits instead.
 */
static void test_tcg_fault_reset(void)
{
    Guest g;

    guest_start(&g, "tcg", 1, "fault=ud2", NULL);
    guest_cont(&g);
    g_free(guest_expect(&g, "fault: executing ud2"));
    g_free(guest_expect(&g, "guest: boot 2"));
    qtest_qmp_eventwait(g.qts, "RESET");
    g_free(guest_expect(&g, "guest: done, 0 failed"));
    guest_wait_exit(&g, 1);
    guest_free(&g);

    guest_start(&g, "tcg", 1, "fault=int3", "-no-reboot");
    guest_cont(&g);
    g_free(guest_expect(&g, "fault: executing int3"));
    guest_wait_exit(&g, 0);
    g_assert_null(guest_read_line(&g));
    guest_free(&g);
}

/* Unassigned physical memory: writes vanish, reads return 0. */
static void test_tcg_wild_mmio(void)
{
    Guest g;

    guest_start(&g, "tcg", 1, "fault=wild-mmio", NULL);
    guest_cont(&g);
    g_free(guest_expect(&g, "ok - fault: unassigned"));
    g_free(guest_expect(&g, "guest: done, 0 failed"));
    guest_wait_exit(&g, 1);
    guest_free(&g);
}

/*
 * Code outside RAM: unicorn cannot run it, the VM stops in
 * internal-error and the emulator keeps serving QMP.  (QEMU's TCG has
 * its own answer, so this is about ours only.)
 */
static void test_tcg_fetch_mmio(void)
{
    gint64 deadline;
    Guest g;

    if (!qtest_has_accel("qtest")) {
        g_test_skip("not this tree's emulator: QEMU's TCG differs here");
        return;
    }
    guest_start(&g, "tcg", 1, "fault=fetch-mmio", NULL);
    guest_cont(&g);
    g_free(guest_expect(&g, "fault: jumping to unassigned"));
    qtest_qmp_eventwait(g.qts, "STOP");
    deadline = g_get_monotonic_time() + SERIAL_TIMEOUT_S * G_USEC_PER_SEC;
    for (;;) {
        g_autoptr(JsonObject) rsp = qtest_qmp(g.qts,
                                              "{ 'execute': 'query-status' }");
        JsonObject *ret = json_object_get_object_member(rsp, "return");

        if (!strcmp(json_object_get_string_member(ret, "status"),
                    "internal-error")) {
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    qtest_quit(g.qts);
    guest_free(&g);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86_64/boot-guest/tcg/smp1", test_tcg_smp1);
    g_test_add_func("/x86_64/boot-guest/tcg/smp2", test_tcg_smp2);
    g_test_add_func("/x86_64/boot-guest/tcg/blobs", test_tcg_blobs);
    g_test_add_func("/x86_64/boot-guest/tcg/blob-reset",
                    test_tcg_blob_reset);
    g_test_add_func("/x86_64/boot-guest/tcg/net", test_tcg_net);
    g_test_add_func("/x86_64/boot-guest/tcg/pause-quit", test_tcg_pause_quit);
    g_test_add_func("/x86_64/boot-guest/tcg/fault-reset",
                    test_tcg_fault_reset);
    g_test_add_func("/x86_64/boot-guest/tcg/wild-mmio", test_tcg_wild_mmio);
    g_test_add_func("/x86_64/boot-guest/tcg/fetch-mmio",
                    test_tcg_fetch_mmio);
    g_test_add_func("/x86_64/boot-guest/kvm", test_kvm);
    g_test_add_func("/x86_64/boot-guest/kvm-tcg-fallback",
                    test_kvm_tcg_fallback);
    return g_test_run();
}
