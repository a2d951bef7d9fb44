/* epoch_line.c — metatrain-style epoch log line; see epoch_line.h. */
#include "config.h"

#include "train/epoch_line.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mtt_epoch_line_epoch_width(long num_epochs)
{
    int digits = 1;
    for (long e = num_epochs < 0 ? -num_epochs : num_epochs; e >= 10; e /= 10) ++digits;
    return digits > 4 ? digits : 4;
}

void mtt_epoch_line_digits(double first_value, int *width, int *precision)
{
    int order = 0;
    if (isfinite(first_value) && first_value > 0.0) order = (int)floor(log10(first_value));
    int before = order < 0 ? 1 : order + 1;
    int after = order < 0 ? 4 - order : (4 - order > 1 ? 4 - order : 1);
    *width = before + after + 1;
    *precision = after;
}

/* Copy src into dst[0..n), replacing every `from` by `to`. */
static void replace_all(const char *src, const char *from, const char *to, char *dst,
                        size_t n)
{
    size_t flen = strlen(from), tlen = strlen(to), k = 0;
    while (*src && k + 1 < n) {
        if (!strncmp(src, from, flen)) {
            for (size_t i = 0; i < tlen && k + 1 < n; ++i) dst[k++] = to[i];
            src += flen;
        } else {
            dst[k++] = *src++;
        }
    }
    dst[k] = '\0';
}

double mtt_epoch_line_to_display(double value, const char *unit, char *display_unit,
                                 size_t n)
{
    if (!unit) unit = "";
    if (!strncmp(unit, "eV", 2)) {
        replace_all(unit, "eV", "meV", display_unit, n);
        return value * 1000.0;
    }
    if (!strncmp(unit, "ev", 2)) {
        replace_all(unit, "ev", "mev", display_unit, n);
        return value * 1000.0;
    }
    snprintf(display_unit, n, "%s", unit);
    return value;
}

void mtt_epoch_line_gradient_unit(const char *base_unit, const char *length_unit,
                                  char *out, size_t n)
{
    if (!base_unit || !*base_unit) {
        if (n) out[0] = '\0';
        return;
    }
    const char *len = length_unit ? length_unit : "";
    /* no length unit given: positions are read as Å (docs/data.md) */
    if (!*len || !strcmp(len, "angstrom") || !strcmp(len, "Angstrom") || !strcmp(len, "A") ||
        !strcmp(len, "\xc3\x85") /* Å */ || !strcmp(len, "\xc3\xa5ngstrom"))
        len = "A";
    snprintf(out, n, "%s/%s", base_unit, len);
}

/* Append formatted text at *pos; remembers overflow instead of failing. */
static void append(char *buf, size_t n, size_t *pos, int *overflow, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void append(char *buf, size_t n, size_t *pos, int *overflow, const char *fmt, ...)
{
    if (*overflow) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *pos, n - *pos, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= n - *pos) {
        *overflow = 1;
        return;
    }
    *pos += (size_t)w;
}

mtt_status mtt_epoch_line_format(char *buf, size_t n, long epoch, int epoch_width,
                                 double learning_rate, double loss,
                                 const mtt_epoch_metric *metrics, size_t n_metrics,
                                 mtt_error *err)
{
    size_t pos = 0;
    int overflow = n == 0;
    append(buf, n, &pos, &overflow, "Epoch: %*ld | learning rate: %.3e | training loss: %.3e",
           epoch_width, epoch, learning_rate, loss);
    for (size_t i = 0; i < n_metrics; ++i) {
        const mtt_epoch_metric *m = &metrics[i];
        if (m->precision < 0)
            append(buf, n, &pos, &overflow, " | %s: %.3e", m->name, m->value);
        else
            append(buf, n, &pos, &overflow, " | %s: %*.*f", m->name, m->width,
                   m->precision, m->value);
        if (m->unit && *m->unit) append(buf, n, &pos, &overflow, " %s", m->unit);
    }
    MTT_RETURN_ERROR_IF(overflow, err, MTT_ERR_INTERNAL,
                        "epoch log line does not fit in %zu bytes; please report", n);
    return MTT_OK;
}
