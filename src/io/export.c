/* export.c — checkpoint → model file → written, reopened through libmtt (export.h). */
#include "config.h"

#include "io/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/model_build.h"
#include "model/soap.h"
#include "mtt/mtt.h"
#include "options/metadata.h"

mtt_status mtt_export_set_metadata(mtt_model_file *mf, const char *yaml, const char *source,
                                   mtt_error *err)
{
    mtt_metadata *md = NULL;
    char *text = NULL;
    MTT_FORWARD_IF_ERROR(mtt_metadata_parse(yaml, source, &md, err));
    mtt_status st = mtt_metadata_to_yaml(md, &text, err);
    mtt_metadata_free(md);
    if (st != MTT_OK) return st;
    free(mf->metadata_yaml);
    mf->metadata_yaml = text;
    return MTT_OK;
}

mtt_status mtt_export_model_file(mtt_model_file *mf, const char *out_path, mtt_error *err)
{
    mtt_sbp_model *m = NULL;
    MTT_FORWARD_IF_ERROR(mtt_model_file_build(mf, out_path, &m, err));
    mtt_status st = mtt_model_selftest_make(mf, m, err);
    mtt_sbp_free(m);
    if (st != MTT_OK) return st;
    MTT_FORWARD_IF_ERROR(mtt_model_file_write(out_path, mf, err));
    /* the written file must load through the public API, self-test included */
    mtt_model *check = NULL;
    mtt_model_error e;
    if (mtt_model_open(out_path, MTT_MODEL_OPEN_QUIET, &check, &e) != MTT_MODEL_OK) {
        unlink(out_path);
        return mtt_error_set(err, MTT_ERR_INTERNAL, "the exported model does not load (%s); "
                             "nothing was written; please report this", e.message);
    }
    mtt_model_close(check);
    return MTT_OK;
}

mtt_status mtt_export_model_from_ckpt(const mtt_ckpt *c, const char *out_path, mtt_error *err)
{
    MTT_RETURN_ERROR_IF(!c->best || c->n_params == 0, err, MTT_ERR_CHECKPOINT,
                        "the checkpoint has no best model to export");
    mtt_model_file mf;
    memset(&mf, 0, sizeof mf);
    mtt_status st = MTT_OK;
    snprintf(mf.architecture, sizeof mf.architecture, "%s", c->architecture);
    mf.precision = c->precision;
    mf.epoch = c->best_epoch;
    snprintf(mf.energy_unit, sizeof mf.energy_unit, "%s", c->energy_unit);
    snprintf(mf.length_unit, sizeof mf.length_unit, "%s", c->length_unit);
    mf.cutoff = c->cutoff;
    mf.cutoff_width = c->cutoff_width;
    /* the trainer's radial table (train/trainer.c); stored so that a later
     * mtt with another default still computes this model the same way */
    mf.radial_grid_spacing = MTT_SOAP_DEFAULT_GRID;
    mf.max_radial = c->max_radial;
    mf.max_angular = c->max_angular;
    mf.num_hidden_layers = c->num_hidden_layers;
    mf.num_neurons_per_layer = c->num_neurons_per_layer;
    mf.layernorm = c->layernorm;
    mf.n_species = c->n_species;
    mf.composition_scale = c->composition_scale;
    mf.n_params = c->n_params;
    mf.n_tensors = c->n_tensors;
    mf.species = malloc((c->n_species ? c->n_species : 1) * sizeof *mf.species);
    mf.composition = malloc((c->n_species ? c->n_species : 1) * sizeof *mf.composition);
    mf.params = malloc(c->n_params * sizeof *mf.params);
    mf.layout = calloc(c->n_tensors ? c->n_tensors : 1, sizeof *mf.layout);
    if (!mf.species || !mf.composition || !mf.params || !mf.layout) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory exporting to %s", out_path);
        goto done;
    }
    memcpy(mf.species, c->species, c->n_species * sizeof *mf.species);
    memcpy(mf.composition, c->composition, c->n_species * sizeof *mf.composition);
    memcpy(mf.params, c->best, c->n_params * sizeof *mf.params);
    for (size_t i = 0; i < c->n_tensors; ++i) {
        snprintf(mf.layout[i].name, sizeof mf.layout[i].name, "%s", c->layout[i].name);
        mf.layout[i].offset = c->layout[i].offset;
        mf.layout[i].rows = c->layout[i].rows;
        mf.layout[i].cols = c->layout[i].cols;
    }
    if ((st = mtt_export_set_metadata(&mf, c->metadata_yaml, "the checkpoint's metadata", err)) !=
        MTT_OK)
        goto done;
    st = mtt_export_model_file(&mf, out_path, err);
done:
    mtt_model_file_free(&mf);
    return st;
}
