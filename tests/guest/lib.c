/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's runtime: string functions (the compiler may call them),
 * printf on COM1, a page allocator, the command line, result lines and
 * exit through isa-debug-exit.
 */

#include "guest.h"

#define COM1            0x3f8
#define DEBUG_EXIT_PORT 0xf4

extern char __bss_end[];
const char *guest_cmdline = "";
unsigned checks_failed;
static unsigned checks_done;

void *memset(void *s, int c, size_t n)
{
    uint8_t *p = s;

    while (n--) {
        *p++ = c;
    }
    return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;

    while (n--) {
        *dp++ = *sp++;
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *pa = a, *pb = b;

    for (; n; n--, pa++, pb++) {
        if (*pa != *pb) {
            return *pa - *pb;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a) {
            return (uint8_t)*a - (uint8_t)*b;
        }
    }
    return 0;
}

void console_init(void)
{
    outb(COM1 + 1, 0x00);       /* no interrupts: we poll */
    outb(COM1 + 3, 0x80);       /* DLAB */
    outb(COM1 + 0, 0x01);       /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8N1 */
    outb(COM1 + 2, 0x07);       /* FIFOs on and cleared */
}

static void console_putc(char c)
{
    /* Wait for THR empty (LSR bit 5). */
    while (!(inb(COM1 + 5) & 0x20)) {
    }
    outb(COM1, c);
}

static void print_num(uint64_t v, unsigned base, int width, char pad,
                      bool neg)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        buf[n++] = '-';
    }
    while (width-- > n) {
        console_putc(pad);
    }
    while (n--) {
        console_putc(buf[n]);
    }
}

void vprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        int width = 0, longs = 0;
        char pad = ' ';
        uint64_t u;
        int64_t i;
        const char *s;

        if (*fmt != '%') {
            console_putc(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + *fmt++ - '0';
        }
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i':
            i = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            print_num(i < 0 ? -(uint64_t)i : (uint64_t)i, 10, width, pad,
                      i < 0);
            break;
        case 'u':
        case 'x':
            u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            print_num(u, *fmt == 'u' ? 10 : 16, width, pad, false);
            break;
        case 'p':
            console_putc('0');
            console_putc('x');
            print_num((uintptr_t)va_arg(ap, void *), 16, width, pad, false);
            break;
        case 's':
            for (s = va_arg(ap, const char *); *s; s++) {
                console_putc(*s);
            }
            break;
        case 'c':
            console_putc(va_arg(ap, int));
            break;
        default:
            console_putc(*fmt);
            break;
        }
    }
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void check(bool ok, const char *fmt, ...)
{
    va_list ap;

    checks_done++;
    if (!ok) {
        checks_failed++;
    }
    printf("%s %u - ", ok ? "ok" : "not ok", checks_done);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void *alloc_pages(size_t size)
{
    static uint64_t next;
    void *p;

    if (!next) {
        next = ALIGN_UP((uintptr_t)__bss_end, 4096);
    }
    p = (void *)next;
    next += ALIGN_UP(size, 4096);
    memset(p, 0, size);
    return p;
}

bool cmdline_has(const char *word)
{
    size_t n = strlen(word);
    const char *p = guest_cmdline;

    while (*p) {
        if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '=' || !p[n]) &&
            (p == guest_cmdline || p[-1] == ' ')) {
            return true;
        }
        p++;
    }
    return false;
}

unsigned cmdline_uint(const char *key, unsigned def)
{
    size_t n = strlen(key);
    const char *p = guest_cmdline;
    unsigned v;

    for (; *p; p++) {
        if ((p == guest_cmdline || p[-1] == ' ') && !strncmp(p, key, n) &&
            p[n] == '=' && p[n + 1] >= '0' && p[n + 1] <= '9') {
            for (v = 0, p += n + 1; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + *p - '0';
            }
            return v;
        }
    }
    return def;
}

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_CMD         0x43

static uint64_t tsc_hz;

static uint16_t pit_ch2_read(void)
{
    uint8_t lo, hi;

    outb(PIT_CMD, 0x80);        /* counter latch, channel 2 */
    lo = inb(PIT_CH2);
    hi = inb(PIT_CH2);
    return lo | hi << 8;
}

void tsc_calibrate(void)
{
    uint16_t c0, c;
    uint64_t t0, t1;

    /* Channel 2, LSB then MSB, mode 2 (rate generator), from 0xffff. */
    outb(PIT_CMD, 0xb4);
    outb(PIT_CH2, 0xff);
    outb(PIT_CH2, 0xff);
    c0 = pit_ch2_read();
    t0 = rdtsc();
    do {
        c = pit_ch2_read();
    } while ((uint16_t)(c0 - c) < PIT_HZ / 100);
    t1 = rdtsc();
    tsc_hz = (t1 - t0) * PIT_HZ / (uint16_t)(c0 - c);
}

uint64_t tsc_khz(void)
{
    return tsc_hz / 1000;
}

uint32_t tsc_to_us(uint64_t cycles)
{
    return tsc_hz ? cycles * 1000000 / tsc_hz : 0;
}

void guest_sync(const char *name)
{
    if (!cmdline_has("sync")) {
        return;
    }
    printf("sync: %s\n", name);
    /* Data ready (LSR bit 0): the host says go on. */
    while (!(inb(COM1 + 5) & 1)) {
    }
    inb(COM1);
}

void guest_exit(unsigned code)
{
    outl(DEBUG_EXIT_PORT, code);
    /* Nothing runs after the exit port; if it is missing, stop here. */
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}
