/* energy_forces.c — the smallest libmtt program: energy and forces of the
 * first structure of an XYZ file with an exported model.
 *
 *   cc energy_forces.c $(pkg-config --cflags --libs mtt) -o energy_forces
 *   ./energy_forces model.pt molecule.xyz
 *
 * The XYZ reader here is deliberately minimal (atom count, comment line,
 * then "Symbol x y z ..." lines; molecules only): mtt eval reads any
 * extended XYZ file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtt/mtt.h>

static const char *const symbols[] = {"", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
                                      "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar"};

static int atomic_number(const char *s)
{
    for (int z = 1; z < (int)(sizeof symbols / sizeof symbols[0]); ++z)
        if (strcmp(s, symbols[z]) == 0) return z;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL.pt STRUCTURE.xyz\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    int n = 0;
    char line[4096];
    if (!f || !fgets(line, sizeof line, f) || sscanf(line, "%d", &n) != 1 || n < 1 ||
        !fgets(line, sizeof line, f)) {
        fprintf(stderr, "%s: not an XYZ file\n", argv[2]);
        return 1;
    }
    double *positions = malloc(3 * (size_t)n * sizeof *positions);
    double *forces = malloc(3 * (size_t)n * sizeof *forces);
    int *numbers = malloc((size_t)n * sizeof *numbers);
    for (int i = 0; i < n; ++i) {
        char sym[8];
        if (!fgets(line, sizeof line, f) ||
            sscanf(line, "%7s %lf %lf %lf", sym, &positions[3 * i], &positions[3 * i + 1],
                   &positions[3 * i + 2]) != 4 || (numbers[i] = atomic_number(sym)) < 0) {
            fprintf(stderr, "%s: atom line %d cannot be read\n", argv[2], i + 1);
            return 1;
        }
    }
    fclose(f);

    mtt_model *model = NULL;
    mtt_model_error error;
    if (mtt_model_open(argv[1], 0, &model, &error) != MTT_MODEL_OK) {
        fprintf(stderr, "%s\n", error.message);
        return 1;
    }
    double energy = 0.0;
    if (mtt_model_compute(model, n, positions, numbers, NULL, NULL, &energy, forces, NULL, NULL,
                          &error) != MTT_MODEL_OK) {
        fprintf(stderr, "%s\n", error.message);
        mtt_model_close(model);
        return 1;
    }
    printf("energy %.17g %s\n", energy, mtt_model_energy_unit(model));
    for (int i = 0; i < n; ++i)
        printf("force %d %.17g %.17g %.17g\n", i, forces[3 * i], forces[3 * i + 1],
               forces[3 * i + 2]);
    mtt_model_close(model);
    free(positions);
    free(forces);
    free(numbers);
    return 0;
}
