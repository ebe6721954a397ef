/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OS includes and handy macros.
 *
 * Every .c file of the tree includes this header first, as in QEMU: it
 * brings in the build configuration (config-host.h) before any system
 * header so that feature macros are seen consistently.
 */

#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#include "config-host.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <assert.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <glib.h>

#include "qemu/compiler.h"

/*
 * glib's MIN/MAX evaluate their arguments twice; these evaluate them once,
 * like QEMU's.  MIN_CONST/MAX_CONST are for constant expressions.
 */
#undef MIN
#define MIN(a, b)                                       \
    ({                                                  \
        typeof(1 ? (a) : (b)) _min_a = (a), _min_b = (b); \
        _min_a < _min_b ? _min_a : _min_b;              \
    })
#undef MAX
#define MAX(a, b)                                       \
    ({                                                  \
        typeof(1 ? (a) : (b)) _max_a = (a), _max_b = (b); \
        _max_a > _max_b ? _max_a : _max_b;              \
    })
#define MIN_CONST(a, b)  ((a) < (b) ? (a) : (b))
#define MAX_CONST(a, b)  ((a) > (b) ? (a) : (b))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

#ifndef container_of
#define container_of(ptr, type, member)                         \
    ({                                                          \
        const typeof(((type *)0)->member) *__mptr = (ptr);      \
        (type *)((char *)__mptr - offsetof(type, member));      \
    })
#endif

#define BIT(nr)                 (1UL << (nr))
#define BIT_ULL(nr)             (1ULL << (nr))
#define DIV_ROUND_UP(n, d)      (((n) + (d) - 1) / (d))
#define QEMU_ALIGN_DOWN(n, m)   ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m)     QEMU_ALIGN_DOWN((n) + (m) - 1, (m))
#define QEMU_IS_ALIGNED(n, m)   (((n) % (m)) == 0)
#define ROUND_UP(n, d)          (((n) + (d) - 1) & -(0 ? (n) : (d)))

#endif /* QEMU_OSDEP_H */
