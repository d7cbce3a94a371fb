/*
 * test_dist.c - the distribution table (src/dist.c and the types in src/dist/).
 *
 * Statistical tests use a fixed seed (GSL's mt19937) and fail when a
 * chi-square p-value is below ALPHA = 1e-9, so that a correct implementation
 * fails less than once in 10^7 runs over the whole file. Every goodness-of-fit
 * test also proves its own power: the same counts are tested against the
 * reference law with each parameter moved by +1% and by -1%, and each of
 * those must fail. So a sampler with a parameter off by 1% fails the test.
 *
 * References are independent of the code under test: GSL's cdfs where GSL has
 * them (gaussian, lognormal, beta, gamma, flat) and closed forms written here.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>
#include "dp_dist.h"

#define ALPHA 1e-9
#define NBINS 20
#define Z95 1.6448536269514722

static void setup(void)
{
    gsl_set_error_handler_off();
}

TestSuite(dist, .init = setup);

static gsl_rng *rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_assert_not_null(r);
    gsl_rng_set(r, seed);
    return r;
}

/* A prepared distribution of a numeric type; asserts that prepare agrees. */
static dp_dist make(const char *name, double p0, double p1, double p2)
{
    dp_dist d;
    memset(&d, 0, sizeof d);
    d.type = dp_dist_find(name, strlen(name));
    cr_assert_not_null(d.type, "%s", name);
    d.p[0] = p0;
    d.p[1] = p1;
    d.p[2] = p2;
    const char *msg = d.type->prepare(&d);
    cr_assert_null(msg, "%s: %s", name, msg);
    return d;
}

/* What prepare says about parameters (NULL when fine). */
static const char *rule(const char *name, double p0, double p1, double p2)
{
    dp_dist d;
    memset(&d, 0, sizeof d);
    d.type = dp_dist_find(name, strlen(name));
    cr_assert_not_null(d.type, "%s", name);
    d.p[0] = p0;
    d.p[1] = p1;
    d.p[2] = p2;
    return d.type->prepare(&d);
}

static double *copy_of(const double *v, size_t n)
{
    double *a = malloc(n * sizeof *a);
    cr_assert_not_null(a);
    memcpy(a, v, n * sizeof *a);
    return a;
}

/* discrete(values, weights): prepare's message, *d filled (free it). */
static const char *discrete(dp_dist *d, const double *v, const double *w, size_t n)
{
    memset(d, 0, sizeof *d);
    d->type = dp_dist_find("discrete", 8);
    d->n = n;
    d->values = n ? copy_of(v, n) : NULL;
    d->weights = n ? copy_of(w, n) : NULL;
    return d->type->prepare(d);
}

/* truncate(inner, lo, hi), taking inner over. */
static const char *make_truncate(dp_dist *d, dp_dist inner, double lo, double hi)
{
    memset(d, 0, sizeof *d);
    d->type = dp_dist_find("truncate", 8);
    d->inner = malloc(sizeof *d->inner);
    cr_assert_not_null(d->inner);
    *d->inner = inner;
    d->p[0] = lo;
    d->p[1] = hi;
    return d->type->prepare(d);
}

/* ---- reference cdfs, parameters as written ---- */

typedef double (*ref_cdf)(double x, const double *par);

static double ref_uniform(double x, const double *p) { return gsl_cdf_flat_P(x, p[0], p[1]); }
static double ref_normal(double x, const double *p) { return gsl_cdf_gaussian_P(x - p[0], p[1]); }
static double ref_lognormal(double x, const double *p)
{
    return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, p[0], p[1]);
}
static double ref_to(double x, const double *p)
{
    double mu = (log(p[0]) + log(p[1])) / 2, sigma = (log(p[1]) - log(p[0])) / (2 * Z95);
    return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, mu, sigma);
}
static double ref_beta(double x, const double *p)
{
    return x <= 0 ? 0 : x >= 1 ? 1 : gsl_cdf_beta_P(x, p[0], p[1]);
}
static double ref_gamma(double x, const double *p)
{
    return x <= 0 ? 0 : gsl_cdf_gamma_P(x, p[0], p[1]);
}
static double ref_triangular(double x, const double *p)
{
    double a = p[0], c = p[1], b = p[2];
    if (x <= a)
        return 0;
    if (x >= b)
        return 1;
    if (x <= c)
        return (x - a) * (x - a) / ((b - a) * (c - a));
    return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}
static double ref_pert(double x, const double *p)
{
    double a = p[0], m = p[1], b = p[2];
    if (x <= a)
        return 0;
    if (x >= b)
        return 1;
    return gsl_cdf_beta_P((x - a) / (b - a), 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a));
}
/* normal(p0, p1) conditioned on [p2, p3] */
static double ref_trunc_normal(double x, const double *p)
{
    if (x < p[2])
        return 0;
    if (x >= p[3])
        return 1;
    double a = gsl_cdf_gaussian_P(p[2] - p[0], p[1]);
    double b = gsl_cdf_gaussian_P(p[3] - p[0], p[1]);
    return (gsl_cdf_gaussian_P(x - p[0], p[1]) - a) / (b - a);
}
/* (p0 to p1) conditioned on [p2, p3] */
static double ref_trunc_to(double x, const double *p)
{
    if (x < p[2])
        return 0;
    if (x >= p[3])
        return 1;
    return (ref_to(x, p) - ref_to(p[2], p)) / (ref_to(p[3], p) - ref_to(p[2], p));
}

/* ---- goodness of fit ---- */

/* Chi-square p-value of counts in the bins (e[j-1], e[j]] against F. */
static double chisq_p(const size_t *count, const double *e, size_t n, ref_cdf F, const double *par)
{
    double stat = 0, prev = 0;
    int used = 0;
    for (int j = 0; j < NBINS; j++) {
        double next = j + 1 < NBINS ? F(e[j], par) : 1.0;
        double expect = (double)n * (next - prev);
        prev = next;
        if (expect <= 0) {
            if (count[j] > 0)
                return 0;   /* a draw where F has no mass */
            continue;
        }
        double dlt = (double)count[j] - expect;
        stat += dlt * dlt / expect;
        used++;
    }
    return used > 1 ? gsl_cdf_chisq_Q(stat, used - 1) : 1.0;
}

/* Draws n from d into NBINS bins cut at d's own quantiles j/NBINS (the
 * expected counts come from the reference F, so a wrong quantile cannot hide
 * a wrong sampler), then: the fit to F(par) must pass, and the fit to F with
 * each of the npower parameters (0, or all of them) moved by +-1% must fail. Draws must lie
 * in [lo, hi]. */
static void gof(const dp_dist *d, ref_cdf F, const double *par, int npower, size_t n,
                unsigned long seed, double lo, double hi, const char *what)
{
    double e[NBINS - 1];
    for (int j = 1; j < NBINS; j++)
        e[j - 1] = d->type->quantile(d, (double)j / NBINS);
    size_t count[NBINS] = {0};
    gsl_rng *r = rng(seed);
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = d->type->sample(d, r);
        xmin = fmin(xmin, x);
        xmax = fmax(xmax, x);
        size_t a = 0, b = NBINS - 1;   /* bin = number of edges below x */
        while (a < b) {
            size_t m = (a + b) / 2;
            if (e[m] < x)
                a = m + 1;
            else
                b = m;
        }
        count[a]++;
    }
    gsl_rng_free(r);
    cr_assert(xmin >= lo && xmax <= hi, "%s: draws in [%g, %g], outside [%g, %g]", what,
              xmin, xmax, lo, hi);
    double pv = chisq_p(count, e, n, F, par);
    cr_assert(pv >= ALPHA, "%s: chi-square p = %g", what, pv);
    for (int i = 0; i < npower; i++) {
        for (int s = -1; s <= 1; s += 2) {
            double moved[6];
            memcpy(moved, par, (size_t)npower * sizeof *moved);
            moved[i] *= 1 + 0.01 * s;
            double pm = chisq_p(count, e, n, F, moved);
            cr_assert(pm < ALPHA, "%s: parameter %d moved by %+d%% still fits (p = %g)",
                      what, i, s, pm);
        }
    }
}

/* d's own cdf agrees with the reference, and its quantile inverts it:
 * F(Q(u)) = u, Q(F(x)) = x, monotone, with the support ends at u = 0, 1. */
static void check_cdf_quantile(const dp_dist *d, ref_cdf F, const double *par,
                               double lo, double hi, const char *what)
{
    double slo, shi;
    d->type->support(d, &slo, &shi);
    cr_assert(slo == lo && shi == hi, "%s: support [%g, %g]", what, slo, shi);
    cr_assert(d->type->quantile(d, 0.0) == lo, "%s: Q(0) = %g", what, d->type->quantile(d, 0.0));
    cr_assert(d->type->quantile(d, 1.0) == hi, "%s: Q(1) = %g", what, d->type->quantile(d, 1.0));
    static const double us[] = {1e-12, 1e-6, 1e-3, 0.01, 0.05, 0.1, 0.25, 0.5,
                                0.75, 0.9, 0.95, 0.99, 0.999, 1 - 1e-6};
    double prev = -INFINITY;
    for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
        double u = us[i], x = d->type->quantile(d, u);
        cr_assert(x >= lo && x <= hi && x >= prev, "%s: Q(%g) = %g", what, u, x);
        prev = x;
        double fx = d->type->cdf(d, x);
        cr_assert(fabs(fx - u) <= 1e-9 * fmin(u, 1 - u) + 1e-14,
                  "%s: F(Q(%g)) = %.17g", what, u, fx);
        cr_assert(fabs(fx - F(x, par)) <= 1e-12, "%s: F(%g) = %.17g, reference %.17g",
                  what, x, fx, F(x, par));
        if (u >= 1e-6 && u <= 1 - 1e-6) {
            double back = d->type->quantile(d, fx);
            cr_assert(fabs(back - x) <= 1e-8 * fmax(fabs(x), 1e-300) + 1e-300,
                      "%s: Q(F(%.17g)) = %.17g", what, x, back);
        }
    }
    cr_assert_eq(d->type->cdf(d, -INFINITY), 0.0, "%s", what);
    cr_assert_eq(d->type->cdf(d, INFINITY), 1.0, "%s", what);
    double mid = d->type->quantile(d, 0.5);
    cr_assert(fabs(dp_dist_cdf_left(d, mid) - d->type->cdf(d, mid)) < 1e-14, "%s: atom", what);
}

/* ---- the table ---- */

/* Every type is found by its exact name, names are unique, the table is
 * NULL-terminated; prefixes and longer words are not names. */
Test(dist, table_and_find)
{
    static const char *names[] = {"fixed", "to", "uniform", "normal", "lognormal", "triangular",
                                  "pert", "beta", "gamma", "discrete", "truncate"};
    size_t n = 0;
    for (const dp_dist_type *const *t = dp_dist_types; *t; t++, n++) {
        cr_assert_not_null((*t)->prepare);
        cr_assert_not_null((*t)->sample);
        cr_assert_not_null((*t)->cdf);
        cr_assert_not_null((*t)->quantile);
        cr_assert_not_null((*t)->support);
        cr_assert_eq(dp_dist_find((*t)->name, strlen((*t)->name)), *t);
    }
    cr_assert_eq(n, sizeof names / sizeof *names);
    for (size_t i = 0; i < n; i++)
        cr_assert_not_null(dp_dist_find(names[i], strlen(names[i])), "%s", names[i]);
    cr_assert_null(dp_dist_find("unif", 4));
    cr_assert_null(dp_dist_find("uniformx", 8));
    cr_assert_null(dp_dist_find("Uniform", 7));
    cr_assert_eq(dp_dist_find("uniform(", 7), dp_dist_find("uniform", 7));
}

/* ---- each distribution: fit, cdf, quantile ---- */

/* Catches a flat sampler on the wrong interval (either end off by 1%). */
Test(dist, uniform)
{
    double par[] = {10, 20};
    dp_dist d = make("uniform", 10, 20, 0);
    check_cdf_quantile(&d, ref_uniform, par, 10, 20, "uniform");
    gof(&d, ref_uniform, par, 2, 400000, 1, 10, 20, "uniform(10, 20)");
}

/* Catches a mean or an sd off by 1% (or a variance used for an sd). */
Test(dist, normal)
{
    double par[] = {100, 10};
    dp_dist d = make("normal", 100, 10, 0);
    check_cdf_quantile(&d, ref_normal, par, -INFINITY, INFINITY, "normal");
    gof(&d, ref_normal, par, 2, 2000000, 2, -INFINITY, INFINITY, "normal(100, 10)");
}

/* Catches mu and sigma swapped or off by 1%. */
Test(dist, lognormal)
{
    double par[] = {2, 0.5};
    dp_dist d = make("lognormal", 2, 0.5, 0);
    check_cdf_quantile(&d, ref_lognormal, par, 0, INFINITY, "lognormal");
    gof(&d, ref_lognormal, par, 2, 2000000, 3, 0, INFINITY, "lognormal(2, 0.5)");
}

/* "a to b" puts 5% below a and 5% above b: catches a z of 1.96 or 1.28
 * (95% or 80% intervals), a natural/decimal log mix-up, either end off 1%. */
Test(dist, to)
{
    double par[] = {70, 120};
    dp_dist d = make("to", 70, 120, 0);
    cr_assert(fabs(d.type->cdf(&d, 70) - 0.05) < 1e-12, "F(a) = %.17g", d.type->cdf(&d, 70));
    cr_assert(fabs(d.type->cdf(&d, 120) - 0.95) < 1e-12, "F(b) = %.17g", d.type->cdf(&d, 120));
    cr_assert(fabs(d.type->quantile(&d, 0.05) - 70) < 1e-8);
    cr_assert(fabs(d.type->quantile(&d, 0.95) - 120) < 1e-8);
    cr_assert(fabs(d.p[2] - log(70 * 120.0) / 2) < 1e-14);
    cr_assert(fabs(d.p[3] - log(120 / 70.0) / (2 * Z95)) < 1e-14);
    check_cdf_quantile(&d, ref_to, par, 0, INFINITY, "to");
    gof(&d, ref_to, par, 2, 400000, 4, 0, INFINITY, "70 to 120");

    /* percents come in already divided: 0.4% to 1.5% */
    dp_dist e = make("to", 0.004, 0.015, 0);
    cr_assert(fabs(e.type->cdf(&e, 0.004) - 0.05) < 1e-12);
    cr_assert(fabs(e.type->cdf(&e, 0.015) - 0.95) < 1e-12);
}

/* Inside mode, and mode at either end: catches the two branches of the
 * closed forms swapped, and min, mode or max off by 1%. */
Test(dist, triangular)
{
    double par[] = {10, 15, 30};
    dp_dist d = make("triangular", 10, 15, 30);
    check_cdf_quantile(&d, ref_triangular, par, 10, 30, "triangular");
    gof(&d, ref_triangular, par, 3, 2000000, 5, 10, 30, "triangular(10, 15, 30)");

    double lo[] = {10, 10, 30};
    dp_dist a = make("triangular", 10, 10, 30);
    check_cdf_quantile(&a, ref_triangular, lo, 10, 30, "triangular, mode = min");
    gof(&a, ref_triangular, lo, 0, 200000, 6, 10, 30, "triangular(10, 10, 30)");

    double hi[] = {10, 30, 30};
    dp_dist b = make("triangular", 10, 30, 30);
    check_cdf_quantile(&b, ref_triangular, hi, 10, 30, "triangular, mode = max");
    gof(&b, ref_triangular, hi, 0, 200000, 7, 10, 30, "triangular(10, 30, 30)");
}

/* PERT is min + (max - min) Beta(1 + 4(mode-min)/range, 1 + 4(max-mode)/range):
 * catches a shape of 6 or of 2 (other "lambda"), the triangle in place of
 * the beta, and min, mode or max off by 1%. */
Test(dist, pert)
{
    double par[] = {10, 15, 30};
    dp_dist d = make("pert", 10, 15, 30);
    cr_assert(fabs(d.p[3] - 2.0) < 1e-15 && fabs(d.p[4] - 4.0) < 1e-15);
    check_cdf_quantile(&d, ref_pert, par, 10, 30, "pert");
    gof(&d, ref_pert, par, 3, 2000000, 8, 10, 30, "pert(10, 15, 30)");

    double lo[] = {10, 10, 30};
    dp_dist a = make("pert", 10, 10, 30);
    check_cdf_quantile(&a, ref_pert, lo, 10, 30, "pert, mode = min");
    gof(&a, ref_pert, lo, 0, 200000, 9, 10, 30, "pert(10, 10, 30)");
}

/* Both of GSL's methods (Johnk for a, b <= 1; gamma ratio otherwise):
 * catches a and b swapped or off by 1%. */
Test(dist, beta)
{
    double par[] = {2, 6};
    dp_dist d = make("beta", 2, 6, 0);
    check_cdf_quantile(&d, ref_beta, par, 0, 1, "beta(2, 6)");
    gof(&d, ref_beta, par, 2, 2000000, 10, 0, 1, "beta(2, 6)");

    double small[] = {0.5, 0.7};
    dp_dist e = make("beta", 0.5, 0.7, 0);
    check_cdf_quantile(&e, ref_beta, small, 0, 1, "beta(0.5, 0.7)");
    gof(&e, ref_beta, small, 2, 3000000, 11, 0, 1, "beta(0.5, 0.7)");
}

/* Shape below and above 1 (GSL's boost for k < 1): catches shape and scale
 * swapped, a rate used for the scale, either off by 1%. */
Test(dist, gamma)
{
    double par[] = {3, 2};
    dp_dist d = make("gamma", 3, 2, 0);
    check_cdf_quantile(&d, ref_gamma, par, 0, INFINITY, "gamma(3, 2)");
    gof(&d, ref_gamma, par, 2, 1000000, 12, 0, INFINITY, "gamma(3, 2)");

    double small[] = {0.5, 4};
    dp_dist e = make("gamma", 0.5, 4, 0);
    check_cdf_quantile(&e, ref_gamma, small, 0, INFINITY, "gamma(0.5, 4)");
    gof(&e, ref_gamma, small, 2, 6000000, 13, 0, INFINITY, "gamma(0.5, 4)");
}

/* A fixed value is an atom: F jumps at v, P(X < v) = 0. */
Test(dist, fixed)
{
    dp_dist d;
    dp_dist_fixed(&d, 7.5);
    cr_assert(dp_dist_is_fixed(&d));
    cr_assert_null(d.type->prepare(&d));
    gsl_rng *r = rng(14);
    cr_assert_eq(d.type->sample(&d, r), 7.5);
    gsl_rng_free(r);
    cr_assert_eq(d.type->cdf(&d, 7.5), 1.0);
    cr_assert_eq(d.type->cdf(&d, nextafter(7.5, 0)), 0.0);
    cr_assert_eq(dp_dist_cdf_left(&d, 7.5), 0.0);
    cr_assert_eq(d.type->quantile(&d, 0), 7.5);
    cr_assert_eq(d.type->quantile(&d, 1), 7.5);
    dp_dist u = make("uniform", 0, 1, 0);
    cr_assert_not(dp_dist_is_fixed(&u));
}

/* Where GSL's inverse fails to converge (it returns NaN: for most u with
 * beta(0.02, 5) or gamma(0.01, 1), some with beta(0.3, 200), beta(2000,
 * 3000), gamma(1e5, 1e-5)), the quantile falls back to bisection: catches a
 * NaN reaching a draw, or a wrong answer, for shapes an analyst may write. */
Test(dist, quantile_extreme_shapes)
{
    dp_dist ds[] = {
        make("beta", 0.02, 5, 0), make("beta", 5, 0.02, 0), make("beta", 0.3, 200, 0),
        make("beta", 2000, 3000, 0), make("gamma", 0.01, 1, 0), make("gamma", 1e5, 1e-5, 0),
        make("pert", 0, 1e-9, 1),
    };
    for (size_t k = 0; k < sizeof ds / sizeof *ds; k++) {
        const dp_dist *d = &ds[k];
        double prev = -1;
        for (int i = 1; i < 200; i++) {
            double u = i / 200.0, x = d->type->quantile(d, u);
            cr_assert(isfinite(x) && x >= prev, "dist %zu: Q(%g) = %g", k, u, x);
            prev = x;
            /* inf{x : F(x) >= u}, to GSL's own tolerance (1.5e-8 u) */
            double f = d->type->cdf(d, x);
            double fb = d->type->cdf(d, nextafter(x, -INFINITY));
            cr_assert(f >= u - 1e-8 && fb <= u + 1e-8, "dist %zu: F(Q(%g)) = %.17g, below %.17g",
                      k, u, f, fb);
        }
    }
    dp_dist g = ds[4], h = make("gamma", 2000, 0.001, 0);
    /* the bisection itself: inf{x : F(x) >= u} */
    dp_dist n = make("normal", 0, 1, 0);
    cr_assert(fabs(dp_dist_cdf_solve(&n, 0.975, -10, 10) - 1.959963984540054) < 1e-12);
    cr_assert(fabs(dp_dist_cdf_solve(&g, 0.5, 0, INFINITY) - g.type->quantile(&g, 0.5)) <
              1e-9 * g.type->quantile(&g, 0.5) + 1e-300);
    cr_assert(fabs(dp_dist_cdf_solve(&h, 0.5, 0, INFINITY) - 1.9996667) < 1e-6);
}

/* ---- discrete ---- */

/* Values written unsorted, with a repeated value and a zero weight: the
 * pairs are sorted, weights normalised, cum exactly 1 at the end. Chi-square
 * of 2e7 draws: catches the probability of any value off by 1% (a weight of
 * 9 or -2, or the total weight of 5), the zero weight drawn, a repeated value
 * counted once, an off-by-one in the search. */
Test(dist, discrete_frequencies)
{
    static const double v[] = {9, 5, -2, 5, 100};
    static const double w[] = {3, 1, 2, 4, 0};   /* P(-2)=.2 P(5)=.5 P(9)=.3 */
    dp_dist d;
    cr_assert_null(discrete(&d, v, w, 5));
    static const double sv[] = {-2, 5, 5, 9, 100};
    static const double sw[] = {0.2, 0.1, 0.4, 0.3, 0};
    static const double sc[] = {0.2, 0.3, 0.7, 1.0, 1.0};
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(d.values[i], sv[i]);
        cr_assert(fabs(d.weights[i] - sw[i]) < 1e-15);
        cr_assert(fabs(d.cum[i] - sc[i]) < 1e-15);
    }
    cr_assert_eq(d.cum[3], 1.0);

    const size_t n = 20000000;
    size_t count[3] = {0};
    gsl_rng *r = rng(20);
    for (size_t i = 0; i < n; i++) {
        double x = d.type->sample(&d, r);
        if (x == -2)
            count[0]++;
        else if (x == 5)
            count[1]++;
        else if (x == 9)
            count[2]++;
        else
            cr_assert_fail("drew %g", x);
    }
    gsl_rng_free(r);
    /* the same counts against weights 2, 5, 3 (of -2, 5, 9), each moved by
     * +-1% in turn */
    for (int k = -1; k < 3; k++) {
        for (int s = -1; s <= 1; s += 2) {
            double ww[3] = {2, 5, 3};
            if (k >= 0)
                ww[k] *= 1 + 0.01 * s;
            double tot = ww[0] + ww[1] + ww[2], stat = 0;
            for (int j = 0; j < 3; j++) {
                double e = n * ww[j] / tot, dl = (double)count[j] - e;
                stat += dl * dl / e;
            }
            double pv = gsl_cdf_chisq_Q(stat, 2);
            if (k < 0)
                cr_assert(pv >= ALPHA, "discrete: p = %g", pv);
            else
                cr_assert(pv < ALPHA, "weight %d moved by %+d%% still fits (p = %g)", k, s, pv);
            if (k < 0)
                break;
        }
    }
    dp_dist_free(&d);
    cr_assert_null(d.values);
}

/* Q(u) = inf{x : F(x) >= u}: exactly at a cum value it is that value, just
 * above it the next; u = 0 and 1 give the support ends (values of positive
 * weight, so not a zero-weight value at either end). */
Test(dist, discrete_cdf_quantile)
{
    static const double v[] = {0, 1, 2, 3, 4};
    static const double w[] = {0, 1, 1, 2, 0};
    dp_dist d;
    cr_assert_null(discrete(&d, v, w, 5));
    double lo, hi;
    d.type->support(&d, &lo, &hi);
    cr_assert(lo == 1 && hi == 3);
    cr_assert_eq(d.type->quantile(&d, 0), 1);
    cr_assert_eq(d.type->quantile(&d, 1), 3);
    cr_assert_eq(d.type->quantile(&d, 1e-300), 1);
    cr_assert_eq(d.type->quantile(&d, 0.25), 1);
    cr_assert_eq(d.type->quantile(&d, nextafter(0.25, 1)), 2);
    cr_assert_eq(d.type->quantile(&d, 0.5), 2);
    cr_assert_eq(d.type->quantile(&d, nextafter(0.5, 1)), 3);
    cr_assert_eq(d.type->cdf(&d, 0.999), 0.0);
    cr_assert_eq(d.type->cdf(&d, 1), 0.25);
    cr_assert_eq(d.type->cdf(&d, 2.5), 0.5);
    cr_assert_eq(d.type->cdf(&d, 3), 1.0);
    cr_assert_eq(d.type->cdf(&d, 100), 1.0);
    cr_assert_eq(dp_dist_cdf_left(&d, 2), 0.25);
    cr_assert_eq(dp_dist_cdf_left(&d, 3), 0.5);
    cr_assert_eq(dp_dist_cdf_left(&d, 1), 0.0);
    for (int i = 0; i <= 1000; i++) {   /* F(Q(u)) >= u and F(Q(u)-) < u */
        double u = i / 1000.0, x = d.type->quantile(&d, u);
        cr_assert(d.type->cdf(&d, x) >= u);
        if (u > 0)
            cr_assert(dp_dist_cdf_left(&d, x) < u);
    }
    dp_dist_free(&d);

    /* one value: a point mass */
    dp_dist one;
    cr_assert_null(discrete(&one, (double[]){4}, (double[]){0.3}, 1));
    cr_assert_eq(one.type->quantile(&one, 0.5), 4);
    cr_assert_eq(one.cum[0], 1.0);
    dp_dist_free(&one);

    /* huge weights do not overflow the sum */
    dp_dist big;
    cr_assert_null(discrete(&big, (double[]){1, 2}, (double[]){1e308, 1e308}, 2));
    cr_assert(fabs(big.weights[0] - 0.5) < 1e-15 && big.cum[1] == 1.0);
    dp_dist_free(&big);
}

/* ---- the mass inside a field's domain ---- */

/* Point masses on the bounds: [lo, hi] takes both, (lo, hi] not lo.
 * Conditioned inverse-CDF draws over the open (ulo, uhi) give each value in
 * the domain its weight renormalised. Catches cdf and cdf_left mixed up. */
Test(dist, mass_in_discrete)
{
    static const double v[] = {0, 0.5, 1, 2};
    static const double w[] = {1, 1, 1, 1};
    dp_dist d;
    cr_assert_null(discrete(&d, v, w, 4));
    double ulo, uhi;
    double m = dp_dist_mass_in(&d, (dp_domain){0, 1, false}, &ulo, &uhi);
    cr_assert(ulo == 0 && uhi == 0.75 && m == 0.75, "%g %g %g", ulo, uhi, m);
    m = dp_dist_mass_in(&d, (dp_domain){0, 1, true}, &ulo, &uhi);
    cr_assert(ulo == 0.25 && uhi == 0.75 && m == 0.5, "%g %g %g", ulo, uhi, m);
    m = dp_dist_mass_in(&d, (dp_domain){0.5, INFINITY, false}, &ulo, &uhi);
    cr_assert(ulo == 0.25 && uhi == 1 && m == 0.75);
    m = dp_dist_mass_in(&d, (dp_domain){2, INFINITY, true}, &ulo, &uhi);
    cr_assert(m == 0);
    m = dp_dist_mass_in(&d, (dp_domain){-5, -1, false}, NULL, NULL);
    cr_assert(m == 0);

    /* (0, 1]: values 0.5 and 1, half each */
    m = dp_dist_mass_in(&d, (dp_domain){0, 1, true}, &ulo, &uhi);
    const int M = 100000;
    int c05 = 0, c1 = 0;
    for (int k = 1; k < M; k++) {
        double x = d.type->quantile(&d, ulo + (uhi - ulo) * k / M);
        cr_assert(dp_domain_has((dp_domain){0, 1, true}, x), "drew %g", x);
        c05 += x == 0.5;
        c1 += x == 1;
    }
    cr_assert(abs(c05 - M / 2) <= 1 && abs(c1 - M / 2) <= 1, "%d %d", c05, c1);
    cr_assert_eq(d.type->quantile(&d, nextafter(ulo, 1)), 0.5);
    cr_assert_eq(d.type->quantile(&d, uhi), 1);
    dp_dist_free(&d);
}

/* Continuous laws: the mass is F(hi) - F(lo), open or not; a fixed value
 * is wholly in or out (on an open bound: out). */
Test(dist, mass_in_continuous_and_fixed)
{
    dp_dist n = make("normal", 0, 1, 0);
    double ulo, uhi;
    double m = dp_dist_mass_in(&n, (dp_domain){0, INFINITY, false}, &ulo, &uhi);
    cr_assert(fabs(m - 0.5) < 1e-15 && fabs(ulo - 0.5) < 1e-15 && uhi == 1);
    m = dp_dist_mass_in(&n, (dp_domain){-1, 1, true}, NULL, NULL);
    cr_assert(fabs(m - 0.6826894921370859) < 1e-14);
    dp_dist l = make("lognormal", 0, 1, 0);
    cr_assert_eq(dp_dist_mass_in(&l, (dp_domain){0, INFINITY, true}, NULL, NULL), 1.0);
    dp_dist b = make("beta", 2, 3, 0);
    cr_assert_eq(dp_dist_mass_in(&b, (dp_domain){0, 1, false}, NULL, NULL), 1.0);

    dp_dist f;
    dp_dist_fixed(&f, 5);
    cr_assert_eq(dp_dist_mass_in(&f, (dp_domain){0, 5, false}, NULL, NULL), 1.0);
    cr_assert_eq(dp_dist_mass_in(&f, (dp_domain){5, 10, true}, NULL, NULL), 0.0);
    cr_assert_eq(dp_dist_mass_in(&f, (dp_domain){5, 10, false}, NULL, NULL), 1.0);
    cr_assert_eq(dp_dist_mass_in(&f, (dp_domain){0, 4.999, false}, NULL, NULL), 0.0);

    cr_assert(dp_domain_has((dp_domain){0, 1, false}, 0));
    cr_assert_not(dp_domain_has((dp_domain){0, 1, true}, 0));
    cr_assert(dp_domain_has((dp_domain){0, 1, true}, 1));
    cr_assert_not(dp_domain_has((dp_domain){0, 1, false}, nextafter(1, 2)));
    cr_assert_not(dp_domain_has((dp_domain){0, INFINITY, false}, NAN));
    cr_assert(dp_domain_has((dp_domain){0, INFINITY, false}, INFINITY));
}

/* ---- truncate ---- */

/* normal(10, 2) on [9, 15] (69% inside: the rejection path) and on [13, 15]
 * (6% inside: the inversion path). Histogram against the renormalised cdf;
 * nothing outside. Catches clipping (mass piled on the bounds), a lost
 * renormalisation, and lo, hi, mean or sd off by 1%. */
Test(dist, truncate_normal)
{
    double pa[] = {10, 2, 9, 15};
    dp_dist a;
    cr_assert_null(make_truncate(&a, make("normal", 10, 2, 0), 9, 15));
    check_cdf_quantile(&a, ref_trunc_normal, pa, 9, 15, "truncate(normal(10, 2), 9, 15)");
    gof(&a, ref_trunc_normal, pa, 4, 2000000, 30, 9, 15, "truncate(normal(10, 2), 9, 15)");
    dp_dist_free(&a);

    double pb[] = {10, 2, 13, 15};
    dp_dist b;
    cr_assert_null(make_truncate(&b, make("normal", 10, 2, 0), 13, 15));
    cr_assert(b.p[3] - b.p[2] < 0.5);
    check_cdf_quantile(&b, ref_trunc_normal, pb, 13, 15, "truncate(normal(10, 2), 13, 15)");
    gof(&b, ref_trunc_normal, pb, 4, 1000000, 31, 13, 15, "truncate(normal(10, 2), 13, 15)");
    dp_dist_free(&b);
}

/* truncate of "a to b", and its support when [lo, hi] reaches past the
 * inner support (lo below 0): the support is [0, hi]. */
Test(dist, truncate_to)
{
    double pa[] = {70, 120, 80, 110};
    dp_dist a;
    cr_assert_null(make_truncate(&a, make("to", 70, 120, 0), 80, 110));
    check_cdf_quantile(&a, ref_trunc_to, pa, 80, 110, "truncate(70 to 120, 80, 110)");
    gof(&a, ref_trunc_to, pa, 4, 1000000, 32, 80, 110, "truncate(70 to 120, 80, 110)");
    dp_dist_free(&a);

    dp_dist b;
    cr_assert_null(make_truncate(&b, make("to", 70, 120, 0), -5, 100));
    cr_assert_eq(b.type->quantile(&b, 0), 0);
    cr_assert_eq(b.type->quantile(&b, 1), 100);
    dp_dist_free(&b);
}

/* truncate of a discrete law: only the atoms inside [lo, hi], renormalised;
 * Q(0) and Q(1) are the end atoms inside (not lo, hi themselves). Catches
 * dropping an atom on a bound and sampling an atom outside. Then the same
 * one level deeper, and the mass of a domain cut through it. */
Test(dist, truncate_discrete)
{
    static const double v[] = {1, 2, 3, 4, 5};
    static const double w[] = {1, 1, 2, 1, 1};
    dp_dist in, t;
    cr_assert_null(discrete(&in, v, w, 5));
    cr_assert_null(make_truncate(&t, in, 1.5, 4));   /* 2, 3, 4 with 1/4, 2/4, 1/4 */
    double lo, hi;
    t.type->support(&t, &lo, &hi);
    cr_assert(lo == 2 && hi == 4, "%g %g", lo, hi);
    cr_assert_eq(t.type->quantile(&t, 0), 2);
    cr_assert_eq(t.type->quantile(&t, 1), 4);
    cr_assert_eq(t.type->quantile(&t, 0.2499999), 2);
    cr_assert_eq(t.type->quantile(&t, 0.2500001), 3);
    cr_assert_eq(t.type->quantile(&t, 0.7499999), 3);
    cr_assert_eq(t.type->quantile(&t, 0.7500001), 4);
    cr_assert(fabs(t.type->cdf(&t, 2) - 0.25) < 1e-15);
    cr_assert(fabs(t.type->cdf(&t, 3.5) - 0.75) < 1e-15);
    cr_assert_eq(dp_dist_cdf_left(&t, 2), 0.0);
    cr_assert(fabs(dp_dist_cdf_left(&t, 4) - 0.75) < 1e-15);
    /* Q agrees with G as computed, even exactly at its steps: F(Q(u)) >= u
     * and F(Q(u)-) < u, so draws over (G(lo-), G(hi)) never leave [lo, hi] */
    for (int i = 1; i <= 4000; i++) {
        double us[3] = {i / 4000.0, t.type->cdf(&t, 2), t.type->cdf(&t, 3)};
        for (int k = 0; k < 3; k++) {
            double x = t.type->quantile(&t, us[k]);
            cr_assert(t.type->cdf(&t, x) >= us[k] && dp_dist_cdf_left(&t, x) < us[k],
                      "Q(%.17g) = %g", us[k], x);
        }
    }

    const size_t n = 4000000;
    size_t c[3] = {0};
    gsl_rng *r = rng(33);
    for (size_t i = 0; i < n; i++) {
        double x = t.type->sample(&t, r);
        cr_assert(x == 2 || x == 3 || x == 4, "drew %g", x);
        c[(int)x - 2]++;
    }
    gsl_rng_free(r);
    double pr[3] = {0.25, 0.5, 0.25}, stat = 0;
    for (int j = 0; j < 3; j++)
        stat += ((double)c[j] - n * pr[j]) * ((double)c[j] - n * pr[j]) / (n * pr[j]);
    cr_assert(gsl_cdf_chisq_Q(stat, 2) >= ALPHA, "chi-square %g", stat);

    /* domain (2, 4]: 3 and 4 */
    double ulo, uhi;
    double m = dp_dist_mass_in(&t, (dp_domain){2, 4, true}, &ulo, &uhi);
    cr_assert(fabs(m - 0.75) < 1e-15 && fabs(ulo - 0.25) < 1e-15 && uhi == 1.0,
              "%g %g %g", m, ulo, uhi);
    cr_assert_eq(t.type->quantile(&t, nextafter(ulo, 1)), 3);
    m = dp_dist_mass_in(&t, (dp_domain){2, 3, false}, &ulo, &uhi);
    cr_assert(fabs(m - 0.75) < 1e-15 && ulo == 0 && fabs(uhi - 0.75) < 1e-15);
    cr_assert_eq(t.type->quantile(&t, uhi), 3);

    /* nested: truncate(truncate(D, 1.5, 4), 2.5, 10) = 3, 4 with 2/3, 1/3 */
    dp_dist tt;
    cr_assert_null(make_truncate(&tt, t, 2.5, 10));
    tt.type->support(&tt, &lo, &hi);
    cr_assert(lo == 3 && hi == 4, "%g %g", lo, hi);
    cr_assert(fabs(tt.type->cdf(&tt, 3) - 2.0 / 3) < 1e-15);
    cr_assert_eq(tt.type->quantile(&tt, 0.5), 3);
    cr_assert_eq(tt.type->quantile(&tt, 0.9), 4);
    dp_dist_free(&tt);
}

/* ---- every prepare rule ---- */

/* Each rule of SPEC 2.2 is refused with a message naming it; the edge
 * that is allowed (mode on a bound, a zero weight) is accepted. Catches a
 * rule tested with < for <= or forgotten, and NaN slipping through a
 * "x <= 0" test. */
Test(dist, prepare_rules)
{
    struct { const char *name; double a, b, c; const char *msg; } cases[] = {
        {"uniform", 2, 1, 0, "uniform: a must be < b"},
        {"uniform", 1, 1, 0, "uniform: a must be < b"},
        {"uniform", NAN, 1, 0, "uniform: every parameter must be a finite number"},
        {"uniform", 0, INFINITY, 0, "uniform: every parameter must be a finite number"},
        {"uniform", -1e308, 1e308, 0, "uniform: b - a is too large"},
        {"normal", 0, 0, 0, "normal: sd must be > 0"},
        {"normal", 0, -1, 0, "normal: sd must be > 0"},
        {"normal", 0, NAN, 0, "normal: every parameter must be a finite number"},
        {"normal", -INFINITY, 1, 0, "normal: every parameter must be a finite number"},
        {"lognormal", 0, 0, 0, "lognormal: sigma must be > 0"},
        {"lognormal", 0, -2, 0, "lognormal: sigma must be > 0"},
        {"lognormal", INFINITY, 1, 0, "lognormal: every parameter must be a finite number"},
        {"to", 0, 5, 0, "a to b: a must be > 0"},
        {"to", -1, 5, 0, "a to b: a must be > 0"},
        {"to", 5, 5, 0, "a to b: a must be < b"},
        {"to", 6, 5, 0, "a to b: a must be < b"},
        {"to", 1, INFINITY, 0, "a to b: every parameter must be a finite number"},
        {"triangular", 1, 0, 2, "triangular: mode must lie in [min, max]"},
        {"triangular", 0, 3, 2, "triangular: mode must lie in [min, max]"},
        {"triangular", 1, 1, 1, "triangular: min must be < max"},
        {"triangular", 2, 1.5, 1, "triangular: min must be < max"},
        {"triangular", 0, NAN, 1, "triangular: every parameter must be a finite number"},
        {"pert", 1, 0, 2, "pert: mode must lie in [min, max]"},
        {"pert", 0, 3, 2, "pert: mode must lie in [min, max]"},
        {"pert", 1, 1, 1, "pert: min must be < max"},
        {"pert", 0, 1, INFINITY, "pert: every parameter must be a finite number"},
        {"beta", 0, 1, 0, "beta: a must be > 0"},
        {"beta", -1, 1, 0, "beta: a must be > 0"},
        {"beta", 1, 0, 0, "beta: b must be > 0"},
        {"beta", 1, NAN, 0, "beta: every parameter must be a finite number"},
        {"gamma", 0, 1, 0, "gamma: shape must be > 0"},
        {"gamma", 1, 0, 0, "gamma: scale must be > 0"},
        {"gamma", 1, -3, 0, "gamma: scale must be > 0"},
        {"gamma", INFINITY, 1, 0, "gamma: every parameter must be a finite number"},
        {"fixed", INFINITY, 0, 0, "not a finite number"},
        {"fixed", NAN, 0, 0, "not a finite number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *m = rule(cases[i].name, cases[i].a, cases[i].b, cases[i].c);
        cr_assert_not_null(m, "%s(%g, %g, %g) accepted", cases[i].name, cases[i].a,
                           cases[i].b, cases[i].c);
        cr_assert_str_eq(m, cases[i].msg);
    }
    cr_assert_null(rule("triangular", 0, 0, 1));
    cr_assert_null(rule("triangular", 0, 1, 1));
    cr_assert_null(rule("pert", 0, 0, 1));
    cr_assert_null(rule("pert", 0, 1, 1));
    cr_assert_null(rule("uniform", -1, 0, 0));
    cr_assert_null(rule("normal", -5, 1e-300, 0));
    cr_assert_null(rule("fixed", -0.0, 0, 0));

    dp_dist d;
    struct { double v[3], w[3]; size_t n; const char *msg; } dc[] = {
        {{1, 2, 3}, {1, -1, 1}, 3, "discrete: weights must be >= 0"},
        {{1, 2, 3}, {0, 0, 0}, 3, "discrete: weights must not all be 0"},
        {{1, 2, 3}, {1, NAN, 1}, 3, "discrete: weights must be finite numbers"},
        {{1, 2, 3}, {1, INFINITY, 1}, 3, "discrete: weights must be finite numbers"},
        {{1, INFINITY, 3}, {1, 1, 1}, 3, "discrete: values must be finite numbers"},
        {{NAN, 2, 3}, {1, 1, 1}, 3, "discrete: values must be finite numbers"},
        {{0}, {0}, 0, "discrete: needs at least one value"},
    };
    for (size_t i = 0; i < sizeof dc / sizeof *dc; i++) {
        const char *m = discrete(&d, dc[i].v, dc[i].w, dc[i].n);
        cr_assert_not_null(m, "discrete case %zu accepted", i);
        cr_assert_str_eq(m, dc[i].msg);
        dp_dist_free(&d);
    }
    cr_assert_null(discrete(&d, (double[]){1, 2}, (double[]){0, 1}, 2));
    dp_dist_free(&d);

    cr_assert_str_eq(make_truncate(&d, make("normal", 0, 1, 0), 2, 1), "truncate: lo must be < hi");
    dp_dist_free(&d);
    cr_assert_str_eq(make_truncate(&d, make("normal", 0, 1, 0), 1, 1), "truncate: lo must be < hi");
    dp_dist_free(&d);
    cr_assert_str_eq(make_truncate(&d, make("normal", 0, 1, 0), -INFINITY, 1),
                     "truncate: lo and hi must be finite numbers");
    dp_dist_free(&d);
    cr_assert_str_eq(make_truncate(&d, make("uniform", 0, 1, 0), 2, 3),
                     "truncate: no probability inside [lo, hi]");
    dp_dist_free(&d);
    dp_dist in;
    cr_assert_null(discrete(&in, (double[]){1, 3}, (double[]){1, 1}, 2));
    cr_assert_str_eq(make_truncate(&d, in, 1.5, 2.5), "truncate: no probability inside [lo, hi]");
    dp_dist_free(&d);
    cr_assert_null(discrete(&in, (double[]){1, 3}, (double[]){1, 1}, 2));
    cr_assert_null(make_truncate(&d, in, 3, 4));   /* the atom on lo counts */
    cr_assert_eq(d.type->quantile(&d, 0.5), 3);
    dp_dist_free(&d);
    dp_dist f;
    dp_dist_fixed(&f, 5);
    cr_assert_null(make_truncate(&d, f, 4, 5));    /* and on hi */
    dp_dist_free(&d);
}

/* ---- copy, free, text ---- */

/* A deep copy outlives its source (ASan checks the rest). */
Test(dist, copy_and_free)
{
    dp_dist in, t, c;
    cr_assert_null(discrete(&in, (double[]){1, 2, 3}, (double[]){1, 1, 2}, 3));
    cr_assert_null(make_truncate(&t, in, 1.5, 3));
    cr_assert_eq(dp_dist_copy(&c, &t), 0);
    cr_assert_neq(c.inner, t.inner);
    cr_assert_neq(c.inner->values, t.inner->values);
    dp_dist_free(&t);
    cr_assert_null(t.inner);
    cr_assert_null(t.type);
    cr_assert_eq(c.type->quantile(&c, 0.9), 3);
    cr_assert_eq(c.type->cdf(&c, 2), 1.0 / 3);
    dp_dist_free(&c);
    dp_dist_free(&c);   /* freeing twice is harmless: it was zeroed */

    dp_dist u = make("uniform", 1, 2, 0), v;
    cr_assert_eq(dp_dist_copy(&v, &u), 0);
    cr_assert_eq(v.type, u.type);
    cr_assert_eq(v.p[1], 2);
    dp_dist_free(&v);
}

/* The canonical text reads back as the same distribution. */
Test(dist, format)
{
    char buf[128];
    dp_dist d = make("uniform", 0, 0.3, 0);
    cr_assert_str_eq(dp_dist_format(&d, buf, sizeof buf), "uniform(0, 0.3)");
    d = make("to", 70, 120, 0);
    cr_assert_str_eq(dp_dist_format(&d, buf, sizeof buf), "70 to 120");
    d = make("triangular", -1, 0.1, 2e6);
    cr_assert_str_eq(dp_dist_format(&d, buf, sizeof buf), "triangular(-1, 0.1, 2000000)");
    dp_dist_fixed(&d, 12000);
    cr_assert_str_eq(dp_dist_format(&d, buf, sizeof buf), "12000");
    dp_dist_fixed(&d, 0.1 + 0.2);   /* needs 17 digits */
    dp_dist_format(&d, buf, sizeof buf);
    cr_assert_eq(strtod(buf, NULL), 0.1 + 0.2, "%s", buf);
    dp_dist in, t;
    cr_assert_null(discrete(&in, (double[]){2, 1}, (double[]){3, 1}, 2));
    cr_assert_str_eq(dp_dist_format(&in, buf, sizeof buf), "discrete([1, 2], [0.25, 0.75])");
    cr_assert_null(make_truncate(&t, in, 0, 1.5));
    cr_assert_str_eq(dp_dist_format(&t, buf, sizeof buf),
                     "truncate(discrete([1, 2], [0.25, 0.75]), 0, 1.5)");
    char small[8];
    cr_assert_str_eq(dp_dist_format(&t, small, sizeof small), "truncat");
    dp_dist_free(&t);
}
