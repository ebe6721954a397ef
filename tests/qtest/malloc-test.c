/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos guest memory allocator: bookkeeping on its own, then buffers in
 * a running guest's RAM.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"

#include "libqtest.h"
#include "libqos/malloc.h"
#include "libqos/malloc-pc.h"

#define PAGE 4096

static void test_alloc_basic(void)
{
    QGuestAllocator a;
    uint64_t p1, p2, p3, all;

    alloc_init(&a, ALLOC_PARANOID | ALLOC_LEAK_ASSERT, 1 * MiB, 2 * MiB,
               PAGE);
    g_assert_cmphex(guest_alloc(&a, 0), ==, 0);
    p1 = guest_alloc(&a, 1);
    p2 = guest_alloc(&a, PAGE + 1);
    p3 = guest_alloc(&a, PAGE);
    g_assert_cmphex(p1, ==, 1 * MiB);
    /* Sizes round up to whole pages. */
    g_assert_cmphex(p2, ==, p1 + PAGE);
    g_assert_cmphex(p3, ==, p2 + 2 * PAGE);

    /* A freed block is reused first fit... */
    guest_free(&a, p2);
    g_assert_cmphex(guest_alloc(&a, PAGE), ==, p2);
    guest_free(&a, p2);
    guest_free(&a, 0);
    /* ...and merges with its free neighbours, so that all of it comes
     * back as one block. */
    guest_free(&a, p1);
    guest_free(&a, p3);
    all = guest_alloc(&a, 1 * MiB);
    g_assert_cmphex(all, ==, 1 * MiB);
    guest_free(&a, all);
    alloc_destroy(&a);
}

static void test_alloc_unaligned_range(void)
{
    QGuestAllocator a;
    uint64_t p;

    alloc_init(&a, ALLOC_PARANOID, 0x1001, 0x5fff, PAGE);
    p = guest_alloc(&a, 100);
    g_assert_cmphex(p, ==, 0x2000);
    g_assert_cmphex(guest_alloc(&a, 2 * PAGE), ==, 0x3000);
    /* Leaks are allowed without ALLOC_LEAK_ASSERT. */
    alloc_destroy(&a);
}

static void test_alloc_pc(void)
{
    QTestState *qts = qtest_init("-M q35 -m 256M");
    QGuestAllocator a;
    uint64_t bufs[8];
    int i;

    pc_alloc_init(&a, qts, ALLOC_PARANOID | ALLOC_LEAK_ASSERT);
    g_assert_cmphex(a.start, ==, 1 * MiB);
    g_assert_cmphex(a.end, ==, 256 * MiB);
    for (i = 0; i < ARRAY_SIZE(bufs); i++) {
        bufs[i] = guest_alloc(&a, (i + 1) * 1000);
        g_assert_true(QEMU_IS_ALIGNED(bufs[i], PAGE));
        qtest_memset(qts, bufs[i], i + 1, (i + 1) * 1000);
    }
    /* No buffer overwrote another: they are RAM and do not overlap. */
    for (i = 0; i < ARRAY_SIZE(bufs); i++) {
        g_autofree uint8_t *buf = g_malloc((i + 1) * 1000);
        int j;

        qtest_memread(qts, bufs[i], buf, (i + 1) * 1000);
        for (j = 0; j < (i + 1) * 1000; j++) {
            g_assert_cmpint(buf[j], ==, i + 1);
        }
        guest_free(&a, bufs[i]);
    }
    alloc_destroy(&a);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/x86_64/qos/malloc/basic", test_alloc_basic);
    g_test_add_func("/x86_64/qos/malloc/unaligned-range",
                    test_alloc_unaligned_range);
    g_test_add_func("/x86_64/qos/malloc/pc", test_alloc_pc);

    return g_test_run();
}
