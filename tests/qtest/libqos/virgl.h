/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small encoder for virgl command streams (the payload of virtio-gpu
 * SUBMIT_3D): just the commands the tests and benchmarks need.
 *
 * A stream is a sequence of commands, each a header dword
 * (command | object type << 8 | payload length in dwords << 16) and its
 * payload, all little endian.  The command numbers and layouts are
 * virglrenderer's protocol (see ../shared/docs/virtio-gpu-blob.md for
 * PIPE_RESOURCE_CREATE).
 */

#ifndef LIBQOS_VIRGL_H
#define LIBQOS_VIRGL_H

#define VIRGL_CCMD_RESOURCE_COPY_REGION     17
#define VIRGL_CCMD_PIPE_RESOURCE_CREATE     48

/* Gallium's PIPE_BUFFER target, a format for bytes, a bind flag. */
#define VIRGL_TARGET_BUFFER                 0
#define VIRGL_FORMAT_R8_UNORM               64
#define VIRGL_BIND_VERTEX_BUFFER            0x10
/* Buffer storage flags: mapped persistently and coherently. */
#define VIRGL_RESOURCE_FLAG_MAP_PERSISTENT  (1 << 1)
#define VIRGL_RESOURCE_FLAG_MAP_COHERENT    (1 << 2)

typedef struct QVirglCmdBuf {
    GArray *dw;
} QVirglCmdBuf;

void qvirgl_cmdbuf_init(QVirglCmdBuf *cb);
void qvirgl_cmdbuf_destroy(QVirglCmdBuf *cb);
static inline const uint32_t *qvirgl_cmdbuf_data(QVirglCmdBuf *cb)
{
    return (const uint32_t *)cb->dw->data;
}
static inline size_t qvirgl_cmdbuf_size(QVirglCmdBuf *cb)
{
    return cb->dw->len * sizeof(uint32_t);
}

/*
 * A host resource the context may later export as a HOST3D blob with
 * the same @blob_id (CREATE_BLOB): a byte buffer of @size bytes, mapped
 * persistently and coherently, as Mesa's virgl driver creates them.
 */
void qvirgl_encode_blob_buffer_create(QVirglCmdBuf *cb, uint32_t size,
                                      uint32_t blob_id);

/* Copy @w bytes at @src_x of buffer @src to @dst_x of buffer @dst. */
void qvirgl_encode_buffer_copy(QVirglCmdBuf *cb, uint32_t dst,
                               uint32_t dst_x, uint32_t src, uint32_t src_x,
                               uint32_t w);

#endif /* LIBQOS_VIRGL_H */
