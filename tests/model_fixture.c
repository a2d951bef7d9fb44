/* model_fixture.c — see model_fixture.h. */
#include "config.h"

#include "model_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/soap.h"
#include "model/soap_bpnn.h"

mtt_status mtt_test_model_file(mtt_model_file *mf, uint64_t seed, mtt_error *err)
{
    static const int species[3] = {1, 6, 8};
    memset(mf, 0, sizeof *mf);
    mtt_sbp_config cfg = {.cutoff = 4.0, .width = 0.5, .max_radial = 2, .max_angular = 2,
                          .num_hidden_layers = 1, .num_neurons_per_layer = 8, .layernorm = 1,
                          .n_species = 3, .species = species,
                          .grid_spacing = MTT_SOAP_DEFAULT_GRID};
    mtt_sbp_model *m = NULL;
    MTT_FORWARD_IF_ERROR(mtt_sbp_create(&cfg, &m, err));
    snprintf(mf->architecture, sizeof mf->architecture, "soap_bpnn");
    mf->precision = 64;
    mf->epoch = 7;
    snprintf(mf->energy_unit, sizeof mf->energy_unit, "eV");
    snprintf(mf->length_unit, sizeof mf->length_unit, "angstrom");
    mf->cutoff = cfg.cutoff;
    mf->cutoff_width = cfg.width;
    mf->radial_grid_spacing = cfg.grid_spacing;
    mf->max_radial = cfg.max_radial;
    mf->max_angular = cfg.max_angular;
    mf->num_hidden_layers = cfg.num_hidden_layers;
    mf->num_neurons_per_layer = cfg.num_neurons_per_layer;
    mf->layernorm = cfg.layernorm;
    mf->n_species = 3;
    mf->species = malloc(3 * sizeof *mf->species);
    mf->composition = malloc(3 * sizeof *mf->composition);
    mf->n_params = m->n_params;
    mf->params = malloc(m->n_params * sizeof *mf->params);
    mf->n_tensors = m->mlp->n_tensors;
    mf->layout = calloc(mf->n_tensors, sizeof *mf->layout);
    mf->metadata_yaml = strdup("");
    mtt_status st = MTT_OK;
    if (!mf->species || !mf->composition || !mf->params || !mf->layout || !mf->metadata_yaml) {
        st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int s = 0; s < 3; ++s) {
        mf->species[s] = species[s];
        mf->composition[s] = -10.0 * (s + 1) + 0.25;
    }
    mf->composition_scale = 0.7;
    mtt_sbp_init_params(m, mf->params, seed);
    for (size_t i = 0; i < mf->n_tensors; ++i) {
        const mtt_mlp_tensor *t = &m->mlp->tensors[i];
        snprintf(mf->layout[i].name, sizeof mf->layout[i].name, "%s", t->name);
        mf->layout[i].offset = (int64_t)t->offset;
        mf->layout[i].rows = (int64_t)t->rows;
        mf->layout[i].cols = (int64_t)t->cols;
    }
done:
    mtt_sbp_free(m);
    if (st != MTT_OK) mtt_model_file_free(mf);
    return st;
}
