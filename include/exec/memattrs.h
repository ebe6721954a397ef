/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory transaction attributes and results.
 *
 * MemTxAttrs travel with every access from the initiator (CPU, DMA
 * engine) to the device; a device may look at them or not.  MemTxResult
 * is a bit mask so that results of the pieces of a split access can be
 * ORed together.
 */

#ifndef EXEC_MEMATTRS_H
#define EXEC_MEMATTRS_H

typedef struct MemTxAttrs {
    /*
     * The initiator did not say anything more specific; every other
     * field is zero.  Lets a device tell "no attributes" from "all
     * attributes zero".
     */
    unsigned int unspecified:1;
    /* Secure (TrustZone) access; unused on x86 but kept for the layout. */
    unsigned int secure:1;
    /* Access made by user-mode code rather than the kernel. */
    unsigned int user:1;
    /* A debugger (gdbstub, monitor) access: no side effects expected. */
    unsigned int debug:1;
    /* PCI requester ID of a DMA access (bus:devfn). */
    unsigned int requester_id:16;
} MemTxAttrs;

#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs) { .unspecified = 1 })

typedef uint32_t MemTxResult;

#define MEMTX_OK 0
/* The device rejected the access (e.g. a slave error on a bus). */
#define MEMTX_ERROR             (1U << 0)
/* Nothing decodes this address, or the access size/alignment is invalid. */
#define MEMTX_DECODE_ERROR      (1U << 1)
/* The access was refused by the attributes (e.g. not secure enough). */
#define MEMTX_ACCESS_ERROR      (1U << 2)

#endif /* EXEC_MEMATTRS_H */
