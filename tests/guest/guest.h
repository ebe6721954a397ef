/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test guest's own small runtime: port and MMIO accessors, the
 * serial console, PCI, virtio.  Freestanding: no libc, no interrupts
 * (everything polls), one CPU, identity-mapped memory.
 */

#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* MMIO: volatile accesses of exactly the given width. */
static inline uint8_t readb(uint64_t addr)
{
    return *(volatile uint8_t *)addr;
}

static inline uint16_t readw(uint64_t addr)
{
    return *(volatile uint16_t *)addr;
}

static inline uint32_t readl(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void writeb(uint64_t addr, uint8_t v)
{
    *(volatile uint8_t *)addr = v;
}

static inline void writew(uint64_t addr, uint16_t v)
{
    *(volatile uint16_t *)addr = v;
}

static inline void writel(uint64_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Order memory accesses the device sees (the x86 fence is enough). */
static inline void mb(void)
{
    __asm__ volatile("mfence" : : : "memory");
}

/* lib.c */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
void console_init(void);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);
/* A bump allocator over the RAM after the image; never freed. */
void *alloc_pages(size_t size);
/* Whether the kernel command line has WORD (or WORD=...). */
bool cmdline_has(const char *word);
/* The number in KEY=N on the command line, or @def. */
unsigned cmdline_uint(const char *key, unsigned def);
/*
 * The TSC against the PIT (channel 2, 1.193182 MHz) over 10 ms; then
 * TSC cycles as microseconds.
 */
void tsc_calibrate(void);
uint64_t tsc_khz(void);
uint32_t tsc_to_us(uint64_t cycles);
/*
 * With "sync" on the command line: print "sync: @name" and wait until the
 * host sends a byte on COM1.
 */
void guest_sync(const char *name);
/* Exit through isa-debug-exit (port 0xf4): status (code << 1) | 1. */
void __attribute__((noreturn)) guest_exit(unsigned code);

/* The result lines the qtest reads: "ok N - what" / "not ok N - what". */
void check(bool ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern unsigned checks_failed;

/* pci.c: bus 0 through ports 0xcf8/0xcfc. */
typedef struct PCIDev {
    uint8_t devfn;
    uint16_t vendor;
    uint16_t device;
} PCIDev;

uint32_t pci_config_readl(PCIDev *d, uint8_t off);
uint16_t pci_config_readw(PCIDev *d, uint8_t off);
uint8_t pci_config_readb(PCIDev *d, uint8_t off);
void pci_config_writel(PCIDev *d, uint8_t off, uint32_t v);
void pci_config_writew(PCIDev *d, uint8_t off, uint16_t v);
/* Find the first function with these ids on bus 0. */
bool pci_find(uint16_t vendor, uint16_t device, PCIDev *d);
/* Size and place BAR @bar (memory or I/O); returns its address, 0 if none. */
uint64_t pci_bar_assign(PCIDev *d, int bar);
/* Move memory BAR @bar to @addr (decoding stays on). */
void pci_bar_move(PCIDev *d, int bar, uint64_t addr);
/* Enable memory, I/O decoding and bus mastering. */
void pci_enable(PCIDev *d);
/* Offset of the first capability with @id at or after @from, 0 if none. */
uint8_t pci_find_cap(PCIDev *d, uint8_t id, uint8_t from);
/* Print every function of bus 0, one line each. */
unsigned pci_scan(void);

/* Where the guest places BARs: a window in q35's PCI hole. */
#define GUEST_MMIO_BASE   0xc0000000ULL
#define GUEST_MMIO_END    0xf0000000ULL
#define GUEST_IO_BASE     0xc000

#endif /* GUEST_H */
