/*
 * test_model.c - the daily model (SPEC 1.1-1.3) against closed forms, and
 * the order of the daily steps.
 *
 * Distribution comparisons use the Dvoretzky-Kiefer-Wolfowitz inequality:
 * P(sup_t |F_n(t) - F(t)| > eps) <= 2 exp(-2 n eps^2), valid for any F,
 * discrete ones included. With eps chosen for 1e-7, a correct model fails
 * less than once in ten million runs; a casualty rate off by 1% moves the
 * depletion-day CDF by about 0.1 near its median, far beyond eps.
 */
#include <math.h>
#include <stdlib.h>
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "dp_report.h"
#include "dp_rng.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(model, .init = setup, .timeout = 120);

static double dkw_eps(double n) { return sqrt(log(2 / 1e-7) / (2 * n)); }

/* One thread's machinery to run single trajectories and read their outcome. */
typedef struct single {
    dp_scenario *s;
    dp_model m;
    dp_work w;
    gsl_rng *r;
} single;

static void single_init(single *x, const char *yaml)
{
    x->s = th_load(yaml);
    cr_assert_eq(dp_model_init(&x->m, x->s), 0);
    cr_assert_eq(dp_work_init(&x->w, &x->m), 0);
    x->r = gsl_rng_alloc(dp_rng_type);
    cr_assert_not_null(x->r);
}

static const dp_outcome *single_run(single *x, uint64_t i)
{
    dp_trajectory(&x->m, &x->w, x->r, 7, i);
    return &x->w.out;
}

static void single_free(single *x)
{
    gsl_rng_free(x->r);
    dp_work_free(&x->w);
    dp_model_free(&x->m);
    dp_scenario_free(x->s);
}

/* Strength after the end of day t (0 once stopped early). */
static int64_t A_at(const dp_outcome *o, int t) { return t <= o->last ? o->A[t] : 0; }

/*
 * (a) Constant rate, Poisson, no returns: the force is gone on the first day
 * the cumulative Poisson count reaches N, so P(T <= t) = P(Poisson(lt) >= N),
 * for strength 0, casualties 1.0 and, at N/2, strength 0.5 - day by day.
 */
Test(model, poisson_depletion_day_closed_form)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 200\nforce:\n  initial: 1000\n"
        "casualties:\n  per_day: 10\n"
        "thresholds:\n  strength: [0.5, 0]\n  casualties: [1.0]\n");
    th_run r;
    const uint64_t n = 100000;
    th_simulate(&r, s, n, 1, 2);
    double eps = dkw_eps(n), worst = 0;
    for (int t = 1; t <= 200; t++) {
        double half = gsl_cdf_poisson_Q(499, 10.0 * t);
        double all = gsl_cdf_poisson_Q(999, 10.0 * t);
        double d0 = fabs(th_share_by(&r.a, 0, t) - half);
        double d1 = fabs(th_share_by(&r.a, 1, t) - all);
        double d2 = fabs(th_share_by(&r.a, 2, t) - all);
        worst = fmax(worst, fmax(d0, fmax(d1, d2)));
    }
    cr_assert_lt(worst, eps, "sup |F_n - F| = %g > %g", worst, eps);
    th_run_free(&r);
    dp_scenario_free(s);
}

/* (a, report) The median of the straight-line projection is 12000/92 days
 * after the start: day 131, 2025-04-10 (issue 2's check). */
Test(model, isw_linear_median)
{
    dp_scenario *s = th_load(
        "start: 2024-12-01\nforce:\n  initial: 12000\ncasualties:\n  per_day: 92\n"
        "thresholds:\n  casualties: [1.0]\n");
    th_run r;
    th_simulate(&r, s, 20000, 20250122, 2);
    dp_result res = {s, &r.a, 20250122};
    size_t n;
    dp_measure *m = dp_measures(&res, &n);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(m[1].measure, "casualties");
    for (size_t k = 0; k < m[1].n_pct; k++)
        if (m[1].pct[k].p == 50) cr_assert_eq(m[1].pct[k].day, 131);
    dp_measures_free(m, n);
    th_run_free(&r);
    dp_scenario_free(s);
}

/* (b) Cumulative killed after t days is Poisson(l t / (1 + rho)) (thinning);
 * wounded Poisson(l t rho / (1 + rho)). A wrong killed fraction (rho/(1+rho)
 * swapped, or 1/rho) fails by far. */
Test(model, killed_is_thinned_poisson)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 30\nforce:\n  initial: 1000000\n"
                    "casualties:\n  per_day: 20\n  wounded_per_killed: 3\n");
    enum { N = 50000, MAXK = 400 };
    static unsigned hk[MAXK], hw[MAXK * 4];
    for (uint64_t i = 0; i < N; i++) {
        const dp_outcome *o = single_run(&x, i);
        cr_assert_lt(o->killed, MAXK);
        cr_assert_lt(o->wounded, MAXK * 4);
        hk[o->killed]++;
        hw[o->wounded]++;
    }
    double eps = dkw_eps(N), ck = 0, cw = 0;
    for (int k = 0; k < MAXK; k++) {
        ck += hk[k];
        cr_assert_lt(fabs(ck / N - gsl_cdf_poisson_P(k, 600.0 / 4)), eps, "killed <= %d", k);
    }
    for (int k = 0; k < MAXK * 4; k++) {
        cw += hw[k];
        cr_assert_lt(fabs(cw / N - gsl_cdf_poisson_P(k, 600.0 * 3 / 4)), eps, "wounded <= %d", k);
    }
    single_free(&x);
}

/* (c) Negative-binomial days: a day's count is NB with mean m and variance
 * m + m^2/k. Whole law by DKW against GSL's NB CDF, and the variance by a
 * z-test (sd of the sample variance from the NB's fourth moment, bounded
 * here by simulation scale). */
Test(model, negative_binomial_day)
{
    const double m = 40, k = 2;
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 1\nforce:\n  initial: 1000000000\n"
                    "casualties:\n  per_day: 40\n  dispersion: 2\n");
    enum { N = 100000, MAXC = 2000 };
    static unsigned h[MAXC];
    double sum = 0, sum2 = 0;
    for (uint64_t i = 0; i < N; i++) {
        const dp_outcome *o = single_run(&x, i);
        int64_t c = o->killed + o->wounded;
        cr_assert_lt(c, MAXC);
        h[c]++;
        sum += c;
        sum2 += (double)c * c;
    }
    double p = k / (k + m), eps = dkw_eps(N), cum = 0;
    for (int c = 0; c < MAXC; c++) {
        cum += h[c];
        cr_assert_lt(fabs(cum / N - gsl_cdf_negative_binomial_P(c, p, k)), eps, "C <= %d", c);
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    cr_assert_lt(fabs(mean - m) / sqrt((m + m * m / k) / N), 5.5);
    /* sample variance sd ~ var * sqrt((kurtosis excess + 2)/N); NB(k=2)
     * excess kurtosis ~ 6/k + ... ~ 3.1: sd < var * sqrt(6/N) */
    double v = m + m * m / k;
    cr_assert_lt(fabs(var - v) / (v * sqrt(6.0 / N)), 5.5, "variance %g, expected %g", var, v);
    single_free(&x);
}

/* A count capped at A under dispersion: the returning share is drawn from
 * the count before the cap and drawn again when the cap bites, so its law
 * must be that of the capped count. Day 1 of 20 soldiers against NB(4,
 * 1000) (P(C <= 20) < 1e-5): C = 20, each returns with q = 0.5 x 0.5 on
 * day 2, so `returned` is Binomial(20, 0.25). Catches R left from the
 * uncapped count (about 250) or taken from a wrong one. */
Test(model, capped_count_returning_share)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 2\nforce:\n  initial: 20\n"
                    "casualties:\n  per_day: 1000\n  dispersion: 4\n  wounded_per_killed: 1\n"
                    "return_to_duty:\n  fraction: 0.5\n  delay: 1\n");
    enum { N = 50000, MAXR = 21 };
    static unsigned h[MAXR];
    for (uint64_t i = 0; i < N; i++) {
        const dp_outcome *o = single_run(&x, i);
        cr_assert_geq(o->killed + o->wounded, 20, "day 1 takes all 20");
        cr_assert_leq(o->returned, o->wounded);
        cr_assert_lt(o->returned, MAXR, "returned %lld of 20", (long long)o->returned);
        h[o->returned]++;
    }
    double eps = dkw_eps(N), cum = 0;
    for (int r = 0; r < MAXR; r++) {
        cum += h[r];
        cr_assert_lt(fabs(cum / N - gsl_cdf_binomial_P(r, 0.25, 20)), eps, "returned <= %d", r);
    }
    single_free(&x);
}

/* Mean strength at the end of each day 1..H over n trajectories against a
 * closed form, each day within 6 sd of the mean (sample sd). */
static void check_mean_strength(single *x, int n, int H, double (*expect)(int t))
{
    double *s1 = calloc((size_t)H + 1, sizeof *s1), *s2 = calloc((size_t)H + 1, sizeof *s2);
    cr_assert(s1 && s2);
    for (uint64_t i = 0; i < (uint64_t)n; i++) {
        const dp_outcome *o = single_run(x, i);
        for (int t = 1; t <= H; t++) {
            double a = (double)A_at(o, t);
            s1[t] += a;
            s2[t] += a * a;
        }
    }
    for (int t = 1; t <= H; t++) {
        double mean = s1[t] / n, var = s2[t] / n - mean * mean;
        double z = fabs(mean - expect(t)) / sqrt(var / n);
        cr_assert_lt(z, 6, "day %d: mean %g, expected %g (z %g)", t, mean, expect(t), z);
    }
    free(s1);
    free(s2);
}

static double rtd_expect(int t) { return 100000 - 50.0 * t + 50.0 * 0.5 * 0.75 * fmax(0, t - 10); }
static double decay_expect(int t) { return 10000 * pow(0.99, t); }

/* (d) Returns with a fixed delay d and fraction f: casualties of day s are
 * back on day s + d, so E[A_t] = N0 - l t + l f rho/(1+rho) (t - d)+.
 * Catches a delay off by one day, returns arriving after the losses of
 * their day, or the fraction applied to killed instead of wounded. */
Test(model, return_to_duty_mean_strength)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 60\nforce:\n  initial: 100000\n"
                    "casualties:\n  per_day: 50\n  wounded_per_killed: 3\n"
                    "return_to_duty:\n  fraction: 0.5\n  delay: 10\n");
    check_mean_strength(&x, 20000, 60, rtd_expect);
    single_free(&x);
}

/* P(S_t >= N) and the law with a reinforcement of size S on day r: gone
 * before r, or after r once the count reaches N + S. */
static double cdf_no_reinf(int t) { return gsl_cdf_poisson_Q(999, 10.0 * t); }

static double cdf_reinf(int t)
{
    const int N = 1000, S = 500, r = 50;
    if (t < r) return gsl_cdf_poisson_Q(N - 1, 10.0 * t);
    double p = gsl_cdf_poisson_Q(N - 1, 10.0 * (r - 1));
    for (int j = 0; j < N; j++)
        p += gsl_ran_poisson_pdf(j, 10.0 * (r - 1)) *
             gsl_cdf_poisson_Q(N + S - j - 1, 10.0 * (t - r + 1));
    return p;
}

/* (e) A reinforcement with chance 0.5: the depletion-day law is the equal
 * mixture of the two deterministic cases (both computed exactly). */
Test(model, reinforcement_chance_is_a_mixture)
{
    const char *base =
        "start: 2025-01-01\nhorizon: 250\nforce:\n  initial: 1000\n"
        "casualties:\n  per_day: 10\n"
        "reinforcements:\n  - day: 50\n    size: 500\n    chance: %s\n";
    char yaml[512];
    const char *chances[] = {"0", "1", "0.5"};
    const uint64_t n = 60000;
    for (int c = 0; c < 3; c++) {
        snprintf(yaml, sizeof yaml, base, chances[c]);
        dp_scenario *s = th_load(yaml);
        th_run r;
        th_simulate(&r, s, n, 3, 2);
        double worst = 0;
        for (int t = 1; t <= 250; t++) {
            double f = c == 0 ? cdf_no_reinf(t) : c == 1 ? cdf_reinf(t)
                                                         : 0.5 * (cdf_no_reinf(t) + cdf_reinf(t));
            worst = fmax(worst, fabs(th_share_by(&r.a, 0, t) - f));
        }
        cr_assert_lt(worst, dkw_eps(n), "chance %s: sup diff %g", chances[c], worst);
        th_run_free(&r);
        dp_scenario_free(s);
    }
}

/* (f) Proportional mode with a fixed rate: E[A_t] = N0 (1 - r)^t (the cap
 * C <= A never binds here). Catches the rate applied to N0 instead of A. */
Test(model, proportional_mean_decay)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 100\nforce:\n  initial: 10000\n"
                    "casualties:\n  rate: 1%\n");
    check_mean_strength(&x, 20000, 100, decay_expect);
    single_free(&x);
}

/* (g) The withdrawal rule and censoring: pulled out when A <= N0/2, so the
 * strength-0 and casualties-1.0 thresholds are never met (P = 0, every
 * percentile "not reached"), the 0.5 threshold is met on the day of the
 * rule, and the withdrawal day has the law of the first t with
 * Poisson(l t) >= N0/2. */
Test(model, withdrawal_rule_and_censoring)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 200\nforce:\n  initial: 1000\n"
        "casualties:\n  per_day: 10\n"
        "withdrawals:\n  - below: 0.5\n"
        "thresholds:\n  strength: [0.5, 0]\n  casualties: [1.0]\n");
    th_run r;
    const uint64_t n = 50000;
    th_simulate(&r, s, n, 11, 2);
    dp_result res = {s, &r.a, 11};
    size_t nm;
    dp_measure *m = dp_measures(&res, &nm);
    cr_assert_eq(nm, 4);
    cr_assert_str_eq(m[3].measure, "withdrawn");
    cr_assert_float_eq(m[0].p_met, 1.0, 1e-12);
    cr_assert_float_eq(m[3].p_met, 1.0, 1e-12);
    for (int l = 1; l <= 2; l++) {
        cr_assert_eq(m[l].p_met, 0.0, "%s never met", m[l].measure);
        for (size_t k = 0; k < m[l].n_pct; k++) {
            cr_assert_eq(m[l].pct[k].day, 0, "not reached: empty, never a date");
            cr_assert_eq(m[l].pct[k].ci_high, 0);
        }
    }
    for (size_t k = 0; k < m[0].n_pct; k++)
        cr_assert_eq(m[0].pct[k].day, m[3].pct[k].day, "0.5 met on the rule's day");
    double worst = 0;
    for (int t = 1; t <= 200; t++)
        worst = fmax(worst, fabs(th_share_by(&r.a, 3, t) - gsl_cdf_poisson_Q(499, 10.0 * t)));
    cr_assert_lt(worst, dkw_eps(n));
    /* after the rule the strength counts as 0 */
    cr_assert_eq(dp_strength_percentile(&r.a, 200, 95), 0);
    dp_measures_free(m, nm);
    th_run_free(&r);
    dp_scenario_free(s);
}

/* A horizon too short: shares below p are "not reached", never a date. */
Test(model, censored_by_horizon)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 100\nforce:\n  initial: 1000\n"
        "casualties:\n  per_day: 10\nthresholds:\n  strength: [0]\n");
    th_run r;
    th_simulate(&r, s, 20000, 5, 1);
    dp_result res = {s, &r.a, 5};
    size_t nm;
    dp_measure *m = dp_measures(&res, &nm);
    /* P(Poisson(1000) >= 1000) = 0.508: 5..50% reached on day 100, 75% not */
    double truth = gsl_cdf_poisson_Q(999, 1000);
    cr_assert_lt(fabs(m[0].p_met - truth), dkw_eps(20000));
    cr_assert_leq(m[0].p_met_low, truth);
    cr_assert_geq(m[0].p_met_high, truth);
    for (size_t k = 0; k < m[0].n_pct; k++) {
        if (m[0].pct[k].p <= 25) cr_assert_gt(m[0].pct[k].day, 0);
        if (m[0].pct[k].p >= 75) cr_assert_eq(m[0].pct[k].day, 0);
    }
    dp_measures_free(m, nm);
    th_run_free(&r);
    dp_scenario_free(s);
}

/* Step 1 before step 2: a reinforcement and a fractional withdrawal on the
 * same day - the fraction applies to the force including the newcomers. */
Test(model, arrivals_before_withdrawals)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 10\nforce:\n  initial: 1000\n"
                    "casualties:\n  per_day: 0\n"
                    "reinforcements:\n  - day: 5\n    size: 1000\n"
                    "withdrawals:\n  - day: 5\n    fraction: 0.5\n");
    const dp_outcome *o = single_run(&x, 0);
    cr_assert_eq(A_at(o, 4), 1000);
    cr_assert_eq(A_at(o, 5), 1000);
    cr_assert_eq(o->rotated, 1000);
    cr_assert_eq(o->reinforced, 1000);
    single_free(&x);
}

/* Same-day withdrawals apply in the order written, each to what the one
 * before left: half then 100 leaves 400; 100 then half leaves 450. */
Test(model, same_day_withdrawals_in_written_order)
{
    single x, y;
    single_init(&x, "start: 2025-01-01\nhorizon: 3\nforce:\n  initial: 1000\n"
                    "casualties:\n  per_day: 0\nwithdrawals:\n"
                    "  - {day: 2, fraction: 0.5}\n  - {day: 2, size: 100}\n");
    single_init(&y, "start: 2025-01-01\nhorizon: 3\nforce:\n  initial: 1000\n"
                    "casualties:\n  per_day: 0\nwithdrawals:\n"
                    "  - {day: 2, size: 100}\n  - {day: 2, fraction: 0.5}\n");
    cr_assert_eq(A_at(single_run(&x, 0), 2), 400);
    cr_assert_eq(A_at(single_run(&y, 0), 2), 450);
    single_free(&x);
    single_free(&y);
}

/* Step 2 before step 3: in proportional mode the day's losses scale with
 * the force left after that day's withdrawals (mean 5,000, not 10,000). */
Test(model, withdrawals_before_casualties)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 1\nforce:\n  initial: 100000\n"
                    "casualties:\n  rate: 0.1\nwithdrawals:\n  - {day: 1, fraction: 0.5}\n");
    double sum = 0;
    for (uint64_t i = 0; i < 200; i++) sum += (double)(50000 - A_at(single_run(&x, i), 1));
    cr_assert_lt(fabs(sum / 200 - 5000) / sqrt(5000.0 / 200), 6);
    single_free(&x);
}

/* Phases: 1 before the first; the latest start on or before the day wins;
 * of two starting the same day the one written last; a start on or before
 * day 0 is in force from day 1. */
Test(model, phase_schedule)
{
    single x, y;
    single_init(&x, "start: 2025-01-01\nhorizon: 20\nforce:\n  initial: 100000\n"
                    "casualties:\n  per_day: 100\nphases:\n"
                    "  - {from: 2024-12-01, intensity: 0}\n"   /* day -30: in force from day 1 */
                    "  - {from: 11, intensity: 1}\n"
                    "  - {from: 11, intensity: 0}\n");         /* written last: wins */
    single_init(&y, "start: 2025-01-01\nhorizon: 20\nforce:\n  initial: 100000\n"
                    "casualties:\n  per_day: 100\nphases:\n  - {from: 11, intensity: 0}\n");
    for (uint64_t i = 0; i < 20; i++) {
        const dp_outcome *o = single_run(&x, i);
        cr_assert_eq(A_at(o, 20), 100000, "no losses at all");
        o = single_run(&y, i);
        cr_assert_lt(A_at(o, 10), 100000, "intensity 1 before the first phase");
        cr_assert_eq(A_at(o, 10), A_at(o, 20), "no losses from day 11");
    }
    single_free(&x);
    single_free(&y);
}

/* Two phases both before day 1: the later start is in force, whatever the
 * order written (found by the NumPy peer: days before 1 were once clamped to
 * one value, so the one written last won). */
Test(model, phases_before_day_one_keep_their_order)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 10\nforce:\n  initial: 100000\n"
                    "casualties:\n  per_day: 100\nphases:\n"
                    "  - {from: 2024-12-27, intensity: 0}\n"    /* day -4: the latest */
                    "  - {from: 2024-12-20, intensity: 2}\n");  /* day -11 */
    for (uint64_t i = 0; i < 10; i++)
        cr_assert_eq(A_at(single_run(&x, i), 10), 100000, "intensity 0 from day 1");
    single_free(&x);
}

/* Counts are capped: casualties at A, non-battle losses at A - C; nothing
 * goes negative, and the cumulative counts add up. */
Test(model, caps_and_bookkeeping)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 50\nforce:\n  initial: 100\n"
                    "casualties:\n  per_day: 30\n  wounded_per_killed: 2\n"
                    "non_battle:\n  per_day: 20\n"
                    "return_to_duty:\n  fraction: 0.5\n  delay: 3 to 8\n");
    for (uint64_t i = 0; i < 2000; i++) {
        const dp_outcome *o = single_run(&x, i);
        for (int t = 1; t <= o->last; t++) cr_assert_geq(o->A[t], 0);
        int64_t end = A_at(o, 50);
        cr_assert_eq(end, 100 + o->returned - o->killed - o->wounded - o->non_battle,
                     "A = N0 + returned - killed - wounded - non-battle");
        cr_assert_leq(o->returned, o->wounded);
    }
    single_free(&x);
}

/* Rounding: counts to the nearest whole number, halves away from zero. */
Test(model, initial_strength_rounded)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 2\nforce:\n  initial: 10.5\n"
                    "casualties:\n  per_day: 0\n");
    cr_assert_eq(single_run(&x, 0)->N0, 11);
    single_free(&x);
}

/* Returns whose day falls after the horizon never arrive; thresholds met on
 * the rule's own day count (SPEC 1.2 step 9). */
Test(model, threshold_met_on_rule_day_counts)
{
    single x;
    single_init(&x, "start: 2025-01-01\nhorizon: 10\nforce:\n  initial: 100\n"
                    "casualties:\n  per_day: 0\n"
                    "withdrawals:\n  - {day: 3, fraction: 0.8}\n  - below: 0.5\n"
                    "thresholds:\n  strength: [0.2, 0]\n");
    const dp_outcome *o = single_run(&x, 0);
    cr_assert_eq(o->day[0], 3, "A = 20 <= 0.2 x 100 on day 3");
    cr_assert_eq(o->day[1], 0, "0 is never met once withdrawn");
    cr_assert_eq(o->day[2], 3, "withdrawn on day 3");
    cr_assert_eq(A_at(o, 3), 0);
    single_free(&x);
}
