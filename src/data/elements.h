/* elements.h — chemical element symbols <-> atomic numbers (Z = 1..118).
 *
 * Symbols are case-sensitive as ASE writes them ("C", "Cl", "Og").
 * Lookups are O(1) through a constant table: no initialisation, thread-safe.
 */
#ifndef MTT_DATA_ELEMENTS_H
#define MTT_DATA_ELEMENTS_H

#include <stddef.h>

#define MTT_ELEMENTS_MAX_Z 118

/* Atomic number of the symbol s[0..len), or 0 when it is not an element. */
int mtt_elements_number(const char *s, size_t len);

/* Symbol of atomic number z, or "X" when z is outside 1..118. */
const char *mtt_elements_symbol(int z);

#endif
