/* ckpt_layout.c — every item of an mtt checkpoint (format 1), in canonical
 * order: the one place that says which field of mtt_ckpt goes where.
 *
 * Order matters: it is the order of the records of the root checksum
 * (docs/checkpoint-format.md lists the same order).  A new item goes at the
 * end, with a format version bump if older readers cannot ignore it.
 * Reading checks every count against the ones already read (species and
 * composition, parameters and moments, history names and values) so that
 * the arrays handed to the trainer are consistent.
 */
#include "config.h"

#include "io/ckpt_layout.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- root attributes --------------------------------------------------- */

static mtt_status attr_int(ckpt_io *io, const char *name, int *v)
{
    int64_t t = *v;
    MTT_FORWARD_IF_ERROR(io->attr_i64(io, name, &t));
    if (!io->writing && (t < INT_MIN || t > INT_MAX))
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: root attribute %s = %lld is out of "
                            "range; the file is damaged", io->path, name, (long long)t);
    *v = (int)t;
    return MTT_OK;
}

/* ---- scalars ----------------------------------------------------------- */

static mtt_status scalar(ckpt_io *io, const char *path, ckpt_elem elem, void *value)
{
    ckpt_item it = {.path = path, .elem = elem, .ndims = 0};
    if (io->writing) {
        void *d = value;
        return io->data(io, &it, &d);
    }
    void *d = NULL;
    MTT_FORWARD_IF_ERROR(io->data(io, &it, &d));
    memcpy(value, d, ckpt_elem_size(&it));
    free(d);
    return MTT_OK;
}

static mtt_status f64(ckpt_io *io, const char *path, double *v)
{
    return scalar(io, path, CKPT_F64, v);
}

static mtt_status i64(ckpt_io *io, const char *path, int64_t *v)
{
    return scalar(io, path, CKPT_I64, v);
}

static mtt_status i32(ckpt_io *io, const char *path, int *v)
{
    int32_t t = (int32_t)*v;
    MTT_FORWARD_IF_ERROR(scalar(io, path, CKPT_I32, &t));
    *v = t;
    return MTT_OK;
}

/* ---- texts ------------------------------------------------------------- */

/* A malloc'd text (NULL allowed when optional: the dataset is then absent). */
static mtt_status text(ckpt_io *io, const char *path, char **s, unsigned flags)
{
    ckpt_item it = {.path = path, .elem = CKPT_TEXT, .ndims = 0, .flags = flags};
    if (io->writing) {
        const char *empty = "";
        const char *t = *s ? *s : ((flags & CKPT_OPTIONAL) ? NULL : empty);
        it.width = t ? strlen(t) : 0;
        void *d = (void *)t;
        return io->data(io, &it, &d);
    }
    void *d = NULL;
    MTT_FORWARD_IF_ERROR(io->data(io, &it, &d));
    *s = d;
    return MTT_OK;
}

/* A text into a fixed char[cap] field. */
static mtt_status text_fixed(ckpt_io *io, const char *path, char *buf, size_t cap)
{
    char *t = NULL;
    if (io->writing) {
        ckpt_item it = {.path = path, .elem = CKPT_TEXT, .ndims = 0, .width = strnlen(buf, cap)};
        void *d = buf;
        return io->data(io, &it, &d);
    }
    MTT_FORWARD_IF_ERROR(text(io, path, &t, 0));
    size_t n = strlen(t);
    if (n >= cap) {
        free(t);
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s is longer than %zu characters; the "
                            "file is damaged or not from mtt", io->path, path, cap - 1);
    }
    memcpy(buf, t, n + 1);
    free(t);
    return MTT_OK;
}

/* ---- arrays ------------------------------------------------------------ */

/* A 1-d array of *n elements.  Read: when `expect` names an earlier item,
 * the length must equal *n (set by that item); otherwise it sets *n. */
static mtt_status array(ckpt_io *io, const char *path, ckpt_elem elem, void **a, size_t *n,
                        const char *expect, unsigned flags)
{
    ckpt_item it = {.path = path, .elem = elem, .ndims = 1, .dims = {*n, 0}, .flags = flags};
    if (io->writing) return io->data(io, &it, a);
    void *d = NULL;
    MTT_FORWARD_IF_ERROR(io->data(io, &it, &d));
    *a = d;
    if (expect && it.dims[0] != *n)
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s has %llu entries but %s has %zu; "
                            "the file is inconsistent", io->path, path,
                            (unsigned long long)it.dims[0], expect, *n);
    *n = (size_t)it.dims[0];
    return MTT_OK;
}

static mtt_status f64_array(ckpt_io *io, const char *path, double **a, size_t *n,
                            const char *expect, unsigned flags)
{
    void *p = *a;
    mtt_status st = array(io, path, CKPT_F64, &p, n, expect, flags);
    *a = p;
    return st;
}

static mtt_status i64_array(ckpt_io *io, const char *path, int64_t **a, size_t *n)
{
    void *p = *a;
    mtt_status st = array(io, path, CKPT_I64, &p, n, NULL, 0);
    *a = p;
    return st;
}

/* n strings as one [n] dataset of fixed width (the longest, at least 1). */
static mtt_status strings(ckpt_io *io, const char *path, char *const *s, size_t n,
                          size_t *n_out, char ***out, const char *expect)
{
    ckpt_item it = {.path = path, .elem = CKPT_TEXT, .ndims = 1, .dims = {n, 0}};
    if (io->writing) {
        size_t width = 1;
        for (size_t i = 0; i < n; ++i) {
            size_t l = strlen(s[i]);
            if (l > width) width = l;
        }
        char *packed = calloc(n ? n : 1, width);
        if (!packed) return ckpt_io_fail(io, MTT_ERR_NOMEM, "out of memory writing %s", io->path);
        for (size_t i = 0; i < n; ++i) {
            memcpy(packed + i * width, s[i], strlen(s[i]));
        }
        it.width = width;
        void *d = packed;
        mtt_status st = io->data(io, &it, &d);
        free(packed);
        return st;
    }
    void *d = NULL;
    MTT_FORWARD_IF_ERROR(io->data(io, &it, &d));
    const char *packed = d;
    size_t count = (size_t)it.dims[0];
    if (expect && count != *n_out) {
        free(d);
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: %s has %zu entries but %s has %zu; the "
                            "file is inconsistent", io->path, path, count, expect, *n_out);
    }
    char **list = calloc(count ? count : 1, sizeof *list);
    int failed = !list;
    for (size_t i = 0; i < count && !failed; ++i) {
        list[i] = strndup(packed + i * it.width, it.width);
        failed = !list[i];
    }
    free(d);
    *out = list;
    *n_out = count;
    if (failed) return ckpt_io_fail(io, MTT_ERR_NOMEM, "out of memory reading %s", io->path);
    return MTT_OK;
}

/* ---- composite items --------------------------------------------------- */

/* The layout table: /model/layout/{name, offset, shape}. */
static mtt_status tensor_layout(ckpt_io *io, mtt_ckpt *c)
{
    size_t n = c->n_tensors;
    int64_t *offset = NULL, *shape = NULL;
    char **names = NULL;
    mtt_status st = MTT_OK;
    if (io->writing) {
        offset = malloc((n ? n : 1) * sizeof *offset);
        shape = malloc((n ? n : 1) * 2 * sizeof *shape);
        names = malloc((n ? n : 1) * sizeof *names);
        if (!offset || !shape || !names) {
            st = ckpt_io_fail(io, MTT_ERR_NOMEM, "out of memory writing %s", io->path);
            goto cleanup;
        }
        for (size_t i = 0; i < n; ++i) {
            offset[i] = c->layout[i].offset;
            shape[2 * i] = c->layout[i].rows;
            shape[2 * i + 1] = c->layout[i].cols;
            names[i] = c->layout[i].name;
        }
        st = strings(io, "/model/layout/name", names, n, NULL, NULL, NULL);
        free(names);  /* points into c->layout */
        names = NULL;
        if (st) goto cleanup;
    } else {
        st = strings(io, "/model/layout/name", NULL, 0, &n, &names, NULL);
        if (st) goto cleanup;
        c->layout = calloc(n ? n : 1, sizeof *c->layout);
        if (!c->layout) {
            st = ckpt_io_fail(io, MTT_ERR_NOMEM, "out of memory reading %s", io->path);
            goto cleanup;
        }
        c->n_tensors = n;
        for (size_t i = 0; i < n; ++i) {
            if (strlen(names[i]) >= sizeof c->layout[i].name) {
                st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: /model/layout/name entry %zu is "
                                  "too long; the file is damaged", io->path, i);
                goto cleanup;
            }
            strcpy(c->layout[i].name, names[i]);
        }
    }
    void *p = offset;
    size_t n_offset = n;
    st = array(io, "/model/layout/offset", CKPT_I64, &p, &n_offset, "/model/layout/name", 0);
    offset = p;
    if (st) goto cleanup;
    ckpt_item it = {.path = "/model/layout/shape", .elem = CKPT_I64, .ndims = 2, .dims = {n, 2}};
    p = shape;
    st = io->data(io, &it, &p);
    shape = p;
    if (st) goto cleanup;
    if (!io->writing) {
        if (it.dims[0] != n || it.dims[1] != 2) {
            st = ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: /model/layout/shape is not [%zu x 2]; "
                              "the file is inconsistent", io->path, n);
            goto cleanup;
        }
        for (size_t i = 0; i < n; ++i) {
            c->layout[i].offset = offset[i];
            c->layout[i].rows = shape[2 * i];
            c->layout[i].cols = shape[2 * i + 1];
        }
    }
cleanup:
    if (names)
        for (size_t i = 0; i < n; ++i) free(names[i]);
    free(names);
    free(offset);
    free(shape);
    return st;
}

/* /history/{names, units, values}: the rows of train.csv so far. */
static mtt_status history(ckpt_io *io, mtt_ckpt_history *h)
{
    MTT_FORWARD_IF_ERROR(strings(io, "/history/names", h->names, h->n_cols, &h->n_cols,
                                 &h->names, NULL));
    size_t n_units = h->n_cols;
    MTT_FORWARD_IF_ERROR(strings(io, "/history/units", h->units, h->n_cols, &n_units,
                                 &h->units, "/history/names"));
    ckpt_item it = {.path = "/history/values", .elem = CKPT_F64, .ndims = 2,
                    .dims = {h->n_rows, h->n_cols}};
    void *p = h->values;
    MTT_FORWARD_IF_ERROR(io->data(io, &it, &p));
    if (io->writing) return MTT_OK;
    h->values = p;
    if (it.dims[1] != h->n_cols)
        return ckpt_io_fail(io, MTT_ERR_CHECKPOINT, "%s: /history/values has %llu columns but "
                            "/history/names has %zu; the file is inconsistent", io->path,
                            (unsigned long long)it.dims[1], h->n_cols);
    h->n_rows = (size_t)it.dims[0];
    return MTT_OK;
}

/* /training/epoch_accumulators [world_size × n_accum], row r from rank r. */
static mtt_status accumulators(ckpt_io *io, mtt_ckpt *c)
{
    ckpt_item it = {.path = "/training/epoch_accumulators", .elem = CKPT_F64, .ndims = 2,
                    .dims = {0, c->n_accum}, .flags = CKPT_ROW_PER_RANK};
    if (io->writing) {
        void *d = (void *)c->accum_local;
        return io->data(io, &it, &d);
    }
    void *d = NULL;
    MTT_FORWARD_IF_ERROR(io->data(io, &it, &d));
    c->accum = d;
    c->n_accum = (size_t)it.dims[1];
    return MTT_OK;
}

/* ---- the list ---------------------------------------------------------- */

mtt_status ckpt_layout_visit(ckpt_io *io, mtt_ckpt *c)
{
    char format[32] = MTT_CKPT_FORMAT_NAME;
    MTT_FORWARD_IF_ERROR(io->attr_text(io, "format", format, sizeof format));
    MTT_FORWARD_IF_ERROR(attr_int(io, "format_version", &c->format_version));
    MTT_FORWARD_IF_ERROR(io->attr_text(io, "architecture", c->architecture, sizeof c->architecture));
    MTT_FORWARD_IF_ERROR(io->attr_text(io, "mtt_version", c->mtt_version, sizeof c->mtt_version));
    MTT_FORWARD_IF_ERROR(io->attr_text(io, "git_revision", c->git_revision, sizeof c->git_revision));
    MTT_FORWARD_IF_ERROR(io->attr_text(io, "created", c->created, sizeof c->created));
    MTT_FORWARD_IF_ERROR(attr_int(io, "world_size", &c->world_size));
    io->world_size = c->world_size;
    MTT_FORWARD_IF_ERROR(attr_int(io, "precision", &c->precision));
    MTT_FORWARD_IF_ERROR(io->attr_i64(io, "epoch", &c->epoch));
    MTT_FORWARD_IF_ERROR(io->attr_i64(io, "step", &c->step));
    MTT_FORWARD_IF_ERROR(io->attr_i64(io, "global_step", &c->global_step));
    MTT_FORWARD_IF_ERROR(attr_int(io, "finished", &c->finished));

    MTT_FORWARD_IF_ERROR(text(io, "/options/yaml", &c->options_yaml, 0));
    MTT_FORWARD_IF_ERROR(text(io, "/metadata/yaml", &c->metadata_yaml, CKPT_OPTIONAL));

    void *p = c->species;
    mtt_status st = array(io, "/dataset/species", CKPT_I32, &p, &c->n_species, NULL, 0);
    c->species = p;
    MTT_FORWARD_IF_ERROR(st);
    MTT_FORWARD_IF_ERROR(text_fixed(io, "/dataset/energy_unit", c->energy_unit, sizeof c->energy_unit));
    MTT_FORWARD_IF_ERROR(text_fixed(io, "/dataset/length_unit", c->length_unit, sizeof c->length_unit));
    MTT_FORWARD_IF_ERROR(i32(io, "/dataset/trained_energy", &c->trained_energy));
    MTT_FORWARD_IF_ERROR(i32(io, "/dataset/trained_forces", &c->trained_forces));
    MTT_FORWARD_IF_ERROR(i32(io, "/dataset/trained_stress", &c->trained_stress));
    MTT_FORWARD_IF_ERROR(i32(io, "/dataset/trained_virial", &c->trained_virial));

    MTT_FORWARD_IF_ERROR(f64(io, "/model/cutoff", &c->cutoff));
    MTT_FORWARD_IF_ERROR(f64(io, "/model/cutoff_width", &c->cutoff_width));
    MTT_FORWARD_IF_ERROR(i32(io, "/model/max_radial", &c->max_radial));
    MTT_FORWARD_IF_ERROR(i32(io, "/model/max_angular", &c->max_angular));
    MTT_FORWARD_IF_ERROR(i32(io, "/model/num_hidden_layers", &c->num_hidden_layers));
    MTT_FORWARD_IF_ERROR(i32(io, "/model/num_neurons_per_layer", &c->num_neurons_per_layer));
    MTT_FORWARD_IF_ERROR(i32(io, "/model/layernorm", &c->layernorm));
    MTT_FORWARD_IF_ERROR(f64(io, "/model/composition_scale", &c->composition_scale));
    size_t n_composition = c->n_species;
    MTT_FORWARD_IF_ERROR(f64_array(io, "/model/composition", &c->composition, &n_composition,
                                   "/dataset/species", 0));
    MTT_FORWARD_IF_ERROR(tensor_layout(io, c));

    MTT_FORWARD_IF_ERROR(f64_array(io, "/parameters/latest", &c->params, &c->n_params, NULL,
                                   CKPT_SLICED));
    size_t n = c->n_params;
    MTT_FORWARD_IF_ERROR(f64_array(io, "/parameters/best", &c->best, &n, "/parameters/latest",
                                   CKPT_SLICED));
    MTT_FORWARD_IF_ERROR(f64_array(io, "/optimizer/adam_m", &c->adam_m, &n,
                                   "/parameters/latest", CKPT_SLICED));
    MTT_FORWARD_IF_ERROR(f64_array(io, "/optimizer/adam_v", &c->adam_v, &n,
                                   "/parameters/latest", CKPT_SLICED));
    MTT_FORWARD_IF_ERROR(i64(io, "/optimizer/step", &c->adam_step));
    MTT_FORWARD_IF_ERROR(f64(io, "/optimizer/beta1", &c->adam_beta1));
    MTT_FORWARD_IF_ERROR(f64(io, "/optimizer/beta2", &c->adam_beta2));
    MTT_FORWARD_IF_ERROR(f64(io, "/optimizer/eps", &c->adam_eps));
    MTT_FORWARD_IF_ERROR(f64(io, "/optimizer/weight_decay", &c->adam_weight_decay));

    MTT_FORWARD_IF_ERROR(i64(io, "/schedule/steps_per_epoch", &c->steps_per_epoch));
    MTT_FORWARD_IF_ERROR(i64(io, "/schedule/total_steps", &c->total_steps));
    MTT_FORWARD_IF_ERROR(i64(io, "/schedule/warmup_steps", &c->warmup_steps));
    MTT_FORWARD_IF_ERROR(f64(io, "/schedule/learning_rate", &c->learning_rate));

    MTT_FORWARD_IF_ERROR(i64(io, "/training/best_epoch", &c->best_epoch));
    MTT_FORWARD_IF_ERROR(f64(io, "/training/best_metric", &c->best_metric));
    MTT_FORWARD_IF_ERROR(f64(io, "/training/epoch_loss_sum", &c->epoch_loss_sum));
    MTT_FORWARD_IF_ERROR(accumulators(io, c));

    MTT_FORWARD_IF_ERROR(history(io, &c->history));

    static const char *const split_paths[3] = {"/splits/training", "/splits/validation",
                                               "/splits/test"};
    for (int s = 0; s < 3; ++s)
        MTT_FORWARD_IF_ERROR(i64_array(io, split_paths[s], &c->split[s], &c->n_split[s]));
    return io->status;
}
