/* xyz_number.h — fast, exact parsing of decimal numbers in text files.
 *
 * mtt_xyz_parse_double() returns exactly what strtod() returns (bit for bit)
 * for every input strtod accepts: decimal inputs with at most 19 significant
 * digits whose value is exactly m * 10^e with m <= 2^53 and |e| <= 22 take a
 * fast path (one exact multiplication or division, correctly rounded by
 * IEEE-754); everything else ("nan", "inf", long mantissas, large exponents)
 * is handed to strtod.  Parsing stops at the end of the token: the next
 * character must be whitespace or NUL, else the token is not a number.
 * The "C" locale is assumed (mtt never calls setlocale).
 * Cost: ~one pass over the token's characters, no allocation.
 */
#ifndef MTT_DATA_XYZ_NUMBER_H
#define MTT_DATA_XYZ_NUMBER_H

#include <stdint.h>

/* Parse the token at s (s must point into a NUL-terminated string).  On
 * success store the value in *out and return a pointer just past the token;
 * return NULL when the token is not a number (nothing stored). */
const char *mtt_xyz_parse_double(const char *s, double *out);

/* Parse an optionally signed decimal integer token (same ending rule).
 * Returns NULL when the token is not an integer or overflows int64. */
const char *mtt_xyz_parse_int(const char *s, int64_t *out);

/* Whether c separates tokens (space, tab, CR, LF, VT, FF). */
static inline int mtt_xyz_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* Whether c ends a token: whitespace or the terminating NUL. */
static inline int mtt_xyz_is_delim(char c)
{
    return c == '\0' || mtt_xyz_is_space(c);
}

#endif
