/*
 * to.c - "a to b": the lognormal whose 5th percentile is a and 95th is b.
 *
 *   p[0] = a, p[1] = b, 0 < a < b    (as written)
 *   p[2] = mu    = (ln a + ln b) / 2
 *   p[3] = sigma = (ln b - ln a) / (2 z),  z = Phi^-1(0.95) = 1.6448536269514722
 *
 * An analyst's 90% interval for a positive quantity (Hubbard, "How to Measure
 * Anything", 2014). Only prepare is here: sampling, cdf, quantile and support
 * are lognormal.c's, which reads mu and sigma at the same p[2], p[3].
 */
#include <math.h>
#include "lognormal.h"

#define Z95 1.6448536269514722

static const char *prepare(dp_dist *d)
{
    double a = d->p[0], b = d->p[1];
    if (!isfinite(a) || !isfinite(b))
        return "a to b: every parameter must be a finite number";
    if (!(a > 0))
        return "a to b: a must be > 0";
    if (!(a < b))
        return "a to b: a must be < b";
    double la = log(a), lb = log(b);
    d->p[2] = (la + lb) / 2;
    d->p[3] = (lb - la) / (2 * Z95);
    if (!(d->p[3] > 0))
        return "a to b: a and b are too close";
    return NULL;
}

const dp_dist_type dp_dist_type_to = {
    .name = "to",
    .usage = "a to b",
    .arity = 2,
    .continuous = true,
    .prepare = prepare,
    .sample = dp_lognormal_sample,
    .cdf = dp_lognormal_cdf,
    .quantile = dp_lognormal_quantile,
    .support = dp_lognormal_support,
};
