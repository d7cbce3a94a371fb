/*
 * test_engine.c - the parallel engine and the accumulators: the result does
 * not depend on the number of threads, runs split in pieces merge to the
 * whole, and memory does not grow with the number of trajectories.
 */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include "dp_report.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(engine, .init = setup, .timeout = 120);

static const char *scenario =
    "start: 2025-01-01\nhorizon: 120\nforce:\n  initial: uniform(900, 1100)\n"
    "casualties:\n  per_day: 8 to 14\n  dispersion: 3\n  wounded_per_killed: 2 to 4\n"
    "non_battle:\n  per_day: 0.5\n"
    "return_to_duty:\n  fraction: beta(2, 5)\n  delay: 5 to 20\n"
    "phases:\n  - {from: 30, intensity: 'uniform(0, 0.5)'}\n  - {from: 'uniform(50, 60)', intensity: 1}\n"
    "reinforcements:\n  - {day: 'uniform(40, 70)', size: 100 to 300, chance: 0.6}\n"
    "withdrawals:\n  - {day: 45, fraction: 5%, chance: 0.5}\n  - below: 0.2\n"
    "thresholds:\n  strength: [0.5, 0.25]\n  casualties: [0.5, 1.0]\n";

static void assert_same(const dp_accum *x, const dp_accum *y)
{
    size_t days = (size_t)x->H + 1;
    cr_assert_eq(x->n, y->n);
    cr_assert(x->mass == y->mass);
    cr_assert_eq(x->days, y->days);
    cr_assert_eq(memcmp(x->met, y->met, x->n_levels * days * sizeof *x->met), 0);
    cr_assert_eq(memcmp(x->fan, y->fan, days * (size_t)x->nbins * sizeof *x->fan), 0);
}

/* 1, 2 and 3 threads (blocks handed out in different orders) and a second
 * run with the same seed give identical accumulators. */
Test(engine, independent_of_threads)
{
    dp_scenario *s = th_load(scenario);
    th_run r1, r2, r3, r4;
    th_simulate(&r1, s, 10000, 99, 1);
    th_simulate(&r2, s, 10000, 99, 2);
    th_simulate(&r3, s, 10000, 99, 3);
    th_simulate(&r4, s, 10000, 99, 2);
    assert_same(&r1.a, &r2.a);
    assert_same(&r1.a, &r3.a);
    assert_same(&r2.a, &r4.a);
    /* and a different seed differs */
    th_run r5;
    th_simulate(&r5, s, 10000, 100, 2);
    cr_assert_neq(memcmp(r1.a.met, r5.a.met, r1.a.n_levels * 121 * sizeof *r1.a.met), 0);
    th_run_free(&r1); th_run_free(&r2); th_run_free(&r3); th_run_free(&r4); th_run_free(&r5);
    dp_scenario_free(s);
}

/* Fixed daily means in phases of random length: whether a Poisson table is
 * used must depend on the trajectory alone, never on a table that an
 * earlier trajectory left in the thread's cache (a bug once: cached tables
 * were used even where the trajectory would have chosen PTRS). */
Test(engine, fixed_means_independent_of_threads)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 200\nforce:\n  initial: 3000\n"
        "casualties:\n  per_day: 30\nnon_battle:\n  per_day: 1\n"
        "return_to_duty:\n  fraction: 0.3\n  delay: 5 to 20\n"
        "phases:\n  - {from: 'uniform(2, 60)', intensity: 0.5}\n"
        "  - {from: 'uniform(61, 120)', intensity: 1}\n");
    th_run r1, r2, r3;
    th_simulate(&r1, s, 20000, 9, 1);
    th_simulate(&r2, s, 20000, 9, 2);
    th_simulate(&r3, s, 20000, 9, 3);
    assert_same(&r1.a, &r2.a);
    assert_same(&r1.a, &r3.a);
    th_run_free(&r1); th_run_free(&r2); th_run_free(&r3);
    dp_scenario_free(s);
}

/* Trajectories 0..n-1 in two pieces (as two processes would run them),
 * merged, equal the whole run: trajectory i depends only on (seed, i). */
Test(engine, pieces_merge_to_the_whole)
{
    dp_scenario *s = th_load(scenario);
    th_run whole;
    th_simulate(&whole, s, 5000, 4, 2);
    dp_model m;
    dp_accum a, b;
    cr_assert_eq(dp_model_init(&m, s), 0);
    cr_assert_eq(dp_accum_init(&a, &m, false), 0);
    cr_assert_eq(dp_accum_init(&b, &m, false), 0);
    dp_run r1 = {.first = 0, .n = 1234, .seed = 4, .threads = 1};
    dp_run r2 = {.first = 1234, .n = 5000 - 1234, .seed = 4, .threads = 2};
    cr_assert_eq(dp_engine_run(&m, &r1, &a), 0);
    cr_assert_eq(dp_engine_run(&m, &r2, &b), 0);
    cr_assert_eq(dp_accum_merge(&a, &b), 0);
    dp_accum_finish(&a);
    assert_same(&a, &whole.a);
    dp_accum_free(&a);
    dp_accum_free(&b);
    dp_model_free(&m);
    th_run_free(&whole);
    dp_scenario_free(s);
}

/* merge refuses accumulators of another shape, and finished ones. */
Test(engine, merge_refuses_other_shapes)
{
    dp_scenario *s = th_load(scenario);
    dp_scenario *t = th_load("start: 2025-01-01\nhorizon: 50\nforce:\n  initial: 10\n"
                             "casualties:\n  per_day: 1\n");
    dp_model ms, mt;
    dp_accum as, at, aw;
    cr_assert_eq(dp_model_init(&ms, s), 0);
    cr_assert_eq(dp_model_init(&mt, t), 0);
    cr_assert_eq(dp_accum_init(&as, &ms, false), 0);
    cr_assert_eq(dp_accum_init(&at, &mt, false), 0);
    cr_assert_eq(dp_accum_init(&aw, &ms, true), 0);
    cr_assert_eq(dp_accum_merge(&as, &at), -1);
    cr_assert_eq(dp_accum_merge(&as, &aw), -1, "weighted and unweighted differ");
    dp_accum_finish(&at);
    cr_assert_eq(dp_accum_merge(&at, &at), -1);
    dp_accum_free(&as); dp_accum_free(&at); dp_accum_free(&aw);
    dp_model_free(&ms); dp_model_free(&mt);
    dp_scenario_free(s);
    dp_scenario_free(t);
}

/* The accumulator's size depends on the horizon and levels only, and stays
 * small even for a 100-year horizon. */
Test(engine, memory_bounded)
{
    dp_scenario *s = th_load("start: 2025-01-01\nhorizon: 36500\nforce:\n  initial: 1000000\n"
                             "casualties:\n  per_day: 10\n");
    dp_model m;
    dp_accum a;
    cr_assert_eq(dp_model_init(&m, s), 0);
    cr_assert_eq(dp_accum_init(&a, &m, false), 0);
    size_t bytes = (size_t)(a.H + 1) * (size_t)a.nbins * 8 + (a.n_levels + 1) * (size_t)(a.H + 1) * 8;
    cr_assert_lt(bytes, 16u << 20, "%zu bytes", bytes);
    dp_accum_free(&a);
    dp_model_free(&m);
    dp_scenario_free(s);
}

/* Strength bins: exact when the force is small (bin width 1), and 0 is a bin
 * of its own whatever the width. */
Test(engine, strength_bins)
{
    dp_scenario *s = th_load("start: 2025-01-01\nhorizon: 30\nforce:\n  initial: 1000\n"
                             "casualties:\n  per_day: 0\n");
    th_run r;
    th_simulate(&r, s, 100, 1, 1);
    cr_assert_eq(r.a.shift, 0);
    cr_assert_eq(dp_strength_percentile(&r.a, 30, 50), 1000);
    th_run_free(&r);
    dp_scenario_free(s);
    s = th_load("start: 2025-01-01\nhorizon: 30\nforce:\n  initial: 1000000\n"
                "casualties:\n  per_day: 0\n");
    th_simulate(&r, s, 100, 1, 1);
    cr_assert_gt(r.a.shift, 0);
    int64_t v = dp_strength_percentile(&r.a, 30, 50);
    cr_assert_leq(llabs(v - 1000000), (1 << r.a.shift) / 2);
    cr_assert_eq(dp_accum_bin_lo(&r.a, 0), 0);
    cr_assert_eq(dp_accum_bin_hi(&r.a, 0), 0);
    th_run_free(&r);
    dp_scenario_free(s);
}
