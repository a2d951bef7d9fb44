/* cell.h — geometry of a periodic cell (rows = lattice vectors, Å). */
#ifndef MTT_UTIL_CELL_H
#define MTT_UTIL_CELL_H

/* |det(cell)|, Å³: the volume stress is taken over (S = -W / V). */
double mtt_cell_volume(const double *cell);

#endif
