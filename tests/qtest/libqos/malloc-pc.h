/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos guest memory allocator over a PC's low RAM.
 */

#ifndef LIBQOS_MALLOC_PC_H
#define LIBQOS_MALLOC_PC_H

#include "../libqtest.h"
#include "malloc.h"

/*
 * Allocate from 1 MiB (above the legacy VGA and BIOS areas) up to the
 * end of RAM below 4 GiB, capped at 2 GiB, where q35 ends low RAM once
 * there is too much to fit under the PCI hole.  The RAM size comes from
 * QMP query-memory-size-summary; 128 MiB (the default) if unavailable.
 */
void pc_alloc_init(QGuestAllocator *s, QTestState *qts, QAllocOpts flags);

#endif /* LIBQOS_MALLOC_PC_H */
