/*
 * dp_params.h - the once-per-trajectory draws (SPEC 1.1).
 *
 * Each param is drawn from its distribution conditioned on its field's
 * domain (never clipped), then rounded when it is a count or a day.
 */
#ifndef DP_PARAMS_H
#define DP_PARAMS_H

#include <gsl/gsl_rng.h>
#include "dp_scenario.h"

enum {
    DP_DRAW_FIXED,    /* one value: no draw */
    DP_DRAW_DIRECT,   /* all mass inside the domain: the type's sampler */
    DP_DRAW_REJECT,   /* most mass inside: sampler, redrawn while outside */
    DP_DRAW_INVERSE   /* little mass inside: inverse CDF over [F(lo), F(hi)] */
};

typedef struct dp_draw {
    int how;          /* DP_DRAW_* */
    double fixed;     /* the value when DP_DRAW_FIXED (already rounded) */
    double ulo, uhi;  /* u-interval of the domain, for inverse-CDF draws */
} dp_draw;

/* Decides how each of the scenario's params is drawn; draws[] has n_params. */
void dp_params_compile(const dp_scenario *s, dp_draw *draws);

/* Draws every param into v[0..n_params-1]. */
void dp_params_draw(const dp_scenario *s, const dp_draw *draws, gsl_rng *r,
                    double *v);

/* Rounds half away from zero, clamped far outside any day or count. */
double dp_round(double x);

#endif
