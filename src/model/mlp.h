/* mlp.h — the per-species networks of soap_bpnn: architecture and the one
 * flat parameter array.
 *
 * Per species s (atomic number Z):  y = w_out · σ(W_L ··· σ(W_1 · LN(p)))
 * — optional LayerNorm without affine parameters (eps 1e-5) on the descriptor
 * p (length n_input = D), n_hidden_layers × (Linear without bias, SiLU) of
 * width n_neurons, then Linear to 1 without bias (docs/design.md §7, docs/math.md §4).
 * With n_hidden_layers = 0 the network is y = w_out · LN(p).
 *
 * Parameters of ALL species live in ONE contiguous array of n_params doubles
 * (owned by the caller: trainer, optimizer, checkpoint), so an allreduce is
 * one call and a checkpoint stores one flat array plus this layout table.
 * Layout, species-major (species in ascending Z), then layer order:
 *   "mlp.<Z>.layer<k>.weight"  k = 0..n_hidden_layers−1, shape [n_neurons, fan_in]
 *   "mlp.<Z>.output.weight"    shape [1, n_neurons] (or [1, D] without hidden layers)
 * Each weight is row-major [out, in], exactly PyTorch's nn.Linear.weight.
 * Gradient arrays use the same layout.
 *
 * The passes over a batch of atoms (forward, input gradient, tangent,
 * parameter gradients) are in mlp_pass.h.
 */
#ifndef MTT_MODEL_MLP_H
#define MTT_MODEL_MLP_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define MTT_MLP_NAME_MAX 48

/* Hyperparameters (architecture.model.bpnn in options.yaml). */
typedef struct mtt_mlp_config {
    size_t n_input;         /* D: descriptor length per atom */
    size_t n_hidden_layers; /* bpnn.num_hidden_layers (0 allowed) */
    size_t n_neurons;       /* bpnn.num_neurons_per_layer */
    int layernorm;          /* bpnn.layernorm: 1 = normalise p first */
} mtt_mlp_config;

/* One weight matrix inside the flat array. */
typedef struct mtt_mlp_tensor {
    char name[MTT_MLP_NAME_MAX]; /* "mlp.8.layer0.weight", "mlp.8.output.weight" */
    size_t offset;               /* index of element [0][0] in the flat array */
    size_t rows;                 /* out features */
    size_t cols;                 /* in features (fan_in) */
} mtt_mlp_tensor;

typedef struct mtt_mlp {
    mtt_mlp_config cfg;
    double layernorm_eps;        /* 1e-5 */
    size_t n_species;
    int *species;                /* atomic numbers, strictly ascending */
    size_t n_layers;             /* weight matrices per species: n_hidden_layers + 1 */
    size_t n_tensors;            /* n_species · n_layers */
    mtt_mlp_tensor *tensors;     /* [species][layer], species-major */
    size_t n_params_per_species; /* doubles per species block */
    size_t n_params;             /* doubles in the flat array */
} mtt_mlp;

/* Build the architecture for the given species (any order, no duplicates;
 * stored sorted).  Errors (MTT_ERR_OPTIONS) name the offending bpnn key. */
mtt_status mtt_mlp_create(const mtt_mlp_config *cfg, size_t n_species, const int *species,
                          mtt_mlp **out, mtt_error *err);
void mtt_mlp_free(mtt_mlp *net);

/* Index of atomic number z in net->species, or −1 when absent. */
int mtt_mlp_species_index(const mtt_mlp *net, int z);
/* Layer k (0..n_layers−1, the last is the output) of species index s. */
const mtt_mlp_tensor *mtt_mlp_layer(const mtt_mlp *net, size_t s, size_t k);
/* The tensor with this name, or NULL. */
const mtt_mlp_tensor *mtt_mlp_find_tensor(const mtt_mlp *net, const char *name);
/* Offset of the block of species index s in the flat array. */
size_t mtt_mlp_species_offset(const mtt_mlp *net, size_t s);

/* Initialise every weight like PyTorch's default nn.Linear init
 * (kaiming-uniform with a = √5): U(−1/√fan_in, 1/√fan_in).  uniform(ctx)
 * must return values in [0, 1); draws happen in layout order, one per
 * parameter, so a given generator state gives the same parameters. */
void mtt_mlp_init_params(const mtt_mlp *net, double *params, double (*uniform)(void *ctx),
                         void *ctx);
/* Same with a local SplitMix64 stream seeded by seed (reproducible across
 * machines). */
void mtt_mlp_init_params_seeded(const mtt_mlp *net, double *params, uint64_t seed);

#endif
