/* test_options.c — the options module: defaults, every shorthand, overrides
 * and the round trip through options_restart.yaml.  Errors are in
 * test_options_errors.c.  Golden files: tests/data/options/good.
 */
#include "config.h"

#include "cunit_tap.h"
#include "options/options.h"
#include "test_options_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- defaults --------------------------------------------------------------- */
static void test_defaults(void)
{
    mtt_options *o = opt_load_file_ok("good/minimal.yaml", NULL, 0);
    if (!o) return;
    CU_ASSERT_EQUAL(o->seed_given, 0);
    CU_ASSERT_EQUAL(o->base_precision, 64);
    CU_ASSERT_STRING_EQUAL(o->architecture_name, "soap_bpnn");
    CU_ASSERT_EQUAL(o->n_atomic_types, 0);
    CU_ASSERT_PTR_NULL(o->atomic_types);
    CU_ASSERT_DOUBLE_EQUAL(o->model.cutoff_radius, 5.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->model.cutoff_width, 0.5, 0);
    CU_ASSERT_EQUAL(o->model.max_radial, 7);
    CU_ASSERT_EQUAL(o->model.max_angular, 6);
    CU_ASSERT_EQUAL(o->model.num_hidden_layers, 2);
    CU_ASSERT_EQUAL(o->model.num_neurons_per_layer, 32);
    CU_ASSERT_EQUAL(o->model.layernorm, 1);
    CU_ASSERT_EQUAL(o->training.batch_size, 8);
    CU_ASSERT_EQUAL(o->training.num_epochs, 100);
    CU_ASSERT_DOUBLE_EQUAL(o->training.learning_rate, 1e-3, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.warmup_fraction, 0.01, 0);
    CU_ASSERT_EQUAL(o->training.log_interval, 5);
    CU_ASSERT_EQUAL(o->training.checkpoint_interval, 25);
    CU_ASSERT_EQUAL(o->training.scale_targets, 1);
    CU_ASSERT_EQUAL(o->training.log_mae, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.descriptor_cache_mb, 4096, 0);
    CU_ASSERT_EQUAL(o->training.keep_checkpoints, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.checkpoint_every_minutes, 0, 0);
    CU_ASSERT_EQUAL(o->training.loss_type, MTT_OPTIONS_LOSS_MSE);
    CU_ASSERT_DOUBLE_EQUAL(o->training.energy_weight, 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.forces_weight, 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.stress_weight, 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.huber_delta, 1.0, 0);
    const mtt_dataset_opts *t = &o->training_set;
    CU_ASSERT_EQUAL(t->present, 1);
    CU_ASSERT_EQUAL(t->is_fraction, 0);
    CU_ASSERT_STRING_EQUAL(t->read_from, "ethanol.xyz");
    CU_ASSERT_PTR_NULL(t->reader);
    CU_ASSERT_STRING_EQUAL(t->length_unit, "");
    CU_ASSERT_STRING_EQUAL(t->energy.key, "energy");
    CU_ASSERT_STRING_EQUAL(t->energy.unit, "");
    CU_ASSERT_STRING_EQUAL(t->energy.read_from, "ethanol.xyz");
    CU_ASSERT_EQUAL(t->energy.forces, 1);
    CU_ASSERT_STRING_EQUAL(t->energy.forces_key, "forces");
    CU_ASSERT_STRING_EQUAL(t->energy.forces_read_from, "ethanol.xyz");
    CU_ASSERT_EQUAL(t->energy.stress, 1);
    CU_ASSERT_STRING_EQUAL(t->energy.stress_key, "stress");
    CU_ASSERT_EQUAL(t->energy.virial, 0);
    CU_ASSERT_STRING_EQUAL(t->energy.virial_key, "virial");
    CU_ASSERT_EQUAL(o->validation_set.present, 0);
    CU_ASSERT_EQUAL(o->validation_set.is_fraction, 1);
    CU_ASSERT_DOUBLE_EQUAL(o->validation_set.fraction, 0.1, 0);
    CU_ASSERT_EQUAL(o->test_set.present, 0);
    CU_ASSERT_EQUAL(o->test_set.is_fraction, 1);
    CU_ASSERT_DOUBLE_EQUAL(o->test_set.fraction, 0.0, 0);
    CU_ASSERT_TRUE(strstr(o->source_path, "good/minimal.yaml") != NULL);
    mtt_options_set_seed(o, 1234);
    CU_ASSERT_EQUAL(o->seed_given, 1);
    CU_ASSERT_EQUAL(o->seed, 1234);
    mtt_options_log(o);
    mtt_options_free(o);
}

static void test_design_example(void)
{
    mtt_options *o = opt_load_file_ok("good/design.yaml", NULL, 0);
    if (!o) return;
    CU_ASSERT_EQUAL(o->seed_given, 1);
    CU_ASSERT_EQUAL(o->seed, 42);
    CU_ASSERT_STRING_EQUAL(o->training_set.read_from, "data.xyz");
    CU_ASSERT_STRING_EQUAL(o->training_set.length_unit, "angstrom");
    CU_ASSERT_STRING_EQUAL(o->training_set.energy.unit, "eV");
    CU_ASSERT_EQUAL(o->training_set.energy.forces, 1);
    CU_ASSERT_EQUAL(o->training_set.energy.stress, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->test_set.fraction, 0.1, 0);
    mtt_options_free(o);
}

/* ---- shorthands ------------------------------------------------------------- */
static void test_blocks_and_shorthands(void)
{
    mtt_options *o = opt_load_file_ok("good/blocks.yaml", NULL, 0);
    if (!o) return;
    CU_ASSERT_EQUAL(o->seed, 7);
    CU_ASSERT_EQUAL(o->base_precision, 32);
    CU_ASSERT_EQUAL(o->n_atomic_types, 3);
    if (o->n_atomic_types == 3) CU_ASSERT_EQUAL(o->atomic_types[2], 8);
    CU_ASSERT_DOUBLE_EQUAL(o->model.cutoff_radius, 4.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->model.cutoff_width, 0.25, 0);
    CU_ASSERT_EQUAL(o->model.max_radial, 5);
    CU_ASSERT_EQUAL(o->model.max_angular, 3);
    CU_ASSERT_EQUAL(o->model.num_hidden_layers, 3);
    CU_ASSERT_EQUAL(o->model.num_neurons_per_layer, 64);
    CU_ASSERT_EQUAL(o->model.layernorm, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.learning_rate, 3e-4, 0);
    CU_ASSERT_EQUAL(o->training.scale_targets, 0);
    CU_ASSERT_EQUAL(o->training.log_mae, 1);
    CU_ASSERT_DOUBLE_EQUAL(o->training.descriptor_cache_mb, 512.5, 0);
    CU_ASSERT_EQUAL(o->training.keep_checkpoints, 3);
    CU_ASSERT_DOUBLE_EQUAL(o->training.checkpoint_every_minutes, 30, 0);
    CU_ASSERT_EQUAL(o->training.loss_type, MTT_OPTIONS_LOSS_HUBER);
    CU_ASSERT_DOUBLE_EQUAL(o->training.energy_weight, 2.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.huber_delta, 0.05, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.forces_weight, 10.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.stress_weight, 0.5, 0); /* from loss...virial */
    const mtt_target_opts *e = &o->training_set.energy;
    CU_ASSERT_STRING_EQUAL(o->training_set.read_from, "train.xyz"); /* systems: FILE */
    CU_ASSERT_STRING_EQUAL(e->key, "U0");
    CU_ASSERT_STRING_EQUAL(e->unit, "kcal/mol");
    CU_ASSERT_EQUAL(e->forces, 1);
    CU_ASSERT_STRING_EQUAL(e->forces_read_from, "F"); /* metatrain: a string is read_from */
    CU_ASSERT_STRING_EQUAL(e->forces_key, "forces");
    CU_ASSERT_EQUAL(e->virial, 1);
    CU_ASSERT_EQUAL(e->stress, 0); /* virial on, stress untouched -> stress off */
    CU_ASSERT_STRING_EQUAL(e->virial_read_from, "train.xyz");
    const mtt_dataset_opts *v = &o->validation_set;
    CU_ASSERT_EQUAL(v->present, 1);
    CU_ASSERT_EQUAL(v->is_fraction, 0);
    CU_ASSERT_STRING_EQUAL(v->read_from, "valid.xyz");
    CU_ASSERT_STRING_EQUAL(v->length_unit, "angstrom");
    CU_ASSERT_STRING_EQUAL(v->energy.read_from, "valid_energies.xyz");
    CU_ASSERT_STRING_EQUAL(v->energy.forces_read_from, "valid_energies.xyz");
    CU_ASSERT_EQUAL(v->energy.forces, 0);
    CU_ASSERT_EQUAL(v->energy.stress, 0);
    const mtt_dataset_opts *s = &o->test_set; /* test_set: FILE */
    CU_ASSERT_EQUAL(s->present, 1);
    CU_ASSERT_STRING_EQUAL(s->read_from, "test.xyz");
    CU_ASSERT_STRING_EQUAL(s->energy.read_from, "test.xyz");
    CU_ASSERT_EQUAL(s->energy.forces, 1);
    CU_ASSERT_EQUAL(s->energy.stress, 1);
    mtt_options_free(o);
}

static void test_gradient_shorthands(void)
{
    static const char *const forms[][2] = {
        {"on", "1"}, {"off", "0"}, {"true", "1"}, {"false", "0"}, {"yes", "1"},
        {"{key: F}", "1"}, {"{read_from: f.xyz}", "1"}, {"'off'", "1"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, MIN_HEAD "training_set:\n  systems: a.xyz\n  targets:\n"
                 "    energy:\n      forces: %s\n      stress: %s\n", forms[i][0], forms[i][0]);
        mtt_options *o = opt_load_text_ok(text, NULL, 0);
        if (!o) continue;
        CU_ASSERT_EQUAL(o->training_set.energy.forces, atoi(forms[i][1]));
        CU_ASSERT_EQUAL(o->training_set.energy.stress, atoi(forms[i][1]));
        if (i == 5) CU_ASSERT_STRING_EQUAL(o->training_set.energy.forces_key, "F");
        if (i == 6) CU_ASSERT_STRING_EQUAL(o->training_set.energy.stress_read_from, "f.xyz");
        if (i == 7) CU_ASSERT_STRING_EQUAL(o->training_set.energy.forces_read_from, "off");
        mtt_options_free(o);
    }
    /* energy: FILE is the energy's read_from; systems as a block */
    mtt_options *o = opt_load_text_ok(MIN_HEAD "training_set:\n  systems: {read_from: s.xyz}\n"
                                      "  targets: {energy: e.xyz}\n", NULL, 0);
    if (o) {
        CU_ASSERT_STRING_EQUAL(o->training_set.read_from, "s.xyz");
        CU_ASSERT_STRING_EQUAL(o->training_set.energy.read_from, "e.xyz");
        CU_ASSERT_STRING_EQUAL(o->training_set.energy.stress_read_from, "e.xyz");
    }
    mtt_options_free(o);
}

static void test_loss_shorthands(void)
{
    static const char *const forms[][2] = {
        {"mae", "1"},
        {"{energy: huber}", "2"},
        {"{energy: {type: mae, forces: mae, stress: {type: mae, weight: 3}}}", "1"},
        {"{energy: {weight: 0.5}}", "0"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "architecture: {name: soap_bpnn, training: {loss: %s}}\n"
                 "training_set: a.xyz\nvalidation_set: 0.1\n", forms[i][0]);
        mtt_options *o = opt_load_text_ok(text, NULL, 0);
        if (!o) continue;
        CU_ASSERT_EQUAL((int)o->training.loss_type, atoi(forms[i][1]));
        if (i == 2) CU_ASSERT_DOUBLE_EQUAL(o->training.stress_weight, 3.0, 0);
        if (i == 3) CU_ASSERT_DOUBLE_EQUAL(o->training.energy_weight, 0.5, 0);
        mtt_options_free(o);
    }
    opt_expect_text_error("architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
                          "      energy: {type: mse, forces: mae}\n"
                          "training_set: a.xyz\nvalidation_set: 0.1\n", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:35: architecture.training.loss.energy.forces.type: mtt uses one "
                          "loss type for energy and its gradients; use 'mse' or set "
                          "architecture.training.loss: mae");
    opt_expect_text_error("architecture: {name: soap_bpnn, training: {loss: l2}}\n"
                          "training_set: a.xyz\nvalidation_set: 0.1\n", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:50: architecture.training.loss.energy.type: 'l2' is not "
                          "supported; allowed: mse|mae|huber");
}

static void test_dataset_shorthands(void)
{
    mtt_options *o = opt_load_text_ok("architecture: {name: soap_bpnn}\ntraining_set: a.xyz\n"
                                      "validation_set: b.xyz\ntest_set: 0\n", NULL, 0);
    if (o) {
        CU_ASSERT_EQUAL(o->validation_set.present, 1);
        CU_ASSERT_STRING_EQUAL(o->validation_set.read_from, "b.xyz");
        CU_ASSERT_STRING_EQUAL(o->validation_set.energy.read_from, "b.xyz");
        CU_ASSERT_EQUAL(o->test_set.is_fraction, 1);
        CU_ASSERT_DOUBLE_EQUAL(o->test_set.fraction, 0.0, 0);
    }
    mtt_options_free(o);
    /* a quoted number is a file name, not a fraction */
    o = opt_load_text_ok("architecture: {name: soap_bpnn}\ntraining_set: a.xyz\n"
                         "validation_set: '0.5'\n", NULL, 0);
    if (o) CU_ASSERT_STRING_EQUAL(o->validation_set.read_from, "0.5");
    mtt_options_free(o);
}

static void test_metatrain_expanded(void)
{
    mtt_options *o = opt_load_file_ok("good/metatrain_expanded.yaml", NULL, 0);
    if (!o) return;
    CU_ASSERT_EQUAL(o->seed, 0);
    CU_ASSERT_EQUAL(o->seed_given, 1);
    CU_ASSERT_EQUAL(o->training.loss_type, MTT_OPTIONS_LOSS_HUBER);
    CU_ASSERT_DOUBLE_EQUAL(o->training.huber_delta, 0.1, 0);
    CU_ASSERT_DOUBLE_EQUAL(o->training.forces_weight, 5.0, 0); /* gradients.positions */
    CU_ASSERT_STRING_EQUAL(o->training_set.energy.unit, "eV");
    CU_ASSERT_EQUAL(o->training_set.energy.stress, 0);
    mtt_options_free(o);
    const char *tail = "training_set: a.xyz\nvalidation_set: 0.1\n";
    char text[512];
    snprintf(text, sizeof text, "architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
             "      energy: {gradients: {strain: {weight: 2}}}\n%s", tail);
    o = opt_load_text_ok(text, NULL, 0);
    if (o) CU_ASSERT_DOUBLE_EQUAL(o->training.stress_weight, 2.0, 0);
    mtt_options_free(o);
    snprintf(text, sizeof text, "architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
             "      energy: {forces: {weight: 1}, gradients: {positions: {weight: 2}}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:49: architecture.training.loss.energy.gradients.positions: given twice; "
                          "keep either loss.energy.forces or this");
    snprintf(text, sizeof text, "architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
             "      energy: {stress: {weight: 1}, virial: {weight: 2}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:37: architecture.training.loss.energy.virial: give the loss of either "
                          "stress or virial, not both");
    snprintf(text, sizeof text, "architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
             "      energy: {type: huber, delta: 0.5, forces: {delta: 0.2}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:57: architecture.training.loss.energy.forces.delta: mtt uses one Huber "
                          "delta for energy and its gradients; set loss.energy.delta instead");
    /* delta is the Huber loss's: refused with mse and mae unless it is the
     * default 1.0 that mtt writes into every options file and checkpoint */
    snprintf(text, sizeof text, "architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
             "      energy: {type: mse, delta: 0.5}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:34: architecture.training.loss.energy.delta: delta is the Huber "
                          "loss's and does nothing with type mse; remove it or set loss.energy.type: huber");
    snprintf(text, sizeof text, "architecture:\n  name: soap_bpnn\n  training:\n    loss:\n"
             "      energy: {type: mae, delta: 1.0}\n%s", tail);
    mtt_options *d1 = opt_load_text_ok(text, NULL, 0);
    if (d1) CU_ASSERT_EQUAL(d1->training.loss_type, MTT_OPTIONS_LOSS_MAE);
    mtt_options_free(d1);
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn}\ntraining_set:\n  systems: a.xyz\n"
             "  targets: {energy: {per_atom: true}}\nvalidation_set: 0.1\n");
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:4:32: training_set.targets.energy.per_atom: only false is supported");
}

/* ---- overrides -------------------------------------------------------------- */
static void test_overrides(void)
{
    const char *ov[] = {"architecture.training.num_epochs=5", "validation_set=0.2",
                        "architecture.training.loss=mae", "architecture.atomic_types=[1, 8]",
                        "seed=99", "training_set.targets.energy.forces=off",
                        "architecture.model.soap={max_radial: 3}", "test_set=0.3"};
    mtt_options *o = opt_load_file_ok("good/design.yaml", ov, sizeof ov / sizeof ov[0]);
    if (!o) return;
    CU_ASSERT_EQUAL(o->training.num_epochs, 5);
    CU_ASSERT_DOUBLE_EQUAL(o->validation_set.fraction, 0.2, 0);
    CU_ASSERT_EQUAL(o->training.loss_type, MTT_OPTIONS_LOSS_MAE);
    CU_ASSERT_EQUAL(o->n_atomic_types, 2);
    CU_ASSERT_EQUAL(o->seed, 99);
    CU_ASSERT_EQUAL(o->training_set.energy.forces, 0);
    CU_ASSERT_EQUAL(o->model.max_radial, 3);
    CU_ASSERT_DOUBLE_EQUAL(o->model.cutoff_radius, 5.0, 0); /* soap block replaced: default */
    CU_ASSERT_DOUBLE_EQUAL(o->test_set.fraction, 0.3, 0);
    mtt_options_free(o);

    const char *text = "architecture: {name: soap_bpnn}\ntraining_set: a.xyz\nvalidation_set: 0.1\n";
    const char *bad1[] = {"architecture.training.num_epoch=5"};
    opt_expect_text_error(text, bad1, 1, MTT_ERR_OPTIONS,
                          "--override architecture.training.num_epoch=5: unknown option; did you mean num_epochs?");
    const char *bad2[] = {"architecture.training.num_epochs=ten"};
    opt_expect_text_error(text, bad2, 1, MTT_ERR_OPTIONS,
                          "--override architecture.training.num_epochs=ten: expected an integer, got 'ten'");
    const char *bad3[] = {"num_epochs"};
    opt_expect_text_error(text, bad3, 1, MTT_ERR_OPTIONS,
                          "--override num_epochs: expected key.path=value, e.g. architecture.training.num_epochs=5");
    const char *bad4[] = {"architecture.name.x=1"};
    opt_expect_text_error(text, bad4, 1, MTT_ERR_OPTIONS,
                          "--override architecture.name.x=1: 'name' is not a block in the "
                          "options (it holds a single value); override 'name' itself");
    /* shorthands are spelled out before the overrides: reach inside them */
    const char *inside[] = {"training_set.systems.read_from=b.xyz",
                            "training_set.targets.energy.virial=on"};
    o = opt_load_text_ok(text, inside, 2);
    if (o) {
        CU_ASSERT_STRING_EQUAL(o->training_set.read_from, "b.xyz");
        CU_ASSERT_STRING_EQUAL(o->training_set.energy.read_from, "a.xyz");
        CU_ASSERT_EQUAL(o->training_set.energy.virial, 1);
        CU_ASSERT_EQUAL(o->training_set.energy.stress, 0);
    }
    mtt_options_free(o);
    /* a later override reaches into the shorthand of an earlier one */
    const char *chain[] = {"architecture.training.loss=huber",
                           "architecture.training.loss.energy.delta=0.001"};
    o = opt_load_text_ok(text, chain, 2);
    if (o) {
        CU_ASSERT_EQUAL(o->training.loss_type, MTT_OPTIONS_LOSS_HUBER);
        CU_ASSERT_DOUBLE_EQUAL(o->training.huber_delta, 0.001, 0);
    }
    mtt_options_free(o);
    const char *mse_delta[] = {"architecture.training.loss.energy.delta=0.1"};
    opt_expect_text_error(text, mse_delta, 1, MTT_ERR_OPTIONS,
                          "--override architecture.training.loss.energy.delta=0.1: delta is the Huber "
                          "loss's and does nothing with type mse; remove it or set loss.energy.type: huber");
    const char *both[] = {"training_set.targets.energy.virial=on",
                          "training_set.targets.energy.stress=on"};
    opt_expect_text_error(text, both, 2, MTT_ERR_OPTIONS,
                          "--override training_set.targets.energy.virial=on: cannot train on both stress and "
                          "virial; set stress: off or virial: off");
    const char *bad5[] = {"validation_set=1.5"};
    opt_expect_text_error(text, bad5, 1, MTT_ERR_OPTIONS,
                          "--override validation_set=1.5: 1.5 is out of range; a fraction must be in [0, 1)");
    const char *bad6[] = {"seed=[1, 2"};
    opt_expect_text_error(text, bad6, 1, MTT_ERR_OPTIONS,
                          "--override seed=[1, 2: invalid YAML value: did not find expected ',' or ']'; quote the value");
    const char *bad7[] = {"architecture..name=x"};
    opt_expect_text_error(text, bad7, 1, MTT_ERR_OPTIONS,
                          "--override architecture..name=x: empty key in the path; separate keys with single dots");
}

/* ---- round trip ------------------------------------------------------------- */
static void round_trip(const char *rel, const char *const *ov, size_t n)
{
    char path[] = "/tmp/mtt_test_options_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    mtt_options *a = opt_load_file_ok(rel, ov, n), *b = NULL;
        mtt_error err = {0};
        char *ta = NULL, *tb = NULL;
        if (!a) goto cleanup;
        if (!a->seed_given) mtt_options_set_seed(a, 31337);
    CU_ASSERT_EQUAL(mtt_options_write_yaml(a, path, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_options_load_file(path, NULL, 0, &b, &err), MTT_OK);
    if (!b) {
        printf("# reload failed: %s\n", err.msg);
        goto cleanup;
    }
    CU_ASSERT_EQUAL(mtt_options_to_yaml(a, &ta, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_options_to_yaml(b, &tb, &err), MTT_OK);
    if (ta && tb) CU_ASSERT_STRING_EQUAL(ta, tb);
    /* spot checks on the struct itself, not only its text */
    CU_ASSERT_EQUAL(b->seed, a->seed);
    CU_ASSERT_EQUAL(b->seed_given, 1);
    CU_ASSERT(b->training.learning_rate == a->training.learning_rate);
    CU_ASSERT(b->model.cutoff_width == a->model.cutoff_width);
    CU_ASSERT(b->validation_set.fraction == a->validation_set.fraction);
    CU_ASSERT_EQUAL(b->validation_set.present, a->validation_set.present);
    CU_ASSERT_EQUAL(b->test_set.present, a->test_set.present);
    CU_ASSERT_EQUAL(b->training_set.energy.stress, a->training_set.energy.stress);
    CU_ASSERT_EQUAL(b->training_set.energy.virial, a->training_set.energy.virial);
    CU_ASSERT_EQUAL(b->training.loss_type, a->training.loss_type);
    CU_ASSERT_EQUAL(b->n_atomic_types, a->n_atomic_types);
    CU_ASSERT_STRING_EQUAL(b->training_set.energy.forces_read_from, a->training_set.energy.forces_read_from);
    CU_ASSERT_EQUAL(b->training_set.reader == NULL, a->training_set.reader == NULL);
cleanup:
    free(ta);
    free(tb);
    mtt_options_free(a);
    mtt_options_free(b);
    unlink(path);
}

static void test_round_trip(void)
{
    round_trip("good/minimal.yaml", NULL, 0);
    round_trip("good/design.yaml", NULL, 0);
    round_trip("good/blocks.yaml", NULL, 0);
    const char *off[] = {"training_set.targets.energy.forces={key: F, read_from: x.xyz}",
                         "training_set.targets.energy.forces=off"};
    round_trip("good/minimal.yaml", off, 1);
    const char *on[] = {"training_set.targets.energy.stress={key: S}", "validation_set=v.xyz"};
    round_trip("good/minimal.yaml", on, 2);
    const char *ov[] = {"training_set.targets.energy.unit=\"quote\\\" and \\\\ back\"",
                        "architecture.training.learning_rate=0.1"};
    round_trip("good/blocks.yaml", ov, 2);
}

static void test_written_text(void)
{
    mtt_options *o = opt_load_file_ok("good/design.yaml", NULL, 0);
    char *text = NULL;
    mtt_error err = {0};
    if (!o) return;
    CU_ASSERT_EQUAL(mtt_options_to_yaml(o, &text, &err), MTT_OK);
    if (text) {
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nseed: 42\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "    learning_rate: 0.001\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "      cutoff:\n        radius: 5.0\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "      stress: false\n      virial: false\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "      forces:\n        read_from: \"data.xyz\"\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nvalidation_set: 0.1\ntest_set: 0.1\n"));
        CU_ASSERT_PTR_NULL(strstr(text, "quantity")); /* accepted, not stored */
    }
    free(text);
    mtt_options_free(o);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("options", NULL, NULL);
    CU_add_test(s, "defaults of a minimal file", test_defaults);
    CU_add_test(s, "the DESIGN example", test_design_example);
    CU_add_test(s, "blocks and shorthands file", test_blocks_and_shorthands);
    CU_add_test(s, "forces/stress shorthands", test_gradient_shorthands);
    CU_add_test(s, "loss shorthands", test_loss_shorthands);
    CU_add_test(s, "dataset shorthands", test_dataset_shorthands);
    CU_add_test(s, "metatrain's expanded form", test_metatrain_expanded);
    CU_add_test(s, "overrides", test_overrides);
    CU_add_test(s, "round trip through write_yaml", test_round_trip);
    CU_add_test(s, "written yaml text", test_written_text);
    return mtt_cunit_run_tap();
}
