/* blas_kernel.c — run OpenBLAS's widest kernel for this CPU.
 *
 * OpenBLAS (DYNAMIC_ARCH builds) picks its kernels once, when the library
 * loads, from the CPU model, or from OPENBLAS_CORETYPE when that is set.
 * On CPUs newer than the library it falls back to its generic Prescott
 * kernel: OpenBLAS 0.3.21 (Debian 12) does so on Intel's Emerald Rapids,
 * where the network products then run 3-5x slower than with its AVX-512
 * kernels (docs/performance.md, "OpenBLAS's kernels").  The choice is made
 * before main() runs, so mtt cannot change it in place: when
 * OPENBLAS_CORETYPE is unset and the library's own choice leaves the CPU's
 * vectors unused, mtt sets OPENBLAS_CORETYPE and executes itself again,
 * before anything else happens (before MPI_Init under a launcher; the
 * process, its pid and its arguments stay the same).  A user's own
 * OPENBLAS_CORETYPE always wins: it is never replaced.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv, execv */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/commands.h"
#include "model/blas.h"
#include "util/log.h"

/* Set in the executed copy: the kernel OpenBLAS had chosen itself. */
#define OWN_KERNEL_VARIABLE "MTT_OPENBLAS_OWN_KERNEL"

void mtt_cli_blas_kernel_choose(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE")) return; /* the user's (or our own) choice */
    const char *better = mtt_blas_better_kernel();
    if (!better) return;
    if (setenv(OWN_KERNEL_VARIABLE, mtt_blas_corename(), 1) != 0 ||
        setenv("OPENBLAS_CORETYPE", better, 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* only on failure (no /proc): run on, the log warns */
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv(OWN_KERNEL_VARIABLE);
}

void mtt_cli_blas_kernel_log(void)
{
    const char *own = getenv(OWN_KERNEL_VARIABLE);
    const char *set = getenv("OPENBLAS_CORETYPE");
    const char *core = mtt_blas_corename();
    const char *better = mtt_blas_better_kernel();
    if (own && set) {
        if (strcasecmp(core, set) == 0)
            mtt_log_info("BLAS: OpenBLAS chose its '%s' kernel on this CPU, which leaves its "
                         "vector units unused; mtt set OPENBLAS_CORETYPE=%s (set "
                         "OPENBLAS_CORETYPE yourself to choose)",
                         own, set);
        else
            mtt_log_warn("OpenBLAS runs its '%s' kernel although mtt set OPENBLAS_CORETYPE=%s; "
                         "this OpenBLAS may lack that kernel (built without DYNAMIC_ARCH?): "
                         "the network products may run several times slower",
                         core, set);
    } else if (better) {
        mtt_log_warn("OpenBLAS runs its '%s' kernel, which leaves this CPU's %s unused; %s %s "
                     "for several times faster network products (docs/performance.md)",
                     core, strcmp(better, "Haswell") == 0 ? "AVX2" : "AVX-512",
                     set ? "unset OPENBLAS_CORETYPE or set it to" : "set OPENBLAS_CORETYPE to",
                     better);
    }
}
