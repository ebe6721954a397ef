/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing of "key=value,key=value" option strings, as -device, -machine,
 * -chardev and -mon take them.  ",," stands for a literal comma.  The
 * first item may omit "key=" when the option has an implied key (the
 * driver of -device, the type of -machine).  A bare "help" or "?" item
 * reads as help=on.
 */

#ifndef QEMU_KEYVAL_H
#define QEMU_KEYVAL_H

typedef struct Error Error;

typedef struct KeyValPair {
    char *key;
    char *value;
} KeyValPair;

typedef struct KeyValList {
    KeyValPair *pairs;
    int n;
} KeyValList;

/*
 * Split @str; @implied_key names the first item when it has no '='
 * (NULL: every item needs one).  NULL with @errp set on malformed input.
 */
KeyValList *keyval_parse(const char *str, const char *implied_key,
                         Error **errp);
/* The value of @key, or NULL; the last occurrence wins. */
const char *keyval_get(const KeyValList *kv, const char *key);
void keyval_free(KeyValList *kv);
/*
 * Boolean @key of @kv ("on"/"yes"/"true", "off"/"no"/"false"), @def when
 * absent; false with "Parameter 'KEY' expects 'on' or 'off'" otherwise.
 */
bool keyval_get_bool(const KeyValList *kv, const char *key, bool def,
                     bool *value, Error **errp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KeyValList, keyval_free)

#endif /* QEMU_KEYVAL_H */
