/*
 * test_copula.c - correlated params through a Gaussian copula (SPEC 2.4):
 * the achieved Spearman rank correlation is the one asked for, between
 * marginals of every kind (continuous, conditioned on a domain, discrete);
 * each marginal stays what it was; correlations that have no effect (with
 * a fixed param) change no draw; a matrix that is not positive definite is
 * a load error at the pairs to revisit.
 *
 * Tolerances. The sample Spearman r_s of n draws has standard deviation
 * close to (1 - rho^2) sqrt((1 + rho^2 / 2) / (n - 3)) (Bonett and Wright,
 * Psychometrika 65, 2000); spearman_sd() adds 10% on top. Checked by hand
 * with 3,000 to 4,000 replications of 2,000 draws for every pair here, ties
 * included: the observed sd was 0.95 to 1.02 times the formula. A check
 * fails beyond 5.5 of those sds: less than once in 10^7 per check for a
 * correct copula. With the n below, a copula that forgets the conversion
 * (Pearson r used as the normal correlation instead of 2 sin(pi r / 6)) is
 * 8 to 17 such sds off in every test of an achieved correlation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include "dp_params.h"
#include "dp_rng.h"
#include "helpers.h"

static void setup(void) { gsl_set_error_handler_off(); }
TestSuite(copula, .init = setup, .timeout = 120);

#define N_DRAWS 300000
#define Z_FAIL 5.5

/* ---- drawing and measuring ---- */

/* n draws of the params at idx[0..m-1]: out[j][i] is draw i of idx[j]. */
static void draw_n(const dp_scenario *s, const dp_draw *d, int n, const int *idx, int m,
                   double **out)
{
    double *v = calloc(2 * s->n_params, sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    cr_assert_not_null(r);
    for (int i = 0; i < n; i++) {
        dp_rng_stream(dp_rng_state(r), 29, (uint64_t)i);
        dp_params_draw(s, d, r, v, v + s->n_params, NULL);
        for (int j = 0; j < m; j++) out[j][i] = v[idx[j]];
    }
    gsl_rng_free(r);
    free(v);
}

typedef struct keyed { double v; int i; } keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return (x->v > y->v) - (x->v < y->v);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ranks from 1, ties given the mean of their ranks. */
static void midranks(const double *x, int n, double *rank)
{
    keyed *k = malloc((size_t)n * sizeof *k);
    cr_assert_not_null(k);
    for (int i = 0; i < n; i++) k[i] = (keyed){x[i], i};
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && k[j + 1].v == k[i].v) j++;
        for (int t = i; t <= j; t++) rank[k[t].i] = (i + j) / 2.0 + 1;
        i = j + 1;
    }
    free(k);
}

/* Spearman's rank correlation: Pearson's of the mid-ranks. */
static double spearman(const double *x, const double *y, int n)
{
    double *rx = malloc((size_t)n * sizeof *rx), *ry = malloc((size_t)n * sizeof *ry);
    cr_assert(rx && ry);
    midranks(x, n, rx);
    midranks(y, n, ry);
    double mean = (n + 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        double a = rx[i] - mean, b = ry[i] - mean;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    free(rx);
    free(ry);
    return sxy / sqrt(sxx * syy);
}

static double spearman_sd(double rho, int n)
{
    return 1.1 * (1 - rho * rho) * sqrt((1 + rho * rho / 2) / (n - 3));
}

static void expect_spearman(const double *x, const double *y, int n, double want,
                            const char *what)
{
    double got = spearman(x, y, n), sd = spearman_sd(want, n);
    cr_log_info("%s: Spearman %.5f, want %.5f (%.1f sd)", what, got, want, (got - want) / sd);
    cr_expect_lt(fabs(got - want), Z_FAIL * sd, "%s: Spearman %.5f, want %.5f (%.1f sd)", what,
                 got, want, (got - want) / sd);
}

/* Kolmogorov-Smirnov distance of x (sorted here) to F; must stay below the
 * DKW bound for failure probability 1e-7. */
static void expect_ks(double *x, int n, double (*F)(double), const char *what)
{
    double *y = malloc((size_t)n * sizeof *y);
    cr_assert_not_null(y);
    memcpy(y, x, (size_t)n * sizeof *y);
    qsort(y, (size_t)n, sizeof *y, cmp_double);
    double dmax = 0;
    for (int i = 0; i < n; i++) {
        double f = F(y[i]);
        dmax = fmax(dmax, fmax(fabs(f - (double)i / n), fabs((double)(i + 1) / n - f)));
    }
    free(y);
    cr_expect_lt(dmax, sqrt(log(2e7) / (2.0 * n)), "%s: KS distance %g", what, dmax);
}

/* Population Spearman (mid-ranks) between a discrete X of cumulative
 * probabilities cum[0..k-1] and a continuous Y drawn by the copula with
 * normal correlation rho: with U = Phi(Z1), V = Phi(Z2), X's mid-cdf g_j on
 * U in (cum[j-1], cum[j]], E[V | Z1 = z] = Phi(rho z / sqrt(2 - rho^2)),
 * Cov(g(X), V) = sum_j g_j E[V; U in cell j] - 1/4, Var g(X) = (1 -
 * sum p_j^3) / 12 and Var V = 1/12. */
static double cond_v(double u, void *rho)
{
    double r = *(double *)rho;
    return gsl_cdf_ugaussian_P(r * gsl_cdf_ugaussian_Pinv(u) / sqrt(2 - r * r));
}

static double spearman_discrete(const double *cum, int k, double rho)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    cr_assert_not_null(ws);
    gsl_function f = {cond_v, &rho};
    double cov = -0.25, p3 = 0, prev = 0;
    for (int j = 0; j < k; j++) {
        double part, abserr, p = cum[j] - prev;
        cr_assert_eq(gsl_integration_qags(&f, prev, cum[j], 1e-13, 1e-11, 1000, ws, &part,
                                          &abserr), GSL_SUCCESS);
        cov += (prev + cum[j]) / 2 * part;
        p3 += p * p * p;
        prev = cum[j];
    }
    gsl_integration_workspace_free(ws);
    return cov / sqrt((1 - p3) / 12 / 12);
}

/* The conversion, written here again so that the expected values do not
 * depend on the code under test. */
static double normal_r(double r) { return 2 * sin(3.14159265358979323846 * r / 6); }

typedef struct setup_t {
    dp_scenario *s;
    dp_draw *d;
} setup_t;

static setup_t compile(const char *yaml)
{
    setup_t t = {th_load(yaml), NULL};
    t.d = calloc(t.s->n_params, sizeof *t.d);
    cr_assert_not_null(t.d);
    cr_assert_eq(dp_params_compile(t.s, t.d), 0);
    return t;
}

static void release(setup_t *t)
{
    dp_params_free(t->d, t->s->n_params);
    free(t->d);
    dp_scenario_free(t->s);
}

static int param(const setup_t *t, const char *path)
{
    int i = dp_scenario_param(t->s, path);
    cr_assert_neq(i, DP_NONE, "%s", path);
    return i;
}

#define HEAD "start: 2025-01-01\nforce:\n  initial: 1000\n"

/* ---- the conversion ---- */

/* 2 sin(pi r / 6): r = 0.5 is 0.5176 in the normals; +-1 stays exactly +-1
 * (so that the matrix is singular, not barely positive definite). */
Test(copula, spearman_to_pearson)
{
    cr_assert_float_eq(dp_copula_rho(0.5), 0.51763809020504152, 1e-15);
    cr_assert_float_eq(dp_copula_rho(-0.3), -0.31286893008046174, 1e-15);
    cr_assert_eq(dp_copula_rho(0), 0);
    cr_assert_eq(dp_copula_rho(1), 1);
    cr_assert_eq(dp_copula_rho(-1), -1);
}

/* ---- achieved rank correlations, marginals intact ---- */

/* Mutations tried by hand once each:
 *  - dp_copula_rho returning r itself (the conversion forgotten): every test
 *    of an achieved correlation failed: uniform_vs_lognormal by 11.2 sds,
 *    beta_vs_gamma 17.1, discrete_vs_conditioned_normal 8.9,
 *    pert_vs_lognormal 17.2, three_params_and_bystanders 12.8, 10.3 and 8.3
 *    (through_the_model, 20,000 draws, only checks the wiring; nearly_one
 *    cannot tell);
 *  - the copula's u not mapped into [F(lo), F(hi)] (domain conditioning
 *    forgotten): discrete_vs_conditioned_normal failed;
 *  - the rows of L read from the upper triangle (the matrix as given):
 *    three_params_and_bystanders failed (with two params they coincide). */

/* uniform against `a to b` (lognormal), r = -0.3 (the conversion is 0.013
 * there: 600,000 draws make it 9 sds); the pair written in the reverse of
 * param order. Catches a wrong conversion, a transposed factor
 * (the marginals break: y has variance 1 + rho^2) or rows and slots mixed. */
static double F_uniform(double x) { return fmin(1, fmax(0, (x - 0.1) / 0.4)); }
static double F_70_to_120(double x)
{
    double mu = (log(70) + log(120)) / 2, sigma = (log(120) - log(70)) / (2 * 1.6448536269514722);
    return gsl_cdf_lognormal_P(x, mu, sigma);
}

Test(copula, uniform_vs_lognormal)
{
    setup_t t = compile(HEAD "casualties:\n  per_day: 70 to 120\n"
                             "return_to_duty:\n  fraction: uniform(0.1, 0.5)\n  delay: 10\n"
                             "correlations:\n  - [return_to_duty.fraction, casualties.per_day, -0.3]\n");
    int idx[2] = {param(&t, "return_to_duty.fraction"), param(&t, "casualties.per_day")};
    cr_assert_eq(t.d[idx[0]].how, DP_DRAW_COPULA);
    cr_assert_eq(t.d[idx[1]].how, DP_DRAW_COPULA);
    int n = 2 * N_DRAWS;
    double *x[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    draw_n(t.s, t.d, n, idx, 2, x);
    expect_spearman(x[0], x[1], n, -0.3, "uniform vs a to b");
    expect_ks(x[0], n, F_uniform, "uniform(0.1, 0.5)");
    expect_ks(x[1], n, F_70_to_120, "70 to 120");
    free(x[0]);
    free(x[1]);
    release(&t);
}

/* beta against gamma, r = -0.8. */
static double F_beta_2_200(double x) { return gsl_cdf_beta_P(x, 2, 200); }
static double F_gamma_2_3(double x) { return gsl_cdf_gamma_P(x, 2, 3); }

Test(copula, beta_vs_gamma)
{
    setup_t t = compile(HEAD "casualties:\n  rate: beta(2, 200)\n  wounded_per_killed: gamma(2, 3)\n"
                             "correlations:\n  - [casualties.rate, casualties.wounded_per_killed, -0.8]\n");
    int idx[2] = {param(&t, "casualties.rate"), param(&t, "casualties.wounded_per_killed")};
    int n = N_DRAWS;
    double *x[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    draw_n(t.s, t.d, n, idx, 2, x);
    expect_spearman(x[0], x[1], n, -0.8, "beta vs gamma");
    expect_ks(x[0], n, F_beta_2_200, "beta(2, 200)");
    expect_ks(x[1], n, F_gamma_2_3, "gamma(2, 3)");
    free(x[0]);
    free(x[1]);
    release(&t);
}

/* A discrete param with a value outside its domain against a normal with a
 * quarter of its mass outside, r = 0.4: both conditioned on their domains
 * under the copula (the discrete one renormalised among 1, 2, 4; the
 * normal by inverse CDF over [F(0), 1]). With ties the rank correlation is
 * below r: the expected value is computed exactly (spearman_discrete).
 * Catches conditioning forgotten (-1 drawn, or the normal clipped at 0)
 * and the discrete quantile taken at u rather than inside [ulo, uhi]. */
static double F_normal_2_3_pos(double x)
{
    double lo = gsl_cdf_gaussian_P(-2, 3);
    return x < 0 ? 0 : (gsl_cdf_gaussian_P(x - 2, 3) - lo) / (1 - lo);
}

Test(copula, discrete_vs_conditioned_normal)
{
    setup_t t = compile(HEAD "casualties:\n  per_day: normal(2, 3)\n"
                             "non_battle:\n  per_day: 'discrete([-1, 1, 2, 4], [1, 2, 3, 4])'\n"
                             "correlations:\n  - [non_battle.per_day, casualties.per_day, 0.4]\n");
    int idx[2] = {param(&t, "non_battle.per_day"), param(&t, "casualties.per_day")};
    int n = 2 * N_DRAWS;   /* ties blunt the conversion's effect: 0.013 */
    double *x[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    draw_n(t.s, t.d, n, idx, 2, x);
    const double vals[3] = {1, 2, 4}, cum[3] = {2.0 / 9, 5.0 / 9, 1};
    double want = spearman_discrete(cum, 3, normal_r(0.4));
    cr_assert(want > 0.33 && want < 0.38, "ties lower it: %g", want);
    expect_spearman(x[0], x[1], n, want, "discrete vs normal on [0, inf)");
    int count[3] = {0};
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < 3 && x[0][i] != vals[j]) j++;
        cr_assert_lt(j, 3, "drew %g", x[0][i]);
        count[j]++;
    }
    for (int j = 0; j < 3; j++) {
        double p = cum[j] - (j ? cum[j - 1] : 0);
        double z = (count[j] - n * p) / sqrt(n * p * (1 - p));
        cr_expect_lt(fabs(z), Z_FAIL, "value %g: %d draws, z = %.1f", vals[j], count[j], z);
    }
    expect_ks(x[1], n, F_normal_2_3_pos, "normal(2, 3) on [0, inf)");
    free(x[0]);
    free(x[1]);
    release(&t);
}

/* The formula of spearman_discrete tends to rho_s when the discrete law
 * becomes continuous (many small equal cells). */
Test(copula, spearman_discrete_formula)
{
    enum { K = 400 };
    double cum[K];
    for (int j = 0; j < K; j++) cum[j] = (j + 1.0) / K;
    cum[K - 1] = 1;
    cr_assert_float_eq(spearman_discrete(cum, K, normal_r(0.6)), 0.6, 1e-4);
}

/* pert against lognormal, r = 0.9 (a strong correlation, where the
 * conversion matters least: 0.009). */
static double F_pert_1_4_20(double x)
{
    return gsl_cdf_beta_P((x - 1) / 19, 1 + 4.0 * 3 / 19, 1 + 4.0 * 16 / 19);
}
static double F_lognormal_3_05(double x) { return gsl_cdf_lognormal_P(x, 3, 0.5); }

Test(copula, pert_vs_lognormal)
{
    setup_t t = compile(HEAD "casualties:\n  per_day: lognormal(3, 0.5)\n  dispersion: pert(1, 4, 20)\n"
                             "correlations:\n  - [casualties.dispersion, casualties.per_day, 0.9]\n");
    int idx[2] = {param(&t, "casualties.dispersion"), param(&t, "casualties.per_day")};
    int n = N_DRAWS;
    double *x[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    draw_n(t.s, t.d, n, idx, 2, x);
    expect_spearman(x[0], x[1], n, 0.9, "pert vs lognormal");
    expect_ks(x[0], n, F_pert_1_4_20, "pert(1, 4, 20)");
    expect_ks(x[1], n, F_lognormal_3_05, "lognormal(3, 0.5)");
    free(x[0]);
    free(x[1]);
    release(&t);
}

/* Three correlated params (the factor mixes all three: a row of L applied
 * to the wrong z, or L filled from the wrong triangle, breaks some pair)
 * and two that are not: those keep their own draw and stay independent of
 * the others. A rounded count among the correlated ones keeps its ties. */
Test(copula, three_params_and_bystanders)
{
    setup_t t = compile("start: 2025-01-01\nforce:\n  initial: uniform(900.5, 1100.5)\n"
                        "casualties:\n  per_day: 70 to 120\n  wounded_per_killed: triangular(1, 3, 9)\n"
                        "non_battle:\n  per_day: uniform(0, 4)\n"
                        "return_to_duty:\n  fraction: beta(2, 6)\n  delay: 10\n"
                        "correlations:\n"
                        "  - [casualties.per_day, casualties.wounded_per_killed, 0.6]\n"
                        "  - [return_to_duty.fraction, casualties.per_day, -0.5]\n"
                        "  - [casualties.wounded_per_killed, return_to_duty.fraction, -0.4]\n");
    int idx[5] = {param(&t, "casualties.per_day"), param(&t, "casualties.wounded_per_killed"),
                  param(&t, "return_to_duty.fraction"), param(&t, "force.initial"),
                  param(&t, "non_battle.per_day")};
    for (int j = 0; j < 3; j++) cr_assert_eq(t.d[idx[j]].how, DP_DRAW_COPULA);
    cr_assert_eq(t.d[idx[3]].how, DP_DRAW_DIRECT);
    cr_assert_eq(t.d[idx[4]].how, DP_DRAW_DIRECT);
    cr_assert_null(t.d[idx[3]].row);
    int n = N_DRAWS;
    double *x[5];
    for (int j = 0; j < 5; j++) cr_assert_not_null(x[j] = malloc(n * sizeof(double)));
    draw_n(t.s, t.d, n, idx, 5, x);
    expect_spearman(x[0], x[1], n, 0.6, "per_day vs wounded_per_killed");
    expect_spearman(x[2], x[0], n, -0.5, "fraction vs per_day");
    expect_spearman(x[1], x[2], n, -0.4, "wounded_per_killed vs fraction");
    for (int j = 0; j < 3; j++) {
        expect_spearman(x[3], x[j], n, 0, "force.initial vs a correlated param");
        expect_spearman(x[4], x[j], n, 0, "non_battle.per_day vs a correlated param");
    }
    expect_ks(x[0], n, F_70_to_120, "70 to 120 among three");
    for (int j = 0; j < 5; j++) free(x[j]);
    release(&t);
}

/* Nearly comonotone (r = 0.999): the factor is nearly singular but fine. */
Test(copula, nearly_one)
{
    setup_t t = compile(HEAD "casualties:\n  per_day: 70 to 120\n  wounded_per_killed: gamma(2, 3)\n"
                             "correlations:\n  - [casualties.per_day, casualties.wounded_per_killed, 0.999]\n");
    int idx[2] = {param(&t, "casualties.per_day"), param(&t, "casualties.wounded_per_killed")};
    int n = 20000;
    double *x[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    draw_n(t.s, t.d, n, idx, 2, x);
    for (int i = 0; i < n; i++) cr_assert(isfinite(x[0][i]) && isfinite(x[1][i]));
    expect_spearman(x[0], x[1], n, 0.999, "r = 0.999");
    free(x[0]);
    free(x[1]);
    release(&t);
}

/* ---- what correlations leave alone ---- */

/* A correlation with a fixed param has no effect: the other param keeps
 * its own sampler, and every draw is the same number as without the
 * correlation (so a scenario without correlations draws as it always did). */
Test(copula, fixed_partner_changes_nothing)
{
    const char *base = HEAD "casualties:\n  per_day: 70 to 120\n  wounded_per_killed: 3\n"
                            "  dispersion: normal(5, 4)\n";
    char with[512];
    snprintf(with, sizeof with, "%scorrelations:\n"
             "  - [casualties.per_day, casualties.wounded_per_killed, 0.7]\n", base);
    setup_t a = compile(base), b = compile(with);
    cr_assert_eq(b.s->n_correlations, 1);
    cr_assert_eq(a.s->n_params, b.s->n_params);
    for (size_t i = 0; i < b.s->n_params; i++) {
        cr_assert_eq(a.d[i].how, b.d[i].how);
        cr_assert_neq(b.d[i].how, DP_DRAW_COPULA);
        cr_assert_null(b.d[i].row);
    }
    size_t np = a.s->n_params;
    double *va = calloc(2 * np, sizeof *va), *vb = calloc(2 * np, sizeof *vb);
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    cr_assert(va && vb && r);
    for (int i = 0; i < 2000; i++) {
        dp_rng_stream(dp_rng_state(r), 5, (uint64_t)i);
        dp_params_draw(a.s, a.d, r, va, va + np, NULL);
        dp_rng_stream(dp_rng_state(r), 5, (uint64_t)i);
        dp_params_draw(b.s, b.d, r, vb, vb + np, NULL);
        cr_assert_eq(memcmp(va, vb, np * sizeof *va), 0, "draw %d differs", i);
    }
    gsl_rng_free(r);
    free(va);
    free(vb);
    release(&a);
    release(&b);
}

/* Through the model: the params a trajectory draws are correlated (the
 * scratch of dp_work is wired), and the run is the same for any number of
 * threads. */
Test(copula, through_the_model)
{
    dp_scenario *s = th_load("start: 2025-01-01\nhorizon: 30\nforce:\n  initial: uniform(1000, 3000)\n"
                             "casualties:\n  per_day: 20 to 60\n"
                             "correlations:\n  - [force.initial, casualties.per_day, 0.7]\n");
    dp_model m;
    dp_work w;
    cr_assert_eq(dp_model_init(&m, s), 0);
    cr_assert_eq(dp_work_init(&w, &m), 0);
    gsl_rng *r = gsl_rng_alloc(dp_rng_type);
    int n = 20000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    cr_assert(r && x && y);
    for (int i = 0; i < n; i++) {
        dp_trajectory(&m, &w, r, 3, (uint64_t)i);
        x[i] = w.v[s->initial];
        y[i] = w.v[s->casualty];
    }
    expect_spearman(x, y, n, 0.7, "force.initial vs per_day in trajectories");
    free(x);
    free(y);
    gsl_rng_free(r);
    dp_work_free(&w);
    dp_model_free(&m);

    th_run one, two;
    th_simulate(&one, s, 5000, 11, 1);
    th_simulate(&two, s, 5000, 11, 2);
    size_t cells = one.a.n_levels * ((size_t)one.a.H + 1);
    cr_assert_eq(memcmp(one.a.met, two.a.met, cells * sizeof *one.a.met), 0);
    cr_assert_eq(memcmp(one.a.fan, two.a.fan,
                        ((size_t)one.a.H + 1) * (size_t)one.a.nbins * sizeof *one.a.fan), 0);
    th_run_free(&one);
    th_run_free(&two);
    dp_scenario_free(s);
}

/* ---- matrices that are not positive definite ---- */

static dp_scenario *load_text(const char *yaml, dp_diags *dg)
{
    char *path = th_write_temp("c.yaml", yaml);
    dp_scenario *s = dp_scenario_load(path, NULL, 0, dg);
    unlink(path);
    *strrchr(path, '/') = '\0';
    rmdir(path);
    free(path);
    return s;
}

static const dp_diag *find_diag(const dp_diags *dg, dp_severity sev, int line, int col)
{
    for (size_t i = 0; i < dg->n; i++)
        if (dg->v[i].sev == sev && dg->v[i].line == line && dg->v[i].col == col)
            return &dg->v[i];
    return NULL;
}

#define FIVE "start: 2025-01-01\nforce:\n  initial: uniform(900, 1100)\n"        \
             "casualties:\n  per_day: 70 to 120\n  dispersion: uniform(2, 8)\n"     \
             "  wounded_per_killed: 2 to 6\nnon_battle:\n  per_day: uniform(0, 4)\n" \
             "return_to_duty:\n  fraction: beta(2, 6)\n  delay: 10\n"
/* FIVE has 12 lines; correlations: is line 13, its first item line 14. */

/* Three pairs that cannot hold together (a, b and b, c close to 1, a, c
 * close to -1): one error at the first pair, naming the three with their
 * lines. */
Test(copula, not_positive_definite)
{
    dp_diags dg = {0};
    dp_scenario *s = load_text(FIVE "correlations:\n"
                               "  - [casualties.per_day, casualties.wounded_per_killed, 0.9]\n"
                               "  - [casualties.wounded_per_killed, non_battle.per_day, 0.9]\n"
                               "  - [casualties.per_day, non_battle.per_day, -0.9]\n", &dg);
    cr_assert_null(s);
    cr_assert_eq(dg.errors, 1);
    const dp_diag *d = find_diag(&dg, DP_ERROR, 14, 5);
    cr_assert_not_null(d);
    cr_assert_str_eq(d->msg, "correlations: the matrix is not positive definite; check the pairs "
                             "[casualties.per_day, casualties.wounded_per_killed, 0.9], "
                             "[casualties.wounded_per_killed, non_battle.per_day, 0.9] (line 15), "
                             "[casualties.per_day, non_battle.per_day, -0.9] (line 16)");
    dp_diags_free(&dg);
}

/* Every broken group is reported, each narrowed to the pairs that break it
 * (not the dispersion pair linked to the first group, nor the good group
 * of force.initial), and r = 1 between two drawn params is singular: an
 * error that says so. The dispersion pair comes first in the file, so the
 * narrowing, not the order, leaves it out (at 0.5 instead of 0.2 it would
 * rightly be named: non_battle.per_day cannot then be 0.9 with one param
 * and 0.5 with another uncorrelated with the first). */
Test(copula, every_group_reported)
{
    dp_diags dg = {0};
    dp_scenario *s = load_text(FIVE "correlations:\n"
                               "  - [non_battle.per_day, casualties.dispersion, 0.2]\n"
                               "  - [casualties.per_day, casualties.wounded_per_killed, 0.9]\n"
                               "  - [casualties.wounded_per_killed, non_battle.per_day, 0.9]\n"
                               "  - [casualties.per_day, non_battle.per_day, -0.9]\n"
                               "  - [force.initial, return_to_duty.fraction, 0.3]\n"
                               "  - [return_to_duty.fraction, casualties.dispersion, 0]\n", &dg);
    cr_assert_null(s);
    cr_assert_eq(dg.errors, 1, "one group is broken (fraction joins the first through a 0)");
    const dp_diag *d = find_diag(&dg, DP_ERROR, 15, 5);
    cr_assert_not_null(d);
    cr_assert(strstr(d->msg, "check the pairs [casualties.per_day, casualties.wounded_per_killed, 0.9], "
                             "[casualties.wounded_per_killed, non_battle.per_day, 0.9] (line 16), "
                             "[casualties.per_day, non_battle.per_day, -0.9] (line 17)"),
              "%s", d->msg);
    cr_assert_null(strstr(d->msg, "dispersion"), "%s", d->msg);
    dp_diags_free(&dg);

    dp_diags dg2 = {0};
    s = load_text(FIVE "correlations:\n"
                  "  - [casualties.per_day, casualties.wounded_per_killed, 0.9]\n"
                  "  - [casualties.wounded_per_killed, non_battle.per_day, 0.9]\n"
                  "  - [casualties.per_day, non_battle.per_day, -0.9]\n"
                  "  - [force.initial, casualties.dispersion, 0.3]\n"
                  "  - [return_to_duty.fraction, force.initial, 1]\n", &dg2);
    cr_assert_null(s);
    cr_assert_eq(dg2.errors, 2);
    cr_assert_not_null(find_diag(&dg2, DP_ERROR, 14, 5));
    d = find_diag(&dg2, DP_ERROR, 18, 5);
    cr_assert_not_null(d);
    cr_assert_str_eq(d->msg, "correlations: the matrix is not positive definite; check the pairs "
                             "[return_to_duty.fraction, force.initial, 1]; r = 1 or -1 makes the "
                             "matrix singular (use e.g. 0.999)");
    dp_diags_free(&dg2);
}

/* r = -1 with a fixed param has no effect: only the loader's warning; the
 * same between two drawn params is an error. */
Test(copula, minus_one)
{
    dp_diags dg = {0};
    dp_scenario *s = load_text(HEAD "casualties:\n  per_day: 70 to 120\n  wounded_per_killed: 3\n"
                               "correlations:\n  - [casualties.per_day, casualties.wounded_per_killed, -1]\n",
                               &dg);
    cr_assert_not_null(s);
    cr_assert_eq(dg.errors, 0);
    cr_assert_eq(dg.n, 1);
    dp_scenario_free(s);
    dp_diags_free(&dg);

    dp_diags dg2 = {0};
    s = load_text(HEAD "casualties:\n  per_day: 70 to 120\n  wounded_per_killed: 2 to 6\n"
                  "correlations:\n  - [casualties.per_day, casualties.wounded_per_killed, -1]\n", &dg2);
    cr_assert_null(s);
    cr_assert_eq(dg2.errors, 1);
    cr_assert_not_null(find_diag(&dg2, DP_ERROR, 8, 5));
    cr_assert(strstr(dg2.v[0].msg, "r = 1 or -1 makes the matrix singular"), "%s", dg2.v[0].msg);
    dp_diags_free(&dg2);
}

/* A matrix that fails through the loader's back (a scenario built by hand)
 * is refused by dp_params_compile, which leaves nothing allocated. */
Test(copula, compile_refuses_singular)
{
    dp_scenario *s = th_load(HEAD "casualties:\n  per_day: 70 to 120\n  wounded_per_killed: 2 to 6\n"
                                  "correlations:\n  - [casualties.per_day, casualties.wounded_per_killed, 0.5]\n");
    s->correlations[0].r = 1;
    dp_draw *d = calloc(s->n_params, sizeof *d);
    cr_assert_not_null(d);
    cr_assert_eq(dp_params_compile(s, d), -1);
    for (size_t i = 0; i < s->n_params; i++) cr_assert_null(d[i].row);
    free(d);
    dp_scenario_free(s);
}
