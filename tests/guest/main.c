/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test guest: boots through multiboot, runs its checks and prints a
 * line per check on COM1 ("ok N - ..." or "not ok N - ..."), then exits
 * through isa-debug-exit (port 0xf4): 0 when every check passed (status
 * 1), 1 otherwise (status 3).
 *
 * The kernel command line (-append) selects extra behaviour:
 *   sync              at each synchronisation point, print "sync: NAME"
 *                     and wait for a byte on COM1 (the qtest looks at the
 *                     machine from outside meanwhile)
 *   fault=ud2         execute ud2 on the first boot (unicorn: reset)
 *   fault=int3        execute int3 on the first boot
 *   fault=wild-mmio   read and write unassigned physical addresses
 *   fault=fetch-mmio  jump to an unassigned physical address
 *   fault=loop        count forever at LOOP_COUNTER (pause/quit tests)
 *   blobs=N           map and unmap N blobs (virtio-gpu-gl-pci with
 *                     blob=on and hostmem; default 4) and print their
 *                     timings on a "bench:" line
 *   bench             also one "blob N unmap-us U next-cmd-us C" line each
 *   udp-echo          after the network checks (virtio-net-pci), echo one
 *                     datagram sent to UDP port 7
 * A boot counter at 16 MiB survives resets (the loader copies the
 * image again, RAM outside it keeps its contents), so a faulting first
 * boot is followed by a clean second one.
 */

#include "guest.h"
#include "gpu.h"
#include <linux/virtio_gpu.h>

#define MB_BOOTLOADER_MAGIC 0x2badb002
#define MBI_CMDLINE         (1 << 2)
#define BOOT_COUNTER        0x1000000
#define LOOP_COUNTER        0x1000008
#define WILD_MMIO           0xefe00000UL
#define TESTDEV_MAGIC       0x54534554
#define TESTDEV_MOVED_BAR   0xef000000UL

extern const char *guest_cmdline;

void guest_main(uint32_t magic, uint32_t info);

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
                  uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(0));
}

static void cpu_checks(void)
{
    uint32_t a, vendor[4] = { 0 };

    check(rdmsr(0xc0000080) & (1 << 10), "cpu: 64-bit long mode (EFER.LMA)");
    cpuid(0, &a, &vendor[0], &vendor[2], &vendor[1]);
    check(a >= 1, "cpu: CPUID vendor %s, max leaf 0x%x", (char *)vendor, a);
}

static uint64_t testdev_pattern(unsigned i)
{
    return 0x0123456789abcdefULL ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}

/* pci-testdev: MMIO, port I/O, a RAM BAR that moves, DMA to guest RAM. */
static void testdev_checks(void)
{
    uint64_t mmio, mem, words;
    volatile uint64_t *ram;
    volatile uint32_t *target;
    uint32_t io;
    PCIDev d;
    unsigned i, bad = 0;

    if (!pci_find(0x1b36, 0x0005, &d)) {
        printf("pci-testdev: none on bus 0, its checks skipped\n");
        return;
    }
    mmio = pci_bar_assign(&d, 0);
    io = pci_bar_assign(&d, 1);
    mem = pci_bar_assign(&d, 2);
    pci_bar_assign(&d, 4);
    pci_enable(&d);
    check(readl(mmio + 4) == TESTDEV_MAGIC,
          "pci-testdev: MAGIC through MMIO BAR0 at 0x%lx", mmio);
    check(inl(io + 4) == TESTDEV_MAGIC,
          "pci-testdev: MAGIC through I/O BAR1 at 0x%x", io);
    writel(mmio, 0xc0ffee00);
    outb(io, 0x11);
    check(readl(mmio) == 0xc0ffee11 && inw(io + 2) == 0xc0ff,
          "pci-testdev: SCRATCH written by MMIO and I/O, read back");

    ram = (volatile uint64_t *)mem;
    words = 64 * 1024 / sizeof(uint64_t);
    for (i = 0; i < words; i++) {
        ram[i] = testdev_pattern(i);
    }
    for (i = 0; i < words; i++) {
        bad += ram[i] != testdev_pattern(i);
    }
    check(mem && !bad, "pci-testdev: RAM BAR2 at 0x%lx: 64 KiB stored and "
          "loaded back (%u wrong)", mem, bad);

    target = alloc_pages(4096);
    writel(mmio + 0x14, (uintptr_t)target);
    writel(mmio + 0x18, 0);
    writel(mmio + 0x1c, 0xfeedf00d);
    check(*target == 0xfeedf00d && readl(mmio + 0x20) == 0,
          "pci-testdev: DMA write to guest RAM at %p seen by the guest",
          target);

    pci_bar_move(&d, 2, TESTDEV_MOVED_BAR);
    ram = (volatile uint64_t *)TESTDEV_MOVED_BAR;
    for (i = 0, bad = 0; i < words; i++) {
        bad += ram[i] != testdev_pattern(i);
    }
    check(!bad && *(volatile uint64_t *)mem == 0,
          "pci-testdev: RAM BAR2 moved to 0x%lx: contents follow, 0x%lx "
          "reads as unassigned", TESTDEV_MOVED_BAR, mem);
    guest_sync("testdev");
}

static void fault_checks(unsigned boot)
{
    volatile uint64_t *counter = (volatile uint64_t *)LOOP_COUNTER;

    if (cmdline_has("fault=wild-mmio")) {
        volatile uint32_t *wild = (volatile uint32_t *)WILD_MMIO;

        *wild = 0xdeadbeef;
        check(*wild == 0, "fault: unassigned 0x%lx ignores writes, reads 0",
              WILD_MMIO);
    }
    if (boot == 1 && cmdline_has("fault=ud2")) {
        printf("fault: executing ud2\n");
        __asm__ volatile("ud2");
    }
    if (boot == 1 && cmdline_has("fault=int3")) {
        printf("fault: executing int3\n");
        __asm__ volatile("int3");
    }
    if (cmdline_has("fault=fetch-mmio")) {
        printf("fault: jumping to unassigned 0x%lx\n", WILD_MMIO);
        ((void (*)(void))WILD_MMIO)();
    }
    if (cmdline_has("fault=loop")) {
        printf("fault: counting forever at 0x%x\n", LOOP_COUNTER);
        for (;;) {
            (*counter)++;
        }
    }
}

void guest_main(uint32_t magic, uint32_t info)
{
    volatile uint32_t *boot = (volatile uint32_t *)BOOT_COUNTER;
    const uint32_t *mbi = (const uint32_t *)(uintptr_t)info;

    console_init();
    tsc_calibrate();
    ++*boot;
    static char cmdline[1024];

    /* Keep a copy: the loader may have put it where alloc_pages() goes. */
    if (magic == MB_BOOTLOADER_MAGIC && (mbi[0] & MBI_CMDLINE)) {
        const char *p = (const char *)(uintptr_t)mbi[4];
        size_t n = strlen(p);

        memcpy(cmdline, p, n < sizeof(cmdline) ? n : sizeof(cmdline) - 1);
        guest_cmdline = cmdline;
    }
    printf("guest: boot %u, command line '%s'\n", *boot, guest_cmdline);
    check(magic == MB_BOOTLOADER_MAGIC, "multiboot: magic 0x%x", magic);
    cpu_checks();
    fault_checks(*boot);

    check(pci_scan() >= 1, "pci: bus 0 enumerated");
    testdev_checks();
    if (gpu_init(1ULL << VIRTIO_GPU_F_VIRGL |
                 1ULL << VIRTIO_GPU_F_RESOURCE_BLOB)) {
        gpu_display_info();
        gpu_2d_round_trip();
        gpu_blob_checks(cmdline_uint("blobs", 4), 64 * 1024);
    }
    net_checks();

    printf("guest: done, %u failed\n", checks_failed);
    guest_exit(checks_failed ? 1 : 0);
}
