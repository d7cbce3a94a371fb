/*
 * test_stats.c - censored percentiles, their order-statistic intervals,
 * proportion intervals and the effective sample size, against closed forms
 * and brute-force sums.
 */
#include <math.h>
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "dp_stats.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(stats, .init = setup);

Test(stats, pct_is_exact_ratio)
{
    dp_pct p = dp_stats_pct(5);
    cr_assert_eq(p.num, 5); cr_assert_eq(p.den, 1);
    p = dp_stats_pct(2.5);
    cr_assert_eq(p.num, 25); cr_assert_eq(p.den, 10);
    p = dp_stats_pct(99.99);
    cr_assert_eq(p.num, 9999); cr_assert_eq(p.den, 100);
}

/* Catches "reaches" done in floating point or with > instead of >=. */
Test(stats, reaches_is_exact_integer_arithmetic)
{
    cr_assert(dp_stats_reaches(50, 100, dp_stats_pct(50)));
    cr_assert(!dp_stats_reaches(49, 100, dp_stats_pct(50)));
    /* 29 of 100 reaches 29%; 0.29 * 100 is 28.999999999999996 in doubles */
    cr_assert(dp_stats_reaches(29, 100, dp_stats_pct(29)));
    /* huge totals: 10^8 trajectories weighted by 2^32 */
    dp_u128 total = (dp_u128)100000000 << 32;
    cr_assert(dp_stats_reaches(total / 2, total, dp_stats_pct(50)));
    cr_assert(!dp_stats_reaches(total / 2 - 1, total, dp_stats_pct(50)));
}

/* Percentile = first day whose cumulative share reaches p; censored
 * trajectories count in the denominator only; never an invented day. */
Test(stats, percentile_day_with_censoring)
{
    uint64_t met[6] = {0, 1, 1, 0, 1, 0};   /* days 1..5; 7 trajectories in all */
    dp_u128 total = 7;
    cr_assert_eq(dp_stats_percentile_day(met, 5, total, dp_stats_pct(10)), 1);
    cr_assert_eq(dp_stats_percentile_day(met, 5, total, dp_stats_pct(14.28)), 1);
    cr_assert_eq(dp_stats_percentile_day(met, 5, total, dp_stats_pct(14.3)), 2);
    cr_assert_eq(dp_stats_percentile_day(met, 5, total, dp_stats_pct(42.85)), 4);
    cr_assert_eq(dp_stats_percentile_day(met, 5, total, dp_stats_pct(42.86)), 0,
                 "3 of 7 met: 42.86%% is not reached");
    cr_assert_eq(dp_stats_percentile_day(met, 5, total, dp_stats_pct(50)), 0);
}

/* Brute force: P(B <= k-1) for B ~ Binomial(n, q). */
static double below(unsigned n, double q, unsigned k)
{
    return k == 0 ? 0.0 : gsl_cdf_binomial_P(k - 1, q, n);
}

/* The ranks must be the tightest that keep each tail <= (1-conf)/2: catches
 * off-by-one ranks and swapped tails. Checked against direct binomial sums. */
Test(stats, rank_interval_matches_binomial_sums)
{
    const unsigned ns[] = {5, 20, 59, 100, 1000, 12345};
    const double qs[] = {0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95};
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof qs / sizeof *qs; b++) {
            unsigned n = ns[a];
            double q = qs[b], lo, hi, tail = 0.025;
            dp_stats_rank_interval(n, q, 0.95, &lo, &hi);
            unsigned l = 0, u = 0;
            for (unsigned k = 1; k <= n; k++) if (below(n, q, k) <= tail) l = k;
            for (unsigned k = n; k >= 1; k--) if (below(n, q, k) >= 1 - tail) u = k;
            cr_assert_eq((unsigned)lo, l, "n=%u q=%g: lo %g, brute %u", n, q, lo, l);
            cr_assert_eq((unsigned)hi, u, "n=%u q=%g: hi %g, brute %u", n, q, hi, u);
            if (l && u) {
                double cover = below(n, q, u) - below(n, q, l);
                cr_assert_geq(cover, 0.95 - 1e-12, "n=%u q=%g", n, q);
            }
        }
    /* the textbook case: n = 20, median, 95%: X_(6) .. X_(15) */
    double lo, hi;
    dp_stats_rank_interval(20, 0.5, 0.95, &lo, &hi);
    cr_assert_eq(lo, 6);
    cr_assert_eq(hi, 15);
    /* too small a sample for a 5th-percentile lower bound */
    dp_stats_rank_interval(10, 0.05, 0.95, &lo, &hi);
    cr_assert_eq(lo, 0);
}

Test(stats, order_day)
{
    uint64_t met[5] = {0, 2, 0, 3, 1};     /* 6 met of 10 */
    cr_assert_eq(dp_stats_order_day(met, 4, 10, 10, 1, true), 1);
    cr_assert_eq(dp_stats_order_day(met, 4, 10, 10, 2, true), 1);
    cr_assert_eq(dp_stats_order_day(met, 4, 10, 10, 3, true), 3);
    cr_assert_eq(dp_stats_order_day(met, 4, 10, 10, 6, true), 4);
    cr_assert_eq(dp_stats_order_day(met, 4, 10, 10, 7, true), 0, "beyond H");
    cr_assert_eq(dp_stats_order_day(met, 4, 10, 10, 0, true), 0, "no bound");
    /* weighted: masses in units of 4, effective size 5 */
    uint64_t w[5] = {0, 8, 0, 12, 4};
    cr_assert_eq(dp_stats_order_day(w, 4, 40, 5, 2, false), 3);   /* share 0.4 */
}

/* Clopper-Pearson closed forms: x = 0 gives 1 - (alpha/2)^(1/n). */
Test(stats, proportion_interval)
{
    double lo, hi;
    dp_stats_proportion_ci(0, 10, 0.95, &lo, &hi);
    cr_assert_eq(lo, 0);
    cr_assert_float_eq(hi, 1 - pow(0.025, 0.1), 1e-9);
    dp_stats_proportion_ci(10, 10, 0.95, &lo, &hi);
    cr_assert_float_eq(lo, pow(0.025, 0.1), 1e-9);
    cr_assert_eq(hi, 1);
    dp_stats_proportion_ci(5, 10, 0.95, &lo, &hi);
    cr_assert_float_eq(lo, 0.187086, 1e-6);
    cr_assert_float_eq(hi, 0.812914, 1e-6);
    /* near 1 out of many: GSL's beta quantile returns NaN here */
    dp_stats_proportion_ci(19986, 20000, 0.95, &lo, &hi);
    cr_assert(lo > 0.998 && lo < 0.9993 && hi > 0.9995 && hi < 1, "[%g, %g]", lo, hi);
    cr_assert_float_eq(gsl_cdf_binomial_Q(19985, lo, 20000), 0.025, 1e-6);
    /* large n: close to the normal approximation */
    dp_stats_proportion_ci(500000, 1000000, 0.95, &lo, &hi);
    cr_assert_float_eq(hi - 0.5, 1.959964 * 0.0005, 2e-6);
}

Test(stats, effective_sample_size)
{
    cr_assert_float_eq(dp_stats_ess(1000, 1000, 1), 1000, 1e-9);
    /* weights 1 and 0.5 (units 2^32): (1.5)^2 / 1.25 = 1.8 */
    uint64_t u = UINT64_C(1) << 32;
    dp_u128 m = u + u / 2, m2 = u + u / 4;
    cr_assert_float_eq(dp_stats_ess(m, m2, u), 1.8, 1e-12);
}

/*
 * Coverage: 95% intervals must cover the true percentile 93%..97% of the
 * time. 10,000 repeated samples of n = 1000 days from a day distribution fine
 * enough that ties do not matter (uniform over 1..36500, censored above
 * 36000), for the 10th, 50th and 90th percentiles. The observed coverage
 * must match the interval's exact coverage P(l <= B < u), B ~ Bin(n, q),
 * within 5.5 sd (sd about 0.2%: a correct program fails less than once in
 * 10^7), and that exact coverage must lie in 93%..97%. This catches a
 * wrong mapping from ranks to days (order_day off by one trajectory or one
 * day, censored trajectories not counted as later than H); ranks one too
 * narrow are caught by rank_interval_matches_binomial_sums.
 */
Test(stats, interval_coverage, .timeout = 60)
{
    enum { H = 36500, N = 1000, REPS = 10000 };
    const double ps[] = {10, 50, 90};
    uint64_t *met = calloc((size_t)H + 1, sizeof *met);
    int *days = calloc(N, sizeof *days);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    int covered[3] = {0};
    double lo[3], hi[3];
    for (int k = 0; k < 3; k++) dp_stats_rank_interval(N, ps[k] / 100, 0.95, &lo[k], &hi[k]);
    for (int rep = 0; rep < REPS; rep++) {
        for (int i = 0; i < N; i++) {
            days[i] = 1 + (int)gsl_rng_uniform_int(r, H);
            if (days[i] > 36000) days[i] = 0;            /* censored */
            else met[days[i]]++;
        }
        for (int k = 0; k < 3; k++) {
            int truth = (int)ceil(ps[k] / 100 * H);      /* true percentile day */
            int dlo = dp_stats_order_day(met, H, N, N, lo[k], true);
            int dhi = dp_stats_order_day(met, H, N, N, hi[k], true);
            bool below_ok = lo[k] == 0 || (dlo > 0 && dlo <= truth);
            bool above_ok = dhi == 0 || dhi >= truth;
            if (below_ok && above_ok) covered[k]++;
        }
        for (int i = 0; i < N; i++) if (days[i]) met[days[i]] = 0;
    }
    for (int k = 0; k < 3; k++) {
        double q = ps[k] / 100;
        double exact = below(N, q, (unsigned)hi[k]) - below(N, q, (unsigned)lo[k]);
        double c = (double)covered[k] / REPS, sd = sqrt(exact * (1 - exact) / REPS);
        cr_assert(exact >= 0.93 && exact <= 0.97, "p%g: exact coverage %.4f", ps[k], exact);
        cr_assert(fabs(c - exact) < 5.5 * sd, "p%g: coverage %.4f, expected %.4f", ps[k], c, exact);
    }
    gsl_rng_free(r);
    free(days);
    free(met);
}
