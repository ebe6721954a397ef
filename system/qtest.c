/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server.
 *
 * A test program connects a character device and sends one command per
 * line; each gets exactly one reply line, "OK ...", "FAIL ..." or
 * "ERR ...".  Memory commands go through the system address space like a
 * CPU access (so through the RCU-protected memory map), port commands
 * through the I/O address space.  Guest time moves only when the test
 * steps it.  Nothing a client sends may crash the emulator: malformed
 * input gets an error reply and the session goes on.  The wire format is
 * described in docs/devel/qtest.md.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "chardev/char-fe.h"
#include "exec/memory.h"
#include "exec/address-spaces.h"
#include "exec/ioport.h"
#include "hw/qdev-core.h"
#include "system/cpus.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "trace.h"

#define MAX_IRQ 256

static CharBackend qtest_be;
/* An in-process client (the fuzzers) gets replies here, not the chardev. */
static void (*qtest_inproc_send)(void *opaque, const char *str);
static void *qtest_inproc_opaque;
static GString *inbuf;
static FILE *qtest_log_fp;
static int64_t qtest_start_ns;
static DeviceState *irq_intercept_dev;
static bool irq_levels[MAX_IRQ];

static double qtest_elapsed(void)
{
    return (get_clock() - qtest_start_ns) / (double)NANOSECONDS_PER_SECOND;
}

static void qtest_send(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void qtest_send(const char *fmt, ...)
{
    g_autofree char *line = NULL;
    va_list ap;
    int len;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    if (qtest_log_fp) {
        fprintf(qtest_log_fp, "[S +%.6f] %s\n", qtest_elapsed(), line);
        fflush(qtest_log_fp);
    }
    /* The line and its newline in one write: one syscall per reply. */
    len = strlen(line);
    line = g_realloc(line, len + 2);
    line[len] = '\n';
    line[len + 1] = '\0';
    if (qtest_inproc_send) {
        qtest_inproc_send(qtest_inproc_opaque, line);
        return;
    }
    qemu_chr_fe_write_all(&qtest_be, (const uint8_t *)line, len + 1);
}

static void qtest_irq_handler(void *opaque, int n, int level)
{
    if (n < 0 || n >= MAX_IRQ || irq_levels[n] == !!level) {
        return;
    }
    irq_levels[n] = !!level;
    qtest_send("IRQ %s %d", level ? "raise" : "lower", n);
}

/* Whether words[0..i] all exist; answers ERR if not. */
static bool qtest_has_args(char **words, int i)
{
    int j;

    for (j = 0; j <= i; j++) {
        if (!words[j]) {
            qtest_send("ERR missing argument");
            return false;
        }
    }
    return true;
}

/*
 * Argument @i as a number, parsed base 0 so that 0x.., decimal and octal
 * work; @ret is what qemu_strto*() returned.  Answers ERR when it failed.
 */
static bool qtest_arg_ok(char **words, int i, int ret)
{
    if (ret < 0) {
        qtest_send("ERR invalid number '%s'", words[i]);
        return false;
    }
    return true;
}

static bool qtest_arg_u64(char **words, int i, uint64_t *v)
{
    return qtest_has_args(words, i) &&
           qtest_arg_ok(words, i, qemu_strtou64(words[i], NULL, 0, v));
}

static bool qtest_arg_i64(char **words, int i, int64_t *v)
{
    return qtest_has_args(words, i) &&
           qtest_arg_ok(words, i, qemu_strtoi64(words[i], NULL, 0, v));
}

static int hex2nib(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Sizes beyond this are refused rather than allocated. */
#define QTEST_MAX_BUF (256 * 1024 * 1024)

static void qtest_mem_read(char **words, unsigned size)
{
    uint64_t addr, value = 0;

    if (!qtest_arg_u64(words, 1, &addr)) {
        return;
    }
    /* Little-endian guest: the bytes in memory order are the value. */
    address_space_read(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                       &value, size);
    qtest_send("OK 0x%016" PRIx64, le64_to_cpu(value));
}

static void qtest_mem_write(char **words, unsigned size)
{
    uint64_t addr, value;

    if (!qtest_arg_u64(words, 1, &addr) || !qtest_arg_u64(words, 2, &value)) {
        return;
    }
    value = cpu_to_le64(value);
    address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                        &value, size);
    qtest_send("OK");
}

static bool qtest_buf_args(char **words, uint64_t *addr, uint64_t *len,
                           bool allow_zero)
{
    if (!qtest_arg_u64(words, 1, addr) || !qtest_arg_u64(words, 2, len)) {
        return false;
    }
    if ((!allow_zero && *len == 0) || *len > QTEST_MAX_BUF) {
        qtest_send("ERR invalid argument size");
        return false;
    }
    return true;
}

static void qtest_cmd_read(char **words, bool b64)
{
    g_autofree uint8_t *data = NULL;
    g_autofree char *enc = NULL;
    uint64_t addr, len, i;

    if (!qtest_buf_args(words, &addr, &len, false)) {
        return;
    }
    data = g_malloc(len);
    address_space_read(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                       data, len);
    if (b64) {
        enc = g_base64_encode(data, len);
        qtest_send("OK %s", enc);
        return;
    }
    enc = g_malloc(2 * len + 1);
    for (i = 0; i < len; i++) {
        sprintf(enc + 2 * i, "%02x", data[i]);
    }
    qtest_send("OK 0x%s", enc);
}

static void qtest_cmd_write(char **words)
{
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len, i;
    size_t data_len;

    if (!qtest_buf_args(words, &addr, &len, false)) {
        return;
    }
    if (!words[3] || strlen(words[3]) < 3) {
        qtest_send("ERR invalid argument size");
        return;
    }
    if (words[3][0] != '0' || (words[3][1] != 'x' && words[3][1] != 'X')) {
        qtest_send("ERR invalid data '%s'", words[3]);
        return;
    }
    data_len = strlen(words[3]) - 2;
    if (data_len % 2) {
        /* QEMU drops the last nibble silently; we refuse it. */
        qtest_send("ERR odd number of hex digits in '%s'", words[3]);
        return;
    }
    data = g_malloc0(len);
    /* Data shorter than the size is zero-filled. */
    for (i = 0; i < len && 2 * i + 1 < data_len; i++) {
        int hi = hex2nib(words[3][2 + 2 * i]);
        int lo = hex2nib(words[3][3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            qtest_send("ERR invalid data '%s'", words[3]);
            return;
        }
        data[i] = hi << 4 | lo;
    }
    address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                        data, len);
    qtest_send("OK");
}

static void qtest_cmd_b64write(char **words)
{
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len;
    gsize out_len;

    if (!qtest_buf_args(words, &addr, &len, false)) {
        return;
    }
    if (!words[3] || strlen(words[3]) < 3) {
        qtest_send("ERR invalid argument size");
        return;
    }
    data = g_base64_decode(words[3], &out_len);
    if (out_len < len) {
        data = g_realloc(data, len);
        memset(data + out_len, 0, len - out_len);
    }
    address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                        data, len);
    qtest_send("OK");
}

static void qtest_cmd_memset(char **words)
{
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len, value;

    if (!qtest_buf_args(words, &addr, &len, true) ||
        !qtest_arg_u64(words, 3, &value)) {
        return;
    }
    if (len) {
        data = g_malloc(len);
        memset(data, value, len);
        address_space_write(&address_space_memory, addr,
                            MEMTXATTRS_UNSPECIFIED, data, len);
    }
    qtest_send("OK");
}

static void qtest_cmd_out(char **words, unsigned size)
{
    uint64_t port, value;

    if (!qtest_arg_u64(words, 1, &port) || !qtest_arg_u64(words, 2, &value)) {
        return;
    }
    if (port > 0xffff) {
        qtest_send("ERR invalid port 0x%" PRIx64, port);
        return;
    }
    switch (size) {
    case 1:
        cpu_outb(port, value);
        break;
    case 2:
        cpu_outw(port, value);
        break;
    default:
        cpu_outl(port, value);
        break;
    }
    qtest_send("OK");
}

static void qtest_cmd_in(char **words, unsigned size)
{
    uint64_t port;
    uint32_t value;

    if (!qtest_arg_u64(words, 1, &port)) {
        return;
    }
    if (port > 0xffff) {
        qtest_send("ERR invalid port 0x%" PRIx64, port);
        return;
    }
    switch (size) {
    case 1:
        value = cpu_inb(port);
        break;
    case 2:
        value = cpu_inw(port);
        break;
    default:
        value = cpu_inl(port);
        break;
    }
    qtest_send("OK 0x%04x", value);
}

/*
 * How many timer deadlines one clock_step or clock_set stops at.  Each
 * stop runs the timers that expire there, in order and at their time;
 * past this many the clock jumps to the target, and the timers that are
 * overdue run there once (the PIT catches up rather than replaying
 * every period).  Without a bound a step of years, with the PIT at
 * 18.2 Hz, stopped billions of times and ignored SIGTERM for hours.
 */
#define QTEST_CLOCK_MAX_STOPS   100000

/*
 * Move the virtual clock to @dest (in the future), stopping at deadlines
 * on the way as long as the bound allows and no shutdown (SIGTERM) is
 * pending.
 */
static void qtest_clock_warp(int64_t dest)
{
    int64_t clock = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    unsigned stops = 0;

    while (clock < dest && stops++ < QTEST_CLOCK_MAX_STOPS &&
           !qemu_shutdown_requested_get()) {
        int64_t deadline = qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                                      QEMU_TIMER_ATTR_ALL);

        if (deadline < 0) {
            break;
        }
        if (deadline == 0) {
            qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
        } else {
            qemu_clock_advance_virtual_time(deadline < dest - clock
                                            ? clock + deadline : dest);
        }
        clock = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    if (clock < dest) {
        cpus_set_virtual_clock(dest);
        qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
    }
}

static void qtest_cmd_clock_step(char **words)
{
    int64_t old = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t ns, now;

    if (words[1]) {
        if (!qtest_arg_i64(words, 1, &ns)) {
            return;
        }
        if (ns < 0) {
            qtest_send("ERR invalid number '%s'", words[1]);
            return;
        }
        if (ns > INT64_MAX - old) {
            qtest_send("ERR step '%s' overflows the clock", words[1]);
            return;
        }
    } else {
        ns = qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL,
                                        QEMU_TIMER_ATTR_ALL);
        if (ns < 0) {
            qtest_send("FAIL no timer pending on the virtual clock");
            return;
        }
    }
    qtest_clock_warp(old + ns);
    now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    if (now == old) {
        /*
         * "clock_step 0", or a timer that is already due: time did not
         * move.  Run what is due so that the next step makes progress.
         */
        qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
        qtest_send("FAIL %" PRIi64, now);
        return;
    }
    qtest_send("OK %" PRIi64, now);
}

static void qtest_cmd_clock_set(char **words)
{
    int64_t ns, now;

    if (!qtest_arg_i64(words, 1, &ns)) {
        return;
    }
    /* Guest time never goes back. */
    if (ns > qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) {
        qtest_clock_warp(ns);
    }
    now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    qtest_send("%s %" PRIi64, now == ns ? "OK" : "FAIL", now);
}

static DeviceState *qtest_find_device(const char *path)
{
    bool ambiguous;
    Object *obj = object_resolve_path(path, &ambiguous);

    return obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
}

static void qtest_cmd_irq_intercept(char **words, bool in)
{
    DeviceState *dev;
    NamedGPIOList *ngl;
    bool found = false;

    if (!words[1]) {
        qtest_send("ERR missing argument");
        return;
    }
    dev = qtest_find_device(words[1]);
    if (!dev) {
        qtest_send("FAIL Unknown device");
        return;
    }
    if (irq_intercept_dev) {
        if (irq_intercept_dev == dev) {
            qtest_send("OK");
        } else {
            qtest_send("FAIL IRQ intercept already enabled");
        }
        return;
    }
    if (!in) {
        /* Devices here expose inputs only; no output lines to catch. */
        qtest_send("FAIL No output GPIOs on device '%s'", words[1]);
        return;
    }
    QLIST_FOREACH(ngl, &dev->gpios, node) {
        if (ngl->num_in) {
            qemu_irq_intercept_in(ngl->in, qtest_irq_handler, ngl->num_in);
            found = true;
        }
    }
    if (!found) {
        qtest_send("FAIL No input GPIOs on device '%s'", words[1]);
        return;
    }
    irq_intercept_dev = dev;
    qtest_send("OK");
}

static void qtest_cmd_set_irq_in(char **words)
{
    DeviceState *dev;
    NamedGPIOList *ngl;
    const char *name;
    int64_t num, level;

    if (!words[1] || !words[2] || !qtest_arg_i64(words, 3, &num) ||
        !qtest_arg_i64(words, 4, &level)) {
        if (!words[1] || !words[2]) {
            qtest_send("ERR missing argument");
        }
        return;
    }
    dev = qtest_find_device(words[1]);
    if (!dev) {
        qtest_send("FAIL Unknown device");
        return;
    }
    name = strcmp(words[2], "unnamed-gpio-in") ? words[2] : NULL;
    QLIST_FOREACH(ngl, &dev->gpios, node) {
        if (g_strcmp0(ngl->name, name) == 0 && num >= 0 &&
            num < ngl->num_in) {
            qemu_set_irq(ngl->in[num], level);
            qtest_send("OK");
            return;
        }
    }
    qtest_send("FAIL Unknown GPIO '%s' %" PRIi64, words[2], num);
}

static void qtest_process_command(char **words)
{
    const char *cmd = words[0];

    if (!cmd || !*cmd) {
        qtest_send("FAIL Empty command");
    } else if (!strcmp(cmd, "readb")) {
        qtest_mem_read(words, 1);
    } else if (!strcmp(cmd, "readw")) {
        qtest_mem_read(words, 2);
    } else if (!strcmp(cmd, "readl")) {
        qtest_mem_read(words, 4);
    } else if (!strcmp(cmd, "readq")) {
        qtest_mem_read(words, 8);
    } else if (!strcmp(cmd, "writeb")) {
        qtest_mem_write(words, 1);
    } else if (!strcmp(cmd, "writew")) {
        qtest_mem_write(words, 2);
    } else if (!strcmp(cmd, "writel")) {
        qtest_mem_write(words, 4);
    } else if (!strcmp(cmd, "writeq")) {
        qtest_mem_write(words, 8);
    } else if (!strcmp(cmd, "read")) {
        qtest_cmd_read(words, false);
    } else if (!strcmp(cmd, "b64read")) {
        qtest_cmd_read(words, true);
    } else if (!strcmp(cmd, "write")) {
        qtest_cmd_write(words);
    } else if (!strcmp(cmd, "b64write")) {
        qtest_cmd_b64write(words);
    } else if (!strcmp(cmd, "memset")) {
        qtest_cmd_memset(words);
    } else if (!strcmp(cmd, "outb")) {
        qtest_cmd_out(words, 1);
    } else if (!strcmp(cmd, "outw")) {
        qtest_cmd_out(words, 2);
    } else if (!strcmp(cmd, "outl")) {
        qtest_cmd_out(words, 4);
    } else if (!strcmp(cmd, "inb")) {
        qtest_cmd_in(words, 1);
    } else if (!strcmp(cmd, "inw")) {
        qtest_cmd_in(words, 2);
    } else if (!strcmp(cmd, "inl")) {
        qtest_cmd_in(words, 4);
    } else if (!strcmp(cmd, "clock_step")) {
        qtest_cmd_clock_step(words);
    } else if (!strcmp(cmd, "clock_set")) {
        qtest_cmd_clock_set(words);
    } else if (!strcmp(cmd, "endianness")) {
        qtest_send("OK little");
    } else if (!strcmp(cmd, "irq_intercept_in")) {
        qtest_cmd_irq_intercept(words, true);
    } else if (!strcmp(cmd, "irq_intercept_out")) {
        qtest_cmd_irq_intercept(words, false);
    } else if (!strcmp(cmd, "set_irq_in")) {
        qtest_cmd_set_irq_in(words);
    } else {
        qtest_send("FAIL Unknown command '%s'", cmd);
    }
}

static void qtest_process_line(const char *line)
{
    g_auto(GStrv) words = g_strsplit(line, " ", 0);

    if (qtest_log_fp) {
        fprintf(qtest_log_fp, "[R +%.6f] %s\n", qtest_elapsed(), line);
    }
    qtest_process_command(words);
}

static int qtest_can_read(void *opaque)
{
    return 1024;
}

/*
 * Lines are split as they come: only the new bytes are searched for a
 * newline, and what was processed is dropped once per read, so a long
 * line costs linear time however it is cut (the trace point counts the
 * bytes searched: over a session, exactly those received).  A line with
 * a NUL byte is answered with an error rather than cut at the NUL.
 */
static void qtest_read(void *opaque, const uint8_t *buf, int size)
{
    size_t start = 0, scan = inbuf->len, searched = 0;
    const char *nl;

    g_string_append_len(inbuf, (const char *)buf, size);
    while ((nl = memchr(inbuf->str + scan, '\n', inbuf->len - scan))) {
        size_t len = nl - (inbuf->str + start);
        g_autofree char *line = g_strndup(inbuf->str + start, len);

        if (strlen(line) != len) {
            if (qtest_log_fp) {
                fprintf(qtest_log_fp, "[R +%.6f] (a line with a NUL byte)\n",
                        qtest_elapsed());
            }
            qtest_send("ERR NUL byte in command");
        } else {
            g_strchomp(line);
            qtest_process_line(line);
        }
        searched += nl - (inbuf->str + scan) + 1;
        start = scan = nl - inbuf->str + 1;
    }
    searched += inbuf->len - scan;
    g_string_erase(inbuf, 0, start);
    trace_qtest_read(size, searched);
}

static void qtest_event(void *opaque, QEMUChrEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        memset(irq_levels, 0, sizeof(irq_levels));
        /* As in QEMU, log times count from the connection. */
        qtest_start_ns = get_clock();
        if (qtest_log_fp) {
            fprintf(qtest_log_fp, "[I %.6f] OPENED\n", qtest_elapsed());
            fflush(qtest_log_fp);
        }
        break;
    case CHR_EVENT_CLOSED:
        if (qtest_log_fp) {
            /* QEMU writes this one with a '+'. */
            fprintf(qtest_log_fp, "[I +%.6f] CLOSED\n", qtest_elapsed());
            fflush(qtest_log_fp);
        }
        break;
    default:
        break;
    }
}

void qtest_server_set_send_handler(void (*send)(void *opaque,
                                                 const char *str),
                                   void *opaque)
{
    qtest_inproc_send = send;
    qtest_inproc_opaque = opaque;
    if (!inbuf) {
        inbuf = g_string_new(NULL);
    }
}

void qtest_server_inproc_recv(void *opaque, const char *buf)
{
    qtest_read(opaque, (const uint8_t *)buf, strlen(buf));
}

bool qtest_server_init(const char *qtest_chrdev, const char *qtest_log,
                       Error **errp)
{
    Chardev *chr;

    chr = qemu_chr_find(qtest_chrdev);
    if (!chr) {
        chr = qemu_chr_new("qtest", qtest_chrdev, errp);
        if (!chr) {
            return false;
        }
    }

    /*
     * As QEMU: without -qtest-log the session is logged to stderr; "none"
     * logs nothing.  libqtest asks for /dev/null unless told to log:
     * formatting the lines and their timestamps for it cost a third of
     * the emulator's instructions per command.
     */
    if (!qtest_log) {
        qtest_log_fp = stderr;
    } else if (strcmp(qtest_log, "none") != 0 &&
               strcmp(qtest_log, "/dev/null") != 0) {
        qtest_log_fp = !strcmp(qtest_log, "-") ? stderr :
                       fopen(qtest_log, "w");
        if (!qtest_log_fp) {
            error_setg_errno(errp, errno, "Could not open '%s'", qtest_log);
            return false;
        }
    }

    qtest_start_ns = get_clock();
    inbuf = g_string_new(NULL);
    if (!qemu_chr_fe_init(&qtest_be, chr, errp)) {
        return false;
    }
    qemu_chr_fe_set_handlers(&qtest_be, qtest_can_read, qtest_read,
                             qtest_event, NULL, NULL, true);
    return true;
}
