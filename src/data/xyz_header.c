/* xyz_header.c — tokenizer for the comment line and the Properties plan.
 *
 * The Properties value is the same in almost every frame, so the column plan
 * is rebuilt only when its text changes (one strcmp per frame).
 */
#include "config.h"

#include "data/xyz_header.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/xyz_number.h"

void mtt_xyz_header_free(mtt_xyz_header *h)
{
    if (!h) return;
    free(h->pairs);
    free(h->action);
    free(h->props_cache);
    free(h->forces_cache);
    memset(h, 0, sizeof *h);
}

/* Scan a quoted or bracketed item starting at *p (on the opening char);
 * returns its content start, NUL-terminates it, advances *p past it. */
static char *scan_delimited(char **p, int *ok)
{
    char open = **p;
    char close = open == '"' ? '"' : open == '{' ? '}' : open == '[' ? ']' : '\'';
    char *s = ++*p;
    char *q = s;
    while (*q && *q != close) {
        if (*q == '\\' && q[1]) ++q;
        ++q;
    }
    *ok = *q == close;
    if (*q) { *q = '\0'; ++q; }
    *p = q;
    return s;
}

static char *scan_plain(char **p, int stop_at_eq)
{
    char *s = *p;
    char *q = s;
    while (*q && !mtt_xyz_is_space(*q) && !(stop_at_eq && *q == '=')) ++q;
    *p = q;
    return s;
}

static char *skip_space(char *p)
{
    while (*p && mtt_xyz_is_space(*p)) ++p;
    return p;
}

mtt_status mtt_xyz_header_parse(mtt_xyz_header *h, char *line,
                                const char *path, int64_t line_no,
                                mtt_error *err)
{
    static char flag_true[] = "T";
    h->n_pairs = 0;
    char *p = skip_space(line);
    while (*p) {
        int ok = 1;
        char *key;
        if (*p == '"' || *p == '\'') {
            key = scan_delimited(&p, &ok);
        } else {
            key = scan_plain(&p, 1);
        }
        if (!ok)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: unterminated quote in the comment "
                                 "line; close every \" in key=value pairs",
                                 path, (long long)line_no);
        char *key_end = p;
        p = skip_space(p);
        char *value = flag_true;
        if (*p == '=') {
            *key_end = '\0';
            p = skip_space(p + 1);
            if (*p == '"' || *p == '\'' || *p == '{' || *p == '[') {
                value = scan_delimited(&p, &ok);
                if (!ok)
                    return mtt_error_set(err, MTT_ERR_DATA,
                                         "%s:%lld: unterminated quote or "
                                         "bracket in the value of '%s'; close "
                                         "it", path, (long long)line_no, key);
            } else {
                value = scan_plain(&p, 0);
                if (*p) *p++ = '\0';
            }
        } else {
            *key_end = '\0';
            if (p == key_end && *p) ++p;
        }
        if (h->n_pairs == h->cap_pairs) {
            size_t nc = h->cap_pairs ? 2 * h->cap_pairs : 32;
            mtt_xyz_pair *np = realloc(h->pairs, nc * sizeof *np);
            if (!np)
                return mtt_error_set(err, MTT_ERR_NOMEM,
                                     "%s:%lld: out of memory", path,
                                     (long long)line_no);
            h->pairs = np;
            h->cap_pairs = nc;
        }
        h->pairs[h->n_pairs].key = key;
        h->pairs[h->n_pairs].value = value;
        h->n_pairs++;
        p = skip_space(p);
    }
    return MTT_OK;
}

const char *mtt_xyz_header_get(const mtt_xyz_header *h, const char *key,
                               int icase)
{
    for (size_t i = 0; i < h->n_pairs; ++i)
        if (icase ? strcasecmp(h->pairs[i].key, key) == 0
                  : strcmp(h->pairs[i].key, key) == 0)
            return h->pairs[i].value;
    return NULL;
}

static int field_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncmp(s, word, n) == 0;
}

/* Next ':'-separated field of Properties: [*s, *s + *n). */
static int next_field(const char **p, const char **s, size_t *n)
{
    if (!**p) return 0;
    *s = *p;
    const char *c = strchr(*p, ':');
    *n = c ? (size_t)(c - *p) : strlen(*p);
    *p = c ? c + 1 : *p + *n;
    return 1;
}

static mtt_status plan_columns(mtt_xyz_header *h, const char *props,
                               const char *forces_key, const char *path,
                               int64_t line_no, mtt_error *err)
{
    const char *p = props;
    const char *name, *type, *cnt;
    size_t nn, nt, nc;
    int have_pos = 0, have_species = 0;
    h->n_tokens = 0;
    h->has_forces = 0;
    while (next_field(&p, &name, &nn)) {
        if (!next_field(&p, &type, &nt) || !next_field(&p, &cnt, &nc) || nt != 1 ||
            !strchr("SRIL", type[0]) || nc == 0 || nc > 6 ||
            strspn(cnt, "0123456789") < nc)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: malformed Properties '%s'; expected "
                                 "name:type:count triples such as "
                                 "species:S:1:pos:R:3", path, (long long)line_no,
                                 props);
        int ncols = atoi(cnt);
        int base = MTT_XYZ_COL_SKIP;
        if (field_is(name, nn, "pos")) {
            if (type[0] != 'R' || ncols != 3)
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s:%lld: Properties column 'pos' must be "
                                     "pos:R:3", path, (long long)line_no);
            base = MTT_XYZ_COL_POS;
            have_pos = 1;
        } else if (field_is(name, nn, "species") && type[0] == 'S' && ncols == 1) {
            base = MTT_XYZ_COL_SPECIES;
            have_species = 1;
        } else if (field_is(name, nn, "Z") && type[0] == 'I' && ncols == 1) {
            base = MTT_XYZ_COL_Z;
        } else if (forces_key && field_is(name, nn, forces_key)) {
            if (type[0] != 'R' || ncols != 3)
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s:%lld: Properties column '%s' (forces) "
                                     "must be %s:R:3", path, (long long)line_no,
                                     forces_key, forces_key);
            base = MTT_XYZ_COL_FORCE;
            h->has_forces = 1;
        }
        if (h->n_tokens + (size_t)ncols > h->cap_tokens) {
            size_t c = 2 * h->cap_tokens + 16;
            unsigned char *na = realloc(h->action, c);
            if (!na)
                return mtt_error_set(err, MTT_ERR_NOMEM, "%s:%lld: out of memory",
                                     path, (long long)line_no);
            h->action = na;
            h->cap_tokens = c;
        }
        for (int k = 0; k < ncols; ++k)
            h->action[h->n_tokens++] = (unsigned char)(base == MTT_XYZ_COL_POS ||
                base == MTT_XYZ_COL_FORCE ? base + k : base);
    }
    if (!have_pos)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: Properties '%s' has no pos:R:3 column; "
                             "positions are required", path, (long long)line_no,
                             props);
    /* species wins over Z when both are present */
    for (size_t i = 0; have_species && i < h->n_tokens; ++i)
        if (h->action[i] == MTT_XYZ_COL_Z) h->action[i] = MTT_XYZ_COL_SKIP;
    int have_z = 0;
    for (size_t i = 0; i < h->n_tokens; ++i)
        have_z |= h->action[i] == MTT_XYZ_COL_Z;
    if (!have_species && !have_z)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: Properties '%s' has neither species:S:1 "
                             "nor Z:I:1; atom types are required", path,
                             (long long)line_no, props);
    return MTT_OK;
}

mtt_status mtt_xyz_header_columns(mtt_xyz_header *h, const char *props,
                                  const char *forces_key, const char *path,
                                  int64_t line_no, mtt_error *err)
{
    if (!props) props = "species:S:1:pos:R:3";
    int same_forces = (!forces_key && !h->forces_cache) ||
        (forces_key && h->forces_cache && strcmp(forces_key, h->forces_cache) == 0);
    if (h->props_cache && same_forces && strcmp(props, h->props_cache) == 0)
        return MTT_OK;
    free(h->props_cache);
    free(h->forces_cache);
    h->props_cache = strdup(props);
    h->forces_cache = forces_key ? strdup(forces_key) : NULL;
    if (!h->props_cache || (forces_key && !h->forces_cache))
        return mtt_error_set(err, MTT_ERR_NOMEM, "%s:%lld: out of memory",
                             path, (long long)line_no);
    mtt_status st = plan_columns(h, props, forces_key, path, line_no, err);
    if (st != MTT_OK) {  /* never reuse a rejected plan */
        free(h->props_cache);
        h->props_cache = NULL;
    }
    return st;
}

mtt_status mtt_xyz_parse_list(char *value, double *out, size_t max, size_t *n,
                              const char *key, const char *path,
                              int64_t line_no, mtt_error *err)
{
    for (char *c = value; *c; ++c)
        if (*c == ',' || *c == '[' || *c == ']' || *c == '(' || *c == ')') *c = ' ';
    size_t k = 0;
    char *p = skip_space(value);
    while (*p) {
        double v;
        const char *e = mtt_xyz_parse_double(p, &v);
        if (!e || !isfinite(v)) {
            char *t = p;
            while (*t && !mtt_xyz_is_space(*t)) ++t;
            *t = '\0';
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: value '%s' of key '%s' is not a "
                                 "finite number; fix the comment line", path,
                                 (long long)line_no, p, key);
        }
        if (k < max) out[k] = v;
        ++k;
        p = skip_space((char *)e);
    }
    *n = k;
    return MTT_OK;
}

mtt_status mtt_xyz_parse_pbc(char *value, unsigned char pbc[3],
                             const char *path, int64_t line_no, mtt_error *err)
{
    size_t k = 0;
    char *p = skip_space(value);
    while (*p) {
        char *s = p;
        while (*p && !mtt_xyz_is_space(*p)) ++p;
        size_t n = (size_t)(p - s);
        int v = -1;
        if ((n == 1 && (*s == 'T' || *s == 't')) ||
            (n == 4 && strncasecmp(s, "true", 4) == 0)) v = 1;
        if ((n == 1 && (*s == 'F' || *s == 'f')) ||
            (n == 5 && strncasecmp(s, "false", 5) == 0)) v = 0;
        if (v < 0 || k >= 3) { k = 4; break; }
        pbc[k++] = (unsigned char)v;
        p = skip_space(p);
    }
    if (k != 3)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: malformed pbc; expected three of T/F "
                             "such as pbc=\"T T F\"", path, (long long)line_no);
    return MTT_OK;
}
