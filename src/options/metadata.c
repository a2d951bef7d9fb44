/* metadata.c — ModelMetadata YAML ↔ struct (metadata.h).
 *
 * Parsing reuses the options tree (tree.c), so positions in messages and the
 * input bounds are those of options files.  Cost: linear in the text.
 */
#include "config.h"

#include "options/metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options/internal.h"
#include "util/file.h"

const char *const mtt_metadata_reference_kind[MTT_REF_COUNT] = {
    [MTT_REF_ARCHITECTURE] = "architecture",
    [MTT_REF_MODEL] = "model",
    [MTT_REF_IMPLEMENTATION] = "implementation",
};

#define TOP_KEYS "name, description, authors, references, extra"
#define REF_KEYS "architecture, model, implementation"
#define NOMEM(err) mtt_error_set(err, MTT_ERR_NOMEM, "out of memory reading metadata")

static mtt_status text_of(const mtt_tree *t, const mtt_node *n, const char *key, char **out,
                          mtt_error *err)
{
    if (n->kind != MTT_NODE_SCALAR)
        return mtt_tree_fail(t, n, 0, key, err, "expected a text, found a %s",
                             n->kind == MTT_NODE_MAP ? "mapping" : "list");
    free(*out);
    *out = strdup(mtt_scalar_is_null(n) ? "" : n->value);
    return *out ? MTT_OK : NOMEM(err);
}

/* A list of texts (a single text is a list of one). */
static mtt_status list_of(const mtt_tree *t, const mtt_node *n, const char *key, size_t *count,
                          char ***out, mtt_error *err)
{
    if (n->kind == MTT_NODE_MAP)
        return mtt_tree_fail(t, n, 0, key, err, "expected a list of texts, found a mapping");
    if (n->kind == MTT_NODE_SCALAR && mtt_scalar_is_null(n)) return MTT_OK;
    size_t k = n->kind == MTT_NODE_SEQ ? n->n_child : 1;
    char **items = calloc(k ? k : 1, sizeof *items);
    if (!items) return NOMEM(err);
    *out = items;
    for (size_t i = 0; i < k; ++i) {
        const mtt_node *item = n->kind == MTT_NODE_SEQ ? n->child[i] : n;
        if (item->kind != MTT_NODE_SCALAR)
            return mtt_tree_fail(t, item, 0, key, err, "expected a list of texts, found a "
                                 "nested %s", item->kind == MTT_NODE_MAP ? "mapping" : "list");
        if (!(items[i] = strdup(item->value))) return NOMEM(err);
        *count = i + 1;
    }
    return MTT_OK;
}

static mtt_status parse_tree(const mtt_tree *t, mtt_metadata *m, mtt_error *err)
{
    const mtt_node *root = t->root;
    for (size_t i = 0; i < root->n_child; ++i) {
        const mtt_node *c = root->child[i];
        const char *k = c->key;
        if (!strcmp(k, "name")) {
            MTT_FORWARD_IF_ERROR(text_of(t, c, k, &m->name, err));
        } else if (!strcmp(k, "description")) {
            MTT_FORWARD_IF_ERROR(text_of(t, c, k, &m->description, err));
        } else if (!strcmp(k, "authors")) {
            MTT_FORWARD_IF_ERROR(list_of(t, c, k, &m->n_authors, &m->authors, err));
        } else if (!strcmp(k, "references")) {
            if (c->kind == MTT_NODE_SCALAR && mtt_scalar_is_null(c)) continue;
            if (c->kind != MTT_NODE_MAP)
                return mtt_tree_fail(t, c, 0, k, err, "expected a mapping with the keys " REF_KEYS);
            for (size_t j = 0; j < c->n_child; ++j) {
                const mtt_node *r = c->child[j];
                int kind = -1;
                for (int q = 0; q < MTT_REF_COUNT; ++q)
                    if (!strcmp(r->key, mtt_metadata_reference_kind[q])) kind = q;
                char path[300];
                snprintf(path, sizeof path, "references.%s", r->key);
                if (kind < 0)
                    return mtt_tree_fail(t, r, 1, path, err,
                                         "unknown key; the allowed keys are " REF_KEYS);
                if (m->references[kind])
                    return mtt_tree_fail(t, r, 1, path, err, "given twice");
                MTT_FORWARD_IF_ERROR(list_of(t, r, path, &m->n_references[kind],
                                             &m->references[kind], err));
            }
        } else if (!strcmp(k, "extra")) {
            if (c->kind == MTT_NODE_SCALAR && mtt_scalar_is_null(c)) continue;
            if (c->kind != MTT_NODE_MAP)
                return mtt_tree_fail(t, c, 0, k, err,
                                     "expected a mapping of keys to texts (like 'dataset: ethanol')");
            m->extra_keys = calloc(c->n_child ? c->n_child : 1, sizeof *m->extra_keys);
            m->extra_values = calloc(c->n_child ? c->n_child : 1, sizeof *m->extra_values);
            if (!m->extra_keys || !m->extra_values) return NOMEM(err);
            for (size_t j = 0; j < c->n_child; ++j) {
                const mtt_node *e = c->child[j];
                char path[300];
                snprintf(path, sizeof path, "extra.%s", e->key);
                if (e->kind != MTT_NODE_SCALAR)
                    return mtt_tree_fail(t, e, 0, path, err, "expected a text, found a %s",
                                         e->kind == MTT_NODE_MAP ? "mapping" : "list");
                if (!(m->extra_keys[j] = strdup(e->key)) ||
                    !(m->extra_values[j] = strdup(mtt_scalar_is_null(e) ? "" : e->value)))
                    return NOMEM(err);
                m->n_extra = j + 1;
            }
        } else {
            return mtt_tree_fail(t, c, 1, k, err, "unknown key; the allowed keys are " TOP_KEYS
                                 " (put anything else under extra)");
        }
    }
    return MTT_OK;
}

mtt_status mtt_metadata_parse(const char *text, const char *name, mtt_metadata **out,
                              mtt_error *err)
{
    mtt_tree *t = NULL;
    mtt_metadata *m = calloc(1, sizeof *m);
    mtt_status st = MTT_OK;
    *out = NULL;
    if (!m) return NOMEM(err);
    if (text && *text) {
        st = mtt_tree_parse(text, strlen(text), name ? name : "<metadata>", &t, err);
        if (st == MTT_ERR_OPTIONS && strstr(err->msg, "must be a mapping"))
            st = mtt_error_set(err, MTT_ERR_OPTIONS, "%s: metadata must be a mapping with the "
                               "keys " TOP_KEYS, name ? name : "<metadata>");
        if (st == MTT_OK) st = parse_tree(t, m, err);
    }
    if (st == MTT_OK && !m->name && !(m->name = strdup(""))) st = NOMEM(err);
    if (st == MTT_OK && !m->description && !(m->description = strdup(""))) st = NOMEM(err);
    mtt_tree_free(t);
    if (st != MTT_OK) {
        /* the tree parser words its errors for options files */
        mtt_metadata_free(m);
        return st;
    }
    *out = m;
    return MTT_OK;
}

mtt_status mtt_metadata_load_file(const char *path, mtt_metadata **out, mtt_error *err)
{
    char *text = NULL;
    *out = NULL;
    MTT_FORWARD_IF_ERROR(mtt_file_read_text(path, MTT_OPTIONS_MAX_BYTES, "metadata file", &text,
                                            NULL, err));
    mtt_status st = mtt_metadata_parse(text, path, out, err);
    free(text);
    return st;
}

/* ---- writing ---------------------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int bad;
} sbuf;

static void add(sbuf *b, const char *s, size_t n)
{
    if (b->bad) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { b->bad = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void adds(sbuf *b, const char *s) { add(b, s, strlen(s)); }

/* A double-quoted YAML scalar; bytes ≥ 0x80 (UTF-8) are kept as they are. */
static void quoted(sbuf *b, const char *s)
{
    adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            add(b, esc, 2);
        } else if (*p == '\n') {
            adds(b, "\\n");
        } else if (*p == '\t') {
            adds(b, "\\t");
        } else if (*p < 0x20 || *p == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", *p);
            adds(b, esc);
        } else {
            add(b, (const char *)p, 1);
        }
    }
    adds(b, "\"");
}

static void list(sbuf *b, const char *indent, size_t n, char *const *items)
{
    if (!n) { adds(b, " []\n"); return; }
    adds(b, "\n");
    for (size_t i = 0; i < n; ++i) {
        adds(b, indent);
        adds(b, "- ");
        quoted(b, items[i]);
        adds(b, "\n");
    }
}

mtt_status mtt_metadata_to_yaml(const mtt_metadata *m, char **text, mtt_error *err)
{
    sbuf b = {NULL, 0, 0, 0};
    adds(&b, "name: ");
    quoted(&b, m->name ? m->name : "");
    adds(&b, "\ndescription: ");
    quoted(&b, m->description ? m->description : "");
    adds(&b, "\nauthors:");
    list(&b, "  ", m->n_authors, m->authors);
    adds(&b, "references:\n");
    for (int k = 0; k < MTT_REF_COUNT; ++k) {
        adds(&b, "  ");
        adds(&b, mtt_metadata_reference_kind[k]);
        adds(&b, ":");
        list(&b, "    ", m->n_references[k], m->references[k]);
    }
    adds(&b, "extra:");
    if (!m->n_extra) adds(&b, " {}\n");
    else adds(&b, "\n");
    for (size_t i = 0; i < m->n_extra; ++i) {
        adds(&b, "  ");
        quoted(&b, m->extra_keys[i]);
        adds(&b, ": ");
        quoted(&b, m->extra_values[i]);
        adds(&b, "\n");
    }
    if (b.bad || !b.p) {
        free(b.p);
        return NOMEM(err);
    }
    *text = b.p;
    return MTT_OK;
}

static void free_list(size_t n, char **items)
{
    for (size_t i = 0; i < n; ++i) free(items[i]);
    free(items);
}

void mtt_metadata_free(mtt_metadata *m)
{
    if (!m) return;
    free(m->name);
    free(m->description);
    free_list(m->n_authors, m->authors);
    for (int k = 0; k < MTT_REF_COUNT; ++k) free_list(m->n_references[k], m->references[k]);
    free_list(m->n_extra, m->extra_keys);
    free_list(m->n_extra, m->extra_values);
    free(m);
}
