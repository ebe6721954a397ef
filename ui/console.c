/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graphic consoles without displays: each console keeps the surface its
 * device gave it, for screendump.  See include/ui/console.h.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "ui/console.h"

struct QemuConsole {
    int index;
    DeviceState *device;
    uint32_t head;
    const GraphicHwOps *hw_ops;
    void *hw;
    DisplaySurface *surface;
    /* Display backends holding the output (graphic_hw_gl_block). */
    int gl_block;
    QTAILQ_ENTRY(QemuConsole) next;
};

static QTAILQ_HEAD(, QemuConsole) consoles =
    QTAILQ_HEAD_INITIALIZER(consoles);
static int next_console_index;

#define PLACEHOLDER_WIDTH   640
#define PLACEHOLDER_HEIGHT  480

/* Surfaces */

DisplaySurface *qemu_create_displaysurface_pixman(pixman_image_t *image)
{
    DisplaySurface *surface = g_new0(DisplaySurface, 1);

    surface->image = pixman_image_ref(image);
    surface->format = pixman_image_get_format(image);
    return surface;
}

DisplaySurface *qemu_create_displaysurface(int width, int height)
{
    pixman_image_t *image;
    DisplaySurface *surface;

    /* NULL bits: pixman allocates and clears the memory itself. */
    image = pixman_image_create_bits(PIXMAN_x8r8g8b8, width, height,
                                     NULL, 0);
    assert(image);
    surface = qemu_create_displaysurface_pixman(image);
    pixman_image_unref(image);
    return surface;
}

DisplaySurface *qemu_create_placeholder_surface(int width, int height,
                                                const char *msg)
{
    /* QEMU prints @msg with its VGA font; we have no font: black. */
    DisplaySurface *surface = qemu_create_displaysurface(width, height);

    surface->placeholder = true;
    return surface;
}

void qemu_free_displaysurface(DisplaySurface *surface)
{
    if (surface) {
        pixman_image_unref(surface->image);
        g_free(surface);
    }
}

/* Consoles */

QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head,
                                  const GraphicHwOps *hw_ops, void *opaque)
{
    QemuConsole *con = g_new0(QemuConsole, 1);

    con->index = next_console_index++;
    con->device = dev;
    con->head = head;
    con->hw_ops = hw_ops;
    con->hw = opaque;
    con->surface = qemu_create_placeholder_surface(
        PLACEHOLDER_WIDTH, PLACEHOLDER_HEIGHT,
        "Guest has not initialized the display (yet).");
    QTAILQ_INSERT_TAIL(&consoles, con, next);
    return con;
}

void graphic_console_close(QemuConsole *con)
{
    /*
     * QEMU keeps closed consoles (their index stays taken) showing a
     * placeholder; so do we, unbound from the device.
     */
    con->device = NULL;
    con->hw_ops = NULL;
    con->hw = NULL;
    dpy_gfx_replace_surface(con, NULL);
}

void qemu_console_set_device(QemuConsole *con, DeviceState *dev)
{
    con->device = dev;
}

DeviceState *qemu_console_get_device(QemuConsole *con)
{
    return con->device;
}

uint32_t qemu_console_get_head(QemuConsole *con)
{
    return con->head;
}

int qemu_console_get_index(QemuConsole *con)
{
    return con->index;
}

QemuConsole *qemu_console_lookup_by_index(unsigned int index)
{
    QemuConsole *con;

    QTAILQ_FOREACH(con, &consoles, next) {
        if (con->index == index) {
            return con;
        }
    }
    return NULL;
}

QemuConsole *qemu_console_lookup_by_device(DeviceState *dev, uint32_t head)
{
    QemuConsole *con;

    QTAILQ_FOREACH(con, &consoles, next) {
        if (con->device && con->device == dev && con->head == head) {
            return con;
        }
    }
    return NULL;
}

QemuConsole *qemu_console_lookup_by_device_name(const char *device_id,
                                                uint32_t head, Error **errp)
{
    Object *obj;
    QemuConsole *con;

    /* A -device id, as QEMU takes it; a QOM path works too. */
    if (device_id[0] == '/') {
        obj = object_resolve_path(device_id, NULL);
    } else {
        obj = object_resolve_path_component(
            container_get(qdev_get_machine(), "peripheral"), device_id);
    }
    if (!obj || !object_dynamic_cast(obj, TYPE_DEVICE)) {
        error_setg(errp, "Device '%s' not found", device_id);
        return NULL;
    }
    con = qemu_console_lookup_by_device(DEVICE(obj), head);
    if (!con) {
        error_setg(errp, "Device %s (head %" PRIu32 ") is not bound to a "
                   "QemuConsole", device_id, head);
        return NULL;
    }
    return con;
}

DisplaySurface *qemu_console_surface(QemuConsole *con)
{
    return con->surface;
}

void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface)
{
    DisplaySurface *old = con->surface;

    if (!surface) {
        surface = qemu_create_placeholder_surface(
            old ? surface_width(old) : PLACEHOLDER_WIDTH,
            old ? surface_height(old) : PLACEHOLDER_HEIGHT,
            "Display output is not active.");
    }
    if (surface == old) {
        return;
    }
    con->surface = surface;
    qemu_free_displaysurface(old);
}

void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h)
{
    /*
     * Nothing to copy: the surface shares the device's pixels and
     * screendump reads them.  Display listeners, which we do not have,
     * would repaint (x, y, w, h) here.
     */
}

void graphic_hw_update(QemuConsole *con)
{
    if (con->hw_ops && con->hw_ops->gfx_update) {
        con->hw_ops->gfx_update(con->hw);
    }
}

void graphic_hw_invalidate(QemuConsole *con)
{
    if (con->hw_ops && con->hw_ops->invalidate) {
        con->hw_ops->invalidate(con->hw);
    }
}

void graphic_hw_gl_block(QemuConsole *con, bool block)
{
    /* The device hears only of the first hold and the last release. */
    if (block) {
        con->gl_block++;
    } else {
        con->gl_block--;
    }
    assert(con->gl_block >= 0);
    if ((block && con->gl_block != 1) || (!block && con->gl_block != 0)) {
        return;
    }
    if (con->hw_ops && con->hw_ops->gl_block) {
        con->hw_ops->gl_block(con->hw, block);
    }
}

/*
 * x-console-gl-block {"console": N, "block": true|false}: act as a display
 * backend taking or releasing console N's output (graphic_hw_gl_block).
 * We have no such backend; tests use this to hold a virtio-gpu command
 * queue and watch it resume.  Not in QEMU, hence the x- prefix.
 */
static void qmp_x_console_gl_block(JsonObject *args, JsonNode **ret,
                                   Error **errp)
{
    static const char *const allowed[] = { "console", "block", NULL };
    JsonNode *index, *block;
    QemuConsole *con;

    if (!qmp_check_args(args, allowed, errp)) {
        return;
    }
    index = args ? json_object_get_member(args, "console") : NULL;
    block = args ? json_object_get_member(args, "block") : NULL;
    if (!index || !block) {
        error_setg(errp, "Parameter '%s' is missing",
                   index ? "block" : "console");
        return;
    }
    if (!JSON_NODE_HOLDS_VALUE(index) ||
        json_node_get_value_type(index) != G_TYPE_INT64) {
        error_setg(errp, "Invalid parameter type for 'console', "
                   "expected: integer");
        return;
    }
    if (!JSON_NODE_HOLDS_VALUE(block) ||
        json_node_get_value_type(block) != G_TYPE_BOOLEAN) {
        error_setg(errp, "Invalid parameter type for 'block', "
                   "expected: boolean");
        return;
    }
    con = json_node_get_int(index) < 0 ? NULL :
          qemu_console_lookup_by_index(json_node_get_int(index));
    if (!con || !con->hw_ops || !con->hw_ops->gl_block) {
        error_setg(errp, "Console %" PRId64 " cannot be blocked",
                   json_node_get_int(index));
        return;
    }
    if (!json_node_get_boolean(block) && !con->gl_block) {
        error_setg(errp, "Console %" PRId64 " is not blocked",
                   json_node_get_int(index));
        return;
    }
    graphic_hw_gl_block(con, json_node_get_boolean(block));
}

static void __attribute__((constructor)) console_qmp_register(void)
{
    qmp_register_command("x-console-gl-block", qmp_x_console_gl_block,
                         QCO_NO_OPTIONS);
}
