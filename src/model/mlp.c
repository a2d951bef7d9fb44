/* mlp.c — architecture, parameter layout and initialisation (see mlp.h). */
#include "config.h"

#include "model/mlp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/layernorm.h"

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

mtt_status mtt_mlp_create(const mtt_mlp_config *cfg, size_t n_species, const int *species,
                          mtt_mlp **out, mtt_error *err)
{
    mtt_status st = MTT_OK;
    mtt_mlp *net = NULL;
    *out = NULL;
    if (cfg->n_input == 0) {
        st = mtt_error_set(err, MTT_ERR_OPTIONS,
                           "the network input (descriptor) has length 0; check "
                           "architecture.model.soap max_radial and max_angular");
        goto cleanup;
    }
    if (cfg->n_hidden_layers > 0 && cfg->n_neurons == 0) {
        st = mtt_error_set(err, MTT_ERR_OPTIONS,
                           "architecture.model.bpnn.num_neurons_per_layer is 0; set it "
                           "to at least 1");
        goto cleanup;
    }
    if (n_species == 0) {
        st = mtt_error_set(err, MTT_ERR_DATA,
                           "no atomic species given for the network; check that the "
                           "training set contains atoms");
        goto cleanup;
    }
    net = calloc(1, sizeof *net);
    if (!net) goto nomem;
    net->cfg = *cfg;
    net->layernorm_eps = MTT_LAYERNORM_EPS;
    net->n_species = n_species;
    net->species = malloc(n_species * sizeof *net->species);
    if (!net->species) goto nomem;
    memcpy(net->species, species, n_species * sizeof *species);
    qsort(net->species, n_species, sizeof *net->species, cmp_int);
    for (size_t s = 1; s < n_species; s++) {
        if (net->species[s] == net->species[s - 1]) {
            st = mtt_error_set(err, MTT_ERR_INTERNAL,
                               "atomic number %d listed twice for the network; this is "
                               "a bug, please report it",
                               net->species[s]);
            goto cleanup;
        }
    }
    net->n_layers = cfg->n_hidden_layers + 1;
    net->n_tensors = n_species * net->n_layers;
    net->tensors = calloc(net->n_tensors, sizeof *net->tensors);
    if (!net->tensors) goto nomem;
    size_t off = 0;
    for (size_t s = 0; s < n_species; s++) {
        size_t fan_in = cfg->n_input;
        for (size_t k = 0; k < net->n_layers; k++) {
            mtt_mlp_tensor *t = &net->tensors[s * net->n_layers + k];
            int last = k + 1 == net->n_layers;
            if (last)
                snprintf(t->name, sizeof t->name, "mlp.%d.output.weight", net->species[s]);
            else
                snprintf(t->name, sizeof t->name, "mlp.%d.layer%zu.weight", net->species[s],
                         k);
            t->offset = off;
            t->rows = last ? 1 : cfg->n_neurons;
            t->cols = fan_in;
            off += t->rows * t->cols;
            fan_in = t->rows;
        }
        if (s == 0) net->n_params_per_species = off;
    }
    net->n_params = off;
    *out = net;
    return MTT_OK;
nomem:
    st = mtt_error_set(err, MTT_ERR_NOMEM, "out of memory while building the network");
cleanup:
    mtt_mlp_free(net);
    return st;
}

void mtt_mlp_free(mtt_mlp *net)
{
    if (!net) return;
    free(net->species);
    free(net->tensors);
    free(net);
}

int mtt_mlp_species_index(const mtt_mlp *net, int z)
{
    for (size_t s = 0; s < net->n_species; s++)
        if (net->species[s] == z) return (int)s;
    return -1;
}

const mtt_mlp_tensor *mtt_mlp_layer(const mtt_mlp *net, size_t s, size_t k)
{
    if (s >= net->n_species || k >= net->n_layers) return NULL;
    return &net->tensors[s * net->n_layers + k];
}

const mtt_mlp_tensor *mtt_mlp_find_tensor(const mtt_mlp *net, const char *name)
{
    for (size_t t = 0; t < net->n_tensors; t++)
        if (strcmp(net->tensors[t].name, name) == 0) return &net->tensors[t];
    return NULL;
}

size_t mtt_mlp_species_offset(const mtt_mlp *net, size_t s)
{
    return s * net->n_params_per_species;
}

void mtt_mlp_init_params(const mtt_mlp *net, double *params, double (*uniform)(void *ctx),
                         void *ctx)
{
    for (size_t t = 0; t < net->n_tensors; t++) {
        const mtt_mlp_tensor *ten = &net->tensors[t];
        double bound = 1.0 / sqrt((double)ten->cols);
        double *w = params + ten->offset;
        for (size_t i = 0; i < ten->rows * ten->cols; i++)
            w[i] = bound * (2.0 * uniform(ctx) - 1.0);
    }
}

/* SplitMix64 (Steele, Lea, Flood 2014): tiny, full-period, good enough to
 * break symmetry between weights; kept local so model/ needs no util/rng. */
static double splitmix_uniform(void *ctx)
{
    uint64_t *state = ctx;
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53; /* 53 random bits in [0, 1) */
}

void mtt_mlp_init_params_seeded(const mtt_mlp *net, double *params, uint64_t seed)
{
    uint64_t state = seed;
    mtt_mlp_init_params(net, params, splitmix_uniform, &state);
}
