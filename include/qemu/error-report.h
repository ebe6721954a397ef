/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages for the user on stderr, QEMU's format:
 *
 *   qemu-system-x86_64: -device foo: 'foo' is not a valid device model name
 *
 * i.e. the program name, then the current location (a command-line option
 * while it is being processed), then the message.  error_report() is for
 * errors, warn_report() prefixes "warning: ", info_report() "info: ".
 * error_printf() prints without any prefix (for help text and hints).
 */

#ifndef QEMU_ERROR_REPORT_H
#define QEMU_ERROR_REPORT_H

/*
 * The location that prefixes messages, saved and restored around the
 * processing of a command-line option.
 */
typedef struct Location {
    /* all members are private to error-report.c */
    const char *str;
    struct Location *prev;
} Location;

Location *loc_push_none(Location *loc);
Location *loc_pop(Location *loc);
void loc_set_none(void);
void loc_set_str(const char *str);

void error_vprintf(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);
void error_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

void error_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);
void warn_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);
void info_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The name messages start with: g_get_prgname(), "qemu" if unset. */
const char *error_get_progname(void);

#endif /* QEMU_ERROR_REPORT_H */
