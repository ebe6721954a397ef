/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server (system/qtest.c) and the qtest accelerator's
 * clock (accel/qtest/qtest.c).
 */

#ifndef SYSTEM_QTEST_H
#define SYSTEM_QTEST_H

/*
 * Serve the qtest protocol on the character device described by
 * @qtest_chrdev ("unix:PATH", "stdio", or the id of a -chardev), logging
 * to @qtest_log (a file name, "none" or NULL for no log).
 */
bool qtest_server_init(const char *qtest_chrdev, const char *qtest_log,
                       Error **errp);

/*
 * In-process clients, as QEMU's fuzzers drive the emulator they are
 * linked with (tests/qtest/fuzz/): the server hands every reply line,
 * with its newline, to @send instead of a chardev, and
 * qtest_server_inproc_recv() takes the client's command bytes.  Replies
 * are sent before qtest_server_inproc_recv() returns.
 */
void qtest_server_set_send_handler(void (*send)(void *opaque,
                                                 const char *str),
                                   void *opaque);
void qtest_server_inproc_recv(void *opaque, const char *buf);

int64_t qtest_get_virtual_clock(void);
void qtest_set_virtual_clock(int64_t count);

#endif /* SYSTEM_QTEST_H */
