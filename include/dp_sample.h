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

/* Fixed point for inversion by integers: a probability in units of 2^-63.
 * A draw is u = (64-bit output) >> 1, uniform on 0..2^63 - 1, and gives the
 * first x with u < F[x]: integer loads and compares only, no conversion to
 * double on the way from the generator to the outcome (the draw is the
 * start of each day's chain of dependent steps, so its latency counts). */
#define DP_FIX_ONE (UINT64_C(1) << 63)
static inline uint64_t dp_fix(double p)
{
    /* below 1, p <= 1 - 2^-53 and p 2^63 fits a signed conversion (one
     * instruction; the unsigned one is a branch); NaN gives 0 */
    p = p > 0 ? p : 0;                    /* (maxsd and minsd: no branch) */
    p = p < 1 ? p : 1;
    return p < 1 ? (uint64_t)(int64_t)(p * 0x1p63) : DP_FIX_ONE;
}

/* dp_fix for a cdf summed in a table build, 0 <= p < 1 (a sum of
 * probabilities short of the whole law): three instructions, not six. A p
 * that rounding took to 1 or above gives 2^63 - 2^10. */
static inline uint64_t dp_fix_partial(double p)
{
    p = p < 0x1.fffffffffffffp-1 ? p : 0x1.fffffffffffffp-1;
    return (uint64_t)(int64_t)(p * 0x1p63);
}

/* A guide table (guide.c) over a nondecreasing fixed-point cdf F[0..n-1]
 * that ends in, or is followed by, an entry above every u:
 * guide[i] = first x with F[x] > i 2^(63 - lg), for the 2^lg entries.
 * It is filled by stores in blocks, which may write up to DP_GUIDE_SLACK
 * entries past the 2^lg: allocate them. */
#define DP_GUIDE_BURST 4
#define DP_GUIDE_SLACK (2 * DP_GUIDE_BURST)
void dp_guide_fill(uint32_t *guide, unsigned lg, const uint64_t *F, uint32_t n);

/* Poisson(mu) by inversion through a guide table (Chen and Asau 1974), for
 * a mean that stays fixed for many draws (a phase, a trajectory, or every
 * trajectory). The cdf is summed up to where less than 2^-60 is left. */
typedef struct dp_poisson_table {
    double mu;          /* the mean it was built for; -1 when empty */
    uint32_t n;         /* outcomes 0..n-1 */
    unsigned lg;        /* 2^lg guide entries: >= DP_GUIDE_PER_OUTCOME n */
    uint32_t cap;       /* room in cdf and pmf (and 2 DP_GUIDE_PER_OUTCOME cap + DP_GUIDE_SLACK in guide) */
    uint64_t *cdf;      /* cdf[k] = dp_fix(P(X <= k)); cdf[n-1] = DP_FIX_ONE */
    double *pmf;        /* scratch for the build */
    uint32_t *guide;    /* guide[i] = first k with cdf[k] > i 2^(63 - lg) */
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
    uint64_t u = dp_pcg64_next(g) >> 1;     /* see dp_fix */
    uint32_t k = t->guide[u >> (63 - t->lg)];
    k += u >= t->cdf[k];          /* usually the last step: no branch */
    while (u >= t->cdf[k]) k++;
    return k;
}

/* Negative binomial NB(k, mean mu): Poisson(mu G) with G ~ Gamma(shape k,
 * scale 1/k), the daily count under dispersion k, for a stretch of days with
 * one mean. Inversion through a guide table of the cdf up to where less
 * than 2^-7 is left; a draw beyond it walks the rest of the cdf by the
 * same recurrence (rarely), so the law is the whole NB up to rounding.
 * pmf(0) = (k / (k + mu))^k is exact, so no sum is normalised away. */
typedef struct dp_negbin_table {
    double k, mu;       /* the law it holds; mu = -1 when empty */
    double ratio;       /* mu / (k + mu) */
    double pmf_last;    /* pmf at n - 1, where a tail walk starts */
    double acc_last;    /* the summed cdf there, before rounding to F */
    uint32_t n;         /* tabulated outcomes 0..n-1; cdf[n] = UINT64_MAX stops a search */
    uint32_t ng;        /* guide entries: 2^lg */
    unsigned lg;
    uint32_t mode;      /* floor((k - 1) mu / k), 0 for k <= 1 */
    uint32_t cap;       /* room for outcomes (DP_NEGBIN_TABLE_MAX) */
    uint64_t *cdf;      /* cdf[j] = dp_fix(P(X <= j)) */
    uint32_t *guide;    /* guide[i] = first j with cdf[j] > i 2^(63 - lg) */
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
/* Outcome for a u (units of 2^-63) beyond the table: walks the cdf on
 * from n - 1. */
int64_t dp_negbin_table_tail(const dp_negbin_table *t, uint64_t u);

static inline int64_t dp_negbin_table_sample(const dp_negbin_table *t, dp_pcg64 *g)
{
    uint64_t u = dp_pcg64_next(g) >> 1;
    uint32_t j = t->guide[u >> (63 - t->lg)];
    j += u >= t->cdf[j];
    while (u >= t->cdf[j]) j++;
    if (__builtin_expect(j == t->n, 0)) return dp_negbin_table_tail(t, u);
    return j;
}

/* Binomial(n, q) for one q and any n, as a sum of draws from small tables
 * (Binomial laws of one q add): n = 64 h + 8 a + b is h draws from
 * Binomial(64, q), one from Binomial(8 a, q) and one from Binomial(b, q).
 * For q fixed over a trajectory (the share of casualties that return):
 * 2 + n / 64 table draws, and at most 333 outcomes to build (tables end
 * where less than 2^-7 is left: about 140 for q = 0.17). Beyond
 * DP_BINOMIAL_TABLES_MAX_N, BTRD. */
#define DP_BINOMIAL_TABLES_MAX_N 512
#define DP_BINOMIAL_N_TABLES 17    /* n = 0..7, 8 a for a = 0..7, 64 */

#define DP_BINOMIAL_WHOLE 255      /* walk[i] of a table that holds all n + 1 */

typedef struct dp_binomial_tables {
    double q;           /* the probability it holds; -1 when empty */
    double p;           /* min(q, 1 - q): what the tables hold */
    double odds;        /* p / (1 - p) */
    int flip;           /* q > 1/2: draws are n - Binomial(n, 1 - q) */
    uint16_t off[DP_BINOMIAL_N_TABLES], goff[DP_BINOMIAL_N_TABLES];
    uint8_t lg[DP_BINOMIAL_N_TABLES];    /* 2^lg guide entries: >= n + 1 */
    /* Table i (n = i for i < 8, 8 (i - 8) for i < 16, 64) holds
     * cdf[off[i] + x] = dp_fix(P(X <= x)) for x = 0..w-1, then UINT64_MAX
     * at x = w. Whole (w = n, walk[i] = DP_BINOMIAL_WHOLE): outcome n
     * takes the rest. Else it ended where less than 2^-7 was left (walk[i]
     * = w < n), and a draw of w walks on from the pmf and sum at w - 1. */
    uint8_t walk[DP_BINOMIAL_N_TABLES];
    double pmf_last[DP_BINOMIAL_N_TABLES], acc_last[DP_BINOMIAL_N_TABLES];
    uint64_t cdf[333];
    uint32_t guide[512 + DP_GUIDE_SLACK];
} dp_binomial_tables;

void dp_binomial_tables_build(dp_binomial_tables *b, double q);   /* 0 <= q <= 1 */
int64_t dp_binomial_tables_sample(const dp_binomial_tables *b, int64_t n, dp_pcg64 *g);
/* Table i's outcome for a u (units of 2^-63) at or past cdf[walk[i] - 1]. */
unsigned dp_binomial_tables_tail(const dp_binomial_tables *b, int i, uint64_t u);

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
#define DP_CELL_SPLIT 0x8000u
/* Outcomes at or past this are kept in the cdf only: their cells are
 * marked split from it, and refining walks the cdf to them (delays of
 * more than 89 years) */
#define DP_CELL_FAR (DP_CELL_SPLIT - 1)

typedef struct dp_cells {
    uint32_t n;
    uint16_t *cell;     /* 2^DP_CELL_BITS: outcome, | DP_CELL_SPLIT when split
                           (16 bits: the table is half the L2 space of 32) */
    uint64_t *cdf;      /* cdf[k] = P(X <= k) 2^64, k < n - 1 (the last is 2^64) */
} dp_cells;

/* 0, or -1 on bad weights (negative, not finite, all 0) or no memory. */
int dp_cells_init(dp_cells *t, const double *w, size_t n);
void dp_cells_free(dp_cells *t);
/* The outcome of split cell c, given the next 64-bit output (its top
 * 64 - DP_CELL_BITS bits complete u). The caller draws it: so the
 * generator's state need not leave registers. */
uint32_t dp_cells_refine(const dp_cells *t, uint32_t c, uint64_t bits);

/* The outcome for the DP_CELL_BITS bits c (0 <= c < 2^DP_CELL_BITS). */
static inline uint32_t dp_cells_sample(const dp_cells *t, uint32_t c, dp_pcg64 *g)
{
    uint32_t e = t->cell[c];
    if (__builtin_expect(e & DP_CELL_SPLIT, 0)) return dp_cells_refine(t, c, dp_pcg64_next(g));
    return e;
}

#endif
