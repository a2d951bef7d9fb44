/* internal.h — shared between the files of the options module only.
 *
 * Pipeline: text --tree.c (libyaml)--> mtt_tree (node.c)
 *   --expand.c pass 1 (text shorthands)--> --override.c (-r key=value)-->
 *   --expand.c pass 2 (all rules)--> canonical tree --apply.c (schema rows:
 *   type, bounds, storage)--> struct --validate.c--> cross checks and
 *   derived defaults.  writer.c prints/writes the struct from the table.
 * Tree nodes remember where they came from (file line:col, or the --override
 * text) so every error can point at it.
 */
#ifndef MTT_OPTIONS_INTERNAL_H
#define MTT_OPTIONS_INTERNAL_H

#include <stddef.h>

#include "options/options.h"
#include "util/status.h"

#define MTT_TREE_MAX_DEPTH 32
#define MTT_TREE_MAX_NODES 20000

/* ---- the YAML tree -------------------------------------------------------- */
typedef enum mtt_node_kind { MTT_NODE_SCALAR, MTT_NODE_MAP, MTT_NODE_SEQ } mtt_node_kind;

typedef struct mtt_node {
    mtt_node_kind kind;
    char *key;              /* key in the parent mapping; NULL for root/items */
    char *value;            /* scalar text (MTT_NODE_SCALAR) */
    int plain;              /* unquoted, untagged: may be a number/bool/null */
    int line, col;          /* 1-based position of the value */
    int key_line, key_col;  /* 1-based position of the key */
    const char *origin;     /* NULL: the file; else the --override text */
    const char *key_origin;
    struct mtt_node **child; /* map values (with key) or sequence items */
    size_t n_child, cap_child;
} mtt_node;

typedef struct mtt_tree {
    char *source;           /* file name for messages */
    mtt_node *root;         /* always a mapping */
    char **origins;         /* owned copies of the override texts */
    size_t n_origins;
    size_t n_nodes;         /* bounded by MTT_TREE_MAX_NODES */
} mtt_tree;

/* Parse text (len bytes) into a tree whose root is a mapping. */
mtt_status mtt_tree_parse(const char *text, size_t len, const char *source,
                          mtt_tree **out, mtt_error *err);
/* Parse one override value into a detached node (origin set on all nodes). */
mtt_status mtt_tree_parse_value(mtt_tree *t, const char *text, const char *origin,
                                mtt_node **out, mtt_error *err);
void mtt_tree_free(mtt_tree *t);
void mtt_node_free(mtt_node *n);

mtt_node *mtt_node_new(mtt_tree *t, mtt_node_kind kind, const mtt_node *where);
mtt_node *mtt_node_new_scalar(mtt_tree *t, const char *value, int plain,
                              const mtt_node *where);
mtt_node *mtt_node_get(const mtt_node *map, const char *key);
/* Append child (no key handling); 0 when out of memory. */
int mtt_node_push(mtt_node *parent, mtt_node *child);
/* Append value under key (takes ownership of value; key copied). */
mtt_status mtt_node_add(mtt_node *map, const char *key, mtt_node *value);
/* Replace the child at index i by value (old one freed; key kept). */
void mtt_node_replace(mtt_node *map, size_t i, mtt_node *value);
void mtt_node_remove(mtt_node *map, size_t i);
long mtt_node_index(const mtt_node *map, const char *key);
/* Node at a dotted path from root, or NULL. */
mtt_node *mtt_tree_lookup(const mtt_tree *t, const char *path);

/* Format an error at a node: "FILE:L:C: PATH: msg" or "--override X: msg".
 * at_key: use the key's position instead of the value's. */
mtt_status mtt_tree_fail(const mtt_tree *t, const mtt_node *at, int at_key,
                         const char *path, mtt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* YAML 1.1 scalar classification of plain scalars. */
int mtt_scalar_is_null(const mtt_node *n);
int mtt_scalar_bool(const mtt_node *n, int *out); /* 1 when a boolean */

/* ---- overrides and expansion ---------------------------------------------- */
mtt_status mtt_options_apply_overrides(mtt_tree *t, const char *const *ov, size_t n,
                                       mtt_error *err);
/* full = 0: text shorthands only (before overrides); 1: everything. */
mtt_status mtt_options_expand(mtt_tree *t, int full, mtt_error *err);

/* ---- the schema table ----------------------------------------------------- */
typedef enum mtt_opt_type {
    MTT_OPT_BOOL,
    MTT_OPT_INT,
    MTT_OPT_INT64,
    MTT_OPT_DOUBLE,
    MTT_OPT_STRING,      /* NULL allowed (YAML null) unless a default is set */
    MTT_OPT_LOSS,        /* mtt_loss_type, from choices */
    MTT_OPT_INT_LIST,    /* int * at offset, size_t count at aux_offset */
    MTT_OPT_DATASET,     /* mtt_dataset_opts: a block, or a fraction within bounds */
    MTT_OPT_TYPE_COUNT
} mtt_opt_type;

typedef enum mtt_opt_scope {
    MTT_SCOPE_ROOT,      /* path from the top; offset into mtt_options */
    MTT_SCOPE_DATASET    /* path inside a dataset block; offset into mtt_dataset_opts */
} mtt_opt_scope;

#define MTT_OPT_NO_STORE ((size_t)-1) /* accepted for metatrain compatibility, checked, not stored */
#define MTT_OPT_REQUIRED 1u
#define MTT_OPT_MIN_OPEN 2u  /* value > min instead of >= */
#define MTT_OPT_MAX_OPEN 4u  /* value < max instead of <= */
#define MTT_OPT_MODEL 8u     /* a model hyperparameter: fixed once a checkpoint exists */

typedef struct mtt_opt_row {
    const char *path;     /* dotted, canonical (expanded) form */
    mtt_opt_type type;
    mtt_opt_scope scope;
    unsigned flags;
    const char *def;      /* default as YAML text; NULL: none (NULL string / derived) */
    double min, max;      /* numeric bounds (lists: per item; dataset: fraction) */
    const char *choices;  /* "a|b|c" allowed values for strings/loss/ints, or NULL */
    size_t offset;        /* into the scope's struct, or MTT_OPT_NO_STORE */
    size_t aux_offset;    /* seed_given flag / list count; 0 when unused */
    const char *help;
} mtt_opt_row;

extern const mtt_opt_row mtt_opt_table[];
extern const size_t mtt_opt_table_len;

/* Row for a full dotted path (dataset rows matched under *_set.), else NULL.
 * *base_scope tells which struct the row's offset is relative to. */
const mtt_opt_row *mtt_opt_find(const char *path);
/* 1 when some row lives strictly below path (path is a valid block). */
int mtt_opt_has_children(const char *path);
/* Nearest valid child key of parent_path to key, copied to best (returns
 * best, or NULL when none is close); list gets "a, b, c" of the valid keys. */
const char *mtt_opt_suggest(const char *parent_path, const char *key, char *best,
                            size_t best_n, char *list, size_t n);
/* Strip a "training_set." style prefix: returns the dataset-relative rest or NULL. */
const char *mtt_opt_dataset_rest(const char *path, const char **set_name);

/* ---- tree -> struct -------------------------------------------------------- */
mtt_status mtt_options_apply(const mtt_tree *t, mtt_options *o, mtt_error *err);
mtt_status mtt_options_set_defaults(mtt_options *o, mtt_error *err);
mtt_status mtt_options_validate(const mtt_tree *t, mtt_options *o, mtt_error *err);
/* Every stored option as (dotted path, value text), table order; yaml: values
 * as in the YAML file, plus one "(dataset block)" entry before the entries of
 * each dataset block (so a fraction -> block change is one difference).
 * Returns 0 when out of memory. */
typedef void (*mtt_opt_visit_fn)(const char *path, const char *value, int is_model, void *ctx);
int mtt_options_visit(const mtt_options *o, int yaml, mtt_opt_visit_fn fn, void *ctx);
/* Shortest text that reads back as the same double. */
void mtt_format_double(double v, char *buf, size_t n);

#endif
