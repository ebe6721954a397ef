/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "null" chardev backend, as QEMU's: output is discarded, there is
 * never any input, and no peer ever connects (no CHR_EVENT_OPENED).
 * For -qtest null, -serial null, -chardev null,id=ID.
 */

#include "qemu/osdep.h"
#include "chardev-internal.h"

static bool null_chr_open(Chardev *chr, const KeyValList *opts,
                          bool *be_opened, Error **errp)
{
    *be_opened = false;
    return true;
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static void null_chr_finalize(Chardev *chr)
{
}

const ChardevClass char_null_class = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .open = null_chr_open,
    .chr_write = null_chr_write,
    .chr_finalize = null_chr_finalize,
};
