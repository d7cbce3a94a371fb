/*
 * test_sensitivity.c - first-order variance shares and tenth medians on
 * cases with a known answer.
 */
#include <math.h>
#include <string.h>
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include "dp_report.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(sensitivity, .init = setup, .timeout = 120);

static const dp_sensitivity *find(const dp_sensitivity *x, size_t n, const char *param,
                                  size_t level)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(x[i].param, param) && x[i].level == level) return &x[i];
    cr_assert_fail("no sensitivity row for %s", param);
    return NULL;
}

/*
 * The day the whole force is hit depends on the initial strength alone
 * (N0 ~ uniform(1000, 2000) at 100 a day, T ~ N0 / 100): its share is
 * nearly all the variance (Poisson noise and whole days take a little),
 * the wounded-per-killed ratio's is nearly 0; the lowest tenth of N0
 * (1000..1100) is met around day 11, the highest (1900..2000) around day 20.
 * Catches bins keyed to the wrong param, shares of the wrong level, or
 * tenths swapped.
 */
Test(sensitivity, one_parameter_decides)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 60\nforce:\n  initial: uniform(1000, 2000)\n"
        "casualties:\n  per_day: 100\n  wounded_per_killed: uniform(1, 5)\n"
        "thresholds:\n  strength: []\n  casualties: [1.0]\n");
    th_run r;
    th_simulate(&r, s, 100000, 2, 2);
    dp_result res = {s, &r.a, 2};
    size_t n;
    dp_sensitivity *x = dp_sensitivities(&res, &n);
    cr_assert_eq(n, 2);
    const dp_sensitivity *a = find(x, n, "force.initial", 0);
    const dp_sensitivity *b = find(x, n, "casualties.wounded_per_killed", 0);
    cr_assert(a->first_order > 0.95 && a->first_order <= 1.0, "%g", a->first_order);
    cr_assert_lt(b->first_order, 0.005, "%g", b->first_order);
    cr_assert(a->low_median >= 10 && a->low_median <= 12, "%d", a->low_median);
    cr_assert(a->high_median >= 19 && a->high_median <= 21, "%d", a->high_median);
    free(x);
    th_run_free(&r);
    dp_scenario_free(s);
}

/*
 * T ~ N0 / rate with N0 ~ uniform(1000, 2000) and rate ~ uniform(100, 200):
 * Var E[T | N0] = (ln 2 / 100)^2 Var N0 = 4.00 and Var E[T | rate] =
 * 1500^2 Var(1/rate) = 4.39, of Var T = 8.56 (plus a little noise): shares
 * 0.47 and 0.51, the faster rate's tenth met earlier.
 */
Test(sensitivity, two_parameters_in_known_ratio)
{
    dp_scenario *s = th_load(
        "start: 2025-01-01\nhorizon: 60\nforce:\n  initial: uniform(1000, 2000)\n"
        "casualties:\n  per_day: uniform(100, 200)\n"
        "thresholds:\n  strength: []\n  casualties: [1.0]\n");
    th_run r;
    th_simulate(&r, s, 200000, 3, 2);
    dp_result res = {s, &r.a, 3};
    size_t n;
    dp_sensitivity *x = dp_sensitivities(&res, &n);
    const dp_sensitivity *a = find(x, n, "force.initial", 0);
    const dp_sensitivity *b = find(x, n, "casualties.per_day", 0);
    double var_t = 2.333333e6 * 5e-5 - pow(1500 * log(2) / 100, 2);
    double sa = pow(log(2) / 100, 2) * 1e6 / 12 / var_t;
    double sb = 1500.0 * 1500 * (5e-5 - pow(log(2) / 100, 2)) / var_t;
    cr_assert_lt(fabs(a->first_order - sa), 0.05, "N0 share %g, expected ~%g", a->first_order, sa);
    cr_assert_lt(fabs(b->first_order - sb), 0.05, "rate share %g, expected ~%g", b->first_order, sb);
    cr_assert_lt(b->high_median, b->low_median, "a faster rate depletes earlier");
    cr_assert_gt(a->high_median, a->low_median, "a larger force lasts longer");
    free(x);
    th_run_free(&r);
    dp_scenario_free(s);
}
