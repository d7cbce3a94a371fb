/*
 * binomial.c - owns dp_sample_binomial, the binomial sampler of the daily
 * loop.
 *
 *   p(k) = C(n, k) p^k (1-p)^(n-k),   k = 0..n
 *
 * By symmetry only p <= 1/2 is sampled: Binomial(n, p) = n - Binomial(n, 1-p)
 * (1 - p is exact for p >= 1/2). Then, with q = 1 - p:
 *
 * n p < 10: inversion by sequential search from k = 0, starting from
 * p(0) = exp(n log1p(-p)) (pow(1-p, n) would lose p below 1e-16 and all
 * digits for large n; here p(0) >= e^-14, so it never underflows).
 *
 * n p >= 10: BTRD, "transformed rejection with decomposition", from
 * W. Hoermann, "The generation of binomial random variates", Journal of
 * Statistical Computation and Simulation 46 (1993) 101-110, steps numbered
 * as in the paper. About 1.2 uniforms per variate and no setup beyond a few
 * constants, so nothing is kept between calls (unlike R's rbinom.c).
 *
 * One departure for accuracy at large n, not changing the law: step 3.4
 * compares with log(p(k)/p(m)) written as in C. Loader, "Fast and accurate
 * computation of binomial probabilities" (2000), with stirlerr and bd0
 * (loader.c), which is accurate to about 1e-14 absolute; the paper's form
 * loses about 1e-7 to cancellation at n = 1e9.
 *
 * Out of range: n < 0, p outside [0, 1] or NaN returns -1. The law is exact
 * in double arithmetic for n up to 2^53.
 */
#include <math.h>
#include "dp_sample.h"
#include "loader.h"

/* log p(x) up to a constant of (n, p) alone, for 0 <= x <= n. */
static double log_pmf_shifted(int64_t x, int64_t n, double p, double np,
                              double nq)
{
    double dn = (double)n;
    double c = dp_loader_stirlerr(dn) + 0.5 * log(dn) - DP_LN_SQRT_2PI;
    if (x == 0)
        return dn * log1p(-p) - c;
    if (x == n)
        return dn * log(p) - c;
    double dx = (double)x, dy = (double)(n - x);
    return -dp_loader_stirlerr(dx) - dp_loader_stirlerr(dy)
           - dp_loader_bd0(dx, np, dx - np) - dp_loader_bd0(dy, nq, dy - nq)
           - 0.5 * log(dx * dy);
}

static int64_t binomial_inversion(dp_pcg64 *g, int64_t n, double p, double q)
{
    double p0 = exp((double)n * log1p(-p));
    double r = p / q;

    for (;;) {
        double u = dp_pcg64_double(g);
        double f = p0, F = p0;
        int64_t k = 0;
        while (u >= F) {
            if (k == n)
                goto again;        /* u above F(n) as rounded: draw again */
            k++;
            f *= r * (double)(n - k + 1) / (double)k;
            double next = F + f;
            if (next == F)
                goto again;        /* the tail is exhausted in double */
            F = next;
        }
        return k;
again:  ;
    }
}

static int64_t binomial_btrd(dp_pcg64 *g, int64_t n, double p, double q)
{
    /* Step 0: setup */
    double dn = (double)n;
    int64_t m = (int64_t)floor((dn + 1) * p);
    double r = p / q;
    double nr = (dn + 1) * r;
    double npq = dn * p * q;
    double sqrt_npq = sqrt(npq);
    double b = 1.15 + 2.53 * sqrt_npq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = dn * p + 0.5;
    double alpha = (2.83 + 5.1 / b) * sqrt_npq;
    double vr = 0.92 - 4.2 / b;
    double urvr = 0.86 * vr;
    double np = dn * p, nq = dn * q;
    double lpm = 0;            /* log p(m), computed on first need */
    int have_lpm = 0;

    for (;;) {
        /* Step 1: the centre of the hat, accepted without a test */
        double v = dp_pcg64_double(g);
        double u;
        if (v <= urvr) {
            u = v / vr - 0.43;
            return (int64_t)floor((2 * a / (0.5 - fabs(u)) + b) * u + c);
        }
        /* Step 2: generate (u, v) in the rest of the hat */
        if (v >= vr) {
            u = dp_pcg64_double(g) - 0.5;
        } else {
            u = v / vr - 0.93;
            u = (u < 0 ? -0.5 : 0.5) - u;
            v = dp_pcg64_double(g) * vr;
        }
        /* Step 3.0: us == 0 gives +-inf, rejected by the range test */
        double us = 0.5 - fabs(u);
        double kd = floor((2 * a / us + b) * u + c);
        if (kd < 0 || kd > dn)
            continue;
        int64_t k = (int64_t)kd;
        v = v * alpha / (a / (us * us) + b);
        int64_t km = k > m ? k - m : m - k;
        if (km <= 15) {
            /* Step 3.1: p(k)/p(m) by recursion */
            double f = 1;
            if (m < k) {
                for (int64_t i = m + 1; i <= k; i++)
                    f *= nr / (double)i - r;
            } else if (m > k) {
                for (int64_t i = k + 1; i <= m; i++)
                    v *= nr / (double)i - r;
            }
            if (v <= f)
                return k;
            continue;
        }
        /* Step 3.2: squeeze on log(p(k)/p(m)) */
        double dkm = (double)km;
        v = log(v);
        double rho = (dkm / npq) * (((dkm / 3 + 0.625) * dkm + 1.0 / 6) / npq
                                    + 0.5);
        double t = -dkm * dkm / (2 * npq);
        if (v < t - rho)
            return k;
        if (v > t + rho)
            continue;
        /* Steps 3.3-3.4: the exact test, v <= log(p(k)/p(m)) */
        if (!have_lpm) {
            lpm = log_pmf_shifted(m, n, p, np, nq);
            have_lpm = 1;
        }
        if (v <= log_pmf_shifted(k, n, p, np, nq) - lpm)
            return k;
    }
}

/* Binomial(n, p) for 0 < p <= 1/2, n >= 1. */
static int64_t binomial_low(dp_pcg64 *g, int64_t n, double p)
{
    double q = 1.0 - p;
    if ((double)n * p < 10)
        return binomial_inversion(g, n, p, q);
    return binomial_btrd(g, n, p, q);
}

int64_t dp_sample_binomial(dp_pcg64 *g, int64_t n, double p)
{
    if (n < 0 || !(p >= 0 && p <= 1))
        return -1;
    if (n == 0 || p == 0)
        return 0;
    if (p == 1)
        return n;
    if (p > 0.5)
        return n - binomial_low(g, n, 1.0 - p);
    return binomial_low(g, n, p);
}
