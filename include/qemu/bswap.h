/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte order conversions between the host and little/big-endian data.
 */

#ifndef QEMU_BSWAP_H
#define QEMU_BSWAP_H

#define le16_to_cpu(v)  GUINT16_FROM_LE(v)
#define le32_to_cpu(v)  GUINT32_FROM_LE(v)
#define le64_to_cpu(v)  GUINT64_FROM_LE(v)
#define cpu_to_le16(v)  GUINT16_TO_LE(v)
#define cpu_to_le32(v)  GUINT32_TO_LE(v)
#define cpu_to_le64(v)  GUINT64_TO_LE(v)
#define be16_to_cpu(v)  GUINT16_FROM_BE(v)
#define be32_to_cpu(v)  GUINT32_FROM_BE(v)
#define be64_to_cpu(v)  GUINT64_FROM_BE(v)
#define cpu_to_be16(v)  GUINT16_TO_BE(v)
#define cpu_to_be32(v)  GUINT32_TO_BE(v)
#define cpu_to_be64(v)  GUINT64_TO_BE(v)

/* Unaligned little-endian loads and stores from byte buffers. */
static inline uint16_t lduw_le_p(const void *ptr)
{
    uint16_t v;

    memcpy(&v, ptr, sizeof(v));
    return le16_to_cpu(v);
}

static inline uint32_t ldl_le_p(const void *ptr)
{
    uint32_t v;

    memcpy(&v, ptr, sizeof(v));
    return le32_to_cpu(v);
}

static inline uint64_t ldq_le_p(const void *ptr)
{
    uint64_t v;

    memcpy(&v, ptr, sizeof(v));
    return le64_to_cpu(v);
}

static inline void stw_le_p(void *ptr, uint16_t v)
{
    v = cpu_to_le16(v);
    memcpy(ptr, &v, sizeof(v));
}

static inline void stl_le_p(void *ptr, uint32_t v)
{
    v = cpu_to_le32(v);
    memcpy(ptr, &v, sizeof(v));
}

static inline void stq_le_p(void *ptr, uint64_t v)
{
    v = cpu_to_le64(v);
    memcpy(ptr, &v, sizeof(v));
}

/* Big-endian (network order) ones, for packet headers. */
static inline uint16_t lduw_be_p(const void *ptr)
{
    uint16_t v;

    memcpy(&v, ptr, sizeof(v));
    return be16_to_cpu(v);
}

static inline uint32_t ldl_be_p(const void *ptr)
{
    uint32_t v;

    memcpy(&v, ptr, sizeof(v));
    return be32_to_cpu(v);
}

static inline void stw_be_p(void *ptr, uint16_t v)
{
    v = cpu_to_be16(v);
    memcpy(ptr, &v, sizeof(v));
}

static inline void stl_be_p(void *ptr, uint32_t v)
{
    v = cpu_to_be32(v);
    memcpy(ptr, &v, sizeof(v));
}

#endif /* QEMU_BSWAP_H */
