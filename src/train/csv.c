/* csv.c — the train.csv writer; see csv.h. */
#include "config.h"

#include "train/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mtt_csv {
    FILE *file;
    char *path;
    size_t n_cols;
    size_t epoch_col;  /* index of the integer epoch column, or n_cols if none */
};

static int needs_quotes(const char *s)
{
    return strpbrk(s, ",\"\r\n") != NULL;
}

static int write_field(FILE *f, const char *s)
{
    if (!needs_quotes(s)) return fputs(s, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF) return -1;
    for (; *s; ++s) {
        if (*s == '"' && fputc('"', f) == EOF) return -1;  /* "" escapes a quote */
        if (fputc(*s, f) == EOF) return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

static int write_text_row(FILE *f, size_t n, const char *const *fields)
{
    for (size_t i = 0; i < n; ++i) {
        if (i > 0 && fputc(',', f) == EOF) return -1;
        if (write_field(f, fields && fields[i] ? fields[i] : "") != 0) return -1;
    }
    return fputc('\n', f) == EOF ? -1 : 0;
}

mtt_status mtt_csv_open(const char *path, size_t n_cols, const char *const *names,
                        const char *const *units, mtt_csv **out, mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_csv *csv = NULL;
    *out = NULL;
    MTT_RETURN_ERROR_IF(n_cols == 0 || !names, err, MTT_ERR_INTERNAL,
                        "%s: a CSV file needs at least one column; please report", path);
    csv = calloc(1, sizeof *csv);
    if (!csv || !(csv->path = malloc(strlen(path) + 1))) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "%s: out of memory opening CSV file", path);
        goto cleanup;
    }
    strcpy(csv->path, path);
    csv->n_cols = n_cols;
    csv->epoch_col = n_cols;
    for (size_t i = 0; i < n_cols; ++i)
        if (names[i] && (!strcmp(names[i], "Epoch") || !strcmp(names[i], "epoch"))) {
            csv->epoch_col = i;
            break;
        }
    csv->file = fopen(path, "w");
    if (!csv->file) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot create file (%s); check the "
                           "run folder's permissions", path, strerror(errno));
        goto cleanup;
    }
    if (write_text_row(csv->file, n_cols, names) != 0 ||
        write_text_row(csv->file, n_cols, units) != 0 || fflush(csv->file) != 0) {
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot write header (%s); check free "
                           "disk space", path, strerror(errno));
        goto cleanup;
    }
    *out = csv;
    csv = NULL;
cleanup:
    if (csv) {
        if (csv->file) fclose(csv->file);
        free(csv->path);
        free(csv);
    }
    return st;
}

mtt_status mtt_csv_write_row(mtt_csv *csv, const double *values, mtt_error *err)
{
    FILE *f = csv->file;
    int bad = 0;
    for (size_t i = 0; i < csv->n_cols && !bad; ++i) {
        if (i > 0) bad |= fputc(',', f) == EOF;
        if (i == csv->epoch_col && isfinite(values[i]))
            bad |= fprintf(f, "%lld", (long long)llround(values[i])) < 0;
        else
            bad |= fprintf(f, "%.17g", values[i]) < 0;
    }
    bad |= fputc('\n', f) == EOF;
    bad |= fflush(f) != 0;
    MTT_RETURN_ERROR_IF(bad, err, MTT_ERR_IO, "%s: cannot write row (%s); check free "
                        "disk space", csv->path, strerror(errno));
    return MTT_OK;
}

mtt_status mtt_csv_close(mtt_csv *csv, mtt_error *err)
{
    if (!csv) return MTT_OK;
    mtt_status st = MTT_OK;
    if (fclose(csv->file) != 0)
        st = mtt_error_set(err, MTT_ERR_IO, "%s: cannot close file (%s); check free "
                           "disk space", csv->path, strerror(errno));
    free(csv->path);
    free(csv);
    return st;
}
