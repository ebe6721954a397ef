/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up and tear-down of the emulator (system/vl.c).
 */

#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

/* Parse the command line and build the machine; exits on error. */
void qemu_init(int argc, char **argv);

/* Release what qemu_init() built, before exiting with @status. */
void qemu_cleanup(int status);

typedef struct Chardev Chardev;

/* The chardev of COM port @i (-serial, in order), NULL if there is none. */
Chardev *serial_hd(int i);

#endif /* SYSTEM_SYSTEM_H */
