/*
 * test_observations.c - calibration to reported figures (SPEC 2.3): each
 * trajectory weighs exp(-(ln(sim+1) - ln(obs+1))^2 / (2 error^2)) per
 * reported figure, and every figure uses the weights.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "dp_report.h"
#include "dp_stats.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(observations, .init = setup, .timeout = 120);

/* E[w^j | daily mean mu] for one day's casualties observed as obs. */
static double moment(double mu, double obs, double err, int j)
{
    double s = 0;
    for (int c = 0; c < 2000; c++) {
        double d = log1p(c) - log1p(obs);
        s += gsl_ran_poisson_pdf(c, mu) * exp(-j * d * d / (2 * err * err));
    }
    return s;
}

/*
 * Two hypotheses, 5 or 50 casualties a day (equally likely), and a report of
 * 12 casualties on day 1. Only the 50-a-day trajectories meet "casualties >=
 * 20% of 1000" within 10 days, so the weighted P(met) is the posterior
 * probability of 50 a day: E[w|50] / (E[w|5] + E[w|50]), computed exactly.
 * The effective size must be n (E w)^2 / E w^2. Catches weights ignored, a
 * wrong error scale (sd vs variance), ln(x) instead of ln(x + 1), and the
 * figure read on the wrong day.
 */
Test(observations, posterior_share_and_effective_size)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 10\nforce:\n  initial: 1000\n"
        "casualties:\n  per_day: 'discrete([5, 50], [1, 1])'\n"
        "thresholds:\n  strength: []\n  casualties: [0.2]\n"
        "observations:\n  - day: 2025-01-01\n    casualties: 12\n    error: 0.5\n");
    th_run r;
    const uint64_t n = 200000;
    cr_assert_eq(dp_model_init(&r.m, s), 0);
    cr_assert_eq(r.m.n_obs, 1);
    cr_assert_eq(dp_accum_init(&r.a, &r.m, true), 0);
    dp_run run = {.first = 0, .n = n, .seed = 8, .threads = 2};
    cr_assert_eq(dp_engine_run(&r.m, &run, &r.a), 0);
    dp_accum_finish(&r.a);

    double w5 = moment(5, 12, 0.5, 1), w50 = moment(50, 12, 0.5, 1);
    double v5 = moment(5, 12, 0.5, 2), v50 = moment(50, 12, 0.5, 2);
    double post = w50 / (w5 + w50);
    double ess_ratio = pow((w5 + w50) / 2, 2) / ((v5 + v50) / 2);

    dp_result res = {s, &r.a, 8};
    size_t nm;
    dp_measure *m = dp_measures(&res, &nm);
    cr_assert_eq(nm, 1);
    /* sd of a self-normalised estimate ~ sqrt(p(1-p)/ESS) */
    double sd = sqrt(post * (1 - post) / m->effective);
    cr_assert_lt(fabs(m->p_met - post) / sd, 5.5, "P(met) %g, posterior %g", m->p_met, post);
    cr_assert_lt(fabs(m->effective / (double)n - ess_ratio), 0.02,
                 "effective %g of %" PRIu64 ", expected ratio %g", m->effective, n, ess_ratio);
    cr_assert_leq(m->p_met_low, post);
    cr_assert_geq(m->p_met_high, post);
    dp_measures_free(m, nm);
    th_run_free(&r);
    dp_scenario_free(s);
}

/*
 * Killed and wounded reported separately, on a later day, with returns:
 * a trajectory's figures are those at the end of the observation day. With
 * wounded_per_killed fixed at 1, each casualty is killed with probability
 * 1/2; reporting 0 killed and 40 wounded after 4 days of Poisson(10)
 * casualties is very unlikely, so the effective size drops far below n,
 * while reporting the expected 20 and 20 keeps most of it.
 */
Test(observations, killed_and_wounded_figures)
{
    const char *base =
        "start: 2025-01-01\nhorizon: 20\nforce:\n  initial: 1000\n"
        "casualties:\n  per_day: 10\n  wounded_per_killed: 1\n"
        "observations:\n  - day: 4\n    killed: %d\n    wounded: %d\n    error: 0.1\n";
    double ess[2];
    int figures[2][2] = {{20, 20}, {0, 40}};
    for (int k = 0; k < 2; k++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml, base, figures[k][0], figures[k][1]);
        dp_scenario *s = th_load(yaml);
        th_run r;
        cr_assert_eq(dp_model_init(&r.m, s), 0);
        cr_assert_eq(dp_accum_init(&r.a, &r.m, true), 0);
        dp_run run = {.first = 0, .n = 20000, .seed = 3, .threads = 1};
        cr_assert_eq(dp_engine_run(&r.m, &run, &r.a), 0);
        ess[k] = dp_stats_ess(r.a.mass, r.a.mass2, r.a.unit) / 20000;
        th_run_free(&r);
        dp_scenario_free(s);
    }
    cr_assert_gt(ess[0], 0.3, "the expected figures keep most trajectories: %g", ess[0]);
    cr_assert_lt(ess[1], 0.01, "0 killed of 40 is nearly impossible: %g", ess[1]);
}

/* Weights are the same for any number of threads (integer masses). */
Test(observations, weighted_run_independent_of_threads)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 60\nforce:\n  initial: 2000\n"
        "casualties:\n  per_day: 10 to 40\nreturn_to_duty:\n  fraction: 0.3\n  delay: 5 to 15\n"
        "observations:\n  - {day: 10, casualties: 200}\n  - {day: 20, strength: 1600}\n");
    th_run a, b;
    cr_assert_eq(dp_model_init(&a.m, s), 0);
    cr_assert_eq(dp_model_init(&b.m, s), 0);
    cr_assert_eq(dp_accum_init(&a.a, &a.m, true), 0);
    cr_assert_eq(dp_accum_init(&b.a, &b.m, true), 0);
    dp_run r1 = {.n = 10000, .seed = 5, .threads = 1}, r2 = {.n = 10000, .seed = 5, .threads = 2};
    cr_assert_eq(dp_engine_run(&a.m, &r1, &a.a), 0);
    cr_assert_eq(dp_engine_run(&b.m, &r2, &b.a), 0);
    cr_assert(a.a.mass == b.a.mass && a.a.mass2 == b.a.mass2);
    cr_assert_eq(memcmp(a.a.met, b.a.met, (size_t)61 * a.a.n_levels * sizeof *a.a.met), 0);
    cr_assert(a.a.mass < (dp_u128)10000 * a.a.unit, "weights below 1");
    th_run_free(&a);
    th_run_free(&b);
    dp_scenario_free(s);
}
