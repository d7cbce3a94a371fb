/*
 * uniform.c - the uniform distribution on [a, b].
 *
 *   p[0] = a, p[1] = b, a < b        F(x) = (x - a) / (b - a)
 *
 * Sampling is GSL's gsl_ran_flat; the quantile is written (1 - u) a + u b so
 * that u = 0 and u = 1 give a and b exactly.
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    double a = d->p[0], b = d->p[1];
    if (!isfinite(a) || !isfinite(b))
        return "uniform: every parameter must be a finite number";
    if (!(a < b))
        return "uniform: a must be < b";
    if (!isfinite(b - a))
        return "uniform: b - a is too large";
    return NULL;
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    return gsl_ran_flat(r, d->p[0], d->p[1]);
}

static double cdf(const dp_dist *d, double x)
{
    double a = d->p[0], b = d->p[1];
    if (x <= a)
        return 0.0;
    if (x >= b)
        return 1.0;
    return (x - a) / (b - a);
}

static double quantile(const dp_dist *d, double u)
{
    double a = d->p[0], b = d->p[1];
    if (u <= 0)
        return a;
    if (u >= 1)
        return b;
    return fmin(fmax((1 - u) * a + u * b, a), b);
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    *lo = d->p[0];
    *hi = d->p[1];
}

const dp_dist_type dp_dist_type_uniform = {
    .name = "uniform",
    .usage = "uniform(a, b)",
    .arity = 2,
    .continuous = true,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
