/*
 * params.c - the once-per-trajectory draws (SPEC 1.1, 2.4).
 *
 * A value drawn outside its field's domain is drawn again from the
 * distribution conditioned on the domain. Three exact ways, chosen once per
 * scenario by how much mass lies inside:
 *   all of it      the type's own sampler (fast: ziggurat, Marsaglia-Tsang);
 *   at least half  the sampler, redrawn while outside (rejection: exact, and
 *                  expected fewer than two tries);
 *   less           inverse CDF at u uniform on (F(lo), F(hi)).
 *
 * Params named in correlations (SPEC 2.4) are drawn through a Gaussian
 * copula: independent standard normals z, y = L z with L the Cholesky factor
 * of the normal correlation matrix, then each marginal's inverse CDF over
 * (F(lo), F(hi)) at Phi(y), so the domain conditioning is exact there too.
 * Slots follow param order, so the param of slot j needs z[0..j] only: its z
 * is drawn when it is reached, in the one pass over the params. The other
 * params keep their own way; a scenario without correlations (or with only
 * fixed partners) draws the very numbers it drew before the copula existed.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include "dp_params.h"
#include "dp_rng.h"

/* Rejection gives up after this many tries and inverts instead: with at least
 * half the mass inside, reaching it has probability below 2^-64. */
#define MAX_TRIES 64

double dp_round(double x)
{
    if (!(x > -1e15)) return -1e15;   /* also NaN: far outside any horizon */
    if (x > 1e15) return 1e15;
    return round(x);
}

double dp_copula_rho(double r)
{
    /* sin(pi / 6) is not exactly 1/2 in doubles: keep r = +-1 singular */
    if (fabs(r) >= 1) return r > 0 ? 1.0 : -1.0;
    return 2 * sin(3.14159265358979323846 / 6 * r);
}

/* Slots for the params that take part in the copula (both ends of a
 * correlation drawn, not fixed), in param order; returns how many. */
static int assign_slots(const dp_scenario *s, dp_draw *draws)
{
    for (size_t i = 0; i < s->n_params; i++) draws[i].slot = -1;
    for (size_t c = 0; c < s->n_correlations; c++) {
        const dp_correlation *x = &s->correlations[c];
        if (dp_dist_is_fixed(&s->params[x->a].dist) ||
            dp_dist_is_fixed(&s->params[x->b].dist))
            continue;   /* the loader warned: no effect */
        draws[x->a].slot = draws[x->b].slot = 0;
    }
    int k = 0;
    for (size_t i = 0; i < s->n_params; i++)
        if (draws[i].slot == 0) draws[i].slot = k++;
        else draws[i].slot = -1;
    return k;
}

/* The Cholesky factor of the normal correlation matrix, one row per copula
 * param. -1 on allocation failure or when the matrix is not positive
 * definite. */
static int factor(const dp_scenario *s, dp_draw *draws, int k)
{
    gsl_matrix *m = gsl_matrix_alloc((size_t)k, (size_t)k);
    if (!m) return -1;
    gsl_matrix_set_identity(m);
    for (size_t c = 0; c < s->n_correlations; c++) {
        const dp_correlation *x = &s->correlations[c];
        int a = draws[x->a].slot, b = draws[x->b].slot;
        if (a < 0 || b < 0) continue;
        double rho = dp_copula_rho(x->r);
        gsl_matrix_set(m, (size_t)a, (size_t)b, rho);
        gsl_matrix_set(m, (size_t)b, (size_t)a, rho);
    }
    int rc = gsl_linalg_cholesky_decomp1(m) == GSL_SUCCESS ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < s->n_params; i++) {
        dp_draw *d = &draws[i];
        if (d->slot < 0) continue;
        size_t j = (size_t)d->slot;
        d->row = malloc((j + 1) * sizeof *d->row);
        if (!d->row) {
            rc = -1;
            break;
        }
        for (size_t col = 0; col <= j; col++)
            d->row[col] = gsl_matrix_get(m, j, col);   /* L: the lower triangle */
    }
    gsl_matrix_free(m);
    return rc;
}

int dp_params_compile(const dp_scenario *s, dp_draw *draws)
{
    for (size_t i = 0; i < s->n_params; i++) draws[i].row = NULL;
    int k = assign_slots(s, draws);
    for (size_t i = 0; i < s->n_params; i++) {
        const dp_param *p = &s->params[i];
        dp_draw *d = &draws[i];
        d->ulo = 0;
        d->uhi = 1;
        if (dp_dist_is_fixed(&p->dist)) {
            d->how = DP_DRAW_FIXED;
            d->fixed = p->dist.p[0];
            if (p->round != DP_ROUND_NONE) d->fixed = dp_round(d->fixed);
            continue;
        }
        double mass = dp_dist_mass_in(&p->dist, p->domain, &d->ulo, &d->uhi);
        if (d->slot >= 0)
            d->how = DP_DRAW_COPULA;
        else if (p->outside <= 0 && mass >= 1)
            d->how = DP_DRAW_DIRECT;
        else if (mass >= 0.5)
            d->how = DP_DRAW_REJECT;
        else
            d->how = DP_DRAW_INVERSE;
    }
    if (k > 0 && factor(s, draws, k) != 0) {
        dp_params_free(draws, s->n_params);
        return -1;
    }
    return 0;
}

void dp_params_free(dp_draw *draws, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(draws[i].row);
        draws[i].row = NULL;
    }
}

/* The quantile at w of the distribution (w in the domain's u-interval:
 * the distribution conditioned on the domain); it can land on an open
 * bound by rounding: nudged inside. */
static double quantile_in(const dp_param *p, double w)
{
    double x = p->dist.type->quantile(&p->dist, w);
    if (!dp_domain_has(p->domain, x))
        x = p->domain.lo_open && x <= p->domain.lo
                ? nextafter(p->domain.lo, INFINITY)
                : fmin(fmax(x, p->domain.lo), p->domain.hi);
    return x;
}

/* Slot j of the copula: its own standard normal z[j], then Phi of row j of
 * L z (z[0..j-1] were drawn by the slots before it). */
static double draw_copula(const dp_param *p, const dp_draw *d, gsl_rng *r, double *z,
                          double *rank)
{
    int j = d->slot;
    z[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
    double y = 0;
    for (int c = 0; c <= j; c++) y += d->row[c] * z[c];
    /* Phi rounds to 0 beyond y ~ -38 and to 1 beyond 8.3: keep u inside
     * (0, 1), and w below 1 whatever ulo adds, so the quantile is finite */
    double u = fmin(fmax(gsl_cdf_ugaussian_P(y), DBL_TRUE_MIN), 1 - DBL_EPSILON / 2);
    *rank = u;
    return quantile_in(p, fmin(d->ulo + (d->uhi - d->ulo) * u, 1 - DBL_EPSILON / 2));
}

/* The rank of x within the distribution conditioned on the domain, in
 * (0, 1): mid-rank at a point mass, so ties share their step. */
static double rank_of(const dp_param *p, const dp_draw *d, double x)
{
    const dp_dist *dist = &p->dist;
    double F = dist->type->cdf(dist, x);
    if (!dist->type->continuous) F = 0.5 * (F + dp_dist_cdf_left(dist, x));
    double u = (F - d->ulo) / (d->uhi - d->ulo);
    return fmin(fmax(u, 0.0), 1.0);
}

static double draw_one(const dp_param *p, const dp_draw *d, gsl_rng *r, double *z,
                       double *rank)
{
    const dp_dist *dist = &p->dist;
    double x, u;
    switch (d->how) {
    case DP_DRAW_FIXED:
        if (rank) *rank = 0.5;
        return d->fixed;
    case DP_DRAW_COPULA:
        x = draw_copula(p, d, r, z, &u);
        if (rank) *rank = u;
        break;
    case DP_DRAW_DIRECT:
        x = dist->type->sample(dist, r);
        if (dp_domain_has(p->domain, x)) break;
        /* a sampler's rounding put it on an open bound: draw again */
        /* fall through */
    case DP_DRAW_REJECT:
        for (int k = 0; k < MAX_TRIES; k++) {
            x = dist->type->sample(dist, r);
            if (dp_domain_has(p->domain, x)) goto sampled;
        }
        /* fall through */
    default:
        u = dp_pcg64_double_open(dp_rng_state(r));
        x = quantile_in(p, d->ulo + (d->uhi - d->ulo) * u);
        if (rank) *rank = u;
        goto done;
    }
sampled:
    if (rank && d->how != DP_DRAW_COPULA) *rank = rank_of(p, d, x);
done:
    return p->round != DP_ROUND_NONE ? dp_round(x) : x;
}

void dp_params_draw(const dp_scenario *s, const dp_draw *draws, gsl_rng *r,
                    double *v, double *scratch, double *ranks)
{
    for (size_t i = 0; i < s->n_params; i++)
        v[i] = draw_one(&s->params[i], &draws[i], r, scratch, ranks ? &ranks[i] : NULL);
}
