/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DMA hook of fuzzing builds (CONFIG_FUZZ) for every program but the
 * fuzzer, which defines its own (tests/qtest/fuzz/generic_fuzz.c) and so
 * never pulls this file out of libqemuutil.
 */

#include "qemu/osdep.h"
#include "exec/memory.h"

void fuzz_dma_read_cb(size_t addr, size_t len, MemoryRegion *mr)
{
}
