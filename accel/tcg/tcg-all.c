/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tcg accelerator: guest code runs in libunicorn, QEMU's TCG
 * packaged as a library (Debian's libunicorn-dev 2.0.1).
 *   -accel tcg[,thread=single]
 * thread=multi (one thread per vCPU) is refused: unicorn's atomic
 * instructions are not atomic between engines.  See docs/devel/accel.md.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/accel.h"
#include "system/cpus.h"
#define TCG_UC_LOADER
#include "tcg-internal.h"
#include <dlfcn.h>

#define TCG_UC_LIBRARY "libunicorn.so." stringify(UC_API_MAJOR)

TCGUnicorn tcg_uc;

/* Load libunicorn and find what tcg-internal.h routes through tcg_uc. */
static bool tcg_unicorn_load(Error **errp)
{
    void *lib = dlopen(TCG_UC_LIBRARY, RTLD_NOW | RTLD_LOCAL);

    if (!lib) {
        error_setg(errp, "cannot load %s: %s (Debian package libunicorn2)",
                   TCG_UC_LIBRARY, dlerror());
        return false;
    }
#define TCG_UC_LOOKUP(name)                                             \
    tcg_uc.name = dlsym(lib, #name);                                    \
    if (!tcg_uc.name) {                                                 \
        error_setg(errp, "%s has no %s", TCG_UC_LIBRARY, #name);        \
        return false;                                                   \
    }
    TCG_UC_FUNCS(TCG_UC_LOOKUP)
#undef TCG_UC_LOOKUP
    return true;
}

#define TYPE_TCG_ACCEL ACCEL_CLASS_NAME("tcg")
OBJECT_DECLARE_SIMPLE_TYPE(TCGState, TCG_ACCEL)

struct TCGState {
    AccelState parent_obj;

    bool mttcg_enabled;
};

static const AccelOpsClass tcg_accel_ops = {
    .create_vcpu_thread = rr_start_vcpu_thread,
    .kick_vcpu_thread = rr_kick_vcpu_thread,
};

static char *tcg_get_thread(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup(TCG_ACCEL(obj)->mttcg_enabled ? "multi" : "single");
}

static bool tcg_set_thread(Object *obj, ObjectProperty *prop,
                           const char *value, Error **errp)
{
    if (!strcmp(value, "single")) {
        TCG_ACCEL(obj)->mttcg_enabled = false;
        return true;
    }
    if (!strcmp(value, "multi")) {
        error_setg(errp, "thread=multi is not supported: unicorn's LOCK "
                   "instructions are not atomic between vCPUs");
        return false;
    }
    error_setg(errp, "Invalid 'thread' setting %s", value);
    return false;
}

static bool tcg_init_machine(AccelState *accel, MachineState *ms,
                             Error **errp)
{
    if (!tcg_unicorn_load(errp)) {
        return false;
    }
    cpus_register_accel(&tcg_accel_ops);
    tcg_memory_init();
    return true;
}

static void tcg_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "tcg";
    ac->init_machine = tcg_init_machine;
    object_class_property_add(oc, "thread", "string", tcg_get_thread,
                              tcg_set_thread, NULL, NULL);
}

static const TypeInfo tcg_accel_type = {
    .name = TYPE_TCG_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(TCGState),
    .class_init = tcg_accel_class_init,
};

static void tcg_type_init(void)
{
    type_register_static(&tcg_accel_type);
}

type_init(tcg_type_init)
