/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM: types, classes, objects, properties and the composition tree.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qemu/atomic.h"
#include "qemu/cutils.h"
#include "qom/object.h"

struct TypeImpl {
    const char *name;
    const char *parent;
    Type parent_type;

    size_t class_size;
    size_t instance_size;

    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;

    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);

    bool abstract;
    ObjectClass *class;
};

static GHashTable *type_table;

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

static Type type_get_by_name(const char *name)
{
    return name ? g_hash_table_lookup(type_table_get(), name) : NULL;
}

Type type_register_static(const TypeInfo *info)
{
    Type ti;

    assert(info->name);
    if (type_get_by_name(info->name)) {
        fprintf(stderr, "QOM: type '%s' is registered twice\n", info->name);
        abort();
    }

    ti = g_new0(struct TypeImpl, 1);
    ti->name = info->name;
    ti->parent = info->parent;
    ti->class_size = info->class_size;
    ti->instance_size = info->instance_size;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->abstract = info->abstract;
    g_hash_table_insert(type_table_get(), (void *)ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr_infos)
{
    int i;

    for (i = 0; i < nr_infos; i++) {
        type_register_static(&infos[i]);
    }
}

static Type type_get_parent(Type type)
{
    if (!type->parent_type && type->parent) {
        type->parent_type = type_get_by_name(type->parent);
        if (!type->parent_type) {
            fprintf(stderr, "QOM: type '%s' has unknown parent '%s'\n",
                    type->name, type->parent);
            abort();
        }
    }
    return type->parent_type;
}

static size_t type_class_get_size(Type ti)
{
    if (ti->class_size) {
        return ti->class_size;
    }
    if (type_get_parent(ti)) {
        return type_class_get_size(type_get_parent(ti));
    }
    return sizeof(ObjectClass);
}

static size_t type_object_get_size(Type ti)
{
    if (ti->instance_size) {
        return ti->instance_size;
    }
    if (type_get_parent(ti)) {
        return type_object_get_size(type_get_parent(ti));
    }
    return 0;
}

static bool type_is_ancestor(Type type, Type target)
{
    for (; type; type = type_get_parent(type)) {
        if (type == target) {
            return true;
        }
    }
    return false;
}

static void object_property_free(gpointer data)
{
    ObjectProperty *prop = data;

    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop);
}

/*
 * Build the class: start from a copy of the parent class, so a subclass
 * inherits every method its parent's class_init set, then let each
 * ancestor's class_base_init and the type's own class_init refine it.
 */
static void type_initialize(Type ti)
{
    Type parent, t;

    if (ti->class) {
        return;
    }

    ti->class_size = type_class_get_size(ti);
    ti->instance_size = type_object_get_size(ti);
    ti->class = g_malloc0(ti->class_size);

    parent = type_get_parent(ti);
    if (parent) {
        type_initialize(parent);
        assert(parent->class_size <= ti->class_size);
        assert(parent->instance_size <= ti->instance_size);
        memcpy(ti->class, parent->class, parent->class_size);
    }
    ti->class->type = ti;
    ti->class->properties = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                  NULL,
                                                  object_property_free);

    for (t = parent; t; t = type_get_parent(t)) {
        if (t->class_base_init) {
            t->class_base_init(ti->class, ti->class_data);
        }
    }
    if (ti->class_init) {
        ti->class_init(ti->class, ti->class_data);
    }
}

ObjectClass *object_class_by_name(const char *typename)
{
    Type type = type_get_by_name(typename);

    if (!type) {
        return NULL;
    }
    type_initialize(type);
    return type->class;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    Type parent = type_get_parent(klass->type);

    if (!parent) {
        return NULL;
    }
    type_initialize(parent);
    return parent->class;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    Type target;

    if (!klass) {
        return NULL;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    return type_is_ancestor(klass->type, target) ? klass : NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret && klass) {
        fprintf(stderr, "%s:%d:%s: Object class %p is not an instance of "
                "type %s\n", file, line, func, klass, typename);
        abort();
    }
    return ret;
}

typedef struct ClassListData {
    GSList *list;
    Type implements;
    bool include_abstract;
} ClassListData;

static void object_class_list_add(gpointer key, gpointer value,
                                  gpointer opaque)
{
    ClassListData *data = opaque;
    Type type = value;

    if (type->abstract && !data->include_abstract) {
        return;
    }
    if (data->implements && !type_is_ancestor(type, data->implements)) {
        return;
    }
    type_initialize(type);
    data->list = g_slist_prepend(data->list, type->class);
}

static gint object_class_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract)
{
    ClassListData data = {
        .implements = type_get_by_name(implements_type),
        .include_abstract = include_abstract,
    };

    if (implements_type && !data.implements) {
        return NULL;
    }
    g_hash_table_foreach(type_table_get(), object_class_list_add, &data);
    return g_slist_sort(data.list, object_class_cmp);
}

/* Objects */

static void object_init_with_type(Object *obj, Type ti)
{
    if (type_get_parent(ti)) {
        object_init_with_type(obj, type_get_parent(ti));
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, Type ti)
{
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
    if (type_get_parent(ti)) {
        object_post_init_with_type(obj, type_get_parent(ti));
    }
}

static void object_initialize_with_type(Object *obj, size_t size, Type type)
{
    type_initialize(type);
    if (type->abstract) {
        fprintf(stderr, "QOM: cannot instantiate abstract type '%s'\n",
                type->name);
        abort();
    }
    assert(size >= type->instance_size);

    memset(obj, 0, type->instance_size);
    obj->class = type->class;
    obj->ref = 1;
    obj->properties = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            object_property_free);
    object_init_with_type(obj, type);
    object_post_init_with_type(obj, type);
}

void object_initialize(void *data, size_t size, const char *typename)
{
    Type type = type_get_by_name(typename);

    if (!type) {
        fprintf(stderr, "QOM: missing type '%s'\n", typename);
        abort();
    }
    object_initialize_with_type(data, size, type);
}

Object *object_new_with_class(ObjectClass *klass)
{
    Type type = klass->type;
    Object *obj;

    type_initialize(type);
    obj = g_malloc(type->instance_size);
    object_initialize_with_type(obj, type->instance_size, type);
    obj->free = g_free;
    return obj;
}

Object *object_new(const char *typename)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass) {
        fprintf(stderr, "QOM: missing type '%s'\n", typename);
        abort();
    }
    return object_new_with_class(klass);
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(object_get_class(obj), typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d:%s: Object %p is not an instance of type %s\n",
                file, line, func, obj, typename);
        abort();
    }
    return obj;
}

/*
 * Release every property, then run instance_finalize from the most
 * derived type up, then free the memory.  Releasing child properties
 * drops the references this object holds on its children.
 */
static void object_property_del_all(Object *obj)
{
    GHashTableIter iter;
    gpointer key, value;
    ObjectProperty *prop;
    bool released;

    do {
        released = false;
        g_hash_table_iter_init(&iter, obj->properties);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            prop = value;
            if (prop->release) {
                prop->release(obj, prop);
                prop->release = NULL;
                /* A release may add or remove properties: start over. */
                released = true;
                break;
            }
        }
    } while (released);

    g_hash_table_unref(obj->properties);
    obj->properties = NULL;
}

static void object_deinit(Object *obj, Type type)
{
    if (type->instance_finalize) {
        type->instance_finalize(obj);
    }
    if (type_get_parent(type)) {
        object_deinit(obj, type_get_parent(type));
    }
}

static void object_finalize(Object *obj)
{
    object_property_del_all(obj);
    object_deinit(obj, obj->class->type);
    assert(obj->ref == 0);
    if (obj->free) {
        obj->free(obj);
    }
}

Object *object_ref(void *objptr)
{
    Object *obj = OBJECT(objptr);

    if (obj) {
        uint32_t ref = qatomic_fetch_inc(&obj->ref);

        assert(ref > 0 && "object_ref on a finalized object");
    }
    return obj;
}

void object_unref(void *objptr)
{
    Object *obj = OBJECT(objptr);

    if (!obj) {
        return;
    }
    assert(obj->ref > 0 && "object_unref: reference count underflow");
    if (qatomic_fetch_dec(&obj->ref) == 1) {
        object_finalize(obj);
    }
}

/* Properties */

static ObjectProperty *property_new(const char *name, const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    return prop;
}

ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

        if (prop) {
            return prop;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    return prop ? prop : object_class_property_find(obj->class, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp)
{
    ObjectProperty *prop;
    size_t name_len = strlen(name);

    /* "name[*]": the first name[N] that is free. */
    if (name_len >= 3 && !memcmp(name + name_len - 3, "[*]", 4)) {
        g_autofree char *base = g_strndup(name, name_len - 3);
        int i;

        for (i = 0; ; i++) {
            g_autofree char *full = g_strdup_printf("%s[%d]", base, i);

            if (!object_property_find(obj, full)) {
                return object_property_try_add(obj, full, type, get, set,
                                               release, opaque, errp);
            }
        }
    }

    if (object_property_find(obj, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to "
                   "object (type '%s')", name, object_get_typename(obj));
        return NULL;
    }
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(obj->properties, prop->name, prop);
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    return object_property_try_add(obj, name, type, get, set, release,
                                   opaque, &error_abort);
}

ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *prop;

    if (object_class_property_find(klass, name)) {
        fprintf(stderr, "QOM: duplicate class property '%s' in '%s'\n",
                name, object_class_get_name(klass));
        abort();
    }
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(klass->properties, prop->name, prop);
    return prop;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *prop = object_property_find_err(obj, name,
                                                    &error_abort);

    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description)
{
    ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

    assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

/*
 * Take the property out of the table before releasing it: the release
 * may drop the last reference to @obj (a child property of an object
 * that is its own parent), and it may add or delete other properties.
 */
void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    g_hash_table_steal(obj->properties, name);
    if (prop->release) {
        prop->release(obj, prop);
        prop->release = NULL;
    }
    object_property_free(prop);
}

static void class_property_foreach_one(gpointer key, gpointer value,
                                       gpointer opaque)
{
    void **args = opaque;
    void (*fn)(ObjectProperty *, void *) = args[0];

    fn(value, args[1]);
}

void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(ObjectProperty *prop,
                                              void *opaque),
                                   void *opaque)
{
    void *args[2] = { fn, opaque };

    for (; klass; klass = object_class_get_parent(klass)) {
        g_hash_table_foreach(klass->properties, class_property_foreach_one,
                             args);
    }
}

void object_property_foreach(Object *obj,
                             void (*fn)(ObjectProperty *prop, void *opaque),
                             void *opaque)
{
    void *args[2] = { fn, opaque };

    g_hash_table_foreach(obj->properties, class_property_foreach_one, args);
    object_class_property_foreach(obj->class, fn, opaque);
}

bool object_property_parse(Object *obj, const char *name,
                           const char *string, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    return prop->set(obj, prop, string, errp);
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->get(obj, prop, errp);
}

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp)
{
    return object_property_parse(obj, name, value, errp);
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    return object_property_print(obj, name, errp);
}

bool object_property_set_bool(Object *obj, const char *name,
                              bool value, Error **errp)
{
    return object_property_parse(obj, name, value ? "on" : "off", errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    g_autofree char *s = object_property_print(obj, name, errp);
    bool v = false;

    if (s && !qapi_bool_parse(name, s, &v, NULL)) {
        error_setg(errp, "Property '%s' is not a boolean", name);
    }
    return v;
}

bool object_property_set_int(Object *obj, const char *name,
                             int64_t value, Error **errp)
{
    g_autofree char *s = g_strdup_printf("%" PRId64, value);

    return object_property_parse(obj, name, s, errp);
}

int64_t object_property_get_int(Object *obj, const char *name,
                                Error **errp)
{
    g_autofree char *s = object_property_print(obj, name, errp);
    int64_t v;

    if (!s) {
        return -1;
    }
    if (qemu_strtoi64(s, NULL, 0, &v) < 0) {
        error_setg(errp, "Property '%s' is not an integer", name);
        return -1;
    }
    return v;
}

bool object_property_set_uint(Object *obj, const char *name,
                              uint64_t value, Error **errp)
{
    g_autofree char *s = g_strdup_printf("%" PRIu64, value);

    return object_property_parse(obj, name, s, errp);
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    g_autofree char *s = object_property_print(obj, name, errp);
    uint64_t v;

    if (!s) {
        return 0;
    }
    if (qemu_strtou64(s, NULL, 0, &v) < 0) {
        error_setg(errp, "Property '%s' is not an unsigned integer", name);
        return 0;
    }
    return v;
}

typedef struct BoolProperty {
    bool (*get)(Object *, Error **);
    void (*set)(Object *, bool, Error **);
} BoolProperty;

static char *property_get_bool(Object *obj, ObjectProperty *prop,
                               Error **errp)
{
    BoolProperty *bp = prop->opaque;

    return g_strdup(bp->get(obj, errp) ? "on" : "off");
}

static bool property_set_bool(Object *obj, ObjectProperty *prop,
                              const char *value, Error **errp)
{
    BoolProperty *bp = prop->opaque;
    Error *local_err = NULL;
    bool v;

    if (!qapi_bool_parse(prop->name, value, &v, errp)) {
        return false;
    }
    bp->set(obj, v, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    return true;
}

static void property_release_opaque(Object *obj, ObjectProperty *prop)
{
    g_free(prop->opaque);
}

ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         bool (*get)(Object *, Error **),
                                         void (*set)(Object *, bool,
                                                     Error **))
{
    BoolProperty *bp = g_new0(BoolProperty, 1);

    bp->get = get;
    bp->set = set;
    return object_property_add(obj, name, "bool",
                               get ? property_get_bool : NULL,
                               set ? property_set_bool : NULL,
                               property_release_opaque, bp);
}

static char *property_get_uint64_ptr(Object *obj, ObjectProperty *prop,
                                     Error **errp)
{
    return g_strdup_printf("%" PRIu64, *(uint64_t *)prop->opaque);
}

ObjectProperty *object_property_add_uint64_ptr(Object *obj,
                                               const char *name,
                                               uint64_t *v)
{
    return object_property_add(obj, name, "uint64",
                               property_get_uint64_ptr, NULL, NULL, v);
}

/*
 * Class properties backed by a field at @offset in every instance, for
 * user-creatable objects set from -object (devices use qdev properties).
 */
static char *property_get_uint64_field(Object *obj, ObjectProperty *prop,
                                       Error **errp)
{
    return g_strdup_printf("%" PRIu64,
                           *(uint64_t *)((char *)obj +
                                         (uintptr_t)prop->opaque));
}

static bool property_set_uint64_field(Object *obj, ObjectProperty *prop,
                                      const char *value, Error **errp)
{
    uint64_t v;

    if (qemu_strtou64(value, NULL, 0, &v) < 0) {
        error_setg(errp, "Parameter '%s' expects a number", prop->name);
        return false;
    }
    *(uint64_t *)((char *)obj + (uintptr_t)prop->opaque) = v;
    return true;
}

ObjectProperty *object_class_property_add_uint64_field(ObjectClass *klass,
                                                       const char *name,
                                                       size_t offset)
{
    return object_class_property_add(klass, name, "uint64",
                                     property_get_uint64_field,
                                     property_set_uint64_field, NULL,
                                     (void *)(uintptr_t)offset);
}

static char *property_get_bool_field(Object *obj, ObjectProperty *prop,
                                     Error **errp)
{
    return g_strdup(*(bool *)((char *)obj + (uintptr_t)prop->opaque) ?
                    "on" : "off");
}

static bool property_set_bool_field(Object *obj, ObjectProperty *prop,
                                    const char *value, Error **errp)
{
    bool v;

    if (!qapi_bool_parse(prop->name, value, &v, errp)) {
        return false;
    }
    *(bool *)((char *)obj + (uintptr_t)prop->opaque) = v;
    return true;
}

ObjectProperty *object_class_property_add_bool_field(ObjectClass *klass,
                                                     const char *name,
                                                     size_t offset)
{
    return object_class_property_add(klass, name, "bool",
                                     property_get_bool_field,
                                     property_set_bool_field, NULL,
                                     (void *)(uintptr_t)offset);
}

/* Composition */

static bool object_property_is_child(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "child<");
}

static char *object_get_child_property(Object *obj, ObjectProperty *prop,
                                       Error **errp)
{
    return object_get_canonical_path(prop->opaque);
}

static void object_finalize_child_property(Object *obj,
                                           ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->class->unparent) {
        child->class->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child)
{
    g_autofree char *type = NULL;
    ObjectProperty *prop;

    assert(!child->parent && "object already has a parent");
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_add(obj, name, type, object_get_child_property,
                               NULL, object_finalize_child_property,
                               child);
    object_ref(child);
    child->parent = obj;
    return prop;
}

void object_unparent(Object *obj)
{
    g_autofree char *name = NULL;

    if (!obj->parent) {
        return;
    }
    name = object_get_canonical_path_component(obj);
    assert(name);

    /*
     * Hold a reference across the removal: when the parent's reference
     * is the last one (or the object is its own parent) the release
     * would otherwise finalise it under our feet.
     */
    object_ref(obj);
    object_property_del(obj->parent, name);
    object_unref(obj);
}

Object *object_get_parent(Object *obj)
{
    return obj->parent;
}

int object_child_foreach(Object *obj,
                         int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    GHashTableIter iter;
    gpointer key, value;
    int ret = 0;

    g_hash_table_iter_init(&iter, obj->properties);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        ObjectProperty *prop = value;

        if (object_property_is_child(prop)) {
            ret = fn(prop->opaque, opaque);
            if (ret) {
                break;
            }
        }
    }
    return ret;
}

static const TypeInfo object_types[] = {
    {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_size = sizeof(ObjectClass),
        .abstract = true,
    },
    {
        .name = TYPE_CONTAINER,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Object),
    },
};

DEFINE_TYPES(object_types)

Object *object_get_root(void)
{
    static Object *root;

    if (!root) {
        root = object_new(TYPE_CONTAINER);
    }
    return root;
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    if (!prop || !object_property_is_child(prop)) {
        return NULL;
    }
    return prop->opaque;
}

typedef struct PartialMatch {
    const char *name;
    Object *found;
    int count;
} PartialMatch;

static int partial_match_one(Object *child, void *opaque);

/* Depth-first search for a child named like the last path component. */
static void object_find_partial(Object *obj, PartialMatch *m)
{
    object_child_foreach(obj, partial_match_one, m);
}

static int partial_match_one(Object *child, void *opaque)
{
    PartialMatch *m = opaque;
    g_autofree char *name = NULL;

    if (child == child->parent) {
        return 0;
    }
    name = object_get_canonical_path_component(child);
    if (name && !strcmp(name, m->name)) {
        m->found = child;
        m->count++;
    }
    object_find_partial(child, m);
    return 0;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    Object *obj;
    int i;

    if (ambiguous) {
        *ambiguous = false;
    }
    if (path[0] != '/') {
        /* A partial path: a unique object with that name anywhere. */
        PartialMatch m = { .name = path };

        object_find_partial(object_get_root(), &m);
        if (m.count > 1) {
            if (ambiguous) {
                *ambiguous = true;
            }
            return NULL;
        }
        return m.found;
    }

    obj = object_get_root();
    for (i = 0; parts[i] && obj; i++) {
        if (parts[i][0] == '\0') {
            continue;
        }
        obj = object_resolve_path_component(obj, parts[i]);
    }
    return obj;
}

char *object_get_canonical_path_component(Object *obj)
{
    GHashTableIter iter;
    gpointer key, value;

    if (!obj->parent) {
        return NULL;
    }
    g_hash_table_iter_init(&iter, obj->parent->properties);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        ObjectProperty *prop = value;

        if (object_property_is_child(prop) && prop->opaque == obj) {
            return g_strdup(prop->name);
        }
    }
    return NULL;
}

char *object_get_canonical_path(Object *obj)
{
    Object *root = object_get_root();
    GString *path = g_string_new(NULL);

    while (obj != root) {
        g_autofree char *component = object_get_canonical_path_component(obj);

        if (!component || obj->parent == obj) {
            /* Not attached under the root. */
            g_string_free(path, TRUE);
            return NULL;
        }
        g_string_prepend(path, component);
        g_string_prepend_c(path, '/');
        obj = obj->parent;
    }
    if (!path->len) {
        g_string_append_c(path, '/');
    }
    return g_string_free(path, FALSE);
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    Object *obj = root, *child;
    int i;

    for (i = 0; parts[i]; i++) {
        if (parts[i][0] == '\0') {
            continue;
        }
        child = object_resolve_path_component(obj, parts[i]);
        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, parts[i], child);
            object_unref(child);
        }
        obj = child;
    }
    return obj;
}
