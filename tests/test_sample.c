/*
 * test_sample.c - goodness of fit of the daily-loop samplers (Poisson,
 * binomial, the negative binomial table, the per-q binomial tables, the
 * cell sampler and the guide tables under them) against GSL's
 * probability functions.
 *
 * Every statistical check fails at p < 1e-10 (chi-square) or |z| > 6.4, so a
 * correct sampler fails less than once in 1e10 runs per check, and the file's
 * ~300 checks together less than once in a million; seeds are fixed anyway. Sample sizes are chosen so that a parameter off by 1%
 * fails (the noncentrality N (d mu)^2 / var is given per case); this was
 * checked by hand by linking a copy of poisson.c with mu *= 1.01 and of
 * binomial.c with p *= 1.01: every case marked "1%" went red. For the table
 * samplers the power is also asserted: the same counts, tested against the
 * law with its parameter moved by +-1%, must fail (check_law_power).
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

#define P_FAIL 1e-10
#define Z_FAIL 6.4
#define SEED 0x5eedULL

static void setup(void)
{
    gsl_set_error_handler_off();
}

TestSuite(sample, .init = setup, .timeout = 60);

/*
 * Chi-square p-value of observed against expected counts over n cells taken
 * in order; neighbouring cells are merged until each bin expects at least
 * min_exp under `by` (a short remainder joins the last bin), and the
 * statistic compares obs with ex over those bins. A cell that expects 0 but
 * was observed fails outright. `by` is ex, except when a perturbed law is
 * tested against counts binned for the true one.
 */
static double chisq_p_by(const uint64_t *obs, const double *ex,
                         const double *by, size_t n, double min_exp,
                         size_t *bins_out)
{
    double x2 = 0, o = 0, e = 0, b = 0, last_o = 0, last_e = 0;
    size_t bins = 0;
    for (size_t i = 0; i < n; i++) {
        if (ex[i] <= 0 && obs[i] > 0)
            return 0;
        o += (double)obs[i];
        e += ex[i];
        b += by[i];
        if (b >= min_exp) {
            if (bins > 0)
                x2 += (last_o - last_e) * (last_o - last_e) / last_e;
            last_o = o;
            last_e = e;
            bins++;
            o = e = b = 0;
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

static double chisq_p(const uint64_t *obs, const double *ex, size_t n,
                      double min_exp, size_t *bins_out)
{
    return chisq_p_by(obs, ex, ex, n, min_exp, bins_out);
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
    double k;                           /* NB dispersion (GSL's n) */
} law;

static double pois_pdf(unsigned k, const law *l) { return gsl_ran_poisson_pdf(k, l->mu); }
static double pois_le(unsigned k, const law *l) { return gsl_cdf_poisson_P(k, l->mu); }
static double pois_gt(unsigned k, const law *l) { return gsl_cdf_poisson_Q(k, l->mu); }
static double binom_pdf(unsigned k, const law *l) { return gsl_ran_binomial_pdf(k, l->p, l->n); }
static double binom_le(unsigned k, const law *l) { return gsl_cdf_binomial_P(k, l->p, l->n); }
static double binom_gt(unsigned k, const law *l) { return gsl_cdf_binomial_Q(k, l->p, l->n); }
static double nb_pdf(unsigned k, const law *l) { return gsl_ran_negative_binomial_pdf(k, l->p, l->k); }
static double nb_le(unsigned k, const law *l) { return gsl_cdf_negative_binomial_P(k, l->p, l->k); }
static double nb_gt(unsigned k, const law *l) { return gsl_cdf_negative_binomial_Q(k, l->p, l->k); }

typedef int64_t (*draw_fn)(dp_pcg64 *, const law *);

static int64_t draw_pois(dp_pcg64 *g, const law *l) { return dp_sample_poisson(g, l->mu); }
static int64_t draw_binom(dp_pcg64 *g, const law *l) { return dp_sample_binomial(g, l->n, l->p); }

/* Expected counts of n_draws draws from l in the cells lo..hi (the ends
 * folded into the first and last cell), renormalised to n_draws. */
static void expected_counts(const law *l, unsigned lo, unsigned hi,
                            double n_draws, double *ex)
{
    size_t cells = (size_t)(hi - lo) + 1;
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
        ex[c] *= n_draws / total;
}

/*
 * Draws n_draws values and checks: every value in 0..kmax; chi-square over
 * the cells lo..hi (mean +- 12 sd, ends folded into the first and last
 * cell), bins expecting at least 20, or N/1000 for wide laws (quantile-like
 * bins for large means); and the z-scores of the mean and the variance. Expected counts are renormalised to N (GSL's pdf loses ~1e-6
 * relative to cancellation at n = 1e9; far below the noise).
 *
 * Then the power: the same counts, tested against each of the n_wrong
 * perturbed laws (a parameter off by 1%, an outcome shifted by one), must
 * fail at the same threshold. So the test is shown, with the data it uses,
 * to catch such a mistake.
 */
static void check_law_power(const char *what, const law *l, draw_fn draw,
                            uint64_t n_draws, uint64_t stream,
                            const law *wrong, size_t n_wrong)
{
    double lo_d = floor(l->mean - 12 * l->sd - 5);
    double hi_d = ceil(l->mean + 12 * l->sd + 25);
    unsigned lo = lo_d < 0 ? 0 : (unsigned)lo_d;
    unsigned hi = hi_d > (double)l->kmax ? (unsigned)l->kmax : (unsigned)hi_d;
    size_t cells = (size_t)(hi - lo) + 1;
    uint64_t *obs = calloc(cells, sizeof *obs);
    double *ex = malloc(cells * sizeof *ex);
    cr_assert(obs && ex);
    expected_counts(l, lo, hi, (double)n_draws, ex);

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
         * (mu4 - var^2) / N, mu4 = var^2 (3 + kurtosis excess); for
         * NB(k, p), failures before the k-th success, the excess is
         * 6 / k + p^2 / (k (1 - p)) */
        double s2n = s2 / N - (s1 / N) * (s1 / N);
        double kurt = l->pdf == pois_pdf ? 1 / l->mu
                      : l->pdf == nb_pdf ? 6 / l->k + l->p * l->p / (l->k * (1 - l->p))
                      : (1 - 6 * l->p * (1 - l->p)) / var;
        /* (2 + kurt = 0 for a fair coin: then the chi-square alone) */
        if (2 + kurt > 1e-9) {
            double zvar = (s2n - var) / sqrt(var * var * (2 + kurt) / N);
            cr_expect_lt(fabs(zvar), Z_FAIL, "%s: variance z = %g", what, zvar);
        }
    }

    double *exw = malloc(cells * sizeof *exw);
    cr_assert_not_null(exw);
    for (size_t w = 0; w < n_wrong; w++) {
        expected_counts(&wrong[w], lo, hi, (double)n_draws, exw);
        double pw = chisq_p_by(obs, exw, ex, cells, min_exp, NULL);
        cr_expect_lt(pw, P_FAIL, "%s: the perturbed law %zu (mean %g, p %g) "
                     "still fits, p = %g: the test has no power", what, w,
                     wrong[w].mean, wrong[w].p, pw);
    }
    free(exw);
    free(obs);
    free(ex);
}

static void check_law(const char *what, const law *l, draw_fn draw,
                      uint64_t n_draws, uint64_t stream)
{
    check_law_power(what, l, draw, n_draws, stream, NULL, 0);
}

static void check_poisson(double mu, uint64_t n_draws, uint64_t stream)
{
    law l = {mu, sqrt(mu), INT64_MAX, pois_pdf, pois_le, pois_gt, mu, 0, 0, 0};
    char what[64];
    snprintf(what, sizeof what, "Poisson(%g)", mu);
    check_law(what, &l, draw_pois, n_draws, stream);
}

static void check_binomial(unsigned n, double p, uint64_t n_draws,
                           uint64_t stream)
{
    double mean = n * p, sd = sqrt(n * p * (1 - p));
    law l = {mean, sd, (int64_t)n, binom_pdf, binom_le, binom_gt, 0, p, n, 0};
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
        law l = {mus[i], sqrt(mus[i]), INT64_MAX, pois_pdf, pois_le, pois_gt, mus[i], 0, 0, 0};
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
 * z catches a relative error of mu above ~7e-9 (6.4 sd of the mean of 1e5
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

/* ------------------------------ guide tables ----------------------------- */

/* The first x < n with F[x] > i 2^(63 - lg), else n, by search (F in units of 2^-63). */
static uint32_t guide_brute(const uint64_t *F, uint32_t n, unsigned lg, uint32_t i)
{
    uint64_t v = (uint64_t)i << (63 - lg);
    uint32_t x = 0;
    while (x < n && !(F[x] > v))
        x++;
    return x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/*
 * dp_guide_fill against a brute-force search, over random nondecreasing
 * fixed-point cdfs made to be awkward: runs of equal values, values exactly
 * on the grid i 2^(63 - lg) and one unit either side of it, 0 and 1, the
 * top DP_FIX_ONE (also before the end), or a last entry below it with a
 * sentinel UINT64_MAX after it (as the NB and binomial tables have); from 1
 * to 1024 entries, fewer and more than outcomes. Catches a guide entry off
 * by one at a grid point (> vs >=), a floor for a ceil, and a write beyond
 * its 2^lg entries and their DP_GUIDE_SLACK of room.
 */
Test(sample, guide_fill)
{
    enum { MAXN = 300, MAXNG = 1024 };
    static uint64_t cdf[MAXN + 1];
    static uint32_t guide[MAXNG + DP_GUIDE_SLACK + 1];
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 700);
    for (int trial = 0; trial < 4000; trial++) {
        uint32_t n = 1 + (uint32_t)(dp_pcg64_next(&g) % MAXN);
        unsigned lg = (unsigned)(dp_pcg64_next(&g) % 11);
        uint32_t ng = 1u << lg;
        for (uint32_t x = 0; x < n; x++) {
            uint64_t grid = (dp_pcg64_next(&g) % (ng + 1)) << (63 - lg);
            switch (dp_pcg64_next(&g) % 7) {
            case 0: cdf[x] = dp_pcg64_next(&g) >> 1; break;
            case 1: cdf[x] = grid; break;
            case 2: cdf[x] = grid > 0 ? grid - 1 : 0; break;
            case 3: cdf[x] = grid < DP_FIX_ONE ? grid + 1 : DP_FIX_ONE; break;
            case 4: cdf[x] = x > 0 ? cdf[x - 1] : 0; break;   /* repeats */
            case 5: cdf[x] = dp_pcg64_next(&g) % 3; break;      /* 0, 1, 2 units */
            default: cdf[x] = DP_FIX_ONE; break;
            }
        }
        qsort(cdf, n, sizeof *cdf, cmp_u64);
        if (trial % 2 == 0)
            cdf[n - 1] = DP_FIX_ONE;
        else
            cdf[n] = UINT64_MAX;          /* sentinel; cdf[n - 1] <= DP_FIX_ONE */
        guide[ng + DP_GUIDE_SLACK] = 0xdeadbeefu;
        dp_guide_fill(guide, lg, cdf, n);
        cr_assert_eq(guide[ng + DP_GUIDE_SLACK], 0xdeadbeefu,
                     "ng %u n %u: wrote past the guide's slack", ng, n);
        for (uint32_t i = 0; i < ng; i++) {
            uint32_t want = guide_brute(cdf, n, lg, i);
            if (guide[i] != want)
                cr_assert_fail("trial %d (n %u, ng %u): guide[%u] = %u, want %u",
                               trial, n, ng, i, guide[i], want);
        }
    }
}

/* ------------------------- negative binomial table ------------------------ */

/* NB(k, mean mu) as GSL holds it: failures before the k-th success of
 * probability p = k / (k + mu); variance mu + mu^2 / k. */
static law nb_law(double k, double mu)
{
    law l = {mu, sqrt(mu + mu * mu / k), INT64_MAX, nb_pdf, nb_le, nb_gt,
             mu, k / (k + mu), 0, k};
    return l;
}

static const dp_negbin_table *nb_under_test;
static int64_t draw_nbtable(dp_pcg64 *g, const law *l)
{
    (void)l;
    return dp_negbin_table_sample(nb_under_test, g);
}

/* The table as built: the law it says it holds, a cdf that agrees with
 * GSL's (an outcome off by one is off by a pmf, >= 1e-5 here), the
 * sentinel after it, and every guide entry against a brute-force search.
 * (Where it stops is a matter of speed, not of law: not checked.) */
static void check_nb_table(const char *what, const dp_negbin_table *t,
                           double k, double mu)
{
    cr_assert_eq(t->k, k, "%s", what);
    cr_assert_eq(t->mu, mu, "%s", what);
    cr_assert(t->n >= 1 && t->n <= DP_NEGBIN_TABLE_MAX, "%s: n = %u", what, t->n);
    cr_expect_eq(t->cdf[t->n], UINT64_MAX, "%s: no sentinel", what);
    cr_assert_eq(t->ng, 1u << t->lg, "%s", what);
    double p = k / (k + mu), err = 0;
    uint32_t at = 0;
    for (uint32_t j = 0; j < t->n; j++) {
        double d = fabs((double)t->cdf[j] * 0x1p-63 - gsl_cdf_negative_binomial_P(j, p, k));
        if (d > err) {
            err = d;
            at = j;
        }
    }
    cr_expect_lt(err, 1e-11, "%s: cdf off GSL's by %g at %u", what, err, at);
    for (uint32_t i = 0; i < t->ng; i++) {
        uint32_t want = guide_brute(t->cdf, t->n, t->lg, i);
        if (t->guide[i] != want)
            cr_assert_fail("%s: guide[%u] = %u, want %u", what, i, t->guide[i], want);
    }
}

/* Catches: a build that accepts a law it cannot hold (k or mu not positive
 * or not finite, pmf(0) underflowing, more outcomes than the room) or that
 * leaves a stale law behind when it fails; a table that is not reusable
 * after a failure; building into freed memory. */
Test(sample, negbin_table_rejects)
{
    dp_negbin_table t;
    cr_assert_eq(dp_negbin_table_init(&t), 0);
    cr_expect_eq(t.mu, -1);
    static const double bad[][2] = {
        {0, 5}, {-1, 5}, {1, 0}, {1, -1}, {NAN, 5}, {1, NAN},
        {INFINITY, 5}, {1, INFINITY}, {-INFINITY, 5},
        {1e6, 1e6},     /* pmf(0) = 2^-1e6 underflows */
        {0.5, 1e5},     /* far more than DP_NEGBIN_TABLE_MAX outcomes */
        {4, 20000},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        /* a good table first, so a failure must empty it */
        cr_assert_eq(dp_negbin_table_build(&t, 4, 90), 0);
        cr_expect_eq(dp_negbin_table_build(&t, bad[i][0], bad[i][1]), -1,
                     "NB(%g, %g) built", bad[i][0], bad[i][1]);
        cr_expect_eq(t.mu, -1, "NB(%g, %g) left a law behind", bad[i][0], bad[i][1]);
        cr_expect_eq(dp_negbin_table_size(bad[i][0], bad[i][1]), UINT32_MAX,
                     "NB(%g, %g): size %u", bad[i][0], bad[i][1],
                     dp_negbin_table_size(bad[i][0], bad[i][1]));
    }
    cr_assert_eq(dp_negbin_table_build(&t, 4, 90), 0);
    check_nb_table("NB(4, 90) after failures", &t, 4, 90);
    dp_negbin_table_free(&t);
    cr_expect(t.cdf == NULL && t.guide == NULL && t.mu == -1 && t.n == 0);
    cr_expect_eq(dp_negbin_table_build(&t, 4, 90), -1);
    dp_negbin_table_free(&t);     /* twice is harmless */
}

/*
 * Draws from tables of NB(k, mu) against GSL's pmf: chi-square, mean and
 * variance, then the power (the same counts against mu moved by +-d must
 * fail). Noncentrality of a relative error d in mu: N d^2 mu k / (mu + k),
 * so at d = 1%: 383 at (4, 90), 277 at (4, 9), 490 at (0.5, 20) with
 * N = 1e7 (its ~300 bins spread it: 196 at N = 4e6 was not enough), 4300
 * at (50, 300), 400 at (4, 2000) and (4, 1000), 1000 at (1e5, 10) (nearly
 * Poisson: k large); (1, 0.3) is checked at 5% (577) and (1, 1e-4), whose
 * table holds outcome 0 only so that every other draw walks the tail, at
 * 30% with N = 1e7 (90). The tables are rebuilt in place, a small one
 * after the largest. Catches a wrong pmf(0) or ratio (k - 1 + j vs k + j),
 * a table that drops or duplicates an outcome, a guide entry that skips
 * one, a tail walk that starts at the wrong place or never happens.
 */
Test(sample, negbin_table_fit)
{
    /* fits = 0: the law may need more than DP_NEGBIN_TABLE_MAX outcomes
     * (as the table's stopping point is tuned); if it is not built,
     * dp_negbin_table_size must say so */
    static const struct { double k, mu, d; uint64_t n; int fits; } cases[] = {
        {4, 90, 0.01, 1000000, 1},
        {4, 9, 0.01, 1000000, 1},
        {0.5, 20, 0.01, 10000000, 1},
        {50, 300, 0.01, 1000000, 1},
        {4, 2000, 0.01, 1000000, 0},
        {4, 1000, 0.01, 1000000, 1},
        {1, 0.3, 0.05, 1000000, 1},
        {1e5, 10, 0.01, 1000000, 1},
        {1, 1e-4, 0.3, 10000000, 1},
    };
    dp_negbin_table t;
    cr_assert_eq(dp_negbin_table_init(&t), 0);
    nb_under_test = &t;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double k = cases[i].k, mu = cases[i].mu, d = cases[i].d;
        char what[64];
        snprintf(what, sizeof what, "table NB(%g, %g)", k, mu);
        if (dp_negbin_table_build(&t, k, mu) != 0) {
            cr_expect(!cases[i].fits, "%s: not built", what);
            cr_expect_eq(dp_negbin_table_size(k, mu), UINT32_MAX, "%s: not built, "
                         "but its size estimate is %u", what, dp_negbin_table_size(k, mu));
            continue;
        }
        check_nb_table(what, &t, k, mu);
        law l = nb_law(k, mu);
        law wrong[2] = {nb_law(k, mu * (1 - d)), nb_law(k, mu * (1 + d))};
        check_law_power(what, &l, draw_nbtable, cases[i].n, 600 + i, wrong, 2);
    }
    dp_negbin_table_free(&t);
}

/*
 * The tail walk, which draws reach rarely (the table ends where a small
 * fraction of the mass, 2^-12 or so, is left): for u from
 * just above the table's last cdf to 1 - 2^-53, dp_negbin_table_tail(u)
 * must be the first j with P(X <= j) > u, up to rounding: GSL's cdf at
 * j - 1 is <= u + 1e-12 and at j >= u - 1e-12, and where u is more than
 * 1e-12 (or twice the sum's disagreement with GSL's cdf, if more) from
 * both, j equals the first j at which a sum of GSL's pmf passes u. Catches a walk that starts one outcome early or late, uses
 * the wrong recurrence, returns the outcome before the one passing u, or
 * stops early.
 */
static void check_nb_tail(dp_negbin_table *t, double k, double mu, dp_pcg64 *g)
{
    cr_assert_eq(dp_negbin_table_build(t, k, mu), 0);
    double p = k / (k + mu), base = (double)t->cdf[t->n - 1] * 0x1p-63;
    /* the cdf by summing GSL's pmf, until the pmf is below 1e-25 past the
     * mean (what is left is then below 1e-21); its disagreement with
     * GSL's cdf (7e-11 at k = 1e5, where the pmf's log-gammas cancel)
     * widens the tolerance of the exact check below */
    size_t cap = 1 << 18, m = 0;
    double *S = malloc(cap * sizeof *S), acc = 0, tol = 1e-12;
    cr_assert_not_null(S);
    for (;;) {
        cr_assert_lt(m, cap);
        double pm = gsl_ran_negative_binomial_pdf((unsigned)m, p, k);
        acc += pm;
        tol = fmax(tol, 1e-12 + 2 * fabs(acc - gsl_cdf_negative_binomial_P((unsigned)m, p, k)));
        S[m++] = acc;
        if (m > t->n && m > mu && pm < 1e-25)
            break;
    }
    enum { NU = 1200 };
    double u[NU];
    size_t nu = 0;
    u[nu++] = nextafter(base, 2);
    u[nu++] = 1 - 0x1p-53;
    static const double f[] = {1e-9, 1e-6, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75,
                               0.9, 0.99, 0.999, 1 - 1e-6};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        u[nu++] = base + (1 - base) * f[i];
    for (int e = 13; e <= 53; e++)
        if (1 - ldexp(1, -e) > base)
            u[nu++] = 1 - ldexp(1, -e);
    while (nu < NU) {
        double v = base + (1 - base) * dp_pcg64_double(g);
        if (v > base && v < 1)
            u[nu++] = v;
    }
    for (size_t i = 0; i < nu; i++) {
        /* the tail takes u in units of 2^-63, at or above the table's last
         * cdf; u[i] becomes the value it stands for */
        uint64_t ui = dp_fix(u[i]);
        if (ui < t->cdf[t->n - 1]) ui = t->cdf[t->n - 1];
        if (ui >= DP_FIX_ONE) ui = DP_FIX_ONE - 1;
        u[i] = (double)ui * 0x1p-63;
        int64_t j = dp_negbin_table_tail(t, ui);
        cr_assert(j >= t->n && j < (int64_t)UINT32_MAX,
                  "NB(%g, %g), u = %a: tail gave %" PRId64 ", table has %u",
                  k, mu, u[i], j, t->n);
        double below = gsl_cdf_negative_binomial_P((unsigned)(j - 1), p, k);
        double at = gsl_cdf_negative_binomial_P((unsigned)j, p, k);
        cr_assert(below <= u[i] + 1e-12 && at >= u[i] - 1e-12,
                  "NB(%g, %g), u = %.17g: tail gave %" PRId64 " with "
                  "P(X <= %" PRId64 ") = %.17g, P(X <= %" PRId64 ") = %.17g",
                  k, mu, u[i], j, j - 1, below, j, at);
        /* the first j with S[j] > u, when S reaches past u */
        size_t a = 0, b = m;
        while (a < b) {
            size_t c = a + (b - a) / 2;
            if (S[c] > u[i])
                b = c;
            else
                a = c + 1;
        }
        if (a < m && S[a] - u[i] > tol && (a == 0 || u[i] - S[a - 1] > tol))
            cr_assert_eq(j, (int64_t)a, "NB(%g, %g), u = %.17g: tail gave %" PRId64
                         ", the summed pmf passes u at %zu", k, mu, u[i], j, a);
    }
    free(S);
}

Test(sample, negbin_table_tail)
{
    static const double cases[][2] = {
        {4, 90}, {0.5, 20}, {4, 2000}, {50, 300}, {1e5, 10}, {1, 0.3},
        {1, 1e-4}, {0.5, 1e-3}, {4, 9},
    };
    dp_negbin_table t;
    cr_assert_eq(dp_negbin_table_init(&t), 0);
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 650);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_nb_tail(&t, cases[i][0], cases[i][1], &g);
    dp_negbin_table_free(&t);
}

/*
 * dp_negbin_table_size is meant as an upper estimate of the outcomes a
 * table tabulates (the model decides from it whether a table pays): over
 * k in [0.5, 1e4] and mu in [1e-4, 8900] (log grid, 0.02 decades, 78,000
 * laws), every law that builds has size >= n. Catches an estimate left
 * behind when the table's stopping point (TAIL_LEFT) moves. (It is not
 * checked that a law with a finite size builds: pmf(0) underflow, k
 * log(1 + mu / k) > ~624, fails builds the estimate calls possible.)
 */
Test(sample, negbin_table_size)
{
    dp_negbin_table t;
    cr_assert_eq(dp_negbin_table_init(&t), 0);
    long built = 0, under = 0;
    double worst_k = 0, worst_mu = 0;
    uint32_t worst_s = 0, worst_n = 0;
    for (int ik = 0; ik <= 215; ik++)
        for (int im = 0; im <= 397; im++) {
            double k = 0.5 * pow(10, 0.02 * ik), mu = 1e-4 * pow(10, 0.02 * im);
            uint32_t s = dp_negbin_table_size(k, mu);
            if (dp_negbin_table_build(&t, k, mu) != 0 || s == UINT32_MAX)
                continue;
            built++;
            if (s < t.n && (under++ == 0 || t.n - s > worst_n - worst_s)) {
                worst_k = k;
                worst_mu = mu;
                worst_s = s;
                worst_n = t.n;
            }
        }
    cr_expect_gt(built, 50000);
    cr_expect_eq(under, 0, "size undershoots for %ld of %ld laws; most at "
                 "NB(%g, %g): size %u, table %u", under, built, worst_k,
                 worst_mu, worst_s, worst_n);
    dp_negbin_table_free(&t);
}

/* -------------------------- per-q binomial tables -------------------------- */

static const double binom_q[] = {0, 0.01, 0.17, 0.5, 0.63, 0.99, 1};
static const unsigned binom_n[] = {0, 1, 2, 3, 7, 63, 64, 65, 90, 127, 200,
                                  511, 512, 513, 2000};
#define NELEM(a) (sizeof (a) / sizeof *(a))

static const dp_binomial_tables *binom_under_test;
static int64_t draw_binom_tables(dp_pcg64 *g, const law *l)
{
    return dp_binomial_tables_sample(binom_under_test, l->n, g);
}

/* Catches: q = 0 or q = 1 drawing anything but 0 or n (for every n, the
 * BTRD range too), n = 0 drawing anything but 0, and a q so close to 0 or
 * 1 that the tables' p(0) = (1 - p)^(2^j) rounds to 1 drawing otherwise. */
Test(sample, binomial_tables_edges)
{
    dp_binomial_tables b;
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 800);
    for (size_t qi = 0; qi < NELEM(binom_q); qi++) {
        dp_binomial_tables_build(&b, binom_q[qi]);
        cr_expect_eq(b.q, binom_q[qi]);
        for (int j = 0; j < 1000; j++)
            cr_assert_eq(dp_binomial_tables_sample(&b, 0, &g), 0);
    }
    static const int64_t more[] = {1000000000, INT64_C(1) << 40};
    for (int z = 0; z <= 1; z++) {
        dp_binomial_tables_build(&b, z);
        for (size_t ni = 0; ni < NELEM(binom_n) + NELEM(more); ni++) {
            int64_t n = ni < NELEM(binom_n) ? binom_n[ni] : more[ni - NELEM(binom_n)];
            for (int j = 0; j < 1000; j++) {
                int64_t x = dp_binomial_tables_sample(&b, n, &g);
                if (x != (z ? n : 0))
                    cr_assert_fail("q = %d, n = %" PRId64 ": drew %" PRId64, z, n, x);
            }
        }
    }
    /* P(anything but the one likely value) <= 512 * 1.1e-16 */
    static const double near[] = {1e-300, 1 - 0x1p-53, 0x1p-60};
    for (int s = 0; s < 3; s++) {
        dp_binomial_tables_build(&b, near[s]);
        int64_t want = near[s] > 0.5 ? 512 : 0;
        for (int j = 0; j < 10000; j++)
            cr_assert_eq(dp_binomial_tables_sample(&b, 512, &g), want, "q = %a", near[s]);
    }
}

/* n of table i, as the header lays the tables out */
static unsigned binom_table_n(int i) { return i < 8 ? (unsigned)i : i < 16 ? 8u * (unsigned)(i - 8) : 64; }

/* The tables for each q, read through the layout the header gives (table
 * i for n = i, 8 (i - 8), 64: cdf[off[i] + x] for x = 0..w-1 in units of
 * 2^-63, then UINT64_MAX; 2^lg[i] guide entries from guide[goff[i]],
 * >= n + 1): the cdf of Binomial(n, min(q, 1 - q)) against GSL's; a table
 * whole (w = n) or ended where less than 2^-7 was left, and said so in
 * walk[i]; every guide entry against a brute-force search (the tables
 * fill their guides by their own code, not dp_guide_fill); and the
 * tables in the cdf array one after another, without overlap. */
Test(sample, binomial_tables_tables)
{
    dp_binomial_tables b;
    const size_t ncdf = NELEM(b.cdf), nguide = NELEM(b.guide);
    for (size_t qi = 0; qi < NELEM(binom_q); qi++) {
        double q = binom_q[qi];
        dp_binomial_tables_build(&b, q);
        cr_expect_eq(b.q, q);
        cr_expect_eq(b.flip, q > 0.5);
        cr_expect_eq(b.p, q > 0.5 ? 1 - q : q);
        size_t next_off = 0;
        unsigned cut = 0;
        for (int i = 0; i < DP_BINOMIAL_N_TABLES; i++) {
            unsigned n = binom_table_n(i);
            size_t off = b.off[i], goff = b.goff[i], ng = (size_t)1 << b.lg[i];
            cr_assert_eq(off, next_off, "q %g, table %d at %zu, want %zu", q, i, off, next_off);
            const uint64_t *cdf = b.cdf + off;
            unsigned m = 0;
            while (off + m < ncdf && cdf[m] != UINT64_MAX)
                m++;
            cr_assert(off + m < ncdf && m <= n, "q %g, table %d (n %u): no sentinel by %u", q, i,
                      n, m);
            next_off = off + m + 1;
            if (m == n) {
                cr_expect_eq(b.walk[i], DP_BINOMIAL_WHOLE, "q %g, n %u: whole, walk %u", q, n,
                             b.walk[i]);
            } else {
                cut++;
                cr_expect_eq(b.walk[i], m, "q %g, n %u: ends at %u, walk %u", q, n, m, b.walk[i]);
                double left = 1 - gsl_cdf_binomial_P(m - 1, b.p, n);
                cr_expect_leq(left, 0x1p-7 + 1e-13, "q %g, n %u: ends at %u with %g left", q, n,
                              m, left);
            }
            cr_assert(ng >= n + 1 && (ng & (ng - 1)) == 0 && goff + ng <= nguide,
                      "q %g, table %d (n %u): %zu guide entries at %zu", q, i, n, ng, goff);
            for (unsigned x = 0; x < m; x++) {
                double want = gsl_cdf_binomial_P(x, b.p, n), have_x = (double)cdf[x] * 0x1p-63;
                cr_expect(fabs(have_x - want) < 1e-13, "q %g, n %u: cdf[%u] = "
                          "%.17g, GSL %.17g", q, n, x, have_x, want);
            }
            for (size_t i2 = 0; i2 < ng; i2++) {
                uint32_t want = guide_brute(cdf, m, b.lg[i], (uint32_t)i2);
                cr_expect_eq(b.guide[goff + i2], want, "q %g, n %u: guide[%zu] = %u, "
                             "want %u", q, n, i2, b.guide[goff + i2], want);
            }
        }
        /* the cut is there to be tested: at q = 0.17 every table past n = 16 */
        if (q == 0.17)
            cr_expect_geq(cut, 7, "q %g: %u tables cut", q, cut);
    }
}

/*
 * The walk past a cut table, for u from its last cdf to 2^63 - 1: the
 * first x with P(X <= x) > u, against GSL's cdf (within 1e-12 of a tie,
 * either neighbour), and the whole table's answer: with the cut moved
 * past n (a whole table built by the same sums), the same x for every u.
 * Catches a walk that starts an outcome early or late, uses another
 * recurrence or rounding than the build (a u near a step would then draw
 * another outcome than a whole table), or stops before n.
 */
Test(sample, binomial_tables_tail)
{
    static const double qs[] = {0.01, 0.17, 0.37, 0.5, 0.83};
    dp_binomial_tables b;
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 870);
    int walked = 0;
    for (size_t qi = 0; qi < NELEM(qs); qi++) {
        dp_binomial_tables_build(&b, qs[qi]);
        for (int i = 0; i < DP_BINOMIAL_N_TABLES; i++) {
            if (b.walk[i] == DP_BINOMIAL_WHOLE)
                continue;
            walked++;
            unsigned n = binom_table_n(i), w = b.walk[i];
            uint64_t base = b.cdf[b.off[i] + w - 1];
            /* the whole table's sums, as the build makes them */
            uint64_t F[66];
            double pmf = b.pmf_last[i], acc = b.acc_last[i];
            for (unsigned x = w; x < n; x++) {
                pmf *= (double)(n - x + 1) * (1.0 / x) * b.odds;
                acc += pmf;
                F[x] = dp_fix_partial(acc);
            }
            for (int r = 0; r < 2000; r++) {
                uint64_t u = r == 0 ? base : r == 1 ? DP_FIX_ONE - 1
                             : base + (dp_pcg64_next(&g) >> 1) % (DP_FIX_ONE - base);
                unsigned x = dp_binomial_tables_tail(&b, i, u);
                cr_assert(x >= w && x <= n, "q %g, n %u: u %#" PRIx64 " walked to %u", qs[qi],
                          n, u, x);
                double uu = (double)u * 0x1p-63;
                double below = gsl_cdf_binomial_P(x - 1, b.p, n);
                double at = x < n ? gsl_cdf_binomial_P(x, b.p, n) : 1;
                cr_assert(below <= uu + 1e-12 && at >= uu - 1e-12, "q %g, n %u, u %.17g: walked "
                          "to %u, P(X <= x - 1) = %.17g, P(X <= x) = %.17g", qs[qi], n, uu, x,
                          below, at);
                unsigned y = w;
                while (y < n && u >= F[y])
                    y++;
                cr_assert_eq(x, y, "q %g, n %u, u %#" PRIx64 ": walked to %u, whole table %u",
                             qs[qi], n, u, x, y);
            }
        }
    }
    cr_expect_geq(walked, 20);
}

/*
 * Binomial(n, q) from the tables, for every n in binom_n (n = 64 h + 8 a + b:
 * tables alone and in sums, h up to 8; 513 and 2000 go to BTRD) and
 * every q strictly inside (0, 1) (0.63 and 0.99 by symmetry), one table
 * rebuilt in place per q: chi-square, mean, variance, 200,000 draws each.
 * Power, asserted wherever it is there: the same counts against q moved
 * by +-1% must fail when the noncentrality N n q (0.01)^2 / (1 - q) is at
 * least 300, e.g. 369 at (90, 0.17), 1300 at (65, 0.5), 6800 at
 * (200, 0.63). Catches a digit of n drawn from the wrong table (or
 * dropped), an off-by-one in h, a table for p instead of 1 - p, a wrong
 * p(0) or ratio, an outcome skipped by a guide entry.
 */
Test(sample, binomial_tables_fit)
{
    enum { N = 200000 };
    dp_binomial_tables b;
    binom_under_test = &b;
    uint64_t stream = 810;
    int powered = 0;
    for (size_t qi = 0; qi < NELEM(binom_q); qi++) {
        double q = binom_q[qi];
        if (q == 0 || q == 1)
            continue;
        dp_binomial_tables_build(&b, q);
        for (size_t ni = 0; ni < NELEM(binom_n); ni++) {
            unsigned n = binom_n[ni];
            if (n == 0)
                continue;
            double mean = n * q, sd = sqrt(n * q * (1 - q));
            law l = {mean, sd, (int64_t)n, binom_pdf, binom_le, binom_gt, 0, q, n, 0};
            law wrong[2];
            size_t n_wrong = 0;
            if ((double)N * n * q * 1e-4 / (1 - q) >= 300 && q * 1.01 <= 1) {
                for (int s = -1; s <= 1; s += 2) {
                    double qw = q * (1 + 0.01 * s);
                    wrong[n_wrong++] = (law){n * qw, sqrt(n * qw * (1 - qw)), (int64_t)n,
                                             binom_pdf, binom_le, binom_gt, 0, qw, n, 0};
                }
                powered++;
            }
            char what[64];
            snprintf(what, sizeof what, "table Binomial(%u, %g)", n, q);
            check_law_power(what, &l, draw_binom_tables, N, stream++, wrong, n_wrong);
        }
    }
    cr_expect_geq(powered, 20);
}

/* --------------------------- cells (dp_cells) ---------------------------- */

/* Cells per 64-bit output, as src/model.c draws them. */
#ifdef DP_CELLS_PER_DRAW
#define CELLS_PER_DRAW DP_CELLS_PER_DRAW
#else
#define CELLS_PER_DRAW (64 / DP_CELL_BITS)
#endif
#define NCELLS (1u << DP_CELL_BITS)

/* The outcome of the 64-bit fixed-point u under the stored cdf, by
 * bisection (not the sampler's walk): the first k < n - 1 with u < cdf[k],
 * else n - 1. */
static uint32_t cells_invert(const dp_cells *t, uint64_t u)
{
    uint32_t a = 0, b = t->n - 1;
    while (a < b) {
        uint32_t m = a + (b - a) / 2;
        if (u < t->cdf[m])
            b = m;
        else
            a = m + 1;
    }
    return a;
}

/*
 * The table built from w, exactly: only trailing zero weights are left
 * out; the cdf (in units of 2^-64) nondecreasing, within 1e-13 of the
 * normalised partial sums, and flat at zero weights (so they are never
 * drawn); for every cell c (b = DP_CELL_BITS), both ends of
 * [c 2^(64-b), (c + 1) 2^(64-b) - 1] invert to the cell's outcome when it
 * is not split, and to different outcomes (the first being the cell's)
 * when it is; dp_cells_refine on every split cell gives the inversion of
 * u = c 2^(64-b) + (the next 64-bit output >> b) and takes exactly one
 * output. Returns the number of split cells.
 */
static unsigned check_cells_exact(const char *what, const dp_cells *t,
                                  const double *w, size_t n)
{
    cr_assert(t->n >= 1 && t->n <= n, "%s: n = %u of %zu", what, t->n, n);
    for (size_t k = t->n; k < n; k++)
        cr_assert_eq(w[k], 0, "%s: outcome %zu (weight %g) left out", what, k, w[k]);
    long double sum = 0, acc = 0;
    for (size_t k = 0; k < n; k++)
        sum += w[k];
    for (uint32_t k = 0; k + 1 < t->n; k++) {
        acc += w[k];
        double f = (double)(acc / sum), got = (double)t->cdf[k] * 0x1p-64;
        cr_assert(fabs(got - f) < 1e-13, "%s: cdf[%u] = %.17g, want %.17g", what, k, got, f);
        uint64_t prev = k > 0 ? t->cdf[k - 1] : 0;
        cr_assert_geq(t->cdf[k], prev, "%s: cdf decreases at %u", what, k);
        if (w[k] == 0)
            cr_assert_eq(t->cdf[k], prev, "%s: zero weight %u has mass", what, k);
    }
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 900);
    unsigned split = 0;
    for (uint32_t c = 0; c < NCELLS; c++) {
        uint64_t first = (uint64_t)c << (64 - DP_CELL_BITS);
        uint64_t last = first | ((UINT64_C(1) << (64 - DP_CELL_BITS)) - 1);
        uint32_t e = t->cell[c], o1 = cells_invert(t, first), o2 = cells_invert(t, last);
        if (!(e & DP_CELL_SPLIT)) {
            cr_assert(e == o1 && e == o2, "%s: cell %u gives %u, its ends invert "
                      "to %u and %u", what, c, e, o1, o2);
            continue;
        }
        split++;
        uint32_t base = e & ~DP_CELL_SPLIT;
        if (o1 >= DP_CELL_FAR)    /* far outcomes: marked from DP_CELL_FAR */
            cr_assert(base == DP_CELL_FAR, "%s: cell %u of far outcome %u starts at %u", what,
                      c, o1, base);
        else
            cr_assert(base == o1 && o2 != o1, "%s: split cell %u starts at %u, its ends "
                      "invert to %u and %u", what, c, base, o1, o2);
        for (int r = 0; r < 64; r++) {
            uint64_t bits = dp_pcg64_next(&g);
            uint64_t u = first | (bits >> DP_CELL_BITS);
            uint32_t got = dp_cells_refine(t, c, bits);
            cr_assert_eq(got, cells_invert(t, u), "%s: cell %u, u = %#" PRIx64
                         ": refined to %u", what, c, u, got);
        }
    }
    return split;
}

/*
 * Draws as src/model.c does, CELLS_PER_DRAW outcomes per 64-bit output:
 * the top DP_CELL_BITS bits are the cell, then the word shifts left by
 * DP_CELL_BITS (a split cell takes its next output from g). Checks: no outcome past the table, no
 * zero-weight outcome, chi-square against the normalised w (bins >= 20
 * expected), and for each of n_wrong other weight vectors of length n
 * (a perturbed law), that the same counts reject it. Returns the counts
 * (caller frees).
 */
static uint64_t *check_cells(const char *what, const double *w, size_t n,
                             uint64_t n_words, uint64_t stream,
                             const double *const *wrong, size_t n_wrong)
{
    dp_cells t;
    cr_assert_eq(dp_cells_init(&t, w, n), 0, "%s: init failed", what);
    check_cells_exact(what, &t, w, n);
    uint64_t *obs = calloc(n, sizeof *obs);
    double *ex = malloc(n * sizeof *ex);
    cr_assert(obs && ex);

    dp_pcg64 g;
    dp_rng_stream(&g, SEED, stream);
    uint32_t top = 0;
    for (uint64_t j = 0; j < n_words; j++) {
        uint64_t bits = dp_pcg64_next(&g);
        for (int i = 0; i < CELLS_PER_DRAW; i++) {
            uint32_t c = (uint32_t)(bits >> (64 - DP_CELL_BITS));
            bits <<= DP_CELL_BITS;
            uint32_t k = dp_cells_sample(&t, c, &g);
            top = k > top ? k : top;
            obs[k < n ? k : n - 1]++;
        }
    }
    cr_assert_lt(top, t.n, "%s: drew outcome %u of %u", what, top, t.n);
    for (size_t k = 0; k < n; k++)
        if (w[k] == 0)
            cr_expect_eq(obs[k], 0, "%s: zero weight %zu drawn %" PRIu64 " times",
                         what, k, obs[k]);

    double N = (double)CELLS_PER_DRAW * (double)n_words;
    double *exw = malloc(n * sizeof *exw);
    cr_assert_not_null(exw);
    for (size_t v = 0; v <= n_wrong; v++) {
        const double *x = v == 0 ? w : wrong[v - 1];
        double *e = v == 0 ? ex : exw;
        double sum = 0;
        for (size_t k = 0; k < n; k++)
            sum += x[k];
        for (size_t k = 0; k < n; k++)
            e[k] = N * x[k] / sum;
        size_t bins = 0;
        double p = chisq_p_by(obs, e, ex, n, 20, &bins);
        if (v == 0)
            cr_expect_gt(p, P_FAIL, "%s: chi-square p = %g over %zu bins", what, p, bins);
        else
            cr_expect_lt(p, P_FAIL, "%s: perturbed law %zu still fits, p = %g: "
                         "the test has no power", what, v, p);
    }
    dp_cells_free(&t);
    cr_expect(t.n == 0 && t.cell == NULL && t.cdf == NULL);
    free(exw);
    free(ex);
    return obs;
}

/* Catches: bad weights accepted (negative, NaN, inf, all zero, n = 0, no
 * weights, n too large for the cdf's index) or a failed init that leaves a
 * table behind. */
Test(sample, cells_rejects)
{
    dp_cells t;
    const double neg[] = {1, -1e-300, 2}, nan_[] = {1, NAN}, inf[] = {1, INFINITY};
    const double ninf[] = {-INFINITY, 1}, zero[] = {0, 0, 0}, one[] = {1};
    cr_expect_eq(dp_cells_init(&t, neg, 3), -1);
    cr_expect(t.n == 0 && t.cell == NULL && t.cdf == NULL);
    cr_expect_eq(dp_cells_init(&t, nan_, 2), -1);
    cr_expect_eq(dp_cells_init(&t, inf, 2), -1);
    cr_expect_eq(dp_cells_init(&t, ninf, 2), -1);
    cr_expect_eq(dp_cells_init(&t, zero, 3), -1);
    cr_expect_eq(dp_cells_init(&t, one, 0), -1);
    cr_expect_eq(dp_cells_init(&t, NULL, 1), -1);
    /* rejected before w is read */
    cr_expect_eq(dp_cells_init(&t, one, (size_t)UINT32_MAX), -1);
    cr_expect(t.n == 0 && t.cell == NULL && t.cdf == NULL);
    dp_cells_free(&t);
}

/* Catches: a one-outcome law (or one nonzero weight among zeros) drawing
 * anything else; a law whose cdf steps all fall on cell boundaries (1/8,
 * 1/8, 1/4, 1/2) having split cells or cells off by one; subnormal
 * weights. */
Test(sample, cells_small)
{
    dp_pcg64 g;
    dp_rng_stream(&g, SEED, 910);
    static const double one[] = {5}, lone[] = {0, 0, 7, 0};
    static const double *laws[] = {one, lone};
    static const size_t sizes[] = {1, 4}, want[] = {0, 2};
    for (int l = 0; l < 2; l++) {
        dp_cells t;
        cr_assert_eq(dp_cells_init(&t, laws[l], sizes[l]), 0);
        cr_expect_eq(check_cells_exact("one outcome", &t, laws[l], sizes[l]), 0);
        for (int j = 0; j < 100000; j++)
            cr_assert_eq(dp_cells_sample(&t, (uint32_t)(dp_pcg64_next(&g) >> (64 - DP_CELL_BITS)), &g),
                         want[l]);
        dp_cells_free(&t);
    }
    static const double dyadic[] = {1, 1, 2, 4};
    dp_cells t;
    cr_assert_eq(dp_cells_init(&t, dyadic, 4), 0);
    cr_expect_eq(check_cells_exact("dyadic", &t, dyadic, 4), 0, "split cells");
    for (uint32_t c = 0; c < NCELLS; c++)
        cr_assert_eq(t.cell[c], c < NCELLS / 8 ? 0u : c < NCELLS / 4 ? 1u
                                : c < NCELLS / 2 ? 2u : 3u, "cell %u: %u", c, t.cell[c]);
    dp_cells_free(&t);
    static const double tiny[] = {1e-310, 3e-310};
    free(check_cells("subnormal weights", tiny, 2, 200000, 911, NULL, 0));
}

/*
 * The return-delay law of the model: day k + 1 for k < 364 with weight
 * the lognormal density at k + 1 (median 20 days, sigma 0.9), and a
 * catch-all last outcome with the mass beyond. 2e6 outputs (8e6 draws
 * at 13 bits a cell, 4 per output).
 * Power: the same counts against the median moved by +-1% (noncentrality
 * ~ N (0.01 / sigma)^2 = 1000), and against the law shifted by one day,
 * must fail. Catches an outcome off by one, a cell given the wrong
 * outcome, a split cell refined from the wrong bits, a bias from the
 * bit slots of the shifted word (too many per output, say, leaves the
 * last one short of bits).
 */
Test(sample, cells_lognormal)
{
    enum { H = 365 };
    const double zeta = log(20), sigma = 0.9;
    static double w[H], lo[H], hi[H], shift[H];
    for (int k = 0; k < H - 1; k++) {
        w[k] = gsl_ran_lognormal_pdf(k + 1, zeta, sigma);
        lo[k] = gsl_ran_lognormal_pdf(k + 1, zeta - log(1.01), sigma);
        hi[k] = gsl_ran_lognormal_pdf(k + 1, zeta + log(1.01), sigma);
        shift[k + 1] = w[k];
    }
    w[H - 1] = gsl_cdf_lognormal_Q(H - 0.5, zeta, sigma);
    lo[H - 1] = gsl_cdf_lognormal_Q(H - 0.5, zeta - log(1.01), sigma);
    hi[H - 1] = gsl_cdf_lognormal_Q(H - 0.5, zeta + log(1.01), sigma);
    shift[0] = 0;
    shift[H - 1] += w[H - 1];
    const double *wrong[] = {lo, hi, shift};
    free(check_cells("lognormal delays", w, H, 2000000, 920, wrong, 3));
}

/* Zero weights first, in the middle and at the end (left out of the
 * table) must never be drawn; the rest fits. Power: the weight 1 moved by
 * 1% (p = 1 / 6.5: noncentrality N 1e-4 p (1 - p), 104 at N = 8e6, 4
 * cells per output) must fail. */
Test(sample, cells_zeros)
{
    static const double w[] = {0, 2, 0, 0, 1, 3, 0, 0.5, 0, 0};
    static const double up[] = {0, 2, 0, 0, 1.01, 3, 0, 0.5, 0, 0};
    static const double down[] = {0, 2, 0, 0, 0.99, 3, 0, 0.5, 0, 0};
    const double *wrong[] = {up, down};
    free(check_cells("zeros", w, 10, 2000000, 930, wrong, 2));
}

/*
 * Outcomes of probability ~1e-6, far below a cell (2^-13 = 1.2e-4), in the
 * middle and last: each lies inside one split cell, so only the
 * refinement can give it its share. 1e7 outputs (4e7 draws at 4 cells per
 * output: 40, 80 and 40 expected).
 * Besides the chi-square, each tiny count must be a plausible Poisson count
 * (two-sided, at P_FAIL): a tiny outcome never drawn (refinement ignoring the low
 * bits) or drawn with a whole cell's share fails.
 */
/* Outcomes at and past DP_CELL_FAR (32,767: delays of about 90 years),
 * which 16-bit cells cannot name: their cells are marked and refined from
 * DP_CELL_FAR by the cdf. Catches an outcome past it drawn as DP_CELL_FAR
 * (or wrapped into 16 bits), or off by one either side of it: the
 * perturbed law moves 1% between 32,767 and 32,768. */
Test(sample, cells_far)
{
    enum { N = 33000 };
    static double w[N], wrong[N];
    w[0] = 0.3;
    w[DP_CELL_FAR - 1] = 0.1;
    w[DP_CELL_FAR] = 0.1;
    w[DP_CELL_FAR + 1] = 0.1;
    w[N - 1] = 0.4;
    for (size_t k = 0; k < N; k++) wrong[k] = w[k];
    wrong[DP_CELL_FAR] -= 0.01;
    wrong[DP_CELL_FAR + 1] += 0.01;
    const double *wrongs[] = {wrong};
    free(check_cells("far", w, N, 1000000, 945, wrongs, 1));
}

Test(sample, cells_tiny)
{
    static const double w[] = {0.25, 1e-6, 0.5, 2e-6, 0.25 - 4e-6, 1e-6};
    uint64_t *obs = check_cells("tiny", w, 6, 10000000, 940, NULL, 0);
    static const size_t tiny[] = {1, 3, 5};
    for (int i = 0; i < 3; i++) {
        double e = 1e7 * CELLS_PER_DRAW * w[tiny[i]];
        unsigned o = (unsigned)obs[tiny[i]];
        double lower = gsl_cdf_poisson_P(o, e);
        double upper = o > 0 ? gsl_cdf_poisson_Q(o - 1, e) : 1;
        cr_expect(lower > P_FAIL && upper > P_FAIL, "tiny outcome %zu: drawn %u "
                  "times, %g expected", tiny[i], o, e);
    }
    free(obs);
}
