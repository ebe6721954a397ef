/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread-local variables that stay correct across coroutine switches.
 *
 * A coroutine may yield in one thread and resume in another.  The compiler
 * assumes a function runs on one thread throughout, so it may compute the
 * address of a __thread variable once and reuse it after the yield, now
 * pointing at the old thread's copy.  Access through out-of-line getters
 * that the compiler cannot see into, so the address is recomputed on each
 * call:
 *
 *   QEMU_DEFINE_CO_TLS(int, my_var)          (in one .c file)
 *   QEMU_DECLARE_CO_TLS(int, my_var)         (in a header)
 *   get_my_var(), set_my_var(v), get_ptr_my_var()
 *
 * QEMU_DEFINE_STATIC_CO_TLS() does the same with file scope.
 */

#ifndef QEMU_COROUTINE_TLS_H
#define QEMU_COROUTINE_TLS_H

#define QEMU_DECLARE_CO_TLS(type, var)                                  \
    type get_##var(void);                                               \
    void set_##var(type v);                                             \
    type *get_ptr_##var(void);

/*
 * The empty asm hides the address from the optimiser; noinline keeps the
 * getter a real call.
 */
#define QEMU_DEFINE_CO_TLS(type, var)                                   \
    static __thread type co_tls_##var;                                  \
    QEMU_NOINLINE type get_##var(void)                                  \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        return *p;                                                      \
    }                                                                   \
    QEMU_NOINLINE void set_##var(type v)                                \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        *p = v;                                                         \
    }                                                                   \
    QEMU_NOINLINE type *get_ptr_##var(void)                             \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        return p;                                                       \
    }

#define QEMU_DEFINE_STATIC_CO_TLS(type, var)                            \
    static __thread type co_tls_##var;                                  \
    static G_GNUC_UNUSED QEMU_NOINLINE type get_##var(void)             \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        return *p;                                                      \
    }                                                                   \
    static G_GNUC_UNUSED QEMU_NOINLINE void set_##var(type v)           \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        *p = v;                                                         \
    }                                                                   \
    static G_GNUC_UNUSED QEMU_NOINLINE type *get_ptr_##var(void)        \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        return p;                                                       \
    }

#endif /* QEMU_COROUTINE_TLS_H */
