/* cmd_eval.c — `mtt eval MODEL.pt OPTIONS.yaml [-o OUT.xyz] [-b N]`.
 *
 * Loads the model through libmtt only (include/mtt/mtt.h: the same path an
 * MD code takes), reads the structures of the eval options, predicts each
 * one, writes the predictions as extended XYZ that ASE reads (energy in the
 * comment line, forces per atom, stress and virial for periodic cells),
 * and, when the options name targets and the file has them, prints RMSE
 * and MAE per target: the per-atom energy, force components, stress
 * (S = −W/V) and virial components — the trainer's definitions.  Timing is
 * the wall time of the compute calls per atom; progress on a terminal only.
 * Serial.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "data/elements.h"
#include "cli/eval_batch.h"
#include "data/xyz.h"
#include "mtt/mtt.h"
#include "options/eval_options.h"
#include "util/cell.h"
#include "util/log.h"
#include "util/progress.h"

static const mtt_flag_spec eval_flags[] = {
    {"output", 'o', 1, 0, "OUT.xyz", "predictions as extended XYZ (default: output.xyz)"},
    {"batch-size", 'b', 1, 0, "N", "structures predicted at a time, each on its own thread "
                                   "(default 1)"},
    {0},
};

const mtt_command_spec mtt_cmd_eval_spec = {
    "eval", "MODEL.pt OPTIONS.yaml [-o OUT.xyz] [-b N]",
    "evaluate an exported model on a data set", 2, 2, eval_flags};

enum { Q_ENERGY, Q_FORCES, Q_STRESS, Q_VIRIAL, Q_COUNT };
static const char *const q_name[Q_COUNT] = {"energy (per atom)", "forces", "stress", "virial"};

typedef struct acc {
    double sum_sq, sum_abs, count;
} acc;

static void acc_add(acc *a, size_t n, const double *pred, const double *ref, double divide)
{
    for (size_t i = 0; i < n; ++i) {
        double d = (pred[i] - ref[i]) / divide;
        a->sum_sq += d * d;
        a->sum_abs += fabs(d);
        a->count += 1.0;
    }
}

static void write_matrix(FILE *f, const char *key, const double *m)
{
    fprintf(f, " %s=\"", key);
    for (int k = 0; k < 9; ++k) fprintf(f, "%s%.17g", k ? " " : "", m[k]);
    fputc('"', f);
}

/* One frame of the predictions file. */
static void write_frame(FILE *f, size_t n, const int *z, const double *pos, const double *cell,
                        const unsigned char *pbc, double energy, const double *forces,
                        const double *virial, int periodic)
{
    fprintf(f, "%zu\n", n);
    if (periodic) write_matrix(f, "Lattice", cell);
    fprintf(f, "%sProperties=species:S:1:pos:R:3:forces:R:3 energy=%.17g", periodic ? " " : "",
            energy);
    if (periodic) {
        double v = mtt_cell_volume(cell), stress[9];
        for (int k = 0; k < 9; ++k) stress[k] = -virial[k] / v;
        write_matrix(f, "stress", stress);
        write_matrix(f, "virial", virial);
        fprintf(f, " pbc=\"%s %s %s\"", pbc[0] ? "T" : "F", pbc[1] ? "T" : "F", pbc[2] ? "T" : "F");
    }
    fputc('\n', f);
    for (size_t i = 0; i < n; ++i) {
        const char *sym = mtt_elements_symbol(z[i]);
        fprintf(f, "%-2s %.17g %.17g %.17g %.17g %.17g %.17g\n", sym ? sym : "X", pos[3 * i],
                pos[3 * i + 1], pos[3 * i + 2], forces[3 * i], forces[3 * i + 1],
                forces[3 * i + 2]);
    }
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int run(const mtt_args *a)
{
    const mtt_command_spec *spec = &mtt_cmd_eval_spec;
    const char *model_path = a->positional[0], *opts_path = a->positional[1];
    const char *out_path = mtt_args_value(spec, a, "output");
    if (!out_path) out_path = "output.xyz";
    const char *b = mtt_args_value(spec, a, "batch-size");
    size_t batch = 1;
    if (b) {
        char *end = NULL;
        long v = strtol(b, &end, 10);
        if (!end || *end || v < 1 || v > 4096) {
            mtt_log_error("-b/--batch-size %s: expected a whole number of structures from 1 to "
                          "4096", b);
            return 2;
        }
        batch = (size_t)v;
    }
    mtt_model *model = NULL;
    mtt_model_error me;
    if (mtt_model_open(model_path, 0, &model, &me) != MTT_MODEL_OK) {
        mtt_log_error("%s", me.message);
        return 1;
    }
    int code = 1;
    mtt_error err;
    mtt_eval_options eo;
    mtt_dataset *ds = NULL;
    FILE *out = NULL;
    double *forces = NULL;
    mtt_eval_job *jobs = NULL;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
    if (mtt_eval_options_load(opts_path, &eo, &err) != MTT_OK) {
        mtt_log_error("%s", err.msg);
        code = mtt_status_exit_code(err.status == MTT_ERR_IO ? MTT_ERR_OPTIONS : err.status);
        goto done;
    }
    const mtt_dataset_opts *set = eo.set;
    const mtt_target_opts *t = &set->energy;
    if ((eo.has_targets && mtt_options_check_targets_file(set, NULL, &err) != MTT_OK) ||
        mtt_options_check_model_units(set, mtt_model_length_unit(model),
                                      mtt_model_energy_unit(model), &err) != MTT_OK) {
        mtt_log_error("%s: %s", opts_path, err.msg);
        code = mtt_status_exit_code(err.status);
        goto done;
    }
    mtt_xyz_keys keys = {NULL, NULL, NULL, NULL};
    if (eo.has_targets) {
        keys.energy = t->key;
        keys.forces = t->forces ? t->forces_key : NULL;
        keys.stress = t->stress ? t->stress_key : NULL;
        keys.virial = t->virial ? t->virial_key : NULL;
    }
    if (mtt_xyz_read(set->read_from, NULL, NULL, 0, &keys, &ds, &err) != MTT_OK) {
        mtt_log_error("%s", err.msg);
        goto done;
    }
    size_t max_atoms = 1;
    for (size_t s = 0; s < ds->n_structures; ++s) {
        size_t n = (size_t)(ds->atom_start[s + 1] - ds->atom_start[s]);
        if (n > max_atoms) max_atoms = n;
    }
    forces = malloc(batch * 3 * max_atoms * sizeof *forces);
    jobs = calloc(batch, sizeof *jobs);
    if (!forces || !jobs) {
        mtt_log_error("out of memory for %zu structures of %zu atoms", batch, max_atoms);
        goto done;
    }
    for (size_t j = 0; j < batch; ++j) jobs[j].forces = forces + j * 3 * max_atoms;
    if (!(out = fopen(tmp, "w"))) {
        mtt_log_error("%s: cannot create the predictions file (%s); check that the folder exists "
                      "and is writable", out_path, strerror(errno));
        goto done;
    }
    mtt_log_info("Evaluating %s on %zu structures of %s", model_path, ds->n_structures,
                 set->read_from);
    acc q[Q_COUNT];
    memset(q, 0, sizeof q);
    double seconds = 0.0;
    /* the shared progress line (util/progress.h), on a terminal only */
    if (mtt_progress_configure(isatty(STDOUT_FILENO) ? "auto" : "never", 1, &err) == MTT_OK)
        mtt_progress_begin((int64_t)ds->n_structures, (int64_t)ds->n_structures, "structures",
                           "evaluating %s", set->read_from);
    for (size_t s0 = 0; s0 < ds->n_structures; s0 += batch) {
        size_t nb = ds->n_structures - s0 < batch ? ds->n_structures - s0 : batch;
        double t0 = now_seconds();
        mtt_eval_batch_compute(model, ds, s0, nb, jobs);
        seconds += now_seconds() - t0;
        for (size_t j = 0; j < nb; ++j) {
            const size_t s = s0 + j;
            const size_t first = (size_t)ds->atom_start[s];
            const size_t n = (size_t)(ds->atom_start[s + 1] - ds->atom_start[s]);
            const unsigned char *pbc8 = ds->pbc + 3 * s;
            const double *cell = ds->cell + 9 * s;
            int periodic = pbc8[0] || pbc8[1] || pbc8[2];
            mtt_eval_job *job = &jobs[j];
            if (job->status != MTT_MODEL_OK) {
                mtt_log_error("%s: structure %zu (frame %zu): %s", set->read_from, s,
                              ds->frame ? ds->frame[s] : s, job->error.message);
                goto done;
            }
            int pbc[3] = {pbc8[0], pbc8[1], pbc8[2]};
            write_frame(out, n, ds->numbers + first, ds->positions + 3 * first, cell, pbc8,
                        job->energy, job->forces, job->virial, periodic);
            mtt_progress_update((int64_t)s + 1);
            if (ds->has_energy) acc_add(&q[Q_ENERGY], 1, &job->energy, ds->energy + s, (double)n);
            if (ds->has_forces)
                acc_add(&q[Q_FORCES], 3 * n, job->forces, ds->forces + 3 * first, 1.0);
            double v = periodic && pbc[0] && pbc[1] && pbc[2] ? mtt_cell_volume(cell) : 0.0;
            if (v > 0.0 && ds->has_stress) {
                double stress[9];
                for (int k = 0; k < 9; ++k) stress[k] = -job->virial[k] / v;
                acc_add(&q[Q_STRESS], 9, stress, ds->stress + 9 * s, 1.0);
            }
            if (v > 0.0 && ds->has_virial)
                acc_add(&q[Q_VIRIAL], 9, job->virial, ds->virial + 9 * s, 1.0);
        }
    }
    mtt_progress_end();
    if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0) {
        out = NULL;
        mtt_log_error("%s: cannot write the predictions (disk full?)", out_path);
        goto done;
    }
    out = NULL;
    if (rename(tmp, out_path) != 0) {
        mtt_log_error("cannot rename %s to %s: %s", tmp, out_path, strerror(errno));
        goto done;
    }
    mtt_log_info("Predictions written to %s", out_path);
    const char *eu = mtt_model_energy_unit(model);
    const char *lu = mtt_model_length_unit(model);
    if (!*lu || !strcmp(lu, "angstrom")) lu = "A";
    for (int k = 0; k < Q_COUNT; ++k) {
        if (q[k].count == 0) continue;
        char unit[96];
        if (k == Q_FORCES) snprintf(unit, sizeof unit, "%s/%s", eu, lu);
        else if (k == Q_STRESS) snprintf(unit, sizeof unit, "%s/%s^3", eu, lu);
        else snprintf(unit, sizeof unit, "%s", eu);
        mtt_log_info("%s RMSE: %.12e %s | MAE: %.12e %s (%.0f values)", q_name[k],
                     sqrt(q[k].sum_sq / q[k].count), unit, q[k].sum_abs / q[k].count, unit,
                     q[k].count);
    }
    mtt_log_info("Time: %.4f ms per atom (%zu atoms, %.3f s in mtt_model_compute)",
                 ds->n_atoms ? 1e3 * seconds / (double)ds->n_atoms : 0.0, ds->n_atoms, seconds);
    code = 0;
done:
    mtt_progress_end();
    if (out) fclose(out);
    if (code != 0) unlink(tmp);
    free(forces);
    free(jobs);
    mtt_dataset_free(ds);
    mtt_eval_options_free(&eo);
    mtt_model_close(model);
    return code;
}

int mtt_cmd_eval(int argc, char **argv)
{
    mtt_args args;
    int code;
    if (!mtt_cli_parse_or_exit(&mtt_cmd_eval_spec, argc, argv, &args, &code)) return code;
    return run(&args);
}
