/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: drive an emulator through the qtest protocol and QMP.
 *
 * A QTestState is one emulator process started from $QTEST_QEMU_BINARY,
 * connected on two unix sockets: the line-based qtest socket (memory, I/O
 * ports, virtual clock, IRQ lines) and a QMP monitor.  The protocol is
 * described in docs/devel/qtest.md (and in the shared
 * docs/qtest-protocol.md).
 *
 * Failures of the emulator (a reply that is not OK, a closed socket, an
 * exit status other than the expected one) fail the running test; an
 * aborting test kills every emulator it started, so none is left behind.
 *
 * QMP messages are json-glib objects.  Functions returning a JsonObject
 * return a new reference: release it with json_object_unref().
 */

#ifndef LIBQTEST_H
#define LIBQTEST_H

#include <json-glib/json-glib.h>

typedef struct QTestState QTestState;

/* Highest IRQ number tracked from "IRQ raise/lower N" lines, plus one. */
#define QTEST_MAX_IRQ 256

/* For qtest_set_expected_status(): accept any exit, even by a signal. */
#define QTEST_EXIT_ANY (-1)

/*
 * qtest_inproc_init: a client of a qtest server in this process, as
 * QEMU's fuzzers (tests/qtest/fuzz/) drive the emulator they link: every
 * command line goes to @send (qtest_server_inproc_recv()), and the server
 * hands its replies to qtest_client_inproc_recv() with the state as
 * opaque (qtest_server_set_send_handler()).  No QMP; qtest_quit() frees
 * it.  With QTEST_LOG set, commands are echoed to stderr, so a fuzzer's
 * crash can be replayed through "-qtest stdio".
 */
QTestState *qtest_inproc_init(void (*send)(void *opaque, const char *buf));
void qtest_client_inproc_recv(void *opaque, const char *str);

/* Whether @s has a QMP connection (in-process clients have none). */
bool qtest_has_qmp(QTestState *s);

/*
 * The emulator binary: $QTEST_QEMU_BINARY, else the build tree's default
 * passed by meson in $QTEST_QEMU_BINARY_DEFAULT.  Exits the process with
 * a message when neither names one.
 */
const char *qtest_qemu_binary(void);

/*
 * $QTEST_QEMU_WRAPPER: shell words put before the binary on every
 * emulator command line (e.g. "valgrind --error-exitcode=99
 * --log-file=/tmp/vg.%p"), or NULL.  The wrapper must exec the emulator
 * in the same process and keep stdout/stderr clean, since tests signal
 * the pid and look at the messages.
 */
const char *qtest_qemu_wrapper(void);

/*
 * Whether "$QTEST_QEMU_BINARY -accel help" lists @name.  Asked once per
 * process.  A binary that lists no accelerator at all is taken to be
 * qtest-capable (the protocol's reference command line uses -accel qtest).
 */
bool qtest_has_accel(const char *name);

/*
 * Whether the binary is upstream QEMU rather than this tree's (its
 * -version does not say "qemu-lab"), for cases that check behaviour only
 * ours has.  Asked once per process.
 */
bool qtest_qemu_is_upstream(void);

/*
 * Whether "-netdev help" lists backend @type ("user": built with
 * libslirp).  Asked once per process.
 */
bool qtest_has_netdev(const char *type);

/*
 * Whether the binary knows device type @name (qom-list-types of a
 * throw-away instance, asked once per process).  False when the binary
 * cannot answer qom-list-types.
 */
bool qtest_has_device(const char *name);

/*
 * Start an emulator with @extra_args (split by /bin/sh) appended to the
 * standard command line; complete the QMP handshake.  Binaries without
 * the qtest accelerator are started with "-accel tcg -S" instead: the
 * vCPUs never run, but the virtual clock is then not test-controlled.
 */
QTestState *qtest_init(const char *extra_args);
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
QTestState *qtest_vinitf(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

/* Like qtest_init() but leaves the QMP greeting unread, no negotiation. */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);

/*
 * Stop the emulator (SIGTERM, SIGKILL after 30 s) and free @s.  The exit
 * status must be the expected one (0 unless changed), else the current
 * test fails.
 */
void qtest_quit(QTestState *s);

/* Exit status qtest_quit() accepts: a code, or QTEST_EXIT_ANY. */
void qtest_set_expected_status(QTestState *s, int status);

/* Whether the child still runs (reaps it when it has exited). */
bool qtest_probe_child(QTestState *s);

/* The emulator's process id (-1 once it has been reaped). */
pid_t qtest_pid(QTestState *s);

/* False when started without -accel qtest: clock commands unavailable. */
bool qtest_clock_controllable(QTestState *s);

bool qtest_big_endian(QTestState *s);

/*
 * Send one raw qtest command line (no newline) and return the reply line
 * without its newline, IRQ lines skipped; NULL when the emulator closed
 * the connection instead.  For tests of the protocol's error replies.
 */
char *qtest_cmd_raw(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The same for @len bytes that may hold anything, NUL bytes included. */
char *qtest_cmd_raw_len(QTestState *s, const char *line, size_t len);

/* Guest memory, through the system address space. */
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);

/* Bulk access: hex ("read"/"write") or base64 ("b64read"/"b64write"). */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern,
                  size_t size);

/* I/O ports. */
uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);
void qtest_outb(QTestState *s, uint16_t port, uint8_t value);
void qtest_outw(QTestState *s, uint16_t port, uint16_t value);
void qtest_outl(QTestState *s, uint16_t port, uint32_t value);

/*
 * Virtual clock (only when qtest_clock_controllable()).  Each returns the
 * clock after the command, in ns; a FAIL reply fails the test.
 */
int64_t qtest_clock_step(QTestState *s, int64_t step);
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_set(QTestState *s, int64_t val);

/*
 * IRQ lines.  After an intercept, the levels announced by the emulator are
 * tracked; qtest_get_irq() first syncs with the emulator so that every
 * change caused by earlier commands has been seen.
 */
void qtest_irq_intercept_in(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out(QTestState *s, const char *qom_path);
bool qtest_get_irq(QTestState *s, int num);
/* @name NULL means the device's unnamed GPIO inputs. */
void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level);

/*
 * QMP.  Format strings are JSON with QEMU's conventions: strings may use
 * single quotes; outside strings %s interpolates a JSON string (quoted and
 * escaped), %d/%ld/%lld/%u/%lu/%llu (and PRId64/PRIu64) an integer, %i a
 * boolean (an int, non-zero meaning true), %f/%g a number and %% a '%'.
 *
 * qtest_qmp() sends a command and returns its reply; events that arrive
 * first are queued for qtest_qmp_eventwait() and friends.
 */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send text as it is, not checked nor reformatted (for bad input). */
void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Next message of any kind, events included. */
JsonObject *qtest_qmp_receive_dict(QTestState *s);
/* Next message that is not an event; events are queued. */
JsonObject *qtest_qmp_receive(QTestState *s);
/* The reply must have "return"; the first returns that member, if an
 * object (NULL otherwise). */
JsonObject *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Wait for event @event (queued ones first); other events stay queued. */
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event);
void qtest_qmp_eventwait(QTestState *s, const char *event);
/* Take a queued @event without waiting; NULL when none is queued. */
JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event);

/* Whether @rsp is an error reply.  Releases @rsp. */
bool qmp_rsp_is_err(JsonObject *rsp);
/* @rsp must be an error of class @class.  Releases @rsp. */
void qmp_expect_error_and_unref(JsonObject *rsp, const char *class);

#endif /* LIBQTEST_H */
