/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM: type registration, class inheritance, instance init/finalize
 * order, casts, reference counting, properties and the composition tree,
 * including an object that is its own parent (the way virtio-gpu blob
 * regions own themselves while a FlatView still references them).
 *
 * Hooks append to a log so that tests can check what ran and in which
 * order.  Cases that must abort run in a g_test_trap_subprocess().
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"

/*
 * test-abstract (abstract) <- test-base <- test-derived
 * test-other: unrelated, for failing casts.
 */
#define TYPE_TEST_ABSTRACT "test-abstract"
#define TYPE_TEST_BASE "test-base"
#define TYPE_TEST_DERIVED "test-derived"
#define TYPE_TEST_OTHER "test-other"

OBJECT_DECLARE_TYPE(TestObj, TestClass, TEST_ABSTRACT)
OBJECT_DECLARE_SIMPLE_TYPE(OtherObj, TEST_OTHER)

struct TestClass {
    ObjectClass parent_class;

    const char *(*describe)(TestObj *obj);
    /* Set by class_base_init for every subclass of test-abstract. */
    const char *base_init_for;
    int value;
};

struct TestObj {
    Object parent_obj;

    int64_t number;
    bool flag;
    uint64_t counter;
    int post_inits;
};

struct OtherObj {
    Object parent_obj;
};

/* What ran, as "a,b,c," */
static GString *class_log;
static GString *obj_log;
static int finalize_count;
static int unparent_count;
static int free_count;
static void *last_freed;

static void log_reset(void)
{
    g_string_truncate(obj_log, 0);
    finalize_count = 0;
    unparent_count = 0;
    free_count = 0;
    last_freed = NULL;
}

static const char *abstract_describe(TestObj *obj)
{
    return "abstract";
}

static const char *derived_describe(TestObj *obj)
{
    return "derived";
}

static void abstract_class_init(ObjectClass *klass, const void *data)
{
    TestClass *tc = (TestClass *)klass;

    g_string_append(class_log, "abstract,");
    tc->describe = abstract_describe;
    tc->value = 1;
}

static void abstract_class_base_init(ObjectClass *klass, const void *data)
{
    TestClass *tc = (TestClass *)klass;

    g_string_append_printf(class_log, "base_init(%s),",
                           object_class_get_name(klass));
    tc->base_init_for = object_class_get_name(klass);
}

static char *base_get_color(Object *obj, ObjectProperty *prop,
                            Error **errp)
{
    return g_strdup("blue");
}

static void base_class_init(ObjectClass *klass, const void *data)
{
    TestClass *tc = TEST_ABSTRACT_CLASS(klass);

    /* The parent's class_init ran first and its fields were copied. */
    g_assert_true(tc->describe == abstract_describe);
    g_assert_cmpint(tc->value, ==, 1);
    g_string_append(class_log, "base,");
    tc->value = 2;
    object_class_property_add(klass, "color", "string", base_get_color,
                              NULL, NULL, NULL);
}

static void derived_unparent(Object *obj)
{
    unparent_count++;
    g_string_append(obj_log, "unparent,");
    /*
     * Like a device tearing down its buses: touch our own properties
     * while being unparented (the parent's table when we are our own
     * parent).
     */
    object_property_del(obj, "scratch");
}

static void derived_class_init(ObjectClass *klass, const void *data)
{
    TestClass *tc = TEST_ABSTRACT_CLASS(klass);

    g_assert_cmpint(tc->value, ==, 2);
    g_assert_cmpstr(data, ==, "derived-data");
    g_string_append(class_log, "derived,");
    tc->describe = derived_describe;
    tc->value = 3;
    klass->unparent = derived_unparent;
}

static void abstract_instance_init(Object *obj)
{
    g_string_append(obj_log, "init:abstract,");
    TEST_ABSTRACT(obj)->number = 10;
}

static void base_instance_init(Object *obj)
{
    /* Parent first: its init has already run. */
    g_assert_cmpint(TEST_ABSTRACT(obj)->number, ==, 10);
    g_string_append(obj_log, "init:base,");
    TEST_ABSTRACT(obj)->number = 20;
}

static void derived_instance_init(Object *obj)
{
    g_assert_cmpint(TEST_ABSTRACT(obj)->number, ==, 20);
    g_string_append(obj_log, "init:derived,");
    TEST_ABSTRACT(obj)->number = 30;
}

static void derived_instance_post_init(Object *obj)
{
    TEST_ABSTRACT(obj)->post_inits++;
    g_string_append(obj_log, "post_init:derived,");
}

static void abstract_instance_finalize(Object *obj)
{
    g_string_append(obj_log, "fin:abstract,");
    finalize_count++;
}

static void base_instance_finalize(Object *obj)
{
    g_string_append(obj_log, "fin:base,");
}

static void derived_instance_finalize(Object *obj)
{
    g_string_append(obj_log, "fin:derived,");
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_ABSTRACT,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestObj),
        .instance_init = abstract_instance_init,
        .instance_finalize = abstract_instance_finalize,
        .class_size = sizeof(TestClass),
        .class_init = abstract_class_init,
        .class_base_init = abstract_class_base_init,
        .abstract = true,
    },
    {
        .name = TYPE_TEST_BASE,
        .parent = TYPE_TEST_ABSTRACT,
        .instance_init = base_instance_init,
        .instance_finalize = base_instance_finalize,
        .class_init = base_class_init,
    },
    {
        .name = TYPE_TEST_DERIVED,
        .parent = TYPE_TEST_BASE,
        .instance_init = derived_instance_init,
        .instance_post_init = derived_instance_post_init,
        .instance_finalize = derived_instance_finalize,
        .class_init = derived_class_init,
        .class_data = "derived-data",
    },
    {
        .name = TYPE_TEST_OTHER,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(OtherObj),
    },
};

DEFINE_TYPES(test_types)

static void counting_free(void *obj)
{
    free_count++;
    last_freed = obj;
    g_free(obj);
}

/* Types and classes */

static TestClass *test_class(const char *typename)
{
    return TEST_ABSTRACT_CLASS(object_class_by_name(typename));
}

/* A virtual method call through the checked class cast. */
static const char *describe(Object *obj)
{
    return TEST_ABSTRACT_GET_CLASS(obj)->describe(TEST_ABSTRACT(obj));
}

static void test_type_lookup(void)
{
    ObjectClass *oc = object_class_by_name(TYPE_TEST_DERIVED);
    ObjectClass *parent;

    g_assert_nonnull(oc);
    g_assert_cmpstr(object_class_get_name(oc), ==, TYPE_TEST_DERIVED);
    g_assert_false(object_class_is_abstract(oc));
    g_assert_null(object_class_by_name("no-such-type"));

    parent = object_class_get_parent(oc);
    g_assert_cmpstr(object_class_get_name(parent), ==, TYPE_TEST_BASE);
    parent = object_class_get_parent(parent);
    g_assert_cmpstr(object_class_get_name(parent), ==, TYPE_TEST_ABSTRACT);
    g_assert_true(object_class_is_abstract(parent));
    parent = object_class_get_parent(parent);
    g_assert_cmpstr(object_class_get_name(parent), ==, TYPE_OBJECT);
    g_assert_null(object_class_get_parent(parent));

    /* The same class every time: classes are built once. */
    g_assert_true(object_class_by_name(TYPE_TEST_DERIVED) == oc);
}

static void test_type_register(void)
{
    static const TypeInfo late = {
        .name = "test-late",
        .parent = TYPE_TEST_BASE,
    };
    ObjectClass *oc;

    g_assert_null(object_class_by_name("test-late"));
    type_register_static(&late);
    oc = object_class_by_name("test-late");
    g_assert_nonnull(oc);
    /* Inherits the parent's sizes and methods. */
    g_assert_cmpint(TEST_ABSTRACT_CLASS(oc)->value, ==, 2);
    g_assert_true(object_class_dynamic_cast(oc, TYPE_TEST_BASE) == oc);
}

static void test_type_register_twice(void)
{
    static const TypeInfo dup = {
        .name = TYPE_TEST_BASE,
        .parent = TYPE_OBJECT,
    };

    if (g_test_subprocess()) {
        type_register_static(&dup);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*registered twice*");
}

static void test_class_list(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_TEST_ABSTRACT, false);
    GSList *all = object_class_get_list_sorted(TYPE_TEST_ABSTRACT, true);
    GSList *l;
    bool seen_base = false, seen_derived = false;

    for (l = list; l; l = l->next) {
        const char *name = object_class_get_name(l->data);

        g_assert_cmpstr(name, !=, TYPE_TEST_ABSTRACT);
        seen_base |= !strcmp(name, TYPE_TEST_BASE);
        seen_derived |= !strcmp(name, TYPE_TEST_DERIVED);
        if (l->next) {
            g_assert_cmpint(strcmp(name,
                                   object_class_get_name(l->next->data)),
                            <, 0);
        }
    }
    g_assert_true(seen_base && seen_derived);
    g_assert_cmpint(g_slist_length(all), ==, g_slist_length(list) + 1);
    g_assert_null(object_class_get_list_sorted("no-such-type", true));
    g_slist_free(list);
    g_slist_free(all);
}

static void test_class_inheritance(void)
{
    TestClass *abstract = test_class(TYPE_TEST_ABSTRACT);
    TestClass *base = test_class(TYPE_TEST_BASE);
    TestClass *derived = test_class(TYPE_TEST_DERIVED);
    const char *pos_abstract, *pos_base, *pos_derived, *pos_bi;

    /* Each class_init ran once, parent before child. */
    pos_abstract = strstr(class_log->str, "abstract,");
    pos_base = strstr(class_log->str, "base,");
    pos_derived = strstr(class_log->str, "derived,");
    g_assert_nonnull(pos_abstract);
    g_assert_true(pos_abstract < pos_base && pos_base < pos_derived);
    g_assert_null(strstr(pos_derived + 1, "derived,"));

    /* class_base_init of the parent ran for the subclasses only... */
    g_assert_null(strstr(class_log->str, "base_init(test-abstract)"));
    pos_bi = strstr(class_log->str, "base_init(test-derived),");
    g_assert_nonnull(pos_bi);
    /* ...and before the subclass's own class_init. */
    g_assert_true(pos_bi < pos_derived);
    g_assert_null(abstract->base_init_for);
    g_assert_cmpstr(base->base_init_for, ==, TYPE_TEST_BASE);
    g_assert_cmpstr(derived->base_init_for, ==, TYPE_TEST_DERIVED);

    /* Overrides stick, inherited methods are the parent's. */
    g_assert_true(abstract->describe == abstract_describe);
    g_assert_true(base->describe == abstract_describe);
    g_assert_true(derived->describe == derived_describe);
    g_assert_cmpint(abstract->value, ==, 1);
    g_assert_cmpint(base->value, ==, 2);
    g_assert_cmpint(derived->value, ==, 3);
    g_assert_null(OBJECT_CLASS(base)->unparent);
    g_assert_true(OBJECT_CLASS(derived)->unparent == derived_unparent);
}

/* Instances */

static void test_instance_order(void)
{
    Object *obj;

    log_reset();
    obj = object_new(TYPE_TEST_DERIVED);
    g_assert_cmpstr(obj_log->str, ==,
                    "init:abstract,init:base,init:derived,"
                    "post_init:derived,");
    g_assert_cmpint(TEST_ABSTRACT(obj)->number, ==, 30);
    g_assert_cmpint(TEST_ABSTRACT(obj)->post_inits, ==, 1);
    g_assert_cmpstr(object_get_typename(obj), ==, TYPE_TEST_DERIVED);
    g_assert_cmpstr(describe(obj), ==, "derived");

    g_string_truncate(obj_log, 0);
    object_unref(obj);
    g_assert_cmpstr(obj_log->str, ==,
                    "fin:derived,fin:base,fin:abstract,");
    g_assert_cmpint(finalize_count, ==, 1);

    /* A base instance runs only its own and its parents' hooks. */
    log_reset();
    obj = object_new(TYPE_TEST_BASE);
    g_assert_cmpstr(obj_log->str, ==, "init:abstract,init:base,");
    g_assert_cmpstr(describe(obj), ==, "abstract");
    object_unref(obj);
    g_assert_cmpstr(obj_log->str, ==,
                    "init:abstract,init:base,fin:base,fin:abstract,");
}

static void test_instance_embedded(void)
{
    TestObj *t = g_new0(TestObj, 1);

    /* object_initialize: storage is the caller's, free is left NULL. */
    log_reset();
    object_initialize(t, sizeof(*t), TYPE_TEST_DERIVED);
    g_assert_null(OBJECT(t)->free);
    g_assert_cmpint(t->number, ==, 30);
    OBJECT(t)->free = counting_free;
    object_unref(t);
    g_assert_cmpint(finalize_count, ==, 1);
    g_assert_cmpint(free_count, ==, 1);
    g_assert_true(last_freed == t);
}

static void test_abstract_new(void)
{
    if (g_test_subprocess()) {
        object_new(TYPE_TEST_ABSTRACT);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*abstract type 'test-abstract'*");
}

static void test_abstract_new_object(void)
{
    if (g_test_subprocess()) {
        object_new(TYPE_OBJECT);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
}

static void test_new_unknown(void)
{
    if (g_test_subprocess()) {
        object_new("no-such-type");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*missing type 'no-such-type'*");
}

/* Casts */

static void test_dynamic_cast(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);
    Object *other = object_new(TYPE_TEST_OTHER);
    ObjectClass *oc = object_get_class(obj);

    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_DERIVED) == obj);
    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_BASE) == obj);
    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_ABSTRACT) == obj);
    g_assert_true(object_dynamic_cast(obj, TYPE_OBJECT) == obj);
    g_assert_null(object_dynamic_cast(obj, TYPE_TEST_OTHER));
    g_assert_null(object_dynamic_cast(obj, "no-such-type"));
    g_assert_null(object_dynamic_cast(NULL, TYPE_OBJECT));
    g_assert_null(object_dynamic_cast(other, TYPE_TEST_BASE));

    g_assert_true(object_class_dynamic_cast(oc, TYPE_TEST_BASE) == oc);
    g_assert_null(object_class_dynamic_cast(oc, TYPE_TEST_OTHER));
    g_assert_null(object_class_dynamic_cast(
                      object_class_by_name(TYPE_TEST_BASE),
                      TYPE_TEST_DERIVED));
    g_assert_null(object_class_dynamic_cast(NULL, TYPE_OBJECT));

    /* The checked casts pass for the right type and NULL. */
    g_assert_true(TEST_ABSTRACT(obj) == (TestObj *)obj);
    g_assert_true(TEST_OTHER(other) == (OtherObj *)other);
    g_assert_null(TEST_ABSTRACT(NULL));
    g_assert_true(TEST_ABSTRACT_CLASS(oc) == (TestClass *)oc);

    object_unref(obj);
    object_unref(other);
}

static void test_cast_abort(void)
{
    if (g_test_subprocess()) {
        Object *obj = object_new(TYPE_TEST_DERIVED);

        (void)TEST_OTHER(obj);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*is not an instance of type test-other*");
}

static void test_class_cast_abort(void)
{
    if (g_test_subprocess()) {
        (void)TEST_ABSTRACT_CLASS(object_class_by_name(TYPE_TEST_OTHER));
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*is not an instance of type test-abstract*");
}

/* Reference counting */

static void test_ref_unref(void)
{
    Object *obj;

    log_reset();
    obj = object_new(TYPE_TEST_DERIVED);
    g_assert_cmpuint(obj->ref, ==, 1);
    g_assert_true(object_ref(obj) == obj);
    g_assert_cmpuint(obj->ref, ==, 2);
    object_ref(obj);
    object_unref(obj);
    object_unref(obj);
    g_assert_cmpuint(obj->ref, ==, 1);
    g_assert_cmpint(finalize_count, ==, 0);
    object_unref(obj);
    g_assert_cmpint(finalize_count, ==, 1);

    /* NULL is accepted by both. */
    g_assert_null(object_ref(NULL));
    object_unref(NULL);
}

static void test_autoptr(void)
{
    log_reset();
    {
        g_autoptr(TestObj) obj =
            TEST_ABSTRACT(object_new(TYPE_TEST_DERIVED));

        g_assert_cmpint(finalize_count, ==, 0);
    }
    g_assert_cmpint(finalize_count, ==, 1);
}

/* Properties */

static char *number_get(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRId64, TEST_ABSTRACT(obj)->number);
}

static bool number_set(Object *obj, ObjectProperty *prop,
                       const char *value, Error **errp)
{
    char *end;
    int64_t v = g_ascii_strtoll(value, &end, 0);

    if (!*value || *end) {
        error_setg(errp, "Parameter '%s' expects an integer", prop->name);
        return false;
    }
    TEST_ABSTRACT(obj)->number = v;
    return true;
}

static bool flag_get(Object *obj, Error **errp)
{
    return TEST_ABSTRACT(obj)->flag;
}

static void flag_set(Object *obj, bool value, Error **errp)
{
    TEST_ABSTRACT(obj)->flag = value;
}

static int release_count;

static void count_release(Object *obj, ObjectProperty *prop)
{
    release_count++;
}

static void test_property_basic(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);
    ObjectProperty *prop;
    Error *err = NULL;
    char *s;

    prop = object_property_add(obj, "number", "int", number_get,
                               number_set, NULL, NULL);
    g_assert_nonnull(prop);
    g_assert_true(object_property_find(obj, "number") == prop);
    g_assert_cmpstr(prop->name, ==, "number");
    g_assert_cmpstr(prop->type, ==, "int");
    object_property_set_description(obj, "number", "a number");
    g_assert_cmpstr(prop->description, ==, "a number");

    /* As text. */
    g_assert_true(object_property_parse(obj, "number", "42", &error_abort));
    g_assert_cmpint(TEST_ABSTRACT(obj)->number, ==, 42);
    s = object_property_print(obj, "number", &error_abort);
    g_assert_cmpstr(s, ==, "42");
    g_free(s);
    g_assert_true(object_property_set_str(obj, "number", "0x10",
                                          &error_abort));
    s = object_property_get_str(obj, "number", &error_abort);
    g_assert_cmpstr(s, ==, "16");
    g_free(s);

    /* The setter's error comes back. */
    g_assert_false(object_property_parse(obj, "number", "abc", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'number' expects an integer");
    error_free(err);
    err = NULL;
    g_assert_cmpint(TEST_ABSTRACT(obj)->number, ==, 16);

    /* Typed helpers. */
    g_assert_true(object_property_set_int(obj, "number", -5, &error_abort));
    g_assert_cmpint(object_property_get_int(obj, "number", &error_abort),
                    ==, -5);
    g_assert_true(object_property_set_uint(obj, "number", 7,
                                           &error_abort));
    g_assert_cmpuint(object_property_get_uint(obj, "number", &error_abort),
                     ==, 7);

    /* Missing properties. */
    g_assert_null(object_property_find(obj, "nope"));
    g_assert_false(object_property_parse(obj, "nope", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-derived.nope' not found");
    error_free(err);
    err = NULL;
    g_assert_null(object_property_print(obj, "nope", &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    g_assert_cmpint(object_property_get_int(obj, "nope", NULL), ==, -1);

    /* Deleting. */
    object_property_del(obj, "number");
    g_assert_null(object_property_find(obj, "number"));
    object_property_del(obj, "number");

    object_unref(obj);
}

static void test_property_bool_uint(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);
    Error *err = NULL;
    char *s;

    object_property_add_bool(obj, "flag", flag_get, flag_set);
    g_assert_false(object_property_get_bool(obj, "flag", &error_abort));
    g_assert_true(object_property_set_bool(obj, "flag", true,
                                           &error_abort));
    g_assert_true(TEST_ABSTRACT(obj)->flag);
    g_assert_true(object_property_get_bool(obj, "flag", &error_abort));
    s = object_property_print(obj, "flag", &error_abort);
    g_assert_cmpstr(s, ==, "on");
    g_free(s);
    g_assert_true(object_property_parse(obj, "flag", "no", &error_abort));
    g_assert_false(TEST_ABSTRACT(obj)->flag);
    g_assert_true(object_property_parse(obj, "flag", "yes", &error_abort));
    g_assert_false(object_property_parse(obj, "flag", "maybe", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'flag' expects 'on' or 'off'");
    error_free(err);
    err = NULL;
    g_assert_true(TEST_ABSTRACT(obj)->flag);

    /* A bool is not an integer. */
    object_property_get_int(obj, "flag", &err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'flag' is not an integer");
    error_free(err);
    err = NULL;

    /* A read-only uint64 backed by a field. */
    TEST_ABSTRACT(obj)->counter = UINT64_MAX;
    object_property_add_uint64_ptr(obj, "counter",
                                   &TEST_ABSTRACT(obj)->counter);
    g_assert_cmpuint(object_property_get_uint(obj, "counter",
                                              &error_abort),
                     ==, UINT64_MAX);
    TEST_ABSTRACT(obj)->counter = 12345;
    g_assert_cmpuint(object_property_get_uint(obj, "counter",
                                              &error_abort),
                     ==, 12345);
    g_assert_false(object_property_set_uint(obj, "counter", 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-derived.counter' is not writable");
    error_free(err);
    err = NULL;
    g_assert_cmpuint(TEST_ABSTRACT(obj)->counter, ==, 12345);

    /* Not readable. */
    object_property_add(obj, "wo", "int", NULL, number_set, NULL, NULL);
    g_assert_null(object_property_print(obj, "wo", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-derived.wo' is not readable");
    error_free(err);

    object_unref(obj);
}

static void test_property_release(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);

    release_count = 0;
    object_property_add(obj, "a", "int", NULL, NULL, count_release, NULL);
    object_property_add(obj, "b", "int", NULL, NULL, count_release, NULL);
    object_property_del(obj, "a");
    g_assert_cmpint(release_count, ==, 1);
    object_unref(obj);
    g_assert_cmpint(release_count, ==, 2);
}

static void test_property_duplicate(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);
    Error *err = NULL;

    object_property_add(obj, "dup", "int", number_get, NULL, NULL, NULL);
    g_assert_null(object_property_try_add(obj, "dup", "int", number_get,
                                          NULL, NULL, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'dup' to object "
                    "(type 'test-derived')");
    error_free(err);
    err = NULL;

    /* Class properties count too. */
    g_assert_null(object_property_try_add(obj, "color", "string", NULL,
                                          NULL, NULL, NULL, &err));
    g_assert_nonnull(err);
    error_free(err);
    object_unref(obj);
}

static void test_property_duplicate_abort(void)
{
    if (g_test_subprocess()) {
        Object *obj = object_new(TYPE_TEST_DERIVED);

        object_property_add(obj, "dup", "int", NULL, NULL, NULL, NULL);
        object_property_add(obj, "dup", "int", NULL, NULL, NULL, NULL);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*duplicate property 'dup'*");
}

static void test_property_auto_index(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);
    ObjectProperty *p0, *p1, *p2, *again;

    p0 = object_property_add(obj, "slot[*]", "int", number_get, NULL,
                             NULL, NULL);
    p1 = object_property_add(obj, "slot[*]", "int", number_get, NULL,
                             NULL, NULL);
    p2 = object_property_add(obj, "slot[*]", "int", number_get, NULL,
                             NULL, NULL);
    g_assert_cmpstr(p0->name, ==, "slot[0]");
    g_assert_cmpstr(p1->name, ==, "slot[1]");
    g_assert_cmpstr(p2->name, ==, "slot[2]");
    g_assert_true(object_property_find(obj, "slot[1]") == p1);
    g_assert_null(object_property_find(obj, "slot[*]"));

    /* The first free index is reused. */
    object_property_del(obj, "slot[1]");
    again = object_property_add(obj, "slot[*]", "int", number_get, NULL,
                                NULL, NULL);
    g_assert_cmpstr(again->name, ==, "slot[1]");

    /* A name that merely ends in "]" is taken literally. */
    g_assert_cmpstr(object_property_add(obj, "x[5]", "int", NULL, NULL,
                                        NULL, NULL)->name, ==, "x[5]");
    object_unref(obj);
}

static void test_property_class(void)
{
    Object *obj = object_new(TYPE_TEST_DERIVED);
    Object *base = object_new(TYPE_TEST_BASE);
    ObjectClass *oc = object_get_class(obj);
    ObjectProperty *prop;
    char *s;

    /* Defined by test-base's class_init, found from a subclass. */
    prop = object_class_property_find(oc, "color");
    g_assert_nonnull(prop);
    g_assert_true(object_property_find(obj, "color") == prop);
    g_assert_true(object_property_find(base, "color") == prop);
    g_assert_null(object_class_property_find(
                      object_class_by_name(TYPE_TEST_ABSTRACT), "color"));
    s = object_property_get_str(obj, "color", &error_abort);
    g_assert_cmpstr(s, ==, "blue");
    g_free(s);

    object_unref(obj);
    object_unref(base);
}

static void count_prop(ObjectProperty *prop, void *opaque)
{
    if (!strcmp(prop->name, "color")) {
        (*(int *)opaque)++;
    }
}

static void test_property_class_foreach(void)
{
    int n = 0;

    object_class_property_foreach(object_class_by_name(TYPE_TEST_DERIVED),
                                  count_prop, &n);
    g_assert_cmpint(n, ==, 1);
}

static void test_property_class_duplicate(void)
{
    if (g_test_subprocess()) {
        object_class_property_add(object_class_by_name(TYPE_TEST_DERIVED),
                                  "color", "string", NULL, NULL, NULL,
                                  NULL);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*duplicate class property 'color'*");
}

/* Composition */

static void test_child_ref(void)
{
    Object *parent = object_new(TYPE_TEST_BASE);
    Object *child = object_new(TYPE_TEST_DERIVED);
    ObjectProperty *prop;
    char *s;

    log_reset();
    prop = object_property_add_child(parent, "kid", child);
    g_assert_cmpstr(prop->type, ==, "child<test-derived>");
    g_assert_cmpuint(child->ref, ==, 2);
    g_assert_true(object_get_parent(child) == parent);
    g_assert_true(object_resolve_path_component(parent, "kid") == child);
    g_assert_null(object_resolve_path_component(parent, "nope"));

    /* Not under the root: no canonical path. */
    g_assert_null(object_get_canonical_path(child));
    s = object_get_canonical_path_component(child);
    g_assert_cmpstr(s, ==, "kid");
    g_free(s);
    g_assert_null(object_get_canonical_path_component(parent));

    /* The parent's reference keeps it alive... */
    object_unref(child);
    g_assert_cmpuint(child->ref, ==, 1);
    g_assert_cmpint(finalize_count, ==, 0);

    /* ...until unparenting drops it (and runs the class hook). */
    object_unparent(child);
    g_assert_cmpint(unparent_count, ==, 1);
    g_assert_cmpint(finalize_count, ==, 1);
    g_assert_cmpstr(obj_log->str, ==,
                    "unparent,fin:derived,fin:base,fin:abstract,");
    g_assert_null(object_property_find(parent, "kid"));

    /* Unparenting an object without a parent does nothing. */
    object_unparent(parent);
    object_unref(parent);
    g_assert_cmpint(finalize_count, ==, 2);
}

static void test_child_unparent_keeps_ref(void)
{
    Object *parent = object_new(TYPE_TEST_BASE);
    Object *child = object_new(TYPE_TEST_DERIVED);

    log_reset();
    object_property_add_child(parent, "kid", child);
    object_unparent(child);
    g_assert_cmpint(unparent_count, ==, 1);
    g_assert_cmpint(finalize_count, ==, 0);
    g_assert_null(object_get_parent(child));
    g_assert_cmpuint(child->ref, ==, 1);

    /* Re-parenting is fine once it has left. */
    object_property_add_child(parent, "kid2", child);
    object_unref(child);

    /* Finalising the parent releases its children. */
    object_unref(parent);
    g_assert_cmpint(unparent_count, ==, 2);
    g_assert_cmpint(finalize_count, ==, 2);
}

static int count_child(Object *child, void *opaque)
{
    (*(int *)opaque)++;
    return 0;
}

static int stop_at_first(Object *child, void *opaque)
{
    return 7;
}

static void test_child_foreach(void)
{
    Object *parent = object_new(TYPE_TEST_BASE);
    int i, n = 0;

    for (i = 0; i < 3; i++) {
        Object *child = object_new(TYPE_TEST_BASE);

        object_property_add_child(parent, "c[*]", child);
        object_unref(child);
    }
    object_property_add(parent, "number", "int", number_get, NULL, NULL,
                        NULL);
    g_assert_cmpint(object_child_foreach(parent, count_child, &n), ==, 0);
    g_assert_cmpint(n, ==, 3);
    g_assert_cmpint(object_child_foreach(parent, stop_at_first, NULL), ==,
                    7);
    object_unref(parent);
}

static void test_paths(void)
{
    Object *root = object_get_root();
    Object *a, *b, *leaf, *leaf2;
    bool ambiguous = true;
    char *s;

    log_reset();
    s = object_get_canonical_path(root);
    g_assert_cmpstr(s, ==, "/");
    g_free(s);
    g_assert_true(object_resolve_path("/", NULL) == root);

    /* container_get creates the intermediate containers, once. */
    b = container_get(root, "/qomtest/a/b");
    g_assert_cmpstr(object_get_typename(b), ==, TYPE_CONTAINER);
    a = object_resolve_path("/qomtest/a", NULL);
    g_assert_nonnull(a);
    g_assert_true(object_get_parent(b) == a);
    g_assert_true(container_get(root, "/qomtest/a/b") == b);
    g_assert_true(container_get(root, "qomtest/a") == a);
    g_assert_true(container_get(a, "b") == b);
    s = object_get_canonical_path(b);
    g_assert_cmpstr(s, ==, "/qomtest/a/b");
    g_free(s);

    leaf = object_new(TYPE_TEST_DERIVED);
    object_property_add_child(b, "leaf", leaf);
    object_unref(leaf);
    s = object_get_canonical_path(leaf);
    g_assert_cmpstr(s, ==, "/qomtest/a/b/leaf");
    g_free(s);
    /* The child property prints the canonical path. */
    s = object_property_get_str(b, "leaf", &error_abort);
    g_assert_cmpstr(s, ==, "/qomtest/a/b/leaf");
    g_free(s);

    /* Absolute paths. */
    g_assert_true(object_resolve_path("/qomtest/a/b/leaf", NULL) == leaf);
    g_assert_true(object_resolve_path("/qomtest//a/b/leaf", NULL) == leaf);
    g_assert_null(object_resolve_path("/qomtest/a/leaf", NULL));
    g_assert_null(object_resolve_path("/qomtest/a/b/leaf/x", NULL));
    /* A non-child property is not a path component. */
    object_property_add(leaf, "number", "int", number_get, NULL, NULL,
                        NULL);
    g_assert_null(object_resolve_path("/qomtest/a/b/leaf/number", NULL));

    /* Partial paths: unique name anywhere in the tree. */
    g_assert_true(object_resolve_path("leaf", &ambiguous) == leaf);
    g_assert_false(ambiguous);
    g_assert_null(object_resolve_path("no-such-leaf", &ambiguous));
    g_assert_false(ambiguous);

    leaf2 = object_new(TYPE_TEST_DERIVED);
    object_property_add_child(a, "leaf", leaf2);
    object_unref(leaf2);
    g_assert_null(object_resolve_path("leaf", &ambiguous));
    g_assert_true(ambiguous);
    g_assert_null(object_resolve_path("leaf", NULL));
    g_assert_true(object_resolve_path("/qomtest/a/leaf", NULL) == leaf2);

    /* Tearing down the subtree finalises everything in it. */
    object_unparent(object_resolve_path("/qomtest", NULL));
    g_assert_null(object_resolve_path("/qomtest", NULL));
    g_assert_cmpint(unparent_count, ==, 2);
    g_assert_cmpint(finalize_count, ==, 2);
}

/*
 * An object that is its own parent, as virtio-gpu blob regions are:
 * memory_region_init(mr, OBJECT(mr), "blob", ...) adds "blob[*]" under
 * the region itself and drops the initial reference, so the region's own
 * child property holds the only reference.  A FlatView that still maps
 * it holds another one (memory_region_ref() refs the owner, i.e. the
 * region), released after an RCU grace period.
 */
static TestObj *self_parent_new(void)
{
    TestObj *blob = g_new0(TestObj, 1);
    ObjectProperty *prop;

    object_initialize(blob, sizeof(*blob), TYPE_TEST_DERIVED);
    prop = object_property_add_child(OBJECT(blob), "blob[*]", OBJECT(blob));
    g_assert_cmpstr(prop->name, ==, "blob[0]");
    object_unref(OBJECT(blob));
    OBJECT(blob)->free = counting_free;
    /* Something derived_unparent deletes. */
    object_property_add(OBJECT(blob), "scratch", "int", number_get, NULL,
                        count_release, NULL);
    g_assert_cmpuint(OBJECT(blob)->ref, ==, 1);
    g_assert_true(object_get_parent(OBJECT(blob)) == OBJECT(blob));
    g_string_truncate(obj_log, 0);
    return blob;
}

static void test_self_parent_external_ref(void)
{
    TestObj *blob;
    char *s;

    log_reset();
    release_count = 0;
    blob = self_parent_new();
    g_assert_true(object_resolve_path_component(OBJECT(blob), "blob[0]") ==
                  OBJECT(blob));
    /* Its own parent is not under the root. */
    g_assert_null(object_get_canonical_path(OBJECT(blob)));
    s = object_get_canonical_path_component(OBJECT(blob));
    g_assert_cmpstr(s, ==, "blob[0]");
    g_free(s);

    /* The FlatView's reference. */
    object_ref(OBJECT(blob));
    g_assert_cmpuint(OBJECT(blob)->ref, ==, 2);

    /* Unmap: unparent drops the self-reference, but the view holds on. */
    object_unparent(OBJECT(blob));
    g_assert_cmpint(unparent_count, ==, 1);
    g_assert_cmpint(release_count, ==, 1);
    g_assert_cmpint(finalize_count, ==, 0);
    g_assert_cmpint(free_count, ==, 0);
    g_assert_null(object_get_parent(OBJECT(blob)));
    g_assert_null(object_property_find(OBJECT(blob), "blob[0]"));
    g_assert_cmpuint(OBJECT(blob)->ref, ==, 1);
    /* Readers may still use it. */
    g_assert_cmpint(blob->number, ==, 30);
    /* A second unparent is a no-op. */
    object_unparent(OBJECT(blob));
    g_assert_cmpint(unparent_count, ==, 1);

    /* After the grace period: finalised once, freed through ->free. */
    object_unref(OBJECT(blob));
    g_assert_cmpint(finalize_count, ==, 1);
    g_assert_cmpint(free_count, ==, 1);
    g_assert_true(last_freed == blob);
    g_assert_cmpstr(obj_log->str, ==,
                    "unparent,fin:derived,fin:base,fin:abstract,");
}

static void test_self_parent_no_ref(void)
{
    TestObj *blob;

    log_reset();
    release_count = 0;
    blob = self_parent_new();

    /* No view maps it: unparenting finalises it on the spot. */
    object_unparent(OBJECT(blob));
    g_assert_cmpint(unparent_count, ==, 1);
    g_assert_cmpint(release_count, ==, 1);
    g_assert_cmpint(finalize_count, ==, 1);
    g_assert_cmpint(free_count, ==, 1);
    g_assert_true(last_freed == blob);
    g_assert_cmpstr(obj_log->str, ==,
                    "unparent,fin:derived,fin:base,fin:abstract,");
}

static void test_self_parent_property_del(void)
{
    TestObj *blob;

    log_reset();
    release_count = 0;
    blob = self_parent_new();

    /* Deleting the child property by name is unparenting too. */
    object_property_del(OBJECT(blob), "blob[0]");
    g_assert_cmpint(unparent_count, ==, 1);
    g_assert_cmpint(finalize_count, ==, 1);
    g_assert_cmpint(free_count, ==, 1);
    g_assert_true(last_freed == blob);
}

/* A self-parented object with a child of its own. */
static void test_self_parent_with_children(void)
{
    TestObj *blob;
    Object *kid = object_new(TYPE_TEST_DERIVED);

    log_reset();
    release_count = 0;
    blob = self_parent_new();
    object_property_add_child(OBJECT(blob), "kid", kid);
    object_unref(kid);

    object_ref(OBJECT(blob));
    object_unparent(OBJECT(blob));
    g_assert_cmpint(finalize_count, ==, 0);
    g_assert_true(object_get_parent(kid) == OBJECT(blob));

    /* Its children go with it. */
    object_unref(OBJECT(blob));
    g_assert_cmpint(unparent_count, ==, 2);
    g_assert_cmpint(finalize_count, ==, 2);
    g_assert_cmpint(free_count, ==, 1);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    class_log = g_string_new(NULL);
    obj_log = g_string_new(NULL);

    g_test_add_func("/qom/type/lookup", test_type_lookup);
    g_test_add_func("/qom/type/register", test_type_register);
    g_test_add_func("/qom/type/register-twice", test_type_register_twice);
    g_test_add_func("/qom/type/class-list", test_class_list);
    g_test_add_func("/qom/class/inheritance", test_class_inheritance);
    g_test_add_func("/qom/instance/order", test_instance_order);
    g_test_add_func("/qom/instance/embedded", test_instance_embedded);
    g_test_add_func("/qom/instance/abstract", test_abstract_new);
    g_test_add_func("/qom/instance/abstract-object",
                    test_abstract_new_object);
    g_test_add_func("/qom/instance/unknown", test_new_unknown);
    g_test_add_func("/qom/cast/dynamic", test_dynamic_cast);
    g_test_add_func("/qom/cast/abort", test_cast_abort);
    g_test_add_func("/qom/cast/class-abort", test_class_cast_abort);
    g_test_add_func("/qom/ref/unref", test_ref_unref);
    g_test_add_func("/qom/ref/autoptr", test_autoptr);
    g_test_add_func("/qom/property/basic", test_property_basic);
    g_test_add_func("/qom/property/bool-uint", test_property_bool_uint);
    g_test_add_func("/qom/property/release", test_property_release);
    g_test_add_func("/qom/property/duplicate", test_property_duplicate);
    g_test_add_func("/qom/property/duplicate-abort",
                    test_property_duplicate_abort);
    g_test_add_func("/qom/property/auto-index", test_property_auto_index);
    g_test_add_func("/qom/property/class", test_property_class);
    g_test_add_func("/qom/property/class-foreach",
                    test_property_class_foreach);
    g_test_add_func("/qom/property/class-duplicate",
                    test_property_class_duplicate);
    g_test_add_func("/qom/composition/child-ref", test_child_ref);
    g_test_add_func("/qom/composition/unparent-keeps-ref",
                    test_child_unparent_keeps_ref);
    g_test_add_func("/qom/composition/foreach", test_child_foreach);
    g_test_add_func("/qom/composition/paths", test_paths);
    g_test_add_func("/qom/composition/self-parent/external-ref",
                    test_self_parent_external_ref);
    g_test_add_func("/qom/composition/self-parent/no-ref",
                    test_self_parent_no_ref);
    g_test_add_func("/qom/composition/self-parent/property-del",
                    test_self_parent_property_del);
    g_test_add_func("/qom/composition/self-parent/children",
                    test_self_parent_with_children);

    ret = g_test_run();
    g_string_free(class_log, TRUE);
    g_string_free(obj_log, TRUE);
    return ret;
}
