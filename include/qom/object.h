/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM, the QEMU Object Model, trimmed to what this tree needs.
 *
 * Types are registered by name with a TypeInfo (parent, sizes, init and
 * finalize hooks).  Classes are created lazily, parent first, and each
 * class_init may override what its parent set.  Objects are reference
 * counted and have named properties; a "child<...>" property owns a
 * reference to its child, which makes the composition tree: unparenting
 * an object deletes that property and drops the reference.  An object is
 * finalised when its last reference goes, which is how a MemoryRegion
 * outlives its removal from the memory map until RCU readers are done.
 *
 * Unlike QEMU, property accessors exchange strings rather than going
 * through visitors: every property here is set from the command line or
 * QMP as text anyway.
 */

#ifndef QEMU_OBJECT_H
#define QEMU_OBJECT_H

#include "qemu/queue.h"

typedef struct Error Error;
typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct ObjectProperty ObjectProperty;

#define TYPE_OBJECT "object"
#define TYPE_CONTAINER "container"

/*
 * Property accessors.  get returns a newly allocated string (or NULL with
 * @errp set); set parses @value and returns false with @errp set when it
 * is not acceptable.
 */
typedef char *ObjectPropertyGet(Object *obj, ObjectProperty *prop,
                                Error **errp);
typedef bool ObjectPropertySet(Object *obj, ObjectProperty *prop,
                               const char *value, Error **errp);
typedef void ObjectPropertyRelease(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;
    char *description;
    ObjectPropertyGet *get;
    ObjectPropertySet *set;
    ObjectPropertyRelease *release;
    void *opaque;
};

typedef void ObjectUnparent(Object *obj);
typedef void ObjectFree(void *obj);

struct ObjectClass {
    /* private: */
    Type type;
    GHashTable *properties;

    /* public: called when the object leaves its parent (object_unparent) */
    ObjectUnparent *unparent;
};

struct Object {
    /* private: */
    ObjectClass *class;
    /* Called last in finalisation to release the memory; NULL if static. */
    ObjectFree *free;
    GHashTable *properties;
    uint32_t ref;
    Object *parent;
};

typedef struct TypeInfo {
    const char *name;
    const char *parent;

    size_t instance_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);

    bool abstract;
    size_t class_size;

    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;
} TypeInfo;

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(class) ((ObjectClass *)(class))

#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name), \
                                        __FILE__, __LINE__, __func__))
#define OBJECT_CLASS_CHECK(class_type, class, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(class), \
                                                    (name), __FILE__, \
                                                    __LINE__, __func__))
#define OBJECT_GET_CLASS(class, obj, name) \
    OBJECT_CLASS_CHECK(class, object_get_class(OBJECT(obj)), name)

/*
 * OBJECT_DECLARE_TYPE(Instance, Class, MODULE): the typedefs and the
 * checked casts MODULE(obj), MODULE_CLASS(klass), MODULE_GET_CLASS(obj)
 * for a type named TYPE_MODULE.
 */
#define OBJECT_DECLARE_TYPE(InstanceType, ClassType, MODULE_OBJ_NAME)     \
    typedef struct InstanceType InstanceType;                             \
    typedef struct ClassType ClassType;                                   \
    G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceType, object_unref)             \
    static inline G_GNUC_UNUSED InstanceType *                            \
    MODULE_OBJ_NAME(const void *obj)                                      \
    {                                                                     \
        return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME);   \
    }                                                                     \
    static inline G_GNUC_UNUSED ClassType *                               \
    MODULE_OBJ_NAME##_GET_CLASS(const void *obj)                          \
    {                                                                     \
        return OBJECT_GET_CLASS(ClassType, obj, TYPE_##MODULE_OBJ_NAME);  \
    }                                                                     \
    static inline G_GNUC_UNUSED ClassType *                               \
    MODULE_OBJ_NAME##_CLASS(const void *klass)                            \
    {                                                                     \
        return OBJECT_CLASS_CHECK(ClassType, klass,                       \
                                  TYPE_##MODULE_OBJ_NAME);                \
    }

/* The same for a type whose class adds nothing to its parent's. */
#define OBJECT_DECLARE_SIMPLE_TYPE(InstanceType, MODULE_OBJ_NAME)         \
    typedef struct InstanceType InstanceType;                             \
    G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceType, object_unref)             \
    static inline G_GNUC_UNUSED InstanceType *                            \
    MODULE_OBJ_NAME(const void *obj)                                      \
    {                                                                     \
        return OBJECT_CHECK(InstanceType, obj, TYPE_##MODULE_OBJ_NAME);   \
    }

/* Types */

Type type_register_static(const TypeInfo *info);
void type_register_static_array(const TypeInfo *infos, int nr_infos);

/*
 * Register at program start.  Types live in the executable itself (not in
 * a static library), so their constructors are always linked in.
 */
#define type_init(function)                                               \
    static void __attribute__((constructor))                              \
    glue(do_qom_init_, function)(void)                                    \
    {                                                                     \
        function();                                                       \
    }

#define DEFINE_TYPES(type_array)                                          \
    static void do_qemu_init_ ## type_array(void)                         \
    {                                                                     \
        type_register_static_array(type_array, ARRAY_SIZE(type_array));   \
    }                                                                     \
    type_init(do_qemu_init_ ## type_array)

/* Classes */

ObjectClass *object_class_by_name(const char *typename);
ObjectClass *object_class_get_parent(ObjectClass *klass);
const char *object_class_get_name(ObjectClass *klass);
bool object_class_is_abstract(ObjectClass *klass);
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func);

/* Classes implementing @implements_type (all if NULL), sorted by name. */
GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract);

/* Objects */

Object *object_new(const char *typename);
Object *object_new_with_class(ObjectClass *klass);
void object_initialize(void *data, size_t size, const char *typename);

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(const Object *obj);
Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func);

Object *object_ref(void *obj);
void object_unref(void *obj);

/* Properties */

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp);
/* As above; a duplicate name is a programming error and aborts. */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name,
                                          const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque);
void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description);

ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);
ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name);
void object_property_del(Object *obj, const char *name);

/* Call @fn for each class property of @klass and its parents. */
void object_class_property_foreach(ObjectClass *klass,
                                   void (*fn)(ObjectProperty *prop,
                                              void *opaque),
                                   void *opaque);

/*
 * Call @fn for each property of @obj: its own (aliases, children...),
 * then those of its class and the class's parents.
 */
void object_property_foreach(Object *obj,
                             void (*fn)(ObjectProperty *prop, void *opaque),
                             void *opaque);

/* Set from / get as text; the property's type decides the syntax. */
bool object_property_parse(Object *obj, const char *name,
                           const char *string, Error **errp);
char *object_property_print(Object *obj, const char *name, Error **errp);

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp);
char *object_property_get_str(Object *obj, const char *name, Error **errp);
bool object_property_set_bool(Object *obj, const char *name,
                              bool value, Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
bool object_property_set_int(Object *obj, const char *name,
                             int64_t value, Error **errp);
int64_t object_property_get_int(Object *obj, const char *name,
                                Error **errp);
bool object_property_set_uint(Object *obj, const char *name,
                              uint64_t value, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);

/* Typed property helpers backed by a field of the object. */
ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         bool (*get)(Object *, Error **),
                                         void (*set)(Object *, bool,
                                                     Error **));
ObjectProperty *object_property_add_uint64_ptr(Object *obj,
                                               const char *name,
                                               uint64_t *v);

/*
 * Class properties ("uint64", "bool") stored in a field at @offset of
 * every instance; settable as text ("-object TYPE,name=value").
 */
ObjectProperty *object_class_property_add_uint64_field(ObjectClass *klass,
                                                       const char *name,
                                                       size_t offset);
ObjectProperty *object_class_property_add_bool_field(ObjectClass *klass,
                                                     const char *name,
                                                     size_t offset);

/*
 * Composition.  object_property_add_child() makes @child a child of @obj
 * under @name (a trailing "[*]" picks the first free index) and takes a
 * reference.  object_unparent() removes @obj from its parent: the parent
 * drops its reference and the class's unparent hook runs.  An object may
 * be its own parent; object_unparent() then drops that self-reference.
 */
ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child);
void object_unparent(Object *obj);
Object *object_get_parent(Object *obj);
int object_child_foreach(Object *obj,
                         int (*fn)(Object *child, void *opaque),
                         void *opaque);

/* The root of the composition tree, "/", and paths in it. */
Object *object_get_root(void);
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_component(Object *parent, const char *part);
char *object_get_canonical_path(Object *obj);
char *object_get_canonical_path_component(Object *obj);

/* The container at @path below the root, created on first use. */
Object *container_get(Object *root, const char *path);

#endif /* QEMU_OBJECT_H */
