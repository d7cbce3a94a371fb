/*
 * discrete.c - a finite law: the listed values with relative weights.
 *
 *   values[0..n-1] finite; weights >= 0, finite, not all 0
 *   prepare() sorts the pairs by value (stably), normalises the weights to
 *   sum 1 and fills cum[i] = P(X <= values[i]); cum is exactly 1 from the
 *   last value of positive weight on.
 *
 * Sampling is inversion, Q(U) with U uniform on (0, 1): a binary search in
 * cum. The cdf and quantile are the step functions of the sorted table;
 * Q(u) = inf{x : F(x) >= u} is the first value with cum >= u.
 */
#include <math.h>
#include <stdlib.h>
#include "dp_dist.h"

static void sort_by_value(double *v, double *w, size_t n)
{
    for (size_t i = 1; i < n; i++) {   /* insertion sort: stable, n is small */
        double x = v[i], y = w[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
            w[j] = w[j - 1];
        }
        v[j] = x;
        w[j] = y;
    }
}

static const char *prepare(dp_dist *d)
{
    size_t n = d->n;
    if (n == 0 || !d->values || !d->weights)
        return "discrete: needs at least one value";
    double wmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(d->values[i]))
            return "discrete: values must be finite numbers";
        if (!isfinite(d->weights[i]))
            return "discrete: weights must be finite numbers";
        if (!(d->weights[i] >= 0))
            return "discrete: weights must be >= 0";
        wmax = fmax(wmax, d->weights[i]);
    }
    if (!(wmax > 0))
        return "discrete: weights must not all be 0";
    if (!d->cum && !(d->cum = malloc(n * sizeof *d->cum)))
        return "discrete: out of memory";
    sort_by_value(d->values, d->weights, n);
    /* scaled by the largest weight first, so the sum cannot overflow */
    double total = 0;
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        d->weights[i] /= wmax;
        total += d->weights[i];
        if (d->weights[i] > 0)
            last = i;
    }
    double run = 0;
    for (size_t i = 0; i < n; i++) {
        run += d->weights[i];
        d->weights[i] /= total;
        d->cum[i] = i >= last ? 1.0 : fmin(run / total, 1.0);
    }
    return NULL;
}

/* The first index whose cum reaches u, for 0 < u <= 1. */
static size_t first_reaching(const dp_dist *d, double u)
{
    size_t lo = 0, hi = d->n - 1;   /* cum[n-1] == 1 >= u */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->cum[mid] >= u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static size_t first_positive(const dp_dist *d)
{
    size_t i = 0;
    while (i + 1 < d->n && !(d->weights[i] > 0))
        i++;
    return i;
}

static double quantile(const dp_dist *d, double u)
{
    if (u <= 0)
        return d->values[first_positive(d)];
    return d->values[first_reaching(d, fmin(u, 1.0))];
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    return d->values[first_reaching(d, gsl_rng_uniform_pos(r))];
}

static double cdf(const dp_dist *d, double x)
{
    if (!(x >= d->values[0]))
        return 0.0;
    size_t lo = 0, hi = d->n - 1;   /* the last index with values <= x */
    while (lo < hi) {
        size_t mid = hi - (hi - lo) / 2;
        if (d->values[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return d->cum[lo];
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    *lo = d->values[first_positive(d)];
    *hi = d->values[first_reaching(d, 1.0)];
}

const dp_dist_type dp_dist_type_discrete = {
    .name = "discrete",
    .usage = "discrete([v1, ...], [w1, ...])",
    .arity = -1,
    .continuous = false,
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
