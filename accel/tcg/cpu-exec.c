/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One unicorn engine per vCPU, and running it for one slice.
 *
 * Everything here runs on the tcg vCPU thread: unicorn engines must not
 * be touched from another thread while they run (libunicorn 2.0.1 maps
 * and unmaps crash then), and the hooks run on the thread that called
 * uc_emu_start().
 *
 * The hooks:
 *   UC_HOOK_BLOCK     the kick: at every block boundary, if
 *                     cpu->exit_request is set, uc_emu_stop().  Stopping
 *                     from another thread (or by uc_emu_start's timeout)
 *                     can leave RIP at the start of a block whose loads
 *                     or stores already ran, and resuming repeats them.
 *   UC_HOOK_INSN      IN and OUT, through the I/O address space (the
 *                     memory API takes the BQL for devices);
 *   UC_HOOK_MEM_*_UNMAPPED   MMIO and holes (tcg-memory.c);
 *   UC_HOOK_INTR      CPU exceptions and INT n: unicorn cannot deliver
 *                     them through the guest's IDT, so the guest is
 *                     reset, as after a triple fault.
 * None of them calls uc_emu_stop() except the block and interrupt
 * hooks: a stop requested from an MMIO or I/O callback repeats the
 * access.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/rcu.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "exec/address-spaces.h"
#include "target/i386/cpu.h"
#include "tcg-internal.h"

/*
 * Where the boot stub runs (see tcg_cpu_load_state()): the top page
 * below 4 GiB, the x86 reset vector's page, which this tree's machine
 * leaves empty (no firmware) and no BAR occupies at reset.
 */
#define TCG_STUB_ADDR   0xfffff000ULL
#define TCG_STUB_SIZE   0x1000
#define TCG_STUB_GDT    0x800

static const int tcg_uc_regs[CPU_NB_REGS] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
    UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
    UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

static void tcg_block_hook(uc_engine *uc, uint64_t address, uint32_t size,
                           void *opaque)
{
    CPUState *cpu = opaque;

    /* Pairs with the smp_mb() in cpu_exit(). */
    if (qatomic_read(&cpu->exit_request) && !cpu->accel->in_stub) {
        cpu->accel->kicked = true;
        uc_emu_stop(uc);
    }
}

/* Port I/O as KVM's exits do it: an access of @size on the I/O space. */
static uint32_t tcg_in_hook(uc_engine *uc, uint32_t port, int size,
                            void *opaque)
{
    uint8_t buf[4] = { 0 };

    address_space_read(&address_space_io, port, MEMTXATTRS_UNSPECIFIED,
                       buf, size);
    return ldl_le_p(buf);
}

static void tcg_out_hook(uc_engine *uc, uint32_t port, int size,
                         uint32_t value, void *opaque)
{
    uint8_t buf[4];

    stl_le_p(buf, value);
    address_space_write(&address_space_io, port, MEMTXATTRS_UNSPECIFIED,
                        buf, size);
}

static void tcg_intr_hook(uc_engine *uc, uint32_t intno, void *opaque)
{
    CPUState *cpu = opaque;

    cpu->accel->exception = intno;
    uc_emu_stop(uc);
}

static bool tcg_cpu_open(CPUState *cpu, Error **errp)
{
    AccelCPUState *acc = cpu->accel;
    uc_hook hook;
    uc_err err;

    err = uc_open(UC_ARCH_X86, UC_MODE_64, &acc->uc);
    if (err == UC_ERR_OK) {
        err = uc_ctl_set_cpu_model(acc->uc, UC_CPU_X86_QEMU64);
    }
    if (err == UC_ERR_OK) {
        err = uc_hook_add(acc->uc, &hook, UC_HOOK_BLOCK, tcg_block_hook,
                          cpu, 1, 0);
    }
    if (err == UC_ERR_OK) {
        err = uc_hook_add(acc->uc, &hook, UC_HOOK_INSN, tcg_in_hook, cpu,
                          1, 0, UC_X86_INS_IN);
    }
    if (err == UC_ERR_OK) {
        err = uc_hook_add(acc->uc, &hook, UC_HOOK_INSN, tcg_out_hook, cpu,
                          1, 0, UC_X86_INS_OUT);
    }
    if (err == UC_ERR_OK) {
        err = uc_hook_add(acc->uc, &hook, UC_HOOK_INTR, tcg_intr_hook, cpu,
                          1, 0);
    }
    if (err == UC_ERR_OK) {
        err = uc_hook_add(acc->uc, &hook,
                          UC_HOOK_MEM_READ_UNMAPPED |
                          UC_HOOK_MEM_WRITE_UNMAPPED |
                          UC_HOOK_MEM_FETCH_UNMAPPED,
                          tcg_cpu_unmapped, cpu, 1, 0);
    }
    if (err != UC_ERR_OK) {
        error_setg(errp, "cannot create a unicorn x86-64 engine: %s",
                   uc_strerror(err));
        if (acc->uc) {
            uc_close(acc->uc);
            acc->uc = NULL;
        }
        return false;
    }
    return true;
}

bool tcg_cpu_init(CPUState *cpu, Error **errp)
{
    cpu->accel = g_new0(AccelCPUState, 1);
    cpu->accel->io_pages = g_hash_table_new(NULL, NULL);
    return tcg_cpu_open(cpu, errp);
}

void tcg_cpu_destroy(CPUState *cpu)
{
    AccelCPUState *acc = cpu->accel;

    tcg_cpu_memory_reset(cpu);
    if (acc->uc) {
        uc_close(acc->uc);
        acc->uc = NULL;
    }
}

/* The 8-byte descriptor a segment cache was loaded from. */
static uint64_t tcg_descriptor(const SegmentCache *sc)
{
    uint32_t limit = sc->flags & DESC_G_MASK ? sc->limit >> 12 : sc->limit;
    uint64_t lo = (limit & 0xffff) | (sc->base & 0xffff) << 16;
    uint64_t hi = ((sc->base >> 16) & 0xff) | (sc->flags & 0x00f0ff00) |
                  (limit & 0xf0000) | (sc->base & 0xff000000);

    return lo | hi << 32;
}

/*
 * Put the engine into the vCPU's reset state.  unicorn 2.0.1 starts an
 * x86-64 engine in 64-bit mode and writing a segment register only sets
 * the selector, so protected-mode segments are loaded the way the CPU
 * would: a stub in a private page loads the data segments and
 * far-jumps to the entry, with a GDT holding the state's descriptors at
 * their selectors.  The page is unmapped again before the guest runs.
 * Only 32-bit protected mode without paging can start this way, which is
 * where multiboot puts the boot CPU; real mode (the reset vector, with
 * no firmware here) cannot.
 */
static bool tcg_cpu_load_state(CPUState *cpu, Error **errp)
{
    CPUX86State *env = &X86_CPU(cpu)->env;
    uc_engine *uc = cpu->accel->uc;
    static const uint8_t seg_modrm[CPU_NB_SEGS] = {
        [R_ES] = 0xc0, [R_SS] = 0xd0, [R_DS] = 0xd8, [R_FS] = 0xe0,
        [R_GS] = 0xe8,
    };
    uint8_t stub[TCG_STUB_SIZE] = { 0 };
    uint64_t *gdt = (uint64_t *)(stub + TCG_STUB_GDT);
    uint8_t *code = stub;
    uc_x86_mmr mmr = { 0 };
    uc_x86_msr efer = { MSR_EFER, 0 };
    uint64_t val;
    int i;
    uc_err err;

    if ((env->cr[0] & (CR0_PE_MASK | CR0_PG_MASK)) != CR0_PE_MASK ||
        (env->efer & MSR_EFER_LMA) || env->eip >= 4 * GiB) {
        error_setg(errp, "unicorn can only start a vCPU in 32-bit protected "
                   "mode without paging, and this one is reset to %s",
                   env->cr[0] & CR0_PE_MASK ? "another mode" :
                   "real mode (no firmware here: boot a kernel with "
                   "-kernel)");
        return false;
    }
    for (i = 0; i < CPU_NB_SEGS; i++) {
        SegmentCache *sc = &env->segs[i];
        unsigned idx = sc->selector >> 3;

        if (!idx || idx >= TCG_STUB_GDT / 8 ||
            (gdt[idx] && gdt[idx] != tcg_descriptor(sc))) {
            error_setg(errp, "unicorn cannot load segment %d with "
                       "selector 0x%x", i, sc->selector);
            return false;
        }
        gdt[idx] = tcg_descriptor(sc);
        if (i == R_CS) {
            continue;
        }
        /* mov $selector, %eax; mov %eax, %seg */
        *code++ = 0xb8;
        stl_le_p(code, sc->selector);
        code += 4;
        *code++ = 0x8e;
        *code++ = seg_modrm[i];
    }
    /*
     * mov $farptr, %eax; ljmp *(%rax): the same bytes and meaning in 32-
     * and 64-bit code (an absolute disp32 would be sign-extended in the
     * latter).
     */
    *code++ = 0xb8;
    stl_le_p(code, TCG_STUB_ADDR + TCG_STUB_GDT - 8);
    code += 4;
    *code++ = 0xff;
    *code++ = 0x28;
    stl_le_p(stub + TCG_STUB_GDT - 8, env->eip);
    stw_le_p(stub + TCG_STUB_GDT - 4, env->segs[R_CS].selector);

    uc_reg_write(uc, UC_X86_REG_MSR, &efer);
    uc_reg_write(uc, UC_X86_REG_CR4, &env->cr[4]);
    uc_reg_write(uc, UC_X86_REG_CR3, &env->cr[3]);
    uc_reg_write(uc, UC_X86_REG_CR0, &env->cr[0]);
    mmr.base = TCG_STUB_ADDR + TCG_STUB_GDT;
    mmr.limit = TCG_STUB_SIZE - TCG_STUB_GDT - 1;
    uc_reg_write(uc, UC_X86_REG_GDTR, &mmr);

    err = uc_mem_map(uc, TCG_STUB_ADDR, sizeof(stub), UC_PROT_ALL);
    if (err == UC_ERR_OK) {
        err = uc_mem_write(uc, TCG_STUB_ADDR, stub, sizeof(stub));
    }
    if (err == UC_ERR_OK) {
        /* Kicks wait: the vCPU is not in guest code yet. */
        cpu->accel->in_stub = true;
        err = uc_emu_start(uc, TCG_STUB_ADDR, env->eip, 0, 0);
        cpu->accel->in_stub = false;
    }
    uc_mem_unmap(uc, TCG_STUB_ADDR, sizeof(stub));
    uc_reg_read(uc, UC_X86_REG_RIP, &val);
    if (err != UC_ERR_OK || val != env->eip) {
        error_setg(errp, "unicorn did not reach the entry point 0x%" PRIx64
                   " (%s, RIP 0x%" PRIx64 ")", env->eip, uc_strerror(err),
                   val);
        return false;
    }

    /* The stub used RAX: load the general registers only now. */
    for (i = 0; i < CPU_NB_REGS; i++) {
        uc_reg_write(uc, tcg_uc_regs[i], &env->regs[i]);
    }
    uc_reg_write(uc, UC_X86_REG_RFLAGS, &env->eflags);
    mmr.base = env->gdt.base;
    mmr.limit = env->gdt.limit;
    uc_reg_write(uc, UC_X86_REG_GDTR, &mmr);
    mmr.base = env->idt.base;
    mmr.limit = env->idt.limit;
    uc_reg_write(uc, UC_X86_REG_IDTR, &mmr);
    return true;
}

/*
 * Reset: a fresh engine, because unicorn keeps exception state that
 * survives a register load (a fault after a stop in the interrupt hook
 * becomes a double fault).  Its memory map is rebuilt by the next sync.
 */
static bool tcg_cpu_reset_engine(CPUState *cpu, Error **errp)
{
    tcg_cpu_destroy(cpu);
    return tcg_cpu_open(cpu, errp) && tcg_cpu_sync_memory(cpu, errp) &&
           tcg_cpu_load_state(cpu, errp);
}

static uint64_t tcg_cpu_rip(CPUState *cpu)
{
    uint64_t rip = 0;

    uc_reg_read(cpu->accel->uc, UC_X86_REG_RIP, &rip);
    return rip;
}

/* unicorn returns from HLT with RIP after it and no error. */
static bool tcg_cpu_after_hlt(CPUState *cpu)
{
    uint64_t rip = tcg_cpu_rip(cpu);
    uint8_t insn;

    return rip && uc_mem_read(cpu->accel->uc, rip - 1, &insn, 1) ==
           UC_ERR_OK && insn == 0xf4;
}

/*
 * One slice: from the vCPU's current state until a kick, HLT or an
 * error.  The whole slice is one RCU read-side critical section, as in
 * QEMU's cpu_exec(): guest code holds on to the memory map it runs with.
 */
TCGExit tcg_cpu_exec(CPUState *cpu)
{
    AccelCPUState *acc = cpu->accel;
    Error *err = NULL;
    uc_err uerr;

    rcu_read_lock();
    if (cpu->vcpu_dirty) {
        cpu->vcpu_dirty = false;
        if (!tcg_cpu_reset_engine(cpu, &err)) {
            goto fail;
        }
    } else if (!tcg_cpu_sync_memory(cpu, &err)) {
        goto fail;
    }
    acc->kicked = false;
    acc->exception = -1;
    uerr = uc_emu_start(acc->uc, tcg_cpu_rip(cpu), UINT64_MAX, 0, 0);
    rcu_read_unlock();

    if (uerr == UC_ERR_OK && acc->exception < 0) {
        if (acc->kicked || !tcg_cpu_after_hlt(cpu)) {
            return TCG_EXIT_KICKED;
        }
        return TCG_EXIT_HALTED;
    }
    if (uerr == UC_ERR_OK || uerr == UC_ERR_INSN_INVALID) {
        /* #UD for an instruction unicorn cannot run. */
        warn_report("tcg: vCPU %d: exception %d at RIP 0x%" PRIx64 ": "
                    "unicorn cannot deliver it through the guest's IDT; "
                    "resetting, as after a triple fault", cpu->cpu_index,
                    acc->exception >= 0 ? acc->exception : 6,
                    tcg_cpu_rip(cpu));
        return TCG_EXIT_RESET;
    }
    error_report("tcg: vCPU %d stopped at RIP 0x%" PRIx64 ": %s",
                 cpu->cpu_index, tcg_cpu_rip(cpu), uc_strerror(uerr));
    return TCG_EXIT_ERROR;

fail:
    rcu_read_unlock();
    error_report("tcg: vCPU %d: %s", cpu->cpu_index, error_get_pretty(err));
    error_free(err);
    return TCG_EXIT_ERROR;
}
