/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Coroutine-safe thread-locals (qemu/coroutine-tls.h): each thread gets
 * its own copy through the getters, and a coroutine that yields in one
 * thread and resumes in another sees the new thread's copy after the
 * yield, for both the extern (DECLARE/DEFINE) and the static variants,
 * through every accessor (get_, set_, get_ptr_, get_seg_ptr_).  Built
 * twice: with the host's inline getters, and with QEMU_CO_TLS_PORTABLE
 * (the out-of-line fallback).
 */

#include "qemu/osdep.h"
#include <ucontext.h>
#include "qemu/coroutine-tls.h"
#include "qemu/thread.h"

QEMU_DECLARE_CO_TLS(int, co_ext)
QEMU_DEFINE_CO_TLS(int, co_ext)
QEMU_DEFINE_STATIC_CO_TLS(int, co_static)

#define CO_STACK_SIZE (256 * 1024)

/* The addresses and values a thread or coroutine saw. */
typedef struct Seen {
    int *ext_ptr;
    int *static_ptr;
    int ext;
    int stat;
} Seen;

static void seen_record(Seen *s)
{
    s->ext_ptr = get_ptr_co_ext();
    s->static_ptr = get_ptr_co_static();
    s->ext = get_co_ext();
    s->stat = *get_seg_ptr_co_static();
}

/* Give the calling thread values of its own, and record what it sees. */
static void thread_setup(Seen *s, int tag)
{
    set_co_ext(tag);
    *get_seg_ptr_co_static() = tag + 1;
    seen_record(s);
    g_assert_cmpint(s->ext, ==, tag);
    g_assert_cmpint(s->stat, ==, tag + 1);
    /* The ordinary and the segment-relative accessors agree. */
    g_assert_cmpint(*s->ext_ptr, ==, tag);
    g_assert_cmpint(*s->static_ptr, ==, tag + 1);
    g_assert_cmpint(*get_seg_ptr_co_ext(), ==, tag);
    g_assert_cmpint(get_co_static(), ==, tag + 1);
#ifdef QEMU_CO_TLS_ADDR
    /* The inline getters must agree with the compiler's own address. */
    g_assert_true(s->ext_ptr == &co_tls_co_ext);
    g_assert_true(s->static_ptr == &co_tls_co_static);
#endif
}

typedef struct ThreadArg {
    QemuThread thread;
    int tag;
    Seen seen;
} ThreadArg;

static void *setup_thread(void *opaque)
{
    ThreadArg *a = opaque;

    thread_setup(&a->seen, a->tag);
    return NULL;
}

/* Two threads and the main thread each see their own copies. */
static void test_threads(void)
{
    ThreadArg a[2] = { { .tag = 10 }, { .tag = 20 } };
    Seen main_seen;
    int i;

    thread_setup(&main_seen, 30);
    for (i = 0; i < 2; i++) {
        qemu_thread_create(&a[i].thread, "co-tls", setup_thread, &a[i],
                           QEMU_THREAD_JOINABLE);
        qemu_thread_join(&a[i].thread);
    }
    g_assert_true(a[0].seen.ext_ptr != main_seen.ext_ptr);
    g_assert_true(a[1].seen.static_ptr != main_seen.static_ptr);
    /* The other threads' set_*() did not touch ours. */
    g_assert_cmpint(get_co_ext(), ==, 30);
    g_assert_cmpint(get_co_static(), ==, 31);
}

/*
 * A ucontext coroutine that records what it sees, yields, and records
 * again after being resumed, possibly in another thread.
 */
static ucontext_t co_ctx;
static ucontext_t *co_caller;
static Seen co_seen[2];

static void co_yield(void)
{
    swapcontext(&co_ctx, co_caller);
}

static void co_entry(void)
{
    seen_record(&co_seen[0]);
    co_yield();
    /* A cached address from before the yield would be the old thread's. */
    seen_record(&co_seen[1]);
    co_yield();
    g_assert_not_reached();
}

static void co_enter(ucontext_t *caller)
{
    co_caller = caller;
    swapcontext(caller, &co_ctx);
}

static void *co_start_thread(void *opaque)
{
    ThreadArg *a = opaque;
    ucontext_t here;

    thread_setup(&a->seen, a->tag);
    co_enter(&here);
    return NULL;
}

/* Start the coroutine in one thread, resume it in the main thread. */
static void test_migrate(void)
{
    g_autofree void *stack = g_malloc0(CO_STACK_SIZE);
    ThreadArg a = { .tag = 40 };
    ucontext_t here;
    Seen main_seen;

    getcontext(&co_ctx);
    co_ctx.uc_stack.ss_sp = stack;
    co_ctx.uc_stack.ss_size = CO_STACK_SIZE;
    co_ctx.uc_link = NULL;
    makecontext(&co_ctx, co_entry, 0);

    qemu_thread_create(&a.thread, "co-tls-start", co_start_thread, &a,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&a.thread);
    g_assert_true(co_seen[0].ext_ptr == a.seen.ext_ptr);
    g_assert_true(co_seen[0].static_ptr == a.seen.static_ptr);
    g_assert_cmpint(co_seen[0].ext, ==, 40);
    g_assert_cmpint(co_seen[0].stat, ==, 41);

    thread_setup(&main_seen, 50);
    co_enter(&here);
    g_assert_true(co_seen[1].ext_ptr == main_seen.ext_ptr);
    g_assert_true(co_seen[1].static_ptr == main_seen.static_ptr);
    g_assert_cmpint(co_seen[1].ext, ==, 50);
    g_assert_cmpint(co_seen[1].stat, ==, 51);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#if defined(QEMU_CO_TLS_SEG_ADDR)
    g_test_message("inline getters (asm), segment-relative get_seg_ptr_*");
#elif defined(QEMU_CO_TLS_ADDR)
    g_test_message("inline getters (asm)");
#else
    g_test_message("out-of-line getters");
#endif
    g_test_add_func("/coroutine-tls/threads", test_threads);
    g_test_add_func("/coroutine-tls/migrate", test_migrate);
    return g_test_run();
}
