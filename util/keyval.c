/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "key=value,..." option strings.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qemu/keyval.h"

/* Read up to an unescaped @stop or ','; ",," yields ','. */
static const char *keyval_read(const char *p, char stop, GString *out)
{
    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        } else if (*p == stop) {
            break;
        }
        g_string_append_c(out, *p++);
    }
    return p;
}

KeyValList *keyval_parse(const char *str, const char *implied_key,
                         Error **errp)
{
    KeyValList *kv = g_new0(KeyValList, 1);
    GArray *pairs = g_array_new(FALSE, TRUE, sizeof(KeyValPair));
    const char *p = str;
    bool first = true;

    while (*p) {
        g_autoptr(GString) key = g_string_new(NULL);
        g_autoptr(GString) value = g_string_new(NULL);
        KeyValPair pair;
        const char *q = keyval_read(p, '=', key);

        if (*q == '=') {
            p = keyval_read(q + 1, '\0', value);
        } else if (!strcmp(key->str, "help") || !strcmp(key->str, "?")) {
            /* "driver,help": a bare help request. */
            g_string_assign(key, "help");
            g_string_assign(value, "on");
            p = q;
        } else if (first && implied_key) {
            g_string_assign(value, key->str);
            g_string_assign(key, implied_key);
            p = q;
        } else {
            error_setg(errp, "Expected '=' after parameter '%s'", key->str);
            goto fail;
        }
        if (!key->len) {
            error_setg(errp, "Invalid parameter ''");
            goto fail;
        }
        pair.key = g_strdup(key->str);
        pair.value = g_strdup(value->str);
        g_array_append_val(pairs, pair);
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    kv->n = pairs->len;
    kv->pairs = (KeyValPair *)g_array_free(pairs, FALSE);
    return kv;

fail:
    kv->n = pairs->len;
    kv->pairs = (KeyValPair *)g_array_free(pairs, FALSE);
    keyval_free(kv);
    return NULL;
}

const char *keyval_get(const KeyValList *kv, const char *key)
{
    int i;

    for (i = kv->n - 1; i >= 0; i--) {
        if (!strcmp(kv->pairs[i].key, key)) {
            return kv->pairs[i].value;
        }
    }
    return NULL;
}

bool keyval_get_bool(const KeyValList *kv, const char *key, bool def,
                     bool *value, Error **errp)
{
    const char *str = keyval_get(kv, key);

    if (!str) {
        *value = def;
        return true;
    }
    return qapi_bool_parse(key, str, value, errp);
}

void keyval_free(KeyValList *kv)
{
    int i;

    if (!kv) {
        return;
    }
    for (i = 0; i < kv->n; i++) {
        g_free(kv->pairs[i].key);
        g_free(kv->pairs[i].value);
    }
    g_free(kv->pairs);
    g_free(kv);
}
