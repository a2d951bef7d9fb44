/* xyz_header.h — the comment (second) line of an extended-XYZ frame.
 *
 * Grammar (as ASE reads and writes it): whitespace-separated items
 * `key=value`, `key = value` or a bare `key` (meaning T); keys and values may
 * be quoted with "..." (backslash escapes the quote); values may also be
 * {...} or [...] lists.  Special keys, matched case-insensitively:
 * Lattice="a1x a1y a1z a2x a2y a2z a3x a3y a3z", pbc="T T F",
 * Properties=name:type:ncols:... with types S (string), R (real),
 * I (integer), L (logical).  Without Properties the columns are
 * species:S:1:pos:R:3.
 * Parsing is in place (the line gets NUL bytes); the pair table is reused
 * between frames, so no allocation happens once it is large enough.
 */
#ifndef MTT_DATA_XYZ_HEADER_H
#define MTT_DATA_XYZ_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* What to do with one token of an atom line. */
enum {
    MTT_XYZ_COL_SKIP = 0,
    MTT_XYZ_COL_SPECIES,          /* element symbol -> Z */
    MTT_XYZ_COL_Z,                /* atomic number */
    MTT_XYZ_COL_POS,              /* + 0, 1, 2 */
    MTT_XYZ_COL_FORCE = MTT_XYZ_COL_POS + 3, /* + 0, 1, 2 */
    MTT_XYZ_COL_COUNT = MTT_XYZ_COL_FORCE + 3
};

typedef struct mtt_xyz_pair { char *key, *value; } mtt_xyz_pair;

typedef struct mtt_xyz_header {
    mtt_xyz_pair *pairs;
    size_t n_pairs, cap_pairs;
    /* column plan from Properties: one action per token of an atom line */
    unsigned char *action;
    size_t n_tokens, cap_tokens;
    int has_forces;               /* the forces key is a column */
    char *props_cache;            /* Properties string the plan was built from */
    size_t props_cap;
    char *forces_cache;           /* forces key the plan was built for */
} mtt_xyz_header;

void mtt_xyz_header_free(mtt_xyz_header *h);

/* Split the comment line into key/value pairs (in place). */
mtt_status mtt_xyz_header_parse(mtt_xyz_header *h, char *line,
                                const char *path, int64_t line_no,
                                mtt_error *err);

/* Value of key, or NULL; icase: compare ignoring ASCII case. */
const char *mtt_xyz_header_get(const mtt_xyz_header *h, const char *key,
                               int icase);

/* Build the column plan from the Properties value (NULL = default columns),
 * marking the column named forces_key (NULL = none wanted). */
mtt_status mtt_xyz_header_columns(mtt_xyz_header *h, const char *props,
                                  const char *forces_key, const char *path,
                                  int64_t line_no, mtt_error *err);

/* Parse a list of numbers (separated by spaces or commas) in value (edited
 * in place).  Stores at most max values and their count in *n; returns
 * MTT_ERR_DATA naming key when a token is not a number or not finite. */
mtt_status mtt_xyz_parse_list(char *value, double *out, size_t max, size_t *n,
                              const char *key, const char *path,
                              int64_t line_no, mtt_error *err);

/* Parse a pbc value ("T T F", "True False True"): 3 flags. */
mtt_status mtt_xyz_parse_pbc(char *value, unsigned char pbc[3],
                             const char *path, int64_t line_no,
                             mtt_error *err);

#endif
