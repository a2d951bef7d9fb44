/* xyz_frame.c — one frame: count line, comment line, N atom lines.
 *
 * The atom-line loop is the hot path: tokens are visited once, each with the
 * action precomputed from Properties (skip, species, Z, position or force
 * component), numbers go through the exact fast parser, no allocation.
 */
#include "config.h"

#include "data/xyz_frame.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/elements.h"
#include "data/xyz_number.h"

/* Copy the token at p into buf for an error message. */
static const char *token_text(const char *p, char *buf, size_t n)
{
    size_t k = 0;
    while (p[k] && !mtt_xyz_is_space(p[k]) && k + 1 < n) ++k;
    memcpy(buf, p, k);
    buf[k] = '\0';
    return buf;
}

static int is_blank(const char *s)
{
    while (*s && mtt_xyz_is_space(*s)) ++s;
    return *s == '\0';
}

mtt_status mtt_xyz_count_line(mtt_xyz_lines *r, int64_t *n, int *done,
                              mtt_error *err)
{
    char *line;
    size_t len;
    int64_t blank_line = 0;
    char tok[48];
    *done = 0;
    for (;;) {
        MTT_FORWARD_IF_ERROR(mtt_xyz_lines_next(r, &line, &len, err));
        if (!line) { *done = 1; return MTT_OK; }
        if (!is_blank(line)) break;
        if (!blank_line) blank_line = r->line_no;
    }
    if (blank_line)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: empty line where an atom count was "
                             "expected; remove blank lines between frames",
                             r->path, (long long)blank_line);
    const char *p = line;
    while (mtt_xyz_is_space(*p)) ++p;
    const char *e = mtt_xyz_parse_int(p, n);
    if (e) while (mtt_xyz_is_space(*e)) ++e;
    if (!e || *e)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: expected an atom count (a whole number) "
                             "but found '%s'; check that the previous frame "
                             "has as many atom lines as its count says",
                             r->path, (long long)r->line_no,
                             token_text(p, tok, sizeof tok));
    if (*n <= 0 || *n > INT32_MAX)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: atom count %lld is out of range; a "
                             "frame needs 1 to 2147483647 atoms", r->path,
                             (long long)r->line_no, (long long)*n);
    return MTT_OK;
}

/* Comment-line quantities: energy, stress/virial, Lattice, pbc. */
static mtt_status read_tensor(mtt_xyz_frame_ctx *c, const char *key,
                              double *dst, int64_t *missing, mtt_error *err)
{
    mtt_xyz_lines *r = &c->lines;
    char *v = (char *)mtt_xyz_header_get(&c->header, key, 0);
    double t[9];
    size_t n = 0;
    if (!v) {
        if (!*missing) *missing = r->line_no;
        memset(dst, 0, 9 * sizeof *dst);
        return MTT_OK;
    }
    MTT_FORWARD_IF_ERROR(mtt_xyz_parse_list(v, t, 9, &n, key, r->path,
                                            r->line_no, err));
    if (n == 9) {
        memcpy(dst, t, sizeof t);
    } else if (n == 6) {  /* Voigt: xx yy zz yz xz xy */
        double full[9] = {t[0], t[5], t[4], t[5], t[1], t[3], t[4], t[3], t[2]};
        memcpy(dst, full, sizeof full);
    } else {
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: '%s' has %zu numbers; expected 9 (a 3x3 "
                             "matrix) or 6 (Voigt order xx yy zz yz xz xy)",
                             r->path, (long long)r->line_no, key, n);
    }
    return MTT_OK;
}

static mtt_status read_comment(mtt_xyz_frame_ctx *c, size_t s,
                               int64_t count_line, mtt_error *err)
{
    mtt_xyz_lines *r = &c->lines;
    mtt_dataset *ds = c->ds;
    char *line;
    size_t len;
    MTT_FORWARD_IF_ERROR(mtt_xyz_lines_next(r, &line, &len, err));
    if (!line)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: the file ends after the atom-count line; "
                             "a comment line and the atom lines are missing",
                             r->path, (long long)count_line);
    MTT_FORWARD_IF_ERROR(mtt_xyz_header_parse(&c->header, line, r->path,
                                              r->line_no, err));
    const mtt_xyz_header *h = &c->header;
    MTT_FORWARD_IF_ERROR(mtt_xyz_header_columns(
        &c->header, mtt_xyz_header_get(h, "Properties", 1), c->keys->forces,
        r->path, r->line_no, err));

    double *cell = ds->cell + 9 * s;
    unsigned char *pbc = ds->pbc + 3 * s;
    char *lat = (char *)mtt_xyz_header_get(h, "Lattice", 1);
    char *pv = (char *)mtt_xyz_header_get(h, "pbc", 1);
    memset(cell, 0, 9 * sizeof *cell);
    pbc[0] = pbc[1] = pbc[2] = lat != NULL;
    if (lat) {
        size_t n = 0;
        MTT_FORWARD_IF_ERROR(mtt_xyz_parse_list(lat, cell, 9, &n, "Lattice",
                                                r->path, r->line_no, err));
        if (n != 9)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: malformed Lattice with %zu numbers; "
                                 "expected Lattice=\"a1x a1y a1z a2x a2y a2z "
                                 "a3x a3y a3z\"", r->path, (long long)r->line_no, n);
    }
    if (pv) {
        MTT_FORWARD_IF_ERROR(mtt_xyz_parse_pbc(pv, pbc, r->path, r->line_no, err));
        if (!lat && (pbc[0] || pbc[1] || pbc[2]))
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: pbc is periodic but there is no "
                                 "Lattice; add Lattice=\"...\" or set pbc=\"F F F\"",
                                 r->path, (long long)r->line_no);
    }
    if (ds->has_energy) {
        char *v = (char *)mtt_xyz_header_get(h, c->keys->energy, 0);
        double e = 0;
        size_t n = 0;
        if (!v)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: no energy key '%s' in the comment "
                                 "line; add it to every frame or choose the key "
                                 "that holds the energy", r->path,
                                 (long long)r->line_no, c->keys->energy);
        MTT_FORWARD_IF_ERROR(mtt_xyz_parse_list(v, &e, 1, &n, c->keys->energy,
                                                r->path, r->line_no, err));
        if (n != 1)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: energy key '%s' holds %zu numbers; "
                                 "expected one", r->path, (long long)r->line_no,
                                 c->keys->energy, n);
        ds->energy[s] = e;
    }
    if (ds->has_stress)
        MTT_FORWARD_IF_ERROR(read_tensor(c, c->keys->stress, ds->stress + 9 * s,
                                         &c->missing_stress, err));
    if (ds->has_virial)
        MTT_FORWARD_IF_ERROR(read_tensor(c, c->keys->virial, ds->virial + 9 * s,
                                         &c->missing_virial, err));
    if (ds->has_forces && !c->header.has_forces && !c->missing_forces)
        c->missing_forces = r->line_no;
    return MTT_OK;
}

/* A line holding one whole number: the next frame's count line. */
static int looks_like_count(const char *line, int64_t *n)
{
    while (mtt_xyz_is_space(*line)) ++line;
    const char *e = mtt_xyz_parse_int(line, n);
    if (!e) return 0;
    while (mtt_xyz_is_space(*e)) ++e;
    return *e == '\0';
}

static const char *column_name(int action, const char *forces_key)
{
    if (action >= MTT_XYZ_COL_FORCE) return forces_key;
    if (action >= MTT_XYZ_COL_POS) return "pos";
    return action == MTT_XYZ_COL_Z ? "Z" : "species";
}

/* Parse atom line (index a in the dataset) following the column plan. */
static mtt_status read_atom(mtt_xyz_frame_ctx *c, const char *line, size_t a,
                            mtt_error *err)
{
    const mtt_xyz_lines *r = &c->lines;
    const unsigned char *act = c->header.action;
    const size_t n_tok = c->header.n_tokens;
    double *pos = c->ds->positions + 3 * a;
    double *frc = c->ds->forces ? c->ds->forces + 3 * a : NULL;
    char tok[48];
    const char *p = line;
    size_t t = 0;
    for (;; ++t) {
        while (mtt_xyz_is_space(*p)) ++p;
        if (!*p || t >= n_tok) break;
        int what = act[t];
        const char *s = p;
        double v;
        int64_t z;
        switch (what) {
        case MTT_XYZ_COL_SKIP:
            while (!mtt_xyz_is_delim(*p)) ++p;
            break;
        case MTT_XYZ_COL_SPECIES:
            while (!mtt_xyz_is_delim(*p)) ++p;
            z = mtt_elements_number(s, (size_t)(p - s));
            if (!z)
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s:%lld: unknown element symbol '%s'; use "
                                     "symbols such as H, C, Cl (case matters)",
                                     r->path, (long long)r->line_no,
                                     token_text(s, tok, sizeof tok));
            c->ds->numbers[a] = (int)z;
            break;
        case MTT_XYZ_COL_Z:
            p = mtt_xyz_parse_int(s, &z);
            if (!p || z < 1 || z > MTT_ELEMENTS_MAX_Z)
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s:%lld: '%s' in column Z is not an atomic "
                                     "number (1 to %d)", r->path,
                                     (long long)r->line_no,
                                     token_text(s, tok, sizeof tok),
                                     MTT_ELEMENTS_MAX_Z);
            c->ds->numbers[a] = (int)z;
            break;
        default:
            p = mtt_xyz_parse_double(s, &v);
            if (!p || !isfinite(v))
                return mtt_error_set(err, MTT_ERR_DATA,
                                     "%s:%lld: '%s' in column %s is not a finite "
                                     "number; fix the atom line", r->path,
                                     (long long)r->line_no,
                                     token_text(s, tok, sizeof tok),
                                     column_name(what, c->keys->forces));
            if (what < MTT_XYZ_COL_FORCE) pos[what - MTT_XYZ_COL_POS] = v;
            else if (frc) frc[what - MTT_XYZ_COL_FORCE] = v;
            break;
        }
    }
    if (t == n_tok && !*p) return MTT_OK;
    return mtt_error_set(err, MTT_ERR_DATA,
                         "%s:%lld: atom line has %s columns than the %zu that "
                         "Properties declares; fix the line or Properties",
                         r->path, (long long)r->line_no,
                         t < n_tok ? "fewer" : "more", n_tok);
}

mtt_status mtt_xyz_frame_read(mtt_xyz_frame_ctx *c, size_t frame,
                              int64_t expect_atoms, int *done, mtt_error *err)
{
    mtt_xyz_lines *r = &c->lines;
    mtt_dataset *ds = c->ds;
    int64_t n = 0;
    MTT_FORWARD_IF_ERROR(mtt_xyz_count_line(r, &n, done, err));
    if (*done) return MTT_OK;
    int64_t count_line = r->line_no;
    if (expect_atoms >= 0 && n != expect_atoms)
        return mtt_error_set(err, MTT_ERR_DATA,
                             "%s:%lld: atom count %lld differs from the index "
                             "(%lld); was the file changed while reading?",
                             r->path, (long long)count_line, (long long)n,
                             (long long)expect_atoms);
    size_t s = ds->n_structures;
    size_t a0 = ds->n_atoms;
    /* atoms are reserved as they come: a bogus count must not allocate */
    MTT_FORWARD_IF_ERROR(mtt_dataset_reserve(ds, a0, s + 1, err));
    MTT_FORWARD_IF_ERROR(read_comment(c, s, count_line, err));
    for (int64_t i = 0; i < n; ++i) {
        char *line;
        size_t len;
        size_t a = a0 + (size_t)i;
        if (a >= ds->cap_atoms)
            MTT_FORWARD_IF_ERROR(mtt_dataset_reserve(ds, a + 1, s + 1, err));
        if (ds->forces && !c->header.has_forces)
            ds->forces[3 * a] = ds->forces[3 * a + 1] = ds->forces[3 * a + 2] = 0;
        MTT_FORWARD_IF_ERROR(mtt_xyz_lines_next(r, &line, &len, err));
        if (!line)
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: the file ends after %lld atom lines "
                                 "but line %lld says %lld atoms; fix that "
                                 "atom-count line", r->path,
                                 (long long)r->line_no, (long long)i,
                                 (long long)count_line, (long long)n);
        mtt_status st = read_atom(c, line, a, err);
        if (st != MTT_OK) {
            int64_t dummy;
            if (st != MTT_ERR_DATA || !looks_like_count(line, &dummy)) return st;
            return mtt_error_set(err, MTT_ERR_DATA,
                                 "%s:%lld: found the next frame's atom count "
                                 "after %lld atom lines, but line %lld says %lld "
                                 "atoms; fix that atom-count line", r->path,
                                 (long long)r->line_no, (long long)i,
                                 (long long)count_line, (long long)n);
        }
    }
    ds->frame[s] = frame;
    ds->n_atoms = a0 + (size_t)n;
    ds->n_structures = s + 1;
    ds->atom_start[s + 1] = (int64_t)ds->n_atoms;
    return MTT_OK;
}
