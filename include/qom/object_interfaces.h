/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-creatable objects: what -object TYPE,id=ID,PROP=VALUE creates.
 *
 * In QEMU "user-creatable" is an interface; our QOM has no interfaces, so
 * such types derive from the abstract TYPE_USER_CREATABLE instead.  Once
 * its properties are set, the object's complete() hook runs (it may
 * refuse them) and the object is added to /objects under its id.
 */

#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"
OBJECT_DECLARE_TYPE(UserCreatable, UserCreatableClass, USER_CREATABLE)

struct UserCreatable {
    Object parent_obj;
};

struct UserCreatableClass {
    ObjectClass parent_class;

    /* Properties are set: start working, or fail with @errp. */
    void (*complete)(UserCreatable *uc, Error **errp);
};

/*
 * Create an object from the argument of -object: "TYPE,id=ID[,PROP=V...]"
 * (or "qom-type=TYPE,...").  Returns the new object (owned by /objects)
 * or NULL with @errp set.
 */
Object *user_creatable_add_from_str(const char *optarg, Error **errp);

/* The same from parsed pairs ("qom-type", "id", properties): object-add. */
typedef struct KeyValList KeyValList;
Object *user_creatable_add_kv(const KeyValList *kv, Error **errp);

/* Remove the object @id from /objects (object-del). */
bool user_creatable_del(const char *id, Error **errp);

/*
 * Handle "help" and "TYPE,help": print the types or a type's properties
 * and return true; false if @optarg asks no help.
 */
bool user_creatable_help(const char *optarg);

/* Unparent every object under /objects (at exit). */
void user_creatable_cleanup(void);

/* Print "  name=<type> - description" for each property of @klass. */
void object_class_print_properties(ObjectClass *klass);

#endif /* QOM_OBJECT_INTERFACES_H */
