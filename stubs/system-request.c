/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shutdown and reset requests for programs without the emulator (unit
 * tests, tools): there is no machine to act on, so they do nothing.
 * system/runstate.c, or a test defining these functions, takes the place
 * of this file (libqemuutil is static).
 */

#include "qemu/osdep.h"
#include "system/runstate.h"

void qemu_system_shutdown_request(ShutdownCause reason)
{
}

void qemu_system_reset_request(ShutdownCause reason)
{
}
