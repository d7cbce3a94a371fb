/*
 * dp_scenario.h - a scenario file (SPEC 2), loaded and validated.
 *
 * Every field that SPEC 1.1 draws once per trajectory is a dp_param in one
 * flat table, named by its path ("casualties.per_day", "reinforcements.0.size");
 * the structured parts refer to it by index (DP_NONE when absent). The engine
 * draws the whole table per trajectory, so later features (correlations,
 * sensitivity) address parameters by path without knowing the schema.
 */
#ifndef DP_SCENARIO_H
#define DP_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dp_diag.h"
#include "dp_dist.h"

#define DP_NONE (-1)
#define DP_PATH_MAX 64

enum { DP_ROUND_NONE, DP_ROUND_COUNT, DP_ROUND_DAY };

typedef struct dp_param {
    char path[DP_PATH_MAX];  /* "force.initial", "phases.0.from" */
    dp_dist dist;
    dp_domain domain;        /* SPEC 1.1 table */
    int round;               /* DP_ROUND_*: lround after the draw */
    double outside;          /* mass of dist outside domain (0 when none);
                                draws are conditioned on the domain */
    dp_pos pos;              /* where the value was written */
} dp_param;

typedef struct dp_phase { int from, intensity; } dp_phase;
typedef struct dp_reinforcement { int day, size, chance; } dp_reinforcement;
typedef struct dp_withdrawal {
    int day;
    int amount;              /* a fraction of A or a size */
    bool is_fraction;
    int chance;
} dp_withdrawal;

typedef struct dp_levels {
    size_t n;
    double *x;               /* fractions of N0, >= 0 */
    char **text;             /* each as written, for the `level` column */
} dp_levels;

typedef struct dp_observation {
    int64_t day;             /* day number (may lie outside 1..H: ignored) */
    double killed, wounded, casualties, strength;  /* NAN when not reported */
    double error;            /* log-scale sd, default 0.5 */
    dp_pos pos;
} dp_observation;

typedef struct dp_correlation {
    int a, b;                /* param indices */
    double r;                /* Spearman rank correlation, -1..1 */
    dp_pos pos;
} dp_correlation;

typedef struct dp_scenario {
    char *name;              /* `name`, or the file name without folder and .yaml */
    char *file;              /* path as given */
    int64_t start;           /* epoch day of day 1 */
    int horizon;             /* H, 1..36500 */
    uint64_t trajectories;
    uint64_t seed;

    dp_param *params;
    size_t n_params;

    int initial;             /* force.initial (count) */
    bool proportional;       /* casualties.rate given instead of per_day */
    int casualty;            /* casualties.per_day or casualties.rate */
    int dispersion;          /* or DP_NONE: Poisson */
    int wounded_per_killed;  /* always set (default fixed 3) */
    int non_battle;          /* non_battle.per_day, or DP_NONE */
    int rtd_fraction;        /* return_to_duty.fraction, or DP_NONE */
    bool has_rtd_delay;
    dp_dist rtd_delay;       /* drawn per soldier, domain [0, inf) */
    double rtd_delay_outside;
    dp_pos rtd_delay_pos;

    dp_phase *phases;               size_t n_phases;
    dp_reinforcement *reinforcements; size_t n_reinforcements;
    dp_withdrawal *withdrawals;     size_t n_withdrawals;   /* scheduled only */
    int below;               /* the withdrawal rule's level, or DP_NONE */

    dp_levels strength;      /* default [0] */
    dp_levels casualties;    /* default [] */

    double *percentiles;     size_t n_percentiles;  /* default 5..95 */
    double confidence;       /* default 0.95 */

    dp_observation *observations; size_t n_observations;
    dp_correlation *correlations; size_t n_correlations;
} dp_scenario;

#define DP_DEFAULT_HORIZON 365
#define DP_DEFAULT_TRAJECTORIES 1000000ULL
#define DP_DEFAULT_SEED 20250122ULL

/* Loads and validates path, applying each "KEY=VALUE" of sets (in order) as
 * if written in the file. Every problem goes to dg (errors and warnings);
 * returns NULL when there was an error (or allocation failed). */
dp_scenario *dp_scenario_load(const char *path, const char *const *sets,
                              size_t n_sets, dp_diags *dg);

void dp_scenario_free(dp_scenario *s);

/* Index of the param with this path, or DP_NONE. */
int dp_scenario_param(const dp_scenario *s, const char *path);

#endif
