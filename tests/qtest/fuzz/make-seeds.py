#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the fuzzers' seed corpora, tests/qtest/fuzz/corpus/TARGET/NAME.

Each seed is a small, valid input in the format the target's file
describes (tests/qtest/fuzz/*_fuzz.c), so that libFuzzer starts from
inputs that get deep into the code.  Run it after changing a format:
    python3 tests/qtest/fuzz/make-seeds.py
"""

import os
import struct

SEP = b'FUZZ'
TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')

# virtio-gpu (include/hw/virtio/virtio-gpu-proto.h)
GET_DISPLAY_INFO = 0x100
RESOURCE_CREATE_2D = 0x101
RESOURCE_UNREF = 0x102
SET_SCANOUT = 0x103
RESOURCE_FLUSH = 0x104
TRANSFER_TO_HOST_2D = 0x105
ATTACH_BACKING = 0x106
DETACH_BACKING = 0x107
GET_EDID = 0x10a
UPDATE_CURSOR = 0x300
MOVE_CURSOR = 0x301
FORMAT_BGRX = 2
SCRATCH = 0x5000000     # FUZZ_GPU_SCRATCH: free guest RAM for backings


def hdr(cmd):
    return struct.pack('<IIQIB3x', cmd, 0, 0, 0, 0)


def rect(x, y, w, h):
    return struct.pack('<IIII', x, y, w, h)


def create_2d(res, w, h, fmt=FORMAT_BGRX):
    return hdr(RESOURCE_CREATE_2D) + struct.pack('<IIII', res, fmt, w, h)


def attach(res, entries):
    body = struct.pack('<II', res, len(entries))
    for addr, length in entries:
        body += struct.pack('<QII', addr, length, 0)
    return hdr(ATTACH_BACKING) + body


def set_scanout(scanout, res, w, h):
    return hdr(SET_SCANOUT) + rect(0, 0, w, h) + struct.pack('<II',
                                                              scanout, res)


def transfer(res, w, h, offset=0):
    return hdr(TRANSFER_TO_HOST_2D) + rect(0, 0, w, h) + \
        struct.pack('<QII', offset, res, 0)


def flush(res, w, h):
    return hdr(RESOURCE_FLUSH) + rect(0, 0, w, h) + struct.pack('<II',
                                                                 res, 0)


def res_cmd(cmd, res):
    return hdr(cmd) + struct.pack('<II', res, 0)


def cursor(cmd, scanout, x, y, res):
    return hdr(cmd) + struct.pack('<IIII', scanout, x, y, 0) + \
        struct.pack('<IIII', res, 0, 0, 0)


def ctrl(req):
    return b'\x00' + req


def cur(req):
    return b'\x01' + req


def gpu_seeds():
    frame = [create_2d(1, 64, 32), attach(1, [(SCRATCH, 64 * 32 * 4)]),
             set_scanout(0, 1, 64, 32), transfer(1, 64, 32),
             flush(1, 64, 32)]
    return {
        'display-info': ctrl(hdr(GET_DISPLAY_INFO)),
        'edid': ctrl(hdr(GET_EDID) + struct.pack('<II', 0, 0)),
        'frame': SEP.join(ctrl(r) for r in frame),
        'lifecycle': SEP.join(ctrl(r) for r in frame + [
            set_scanout(0, 0, 0, 0), res_cmd(DETACH_BACKING, 1),
            res_cmd(RESOURCE_UNREF, 1)]),
        'two-entries': SEP.join(ctrl(r) for r in [
            create_2d(2, 16, 16),
            attach(2, [(SCRATCH, 512), (SCRATCH + 4096, 512)]),
            transfer(2, 16, 16), set_scanout(1, 2, 16, 16)]),
        'cursor': SEP.join([ctrl(create_2d(3, 64, 64)),
                            ctrl(attach(3, [(SCRATCH, 64 * 64 * 4)])),
                            ctrl(transfer(3, 64, 64)),
                            cur(cursor(UPDATE_CURSOR, 0, 10, 10, 3)),
                            cur(cursor(MOVE_CURSOR, 0, 20, 20, 3))]),
    }


# virtio-gpu-gl (<linux/virtio_gpu.h>, virgl's command stream)
CTX_CREATE = 0x200
CTX_DESTROY = 0x201
CTX_ATTACH = 0x202
RESOURCE_CREATE_3D = 0x204
TRANSFER_TO_HOST_3D = 0x205
TRANSFER_FROM_HOST_3D = 0x206
SUBMIT_3D = 0x207
RESOURCE_MAP_BLOB = 0x208
RESOURCE_UNMAP_BLOB = 0x209
GET_CAPSET_INFO = 0x108
GET_CAPSET = 0x109
RESOURCE_CREATE_BLOB = 0x10c
BLOB_MEM_HOST3D = 2
BLOB_FLAG_USE_MAPPABLE = 1
FLAG_FENCE = 1
VIRGL_CCMD_PIPE_RESOURCE_CREATE = 48
VIRGL_TARGET_BUFFER = 0
VIRGL_FORMAT_R8_UNORM = 64
VIRGL_BIND_VERTEX_BUFFER = 0x10
VIRGL_MAP_PERSISTENT_COHERENT = (1 << 1) | (1 << 2)


def hdr_ctx(cmd, ctx, flags=0, fence=0):
    return struct.pack('<IIQIB3x', cmd, flags, fence, ctx, 0)


def ctx_create(ctx, name=b'fuzz'):
    return hdr_ctx(CTX_CREATE, ctx) + struct.pack('<II', len(name), 0) + \
        name.ljust(64, b'\0')


def submit_3d(ctx, dwords, flags=0, fence=0):
    body = b''.join(struct.pack('<I', d) for d in dwords)
    return hdr_ctx(SUBMIT_3D, ctx, flags, fence) + \
        struct.pack('<II', len(body), 0) + body


def virgl_blob_buffer(size, blob_id):
    return [VIRGL_CCMD_PIPE_RESOURCE_CREATE | 11 << 16, VIRGL_TARGET_BUFFER,
            VIRGL_FORMAT_R8_UNORM, VIRGL_BIND_VERTEX_BUFFER, size, 1, 1, 1,
            0, 0, VIRGL_MAP_PERSISTENT_COHERENT, blob_id]


def create_blob(ctx, res, blob_id, size):
    return hdr_ctx(RESOURCE_CREATE_BLOB, ctx) + \
        struct.pack('<IIIIQQ', res, BLOB_MEM_HOST3D, BLOB_FLAG_USE_MAPPABLE,
                    0, blob_id, size)


def map_blob(res, offset):
    return hdr(RESOURCE_MAP_BLOB) + struct.pack('<IIQ', res, 0, offset)


def create_3d_buffer(res, size):
    # target, format, bind, width, height, depth, array_size, last_level,
    # nr_samples, flags, padding
    return hdr(RESOURCE_CREATE_3D) + struct.pack(
        '<IIIIIIIIIIII', res, VIRGL_TARGET_BUFFER, VIRGL_FORMAT_R8_UNORM,
        VIRGL_BIND_VERTEX_BUFFER, size, 1, 1, 1, 0, 0, 0, 0)


def ctx_attach(ctx, res):
    return hdr_ctx(CTX_ATTACH, ctx) + struct.pack('<II', res, 0)


def transfer_3d(cmd, ctx, res, size):
    # box x, y, z, w, h, d; offset; resource_id, level, stride, layer_stride
    return hdr_ctx(cmd, ctx) + struct.pack('<IIIIIIQIIII', 0, 0, 0, size,
                                           1, 1, 0, res, 0, 0, 0)


def gl_seeds():
    blob = [ctx_create(1), submit_3d(1, virgl_blob_buffer(65536, 42)),
            create_blob(1, 1, 42, 65536), map_blob(1, 0x200000)]
    return {
        'capsets': SEP.join(ctrl(r) for r in [
            hdr(GET_CAPSET_INFO) + struct.pack('<II', 0, 0),
            hdr(GET_CAPSET) + struct.pack('<II', 2, 0)]),
        'context': SEP.join(ctrl(r) for r in [
            ctx_create(1), submit_3d(1, virgl_blob_buffer(4096, 1)),
            hdr_ctx(CTX_DESTROY, 1)]),
        'resource-3d': SEP.join(ctrl(r) for r in [
            ctx_create(1), create_3d_buffer(10, 4096), ctx_attach(1, 10),
            attach(10, [(SCRATCH, 4096)]),
            transfer_3d(TRANSFER_TO_HOST_3D, 1, 10, 4096),
            transfer_3d(TRANSFER_FROM_HOST_3D, 1, 10, 4096)]),
        'fence': SEP.join(ctrl(r) for r in [
            ctx_create(1), submit_3d(1, [], FLAG_FENCE, 7)]),
        'blob-map-unmap': SEP.join(ctrl(r) for r in blob + [
            res_cmd(RESOURCE_UNMAP_BLOB, 1), res_cmd(RESOURCE_UNREF, 1)]),
        'blob-unref-mapped': SEP.join(ctrl(r) for r in blob + [
            res_cmd(RESOURCE_UNREF, 1), hdr(GET_DISPLAY_INFO)]),
    }


# virtqueue: ring header, descriptor table, data area
VQ_DATA = 96 * 1024 * 1024
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4


def desc(addr, length, flags=0, nxt=0):
    return struct.pack('<QIHH', addr, length, flags, nxt)


def vq_input(queue, idx, heads, table, data):
    ring = bytes([queue]) + struct.pack('<H', idx) + \
        b''.join(struct.pack('<H', h) for h in heads)
    return SEP.join([ring, table, data])


def vq_seeds():
    req = hdr(GET_DISPLAY_INFO).ljust(0x100, b'\0')
    direct = desc(0, 24, F_NEXT, 1) + desc(0x100, 1024, F_WRITE)
    # Indirect table at 0x400 of the data area; its addresses are
    # absolute (the fuzzer rewrites only the queue's own table).
    table = desc(VQ_DATA, 24, F_NEXT, 1) + \
        desc(VQ_DATA + 0x100, 1024, F_WRITE)
    indirect_data = req.ljust(0x400, b'\0') + table
    return {
        'one-chain': vq_input(0, 1, [0], direct, req),
        'two-chains': vq_input(0, 2, [0, 2], direct +
                               desc(0, 24, F_NEXT, 3) +
                               desc(0x200, 512, F_WRITE), req),
        'indirect': vq_input(0, 1, [0], desc(0x400, 32, F_INDIRECT),
                             indirect_data),
        'cursor': vq_input(1, 1, [0], desc(0, 56),
                           cursor(MOVE_CURSOR, 0, 1, 1, 0)),
    }


# generic-fuzz: operation byte, then its arguments
OP_IN, OP_OUT, OP_READ, OP_WRITE, OP_PCI_READ, OP_PCI_WRITE = range(6)
OP_ADD_DMA_PATTERN, OP_CLEAR_DMA_PATTERNS, OP_CLOCK_STEP = 6, 7, 8


def op_io(op, base, size_log2, offset, value, vbytes=4):
    return bytes([op, base, size_log2]) + struct.pack('<I', offset) + \
        value.to_bytes(vbytes, 'little')


def op_pci(op, base, offset, size_log2, value):
    return bytes([op, base, offset, size_log2]) + struct.pack('<I', value)


def generic_seeds():
    return {
        'mmio': SEP.join([op_io(OP_WRITE, 0, 2, 0, 0xffffffff, 8),
                          op_io(OP_READ, 0, 2, 0, 0, 8),
                          op_io(OP_WRITE, 1, 1, 4, 1, 8),
                          op_io(OP_READ, 1, 0, 8, 0, 8)]),
        'pio': SEP.join([op_io(OP_OUT, 0, 0, 0, 0x34),
                         op_io(OP_IN, 0, 0, 0, 0),
                         op_io(OP_OUT, 1, 2, 0, 0x12345678),
                         op_io(OP_IN, 1, 1, 2, 0)]),
        'pci': SEP.join([op_pci(OP_PCI_READ, 0, 0, 2, 0),
                         op_pci(OP_PCI_WRITE, 0, 4, 1, 7),
                         op_pci(OP_PCI_WRITE, 0, 0x10, 2, 0xffffffff),
                         op_pci(OP_PCI_READ, 0, 0x34, 0, 0)]),
        'dma': SEP.join([bytes([OP_ADD_DMA_PATTERN, 0, 1]) + b'\x01\x02',
                         op_io(OP_WRITE, 2, 2, 0, 1, 8),
                         op_io(OP_WRITE, 3, 2, 0, 1, 8),
                         bytes([OP_CLOCK_STEP]),
                         bytes([OP_CLEAR_DMA_PATTERNS])]),
    }


QTEST = {
    'memory': b'writel 0x1000 0x12345678\nreadl 0x1000\nreadq 0x1000\n'
              b'write 0x2000 0x4 0xdeadbeef\nread 0x2000 0x4\n'
              b'b64write 0x3000 0x4 3q2+7w==\nb64read 0x3000 0x4\n'
              b'memset 0x4000 0x10 0xff\nwriteb 0 1\nwritew 2 3\n'
              b'writeq 8 0xffffffffffffffff\nreadb 0\nreadw 0\n',
    'ports': b'outl 0xcf8 0x80000000\ninl 0xcfc\noutw 0xcfc 0x1\n'
             b'inw 0xcfe\noutb 0x43 0x34\noutb 0x40 0x10\ninb 0x40\n',
    'clock': b'clock_step\nclock_step 1000\nclock_set 50000000\n'
             b'clock_step 0\n',
    'irq': b'irq_intercept_in ioapic\nirq_intercept_out ioapic\n'
           b'set_irq_in /machine/ioapic unnamed-gpio-in 2 1\n'
           b'clock_step\nendianness\n',
    'errors': b'read 0 0\nwrite 0 1 0x1\nwrite 0 2 0x123\nfoo\n\n'
              b'outb 0x10000 1\nclock_step -1\nreadl zz\n',
}

QMP = {
    'capabilities': b'{"execute": "qmp_capabilities"}',
    'enable': b"{'execute': 'qmp_capabilities', "
              b"'arguments': {'enable': ['oob']}, 'id': 1}",
    'id': b'{"execute": "query-status", "id": [1, {"a": null}, 2.5e3, '
          b'"\\u00e9\\n", true]}',
    'bad': b'{"execute": 1}\n{"arguments": 2}\n[]\n"x"\n}\n{"a": [\'b\']}',
    'split': b'{"exec' + b'ute": "qmp_capabilities"}{"execute": "quit"}',
}


def write(target, seeds):
    d = os.path.join(TOP, target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


def main():
    write('virtio-gpu', gpu_seeds())
    write('virtio-gpu-gl', gl_seeds())
    write('virtqueue', vq_seeds())
    for config in ['virtio-gpu-pci', 'virtio-net-pci', 'pci-testdev',
                   'q35']:
        write('generic-fuzz-' + config, generic_seeds())
    write('qtest', QTEST)
    write('qmp', QMP)


if __name__ == '__main__':
    main()
