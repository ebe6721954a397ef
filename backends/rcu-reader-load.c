/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-rcu-reader-load: threads that keep RCU busy the way TCG vCPUs do.
 *
 *   -object x-rcu-reader-load,id=ID[,threads=N][,slice-ms=MS][,kick=on|off]
 *           [,addr=GPA,len=BYTES[,write=on|off]]
 *
 * QEMU's TCG vCPU threads run guest code inside rcu_read_lock() for a
 * whole execution slice (cpu_exec), leaving the critical section only
 * between slices.  A grace period then has to wait for every vCPU to end
 * its slice, which is what makes an RCU-deferred unmap slow.  Under the
 * qtest accelerator there are no vCPUs; this object stands in for them:
 * each of @threads threads loops on "enter a read-side critical section,
 * stay there @slice-ms milliseconds (sleeping: a guest that spins costs
 * the same to RCU and would steal the host's CPUs), leave, enter again".
 *
 * With kick=on (the default) each thread registers a force_rcu notifier,
 * as QEMU's TCG does, and ends its slice early when a writer forces a
 * grace period; kick=off models a reader that ignores forcing.
 *
 * With len > 0 each slice also touches guest memory the way a vCPU does:
 * it looks the range up once at the start of the slice (a
 * MemoryRegionCache, standing in for the vCPU's TLB) and reads it, or
 * writes a pattern, through that view at the start and again at the end
 * of the slice.  A region unmapped meanwhile (a virtio-gpu blob) must
 * stay valid until the slice ends: the qtests run this under ASan.
 *
 * The x- prefix says it is for testing and measurement (make bench, the
 * series lab), not a stable interface.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/notify.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qom/object_interfaces.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"

#define TYPE_RCU_READER_LOAD "x-rcu-reader-load"
OBJECT_DECLARE_TYPE(RCUReaderLoad, RCUReaderLoadClass, RCU_READER_LOAD)

#define RCU_READER_LOAD_MAX_THREADS 64
#define RCU_READER_LOAD_MAX_LEN     (1024 * 1024)

typedef struct RCUReaderThread {
    RCUReaderLoad *load;
    QemuThread thread;
    Notifier force_rcu;
    /* Set by the force_rcu notifier or at teardown; ends the slice. */
    QemuMutex lock;
    QemuCond kick_cond;
    bool kicked;
} RCUReaderThread;

struct RCUReaderLoad {
    UserCreatable parent_obj;

    uint64_t threads;
    uint64_t slice_ms;
    bool kick;
    uint64_t addr;
    uint64_t len;
    bool write;

    bool stop;
    RCUReaderThread *thr;
};

struct RCUReaderLoadClass {
    UserCreatableClass parent_class;
};

/* Runs in the writer's thread (the RCU thread), as in QEMU. */
static void rcu_reader_load_force(Notifier *n, void *data)
{
    RCUReaderThread *t = container_of(n, RCUReaderThread, force_rcu);

    qemu_mutex_lock(&t->lock);
    t->kicked = true;
    qemu_cond_signal(&t->kick_cond);
    qemu_mutex_unlock(&t->lock);
}

/* Read, or write a pattern to, the whole range through @cache. */
static void rcu_reader_load_access(RCUReaderLoad *load,
                                   MemoryRegionCache *cache, uint8_t *buf)
{
    if (load->write) {
        memset(buf, 0xa5, load->len);
        address_space_write_cached(cache, 0, buf, load->len);
    } else {
        address_space_read_cached(cache, 0, buf, load->len);
    }
}

static void *rcu_reader_load_thread(void *opaque)
{
    RCUReaderThread *t = opaque;
    RCUReaderLoad *load = t->load;
    g_autofree uint8_t *buf = g_malloc(load->len ? load->len : 1);
    MemoryRegionCache cache;

    rcu_register_thread();
    if (load->kick) {
        rcu_add_force_rcu_notifier(&t->force_rcu);
    }
    while (!qatomic_read(&load->stop)) {
        /* One execution slice. */
        rcu_read_lock();
        if (load->len) {
            address_space_cache_init(&cache, &address_space_memory,
                                     load->addr, load->len, load->write);
            rcu_reader_load_access(load, &cache, buf);
        }
        qemu_mutex_lock(&t->lock);
        if (!t->kicked) {
            qemu_cond_timedwait(&t->kick_cond, &t->lock, load->slice_ms);
        }
        t->kicked = false;
        qemu_mutex_unlock(&t->lock);
        if (load->len) {
            /* Still the view of the slice's start, as a vCPU's TLB. */
            rcu_reader_load_access(load, &cache, buf);
            address_space_cache_destroy(&cache);
        }
        rcu_read_unlock();
    }
    if (load->kick) {
        rcu_remove_force_rcu_notifier(&t->force_rcu);
    }
    rcu_unregister_thread();
    return NULL;
}

static void rcu_reader_load_complete(UserCreatable *uc, Error **errp)
{
    RCUReaderLoad *load = RCU_READER_LOAD(uc);
    uint64_t i;

    if (load->threads < 1 || load->threads > RCU_READER_LOAD_MAX_THREADS) {
        error_setg(errp, "Parameter 'threads' expects a value between 1 "
                   "and %d", RCU_READER_LOAD_MAX_THREADS);
        return;
    }
    if (load->slice_ms < 1 || load->slice_ms > 1000) {
        error_setg(errp, "Parameter 'slice-ms' expects a value between 1 "
                   "and 1000");
        return;
    }
    if (load->len > RCU_READER_LOAD_MAX_LEN ||
        load->addr + load->len < load->addr) {
        error_setg(errp, "Parameter 'len' expects a value up to %d that "
                   "keeps addr+len below 2^64", RCU_READER_LOAD_MAX_LEN);
        return;
    }

    load->thr = g_new0(RCUReaderThread, load->threads);
    for (i = 0; i < load->threads; i++) {
        RCUReaderThread *t = &load->thr[i];

        t->load = load;
        t->force_rcu.notify = rcu_reader_load_force;
        qemu_mutex_init(&t->lock);
        qemu_cond_init(&t->kick_cond);
        qemu_thread_create(&t->thread, "rcu-reader-load",
                           rcu_reader_load_thread, t,
                           QEMU_THREAD_JOINABLE);
    }
}

static void rcu_reader_load_instance_init(Object *obj)
{
    RCUReaderLoad *load = RCU_READER_LOAD(obj);

    load->threads = 1;
    load->slice_ms = 4;     /* a 250 Hz guest timer tick */
    load->kick = true;
}

static void rcu_reader_load_finalize(Object *obj)
{
    RCUReaderLoad *load = RCU_READER_LOAD(obj);
    uint64_t i;

    if (!load->thr) {
        return;
    }
    qatomic_set(&load->stop, true);
    for (i = 0; i < load->threads; i++) {
        rcu_reader_load_force(&load->thr[i].force_rcu, NULL);
    }
    for (i = 0; i < load->threads; i++) {
        qemu_thread_join(&load->thr[i].thread);
        qemu_cond_destroy(&load->thr[i].kick_cond);
        qemu_mutex_destroy(&load->thr[i].lock);
    }
    g_free(load->thr);
}

static void rcu_reader_load_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = rcu_reader_load_complete;
    object_class_property_add_uint64_field(oc, "threads",
                                           offsetof(RCUReaderLoad, threads));
    object_class_property_set_description(oc, "threads",
                                          "reader threads (1-64, default 1)");
    object_class_property_add_uint64_field(oc, "slice-ms",
                                           offsetof(RCUReaderLoad,
                                                    slice_ms));
    object_class_property_set_description(oc, "slice-ms",
        "milliseconds per read-side critical section (default 4)");
    object_class_property_add_bool_field(oc, "kick",
                                         offsetof(RCUReaderLoad, kick));
    object_class_property_set_description(oc, "kick",
        "leave the critical section when RCU forces a grace period, as "
        "TCG vCPUs do (default on)");
    object_class_property_add_uint64_field(oc, "addr",
                                           offsetof(RCUReaderLoad, addr));
    object_class_property_set_description(oc, "addr",
        "guest-physical address each slice accesses");
    object_class_property_add_uint64_field(oc, "len",
                                           offsetof(RCUReaderLoad, len));
    object_class_property_set_description(oc, "len",
        "bytes at addr accessed per slice (0, the default: none)");
    object_class_property_add_bool_field(oc, "write",
                                         offsetof(RCUReaderLoad, write));
    object_class_property_set_description(oc, "write",
        "write a pattern instead of reading (default off)");
}

static const TypeInfo rcu_reader_load_info = {
    .name = TYPE_RCU_READER_LOAD,
    .parent = TYPE_USER_CREATABLE,
    .instance_size = sizeof(RCUReaderLoad),
    .instance_init = rcu_reader_load_instance_init,
    .instance_finalize = rcu_reader_load_finalize,
    .class_size = sizeof(RCUReaderLoadClass),
    .class_init = rcu_reader_load_class_init,
};

static void rcu_reader_load_register_types(void)
{
    type_register_static(&rcu_reader_load_info);
}

type_init(rcu_reader_load_register_types)
