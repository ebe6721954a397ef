/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RCU list macros (include/qemu/rcu_queue.h) under concurrent readers.
 *
 * This one source is built once per list flavour, with TEST_LIST_TYPE set
 * to LIST, SIMPLEQ, TAILQ or SLIST, and uses that flavour's *_RCU macros.
 *
 * The list is kept sorted by a unique value.  Reader threads walk it with
 * *_FOREACH_RCU inside rcu_read_lock() and check that the values they see
 * strictly increase and that no element they reach has been poisoned.
 * Updater threads, serialised by a mutex of their own, remove random
 * elements with *_REMOVE_RCU and hand them to call_rcu(), and insert new
 * ones in order with the flavour's *_INSERT_*_RCU macros.  The call_rcu
 * callback poisons the element and only frees it later, so that a reader
 * reaching an element before its grace period ended sees the poison.
 * After drain_call_rcu(), every call_rcu() must have been matched by
 * exactly one callback.
 *
 * A single-threaded case checks each insertion and removal macro of the
 * flavour against the expected order, the updater-side links, and that a
 * removed element still leads readers to its old successor.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/rcu.h"
#include "qemu/rcu_queue.h"
#include "qemu/main-loop.h"

#define LIST    1
#define SIMPLEQ 2
#define TAILQ   3
#define SLIST   4

#ifndef TEST_LIST_TYPE
#error "build with -DTEST_LIST_TYPE=LIST, SIMPLEQ, TAILQ or SLIST"
#endif

#define MAGIC_ALIVE     0x11ab1e00U
#define MAGIC_POISON    0xdeadbeefU
#define GRAVEYARD_LEN   16384

typedef struct Elem Elem;

/*
 * Per flavour: the head and link types, the RCU walk, and the operations
 * the test needs.  HAS_BEFORE / HAS_TAIL tell which insertions exist.
 * REMOVE_HEAD is the flavour's dedicated head removal where it has one.
 */
#if TEST_LIST_TYPE == LIST
#define FLAVOUR                 "qlist"
#define HAS_BEFORE              1
#define HAS_TAIL                0
#define HAS_REMOVE_HEAD         0
#define T_HEAD                  QLIST_HEAD(ElemList, Elem)
#define T_ENTRY                 QLIST_ENTRY(Elem)
#define T_INIT(h)               QLIST_INIT(h)
#define T_EMPTY_RCU(h)          QLIST_EMPTY_RCU(h)
#define T_FIRST_RCU(h)          QLIST_FIRST_RCU(h)
#define T_NEXT_RCU(e)           QLIST_NEXT_RCU(e, link)
#define T_FOREACH(v, h)         QLIST_FOREACH(v, h, link)
#define T_FOREACH_RCU(v, h)     QLIST_FOREACH_RCU(v, h, link)
#define T_FOREACH_SAFE_RCU(v, h, n) QLIST_FOREACH_SAFE_RCU(v, h, link, n)
#define T_INSERT_HEAD(h, e)     QLIST_INSERT_HEAD_RCU(h, e, link)
#define T_INSERT_AFTER(h, l, e) QLIST_INSERT_AFTER_RCU(l, e, link)
#define T_INSERT_BEFORE(l, e)   QLIST_INSERT_BEFORE_RCU(l, e, link)
#define T_REMOVE(h, e)          QLIST_REMOVE_RCU(e, link)
#elif TEST_LIST_TYPE == SIMPLEQ
#define FLAVOUR                 "qsimpleq"
#define HAS_BEFORE              0
#define HAS_TAIL                1
#define HAS_REMOVE_HEAD         1
#define T_HEAD                  QSIMPLEQ_HEAD(ElemList, Elem)
#define T_ENTRY                 QSIMPLEQ_ENTRY(Elem)
#define T_INIT(h)               QSIMPLEQ_INIT(h)
#define T_EMPTY_RCU(h)          QSIMPLEQ_EMPTY_RCU(h)
#define T_FIRST_RCU(h)          QSIMPLEQ_FIRST_RCU(h)
#define T_NEXT_RCU(e)           QSIMPLEQ_NEXT_RCU(e, link)
#define T_FOREACH(v, h)         QSIMPLEQ_FOREACH(v, h, link)
#define T_FOREACH_RCU(v, h)     QSIMPLEQ_FOREACH_RCU(v, h, link)
#define T_FOREACH_SAFE_RCU(v, h, n) QSIMPLEQ_FOREACH_SAFE_RCU(v, h, link, n)
#define T_INSERT_HEAD(h, e)     QSIMPLEQ_INSERT_HEAD_RCU(h, e, link)
#define T_INSERT_TAIL(h, e)     QSIMPLEQ_INSERT_TAIL_RCU(h, e, link)
#define T_INSERT_AFTER(h, l, e) QSIMPLEQ_INSERT_AFTER_RCU(h, l, e, link)
#define T_REMOVE(h, e)          QSIMPLEQ_REMOVE_RCU(h, e, Elem, link)
#define T_REMOVE_HEAD(h)        QSIMPLEQ_REMOVE_HEAD_RCU(h, link)
#elif TEST_LIST_TYPE == TAILQ
#define FLAVOUR                 "qtailq"
#define HAS_BEFORE              1
#define HAS_TAIL                1
#define HAS_REMOVE_HEAD         0
#define T_HEAD                  QTAILQ_HEAD(ElemList, Elem)
#define T_ENTRY                 QTAILQ_ENTRY(Elem)
#define T_INIT(h)               QTAILQ_INIT(h)
#define T_EMPTY_RCU(h)          QTAILQ_EMPTY_RCU(h)
#define T_FIRST_RCU(h)          QTAILQ_FIRST_RCU(h)
#define T_NEXT_RCU(e)           QTAILQ_NEXT_RCU(e, link)
#define T_FOREACH(v, h)         QTAILQ_FOREACH(v, h, link)
#define T_FOREACH_RCU(v, h)     QTAILQ_FOREACH_RCU(v, h, link)
#define T_FOREACH_SAFE_RCU(v, h, n) QTAILQ_FOREACH_SAFE_RCU(v, h, link, n)
#define T_INSERT_HEAD(h, e)     QTAILQ_INSERT_HEAD_RCU(h, e, link)
#define T_INSERT_TAIL(h, e)     QTAILQ_INSERT_TAIL_RCU(h, e, link)
#define T_INSERT_AFTER(h, l, e) QTAILQ_INSERT_AFTER_RCU(h, l, e, link)
#define T_INSERT_BEFORE(l, e)   QTAILQ_INSERT_BEFORE_RCU(l, e, link)
#define T_REMOVE(h, e)          QTAILQ_REMOVE_RCU(h, e, link)
#elif TEST_LIST_TYPE == SLIST
#define FLAVOUR                 "qslist"
#define HAS_BEFORE              0
#define HAS_TAIL                0
#define HAS_REMOVE_HEAD         1
#define T_HEAD                  QSLIST_HEAD(ElemList, Elem)
#define T_ENTRY                 QSLIST_ENTRY(Elem)
#define T_INIT(h)               QSLIST_INIT(h)
#define T_EMPTY_RCU(h)          QSLIST_EMPTY_RCU(h)
#define T_FIRST_RCU(h)          QSLIST_FIRST_RCU(h)
#define T_NEXT_RCU(e)           QSLIST_NEXT_RCU(e, link)
#define T_FOREACH(v, h)         QSLIST_FOREACH(v, h, link)
#define T_FOREACH_RCU(v, h)     QSLIST_FOREACH_RCU(v, h, link)
#define T_FOREACH_SAFE_RCU(v, h, n) QSLIST_FOREACH_SAFE_RCU(v, h, link, n)
#define T_INSERT_HEAD(h, e)     QSLIST_INSERT_HEAD_RCU(h, e, link)
#define T_INSERT_AFTER(h, l, e) QSLIST_INSERT_AFTER_RCU(h, l, e, link)
#define T_REMOVE(h, e)          QSLIST_REMOVE_RCU(h, e, Elem, link)
#define T_REMOVE_HEAD(h)        QSLIST_REMOVE_HEAD_RCU(h, link)
#else
#error "unknown TEST_LIST_TYPE"
#endif

/* Stand-ins for what the flavour lacks; the HAS_* tests keep them dead. */
#if !HAS_BEFORE
#define T_INSERT_BEFORE(l, e)   g_assert_not_reached()
#endif
#if !HAS_TAIL
#define T_INSERT_TAIL(h, e)     g_assert_not_reached()
#endif
#if !HAS_REMOVE_HEAD
#define T_REMOVE_HEAD(h)        g_assert_not_reached()
#endif

struct Elem {
    struct rcu_head rcu;        /* first, for call_rcu() */
    T_ENTRY link;
    unsigned long val;
    unsigned magic;
};

static T_HEAD head;
static int list_len;
static QemuMutex update_lock;   /* serialises updaters */

enum {
    GOFLAG_INIT,
    GOFLAG_RUN,
    GOFLAG_STOP,
};

static int goflag;

/* Counters, all atomic. */
static int64_t n_inserted;
static int64_t n_call_rcu;
static int64_t n_reclaimed;
static int64_t n_bad_reclaim;
static int64_t n_poisoned_seen;
static int64_t n_order_errors;
static int64_t n_walks;
static int64_t n_elems_seen;

/* Poisoned elements whose g_free() is delayed; under the BQL. */
static Elem *graveyard[GRAVEYARD_LEN];
static unsigned graveyard_idx;

static void reset_state(void)
{
    static bool inited;

    if (!inited) {
        qemu_mutex_init(&update_lock);
        inited = true;
    }
    T_INIT(&head);
    list_len = 0;
    goflag = GOFLAG_INIT;
    n_inserted = 0;
    n_call_rcu = 0;
    n_reclaimed = 0;
    n_bad_reclaim = 0;
    n_poisoned_seen = 0;
    n_order_errors = 0;
    n_walks = 0;
    n_elems_seen = 0;
}

static Elem *elem_new(unsigned long val)
{
    Elem *e = g_new0(Elem, 1);

    e->val = val;
    e->magic = MAGIC_ALIVE;
    qatomic_inc(&n_inserted);
    return e;
}

/* The call_rcu callback: runs once per removed element, BQL held. */
static void elem_reclaim(Elem *e)
{
    Elem *old;

    if (!bql_locked() || qatomic_read(&e->magic) != MAGIC_ALIVE) {
        /* Run without the BQL, a second time, or on a stray pointer. */
        qatomic_inc(&n_bad_reclaim);
        return;
    }
    qatomic_set(&e->magic, MAGIC_POISON);
    qatomic_set(&e->val, 0);
    qatomic_inc(&n_reclaimed);

    old = graveyard[graveyard_idx];
    graveyard[graveyard_idx] = e;
    graveyard_idx = (graveyard_idx + 1) % GRAVEYARD_LEN;
    g_free(old);
}

static void elem_retire(Elem *e)
{
    qatomic_inc(&n_call_rcu);
    call_rcu(e, elem_reclaim, rcu);
}

/* After every callback ran: free the poisoned elements still kept. */
static void empty_graveyard(void)
{
    int i;

    bql_lock();
    for (i = 0; i < GRAVEYARD_LEN; i++) {
        g_free(graveyard[i]);
        graveyard[i] = NULL;
    }
    graveyard_idx = 0;
    bql_unlock();
}

/*
 * Updater side; update_lock held.  Insert @e in value order, choosing
 * among the macros that fit the position.  Returns false, without
 * inserting, if the value is already present.
 */
static bool insert_sorted(Elem *e, unsigned coin)
{
    Elem *prev = NULL, *cur;

    T_FOREACH(cur, &head) {
        if (cur->val == e->val) {
            return false;
        }
        if (cur->val > e->val) {
            break;
        }
        prev = cur;
    }

    if (HAS_BEFORE && cur && (coin & 1)) {
        T_INSERT_BEFORE(cur, e);
    } else if (!prev) {
        T_INSERT_HEAD(&head, e);
    } else if (HAS_TAIL && !cur && (coin & 2)) {
        T_INSERT_TAIL(&head, e);
    } else {
        T_INSERT_AFTER(&head, prev, e);
    }
    list_len++;
    return true;
}

/* Updater side; update_lock held.  Unlink the @idx-th element. */
static Elem *remove_nth(int idx, unsigned coin)
{
    Elem *e;

    T_FOREACH(e, &head) {
        if (idx-- == 0) {
            break;
        }
    }
    g_assert(e);

    if (HAS_REMOVE_HEAD && e == T_FIRST_RCU(&head) && (coin & 1)) {
        T_REMOVE_HEAD(&head);
    } else {
        T_REMOVE(&head, e);
    }
    list_len--;
    return e;
}

static uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Reader threads */

static void *reader_thread(void *opaque)
{
    uint64_t rnd = (uintptr_t)opaque * 0x9e3779b97f4a7c15ULL + 1;
    int64_t walks = 0, seen = 0, poisoned = 0, order = 0;
    Elem *e;

    rcu_register_thread();
    while (qatomic_read(&goflag) == GOFLAG_INIT) {
        g_usleep(100);
    }

    while (qatomic_read(&goflag) == GOFLAG_RUN) {
        /* Now and then dawdle inside, so that updaters overtake us. */
        bool dawdle = (xorshift64(&rnd) & 255) == 0;
        unsigned long last = 0;
        bool first = true;
        int n = 0;

        rcu_read_lock();
        T_FOREACH_RCU(e, &head) {
            unsigned long v;

            if (qatomic_read(&e->magic) != MAGIC_ALIVE) {
                poisoned++;
                break;
            }
            v = qatomic_read(&e->val);
            if (!first && v <= last) {
                order++;
            }
            first = false;
            last = v;
            seen++;
            if (dawdle && ++n == 4) {
                g_usleep(100);
            }
        }
        rcu_read_unlock();
        walks++;
    }

    qatomic_add(&n_walks, walks);
    qatomic_add(&n_elems_seen, seen);
    qatomic_add(&n_poisoned_seen, poisoned);
    qatomic_add(&n_order_errors, order);
    rcu_unregister_thread();
    return NULL;
}

/* Updater threads */

#define MIN_LEN 8
#define MAX_LEN 64

static void *updater_thread(void *opaque)
{
    uint64_t rnd = (uintptr_t)opaque * 0x2545f4914f6cdd1dULL + 7;
    Elem *e;

    while (qatomic_read(&goflag) == GOFLAG_INIT) {
        g_usleep(100);
    }

    while (qatomic_read(&goflag) == GOFLAG_RUN) {
        uint64_t r = xorshift64(&rnd);
        bool insert;

        qemu_mutex_lock(&update_lock);
        if (list_len <= MIN_LEN) {
            insert = true;
        } else if (list_len >= MAX_LEN) {
            insert = false;
        } else {
            insert = r & 1;
        }

        if (insert) {
            e = elem_new(xorshift64(&rnd) >> 1);
            if (!insert_sorted(e, r >> 1)) {
                /* Duplicate value: never published, free it now. */
                qatomic_dec(&n_inserted);
                g_free(e);
            }
        } else {
            e = remove_nth((r >> 8) % list_len, r >> 1);
            elem_retire(e);
        }
        qemu_mutex_unlock(&update_lock);
    }
    return NULL;
}

static void run_stress(int nreaders, int nupdaters, double seconds)
{
    QemuThread *readers = g_new0(QemuThread, nreaders);
    QemuThread *updaters = g_new0(QemuThread, nupdaters);
    uint64_t rnd = 0x123456789abcdefULL;
    Elem *e, *next;
    int i;

    reset_state();
    g_assert_false(bql_locked());

    /* Initial contents, built with the RCU macros as well. */
    while (list_len < (MIN_LEN + MAX_LEN) / 2) {
        e = elem_new(xorshift64(&rnd) >> 1);
        if (!insert_sorted(e, xorshift64(&rnd))) {
            qatomic_dec(&n_inserted);
            g_free(e);
        }
    }

    for (i = 0; i < nreaders; i++) {
        qemu_thread_create(&readers[i], "rcu-list-reader", reader_thread,
                           (void *)(uintptr_t)(i + 1), QEMU_THREAD_JOINABLE);
    }
    for (i = 0; i < nupdaters; i++) {
        qemu_thread_create(&updaters[i], "rcu-list-updater",
                           updater_thread, (void *)(uintptr_t)(i + 1),
                           QEMU_THREAD_JOINABLE);
    }

    qatomic_set(&goflag, GOFLAG_RUN);
    g_usleep(seconds * G_USEC_PER_SEC);
    qatomic_set(&goflag, GOFLAG_STOP);

    for (i = 0; i < nupdaters; i++) {
        qemu_thread_join(&updaters[i]);
    }
    for (i = 0; i < nreaders; i++) {
        qemu_thread_join(&readers[i]);
    }

    /* Empty the list the RCU way too, then wait for every callback. */
    qemu_mutex_lock(&update_lock);
    T_FOREACH_SAFE_RCU(e, &head, next) {
        T_REMOVE(&head, e);
        list_len--;
        elem_retire(e);
    }
    g_assert_true(T_EMPTY_RCU(&head));
    g_assert_cmpint(list_len, ==, 0);
    qemu_mutex_unlock(&update_lock);

    drain_call_rcu();

    g_test_message(FLAVOUR ": %d reader(s), %d updater(s), %.1f s: "
                   "%" PRId64 " walks, %" PRId64 " elements seen, "
                   "%" PRId64 " inserted, %" PRId64 " call_rcu, "
                   "%" PRId64 " reclaimed",
                   nreaders, nupdaters, seconds, n_walks, n_elems_seen,
                   n_inserted, n_call_rcu, n_reclaimed);

    g_assert_cmpint(n_walks, >, 0);
    g_assert_cmpint(n_call_rcu, >, 0);
    g_assert_cmpint(n_poisoned_seen, ==, 0);
    g_assert_cmpint(n_order_errors, ==, 0);
    g_assert_cmpint(n_bad_reclaim, ==, 0);
    g_assert_cmpint(n_call_rcu, ==, n_inserted);
    g_assert_cmpint(n_reclaimed, ==, n_call_rcu);

    empty_graveyard();
    g_free(readers);
    g_free(updaters);
}

static void test_short_few(void)
{
    run_stress(2, 1, g_test_quick() ? 1 : 5);
}

static void test_long_many(void)
{
    run_stress(10, 3, g_test_quick() ? 3 : 20);
}

/* Single-threaded checks */

static Elem *sample[16];

static Elem *mk(unsigned long val)
{
    Elem *e = elem_new(val);

    g_assert_cmpint(val, <, ARRAY_SIZE(sample));
    sample[val] = e;
    return e;
}

/* Updater-side links agree with the forward chain. */
static void check_back_links(void)
{
#if TEST_LIST_TYPE == LIST
    Elem *e;

    if (head.lh_first) {
        g_assert(head.lh_first->link.le_prev == &head.lh_first);
    }
    QLIST_FOREACH(e, &head, link) {
        g_assert(*e->link.le_prev == e);
    }
#elif TEST_LIST_TYPE == SIMPLEQ
    Elem *e, *last = NULL;

    QSIMPLEQ_FOREACH(e, &head, link) {
        last = e;
    }
    if (last) {
        g_assert(head.sqh_last == &last->link.sqe_next);
    } else {
        g_assert(head.sqh_last == &head.sqh_first);
    }
#elif TEST_LIST_TYPE == TAILQ
    Elem *e, *prev = NULL;

    QTAILQ_FOREACH(e, &head, link) {
        g_assert(QTAILQ_PREV(e, link) == prev);
        prev = e;
    }
    g_assert(QTAILQ_LAST(&head) == prev);
#endif
}

/* The list holds exactly @vals, in this order. */
static void check_list(const unsigned long *vals, int n)
{
    Elem *e;
    int i = 0;

    rcu_read_lock();
    T_FOREACH_RCU(e, &head) {
        g_assert_cmpint(i, <, n);
        g_assert_cmpuint(e->magic, ==, MAGIC_ALIVE);
        g_assert_cmpuint(e->val, ==, vals[i]);
        i++;
    }
    g_assert_cmpint(i, ==, n);

    /* The same walk spelled with FIRST/NEXT. */
    for (i = 0, e = T_FIRST_RCU(&head); e; e = T_NEXT_RCU(e), i++) {
        g_assert_cmpint(i, <, n);
        g_assert(e == sample[vals[i]]);
    }
    g_assert_cmpint(i, ==, n);
    g_assert_cmpint(T_EMPTY_RCU(&head), ==, n == 0);
    rcu_read_unlock();

    check_back_links();
}

#define CHECK_LIST(...) do {                                            \
    static const unsigned long vals_[] = { __VA_ARGS__ };                    \
    check_list(vals_, ARRAY_SIZE(vals_));                               \
} while (0)

/* Remove @e; a reader standing on it must still reach @succ. */
static void remove_and_check(Elem *e, Elem *succ)
{
    T_REMOVE(&head, e);
    g_assert(T_NEXT_RCU(e) == succ);
    elem_retire(e);
}

static void test_single_threaded(void)
{
    Elem *e, *next;

    reset_state();
    memset(sample, 0, sizeof(sample));
    check_list(NULL, 0);

#if TEST_LIST_TYPE == LIST
    e = mk(6);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(6);
    e = mk(2);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(2, 6);
    e = mk(4);
    T_INSERT_AFTER(&head, sample[2], e);
    CHECK_LIST(2, 4, 6);
    e = mk(8);
    T_INSERT_AFTER(&head, sample[6], e);
    CHECK_LIST(2, 4, 6, 8);
    e = mk(1);
    T_INSERT_BEFORE(sample[2], e);
    CHECK_LIST(1, 2, 4, 6, 8);
    e = mk(5);
    T_INSERT_BEFORE(sample[6], e);
    CHECK_LIST(1, 2, 4, 5, 6, 8);
    e = mk(7);
    T_INSERT_BEFORE(sample[8], e);
    CHECK_LIST(1, 2, 4, 5, 6, 7, 8);
    e = mk(3);
    T_INSERT_AFTER(&head, sample[2], e);
    CHECK_LIST(1, 2, 3, 4, 5, 6, 7, 8);

    remove_and_check(sample[1], sample[2]);
    CHECK_LIST(2, 3, 4, 5, 6, 7, 8);
    remove_and_check(sample[5], sample[6]);
    CHECK_LIST(2, 3, 4, 6, 7, 8);
    remove_and_check(sample[8], NULL);
    CHECK_LIST(2, 3, 4, 6, 7);
    e = mk(9);
    T_INSERT_AFTER(&head, sample[7], e);
    CHECK_LIST(2, 3, 4, 6, 7, 9);
#elif TEST_LIST_TYPE == SIMPLEQ
    e = mk(4);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(4);
    e = mk(2);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(2, 4);
    e = mk(6);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(2, 4, 6);
    e = mk(3);
    T_INSERT_AFTER(&head, sample[2], e);
    CHECK_LIST(2, 3, 4, 6);
    e = mk(7);
    T_INSERT_AFTER(&head, sample[6], e);
    CHECK_LIST(2, 3, 4, 6, 7);
    e = mk(8);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(2, 3, 4, 6, 7, 8);
    e = mk(1);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(1, 2, 3, 4, 6, 7, 8);
    e = mk(5);
    T_INSERT_AFTER(&head, sample[4], e);
    CHECK_LIST(1, 2, 3, 4, 5, 6, 7, 8);

    e = sample[1];
    T_REMOVE_HEAD(&head);
    g_assert(T_NEXT_RCU(e) == sample[2]);
    elem_retire(e);
    CHECK_LIST(2, 3, 4, 5, 6, 7, 8);
    remove_and_check(sample[2], sample[3]);
    CHECK_LIST(3, 4, 5, 6, 7, 8);
    remove_and_check(sample[5], sample[6]);
    CHECK_LIST(3, 4, 6, 7, 8);
    remove_and_check(sample[8], NULL);
    CHECK_LIST(3, 4, 6, 7);
    e = mk(9);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(3, 4, 6, 7, 9);
#elif TEST_LIST_TYPE == TAILQ
    e = mk(4);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(4);
    e = mk(2);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(2, 4);
    e = mk(7);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(2, 4, 7);
    e = mk(5);
    T_INSERT_AFTER(&head, sample[4], e);
    CHECK_LIST(2, 4, 5, 7);
    e = mk(8);
    T_INSERT_AFTER(&head, sample[7], e);
    CHECK_LIST(2, 4, 5, 7, 8);
    e = mk(1);
    T_INSERT_BEFORE(sample[2], e);
    CHECK_LIST(1, 2, 4, 5, 7, 8);
    e = mk(3);
    T_INSERT_BEFORE(sample[4], e);
    CHECK_LIST(1, 2, 3, 4, 5, 7, 8);
    e = mk(6);
    T_INSERT_BEFORE(sample[7], e);
    CHECK_LIST(1, 2, 3, 4, 5, 6, 7, 8);

    remove_and_check(sample[1], sample[2]);
    CHECK_LIST(2, 3, 4, 5, 6, 7, 8);
    remove_and_check(sample[5], sample[6]);
    CHECK_LIST(2, 3, 4, 6, 7, 8);
    remove_and_check(sample[8], NULL);
    CHECK_LIST(2, 3, 4, 6, 7);
    e = mk(9);
    T_INSERT_TAIL(&head, e);
    CHECK_LIST(2, 3, 4, 6, 7, 9);
    e = mk(1);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(1, 2, 3, 4, 6, 7, 9);
#elif TEST_LIST_TYPE == SLIST
    e = mk(6);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(6);
    e = mk(2);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(2, 6);
    e = mk(4);
    T_INSERT_AFTER(&head, sample[2], e);
    CHECK_LIST(2, 4, 6);
    e = mk(8);
    T_INSERT_AFTER(&head, sample[6], e);
    CHECK_LIST(2, 4, 6, 8);
    e = mk(5);
    T_INSERT_AFTER(&head, sample[4], e);
    CHECK_LIST(2, 4, 5, 6, 8);
    e = mk(1);
    T_INSERT_HEAD(&head, e);
    CHECK_LIST(1, 2, 4, 5, 6, 8);

    e = sample[1];
    T_REMOVE_HEAD(&head);
    g_assert(T_NEXT_RCU(e) == sample[2]);
    elem_retire(e);
    CHECK_LIST(2, 4, 5, 6, 8);
    remove_and_check(sample[2], sample[4]);
    CHECK_LIST(4, 5, 6, 8);
    remove_and_check(sample[5], sample[6]);
    CHECK_LIST(4, 6, 8);
    remove_and_check(sample[8], NULL);
    CHECK_LIST(4, 6);
    e = mk(9);
    T_INSERT_AFTER(&head, sample[6], e);
    CHECK_LIST(4, 6, 9);
#endif

    /* Empty it with the SAFE walk, removing the element we stand on. */
    T_FOREACH_SAFE_RCU(e, &head, next) {
        T_REMOVE(&head, e);
        elem_retire(e);
    }
    check_list(NULL, 0);

    /* One element again, after the list ran empty. */
#if HAS_TAIL
    e = mk(10);
    T_INSERT_TAIL(&head, e);
#else
    e = mk(10);
    T_INSERT_HEAD(&head, e);
#endif
    CHECK_LIST(10);
    remove_and_check(sample[10], NULL);
    check_list(NULL, 0);

    drain_call_rcu();
    g_assert_cmpint(n_bad_reclaim, ==, 0);
    g_assert_cmpint(n_call_rcu, ==, n_inserted);
    g_assert_cmpint(n_reclaimed, ==, n_call_rcu);
    empty_graveyard();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/rcu/" FLAVOUR "/single-threaded",
                    test_single_threaded);
    g_test_add_func("/rcu/" FLAVOUR "/short-few", test_short_few);
    g_test_add_func("/rcu/" FLAVOUR "/long-many", test_long_many);

    return g_test_run();
}
