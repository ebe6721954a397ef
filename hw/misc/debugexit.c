/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isa-debug-exit: a port that ends the emulator with a status the guest
 * chooses, for test guests.
 *   -device isa-debug-exit[,iobase=PORT][,iosize=N]   (0x501, 2)
 * Writing V exits with status (V << 1) | 1, as in QEMU, so no value the
 * guest writes reads as success (0).  QEMU calls exit() from the vCPU;
 * here the write stops that vCPU at once and the main loop shuts down
 * in order, with the same status.  Reads return 0.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/isa/isa.h"
#include "hw/qdev-properties.h"
#include "system/cpus.h"
#include "system/runstate.h"

#define TYPE_ISA_DEBUG_EXIT_DEVICE "isa-debug-exit"
OBJECT_DECLARE_SIMPLE_TYPE(ISADebugExitState, ISA_DEBUG_EXIT_DEVICE)

struct ISADebugExitState {
    ISADevice parent_obj;

    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
};

static uint64_t debug_exit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned width)
{
    qemu_system_shutdown_request_with_code(SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
                                           (val << 1) | 1);
    cpu_stop_current();
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void debug_exit_realizefn(DeviceState *d, Error **errp)
{
    ISADebugExitState *isa = ISA_DEBUG_EXIT_DEVICE(d);

    if (!isa->iosize || isa->iosize > 0x10000 ||
        isa->iobase > 0x10000 - isa->iosize) {
        error_setg(errp, "isa-debug-exit: ports 0x%x+0x%x do not fit the "
                   "I/O address space", isa->iobase, isa->iosize);
        return;
    }
    memory_region_init_io(&isa->io, OBJECT(d), &debug_exit_ops, isa,
                          TYPE_ISA_DEBUG_EXIT_DEVICE, isa->iosize);
    isa_register_ioport(ISA_DEVICE(d), &isa->io, isa->iobase);
}

static void debug_exit_unrealizefn(DeviceState *d)
{
    ISADebugExitState *isa = ISA_DEBUG_EXIT_DEVICE(d);

    memory_region_del_subregion(
        isa_bus_from_device(ISA_DEVICE(d))->address_space_io, &isa->io);
}

static const Property debug_exit_properties[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", ISADebugExitState, iosize, 0x02),
    DEFINE_PROP_END_OF_LIST(),
};

static void debug_exit_class_initfn(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "exit the emulator with a status the guest writes";
    dc->realize = debug_exit_realizefn;
    dc->unrealize = debug_exit_unrealizefn;
    device_class_set_props(dc, debug_exit_properties);
    dc->user_creatable = true;
}

static const TypeInfo debug_exit_info = {
    .name = TYPE_ISA_DEBUG_EXIT_DEVICE,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISADebugExitState),
    .class_init = debug_exit_class_initfn,
};

static void debug_exit_register_types(void)
{
    type_register_static(&debug_exit_info);
}

type_init(debug_exit_register_types)
