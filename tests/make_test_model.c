/* make_test_model.c — write a small exported model (H, C, O; fresh
 * parameters from a seed; tests/model_fixture.h) for the command-line tests
 * and the golden files, without training:
 *     make_test_model OUT.pt [SEED [ENERGY_UNIT LENGTH_UNIT]]
 * (units are empty labels unless given). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "io/export.h"
#include "model_fixture.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: make_test_model OUT.pt [SEED [ENERGY_UNIT LENGTH_UNIT]]\n");
        return 2;
    }
    mtt_model_file mf;
    mtt_error err;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 42;
    if (mtt_test_model_file(&mf, seed, &err) != MTT_OK) {
        fprintf(stderr, "make_test_model: %s\n", err.msg);
        return 1;
    }
    if (argc > 4) {
        snprintf(mf.energy_unit, sizeof mf.energy_unit, "%s", argv[3]);
        snprintf(mf.length_unit, sizeof mf.length_unit, "%s", argv[4]);
    }
    if (mtt_export_model_file(&mf, argv[1], &err) != MTT_OK) {
        fprintf(stderr, "make_test_model: %s\n", err.msg);
        return 1;
    }
    mtt_model_file_free(&mf);
    return 0;
}
