/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 parts of the KVM accelerator: VM set-up, the CPUID each vCPU
 * reports, and loading the register state after a reset.
 *
 * CPUID is the qemu64 model (target/i386/cpu.c) within what the host's
 * KVM supports, with the host's vendor as QEMU does under KVM (SYSCALL
 * and SYSENTER behave the host's way in compatibility mode) and each
 * vCPU's APIC ID.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/kvm.h"
#include "target/i386/cpu.h"
#include <linux/kvm.h>

/* Where QEMU puts the TSS and identity map Intel needs for real mode. */
#define KVM_TSS_ADDR            0xfffbd000
#define KVM_IDENTITY_MAP_ADDR   0xfeffc000ULL
#define KVM_MAX_CPUID_ENTRIES   256

bool kvm_arch_init(KVMState *s, Error **errp)
{
    uint64_t identity = KVM_IDENTITY_MAP_ADDR;
    int ret;

    if (kvm_check_extension(s, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
        ret = kvm_vm_ioctl(s, KVM_SET_IDENTITY_MAP_ADDR, &identity);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_SET_IDENTITY_MAP_ADDR");
            return false;
        }
    }
    ret = kvm_vm_ioctl(s, KVM_SET_TSS_ADDR,
                       (void *)(uintptr_t)KVM_TSS_ADDR);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_TSS_ADDR");
        return false;
    }
    return true;
}

/* The host's answer for @function/@index, or NULL. */
static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *cpuid,
                                           uint32_t function, uint32_t index)
{
    uint32_t i;

    for (i = 0; i < cpuid->nent; i++) {
        struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

        if (e->function == function &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
             e->index == index)) {
            return e;
        }
    }
    return NULL;
}

bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp)
{
    CPUX86State *env = &X86_CPU(cpu)->env;
    g_autofree struct kvm_cpuid2 *cpuid = NULL;
    struct kvm_cpuid_entry2 *e;
    uint32_t a, b, c, d, i;
    int ret;

    cpuid = g_malloc0(sizeof(*cpuid) +
                      KVM_MAX_CPUID_ENTRIES * sizeof(cpuid->entries[0]));
    cpuid->nent = KVM_MAX_CPUID_ENTRIES;
    ret = kvm_ioctl(kvm_state, KVM_GET_SUPPORTED_CPUID, cpuid);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_SUPPORTED_CPUID");
        return false;
    }
    env->apic_id = cpu->cpu_index;
    for (i = 0; i < cpuid->nent; i++) {
        e = &cpuid->entries[i];
        cpu_x86_cpuid(env, e->function, e->index, &a, &b, &c, &d);
        switch (e->function) {
        case 1:
            e->eax = a;
            e->ebx = b;
            e->ecx &= c;
            e->edx &= d;
            break;
        case 0x80000001:
            e->ecx &= c;
            e->edx &= d;
            break;
        case 0x80000002 ... 0x80000004:
            e->eax = a;
            e->ebx = b;
            e->ecx = c;
            e->edx = d;
            break;
        case 0xb:
        case 0x1f:
            /* x2APIC topology: one thread per core, our APIC IDs. */
            e->edx = env->apic_id;
            break;
        default:
            break;
        }
    }
    if (!cpuid_find(cpuid, 1, 0)) {
        error_setg(errp, "kvm: the host offers no CPUID leaf 1");
        return false;
    }
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_CPUID2, cpuid);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_CPUID2");
        return false;
    }
    return true;
}

/* QEMU's set_seg(): a segment cache as KVM takes it. */
static void kvm_seg(struct kvm_segment *lhs, const SegmentCache *rhs)
{
    unsigned flags = rhs->flags;

    lhs->selector = rhs->selector;
    lhs->base = rhs->base;
    lhs->limit = rhs->limit;
    lhs->type = (flags >> DESC_TYPE_SHIFT) & 15;
    lhs->present = (flags & DESC_P_MASK) != 0;
    lhs->dpl = (flags >> DESC_DPL_SHIFT) & 3;
    lhs->db = (flags & DESC_B_MASK) != 0;
    lhs->s = (flags & DESC_S_MASK) != 0;
    lhs->l = (flags & DESC_L_MASK) != 0;
    lhs->g = (flags & DESC_G_MASK) != 0;
    lhs->avl = 0;
    lhs->unusable = !lhs->present;
    lhs->padding = 0;
}

bool kvm_arch_put_registers(CPUState *cpu, Error **errp)
{
    CPUX86State *env = &X86_CPU(cpu)->env;
    struct kvm_regs regs = {
        .rax = env->regs[R_EAX], .rbx = env->regs[R_EBX],
        .rcx = env->regs[R_ECX], .rdx = env->regs[R_EDX],
        .rsi = env->regs[R_ESI], .rdi = env->regs[R_EDI],
        .rsp = env->regs[R_ESP], .rbp = env->regs[R_EBP],
        .r8 = env->regs[8], .r9 = env->regs[9], .r10 = env->regs[10],
        .r11 = env->regs[11], .r12 = env->regs[12], .r13 = env->regs[13],
        .r14 = env->regs[14], .r15 = env->regs[15],
        .rip = env->eip, .rflags = env->eflags,
    };
    struct kvm_sregs sregs = { 0 };
    int ret;

    ret = kvm_vcpu_ioctl(cpu, KVM_SET_REGS, &regs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_REGS");
        return false;
    }
    kvm_seg(&sregs.cs, &env->segs[R_CS]);
    kvm_seg(&sregs.ds, &env->segs[R_DS]);
    kvm_seg(&sregs.es, &env->segs[R_ES]);
    kvm_seg(&sregs.fs, &env->segs[R_FS]);
    kvm_seg(&sregs.gs, &env->segs[R_GS]);
    kvm_seg(&sregs.ss, &env->segs[R_SS]);
    kvm_seg(&sregs.tr, &env->tr);
    kvm_seg(&sregs.ldt, &env->ldt);
    sregs.idt.base = env->idt.base;
    sregs.idt.limit = env->idt.limit;
    sregs.gdt.base = env->gdt.base;
    sregs.gdt.limit = env->gdt.limit;
    sregs.cr0 = env->cr[0];
    sregs.cr2 = env->cr[2];
    sregs.cr3 = env->cr[3];
    sregs.cr4 = env->cr[4];
    sregs.efer = env->efer;
    /* The local APIC base MSR's reset value, BSP flag included. */
    sregs.apic_base = 0xfee00000 | 1 << 11 | (cpu_is_bsp(cpu) ? 1 << 8 : 0);
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_SREGS, &sregs);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_SREGS");
        return false;
    }
    return true;
}
