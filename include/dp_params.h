/*
 * dp_params.h - the once-per-trajectory draws (SPEC 1.1, 2.4).
 *
 * Each param is drawn from its distribution conditioned on its field's
 * domain (never clipped), then rounded when it is a count or a day. Params
 * named in `correlations` are drawn together through a Gaussian copula.
 */
#ifndef DP_PARAMS_H
#define DP_PARAMS_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "dp_scenario.h"

enum {
    DP_DRAW_FIXED,    /* one value: no draw */
    DP_DRAW_DIRECT,   /* all mass inside the domain: the type's sampler */
    DP_DRAW_REJECT,   /* most mass inside: sampler, redrawn while outside */
    DP_DRAW_INVERSE,  /* little mass inside: inverse CDF over [F(lo), F(hi)] */
    DP_DRAW_COPULA    /* correlated: inverse CDF over [F(lo), F(hi)] at
                         Phi of a correlated normal */
};

typedef struct dp_draw {
    int how;          /* DP_DRAW_* */
    double fixed;     /* the value when DP_DRAW_FIXED (already rounded) */
    double ulo, uhi;  /* u-interval of the domain, for inverse-CDF draws */
    /* DP_DRAW_COPULA: the param is the slot-th (from 0, in param order) of
     * the params drawn through the copula, and row is row `slot` of the
     * Cholesky factor L of their normal correlation matrix (slot + 1
     * numbers). Owned; NULL for every other param. */
    int slot;
    double *row;
} dp_draw;

/* Normal (Pearson) correlation of the Gaussian copula whose Spearman rank
 * correlation is r: 2 sin(pi r / 6), exactly +-1 at r = +-1. */
double dp_copula_rho(double r);

/* Decides how each of the scenario's params is drawn; draws[] has n_params.
 * A param takes part in the copula when it is not fixed and some
 * correlation links it to another param that is not fixed. Returns 0, or
 * -1 when an allocation fails or the correlation matrix is not positive
 * definite (the loader reports that first); nothing is left allocated on
 * failure. Release with dp_params_free. */
int dp_params_compile(const dp_scenario *s, dp_draw *draws);

/* Frees what dp_params_compile allocated in draws[0..n-1]. */
void dp_params_free(dp_draw *draws, size_t n);

/* Draws every param into v[0..n_params-1]. scratch has room for n_params
 * doubles (the copula's independent normals); nothing is allocated. When
 * ranks is not NULL it receives each param's rank in (0, 1) within its
 * distribution conditioned on the domain (for sensitivity); the draws do
 * not depend on whether ranks are asked for. */
void dp_params_draw(const dp_scenario *s, const dp_draw *draws, gsl_rng *r,
                    double *v, double *scratch, double *ranks);

/* Rounds half away from zero, clamped far outside any day or count. */
double dp_round(double x);

#endif
