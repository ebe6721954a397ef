/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 port I/O: cpu_in*()/cpu_out*() on address_space_io, and what
 * answers on ports no device claims.
 */

#include "qemu/osdep.h"
#include "exec/address-spaces.h"
#include "exec/ioport.h"
#include "exec/memory-internal.h"

/*
 * An ISA bus with nothing on it floats high, and guests probe ports all
 * the time: reads give all ones, writes are dropped, nothing is logged.
 * Any size and alignment is accepted so that these never count as
 * invalid accesses.
 */
static uint64_t unassigned_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return UINT64_MAX;
}

static void unassigned_io_write(void *opaque, hwaddr addr, uint64_t data,
                                unsigned size)
{
}

const MemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
    .write = unassigned_io_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid.unaligned = true,
    .impl.unaligned = true,
    .impl.max_access_size = 8,
};

static uint32_t cpu_in(uint32_t addr, unsigned size)
{
    uint8_t buf[4];

    address_space_read(&address_space_io, addr, MEMTXATTRS_UNSPECIFIED,
                       buf, size);
    return memory_ldn_le(buf, size);
}

static void cpu_out(uint32_t addr, uint32_t val, unsigned size)
{
    uint8_t buf[4];

    memory_stn_le(buf, size, val);
    address_space_write(&address_space_io, addr, MEMTXATTRS_UNSPECIFIED,
                        buf, size);
}

void cpu_outb(uint32_t addr, uint8_t val)
{
    cpu_out(addr, val, 1);
}

void cpu_outw(uint32_t addr, uint16_t val)
{
    cpu_out(addr, val, 2);
}

void cpu_outl(uint32_t addr, uint32_t val)
{
    cpu_out(addr, val, 4);
}

uint8_t cpu_inb(uint32_t addr)
{
    return cpu_in(addr, 1);
}

uint16_t cpu_inw(uint32_t addr)
{
    return cpu_in(addr, 2);
}

uint32_t cpu_inl(uint32_t addr)
{
    return cpu_in(addr, 4);
}
