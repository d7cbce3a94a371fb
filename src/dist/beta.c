/*
 * beta.c - the beta distribution on [0, 1].
 *
 *   p[0] = a > 0, p[1] = b > 0      density x^(a-1) (1-x)^(b-1) / B(a, b)
 *
 * Sampling: GSL's gsl_ran_beta (Johnk's method when a, b <= 1, else the
 * ratio X/(X+Y) of Marsaglia-Tsang gammas X ~ Gamma(a), Y ~ Gamma(b)).
 * cdf and quantile: GSL's gsl_cdf_beta_P and _Pinv, with bisection on the
 * cdf when _Pinv fails to converge (it returns NaN then).
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    if (!isfinite(d->p[0]) || !isfinite(d->p[1]))
        return "beta: every parameter must be a finite number";
    if (!(d->p[0] > 0))
        return "beta: a must be > 0";
    if (!(d->p[1] > 0))
        return "beta: b must be > 0";
    return NULL;
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    return gsl_ran_beta(r, d->p[0], d->p[1]);
}

static double cdf(const dp_dist *d, double x)
{
    if (x <= 0)
        return 0.0;
    if (x >= 1)
        return 1.0;
    return gsl_cdf_beta_P(x, d->p[0], d->p[1]);
}

static double quantile(const dp_dist *d, double u)
{
    if (u <= 0)
        return 0.0;
    if (u >= 1)
        return 1.0;
    double x = gsl_cdf_beta_Pinv(u, d->p[0], d->p[1]);
    if (!(x >= 0 && x <= 1))
        return dp_dist_cdf_solve(d, u, 0.0, 1.0);
    return x;
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    (void)d;
    *lo = 0.0;
    *hi = 1.0;
}

const dp_dist_type dp_dist_type_beta = {
    .name = "beta",
    .usage = "beta(a, b)",
    .arity = 2,
    .continuous = true,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
