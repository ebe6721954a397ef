/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot (version 1) direct boot.
 *
 * The kernel carries a multiboot header in its first 8 KiB.  Its load
 * addresses come from the header's a.out fields when flag 16 is set (the
 * way QEMU's own loader requires for 64-bit images), otherwise from the
 * ELF program headers (ELF32 or ELF64, physical addresses), as GRUB does.
 *
 * There is no firmware in this tree, so the loader does the firmware's
 * part itself at every reset (multiboot_reset()): it copies the segments
 * into RAM, zeroes their bss, writes the boot information page and puts
 * the bootstrap processor into the state the specification promises:
 *
 *   32-bit protected mode, paging off, flat CS (0x10) and data segments
 *   (0x18) from a GDT in the boot page, EAX = 0x2BADB002, EBX = the
 *   multiboot information, interrupts off, EIP = the entry point.
 *
 * The boot page (MB_INFO_ADDR, 4 KiB, reserved in the memory map):
 *   0x000 multiboot information   0x080 GDT       0x100 memory map
 *   0x180 boot loader name        0x200 command line ("FILE ARGS", as
 *                                       QEMU passes it)
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/units.h"
#include "exec/address-spaces.h"
#include "hw/i386/multiboot.h"
#include "target/i386/cpu.h"
#include <elf.h>

#define MB_HEADER_MAGIC     0x1badb002
#define MB_BOOTLOADER_MAGIC 0x2badb002
#define MB_SEARCH           8192

/* Header flags: 0-15 are requirements the loader must meet or refuse. */
#define MB_FLAG_PAGE_ALIGN  (1 << 0)
#define MB_FLAG_MEMORY_INFO (1 << 1)
#define MB_FLAG_VIDEO_MODE  (1 << 2)
#define MB_FLAG_AOUT_KLUDGE (1 << 16)

/* Information flags. */
#define MBI_MEMORY          (1 << 0)
#define MBI_CMDLINE         (1 << 2)
#define MBI_MEM_MAP         (1 << 6)
#define MBI_BOOT_LOADER     (1 << 9)

#define MB_INFO_ADDR        0x9000
#define MB_INFO_SIZE        0x1000
#define MB_GDT_OFF          0x080
#define MB_MMAP_OFF         0x100
#define MB_LOADER_OFF       0x180
#define MB_CMDLINE_OFF      0x200
#define MB_CODE_SEL         0x10
#define MB_DATA_SEL         0x18

/* The information fields the loader fills, as the specification lays out. */
typedef struct QEMU_PACKED MultibootInfo {
    uint32_t flags;
    uint32_t mem_lower;
    uint32_t mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} MultibootInfo;

typedef struct QEMU_PACKED MultibootMmapEntry {
    uint32_t size;          /* of the rest of the entry: 20 */
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;          /* 1 available, 2 reserved */
} MultibootMmapEntry;

typedef struct MultibootSegment {
    uint64_t addr;
    uint64_t filesz;
    uint64_t memsz;
    const uint8_t *data;
} MultibootSegment;

static struct {
    GBytes *image;
    GArray *segments;       /* MultibootSegment */
    uint32_t entry;
    uint8_t info[MB_INFO_SIZE] QEMU_ALIGNED(8);
} mb;

static uint32_t ldl(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Offset of the multiboot header in @data, or -1. */
static ssize_t multiboot_find_header(const uint8_t *data, size_t size)
{
    size_t off;

    for (off = 0; off + 12 <= MIN(size, MB_SEARCH); off += 4) {
        const uint8_t *h = data + off;

        if (ldl(h) == MB_HEADER_MAGIC &&
            (uint32_t)(ldl(h) + ldl(h + 4) + ldl(h + 8)) == 0) {
            return off;
        }
    }
    return -1;
}

static void multiboot_add_segment(uint64_t addr, const uint8_t *data,
                                  uint64_t filesz, uint64_t memsz)
{
    MultibootSegment seg = {
        .addr = addr, .data = data, .filesz = filesz, .memsz = memsz,
    };

    g_array_append_val(mb.segments, seg);
}

/* The a.out kludge: the header says where the file goes. */
static bool multiboot_load_aout(const uint8_t *data, size_t size,
                                size_t hoff, Error **errp)
{
    const uint8_t *h = data + hoff;
    uint32_t header_addr, load_addr, load_end, bss_end;
    uint64_t foff, filesz;

    if (hoff + 32 > size) {
        error_setg(errp, "invalid multiboot header: truncated address "
                   "fields");
        return false;
    }
    header_addr = ldl(h + 12);
    load_addr = ldl(h + 16);
    load_end = ldl(h + 20);
    bss_end = ldl(h + 24);
    mb.entry = ldl(h + 28);
    if (load_addr > header_addr || header_addr - load_addr > hoff) {
        error_setg(errp, "invalid multiboot header: load_addr 0x%x is not "
                   "at or before header_addr 0x%x in the file", load_addr,
                   header_addr);
        return false;
    }
    foff = hoff - (header_addr - load_addr);
    filesz = load_end ? (uint64_t)load_end - load_addr : size - foff;
    if (load_end && (load_end < load_addr || foff + filesz > size)) {
        error_setg(errp, "invalid multiboot header: load_end_addr 0x%x "
                   "lies outside the file", load_end);
        return false;
    }
    if (bss_end && bss_end < load_addr + filesz) {
        error_setg(errp, "invalid multiboot header: bss_end_addr 0x%x "
                   "ends before the loaded image", bss_end);
        return false;
    }
    multiboot_add_segment(load_addr, data + foff, filesz,
                          bss_end ? bss_end - load_addr : filesz);
    return true;
}

/* ELF32 or ELF64: PT_LOAD segments at their physical addresses. */
static bool multiboot_load_elf(const uint8_t *data, size_t size,
                               Error **errp)
{
    bool is64;
    uint64_t phoff, entry;
    unsigned phnum, phentsize, i;

    if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG)) {
        error_setg(errp, "invalid kernel header: neither the a.out fields "
                   "(flag 16) nor an ELF image");
        return false;
    }
    is64 = data[EI_CLASS] == ELFCLASS64;
    if ((is64 && size < sizeof(Elf64_Ehdr)) ||
        (!is64 && (data[EI_CLASS] != ELFCLASS32 ||
                   size < sizeof(Elf32_Ehdr)))) {
        error_setg(errp, "invalid kernel header: truncated ELF header");
        return false;
    }
    if (is64) {
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;

        phoff = eh->e_phoff;
        phnum = eh->e_phnum;
        phentsize = eh->e_phentsize;
        entry = eh->e_entry;
    } else {
        const Elf32_Ehdr *eh = (const Elf32_Ehdr *)data;

        phoff = eh->e_phoff;
        phnum = eh->e_phnum;
        phentsize = eh->e_phentsize;
        entry = eh->e_entry;
    }
    if (phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
        phoff > size || (uint64_t)phnum * phentsize > size - phoff) {
        error_setg(errp, "invalid kernel header: program headers lie "
                   "outside the file");
        return false;
    }
    if (entry >= 4 * GiB) {
        error_setg(errp, "invalid kernel header: entry point 0x%" PRIx64
                   " is not reachable in 32-bit mode", entry);
        return false;
    }
    mb.entry = entry;
    for (i = 0; i < phnum; i++) {
        const uint8_t *ph = data + phoff + (uint64_t)i * phentsize;
        uint64_t type, off, paddr, filesz, memsz;

        if (is64) {
            const Elf64_Phdr *p = (const Elf64_Phdr *)ph;

            type = p->p_type;
            off = p->p_offset;
            paddr = p->p_paddr;
            filesz = p->p_filesz;
            memsz = p->p_memsz;
        } else {
            const Elf32_Phdr *p = (const Elf32_Phdr *)ph;

            type = p->p_type;
            off = p->p_offset;
            paddr = p->p_paddr;
            filesz = p->p_filesz;
            memsz = p->p_memsz;
        }
        if (type != PT_LOAD || !memsz) {
            continue;
        }
        if (off > size || filesz > size - off || filesz > memsz) {
            error_setg(errp, "invalid kernel header: segment %u lies "
                       "outside the file", i);
            return false;
        }
        multiboot_add_segment(paddr, data + off, filesz, memsz);
    }
    if (!mb.segments->len) {
        error_setg(errp, "invalid kernel header: no loadable segment");
        return false;
    }
    return true;
}

static void multiboot_build_info(MachineState *ms, uint64_t below_4g)
{
    MultibootInfo *info = (MultibootInfo *)mb.info;
    MultibootMmapEntry *mmap = (MultibootMmapEntry *)(mb.info + MB_MMAP_OFF);
    uint64_t *gdt = (uint64_t *)(mb.info + MB_GDT_OFF);
    uint64_t above_4g = ms->ram_size - below_4g;
    g_autofree char *cmdline = NULL;
    int n = 0;

    memset(mb.info, 0, sizeof(mb.info));
    /* Flat 4 GiB code (execute/read) and data (read/write) segments. */
    gdt[MB_CODE_SEL / 8] = 0x00cf9a000000ffffULL;
    gdt[MB_DATA_SEL / 8] = 0x00cf92000000ffffULL;

    mmap[n++] = (MultibootMmapEntry) { 20, 0, 0x9fc00, 1 };
    mmap[n++] = (MultibootMmapEntry) { 20, 0xf0000, 0x10000, 2 };
    mmap[n++] = (MultibootMmapEntry) { 20, 1 * MiB, below_4g - 1 * MiB, 1 };
    if (above_4g) {
        mmap[n++] = (MultibootMmapEntry) { 20, 4 * GiB, above_4g, 1 };
    }

    info->flags = MBI_MEMORY | MBI_CMDLINE | MBI_MEM_MAP | MBI_BOOT_LOADER;
    info->mem_lower = 0x9fc00 / KiB;
    info->mem_upper = (below_4g - 1 * MiB) / KiB;
    info->mmap_addr = MB_INFO_ADDR + MB_MMAP_OFF;
    info->mmap_length = n * sizeof(*mmap);
    info->boot_loader_name = MB_INFO_ADDR + MB_LOADER_OFF;
    g_strlcpy((char *)mb.info + MB_LOADER_OFF, "qemu-lab",
              MB_CMDLINE_OFF - MB_LOADER_OFF);
    info->cmdline = MB_INFO_ADDR + MB_CMDLINE_OFF;
    cmdline = g_strdup_printf("%s %s", ms->kernel_filename,
                              ms->kernel_cmdline ? ms->kernel_cmdline : "");
    g_strlcpy((char *)mb.info + MB_CMDLINE_OFF, cmdline,
              MB_INFO_SIZE - MB_CMDLINE_OFF);
}

/* The whole file, or NULL with errno set. */
static GBytes *multiboot_read_file(const char *filename)
{
    GByteArray *buf = g_byte_array_new();
    uint8_t chunk[64 * KiB];
    ssize_t n;
    int fd = open(filename, O_RDONLY);

    if (fd < 0) {
        g_byte_array_unref(buf);
        return NULL;
    }
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int err = errno;

            close(fd);
            g_byte_array_unref(buf);
            errno = err;
            return NULL;
        }
        g_byte_array_append(buf, chunk, n);
    }
    close(fd);
    return g_byte_array_free_to_bytes(buf);
}

bool multiboot_load(MachineState *ms, uint64_t below_4g, Error **errp)
{
    const uint8_t *data;
    size_t size;
    ssize_t hoff;
    uint32_t flags;
    unsigned i;

    mb.image = multiboot_read_file(ms->kernel_filename);
    if (!mb.image) {
        error_setg_errno(errp, errno, "could not open kernel file '%s'",
                         ms->kernel_filename);
        return false;
    }
    mb.segments = g_array_new(false, false, sizeof(MultibootSegment));
    data = g_bytes_get_data(mb.image, &size);

    hoff = multiboot_find_header(data, size);
    if (hoff < 0) {
        error_setg(errp, "invalid kernel header: no multiboot header in "
                   "the first 8 KiB of '%s'", ms->kernel_filename);
        return false;
    }
    flags = ldl(data + hoff + 4);
    if (flags & 0xffff & ~(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO |
                           MB_FLAG_VIDEO_MODE)) {
        error_setg(errp, "multiboot kernel requires unsupported features "
                   "(flags 0x%x)", flags);
        return false;
    }
    if (flags & MB_FLAG_AOUT_KLUDGE ?
        !multiboot_load_aout(data, size, hoff, errp) :
        !multiboot_load_elf(data, size, errp)) {
        return false;
    }
    for (i = 0; i < mb.segments->len; i++) {
        MultibootSegment *seg = &g_array_index(mb.segments,
                                               MultibootSegment, i);

        if (seg->addr >= below_4g || seg->memsz > below_4g - seg->addr) {
            error_setg(errp, "kernel '%s' does not fit in RAM: it loads "
                       "0x%" PRIx64 "..0x%" PRIx64 " but RAM below 4 GiB "
                       "ends at 0x%" PRIx64, ms->kernel_filename, seg->addr,
                       seg->addr + seg->memsz, below_4g);
            return false;
        }
        if (seg->addr < MB_INFO_ADDR + MB_INFO_SIZE &&
            seg->addr + seg->memsz > MB_INFO_ADDR) {
            error_setg(errp, "kernel '%s' loads over the boot information "
                       "at 0x%x", ms->kernel_filename, MB_INFO_ADDR);
            return false;
        }
    }
    if (ms->kernel_cmdline &&
        strlen(ms->kernel_filename) + 1 + strlen(ms->kernel_cmdline) >=
        MB_INFO_SIZE - MB_CMDLINE_OFF) {
        error_setg(errp, "kernel command line too long (at most %d bytes "
                   "with the file name)",
                   MB_INFO_SIZE - MB_CMDLINE_OFF - 1);
        return false;
    }
    multiboot_build_info(ms, below_4g);
    return true;
}

void multiboot_reset(MachineState *ms)
{
    X86CPU *cpu;
    CPUX86State *env;
    unsigned i;

    if (!mb.image) {
        return;
    }
    for (i = 0; i < mb.segments->len; i++) {
        MultibootSegment *seg = &g_array_index(mb.segments,
                                               MultibootSegment, i);
        g_autofree uint8_t *bss = g_malloc0(seg->memsz - seg->filesz);

        cpu_physical_memory_write(seg->addr, seg->data, seg->filesz);
        cpu_physical_memory_write(seg->addr + seg->filesz, bss,
                                  seg->memsz - seg->filesz);
    }
    cpu_physical_memory_write(MB_INFO_ADDR, mb.info, sizeof(mb.info));

    cpu = X86_CPU(first_cpu);
    env = &cpu->env;
    env->regs[R_EAX] = MB_BOOTLOADER_MAGIC;
    env->regs[R_EBX] = MB_INFO_ADDR;
    env->regs[R_EDX] = 0;
    env->eip = mb.entry;
    env->eflags = 0x2;
    env->cr[0] = CR0_PE_MASK | CR0_ET_MASK;
    env->gdt.base = MB_INFO_ADDR + MB_GDT_OFF;
    env->gdt.limit = MB_DATA_SEL + 7;
    x86_cpu_set_flat_segment(&env->segs[R_CS], MB_CODE_SEL, true,
                             DESC_B_MASK);
    for (i = 0; i < CPU_NB_SEGS; i++) {
        if (i != R_CS) {
            x86_cpu_set_flat_segment(&env->segs[i], MB_DATA_SEL, false,
                                     DESC_B_MASK);
        }
    }
    CPU(cpu)->halted = false;
    CPU(cpu)->vcpu_dirty = true;
}
