/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identifiers of user-created things (-device id=, -chardev id=...).
 */

#ifndef QEMU_ID_H
#define QEMU_ID_H

/*
 * id_wellformed: as QEMU, a letter, then letters, digits, '-', '.' and
 * '_'.  Callers refuse others with "Parameter 'id' expects an
 * identifier" and ID_WELLFORMED_HINT as the hint.
 */
bool id_wellformed(const char *id);

#define ID_WELLFORMED_HINT \
    "Identifiers consist of letters, digits, '-', '.', '_', starting with " \
    "a letter.\n"

#endif /* QEMU_ID_H */
