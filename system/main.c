/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu-system-x86_64's entry point.
 */

#include "qemu/osdep.h"
#include "system/system.h"
#include "system/runstate.h"

int main(int argc, char **argv)
{
    int status;

    qemu_init(argc, argv);
    status = qemu_main_loop();
    qemu_cleanup(status);
    return status;
}
