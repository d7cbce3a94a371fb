/*
 * truncate.c - a distribution D restricted to [lo, hi]: conditioned, never
 * clipped.
 *
 *   inner = D (prepared), p[0] = lo < p[1] = hi
 *   p[2] = F(lo-) = P(D < lo),  p[3] = F(hi) = P(D <= hi),  p[3] > p[2]
 *   p[4], p[5] = the ends of the truncated support (for a D with atoms,
 *                the smallest and largest atoms inside [lo, hi])
 *
 *   G(x) = (F(x) - p2) / (p3 - p2)   for lo <= x < hi
 *   Q(u) = F^-1(p2 + u (p3 - p2))
 *
 * Sampling: when at least half of D's mass lies inside, D's own sampler with
 * rejection outside [lo, hi] (fewer than two tries expected); else, or after
 * 64 rejections (probability below 2^-64), inversion Q(U). Both are exact.
 */
#include <math.h>
#include "dp_dist.h"

#define MAX_TRIES 64

static bool atomless(const dp_dist *d)
{
    while (d->inner)
        d = d->inner;
    return d->type->continuous;
}

/* Inner quantile over (p2, p3], kept off p2 itself: there F^-1 may return
 * the atom just below lo. */
static double inner_q(const dp_dist *d, double t)
{
    const dp_dist *in = d->inner;
    t = fmin(fmax(t, nextafter(d->p[2], INFINITY)), d->p[3]);
    return in->type->quantile(in, t);
}

/* The smallest atom >= lo, the largest <= hi: direct for exact tables, by
 * bisection in u when rounding in a nested truncate puts it astray. */
static void atom_ends(dp_dist *d)
{
    double lo = d->p[0], hi = d->p[1];
    double slo = inner_q(d, d->p[2]);
    if (!(slo >= lo)) {
        double a = d->p[2], b = d->p[3];
        for (int i = 0; i < 200; i++) {
            double m = a + (b - a) / 2;
            if (m <= a || m >= b)
                break;
            if (inner_q(d, m) >= lo)
                b = m;
            else
                a = m;
        }
        slo = inner_q(d, b);
    }
    double shi = inner_q(d, d->p[3]);
    if (!(shi <= hi)) {
        double a = d->p[2], b = d->p[3];
        for (int i = 0; i < 200; i++) {
            double m = a + (b - a) / 2;
            if (m <= a || m >= b)
                break;
            if (inner_q(d, m) <= hi)
                a = m;
            else
                b = m;
        }
        shi = inner_q(d, a);
    }
    d->p[4] = fmin(fmax(slo, lo), hi);
    d->p[5] = fmin(fmax(shi, d->p[4]), hi);
}

static const char *prepare(dp_dist *d)
{
    const dp_dist *in = d->inner;
    double lo = d->p[0], hi = d->p[1];
    if (!in || !in->type)
        return "truncate: no distribution to truncate";
    if (!isfinite(lo) || !isfinite(hi))
        return "truncate: lo and hi must be finite numbers";
    if (!(lo < hi))
        return "truncate: lo must be < hi";
    d->p[2] = dp_dist_cdf_left(in, lo);
    d->p[3] = in->type->cdf(in, hi);
    if (!(d->p[3] > d->p[2]))
        return "truncate: no probability inside [lo, hi]";
    if (atomless(in)) {
        double ilo, ihi;
        in->type->support(in, &ilo, &ihi);
        d->p[4] = fmax(lo, ilo);
        d->p[5] = fmin(hi, ihi);
    } else {
        atom_ends(d);
    }
    return NULL;
}

static double cdf(const dp_dist *d, double x);

/* For a D with atoms, the atom F^-1 finds from p2 + u (p3 - p2) can be one
 * off from inf{x : G(x) >= u} by rounding; one step to a neighbour atom
 * makes Q agree with G as computed, so that draws over (G(lo-), G(hi)) stay
 * inside [lo, hi]. */
static double atom_fix(const dp_dist *d, double x, double u)
{
    const dp_dist *in = d->inner;
    double fl = dp_dist_cdf_left(in, x);
    if (fl > d->p[2]) {
        double prev = in->type->quantile(in, fl);
        if (prev < x && prev >= d->p[0] && cdf(d, prev) >= u)
            return prev;
    }
    if (cdf(d, x) >= u)
        return x;
    double fx = in->type->cdf(in, x);
    if (fx < d->p[3]) {
        double next = in->type->quantile(in, nextafter(fx, INFINITY));
        if (next > x && next <= d->p[1])
            return next;
    }
    return x;
}

static double quantile(const dp_dist *d, double u)
{
    if (u <= 0)
        return d->p[4];
    if (u >= 1)
        return d->p[5];
    double x = inner_q(d, d->p[2] + u * (d->p[3] - d->p[2]));
    x = fmin(fmax(x, d->p[4]), d->p[5]);   /* rounding only */
    return atomless(d->inner) ? x : atom_fix(d, x, u);
}

static double sample(const dp_dist *d, gsl_rng *r)
{
    const dp_dist *in = d->inner;
    if (d->p[3] - d->p[2] >= 0.5) {
        for (int i = 0; i < MAX_TRIES; i++) {
            double x = in->type->sample(in, r);
            if (x >= d->p[0] && x <= d->p[1])
                return x;
        }
    }
    return quantile(d, gsl_rng_uniform_pos(r));
}

static double cdf(const dp_dist *d, double x)
{
    if (x < d->p[0])
        return 0.0;
    if (x >= d->p[1])
        return 1.0;
    double g = (d->inner->type->cdf(d->inner, x) - d->p[2]) / (d->p[3] - d->p[2]);
    return fmin(fmax(g, 0.0), 1.0);
}

static void support(const dp_dist *d, double *lo, double *hi)
{
    *lo = d->p[4];
    *hi = d->p[5];
}

const dp_dist_type dp_dist_type_truncate = {
    .name = "truncate",
    .usage = "truncate(D, lo, hi)",
    .arity = -1,
    .continuous = false,   /* D may have atoms */
    .prepare = prepare,
    .sample = sample,
    .cdf = cdf,
    .quantile = quantile,
    .support = support,
};
