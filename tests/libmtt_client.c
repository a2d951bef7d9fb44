/* libmtt_client.c — a client of the INSTALLED libmtt (built by
 * tests/test_libmtt.sh with pkg-config only; not part of the build).
 *
 *   libmtt_client MODEL.pt FRAMES.txt
 * FRAMES.txt: per structure a line "n_atoms periodic", a line of 9 cell
 * numbers, then n_atoms lines "Z x y z" (written by the test from an XYZ
 * file).  Prints "energy S E" and "force S I fx fy fz" for every structure
 * (serial pass), then computes every structure again on 4 threads sharing
 * the one model, round-robin, and prints "threads identical" only when each
 * thread's results equal the serial ones bit for bit.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtt/mtt.h>

typedef struct frame {
    int n, periodic;
    double cell[9];
    int *z;
    double *pos, energy, *forces;
} frame;

static frame *frames;
static int n_frames;
static const mtt_model *model;

typedef struct job {
    int id;
    int mismatches;
} job;

static int compute(const frame *f, double *energy, double *forces, mtt_model_error *e)
{
    int pbc[3] = {1, 1, 1};
    return mtt_model_compute(model, f->n, f->pos, f->z, f->periodic ? f->cell : NULL,
                             f->periodic ? pbc : NULL, energy, forces, NULL, NULL, e);
}

static void *worker(void *arg)
{
    job *j = arg;
    for (int rep = 0; rep < 3; ++rep)
        for (int s = j->id; s < n_frames; s += 4) {
            const frame *f = &frames[s];
            double e = 0.0, *fr = malloc(3 * (size_t)f->n * sizeof *fr);
            mtt_model_error err;
            if (compute(f, &e, fr, &err) != MTT_MODEL_OK ||
                memcmp(&e, &f->energy, sizeof e) != 0 ||
                memcmp(fr, f->forces, 3 * (size_t)f->n * sizeof *fr) != 0)
                j->mismatches++;
            free(fr);
        }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    FILE *in = fopen(argv[2], "r");
    if (!in) return 2;
    int cap = 16;
    frames = calloc((size_t)cap, sizeof *frames);
    frame f;
    while (fscanf(in, "%d %d", &f.n, &f.periodic) == 2) {
        for (int k = 0; k < 9; ++k)
            if (fscanf(in, "%lf", &f.cell[k]) != 1) return 2;
        f.z = malloc((size_t)f.n * sizeof *f.z);
        f.pos = malloc(3 * (size_t)f.n * sizeof *f.pos);
        f.forces = malloc(3 * (size_t)f.n * sizeof *f.forces);
        for (int i = 0; i < f.n; ++i)
            if (fscanf(in, "%d %lf %lf %lf", &f.z[i], &f.pos[3 * i], &f.pos[3 * i + 1],
                       &f.pos[3 * i + 2]) != 4)
                return 2;
        if (n_frames == cap) frames = realloc(frames, (size_t)(cap *= 2) * sizeof *frames);
        frames[n_frames++] = f;
    }
    fclose(in);

    mtt_model *m = NULL;
    mtt_model_error err;
    if (mtt_model_open(argv[1], MTT_MODEL_OPEN_QUIET, &m, &err) != MTT_MODEL_OK) {
        fprintf(stderr, "%s (%s)\n", err.message, mtt_model_status_string(err.status));
        return 1;
    }
    model = m;
    for (int s = 0; s < n_frames; ++s) {
        if (compute(&frames[s], &frames[s].energy, frames[s].forces, &err) != MTT_MODEL_OK) {
            fprintf(stderr, "structure %d: %s\n", s, err.message);
            return 1;
        }
        printf("energy %d %.17g\n", s, frames[s].energy);
        for (int i = 0; i < frames[s].n; ++i)
            printf("force %d %d %.17g %.17g %.17g\n", s, i, frames[s].forces[3 * i],
                   frames[s].forces[3 * i + 1], frames[s].forces[3 * i + 2]);
    }
    pthread_t th[4];
    job jobs[4];
    for (int t = 0; t < 4; ++t) {
        jobs[t].id = t;
        jobs[t].mismatches = 0;
        pthread_create(&th[t], NULL, worker, &jobs[t]);
    }
    int bad = 0;
    for (int t = 0; t < 4; ++t) {
        pthread_join(th[t], NULL);
        bad += jobs[t].mismatches;
    }
    printf(bad ? "threads differ: %d structures\n" : "threads identical%.0d\n", bad);
    mtt_model_close(m);
    return bad != 0;
}
