/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86-64 CPU device: power-on state and the qemu64 CPUID model.
 *
 * Reset puts every vCPU in the state of an x86 processor after RESET:
 * real mode, CS:IP at f000:fff0.  The bootstrap processor runs from
 * there (or from where the machine's direct boot puts it, after this
 * reset); the others wait halted for a start-up IPI, which this tree has
 * no local APIC to send, so they stay halted, as on a PC whose firmware
 * never wakes them.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/i386/cpu.h"

/* qemu64: family 15, model 107, stepping 1, as QEMU's. */
#define QEMU64_FAMILY   15
#define QEMU64_MODEL    107
#define QEMU64_STEPPING 1
#define QEMU64_VENDOR   "AuthenticAMD"
#define QEMU64_MODEL_ID "QEMU Virtual CPU version 2.5+"

/* CPUID.1:EDX, CPUID.1:ECX, CPUID.80000001h:EDX/ECX bits of qemu64. */
#define CPUID_1_EDX_QEMU64 \
    (1U << 0 | 1U << 2 | 1U << 3 | 1U << 4 | 1U << 5 | 1U << 6 | \
     1U << 7 | 1U << 8 | 1U << 9 | 1U << 11 | 1U << 12 | 1U << 13 | \
     1U << 14 | 1U << 15 | 1U << 16 | 1U << 17 | 1U << 19 | 1U << 23 | \
     1U << 24 | 1U << 25 | 1U << 26)
#define CPUID_1_ECX_SSE3        (1U << 0)
#define CPUID_1_ECX_CX16        (1U << 13)
#define CPUID_1_ECX_HYPERVISOR  (1U << 31)
#define CPUID_EXT2_SYSCALL      (1U << 11)
#define CPUID_EXT2_NX           (1U << 20)
#define CPUID_EXT2_LM           (1U << 29)
#define CPUID_EXT3_LAHF_LM      (1U << 0)

#define QEMU64_LEVEL    0xd
#define QEMU64_XLEVEL   0x8000000a

static uint32_t cpuid_vendor_word(const char *vendor, int i)
{
    return (uint32_t)vendor[i * 4] | (uint32_t)vendor[i * 4 + 1] << 8 |
           (uint32_t)vendor[i * 4 + 2] << 16 |
           (uint32_t)vendor[i * 4 + 3] << 24;
}

static uint32_t cpuid_version(void)
{
    return (QEMU64_FAMILY > 15 ? 15 : QEMU64_FAMILY) << 8 |
           (QEMU64_FAMILY > 15 ? (QEMU64_FAMILY - 15) << 20 : 0) |
           (QEMU64_MODEL & 0xf) << 4 | (QEMU64_MODEL >> 4) << 16 |
           QEMU64_STEPPING;
}

void cpu_x86_cpuid(CPUX86State *env, uint32_t index, uint32_t count,
                   uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                   uint32_t *edx)
{
    char model_id[48] = QEMU64_MODEL_ID;
    const uint32_t *brand = (const uint32_t *)model_id;

    *eax = *ebx = *ecx = *edx = 0;
    switch (index) {
    case 0:
        *eax = QEMU64_LEVEL;
        *ebx = cpuid_vendor_word(QEMU64_VENDOR, 0);
        *edx = cpuid_vendor_word(QEMU64_VENDOR, 1);
        *ecx = cpuid_vendor_word(QEMU64_VENDOR, 2);
        break;
    case 1:
        *eax = cpuid_version();
        /* APIC ID, one logical processor, 64-byte CLFLUSH lines. */
        *ebx = env->apic_id << 24 | 1 << 16 | 8 << 8;
        *ecx = CPUID_1_ECX_SSE3 | CPUID_1_ECX_CX16 | CPUID_1_ECX_HYPERVISOR;
        *edx = CPUID_1_EDX_QEMU64;
        break;
    case 0x80000000:
        *eax = QEMU64_XLEVEL;
        *ebx = cpuid_vendor_word(QEMU64_VENDOR, 0);
        *edx = cpuid_vendor_word(QEMU64_VENDOR, 1);
        *ecx = cpuid_vendor_word(QEMU64_VENDOR, 2);
        break;
    case 0x80000001:
        *eax = cpuid_version();
        *ecx = CPUID_EXT3_LAHF_LM;
        *edx = (CPUID_1_EDX_QEMU64 & 0x0183f3ff) | CPUID_EXT2_SYSCALL |
               CPUID_EXT2_NX | CPUID_EXT2_LM;
        break;
    case 0x80000002 ... 0x80000004:
        brand += (index - 0x80000002) * 4;
        *eax = brand[0];
        *ebx = brand[1];
        *ecx = brand[2];
        *edx = brand[3];
        break;
    case 0x80000008:
        /* 40 physical and 48 virtual address bits. */
        *eax = 48 << 8 | 40;
        break;
    default:
        break;
    }
}

void x86_cpu_set_flat_segment(SegmentCache *sc, uint32_t selector,
                              bool code, uint32_t flags)
{
    sc->selector = selector;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = DESC_P_MASK | DESC_S_MASK | DESC_G_MASK | DESC_A_MASK |
                (code ? DESC_CS_MASK | DESC_R_MASK : DESC_W_MASK) | flags;
}

/* The state after RESET (Intel SDM vol. 3, 9.1.1). */
static void x86_cpu_reset(DeviceState *dev)
{
    X86CPU *cpu = X86_CPU(dev);
    X86CPUClass *xcc = X86_CPU_GET_CLASS(cpu);
    CPUX86State *env = &cpu->env;
    uint32_t apic_id = env->apic_id;
    int i;

    xcc->parent_reset(dev);
    memset(env, 0, sizeof(*env));
    env->apic_id = apic_id;
    env->eflags = 0x2;
    env->eip = 0xfff0;
    env->regs[R_EDX] = cpuid_version();
    env->cr[0] = CR0_CD_MASK | CR0_NW_MASK | CR0_ET_MASK;
    for (i = 0; i < CPU_NB_SEGS; i++) {
        env->segs[i].limit = 0xffff;
        env->segs[i].flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                             DESC_A_MASK;
    }
    env->segs[R_CS].selector = 0xf000;
    env->segs[R_CS].base = 0xffff0000;
    env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                            DESC_R_MASK | DESC_A_MASK;
    env->ldt.limit = 0xffff;
    env->ldt.flags = DESC_P_MASK | 2 << DESC_TYPE_SHIFT;
    env->tr.limit = 0xffff;
    env->tr.flags = DESC_P_MASK | 11 << DESC_TYPE_SHIFT;
    env->gdt.limit = 0xffff;
    env->idt.limit = 0xffff;

    /* Application processors wait for a start-up IPI. */
    CPU(cpu)->halted = !cpu_is_bsp(CPU(cpu));
}

static void x86_cpu_realize(DeviceState *dev, Error **errp)
{
    X86CPUClass *xcc = X86_CPU_GET_CLASS(dev);

    xcc->parent_realize(dev, errp);
    /* One socket of single-threaded cores: the APIC ID is the index. */
    X86_CPU(dev)->env.apic_id = CPU(dev)->cpu_index;
}

static void x86_cpu_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    X86CPUClass *xcc = X86_CPU_CLASS(oc);

    xcc->parent_realize = dc->realize;
    dc->realize = x86_cpu_realize;
    xcc->parent_reset = dc->legacy_reset;
    device_class_set_legacy_reset(dc, x86_cpu_reset);
    dc->desc = "x86-64 CPU";
}

static const TypeInfo x86_cpu_types[] = {
    {
        .name = TYPE_X86_CPU,
        .parent = TYPE_CPU,
        .instance_size = sizeof(X86CPU),
        .abstract = true,
        .class_size = sizeof(X86CPUClass),
        .class_init = x86_cpu_class_init,
    },
    {
        .name = TYPE_X86_CPU_QEMU64,
        .parent = TYPE_X86_CPU,
    },
};

DEFINE_TYPES(x86_cpu_types)
