/* mtt.h — libmtt, the inference library of mtt: load an exported model (.pt)
 * and compute energies, forces and virials (pkg-config mtt).
 *
 *     mtt_model *model = NULL;
 *     mtt_model_error error;
 *     if (mtt_model_open("model.pt", 0, &model, &error) != MTT_MODEL_OK) {
 *         fprintf(stderr, "%s\n", error.message);
 *         return 1;
 *     }
 *     double energy, forces[3 * 9];
 *     mtt_model_compute(model, 9, positions, numbers, NULL, NULL,
 *                       &energy, forces, NULL, NULL, &error);
 *     mtt_model_close(model);
 *
 * Units are the model's labels (mtt_model_energy_unit, mtt_model_length_unit;
 * lengths are Å for models trained on Å): positions and cell in the length
 * unit, energy in the energy unit, forces in energy/length, the virial
 * W = −∂E/∂ε (energy; stress = −W/V for a periodic cell of volume V).
 *
 * Errors: every function that can fail returns an mtt_model_status and,
 * when error is not NULL, fills the caller's mtt_model_error with the same
 * status and one sentence naming the file, atom or value at fault.
 * mtt_model_status_string gives a fixed description of a code.  The codes
 * are pinned: a number never changes meaning.
 *
 * Threads: the library keeps no global state.  A model's parameters are
 * read-only after mtt_model_open: any number of threads may call
 * mtt_model_compute and the query functions on one model at the same time
 * (each call works in its own workspace, taken from a pool the model keeps
 * under a lock and reuses, so repeated calls do not allocate; the pool holds
 * as many workspaces as calls ever ran at once, freed by mtt_model_close).  mtt_model_open and mtt_model_close may be called from any
 * thread (file reading is serialised inside the library).
 * MPI: the library never calls MPI; a plain C program or Python ctypes can
 * use it without MPI_Init.
 */
#ifndef MTT_MTT_H
#define MTT_MTT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mtt_model_status {
    MTT_MODEL_OK = 0,
    MTT_MODEL_ERR_ARGUMENT = 1,   /* NULL pointer or negative count passed */
    MTT_MODEL_ERR_IO = 2,         /* the file is missing or unreadable */
    MTT_MODEL_ERR_FORMAT = 3,     /* not an mtt model, newer format, damaged (checksum) */
    MTT_MODEL_ERR_SELF_TEST = 4,  /* the stored self-test does not reproduce */
    MTT_MODEL_ERR_INPUT = 5,      /* structure the model cannot handle (type, NaN, cell) */
    MTT_MODEL_ERR_NOMEM = 6,      /* out of memory */
    MTT_MODEL_ERR_INTERNAL = 7,   /* a bug: please report it */
    MTT_MODEL_STATUS_COUNT
} mtt_model_status;

#define MTT_MODEL_MESSAGE_MAX 1024

typedef struct mtt_model_error {
    mtt_model_status status;
    char message[MTT_MODEL_MESSAGE_MAX];  /* one sentence, no newline */
} mtt_model_error;

typedef struct mtt_model mtt_model;

/* Flags of mtt_model_open. */
#define MTT_MODEL_OPEN_QUIET 1u  /* do not print the model's name, authors, references */

/* Version of libmtt, e.g. "0.1.0". */
const char *mtt_version(void);

/* Fixed description of a status code ("the structure cannot be computed"). */
const char *mtt_model_status_string(mtt_model_status status);

/* Open path: validate the format, every checksum, and run the self-test
 * stored at export (energy, forces and virial recomputed and compared).
 * Unless MTT_MODEL_OPEN_QUIET is given, prints the model's name, authors and
 * references once, to stderr.  On success *model is the caller's (close it
 * with mtt_model_close); on failure *model is NULL. */
mtt_model_status mtt_model_open(const char *path, unsigned flags, mtt_model **model,
                                mtt_model_error *error);

/* Free everything of the model (NULL is fine). */
void mtt_model_close(mtt_model *model);

/* ---- what the model is --------------------------------------------------- */
/* Atomic numbers the model knows, ascending; *count set to their number. */
const int *mtt_model_atomic_types(const mtt_model *model, size_t *count);
/* Cutoff radius (length unit). */
double mtt_model_cutoff(const mtt_model *model);
/* Unit labels as in the training options ("eV", "angstrom"; "" when none). */
const char *mtt_model_energy_unit(const mtt_model *model);
const char *mtt_model_length_unit(const mtt_model *model);
/* The architecture ("soap_bpnn") and the epoch whose parameters were exported. */
const char *mtt_model_architecture(const mtt_model *model);
long mtt_model_epoch(const mtt_model *model);

/* ---- metadata (metatomic's ModelMetadata) -------------------------------- */
/* "" when not set. */
const char *mtt_model_name(const mtt_model *model);
const char *mtt_model_description(const mtt_model *model);
size_t mtt_model_n_authors(const mtt_model *model);
const char *mtt_model_author(const mtt_model *model, size_t i);   /* NULL when out of range */
/* kind: "architecture", "model" or "implementation" (0 for another kind). */
size_t mtt_model_n_references(const mtt_model *model, const char *kind);
const char *mtt_model_reference(const mtt_model *model, const char *kind, size_t i);
/* The `extra` map: i-th key and value (NULL when out of range). */
size_t mtt_model_n_extra(const mtt_model *model);
const char *mtt_model_extra_key(const mtt_model *model, size_t i);
const char *mtt_model_extra_value(const mtt_model *model, size_t i);
/* All of it as the YAML text stored in the file. */
const char *mtt_model_metadata_yaml(const mtt_model *model);

/* ---- computing ----------------------------------------------------------- */
/* One structure of n_atoms ≥ 1 atoms:
 *   positions  n_atoms × 3 (row i = atom i), length unit
 *   numbers    n_atoms atomic numbers, each one of mtt_model_atomic_types
 *   cell       3 × 3, rows = lattice vectors; may be NULL when no pbc
 *   pbc        3 flags (non-zero = periodic along that lattice vector), or NULL
 * Outputs: *energy; forces (n_atoms × 3) and per_atom_energies (n_atoms) and
 * virial (3 × 3, row-major) when not NULL.
 * Rejected with MTT_MODEL_ERR_INPUT and a message naming the atom: an atomic
 * number the model lacks, a non-finite coordinate, a coordinate farther than
 * 1e6 length units from the origin, a periodic cell that is not finite or
 * has zero volume.  Outputs are untouched on failure. */
mtt_model_status mtt_model_compute(const mtt_model *model, int n_atoms, const double *positions,
                                   const int *numbers, const double *cell, const int *pbc,
                                   double *energy, double *forces, double *per_atom_energies,
                                   double *virial, mtt_model_error *error);

/* For MD engines with domain decomposition (KIM, LAMMPS): the energy of the
 * engine's own atoms among copies of others.  n_atoms atoms, not periodic
 * (the engine passes periodic images and other ranks' atoms as ordinary
 * atoms); contributing[i] non-zero for an atom whose energy counts (an
 * owned atom), zero for a copy ("ghost").  Every atom within the cutoff of a
 * contributing atom must be in the list; ghosts need no neighbours of their
 * own (the influence distance is the cutoff).
 *   *energy            Σ over contributing i of E_i
 *   forces             n_atoms × 3, −∂energy/∂r_k for every atom, ghosts
 *                      included (the engine adds a ghost's force to its owner)
 *   per_atom_energies  n_atoms: E_i, 0 for ghosts
 *   virial             3 × 3, W = −∂energy/∂ε
 *   per_atom_virial    n_atoms × 9 (row-major 3 × 3 each): W split over the
 *                      atoms, each pair term half to either end; sums to W
 * Any output but energy may be NULL.  Checks and errors as mtt_model_compute;
 * thread safe the same way. */
mtt_model_status mtt_model_compute_local(const mtt_model *model, int n_atoms,
                                         const double *positions, const int *numbers,
                                         const int *contributing, double *energy, double *forces,
                                         double *per_atom_energies, double *virial,
                                         double *per_atom_virial, mtt_model_error *error);

#ifdef __cplusplus
}
#endif

#endif
