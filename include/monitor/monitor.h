/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitors: QMP servers on chardevs.  QEMU's human monitor (HMP) is not
 * provided.  The emulator creates them from the command line:
 *
 *   -mon chardev=ID,mode=control   monitor_init_opts()
 *   -qmp unix:PATH | -qmp stdio    monitor_init_qmp_chardev()
 *
 * and tests from a chardev with monitor_new_qmp().
 */

#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "chardev/char.h"

/*
 * monitor_new_qmp: serve QMP on @chr: each time a peer connects it gets
 * the greeting and must negotiate capabilities.  Fails with "Device 'ID'
 * is in use" when @chr has another front end.
 */
bool monitor_new_qmp(Chardev *chr, Error **errp);

/*
 * monitor_init_opts: the argument of -mon: "chardev=ID,mode=control" (the
 * first item may omit "chardev=").
 */
bool monitor_init_opts(const char *optarg, Error **errp);

/*
 * monitor_init_qmp_chardev: the argument of -qmp, a legacy chardev spec
 * ("unix:PATH[,server=on,wait=off]", "stdio"); the chardev is labelled
 * "compat_monitor0", "compat_monitor1"... as in QEMU.
 */
bool monitor_init_qmp_chardev(const char *spec, Error **errp);

/*
 * monitor_cleanup: destroy every monitor (at exit), detaching them from
 * their chardevs (which qemu_chr_cleanup() deletes).
 */
void monitor_cleanup(void);

#endif /* MONITOR_MONITOR_H */
