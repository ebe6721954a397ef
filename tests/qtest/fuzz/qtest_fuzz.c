/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest: the protocol server's line parser (system/qtest.c), fed raw
 * text.  Each input, in a child process (fuzz_fork()), goes to the
 * server as bytes from a client would, up to its first NUL byte (the
 * in-process interface takes strings), followed by a newline so that
 * its last line is processed too.  Replies are dropped: the server must
 * answer anything without crashing, hanging or leaking.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/qtest.h"
#include "fuzz.h"

static void qtest_fuzz_one(QTestState *s, const unsigned char *data,
                           size_t size)
{
    g_autofree char *text = g_strndup((const char *)data, size);

    qtest_server_inproc_recv(NULL, text);
    qtest_server_inproc_recv(NULL, "\n");
}

static void qtest_fuzz(QTestState *s, const unsigned char *data,
                       size_t size)
{
    fuzz_fork(s, qtest_fuzz_one, data, size);
}

static GString *qtest_fuzz_cmdline(FuzzTarget *t)
{
    return g_string_new("-M q35 -nodefaults -m 128M "
                        "-device pci-testdev");
}

static void register_qtest_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget) {
        .name = "qtest",
        .description = "the qtest protocol's line parser, raw text",
        .get_init_cmdline = qtest_fuzz_cmdline,
        .fuzz = qtest_fuzz,
    });
}

fuzz_target_init(register_qtest_fuzz_targets);
