/*
 * stats.c - censored percentiles and their distribution-free intervals.
 *
 * Percentile p of a day distribution: the first day at which the share of
 * trajectories that met the event reaches p/100 (SPEC 1.4); censored
 * trajectories sit beyond day H. Its confidence interval is the binomial
 * order-statistic interval (e.g. Conover, Practical Nonparametric
 * Statistics, 3rd ed., sec. 3.2): the number B of sample values below the
 * true quantile is Binomial(n, q), so [X_(l), X_(u)] covers it with
 * probability P(l <= B < u).
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include "dp_stats.h"

dp_pct dp_stats_pct(double p)
{
    uint64_t den = 1;
    for (int d = 0; d < 9; d++, den *= 10) {
        double scaled = p * (double)den;
        if (fabs(scaled - round(scaled)) <= 1e-9 * (double)den)
            return (dp_pct){(uint64_t)llround(scaled), den};
    }
    return (dp_pct){(uint64_t)llround(p * (double)den), den};
}

bool dp_stats_reaches(dp_u128 mass, dp_u128 total, dp_pct p)
{
    return mass * 100u * p.den >= (dp_u128)p.num * total;
}

int dp_stats_percentile_day(const uint64_t *met, int H, dp_u128 total, dp_pct p)
{
    dp_u128 cum = 0;
    for (int t = 1; t <= H; t++) {
        cum += met[t];
        if (met[t] && dp_stats_reaches(cum, total, p)) return t;
    }
    return 0;
}

/* P(B <= k - 1) for B ~ Binomial(n, q), n real: I_{1-q}(n - k + 1, k). */
static double below(double n, double q, double k)
{
    return gsl_cdf_beta_P(1.0 - q, n - k + 1.0, k);
}

void dp_stats_rank_interval(double n, double q, double conf, double *lo, double *hi)
{
    double tail = (1.0 - conf) / 2.0;
    double top = floor(n);
    *lo = *hi = 0;
    if (top < 1) return;
    /* lo: the largest k with P(B <= k-1) <= tail */
    if (below(n, q, 1) <= tail) {
        double a = 1, b = top;               /* below(a) <= tail */
        if (below(n, q, b) <= tail) a = b;
        while (b - a > 1) {
            double mid = floor((a + b) / 2);
            if (below(n, q, mid) <= tail) a = mid; else b = mid;
        }
        *lo = a;
    }
    /* hi: the smallest k with P(B <= k-1) >= 1 - tail */
    if (below(n, q, top) >= 1.0 - tail) {
        double a = 1, b = top;               /* below(b) >= 1 - tail */
        if (below(n, q, a) >= 1.0 - tail) b = a;
        while (b - a > 1) {
            double mid = floor((a + b) / 2);
            if (below(n, q, mid) >= 1.0 - tail) b = mid; else a = mid;
        }
        *hi = b;
    }
}

int dp_stats_order_day(const uint64_t *met, int H, dp_u128 total, double n,
                       double k, bool exact)
{
    dp_u128 cum = 0;
    if (k < 1) return 0;
    for (int t = 1; t <= H; t++) {
        cum += met[t];
        if (!met[t]) continue;
        if (exact ? cum >= (dp_u128)k
                  : (long double)cum * n >= (long double)k * (long double)total)
            return t;
    }
    return 0;
}

/* The p with I_p(a, b) = target, by bisection: GSL's gsl_cdf_beta_Pinv
 * fails (NaN) for the lopsided parameters of a proportion near 0 or 1 out
 * of millions, while I_p itself stays accurate and is monotone in p. */
static double beta_quantile(double target, double a, double b)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < 100 && hi - lo > 1e-15; i++) {
        double mid = 0.5 * (lo + hi);
        if (gsl_cdf_beta_P(mid, a, b) < target) lo = mid; else hi = mid;
    }
    return 0.5 * (lo + hi);
}

void dp_stats_proportion_ci(double x, double n, double conf, double *lo, double *hi)
{
    double tail = (1.0 - conf) / 2.0;
    if (n <= 0) { *lo = 0; *hi = 1; return; }
    if (x > n) x = n;
    *lo = x <= 0 ? 0.0 : beta_quantile(tail, x, n - x + 1.0);
    *hi = x >= n ? 1.0 : beta_quantile(1.0 - tail, x + 1.0, n - x);
}

double dp_stats_ess(dp_u128 mass, dp_u128 mass2, uint64_t unit)
{
    if (mass2 == 0) return 0;
    long double m = (long double)mass / unit, m2 = (long double)mass2 / unit;
    return (double)(m * m / m2);
}
