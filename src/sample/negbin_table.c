/*
 * negbin_table.c - NB(k, mean mu) by table inversion with a guide table.
 *
 *   p(j) = Gamma(j + k) / (Gamma(k) j!) p^k (1 - p)^j,   p = k / (k + mu)
 *
 * the law of a day's count under dispersion k (Poisson of a Gamma-scaled
 * mean). When the mean is fixed for a stretch of days, one table replaces a
 * Gamma draw and a Poisson draw per day.
 *
 * p(0) = exp(-k log1p(mu / k)) is computed directly and the rest by
 * p(j) = p(j - 1) (j - 1 + k) / j (1 - p): absolute probabilities, so a
 * table can stop where 2^-7 of the mass is left and a draw beyond it walks
 * on with the same recurrence from the table's last pmf and cdf (H. C. Chen
 * and Y. Asau, AIIE Transactions 6 (1974) 163-166, for the guide table). The cdf is kept in fixed point (dp_fix, units of
 * 2^-63), so a draw compares integers. Exact inversion up to the rounding
 * of the summed cdf (relative ~1e-15 per outcome tabulated).
 */
#include <math.h>
#include <stdlib.h>
#include "dp_sample.h"
#include "guide.h"
#include "recip.h"


/* -log p(0) at most this: p(0) = 2^-900 and above is a normal double */
#define P0_LOG_MIN 623.0

/* A table ends where less than this is left: a third fewer outcomes to
 * build than at 2^-9, for a walk on 1 draw in 128. On kursk-2025.yaml
 * 2^-5, 2^-7 and 2^-8 drew alike and faster than 2^-9 (by 1-3% in
 * alternating runs on a noisy machine) */
#define TAIL_LEFT 0x1p-7
/* Guide entries per outcome, at least (the guide's size is a power of 2).
 * With tables ending at 2^-9, half an entry drew as fast in the whole run
 * as one; ending at 2^-7, one drew about 1.5% faster on kursk than a half
 * or two (six alternating pinned runs each, near the machine's noise) */
#define GUIDE_FRACTION 1.0

/* Where TAIL_LEFT (2^-7) is left: the Gamma factor's quantile by Wilson
 * and Hilferty (z = 2.4 would do, 2.5 for room), then the Poisson spread.
 * An upper bound on where the build stops (test sample::negbin_table_size). */
static double size_estimate(double k, double mu)
{
    double c = 1.0 - 1.0 / (9.0 * k) + 2.5 * sqrt(1.0 / (9.0 * k));
    double x = mu * c * c * c;
    return x + 2.0 * sqrt(x) + 10.0;
}

uint32_t dp_negbin_table_size(double k, double mu)
{
    if (!(k > 0) || !(mu > 0) || !isfinite(k) || !isfinite(mu)) return UINT32_MAX;
    if (k * log1p(mu / k) > P0_LOG_MIN) return UINT32_MAX;   /* see the build */
    double n = size_estimate(k, mu);
    return n < DP_NEGBIN_TABLE_MAX ? (uint32_t)n : UINT32_MAX;
}

int dp_negbin_table_init(dp_negbin_table *t)
{
    t->cdf = malloc((DP_NEGBIN_TABLE_MAX + 1) * sizeof *t->cdf);
    /* a power of 2 of at least GUIDE_FRACTION n, and room for a burst */
    t->guide = malloc((size_t)(2 * GUIDE_FRACTION * DP_NEGBIN_TABLE_MAX + DP_GUIDE_SLACK) * sizeof *t->guide);
    t->cap = DP_NEGBIN_TABLE_MAX;
    t->mu = -1;
    t->n = 0;
    if (!t->cdf || !t->guide) {
        dp_negbin_table_free(t);
        return -1;
    }
    return 0;
}

void dp_negbin_table_free(dp_negbin_table *t)
{
    free(t->cdf);
    free(t->guide);
    t->cdf = NULL;
    t->guide = NULL;
    t->cap = t->n = 0;
    t->mu = -1;
}

int dp_negbin_table_build(dp_negbin_table *t, double k, double mu)
{
    t->mu = -1;
    if (!t->cdf || !(k > 0) || !(mu > 0) || !isfinite(k) || !isfinite(mu)) return -1;
    double lp0 = k * log1p(mu / k);
    if (!(lp0 <= P0_LOG_MIN)) return -1;   /* p(0) would lose digits or underflow */
    double p0 = exp(-lp0);
    double r = mu / (k + mu);
    double m = k > 1 ? floor((k - 1) * mu / k) : 0;
    uint32_t mode = m < DP_NEGBIN_TABLE_MAX ? (uint32_t)m : DP_NEGBIN_TABLE_MAX;
    /* the guide's size from the estimate of n (the table stops near it),
     * so that the guide is filled as the cdf is summed */
    double est = size_estimate(k, mu);
    uint32_t n_est = est < t->cap ? (uint32_t)est : t->cap;
    unsigned lg = 0;
    while ((UINT32_C(1) << lg) < GUIDE_FRACTION * n_est) lg++;
    const uint32_t ng = UINT32_C(1) << lg;
    uint32_t *guide = t->guide;
    uint64_t lo = 0;       /* where the guide run of the next outcome starts */
#define GUIDE_PUT(j, F) (lo = dp_guide_put(guide, lo, (F), 63 - lg, (j)))
    uint64_t *cdf = t->cdf;
    double pmf = p0, acc = p0;
    cdf[0] = dp_fix(acc);
    GUIDE_PUT(0, cdf[0]);
    /* p(j) / p(j - 1) = r (j - 1 + k) / j = r + c / j, with 1 / j from the
     * table up to DP_RECIPS. Outcomes go two at a time: the products and
     * sums that carry from one step to the next (a multiply, an add) come
     * once per pair, so the loop, run for every stretch of days, runs at
     * twice the speed of one chain. Up to the mode without looking at the
     * sum (before it, less than the whole law is summed), then to the
     * tail. */
    const double c = r * (k - 1.0);
    uint32_t j = 0;
    const uint32_t last = t->cap - 1 < DP_RECIPS - 2 ? t->cap - 1 : DP_RECIPS - 2;
    const uint32_t to_mode = mode < last ? mode : last;
    while (j + 2 <= to_mode || (acc < 1.0 - TAIL_LEFT && j + 2 <= last)) {
        double f1 = r + c * dp_recip[j + 1];
        double f2 = r + c * dp_recip[j + 2];
        double p1 = pmf * f1;
        pmf *= f1 * f2;
        uint64_t F1 = dp_fix_partial(acc + p1);
        acc += p1 + pmf;
        uint64_t F2 = dp_fix_partial(acc);
        cdf[j + 1] = F1;
        cdf[j + 2] = F2;
        GUIDE_PUT(j + 1, F1);
        GUIDE_PUT(j + 2, F2);
        j += 2;
    }
    while (j < mode || acc < 1.0 - TAIL_LEFT) {
        if (j + 1 >= t->cap) return -1;
        j++;
        pmf *= r + c / j;
        acc += pmf;
        cdf[j] = dp_fix(acc);
        GUIDE_PUT(j, cdf[j]);
    }
#undef GUIDE_PUT
    uint32_t n = j + 1;
    cdf[n] = UINT64_MAX;                /* stops every search */
    dp_guide_end(guide, lo, ng, n);     /* u past the table */
    t->lg = lg;
    t->acc_last = acc;
    t->k = k;
    t->mu = mu;
    t->ratio = r;
    t->pmf_last = pmf;
    t->mode = mode;
    t->n = n;
    t->ng = ng;
    return 0;
}

int64_t dp_negbin_table_tail(const dp_negbin_table *t, uint64_t u)
{
    double pmf = t->pmf_last, acc = t->acc_last;
    const double r = t->ratio, c = r * (t->k - 1.0);
    for (int64_t j = t->n;; j++) {
        /* the same factors as the build's, for the same cdf values */
        pmf *= j < DP_RECIPS ? r + c * dp_recip[j] : r + c / (double)j;
        acc += pmf;
        /* past the mode, a pmf below 2^-70 leaves less than any u can see
         * (the rounding of the sum could otherwise keep it below u) */
        if (u < dp_fix(acc) || (pmf < 0x1p-70 && j > t->mode)) return j;
    }
}
