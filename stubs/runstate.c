/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run state for programs without the emulator (unit tests, tools):
 * always running.  system/runstate.c, or a test defining these
 * functions, takes the place of this file (libqemuutil is static).
 */

#include "qemu/osdep.h"
#include "system/runstate.h"

const char *runstate_get_name(void)
{
    return "running";
}

bool runstate_is_running(void)
{
    return true;
}
