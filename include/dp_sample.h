/*
 * dp_sample.h - exact samplers for the daily loop.
 *
 * Each draws directly from a dp_pcg64 and keeps no state between calls.
 * They are exact in law (SPEC "exact in law, then fast"): inversion for small
 * means, transformed rejection for large ones (Hoermann's PTRS for Poisson,
 * BTRD for binomial), and guide tables for laws fixed over many draws.
 */
#ifndef DP_SAMPLE_H
#define DP_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include "dp_rng.h"

/* Poisson(mu), mu >= 0 and finite; mu == 0 gives 0. Negative or NaN mu
 * gives -1; mu > 2^62 (or +inf) saturates at INT64_MAX. */
int64_t dp_sample_poisson(dp_pcg64 *g, double mu);

/* Binomial(n, p), n >= 0, 0 <= p <= 1; -1 outside that (or p NaN). */
int64_t dp_sample_binomial(dp_pcg64 *g, int64_t n, double p);

/* Poisson(mu) by inversion through a guide table (Chen and Asau 1974), for
 * a mean that stays fixed for many draws (a phase, a trajectory, or every
 * trajectory). The cdf is summed up to where less than 2^-60 is left. */
typedef struct dp_poisson_table {
    double mu;          /* the mean it was built for; -1 when empty */
    uint32_t n;         /* outcomes 0..n-1 */
    uint32_t ng;        /* guide entries: a power of 2, >= DP_GUIDE_PER_OUTCOME n */
    uint32_t cap;       /* room in cdf (and 2 DP_GUIDE_PER_OUTCOME cap in guide) */
    double *cdf;        /* cdf[k] = P(X <= k); cdf[n-1] = 1 */
    uint32_t *guide;    /* guide[i] = first k with cdf[k] > i / ng */
} dp_poisson_table;

#define DP_GUIDE_PER_OUTCOME 4

/* Largest mean a table is built for (beyond it, PTRS). */
#define DP_POISSON_TABLE_MAX_MU 2000.0

/* Outcomes a table for mu needs: to bound the cost of building it. */
uint32_t dp_poisson_table_size(double mu);

/* (Re)builds t for mu (0 <= mu <= DP_POISSON_TABLE_MAX_MU), reusing its
 * memory. 0, or -1 on bad mu or allocation failure (t then empty). */
int dp_poisson_table_build(dp_poisson_table *t, double mu);
void dp_poisson_table_free(dp_poisson_table *t);

static inline int64_t dp_poisson_table_sample(const dp_poisson_table *t, dp_pcg64 *g)
{
    double u = dp_pcg64_double(g);
    uint32_t k = t->guide[(uint32_t)(u * t->ng)];
    k += u >= t->cdf[k];          /* usually the last step: no branch */
    while (u >= t->cdf[k]) k++;
    return k;
}

/* guide[i] = first x with cdf[x] > i / ng for i < ng (guide.c), over a
 * nondecreasing cdf[0..n-1] whose last entry, or a sentinel cdf[n], is
 * >= 1; ng a power of 2. */
void dp_guide_fill(uint32_t *guide, uint32_t ng, const double *cdf, uint32_t n);

/* Negative binomial NB(k, mean mu): Poisson(mu G) with G ~ Gamma(shape k,
 * scale 1/k), the daily count under dispersion k, for a stretch of days with
 * one mean. Inversion through a guide table of the cdf up to where less
 * than 2^-9 is left; a draw beyond it walks the rest of the cdf by the
 * same recurrence (rarely), so the law is the whole NB up to rounding.
 * pmf(0) = (k / (k + mu))^k is exact, so no sum is normalised away. */
typedef struct dp_negbin_table {
    double k, mu;       /* the law it holds; mu = -1 when empty */
    double ratio;       /* mu / (k + mu) */
    double pmf_last;    /* pmf at n - 1, where a tail walk starts */
    uint32_t n;         /* tabulated outcomes 0..n-1; cdf[n] = 2 stops a search */
    uint32_t ng;        /* guide entries */
    uint32_t mode;      /* floor((k - 1) mu / k), 0 for k <= 1 */
    uint32_t cap;       /* room for outcomes (DP_NEGBIN_TABLE_MAX) */
    double *cdf;
    uint32_t *guide;    /* guide[i] = first j with cdf[j] > i / ng */
} dp_negbin_table;

/* Most outcomes a table tabulates (beyond it a law is not tabulated). */
#define DP_NEGBIN_TABLE_MAX 8192

/* Outcomes a table for (k, mu) will tabulate, an upper estimate: to decide
 * whether building one pays. UINT32_MAX when it cannot be built. */
uint32_t dp_negbin_table_size(double k, double mu);

/* Room for the largest table; 0 or -1 (allocation failure). */
int dp_negbin_table_init(dp_negbin_table *t);
/* (Re)builds t for NB(k, mu), k > 0, mu > 0, in its room. 0, or -1 when
 * the law does not fit (then t is empty, and the caller draws otherwise). */
int dp_negbin_table_build(dp_negbin_table *t, double k, double mu);
void dp_negbin_table_free(dp_negbin_table *t);
/* Outcome for a u beyond the table: walks the cdf on from n - 1. */
int64_t dp_negbin_table_tail(const dp_negbin_table *t, double u);

static inline int64_t dp_negbin_table_sample(const dp_negbin_table *t, dp_pcg64 *g)
{
    double u = dp_pcg64_double(g);
    uint32_t j = t->guide[(uint32_t)(u * t->ng)];
    j += u >= t->cdf[j];
    while (u >= t->cdf[j]) j++;
    if (__builtin_expect(j == t->n, 0)) return dp_negbin_table_tail(t, u);
    return j;
}

/* Binomial(n, q) for one q and any n, as a sum of draws from small tables
 * (Binomial laws of one q add): n = 64 h + 8 a + b is h draws from
 * Binomial(64, q), one from Binomial(8 a, q) and one from Binomial(b, q).
 * For q fixed over a trajectory (the share of casualties that return):
 * 2 + n / 64 table draws, and 333 outcomes to build. Beyond
 * DP_BINOMIAL_POW2_MAX_N, BTRD. */
#define DP_BINOMIAL_POW2_MAX_N 512
#define DP_BINOMIAL_TABLES 17    /* n = 0..7, 8 a for a = 0..7, 64 */

typedef struct dp_binomial_pow2 {
    double q;           /* the probability it holds; -1 when empty */
    double p;           /* min(q, 1 - q): what the tables hold */
    int flip;           /* q > 1/2: draws are n - Binomial(n, 1 - q) */
    uint16_t off[DP_BINOMIAL_TABLES], goff[DP_BINOMIAL_TABLES];
    uint16_t ng[DP_BINOMIAL_TABLES];   /* guide entries: a power of 2 >= n + 1 */
    double cdf[333];    /* table i: cdf[off[i] + x], x = 0..n; its last is 2 */
    uint8_t guide[512];
} dp_binomial_pow2;

void dp_binomial_pow2_build(dp_binomial_pow2 *b, double q);   /* 0 <= q <= 1 */
int64_t dp_binomial_pow2_sample(const dp_binomial_pow2 *b, int64_t n, dp_pcg64 *g);

/* A finite law on 0..n-1 drawn by inversion from DP_CELL_BITS (14) random
 * bits at a time: the 2^14 cells of [0, 1) mostly lie within one outcome's
 * share of the cdf and give it at once; a cell that straddles outcomes
 * (marked DP_CELL_SPLIT; for kursk-2025.yaml's return delays 0.6% of
 * draws) takes 50 more bits from the generator and compares them with the
 * cdf in 64-bit fixed point. Every outcome's probability is its cdf step
 * in units of 2^-64, exactly. For the per-soldier return delays: four
 * soldiers per 64-bit draw (14 bits were faster than 10, 12 or 16). */
#define DP_CELL_BITS 14
#define DP_CELLS_PER_DRAW (64 / DP_CELL_BITS)
#define DP_CELL_SPLIT 0x80000000u

typedef struct dp_cells {
    uint32_t n;
    uint32_t *cell;     /* 2^DP_CELL_BITS: outcome, | DP_CELL_SPLIT when split */
    uint64_t *cdf;      /* cdf[k] = P(X <= k) 2^64, k < n - 1 (the last is 2^64) */
} dp_cells;

/* 0, or -1 on bad weights (negative, not finite, all 0) or no memory. */
int dp_cells_init(dp_cells *t, const double *w, size_t n);
void dp_cells_free(dp_cells *t);
uint32_t dp_cells_refine(const dp_cells *t, uint32_t c, dp_pcg64 *g);

/* The outcome for the DP_CELL_BITS bits c (0 <= c < 2^DP_CELL_BITS). */
static inline uint32_t dp_cells_sample(const dp_cells *t, uint32_t c, dp_pcg64 *g)
{
    uint32_t e = t->cell[c];
    if (__builtin_expect(e & DP_CELL_SPLIT, 0)) return dp_cells_refine(t, c, g);
    return e;
}

#endif
