/*
 * test_params.c - the once-per-trajectory draws (SPEC 1.1): a value drawn
 * outside its field's domain is drawn again from the distribution
 * conditioned on the domain - never clipped - by each of the three ways
 * (direct, rejection, inverse CDF), and counts and days are rounded.
 */
#include <math.h>
#include <stdlib.h>
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include "dp_params.h"
#include "dp_rng.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(params, .init = setup, .timeout = 60);

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Draws n values of param `path` and returns them sorted. */
static double *draw_sorted(const char *yaml, const char *path, int n, int *how)
{
    dp_scenario *s = th_load(yaml);
    int idx = dp_scenario_param(s, path);
    cr_assert_neq(idx, DP_NONE, "%s", path);
    dp_draw *d = calloc(s->n_params, sizeof *d);
    double *v = calloc(2 * s->n_params, sizeof *v), *x = malloc((size_t)n * sizeof *x);
    cr_assert(d && v && x);
    cr_assert_eq(dp_params_compile(s, d), 0);
    *how = d[idx].how;
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    for (int i = 0; i < n; i++) {
        dp_rng_stream(dp_rng_state(r), 17, (uint64_t)i);
        dp_params_draw(s, d, r, v, v + s->n_params, NULL);
        x[i] = v[idx];
    }
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    gsl_rng_free(r);
    dp_params_free(d, s->n_params);
    free(d);
    free(v);
    dp_scenario_free(s);
    return x;
}

/* Kolmogorov-Smirnov distance of sorted x to F. */
static double ks(const double *x, int n, double (*F)(double))
{
    double dmax = 0;
    for (int i = 0; i < n; i++) {
        double f = F(x[i]);
        dmax = fmax(dmax, fmax(fabs(f - (double)i / n), fabs((double)(i + 1) / n - f)));
    }
    return dmax;
}

/* 1e-7 failure level: sqrt(ln(2e7) / (2n)) (DKW) */
static double ks_limit(int n) { return sqrt(log(2e7) / (2.0 * n)); }

/* normal(5, 10) on [0, inf): 69% inside, so rejection; the law must be the
 * normal conditioned on x >= 0. Clipping (a point mass at 0) or drawing
 * from the plain normal fails by far. */
static double trunc_normal_5_10(double x)
{
    double lo = gsl_cdf_gaussian_P(-5, 10);
    return (gsl_cdf_gaussian_P(x - 5, 10) - lo) / (1 - lo);
}

Test(params, rejection_conditions_on_domain)
{
    int how, n = 200000;
    double *x = draw_sorted("start: 2025-01-01\nforce:\n  initial: 100\ncasualties:\n"
                            "  per_day: normal(5, 10)\n", "casualties.per_day", n, &how);
    cr_assert_eq(how, DP_DRAW_REJECT);
    cr_assert_geq(x[0], 0);
    cr_assert_lt(ks(x, n, trunc_normal_5_10), ks_limit(n));
    free(x);
}

/* normal(-20, 10) on [0, inf): 2.3% inside, so inverse CDF over
 * [F(0), 1]. */
static double trunc_normal_m20_10(double x)
{
    double lo = gsl_cdf_gaussian_P(20, 10);
    return (gsl_cdf_gaussian_P(x + 20, 10) - lo) / (1 - lo);
}

Test(params, inverse_cdf_conditions_on_domain)
{
    int how, n = 200000;
    double *x = draw_sorted("start: 2025-01-01\nforce:\n  initial: 100\ncasualties:\n"
                            "  per_day: normal(-20, 10)\n", "casualties.per_day", n, &how);
    cr_assert_eq(how, DP_DRAW_INVERSE);
    cr_assert_geq(x[0], 0);
    cr_assert_lt(ks(x, n, trunc_normal_m20_10), ks_limit(n));
    free(x);
}

/* A fraction from beta(2, 5): support inside [0, 1], drawn directly. */
static double beta_2_5(double x) { return gsl_cdf_beta_P(x, 2, 5); }

Test(params, direct_draw)
{
    int how, n = 100000;
    double *x = draw_sorted("start: 2025-01-01\nforce:\n  initial: 100\ncasualties:\n"
                            "  rate: beta(2, 5)\n", "casualties.rate", n, &how);
    cr_assert_eq(how, DP_DRAW_DIRECT);
    cr_assert_lt(ks(x, n, beta_2_5), ks_limit(n));
    free(x);
}

/* discrete with a value outside [0, 1]: only the values inside, weights
 * renormalised (1/3 and 2/3), never the clipped value 1. */
Test(params, discrete_outside_domain)
{
    int how, n = 30000;
    double *x = draw_sorted("start: 2025-01-01\nforce:\n  initial: 100\ncasualties:\n"
                            "  per_day: 5\nreinforcements:\n"
                            "  - day: 3\n    size: 10\n    chance: 'discrete([0.2, 1.5, 0.6], [1, 5, 2])'\n",
                            "reinforcements.0.chance", n, &how);
    int n02 = 0;
    for (int i = 0; i < n; i++) {
        cr_assert(x[i] == 0.2 || x[i] == 0.6, "drew %g", x[i]);
        n02 += x[i] == 0.2;
    }
    double p = 1.0 / 3, z = (n02 - n * p) / sqrt(n * p * (1 - p));
    cr_assert_lt(fabs(z), 5.5);
    free(x);
}

/* Counts are rounded half away from zero after the draw: uniform(0.5, 2.5)
 * gives 1 and 2 with probability 1/2 each (and 3 never: 2.5 has measure 0). */
Test(params, counts_rounded)
{
    int how, n = 40000;
    double *x = draw_sorted("start: 2025-01-01\nforce:\n  initial: uniform(0.5, 2.5)\n"
                            "casualties:\n  per_day: 5\n", "force.initial", n, &how);
    int ones = 0;
    for (int i = 0; i < n; i++) {
        cr_assert(x[i] == 1 || x[i] == 2, "drew %g", x[i]);
        ones += x[i] == 1;
    }
    cr_assert_lt(fabs(ones - n / 2.0) / sqrt(n / 4.0), 5.5);
    free(x);
    cr_assert_eq(dp_round(2.5), 3);
    cr_assert_eq(dp_round(-2.5), -3);
    cr_assert_eq(dp_round(1e300), 1e15);
    cr_assert_eq(dp_round(NAN), -1e15);
}

/* Without correlations no param goes through the copula, nothing is
 * allocated and the scratch is never touched (so a scenario without
 * correlations draws the numbers it always did). */
Test(params, no_correlations_no_copula)
{
    dp_scenario *s = th_load("start: 2025-01-01\nforce:\n  initial: uniform(900, 1100)\n"
                             "casualties:\n  per_day: 70 to 120\n  dispersion: normal(5, 4)\n"
                             "  wounded_per_killed: gamma(2, 3)\n");
    size_t np = s->n_params;
    dp_draw *d = calloc(np, sizeof *d);
    double *v = calloc(2 * np, sizeof *v);
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    cr_assert(d && v && r);
    cr_assert_eq(dp_params_compile(s, d), 0);
    for (size_t i = 0; i < np; i++) {
        cr_assert_neq(d[i].how, DP_DRAW_COPULA, "%s", s->params[i].path);
        cr_assert_null(d[i].row);
    }
    for (size_t i = 0; i < np; i++) v[np + i] = 12345;
    for (int i = 0; i < 100; i++) {
        dp_rng_stream(dp_rng_state(r), 3, (uint64_t)i);
        dp_params_draw(s, d, r, v, v + np, NULL);
    }
    for (size_t i = 0; i < np; i++) cr_assert_eq(v[np + i], 12345);
    dp_params_free(d, np);
    dp_params_free(d, np);   /* twice is harmless */
    gsl_rng_free(r);
    free(d);
    free(v);
    dp_scenario_free(s);
}
