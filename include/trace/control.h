/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace points, QEMU's "log" backend.
 *
 * Events are declared in each subsystem's trace-events file and turned
 * into trace_NAME() functions by scripts/tracetool.py.  They are off
 * until enabled by name or glob pattern (-trace PATTERN, -d trace:PATTERN,
 * the QEMU_TRACE environment variable); an enabled event writes one line
 * "PID@SEC.USEC:NAME ARGS" to the log (stderr, or the file of -D or of
 * -trace file=).  docs/devel/tracing.md lists the events.
 */

#ifndef TRACE_CONTROL_H
#define TRACE_CONTROL_H

#include <sys/time.h>
#include "qemu/log.h"
#include "qemu/thread.h"

typedef struct TraceEvent {
    const char *name;
    /* Non-zero when enabled; read without a lock by trace_NAME(). */
    uint16_t *dstate;
} TraceEvent;

/* Called by generated code, once per trace-events file. */
void trace_event_register_group(TraceEvent **events);

/*
 * Enable (or, with a leading '-', disable) every event matching the glob
 * @pattern.  Returns false if nothing matched.
 */
bool trace_enable_events(const char *pattern);

/* Each line of @file is a pattern; '#' starts a comment. */
bool trace_init_events(const char *file, Error **errp);

/*
 * Parse the argument of -trace: "[enable=]PATTERN[,events=FILE]
 * [,file=FILE]"; "help" lists the events and exits.
 */
bool trace_opt_parse(const char *optarg, Error **errp);

/* Print every event name and whether it is enabled. */
void trace_list_events(FILE *f);

#endif /* TRACE_CONTROL_H */
