/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Int128: signed 128-bit integers with QEMU's helper names.
 *
 * The memory API needs them because a region may be 2^64 bytes long (the
 * system memory container covers the whole 64-bit address space), which
 * does not fit a uint64_t.  Every host we build on has __int128, so this
 * is the compiler type plus the helpers QEMU code calls; code should still
 * use the helpers so that it reads like QEMU's.
 */

#ifndef QEMU_INT128_H
#define QEMU_INT128_H

typedef __int128 Int128;

static inline Int128 int128_make64(uint64_t a)
{
    return a;
}

static inline Int128 int128_exts64(int64_t a)
{
    return a;
}

/* The low 64 bits; the value must fit. */
static inline uint64_t int128_get64(Int128 a)
{
    uint64_t r = a;

    assert(r == a);
    return r;
}

static inline uint64_t int128_getlo(Int128 a)
{
    return a;
}

static inline Int128 int128_zero(void)
{
    return 0;
}

static inline Int128 int128_one(void)
{
    return 1;
}

static inline Int128 int128_2_64(void)
{
    return (Int128)1 << 64;
}

static inline Int128 int128_add(Int128 a, Int128 b)
{
    return a + b;
}

static inline Int128 int128_sub(Int128 a, Int128 b)
{
    return a - b;
}

static inline Int128 int128_neg(Int128 a)
{
    return -a;
}

static inline bool int128_eq(Int128 a, Int128 b)
{
    return a == b;
}

static inline bool int128_ne(Int128 a, Int128 b)
{
    return a != b;
}

static inline bool int128_lt(Int128 a, Int128 b)
{
    return a < b;
}

static inline bool int128_le(Int128 a, Int128 b)
{
    return a <= b;
}

static inline bool int128_gt(Int128 a, Int128 b)
{
    return a > b;
}

static inline bool int128_ge(Int128 a, Int128 b)
{
    return a >= b;
}

static inline bool int128_nz(Int128 a)
{
    return a != 0;
}

static inline Int128 int128_min(Int128 a, Int128 b)
{
    return a < b ? a : b;
}

static inline Int128 int128_max(Int128 a, Int128 b)
{
    return a > b ? a : b;
}

#endif /* QEMU_INT128_H */
