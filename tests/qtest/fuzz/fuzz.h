/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzzers: libFuzzer targets linked with the whole emulator, which
 * they drive in-process through the qtest protocol, as QEMU's do
 * (docs/devel/fuzzing.md).
 *
 * qemu-fuzz-x86_64 runs one target, named with --fuzz-target=NAME.  At
 * start-up (LLVMFuzzerInitialize) it starts the emulator with the
 * target's command line, connects an in-process libqtest client and
 * calls pre_fuzz once; then libFuzzer calls fuzz for every input.
 */

#ifndef TESTS_QTEST_FUZZ_FUZZ_H
#define TESTS_QTEST_FUZZ_FUZZ_H

#include "tests/qtest/libqtest.h"

typedef struct FuzzTarget {
    const char *name;
    const char *description;
    /* The emulator's arguments, without the program name. */
    GString *(*get_init_cmdline)(struct FuzzTarget *target);
    /* Once, after the emulator started: find devices, set them up. */
    void (*pre_fuzz)(QTestState *s);
    /* One input; state it changes must not leak into the next one. */
    void (*fuzz)(QTestState *s, const unsigned char *data, size_t size);
    void *opaque;
} FuzzTarget;

/* fuzz_add_target: register @target (copied), from fuzz_target_init. */
void fuzz_add_target(const FuzzTarget *target);

/* Register targets from a constructor, as QEMU's fuzz_target_init(). */
#define fuzz_target_init(function)                                      \
    static void __attribute__((constructor)) fuzz_init_##function(void) \
    {                                                                   \
        function();                                                     \
    }

/*
 * flush_events: run what the main loop has ready (bottom halves,
 * expired timers), as the emulator's main loop would before reading the
 * next qtest command.
 */
void flush_events(QTestState *s);

/*
 * fuzz_fork: run @fn(@s, @data, @size) and flush_events() in a child
 * process, so that whatever the input does to the machine is gone for
 * the next one.  The child's coverage is handed back to libFuzzer; a
 * child that crashes or fails makes the fuzzer abort, so the input is
 * saved as a crash.
 */
void fuzz_fork(QTestState *s,
               void (*fn)(QTestState *s, const unsigned char *data,
                          size_t size),
               const unsigned char *data, size_t size);

/*
 * fuzz_split: the pieces of @data between occurrences of @sep (4 bytes,
 * "FUZZ" in QEMU's targets), so that libFuzzer's splicing mutations move
 * whole commands around.  Each piece points into @data.
 */
typedef struct FuzzPiece {
    const unsigned char *data;
    size_t size;
} FuzzPiece;
GArray *fuzz_split(const unsigned char *data, size_t size, const char *sep);

#define FUZZ_SEPARATOR "FUZZ"

#endif /* TESTS_QTEST_FUZZ_FUZZ_H */
