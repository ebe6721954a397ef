/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather helpers: copying between struct iovec arrays and flat
 * buffers (include/qemu/iov.h).
 */

#include "qemu/osdep.h"
#include "qemu/iov.h"

size_t iov_size(const struct iovec *iov, const unsigned int iov_cnt)
{
    size_t len = 0;
    unsigned int i;

    for (i = 0; i < iov_cnt; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

/*
 * Walk the bytes [offset, offset + bytes) of @iov, calling @fn on each
 * contiguous piece with its position in the flat buffer.
 */
static size_t iov_walk(const struct iovec *iov, unsigned int iov_cnt,
                       size_t offset, size_t bytes,
                       void (*fn)(void *iov_base, size_t done, size_t len,
                                  void *opaque),
                       void *opaque)
{
    size_t done = 0;
    unsigned int i;

    for (i = 0; i < iov_cnt && done < bytes; i++) {
        size_t len;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        len = MIN(iov[i].iov_len - offset, bytes - done);
        fn((uint8_t *)iov[i].iov_base + offset, done, len, opaque);
        done += len;
        offset = 0;
    }
    return done;
}

static void copy_from_buf(void *iov_base, size_t done, size_t len,
                          void *opaque)
{
    memcpy(iov_base, (const uint8_t *)opaque + done, len);
}

static void copy_to_buf(void *iov_base, size_t done, size_t len,
                        void *opaque)
{
    memcpy((uint8_t *)opaque + done, iov_base, len);
}

static void fill(void *iov_base, size_t done, size_t len, void *opaque)
{
    memset(iov_base, *(int *)opaque, len);
}

size_t iov_from_buf_full(const struct iovec *iov, unsigned int iov_cnt,
                         size_t offset, const void *buf, size_t bytes)
{
    return iov_walk(iov, iov_cnt, offset, bytes, copy_from_buf,
                    (void *)buf);
}

size_t iov_to_buf_full(const struct iovec *iov, const unsigned int iov_cnt,
                       size_t offset, void *buf, size_t bytes)
{
    return iov_walk(iov, iov_cnt, offset, bytes, copy_to_buf, buf);
}

size_t iov_memset(const struct iovec *iov, const unsigned int iov_cnt,
                  size_t offset, int fillc, size_t bytes)
{
    return iov_walk(iov, iov_cnt, offset, bytes, fill, &fillc);
}

unsigned iov_copy(struct iovec *dst_iov, unsigned int dst_iov_cnt,
                  const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, size_t bytes)
{
    unsigned int i, j = 0;

    for (i = 0; i < iov_cnt && j < dst_iov_cnt && bytes; i++) {
        size_t len;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        len = MIN(iov[i].iov_len - offset, bytes);
        dst_iov[j].iov_base = (uint8_t *)iov[i].iov_base + offset;
        dst_iov[j].iov_len = len;
        j++;
        bytes -= len;
        offset = 0;
    }
    return j;
}

size_t iov_discard_front(struct iovec **iov, unsigned int *iov_cnt,
                         size_t bytes)
{
    size_t done = 0;

    while (*iov_cnt && done < bytes) {
        size_t len = MIN((*iov)->iov_len, bytes - done);

        done += len;
        if (len < (*iov)->iov_len) {
            (*iov)->iov_base = (uint8_t *)(*iov)->iov_base + len;
            (*iov)->iov_len -= len;
            break;
        }
        (*iov)++;
        (*iov_cnt)--;
    }
    return done;
}
