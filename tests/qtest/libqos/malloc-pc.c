/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos guest memory allocator over a PC's low RAM.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"

#include "malloc-pc.h"

#define PC_ALLOC_PAGE_SIZE  4096
#define PC_DEFAULT_RAM      (128 * MiB)
#define PC_LOW_RAM_CAP      (2 * GiB)

/* The guest's RAM size, asked over QMP; the default without QMP. */
static uint64_t pc_ram_size(QTestState *qts)
{
    JsonObject *rsp;
    JsonNode *ret;
    uint64_t ram = PC_DEFAULT_RAM;

    if (!qtest_has_qmp(qts)) {
        return ram;
    }
    rsp = qtest_qmp(qts, "{ 'execute': 'query-memory-size-summary' }");
    ret = json_object_get_member(rsp, "return");
    if (ret && JSON_NODE_HOLDS_OBJECT(ret)) {
        JsonObject *summary = json_node_get_object(ret);

        if (json_object_has_member(summary, "base-memory")) {
            ram = json_object_get_int_member(summary, "base-memory");
        }
    }
    json_object_unref(rsp);
    return ram;
}

void pc_alloc_init(QGuestAllocator *s, QTestState *qts, QAllocOpts flags)
{
    uint64_t ram = pc_ram_size(qts);

    alloc_init(s, flags, 1 * MiB, MIN(ram, (uint64_t)PC_LOW_RAM_CAP),
               PC_ALLOC_PAGE_SIZE);
}
