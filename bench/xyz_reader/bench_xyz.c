/* bench_xyz.c — time mtt_xyz_read (and the index pass) on one file.
 *
 * Usage: bench_xyz FILE [ENERGY_KEY [FORCES_KEY [STRESS_KEY]]]
 * Prints key=value lines that bench/xyz_reader/run.sh parses: file bytes,
 * seconds, MB/s (1 MB = 1e6 bytes), structures, atoms and the bytes held by
 * the dataset arrays (to compare with the peak RSS from /usr/bin/time -v).
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "data/dataset.h"
#include "data/xyz.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [ENERGY_KEY [FORCES_KEY [STRESS_KEY]]]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    mtt_xyz_keys keys = {argc > 2 ? argv[2] : "energy", argc > 3 ? argv[3] : "forces",
                         argc > 4 ? argv[4] : "stress", NULL};
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "%s: cannot stat\n", path);
        return 1;
    }
    mtt_error err;
    mtt_dataset *ds = NULL;
    double t0 = now();
    mtt_status st = mtt_xyz_read(path, NULL, NULL, 0, &keys, &ds, &err);
    double t1 = now();
    if (st != MTT_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double mb = (double)sb.st_size / 1e6;
    printf("file_bytes=%lld\n", (long long)sb.st_size);
    printf("read_seconds=%.3f\n", t1 - t0);
    printf("read_MB_per_s=%.1f\n", mb / (t1 - t0));
    printf("structures=%zu\natoms=%zu\n", ds->n_structures, ds->n_atoms);
    printf("array_bytes=%zu\n", mtt_dataset_bytes(ds));
    mtt_dataset_free(ds);
    mtt_xyz_index *idx = NULL;
    t0 = now();
    st = mtt_xyz_index_build(path, &idx, &err);
    t1 = now();
    if (st != MTT_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("index_seconds=%.3f\nindex_MB_per_s=%.1f\n", t1 - t0, mb / (t1 - t0));
    mtt_xyz_index_free(idx);
    return 0;
}
