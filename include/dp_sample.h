/*
 * dp_sample.h - exact samplers for the daily loop.
 *
 * Each draws directly from a dp_pcg64 and keeps no state between calls.
 * They are exact in law (SPEC "exact in law, then fast"): inversion for small
 * means, transformed rejection for large ones (Hoermann's PTRS for Poisson,
 * BTRD for binomial), and Walker/Vose alias tables for a fixed finite law.
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

/* Walker/Vose alias table over outcomes 0..n-1 with weights w (>= 0, not
 * all 0). Built once, sampled in O(1) with one 64-bit draw. */
typedef struct dp_alias {
    size_t n;
    double *prob;       /* acceptance probability of column k */
    uint32_t *alias;    /* outcome taken when column k rejects (k when full) */
    uint64_t *thresh;   /* prob[k] in units of 2^-64 */
} dp_alias;

/* 0 on success, -1 on bad weights or allocation failure (t left empty). */
int dp_alias_init(dp_alias *t, const double *w, size_t n);
void dp_alias_free(dp_alias *t);
/* One 64-bit draw x: x n = column 2^64 + low; the column is the high word
 * and low (the fractional part of x n / 2^64) the acceptance uniform, so
 * every outcome's probability is off by at most a few 2^-64 (alias.c). */
static inline size_t dp_alias_sample(const dp_alias *t, dp_pcg64 *g)
{
    dp_u128 xn = (dp_u128)dp_pcg64_next(g) * t->n;
    size_t k = (size_t)(xn >> 64);
    return (uint64_t)xn < t->thresh[k] ? k : t->alias[k];
}

/* Poisson(mu) by inversion through a guide table (Chen and Asau 1974), for
 * a mean that stays fixed for many draws (a phase, a trajectory, or every
 * trajectory). The cdf is summed up to where less than 2^-60 is left. */
typedef struct dp_poisson_table {
    double mu;          /* the mean it was built for; -1 when empty */
    uint32_t n;         /* outcomes 0..n-1 */
    uint32_t ng;        /* guide entries: DP_GUIDE_PER_OUTCOME n */
    uint32_t cap;       /* room in cdf (and DP_GUIDE_PER_OUTCOME times it in guide) */
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

#endif
