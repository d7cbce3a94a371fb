/*
 * poisson.c - owns dp_sample_poisson, the Poisson sampler of the daily loop.
 *
 *   p(k) = mu^k e^{-mu} / k!,   k = 0, 1, 2, ...
 *
 * mu < 10: inversion by sequential search from k = 0 (the expected number of
 * steps is mu + 1).
 *
 * mu >= 10: PTRS, "transformed rejection with squeeze", from W. Hoermann,
 * "The transformed rejection method for generating Poisson random variables",
 * Insurance: Mathematics and Economics 12 (1993) 39-45, with the constants
 * of the paper (as NumPy's random_poisson_ptrs). Two uniforms per trial,
 * acceptance about 0.9 for every mu.
 *
 * Two departures from the paper, both for accuracy at large mu, neither
 * changing the law:
 *  - k is formed as floor(mu) + floor(... + frac(mu) + 0.43), so the rounding
 *    of the transformation is relative to sqrt(mu), not to mu;
 *  - for k >= 256 the final test compares with log p(k) written as in C.
 *    Loader, "Fast and accurate computation of binomial probabilities"
 *    (2000): log p(k) = -stirlerr(k) - bd0(k, mu) - log(2 pi k)/2, accurate
 *    to about 1e-14 absolute for every mu, where k log mu - mu - log k!
 *    loses log10(mu log mu) digits to cancellation. Below 256 that loss is
 *    under 1e-13, and the direct form with tabulated log k! is much cheaper.
 *    stirlerr and bd0 are in loader.c.
 *
 * Out of range: mu < 0 or NaN returns -1; mu > 2^62 (and +inf) returns
 * INT64_MAX. Up to 2^53 k and k - mu are exact in double; beyond, the law is
 * only as exact as double arithmetic allows.
 */
#include <math.h>
#include "dp_sample.h"
#include "loader.h"
#include "recip.h"
#include "logfact.h"

/* Sequential search: the smallest k with u < F(k). If u lies above the
 * largest F(k) that double can represent (probability ~1e-16), draw again:
 * that conditions on the representable part, rather than hanging. */

static int64_t poisson_inversion(dp_pcg64 *g, double mu)
{
    double p0 = exp(-mu);

    for (;;) {
        double u = dp_pcg64_double(g);
        double f = p0, F = p0;
        int64_t k = 0;
        while (u >= F) {
            k++;
            /* 1/k from dp_recip: a multiply instead of a division on the
             * chain of each step (k beyond it, probability < 1e-300, divides) */
            f *= k < DP_RECIPS ? mu * dp_recip[k] : mu / (double)k;
            double next = F + f;
            if (next == F)
                goto again;
            F = next;
        }
        return k;
again:  ;
    }
}

/* Reject hat proposals this far above floor(mu): p(k) is 0 in double there
 * for any mu <= 2^62, and the int64 arithmetic stays in range. */
#define KD_MAX 0x1p61

static int64_t poisson_ptrs(dp_pcg64 *g, double mu)
{
    double slam = sqrt(mu);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    double fl = floor(mu), frac = mu - fl;
    double logmu = 0;   /* log(mu), computed when first needed (mu >= 10) */

    for (;;) {
        /* Step 1: U uniform on (-1/2, 1/2), V on (0, 1) */
        double U = dp_pcg64_double(g) - 0.5;
        double V = dp_pcg64_double(g);
        double us = 0.5 - fabs(U);
        /* k - floor(mu); us == 0 gives -inf, rejected like any k < 0 */
        double kd = floor((2 * a / us + b) * U + frac + 0.43);
        if (kd < -fl || kd > KD_MAX)
            continue;
        int64_t k = (int64_t)fl + (int64_t)kd;

        /* Step 2: immediate acceptance in the centre of the hat */
        if (us >= 0.07 && V <= vr)
            return k;
        /* Step 3: the squeeze region near the ends of U */
        if (us < 0.013 && V > us)
            continue;
        /* Step 4: log(V alpha / (a/us^2 + b)) <= log p(k) */
        double lhs = log(V * invalpha / (a / (us * us) + b));
        double lp;
        if (k == 0) {
            lp = -mu;
        } else if (k < DP_LOGFACT_N) {
            /* small k (so mu < ~300): the direct form loses < 1e-13 */
            if (logmu == 0) logmu = log(mu);
            lp = (double)k * logmu - mu - dp_logfact[k];
        } else {
            double x = (double)k;
            lp = -dp_loader_stirlerr(x) - dp_loader_bd0(x, mu, kd - frac)
                 - DP_LN_SQRT_2PI - 0.5 * log(x);
        }
        if (lhs <= lp)
            return k;
    }
}

int64_t dp_sample_poisson(dp_pcg64 *g, double mu)
{
    if (!(mu >= 0))
        return -1;                 /* negative or NaN */
    if (mu > 0x1p62)
        return INT64_MAX;          /* saturate, also for +inf */
    if (mu == 0)
        return 0;
    if (mu < 10)
        return poisson_inversion(g, mu);
    return poisson_ptrs(g, mu);
}
