/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread-local variables that stay correct across coroutine switches.
 *
 * A coroutine may yield in one thread and resume in another.  The compiler
 * assumes a function runs on one thread throughout, so it may compute the
 * address of a __thread variable once and reuse it after the yield, now
 * pointing at the old thread's copy.  Every access therefore recomputes
 * the address:
 *
 *   QEMU_DEFINE_CO_TLS(int, my_var)          (in one .c file)
 *   QEMU_DECLARE_CO_TLS(int, my_var)         (in a header)
 *   get_my_var(), set_my_var(v), get_ptr_my_var(), get_seg_ptr_my_var()
 *
 * QEMU_DEFINE_STATIC_CO_TLS() does the same with file scope.
 *
 * On x86-64 and aarch64 Linux hosts the getters are inline: an asm
 * volatile statement reads the thread pointer and adds the variable's
 * offset from it.  The compiler may neither merge two such statements
 * nor assume that the thread pointer is unchanged between them, so each
 * call yields the current thread's copy, for two or three instructions.
 * The offset is a link-time constant (the local-exec TLS model), which
 * holds because every user links the variable into the executable itself:
 * this tree builds no shared libraries.  Elsewhere, or with
 * QEMU_CO_TLS_PORTABLE defined, the getters are out-of-line functions that
 * the compiler cannot see into.
 *
 * get_seg_ptr_my_var() is for hot paths (rcu_read_lock()).  With GCC on
 * x86-64 it returns a pointer into the %fs address space (a QEMU_CO_TLS_SEG
 * pointer): the variable's offset, the same in every thread, so that the
 * compiler may keep it anywhere, while each access through it is relative
 * to the thread pointer of the moment, as for __thread variables in the
 * initial-exec model.  That saves loading the thread pointer (%fs:0) into
 * a register, which costs more than the access itself.  Such a pointer
 * cannot be converted to an ordinary one, and atomic accesses through it
 * use qatomic_read_seg(), qatomic_set_seg() and
 * qatomic_store_release_seg().  Elsewhere QEMU_CO_TLS_SEG is empty,
 * get_seg_ptr_my_var() is get_ptr_my_var() and the qatomic_*_seg() are
 * their qatomic_*() counterparts.
 */

#ifndef QEMU_COROUTINE_TLS_H
#define QEMU_COROUTINE_TLS_H

#if !defined(QEMU_CO_TLS_PORTABLE) && defined(__linux__)
#if defined(__x86_64__)
/* %fs:0 holds the thread pointer itself (the TCB's self pointer). */
#define QEMU_CO_TLS_ADDR(ret, var)                                      \
    asm volatile("mov %%fs:0, %0\n\t"                                   \
                 "lea " #var "@tpoff(%0), %0" : "=r"(ret))
/*
 * GCC only: ASan would check the offsets as if they were addresses, and
 * clang 14's read side measured slower this way than the ordinary one.
 */
#if defined(__SEG_FS) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define QEMU_CO_TLS_SEG __seg_fs
/* Not volatile: the offset is the same in every thread. */
#define QEMU_CO_TLS_SEG_ADDR(ret, var)                                  \
    do {                                                                \
        uintptr_t off_;                                                 \
                                                                        \
        asm("mov $" #var "@tpoff, %0" : "=r"(off_));                    \
        (ret) = (void QEMU_CO_TLS_SEG *)off_;                           \
    } while (0)
#endif
#elif defined(__aarch64__)
#define QEMU_CO_TLS_ADDR(ret, var)                                      \
    asm volatile("mrs %0, tpidr_el0\n\t"                                \
                 "add %0, %0, #:tprel_hi12:" #var ", lsl #12\n\t"       \
                 "add %0, %0, #:tprel_lo12_nc:" #var : "=r"(ret))
#endif
#endif

/*
 * Relaxed and release accesses through a get_seg_ptr_*() pointer, for
 * fields that other threads read.  GCC has no __atomic builtins for other
 * address spaces; on x86-64 an aligned volatile access of up to 8 bytes
 * is the single mov that those builtins emit for these orders.
 */
#ifdef QEMU_CO_TLS_SEG
#define qatomic_read_seg(ptr)                                           \
    ((void)qatomic_check_size(ptr), *(volatile typeof(*(ptr)) *)(ptr))
#define qatomic_set_seg(ptr, i)                                         \
    do {                                                                \
        (void)qatomic_check_size(ptr);                                  \
        *(volatile typeof(*(ptr)) *)(ptr) = (i);                        \
    } while (0)
#define qatomic_store_release_seg(ptr, i)                               \
    do {                                                                \
        barrier();                                                      \
        qatomic_set_seg(ptr, i);                                        \
    } while (0)
#else
#define QEMU_CO_TLS_SEG
#define qatomic_read_seg(ptr)                   qatomic_read(ptr)
#define qatomic_set_seg(ptr, i)                 qatomic_set(ptr, i)
#define qatomic_store_release_seg(ptr, i)       qatomic_store_release(ptr, i)
#endif

#ifdef QEMU_CO_TLS_ADDR

#ifdef QEMU_CO_TLS_SEG_ADDR
#define QEMU_CO_TLS_SEG_GETTER(attr, type, var)                         \
    attr G_GNUC_UNUSED type QEMU_CO_TLS_SEG *get_seg_ptr_##var(void)    \
    {                                                                   \
        type QEMU_CO_TLS_SEG *p;                                        \
        QEMU_CO_TLS_SEG_ADDR(p, co_tls_##var);                          \
        return p;                                                       \
    }
#else
#define QEMU_CO_TLS_SEG_GETTER(attr, type, var)                         \
    attr G_GNUC_UNUSED type *get_seg_ptr_##var(void)                    \
    {                                                                   \
        return get_ptr_##var();                                         \
    }
#endif

#define QEMU_CO_TLS_GETTERS(attr, type, var)                            \
    attr G_GNUC_UNUSED type *get_ptr_##var(void)                        \
    {                                                                   \
        type *p;                                                        \
        QEMU_CO_TLS_ADDR(p, co_tls_##var);                              \
        return p;                                                       \
    }                                                                   \
    QEMU_CO_TLS_SEG_GETTER(attr, type, var)                             \
    attr G_GNUC_UNUSED type get_##var(void)                             \
    {                                                                   \
        return *get_seg_ptr_##var();                                    \
    }                                                                   \
    attr G_GNUC_UNUSED void set_##var(type v)                           \
    {                                                                   \
        *get_seg_ptr_##var() = v;                                       \
    }

#define QEMU_DECLARE_CO_TLS(type, var)                                  \
    extern __thread type co_tls_##var;                                  \
    QEMU_CO_TLS_GETTERS(static inline, type, var)

#define QEMU_DEFINE_CO_TLS(type, var)                                   \
    __thread type co_tls_##var;

/* "used": the only references are in asm, which the compiler cannot see. */
#define QEMU_DEFINE_STATIC_CO_TLS(type, var)                            \
    static __thread type co_tls_##var __attribute__((used));            \
    QEMU_CO_TLS_GETTERS(static inline, type, var)

#else /* !QEMU_CO_TLS_ADDR */

/*
 * The empty asm hides the address from the optimiser; noinline keeps the
 * getter a real call.
 */
#define QEMU_CO_TLS_GETTERS(attr, type, var)                            \
    attr QEMU_NOINLINE type get_##var(void)                             \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        return *p;                                                      \
    }                                                                   \
    attr QEMU_NOINLINE void set_##var(type v)                           \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        *p = v;                                                         \
    }                                                                   \
    attr QEMU_NOINLINE type *get_ptr_##var(void)                        \
    {                                                                   \
        type *p = &co_tls_##var;                                        \
        asm volatile("" : "+rm"(p));                                    \
        return p;                                                       \
    }

#define QEMU_DECLARE_CO_TLS(type, var)                                  \
    type get_##var(void);                                               \
    void set_##var(type v);                                             \
    type *get_ptr_##var(void);                                          \
    static inline G_GNUC_UNUSED type *get_seg_ptr_##var(void)           \
    {                                                                   \
        return get_ptr_##var();                                         \
    }

#define QEMU_DEFINE_CO_TLS(type, var)                                   \
    static __thread type co_tls_##var;                                  \
    QEMU_CO_TLS_GETTERS(, type, var)

#define QEMU_DEFINE_STATIC_CO_TLS(type, var)                            \
    static __thread type co_tls_##var;                                  \
    QEMU_CO_TLS_GETTERS(static G_GNUC_UNUSED, type, var)                \
    static inline G_GNUC_UNUSED type *get_seg_ptr_##var(void)           \
    {                                                                   \
        return get_ptr_##var();                                         \
    }

#endif /* QEMU_CO_TLS_ADDR */

#endif /* QEMU_COROUTINE_TLS_H */
