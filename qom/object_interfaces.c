/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -object: creating user-creatable objects from the command line.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/id.h"
#include "qemu/keyval.h"
#include "qom/object_interfaces.h"

static Object *user_creatable_container(void)
{
    return container_get(object_get_root(), "/objects");
}

static ObjectClass *user_creatable_class(const char *type, Error **errp)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_USER_CREATABLE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "invalid object type: %s", type);
        return NULL;
    }
    return oc;
}

Object *user_creatable_add_from_str(const char *optarg, Error **errp)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "qom-type", errp);

    return kv ? user_creatable_add_kv(kv, errp) : NULL;
}

Object *user_creatable_add_kv(const KeyValList *kv, Error **errp)
{
    const char *type, *id;
    UserCreatableClass *ucc;
    ObjectClass *oc;
    Object *obj;
    int i;

    type = keyval_get(kv, "qom-type");
    id = keyval_get(kv, "id");
    if (!type) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return NULL;
    }
    oc = user_creatable_class(type, errp);
    if (!oc) {
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, ID_WELLFORMED_HINT);
        return NULL;
    }
    if (object_resolve_path_component(user_creatable_container(), id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return NULL;
    }

    obj = object_new_with_class(oc);
    for (i = 0; i < kv->n; i++) {
        const char *key = kv->pairs[i].key;

        if (!strcmp(key, "qom-type") || !strcmp(key, "id")) {
            continue;
        }
        if (!object_property_parse(obj, key, kv->pairs[i].value, errp)) {
            object_unref(obj);
            return NULL;
        }
    }
    ucc = USER_CREATABLE_GET_CLASS(obj);
    if (ucc->complete) {
        Error *err = NULL;

        ucc->complete(USER_CREATABLE(obj), &err);
        if (err) {
            error_propagate(errp, err);
            object_unref(obj);
            return NULL;
        }
    }
    object_property_add_child(user_creatable_container(), id, obj);
    object_unref(obj);
    return obj;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(user_creatable_container(),
                                                id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

static gint prop_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ObjectProperty *)a)->name,
                  ((const ObjectProperty *)b)->name);
}

static void collect_prop(ObjectProperty *prop, void *opaque)
{
    GSList **list = opaque;

    *list = g_slist_insert_sorted(*list, prop, prop_cmp);
}

void object_class_print_properties(ObjectClass *klass)
{
    g_autoptr(GSList) list = NULL;
    GSList *el;

    object_class_property_foreach(klass, collect_prop, &list);
    for (el = list; el; el = el->next) {
        ObjectProperty *prop = el->data;
        g_autofree char *left = g_strdup_printf("%s=<%s>", prop->name,
                                                prop->type);

        printf("  %-24s%s%s\n", left, prop->description ? " - " : "",
               prop->description ? prop->description : "");
    }
}

bool user_creatable_help(const char *optarg)
{
    g_autoptr(KeyValList) kv = keyval_parse(optarg, "qom-type", NULL);
    const char *type = kv ? keyval_get(kv, "qom-type") : NULL;
    ObjectClass *oc;

    if (!kv) {
        return false;
    }
    /* keyval takes a lone "help" for "help=on", as QEMU's keyval does. */
    if ((!type && keyval_get(kv, "help")) ||
        (type && (!strcmp(type, "help") || !strcmp(type, "?")))) {
        g_autoptr(GSList) list =
            object_class_get_list_sorted(TYPE_USER_CREATABLE, false);
        GSList *el;

        printf("List of user creatable objects:\n");
        for (el = list; el; el = el->next) {
            printf("  %s\n", object_class_get_name(el->data));
        }
        return true;
    }
    if (!keyval_get(kv, "help")) {
        return false;
    }
    oc = user_creatable_class(type, &error_fatal);
    printf("%s options:\n", type);
    object_class_print_properties(oc);
    return true;
}

static int user_creatable_unparent_one(Object *child, void *opaque)
{
    GPtrArray *children = opaque;

    g_ptr_array_add(children, child);
    return 0;
}

void user_creatable_cleanup(void)
{
    g_autoptr(GPtrArray) children = g_ptr_array_new();
    guint i;

    object_child_foreach(user_creatable_container(),
                         user_creatable_unparent_one, children);
    for (i = 0; i < children->len; i++) {
        object_unparent(g_ptr_array_index(children, i));
    }
}

static const TypeInfo user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(UserCreatable),
    .class_size = sizeof(UserCreatableClass),
    .abstract = true,
};

static void user_creatable_register_types(void)
{
    type_register_static(&user_creatable_info);
}

type_init(user_creatable_register_types)
