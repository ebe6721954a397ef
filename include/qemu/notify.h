/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Notifier lists: a list of callbacks run on an event, in order of
 * registration (newest first, as in QEMU).
 */

#ifndef QEMU_NOTIFY_H
#define QEMU_NOTIFY_H

#include "qemu/queue.h"

typedef struct Notifier Notifier;

struct Notifier {
    void (*notify)(Notifier *notifier, void *data);
    QLIST_ENTRY(Notifier) node;
};

typedef struct NotifierList {
    QLIST_HEAD(, Notifier) notifiers;
} NotifierList;

#define NOTIFIER_LIST_INITIALIZER(head) \
    { QLIST_HEAD_INITIALIZER((head).notifiers) }

void notifier_list_init(NotifierList *list);
void notifier_list_add(NotifierList *list, Notifier *notifier);
void notifier_remove(Notifier *notifier);

/* A notifier may remove itself from the list while it runs. */
void notifier_list_notify(NotifierList *list, void *data);
bool notifier_list_empty(NotifierList *list);

#endif /* QEMU_NOTIFY_H */
