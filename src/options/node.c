/* node.c — the options tree's nodes: create, find, replace, locate errors.
 *
 * Plain data, no libyaml: the parser (tree.c), the overrides, the expansion
 * and the walker all edit the tree through these few functions.  Each node
 * owns its children, its key and its text.  Lookups are linear in the number
 * of siblings (tens at most).
 */
#include "config.h"

#include "options/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mtt_node *mtt_node_new(mtt_tree *t, mtt_node_kind kind, const mtt_node *where)
{
    if (t && t->n_nodes >= MTT_TREE_MAX_NODES) return NULL;
    mtt_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    if (t) t->n_nodes++;
    n->kind = kind;
    if (where) {
        n->line = where->line;
        n->col = where->col;
        n->origin = where->origin;
    }
    n->key_line = n->line;
    n->key_col = n->col;
    n->key_origin = n->origin;
    return n;
}

mtt_node *mtt_node_new_scalar(mtt_tree *t, const char *value, int plain,
                              const mtt_node *where)
{
    mtt_node *n = mtt_node_new(t, MTT_NODE_SCALAR, where);
    if (!n) return NULL;
    n->value = strdup(value ? value : "");
    if (!n->value) {
        free(n);
        return NULL;
    }
    n->plain = plain;
    return n;
}

void mtt_node_free(mtt_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n_child; i++) mtt_node_free(n->child[i]);
    free(n->child);
    free(n->key);
    free(n->value);
    free(n);
}

void mtt_tree_free(mtt_tree *t)
{
    if (!t) return;
    mtt_node_free(t->root);
    for (size_t i = 0; i < t->n_origins; i++) free(t->origins[i]);
    free(t->origins);
    free(t->source);
    free(t);
}

long mtt_node_index(const mtt_node *map, const char *key)
{
    if (!map || map->kind != MTT_NODE_MAP) return -1;
    for (size_t i = 0; i < map->n_child; i++)
        if (strcmp(map->child[i]->key, key) == 0) return (long)i;
    return -1;
}

mtt_node *mtt_node_get(const mtt_node *map, const char *key)
{
    long i = mtt_node_index(map, key);
    return i < 0 ? NULL : map->child[i];
}

int mtt_node_push(mtt_node *parent, mtt_node *child)
{
    if (parent->n_child == parent->cap_child) {
        size_t cap = parent->cap_child ? 2 * parent->cap_child : 4;
        mtt_node **c = realloc(parent->child, cap * sizeof *c);
        if (!c) return 0;
        parent->child = c;
        parent->cap_child = cap;
    }
    parent->child[parent->n_child++] = child;
    return 1;
}

mtt_status mtt_node_add(mtt_node *map, const char *key, mtt_node *value)
{
    if (!value) return MTT_ERR_NOMEM;
    if (!value->key) value->key = strdup(key);
    if (!value->key || !mtt_node_push(map, value)) {
        mtt_node_free(value);
        return MTT_ERR_NOMEM;
    }
    return MTT_OK;
}

void mtt_node_replace(mtt_node *map, size_t i, mtt_node *value)
{
    mtt_node *old = map->child[i];
    free(value->key);
    value->key = old->key;
    value->key_line = old->key_line;
    value->key_col = old->key_col;
    value->key_origin = old->key_origin;
    old->key = NULL;
    mtt_node_free(old);
    map->child[i] = value;
}

void mtt_node_remove(mtt_node *map, size_t i)
{
    mtt_node_free(map->child[i]);
    memmove(map->child + i, map->child + i + 1,
            (map->n_child - i - 1) * sizeof *map->child);
    map->n_child--;
}

mtt_node *mtt_tree_lookup(const mtt_tree *t, const char *path)
{
    const mtt_node *n = t->root;
    char seg[256];
    while (n && *path) {
        size_t len = strcspn(path, ".");
        if (len >= sizeof seg) return NULL;
        memcpy(seg, path, len);
        seg[len] = '\0';
        n = mtt_node_get(n, seg);
        path += len + (path[len] == '.');
    }
    return (mtt_node *)n;
}

mtt_status mtt_tree_fail(const mtt_tree *t, const mtt_node *at, int at_key,
                         const char *path, mtt_error *err, const char *fmt, ...)
{
    char msg[MTT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *origin = at ? (at_key ? at->key_origin : at->origin) : NULL;
    if (origin) return mtt_error_set(err, MTT_ERR_OPTIONS, "--override %s: %s", origin, msg);
    int line = at ? (at_key ? at->key_line : at->line) : 1;
    int col = at ? (at_key ? at->key_col : at->col) : 1;
    if (line < 1) line = col = 1;
    if (path && *path)
        return mtt_error_set(err, MTT_ERR_OPTIONS, "%s:%d:%d: %s: %s", t->source, line,
                             col, path, msg);
    return mtt_error_set(err, MTT_ERR_OPTIONS, "%s:%d:%d: %s", t->source, line, col, msg);
}

int mtt_scalar_is_null(const mtt_node *n)
{
    if (!n || n->kind != MTT_NODE_SCALAR || !n->plain) return 0;
    const char *v = n->value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

int mtt_scalar_bool(const mtt_node *n, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                      "on", "On", "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
                                     "off", "Off", "OFF"};
    if (!n || n->kind != MTT_NODE_SCALAR || !n->plain) return 0;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (!strcmp(n->value, yes[i])) return *out = 1, 1;
        if (!strcmp(n->value, no[i])) return *out = 0, 1;
    }
    return 0;
}

