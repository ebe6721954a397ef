/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmarks that drive emulators through libqtest and compare them
 * (virtio-gpu-bench, virtio-net-bench), and what the others share.
 *
 * Each emulator is measured in a child process of its own (libqtest
 * caches what it learns about an emulator): the program runs itself as
 * "SELF --one ARGS..." with $QTEST_QEMU_BINARY set, and the child prints
 * "PREFIX METRIC VALUE" lines (bench_emit).  The parent runs the
 * emulators RUNS times, alternating so that load changes hit both alike,
 * and prints the median of each figure as "| metric | EMULATOR... |"
 * rows, with the ratio of the first two columns when there are two.
 */

#ifndef TESTS_BENCH_BENCH_QTEST_H
#define TESTS_BENCH_BENCH_QTEST_H

/*
 * Whether this run is a child ("SELF --one ARGS..."): if so, "--one" is
 * taken out of @argc and @argv so that getopt() sees the ARGS.
 */
bool bench_is_child(int *argc, char ***argv);

/* Print one figure for the parent. */
void bench_emit(const char *prefix, const char *metric, double value);

/* qsort() comparison of doubles. */
int bench_cmp_double(const void *a, const void *b);

/* Whether $QTEST_QEMU_BINARY lists device @name in "-device help". */
bool bench_qemu_has_device(const char *name);

/*
 * The parent's work, for @emulators[0..@n): emulators that are not there
 * are skipped with a comment.  @child_args (NULL terminated) follow
 * "--one".  Returns 0, or 1 when a child failed.
 */
int bench_compare_emulators(const char *prefix,
                            const char *const *child_args, int runs,
                            char **emulators, int n);

#endif /* TESTS_BENCH_BENCH_QTEST_H */
