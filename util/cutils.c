/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String helpers: numbers and sizes as QEMU parses them.
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"

static int check_end(const char *nptr, const char *ep, const char **end)
{
    if (ep == nptr) {
        return -EINVAL;
    }
    if (end) {
        *end = ep;
    } else if (*ep) {
        return -EINVAL;
    }
    return 0;
}

int qemu_strtou64(const char *nptr, const char **end, int base,
                  uint64_t *result)
{
    char *ep;
    unsigned long long v;
    int ret;

    if (!nptr) {
        return -EINVAL;
    }
    while (g_ascii_isspace(*nptr)) {
        nptr++;
    }
    errno = 0;
    v = strtoull(nptr, &ep, base);
    ret = check_end(nptr, ep, end);
    if (ret) {
        return ret;
    }
    if (errno == ERANGE || *nptr == '-') {
        /* strtoull would silently wrap a negative number. */
        return -ERANGE;
    }
    *result = v;
    return 0;
}

int qemu_strtoi64(const char *nptr, const char **end, int base,
                  int64_t *result)
{
    char *ep;
    long long v;
    int ret;

    if (!nptr) {
        return -EINVAL;
    }
    errno = 0;
    v = strtoll(nptr, &ep, base);
    ret = check_end(nptr, ep, end);
    if (ret) {
        return ret;
    }
    if (errno == ERANGE) {
        return -ERANGE;
    }
    *result = v;
    return 0;
}

static int do_strtosz(const char *nptr, const char **end,
                      char default_suffix, uint64_t *result)
{
    static const char suffixes[] = "BKMGTPE";
    const char *p, *s;
    char *ep;
    double fraction = 0;
    uint64_t val, mul;
    int shift;

    if (!nptr || !g_ascii_isdigit(*nptr)) {
        return -EINVAL;
    }
    errno = 0;
    val = strtoull(nptr, &ep, 10);
    if (errno == ERANGE) {
        return -ERANGE;
    }
    p = ep;
    if (*p == '.') {
        /*
         * A fraction is only meaningful with a suffix.  Digits only: an
         * exponent ("1.5e3") is not a size, and 'e' would be the suffix.
         */
        size_t ndigits = strspn(p + 1, "0123456789");
        g_autofree char *digits = NULL;

        if (!ndigits) {
            return -EINVAL;
        }
        digits = g_strndup(p, ndigits + 1);
        fraction = g_ascii_strtod(digits, NULL);
        p += ndigits + 1;
    }

    if (*p && (s = strchr(suffixes, g_ascii_toupper(*p)))) {
        p++;
    } else {
        s = strchr(suffixes, default_suffix);
    }
    if (!s || (fraction && s == suffixes)) {
        return -EINVAL;
    }
    if (end) {
        *end = p;
    } else if (*p) {
        return -EINVAL;
    }

    shift = (s - suffixes) * 10;
    mul = UINT64_C(1) << shift;
    if (val > UINT64_MAX / mul) {
        return -ERANGE;
    }
    val *= mul;
    if (fraction) {
        double extra = fraction * (double)mul;

        if ((double)val + extra >= 18446744073709551616.0) {
            return -ERANGE;
        }
        val += (uint64_t)extra;
    }
    *result = val;
    return 0;
}

int qemu_strtosz(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'B', result);
}

int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'M', result);
}
