/* ckpt_fill.c — the frozen test state of ckpt_fill.h and its comparison. */
#include "config.h"

#include "ckpt_fill.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double nan_with_payload(void)
{
    uint64_t bits = UINT64_C(0x7ff8000000012345);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* Value k of array `which`: smooth values plus the special ones. */
static double value(int which, size_t k)
{
    switch ((k * 7 + (size_t)which) % 97) {
    case 3: return nan_with_payload();
    case 11: return INFINITY;
    case 19: return -INFINITY;
    case 23: return -0.0;
    case 31: return 4.9e-324 * (double)(k % 5 + 1);  /* subnormal */
    default: return sin(0.37 * (double)k + which) * pow(10.0, (double)((int)(k % 9) - 4));
    }
}

double ckpt_fill_accum(int rank, size_t j)
{
    if (rank == 1 && j == 2) return -0.0;
    return 1000.0 * rank + 0.125 * (double)j + 1.0 / 3.0;
}

static char *dup_text(const char *s)
{
    char *t = malloc(strlen(s) + 1);
    if (t) strcpy(t, s);
    return t;
}

static double *doubles(size_t n, int which)
{
    double *a = malloc((n ? n : 1) * sizeof *a);
    if (a)
        for (size_t i = 0; i < n; ++i) a[i] = value(which, i);
    return a;
}

int ckpt_fill(mtt_ckpt *c, int variant, int rank)
{
    memset(c, 0, sizeof *c);
    snprintf(c->architecture, sizeof c->architecture, "soap_bpnn");
    c->world_size = 0;  /* the writer records the communicator's size */
    c->precision = 64;
    c->epoch = 12;
    c->step = 3;
    c->global_step = 12 * 17 + 3;
    c->finished = 0;
    c->options_yaml = dup_text("seed: 42\nbase_precision: 64\narchitecture:\n  name: soap_bpnn\n"
                               "# unicode: \xc3\x85ngstr\xc3\xb6m\n");
    c->metadata_yaml = variant == 0 ? dup_text("name: test model\nauthors: [A. Person]\n") : NULL;
    c->n_species = 3;
    c->species = malloc(3 * sizeof *c->species);
    if (c->species) {
        c->species[0] = 1;
        c->species[1] = 6;
        c->species[2] = 8;
    }
    snprintf(c->energy_unit, sizeof c->energy_unit, "eV");
    snprintf(c->length_unit, sizeof c->length_unit, variant == 0 ? "angstrom" : "");
    c->trained_energy = 1;
    c->trained_forces = 1;
    c->trained_stress = variant;
    c->trained_virial = 0;
    c->cutoff = 5.0;
    c->cutoff_width = 0.5;
    c->max_radial = 7;
    c->max_angular = 6;
    c->num_hidden_layers = 2;
    c->num_neurons_per_layer = 32;
    c->layernorm = 1;
    c->composition_scale = 0.0123;
    c->composition = doubles(3, 7);
    c->n_params = variant == 0 ? 251 : 5;
    c->params = doubles(c->n_params, 0);
    c->best = doubles(c->n_params, 1);
    c->adam_m = doubles(c->n_params, 2);
    c->adam_v = doubles(c->n_params, 3);
    c->n_tensors = variant == 0 ? 3 : 0;
    c->layout = calloc(3, sizeof *c->layout);
    if (c->layout && variant == 0) {
        c->layout[0] = (mtt_ckpt_tensor){"mlp.1.layer0.weight", 0, 20, 25};
        c->layout[1] = (mtt_ckpt_tensor){"mlp.6.layer0.weight", 500, 20, 25};
        c->layout[2] = (mtt_ckpt_tensor){"a.name.of.exactly.sixty.three.characters.for.the.width.t"
                                         "est.xyz", 1000, 1, 1};
    }
    c->adam_step = c->global_step;
    c->adam_beta1 = 0.9;
    c->adam_beta2 = 0.999;
    c->adam_eps = 1e-8;
    c->adam_weight_decay = 0.0;
    c->steps_per_epoch = 17;
    c->total_steps = 17 * 100;
    c->warmup_steps = 17;
    c->learning_rate = 1e-3;
    c->best_epoch = variant == 0 ? 10 : -1;
    c->best_metric = variant == 0 ? 0.0421 : INFINITY;
    c->epoch_loss_sum = 3.25;
    c->n_accum = 7;
    double *row = malloc(c->n_accum * sizeof *row);
    if (row)
        for (size_t j = 0; j < c->n_accum; ++j) row[j] = ckpt_fill_accum(rank, j);
    c->accum_local = row;
    if (variant == 0) {
        static const char *const names[5] = {"epoch", "learning_rate", "training_loss",
                                             "validation_energy_rmse_per_atom", ""};
        static const char *const units[5] = {"", "", "", "meV", "meV/A"};
        c->history.n_rows = 4;
        c->history.n_cols = 5;
        c->history.names = calloc(5, sizeof(char *));
        c->history.units = calloc(5, sizeof(char *));
        if (c->history.names && c->history.units)
            for (int i = 0; i < 5; ++i) {
                c->history.names[i] = dup_text(names[i]);
                c->history.units[i] = dup_text(units[i]);
            }
        c->history.values = doubles(20, 5);
    }
    c->n_split[0] = variant == 0 ? 10 : 0;
    c->n_split[1] = variant == 0 ? 3 : 0;
    c->n_split[2] = 0;
    for (int s = 0; s < 3; ++s) {
        c->split[s] = malloc((c->n_split[s] ? c->n_split[s] : 1) * sizeof(int64_t));
        if (c->split[s])
            for (size_t i = 0; i < c->n_split[s]; ++i)
                c->split[s][i] = (int64_t)(i * 3 + (size_t)s) + (s == 0 ? INT64_C(5000000000) : 0);
    }
    /* every allocation must have worked */
    int bad = !c->options_yaml || (variant == 0 && !c->metadata_yaml) || !c->species ||
              !c->composition || !c->params || !c->best || !c->adam_m || !c->adam_v ||
              !c->layout || !row || !c->split[0] || !c->split[1] || !c->split[2];
    if (variant == 0) {
        bad = bad || !c->history.names || !c->history.units || !c->history.values;
        for (int i = 0; !bad && i < 5; ++i) bad = !c->history.names[i] || !c->history.units[i];
    }
    return bad ? -1 : 0;
}

void ckpt_fill_release(mtt_ckpt *c)
{
    free((void *)c->accum_local);
    c->accum_local = NULL;
    mtt_ckpt_free(c);
}

#define DIFF(...)                              \
    do {                                       \
        snprintf(why, n, __VA_ARGS__);         \
        return -1;                             \
    } while (0)

static int same_bits(const void *a, const void *b, size_t bytes)
{
    if (bytes == 0) return 1;
    return a && b && memcmp(a, b, bytes) == 0;
}

static int same_text(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

int ckpt_fill_compare(const mtt_ckpt *e, const mtt_ckpt *g, char *why, size_t n)
{
    if (strcmp(e->architecture, g->architecture)) DIFF("architecture '%s'", g->architecture);
    if (g->format_version != MTT_CKPT_FORMAT_VERSION) DIFF("format_version %d", g->format_version);
    if (!g->mtt_version[0] || !g->git_revision[0] || strlen(g->created) != 20)
        DIFF("writer fields '%s' '%s' '%s'", g->mtt_version, g->git_revision, g->created);
    if (g->world_size < 1) DIFF("world_size %d", g->world_size);
    if (e->precision != g->precision || e->epoch != g->epoch || e->step != g->step ||
        e->global_step != g->global_step || e->finished != g->finished)
        DIFF("progress attributes");
    if (!same_text(e->options_yaml, g->options_yaml)) DIFF("options_yaml");
    if (!same_text(e->metadata_yaml, g->metadata_yaml)) DIFF("metadata_yaml");
    if (e->n_species != g->n_species ||
        !same_bits(e->species, g->species, e->n_species * sizeof *e->species))
        DIFF("species");
    if (strcmp(e->energy_unit, g->energy_unit) || strcmp(e->length_unit, g->length_unit))
        DIFF("units");
    if (e->trained_energy != g->trained_energy || e->trained_forces != g->trained_forces ||
        e->trained_stress != g->trained_stress || e->trained_virial != g->trained_virial)
        DIFF("trained targets");
    if (!same_bits(&e->cutoff, &g->cutoff, sizeof e->cutoff) ||
        !same_bits(&e->cutoff_width, &g->cutoff_width, sizeof e->cutoff) ||
        e->max_radial != g->max_radial || e->max_angular != g->max_angular ||
        e->num_hidden_layers != g->num_hidden_layers ||
        e->num_neurons_per_layer != g->num_neurons_per_layer || e->layernorm != g->layernorm ||
        !same_bits(&e->composition_scale, &g->composition_scale, sizeof(double)))
        DIFF("model hyperparameters");
    if (!same_bits(e->composition, g->composition, e->n_species * sizeof(double)))
        DIFF("composition");
    if (e->n_params != g->n_params) DIFF("n_params %zu", g->n_params);
    const size_t np = e->n_params * sizeof(double);
    if (!same_bits(e->params, g->params, np)) DIFF("params");
    if (!same_bits(e->best, g->best, np)) DIFF("best");
    if (!same_bits(e->adam_m, g->adam_m, np)) DIFF("adam_m");
    if (!same_bits(e->adam_v, g->adam_v, np)) DIFF("adam_v");
    if (e->n_tensors != g->n_tensors) DIFF("n_tensors %zu", g->n_tensors);
    for (size_t i = 0; i < e->n_tensors; ++i)
        if (strcmp(e->layout[i].name, g->layout[i].name) || e->layout[i].offset != g->layout[i].offset ||
            e->layout[i].rows != g->layout[i].rows || e->layout[i].cols != g->layout[i].cols)
            DIFF("layout entry %zu", i);
    if (e->adam_step != g->adam_step ||
        !same_bits(&e->adam_beta1, &g->adam_beta1, sizeof(double)) ||
        !same_bits(&e->adam_beta2, &g->adam_beta2, sizeof(double)) ||
        !same_bits(&e->adam_eps, &g->adam_eps, sizeof(double)) ||
        !same_bits(&e->adam_weight_decay, &g->adam_weight_decay, sizeof(double)))
        DIFF("optimizer scalars");
    if (e->steps_per_epoch != g->steps_per_epoch || e->total_steps != g->total_steps ||
        e->warmup_steps != g->warmup_steps ||
        !same_bits(&e->learning_rate, &g->learning_rate, sizeof(double)))
        DIFF("schedule");
    if (e->best_epoch != g->best_epoch ||
        !same_bits(&e->best_metric, &g->best_metric, sizeof(double)) ||
        !same_bits(&e->epoch_loss_sum, &g->epoch_loss_sum, sizeof(double)))
        DIFF("best / epoch loss");
    if (e->n_accum != g->n_accum || !g->accum) DIFF("n_accum %zu", g->n_accum);
    for (int r = 0; r < g->world_size; ++r)
        for (size_t j = 0; j < e->n_accum; ++j) {
            double want = ckpt_fill_accum(r, j);
            if (!same_bits(&want, &g->accum[(size_t)r * e->n_accum + j], sizeof want))
                DIFF("accum[%d][%zu]", r, j);
        }
    const mtt_ckpt_history *he = &e->history, *hg = &g->history;
    if (he->n_rows != hg->n_rows || he->n_cols != hg->n_cols) DIFF("history shape");
    for (size_t i = 0; i < he->n_cols; ++i)
        if (strcmp(he->names[i], hg->names[i]) || strcmp(he->units[i], hg->units[i]))
            DIFF("history column %zu", i);
    if (!same_bits(he->values, hg->values, he->n_rows * he->n_cols * sizeof(double)))
        DIFF("history values");
    for (int s = 0; s < 3; ++s)
        if (e->n_split[s] != g->n_split[s] ||
            !same_bits(e->split[s], g->split[s], e->n_split[s] * sizeof(int64_t)))
            DIFF("split %d", s);
    return 0;
}
