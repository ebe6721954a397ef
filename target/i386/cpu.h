/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86-64 CPU: the architectural state that accelerators load into
 * their engine (unicorn, KVM) when a vCPU is reset, and the CPUID model.
 *
 * The state is QEMU's CPUX86State trimmed to what a reset or a direct
 * boot sets: general registers, RIP, RFLAGS, the segment caches, GDTR,
 * IDTR, control registers and EFER.  While the guest runs, the engine
 * owns the registers; this copy is only written at reset (vcpu_dirty).
 */

#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include "hw/core/cpu.h"

#define TYPE_X86_CPU "x86_64-cpu"
OBJECT_DECLARE_TYPE(X86CPU, X86CPUClass, X86_CPU)

/* The one model: QEMU's default, qemu64. */
#define X86_CPU_TYPE_NAME(name) (name "-" TYPE_X86_CPU)
#define TYPE_X86_CPU_QEMU64 X86_CPU_TYPE_NAME("qemu64")

enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    CPU_NB_REGS = 16,
};

/* Segment registers, in QEMU's (and the encoding's) order. */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, CPU_NB_SEGS };

/* Segment cache flags: bits 8..23 of a descriptor's high word. */
#define DESC_TYPE_SHIFT 8
#define DESC_S_MASK     (1 << 12)   /* code or data, not system */
#define DESC_DPL_SHIFT  13
#define DESC_P_MASK     (1 << 15)
#define DESC_L_MASK     (1 << 21)   /* 64-bit code */
#define DESC_B_MASK     (1 << 22)   /* 32-bit default size */
#define DESC_G_MASK     (1 << 23)   /* limit in pages */
#define DESC_CS_MASK    (1 << 11)   /* type: code */
#define DESC_R_MASK     (1 << 9)    /* type: readable code */
#define DESC_W_MASK     (1 << 9)    /* type: writable data */
#define DESC_A_MASK     (1 << 8)    /* type: accessed */

#define CR0_PE_MASK     (1U << 0)
#define CR0_ET_MASK     (1U << 4)
#define CR0_NW_MASK     (1U << 29)
#define CR0_CD_MASK     (1U << 30)
#define CR0_PG_MASK     (1U << 31)
#define MSR_EFER        0xc0000080
#define MSR_EFER_LME    (1 << 8)
#define MSR_EFER_LMA    (1 << 10)

typedef struct SegmentCache {
    uint32_t selector;
    uint64_t base;
    uint32_t limit;
    uint32_t flags;
} SegmentCache;

typedef struct CPUX86State {
    uint64_t regs[CPU_NB_REGS];
    uint64_t eip;
    uint64_t eflags;
    SegmentCache segs[CPU_NB_SEGS];
    SegmentCache ldt;
    SegmentCache tr;
    SegmentCache gdt;       /* base and limit only */
    SegmentCache idt;       /* base and limit only */
    uint64_t cr[5];
    uint64_t efer;
    uint32_t apic_id;
} CPUX86State;

struct X86CPUClass {
    CPUClass parent_class;

    DeviceRealize parent_realize;
    DeviceReset parent_reset;
};

struct X86CPU {
    CPUState parent_obj;

    CPUX86State env;
};

static inline X86CPU *x86_cpu_from_cpu(CPUState *cpu)
{
    return X86_CPU(cpu);
}

/*
 * The CPUID model: what leaf @index, subleaf @count answers.  KVM masks
 * it with what the host supports; unicorn has its own qemu64 model,
 * which this one follows.
 */
void cpu_x86_cpuid(CPUX86State *env, uint32_t index, uint32_t count,
                   uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                   uint32_t *edx);

/*
 * Load a flat segment into @sc, as a boot loader's GDT entry would:
 * base 0, limit 4 GiB, present, DPL 0; @code picks an execute/read
 * segment, else read/write data; @flags adds DESC_L_MASK or
 * DESC_B_MASK.
 */
void x86_cpu_set_flat_segment(SegmentCache *sc, uint32_t selector,
                              bool code, uint32_t flags);

/* Whether @cpu is the bootstrap processor (the first one). */
static inline bool cpu_is_bsp(CPUState *cpu)
{
    return cpu->cpu_index == 0;
}

#endif /* TARGET_I386_CPU_H */
