/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Optional diagnostics, enabled per category (QEMU's -d option).
 *
 * qemu_log_mask(LOG_GUEST_ERROR, ...) is how emulation reports a guest
 * doing something wrong (an access nobody decodes, a bad register
 * value): the guest must not be able to crash us or flood the log, so
 * these are off unless asked for with qemu_set_log(), -d guest_errors
 * or the environment variable QEMU_LOG, e.g. QEMU_LOG=guest_errors,unimp.
 * Output goes to stderr, or to the file -D names.
 */

#ifndef QEMU_LOG_H
#define QEMU_LOG_H

typedef struct Error Error;

/* Categories; the values are QEMU's. */
#define LOG_UNIMP          (1 << 10)   /* unimplemented device features */
#define LOG_GUEST_ERROR    (1 << 11)   /* the guest did something invalid */
#define LOG_TRACE          (1 << 15)   /* -d trace:PATTERN was given */

/* The enabled categories; read often, so a plain variable. */
extern int qemu_loglevel;

static inline bool qemu_loglevel_mask(int mask)
{
    return (qemu_loglevel & mask) != 0;
}

/* Print unconditionally to the log (one call is one atomic write). */
void qemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#define qemu_log_mask(MASK, FMT, ...)                       \
    do {                                                    \
        if (unlikely(qemu_loglevel_mask(MASK))) {           \
            qemu_log(FMT, ## __VA_ARGS__);                  \
        }                                                   \
    } while (0)

/* Enable exactly @log_flags.  Returns true (no failure mode yet). */
bool qemu_set_log(int log_flags, Error **errp);

/*
 * Send the log to @filename (truncated) instead of stderr, as -D does;
 * NULL goes back to stderr.  False, with @errp set, when it cannot be
 * opened.
 */
bool qemu_set_log_filename(const char *filename, Error **errp);

/* "guest_errors,unimp" -> mask; 0 for an unknown name. */
int qemu_str_to_log_mask(const char *str);

/* List the category names, for -d help. */
void qemu_print_log_usage(FILE *f);

#endif /* QEMU_LOG_H */
