/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos guest memory allocator: hands out page-aligned blocks of a guest
 * RAM range, for buffers that devices under test reach by DMA.
 */

#ifndef LIBQOS_MALLOC_H
#define LIBQOS_MALLOC_H

typedef enum {
    ALLOC_NO_FLAGS    = 0x00,
    ALLOC_LEAK_WARN   = 0x01,   /* alloc_destroy() reports leaks */
    ALLOC_LEAK_ASSERT = 0x02,   /* alloc_destroy() fails on leaks */
    ALLOC_PARANOID    = 0x04,   /* check the lists after each operation */
} QAllocOpts;

typedef struct QGuestAllocator {
    QAllocOpts opts;
    uint64_t start;
    uint64_t end;               /* exclusive */
    uint32_t page_size;
    GList *used;                /* of MemBlock, by address */
    GList *free;                /* of MemBlock, by address, coalesced */
} QGuestAllocator;

/* Manage [@start, @end) in blocks of @page_size (a power of two). */
void alloc_init(QGuestAllocator *allocator, QAllocOpts flags,
                uint64_t start, uint64_t end, size_t page_size);
void alloc_destroy(QGuestAllocator *allocator);

/* A page-aligned block of at least @size bytes; 0 for @size 0. */
uint64_t guest_alloc(QGuestAllocator *allocator, size_t size);
/* Give back a block from guest_alloc(); 0 is ignored. */
void guest_free(QGuestAllocator *allocator, uint64_t addr);

#endif /* LIBQOS_MALLOC_H */
