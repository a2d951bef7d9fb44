/* tree.c — YAML text -> a small tree of maps, sequences and scalars (libyaml).
 *
 * The only file of mtt that includes yaml.h; node operations are in node.c.  Every node keeps its
 * 1-based line:col (and its key's) so later stages can point at it.  Bounded:
 * depth <= MTT_TREE_MAX_DEPTH, nodes <= MTT_TREE_MAX_NODES, text length is
 * checked by the caller; aliases are refused (no expansion bombs), duplicate
 * keys and multiple documents are errors.  Cost: linear in the text.
 */
#include "config.h"

#include "options/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- event-driven parser --------------------------------------------------- */
typedef struct parse_ctx {
    yaml_parser_t parser;
    mtt_tree *t;
    const char *origin; /* for override values */
    mtt_error *err;
} parse_ctx;

static mtt_status next_event(parse_ctx *c, yaml_event_t *ev)
{
    if (yaml_parser_parse(&c->parser, ev)) return MTT_OK;
    const yaml_parser_t *p = &c->parser;
    const char *what = p->problem ? p->problem : "unreadable YAML";
    if (c->origin)
        return mtt_error_set(c->err, MTT_ERR_OPTIONS,
                             "--override %s: invalid YAML value: %s; quote the value",
                             c->origin, what);
    char ctx[200] = "";
    if (p->context)
        snprintf(ctx, sizeof ctx, " %s started at %lu:%lu", p->context,
                 (unsigned long)p->context_mark.line + 1, (unsigned long)p->context_mark.column + 1);
    return mtt_error_set(c->err, MTT_ERR_OPTIONS,
                         "%s:%lu:%lu: invalid YAML: %s%s; check indentation, colons and quotes",
                         c->t->source, (unsigned long)p->problem_mark.line + 1,
                         (unsigned long)p->problem_mark.column + 1, what, ctx);
}

static void set_pos(parse_ctx *c, mtt_node *n, const yaml_event_t *ev)
{
    n->line = (int)ev->start_mark.line + 1;
    n->col = (int)ev->start_mark.column + 1;
    n->key_line = n->line;
    n->key_col = n->col;
    n->origin = n->key_origin = c->origin;
}

static mtt_status node_error(parse_ctx *c, const yaml_event_t *ev, const char *msg)
{
    mtt_node at = {0};
    set_pos(c, &at, ev);
    return mtt_tree_fail(c->t, &at, 0, NULL, c->err, "%s", msg);
}

/* Build the node that starts with event ev (consumed).  depth bounds recursion. */
static mtt_status parse_node(parse_ctx *c, yaml_event_t *ev, int depth, mtt_node **out)
{
    mtt_status st = MTT_OK;
    mtt_node *n = NULL;
    yaml_event_t sub;
    *out = NULL;
    if (depth > MTT_TREE_MAX_DEPTH) {
        st = node_error(c, ev, "nesting too deep; options files are at most 32 levels deep");
        goto cleanup;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        st = node_error(c, ev, "YAML aliases (*name) are not supported; write the value out");
        goto cleanup;
    case YAML_SCALAR_EVENT:
        n = mtt_node_new(c->t, MTT_NODE_SCALAR, NULL);
        if (!n) goto toobig;
        set_pos(c, n, ev);
        n->value = malloc(ev->data.scalar.length + 1);
        if (!n->value) goto nomem;
        memcpy(n->value, ev->data.scalar.value, ev->data.scalar.length);
        n->value[ev->data.scalar.length] = '\0';
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
        break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        n = mtt_node_new(c->t, is_map ? MTT_NODE_MAP : MTT_NODE_SEQ, NULL);
        if (!n) goto toobig;
        set_pos(c, n, ev);
        for (;;) {
            if ((st = next_event(c, &sub)) != MTT_OK) goto cleanup;
            if (sub.type == YAML_MAPPING_END_EVENT || sub.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&sub);
                break;
            }
            char *key = NULL;
            int kl = 0, kc = 0;
            if (is_map) {
                if (sub.type != YAML_SCALAR_EVENT) {
                    st = node_error(c, &sub, "mapping keys must be plain names");
                    yaml_event_delete(&sub);
                    goto cleanup;
                }
                key = strndup((const char *)sub.data.scalar.value, sub.data.scalar.length);
                kl = (int)sub.start_mark.line + 1;
                kc = (int)sub.start_mark.column + 1;
                if (key && mtt_node_index(n, key) >= 0) {
                    char msg[400];
                    snprintf(msg, sizeof msg, "%.200s: duplicate key; keep only one", key);
                    st = node_error(c, &sub, msg);
                    free(key);
                    yaml_event_delete(&sub);
                    goto cleanup;
                }
                yaml_event_delete(&sub);
                if (!key) goto nomem;
                if ((st = next_event(c, &sub)) != MTT_OK) {
                    free(key);
                    goto cleanup;
                }
            }
            mtt_node *child = NULL;
            st = parse_node(c, &sub, depth + 1, &child);
            if (st != MTT_OK) {
                free(key);
                goto cleanup;
            }
            child->key = key;
            if (is_map) {
                child->key_line = kl;
                child->key_col = kc;
            }
            if (!mtt_node_push(n, child)) {
                mtt_node_free(child);
                goto nomem;
            }
        }
        break;
    }
    default:
        st = node_error(c, ev, "unexpected YAML structure");
        goto cleanup;
    }
    *out = n;
    n = NULL;
    goto cleanup;
toobig:
    st = node_error(c, ev, "too many entries; options files hold at most 20000 values");
    goto cleanup;
nomem:
    st = mtt_error_set(c->err, MTT_ERR_NOMEM, "out of memory while reading options");
cleanup:
    yaml_event_delete(ev);
    mtt_node_free(n);
    return st;
}

/* One document -> *out (NULL for an empty stream). */
static mtt_status parse_stream(parse_ctx *c, const char *text, size_t len, mtt_node **out)
{
    mtt_status st = MTT_OK;
    yaml_event_t ev;
    mtt_node *root = NULL;
    *out = NULL;
    if (!yaml_parser_initialize(&c->parser))
        return mtt_error_set(c->err, MTT_ERR_NOMEM, "out of memory initialising YAML");
    yaml_parser_set_input_string(&c->parser, (const unsigned char *)text, len);
    int docs = 0;
    for (;;) {
        if ((st = next_event(c, &ev)) != MTT_OK) goto cleanup;
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            st = node_error(c, &ev, "more than one YAML document; keep one");
            yaml_event_delete(&ev);
            goto cleanup;
        }
        if (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT ||
            type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT) {
            if ((st = parse_node(c, &ev, 0, &root)) != MTT_OK) goto cleanup;
            continue;
        }
        yaml_event_delete(&ev);
    }
    *out = root;
    root = NULL;
cleanup:
    mtt_node_free(root);
    yaml_parser_delete(&c->parser);
    return st;
}

mtt_status mtt_tree_parse(const char *text, size_t len, const char *source,
                          mtt_tree **out, mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_tree *t = calloc(1, sizeof *t);
    parse_ctx c = {.t = t, .err = err};
    *out = NULL;
    if (!t || !(t->source = strdup(source ? source : "<text>"))) goto nomem;
    if ((st = parse_stream(&c, text, len, &t->root)) != MTT_OK) goto cleanup;
    if (!t->root || mtt_scalar_is_null(t->root)) {
        mtt_node_free(t->root);
        t->root = mtt_node_new(t, MTT_NODE_MAP, NULL);
        if (!t->root) goto nomem;
        t->root->line = t->root->col = 1;
    } else if (t->root->kind != MTT_NODE_MAP) {
        st = mtt_tree_fail(t, t->root, 0, NULL, err,
                           "the options file must be a mapping of keys (like 'training_set: data.xyz')");
        goto cleanup;
    }
    *out = t;
    t = NULL;
    goto cleanup;
nomem:
    st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory while reading options");
cleanup:
    mtt_tree_free(t);
    return st;
}

static void set_origin(mtt_node *n, const char *origin)
{
    n->origin = n->key_origin = origin;
    for (size_t i = 0; i < n->n_child; i++) set_origin(n->child[i], origin);
}

mtt_status mtt_tree_parse_value(mtt_tree *t, const char *text, const char *origin,
                                mtt_node **out, mtt_error *err)
{
    parse_ctx c = {.t = t, .origin = origin, .err = err};
    mtt_node *n = NULL;
    *out = NULL;
    MTT_FORWARD_IF_ERROR(parse_stream(&c, text, strlen(text), &n));
    if (!n) n = mtt_node_new_scalar(t, "", 1, NULL); /* "key=" means null */
    if (!n) return mtt_error_set(err, MTT_ERR_NOMEM, "out of memory while reading options");
    set_origin(n, origin);
    *out = n;
    return MTT_OK;
}
