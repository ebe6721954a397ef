/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos guest memory allocator: first fit over a sorted free list, whose
 * neighbouring blocks are merged on free.  Guest memory itself is never
 * touched: the allocator only does the bookkeeping.
 */

#include "qemu/osdep.h"

#include "malloc.h"

typedef struct MemBlock {
    uint64_t addr;
    uint64_t size;
} MemBlock;

static MemBlock *mlist_new(uint64_t addr, uint64_t size)
{
    MemBlock *block = g_new(MemBlock, 1);

    block->addr = addr;
    block->size = size;
    return block;
}

static gint mlist_cmp(gconstpointer a, gconstpointer b)
{
    const MemBlock *x = a, *y = b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Used and free blocks tile the range; free neighbours are merged. */
static void mlist_check(QGuestAllocator *s)
{
    GList *all = g_list_sort(g_list_concat(g_list_copy(s->used),
                                           g_list_copy(s->free)),
                             mlist_cmp);
    uint64_t next = s->start;
    GList *l;

    for (l = all; l; l = l->next) {
        const MemBlock *b = l->data;

        g_assert_cmphex(b->addr, ==, next);
        g_assert_cmpuint(b->size, >, 0);
        g_assert(QEMU_IS_ALIGNED(b->size, s->page_size));
        next += b->size;
    }
    g_assert_cmphex(next, ==, s->end);
    g_list_free(all);

    for (l = s->free; l && l->next; l = l->next) {
        const MemBlock *a = l->data, *b = l->next->data;

        g_assert_cmphex(a->addr + a->size, <, b->addr);
    }
}

void alloc_init(QGuestAllocator *s, QAllocOpts flags, uint64_t start,
                uint64_t end, size_t page_size)
{
    g_assert(page_size && !(page_size & (page_size - 1)));
    start = QEMU_ALIGN_UP(start, page_size);
    end = QEMU_ALIGN_DOWN(end, page_size);
    g_assert_cmpuint(start, <, end);

    s->opts = flags;
    s->start = start;
    s->end = end;
    s->page_size = page_size;
    s->used = NULL;
    s->free = g_list_append(NULL, mlist_new(start, end - start));
}

void alloc_destroy(QGuestAllocator *s)
{
    GList *l;

    for (l = s->used; l; l = l->next) {
        MemBlock *b = l->data;

        if (s->opts & (ALLOC_LEAK_WARN | ALLOC_LEAK_ASSERT)) {
            fprintf(stderr, "libqos: guest memory leak: 0x%" PRIx64
                    " (%" PRIu64 " bytes)\n", b->addr, b->size);
        }
    }
    if (s->opts & ALLOC_LEAK_ASSERT) {
        g_assert_null(s->used);
    }
    g_list_free_full(s->used, g_free);
    g_list_free_full(s->free, g_free);
    s->used = NULL;
    s->free = NULL;
}

uint64_t guest_alloc(QGuestAllocator *s, size_t size)
{
    uint64_t rsize;
    GList *l;

    if (!size) {
        return 0;
    }
    rsize = QEMU_ALIGN_UP((uint64_t)size, s->page_size);
    for (l = s->free; l; l = l->next) {
        MemBlock *b = l->data;
        uint64_t addr = b->addr;

        if (b->size < rsize) {
            continue;
        }
        if (b->size == rsize) {
            s->free = g_list_delete_link(s->free, l);
            g_free(b);
        } else {
            b->addr += rsize;
            b->size -= rsize;
        }
        s->used = g_list_insert_sorted(s->used, mlist_new(addr, rsize),
                                       mlist_cmp);
        if (s->opts & ALLOC_PARANOID) {
            mlist_check(s);
        }
        return addr;
    }
    g_error("libqos: out of guest memory allocating %zu bytes", size);
}

void guest_free(QGuestAllocator *s, uint64_t addr)
{
    MemBlock key = { .addr = addr };
    GList *l, *prev, *next;
    MemBlock *b;

    if (!addr) {
        return;
    }
    l = g_list_find_custom(s->used, &key, mlist_cmp);
    if (!l) {
        g_error("libqos: guest_free of 0x%" PRIx64 ", not allocated", addr);
    }
    b = l->data;
    s->used = g_list_delete_link(s->used, l);

    s->free = g_list_insert_sorted(s->free, b, mlist_cmp);
    l = g_list_find(s->free, b);
    next = l->next;
    if (next) {
        MemBlock *n = next->data;

        if (b->addr + b->size == n->addr) {
            b->size += n->size;
            g_free(n);
            s->free = g_list_delete_link(s->free, next);
        }
    }
    prev = l->prev;
    if (prev) {
        MemBlock *p = prev->data;

        if (p->addr + p->size == b->addr) {
            p->size += b->size;
            g_free(b);
            s->free = g_list_delete_link(s->free, l);
        }
    }
    if (s->opts & ALLOC_PARANOID) {
        mlist_check(s);
    }
}
