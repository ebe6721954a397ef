/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 port I/O on address_space_io.
 *
 * Values are in the target's (little-endian) byte order; an access wider
 * than a device accepts is split as for any address_space_write().  Ports
 * nobody decodes read as all ones and ignore writes, silently, as an ISA
 * bus does (see unassigned_io_ops).
 */

#ifndef EXEC_IOPORT_H
#define EXEC_IOPORT_H

#include "exec/memory.h"

#define MAX_IOPORTS (64 * 1024)
#define IOPORTS_MASK (MAX_IOPORTS - 1)

/* Ops for the "io" region itself: what answers between devices. */
extern const MemoryRegionOps unassigned_io_ops;

void cpu_outb(uint32_t addr, uint8_t val);
void cpu_outw(uint32_t addr, uint16_t val);
void cpu_outl(uint32_t addr, uint32_t val);
uint8_t cpu_inb(uint32_t addr);
uint16_t cpu_inw(uint32_t addr);
uint32_t cpu_inl(uint32_t addr);

#endif /* EXEC_IOPORT_H */
