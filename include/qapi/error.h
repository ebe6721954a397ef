/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting through Error objects, QEMU's convention:
 *
 * A function that can fail takes "Error **errp" as its last parameter.
 * On failure it calls error_setg(errp, ...) (and returns false, NULL or
 * a negative value); on success it leaves *errp alone.  Callers pass:
 * - NULL to ignore the error;
 * - &error_abort when failure is a bug (abort with the message);
 * - &error_fatal to report the error and exit(1);
 * - &local_err to look at it, then error_propagate() or error_free() it.
 *
 * Messages are one short sentence, no trailing period or newline.
 */

#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

typedef struct Error Error;

extern Error *error_abort;
extern Error *error_fatal;

#define error_setg(errp, fmt, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        (fmt), ## __VA_ARGS__)
#define error_setg_errno(errp, os_error, fmt, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_error), (fmt), ## __VA_ARGS__)

void error_setg_internal(Error **errp,
                         const char *src, int line, const char *func,
                         const char *fmt, ...) G_GNUC_PRINTF(5, 6);
void error_setg_errno_internal(Error **errp,
                               const char *src, int line, const char *func,
                               int os_error, const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);

/* The message of @err. */
const char *error_get_pretty(const Error *err);

/* Prefix the message of *@errp (if any) with a formatted string. */
void error_prepend(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* A hint printed after the message by error_report_err(). */
void error_append_hint(Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/*
 * Move @local_err into @dst_errp: abort/exit for &error_abort and
 * &error_fatal, drop it for NULL or when *@dst_errp is already set.
 */
void error_propagate(Error **dst_errp, Error *local_err);

void error_free(Error *err);

/* error_report() the message (and hint) of @err, then free it. */
void error_report_err(Error *err);

/* Like error_report_err() but as a warning. */
void warn_report_err(Error *err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif /* QAPI_ERROR_H */
