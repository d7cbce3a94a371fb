/*
 * dp_stats.h - pure functions from accumulated masses to reported figures
 * (SPEC 1.4): censored percentiles, distribution-free confidence intervals
 * for them, proportion intervals, the effective sample size.
 *
 * A per-day histogram `met` holds met[t] for t = 1..H (met[0] unused): the
 * mass of trajectories whose event happened on day t. Trajectories that
 * never met it are censored: they count in `total` only, as later than H.
 */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "dp_rng.h"   /* dp_u128 */

/* p (0 < p < 100) as the exact ratio num / den of 100 (p = 2.5 -> 25/10),
 * to 9 decimals, so that "reaches" is exact integer arithmetic. */
typedef struct dp_pct { uint64_t num, den; } dp_pct;
dp_pct dp_stats_pct(double p);

/* True when mass * 100 >= p * total, exactly. */
bool dp_stats_reaches(dp_u128 mass, dp_u128 total, dp_pct p);

/* First day t in 1..H with sum(met[1..t]) reaching p of total; 0 when the
 * share never reaches p by day H ("not reached"). */
int dp_stats_percentile_day(const uint64_t *met, int H, dp_u128 total, dp_pct p);

/* Order-statistic ranks (1-based) of the distribution-free interval for the
 * p-quantile (0 < q < 1) at confidence conf, from a sample of size n (real,
 * the effective size under weights): [X_(lo), X_(hi)] covers the quantile
 * with probability >= conf, each tail at most (1 - conf) / 2. A rank of 0
 * means the sample is too small for that bound. */
void dp_stats_rank_interval(double n, double q, double conf, double *lo, double *hi);

/* Day of the order statistic of rank k among n (real): the first t with
 * cum(t) / total >= k / n; 0 when beyond day H. exact: n is the integer
 * count and total == n (no weights). */
int dp_stats_order_day(const uint64_t *met, int H, dp_u128 total, double n,
                       double k, bool exact);

/* Clopper-Pearson interval for a proportion x / n at confidence conf
 * (x and n may be real: effective counts under weights). */
void dp_stats_proportion_ci(double x, double n, double conf, double *lo, double *hi);

/* Effective sample size (sum w)^2 / sum w^2 from masses in units of `unit`. */
double dp_stats_ess(dp_u128 mass, dp_u128 mass2, uint64_t unit);

#endif
