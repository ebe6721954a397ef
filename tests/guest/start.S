/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry of the test guest: a multiboot (v1) header with the a.out
 * fields, so that any multiboot loader (ours, QEMU's) can load the ELF64
 * file; then 32-bit protected mode -> 64-bit long mode with the first
 * 4 GiB identity-mapped in 2 MiB pages (unicorn requires VA == PA), and
 * a call to guest_main(magic, info).
 */

#define MB_MAGIC        0x1badb002
#define MB_FLAGS        0x00010002      /* a.out fields, memory info */
#define CR4_PAE         (1 << 5)
#define EFER            0xc0000080
#define EFER_LME        (1 << 8)
#define CR0_PE          (1 << 0)
#define CR0_PG          (1 << 31)
#define PTE_P_W         0x003
#define PTE_P_W_PS      0x083

    .section .multiboot, "a"
    .balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long multiboot_header          /* header_addr */
    .long __load_start              /* load_addr */
    .long __load_end                /* load_end_addr */
    .long __bss_end                 /* bss_end_addr */
    .long _start                    /* entry_addr */

    .text
    .code32
    .globl _start
_start:
    cli
    mov %eax, %edi                  /* multiboot magic */
    mov %ebx, %esi                  /* multiboot information */
    mov $stack_top, %esp

    /* PML4[0] -> PDPT; PDPT[0..3] -> PD0..3; PDn[i] -> 2 MiB pages. */
    movl $pdpt + PTE_P_W, pml4
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $12, %eax
    add $pd + PTE_P_W, %eax         /* pd + 4096 * ecx */
    mov %eax, pdpt(,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jne 1b

    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $PTE_P_W_PS, %eax
    mov %eax, pd(,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax                   /* bits 32+ of the page address */
    mov %eax, pd + 4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE), %eax
    mov %eax, %cr0
    lgdt gdt_desc
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $stack_top, %rsp
    /* guest_main(magic, info): already in edi, esi. */
    call guest_main
3:  cli
    hlt
    jmp 3b

    .section .rodata
    .balign 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt

    .bss
    .balign 4096
pml4:
    .skip 4096
pdpt:
    .skip 4096
pd:
    .skip 4 * 4096
    .balign 16
stack:
    .skip 16384
stack_top:
