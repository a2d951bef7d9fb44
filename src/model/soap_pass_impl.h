/* soap_pass_impl.h — the SOAP force (and ∂E/∂ε) and tangent passes over a
 * structure, built from the kernels of soap_grad_impl.h and instantiated
 * with them: include it right after soap_grad_impl.h, from soap_grad.c
 * (double) and soap_grad_f32.c (float) only, with the same macros defined.
 * Each pass runs over both directions of every pair of the list, or, when
 * the compute kept one direction per pair (w->half, soap_half.c), over the
 * kept ones with ḡ or ċ of every atom in the caller's buffer.
 */

/* One pair's force term f (both directions' with the half passes): to the
 * forces of i and j, ∂E/∂ε and its per-atom split. */
MTT_VECTOR_INLINE void SFX(add_pair_force)(const double f[3], const double *r, int i, int j,
                                           double *forces, double *dE_deps,
                                           double *atom_dE_deps)
{
    for (int x = 0; x < 3; ++x) {
        forces[3 * j + x] -= f[x];
        forces[3 * i + x] += f[x];
    }
    if (dE_deps)
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) dE_deps[3 * a + b] += f[a] * r[b];
    if (atom_dE_deps) {  /* the pair's term, half to each end */
        double *ai = atom_dE_deps + 9 * (size_t)i, *aj = atom_dE_deps + 9 * (size_t)j;
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) {
                const double t = 0.5 * f[a] * r[b];
                ai[3 * a + b] += t;
                aj[3 * a + b] += t;
            }
    }
}

/* The forces over the kept directions (w->half, soap_half.c): ḡ of every
 * atom first, into all (n_atoms × the pair-order size), then one
 * contraction per pair i↔j. */
MTT_VECTOR_INLINE void SFX(forces_half)(const mtt_soap *soap, const double *g, const float *gf,
                                        const size_t *rows, double scale, mtt_soap_work *w,
                                        double *forces, double *dE_deps, double *atom_dE_deps,
                                        REAL *all, soap_scratch *s)
{
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms, NP = soap->NP;
    const size_t per = MTT_SOAP_PAIR_ORDER_SIZE(soap);
    REAL *cbar = (REAL *)s->vec, *G = (REAL *)s->kk1;
    for (int i = 0; i < n; ++i) {
        if (nl->first[i] == nl->first[i + 1]) continue;
        const size_t row = (rows ? rows[i] : (size_t)i) * soap->dim;
        if (i + 1 < n)
            SFX(prefetch_bytes)(COEFFICIENTS(w) + (size_t)(i + 1) * soap->NC,
                                soap->NC * sizeof(REAL));
        SFX(backward)(soap, COEFFICIENTS(w) + (size_t)i * soap->NC, g ? g + row : NULL,
                      g ? NULL : gf + row, scale, all + (size_t)i * per, cbar, G);
    }
    for (size_t h = 0; h < w->n_half; ++h) {
        SFX(prefetch_pair)(soap, w, h + MTT_SOAP_PREFETCH_PAIRS);
        const size_t q = w->half_pair[h];
        if (nl->r[q] >= soap->cutoff) continue;
        const int i = w->half_centre[h], j = nl->j[q];
        const REAL *vi = all + (size_t)i * per + (size_t)w->species_index[j] * NP;
        const REAL *vj = all + (size_t)j * per + (size_t)w->species_index[i] * NP;
        double f[3];
        SFX(contract_pair)(soap, vi, vj, PAIR_FACTORS(soap, w, h, q, s), f);
        SFX(add_pair_force)(f, nl->rij + 3 * q, i, j, forces, dE_deps, atom_dE_deps);
    }
}

/* Forces, ∂E/∂ε and its per-atom split (each may be NULL but forces) from
 * scale · ∂E/∂p: atom i's row at g + r·D (double) or, when g is NULL, at
 * gf + r·D (float), r = rows[i] (or i when rows is NULL).  all: the half
 * passes' buffer (mtt_soap_pass_buffer_), NULL when !w->half. */
MTT_VECTOR_CLONES
static void SFX(forces)(const mtt_soap *soap, const double *g, const float *gf,
                        const size_t *rows, double scale, mtt_soap_work *w, double *forces,
                        double *dE_deps, double *atom_dE_deps, REAL *all)
{
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    REAL *cbar = (REAL *)s.vec, *vp = (REAL *)s.vp, *G = (REAL *)s.kk1;
    memset(forces, 0, 3 * (size_t)n * sizeof *forces);
    if (dE_deps) memset(dE_deps, 0, 9 * sizeof *dE_deps);
    if (atom_dE_deps) memset(atom_dE_deps, 0, 9 * (size_t)n * sizeof *atom_dE_deps);
    if (w->half) {
        SFX(forces_half)(soap, g, gf, rows, scale, w, forces, dE_deps, atom_dE_deps, all, &s);
        return;
    }
    for (int i = 0; i < n; ++i) {
        if (nl->first[i] == nl->first[i + 1]) continue;
        const size_t row = (rows ? rows[i] : (size_t)i) * soap->dim;
        if (i + 1 < n) /* the next atom's coefficients, a second stream */
            SFX(prefetch_bytes)(COEFFICIENTS(w) + (size_t)(i + 1) * soap->NC,
                                soap->NC * sizeof(REAL));
        SFX(backward)(soap, COEFFICIENTS(w) + (size_t)i * soap->NC, g ? g + row : NULL,
                      g ? NULL : gf + row, scale, vp, cbar, G);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            SFX(prefetch_pair)(soap, w, q + MTT_SOAP_PREFETCH_PAIRS);
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            double f[3];
            SFX(contract_pair)(soap, vp + (size_t)w->species_index[j] * soap->NP, NULL,
                               PAIR_FACTORS(soap, w, q, q, &s), f);
            SFX(add_pair_force)(f, nl->rij + 3 * q, i, j, forces, dE_deps, atom_dE_deps);
        }
    }
}

/* δ = w_j − w_i + ε r_ij for pair q (either part may be absent). */
MTT_VECTOR_INLINE void SFX(pair_delta)(const mtt_nlist *nl, size_t q, int i, int j,
                                       const double *wvec, const double *strain,
                                       double delta[3])
{
    delta[0] = delta[1] = delta[2] = 0.0;
    if (wvec)
        for (int a = 0; a < 3; ++a) delta[a] = wvec[3 * j + a] - wvec[3 * i + a];
    if (strain) {  /* r_ij → (1 + ε) r_ij moves r_ij by ε r_ij */
        const double *r = nl->rij + 3 * q;
        for (int a = 0; a < 3; ++a)
            delta[a] += strain[3 * a] * r[0] + strain[3 * a + 1] * r[1] + strain[3 * a + 2] * r[2];
    }
}

/* The tangent over the kept directions (w->half): ċ of every atom into all,
 * then ṗ per atom. */
MTT_VECTOR_INLINE void SFX(tangent_half)(const mtt_soap *soap, const double *wvec,
                                         const double *strain, mtt_soap_work *w, double *pdot,
                                         float *pf, const size_t *rows, double scale, REAL *all,
                                         soap_scratch *s)
{
    const mtt_nlist *nl = w->nl;
    const int n = w->n_atoms, NP = soap->NP;
    const size_t per = MTT_SOAP_PAIR_ORDER_SIZE(soap);
    REAL *cdot = (REAL *)s->vec, *M = (REAL *)s->kk1, *E = (REAL *)s->ab;
    memset(all, 0, (size_t)n * per * sizeof *all);
    for (size_t h = 0; h < w->n_half; ++h) {
        SFX(prefetch_pair)(soap, w, h + MTT_SOAP_PREFETCH_PAIRS);
        const size_t q = w->half_pair[h];
        if (nl->r[q] >= soap->cutoff) continue;
        const int i = w->half_centre[h], j = nl->j[q];
        double delta[3];
        SFX(pair_delta)(nl, q, i, j, wvec, strain, delta);
        if (delta[0] == 0.0 && delta[1] == 0.0 && delta[2] == 0.0) continue;
        REAL *vi = all + (size_t)i * per + (size_t)w->species_index[j] * NP;
        REAL *vj = i == j ? NULL : all + (size_t)j * per + (size_t)w->species_index[i] * NP;
        SFX(accumulate_tangent)(soap, vi, vj, i == j, PAIR_FACTORS(soap, w, h, q, s), delta, E);
    }
    for (int i = 0; i < n; ++i) {
        const size_t row = (rows ? rows[i] : (size_t)i) * soap->dim;
        SFX(pdot)(soap, COEFFICIENTS(w) + (size_t)i * soap->NC, all + (size_t)i * per,
                  pdot ? pdot + row : NULL, pdot ? NULL : pf + row, scale, M, cdot);
    }
}

/* ṗ along per-atom displacements w (or NULL) plus a homogeneous strain (or
 * NULL): atom i's row at pdot + r·D (double, scale · ṗ_i) or, when pdot is NULL,
 * (float)(scale · ṗ_i) at pf + r·D, r = rows[i] (or i when rows is NULL). */
MTT_VECTOR_CLONES
static void SFX(tangent)(const mtt_soap *soap, const double *wvec, const double *strain,
                         mtt_soap_work *w, double *pdot, float *pf, const size_t *rows,
                         double scale, REAL *all)
{
    const mtt_nlist *nl = w->nl;
    soap_scratch s;
    mtt_soap_scratch_(soap, w, &s);
    if (w->half) {
        SFX(tangent_half)(soap, wvec, strain, w, pdot, pf, rows, scale, all, &s);
        return;
    }
    REAL *cdot = (REAL *)s.vec, *vp = (REAL *)s.vp, *M = (REAL *)s.kk1, *E = (REAL *)s.ab;
    for (int i = 0; i < w->n_atoms; ++i) {
        memset(vp, 0, MTT_SOAP_PAIR_ORDER_SIZE(soap) * sizeof *vp);
        for (size_t q = nl->first[i]; q < nl->first[i + 1]; ++q) {
            SFX(prefetch_pair)(soap, w, q + MTT_SOAP_PREFETCH_PAIRS);
            if (nl->r[q] >= soap->cutoff) continue;
            const int j = nl->j[q];
            double delta[3];
            SFX(pair_delta)(nl, q, i, j, wvec, strain, delta);
            if (delta[0] == 0.0 && delta[1] == 0.0 && delta[2] == 0.0) continue;
            SFX(accumulate_tangent)(soap, vp + (size_t)w->species_index[j] * soap->NP, NULL, 0,
                                    PAIR_FACTORS(soap, w, q, q, &s), delta, E);
        }
        const size_t row = (rows ? rows[i] : (size_t)i) * soap->dim;
        SFX(pdot)(soap, COEFFICIENTS(w) + (size_t)i * soap->NC, vp, pdot ? pdot + row : NULL,
                  pdot ? NULL : pf + row, scale, M, cdot);
    }
}
