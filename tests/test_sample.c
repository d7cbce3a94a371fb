/*
 * test_sample.c - goodness of fit of the daily-loop samplers (Poisson,
 * binomial, alias table) against GSL's probability functions.
 *
 * Every statistical check fails at p < 1e-8 (chi-square) or |z| > 5.5, so a
 * correct sampler fails less than once in ten million runs per check; seeds
 * are fixed anyway. Sample sizes are chosen so that a parameter off by 1%
 * fails (the noncentrality N (d mu)^2 / var is given per case); this was
 * checked by hand by linking a copy of poisson.c with mu *= 1.01 and of
 * binomial.c with p *= 1.01: every case marked "1%" went red.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "dp_sample.h"

#define P_FAIL 1e-8
#define Z_FAIL 5.5
#define SEED 0x5eedULL

static void setup(void)
{
    gsl_set_error_handler_off();
}

TestSuite(sample, .init = setup, .timeout = 60);

/*
 * Chi-square p-value of observed against expected counts over n cells taken
 * in order; neighbouring cells are merged until each bin expects at least
 * min_exp (a short remainder joins the last bin). A cell that expects 0 but
 * was observed fails outright.
 */
static double chisq_p(const uint64_t *obs, const double *ex, size_t n,
                      double min_exp, size_t *bins_out)
{
    double x2 = 0, o = 0, e = 0, last_o = 0, last_e = 0;
    size_t bins = 0;
    for (size_t i = 0; i < n; i++) {
        if (ex[i] <= 0 && obs[i] > 0)
            return 0;
        o += (double)obs[i];
        e += ex[i];
        if (e >= min_exp) {
            if (bins > 0)
                x2 += (last_o - last_e) * (last_o - last_e) / last_e;
            last_o = o;
            last_e = e;
            bins++;
            o = e = 0;
        }
    }
    if (bins == 0)
        return 1;
    last_o += o;
    last_e += e;
    x2 += (last_o - last_e) * (last_o - last_e) / last_e;
    if (bins_out)
        *bins_out = bins;
    if (bins == 1)
        return 1;
    return gsl_cdf_chisq_Q(x2, (double)(bins - 1));
}

/* A law on 0..kmax (kmax may be huge: only [lo, hi] is tabulated). */
typedef struct law {
    double mean, sd;
    int64_t kmax;                       /* INT64_MAX for Poisson */
    double (*pdf)(unsigned k, const struct law *);
    double (*cdf_le)(unsigned k, const struct law *);   /* P(X <= k) */
    double (*cdf_gt)(unsigned k, const struct law *);   /* P(X > k) */
    double mu, p;
    unsigned n;
} law;

static double pois_pdf(unsigned k, const law *l) { return gsl_ran_poisson_pdf(k, l->mu); }
static double pois_le(unsigned k, const law *l) { return gsl_cdf_poisson_P(k, l->mu); }
static double pois_gt(unsigned k, const law *l) { return gsl_cdf_poisson_Q(k, l->mu); }
static double binom_pdf(unsigned k, const law *l) { return gsl_ran_binomial_pdf(k, l->p, l->n); }
static double binom_le(unsigned k, const law *l) { return gsl_cdf_binomial_P(k, l->p, l->n); }
static double binom_gt(unsigned k, const law *l) { return gsl_cdf_binomial_Q(k, l->p, l->n); }

typedef int64_t (*draw_fn)(dp_pcg64 *, const law *);

static int64_t draw_pois(dp_pcg64 *g, const law *l) { return dp_sample_poisson(g, l->mu); }
static int64_t draw_binom(dp_pcg64 *g, const law *l) { return dp_sample_binomial(g, l->n, l->p); }

/*
 * Draws n_draws values and checks: every value in 0..kmax; chi-square over
 * the cells lo..hi (mean +- 12 sd, ends folded into the first and last
 * cell), bins expecting at least 20, or N/1000 for wide laws (quantile-like
 * bins for large means); and the z-scores of the mean and the variance. Expected counts are renormalised to N (GSL's pdf loses ~1e-6
 * relative to cancellation at n = 1e9; far below the noise).
 */
static void check_law(const char *what, const law *l, draw_fn draw,
                      uint64_t n_draws, uint64_t stream)
{
    double lo_d = floor(l->mean - 12 * l->sd - 5);
    double hi_d = ceil(l->mean + 12 * l->sd + 25);
    unsigned lo = lo_d < 0 ? 0 : (unsigned)lo_d;
    unsigned hi = hi_d > (double)l->kmax ? (unsigned)l->kmax : (unsigned)hi_d;
    size_t cells = (size_t)(hi - lo) + 1;
    uint64_t *obs = calloc(cells, sizeof *obs);
    double *ex = malloc(cells * sizeof *ex);
    cr_assert(obs && ex);

    double total = 0;
    for (size_t c = 0; c < cells; c++) {
        unsigned k = lo + (unsigned)c;
        if (c == 0 && lo > 0)
            ex[c] = l->cdf_le(k, l);
        else if (c == cells - 1 && (int64_t)hi < l->kmax)
            ex[c] = l->cdf_gt(k - 1, l);
        else
            ex[c] = l->pdf(k, l);
        total += ex[c];
    }
    for (size_t c = 0; c < cells; c++)
        ex[c] *= (double)n_draws / total;

    dp_pcg64 g;
    dp_rng_stream(&g, SEED, stream);
    double s1 = 0, s2 = 0;
    for (uint64_t j = 0; j < n_draws; j++) {
        int64_t x = draw(&g, l);
        if (x < 0 || x > l->kmax)
            cr_assert_fail("%s: value %" PRId64 " out of range", what, x);
        double d = (double)x - l->mean;
        s1 += d;
        s2 += d * d;
        size_t c = x <= (int64_t)lo ? 0
                   : x >= (int64_t)hi ? cells - 1 : (size_t)(x - lo);
        obs[c]++;
    }

    /* >= 20 expected per bin; for wide laws bins of >= N/1000, so at most
     * ~1000 bins, which keeps power against smooth distortions */
    double min_exp = cells > 2000 ? fmax(20, (double)n_draws / 1000) : 20;
    size_t bins = 0;
    double p = chisq_p(obs, ex, cells, min_exp, &bins);
    cr_expect_gt(p, P_FAIL, "%s: chi-square p = %g over %zu bins", what, p,
                 bins);

    double N = (double)n_draws, var = l->sd * l->sd;
    if (var > 0) {
        double zmean = (s1 / N) / sqrt(var / N);
        cr_expect_lt(fabs(zmean), Z_FAIL, "%s: mean z = %g", what, zmean);
        /* var of the sample second moment about the true mean:
         * (mu4 - var^2) / N, mu4 = var^2 (3 + kurtosis excess) */
        double s2n = s2 / N - (s1 / N) * (s1 / N);
        double kurt = l->pdf == pois_pdf ? 1 / l->mu
                      : (1 - 6 * l->p * (1 - l->p)) / var;
        double zvar = (s2n - var) / sqrt(var * var * (2 + kurt) / N);
        cr_expect_lt(fabs(zvar), Z_FAIL, "%s: variance z = %g", what, zvar);
    }
    free(obs);
    free(ex);
}

static void check_poisson(double mu, uint64_t n_draws, uint64_t stream)
{
    law l = {mu, sqrt(mu), INT64_MAX, pois_pdf, pois_le, pois_gt, mu, 0, 0};
    char what[64];
    snprintf(what, sizeof what, "Poisson(%g)", mu);
    check_law(what, &l, draw_pois, n_draws, stream);
}

static void check_binomial(unsigned n, double p, uint64_t n_draws,
                           uint64_t stream)
{
    double mean = n * p, sd = sqrt(n * p * (1 - p));
    law l = {mean, sd, (int64_t)n, binom_pdf, binom_le, binom_gt, 0, p, n};
    char what[64];
    snprintf(what, sizeof what, "Binomial(%u, %g)", n, p);
    check_law(what, &l, draw_binom, n_draws, stream);
}

/* ------------------------------ Poisson ------------------------------ */

/* Catches: a nonzero draw at mu = 0, a wrong answer or a hang on invalid
 * input, UB or a hang at huge mu. */
Test(sample, poisson_edges)
{
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 100);
    for (int j = 0; j < 1000; j++)
        cr_assert_eq(dp_sample_poisson(&g, 0.0), 0);
    cr_expect_eq(dp_sample_poisson(&g, -1.0), -1);
    cr_expect_eq(dp_sample_poisson(&g, NAN), -1);
    cr_expect_eq(dp_sample_poisson(&g, INFINITY), INT64_MAX);
    cr_expect_eq(dp_sample_poisson(&g, 0x1p63), INT64_MAX);
    cr_expect_eq(dp_sample_poisson(&g, 1e-300), 0);
    /* near the top of the exact range: within 8 sd */
    static const double big[] = {0x1p52, 0x1p62};
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < 1000; j++) {
            int64_t x = dp_sample_poisson(&g, big[b]);
            cr_assert(fabs((double)x - big[b]) < 8 * sqrt(big[b]),
                      "Poisson(%a) gave %" PRId64, big[b], x);
        }
}

/*
 * Inversion branch (mu < 10). Catches a wrong p(0), a wrong recursion
 * p(k) = p(k-1) mu / k, an off-by-one in the search (u < F vs u <= F would
 * not show, being of probability 2^-53; k+1 would). 1% power: noncentrality
 * N (mu/100)^2 / mu = N mu 1e-4, i.e. 200 at mu = 0.5 (N = 4e6), 300 at
 * mu = 3, 1000 at 9.99. At mu = 1e-3 a 1% error needs N ~ 1e9 to be seen,
 * so that case only checks the shape (P(1) off by 10% fails).
 */
Test(sample, poisson_inversion)
{
    check_poisson(1e-3, 1000000, 1);
    check_poisson(0.5, 4000000, 2);      /* 1% */
    check_poisson(3, 1000000, 3);        /* 1% */
    check_poisson(9.99, 1000000, 4);     /* 1% */
}

/*
 * PTRS branch (mu >= 10), from the switch-over to far beyond GSL's
 * unsigned range of k. Catches a wrong hat constant (a, b, alpha, v_r), a
 * wrong squeeze or a wrong log p(k) in step 4 (the law then shifts or
 * changes shape), a wrong offset 0.43, and loss of precision at large mu.
 * 1% power: N mu 1e-4 = 1000 at mu = 10 and far more above.
 */
Test(sample, poisson_ptrs)
{
    check_poisson(10, 1000000, 5);       /* 1% */
    check_poisson(10.5, 1000000, 6);     /* 1% */
    check_poisson(47, 1000000, 7);       /* 1% */
    check_poisson(300, 1000000, 8);      /* 1% */
    check_poisson(1e4, 1000000, 9);      /* 1% */
    check_poisson(1e7, 1000000, 10);     /* 1% */
}

/* The table sampler used for fixed daily means (a phase, a trajectory): the
 * same chi-square and moment checks, from tiny to the largest mean a table
 * is built for, and a table rebuilt in place for a new mean. Catches a cdf
 * off by one outcome, a guide entry that skips an outcome, a truncated
 * tail, a pmf recursion started at the wrong mode. */
static dp_poisson_table *table_under_test;
static int64_t draw_ptable(dp_pcg64 *g, const law *l)
{
    (void)l;
    return dp_poisson_table_sample(table_under_test, g);
}

Test(sample, poisson_table)
{
    const double mus[] = {0.3, 5, 9.99, 92, 700, DP_POISSON_TABLE_MAX_MU, 40};
    dp_poisson_table t = {.mu = -1};
    for (size_t i = 0; i < sizeof mus / sizeof *mus; i++) {
        cr_assert_eq(dp_poisson_table_build(&t, mus[i]), 0);
        cr_assert_eq(t.mu, mus[i]);
        table_under_test = &t;
        law l = {mus[i], sqrt(mus[i]), INT64_MAX, pois_pdf, pois_le, pois_gt, mus[i], 0, 0};
        char what[64];
        snprintf(what, sizeof what, "table Poisson(%g)", mus[i]);
        check_law(what, &l, draw_ptable, 1000000, 40 + i);   /* 1% */
    }
    cr_assert_eq(dp_poisson_table_build(&t, 0), 0);
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 99);
    for (int j = 0; j < 1000; j++) cr_assert_eq(dp_poisson_table_sample(&t, &g), 0);
    cr_assert_eq(dp_poisson_table_build(&t, -1), -1);
    cr_assert_eq(dp_poisson_table_build(&t, DP_POISSON_TABLE_MAX_MU * 2), -1);
    dp_poisson_table_free(&t);
}

/*
 * mu = 1e15, beyond GSL's pdf (k > UINT_MAX): standardized moments. The mean
 * z catches a relative error of mu above ~6e-9 (5.5 sd of the mean of 1e5
 * draws); the variance one a 2.5% error of the spread; the skewness one
 * (expected ~0) a lopsided hat.
 */
Test(sample, poisson_ptrs_huge)
{
    enum { N = 100000 };
    const double mu = 1e15, sd = sqrt(mu);
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 11);
    double s1 = 0, s2 = 0, s3 = 0;
    for (int j = 0; j < N; j++) {
        double z = ((double)dp_sample_poisson(&g, mu) - mu) / sd;
        s1 += z;
        s2 += z * z;
        s3 += z * z * z;
    }
    double m1 = s1 / N, m2 = s2 / N - m1 * m1;
    double skew = (s3 / N - 3 * m1 * s2 / N + 2 * m1 * m1 * m1) / pow(m2, 1.5);
    cr_expect_lt(fabs(m1 * sqrt(N)), Z_FAIL, "mean z %g", m1 * sqrt(N));
    cr_expect_lt(fabs((m2 - 1) / sqrt(2.0 / N)), Z_FAIL, "variance %g", m2);
    cr_expect_lt(fabs(skew / sqrt(6.0 / N)), Z_FAIL, "skewness %g", skew);
}

/* ------------------------------ binomial ----------------------------- */

/* Catches: the degenerate cases (n = 0, p = 0, p = 1) drawing anything but
 * their one value, and invalid input not returning -1. */
Test(sample, binomial_edges)
{
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 200);
    for (int j = 0; j < 1000; j++) {
        cr_assert_eq(dp_sample_binomial(&g, 0, 0.3), 0);
        cr_assert_eq(dp_sample_binomial(&g, 0, 1.0), 0);
        cr_assert_eq(dp_sample_binomial(&g, 1000, 0.0), 0);
        cr_assert_eq(dp_sample_binomial(&g, 1000, 1.0), 1000);
        cr_assert_eq(dp_sample_binomial(&g, 1000000000, 1.0), 1000000000);
        cr_assert_eq(dp_sample_binomial(&g, 1000000000, 0.0), 0);
    }
    cr_expect_eq(dp_sample_binomial(&g, -1, 0.5), -1);
    cr_expect_eq(dp_sample_binomial(&g, 10, -0.1), -1);
    cr_expect_eq(dp_sample_binomial(&g, 10, 1.1), -1);
    cr_expect_eq(dp_sample_binomial(&g, 10, NAN), -1);
    /* p so small that 1 - p == 1: pow(1 - p, n) would say P(0) = 1 */
    int64_t s = 0;
    for (int j = 0; j < 100000; j++)
        s += dp_sample_binomial(&g, INT64_C(1) << 62, 0x1p-60);  /* mean 4 */
    cr_expect(fabs(s / 1e5 - 4) < Z_FAIL * sqrt(4 / 1e5), "mean %g", s / 1e5);
}

/*
 * Inversion branch (n min(p, 1-p) < 10), with symmetry. Catches a wrong
 * p(0) (e.g. pow(1 - p, n) losing p at large n), a wrong ratio
 * p(k)/p(k-1) = (n-k+1)/k p/q, a broken symmetry for p > 1/2. 1% power:
 * N (dp)^2 n / (p q) = 860 at (20, 0.3), 1000 at (1e9, 1e-8) and
 * (1e9, 5e-9) 500, 500 at (50, 0.9).
 */
Test(sample, binomial_inversion)
{
    check_binomial(20, 0.3, 1000000, 21);             /* 1% */
    check_binomial(1000000000, 5e-9, 1000000, 22);    /* 1% */
    check_binomial(1000000000, 1e-8, 1000000, 23);    /* 1%, n p = 10 */
    check_binomial(1000, 0.0099, 1000000, 24);        /* 1% */
    check_binomial(50, 0.9, 1000000, 25);             /* 1%, symmetry */
}

/*
 * BTRD branch (n min(p, 1-p) >= 10). Catches a wrong setup constant, a
 * wrong recursion in step 3.1 (km <= 15: the small-variance cases), a wrong
 * squeeze in 3.2 or a wrong log(p(k)/p(m)) in 3.3-3.4 (large variance),
 * broken symmetry (0.97), loss of precision at n = 1e9. 1% power: 1000 at
 * (1000, 0.01), 2.5e4 at (1000, 0.5), 3e4 at (1000, 0.97), and more above.
 */
Test(sample, binomial_btrd)
{
    check_binomial(1000, 0.01, 1000000, 31);          /* 1% */
    check_binomial(1000, 0.5, 1000000, 32);           /* 1% */
    check_binomial(1000, 0.97, 1000000, 33);          /* 1% */
    check_binomial(1000000, 0.3, 1000000, 34);        /* 1% */
    check_binomial(1000000000, 0.5, 1000000, 35);     /* 1% */
}

/* ------------------------------ alias table ------------------------------ */

/* Draws n_draws from a table built on w and checks: zero weights never
 * drawn, and a chi-square against w. */
static void check_alias(const char *what, const double *w, size_t n,
                        uint64_t n_draws, uint64_t stream)
{
    dp_alias t;
    cr_assert_eq(dp_alias_init(&t, w, n), 0, "%s: init failed", what);
    cr_assert_eq(t.n, n);
    uint64_t *obs = calloc(n, sizeof *obs);
    double *ex = malloc(n * sizeof *ex);
    cr_assert(obs && ex);
    double wmax = 0, sum = 0;
    for (size_t i = 0; i < n; i++)
        wmax = fmax(wmax, w[i]);
    for (size_t i = 0; i < n; i++)
        sum += w[i] / wmax;
    for (size_t i = 0; i < n; i++)
        ex[i] = (double)n_draws * (w[i] / wmax) / sum;

    dp_pcg64 g;
    dp_rng_stream(&g, SEED, stream);
    for (uint64_t j = 0; j < n_draws; j++) {
        size_t k = dp_alias_sample(&t, &g);
        if (k >= n)
            cr_assert_fail("%s: outcome %zu of %zu", what, k, n);
        obs[k]++;
    }
    for (size_t i = 0; i < n; i++)
        if (w[i] == 0)
            cr_expect_eq(obs[i], 0, "%s: zero weight %zu drawn", what, i);
    size_t bins = 0;
    double p = chisq_p(obs, ex, n, 20, &bins);
    cr_expect_gt(p, P_FAIL, "%s: chi-square p = %g over %zu bins", what, p,
                 bins);
    dp_alias_free(&t);
    cr_expect_eq(t.n, 0);
    free(obs);
    free(ex);
}

/* Catches: bad weights accepted (negative, NaN, inf, all zero, n = 0,
 * n > UINT32_MAX), or a failed init that leaves a table behind. */
Test(sample, alias_rejects)
{
    dp_alias t;
    const double neg[] = {1, -1e-300, 2}, nan_[] = {1, NAN}, inf[] = {1, INFINITY};
    const double zero[] = {0, 0, 0}, one[] = {1};
    cr_expect_eq(dp_alias_init(&t, neg, 3), -1);
    cr_expect(t.n == 0 && t.prob == NULL && t.alias == NULL);
    cr_expect_eq(dp_alias_init(&t, nan_, 2), -1);
    cr_expect_eq(dp_alias_init(&t, inf, 2), -1);
    cr_expect_eq(dp_alias_init(&t, zero, 3), -1);
    cr_expect_eq(dp_alias_init(&t, one, 0), -1);
    /* rejected before w is read */
    cr_expect_eq(dp_alias_init(&t, one, (size_t)UINT32_MAX + 1), -1);
    cr_expect(t.n == 0 && t.prob == NULL && t.alias == NULL);
}

/* Catches: a one-outcome table that can draw past its end; weights whose
 * sum overflows double; weights near underflow. Deterministic cases first. */
Test(sample, alias_small)
{
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 300);
    dp_alias t;
    const double one[] = {5}, zero_one[] = {0, 1}, one_zero[] = {1, 0};
    cr_assert_eq(dp_alias_init(&t, one, 1), 0);
    for (int j = 0; j < 10000; j++)
        cr_assert_eq(dp_alias_sample(&t, &g), 0);
    dp_alias_free(&t);
    cr_assert_eq(dp_alias_init(&t, zero_one, 2), 0);
    for (int j = 0; j < 10000; j++)
        cr_assert_eq(dp_alias_sample(&t, &g), 1);
    dp_alias_free(&t);
    cr_assert_eq(dp_alias_init(&t, one_zero, 2), 0);
    for (int j = 0; j < 10000; j++)
        cr_assert_eq(dp_alias_sample(&t, &g), 0);
    dp_alias_free(&t);

    const double huge[] = {1e308, 1e308, 1e308, 0.5e308};
    check_alias("huge weights", huge, 4, 1000000, 301);
    const double tiny[] = {1e-310, 3e-310};
    check_alias("subnormal weights", tiny, 2, 1000000, 302);
}

/*
 * Catches: a wrong pairing (an outcome's mass landing in the wrong column),
 * a wrong acceptance threshold or a column/low-word split that is not
 * independent enough, zero weights drawn. 1% power: in w3, the 0.5 weight
 * 1% heavier (the others renormalised) gives noncentrality
 * N sum (dp_i)^2 / p_i = 4e6 * 1e-4 = 400; in w1000 (N = 1e7, ~400 bins)
 * every weight off by +-1% gives N (0.01)^2 = 1000, while a single cell of
 * average weight must be off by ~15% to fail alone.
 */
Test(sample, alias_fit)
{
    const double w5[] = {0, 3, 0, 1, 0};
    check_alias("w5", w5, 5, 4000000, 311);
    const double w3[] = {0.5, 0.3, 0.2};
    check_alias("w3", w3, 3, 4000000, 312);

    enum { N = 1000 };
    double *w = malloc(N * sizeof *w);
    cr_assert_not_null(w);
    for (size_t i = 0; i < N; i++)      /* uneven: spans 6 decades, zeros */
        w[i] = i % 7 == 3 ? 0 : pow(1.0 + (double)((i * 37) % N), -2.0)
                                + (i % 11 == 0 ? 0.05 : 0);
    check_alias("w1000", w, N, 10000000, 313);
    free(w);
}
