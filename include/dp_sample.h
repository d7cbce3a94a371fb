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
    uint32_t *alias;    /* outcome taken when column k rejects */
} dp_alias;

/* 0 on success, -1 on bad weights or allocation failure (t left empty). */
int dp_alias_init(dp_alias *t, const double *w, size_t n);
void dp_alias_free(dp_alias *t);
size_t dp_alias_sample(const dp_alias *t, dp_pcg64 *g);

#endif
