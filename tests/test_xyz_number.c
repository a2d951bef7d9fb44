/* test_xyz_number.c — the fast number parser equals strtod bit for bit, and
 * the element table maps every symbol to its Z and back. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_tap.h"
#include "data/elements.h"
#include "data/xyz_number.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t next_u64(void)
{
    uint64_t x = rng_state;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return rng_state = x;
}
static double uniform(void) { return (double)(next_u64() >> 11) / 9007199254740992.0; }

/* 1 when parse gives the same bits as strtod (and the same end). */
static int same_as_strtod(const char *s)
{
    double a = 0, b;
    char *end;
    const char *e = mtt_xyz_parse_double(s, &a);
    b = strtod(s, &end);
    if (!e) { fprintf(stderr, "# rejected '%s'\n", s); return 0; }
    if (e != end || memcmp(&a, &b, sizeof a) != 0) {
        fprintf(stderr, "# mismatch '%s': %.17g vs %.17g\n", s, a, b);
        return 0;
    }
    return 1;
}

static void test_random_formats(void)
{
    char buf[128];
    int bad = 0;
    for (int i = 0; i < 300000 && bad < 5; ++i) {
        double mag = pow(10.0, (uniform() - 0.5) * 60.0);
        double v = (uniform() - 0.5) * 2.0 * mag;
        int prec = (int)(next_u64() % 21);
        switch (i % 5) {
        case 0: snprintf(buf, sizeof buf, "%.*f", prec, v); break;
        case 1: snprintf(buf, sizeof buf, "%.*e", prec, v); break;
        case 2: snprintf(buf, sizeof buf, "%.17g", v); break;
        case 3: snprintf(buf, sizeof buf, "%16.8f", (uniform() - 0.5) * 100); break;
        default: snprintf(buf, sizeof buf, "%.*g", prec + 1, v); break;
        }
        const char *s = buf;
        while (*s == ' ') ++s;
        bad += !same_as_strtod(s);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Random digit strings: up to 25 digits, a point anywhere, an exponent. */
static void test_random_digits(void)
{
    char buf[64];
    int bad = 0;
    for (int i = 0; i < 300000 && bad < 5; ++i) {
        int nd = 1 + (int)(next_u64() % 25);
        int dot = (int)(next_u64() % (unsigned)(nd + 1));
        size_t k = 0;
        if (next_u64() & 1) buf[k++] = '-';
        for (int d = 0; d < nd; ++d) {
            if (d == dot) buf[k++] = '.';
            buf[k++] = (char)('0' + next_u64() % 10);
        }
        if (next_u64() % 3 == 0)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "e%d",
                                  (int)(next_u64() % 80) - 40);
        buf[k] = '\0';
        bad += !same_as_strtod(buf);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_special_cases(void)
{
    const char *ok[] = {"0", "-0", "-0.0", "+1.5", ".5", "5.", "1e22", "1e23",
                        "9007199254740993", "-97079.92222178938", "4.9e-324",
                        "1.7976931348623157e308", "0.1", "123456789012345678901234",
                        "nan", "inf", "-inf", "1E+05"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; ++i)
        CU_ASSERT_TRUE(same_as_strtod(ok[i]));
    double v;
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_double("0.1x", &v));
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_double("1e", &v));
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_double("-", &v));
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_double("", &v));
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_double("1,5", &v));
    const char *s = "2.5 3";
    CU_ASSERT_PTR_EQUAL(mtt_xyz_parse_double(s, &v), s + 3);
    CU_ASSERT_EQUAL(v, 2.5);
    int64_t n;
    CU_ASSERT_PTR_NOT_NULL(mtt_xyz_parse_int("42", &n));
    CU_ASSERT_EQUAL(n, 42);
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_int("4.2", &n));
    CU_ASSERT_PTR_NULL(mtt_xyz_parse_int("99999999999999999999", &n));
}

static void test_elements(void)
{
    for (int z = 1; z <= MTT_ELEMENTS_MAX_Z; ++z) {
        const char *s = mtt_elements_symbol(z);
        CU_ASSERT_EQUAL(mtt_elements_number(s, strlen(s)), z);
    }
    CU_ASSERT_EQUAL(mtt_elements_number("H", 1), 1);
    CU_ASSERT_EQUAL(mtt_elements_number("Cl", 2), 17);
    CU_ASSERT_EQUAL(mtt_elements_number("Og", 2), 118);
    CU_ASSERT_EQUAL(mtt_elements_number("Xx", 2), 0);
    CU_ASSERT_EQUAL(mtt_elements_number("h", 1), 0);
    CU_ASSERT_EQUAL(mtt_elements_number("CL", 2), 0);
    CU_ASSERT_EQUAL(mtt_elements_number("", 0), 0);
    CU_ASSERT_EQUAL(mtt_elements_number("Abc", 3), 0);
    CU_ASSERT_STRING_EQUAL(mtt_elements_symbol(119), "X");
    CU_ASSERT_STRING_EQUAL(mtt_elements_symbol(26), "Fe");
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("xyz_number", NULL, NULL);
    CU_add_test(s, "printf formats equal strtod", test_random_formats);
    CU_add_test(s, "random digit strings equal strtod", test_random_digits);
    CU_add_test(s, "special cases and rejects", test_special_cases);
    CU_add_test(s, "element table round trip", test_elements);
    return mtt_cunit_run_tap();
}
