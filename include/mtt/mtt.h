/* mtt.h — public inference API of libmtt.
 *
 * This header is installed (pkg-config mtt).  For now it exposes only the
 * library version; loading exported models (.pt) and computing energies,
 * forces and virials arrives with the export issue (DESIGN.md §8).
 */
#ifndef MTT_MTT_H
#define MTT_MTT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Version of libmtt, e.g. "0.1.0". */
const char *mtt_version(void);

#ifdef __cplusplus
}
#endif

#endif
