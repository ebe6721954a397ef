/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hwaddr: a guest physical address (or an offset into a MemoryRegion).
 *
 * Always 64 bits, whatever the host or target, as in QEMU.
 */

#ifndef EXEC_HWADDR_H
#define EXEC_HWADDR_H

typedef uint64_t hwaddr;

#define HWADDR_BITS 64
#define HWADDR_MAX UINT64_MAX

#define HWADDR_FMT_plx "%016" PRIx64
#define HWADDR_PRId PRId64
#define HWADDR_PRIi PRIi64
#define HWADDR_PRIo PRIo64
#define HWADDR_PRIu PRIu64
#define HWADDR_PRIx PRIx64
#define HWADDR_PRIX PRIX64

#endif /* EXEC_HWADDR_H */
