/* test_options_errors.c — every user error of the options module with its
 * exact FILE:LINE:COL and wording, a missing file, bounded inputs (deep
 * nesting, > 1 MiB, too many nodes), and the restart comparison.  Golden files: tests/data/options/bad.
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

/* ---- errors ----------------------------------------------------------------- */
static void test_error_files(void)
{
    opt_expect_file_error("bad/unknown_key.yaml",
                          ":5:5: architecture.training.num_epoch: unknown option; did you mean num_epochs?");
    opt_expect_file_error("bad/syntax.yaml",
                          ":5:13: invalid YAML: did not find expected ',' or ']' while parsing a flow "
                          "sequence started at 4:17; check indentation, colons and quotes");
    opt_expect_file_error("bad/wrong_type.yaml",
                          ":4:17: architecture.training.num_epochs: expected an integer, got 'ten'");
    opt_expect_file_error("bad/validation_range.yaml",
                          ":3:17: validation_set: 1.5 is out of range; a fraction must be in [0, 1)");
    opt_expect_file_error("bad/batch_size.yaml",
                          ":3:26: architecture.training.batch_size: 0 is out of range; allowed: [1, 1000000]");
    opt_expect_file_error("bad/cutoff.yaml",
                          ":6:17: architecture.model.soap.cutoff.radius: -1 is out of range; allowed: (0, 100]");
    opt_expect_file_error("bad/fractions.yaml",
                          ":5:11: test_set: validation_set + test_set fractions (0.6 + 0.4) leave no "
                          "training structures; make them sum below 1");
    opt_expect_file_error("bad/missing_training.yaml",
                          ":1:1: training_set: missing required option; add e.g. 'training_set: data.xyz'");
    opt_expect_file_error("bad/architecture.yaml",
                          ":2:9: architecture.name: 'pet' is not supported; allowed: soap_bpnn");
    opt_expect_file_error("bad/stress_virial.yaml",
                          ":8:7: training_set.targets.energy.virial: cannot train on both stress and "
                          "virial; set stress: off or virial: off");
}

static void test_missing_file(void)
{
    mtt_options *o = NULL;
    mtt_error err = {0};
    char want[4200];
    CU_ASSERT_EQUAL(mtt_options_load_file(opt_data("nope.yaml"), NULL, 0, &o, &err), MTT_ERR_IO);
    CU_ASSERT_PTR_NULL(o);
    snprintf(want, sizeof want, "%s: cannot open the options file (No such file or directory); check the path",
             opt_data("nope.yaml"));
    CU_ASSERT_STRING_EQUAL(err.msg, want);
}

static void test_more_errors(void)
{
    const char *tail = "training_set: a.xyz\nvalidation_set: 0.1\n";
    char text[512];
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn, modle: {}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:33: architecture.modle: unknown option; did you mean model?");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn}\nfoo: 1\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:2:1: foo: unknown option; expected one of: seed, base_precision, device, "
                          "architecture, training_set, validation_set, test_set");
    opt_expect_text_error("architecture: {name: soap_bpnn}\ntraining_set: a.xyz\n", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:1: validation_set: missing required option; add e.g. 'validation_set: 0.1' "
                          "(a fraction of the training file) or a file");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn}\ntraining_set: {systems: a.xyz}\n"
             "validation_set: 0.1\n");
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:2:1: training_set.targets.energy: missing energy target; add "
                          "'targets: {energy: {key: energy}}' to training_set");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn, model: {soap: {cutoff: {width: 6}}}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:64: architecture.model.soap.cutoff.width: cutoff.width (6) must be "
                          "smaller than cutoff.radius (5)");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn, training: {batch_size: \"8\"}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:56: architecture.training.batch_size: expected an integer, got '8'");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn}\nseed: 1\nseed: 2\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:3:1: seed: duplicate key; keep only one");
    snprintf(text, sizeof text, "a: &x 1\nb: *x\n");
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:2:4: YAML aliases (*name) are not supported; write the value out");
    opt_expect_text_error("- 1\n- 2\n", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:1: the options file must be a mapping of keys (like 'training_set: data.xyz')");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn, atomic_types: [1, 1]}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:51: architecture.atomic_types: 1 is listed twice");
    opt_expect_text_error("architecture: {name: soap_bpnn}\ntraining_set: 0.5\nvalidation_set: 0.1\n", NULL, 0,
                          MTT_ERR_OPTIONS,
                          "opts.yaml:2:15: training_set: expected a file name or a dataset block (systems/targets)");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn, model: 3}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:40: architecture.model: expected a block of options (key: value lines)");
    snprintf(text, sizeof text, "architecture: {name: soap_bpnn, training: {learning_rate: .inf}}\n%s", tail);
    opt_expect_text_error(text, NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:59: architecture.training.learning_rate: expected a number, got '.inf'");
}

/* targets in another file than the structures: refused for train and eval */
static void test_targets_file(void)
{
    const char *text = "architecture: {name: soap_bpnn}\n"
                       "training_set: {systems: a.xyz, targets: {energy: {key: energy, read_from: "
                       "b.xyz, forces: on}}}\nvalidation_set: 0.1\n";
    mtt_options *o = NULL;
    mtt_error err = {0};
    CU_ASSERT_EQUAL_FATAL(mtt_options_load_text(text, "opts.yaml", NULL, 0, &o, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_options_check_targets_file(&o->training_set, "training_set", &err),
                    MTT_ERR_OPTIONS);
    CU_ASSERT_STRING_EQUAL(err.msg, "training_set.targets.energy.read_from: b.xyz differs from "
                                    "systems.read_from a.xyz; mtt reads targets from the "
                                    "structures file, so put them in a.xyz");
    mtt_options_free(o);
    o = NULL;
    const char *same = "architecture: {name: soap_bpnn}\n"
                       "training_set: {systems: a.xyz, targets: {energy: {read_from: a.xyz}}}\n"
                       "validation_set: 0.1\n";
    CU_ASSERT_EQUAL_FATAL(mtt_options_load_text(same, "opts.yaml", NULL, 0, &o, &err), MTT_OK);
    CU_ASSERT_EQUAL(mtt_options_check_targets_file(&o->training_set, "training_set", &err), MTT_OK);
    mtt_options_free(o);
}

/* a validation or test block in other units than the training set's */
static void test_set_units(void)
{
    opt_expect_text_error("architecture: {name: soap_bpnn}\n"
                          "training_set: {systems: {read_from: a.xyz, length_unit: angstrom},\n"
                          "  targets: {energy: {key: energy, unit: eV}}}\n"
                          "validation_set: {systems: b.xyz, targets: {energy: {unit: hartree}}}\n",
                          NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:4:59: validation_set.targets.energy.unit: 'hartree' differs "
                          "from the training set's 'eV'; mtt converts no units, so give every "
                          "set in the same units");
    opt_expect_text_error("architecture: {name: soap_bpnn}\n"
                          "training_set: {systems: {read_from: a.xyz, length_unit: angstrom},\n"
                          "  targets: {energy: {key: energy}}}\n"
                          "validation_set: 0.1\n"
                          "test_set: {systems: {read_from: c.xyz, length_unit: bohr},\n"
                          "  targets: {energy: {key: energy}}}\n",
                          NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:53: test_set.systems.length_unit: 'bohr' differs from the "
                          "training set's 'angstrom'; mtt converts no units, so give every set in "
                          "the same units");
    /* the same units, or none given for the other set: fine */
    mtt_options *o = NULL;
    mtt_error err = {0};
    CU_ASSERT_EQUAL(mtt_options_load_text("architecture: {name: soap_bpnn}\n"
                                          "training_set: {systems: {read_from: a.xyz, length_unit: "
                                          "angstrom}, targets: {energy: {key: energy, unit: "
                                          "eV}}}\n"
                                          "validation_set: {systems: b.xyz, targets: {energy: "
                                          "{key: energy, unit: eV}}}\ntest_set: c.xyz\n",
                                          "opts.yaml", NULL, 0, &o, &err),
                    MTT_OK);
    mtt_options_free(o);
}

static void test_bounded_inputs(void)
{
    /* deep nesting */
    size_t depth = 100;
    char *deep = malloc(6 * depth + 16);
    CU_ASSERT_FATAL(deep != NULL);
    char *p = deep;
    for (size_t i = 0; i < depth; i++) p += sprintf(p, "{a: ");
    p += sprintf(p, "1");
    for (size_t i = 0; i < depth; i++) *p++ = '}';
    *p = '\0';
    mtt_options *o = NULL;
    mtt_error err = {0};
    CU_ASSERT_EQUAL(mtt_options_load_text(deep, "deep.yaml", NULL, 0, &o, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nesting too deep"));
    free(deep);
    /* more than 1 MiB */
    size_t n = ((size_t)1 << 20) + 10;
    char *big = malloc(n + 1);
    CU_ASSERT_FATAL(big != NULL);
    memset(big, '#', n);
    big[n] = '\0';
    CU_ASSERT_EQUAL(mtt_options_load_text(big, "big.yaml", NULL, 0, &o, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_STRING_EQUAL(err.msg, "big.yaml: options text larger than 1 MiB; is this really an options.yaml?");
    free(big);
    /* many nodes: a long flow list */
    size_t items = 30000;
    char *many = malloc(items * 3 + 32);
    CU_ASSERT_FATAL(many != NULL);
    p = many + sprintf(many, "x: [");
    for (size_t i = 0; i < items; i++) p += sprintf(p, "1,");
    sprintf(p, "1]\n");
    CU_ASSERT_EQUAL(mtt_options_load_text(many, "many.yaml", NULL, 0, &o, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "too many entries"));
    free(many);
    CU_ASSERT_PTR_NULL(o);
    /* an empty file: the first missing option is reported */
    opt_expect_text_error("", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:1:1: architecture.name: missing required option (the architecture; mtt implements soap_bpnn)");
}

static void test_suggestions_in_blocks(void)
{
    opt_expect_text_error("architecture: {name: soap_bpnn}\ntraining_set:\n  systems: {read_frm: a.xyz}\n"
                          "validation_set: 0.1\n", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:3:13: training_set.systems.read_frm: unknown option; did you mean read_from?");
    opt_expect_text_error("architecture: {name: soap_bpnn}\ntraining_set: a.xyz\nvalidation_set:\n"
                          "  systems: b.xyz\n  targets: {energi: {}}\n", NULL, 0, MTT_ERR_OPTIONS,
                          "opts.yaml:5:13: validation_set.targets.energi: unknown option; did you mean energy?");
    opt_expect_text_error("architecture: {name: soap_bpnn}\ntraining_set: a.xyz\nvalidation_set: 0.1\n"
                          "test_set: {systems: c.xyz, targets: {energy: {forces: {kye: F}}}}\n", NULL, 0,
                          MTT_ERR_OPTIONS,
                          "opts.yaml:4:56: test_set.targets.energy.forces.kye: unknown option; did you mean key?");
    const char *ov[] = {"architecture.trainig.num_epochs=5"};
    opt_expect_text_error("architecture: {name: soap_bpnn}\ntraining_set: a.xyz\nvalidation_set: 0.1\n",
                          ov, 1, MTT_ERR_OPTIONS,
                          "--override architecture.trainig.num_epochs=5: unknown option; did you mean training?");
}

static void test_compare(void)
{
    const char *text = "seed: 1\narchitecture: {name: soap_bpnn}\ntraining_set: a.xyz\nvalidation_set: 0.1\n";
    mtt_options *a = opt_load_text_ok(text, NULL, 0), *b = NULL;
    const char *train[] = {"architecture.training.num_epochs=200", "architecture.training.learning_rate=0.01",
                           "validation_set=v.xyz"};
    const char *model[] = {"architecture.training.num_epochs=200",
                           "architecture.model.soap.max_radial=5"};
    mtt_error err = {0};
    size_t n = 99;
    if (!a) return;
    b = opt_load_text_ok(text, NULL, 0);
    CU_ASSERT_EQUAL(mtt_options_compare(a, b, &n, &err), MTT_OK);
    CU_ASSERT_EQUAL(n, 0);
    mtt_options_free(b);
    b = opt_load_text_ok(text, train, 3);
    CU_ASSERT_EQUAL(mtt_options_compare(a, b, &n, &err), MTT_OK);
    /* num_epochs, learning_rate, and validation_set as one entry (fraction -> block) */
    CU_ASSERT_EQUAL(n, 3);
    mtt_options_free(b);
    b = opt_load_text_ok(text, model, 2);
    CU_ASSERT_EQUAL(mtt_options_compare(a, b, &n, &err), MTT_ERR_OPTIONS);
    CU_ASSERT_STRING_EQUAL(err.msg, "architecture.model.soap.max_radial: changed from 7 to 5 since the "
                           "checkpoint; model hyperparameters must match it, so restore the value or start "
                           "a new training without --restart");
    mtt_options_free(b);
    mtt_options_free(a);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("options errors", NULL, NULL);
    CU_add_test(s, "golden bad files", test_error_files);
    CU_add_test(s, "missing file", test_missing_file);
    CU_add_test(s, "more errors", test_more_errors);
    CU_add_test(s, "bounded inputs", test_bounded_inputs);
    CU_add_test(s, "targets in another file", test_targets_file);
    CU_add_test(s, "other sets' units", test_set_units);
    CU_add_test(s, "suggestions inside blocks", test_suggestions_in_blocks);
    CU_add_test(s, "restart comparison", test_compare);
    return mtt_cunit_run_tap();
}
