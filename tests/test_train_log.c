/* test_train_log.c — train.csv writer and the epoch log line (exact text;
 * expected strings were produced with metatrain's f-string formats in Python). */
#include "config.h"

#include "cunit_tap.h"
#include "train/csv.h"
#include "train/epoch_line.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmp_dir[256];

static int suite_init(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/mtt_test_train_log.XXXXXX");
    return mkdtemp(tmp_dir) ? 0 : 1;
}

static int suite_clean(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : 1;
}

static void read_all(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(buf, 1, n - 1, f) : 0;
    buf[got] = '\0';
    if (f) fclose(f);
}

static void test_csv_content(void)
{
    char path[300], text[2048];
    mtt_error err;
    mtt_csv *csv = NULL;
    snprintf(path, sizeof path, "%s/train.csv", tmp_dir);
    const char *names[] = {"Epoch", "learning rate", "training loss",
                           "training energy RMSE (per atom)", "training forces RMSE"};
    const char *units[] = {"", "", "", "meV", "meV/A"};
    CU_ASSERT_EQUAL_FATAL(mtt_csv_open(path, 5, names, units, &csv, &err), MTT_OK);
    /* header and unit rows are on disk before any row */
    read_all(path, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "Epoch,learning rate,training loss,training energy RMSE "
                                 "(per atom),training forces RMSE\n,,,meV,meV/A\n");
    const double row1[] = {0, 1e-3, 0.123456789012345, 3.21, 120.5};
    const double row2[] = {5, 9.1e-4, 1.0 / 3.0, 2.0, 99.0};
    CU_ASSERT_EQUAL(mtt_csv_write_row(csv, row1, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_csv_write_row(csv, row2, &err), MTT_OK);
    /* flushed per row: visible before close */
    read_all(path, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text,
        "Epoch,learning rate,training loss,training energy RMSE (per atom),"
        "training forces RMSE\n"
        ",,,meV,meV/A\n"
        "0,0.001,0.123456789012345,3.21,120.5\n"
        "5,0.00091,0.33333333333333331,2,99\n");
    CU_ASSERT_EQUAL(mtt_csv_close(csv, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_csv_close(NULL, &err), MTT_OK);
}

static void test_csv_quoting_and_special_values(void)
{
    char path[300], text[1024];
    mtt_error err;
    mtt_csv *csv = NULL;
    snprintf(path, sizeof path, "%s/quoted.csv", tmp_dir);
    const char *names[] = {"epoch", "a, b", "say \"hi\""};
    CU_ASSERT_EQUAL_FATAL(mtt_csv_open(path, 3, names, NULL, &csv, &err), MTT_OK);
    const double row[] = {7.0, NAN, -INFINITY};
    CU_ASSERT_EQUAL(mtt_csv_write_row(csv, row, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_csv_close(csv, &err), MTT_OK);
    read_all(path, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "epoch,\"a, b\",\"say \"\"hi\"\"\"\n,,\n7,nan,-inf\n");
}

static void test_csv_errors(void)
{
    mtt_error err;
    mtt_csv *csv = (mtt_csv *)&err;  /* must be reset to NULL on failure */
    char path[300];
    snprintf(path, sizeof path, "%s/no/such/folder/train.csv", tmp_dir);
    const char *names[] = {"Epoch"};
    CU_ASSERT_EQUAL(mtt_csv_open(path, 1, names, NULL, &csv, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NULL(csv);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no/such/folder/train.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file or directory"));
    /* /dev/full accepts the open and fails the flush */
    FILE *probe = fopen("/dev/full", "w");
    if (probe) {
        fclose(probe);
        CU_ASSERT_EQUAL(mtt_csv_open("/dev/full", 1, names, NULL, &csv, &err), MTT_ERR_IO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/dev/full"));
    }
}

static void test_digits(void)
{
    int w, p;
    mtt_epoch_line_digits(3.21, &w, &p);
    CU_ASSERT(w == 6 && p == 4);
    mtt_epoch_line_digits(120.5, &w, &p);
    CU_ASSERT(w == 6 && p == 2);
    mtt_epoch_line_digits(0.0456, &w, &p);
    CU_ASSERT(w == 8 && p == 6);
    mtt_epoch_line_digits(15234.0, &w, &p);
    CU_ASSERT(w == 7 && p == 1);
    mtt_epoch_line_digits(99999.0, &w, &p);
    CU_ASSERT(w == 7 && p == 1);
    mtt_epoch_line_digits(1e-7, &w, &p);
    CU_ASSERT(w == 13 && p == 11);
    mtt_epoch_line_digits(0.1, &w, &p);
    CU_ASSERT(w == 7 && p == 5);
    mtt_epoch_line_digits(0.0, &w, &p);  /* metatrain would fail on log10(0) */
    CU_ASSERT(w == 6 && p == 4);
    mtt_epoch_line_digits(NAN, &w, &p);
    CU_ASSERT(w == 6 && p == 4);

    CU_ASSERT_EQUAL(mtt_epoch_line_epoch_width(100), 4);
    CU_ASSERT_EQUAL(mtt_epoch_line_epoch_width(9999), 4);
    CU_ASSERT_EQUAL(mtt_epoch_line_epoch_width(10000), 5);
    CU_ASSERT_EQUAL(mtt_epoch_line_epoch_width(1), 4);
}

static void test_units(void)
{
    char u[32];
    CU_ASSERT_DOUBLE_EQUAL(mtt_epoch_line_to_display(0.00321, "eV", u, sizeof u), 3.21, 1e-12);
    CU_ASSERT_STRING_EQUAL(u, "meV");
    CU_ASSERT_DOUBLE_EQUAL(mtt_epoch_line_to_display(0.1205, "eV/A", u, sizeof u), 120.5, 1e-12);
    CU_ASSERT_STRING_EQUAL(u, "meV/A");
    CU_ASSERT_DOUBLE_EQUAL(mtt_epoch_line_to_display(2.0, "ev", u, sizeof u), 2000.0, 0);
    CU_ASSERT_STRING_EQUAL(u, "mev");
    CU_ASSERT_DOUBLE_EQUAL(mtt_epoch_line_to_display(2.0, "kcal/mol", u, sizeof u), 2.0, 0);
    CU_ASSERT_STRING_EQUAL(u, "kcal/mol");
    CU_ASSERT_DOUBLE_EQUAL(mtt_epoch_line_to_display(2.0, NULL, u, sizeof u), 2.0, 0);
    CU_ASSERT_STRING_EQUAL(u, "");
    mtt_epoch_line_to_display(1.0, "eV/A", u, 4);  /* truncated, terminated */
    CU_ASSERT_STRING_EQUAL(u, "meV");

    mtt_epoch_line_gradient_unit("eV", "angstrom", u, sizeof u);
    CU_ASSERT_STRING_EQUAL(u, "eV/A");
    mtt_epoch_line_gradient_unit("eV", "bohr", u, sizeof u);
    CU_ASSERT_STRING_EQUAL(u, "eV/bohr");
    mtt_epoch_line_gradient_unit("", "angstrom", u, sizeof u);
    CU_ASSERT_STRING_EQUAL(u, "");
}

static void test_line_exact(void)
{
    /* digits from the first epoch's values, current values differ */
    mtt_epoch_metric m[5] = {
        {"training energy RMSE (per atom)", 2.5, "meV", 0, 0},
        {"training forces RMSE", 99.123456, "meV/A", 0, 0},
        {"validation loss", 0.5, "", 0, -1},
        {"validation energy RMSE (per atom)", 0.03, "meV", 0, 0},
        {"validation forces RMSE", 1234.5678, "meV/A", 0, 0},
    };
    mtt_epoch_line_digits(3.21, &m[0].width, &m[0].precision);
    mtt_epoch_line_digits(120.5, &m[1].width, &m[1].precision);
    mtt_epoch_line_digits(0.0456, &m[3].width, &m[3].precision);
    mtt_epoch_line_digits(15234.0, &m[4].width, &m[4].precision);
    char line[1024];
    mtt_error err;
    CU_ASSERT_EQUAL_FATAL(mtt_epoch_line_format(line, sizeof line, 12,
                                                mtt_epoch_line_epoch_width(100), 9.1e-4,
                                                0.1234, m, 5, &err), MTT_OK);
    CU_ASSERT_STRING_EQUAL(line,
        "Epoch:   12 | learning rate: 9.100e-04 | training loss: 1.234e-01 | "
        "training energy RMSE (per atom): 2.5000 meV | training forces RMSE:  99.12 meV/A | "
        "validation loss: 5.000e-01 | validation energy RMSE (per atom): 0.030000 meV | "
        "validation forces RMSE:  1234.6 meV/A");

    /* no metrics, wide epoch field, unitless metric */
    mtt_epoch_metric r2 = {"training R2", 0.98765, NULL, 6, 4};
    CU_ASSERT_EQUAL_FATAL(mtt_epoch_line_format(line, sizeof line, 7, 6, 1e-3, 2.0, &r2,
                                                1, &err), MTT_OK);
    CU_ASSERT_STRING_EQUAL(line, "Epoch:      7 | learning rate: 1.000e-03 | "
                                 "training loss: 2.000e+00 | training R2: 0.9877");
    CU_ASSERT_EQUAL_FATAL(mtt_epoch_line_format(line, sizeof line, 0, 4, 0.0, 0.0, NULL,
                                                0, &err), MTT_OK);
    CU_ASSERT_STRING_EQUAL(line, "Epoch:    0 | learning rate: 0.000e+00 | "
                                 "training loss: 0.000e+00");
}

static void test_line_too_small(void)
{
    char line[20];
    mtt_error err;
    CU_ASSERT_EQUAL(mtt_epoch_line_format(line, sizeof line, 1, 4, 1e-3, 1.0, NULL, 0, &err),
                    MTT_ERR_INTERNAL);
    CU_ASSERT(strlen(line) < sizeof line);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "20 bytes"));
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite c = CU_add_suite("csv", suite_init, suite_clean);
    CU_add_test(c, "header, unit row, rows, flushed", test_csv_content);
    CU_add_test(c, "quoting and non-finite values", test_csv_quoting_and_special_values);
    CU_add_test(c, "errors name the file", test_csv_errors);
    CU_pSuite e = CU_add_suite("epoch_line", NULL, NULL);
    CU_add_test(e, "digits as metatrain's _get_digits", test_digits);
    CU_add_test(e, "eV shown as meV, gradient units", test_units);
    CU_add_test(e, "exact lines", test_line_exact);
    CU_add_test(e, "buffer too small", test_line_too_small);
    return mtt_cunit_run_tap();
}
