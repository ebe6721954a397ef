/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP command screendump and the image writers behind it.
 *
 *   { "execute": "screendump",
 *     "arguments": { "filename": F, "device"?: ID, "head"?: N,
 *                    "format"?: "ppm" | "png" } }
 *
 * writes what console 0 (or output N of device ID) shows now, as QEMU's
 * command does: binary PPM (P6, maxval 255) by default, or 8-bit RGB PNG.
 * Pixels are converted row by row with pixman, so any surface format
 * works.
 */

#include "qemu/osdep.h"
#include <png.h>
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "ui/console.h"

/* 24-bit R, G, B bytes in memory order, whatever the host's endianness. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define PIXMAN_BE_r8g8b8 PIXMAN_b8g8r8
#else
#define PIXMAN_BE_r8g8b8 PIXMAN_r8g8b8
#endif

/* A one-row image in R, G, B byte order to convert rows into. */
static pixman_image_t *linebuf_create(int width)
{
    return pixman_image_create_bits(PIXMAN_BE_r8g8b8, width, 1, NULL, 0);
}

static void linebuf_fill(pixman_image_t *linebuf, pixman_image_t *image,
                         int width, int y)
{
    pixman_image_composite(PIXMAN_OP_SRC, image, NULL, linebuf,
                           0, y, 0, 0, 0, 0, width, 1);
}

static bool write_all(int fd, const void *buf, size_t len, Error **errp)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            error_setg_errno(errp, errno, "failed to write image");
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

bool ppm_save(int fd, pixman_image_t *image, Error **errp)
{
    int width = pixman_image_get_width(image);
    int height = pixman_image_get_height(image);
    g_autofree char *header = g_strdup_printf("P6\n%d %d\n%d\n",
                                              width, height, 255);
    pixman_image_t *linebuf;
    bool ok;
    int y;

    ok = write_all(fd, header, strlen(header), errp);
    linebuf = linebuf_create(width);
    for (y = 0; ok && y < height; y++) {
        linebuf_fill(linebuf, image, width, y);
        ok = write_all(fd, pixman_image_get_data(linebuf), width * 3, errp);
    }
    pixman_image_unref(linebuf);
    return ok;
}

/* libpng output to a file descriptor; errors end in a longjmp. */
typedef struct PngSink {
    int fd;
    Error *err;
} PngSink;

static void png_sink_write(png_structp png, png_bytep data, size_t len)
{
    PngSink *sink = png_get_io_ptr(png);

    if (!write_all(sink->fd, data, len, &sink->err)) {
        png_error(png, "write failed");
    }
}

static void png_sink_flush(png_structp png)
{
}

bool png_save(int fd, pixman_image_t *image, Error **errp)
{
    int width = pixman_image_get_width(image);
    int height = pixman_image_get_height(image);
    PngSink sink = { .fd = fd };
    pixman_image_t *volatile linebuf = NULL;
    png_structp png;
    png_infop info;
    int y;

    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        error_setg(errp, "PNG creation failed");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        if (linebuf) {
            pixman_image_unref(linebuf);
        }
        if (sink.err) {
            error_propagate(errp, sink.err);
        } else {
            error_setg(errp, "PNG creation failed");
        }
        return false;
    }
    png_set_write_fn(png, &sink, png_sink_write, png_sink_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    linebuf = linebuf_create(width);
    for (y = 0; y < height; y++) {
        linebuf_fill(linebuf, image, width, y);
        png_write_row(png, (png_const_bytep)pixman_image_get_data(linebuf));
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    pixman_image_unref(linebuf);
    return true;
}

/* QMP */

static bool get_string_arg(JsonObject *args, const char *name,
                           const char **value, Error **errp)
{
    JsonNode *node = args ? json_object_get_member(args, name) : NULL;

    *value = NULL;
    if (!node) {
        return true;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   name);
        return false;
    }
    *value = json_node_get_string(node);
    return true;
}

static void qmp_screendump(JsonObject *args, JsonNode **ret, Error **errp)
{
    static const char *const allowed[] = {
        "filename", "device", "head", "format", NULL
    };
    const char *filename, *device, *format;
    JsonNode *head_node;
    int64_t head = 0;
    bool png = false;
    QemuConsole *con;
    DisplaySurface *surface;
    pixman_image_t *image;
    bool ok;
    int fd;

    if (!qmp_check_args(args, allowed, errp) ||
        !get_string_arg(args, "filename", &filename, errp) ||
        !get_string_arg(args, "device", &device, errp) ||
        !get_string_arg(args, "format", &format, errp)) {
        return;
    }
    if (!filename) {
        error_setg(errp, "Parameter 'filename' is missing");
        return;
    }
    head_node = args ? json_object_get_member(args, "head") : NULL;
    if (head_node) {
        if (!JSON_NODE_HOLDS_VALUE(head_node) ||
            json_node_get_value_type(head_node) != G_TYPE_INT64) {
            error_setg(errp, "Invalid parameter type for 'head', "
                       "expected: integer");
            return;
        }
        head = json_node_get_int(head_node);
        if (head < 0 || head > UINT32_MAX) {
            error_setg(errp, "Parameter 'head' expects uint32");
            return;
        }
    }
    if (format) {
        if (!strcmp(format, "png")) {
            png = true;
        } else if (strcmp(format, "ppm")) {
            error_setg(errp, "Parameter 'format' does not accept value '%s'",
                       format);
            return;
        }
    }

    if (device) {
        con = qemu_console_lookup_by_device_name(device, head, errp);
        if (!con) {
            return;
        }
    } else {
        if (head_node) {
            error_setg(errp, "'head' must be specified together with "
                       "'device'");
            return;
        }
        con = qemu_console_lookup_by_index(0);
        if (!con) {
            error_setg(errp, "There is no console to take a screendump "
                       "from.");
            return;
        }
    }

    graphic_hw_update(con);
    surface = qemu_console_surface(con);
    if (!surface) {
        error_setg(errp, "no surface");
        return;
    }

    fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        error_setg(errp, "failed to open file '%s': %s", filename,
                   strerror(errno));
        return;
    }
    /* The device may replace the surface; keep this image alive. */
    image = pixman_image_ref(surface->image);
    ok = png ? png_save(fd, image, errp) : ppm_save(fd, image, errp);
    pixman_image_unref(image);
    close(fd);
    if (!ok) {
        unlink(filename);
    }
}

static void __attribute__((constructor)) screendump_register(void)
{
    qmp_register_command("screendump", qmp_screendump, QCO_NO_OPTIONS);
}
