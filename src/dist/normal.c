/*
 * normal.c - the normal distribution.
 *
 *   p[0] = mean, p[1] = sd > 0
 *
 * Sampling: Marsaglia and Tsang's ziggurat ("The Ziggurat Method for
 * Generating Random Variables", J. Stat. Softw. 5(8), 2000), as GSL's
 * gsl_ran_gaussian_ziggurat. cdf and quantile: GSL's gsl_cdf_gaussian_P and
 * _Pinv (Cody's rational approximations; Wichura's AS 241).
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    if (!isfinite(d->p[0]) || !isfinite(d->p[1]))
        return "normal: every parameter must be a finite number";
    if (!(d->p[1] > 0))
        return "normal: sd must be > 0";
    return NULL;
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    return d->p[0] + gsl_ran_gaussian_ziggurat(r, d->p[1]);
}

static double cdf(const dp_dist *d, double x)
{
    return gsl_cdf_gaussian_P(x - d->p[0], d->p[1]);
}

static double quantile(const dp_dist *d, double u)
{
    if (u <= 0)
        return -INFINITY;
    if (u >= 1)
        return INFINITY;
    return d->p[0] + gsl_cdf_gaussian_Pinv(u, d->p[1]);
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    (void)d;
    *lo = -INFINITY;
    *hi = INFINITY;
}

const dp_dist_type dp_dist_type_normal = {
    .name = "normal",
    .usage = "normal(mean, sd)",
    .arity = 2,
    .continuous = true,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
