/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String helpers.
 */

#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

/*
 * qemu_strtosz: parse a size like "512", "64K", "4G", "1.5G" (binary
 * suffixes B, K, M, G, T, P, E; no suffix means bytes; a fraction is
 * decimal digits, never an exponent, and needs a suffix above B).
 * Returns 0, or -EINVAL for malformed input and -ERANGE when it does
 * not fit 64 bits.
 * qemu_strtosz_MiB: the same, but no suffix means MiB (as -m does).
 */
int qemu_strtosz(const char *nptr, const char **end, uint64_t *result);
int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result);

/*
 * qemu_strtou64/qemu_strtoi64: the whole of @nptr (when @end is NULL) as
 * a number in @base (0: C prefixes); 0 or -EINVAL/-ERANGE.  A negative
 * number is -ERANGE for qemu_strtou64 rather than wrapping around.
 */
int qemu_strtou64(const char *nptr, const char **end, int base,
                  uint64_t *result);
int qemu_strtoi64(const char *nptr, const char **end, int base,
                  int64_t *result);

#endif /* QEMU_CUTILS_H */
