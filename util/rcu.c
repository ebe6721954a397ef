/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Userspace RCU: grace-period detection and the call_rcu thread.
 *
 * Readers (include/qemu/rcu.h) publish the grace-period counter they saw
 * in their thread-local rcu_reader_data.ctr.  The writer side starts a
 * grace period by advancing rcu_gp_ctr and then waits until every
 * registered reader is either outside a critical section (ctr == 0) or
 * inside one that began after the advance (ctr == rcu_gp_ctr).
 *
 * Waiting is cheap-first: wait_for_readers() polls every 10 ms, and only
 * when that looks too slow (callbacks pile up, 50 ms pass, or somebody
 * is draining) does it "force" the grace period, asking the remaining
 * readers to signal rcu_gp_event when they leave their critical section.
 *
 * call_rcu1() queues callbacks on a lock-free list; one "call_rcu" thread
 * takes batches off it, waits for one grace period per batch and runs the
 * batch with the BQL held.
 *
 * See docs/devel/rcu.md for the design and its invariants.
 */

#include "qemu/osdep.h"
#include "qemu/rcu.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qemu/sys_membarrier.h"
#include "trace.h"
#if defined(CONFIG_MALLOC_TRIM)
#include <malloc.h>
#endif

/*
 * Why rcu_gp_ctr is an unsigned long and grows by RCU_GP_CTR: a reader's
 * copy of it identifies the grace period it started in.
 */

/*
 * Global grace period counter.  Bit 0 is always one in rcu_gp_ctr.
 * Bits 1 and above are defined in synchronize_rcu.
 */
#define RCU_GP_LOCKED           (1UL << 0)
#define RCU_GP_CTR              (1UL << 1)


#define RCU_CALL_MIN_SIZE        30

unsigned long rcu_gp_ctr = RCU_GP_LOCKED;

QemuEvent rcu_gp_event;
static int in_drain_call_rcu;
static int rcu_call_count;
static QemuMutex rcu_registry_lock;
static QemuMutex rcu_sync_lock;

/*
 * Check whether a quiescent state was crossed between the beginning of
 * update_counter_and_wait and now.
 * (update_counter_and_wait is liburcu's name for the step that advances
 * rcu_gp_ctr.)  A reader is still "ongoing" if it is in a critical
 * section (ctr != 0) that started before rcu_gp_ctr last changed.
 */
static inline int rcu_gp_ongoing(unsigned long *ctr)
{
    unsigned long v;

    v = qatomic_read(ctr);
    return v && (v != rcu_gp_ctr);
}

/*
 * Trace points (docs/devel/tracing.md).  They take the registry's first
 * element rather than the list: its type is declared below.  rcu_gp_seq
 * numbers grace periods.
 */
static unsigned int rcu_gp_seq;

static void rcu_trace_gp_start(struct rcu_reader_data *first)
{
    unsigned int readers = 0;

    for (; first; first = QLIST_NEXT(first, node)) {
        readers++;
    }
    /* Written under rcu_registry_lock, read by the trace below too. */
    qatomic_set(&rcu_gp_seq, rcu_gp_seq + 1);
    trace_rcu_gp_start(rcu_gp_seq, readers);
}

/*
 * After a scan: the readers left in the list are still in a critical
 * section that began before the grace period; "forced" means they were
 * asked to report when they leave (waiting) instead of being polled.
 */
static void rcu_trace_gp_wait(struct rcu_reader_data *first)
{
    unsigned int ongoing = 0;
    bool forced = false;

    for (; first; first = QLIST_NEXT(first, node)) {
        ongoing++;
        forced |= qatomic_read(&first->waiting);
    }
    trace_rcu_gp_wait(rcu_gp_seq, ongoing, forced);
}

/* Written by each reader for itself, read by the grace-period writer. */
QEMU_DEFINE_CO_TLS(struct rcu_reader_data, rcu_reader)

/* Registered readers, protected by rcu_registry_lock.  */
typedef QLIST_HEAD(, rcu_reader_data) ThreadList;
static ThreadList registry = QLIST_HEAD_INITIALIZER(registry);

/* Wait for previous parity/grace period to be empty of readers.  */
static void wait_for_readers(void)
{
    ThreadList qsreaders = QLIST_HEAD_INITIALIZER(qsreaders);
    struct rcu_reader_data *index, *tmp;
    int sleeps = 0;
    bool forced = false;

    for (;;) {
        /*
         * Force the grace period to end and wait for it if any of the
         * following heuristical conditions are satisfied:
         * - A decent number of callbacks piled up.
         * - It timed out.
         * - It is in a drain_call_rcu() call.
         *
         * Otherwise, periodically poll the grace period, hoping it ends
         * promptly.
         */
        if (!forced &&
            (qatomic_read(&rcu_call_count) >= RCU_CALL_MIN_SIZE ||
             sleeps >= 5 || qatomic_read(&in_drain_call_rcu))) {
            forced = true;

            QLIST_FOREACH(index, &registry, node) {
                notifier_list_notify(&index->force_rcu, NULL);
                qatomic_set(&index->waiting, true);
            }
        }

        /* Here, order the stores to index->waiting before the loads of
         * index->ctr.  Pairs with smp_mb_placeholder() in rcu_read_unlock(),
         * ensuring that the loads of index->ctr are sequentially consistent.
         * A reader that sees waiting == true sets rcu_gp_event when it
         * leaves; one that does not is seen quiescent by the loop below.
         *
         * If this is the last iteration, this barrier also prevents
         * frees from seeping upwards, and orders the two wait phases
         * on architectures with 32-bit longs; see synchronize_rcu().
         */
        smp_mb_global();

        QLIST_FOREACH_SAFE(index, &registry, node, tmp) {
            if (!rcu_gp_ongoing(&index->ctr)) {
                QLIST_REMOVE(index, node);
                QLIST_INSERT_HEAD(&qsreaders, index, node);

                /*
                 * A stale waiting flag only costs the reader one spurious
                 * qemu_event_set(), so a relaxed store is enough.
                 */
                qatomic_set(&index->waiting, false);
            }
        }

        rcu_trace_gp_wait(QLIST_FIRST(&registry));
        if (QLIST_EMPTY(&registry)) {
            break;
        }

        /*
         * Some readers are still in a critical section that started
         * before the grace period.  Drop rcu_registry_lock while we wait,
         * so that threads can (un)register meanwhile and do not have to
         * wait too much time.
         *
         * rcu_register_thread() may add nodes to &registry; it will not
         * wake up synchronize_rcu, but that is okay because at least another
         * thread must exit its RCU read-side critical section before
         * synchronize_rcu is done.  The next iteration of the loop will
         * move the new thread's rcu_reader from &registry to &qsreaders,
         * because rcu_gp_ongoing() will return false.
         *
         * rcu_unregister_thread() may remove nodes from &qsreaders as well
         * as from &registry; QLIST_REMOVE() does not need to know which.
         */
        qemu_mutex_unlock(&rcu_registry_lock);

        if (forced) {
            qemu_event_wait(&rcu_gp_event);

            /*
             * Reset only now: resetting before the scan could lose the
             * wake-up of a reader that leaves after it.  A reader that
             * leaves between the wait and the reset is not lost either:
             * the next iteration finds it quiescent
             * while we walk the list.
             */
            qemu_event_reset(&rcu_gp_event);
        } else {
            g_usleep(10000);
            sleeps++;
        }

        qemu_mutex_lock(&rcu_registry_lock);
    }

    /* Every reader is quiescent: put them all back in the registry. */
    QLIST_SWAP(&registry, &qsreaders, node);
}

void synchronize_rcu(void)
{
    QEMU_LOCK_GUARD(&rcu_sync_lock);

    /* Write RCU-protected pointers before reading p_rcu_reader->ctr.
     * Pairs with smp_mb_placeholder() in rcu_read_lock().
     *
     * Also orders the caller's unlinking before the frees that follow.
     */
    smp_mb_global();

    QEMU_LOCK_GUARD(&rcu_registry_lock);
    if (!QLIST_EMPTY(&registry)) {
        rcu_trace_gp_start(QLIST_FIRST(&registry));
        if (sizeof(rcu_gp_ctr) < 8) {
            /*
             * A 32-bit counter could wrap around to a value that a
             * sleeping reader still holds; use two phases that flip a
             * parity bit instead, waiting for the readers of each.
             *
             * Switch parity: 0 -> 1, 1 -> 0.
             */
            qatomic_set(&rcu_gp_ctr, rcu_gp_ctr ^ RCU_GP_CTR);
            wait_for_readers();
            qatomic_set(&rcu_gp_ctr, rcu_gp_ctr ^ RCU_GP_CTR);
        } else {
            /* Increment current grace period.  */
            qatomic_set(&rcu_gp_ctr, rcu_gp_ctr + RCU_GP_CTR);
        }

        wait_for_readers();
    }
}

/*
 * The callback queue: a multi-producer, single-consumer linked list.
 * Producers (call_rcu1) append with one atomic exchange of the tail
 * link; the call_rcu thread is the only consumer.  A permanent dummy node
 * keeps the list from running empty, so head and tail never have to be
 * updated together.  Between a producer's exchange and its link store
 * the chain is briefly cut: the consumer then sees a NULL next pointer
 * and waits for rcu_call_ready_event, which that producer sets next; it
 * drops the BQL while it waits, since the producer may need it.
 */
static struct rcu_head dummy;
static struct rcu_head *head = &dummy, **tail = &dummy.next;
static QemuEvent rcu_call_ready_event;

static void enqueue(struct rcu_head *node)
{
    struct rcu_head **prev_link;

    node->next = NULL;
    prev_link = qatomic_xchg(&tail, &node->next);

    /* Pairs with the load-acquire in try_dequeue(). */
    qatomic_store_release(prev_link, node);
}

/*
 * Take the oldest callback, or return NULL if the oldest one's producer
 * has not finished linking it yet.  The node returned is never the last
 * one in the list: its successor (at worst the dummy) becomes the head.
 */
static struct rcu_head *try_dequeue(void)
{
    struct rcu_head *node, *next;

    for (;;) {
        node = head;

        /* Pairs with the store-release in enqueue(). */
        next = qatomic_load_acquire(&node->next);
        if (!next) {
            return NULL;
        }

        head = next;
        if (node != &dummy) {
            return node;
        }

        /* Passed the dummy: put it back at the end and look again. */
        enqueue(&dummy);
    }
}

static void *call_rcu_thread(void *opaque)
{
    struct rcu_head *node;

    rcu_register_thread();

    for (;;) {
        int n;

        /*
         * Fetch rcu_call_count now, we only must process elements that were
         * added before synchronize_rcu() starts.
         */
        for (;;) {
            qemu_event_reset(&rcu_call_ready_event);
            n = qatomic_read(&rcu_call_count);
            if (n) {
                break;
            }

#if defined(CONFIG_MALLOC_TRIM)
            malloc_trim(4 * 1024 * 1024);
#endif
            qemu_event_wait(&rcu_call_ready_event);
        }

        synchronize_rcu();
        qatomic_sub(&rcu_call_count, n);
        bql_lock();
        while (n > 0) {
            node = try_dequeue();
            while (!node) {
                bql_unlock();
                qemu_event_reset(&rcu_call_ready_event);
                node = try_dequeue();
                if (!node) {
                    qemu_event_wait(&rcu_call_ready_event);
                    node = try_dequeue();
                }
                bql_lock();
            }

            n--;
            node->func(node);
        }
        bql_unlock();
        trace_call_rcu_batch_done(qatomic_read(&rcu_gp_seq));
    }
    abort();
}

void call_rcu1(struct rcu_head *node, void (*func)(struct rcu_head *node))
{
    node->func = func;
    enqueue(node);
    qatomic_inc(&rcu_call_count);
    qemu_event_set(&rcu_call_ready_event);
}


struct rcu_drain {
    struct rcu_head rcu;
    QemuEvent drain_complete_event;
};

static void drain_rcu_callback(struct rcu_head *node)
{
    struct rcu_drain *event = (struct rcu_drain *)node;
    qemu_event_set(&event->drain_complete_event);
}

/*
 * The call_rcu thread takes the BQL to run callbacks.  A caller holding
 * the BQL would deadlock waiting for them, so drain_call_rcu() drops it
 * while it waits and takes it back before returning: callers must not
 * rely on state protected by the BQL staying unchanged across the call.
 */

void drain_call_rcu(void)
{
    struct rcu_drain rcu_drain;
    bool locked = bql_locked();

    memset(&rcu_drain, 0, sizeof(struct rcu_drain));
    qemu_event_init(&rcu_drain.drain_complete_event, false);

    if (locked) {
        bql_unlock();
    }

    /*
     * Callbacks run in the order they were queued, so once ours has run,
     * every callback this thread queued before calling us has run too.
     * Callbacks that other threads queue concurrently may or may not
     * have run; since there is a single global queue most of them will
     * have, but that is a side effect of the implementation and not
     * assumed.
     */

    qatomic_inc(&in_drain_call_rcu);
    call_rcu1(&rcu_drain.rcu, drain_rcu_callback);
    qemu_event_wait(&rcu_drain.drain_complete_event);
    qatomic_dec(&in_drain_call_rcu);

    if (locked) {
        bql_lock();
    }
}

void rcu_register_thread(void)
{
    struct rcu_reader_data *reader = get_ptr_rcu_reader();

    assert(reader->ctr == 0 && "rcu_register_thread inside rcu_read_lock");
    assert(!QLIST_IS_INSERTED(reader, node) &&
           "rcu_register_thread called twice");
    qemu_mutex_lock(&rcu_registry_lock);
    QLIST_INSERT_HEAD(&registry, reader, node);
    qemu_mutex_unlock(&rcu_registry_lock);
}

void rcu_unregister_thread(void)
{
    struct rcu_reader_data *reader = get_ptr_rcu_reader();

    assert(reader->ctr == 0 &&
           "rcu_unregister_thread inside rcu_read_lock");
    qemu_mutex_lock(&rcu_registry_lock);
    QLIST_REMOVE(reader, node);
    qemu_mutex_unlock(&rcu_registry_lock);
}

void rcu_add_force_rcu_notifier(Notifier *n)
{
    qemu_mutex_lock(&rcu_registry_lock);
    notifier_list_add(&get_ptr_rcu_reader()->force_rcu, n);
    qemu_mutex_unlock(&rcu_registry_lock);
}

void rcu_remove_force_rcu_notifier(Notifier *n)
{
    qemu_mutex_lock(&rcu_registry_lock);
    notifier_remove(n);
    qemu_mutex_unlock(&rcu_registry_lock);
}

static void rcu_init_complete(void)
{
    QemuThread thread;

    qemu_mutex_init(&rcu_registry_lock);
    qemu_mutex_init(&rcu_sync_lock);
    qemu_event_init(&rcu_gp_event, true);

    qemu_event_init(&rcu_call_ready_event, false);

    /* The caller is assumed to have BQL, so the call_rcu thread
     * must have been quiescent even after forking, just recreate it.
     * Before a fork it cannot run a callback until the caller is done
     * initialising either: every callback runs under the BQL.
     */
    qemu_thread_create(&thread, "call_rcu", call_rcu_thread,
                       NULL, QEMU_THREAD_DETACHED);

    rcu_register_thread();
}

/*
 * fork() copies only the calling thread.  Take the RCU locks around it so
 * the child does not inherit them held by a thread that no longer exists,
 * then rebuild the child's RCU state around the one thread it has.
 */
static int atfork_depth = 1;

void rcu_enable_atfork(void)
{
    atfork_depth++;
}

void rcu_disable_atfork(void)
{
    atfork_depth--;
}

static void rcu_init_lock(void)
{
    if (atfork_depth < 1) {
        return;
    }

    qemu_mutex_lock(&rcu_sync_lock);
    qemu_mutex_lock(&rcu_registry_lock);
}

static void rcu_init_unlock(void)
{
    if (atfork_depth < 1) {
        return;
    }

    qemu_mutex_unlock(&rcu_registry_lock);
    qemu_mutex_unlock(&rcu_sync_lock);
}

static void rcu_init_child(void)
{
    struct rcu_reader_data *reader = get_ptr_rcu_reader();

    if (atfork_depth < 1) {
        return;
    }

    /*
     * The other readers and the call_rcu thread did not survive the fork;
     * start from an empty registry and a new call_rcu thread.  The locks
     * are re-initialised rather than unlocked: error-checking mutexes may
     * not be unlocked by a thread that the child does not know as owner.
     */
    QLIST_INIT(&registry);
    reader->node.le_next = NULL;
    reader->node.le_prev = NULL;
    rcu_init_complete();
}

static void __attribute__((__constructor__)) rcu_init(void)
{
    smp_mb_global_init();
    pthread_atfork(rcu_init_lock, rcu_init_unlock, rcu_init_child);
    rcu_init_complete();
}
