/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardevs: creation from -chardev options and legacy specs, lookup by
 * label, and the events a backend sends its front end.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/id.h"
#include "qemu/keyval.h"
#include "chardev/char-fe.h"
#include "chardev-internal.h"

static const ChardevClass *const chardev_classes[] = {
    &char_null_class,
    &char_socket_class,
    &char_stdio_class,
};

static QTAILQ_HEAD(, Chardev) chardevs = QTAILQ_HEAD_INITIALIZER(chardevs);

static const ChardevClass *chardev_class_find(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(chardev_classes); i++) {
        if (!strcmp(chardev_classes[i]->name, name)) {
            return chardev_classes[i];
        }
    }
    return NULL;
}

Chardev *qemu_chr_find(const char *label)
{
    Chardev *chr;

    QTAILQ_FOREACH(chr, &chardevs, next) {
        if (!strcmp(chr->label, label)) {
            return chr;
        }
    }
    return NULL;
}

/* Fail for the first key of @opts that @cls does not take. */
static bool chardev_opts_check(const ChardevClass *cls,
                               const KeyValList *opts, Error **errp)
{
    int i;

    for (i = 0; i < opts->n; i++) {
        const char *key = opts->pairs[i].key;

        if (strcmp(key, "backend") && strcmp(key, "id") &&
            !(cls->opts && g_strv_contains(cls->opts, key))) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    return true;
}

/* Create, open and register a chardev of backend @cls. */
static Chardev *chardev_new(const char *label, const ChardevClass *cls,
                            const KeyValList *opts, Error **errp)
{
    Chardev *chr;
    bool be_opened = false;

    if (qemu_chr_find(label)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", label);
        return NULL;
    }
    if (!chardev_opts_check(cls, opts, errp)) {
        return NULL;
    }

    chr = g_malloc0(cls->instance_size);
    chr->cls = cls;
    chr->label = g_strdup(label);
    if (!cls->open(chr, opts, &be_opened, errp)) {
        g_free(chr->label);
        g_free(chr);
        return NULL;
    }
    QTAILQ_INSERT_TAIL(&chardevs, chr, next);
    if (be_opened) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
    return chr;
}

void qemu_chr_delete(Chardev *chr)
{
    assert(!chr->be);
    QTAILQ_REMOVE(&chardevs, chr, next);
    chr->cls->chr_finalize(chr);
    if (chr->gcontext) {
        g_main_context_unref(chr->gcontext);
    }
    g_free(chr->label);
    g_free(chr);
}

void qemu_chr_cleanup(void)
{
    Chardev *chr, *next;

    QTAILQ_FOREACH_SAFE(chr, &chardevs, next, next) {
        if (chr->be) {
            /*
             * The connection goes away with the chardev; QEMU's qtest
             * log, too, ends with CLOSED at exit.
             */
            if (chr->be_open) {
                qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
            }
            /* Its front end outlives it; its calls then do nothing. */
            qemu_chr_fe_set_handlers(chr->be, NULL, NULL, NULL, NULL, NULL,
                                     true);
            chr->be->chr = NULL;
            chr->be = NULL;
        }
        qemu_chr_delete(chr);
    }
}

Chardev *qemu_chr_new_from_opts(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) opts = NULL;
    const ChardevClass *cls;
    const char *backend, *id;

    opts = keyval_parse(optarg, "backend", errp);
    if (!opts) {
        return NULL;
    }
    id = keyval_get(opts, "id");
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, ID_WELLFORMED_HINT);
        return NULL;
    }
    backend = keyval_get(opts, "backend");
    if (!backend) {
        error_setg(errp, "chardev: \"%s\" missing backend", id);
        return NULL;
    }
    cls = chardev_class_find(backend);
    if (!cls) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    return chardev_new(id, cls, opts, errp);
}

Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp)
{
    g_autoptr(KeyValList) opts = NULL;
    g_autofree char *backend = NULL;

    if (!strcmp(filename, "stdio") || !strcmp(filename, "null")) {
        opts = keyval_parse("", NULL, errp);
        return chardev_new(label, chardev_class_find(filename), opts, errp);
    }
    if (g_str_has_prefix(filename, "unix:")) {
        /* "unix:PATH,opts": PATH is the implied first option. */
        opts = keyval_parse(filename + strlen("unix:"), "path", errp);
        if (!opts) {
            return NULL;
        }
        /* The label is the id; there is no backend to choose. */
        if (keyval_get(opts, "id") || keyval_get(opts, "backend")) {
            error_setg(errp, "Invalid parameter '%s'",
                       keyval_get(opts, "id") ? "id" : "backend");
            return NULL;
        }
        return chardev_new(label, &char_socket_class, opts, errp);
    }
    backend = g_strndup(filename, strcspn(filename, ":,"));
    error_setg(errp, "chardev: unknown backend '%s'", backend);
    return NULL;
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    CharBackend *be = chr->be;

    switch (event) {
    case CHR_EVENT_OPENED:
        chr->be_open = true;
        break;
    case CHR_EVENT_CLOSED:
        chr->be_open = false;
        break;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->chr_read) {
        be->chr_read(be->opaque, buf, len);
    }
}

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_read) {
        return 0;
    }
    if (!be->chr_can_read) {
        /* No flow control: take a buffer's worth at a time. */
        return INT_MAX;
    }
    return be->chr_can_read(be->opaque);
}
