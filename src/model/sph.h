/* sph.h — real spherical harmonics and the gradients of the solid harmonics.
 *
 * Y_lm(u) for a unit vector u, index l·l + l + m (m = -l..l), orthonormal on
 * the sphere, no Condon–Shortley phase (the SOAP power spectrum does not
 * depend on the sign convention):
 *     Y_l0 = K_l0 Q_l0,  Y_l,m = √2 K_lm Q_lm C_m,  Y_l,-m = √2 K_lm Q_lm S_m  (m > 0)
 * with C_m + i S_m = (x + i y)^m, Q_lm(z, r²) the associated-Legendre
 * polynomial part (Q_mm = (2m-1)!!, Q_{m+1,m} = (2m+1) z Q_mm, Q_lm =
 * ((2l-1) z Q_{l-1,m} - (l+m-1) r² Q_{l-2,m})/(l-m)) and
 * K_lm = sqrt((2l+1)/(4π) (l-m)!/(l+m)!).  Y_lm(u) equals the solid harmonic
 * 𝒴_lm(r) = r^l Y_lm(r̂) evaluated at r = u, and dy returns the polynomial
 * gradient ∇𝒴_lm at u (so ∇_r Y_lm(r̂) = (∇𝒴_lm(u) - l Y_lm u)/|r|).
 * Cost: O(L²) per call, no allocation; L ≤ MTT_SPH_MAX_L.
 */
#ifndef MTT_MODEL_SPH_H
#define MTT_MODEL_SPH_H

#define MTT_SPH_MAX_L 20

/* K_lm prefactors for l ≤ lmax into k[l·l + l + m] (only m ≥ 0 read). */
void mtt_sph_prefactors(int lmax, double *k);

/* y[(lmax+1)²] = Y_lm(u); dy (NULL or 3·(lmax+1)², layout [lm][xyz]) = ∇𝒴_lm(u). */
void mtt_sph_eval(int lmax, const double *k, const double u[3], double *y, double *dy);

#endif
