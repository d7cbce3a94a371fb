/*
 * pert.c - the beta-PERT distribution (shape 4) on [min, max].
 *
 *   p[0] = min, p[1] = mode, p[2] = max; min <= mode <= max, min < max
 *   p[3] = alpha = 1 + 4 (mode - min) / (max - min)
 *   p[4] = beta  = 1 + 4 (max - mode) / (max - min)
 *   X = min + (max - min) Y,  Y ~ Beta(alpha, beta)
 *
 * Malcolm, Roseboom, Clark and Fazar, "Application of a Technique for
 * Research and Development Program Evaluation", Operations Research 7(5),
 * 1959; the mean is (min + 4 mode + max) / 6. Sampling: GSL's gsl_ran_beta
 * (a ratio of Marsaglia-Tsang gammas). cdf and quantile: GSL's
 * gsl_cdf_beta_P and _Pinv, with bisection when _Pinv fails to converge.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    double lo = d->p[0], mode = d->p[1], hi = d->p[2];
    if (!isfinite(lo) || !isfinite(mode) || !isfinite(hi))
        return "pert: every parameter must be a finite number";
    if (!(lo < hi))
        return "pert: min must be < max";
    if (!(lo <= mode && mode <= hi))
        return "pert: mode must lie in [min, max]";
    if (!isfinite(hi - lo))
        return "pert: max - min is too large";
    d->p[3] = 1 + 4 * (mode - lo) / (hi - lo);
    d->p[4] = 1 + 4 * (hi - mode) / (hi - lo);
    return NULL;
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    double lo = d->p[0], hi = d->p[2];
    return lo + (hi - lo) * gsl_ran_beta(r, d->p[3], d->p[4]);
}

static double cdf(const dp_dist *d, double x)
{
    double lo = d->p[0], hi = d->p[2];
    if (x <= lo)
        return 0.0;
    if (x >= hi)
        return 1.0;
    return gsl_cdf_beta_P((x - lo) / (hi - lo), d->p[3], d->p[4]);
}

static double quantile(const dp_dist *d, double u)
{
    double lo = d->p[0], hi = d->p[2];
    if (u <= 0)
        return lo;
    if (u >= 1)
        return hi;
    double y = gsl_cdf_beta_Pinv(u, d->p[3], d->p[4]);
    if (!(y >= 0 && y <= 1))
        return dp_dist_cdf_solve(d, u, lo, hi);
    return fmin(fmax(lo + (hi - lo) * y, lo), hi);
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    *lo = d->p[0];
    *hi = d->p[2];
}

const dp_dist_type dp_dist_type_pert = {
    .name = "pert",
    .usage = "pert(min, mode, max)",
    .arity = 3,
    .continuous = true,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
