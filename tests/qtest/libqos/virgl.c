/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virgl command stream encoder (tests/qtest/libqos/virgl.h).
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "virgl.h"

void qvirgl_cmdbuf_init(QVirglCmdBuf *cb)
{
    cb->dw = g_array_new(FALSE, FALSE, sizeof(uint32_t));
}

void qvirgl_cmdbuf_destroy(QVirglCmdBuf *cb)
{
    g_array_free(cb->dw, TRUE);
    cb->dw = NULL;
}

static void qvirgl_emit(QVirglCmdBuf *cb, uint32_t v)
{
    v = cpu_to_le32(v);
    g_array_append_val(cb->dw, v);
}

static void qvirgl_emit_header(QVirglCmdBuf *cb, uint32_t cmd, uint32_t len)
{
    qvirgl_emit(cb, cmd | len << 16);
}

void qvirgl_encode_blob_buffer_create(QVirglCmdBuf *cb, uint32_t size,
                                      uint32_t blob_id)
{
    qvirgl_emit_header(cb, VIRGL_CCMD_PIPE_RESOURCE_CREATE, 11);
    qvirgl_emit(cb, VIRGL_TARGET_BUFFER);
    qvirgl_emit(cb, VIRGL_FORMAT_R8_UNORM);
    qvirgl_emit(cb, VIRGL_BIND_VERTEX_BUFFER);
    qvirgl_emit(cb, size);          /* width */
    qvirgl_emit(cb, 1);             /* height */
    qvirgl_emit(cb, 1);             /* depth */
    qvirgl_emit(cb, 1);             /* array_size */
    qvirgl_emit(cb, 0);             /* last_level */
    qvirgl_emit(cb, 0);             /* nr_samples */
    qvirgl_emit(cb, VIRGL_RESOURCE_FLAG_MAP_PERSISTENT |
                VIRGL_RESOURCE_FLAG_MAP_COHERENT);
    qvirgl_emit(cb, blob_id);
}

void qvirgl_encode_buffer_copy(QVirglCmdBuf *cb, uint32_t dst,
                               uint32_t dst_x, uint32_t src, uint32_t src_x,
                               uint32_t w)
{
    qvirgl_emit_header(cb, VIRGL_CCMD_RESOURCE_COPY_REGION, 13);
    qvirgl_emit(cb, dst);
    qvirgl_emit(cb, 0);             /* dst level */
    qvirgl_emit(cb, dst_x);
    qvirgl_emit(cb, 0);             /* dst y */
    qvirgl_emit(cb, 0);             /* dst z */
    qvirgl_emit(cb, src);
    qvirgl_emit(cb, 0);             /* src level */
    qvirgl_emit(cb, src_x);         /* src box: x, y, z, w, h, d */
    qvirgl_emit(cb, 0);
    qvirgl_emit(cb, 0);
    qvirgl_emit(cb, w);
    qvirgl_emit(cb, 1);
    qvirgl_emit(cb, 1);
}
