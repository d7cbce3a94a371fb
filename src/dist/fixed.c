/*
 * fixed.c - a number written as itself: all the mass on one point.
 *
 *   p[0] = v        P(X = v) = 1
 */
#include <math.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    return isfinite(d->p[0]) ? NULL : "not a finite number";
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    (void)r;
    return d->p[0];
}

static double cdf(const dp_dist *d, double x)
{
    return x >= d->p[0] ? 1.0 : 0.0;
}

static double quantile(const dp_dist *d, double u)
{
    (void)u;
    return d->p[0];
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    *lo = *hi = d->p[0];
}

const dp_dist_type dp_dist_type_fixed = {
    .name = "fixed",
    .usage = "a number",
    .arity = 1,
    .continuous = false,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
