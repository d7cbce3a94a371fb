/*
 * lognormal.c - the lognormal distribution: ln X is normal(mu, sigma).
 *
 *   p[0] = mu, p[1] = sigma > 0    (as written)
 *   p[2] = mu, p[3] = sigma        (where the law reads them: lognormal.h)
 *
 * Sampling: GSL's gsl_ran_lognormal (exp of a polar Box-Muller normal).
 * cdf and quantile: GSL's gsl_cdf_lognormal_P and _Pinv.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "lognormal.h"

static const char *prepare(dp_dist *d)
{
    if (!isfinite(d->p[0]) || !isfinite(d->p[1]))
        return "lognormal: every parameter must be a finite number";
    if (!(d->p[1] > 0))
        return "lognormal: sigma must be > 0";
    d->p[2] = d->p[0];
    d->p[3] = d->p[1];
    return NULL;
}

double dp_lognormal_sample(const dp_dist *d, gsl_rng *r)
{
    return gsl_ran_lognormal(r, d->p[2], d->p[3]);
}

double dp_lognormal_cdf(const dp_dist *d, double x)
{
    return x <= 0 ? 0.0 : gsl_cdf_lognormal_P(x, d->p[2], d->p[3]);
}

double dp_lognormal_quantile(const dp_dist *d, double u)
{
    if (u <= 0)
        return 0.0;
    if (u >= 1)
        return INFINITY;
    return gsl_cdf_lognormal_Pinv(u, d->p[2], d->p[3]);
}

void dp_lognormal_support(const dp_dist *d, double *lo, double *hi)
{
    (void)d;
    *lo = 0.0;
    *hi = INFINITY;
}

const dp_dist_type dp_dist_type_lognormal = {
    .name = "lognormal",
    .usage = "lognormal(mu, sigma)",
    .arity = 2,
    .continuous = true,
    .prepare = prepare,
    .sample = dp_lognormal_sample,
    .cdf = dp_lognormal_cdf,
    .quantile = dp_lognormal_quantile,
    .support = dp_lognormal_support,
};
