/* mtt_api.c — libmtt: opening, closing and querying models (include/mtt/mtt.h).
 *
 * A model holds the file's content, the soap_bpnn model built from it and
 * the parsed metadata; all of it is read-only after mtt_model_open, which
 * is what makes concurrent mtt_model_compute calls safe (mtt_api_compute.c).
 * The library's only shared state is the mutex around HDF5 (the serial HDF5
 * library is not thread-safe) — no settings, no caches.
 */
#include "config.h"

#include "mtt/mtt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/model_api_internal.h"
#include "io/model_build.h"
#include "util/status.h"

static pthread_mutex_t hdf5_lock = PTHREAD_MUTEX_INITIALIZER;

const char *mtt_version(void) { return PACKAGE_VERSION; }

static const char *const status_text[MTT_MODEL_STATUS_COUNT] = {
    [MTT_MODEL_OK] = "success",
    [MTT_MODEL_ERR_ARGUMENT] = "invalid argument",
    [MTT_MODEL_ERR_IO] = "the model file cannot be read",
    [MTT_MODEL_ERR_FORMAT] = "not a valid mtt model file",
    [MTT_MODEL_ERR_SELF_TEST] = "the model's self-test failed",
    [MTT_MODEL_ERR_INPUT] = "the structure cannot be computed with this model",
    [MTT_MODEL_ERR_NOMEM] = "out of memory",
    [MTT_MODEL_ERR_INTERNAL] = "internal error",
};
_Static_assert(sizeof status_text / sizeof status_text[0] == MTT_MODEL_STATUS_COUNT,
               "one text per public status");

const char *mtt_model_status_string(mtt_model_status status)
{
    if ((int)status < 0 || status >= MTT_MODEL_STATUS_COUNT) return "unknown status";
    return status_text[status];
}

mtt_model_status mtt_api_fail(mtt_model_error *error, mtt_model_status st, const char *msg)
{
    if (error) {
        error->status = st;
        snprintf(error->message, sizeof error->message, "%s", msg);
    }
    return st;
}

mtt_model_status mtt_api_status_of(mtt_status st)
{
    switch (st) {
    case MTT_OK: return MTT_MODEL_OK;
    case MTT_ERR_IO: return MTT_MODEL_ERR_IO;
    case MTT_ERR_CHECKPOINT:
    case MTT_ERR_OPTIONS: return MTT_MODEL_ERR_FORMAT;
    case MTT_ERR_DATA:
    case MTT_ERR_NUMERIC: return MTT_MODEL_ERR_INPUT;
    case MTT_ERR_NOMEM: return MTT_MODEL_ERR_NOMEM;
    default: return MTT_MODEL_ERR_INTERNAL;
    }
}

static void print_list(const char *title, size_t n, char *const *items)
{
    if (!n) return;
    fprintf(stderr, "  %s:\n", title);
    for (size_t i = 0; i < n; ++i) fprintf(stderr, "    - %s\n", items[i]);
}

/* "this metadata will be displayed to users when the model is used" */
static void print_metadata(const mtt_model *m, const char *path)
{
    const mtt_metadata *md = m->meta;
    fprintf(stderr, "This is the model '%s' (%s, epoch %lld)%s%s\n",
            md->name[0] ? md->name : "unnamed", path, (long long)m->file.epoch,
            md->description[0] ? ": " : "", md->description);
    print_list("authors", md->n_authors, md->authors);
    int any = 0;
    for (int k = 0; k < MTT_REF_COUNT; ++k) any |= md->n_references[k] != 0;
    if (any) fprintf(stderr, "  please cite:\n");
    for (int k = 0; k < MTT_REF_COUNT; ++k)
        for (size_t i = 0; i < md->n_references[k]; ++i)
            fprintf(stderr, "    - %s (%s)\n", md->references[k][i], mtt_metadata_reference_kind[k]);
}

mtt_model_status mtt_model_open(const char *path, unsigned flags, mtt_model **model,
                                mtt_model_error *error)
{
    if (model) *model = NULL;
    if (!path || !model) return mtt_api_fail(error, MTT_MODEL_ERR_ARGUMENT,
                                             "mtt_model_open: path and model must not be NULL");
    mtt_error err;
    mtt_error_clear(&err);
    mtt_model *m = calloc(1, sizeof *m);
    if (!m) return mtt_api_fail(error, MTT_MODEL_ERR_NOMEM, "out of memory opening a model");
    pthread_mutex_init(&m->pool_lock, NULL);
    pthread_mutex_lock(&hdf5_lock);
    mtt_status st = mtt_model_file_read(path, &m->file, &err);
    pthread_mutex_unlock(&hdf5_lock);
    mtt_model_status out = mtt_api_status_of(st);
    if (st == MTT_OK && (st = mtt_model_file_build(&m->file, path, &m->sbp, &err)) != MTT_OK)
        out = mtt_api_status_of(st);
    if (st == MTT_OK && (st = mtt_metadata_parse(m->file.metadata_yaml, path, &m->meta, &err)) != MTT_OK) {
        mtt_error_prefix(&err, "metadata of ");
        out = MTT_MODEL_ERR_FORMAT;
    }
    if (st == MTT_OK && (st = mtt_model_selftest_check(&m->file, path, m->sbp, &err)) != MTT_OK)
        out = st == MTT_ERR_NOMEM ? MTT_MODEL_ERR_NOMEM : MTT_MODEL_ERR_SELF_TEST;
    if (st == MTT_OK) {
        m->types = malloc(m->file.n_species * sizeof *m->types);
        if (!m->types) {
            st = mtt_error_set(&err, MTT_ERR_NOMEM, "out of memory opening %s", path);
            out = MTT_MODEL_ERR_NOMEM;
        } else {
            for (size_t i = 0; i < m->file.n_species; ++i) m->types[i] = m->file.species[i];
        }
    }
    if (st != MTT_OK) {
        mtt_model_close(m);
        return mtt_api_fail(error, out, err.msg);
    }
    if (!(flags & MTT_MODEL_OPEN_QUIET)) print_metadata(m, path);
    *model = m;
    if (error) {
        error->status = MTT_MODEL_OK;
        error->message[0] = '\0';
    }
    return MTT_MODEL_OK;
}

mtt_api_slot *mtt_api_slot_take(mtt_model *m)
{
    pthread_mutex_lock(&m->pool_lock);
    mtt_api_slot *slot = m->pool;
    if (slot) m->pool = slot->next;
    pthread_mutex_unlock(&m->pool_lock);
    if (!slot && (slot = calloc(1, sizeof *slot))) {
        mtt_sbp_features_init(&slot->single.f);
        mtt_sbp_local_init(&slot->local);
    }
    return slot;
}

void mtt_api_slot_give(mtt_model *m, mtt_api_slot *slot)
{
    pthread_mutex_lock(&m->pool_lock);
    slot->next = m->pool;
    m->pool = slot;
    pthread_mutex_unlock(&m->pool_lock);
}

void mtt_model_close(mtt_model *model)
{
    if (!model) return;
    for (mtt_api_slot *s = model->pool, *next; s; s = next) {
        next = s->next;
        mtt_sbp_single_free(&s->single);
        mtt_sbp_local_free(&s->local);
        free(s);
    }
    pthread_mutex_destroy(&model->pool_lock);
    mtt_sbp_free(model->sbp);
    mtt_metadata_free(model->meta);
    mtt_model_file_free(&model->file);
    free(model->types);
    free(model);
}

const int *mtt_model_atomic_types(const mtt_model *m, size_t *count)
{
    if (count) *count = m ? m->file.n_species : 0;
    return m ? m->types : NULL;
}

double mtt_model_cutoff(const mtt_model *m) { return m ? m->file.cutoff : 0.0; }
const char *mtt_model_energy_unit(const mtt_model *m) { return m ? m->file.energy_unit : ""; }
const char *mtt_model_length_unit(const mtt_model *m) { return m ? m->file.length_unit : ""; }
const char *mtt_model_architecture(const mtt_model *m) { return m ? m->file.architecture : ""; }
long mtt_model_epoch(const mtt_model *m) { return m ? (long)m->file.epoch : -1; }
const char *mtt_model_name(const mtt_model *m) { return m ? m->meta->name : ""; }
const char *mtt_model_description(const mtt_model *m) { return m ? m->meta->description : ""; }
size_t mtt_model_n_authors(const mtt_model *m) { return m ? m->meta->n_authors : 0; }

const char *mtt_model_author(const mtt_model *m, size_t i)
{
    return m && i < m->meta->n_authors ? m->meta->authors[i] : NULL;
}

static int kind_index(const char *kind)
{
    for (int k = 0; kind && k < MTT_REF_COUNT; ++k)
        if (!strcmp(kind, mtt_metadata_reference_kind[k])) return k;
    return -1;
}

size_t mtt_model_n_references(const mtt_model *m, const char *kind)
{
    int k = kind_index(kind);
    return m && k >= 0 ? m->meta->n_references[k] : 0;
}

const char *mtt_model_reference(const mtt_model *m, const char *kind, size_t i)
{
    int k = kind_index(kind);
    return m && k >= 0 && i < m->meta->n_references[k] ? m->meta->references[k][i] : NULL;
}

size_t mtt_model_n_extra(const mtt_model *m) { return m ? m->meta->n_extra : 0; }

const char *mtt_model_extra_key(const mtt_model *m, size_t i)
{
    return m && i < m->meta->n_extra ? m->meta->extra_keys[i] : NULL;
}

const char *mtt_model_extra_value(const mtt_model *m, size_t i)
{
    return m && i < m->meta->n_extra ? m->meta->extra_values[i] : NULL;
}

const char *mtt_model_metadata_yaml(const mtt_model *m)
{
    return m && m->file.metadata_yaml ? m->file.metadata_yaml : "";
}
