/*
 * triangular.c - the triangular distribution on [min, max] with peak at mode.
 *
 *   p[0] = min, p[1] = mode, p[2] = max; min <= mode <= max, min < max
 *   p[3] = (mode - min) / (max - min) = F(mode)
 *
 * Closed forms (written through p[3] so that no product of ranges can
 * overflow):
 *   F(x) = t^2 / p3              t = (x - min)/(max - min), x <= mode
 *        = 1 - s^2 / (1 - p3)    s = (max - x)/(max - min), x >  mode
 *   Q(u) = min + (max - min) sqrt(u p3)                     u <= p3
 *        = max - (max - min) sqrt((1 - u)(1 - p3))          u >  p3
 * Sampling is Q(U), U uniform (inversion).
 */
#include <math.h>
#include "dp_dist.h"

static const char *prepare(dp_dist *d)
{
    double lo = d->p[0], mode = d->p[1], hi = d->p[2];
    if (!isfinite(lo) || !isfinite(mode) || !isfinite(hi))
        return "triangular: every parameter must be a finite number";
    if (!(lo < hi))
        return "triangular: min must be < max";
    if (!(lo <= mode && mode <= hi))
        return "triangular: mode must lie in [min, max]";
    if (!isfinite(hi - lo))
        return "triangular: max - min is too large";
    d->p[3] = (mode - lo) / (hi - lo);
    return NULL;
}

static double quantile(const dp_dist *d, double u)
{
    double lo = d->p[0], hi = d->p[2], fc = d->p[3];
    if (u <= 0)
        return lo;
    if (u >= 1)
        return hi;
    double x = u <= fc ? lo + (hi - lo) * sqrt(u * fc)
                       : hi - (hi - lo) * sqrt((1 - u) * (1 - fc));
    return fmin(fmax(x, lo), hi);
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    return quantile(d, gsl_rng_uniform(r));
}

static double cdf(const dp_dist *d, double x)
{
    double lo = d->p[0], mode = d->p[1], hi = d->p[2], fc = d->p[3];
    if (x <= lo)
        return 0.0;
    if (x >= hi)
        return 1.0;
    if (x <= mode) {       /* then mode > lo, fc > 0 */
        double t = (x - lo) / (hi - lo);
        return fmin(t * t / fc, 1.0);
    }
    double s = (hi - x) / (hi - lo);   /* x > mode: hi > mode, fc < 1 */
    return fmax(1.0 - s * s / (1 - fc), 0.0);
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    *lo = d->p[0];
    *hi = d->p[2];
}

const dp_dist_type dp_dist_type_triangular = {
    .name = "triangular",
    .usage = "triangular(min, mode, max)",
    .arity = 3,
    .continuous = true,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
