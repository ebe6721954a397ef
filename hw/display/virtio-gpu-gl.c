/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-gpu-gl-device: the virtio GPU with virgl 3D rendering.
 *
 * TYPE_VIRTIO_GPU_GL derives from the 2D TYPE_VIRTIO_GPU and keeps its
 * command queue; the commands themselves run on virglrenderer
 * (virtio-gpu-virgl.c).  Properties beyond the 2D device's: blob=on|off
 * (RESOURCE_BLOB, blobs mappable into hostmem) and context_init=on|off
 * (CONTEXT_INIT: CTX_CREATE picks a capset).
 *
 * The renderer is initialised at realize, so that a host that cannot
 * give it OpenGL fails at start-up with one error line rather than when
 * the guest driver loads.  It is used from the main loop only: a reset
 * asked from elsewhere hops there (virtio_gpu_reset()), and resetting
 * virglrenderer itself waits until no blob region is leaving the memory
 * map (RS_RESET).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/timer.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio-gpu.h"

static void virtio_gpu_gl_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(vdev);
    VirtIOGPUGLClass *glc = VIRTIO_GPU_GL_GET_CLASS(vdev);

    if (gl->renderer_state == RS_RESET && !gl->orphaned_unmaps) {
        virtio_gpu_virgl_reset(g);
    }
    glc->parent_handle_ctrl(vdev, vq);
    virtio_gpu_virgl_fence_poll(g);
}

static void virtio_gpu_gl_reset(VirtIODevice *vdev)
{
    VirtIOGPUGL *gl = VIRTIO_GPU_GL(vdev);

    virtio_gpu_reset(vdev);
    if (gl->renderer_state == RS_INITED) {
        gl->renderer_state = RS_RESET;
    }
}

static void virtio_gpu_gl_device_realize(DeviceState *qdev, Error **errp)
{
    VirtIOGPU *g = VIRTIO_GPU(qdev);
    VirtIOGPUBase *b = VIRTIO_GPU_BASE(qdev);

#if G_BYTE_ORDER == G_BIG_ENDIAN
    error_setg(errp, "virgl is not supported on bigendian platforms");
    return;
#endif

    if (!virtio_gpu_virgl_init(g, errp)) {
        return;
    }
    b->conf.flags |= 1 << VIRTIO_GPU_FLAG_VIRGL_ENABLED;
    b->virtio_config.num_capsets =
        cpu_to_le32(virtio_gpu_virgl_get_num_capsets(g));
    virtio_gpu_device_realize(qdev, errp);
}

static const Property virtio_gpu_gl_properties[] = {
    DEFINE_PROP_BIT("blob", VirtIOGPU, parent_obj.conf.flags,
                    VIRTIO_GPU_FLAG_BLOB_ENABLED, false),
    DEFINE_PROP_BIT("context_init", VirtIOGPU, parent_obj.conf.flags,
                    VIRTIO_GPU_FLAG_CONTEXT_INIT_ENABLED, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_gpu_gl_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);
    VirtIOGPUClass *vgc = VIRTIO_GPU_CLASS(klass);
    VirtIOGPUGLClass *glc = VIRTIO_GPU_GL_CLASS(klass);

    glc->parent_handle_ctrl = vgc->handle_ctrl;
    vgc->handle_ctrl = virtio_gpu_gl_handle_ctrl;
    vgc->process_cmd = virtio_gpu_virgl_process_cmd;
    vgc->resource_destroy = virtio_gpu_virgl_resource_destroy;

    vdc->realize = virtio_gpu_gl_device_realize;
    vdc->reset = virtio_gpu_gl_reset;

    dc->desc = "virtio GPU with virgl 3D";
    device_class_set_props(dc, virtio_gpu_gl_properties);
}

static const TypeInfo virtio_gpu_gl_info = {
    .name = TYPE_VIRTIO_GPU_GL,
    .parent = TYPE_VIRTIO_GPU,
    .instance_size = sizeof(VirtIOGPUGL),
    .class_size = sizeof(VirtIOGPUGLClass),
    .class_init = virtio_gpu_gl_class_init,
};

static void virtio_gpu_gl_register_types(void)
{
    type_register_static(&virtio_gpu_gl_info);
}

type_init(virtio_gpu_gl_register_types)
