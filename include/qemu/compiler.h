/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compiler attributes and helper macros.
 *
 * Only what the tree uses; every macro follows QEMU's spelling so code
 * written against QEMU's headers reads the same here.
 */

#ifndef QEMU_COMPILER_H
#define QEMU_COMPILER_H

#define QEMU_PACKED             __attribute__((packed))
#define QEMU_ALIGNED(x)         __attribute__((aligned(x)))
#define QEMU_NOINLINE           __attribute__((noinline))
#define QEMU_ALWAYS_INLINE      __attribute__((always_inline))
#define QEMU_FLATTEN            __attribute__((flatten))
#define QEMU_SENTINEL           __attribute__((sentinel))
#define QEMU_WARN_UNUSED_RESULT __attribute__((warn_unused_result))

#ifndef likely
#define likely(x)               __builtin_expect(!!(x), 1)
#define unlikely(x)             __builtin_expect(!!(x), 0)
#endif

#define xglue(x, y)             x ## y
#define glue(x, y)              xglue(x, y)
#define stringify(s)            tostring(s)
#define tostring(s)             #s

/*
 * Compile-time assertions.  QEMU_BUILD_BUG_ON_ZERO() is an expression of
 * value 0 that fails to compile when @x is true, for use inside macros.
 */
#define QEMU_BUILD_BUG_MSG(x, msg) _Static_assert(!(x), msg)
#define QEMU_BUILD_BUG_ON(x)       QEMU_BUILD_BUG_MSG(x, "not expecting: " #x)
#define QEMU_BUILD_BUG_ON_STRUCT(x) \
    struct { int:(x) ? -1 : 1; }
#define QEMU_BUILD_BUG_ON_ZERO(x) \
    (sizeof(QEMU_BUILD_BUG_ON_STRUCT(x)) - sizeof(QEMU_BUILD_BUG_ON_STRUCT(x)))

/* gcc says which sanitizer is on with macros, clang with __has_feature. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#define QEMU_SANITIZE_THREAD 1
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define QEMU_SANITIZE_ADDRESS 1
#endif

#endif /* QEMU_COMPILER_H */
