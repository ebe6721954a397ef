/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tcg accelerator on libunicorn: what its files share.
 *
 *   tcg-all.c             the "tcg" accelerator type, -accel tcg,thread=
 *   tcg-accel-ops-rr.c    the one thread that runs every vCPU in turn
 *   cpu-exec.c            a unicorn engine per vCPU: hooks, one slice
 *   tcg-memory.c          the guest-physical map each engine sees
 *
 * See docs/devel/accel.md.
 */

#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include <unicorn/unicorn.h>
#include "hw/core/cpu.h"

/*
 * libunicorn is loaded only when -accel tcg is chosen (tcg-all.c): its
 * 30,000 symbols cost every start of the emulator tens of milliseconds
 * to relocate, hundreds under ASan, and most runs (qtests) never run
 * guest code.  The uc_*() calls below go through these pointers.
 */
#define TCG_UC_FUNCS(F) \
    F(uc_open) F(uc_close) F(uc_ctl) F(uc_strerror) F(uc_hook_add) \
    F(uc_reg_read) F(uc_reg_write) F(uc_mem_map) F(uc_mem_map_ptr) \
    F(uc_mmio_map) F(uc_mem_unmap) F(uc_mem_read) F(uc_mem_write) \
    F(uc_emu_start) F(uc_emu_stop)

#define TCG_UC_POINTER(name) typeof(name) *name;
typedef struct TCGUnicorn {
    TCG_UC_FUNCS(TCG_UC_POINTER)
} TCGUnicorn;
#undef TCG_UC_POINTER

extern TCGUnicorn tcg_uc;

/* tcg-all.c fills tcg_uc and needs the real names. */
#ifndef TCG_UC_LOADER
#define uc_open         tcg_uc.uc_open
#define uc_close        tcg_uc.uc_close
#define uc_ctl          tcg_uc.uc_ctl
#define uc_strerror     tcg_uc.uc_strerror
#define uc_hook_add     tcg_uc.uc_hook_add
#define uc_reg_read     tcg_uc.uc_reg_read
#define uc_reg_write    tcg_uc.uc_reg_write
#define uc_mem_map      tcg_uc.uc_mem_map
#define uc_mem_map_ptr  tcg_uc.uc_mem_map_ptr
#define uc_mmio_map     tcg_uc.uc_mmio_map
#define uc_mem_unmap    tcg_uc.uc_mem_unmap
#define uc_mem_read     tcg_uc.uc_mem_read
#define uc_mem_write    tcg_uc.uc_mem_write
#define uc_emu_start    tcg_uc.uc_emu_start
#define uc_emu_stop     tcg_uc.uc_emu_stop
#endif

/* Why tcg_cpu_exec() returned. */
typedef enum TCGExit {
    TCG_EXIT_KICKED,        /* exit_request seen at a block boundary */
    TCG_EXIT_HALTED,        /* the guest executed HLT */
    TCG_EXIT_RESET,         /* the guest cannot go on: reset the VM */
    TCG_EXIT_ERROR,         /* the emulator cannot go on: stop the VM */
} TCGExit;

struct AccelCPUState {
    uc_engine *uc;
    /* The stop in progress came from our block hook. */
    bool kicked;
    /* Running the boot stub of tcg_cpu_load_state(): ignore kicks. */
    bool in_stub;
    /* The exception the interrupt hook saw in this slice, or -1. */
    int exception;

    /*
     * This engine's guest-physical map (tcg-memory.c): the RAM chunks
     * it has mapped, the generation of the global map they come from,
     * and the 4 KiB pages it routes to the memory API.
     */
    GArray *ram;
    unsigned map_gen;
    GHashTable *io_pages;
};

/* cpu-exec.c: run on the vCPU thread only. */
bool tcg_cpu_init(CPUState *cpu, Error **errp);
void tcg_cpu_destroy(CPUState *cpu);
TCGExit tcg_cpu_exec(CPUState *cpu);

/* tcg-memory.c */
void tcg_memory_init(void);
/* Map the changes since the engine's last sync (vCPU thread, RCU). */
bool tcg_cpu_sync_memory(CPUState *cpu, Error **errp);
/* Forget the engine's map (it is about to be closed). */
void tcg_cpu_memory_reset(CPUState *cpu);
/* The UC_HOOK_MEM_*_UNMAPPED hook: route the page to the memory API. */
bool tcg_cpu_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr,
                      int size, int64_t value, void *opaque);

/* tcg-accel-ops-rr.c */
void rr_start_vcpu_thread(CPUState *cpu);
void rr_kick_vcpu_thread(CPUState *cpu);

#endif /* ACCEL_TCG_INTERNAL_H */
