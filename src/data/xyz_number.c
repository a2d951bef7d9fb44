/* xyz_number.c — Clinger's fast path for decimal -> double, strtod otherwise.
 *
 * Why exact: when the decimal significand m fits in 53 bits and |e| <= 22,
 * both m and 10^|e| are exact doubles, so m * 10^e (or m / 10^-e) is a single
 * correctly rounded IEEE operation — the same result strtod must produce.
 * Everything outside that window (and anything odd: nan, inf, hex) goes to
 * strtod, so results always equal strtod.  Typical ASE output ("%16.8f",
 * "%.16g" of forces) takes the fast path; long energies such as
 * -97079.92222178938 (17 digits) fall back.
 */
#include "config.h"

#include "data/xyz_number.h"

#include <stdlib.h>

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define TWO_POW_53 9007199254740992ULL

static const char *parse_slow(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !mtt_xyz_is_delim(*end)) return NULL;
    *out = v;
    return end;
}

const char *mtt_xyz_parse_double(const char *s, double *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-') { neg = 1; ++p; }
    else if (*p == '+') { ++p; }

    uint64_t m = 0;
    int n_sig = 0;      /* significant digits accumulated in m */
    int n_digits = 0;   /* all mantissa digits seen */
    int exp10 = 0;
    while ((unsigned)(*p - '0') < 10u) {
        if (m || *p != '0') { m = m * 10 + (uint64_t)(*p - '0'); ++n_sig; }
        ++n_digits; ++p;
    }
    if (*p == '.') {
        ++p;
        while ((unsigned)(*p - '0') < 10u) {
            if (m || *p != '0') { m = m * 10 + (uint64_t)(*p - '0'); ++n_sig; }
            ++n_digits; --exp10; ++p;
        }
    }
    if (n_digits == 0 || n_sig > 19) return parse_slow(s, out);
    if (*p == 'e' || *p == 'E') {
        ++p;
        int eneg = 0;
        if (*p == '-') { eneg = 1; ++p; }
        else if (*p == '+') { ++p; }
        if ((unsigned)(*p - '0') >= 10u) return parse_slow(s, out);
        int e = 0;
        while ((unsigned)(*p - '0') < 10u) {
            if (e < 100000) e = e * 10 + (*p - '0');
            ++p;
        }
        exp10 += eneg ? -e : e;
    }
    if (!mtt_xyz_is_delim(*p)) return parse_slow(s, out);
    double v;
    if (m == 0) {
        v = 0.0;
    } else if (m <= TWO_POW_53 && exp10 >= -22 && exp10 <= 22) {
        v = (double)m;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
    } else {
        return parse_slow(s, out);
    }
    *out = neg ? -v : v;
    return p;
}

const char *mtt_xyz_parse_int(const char *s, int64_t *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-') { neg = 1; ++p; }
    else if (*p == '+') { ++p; }
    if ((unsigned)(*p - '0') >= 10u) return NULL;
    uint64_t v = 0;
    while ((unsigned)(*p - '0') < 10u) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > (uint64_t)INT64_MAX) return NULL;
        ++p;
    }
    if (!mtt_xyz_is_delim(*p)) return NULL;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return p;
}
