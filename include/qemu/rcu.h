/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Userspace read-copy-update (RCU), QEMU's flavour.
 *
 * Readers bracket their accesses with rcu_read_lock()/rcu_read_unlock();
 * the pair costs a few thread-local accesses and no lock.  Writers publish
 * new versions with qatomic_rcu_set() and hand old versions to call_rcu(),
 * whose callback runs once every reader that could still see them has
 * left its critical section (a grace period).  Callbacks run in the
 * "call_rcu" thread with the BQL held.
 *
 * Every thread that uses rcu_read_lock() must call rcu_register_thread()
 * first; the main thread is registered automatically.
 *
 * The design is described in docs/devel/rcu.md.
 */

#ifndef QEMU_RCU_H
#define QEMU_RCU_H

#include "qemu/thread.h"
#include "qemu/queue.h"
#include "qemu/notify.h"
#include "qemu/atomic.h"
#include "qemu/sys_membarrier.h"
#include "qemu/coroutine-tls.h"

/*
 * Global grace-period counter.  Readers copy it into their
 * rcu_reader_data.ctr on entry to an outermost critical section; the
 * writer side (util/rcu.c) advances it to start a grace period.
 */
extern unsigned long rcu_gp_ctr;

/* Set by a reader leaving its critical section while the writer waits. */
extern QemuEvent rcu_gp_event;

struct rcu_reader_data {
    /*
     * Read by the writer, written by the reader: 0 outside critical
     * sections, else the rcu_gp_ctr of when the outermost one began
     * (never 0: bit 0 of rcu_gp_ctr is always set).
     */
    unsigned long ctr;
    bool waiting;

    /*
     * Private to the reader: how many rcu_read_lock() calls are nested
     * inside the outermost one.  ctr != 0 marks the outermost one, so
     * that entering and leaving it store to ctr alone.
     */
    unsigned depth;

    /* Registry link, protected by rcu_registry_lock in util/rcu.c. */
    QLIST_ENTRY(rcu_reader_data) node;

    /*
     * Run when the writer forces a grace period while this thread is a
     * reader, so that a thread that stays in a critical section for long
     * (a vCPU running guest code) can be told to leave it.  Protected by
     * rcu_registry_lock; the notifiers run in the writer's thread, not in
     * this one.
     */
    NotifierList force_rcu;
};

QEMU_DECLARE_CO_TLS(struct rcu_reader_data, rcu_reader)

/*
 * The read side is inline and runs around every memory access of a vCPU,
 * so it is kept to the minimum: it reaches rcu_reader_data through
 * get_seg_ptr_rcu_reader(), the cheapest coroutine-safe access (see
 * qemu/coroutine-tls.h), and a lock/unlock pair stores twice, to ctr.
 * docs/devel/benchmarks.md measures it against liburcu.
 */
static inline void rcu_read_lock(void)
{
    struct rcu_reader_data QEMU_CO_TLS_SEG *p_rcu_reader =
        get_seg_ptr_rcu_reader();
    unsigned long ctr;

    /* Only this thread writes ctr: no atomic access needed to read it. */
    if (unlikely(p_rcu_reader->ctr != 0)) {
        p_rcu_reader->depth++;
        return;
    }

    ctr = qatomic_read(&rcu_gp_ctr);
    qatomic_set_seg(&p_rcu_reader->ctr, ctr);

    /*
     * Publish ctr before loading any RCU-protected pointer, so the writer
     * either sees us in the critical section or we see its new pointers.
     * Pairs with smp_mb_global() in wait_for_readers().
     */
    smp_mb_placeholder();
}

static inline void rcu_read_unlock(void)
{
    struct rcu_reader_data QEMU_CO_TLS_SEG *p_rcu_reader =
        get_seg_ptr_rcu_reader();

    if (unlikely(p_rcu_reader->depth != 0)) {
        p_rcu_reader->depth--;
        return;
    }
    /* An unbalanced rcu_read_unlock() is a bug in the caller. */
    assert(p_rcu_reader->ctr != 0 && "rcu_read_unlock without lock");

    /*
     * The critical section's accesses happen before the writer can see
     * ctr == 0 and free what they touched.
     */
    qatomic_store_release_seg(&p_rcu_reader->ctr, 0);

    /*
     * Clear ctr before reading waiting: either the writer sees ctr == 0 or
     * we see its waiting flag and wake it.  Pairs with smp_mb_global() in
     * wait_for_readers().
     */
    smp_mb_placeholder();
    if (unlikely(qatomic_read_seg(&p_rcu_reader->waiting))) {
        qatomic_set_seg(&p_rcu_reader->waiting, false);
        qemu_event_set(&rcu_gp_event);
    }
}

void synchronize_rcu(void);

/*
 * Reader registration.  A registered thread must not be inside a read-side
 * critical section when it unregisters.
 */
void rcu_register_thread(void);
void rcu_unregister_thread(void);

/*
 * Add or remove a notifier to the calling thread's force_rcu list (see
 * struct rcu_reader_data).  The thread must be registered.
 */
void rcu_add_force_rcu_notifier(Notifier *n);
void rcu_remove_force_rcu_notifier(Notifier *n);

/*
 * Fork support: by default the RCU lock state is carried across fork()
 * and the child restarts the call_rcu thread.  Programs that fork and exec
 * immediately may disable it.
 */
void rcu_enable_atfork(void);
void rcu_disable_atfork(void);

struct rcu_head;
typedef void RCUCBFunc(struct rcu_head *head);

struct rcu_head {
    struct rcu_head *next;
    RCUCBFunc *func;
};

/*
 * Run @func(@head) after a grace period, in the call_rcu thread with the
 * BQL held.  Callbacks run in the order they were queued.
 */
void call_rcu1(struct rcu_head *head, RCUCBFunc *func);

/*
 * Wait until every callback queued before this call has run.  May be called
 * with or without the BQL; it is released while waiting.
 */
void drain_call_rcu(void);

/*
 * call_rcu(ptr, fn, field): run fn(ptr) after a grace period.  @field is
 * the struct rcu_head member of *ptr and must be its first member, so that
 * the rcu_head pointer handed to the callback is @ptr itself; fn must take
 * a pointer to the type of *ptr.  Both are checked at build time.
 */
#define call_rcu(head, func, field)                                     \
    call_rcu1(({                                                        \
        void (*_call_rcu_fn)(typeof(head)) = (func);                    \
        QEMU_BUILD_BUG_MSG(offsetof(typeof(*(head)), field) != 0,       \
                           "rcu_head must be the first member");        \
        (void)_call_rcu_fn;                                             \
        &(head)->field;                                                 \
    }), (RCUCBFunc *)(func))

/* g_free(@obj) after a grace period; same constraint on @field. */
#define g_free_rcu(obj, field)                                          \
    call_rcu1(({                                                        \
        QEMU_BUILD_BUG_MSG(offsetof(typeof(*(obj)), field) != 0,        \
                           "rcu_head must be the first member");        \
        &(obj)->field;                                                  \
    }), (RCUCBFunc *)g_free)

typedef void RCUReadAuto;

static inline RCUReadAuto *rcu_read_auto_lock(void)
{
    rcu_read_lock();
    /* Any non-NULL pointer makes the cleanup run. */
    return (void *)(uintptr_t)0x1;
}

static inline void rcu_read_auto_unlock(RCUReadAuto *r)
{
    rcu_read_unlock();
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(RCUReadAuto, rcu_read_auto_unlock)

/* Run the enclosed block in a read-side critical section. */
#define WITH_RCU_READ_LOCK_GUARD() \
    WITH_RCU_READ_LOCK_GUARD_(glue(_rcu_read_auto, __COUNTER__))

#define WITH_RCU_READ_LOCK_GUARD_(var)                                  \
    for (g_autoptr(RCUReadAuto) var = rcu_read_auto_lock();             \
         (var); rcu_read_auto_unlock(var), (var) = NULL)

/* Stay in a read-side critical section until the end of the scope. */
#define RCU_READ_LOCK_GUARD()                                           \
    g_autoptr(RCUReadAuto)                                              \
    glue(_rcu_read_auto, __COUNTER__) G_GNUC_UNUSED = rcu_read_auto_lock()

#endif /* QEMU_RCU_H */
