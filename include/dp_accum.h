/*
 * dp_accum.h - mergeable accumulators of trajectory outcomes.
 *
 * Shape fixed by the scenario (levels x days, strength bins x days), never by
 * the number of trajectories. Everything is an integer: a trajectory adds
 * its mass (1 without weights; its weight in units of 2^-32 with them), so
 * sums do not depend on the order of addition and a run's output is
 * byte-identical for any number of threads or processes. Merging refuses
 * accumulators of different shape.
 */
#ifndef DP_ACCUM_H
#define DP_ACCUM_H

#include <stdbool.h>
#include <stdint.h>
#include "dp_model.h"

#define DP_WEIGHT_UNIT (UINT64_C(1) << 32)

/* Sensitivity: each uncertain param's quantile u = F(x) falls in one of
 * DP_SENS_BINS equal bins; per (param, level, bin) the mass and the mass-
 * weighted sums of the day T and of T^2 (a censored trajectory counts as
 * T = H + 1), and per (param, level) the day histograms of the lowest and
 * highest tenth of u. */
#define DP_SENS_BINS 20

typedef struct dp_sens_cell {
    dp_u128 mass, sum, sum2;
} dp_sens_cell;

typedef struct dp_accum {
    int H;
    size_t n_levels;
    int nbins;               /* strength bins per day: bin 0 is A = 0 exactly,
                                bin b >= 1 holds A in [(b-1) 2^shift + 1, b 2^shift],
                                and the last bin also everything above */
    int shift;
    int top_bin;             /* highest bin any trajectory has used */
    int *row_lo, *row_hi;    /* per day: lowest and highest bin used */
    uint64_t unit;           /* mass of weight 1: 1, or DP_WEIGHT_UNIT */
    uint64_t n;              /* trajectories added */
    dp_u128 mass;            /* sum of masses */
    dp_u128 mass2;           /* sum of mass^2 / unit (for the effective size) */
    uint64_t days;           /* trajectory-days simulated (for benchmarks) */
    uint64_t *met;           /* met[l * (H + 1) + t]: mass first meeting level l on day t */
    uint64_t *fan;           /* fan[t * nbins + b]: mass with A in bin b at the end of day t */
    uint64_t *gone;          /* gone[t]: mass whose strength is 0 from day t on
                                without being simulated (early stop) */
    bool finished;           /* gone folded into fan */
    size_t n_sens;           /* uncertain params followed (0: no sensitivity) */
    int *sens_param;         /* their indices in the scenario's param table */
    dp_sens_cell *sens;      /* [(p * n_levels + l) * DP_SENS_BINS + b] */
    uint64_t *sens_low;      /* [(p * n_levels + l) * (H + 2) + T], T = 1..H+1 */
    uint64_t *sens_high;
} dp_accum;

/* Shapes an empty accumulator for this model (bins cover the largest
 * strength the scenario can plausibly reach). 0, or -1 on allocation failure. */
int dp_accum_init(dp_accum *a, const dp_model *m, bool weighted);
void dp_accum_free(dp_accum *a);

/* Adds one trajectory's outcome. */
void dp_accum_add(dp_accum *a, const dp_outcome *o);

/* into += from. -1 (and nothing changed) when the shapes differ or either
 * is finished. */
int dp_accum_merge(dp_accum *into, const dp_accum *from);

/* Folds early-stopped trajectories into the per-day strength counts; call once, after
 * every merge. */
void dp_accum_finish(dp_accum *a);

/* Smallest and largest strength that bin b stands for. */
int64_t dp_accum_bin_lo(const dp_accum *a, int b);
int64_t dp_accum_bin_hi(const dp_accum *a, int b);

#endif
