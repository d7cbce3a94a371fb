/*
 * test_precision.c - the stopping rule of --precision: hand-made figures
 * for each branch of the rule, then the rule on a real accumulator, which
 * must agree with the figures the report writes and leave the accumulator
 * able to take more trajectories.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include "dp_precision.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }

TestSuite(precision, .init = setup);

static dp_measure measure(double p_met_high, dp_pct_figure *f, size_t n)
{
    return (dp_measure){.measure = "strength", .level = "0", .p_met = p_met_high,
                        .p_met_high = p_met_high, .n_pct = n, .pct = f};
}

/* Both sides within DAYS, inclusive (catches < for <=, or checking only
 * the total width). */
Test(precision, reached_within_days_each_side)
{
    dp_pct_figure f = {50, 100, 98, 102};
    dp_measure m = measure(1, &f, 1);
    cr_assert(dp_precision_settled(&m, &f, 2));
    cr_assert(!dp_precision_settled(&m, &f, 1.5));
    f = (dp_pct_figure){50, 100, 99, 103};   /* 4 wide but 3 above */
    cr_assert(!dp_precision_settled(&m, &f, 2), "each side counts, not the width / 2");
    f = (dp_pct_figure){50, 100, 97, 100};
    cr_assert(!dp_precision_settled(&m, &f, 2), "the lower side counts too");
    f = (dp_pct_figure){50, 100, 100, 100};
    cr_assert(dp_precision_settled(&m, &f, 0), "0 days: a one-day interval");
}

/* A missing bound is an interval of unknown width: never settled (catches
 * reading an empty ci_high, day 0, as "day - 0 is small"). */
Test(precision, open_intervals_are_unsettled)
{
    dp_pct_figure f = {95, 360, 358, 0};     /* upper bound beyond the horizon */
    dp_measure m = measure(1, &f, 1);
    cr_assert(!dp_precision_settled(&m, &f, 1000));
    f = (dp_pct_figure){5, 3, 0, 4};         /* too few trajectories for a lower bound */
    cr_assert(!dp_precision_settled(&m, &f, 1000));
}

/* Not reached: settled only when P(met) is surely below p. */
Test(precision, not_reached_settled_when_p_met_surely_below)
{
    dp_pct_figure f = {75, 0, 0, 0};
    dp_measure m = measure(0.74, &f, 1);
    cr_assert(dp_precision_settled(&m, &f, 1));
    m.p_met_high = 0.76;
    cr_assert(!dp_precision_settled(&m, &f, 1), "may yet be reached");
    m.p_met_high = 0.75;
    cr_assert(!dp_precision_settled(&m, &f, 1), "p itself inside the interval");
}

/* Counts over every measure and percentile, and the widest closed side. */
Test(precision, counts_over_measures)
{
    dp_pct_figure a[3] = {{5, 10, 9, 11}, {50, 20, 17, 21}, {95, 0, 0, 0}};
    dp_pct_figure b[2] = {{5, 30, 29, 30}, {50, 40, 39, 0}};
    dp_measure m[2] = {measure(0.5, a, 3), measure(1, b, 2)};
    dp_precision r = dp_precision_of(m, 2, 2);
    cr_assert_eq(r.figures, 5);
    cr_assert_eq(r.unsettled, 2, "a[1] (3 below) and b[1] (open)");
    cr_assert_eq(r.widest, 3);
    r = dp_precision_of(m, 2, 3);
    cr_assert_eq(r.unsettled, 1);
}

static const char *yaml =
    "start: 2025-01-01\nhorizon: 120\nforce:\n  initial: 1000\n"
    "casualties:\n  per_day: 10 to 20\nthresholds:\n  strength: [0.5, 0]\n"
    "  casualties: [2.0]\n";

/* On an accumulator: the check agrees with dp_measures of the finished
 * totals, and leaves the accumulator unfinished, so that more trajectories
 * can be merged and the result equals a single run of the total (catches
 * finishing the running total, which would fold early stops twice). */
Test(precision, check_on_accumulator)
{
    dp_scenario *s = th_load(yaml);
    dp_model m;
    dp_accum a;
    cr_assert_eq(dp_model_init(&m, s), 0);
    cr_assert_eq(dp_accum_init(&a, &m, false), 0);
    dp_run run = {.first = 0, .n = 3000, .seed = 7, .threads = 2};
    cr_assert_eq(dp_engine_run(&m, &run, &a), 0);
    dp_precision pr;
    cr_assert_eq(dp_precision_check(s, &m, &a, 2, &pr), 0);
    cr_assert(!a.finished, "the running total is left unfinished");
    cr_assert_eq(pr.figures, 3 * s->n_percentiles);
    cr_assert_leq(pr.unsettled, 2 * s->n_percentiles,
                  "casualties 2.0 is never reached in 120 days, P(met) = 0: settled");

    run.first = 3000;
    run.n = 5000;
    cr_assert_eq(dp_engine_run(&m, &run, &a), 0);
    cr_assert_eq(dp_precision_check(s, &m, &a, 2, &pr), 0);
    dp_accum_finish(&a);

    th_run one;
    th_simulate(&one, s, 8000, 7, 1);
    dp_result r1 = {s, &a, 7}, r2 = {s, &one.a, 7};
    size_t n1, n2;
    dp_measure *m1 = dp_measures(&r1, &n1), *m2 = dp_measures(&r2, &n2);
    cr_assert_eq(n1, n2);
    for (size_t l = 0; l < n1; l++)
        for (size_t k = 0; k < m1[l].n_pct; k++) {
            cr_assert_eq(m1[l].pct[k].day, m2[l].pct[k].day);
            cr_assert_eq(m1[l].pct[k].ci_low, m2[l].pct[k].ci_low);
            cr_assert_eq(m1[l].pct[k].ci_high, m2[l].pct[k].ci_high);
        }
    for (size_t i = 0; i < (size_t)(a.H + 1) * (size_t)a.nbins; i++)
        cr_assert_eq(a.fan[i], one.a.fan[i], "fan cell %zu", i);
    dp_precision direct = dp_precision_of(m2, n2, 2);
    cr_assert_eq(direct.unsettled, pr.unsettled, "the check reads the reported figures");
    cr_assert_eq(direct.widest, pr.widest);
    /* casualties 2.0: never reached, P(met) = 0, settled */
    for (size_t k = 0; k < m2[2].n_pct; k++) {
        cr_assert_eq(m2[2].pct[k].day, 0);
        cr_assert(dp_precision_settled(&m2[2], &m2[2].pct[k], 2));
    }
    dp_measures_free(m1, n1);
    dp_measures_free(m2, n2);
    th_run_free(&one);
    dp_accum_free(&a);
    dp_model_free(&m);
    dp_scenario_free(s);
}
