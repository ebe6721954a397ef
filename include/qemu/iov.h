/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather helpers on struct iovec arrays: copy between an iovec
 * and a flat buffer, size, memset.
 */

#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include <sys/uio.h>

/* Total bytes of @iov_cnt entries. */
size_t iov_size(const struct iovec *iov, const unsigned int iov_cnt);

/*
 * Copy up to @bytes between @buf and the iovec starting @offset bytes
 * into it; returns the number of bytes copied (less when the iovec ends
 * first, 0 when @offset is past its end).
 */
size_t iov_from_buf_full(const struct iovec *iov, unsigned int iov_cnt,
                         size_t offset, const void *buf, size_t bytes);
size_t iov_to_buf_full(const struct iovec *iov, const unsigned int iov_cnt,
                       size_t offset, void *buf, size_t bytes);

static inline size_t iov_from_buf(const struct iovec *iov,
                                  unsigned int iov_cnt, size_t offset,
                                  const void *buf, size_t bytes)
{
    return iov_from_buf_full(iov, iov_cnt, offset, buf, bytes);
}

static inline size_t iov_to_buf(const struct iovec *iov,
                                const unsigned int iov_cnt, size_t offset,
                                void *buf, size_t bytes)
{
    return iov_to_buf_full(iov, iov_cnt, offset, buf, bytes);
}

/* Set @bytes bytes from @offset to @fillc; returns the bytes set. */
size_t iov_memset(const struct iovec *iov, const unsigned int iov_cnt,
                  size_t offset, int fillc, size_t bytes);

/*
 * Copy at most @bytes from @offset of @src into @dst as iovec entries
 * pointing into @src's buffers (no data copied); returns the entry count.
 */
unsigned iov_copy(struct iovec *dst_iov, unsigned int dst_iov_cnt,
                  const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, size_t bytes);

/* Drop @bytes from the front of the iovec; returns the bytes dropped. */
size_t iov_discard_front(struct iovec **iov, unsigned int *iov_cnt,
                         size_t bytes);

#endif /* QEMU_IOV_H */
