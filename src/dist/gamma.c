/*
 * gamma.c - the gamma distribution.
 *
 *   p[0] = shape k > 0, p[1] = scale s > 0   density x^(k-1) e^(-x/s) / (Gamma(k) s^k)
 *
 * Sampling: Marsaglia and Tsang, "A Simple Method for Generating Gamma
 * Variables", ACM TOMS 26(3), 2000, as GSL's gsl_ran_gamma (k < 1 through
 * Gamma(1 + k) U^(1/k)). cdf and quantile: GSL's gsl_cdf_gamma_P and _Pinv,
 * with bisection on the cdf when _Pinv fails to converge.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    if (!isfinite(d->p[0]) || !isfinite(d->p[1]))
        return "gamma: every parameter must be a finite number";
    if (!(d->p[0] > 0))
        return "gamma: shape must be > 0";
    if (!(d->p[1] > 0))
        return "gamma: scale must be > 0";
    return NULL;
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    return gsl_ran_gamma(r, d->p[0], d->p[1]);
}

static double cdf(const dp_dist *d, double x)
{
    if (x <= 0)
        return 0.0;
    if (x == INFINITY)
        return 1.0;
    return gsl_cdf_gamma_P(x, d->p[0], d->p[1]);
}

static double quantile(const dp_dist *d, double u)
{
    if (u <= 0)
        return 0.0;
    if (u >= 1)
        return INFINITY;
    double x = gsl_cdf_gamma_Pinv(u, d->p[0], d->p[1]);
    if (!(x >= 0 && x < INFINITY))
        return dp_dist_cdf_solve(d, u, 0.0, INFINITY);
    return x;
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    (void)d;
    *lo = 0.0;
    *hi = INFINITY;
}

const dp_dist_type dp_dist_type_gamma = {
    .name = "gamma",
    .usage = "gamma(shape, scale)",
    .arity = 2,
    .continuous = true,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
