/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages for the user: program name, location, message.
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"

/* The innermost location; the bottom one has no text. */
static Location std_loc;
static Location *cur_loc = &std_loc;

Location *loc_push_none(Location *loc)
{
    loc->str = NULL;
    loc->prev = cur_loc;
    cur_loc = loc;
    return loc;
}

Location *loc_pop(Location *loc)
{
    assert(cur_loc == loc && loc->prev && "loc_pop: unbalanced");
    cur_loc = loc->prev;
    loc->prev = NULL;
    return loc;
}

void loc_set_none(void)
{
    cur_loc->str = NULL;
}

void loc_set_str(const char *str)
{
    cur_loc->str = str;
}

const char *error_get_progname(void)
{
    const char *name = g_get_prgname();

    return name ? name : "qemu";
}

void error_vprintf(const char *fmt, va_list ap)
{
    vfprintf(stderr, fmt, ap);
}

void error_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprintf(fmt, ap);
    va_end(ap);
}

static void vreport(const char *type, const char *fmt, va_list ap)
{
    GString *msg = g_string_new(NULL);

    g_string_append_printf(msg, "%s: ", error_get_progname());
    if (cur_loc->str) {
        g_string_append_printf(msg, "%s: ", cur_loc->str);
    }
    if (type) {
        g_string_append_printf(msg, "%s: ", type);
    }
    g_string_append_vprintf(msg, fmt, ap);
    g_string_append_c(msg, '\n');

    /* One write, so that messages from several threads do not interleave. */
    fputs(msg->str, stderr);
    fflush(stderr);
    g_string_free(msg, TRUE);
}

void error_vreport(const char *fmt, va_list ap)
{
    vreport(NULL, fmt, ap);
}

void warn_vreport(const char *fmt, va_list ap)
{
    vreport("warning", fmt, ap);
}

void info_vreport(const char *fmt, va_list ap)
{
    vreport("info", fmt, ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(NULL, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("info", fmt, ap);
    va_end(ap);
}
